/*
 * panel_int.h - what panel.c (the figures and their output) and
 * panel_read.c (the crawls: stats_run and the per-domain states) share.
 */
#ifndef UPTAKE_ANALYSIS_PANEL_INT_H
#define UPTAKE_ANALYSIS_PANEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "stats_int.h"

#define PANEL_ERR 1200		/* bytes of one error message */
/* Length-prefixed group labels of one domain, as stats_run.c's keys. */
#define PANEL_KEYBUF (STATS_MAX_KEYS * (STATS_MAX_LABEL + 1))

/* A domain's state for one metric. */
enum panel_state {
	PANEL_ST_NULL = 0,	/* outside n: not measured */
	PANEL_ST_FALSE,		/* in n, not in k */
	PANEL_ST_TRUE,		/* in k */
};

/* One crawl: its stats_run result (the series) and, for the panel, the
 * state of every wanted metric for every domain. */
struct panel_crawl {
	const char *arg;		/* as given */
	const char *date;		/* its date_key's value (in res) */
	const char *date_key;		/* uptake.crawl_start, or
					 * uptake.validation_time (--date) */
	const char *list;		/* uptake.list_name (in res) */
	const char *sha;		/* uptake.list_sha256 (in res), or NULL */
	struct stats_result *res;
	struct stats_strmap *ix;	/* domain -> index; NULL: not loaded */
	size_t nd;
	char **domain;			/* [nd] */
	char **label;			/* [nd * nkeys] group labels */
	char **org;			/* [nd] organisation ("unknown") */
	uint8_t *st;			/* [nd * nmetrics] enum panel_state */
	uint64_t dup_domains;		/* rows of a domain met before */
};

/*
 * Run stats_run on each of args[0..n) into cs[0..n) (zeroed by the
 * caller), check they are crawls of one list at distinct dates (the
 * metadata key date_key) and sort them by date.  Returns 0, 3 (some part
 * left out under --allow-partial), or 1 after saying why on stderr.
 */
int panel_crawls_load(struct panel_crawl *cs, char **args, size_t n,
	const struct stats_options *o, const char *date_key);

/*
 * Load the per-domain states of cs[i] and cs[i + 1] and free those of the
 * others.  Returns 0, or -1 after saying why on stderr.
 */
int panel_crawl_window(struct panel_crawl *cs, size_t n, size_t i,
	const struct stats_options *o);

/* Free what c holds (its result and its domains). */
void panel_crawl_fini(struct panel_crawl *c, size_t nkeys);

/* Append the label s[0..n) to buf at len, length-prefixed and cut to
 * STATS_MAX_LABEL bytes; returns the new length. */
size_t panel_key_put(char *buf, size_t len, const void *s, size_t n);

#endif
