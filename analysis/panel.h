/*
 * panel.h - trends over many crawls of one list (uptake-trend --series,
 * --panel, --regressions; docs/analysis.md "Series and panel",
 * docs/method.md "Panel change").
 *
 * The crawls are ordered by their crawl date (uptake.crawl_start; with
 * --date validation by uptake.validation_time, the date a simulated crawl
 * measured its world at), not by argument order, and must be crawls of
 * the same list (equal
 * uptake.list_name).  The series is uptake-stats run crawl by crawl; the
 * panel follows the domains present in two consecutive crawls i and i+1:
 * per metric and group, how many were measured both times, kept, adopted
 * (false -> true), dropped (true -> false) or stayed without, with
 * McNemar's test of the paired change.
 */
#ifndef UPTAKE_ANALYSIS_PANEL_H
#define UPTAKE_ANALYSIS_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "stats_cli.h"

/* Crawls of one series: ten years of monthly crawls.  Every crawl's
 * group counts (stats_run) stay in memory for the series; the per-domain
 * states of two consecutive crawls at a time for the panel. */
#define PANEL_MAX_CRAWLS 120

/*
 * McNemar's p-value is the exact two-sided binomial one when the
 * discordant pairs b + c are fewer than this, the chi-square (1 df, with
 * continuity correction) one from here on: the chi-square approximation
 * is usually trusted from b + c >= 25 (the rule R's exact2x2 and
 * statsmodels' documentation give).
 */
#define PANEL_EXACT_BELOW 25

enum panel_mode {
	PANEL_MODE_SERIES = 1,	/* --series */
	PANEL_MODE_PANEL,	/* --panel */
	PANEL_MODE_REGRESSIONS,	/* --regressions */
};

/* McNemar's test of b (false -> true) against c (true -> false). */
struct panel_mcnemar {
	bool tested;	/* b + c > 0 */
	double stat;	/* (|b - c| - 1)^2 / (b + c); 0 when b == c */
	double p;	/* two-sided; exact binomial when b + c < PANEL_EXACT_BELOW */
	bool exact;
};

/* Fill out for discordant counts b and c. */
void panel_mcnemar(uint64_t b, uint64_t c, struct panel_mcnemar *out);

/*
 * Two-sided exact binomial p-value of min(b, c) successes in b + c trials
 * at probability 1/2: min(1, 2 P(X <= min(b, c))); 1 when b + c is 0.
 */
double panel_binom_p(uint64_t b, uint64_t c);

/*
 * uptake-trend's --series, --panel and --regressions over the snapshots
 * args[0..nargs) (each one crawl; shards joined by commas), with the
 * shared flags in cli (loaded), dated and ordered by the metadata key
 * date_key (SNAPSHOT_KEY_CRAWL_START or SNAPSHOT_KEY_VALIDATION_TIME).
 * Prints to stdout in format (CSV or JSON).  Returns the exit status: 0,
 * 1 (unreadable input, or the snapshots are not crawls of one list at
 * distinct dates), 3 (partial).
 */
int panel_main(struct stats_cli *cli, enum panel_mode mode, char **args,
	size_t nargs, enum stats_format format, const char *date_key);

#endif
