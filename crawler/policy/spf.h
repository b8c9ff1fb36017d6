/*
 * spf.h - parse one SPF record (RFC 7208 4.5, 4.6, 5, 6, 7, 12): the
 * version, the terms (mechanisms with their qualifiers, the redirect= and
 * exp= modifiers, unknown modifiers), macro syntax and CIDR lengths
 * checked.  Pure over (buf, len): the parsed record points into the
 * caller's text by offsets; no allocation.  Fuzzed (tests/spf/fuzz_spf.c)
 * and unit-tested (tests/spf/test_spf.c).
 */
#ifndef UPTAKE_CRAWLER_SPF_H
#define UPTAKE_CRAWLER_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest record text parsed: the DNS stage keeps TXT records up to this
 * length (DNS_MAX_TXT_LEN is the same 4096), and real SPF records stay
 * under 512 bytes (RFC 7208 3.4 advises keeping them in one UDP reply).
 * A longer text is a syntax error here. */
#define SPF_MAX_RECORD 4096
/* Terms kept per record: a term takes at least two bytes ("a" and a
 * space), so a record of SPF_MAX_RECORD bytes never has more. */
#define SPF_MAX_TERMS (SPF_MAX_RECORD / 2)
/* Longest domain-spec text (a DNS name is at most 253 characters in text
 * form, RFC 1035 2.3.4; a macro string may be longer before expansion,
 * RFC 7208 4.8 truncates it after: 255 bytes covers a name and its final
 * dot). */
#define SPF_MAX_DOMAIN_SPEC 255

enum spf_qual {
	SPF_QUAL_PASS = 0,	/* "+" or none */
	SPF_QUAL_FAIL,		/* "-" */
	SPF_QUAL_SOFTFAIL,	/* "~" */
	SPF_QUAL_NEUTRAL,	/* "?" */
};

enum spf_mech {
	SPF_MECH_ALL = 0,
	SPF_MECH_INCLUDE,
	SPF_MECH_A,
	SPF_MECH_MX,
	SPF_MECH_PTR,
	SPF_MECH_IP4,
	SPF_MECH_IP6,
	SPF_MECH_EXISTS,
};

/* A domain-spec as offsets into the record text; len 0: none given (the
 * mechanism then means the current domain). */
struct spf_spec {
	uint16_t off;
	uint16_t len;
	bool macro;		/* it holds a macro-expand ("%{...}") */
};

struct spf_term {
	enum spf_mech mech;
	enum spf_qual qual;
	struct spf_spec spec;	/* include, a, mx, ptr, exists */
};

struct spf_record {
	struct spf_term term[SPF_MAX_TERMS];
	size_t nterms;
	bool have_redirect;
	struct spf_spec redirect;
	bool have_exp;
};

enum spf_parse {
	SPF_PARSE_OK = 0,
	SPF_PARSE_NOT_SPF,	/* does not start with "v=spf1" then a space
				 * or its end (RFC 7208 4.5): not an SPF
				 * record at all */
	SPF_PARSE_SYNTAX,	/* an SPF record that does not follow the
				 * grammar of RFC 7208 12 (permerror) */
};

/* True when the text is an SPF record by its version (RFC 7208 4.5:
 * "v=spf1", case-insensitive, followed by a space or the end). */
bool spf_is_record(const char *s, size_t len);

/*
 * Parse s[0..len).  On SPF_PARSE_SYNTAX, why names the first fault (a
 * static string) and *where its offset in s (why and where may be NULL).
 * r is filled on SPF_PARSE_OK only.
 */
enum spf_parse spf_parse(const char *s, size_t len, struct spf_record *r,
	const char **why, size_t *where);

/* "pass", "fail", "softfail", "neutral": as the spf column spells them. */
const char *spf_qual_str(enum spf_qual q);
/* "all", "include", ... */
const char *spf_mech_str(enum spf_mech m);

#endif
