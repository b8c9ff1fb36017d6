/*
 * schema.c - schema v4: the column table of DESIGN.md, in its order.
 */
#include <string.h>

#include "schema.h"

#define C(id, nm, ty, req, grp, desc) \
	[id] = { nm, SCHEMA_TYPE_##ty, req, grp, desc }

static const struct schema_column columns[SCHEMA_COL_COUNT] = {
	C(SCHEMA_COL_INPUT_INDEX, "input_index", INT64, true, "identity",
	    "position in the input list, 0-based"),
	C(SCHEMA_COL_DOMAIN, "domain", STRING, true, "identity",
	    "the input domain, normalised (lower case, no trailing dot)"),
	C(SCHEMA_COL_LIST, "list", STRING, false, "identity",
	    "name of the input list"),
	C(SCHEMA_COL_PROBED_HOST, "probed_host", STRING, false, "identity",
	    "host probed for web checks: the apex or www.<domain>"),
	C(SCHEMA_COL_RANK, "rank", INT64, false, "identity",
	    "rank in the list; null when the list has none"),
	C(SCHEMA_COL_DNS_STATUS, "dns_status", STRING, false, "dns",
	    "ok, nxdomain, servfail, refused, timeout, error"),
	C(SCHEMA_COL_NS_COUNT, "ns_count", INT32, false, "dns",
	    "number of NS records of the domain"),
	C(SCHEMA_COL_A_COUNT, "a_count", INT32, false, "dns",
	    "number of A records of the probed host"),
	C(SCHEMA_COL_AAAA_COUNT, "aaaa_count", INT32, false, "dns",
	    "number of AAAA records of the probed host"),
	C(SCHEMA_COL_MX_COUNT, "mx_count", INT32, false, "email",
	    "number of MX records of the domain"),
	C(SCHEMA_COL_WEB_IPV4, "web_ipv4", STRING, false, "dns",
	    "IPv4 address probed, text form"),
	C(SCHEMA_COL_WEB_IPV6, "web_ipv6", STRING, false, "dns",
	    "IPv6 address probed, text form"),
	C(SCHEMA_COL_IPV6_WEB, "ipv6_web", BOOLEAN, false, "dns",
	    "the probed host has an AAAA record"),
	C(SCHEMA_COL_IPV6_NS, "ipv6_ns", BOOLEAN, false, "dns",
	    "at least one name server has an AAAA record"),
	C(SCHEMA_COL_IPV6_MX, "ipv6_mx", BOOLEAN, false, "dns",
	    "at least one mail exchanger has an AAAA record"),
	C(SCHEMA_COL_CAA, "caa", BOOLEAN, false, "dns",
	    "a CAA record set applies to the domain"),
	C(SCHEMA_COL_HTTPS_RR, "https_rr", BOOLEAN, false, "dns",
	    "the probed host has an HTTPS resource record"),
	C(SCHEMA_COL_DNSSEC_STATUS, "dnssec_status", STRING, false, "dnssec",
	    "secure, insecure, bogus, indeterminate"),
	C(SCHEMA_COL_DNSSEC_REASON, "dnssec_reason", STRING, false, "dnssec",
	    "why not secure (no_ds, rrsig_expired, ds_mismatch, ...); null when secure"),
	C(SCHEMA_COL_DS_PRESENT, "ds_present", BOOLEAN, false, "dnssec",
	    "the parent zone has a DS record set for the domain"),
	C(SCHEMA_COL_DNSKEY_ALGORITHMS, "dnskey_algorithms", STRING, false,
	    "dnssec", "DNSKEY algorithm numbers, sorted, comma-separated, e.g. \"8,13\""),
	C(SCHEMA_COL_DS_DIGEST_TYPES, "ds_digest_types", STRING, false,
	    "dnssec", "DS digest type numbers, sorted, comma-separated"),
	C(SCHEMA_COL_DENIAL, "denial", STRING, false, "dnssec",
	    "authenticated denial type: nsec, nsec3"),
	C(SCHEMA_COL_NSEC3_ITERATIONS, "nsec3_iterations", INT32, false,
	    "dnssec", "NSEC3 hash iterations"),
	C(SCHEMA_COL_SIGNER_ZONE, "signer_zone", STRING, false, "dnssec",
	    "the zone whose keys signed the answer"),
	C(SCHEMA_COL_V4_ORIGIN_ASN, "v4_origin_asn", INT64, false, "rpki",
	    "origin AS of the BGP prefix covering web_ipv4"),
	C(SCHEMA_COL_V6_ORIGIN_ASN, "v6_origin_asn", INT64, false, "rpki",
	    "origin AS of the BGP prefix covering web_ipv6"),
	C(SCHEMA_COL_V4_PREFIX, "v4_prefix", STRING, false, "rpki",
	    "matched BGP prefix of web_ipv4"),
	C(SCHEMA_COL_V6_PREFIX, "v6_prefix", STRING, false, "rpki",
	    "matched BGP prefix of web_ipv6"),
	C(SCHEMA_COL_V4_ROV, "v4_rov", STRING, false, "rpki",
	    "RPKI route origin validation of the IPv4 route: valid, invalid_as, invalid_length, not_found, unrouted"),
	C(SCHEMA_COL_V6_ROV, "v6_rov", STRING, false, "rpki",
	    "RPKI route origin validation of the IPv6 route: valid, invalid_as, invalid_length, not_found, unrouted"),
	C(SCHEMA_COL_HOSTING_COUNTRY, "hosting_country", STRING, false, "geo",
	    "ISO 3166-1 alpha-2 country of the web address (mmdb)"),
	C(SCHEMA_COL_HOSTING_ASN, "hosting_asn", INT64, false, "geo",
	    "AS of the web address (mmdb)"),
	C(SCHEMA_COL_HOSTING_AS_ORG, "hosting_as_org", STRING, false, "geo",
	    "organisation of hosting_asn (mmdb)"),
	C(SCHEMA_COL_TLS_STATUS, "tls_status", STRING, false, "tls",
	    "ok, no_address, refused, timeout, handshake_failed, error"),
	C(SCHEMA_COL_TLS_VERSION, "tls_version", STRING, false, "tls",
	    "negotiated version: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"),
	C(SCHEMA_COL_TLS_CIPHER, "tls_cipher", STRING, false, "tls",
	    "negotiated cipher suite (OpenSSL name)"),
	C(SCHEMA_COL_TLS_GROUP, "tls_group", STRING, false, "tls",
	    "key-exchange group"),
	C(SCHEMA_COL_TLS_ALPN, "tls_alpn", STRING, false, "tls",
	    "negotiated ALPN protocol"),
	C(SCHEMA_COL_OCSP_STAPLED, "ocsp_stapled", BOOLEAN, false, "tls",
	    "the server stapled an OCSP response"),
	C(SCHEMA_COL_CERT_VERIFY, "cert_verify", STRING, false, "tls",
	    "ok, expired, not_yet_valid, self_signed, untrusted, hostname_mismatch, other"),
	C(SCHEMA_COL_CERT_NOT_AFTER, "cert_not_after", TIMESTAMP_US, false,
	    "tls", "leaf certificate notAfter, UTC"),
	C(SCHEMA_COL_CERT_DAYS_LEFT, "cert_days_left", INT32, false, "tls",
	    "whole days from the validation time to notAfter (negative when expired)"),
	C(SCHEMA_COL_CERT_KEY_BITS, "cert_key_bits", INT32, false, "tls",
	    "leaf public key size in bits"),
	C(SCHEMA_COL_CERT_KEY_TYPE, "cert_key_type", STRING, false, "tls",
	    "rsa, ec, ed25519, ed448"),
	C(SCHEMA_COL_CERT_SIG_ALG, "cert_sig_alg", STRING, false, "tls",
	    "leaf certificate signature algorithm"),
	C(SCHEMA_COL_CERT_ISSUER_ORG, "cert_issuer_org", STRING, false, "tls",
	    "issuer organisation (O) of the leaf certificate"),
	C(SCHEMA_COL_TLS_SCAN_STATUS, "tls_scan_status", STRING, false, "tls",
	    "TLS policy scan (--probes tlspolicy): complete, ended_early"),
	C(SCHEMA_COL_TLS_SCAN_HANDSHAKES, "tls_scan_handshakes", INT32, false,
	    "tls", "handshakes the TLS policy scan made (connect failures included)"),
	C(SCHEMA_COL_TLS_VERSIONS, "tls_versions", STRING, false, "tls",
	    "TLS versions accepted, each asked alone: TLSv1,TLSv1.1,TLSv1.2,TLSv1.3"),
	C(SCHEMA_COL_TLS_MIN_VERSION, "tls_min_version", STRING, false, "tls",
	    "the oldest TLS version accepted"),
	C(SCHEMA_COL_TLS_WEAK_CIPHERS, "tls_weak_ciphers", STRING, false, "tls",
	    "weak cipher classes accepted: 3des,rc4,null,anon,export,cbc_only"),
	C(SCHEMA_COL_TLS_DH_BITS, "tls_dh_bits", INT32, false, "tls",
	    "finite-field DH group size when DHE is accepted, 0 when refused"),
	C(SCHEMA_COL_TLS_STATIC_RSA, "tls_static_rsa", BOOLEAN, false, "tls",
	    "static RSA key exchange (RSA key transport) accepted"),
	C(SCHEMA_COL_TLS_KEX_WEAK, "tls_kex_weak", BOOLEAN, false, "tls",
	    "a DH group under 2048 bits chosen or static RSA accepted"),
	C(SCHEMA_COL_TLS_SERVER_ORDER, "tls_server_order", BOOLEAN, false,
	    "tls", "the server enforces its own cipher order"),
	C(SCHEMA_COL_TLS_SECURE_RENEG, "tls_secure_reneg", BOOLEAN, false,
	    "tls", "secure renegotiation signalled (RFC 5746)"),
	C(SCHEMA_COL_TLS_CLIENT_RENEG, "tls_client_reneg", BOOLEAN, false,
	    "tls", "client-initiated renegotiation accepted"),
	C(SCHEMA_COL_TLS_COMPRESSION, "tls_compression", BOOLEAN, false,
	    "tls", "the server chose TLS compression (DEFLATE, RFC 3749; CRIME) when offered"),
	C(SCHEMA_COL_TLS_NCSC_CLASS, "tls_ncsc_class", STRING, false, "tls",
	    "NCSC-NL TLS guidelines 2.1 class: good, sufficient, phase_out, insufficient"),
	C(SCHEMA_COL_TLS_0RTT, "tls_0rtt", BOOLEAN, false, "tls",
	    "the server's TLS 1.3 session ticket allows 0-RTT early data"),
	C(SCHEMA_COL_HTTP_STATUS, "http_status", INT32, false, "http",
	    "status code of the first HTTPS response"),
	C(SCHEMA_COL_HSTS, "hsts", BOOLEAN, false, "http",
	    "a valid Strict-Transport-Security header is present"),
	C(SCHEMA_COL_HSTS_INCLUDE_SUBDOMAINS, "hsts_include_subdomains",
	    BOOLEAN, false, "http", "HSTS includeSubDomains directive"),
	C(SCHEMA_COL_HSTS_PRELOAD, "hsts_preload", BOOLEAN, false, "http",
	    "HSTS preload directive"),
	C(SCHEMA_COL_HSTS_MAX_AGE, "hsts_max_age", INT64, false, "http",
	    "HSTS max-age in seconds"),
	C(SCHEMA_COL_CSP, "csp", BOOLEAN, false, "http",
	    "a Content-Security-Policy header is present"),
	C(SCHEMA_COL_CSP_FRAME_ANCESTORS, "csp_frame_ancestors", BOOLEAN,
	    false, "http", "the CSP has a frame-ancestors directive"),
	C(SCHEMA_COL_CSP_UNSAFE_INLINE, "csp_unsafe_inline", BOOLEAN, false,
	    "http", "the CSP allows 'unsafe-inline' scripts"),
	C(SCHEMA_COL_CSP_GRADE, "csp_grade", STRING, false, "http",
	    "CSP graded by docs/web.md's rules: good, sufficient (script rules met), bad, absent"),
	C(SCHEMA_COL_CSP_FAILURES, "csp_failures", STRING, false, "http",
	    "the CSP rules failed, comma-separated (default-src, unsafe-inline, unsafe-eval, script-sources, frame-ancestors, base-uri, form-action)"),
	C(SCHEMA_COL_X_FRAME_OPTIONS, "x_frame_options", STRING, false, "http",
	    "absent, deny, sameorigin, invalid"),
	C(SCHEMA_COL_X_CONTENT_TYPE_OPTIONS, "x_content_type_options", BOOLEAN,
	    false, "http", "X-Content-Type-Options: nosniff present"),
	C(SCHEMA_COL_REFERRER_POLICY, "referrer_policy", STRING, false, "http",
	    "absent, or the Referrer-Policy value"),
	C(SCHEMA_COL_REFERRER_POLICY_GRADE, "referrer_policy_grade", STRING,
	    false, "http",
	    "Referrer-Policy graded as Internet.nl does: good, sufficient, bad, absent"),
	C(SCHEMA_COL_PERMISSIONS_POLICY, "permissions_policy", BOOLEAN, false,
	    "http", "a Permissions-Policy header is present"),
	C(SCHEMA_COL_HTTP_REDIRECTS_HTTPS, "http_redirects_https", BOOLEAN,
	    false, "http",
	    "port 80 answers with a redirect to https on the same host"),
	C(SCHEMA_COL_SECURITY_TXT, "security_txt", STRING, false, "http",
	    "security.txt (RFC 9116) at /.well-known/ or the legacy /security.txt: absent, valid, invalid"),
	C(SCHEMA_COL_SECURITY_TXT_LOCATION, "security_txt_location", STRING,
	    false, "http",
	    "where security.txt was found (RFC 9116 3): well_known, legacy"),
	C(SCHEMA_COL_SECURITY_TXT_SIGNED, "security_txt_signed", BOOLEAN,
	    false, "http",
	    "security.txt is an OpenPGP cleartext-signed file (RFC 9116 2.3; signature not verified)"),
	C(SCHEMA_COL_SECURITY_TXT_EXPIRES_FAR, "security_txt_expires_far",
	    BOOLEAN, false, "http",
	    "security.txt Expires more than a year after the validation time (RFC 9116 2.5.5)"),
	C(SCHEMA_COL_IPV6_WEB_REACHABLE, "ipv6_web_reachable", BOOLEAN, false,
	    "http", "a TLS handshake and an HTTP response over the probed host's first IPv6 address"),
	C(SCHEMA_COL_IPV6_WEB_SAME, "ipv6_web_same", BOOLEAN, false, "http",
	    "IPv6 and IPv4 gave the same status code and security-header columns"),
	C(SCHEMA_COL_WEB_ADDRS_TESTED, "web_addrs_tested", INT32, false, "http",
	    "web addresses of the probed host tried on 443 (TCP connect + TLS handshake)"),
	C(SCHEMA_COL_WEB_ADDRS_REACHABLE, "web_addrs_reachable", INT32, false,
	    "http", "web addresses of the probed host that completed a TLS handshake"),
	C(SCHEMA_COL_HSTS_PRELOADED, "hsts_preloaded", BOOLEAN, false, "http",
	    "the probed host, or a parent with include_subdomains, is in the --hsts-preload list with mode force-https"),
	C(SCHEMA_COL_SPF, "spf", STRING, false, "email",
	    "SPF \"all\" qualifier: absent, fail, softfail, neutral, pass, none (no all), invalid"),
	C(SCHEMA_COL_DMARC, "dmarc", STRING, false, "email",
	    "DMARC policy: absent, none, quarantine, reject, invalid"),
	C(SCHEMA_COL_MTA_STS, "mta_sts", BOOLEAN, false, "email",
	    "an MTA-STS policy record is published"),
	C(SCHEMA_COL_TLSRPT, "tlsrpt", BOOLEAN, false, "email",
	    "an SMTP TLS reporting (TLS-RPT) record is published"),
	C(SCHEMA_COL_DANE_MX, "dane_mx", BOOLEAN, false, "email",
	    "a DNSSEC-secure TLSA record exists for an MX host"),
	C(SCHEMA_COL_DANE_WEB, "dane_web", BOOLEAN, false, "tls",
	    "a DNSSEC-secure TLSA record exists for _443._tcp of the probed host"),
	C(SCHEMA_COL_MX_TESTED, "mx_tested", INT32, false, "mail",
	    "MX hosts the mail probe connected to (at most --mx-max)"),
	C(SCHEMA_COL_MX_STARTTLS, "mx_starttls", STRING, false, "mail",
	    "STARTTLS over the tested MX hosts that answered: all, some, none; unreachable when none answered"),
	C(SCHEMA_COL_MX_TLS_VERSION, "mx_tls_version", STRING, false, "mail",
	    "lowest TLS version negotiated by a tested MX host"),
	C(SCHEMA_COL_MX_CERT_VERIFY, "mx_cert_verify", STRING, false, "mail",
	    "worst cert_verify of the tested MX hosts, against the MX name"),
	C(SCHEMA_COL_MX_DANE, "mx_dane", STRING, false, "mail",
	    "DANE (RFC 7672) of the MX hosts with a secure TLSA: valid, invalid, partial; none without"),
	C(SCHEMA_COL_DANE_WEB_VALID, "dane_web_valid", STRING, false, "mail",
	    "the web host's secure TLSA against its chain: valid, invalid; none without"),
	C(SCHEMA_COL_MTA_STS_MODE, "mta_sts_mode", STRING, false, "mail",
	    "the MTA-STS policy (RFC 8461): enforce, testing, none, invalid, unavailable"),
	C(SCHEMA_COL_MTA_STS_MX_MATCH, "mta_sts_mx_match", BOOLEAN, false,
	    "mail", "every MX host matches an mx pattern of the policy"),
	C(SCHEMA_COL_TLSRPT_VALID, "tlsrpt_valid", BOOLEAN, false, "mail",
	    "the TLS-RPT record (RFC 8460) is valid with valid rua URIs"),
	C(SCHEMA_COL_MAIL_ERROR, "mail_error", STRING, false, "mail",
	    "first failure of the mail stage, short text"),
	C(SCHEMA_COL_NS_ROV, "ns_rov", STRING, false, "rpki",
	    "worst RFC 6811 state over the routed addresses of the NS hosts: invalid_as, invalid_length, not_found, valid; unrouted when none is routed"),
	C(SCHEMA_COL_NS_ROV_ADDRS, "ns_rov_addrs", INT32, false, "rpki",
	    "NS host addresses (IPv4 and IPv6) checked for ns_rov"),
	C(SCHEMA_COL_MX_ROV, "mx_rov", STRING, false, "rpki",
	    "worst RFC 6811 state over the routed addresses of the MX hosts, as ns_rov"),
	C(SCHEMA_COL_MX_ROV_ADDRS, "mx_rov_addrs", INT32, false, "rpki",
	    "MX host addresses (IPv4 and IPv6) checked for mx_rov"),
	C(SCHEMA_COL_WEB_ROV_ALL, "web_rov_all", STRING, false, "rpki",
	    "worst RFC 6811 state over every routed web address of the probed host, as ns_rov"),
	C(SCHEMA_COL_WEB_ROV_ADDRS, "web_rov_addrs", INT32, false, "rpki",
	    "web addresses (IPv4 and IPv6) checked for web_rov_all"),
	C(SCHEMA_COL_NS_V6_COUNT, "ns_v6_count", INT32, false, "dns",
	    "NS hosts with an AAAA record"),
	C(SCHEMA_COL_NS_V6_REACHABLE, "ns_v6_reachable", INT32, false, "dns",
	    "NS hosts with AAAA that answered an SOA query for the domain over IPv6"),
	C(SCHEMA_COL_NS_LAME, "ns_lame", INT32, false, "dns",
	    "NS hosts that gave no authoritative answer for the domain's SOA on any address"),
	C(SCHEMA_COL_NS_ASN_COUNT, "ns_asn_count", INT32, false, "dns",
	    "distinct origin ASes of the NS host addresses"),
	C(SCHEMA_COL_NS_OPERATOR, "ns_operator", STRING, false, "dns",
	    "registrable domain of the NS host names (the most common; ties: the first in byte order)"),
	C(SCHEMA_COL_MX_OPERATOR, "mx_operator", STRING, false, "email",
	    "registrable domain of the MX host names (the most common; ties: the first in byte order)"),
	C(SCHEMA_COL_MX_DNSSEC, "mx_dnssec", BOOLEAN, false, "dnssec",
	    "every MX host's address answers validated secure"),
	C(SCHEMA_COL_DMARC_SOURCE, "dmarc_source", STRING, false, "email",
	    "where the applicable DMARC record is (RFC 7489 6.6.3): domain, organisational, none"),
	C(SCHEMA_COL_DMARC_POLICY, "dmarc_policy", STRING, false, "email",
	    "the DMARC policy that applies to the domain, inherited included (sp of an organisational record): none, quarantine, reject"),
	C(SCHEMA_COL_DMARC_SP, "dmarc_sp", STRING, false, "email",
	    "sp= of the applicable record: none, quarantine, reject; null when absent"),
	C(SCHEMA_COL_DMARC_PCT, "dmarc_pct", INT32, false, "email",
	    "pct= of the applicable record (100 when absent)"),
	C(SCHEMA_COL_DMARC_ADKIM, "dmarc_adkim", STRING, false, "email",
	    "adkim= of the applicable record: r, s (r when absent)"),
	C(SCHEMA_COL_DMARC_ASPF, "dmarc_aspf", STRING, false, "email",
	    "aspf= of the applicable record: r, s (r when absent)"),
	C(SCHEMA_COL_DMARC_RUA, "dmarc_rua", INT32, false, "email",
	    "rua= URIs of the applicable record"),
	C(SCHEMA_COL_DMARC_RUF, "dmarc_ruf", INT32, false, "email",
	    "ruf= URIs of the applicable record"),
	C(SCHEMA_COL_DMARC_EXTERNAL, "dmarc_external", BOOLEAN, false, "email",
	    "a rua/ruf mailto: destination outside the domain's organisational domain (RFC 7489 7.1)"),
	C(SCHEMA_COL_DMARC_ERROR, "dmarc_error", STRING, false, "email",
	    "why the DMARC record found is invalid, e.g. p_missing, bad_pct, multiple_records"),
	C(SCHEMA_COL_SPF_LOOKUPS, "spf_lookups", INT32, false, "email",
	    "DNS-querying SPF terms evaluated (RFC 7208 4.6.4; include, a, mx, ptr, exists, redirect)"),
	C(SCHEMA_COL_SPF_VOID_LOOKUPS, "spf_void_lookups", INT32, false, "email",
	    "SPF lookups that returned no records (RFC 7208 4.6.4)"),
	C(SCHEMA_COL_SPF_RESULT_ALL, "spf_result_all", STRING, false, "email",
	    "the effective all qualifier after redirect: pass, fail, softfail, neutral; none without all"),
	C(SCHEMA_COL_SPF_ERROR, "spf_error", STRING, false, "email",
	    "SPF permerror or temperror kind: too_many_lookups, too_many_void, syntax, loop, missing_include, multiple_records, temperror"),
	C(SCHEMA_COL_DKIM_HINT, "dkim_hint", STRING, false, "email",
	    "_domainkey.DOMAIN per RFC 8020: none (NXDOMAIN: no keys below), maybe (NOERROR)"),
	C(SCHEMA_COL_CAA_ISSUE, "caa_issue", BOOLEAN, false, "dns",
	    "the relevant CAA set (RFC 8659 3, climbing to parents) has an issue property"),
	C(SCHEMA_COL_CAA_IODEF, "caa_iodef", BOOLEAN, false, "dns",
	    "the relevant CAA set has an iodef property"),
	C(SCHEMA_COL_CAA_INHERITED, "caa_inherited", BOOLEAN, false, "dns",
	    "the relevant CAA set was found at a parent name, not the domain"),
	C(SCHEMA_COL_DNS_MS, "dns_ms", INT32, false, "timing",
	    "milliseconds spent in DNS and DNSSEC probes"),
	C(SCHEMA_COL_TLS_MS, "tls_ms", INT32, false, "timing",
	    "milliseconds spent in the TLS probe"),
	C(SCHEMA_COL_HTTP_MS, "http_ms", INT32, false, "timing",
	    "milliseconds spent in the HTTP probes"),
	C(SCHEMA_COL_MAIL_MS, "mail_ms", INT32, false, "timing",
	    "milliseconds spent in the mail stage"),
	C(SCHEMA_COL_ERROR, "error", STRING, false, "timing",
	    "first error met, short text"),
};

size_t
schema_column_count(void)
{
	return SCHEMA_COL_COUNT;
}

const struct schema_column *
schema_column_get(size_t i)
{
	if (i >= SCHEMA_COL_COUNT)
		return NULL;
	return &columns[i];
}

int
schema_column_find(const char *name)
{
	for (size_t i = 0; i < SCHEMA_COL_COUNT; i++)
		if (strcmp(columns[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
schema_type_name(enum schema_type type)
{
	switch (type) {
	case SCHEMA_TYPE_INT32:
		return "INT32";
	case SCHEMA_TYPE_INT64:
		return "INT64";
	case SCHEMA_TYPE_BOOLEAN:
		return "BOOLEAN";
	case SCHEMA_TYPE_STRING:
		return "STRING";
	case SCHEMA_TYPE_TIMESTAMP_US:
		return "TIMESTAMP";
	}
	return "?";
}

const char *
schema_type_parquet_name(enum schema_type type)
{
	switch (type) {
	case SCHEMA_TYPE_INT32:
		return "INT32";
	case SCHEMA_TYPE_INT64:
		return "INT64";
	case SCHEMA_TYPE_BOOLEAN:
		return "BOOLEAN";
	case SCHEMA_TYPE_STRING:
		return "BYTE_ARRAY (STRING)";
	case SCHEMA_TYPE_TIMESTAMP_US:
		return "INT64 (TIMESTAMP(MICROS, UTC))";
	}
	return "?";
}
