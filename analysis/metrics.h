/*
 * metrics.h - the one table of adoption metrics.
 *
 * Each metric counts, over the rows of a snapshot, n: the rows in its
 * denominator, and k: the rows of n that also satisfy its numerator.  Both
 * are conditions over a row's columns written in a small subset of SQL,
 * so that the text in the table is at once the code uptake-stats runs,
 * the definition docs/method.md shows (`uptake-stats --list-metrics
 * --format md`), and a WHERE clause anyone can paste into DuckDB:
 *
 *   n = count(*) FILTER (WHERE den)
 *   k = count(*) FILTER (WHERE (den) AND (num))
 *
 * The subset (metric_expr_parse): a conjunction of clauses joined by AND;
 * a clause is one atom or a parenthesised disjunction of atoms joined by
 * OR; an atom is one of
 *
 *   col IS NULL | col IS NOT NULL          any column
 *   col IS TRUE | col IS FALSE             BOOLEAN columns
 *   col = 'text' | col <> 'text'           STRING columns
 *   col IN ('a', ...) | col NOT IN (...)   STRING columns
 *   col = N | <> | < | <= | > | >= N       INT32 and INT64 columns
 *
 * An atom over a null value is false except IS NULL, which is how SQL's
 * three-valued logic ends for a formula of AND and OR in a WHERE clause
 * (unknown is never true), so the two always agree.
 */
#ifndef UPTAKE_ANALYSIS_METRICS_H
#define UPTAKE_ANALYSIS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Bounds of one condition (the table stays far below them). */
#define METRIC_MAX_CLAUSES 8	/* clauses joined by AND */
#define METRIC_MAX_ALT 4	/* atoms joined by OR in one clause */
#define METRIC_MAX_STRS 8	/* literals of one IN list */
#define METRIC_MAX_TEXT 1024	/* bytes of one condition's text */

struct metric {
	const char *name;	 /* stable identifier: output, --metrics */
	const char *group;	 /* dns, dnssec, rpki, tls, http, email */
	const char *label;	 /* short title for tables and charts */
	const char *description; /* one sentence: what k/n measures */
	const char *den;	 /* denominator condition (SQL subset) */
	const char *num;	 /* numerator condition, within den */
	const char *outside;	 /* which rows (nulls) fall outside n, and why */
};

/* Number of metrics. */
size_t metric_count(void);

/* Metric i (i < metric_count()), or NULL. */
const struct metric *metric_get(size_t i);

/* Index of the metric named name, or -1. */
int metric_find(const char *name);

/* Metric groups in report order, NULL-terminated (static). */
const char *const *metric_groups(void);

/* Title of a metric group ("DNSSEC", "Web security headers", ...). */
const char *metric_group_title(const char *group);

/* Parsed conditions. */

enum metric_op {
	METRIC_OP_IS_NULL = 0,
	METRIC_OP_NOT_NULL,
	METRIC_OP_IS_TRUE,
	METRIC_OP_IS_FALSE,
	METRIC_OP_IN,		/* STRING in strs ('=' is IN of one) */
	METRIC_OP_NOT_IN,	/* STRING, not null, not in strs ('<>') */
	METRIC_OP_EQ,		/* integers against num */
	METRIC_OP_NE,
	METRIC_OP_LT,
	METRIC_OP_LE,
	METRIC_OP_GT,
	METRIC_OP_GE,
};

struct metric_atom {
	enum schema_col col;
	enum metric_op op;
	int64_t num;
	size_t nstrs;
	char *strs[METRIC_MAX_STRS];	/* owned, NUL-terminated */
	size_t lens[METRIC_MAX_STRS];
};

struct metric_clause {
	size_t natoms;
	struct metric_atom atoms[METRIC_MAX_ALT];
};

struct metric_expr {
	size_t nclauses;
	struct metric_clause clauses[METRIC_MAX_CLAUSES];
};

/*
 * Parse text into *out (overwritten; finish it with metric_expr_fini).
 * Column names and types come from schema.h.  Returns 0, or -1 with
 * "offset N: problem" in err; *out then holds nothing to free.
 */
int metric_expr_parse(const char *text, struct metric_expr *out, char *err,
	size_t errlen) __attribute__((warn_unused_result));

/*
 * Columns a condition may name beyond schema.h: a mandate profile's
 * "pending" columns (docs/analysis.md, "Profiles"), not in this build's
 * schema.  An atom over extra[i] gets col SCHEMA_COL_COUNT + i; such a
 * condition is never evaluated (its requirement is not measured), and
 * metric_expr_columns then needs used[SCHEMA_COL_COUNT + nextra].
 */
struct metric_extra_col {
	const char *name;
	enum schema_type type;
};

/* metric_expr_parse with extra[0..nextra) after the schema's columns. */
int metric_expr_parse_extra(const char *text,
	const struct metric_extra_col *extra, size_t nextra,
	struct metric_expr *out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

void metric_expr_fini(struct metric_expr *e);

/* Value of e for row[SCHEMA_COL_COUNT] (borrowed). */
bool metric_expr_eval(const struct metric_expr *e,
	const struct schema_value *row);

/* Mark in used[SCHEMA_COL_COUNT] the columns e reads. */
void metric_expr_columns(const struct metric_expr *e, bool *used);

/* The table, parsed once. */

struct metric_def {
	const struct metric *m;
	struct metric_expr den;
	struct metric_expr num;
	bool cols[SCHEMA_COL_COUNT];	/* columns den and num read */
};

/*
 * Parse every metric of the table: an array of metric_count() entries,
 * owned by the caller (metric_defs_free).  Returns NULL with the metric
 * and the problem in err (a bug in the table; the unit test catches it).
 */
struct metric_def *metric_defs_new(char *err, size_t errlen);
void metric_defs_free(struct metric_def *defs);

/* Whether row is in d's denominator (*in_n) and numerator (*in_k). */
void metric_def_eval(const struct metric_def *d,
	const struct schema_value *row, bool *in_n, bool *in_k);

#endif
