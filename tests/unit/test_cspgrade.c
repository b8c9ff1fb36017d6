/*
 * test_cspgrade.c - Content-Security-Policy and Referrer-Policy grades
 * (crawler/web/cspgrade.c) against the rules of docs/web.md, "Header
 * quality": each rule met and failed on its own, the fallbacks, the
 * CSP3 nonce/hash and strict-dynamic exceptions, several policies.
 */
#include <string.h>

#include "cspgrade.h"
#include "tap.h"

#define SITE "example.se"

/* A policy that meets every rule; the cases below change one thing. */
#define GOOD "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

static void
grade(const char *v, const char *want_grade, const char *want_names)
{
	unsigned f = csp_grade_failures(v, v ? strlen(v) : 0, SITE);
	char names[CSP_GRADE_NAMES_MAX];

	csp_grade_names(f, names, sizeof(names));
	tap_ok(strcmp(csp_grade_str(f), want_grade) == 0 &&
	    strcmp(names, want_names) == 0, "CSP [%s]: %s [%s] (got %s [%s])",
	    v ? v : "(null)", want_grade, want_names, csp_grade_str(f), names);
}

int
main(void)
{
	char small[12];

	/* all rules met */
	grade(GOOD, "good", "");
	grade("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
	    "good", "");
	/* keywords and names are compared without case; extra spaces */
	grade("  DEFAULT-SRC  'SELF' ;Frame-Ancestors 'self';base-uri 'self';form-action 'self' ",
	    "good", "");

	/* default-src */
	grade("frame-ancestors 'none'; base-uri 'self'; form-action 'self'; script-src 'self'",
	    "sufficient", "default-src");
	grade("default-src 'self' https:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "sufficient", "default-src");
	grade("default-src 'self' https://cdn.example.se *.example.se; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "good", "");
	grade("default-src 'self' https://cdn.other.com; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "sufficient", "default-src");
	grade("default-src 'self' http://www.example.se; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "bad", "default-src,script-sources");
	grade("default-src 'none' 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "good", "");
	grade("default-src www.example.se; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "sufficient", "default-src");
	/* a name that only ends like the site is not under it */
	grade("default-src 'self' https://notexample.se; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "sufficient", "default-src");

	/* unsafe-inline: in script-src, or default-src when no script-src */
	grade(GOOD "; script-src 'self' 'unsafe-inline'", "bad", "unsafe-inline");
	grade("default-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "bad", "unsafe-inline");
	/* script-src overrides default-src */
	grade("default-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "good", "");
	/* a nonce or a hash voids 'unsafe-inline' (CSP3) */
	grade(GOOD "; script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'", "good", "");
	grade(GOOD "; script-src 'self' 'unsafe-inline' 'sha256-abc='", "good", "");
	/* unsafe-eval */
	grade(GOOD "; script-src 'self' 'unsafe-eval'", "bad", "unsafe-eval");
	/* no script restriction at all */
	grade("frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "bad", "default-src,unsafe-inline,unsafe-eval,script-sources");

	/* script sources: *, http:, data:, a host * */
	grade(GOOD "; script-src 'self' *", "bad", "script-sources");
	grade(GOOD "; script-src 'self' http:", "bad", "script-sources");
	grade(GOOD "; script-src 'self' data:", "bad", "script-sources");
	grade(GOOD "; script-src 'self' https://*", "bad", "script-sources");
	grade(GOOD "; script-src 'self' http://cdn.example.se", "bad", "script-sources");
	grade(GOOD "; script-src 'self' https://cdn.other.com", "good", "");
	grade(GOOD "; object-src data:", "bad", "script-sources");
	grade(GOOD "; object-src 'none'", "good", "");
	/* 'strict-dynamic' with a nonce: hosts and schemes are ignored */
	grade(GOOD "; script-src 'strict-dynamic' 'nonce-abc' https: http:", "good", "");
	grade(GOOD "; script-src 'strict-dynamic' http:", "bad", "script-sources");

	/* frame-ancestors, base-uri, form-action: set and not open; no
	 * fallback to default-src */
	grade("default-src 'self'; base-uri 'self'; form-action 'self'",
	    "sufficient", "frame-ancestors");
	grade("default-src 'self'; frame-ancestors *; base-uri 'self'; form-action 'self'",
	    "sufficient", "frame-ancestors");
	grade("default-src 'self'; frame-ancestors 'none'; form-action 'self'",
	    "sufficient", "base-uri");
	grade("default-src 'self'; frame-ancestors 'none'; base-uri 'self'",
	    "sufficient", "form-action");
	grade("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action http:",
	    "sufficient", "form-action");
	grade("default-src 'self'",
	    "sufficient", "frame-ancestors,base-uri,form-action");

	/* a directive's first occurrence counts */
	grade(GOOD "; script-src 'self'; script-src 'unsafe-inline'", "good", "");
	grade("default-src 'self'; script-src 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "bad", "unsafe-inline");

	/* several policies: every one is enforced, so a rule holds when one
	 * policy meets it */
	grade("script-src 'self' 'unsafe-inline', default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "good", "");
	grade("default-src 'self', frame-ancestors 'none', base-uri 'self', form-action 'self'",
	    "good", "");
	grade("default-src *, frame-ancestors 'none'",
	    "bad", "default-src,script-sources,base-uri,form-action");

	/* empty and absent */
	grade("", "bad", "default-src,unsafe-inline,unsafe-eval,script-sources,frame-ancestors,base-uri,form-action");
	grade(NULL, "bad", "default-src,unsafe-inline,unsafe-eval,script-sources,frame-ancestors,base-uri,form-action");
	grade(";;;,,,", "bad", "default-src,unsafe-inline,unsafe-eval,script-sources,frame-ancestors,base-uri,form-action");

	/* the names fit the documented bound; a small buffer is cut, ended */
	csp_grade_names(CSP_RULES_ALL, small, sizeof(small));
	tap_ok(strlen(small) < sizeof(small), "names cut to the buffer: %s", small);

	/* Referrer-Policy, Internet.nl's classes */
	tap_ok(strcmp(referrer_grade("no-referrer"), "good") == 0, "no-referrer good");
	tap_ok(strcmp(referrer_grade("same-origin"), "good") == 0, "same-origin good");
	tap_ok(strcmp(referrer_grade("strict-origin"), "sufficient") == 0, "strict-origin sufficient");
	tap_ok(strcmp(referrer_grade("strict-origin-when-cross-origin"), "sufficient") == 0,
	    "strict-origin-when-cross-origin sufficient");
	tap_ok(strcmp(referrer_grade("origin"), "bad") == 0, "origin bad");
	tap_ok(strcmp(referrer_grade("origin-when-cross-origin"), "bad") == 0, "origin-when-cross-origin bad");
	tap_ok(strcmp(referrer_grade("no-referrer-when-downgrade"), "bad") == 0,
	    "no-referrer-when-downgrade bad");
	tap_ok(strcmp(referrer_grade("unsafe-url"), "bad") == 0, "unsafe-url bad");
	tap_ok(strcmp(referrer_grade("absent"), "absent") == 0, "absent");
	tap_ok(strcmp(referrer_grade(NULL), "absent") == 0, "NULL absent");
	return tap_done();
}
