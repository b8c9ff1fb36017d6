/*
 * vrp.h - validated ROA payloads (VRPs): the (prefix, maxLength, origin AS)
 * triples route origin validation checks routes against (RFC 6811).
 *
 * Sources: rpki-client or Routinator JSON, their CSV, or a live RTR cache
 * (RFC 8210, our own client: vrp_rtr.c).  A set is loaded once, before the crawl, and
 * is read-only afterwards.  Formats and rules: docs/rpki.md.
 */
#ifndef UPTAKE_CRAWLER_VRP_H
#define UPTAKE_CRAWLER_VRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lpm.h"

/* Bounds on hostile or broken input. */
#define VRP_MAX_TA 64		/* distinct trust anchors named (rpki-client: 5) */
#define VRP_MAX_TA_LEN 64	/* bytes of a trust anchor name */
#define VRP_MAX_BAD_KEPT 8	/* bad entries whose line is kept and logged */
#define VRP_MAX_LINE 4096	/* bytes of one CSV line */
#define VRP_JSON_MAX_DEPTH 32	/* nesting of a JSON value we step over */
/* Default wait (--rtr-wait) for an RTR cache's first complete data set:
 * a relying-party cache started with the crawl (a scheduled run) needs a
 * minute or two to validate before it has data. */
#define VRP_RTR_TIMEOUT_S 120
/* Longest wait accepted: past an hour the cache is broken, not starting. */
#define VRP_RTR_MAX_TIMEOUT_S 3600

enum vrp_format {
	VRP_FORMAT_JSON = 0,	/* rpki-client / Routinator JSON */
	VRP_FORMAT_CSV,		/* ASN,IP Prefix,Max Length,Trust Anchor[,Expires] */
	VRP_FORMAT_RTR,		/* rtr://HOST:PORT */
};

struct vrp_stats {
	uint64_t entries;	/* entries read, good or bad */
	uint64_t added;		/* VRPs added (before merging duplicates) */
	uint64_t bad;		/* malformed entries skipped */
	uint64_t expired;	/* skipped: "expires" before the load's now */
	/* The first VRP_MAX_BAD_KEPT bad entries: line and reason. */
	size_t nbad_kept;
	struct {
		uint64_t line;
		char why[80];
	} bad_kept[VRP_MAX_BAD_KEPT];
};

struct vrp_options {
	time_t now;		/* drop VRPs whose "expires" is before; 0: keep */
	unsigned rtr_timeout_s;	/* RTR: wait for the first complete set */
	bool quiet;		/* do not log bad entries or RTR waits (tests) */
};

struct vrp_set;

/* VRP as seen by validation. */
struct vrp {
	uint32_t asn;
	uint8_t maxlen;
	uint16_t ta;		/* index into the set's trust anchor names */
};

void vrp_options_default(struct vrp_options *o);

/*
 * Load a set from source: "rtr://HOST:PORT" (HOST may be [v6]), or a file,
 * JSON when its first non-blank byte is '{', CSV otherwise.  The set is
 * built and ready for lookups.  Returns NULL with a one-line reason in err
 * (naming the file and line, or the cache) on failure; a file in which no
 * entry is good fails too.  Bad entries are counted, the first ones logged
 * with their line.  Caller owns the set.
 */
struct vrp_set *vrp_set_load(const char *source, const struct vrp_options *o,
	char *err, size_t errlen);
void vrp_set_free(struct vrp_set *v);

/* An empty set, to fill with vrp_set_add or a parser, then vrp_set_build.
 * name is copied and used in messages and provenance. */
struct vrp_set *vrp_set_new(const char *name, enum vrp_format fmt);
/* Add one VRP.  Returns 0, or -1 (with *why) when it is not valid. */
int vrp_set_add(struct vrp_set *v, const struct lpm_prefix *p, uint32_t asn,
	unsigned maxlen, const char *ta, size_t talen, const char **why);
/* Make the set ready for lookups; no adds after this. */
void vrp_set_build(struct vrp_set *v);

/*
 * Parsers: pure over buf[0..len), adding to v (not built yet).  Bad entries
 * are counted in the set's stats; o->now drops expired ones.  Return 0, or
 * -1 with a reason in err when the input as a whole is unusable (not JSON,
 * no "roas" array, no CSV header); err names v's name and the line.
 */
int vrp_json_parse(struct vrp_set *v, const char *buf, size_t len,
	const struct vrp_options *o, char *err, size_t errlen);
int vrp_csv_parse(struct vrp_set *v, const char *buf, size_t len,
	const struct vrp_options *o, char *err, size_t errlen);
/*
 * Fetch a set from an RTR cache: connect to host:port, send a Reset
 * Query, read the VRPs into v up to the End of Data, disconnect.  A cache
 * that refuses, has no data yet (No Data Available, Cache Reset), errs or
 * stays silent is tried again with exponential backoff for at most
 * o->rtr_timeout_s seconds (0: VRP_RTR_TIMEOUT_S), each wait logged
 * unless o->quiet.  Returns 0, or -1 with one line in err naming the
 * cache and what it last answered.
 */
int vrp_rtr_fetch(struct vrp_set *v, const char *host, const char *port,
	const struct vrp_options *o, char *err, size_t errlen);

/* Provenance: the source as given, and its time (JSON metadata build
 * time, else the file's mtime; the RTR sync time); 0 when unknown. */
const char *vrp_set_source(const struct vrp_set *v);
enum vrp_format vrp_set_format(const struct vrp_set *v);
time_t vrp_set_time(const struct vrp_set *v);
void vrp_set_set_time(struct vrp_set *v, time_t t);
const struct vrp_stats *vrp_set_stats(const struct vrp_set *v);
/* Unique VRPs, bytes held, trust anchors named. */
size_t vrp_set_count(const struct vrp_set *v);
size_t vrp_set_memory(const struct vrp_set *v);
size_t vrp_set_ta_count(const struct vrp_set *v);
const char *vrp_set_ta_name(const struct vrp_set *v, size_t i);

/*
 * The VRPs whose prefix covers route (RFC 6811 section 2: same family,
 * VRP prefix length <= route length, and the route's first bits equal the
 * VRP prefix).  Calls fn for each until it returns false; returns how many
 * were visited.  A built set is needed.
 */
size_t vrp_set_covering(const struct vrp_set *v, const struct lpm_prefix *route,
	bool (*fn)(void *arg, const struct lpm_prefix *vp, const struct vrp *vrp),
	void *arg);

#endif
