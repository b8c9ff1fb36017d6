/*
 * test_webview.c - the security-header columns of one HTTPS response and
 * the comparison behind ipv6_web_same (crawler/web/webview.c, docs/web.md):
 * the same status and the same column values are the same site; a changed
 * status, an HSTS, CSP, X-Frame-Options, X-Content-Type-Options,
 * Referrer-Policy or Permissions-Policy difference is not; a difference the
 * columns do not record (order of fields, another header, the case of a
 * token) is not a difference.
 */
#include <string.h>

#include "http.h"
#include "tap.h"
#include "webview.h"

#define SITE "example.se"

#define BASE_FIELDS \
	"Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n" \
	"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n" \
	"X-Frame-Options: DENY\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"Permissions-Policy: geolocation=()\r\n"

static const char BASE[] = "HTTP/1.1 200 OK\r\n" BASE_FIELDS "\r\n";

static bool
view(const char *head, struct web_view *out)
{
	struct http_response r;

	if (http_response_parse(head, strlen(head), &r) != HTTP_PARSE_OK)
		return false;
	web_view_of(&r, SITE, out);
	http_response_fini(&r);
	return true;
}

/* head's view against BASE's: want same or not. */
static void
against_base(const char *head, bool want, const char *what)
{
	struct web_view a, b;

	if (!view(BASE, &a) || !view(head, &b)) {
		tap_ok(false, "%s: parsed", what);
		return;
	}
	tap_ok(web_view_same(&a, &b) == want && web_view_same(&b, &a) == want,
	    "%s: %s", what, want ? "same" : "not the same");
}

int
main(void)
{
	struct web_view v;

	tap_ok(view(BASE, &v), "base parsed");
	tap_eq_i64(v.status, 200, "status");
	tap_ok(v.hsts_valid && v.hsts_max_age == 63072000 &&
	    v.hsts_include_subdomains && !v.hsts_preload, "hsts fields");
	tap_ok(v.csp && v.csp_frame_ancestors && !v.csp_unsafe_inline,
	    "csp fields");
	tap_eq_str(v.x_frame_options, "deny", "x_frame_options");
	tap_ok(v.x_content_type_options, "x_content_type_options");
	tap_eq_str(v.referrer_policy, "no-referrer", "referrer_policy");
	tap_ok(v.permissions_policy, "permissions_policy");
	tap_ok(view("HTTP/1.1 404 Not Found\r\n\r\n", &v) && !v.hsts_valid &&
	    !v.csp && strcmp(v.x_frame_options, "absent") == 0 &&
	    strcmp(v.referrer_policy, "absent") == 0 &&
	    !v.x_content_type_options && !v.permissions_policy,
	    "no header: every column absent or false");

	against_base(BASE, true, "identical");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Permissions-Policy: geolocation=()\r\n"
	    "Referrer-Policy: NO-REFERRER\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: deny\r\n"
	    "Server: other\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "\r\n", true, "other order, other case, another header");
	against_base("HTTP/1.1 301 Moved\r\n" BASE_FIELDS "\r\n", false,
	    "another status");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "HSTS missing");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=300; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "HSTS max-age");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "HSTS includeSubDomains");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self' 'unsafe-inline'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "CSP unsafe-inline");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "CSP frame-ancestors missing");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: SAMEORIGIN\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "X-Frame-Options");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: no-referrer\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "X-Content-Type-Options missing");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: unsafe-url\r\nPermissions-Policy: geolocation=()\r\n"
	    "\r\n", false, "Referrer-Policy");
	against_base("HTTP/1.1 200 OK\r\n"
	    "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n"
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\nX-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "\r\n", false, "Permissions-Policy missing");
	/* a malformed HSTS and none record the same columns (hsts false,
	 * the rest null) */
	{
		struct web_view a, b;

		tap_ok(view("HTTP/1.1 200 OK\r\n"
		    "Strict-Transport-Security: max-age=x\r\n\r\n", &a) &&
		    view("HTTP/1.1 200 OK\r\n\r\n", &b) &&
		    web_view_same(&a, &b),
		    "malformed HSTS and no HSTS: the same columns");
	}
	return tap_done();
}
