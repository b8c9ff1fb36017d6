/*
 * webview.h - what one HTTPS response says about a site's security headers,
 * as the row's http columns record it (docs/web.md), and whether two
 * responses say the same: the IPv4 and the IPv6 side of a dual-stack host
 * (ipv6_web_same).  Pure over a parsed response: no I/O, no clock.
 */
#ifndef UPTAKE_CRAWLER_WEBVIEW_H
#define UPTAKE_CRAWLER_WEBVIEW_H

#include <stdbool.h>
#include <stdint.h>

struct http_response;

/*
 * The column values of one response: http_status, hsts*, csp,
 * csp_frame_ancestors, csp_unsafe_inline, csp_grade, csp_failures,
 * x_frame_options, x_content_type_options, referrer_policy and
 * permissions_policy.  Strings are static storage.
 */
struct web_view {
	int status;
	bool hsts_present;		/* a Strict-Transport-Security field */
	bool hsts_valid;		/* ... well-formed (headers_hsts_parse) */
	int64_t hsts_max_age;		/* valid only */
	bool hsts_include_subdomains;
	bool hsts_preload;
	bool csp;			/* a Content-Security-Policy field */
	bool csp_frame_ancestors;	/* csp only */
	bool csp_unsafe_inline;
	unsigned csp_failures;		/* csp_grade_failures, csp only */
	const char *x_frame_options;	/* absent, deny, sameorigin, invalid */
	bool x_content_type_options;	/* nosniff */
	const char *referrer_policy;	/* absent, or the policy */
	bool permissions_policy;
};

/* The view of response r; site is the listed domain (the CSP grade's own
 * hosts, cspgrade.h). */
void web_view_of(const struct http_response *r, const char *site,
	struct web_view *out);

/*
 * True when a and b record the same column values: the status code and
 * every security-header column above (docs/web.md, ipv6_web_same).
 */
bool web_view_same(const struct web_view *a, const struct web_view *b);

#endif
