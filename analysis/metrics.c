/*
 * metrics.c - the metric table: every adoption figure uptake publishes,
 * with its denominator and numerator as conditions over schema v2
 * columns (see metrics.h for the condition language).
 *
 * Principles behind the definitions (docs/method.md says them in full):
 * - "Not measured" (null) is never "not adopted": a row whose relevant
 *   column is null is outside n, not a failure in k.
 * - n is the population for which the question makes sense: mail
 *   questions only for domains with MX, header questions only where an
 *   HTTPS response came, RPKI questions only for routed addresses.
 * - A failure that is itself the measured fact (a refused TLS connection
 *   for https_ok, a bogus DNSSEC chain) stays inside n.
 */
#include <string.h>

#include "metrics.h"

#define WEB_HOST "(a_count > 0 OR aaaa_count > 0)"
#define HTTP_OK "http_status IS NOT NULL"
#define ROUTED_V4 "v4_rov IS NOT NULL AND v4_rov <> 'unrouted'"
#define ROUTED_V6 "v6_rov IS NOT NULL AND v6_rov <> 'unrouted'"
#define ROUTED_ANY "(v4_rov <> 'unrouted' OR v6_rov <> 'unrouted')"
#define VERDICT "dnssec_status IN ('secure', 'insecure', 'bogus')"
/* An MX host of the domain answered the mail probe (docs/mail.md). */
#define MX_ANSWERED "mx_starttls IN ('all', 'some', 'none')"

static const struct metric table[] = {
	/* DNS */
	{ "resolves", "dns", "Resolves",
	    "the domain's DNS answers (status ok)",
	    "dns_status IS NOT NULL",
	    "dns_status = 'ok'",
	    "dns_status null (DNS probe not run)" },
	{ "ipv6_web", "dns", "IPv6 web",
	    "the web host (apex or www) has an AAAA record",
	    "dns_status = 'ok' AND ipv6_web IS NOT NULL AND " WEB_HOST,
	    "ipv6_web IS TRUE",
	    "domains that do not resolve or have no web address (neither A nor AAAA)" },
	{ "ipv6_ns", "dns", "IPv6 name servers",
	    "at least one name server has an AAAA record",
	    "dns_status = 'ok' AND ipv6_ns IS NOT NULL",
	    "ipv6_ns IS TRUE",
	    "domains that do not resolve" },
	{ "ipv6_mx", "dns", "IPv6 mail",
	    "at least one MX host has an AAAA record",
	    "dns_status = 'ok' AND mx_count > 0 AND ipv6_mx IS NOT NULL",
	    "ipv6_mx IS TRUE",
	    "domains that do not resolve or have no MX" },
	{ "ipv6_ns_two", "dns", "Two IPv6 name servers",
	    "at least two name servers have an AAAA record (Internet.nl's rule)",
	    "dns_status = 'ok' AND ns_v6_count IS NOT NULL",
	    "ns_v6_count >= 2",
	    "domains that do not resolve or have no NS host (ns_v6_count null)" },
	{ "caa", "dns", "CAA",
	    "a CAA record set applies to the domain",
	    "dns_status = 'ok' AND caa IS NOT NULL",
	    "caa IS TRUE",
	    "domains that do not resolve" },
	{ "caa_issue", "dns", "CAA issue",
	    "the relevant CAA record set (RFC 8659 3: the domain's, else the "
	    "closest parent's up to the TLD) has an issue property",
	    "dns_status = 'ok' AND caa_issue IS NOT NULL",
	    "caa_issue IS TRUE",
	    "domains that do not resolve, or whose CAA lookups failed" },
	{ "https_rr", "dns", "HTTPS record",
	    "the web host publishes an HTTPS (SVCB) resource record",
	    "dns_status = 'ok' AND https_rr IS NOT NULL AND " WEB_HOST,
	    "https_rr IS TRUE",
	    "domains that do not resolve or have no web address" },
	/* DNSSEC */
	{ "dnssec_signed", "dnssec", "DNSSEC secure",
	    "the web host's address answers validate as secure from the root trust anchor",
	    "dns_status = 'ok' AND " VERDICT,
	    "dnssec_status = 'secure'",
	    "domains that do not resolve; dnssec_status null or indeterminate (the validator reached no verdict)" },
	{ "dnssec_bogus", "dnssec", "DNSSEC bogus",
	    "the chain of trust is broken (validating resolvers fail the domain)",
	    "dns_status = 'ok' AND " VERDICT,
	    "dnssec_status = 'bogus'",
	    "domains that do not resolve; dnssec_status null or indeterminate" },
	{ "mx_dnssec", "dnssec", "MX zones signed",
	    "every MX host's address answer validates as secure (DANE for mail can be meaningful)",
	    "dns_status = 'ok' AND mx_dnssec IS NOT NULL",
	    "mx_dnssec IS TRUE",
	    "domains that do not resolve or have no MX host; mx_dnssec null (no verdict for a host, none insecure or bogus)" },
	{ "ds_present", "dnssec", "DS at parent",
	    "the parent zone publishes a DS record set for the domain (asked of the parent, whatever the domain's own servers do)",
	    "ds_present IS NOT NULL",
	    "ds_present IS TRUE",
	    "names that do not exist (nxdomain) or whose parent's DS answer was unusable (ds_present null); lame domains are inside n" },
	/* RPKI */
	{ "rpki_roa_covered_v4", "rpki", "ROA covers IPv4 route",
	    "a ROA covers the BGP route of the web host's IPv4 address (valid or invalid)",
	    ROUTED_V4,
	    "v4_rov IN ('valid', 'invalid_as', 'invalid_length')",
	    "no IPv4 web address (v4_rov null) or an address no BGP route covers (unrouted)" },
	{ "rpki_roa_covered_v6", "rpki", "ROA covers IPv6 route",
	    "a ROA covers the BGP route of the web host's IPv6 address (valid or invalid)",
	    ROUTED_V6,
	    "v6_rov IN ('valid', 'invalid_as', 'invalid_length')",
	    "no IPv6 web address (v6_rov null) or an address no BGP route covers (unrouted)" },
	{ "rpki_valid", "rpki", "RPKI valid",
	    "every routed web address (IPv4 and IPv6) has an RPKI-valid route",
	    ROUTED_ANY,
	    "(v4_rov IS NULL OR v4_rov IN ('valid', 'unrouted')) AND "
	    "(v6_rov IS NULL OR v6_rov IN ('valid', 'unrouted'))",
	    "domains with no routed web address in either family" },
	{ "rpki_invalid", "rpki", "RPKI invalid",
	    "some routed web address has an RPKI-invalid route (wrong origin AS or too specific)",
	    ROUTED_ANY,
	    "(v4_rov IN ('invalid_as', 'invalid_length') OR "
	    "v6_rov IN ('invalid_as', 'invalid_length'))",
	    "domains with no routed web address in either family" },
	{ "ns_rpki_valid", "rpki", "NS RPKI valid",
	    "every routed address of every name server has an RPKI-valid route",
	    "ns_rov IS NOT NULL AND ns_rov <> 'unrouted'",
	    "ns_rov = 'valid'",
	    "no NS address looked up (ns_rov null: no routing data, or no NS host) or none routed (unrouted)" },
	{ "mx_rpki_valid", "rpki", "MX RPKI valid",
	    "every routed address of every MX host has an RPKI-valid route",
	    "mx_rov IS NOT NULL AND mx_rov <> 'unrouted'",
	    "mx_rov = 'valid'",
	    "no MX address looked up (mx_rov null: no routing data, or no MX host) or none routed (unrouted)" },
	/* TLS */
	{ "https_ok", "tls", "HTTPS works",
	    "a TLS handshake on port 443 completed and an HTTP response came back",
	    "tls_status IS NOT NULL AND tls_status <> 'no_address'",
	    "tls_status = 'ok' AND " HTTP_OK,
	    "tls_status null (TLS probe not run, or the address blocked or opted out: not contacted) or no_address (no web address to connect to)" },
	{ "tls13", "tls", "TLS 1.3",
	    "the server negotiates TLS 1.3 (the probe offers up to 1.3)",
	    "tls_status = 'ok' AND tls_version IS NOT NULL",
	    "tls_version = 'TLSv1.3'",
	    "no completed TLS handshake" },
	{ "tls_legacy", "tls", "TLS below 1.2",
	    "the best version the server negotiates is below TLS 1.2",
	    "tls_status = 'ok' AND tls_version IS NOT NULL",
	    "tls_version IN ('SSLv3', 'TLSv1', 'TLSv1.1')",
	    "no completed TLS handshake" },
	{ "cert_valid", "tls", "Valid certificate",
	    "the certificate chain verifies and matches the host name",
	    "tls_status = 'ok' AND cert_verify IS NOT NULL",
	    "cert_verify = 'ok'",
	    "no completed TLS handshake" },
	{ "dane_web", "tls", "DANE for HTTPS",
	    "a DNSSEC-secure TLSA record exists for _443._tcp of the web host",
	    "dns_status = 'ok' AND dane_web IS NOT NULL AND " WEB_HOST,
	    "dane_web IS TRUE",
	    "domains that do not resolve or have no web address" },
	/* The TLS policy scan (--probes tlspolicy; docs/web.md) */
	{ "tls_no_legacy", "tls", "No legacy TLS accepted",
	    "the server accepts no version below TLS 1.2 (each version asked alone; SSLv3 and SSLv2 not measured)",
	    "tls_versions IS NOT NULL AND tls_min_version IS NOT NULL",
	    "tls_min_version IN ('TLSv1.2', 'TLSv1.3')",
	    "not scanned (tlspolicy probe off, no completed web handshake) or a version step unanswered" },
	{ "tls_no_weak_ciphers", "tls", "No weak ciphers accepted",
	    "the server accepts none of 3DES, RC4, NULL, anonymous, EXPORT, and under TLS 1.2 offers an AEAD suite",
	    "tls_weak_ciphers IS NOT NULL",
	    "tls_weak_ciphers = ''",
	    "not scanned, or a weak class not asked (the scan ended early)" },
	{ "tls_ncsc_ok", "tls", "NCSC-NL TLS good or sufficient",
	    "the server's worst fact is good or sufficient by the NCSC-NL TLS guidelines 2.1 (docs/web.md)",
	    "tls_ncsc_class IS NOT NULL",
	    "tls_ncsc_class IN ('good', 'sufficient')",
	    "not scanned, or a fact not measured could make the class worse" },
	/* HTTP */
	{ "hsts", "http", "HSTS",
	    "a valid Strict-Transport-Security header with max-age > 0",
	    HTTP_OK " AND hsts IS NOT NULL",
	    "hsts IS TRUE",
	    "no HTTPS response (TLS failed or no HTTP answer)" },
	{ "hsts_strong", "http", "HSTS >= 1 year",
	    "HSTS in force with max-age of at least one year (31536000 s)",
	    HTTP_OK " AND hsts IS NOT NULL",
	    "hsts IS TRUE AND hsts_max_age >= 31536000",
	    "no HTTPS response" },
	{ "hsts_preload", "http", "HSTS preload",
	    "HSTS in force with the preload directive (the directive, not preload-list membership)",
	    HTTP_OK " AND hsts IS NOT NULL",
	    "hsts IS TRUE AND hsts_preload IS TRUE",
	    "no HTTPS response" },
	{ "csp", "http", "CSP",
	    "a Content-Security-Policy header (not Report-Only)",
	    HTTP_OK " AND csp IS NOT NULL",
	    "csp IS TRUE",
	    "no HTTPS response" },
	{ "csp_frame_ancestors", "http", "CSP frame-ancestors",
	    "a Content-Security-Policy with a frame-ancestors directive",
	    HTTP_OK " AND csp IS NOT NULL",
	    "csp IS TRUE AND csp_frame_ancestors IS TRUE",
	    "no HTTPS response (a site without CSP is inside n and not in k)" },
	{ "x_frame_options", "http", "X-Frame-Options",
	    "X-Frame-Options is DENY or SAMEORIGIN",
	    HTTP_OK " AND x_frame_options IS NOT NULL",
	    "x_frame_options IN ('deny', 'sameorigin')",
	    "no HTTPS response" },
	{ "nosniff", "http", "X-Content-Type-Options",
	    "X-Content-Type-Options: nosniff",
	    HTTP_OK " AND x_content_type_options IS NOT NULL",
	    "x_content_type_options IS TRUE",
	    "no HTTPS response" },
	{ "referrer_policy", "http", "Referrer-Policy",
	    "a Referrer-Policy that never sends the full URL to other origins (not unsafe-url or no-referrer-when-downgrade)",
	    HTTP_OK " AND referrer_policy IS NOT NULL",
	    "referrer_policy IN ('no-referrer', 'same-origin', 'strict-origin', "
	    "'strict-origin-when-cross-origin', 'origin', "
	    "'origin-when-cross-origin')",
	    "no HTTPS response" },
	{ "csp_good", "http", "CSP good",
	    "a Content-Security-Policy meeting every rule of docs/web.md: default-src, no unsafe-inline or unsafe-eval, closed script sources, frame-ancestors, base-uri, form-action",
	    HTTP_OK " AND csp_grade IS NOT NULL",
	    "csp_grade = 'good'",
	    "no HTTPS response (a site without CSP is inside n and not in k)" },
	{ "csp_scripts", "http", "CSP stops scripts",
	    "a Content-Security-Policy meeting the script rules (no unsafe-inline or unsafe-eval, closed script sources): graded good or sufficient",
	    HTTP_OK " AND csp_grade IS NOT NULL",
	    "csp_grade IN ('good', 'sufficient')",
	    "no HTTPS response (a site without CSP is inside n and not in k)" },
	{ "referrer_policy_nl", "http", "Referrer-Policy (Internet.nl)",
	    "a Referrer-Policy Internet.nl grades good or sufficient (no-referrer, same-origin, strict-origin, strict-origin-when-cross-origin)",
	    HTTP_OK " AND referrer_policy_grade IS NOT NULL",
	    "referrer_policy_grade IN ('good', 'sufficient')",
	    "no HTTPS response" },
	{ "permissions_policy", "http", "Permissions-Policy",
	    "a Permissions-Policy header",
	    HTTP_OK " AND permissions_policy IS NOT NULL",
	    "permissions_policy IS TRUE",
	    "no HTTPS response" },
	{ "http_redirects_https", "http", "HTTP redirects to HTTPS",
	    "port 80 answers with a redirect to https on the same host",
	    "http_redirects_https IS NOT NULL",
	    "http_redirects_https IS TRUE",
	    "no HTTP response on port 80 (refused, closed, timeout) or no web address" },
	{ "security_txt_valid", "http", "security.txt",
	    "a valid security.txt at /.well-known/ or the legacy /security.txt, same-host redirects followed (RFC 9116: Contact, one unexpired Expires, text/plain)",
	    "security_txt IS NOT NULL",
	    "security_txt = 'valid'",
	    "no HTTPS response to the security.txt request" },
	{ "hsts_preloaded", "http", "preloaded",
	    "the probed host is on the HSTS preload list the crawl was given (--hsts-preload, Chromium's), itself or under a parent entry with include_subdomains",
	    "hsts_preloaded IS NOT NULL",
	    "hsts_preloaded IS TRUE",
	    "crawled without --hsts-preload or the http probe, or no web address" },
	{ "ipv6_web_reachable", "http", "IPv6 web reachable",
	    "a TLS handshake and an HTTP response over the web host's first IPv6 address (Internet.nl: web server reachable over IPv6)",
	    "ipv6_web_reachable IS NOT NULL",
	    "ipv6_web_reachable IS TRUE",
	    "no AAAA for the web host, the tls or http probe off, or the IPv6 address blocked" },
	/* Email */
	{ "spf_strict", "email", "SPF -all",
	    "the SPF record ends in -all (fail), also for domains that send no mail",
	    "dns_status = 'ok' AND spf IS NOT NULL",
	    "spf = 'fail'",
	    "domains that do not resolve" },
	{ "spf_effective", "email", "SPF effective",
	    "the SPF record evaluates as RFC 7208 does (include and redirect "
	    "followed) without an error, to -all or ~all",
	    "dns_status = 'ok' AND spf IS NOT NULL AND "
	    "(spf = 'absent' OR spf_lookups IS NOT NULL)",
	    "spf_error IS NULL AND spf_result_all IN ('fail', 'softfail')",
	    "domains that do not resolve, or whose SPF evaluation did not end "
	    "(the deadline)" },
	{ "dmarc_enforced", "email", "DMARC enforced",
	    "the DMARC policy is quarantine or reject",
	    "dns_status = 'ok' AND dmarc IS NOT NULL",
	    "dmarc IN ('quarantine', 'reject')",
	    "domains that do not resolve" },
	{ "dmarc_enforced_full", "email", "DMARC enforced, pct=100",
	    "the DMARC policy that applies (RFC 7489 6.6.3: the domain's "
	    "record, else the organisational domain's, its sp inherited) is "
	    "quarantine or reject for every message (pct=100)",
	    "dns_status = 'ok' AND dmarc_source IS NOT NULL",
	    "dmarc_policy IN ('quarantine', 'reject') AND dmarc_pct = 100",
	    "domains that do not resolve, or whose DMARC lookups failed" },
	{ "mta_sts", "email", "MTA-STS",
	    "an MTA-STS policy record is published",
	    "dns_status = 'ok' AND mx_count > 0 AND mta_sts IS NOT NULL",
	    "mta_sts IS TRUE",
	    "domains that do not resolve or have no MX (receive no mail)" },
	{ "tlsrpt", "email", "TLS-RPT",
	    "an SMTP TLS reporting record is published",
	    "dns_status = 'ok' AND mx_count > 0 AND tlsrpt IS NOT NULL",
	    "tlsrpt IS TRUE",
	    "domains that do not resolve or have no MX" },
	{ "dane_mx", "email", "DANE for mail",
	    "a DNSSEC-secure TLSA record exists for the MX host",
	    "dns_status = 'ok' AND mx_count > 0 AND dane_mx IS NOT NULL",
	    "dane_mx IS TRUE",
	    "domains that do not resolve or have no MX" },
	/* Mail transport (the mail stage, docs/mail.md) */
	{ "starttls_all", "mail", "STARTTLS on all MX",
	    "every tested MX host that answered completed STARTTLS and the TLS handshake",
	    MX_ANSWERED,
	    "mx_starttls = 'all'",
	    "no MX, mail probe not run, or no tested MX host answered (unreachable: often port 25 blocked on the crawler's side)" },
	{ "mail_tls12", "mail", "Mail TLS 1.2+",
	    "every tested MX host that answered completed STARTTLS, the lowest version TLS 1.2 or newer",
	    MX_ANSWERED,
	    "mx_starttls = 'all' AND mx_tls_version IN ('TLSv1.2', 'TLSv1.3')",
	    "no MX, mail probe not run, or no tested MX host answered" },
	{ "dane_mx_valid", "mail", "DANE valid for mail",
	    "every MX address reached over TLS with a secure TLSA matched it (RFC 7672)",
	    MX_ANSWERED,
	    "mx_dane = 'valid'",
	    "no MX, mail probe not run, or no tested MX host answered" },
	{ "mta_sts_enforce", "mail", "MTA-STS enforce",
	    "the MTA-STS policy fetched is in enforce mode (RFC 8461)",
	    "mx_tested IS NOT NULL",
	    "mta_sts_mode = 'enforce'",
	    "no MX or mail probe not run" },
	{ "dane_web_valid", "mail", "DANE valid for web",
	    "the web host's secure TLSA matched the chain it served (RFC 7671)",
	    "dane_web_valid IS NOT NULL",
	    "dane_web_valid = 'valid'",
	    "no TLS handshake with the web host, or TLS probe not run" },
};

#define NMETRICS (sizeof(table) / sizeof(table[0]))

static const char *const groups[] = { "dns", "dnssec", "rpki", "tls", "http",
	"email", "mail", NULL };

size_t
metric_count(void)
{
	return NMETRICS;
}

const struct metric *
metric_get(size_t i)
{
	return i < NMETRICS ? &table[i] : NULL;
}

int
metric_find(const char *name)
{
	for (size_t i = 0; i < NMETRICS; i++)
		if (strcmp(table[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *const *
metric_groups(void)
{
	return groups;
}

const char *
metric_group_title(const char *group)
{
	static const struct {
		const char *group, *title;
	} titles[] = {
		{ "dns", "DNS and IPv6" },
		{ "dnssec", "DNSSEC" },
		{ "rpki", "RPKI route origin validation" },
		{ "tls", "TLS and certificates" },
		{ "http", "Web security headers" },
		{ "email", "Email security" },
		{ "mail", "Mail transport" },
	};

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i].group, group) == 0)
			return titles[i].title;
	return group;
}
