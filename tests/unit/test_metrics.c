/*
 * test_metrics.c - the metric table: every condition parses, names are
 * unique, malformed conditions are rejected with a reason, and each
 * metric puts hand-made rows where its documented definition says: in k,
 * in n but not k, or outside n.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tap.h"
#include "util.h"

static char strbuf[64][64];

/*
 * A row from "col=value ..." (unnamed columns are null).  Values: true,
 * false, integers, or text for STRING columns.
 */
static void
row_make(const char *spec, struct schema_value *row)
{
	char *copy = xstrdup(spec), *save = NULL;
	int ns = 0;

	memset(row, 0, SCHEMA_COL_COUNT * sizeof(*row));
	for (char *t = strtok_r(copy, " ", &save); t;
	    t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');
		if (eq == NULL)
			abort();
		*eq = '\0';
		int c = schema_column_find(t);
		if (c < 0) {
			fprintf(stderr, "no column %s\n", t);
			abort();
		}
		struct schema_value *v = &row[c];
		const char *val = eq + 1;
		v->present = true;
		switch (schema_column_get((size_t)c)->type) {
		case SCHEMA_TYPE_BOOLEAN:
			v->u.b = strcmp(val, "true") == 0;
			break;
		case SCHEMA_TYPE_INT32:
			v->u.i32 = atoi(val);
			break;
		case SCHEMA_TYPE_INT64:
		case SCHEMA_TYPE_TIMESTAMP_US:
			v->u.i64 = atoll(val);
			break;
		case SCHEMA_TYPE_STRING:
			snprintf(strbuf[ns], sizeof(strbuf[ns]), "%s", val);
			v->u.str.ptr = strbuf[ns];
			v->u.str.len = strlen(strbuf[ns]);
			ns++;
			break;
		}
	}
	free(copy);
}

/* Expected place of a row: O outside n, N in n not k, K in k. */
struct mcase {
	const char *metric;
	char want;
	const char *row;
};

#define DNS "dns_status=ok "
#define WEB DNS "a_count=1 aaaa_count=0 "
#define HTTP "tls_status=ok http_status=200 "

static const struct mcase cases[] = {
	{ "resolves", 'K', "dns_status=ok" },
	{ "resolves", 'N', "dns_status=nxdomain" },
	{ "resolves", 'N', "dns_status=timeout" },
	{ "resolves", 'O', "domain=x.se" },

	{ "ipv6_web", 'K', DNS "a_count=0 aaaa_count=1 ipv6_web=true" },
	{ "ipv6_web", 'N', WEB "ipv6_web=false" },
	{ "ipv6_web", 'O', DNS "a_count=0 aaaa_count=0 ipv6_web=false" },
	{ "ipv6_web", 'O', "dns_status=servfail" },
	{ "ipv6_web", 'O', WEB },
	{ "ipv6_ns", 'K', DNS "ipv6_ns=true" },
	{ "ipv6_ns", 'N', DNS "ipv6_ns=false" },
	{ "ipv6_ns", 'O', "dns_status=nxdomain" },
	{ "ipv6_ns_two", 'K', DNS "ns_v6_count=2" },
	{ "ipv6_ns_two", 'K', DNS "ns_v6_count=4 ns_v6_reachable=1" },
	{ "ipv6_ns_two", 'N', DNS "ns_v6_count=1" },
	{ "ipv6_ns_two", 'N', DNS "ns_v6_count=0" },
	{ "ipv6_ns_two", 'O', DNS "ipv6_ns=true" },
	{ "ipv6_ns_two", 'O', "dns_status=servfail" },
	{ "ipv6_mx", 'K', DNS "mx_count=2 ipv6_mx=true" },
	{ "ipv6_mx", 'N', DNS "mx_count=1 ipv6_mx=false" },
	{ "ipv6_mx", 'O', DNS "mx_count=0" },
	{ "ipv6_mx", 'O', DNS "ipv6_mx=true" },
	{ "caa", 'K', DNS "caa=true" },
	{ "caa", 'N', DNS "caa=false" },
	{ "caa", 'O', "dns_status=refused" },
	{ "caa_issue", 'K', DNS "caa_issue=true caa_inherited=false" },
	{ "caa_issue", 'K', DNS "caa=false caa_issue=true caa_inherited=true" },
	{ "caa_issue", 'N', DNS "caa=true caa_issue=false caa_iodef=true" },
	{ "caa_issue", 'O', DNS "caa=true" },
	{ "caa_issue", 'O', "dns_status=servfail" },
	{ "https_rr", 'K', WEB "https_rr=true" },
	{ "https_rr", 'N', WEB "https_rr=false" },
	{ "https_rr", 'O', DNS "a_count=0 aaaa_count=0 https_rr=false" },

	{ "dnssec_signed", 'K', DNS "dnssec_status=secure" },
	{ "dnssec_signed", 'N', DNS "dnssec_status=insecure" },
	{ "dnssec_signed", 'N', DNS "dnssec_status=bogus" },
	{ "dnssec_signed", 'O', DNS "dnssec_status=indeterminate" },
	{ "dnssec_signed", 'O', DNS },
	{ "dnssec_signed", 'O', "dns_status=nxdomain dnssec_status=secure" },
	{ "mx_dnssec", 'K', DNS "mx_count=1 mx_dnssec=true" },
	{ "mx_dnssec", 'N', DNS "mx_count=2 mx_dnssec=false" },
	{ "mx_dnssec", 'O', DNS "mx_count=1" },
	{ "mx_dnssec", 'O', DNS "mx_count=0" },
	{ "dnssec_bogus", 'K', DNS "dnssec_status=bogus" },
	{ "dnssec_bogus", 'N', DNS "dnssec_status=secure" },
	{ "dnssec_bogus", 'O', DNS "dnssec_status=indeterminate" },
	{ "ds_present", 'K', DNS "ds_present=true" },
	{ "ds_present", 'N', DNS "ds_present=false" },
	{ "ds_present", 'O', DNS },

	{ "rpki_roa_covered_v4", 'K', "v4_rov=valid" },
	{ "rpki_roa_covered_v4", 'K', "v4_rov=invalid_as" },
	{ "rpki_roa_covered_v4", 'K', "v4_rov=invalid_length" },
	{ "rpki_roa_covered_v4", 'N', "v4_rov=not_found" },
	{ "rpki_roa_covered_v4", 'O', "v4_rov=unrouted" },
	{ "rpki_roa_covered_v4", 'O', "v6_rov=valid" },
	{ "rpki_roa_covered_v6", 'K', "v6_rov=valid" },
	{ "rpki_roa_covered_v6", 'N', "v6_rov=not_found" },
	{ "rpki_roa_covered_v6", 'O', "v6_rov=unrouted v4_rov=valid" },
	{ "ns_rpki_valid", 'K', "ns_rov=valid ns_rov_addrs=4" },
	{ "ns_rpki_valid", 'N', "ns_rov=not_found ns_rov_addrs=2" },
	{ "ns_rpki_valid", 'N', "ns_rov=invalid_as ns_rov_addrs=2" },
	{ "ns_rpki_valid", 'O', "ns_rov=unrouted ns_rov_addrs=2" },
	{ "ns_rpki_valid", 'O', DNS "v4_rov=valid" },
	{ "mx_rpki_valid", 'K', "mx_rov=valid mx_rov_addrs=2" },
	{ "mx_rpki_valid", 'N', "mx_rov=invalid_length mx_rov_addrs=1" },
	{ "mx_rpki_valid", 'O', "mx_rov=unrouted mx_rov_addrs=1" },
	{ "mx_rpki_valid", 'O', DNS "ns_rov=valid" },
	{ "rpki_valid", 'K', "v4_rov=valid" },
	{ "rpki_valid", 'K', "v4_rov=valid v6_rov=valid" },
	{ "rpki_valid", 'K', "v4_rov=valid v6_rov=unrouted" },
	{ "rpki_valid", 'K', "v6_rov=valid" },
	{ "rpki_valid", 'N', "v4_rov=valid v6_rov=not_found" },
	{ "rpki_valid", 'N', "v4_rov=invalid_as" },
	{ "rpki_valid", 'N', "v4_rov=not_found v6_rov=unrouted" },
	{ "rpki_valid", 'O', "v4_rov=unrouted v6_rov=unrouted" },
	{ "rpki_valid", 'O', "domain=x.de" },
	{ "rpki_invalid", 'K', "v4_rov=valid v6_rov=invalid_length" },
	{ "rpki_invalid", 'K', "v4_rov=invalid_as" },
	{ "rpki_invalid", 'N', "v4_rov=not_found v6_rov=valid" },
	{ "rpki_invalid", 'O', "v4_rov=unrouted" },

	{ "https_ok", 'K', HTTP },
	{ "https_ok", 'N', "tls_status=ok" },
	{ "https_ok", 'N', "tls_status=refused" },
	{ "https_ok", 'N', "tls_status=timeout" },
	{ "https_ok", 'N', "tls_status=handshake_failed" },
	{ "https_ok", 'O', "tls_status=no_address" },
	{ "https_ok", 'O', DNS },
	{ "tls_no_legacy", 'K', "tls_versions=TLSv1.2,TLSv1.3 tls_min_version=TLSv1.2" },
	{ "tls_no_legacy", 'K', "tls_versions=TLSv1.3 tls_min_version=TLSv1.3" },
	{ "tls_no_legacy", 'N', "tls_versions=TLSv1,TLSv1.2 tls_min_version=TLSv1" },
	{ "tls_no_legacy", 'N', "tls_versions=TLSv1.1,TLSv1.2 tls_min_version=TLSv1.1" },
	{ "tls_no_legacy", 'O', "tls_status=ok tls_version=TLSv1.3" },
	{ "tls_no_weak_ciphers", 'K', "tls_weak_ciphers=" },
	{ "tls_no_weak_ciphers", 'N', "tls_weak_ciphers=3des" },
	{ "tls_no_weak_ciphers", 'N', "tls_weak_ciphers=cbc_only" },
	{ "tls_no_weak_ciphers", 'O', "tls_status=ok tls_scan_status=ended_early" },
	{ "tls_ncsc_ok", 'K', "tls_ncsc_class=good" },
	{ "tls_ncsc_ok", 'K', "tls_ncsc_class=sufficient" },
	{ "tls_ncsc_ok", 'N', "tls_ncsc_class=phase_out" },
	{ "tls_ncsc_ok", 'N', "tls_ncsc_class=insufficient" },
	{ "tls_ncsc_ok", 'O', "tls_status=ok tls_scan_status=complete" },
	{ "tls13", 'K', "tls_status=ok tls_version=TLSv1.3" },
	{ "tls13", 'N', "tls_status=ok tls_version=TLSv1.2" },
	{ "tls13", 'O', "tls_status=refused" },
	{ "tls13", 'O', "tls_status=ok" },
	{ "tls_legacy", 'K', "tls_status=ok tls_version=TLSv1" },
	{ "tls_legacy", 'K', "tls_status=ok tls_version=TLSv1.1" },
	{ "tls_legacy", 'N', "tls_status=ok tls_version=TLSv1.2" },
	{ "tls_legacy", 'N', "tls_status=ok tls_version=TLSv1.3" },
	{ "tls_legacy", 'O', "tls_status=timeout" },
	{ "cert_valid", 'K', "tls_status=ok cert_verify=ok" },
	{ "cert_valid", 'N', "tls_status=ok cert_verify=expired" },
	{ "cert_valid", 'N', "tls_status=ok cert_verify=hostname_mismatch" },
	{ "cert_valid", 'O', "tls_status=handshake_failed" },
	{ "dane_web", 'K', WEB "dane_web=true" },
	{ "dane_web", 'N', WEB "dane_web=false" },
	{ "dane_web", 'O', DNS "a_count=0 aaaa_count=0" },

	{ "hsts", 'K', HTTP "hsts=true hsts_max_age=300" },
	{ "hsts", 'N', HTTP "hsts=false" },
	{ "hsts", 'O', "tls_status=ok hsts=true" },
	{ "hsts", 'O', "tls_status=refused" },
	{ "hsts_strong", 'K', HTTP "hsts=true hsts_max_age=31536000" },
	{ "hsts_strong", 'K', HTTP "hsts=true hsts_max_age=63072000" },
	{ "hsts_strong", 'N', HTTP "hsts=true hsts_max_age=31535999" },
	{ "hsts_strong", 'N', HTTP "hsts=false" },
	{ "hsts_strong", 'N', HTTP "hsts=false hsts_max_age=0" },
	{ "hsts_strong", 'O', "hsts=true hsts_max_age=63072000" },
	{ "hsts_preload", 'K', HTTP "hsts=true hsts_max_age=1 hsts_preload=true" },
	{ "hsts_preload", 'N', HTTP "hsts=true hsts_max_age=1 hsts_preload=false" },
	{ "hsts_preload", 'N', HTTP "hsts=false" },
	{ "csp", 'K', HTTP "csp=true" },
	{ "csp", 'N', HTTP "csp=false" },
	{ "csp", 'O', "tls_status=ok csp=true" },
	{ "csp_frame_ancestors", 'K', HTTP "csp=true csp_frame_ancestors=true" },
	{ "csp_frame_ancestors", 'N', HTTP "csp=true csp_frame_ancestors=false" },
	{ "csp_frame_ancestors", 'N', HTTP "csp=false" },
	{ "csp_frame_ancestors", 'O', "csp=true csp_frame_ancestors=true" },
	{ "x_frame_options", 'K', HTTP "x_frame_options=deny" },
	{ "x_frame_options", 'K', HTTP "x_frame_options=sameorigin" },
	{ "x_frame_options", 'N', HTTP "x_frame_options=invalid" },
	{ "x_frame_options", 'N', HTTP "x_frame_options=absent" },
	{ "x_frame_options", 'O', HTTP },
	{ "nosniff", 'K', HTTP "x_content_type_options=true" },
	{ "nosniff", 'N', HTTP "x_content_type_options=false" },
	{ "nosniff", 'O', "x_content_type_options=true" },
	{ "referrer_policy", 'K', HTTP "referrer_policy=no-referrer" },
	{ "referrer_policy", 'K', HTTP "referrer_policy=strict-origin-when-cross-origin" },
	{ "referrer_policy", 'K', HTTP "referrer_policy=origin" },
	{ "referrer_policy", 'N', HTTP "referrer_policy=unsafe-url" },
	{ "referrer_policy", 'N', HTTP "referrer_policy=no-referrer-when-downgrade" },
	{ "referrer_policy", 'N', HTTP "referrer_policy=absent" },
	{ "referrer_policy", 'O', "referrer_policy=no-referrer" },
	{ "csp_good", 'K', HTTP "csp=true csp_grade=good" },
	{ "csp_good", 'N', HTTP "csp=true csp_grade=sufficient" },
	{ "csp_good", 'N', HTTP "csp=true csp_grade=bad" },
	{ "csp_good", 'N', HTTP "csp=false csp_grade=absent" },
	{ "csp_good", 'O', "tls_status=ok csp_grade=good" },
	{ "csp_scripts", 'K', HTTP "csp=true csp_grade=good" },
	{ "csp_scripts", 'K', HTTP "csp=true csp_grade=sufficient" },
	{ "csp_scripts", 'N', HTTP "csp=true csp_grade=bad" },
	{ "csp_scripts", 'N', HTTP "csp=false csp_grade=absent" },
	{ "csp_scripts", 'O', "csp_grade=good" },
	{ "referrer_policy_nl", 'K', HTTP "referrer_policy_grade=good" },
	{ "referrer_policy_nl", 'K', HTTP "referrer_policy_grade=sufficient" },
	{ "referrer_policy_nl", 'N', HTTP "referrer_policy=origin referrer_policy_grade=bad" },
	{ "referrer_policy_nl", 'N', HTTP "referrer_policy_grade=absent" },
	{ "referrer_policy_nl", 'O', "referrer_policy_grade=good" },
	{ "permissions_policy", 'K', HTTP "permissions_policy=true" },
	{ "permissions_policy", 'N', HTTP "permissions_policy=false" },
	{ "permissions_policy", 'O', "tls_status=ok" },
	{ "http_redirects_https", 'K', "http_redirects_https=true" },
	{ "http_redirects_https", 'N', "tls_status=refused http_redirects_https=false" },
	{ "http_redirects_https", 'O', "tls_status=timeout" },
	{ "security_txt_valid", 'K', HTTP "security_txt=valid" },
	{ "security_txt_valid", 'N', HTTP "security_txt=invalid" },
	{ "security_txt_valid", 'N', HTTP "security_txt=absent" },
	{ "security_txt_valid", 'O', HTTP },
	/* H6: the HSTS preload list (--hsts-preload) */
	{ "hsts_preloaded", 'K', HTTP "hsts_preloaded=true" },
	{ "hsts_preloaded", 'K', "tls_status=refused hsts_preloaded=true" },
	{ "hsts_preloaded", 'N', HTTP "hsts=true hsts_preload=true hsts_preloaded=false" },
	{ "hsts_preloaded", 'O', HTTP "hsts=true hsts_preload=true" },
	/* webv6 (issue 17 point 2): a TLS handshake and GET / over IPv6 */
	{ "ipv6_web_reachable", 'K', HTTP "ipv6_web=true ipv6_web_reachable=true" },
	{ "ipv6_web_reachable", 'K', "tls_status=refused ipv6_web=true ipv6_web_reachable=true" },
	{ "ipv6_web_reachable", 'N', HTTP "ipv6_web=true ipv6_web_reachable=false ipv6_web_same=false" },
	{ "ipv6_web_reachable", 'N', "tls_status=timeout ipv6_web=true ipv6_web_reachable=false" },
	{ "ipv6_web_reachable", 'O', HTTP "ipv6_web=false" },
	{ "ipv6_web_reachable", 'O', HTTP "ipv6_web=true" },

	{ "spf_strict", 'K', DNS "spf=fail" },
	{ "spf_strict", 'N', DNS "spf=softfail" },
	{ "spf_strict", 'N', DNS "spf=absent" },
	{ "spf_strict", 'N', DNS "spf=invalid" },
	{ "spf_strict", 'O', "dns_status=nxdomain" },
	/* SPF evaluated (the spf stage): no error, all -all or ~all. */
	{ "spf_effective", 'K', DNS "spf=fail spf_lookups=3 spf_void_lookups=0 spf_result_all=fail" },
	{ "spf_effective", 'K', DNS "spf=none spf_lookups=1 spf_void_lookups=0 spf_result_all=softfail" },
	{ "spf_effective", 'N', DNS "spf=fail spf_lookups=11 spf_void_lookups=0 spf_error=too_many_lookups" },
	{ "spf_effective", 'N', DNS "spf=softfail spf_lookups=1 spf_void_lookups=1 spf_error=missing_include" },
	{ "spf_effective", 'N', DNS "spf=neutral spf_lookups=0 spf_void_lookups=0 spf_result_all=neutral" },
	{ "spf_effective", 'N', DNS "spf=pass spf_lookups=0 spf_void_lookups=0 spf_result_all=pass" },
	{ "spf_effective", 'N', DNS "spf=none spf_lookups=0 spf_void_lookups=0 spf_result_all=none" },
	{ "spf_effective", 'N', DNS "spf=invalid spf_lookups=0 spf_void_lookups=0 spf_error=multiple_records" },
	{ "spf_effective", 'N', DNS "spf=absent" },
	{ "spf_effective", 'O', DNS "spf=fail" },
	{ "spf_effective", 'O', "dns_status=nxdomain" },
	{ "dmarc_enforced", 'K', DNS "dmarc=reject" },
	{ "dmarc_enforced", 'K', DNS "dmarc=quarantine" },
	{ "dmarc_enforced", 'N', DNS "dmarc=none" },
	{ "dmarc_enforced", 'N', DNS "dmarc=absent" },
	{ "dmarc_enforced", 'O', DNS },
	{ "dmarc_enforced_full", 'K', DNS "dmarc_source=domain dmarc_policy=reject dmarc_pct=100" },
	{ "dmarc_enforced_full", 'K', DNS "dmarc_source=organisational dmarc_policy=quarantine dmarc_pct=100" },
	{ "dmarc_enforced_full", 'N', DNS "dmarc_source=domain dmarc_policy=reject dmarc_pct=50" },
	{ "dmarc_enforced_full", 'N', DNS "dmarc_source=domain dmarc_policy=none dmarc_pct=100" },
	{ "dmarc_enforced_full", 'N', DNS "dmarc_source=domain dmarc_error=multiple_records" },
	{ "dmarc_enforced_full", 'N', DNS "dmarc_source=none dmarc=absent" },
	{ "dmarc_enforced_full", 'O', DNS "dmarc=reject" },
	{ "dmarc_enforced_full", 'O', "dns_status=nxdomain" },
	{ "mta_sts", 'K', DNS "mx_count=1 mta_sts=true" },
	{ "mta_sts", 'N', DNS "mx_count=1 mta_sts=false" },
	{ "mta_sts", 'O', DNS "mx_count=0 mta_sts=true" },
	{ "tlsrpt", 'K', DNS "mx_count=1 tlsrpt=true" },
	{ "tlsrpt", 'O', DNS "tlsrpt=true" },
	{ "dane_mx", 'K', DNS "mx_count=3 dane_mx=true" },
	{ "dane_mx", 'N', DNS "mx_count=3 dane_mx=false" },
	{ "dane_mx", 'O', DNS "mx_count=0" },

	/* Mail transport: n is the domains whose MX answered. */
	{ "starttls_all", 'K', DNS "mx_tested=2 mx_starttls=all" },
	{ "starttls_all", 'N', DNS "mx_tested=2 mx_starttls=some" },
	{ "starttls_all", 'N', DNS "mx_tested=1 mx_starttls=none" },
	{ "starttls_all", 'O', DNS "mx_tested=1 mx_starttls=unreachable" },
	{ "starttls_all", 'O', DNS "mx_count=2" },
	{ "mail_tls12", 'K', DNS "mx_starttls=all mx_tls_version=TLSv1.2" },
	{ "mail_tls12", 'K', DNS "mx_starttls=all mx_tls_version=TLSv1.3" },
	{ "mail_tls12", 'N', DNS "mx_starttls=all mx_tls_version=TLSv1.1" },
	{ "mail_tls12", 'N', DNS "mx_starttls=some mx_tls_version=TLSv1.3" },
	{ "mail_tls12", 'N', DNS "mx_starttls=none" },
	{ "mail_tls12", 'O', DNS "mx_starttls=unreachable" },
	{ "dane_mx_valid", 'K', DNS "mx_starttls=all mx_dane=valid" },
	{ "dane_mx_valid", 'N', DNS "mx_starttls=all mx_dane=partial" },
	{ "dane_mx_valid", 'N', DNS "mx_starttls=some mx_dane=none" },
	{ "dane_mx_valid", 'O', DNS "mx_starttls=unreachable mx_dane=none" },
	{ "mta_sts_enforce", 'K', DNS "mx_tested=1 mta_sts_mode=enforce" },
	{ "mta_sts_enforce", 'N', DNS "mx_tested=1 mta_sts_mode=testing" },
	{ "mta_sts_enforce", 'N', DNS "mx_tested=1" },
	{ "mta_sts_enforce", 'O', DNS "mx_count=1 mta_sts_mode=enforce" },
	{ "dane_web_valid", 'K', WEB "dane_web_valid=valid" },
	{ "dane_web_valid", 'N', WEB "dane_web_valid=invalid" },
	{ "dane_web_valid", 'N', WEB "dane_web_valid=none" },
	{ "dane_web_valid", 'O', WEB },
};

static const char *const must_fail[] = {
	"",
	"nope IS NULL",
	"dns_status = ok",
	"dns_status = 'ok",
	"dns_status IS TRUE",
	"ipv6_web = 'x'",
	"a_count IN ('1')",
	"a_count > 'x'",
	"a_count >",
	"a_count > 99999999999999999999",
	"dns_status = 'ok' OR caa IS TRUE",
	"(dns_status = 'ok' AND caa IS TRUE)",
	"dns_status IN ('a', 'b'",
	"dns_status IN ('1','2','3','4','5','6','7','8','9')",
	"(caa IS TRUE OR caa IS TRUE OR caa IS TRUE OR caa IS TRUE OR caa IS TRUE)",
	"caa IS TRUE AND",
	"caa IS NOT TRUE",
	"cert_not_after > 5",
	"caa IS TRUE; DROP TABLE x",
	"dns_status NOT LIKE 'x'",
};

int
main(void)
{
	char err[256];
	struct schema_value row[SCHEMA_COL_COUNT];
	size_t n = metric_count();
	bool unique = true;

	tap_ok(n >= 31, "at least the 31 metrics of issue 7 (%zu)", n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(metric_get(i)->name, metric_get(j)->name) == 0)
				unique = false;
	tap_ok(unique, "metric names unique");
	static const char *const required[] = { "resolves", "ipv6_web",
		"ipv6_ns", "ipv6_mx", "dnssec_signed", "dnssec_bogus",
		"ds_present", "rpki_roa_covered_v4", "rpki_roa_covered_v6",
		"rpki_valid", "rpki_invalid", "https_ok", "tls13",
		"tls_legacy", "cert_valid", "hsts", "hsts_strong",
		"hsts_preload", "csp", "csp_frame_ancestors",
		"x_frame_options", "nosniff", "referrer_policy",
		"permissions_policy", "http_redirects_https",
		"security_txt_valid", "caa", "spf_strict", "dmarc_enforced",
		"mta_sts", "dane_mx", "https_rr", "hsts_preloaded",
		"ipv6_web_reachable" };
	bool all = true;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (metric_find(required[i]) < 0) {
			tap_diag("missing metric %s", required[i]);
			all = false;
		}
	tap_ok(all, "every metric the issue names is in the table");
	bool grouped = true, described = true;
	for (size_t i = 0; i < n; i++) {
		const struct metric *m = metric_get(i);
		bool known = false;
		for (const char *const *g = metric_groups(); *g; g++)
			known |= strcmp(*g, m->group) == 0;
		grouped &= known;
		described &= m->label && *m->label && m->description &&
		    *m->description && m->outside && *m->outside;
	}
	tap_ok(grouped, "every metric in a known group");
	tap_ok(described, "every metric has a label, description and null cases");
	tap_ok(metric_find("nope") == -1 && metric_get(n) == NULL,
	    "lookups out of range");

	struct metric_def *defs = metric_defs_new(err, sizeof(err));
	if (!tap_ok(defs != NULL, "every condition of the table parses")) {
		tap_diag("%s", err);
		return tap_done();
	}

	/* Each metric is exercised by the hand-made rows. */
	bool covered = true;
	for (size_t i = 0; i < n; i++) {
		bool k = false, nn = false;
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
			if (strcmp(cases[c].metric, metric_get(i)->name) == 0) {
				k |= cases[c].want == 'K';
				nn |= cases[c].want != 'K';
			}
		if (!k || !nn) {
			tap_diag("metric %s lacks hand-made rows", metric_get(i)->name);
			covered = false;
		}
	}
	tap_ok(covered, "every metric has rows in k and rows outside k");

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct mcase *mc = &cases[c];
		int m = metric_find(mc->metric);
		if (!tap_ok(m >= 0, "case %zu names metric %s", c, mc->metric))
			continue;
		bool in_n, in_k;
		row_make(mc->row, row);
		metric_def_eval(&defs[m], row, &in_n, &in_k);
		char got = in_k ? 'K' : in_n ? 'N' : 'O';
		tap_ok(got == mc->want, "%s: {%s} is %c (want %c)", mc->metric,
		    mc->row, got, mc->want);
	}
	metric_defs_free(defs);

	/* The parser. */
	for (size_t i = 0; i < sizeof(must_fail) / sizeof(must_fail[0]); i++) {
		struct metric_expr e;
		err[0] = '\0';
		int rc = metric_expr_parse(must_fail[i], &e, err, sizeof(err));
		tap_ok(rc < 0 && err[0] != '\0', "rejected: \"%s\" (%s)",
		    must_fail[i], err);
		if (rc == 0)
			metric_expr_fini(&e);
	}
	struct metric_expr e;
	int rc = metric_expr_parse("dns_status in ('ok') and (a_count >= -2 or "
	    "caa is false) AND https_rr IS NULL", &e, err, sizeof(err));
	tap_ok(rc == 0 && e.nclauses == 3 && e.clauses[1].natoms == 2 &&
	    e.clauses[1].atoms[0].num == -2, "keywords in any case, negative numbers");
	if (rc == 0) {
		row_make("dns_status=ok a_count=-2", row);
		tap_ok(metric_expr_eval(&e, row), "evaluates: -2 >= -2, https_rr null");
		row_make("dns_status=ok a_count=-3 caa=false", row);
		tap_ok(metric_expr_eval(&e, row), "evaluates: caa false");
		row_make("dns_status=ok a_count=-3", row);
		tap_ok(!metric_expr_eval(&e, row), "null caa is not false");
		bool used[SCHEMA_COL_COUNT] = { false };
		metric_expr_columns(&e, used);
		tap_ok(used[SCHEMA_COL_DNS_STATUS] && used[SCHEMA_COL_A_COUNT] &&
		    used[SCHEMA_COL_CAA] && used[SCHEMA_COL_HTTPS_RR] &&
		    !used[SCHEMA_COL_DOMAIN], "columns used");
		metric_expr_fini(&e);
	}
	rc = metric_expr_parse("spf <> 'fail' AND dmarc NOT IN ('none', 'absent')",
	    &e, err, sizeof(err));
	if (tap_ok(rc == 0, "<> and NOT IN parse")) {
		row_make("spf=pass dmarc=reject", row);
		tap_ok(metric_expr_eval(&e, row), "<> and NOT IN hold");
		row_make("dmarc=reject", row);
		tap_ok(!metric_expr_eval(&e, row), "null <> 'fail' is not true (SQL)");
		metric_expr_fini(&e);
	}
	return tap_done();
}
