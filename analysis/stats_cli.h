/*
 * stats_cli.h - the command-line flags uptake-stats, uptake-trend and
 * uptake-report share (--by, --meta, --country-source, --min-n, --metrics,
 * --format, --allow-partial, --dedupe, --threads): one table, one parser,
 * one set of messages; and --help, --version and the usage exit of these
 * three and uptake-dump.
 */
#ifndef UPTAKE_ANALYSIS_STATS_CLI_H
#define UPTAKE_ANALYSIS_STATS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

struct stats_cli {
	struct stats_options so;	/* filled by the flags */
	const char *meta_path;		/* --meta, NULL when absent */
	const char *by;			/* --by, NULL when absent */
	bool *wanted;			/* --metrics, NULL for all; owned */
	enum stats_format format;	/* --format */
	bool format_set;
	uint64_t min_n;			/* --min-n, or the tool's default */
	struct stats_meta *meta;	/* loaded by stats_cli_load; owned */
	struct metric_def *defs;	/* loaded by stats_cli_load; owned */
};

/* Defaults: stats_options_default, min_n, nothing else given. */
void stats_cli_init(struct stats_cli *c, uint64_t min_n);

/*
 * The long options of a tool: the shared flags whose short values are in
 * shared (of "bMcnmfPDt"), then the tool's own (own, ended by a zero
 * entry), then --help ('h') and --version ('V') for stats_cli_opt_other.
 * Returns an array ended by a zero entry; the caller frees it.
 */
struct option *stats_cli_options(const char *shared,
    const struct option *own);

/*
 * Handle ch (from getopt_long over stats_cli_options) with its argument.
 * Returns true when ch is a shared flag; a bad value exits 2 with one
 * line naming the flag.
 */
bool stats_cli_opt(struct stats_cli *c, int ch, const char *arg);

/*
 * The last case of every analysis tool's option switch: -h (--help) prints
 * usage to stdout and exits 0, -V (--version) prints "TOOL VERSION (schema
 * vN)" and exits 0, anything else prints usage to stderr and exits 2.
 * tool is the program's name; usage(f) prints the tool's usage to f.
 */
void stats_cli_opt_other(int ch, const char *tool, void (*usage)(FILE *))
	__attribute__((noreturn));

/*
 * After the options: the --by keys and what --meta must come with (--by
 * sector, --country-source meta).  Exits 2 with one line on an error.
 */
void stats_cli_check(struct stats_cli *c);

/*
 * Load the --meta file and the metric table into c and c->so.  Exits 2
 * (1 for an internal error) with one line on failure.
 */
void stats_cli_load(struct stats_cli *c);

/* Free what c owns (wanted, meta, defs). */
void stats_cli_fini(struct stats_cli *c);

/*
 * --date crawl|validation (uptake-trend, uptake-report): the provenance
 * key that dates a snapshot, SNAPSHOT_KEY_CRAWL_START or
 * SNAPSHOT_KEY_VALIDATION_TIME.  Exits 2 with one line on anything else.
 */
const char *stats_cli_date_key(const char *arg);

#endif
