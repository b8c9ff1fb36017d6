/*
 * stats.h - adoption statistics over snapshots: per group and metric, n
 * (the denominator), k (the numerator), the rate and its 95% Wilson
 * interval.  Used by uptake-stats, uptake-trend and uptake-report.
 *
 * stats_run streams the parts of one or more snapshots (read together as
 * one crawl) one row group at a time, reading only the columns the
 * wanted metrics and keys need, on a few threads.  Memory is bounded by
 * the number of groups (and a row group per thread), not by rows.
 * Everything is counted per part first and joins the result only when
 * the whole part was read, so a corrupt part is either fatal or left out
 * entirely (--allow-partial), never half counted.
 */
#ifndef UPTAKE_ANALYSIS_STATS_H
#define UPTAKE_ANALYSIS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "snapshot_dups.h"

#define STATS_MAX_KEYS 4		/* --by country,sector,... */
#define STATS_MAX_THREADS 16
#define STATS_MAX_GROUPS 1000000	/* distinct groups of one run */
#define STATS_MAX_LABEL 255		/* bytes of one group label */
#define STATS_Z95 1.959963984540054	/* standard normal 0.975 quantile */

/* Group labels that are not values of the data. */
#define STATS_LABEL_UNKNOWN "unknown"	/* the key's value is null */
#define STATS_LABEL_OTHER "other"	/* groups folded by --min-n */

enum stats_key {
	STATS_KEY_COUNTRY = 0,
	STATS_KEY_SECTOR,
	STATS_KEY_LIST,
	STATS_KEY_TLD,
	STATS_KEY_HOSTING_COUNTRY,
	STATS_KEY_ASN,
	/* Operator keys (issue 18): groups of one provider, with its share
	 * of the groups under the other keys and their concentration index
	 * (struct stats_conc). */
	STATS_KEY_NS_OPERATOR,
	STATS_KEY_MX_OPERATOR,
	STATS_KEY_HOSTING_ASN,	/* hosting_asn as "AS64500", like asn */
	STATS_KEY_ORGANISATION,	/* the --meta file's organisation column */
	STATS_KEY_COUNT
};

/* "country", "sector", "list", "tld", "hosting-country", "asn",
 * "ns_operator", "mx_operator", "hosting_asn", "organisation". */
const char *stats_key_name(enum stats_key k);

/* True for ns_operator, mx_operator and hosting_asn: the keys whose
 * groups are providers. */
bool stats_key_is_operator(enum stats_key k);

/*
 * Parse "country,sector" into keys (at most STATS_MAX_KEYS, no repeats,
 * at most one operator key).  Returns 0, or -1 with the problem in err.
 */
int stats_keys_parse(const char *s, enum stats_key *keys, size_t *nkeys,
	char *err, size_t errlen);

/*
 * Parse "tls13,hsts" into wanted[metric_count()] (set true, others
 * untouched).  Returns 0, or -1 with the unknown name in err.
 */
int stats_metrics_parse(const char *s, bool *wanted, char *err,
	size_t errlen);

/* Where a row's country came from. */
enum stats_csrc {
	STATS_CSRC_META = 0,	/* --meta file */
	STATS_CSRC_CCTLD,	/* the domain's country-code TLD */
	STATS_CSRC_HOSTING,	/* hosting_country of the web address */
	STATS_CSRC_NONE,	/* none: "unknown" */
	STATS_CSRC_COUNT
};

/* "meta", "cctld", "hosting", "none". */
const char *stats_csrc_name(enum stats_csrc s);
/* Parse a name (not "none"); 0 or -1. */
int stats_csrc_parse(const char *s, enum stats_csrc *out);

/* The tools' shared flags: stats_cli.h. */

/*
 * Country of a TLD (lower-case ASCII, len bytes): true with the ISO
 * 3166-1 alpha-2 code in cc (upper case, NUL-terminated) for a two-letter
 * country-code TLD (uk is GB); false for other TLDs, for eu, and for
 * ccTLDs marketed for generic use (io, co, tv, me, ...: see stats_group.c
 * and docs/method.md).
 */
bool stats_cctld_country(const char *tld, size_t len, char cc[3]);

/* Country and sector labels of domains, from a CSV file. */
struct stats_meta;

/*
 * Load a domain,country,sector CSV.  A header line naming the columns is
 * optional (then the columns may come in any order, and others are
 * ignored).  Domains are compared in lower case without a trailing dot;
 * country must be empty or two letters (stored upper case).  A bad line
 * is an error: NULL with "PATH:LINE: problem" in err.
 */
struct stats_meta *stats_meta_load(const char *path, char *err,
	size_t errlen);
size_t stats_meta_count(const struct stats_meta *m);
/*
 * Labels of domain[0..len) (compared as loaded): true with *country and
 * *sector (borrowed; "" when the file left them empty), false if absent.
 */
bool stats_meta_lookup(const struct stats_meta *m, const char *domain,
	size_t len, const char **country, const char **sector);
/*
 * Organisation of domain[0..len) (borrowed; "" when the file has no
 * organisation column or left it empty), or NULL when absent.
 */
const char *stats_meta_organisation(const struct stats_meta *m,
	const char *domain, size_t len);
void stats_meta_free(struct stats_meta *m);

/* Counts of one metric in one group. */
struct stats_count {
	uint64_t n;	/* rows in the denominator */
	uint64_t k;	/* rows of n in the numerator */
	double wn;	/* with --weight rank: sum of weights over n */
	double wk;	/* sum of weights over k */
	double wn2;	/* sum of squared weights over n */
};

struct stats_group {
	char *key[STATS_MAX_KEYS];	/* labels, one per key */
	uint64_t rows;			/* rows of the group */
	uint64_t csrc[STATS_CSRC_COUNT]; /* rows per country source */
	struct stats_count *c;		/* [metric_count()] */
};

/* Groups under a list of keys. */
struct stats_table {
	size_t nkeys;
	enum stats_key keys[STATS_MAX_KEYS];
	struct stats_group *groups;
	size_t ngroups;
};

/*
 * Fold the groups of fewer than min_n rows into one group labelled
 * "other" under every key (joining a group already so labelled).
 */
void stats_table_fold(struct stats_table *t, uint64_t min_n);

/* The same for the groups where fold(g, ctx) is true (at least none). */
void stats_table_fold_if(struct stats_table *t,
	bool (*fold)(const struct stats_group *g, void *ctx), void *ctx);

/*
 * A new table keeping keys keep[0..nkeep) (indexes into t->keys), the
 * groups that differ only in the other keys added up.  nkeep may be 0:
 * one group of everything.
 */
struct stats_table *stats_table_rollup(const struct stats_table *t,
	const size_t *keep, size_t nkeep);

/* Sort groups by label, key by key; "other" and "unknown" last. */
void stats_table_sort(struct stats_table *t);

/* The group with labels key[0..nkeys), or NULL. */
const struct stats_group *stats_table_find(const struct stats_table *t,
	const char *const *key);

void stats_table_free(struct stats_table *t);

struct stats_kv {
	char *key;
	char *value;
};

/* One SNAPSHOT argument. */
struct stats_source {
	char *path;
	size_t nparts;
	int64_t rows;		/* rows of its readable parts */
	struct stats_kv *kv;	/* provenance: first value of each key */
	size_t nkv;
};

struct stats_part {
	char *path;
	size_t source;		/* index into sources */
	int64_t rows;
	char *error;		/* NULL when read whole */
};

struct stats_result {
	struct stats_table table;
	bool weighted;
	const struct metric_def *defs;	/* borrowed from the options */
	size_t nmetrics;
	bool *wanted;		/* [nmetrics] asked for */
	char **missing;		/* [nmetrics] NULL, or why not available */
	uint64_t rows;		/* rows counted */
	uint64_t csrc[STATS_CSRC_COUNT];
	struct stats_source *sources;
	size_t nsources;
	struct stats_part *parts;
	size_t nparts;
	size_t bad_parts;	/* parts left out (--allow-partial) */
	uint64_t dup_dropped;	/* duplicate rows dropped (--dedupe keep-first) */
	char *dup_text;		/* which, one line; NULL when none */
	struct stats_conc *conc;	/* with an operator key: provider
					 * shares and concentration; else NULL */
};

/*
 * Concentration of providers (docs/method.md, "Concentration index").
 * Under an operator key (stats_key_is_operator), a "market" is a group
 * of the other keys (one market of everything when the operator key is
 * the only one).  In each market a provider's share is its rows over
 * the market's rows whose operator is known; rows whose operator is null
 * (group label "unknown") are counted apart, in no share.  The
 * Herfindahl-Hirschman index is the sum of the squared shares in percent
 * (0..10000).  Computed from the groups as counted, before --min-n folds
 * any.
 */
struct stats_market {
	char *key[STATS_MAX_KEYS];	/* labels; NULL at the operator key */
	uint64_t with_operator;		/* rows with a known operator */
	uint64_t without_operator;	/* rows whose operator is null */
	uint64_t providers;		/* distinct operators */
	double hhi;			/* 0..10000; NaN without a provider */
	double top_share;		/* the largest share (0..1); NaN as hhi */
};

struct stats_strmap;

struct stats_conc {
	size_t opkey;			/* index of the operator key */
	size_t nkeys;			/* the table's keys */
	struct stats_market *m;		/* sorted as stats_table_sort */
	size_t n;
	struct stats_strmap *ix;	/* market labels -> index */
};

/*
 * The concentration of t's groups, or NULL when t has no operator key.
 * The caller frees it with stats_conc_free.
 */
struct stats_conc *stats_conc_new(const struct stats_table *t);
void stats_conc_free(struct stats_conc *c);

/* The market of group g (a group of the table c was computed from, or
 * of it after folding), or NULL (a folded "other" group). */
const struct stats_market *stats_conc_market(const struct stats_conc *c,
	const struct stats_group *g);

/* The share (0..1) of group g in its market; NaN when g's operator is
 * null ("unknown") or folded ("other"). */
double stats_conc_share(const struct stats_conc *c,
	const struct stats_group *g);

/* Whether metric m has figures in r (wanted and its columns present). */
bool stats_result_available(const struct stats_result *r, size_t m);

/* Provenance value of key in source s, or NULL. */
const char *stats_source_kv(const struct stats_source *s, const char *key);

struct stats_options {
	enum stats_key keys[STATS_MAX_KEYS];
	size_t nkeys;
	const struct metric_def *defs;	/* metric_defs_new(); required */
	const struct stats_meta *meta;	/* NULL: none */
	int country_source;	/* -1: meta, then cctld, then hosting */
	bool weight_rank;
	bool allow_partial;
	unsigned threads;	/* 0: one per CPU, at most STATS_MAX_THREADS */
	const bool *wanted;	/* [metric_count()]; NULL: every metric */
	enum snapshot_dedupe dedupe;	/* duplicate (list, input_index) rows */
};

void stats_options_default(struct stats_options *o);

/*
 * Count over the parts of paths[0..npaths) (snapshot directories or
 * Parquet files), read as one crawl.  Returns 0 and *out when every part
 * was read; 1 and *out when some could not be and o->allow_partial is set
 * (they are named in (*out)->parts and left out whole); -2 with the
 * part and what is wrong in err when a part could not be read and
 * o->allow_partial is not set; -1 with the problem in err for any other
 * failure (no such snapshot, a part given twice, too many groups).  The caller frees
 * *out with stats_result_free.
 */
int stats_run(char *const *paths, size_t npaths,
	const struct stats_options *o, struct stats_result **out, char *err,
	size_t errlen) __attribute__((warn_unused_result));

void stats_result_free(struct stats_result *r);

/* Figures. */

/*
 * Wilson score interval of k successes in n trials at z (n may be
 * fractional: an effective sample size).  False (and NaN) when n <= 0.
 */
bool stats_wilson(double k, double n, double z, double *lo, double *hi);

/*
 * Rate and 95% interval of c; weighted uses wk / wn with the Kish
 * effective sample size neff = wn^2 / wn2.  False when there is no
 * denominator.  neff may be NULL.
 */
bool stats_count_rate(const struct stats_count *c, bool weighted,
	double *rate, double *lo, double *hi, double *neff);

/*
 * Two-sided p-value of the pooled two-proportion z-test of k1/n1 against
 * k2/n2; z is (p2 - p1) / se.  False when n1 or n2 is 0.  Both rates 0
 * or both 1 give z 0 and p 1.
 */
bool stats_ztest(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
	double *z, double *p);

/*
 * Benjamini-Hochberg adjusted p-values: q[i] for p[i], i < n; NaN p
 * values are skipped (q NaN) and do not count in the number of tests.
 */
void stats_bh(const double *p, size_t n, double *q);

/*
 * The trend model of uptake-trend and uptake-report: one metric's change
 * between an OLD and a NEW group.
 */
struct stats_change {
	double r1, r2;		/* OLD and NEW rates; NaN without a denominator */
	uint64_t n1, n2;	/* their denominators (0 for a missing group) */
	bool tested;		/* the z-test ran (both denominators > 0) */
	double z, p, q;		/* the test; q after stats_change_adjust; NaN
				   when not tested */
};

/*
 * Fill c for metric m of a (OLD) and b (NEW), either NULL when the group
 * is absent on that side: the rates always, the pooled two-proportion
 * z-test (stats_ztest) when test and both have a denominator.  Returns
 * c->tested.
 */
bool stats_change_compute(const struct stats_group *a,
	const struct stats_group *b, size_t m, bool test,
	struct stats_change *c);

/*
 * Benjamini-Hochberg over the tested changes *v[0..n): sets each q (NaN
 * when not tested).  Returns the number of tests.
 */
size_t stats_change_adjust(struct stats_change *const *v, size_t n);

/* Tested and its q (adjusted) or p (not) under alpha. */
bool stats_change_significant(const struct stats_change *c, double alpha,
	bool adjusted);

/* Output. */

enum stats_format {
	STATS_FORMAT_CSV = 0,
	STATS_FORMAT_JSON,
	STATS_FORMAT_MD,
};

/* "csv", "json", "md"; 0 or -1. */
int stats_format_parse(const char *s, enum stats_format *out);

struct stats_print_options {
	enum stats_format format;
	bool wide;		/* md: one row per group, a column per metric */
	uint64_t min_n;		/* for the record in the output */
	const char *tool;	/* "uptake-stats" */
};

/*
 * Print r's table (sorted and folded by the caller).  Returns 0 or -1
 * when writing failed.
 */
int stats_print(FILE *f, const struct stats_result *r,
	const struct stats_print_options *po);

/* The metric table: name, group, description, n, k, outside. */
int stats_print_metrics(FILE *f, enum stats_format format);

/* Markdown-escape s (| and newlines) onto f. */
void stats_md_escape(FILE *f, const char *s);

#endif
