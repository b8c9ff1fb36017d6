/*
 * stspolicy.h - the MTA-STS policy file (RFC 8461 3.2) and the MX host
 * match (RFC 8461 4.1).  Pure functions over (buf, len): no I/O, no
 * clock, fuzzed (tests/sts/fuzz_stspolicy.c).  The fetch is stsfetch.h's.
 */
#ifndef UPTAKE_CRAWLER_STSPOLICY_H
#define UPTAKE_CRAWLER_STSPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest policy body read (RFC 8461 3.3: "senders ... MAY limit the
 * maximum size of the policy body ... 64 kilobytes").  A larger body is a
 * failed fetch (mta_sts_mode "unavailable"), not parsed. */
#define STS_MAX_BODY 65536
/* Longest policy line, its terminator excluded: a field name (up to 32),
 * ": " and an mx pattern (a domain name of 253 bytes) take under 300; a
 * longer line is malformed for a known field and refused for any field,
 * so that the parser never looks far for a line end. */
#define STS_MAX_LINE 1024
/* mx lines kept: real policies list one to a dozen patterns; more than
 * this is refused (invalid) rather than half-matched. */
#define STS_MAX_MX 64
/* Largest max_age (RFC 8461 3.2: "up to 31557600", one year). */
#define STS_MAX_AGE 31557600
/* Longest mx pattern: "*." and a domain name (RFC 1035 2.3.4). */
#define STS_MAX_PATTERN 255

enum sts_mode {
	STS_MODE_NONE = 0,
	STS_MODE_TESTING,
	STS_MODE_ENFORCE,
};

/* Why a policy is not valid (the first rule broken). */
enum sts_error {
	STS_OK = 0,
	STS_ERR_LINE,		/* a line without "name: value" */
	STS_ERR_LONG_LINE,	/* a line over STS_MAX_LINE */
	STS_ERR_CHAR,		/* a control or non-UTF-8 byte in a value */
	STS_ERR_VERSION,	/* version missing or not STSv1 */
	STS_ERR_MODE,		/* mode missing or not enforce/testing/none */
	STS_ERR_MAX_AGE,	/* max_age missing, not 1-10 digits, or over */
	STS_ERR_MX,		/* an mx value that is not ["*."] Domain */
	STS_ERR_NO_MX,		/* mode enforce or testing without mx */
	STS_ERR_TOO_MANY_MX,	/* over STS_MAX_MX mx lines */
	STS_ERR_DUPLICATE,	/* version, mode or max_age given twice */
	STS_ERR_EMPTY,		/* no field at all */
};

struct sts_pattern {
	size_t off, len;	/* into the parsed buffer */
};

struct sts_policy {
	enum sts_mode mode;
	uint32_t max_age;
	size_t nmx;
	struct sts_pattern mx[STS_MAX_MX];
	enum sts_error err;	/* STS_OK after a valid parse */
	size_t err_line;	/* 1-based line of err, 0 when none */
};

/*
 * Parse the policy body buf[0..len) (borrowed; the patterns point into
 * it by offset).  Lines end with LF or CRLF (RFC 8461 3.2, sts-policy-
 * term); empty lines are skipped; fields are "name:" *WSP value *WSP,
 * names case-sensitive; version, mode and max_age exactly once, mx once
 * or more unless mode is none, unknown fields skipped when well-formed.
 * Returns true for a valid policy; false with p->err and p->err_line.
 */
bool stspolicy_parse(const char *buf, size_t len, struct sts_policy *p)
	__attribute__((warn_unused_result));

/* "enforce", "testing", "none".  Static. */
const char *sts_mode_str(enum sts_mode m);
/* A short text for e ("mode not enforce, testing or none").  Static. */
const char *sts_error_str(enum sts_error e);

/*
 * RFC 8461 4.1: the MX host name host (no final dot needed; case does not
 * matter) matches pattern: equal, or pattern "*.SUFFIX" and host one label
 * followed by ".SUFFIX" (the wildcard is exactly one whole label).
 */
bool stspolicy_mx_match(const char *pattern, size_t plen, const char *host,
	size_t hlen);

/*
 * The mta_sts_mode column of a fetch: "unavailable" when !fetched (no
 * 200 with a body within bounds, or a certificate not valid for the
 * policy host); otherwise the body buf[0..len) parsed into p: its mode,
 * or "invalid".  Static string.
 */
const char *stspolicy_column(bool fetched, const char *buf, size_t len,
	struct sts_policy *p);

/* Every host of hosts[0..n) matches a pattern of p (parsed from buf);
 * false when n is 0. */
bool stspolicy_all_match(const struct sts_policy *p, const char *buf,
	const char *const *hosts, size_t n);

#endif
