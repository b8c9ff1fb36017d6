/*
 * cspgrade.h - Content-Security-Policy and Referrer-Policy graded as the
 * guidelines define them (docs/web.md, "Header quality"): pure functions
 * over the header values as received.
 */
#ifndef UPTAKE_CRAWLER_CSPGRADE_H
#define UPTAKE_CRAWLER_CSPGRADE_H

#include <stdbool.h>
#include <stddef.h>

/* Policies of one combined Content-Security-Policy value graded (a comma
 * separates policies; each is enforced, CSP3 8.1): more are ignored. */
#define CSP_GRADE_MAX_POLICIES 16
/* Directives looked at per policy (CSP3 names a few dozen): more are
 * ignored. */
#define CSP_GRADE_MAX_DIRECTIVES 64

/* The rules, one bit each; a rule holds when ONE enforced policy meets it
 * (every policy is enforced, CSP3 8.1, so the strictest one decides). */
enum csp_rule {
	CSP_RULE_DEFAULT_SRC = 1 << 0,	  /* default-src 'none', or 'self' and
					   * only the site's own hosts */
	CSP_RULE_UNSAFE_INLINE = 1 << 1,  /* scripts: no 'unsafe-inline'
					   * unless a nonce or hash voids it */
	CSP_RULE_UNSAFE_EVAL = 1 << 2,	  /* scripts: no 'unsafe-eval' */
	CSP_RULE_SCRIPT_SOURCES = 1 << 3, /* script and object sources: no *,
					   * http:, data: */
	CSP_RULE_FRAME_ANCESTORS = 1 << 4, /* frame-ancestors set, not * */
	CSP_RULE_BASE_URI = 1 << 5,	  /* base-uri set, not * */
	CSP_RULE_FORM_ACTION = 1 << 6,	  /* form-action set, not * */
};
#define CSP_RULES_ALL 0x7f
/* The rules about scripts: failing one makes the grade "bad". */
#define CSP_RULES_SCRIPT (CSP_RULE_UNSAFE_INLINE | CSP_RULE_UNSAFE_EVAL | \
	CSP_RULE_SCRIPT_SOURCES)

/*
 * The rules the combined value v[0..len) fails (a bit mask of enum
 * csp_rule; 0: none fails).  site is the listed domain (lower case, no
 * final dot): default-src may name it and its subdomains.
 */
unsigned csp_grade_failures(const char *v, size_t len, const char *site);

/* "good" (no rule fails), "sufficient" (the script rules hold, another
 * fails) or "bad" (a script rule fails); static storage. */
const char *csp_grade_str(unsigned failures);

/* The failed rules' names in rule order, comma-separated, into buf
 * ("" when none); buf of at least CSP_GRADE_NAMES_MAX bytes. */
#define CSP_GRADE_NAMES_MAX 96
void csp_grade_names(unsigned failures, char *buf, size_t size);

/* Referrer-Policy's effective token (headers_referrer_policy) graded as
 * Internet.nl grades it: "good" (no-referrer, same-origin), "sufficient"
 * (strict-origin, strict-origin-when-cross-origin), "bad" (origin,
 * origin-when-cross-origin, no-referrer-when-downgrade, unsafe-url),
 * "absent" (no header, or no token a browser knows); static storage. */
const char *referrer_grade(const char *policy);

#endif
