/*
 * report.h - uptake-report's HTML document: one self-contained file (CSS
 * inline, charts as inline SVG drawn here, no script, no font or image
 * fetched from anywhere) that reads on screen and prints to PDF.
 */
#ifndef UPTAKE_ANALYSIS_REPORT_H
#define UPTAKE_ANALYSIS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "stats.h"

#define REPORT_DEFAULT_MIN_N 30	/* smallest group shown on its own */
#define REPORT_DEFAULT_TOP 20	/* countries shown; the rest is "other" */
/* Providers named per country and role in the Providers section: the
 * few that hold most domains; the index sums up the rest. */
#define REPORT_TOP_PROVIDERS 3

/* One crawl: the snapshots whose crawl started on one UTC day. */
struct report_crawl {
	char *date;			/* YYYY-MM-DD, or "undated" */
	char **paths;			/* owned */
	size_t npaths;
	struct stats_result *res;	/* keys: country, then sector if any */
};

struct report_input {
	const char *title;
	struct report_crawl *crawls;	/* oldest first; the last is current */
	size_t ncrawls;
	bool have_sector;		/* --meta given: sector is the 2nd key */
	uint64_t min_n;
	size_t top;
	const char *meta_path;		/* for the record, or NULL */
	/* The latest crawl by country and ns_operator / mx_operator (the
	 * Providers section; their concentration in ->conc), or NULL. */
	const struct stats_result *providers[2];
	int country_source;		/* -1 or a forced enum stats_csrc */
	time_t generated;
};

/*
 * Write the report for in to f.  Rolls up and folds copies of the
 * tables; in is not changed.  Returns 0 or -1 when writing failed.
 */
int report_write(FILE *f, const struct report_input *in);

/* Charts (report_svg.c), each one <svg> element. */

struct report_bar {
	const char *label;
	double rate, lo, hi;	/* 0..1; NaN: no data */
	uint64_t n;
	bool muted;		/* other / unknown: drawn in grey */
};

/* Horizontal bars with interval whiskers, in the order given. */
void report_svg_bars(FILE *f, const struct report_bar *bars, size_t n,
	double label_width, const char *aria);

struct report_dot_row {
	const char *label;
	const double *rate;	/* [nseries], NaN: none */
};

/* One line per row, a dot per series in its colour; a legend on top. */
void report_svg_dots(FILE *f, const struct report_dot_row *rows, size_t n,
	const char *const *series, size_t nseries, const char *aria);

struct report_point {
	double x;		/* days since the epoch */
	double rate, lo, hi;
};

/* A line with its interval band over time; x labels are dates. */
void report_svg_trend(FILE *f, const struct report_point *pts, size_t n,
	const char *const *xlabels, const char *aria);

/* Colour of a rate on the heat-map scale ("#rrggbb") and its text colour. */
void report_heat_colour(double rate, char bg[8], const char **fg);

/* v with a comma between groups of three digits ("1,234,567") into buf
 * (len bytes, cut to fit). */
void report_count_text(uint64_t v, char *buf, size_t len);

/*
 * Longest text the report copies from its inputs (labels, list names,
 * dates, provenance values, read errors), in bytes: 1024, over any real
 * label or command line and far under what would break the layout or
 * bloat the file.  Longer text is cut at a character boundary and marked
 * REPORT_CUT_MARK ("... [N more bytes]").
 */
#define REPORT_MAX_TEXT 1024
#define REPORT_CUT_MARK "&hellip; [%zu more bytes]"

/*
 * HTML/XML-escape s onto f, for text and for attribute values alike (the
 * five markup characters as entities), for HTML and inline SVG: control
 * bytes (C0 and DEL) become spaces, a byte that is not well-formed UTF-8
 * becomes U+FFFD, and text over REPORT_MAX_TEXT bytes is cut with
 * REPORT_CUT_MARK.  Everything the report did not write itself goes
 * through here.
 */
void report_esc(FILE *f, const char *s);

#endif
