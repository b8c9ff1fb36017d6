/*
 * stats_cli.c - the flags the analysis tools share (stats_cli.h).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "schema.h"
#include "snapshot.h"
#include "stats.h"
#include "stats_cli.h"
#include "util.h"

/* The shared flags; their short values are what stats_cli_opt handles. */
static const struct option shared_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "meta", required_argument, NULL, 'M' },
	{ "country-source", required_argument, NULL, 'c' },
	{ "min-n", required_argument, NULL, 'n' },
	{ "metrics", required_argument, NULL, 'm' },
	{ "format", required_argument, NULL, 'f' },
	{ "allow-partial", no_argument, NULL, 'P' },
	{ "dedupe", required_argument, NULL, 'D' },
	{ "threads", required_argument, NULL, 't' },
};
#define NSHARED (sizeof(shared_options) / sizeof(shared_options[0]))

/* Every tool's, handled by stats_cli_opt_other. */
static const struct option common_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};
#define NCOMMON (sizeof(common_options) / sizeof(common_options[0]))

void
stats_cli_init(struct stats_cli *c, uint64_t min_n)
{
	memset(c, 0, sizeof(*c));
	stats_options_default(&c->so);
	c->min_n = min_n;
}

struct option *
stats_cli_options(const char *shared, const struct option *own)
{
	size_t nown = 0, n = 0;
	struct option *v;

	while (own[nown].name != NULL)
		nown++;
	v = xcalloc(NSHARED + nown + NCOMMON + 1, sizeof(*v));
	for (size_t i = 0; i < NSHARED; i++)
		if (strchr(shared, shared_options[i].val) != NULL)
			v[n++] = shared_options[i];
	for (size_t i = 0; i < nown; i++)
		v[n++] = own[i];
	for (size_t i = 0; i < NCOMMON; i++)
		v[n++] = common_options[i];
	return v;	/* v[n] is zero: the end */
}

bool
stats_cli_opt(struct stats_cli *c, int ch, const char *arg)
{
	char err[1200];
	enum stats_csrc cs;
	int64_t v;

	switch (ch) {
	case 'b':
		c->by = arg;
		return true;
	case 'M':
		c->meta_path = arg;
		return true;
	case 'c':
		if (stats_csrc_parse(arg, &cs) < 0)
			fatal(2, "--country-source: '%s' is not meta, cctld or "
			    "hosting", arg);
		c->so.country_source = cs;
		return true;
	case 'n':
		if (parse_i64(arg, strlen(arg), 0, INT64_MAX, &v) < 0)
			fatal(2, "--min-n: '%s' is not a count", arg);
		c->min_n = (uint64_t)v;
		return true;
	case 'm':
		if (c->wanted == NULL)
			c->wanted = xcalloc(metric_count(), sizeof(*c->wanted));
		if (stats_metrics_parse(arg, c->wanted, err, sizeof(err)) < 0)
			fatal(2, "%s", err);
		return true;
	case 'f':
		if (stats_format_parse(arg, &c->format) < 0)
			fatal(2, "--format: '%s' is not csv, json or md", arg);
		c->format_set = true;
		return true;
	case 'P':
		c->so.allow_partial = true;
		return true;
	case 'D':
		if (snapshot_dedupe_parse(arg, &c->so.dedupe) < 0)
			fatal(2, "--dedupe: '%s' is not refuse or keep-first",
			    arg);
		return true;
	case 't':
		if (parse_i64(arg, strlen(arg), 1, STATS_MAX_THREADS, &v) < 0)
			fatal(2, "--threads: '%s' is not 1..%d", arg,
			    STATS_MAX_THREADS);
		c->so.threads = (unsigned)v;
		return true;
	default:
		return false;
	}
}

void
stats_cli_opt_other(int ch, const char *tool, void (*usage)(FILE *))
{
	switch (ch) {
	case 'h':
		usage(stdout);
		exit(0);
	case 'V':
		printf("%s %s (schema v%d)\n", tool, UPTAKE_VERSION,
		    SCHEMA_VERSION);
		exit(0);
	default:
		usage(stderr);
		exit(2);
	}
}

void
stats_cli_check(struct stats_cli *c)
{
	char err[1200];

	if (c->by && stats_keys_parse(c->by, c->so.keys, &c->so.nkeys, err,
	    sizeof(err)) < 0)
		fatal(2, "%s", err);
	for (size_t i = 0; i < c->so.nkeys; i++)
		if (c->so.keys[i] == STATS_KEY_SECTOR && c->meta_path == NULL)
			fatal(2, "--by sector needs --meta FILE "
			    "(domain,country,sector)");
		else if (c->so.keys[i] == STATS_KEY_ORGANISATION &&
		    c->meta_path == NULL)
			fatal(2, "--by organisation needs --meta FILE "
			    "(domain,country,sector,organisation, with that "
			    "header)");
	if (c->so.country_source == STATS_CSRC_META && c->meta_path == NULL)
		fatal(2, "--country-source meta needs --meta FILE");
}

void
stats_cli_load(struct stats_cli *c)
{
	char err[1200];

	if (c->meta_path && (c->meta = stats_meta_load(c->meta_path, err,
	    sizeof(err))) == NULL)
		fatal(2, "%s", err);
	c->defs = metric_defs_new(err, sizeof(err));
	if (c->defs == NULL)
		fatal(1, "internal error: %s", err);
	c->so.defs = c->defs;
	c->so.meta = c->meta;
	c->so.wanted = c->wanted;
}

void
stats_cli_fini(struct stats_cli *c)
{
	free(c->wanted);
	stats_meta_free(c->meta);
	metric_defs_free(c->defs);
	c->wanted = NULL;
	c->meta = NULL;
	c->defs = NULL;
}

const char *
stats_cli_date_key(const char *arg)
{
	if (strcmp(arg, "crawl") == 0)
		return SNAPSHOT_KEY_CRAWL_START;
	if (strcmp(arg, "validation") == 0)
		return SNAPSHOT_KEY_VALIDATION_TIME;
	fatal(2, "--date: '%s' is not crawl or validation", arg);
}
