/*
 * test_headers.c - header and security.txt verdicts (crawler/web/headers.c),
 * against the rules of docs/testbed-web.md and the core world's cases.
 */
#include <string.h>

#include "headers.h"
#include "tap.h"

#define S(x) (x), strlen(x)

static void
hsts(const char *v, bool valid, int64_t age, bool sub, bool pre)
{
	struct hsts h;

	headers_hsts_parse(v, v ? strlen(v) : 0, &h);
	tap_ok(h.valid == valid && (!valid || (h.max_age == age &&
	    h.include_subdomains == sub && h.preload == pre)),
	    "HSTS %s", v ? v : "(absent)");
}

int
main(void)
{
	struct csp c;
	int64_t t;
	const int64_t T = 1700000000;	/* 2023-11-14T22:13:20Z */

	hsts(NULL, false, 0, false, false);
	hsts("max-age=63072000; includeSubDomains; preload", true, 63072000,
	    true, true);
	hsts("max-age=300", true, 300, false, false);
	hsts("max-age=0", true, 0, false, false);
	hsts("max-age=abc; includeSubDomains", false, 0, false, false);
	hsts("max-age=\"31536000\"; includeSubDomains", true, 31536000, true,
	    false);
	hsts("max-age=10; max-age=20", false, 0, false, false);
	hsts("MAX-AGE=5; Max-Age=6", false, 0, false, false);
	hsts("includeSubDomains", false, 0, false, false);
	hsts("max-age=5; preload=yes", false, 0, false, false);
	hsts("max-age=5;;  ; foo=bar", true, 5, false, false);
	hsts("max-age = 5 ; includesubdomains", true, 5, true, false);
	hsts("max-age=9223372036854775807", true, INT64_MAX, false, false);
	hsts("max-age=9223372036854775808", false, 0, false, false);
	hsts("max-age=5 x", false, 0, false, false);
	hsts("max-age=\"5", false, 0, false, false);

	headers_csp_parse(S("default-src 'self'; frame-ancestors 'none'"), &c);
	tap_ok(c.frame_ancestors && !c.unsafe_inline, "CSP frame-ancestors");
	headers_csp_parse(S("default-src 'self'; script-src 'self' "
	    "'unsafe-inline'"), &c);
	tap_ok(!c.frame_ancestors && c.unsafe_inline, "CSP script-src inline");
	headers_csp_parse(S("default-src 'self' 'UNSAFE-INLINE'"), &c);
	tap_ok(c.unsafe_inline, "CSP default-src inline, any case");
	headers_csp_parse(S("script-src 'self', default-src 'unsafe-inline'"),
	    &c);
	tap_ok(c.unsafe_inline, "CSP second policy's default-src");
	headers_csp_parse(S("script-src 'self'; default-src 'unsafe-inline'"),
	    &c);
	tap_ok(!c.unsafe_inline, "CSP script-src wins over default-src");
	headers_csp_parse(S("script-src 'self'; script-src 'unsafe-inline'"),
	    &c);
	tap_ok(!c.unsafe_inline, "CSP only a directive's first occurrence");

	tap_eq_str(headers_xfo(NULL, 0), "absent", "XFO absent");
	tap_eq_str(headers_xfo(S("DENY")), "deny", "XFO DENY");
	tap_eq_str(headers_xfo(S("sameorigin, SAMEORIGIN")), "sameorigin",
	    "XFO repeated sameorigin");
	tap_eq_str(headers_xfo(S("DENY, SAMEORIGIN")), "invalid", "XFO mixed");
	tap_eq_str(headers_xfo(S("ALLOW-FROM https://example.fr/")),
	    "invalid", "XFO ALLOW-FROM");
	tap_eq_str(headers_xfo(S("")), "invalid", "XFO empty");

	tap_ok(headers_xcto_nosniff(S("NoSniff")), "nosniff any case");
	tap_ok(headers_xcto_nosniff(S("nosniff, nosniff")), "nosniff list");
	tap_ok(!headers_xcto_nosniff(S("foo, nosniff")), "first value only");
	tap_ok(!headers_xcto_nosniff(NULL, 0), "nosniff absent");

	tap_eq_str(headers_referrer_policy(S("no-referrer, strict-origin, "
	    "bogus-token")), "strict-origin", "referrer last valid token");
	tap_eq_str(headers_referrer_policy(S("Same-Origin")), "same-origin",
	    "referrer lower-cased");
	tap_eq_str(headers_referrer_policy(S("bogus")), "absent",
	    "referrer no valid token");

	tap_ok(headers_redirects_https(301, S("https://a.example/x"),
	    "a.example"), "redirect to https same host");
	tap_ok(headers_redirects_https(308, S("https://A.Example.:443/"),
	    "a.example"), "case, trailing dot, port 443");
	tap_ok(!headers_redirects_https(301, S("https://a.example:8443/"),
	    "a.example"), "other port");
	tap_ok(!headers_redirects_https(301, S("https://redirect-target.example/"),
	    "a.example"), "other host");
	tap_ok(!headers_redirects_https(302, S("http://a.example/"),
	    "a.example"), "redirect to http");
	tap_ok(!headers_redirects_https(200, S("https://a.example/"),
	    "a.example"), "not a redirect status");
	tap_ok(!headers_redirects_https(301, S("/x"), "a.example"),
	    "relative Location");
	tap_ok(!headers_redirects_https(301, S("https://evil@a.example.evil/"),
	    "a.example"), "userinfo does not fool the host");

	tap_ok(headers_rfc3339_parse(S("2023-11-14T22:13:20Z"), &t) &&
	    t == T, "RFC 3339 Z");
	tap_ok(headers_rfc3339_parse(S("2023-11-15T00:13:20.5+02:00"), &t) &&
	    t == T, "RFC 3339 offset and fraction");
	tap_ok(!headers_rfc3339_parse(S("2023-02-29T00:00:00Z"), &t),
	    "not a leap year");
	tap_ok(!headers_rfc3339_parse(S("2023-11-14 22:13:20Z"), &t),
	    "space for T");

	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(200, "text/plain",
	    S("# c\nContact: mailto:a@b\nExpires: 2030-01-01T00:00:00Z\n"),
	    false, T)), "valid", "security.txt valid");
	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(200, "text/plain",
	    S("Contact: mailto:a@b\r\nExpires: 2020-01-01T00:00:00Z\r\n"),
	    false, T)), "invalid", "Expires in the past");
	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(200, "text/plain",
	    S("Contact: x\nExpires: 2030-01-01T00:00:00Z\n"
	    "Expires: 2030-01-01T00:00:00Z\n"), false, T)), "invalid",
	    "two Expires");
	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(200, "text/html",
	    S("Contact: x\nExpires: 2030-01-01T00:00:00Z\n"), false, T)),
	    "invalid", "not text/plain");
	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(200, "text/plain",
	    S("Contact:\nExpires: 2030-01-01T00:00:00Z\n"), false, T)),
	    "invalid", "empty Contact");
	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(404, "text/plain",
	    NULL, 0, false, T)), "absent", "404 absent");
	tap_eq_str(headers_sectxt_str(headers_sectxt_judge(200, "text/plain",
	    S("Contact: x\nExpires: 2030-01-01T00:00:00Z\n"), true, T)),
	    "invalid", "truncated body");

	/* RFC 9116 2.3 signed files, 2.5.5 Expires far ahead, 3 redirects */
	{
		struct sectxt_facts f;
		char path[HEADERS_SECTXT_MAX_PATH + 1];
		const char *sig = "-----BEGIN PGP SIGNED MESSAGE-----\n"
		    "Hash: SHA256\n\n"
		    "# signed\n"
		    "- -----not a field\n"
		    "- Contact: mailto:a@b\n"
		    "Expires: 2024-06-01T00:00:00Z\n"
		    "-----BEGIN PGP SIGNATURE-----\n\n"
		    "iQEzBAEBCAAdFiEE\n"
		    "-----END PGP SIGNATURE-----\n";

		headers_sectxt_examine(200, "text/plain", S(sig), false, T,
		    &f);
		tap_ok(f.verdict == SECTXT_VALID && f.is_signed &&
		    f.expires_far == 0, "signed: valid, signed, not far "
		    "(dash-escaped Contact read)");
		headers_sectxt_examine(200, "text/plain",
		    S("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
		    "Contact: x\nExpires: 2024-06-01T00:00:00Z\n"), false, T,
		    &f);
		tap_ok(f.verdict == SECTXT_INVALID && !f.is_signed,
		    "signed framing without a signature block: invalid, "
		    "not signed");
		headers_sectxt_examine(200, "text/plain",
		    S("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
		    "Expires: 2024-06-01T00:00:00Z\n"
		    "-----BEGIN PGP SIGNATURE-----\nxx\n"
		    "-----END PGP SIGNATURE-----\nContact: x\n"), false, T,
		    &f);
		tap_ok(f.verdict == SECTXT_INVALID && f.is_signed,
		    "a field after the signature is not read");
		headers_sectxt_examine(200, "text/plain",
		    S("Contact: x\nExpires: 2025-11-15T00:00:00Z\n"), false,
		    T, &f);
		tap_ok(f.verdict == SECTXT_VALID && !f.is_signed &&
		    f.expires_far == 1, "Expires two years ahead: far");
		headers_sectxt_examine(200, "text/plain",
		    S("Contact: x\nExpires: 2024-11-13T22:13:20Z\n"), false,
		    T, &f);
		tap_ok(f.expires_far == 0, "Expires 365 days ahead: not far");
		headers_sectxt_examine(200, "text/plain",
		    S("Contact: x\nExpires: soon\n"), false, T, &f);
		tap_ok(f.verdict == SECTXT_INVALID && f.expires_far == -1,
		    "Expires unparsable: far unknown");
		headers_sectxt_examine(404, NULL, NULL, 0, false, T, &f);
		tap_ok(f.verdict == SECTXT_ABSENT && !f.is_signed &&
		    f.expires_far == -1, "404: absent, nothing known");

		tap_ok(headers_sectxt_redirect(301, S("/security.txt"),
		    "a.example", path, sizeof(path)) &&
		    strcmp(path, "/security.txt") == 0, "relative redirect");
		tap_ok(headers_sectxt_redirect(308,
		    S("https://A.Example:443/x/s.txt#frag"), "a.example", path,
		    sizeof(path)) && strcmp(path, "/x/s.txt") == 0,
		    "absolute same-host redirect, fragment dropped");
		tap_ok(!headers_sectxt_redirect(302,
		    S("https://b.example/security.txt"), "a.example", path,
		    sizeof(path)), "other host: not followed");
		tap_ok(!headers_sectxt_redirect(302, S("//b.example/x"),
		    "a.example", path, sizeof(path)),
		    "scheme-relative: not followed");
		tap_ok(!headers_sectxt_redirect(302,
		    S("http://a.example/x"), "a.example", path,
		    sizeof(path)), "http: not followed");
		tap_ok(!headers_sectxt_redirect(200, S("/x"), "a.example",
		    path, sizeof(path)), "200 is no redirect");
		tap_ok(!headers_sectxt_redirect(301, S("/a b"), "a.example",
		    path, sizeof(path)), "a space in the path: refused");
		tap_ok(headers_sectxt_redirect(301, S("https://a.example"),
		    "a.example", path, sizeof(path)) &&
		    strcmp(path, "/") == 0, "empty path is /");
	}
	return tap_done();
}
