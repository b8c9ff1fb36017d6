/*
 * headers.h - the verdicts of the http columns: security headers of the
 * HTTPS response, the port 80 redirect and security.txt.  Pure functions
 * over (buf, len) (no I/O, no clock: the time is a parameter), fuzzed by
 * tests/fuzz/fuzz_headers.c.  The rules, with the standards behind them,
 * are in docs/web.md and docs/testbed-web.md; scripts/tb/webgen.py's
 * truth() is the same rules in Python.
 *
 * A NULL value means the header was absent.
 */
#ifndef UPTAKE_CRAWLER_HEADERS_H
#define UPTAKE_CRAWLER_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Directives of one Strict-Transport-Security value we keep apart to find
 * duplicates; more is hostile (RFC 6797 defines three). */
#define HEADERS_HSTS_MAX_DIRECTIVES 32
/* Fields of one security.txt we look at (RFC 9116 defines eight kinds). */
#define HEADERS_SECTXT_MAX_LINES 4096

/* Strict-Transport-Security (RFC 6797 6.1). */
struct hsts {
	bool valid;			/* well-formed, max-age present */
	int64_t max_age;
	bool include_subdomains;
	bool preload;
};

/* Parse the first Strict-Transport-Security value; false (and *out.valid
 * false) when absent or malformed. */
bool headers_hsts_parse(const char *v, size_t len, struct hsts *out);

/* Content-Security-Policy (CSP3): the combined value of every field. */
struct csp {
	bool frame_ancestors;		/* some policy has frame-ancestors */
	bool unsafe_inline;		/* 'unsafe-inline' in the effective
					 * script-src of some policy */
};
void headers_csp_parse(const char *v, size_t len, struct csp *out);

/* X-Frame-Options (RFC 7034, HTML's processing model): "absent", "deny",
 * "sameorigin" or "invalid"; static storage. */
const char *headers_xfo(const char *v, size_t len);

/* X-Content-Type-Options: the first value is nosniff (Fetch). */
bool headers_xcto_nosniff(const char *v, size_t len);

/* Referrer-Policy: the last valid token, lower case, or "absent";
 * static storage. */
const char *headers_referrer_policy(const char *v, size_t len);

/*
 * The port 80 verdict: status is a redirect (301, 302, 303, 307, 308) and
 * location an absolute https URL whose host is host (case-insensitive,
 * trailing dot ignored) on port 443 or none.
 */
bool headers_redirects_https(int status, const char *location, size_t len,
	const char *host);

/*
 * An RFC 3339 date-time (RFC 9116 2.5.5): true with *out the seconds since
 * the epoch (UTC; fractions dropped).
 */
bool headers_rfc3339_parse(const char *s, size_t len, int64_t *out);

enum sectxt {
	SECTXT_ABSENT,
	SECTXT_VALID,
	SECTXT_INVALID,
};

/*
 * security.txt (RFC 9116) as judged by docs/web.md: status not 200:
 * absent; otherwise valid when media_type is text/plain, there is a
 * Contact with a value and exactly one Expires later than now.  body may
 * be truncated by the caller's cap; truncated says so (then invalid).
 */
enum sectxt headers_sectxt_judge(int status, const char *media_type,
	const char *body, size_t len, bool truncated, int64_t now);
const char *headers_sectxt_str(enum sectxt s);

/* RFC 9116 2.5.5: Expires "SHOULD be less than a year into the future";
 * a year is taken as 365 days, so one more second is "far". */
#define HEADERS_SECTXT_FAR_S (365 * 86400)
/* The longest redirect target path we follow (our request line must stay
 * under WEB_MAX_REQUEST with the Host and User-Agent fields). */
#define HEADERS_SECTXT_MAX_PATH 512

struct sectxt_facts {
	enum sectxt verdict;	/* as headers_sectxt_judge */
	bool is_signed;		/* a complete OpenPGP cleartext frame */
	int expires_far;	/* 1: the one Expires is more than
				 * HEADERS_SECTXT_FAR_S after now; 0: not;
				 * -1: not known (absent, no single
				 * parsable Expires) */
};

/*
 * security.txt with its signature framing (RFC 9116 2.3, RFC 4880 7): a
 * body beginning with "-----BEGIN PGP SIGNED MESSAGE-----" is signed when
 * its armor headers, an empty line, the text, "-----BEGIN PGP
 * SIGNATURE-----" and "-----END PGP SIGNATURE-----" follow; the fields are
 * read from the text alone, dash-escaping ("- ") undone.  The signature
 * is not verified.  A frame begun and not closed is invalid, not signed.
 */
void headers_sectxt_examine(int status, const char *media_type,
	const char *body, size_t len, bool truncated, int64_t now,
	struct sectxt_facts *out);

/*
 * A redirect the security.txt fetch follows (RFC 9116 3 asks for
 * redirects to be followed; we follow those within the host): status
 * 301/302/303/307/308 and a Location that is a path ("/...", not "//")
 * or https://host[:443]/path naming host.  True with the path (no
 * fragment, "/" when empty) in path; false for anything else, a path with
 * a control character or space, or one longer than HEADERS_SECTXT_MAX_PATH
 * or cap - 1.
 */
bool headers_sectxt_redirect(int status, const char *loc, size_t len,
	const char *host, char *path, size_t cap);

#endif
