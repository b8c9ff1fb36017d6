/*
 * bgp.h - BGP origins: which prefix of a BGP table covers an address, and
 * from which origin AS(es) it is announced.
 *
 * Sources: CAIDA RouteViews prefix2as files and `bgpdump -m` RIB dumps.
 * A table is loaded once, before the crawl, and is read-only afterwards.
 * Formats and rules: docs/rpki.md.
 */
#ifndef UPTAKE_CRAWLER_BGP_H
#define UPTAKE_CRAWLER_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lpm.h"

#define BGP_MAX_LINE 65536	/* bytes of one line (long paths, communities) */
#define BGP_MAX_BAD_KEPT 8	/* bad lines whose number is kept and logged */
#define BGP_MAX_ORIGINS 64	/* origins read from one pfx2as line */
#define BGP_RECENT_ORIGINS 16	/* origins of the last prefix remembered, so
				 * a RIB's one-line-per-peer repeats are
				 * dropped as they are read */

/*
 * An origin item: the AS number in the low 32 bits, or BGP_ORIGIN_AS_SET
 * alone when the AS path ends in an AS_SET (or a confederation segment):
 * RFC 6811 section 2 gives such a route the origin NONE, which no VRP
 * matches.
 */
#define BGP_ORIGIN_AS_SET ((uint64_t)1 << 32)

enum bgp_format {
	BGP_FORMAT_PFX2AS = 0,	/* prefix TAB length TAB origins */
	BGP_FORMAT_BGPDUMP,	/* TABLE_DUMP2|time|B|peer|peer AS|prefix|path|... */
};

struct bgp_stats {
	uint64_t lines;		/* lines read, blank and comment ones included */
	uint64_t entries;	/* announcements taken */
	uint64_t bad;		/* malformed lines skipped */
	uint64_t skipped;	/* well-formed but not used: default routes */
	size_t nbad_kept;
	struct {
		uint64_t line;
		char why[80];
	} bad_kept[BGP_MAX_BAD_KEPT];
};

/* The announcement covering an address. */
struct bgp_match {
	struct lpm_prefix prefix;
	size_t norigins;
	const uint64_t *origins;	/* sorted; borrowed from the table */
};

struct bgp_table;

/*
 * Load a table from a file: bgpdump lines when the first data line starts
 * with "TABLE_DUMP", prefix2as otherwise.  Bad lines are counted and the
 * first ones logged with their number (quiet: not logged); a file in
 * which no line is good fails.  Returns NULL with a one-line reason in
 * err.  Caller owns the table.
 */
struct bgp_table *bgp_table_load(const char *path, bool quiet, char *err,
	size_t errlen);
void bgp_table_free(struct bgp_table *t);

/* An empty table, to fill with the line parsers, then bgp_table_build.
 * name is copied (messages, provenance). */
struct bgp_table *bgp_table_new(const char *name, enum bgp_format fmt);
/* Parse one line (without its newline) and add what it announces.
 * Pure over line[0..len).  Returns 0 when added; -1 with *why when the
 * line is malformed (the caller counts it); 1 for a default route
 * (well-formed, not used); 2 for a blank or '#' line. */
int bgp_pfx2as_line(struct bgp_table *t, const char *line, size_t len,
	const char **why);
int bgp_bgpdump_line(struct bgp_table *t, const char *line, size_t len,
	const char **why);
/* Make the table ready for lookups; no lines after this. */
void bgp_table_build(struct bgp_table *t);

/* The longest announced prefix containing addr, with its origins.
 * Returns false when none covers it (the address is unrouted). */
bool bgp_table_match(const struct bgp_table *t, const struct netaddr *addr,
	struct bgp_match *m);

/* Provenance: the file, and the table's time (the newest bgpdump record
 * time, else the file's mtime). */
const char *bgp_table_source(const struct bgp_table *t);
enum bgp_format bgp_table_format(const struct bgp_table *t);
time_t bgp_table_time(const struct bgp_table *t);
const struct bgp_stats *bgp_table_stats(const struct bgp_table *t);
/* Unique prefixes, and bytes held. */
size_t bgp_table_count(const struct bgp_table *t);
size_t bgp_table_memory(const struct bgp_table *t);

#endif
