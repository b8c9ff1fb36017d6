/*
 * panel_read.c - the crawls of uptake-trend's series and panel: each one
 * counted by stats_run (the series), checked to be of one list at
 * distinct dates and sorted by date, and, two at a time, read domain by
 * domain into the state of every wanted metric (the panel).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "panel_int.h"
#include "parquet.h"
#include "snapshot.h"
#include "snapshot_dups.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

/* Append a length-prefixed label (cut to STATS_MAX_LABEL, as stats_run
 * cuts group labels). */
size_t
panel_key_put(char *buf, size_t len, const void *s, size_t n)
{
	if (n > STATS_MAX_LABEL)
		n = STATS_MAX_LABEL;
	buf[len++] = (char)n;
	memcpy(buf + len, s, n);
	return len + n;
}

static char *
label_dup(const void *s, size_t n)
{
	if (n == 0)
		return xstrdup(STATS_LABEL_UNKNOWN);
	if (n > STATS_MAX_LABEL)
		n = STATS_MAX_LABEL;
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
str_label(const struct schema_value *v)
{
	return v->present ? label_dup(v->u.str.ptr, v->u.str.len) :
	    xstrdup(STATS_LABEL_UNKNOWN);
}

/* Group label of key k for a row: the rules of stats_run.c's
 * unit_groups (country: --meta, then the ccTLD, then the hosting
 * country, unless --country-source names one). */
static char *
row_label(const struct stats_options *o, enum stats_key k,
    const struct schema_value *row, const char *mc, const char *ms,
    const char *org)
{
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];
	const char *dom = d->u.str.ptr, *tld = NULL;
	size_t tlen = 0;
	char cc[3], t[32];
	int force = o->country_source;

	if (d->present) {
		const char *dot = memrchr(dom, '.', d->u.str.len);
		tld = dot ? dot + 1 : dom;
		tlen = d->u.str.len - (size_t)(tld - dom);
	}
	switch (k) {
	case STATS_KEY_COUNTRY:
		if ((force < 0 || force == STATS_CSRC_META) && mc && mc[0])
			return xstrdup(mc);
		if ((force < 0 || force == STATS_CSRC_CCTLD) && tld &&
		    stats_cctld_country(tld, tlen, cc))
			return xstrdup(cc);
		if ((force < 0 || force == STATS_CSRC_HOSTING))
			return str_label(&row[SCHEMA_COL_HOSTING_COUNTRY]);
		return xstrdup(STATS_LABEL_UNKNOWN);
	case STATS_KEY_SECTOR:
		return label_dup(ms ? ms : "", ms ? strlen(ms) : 0);
	case STATS_KEY_ORGANISATION:
		return label_dup(org ? org : "", org ? strlen(org) : 0);
	case STATS_KEY_LIST:
		return str_label(&row[SCHEMA_COL_LIST]);
	case STATS_KEY_TLD:
		return label_dup(tld ? tld : "", tlen);
	case STATS_KEY_HOSTING_COUNTRY:
		return str_label(&row[SCHEMA_COL_HOSTING_COUNTRY]);
	case STATS_KEY_NS_OPERATOR:
		return str_label(&row[SCHEMA_COL_NS_OPERATOR]);
	case STATS_KEY_MX_OPERATOR:
		return str_label(&row[SCHEMA_COL_MX_OPERATOR]);
	case STATS_KEY_ASN:
	case STATS_KEY_HOSTING_ASN:
		if (!row[SCHEMA_COL_HOSTING_ASN].present)
			return xstrdup(STATS_LABEL_UNKNOWN);
		snprintf(t, sizeof(t), "AS%lld",
		    (long long)row[SCHEMA_COL_HOSTING_ASN].u.i64);
		return xstrdup(t);
	default:
		return xstrdup(STATS_LABEL_UNKNOWN);
	}
}

/* One row into the crawl: its domain's labels and metric states. */
static void
crawl_row(struct panel_crawl *c, const struct stats_options *o,
    const struct schema_value *row)
{
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];
	size_t nm = c->res->nmetrics;
	const char *mc = NULL, *ms = NULL, *org = NULL;
	bool ins;

	if (!d->present)
		return;
	uint32_t *v = stats_strmap_put(c->ix, d->u.str.ptr, d->u.str.len,
	    &ins);
	if (!ins) {	/* the first row of a domain counts */
		c->dup_domains++;
		return;
	}
	*v = (uint32_t)c->nd;
	size_t i = c->nd++;
	c->domain = xreallocarray(c->domain, c->nd, sizeof(*c->domain));
	c->org = xreallocarray(c->org, c->nd, sizeof(*c->org));
	c->label = xreallocarray(c->label, c->nd * (o->nkeys ? o->nkeys : 1),
	    sizeof(*c->label));
	c->st = xreallocarray(c->st, c->nd * nm, 1);
	c->domain[i] = label_dup(d->u.str.ptr, d->u.str.len);
	if (o->meta && stats_meta_lookup(o->meta, d->u.str.ptr,
	    d->u.str.len, &mc, &ms))
		org = stats_meta_organisation(o->meta, d->u.str.ptr,
		    d->u.str.len);
	c->org[i] = label_dup(org ? org : "", org ? strlen(org) : 0);
	for (size_t k = 0; k < o->nkeys; k++)
		c->label[i * o->nkeys + k] = row_label(o, o->keys[k], row,
		    mc, ms, org);
	for (size_t m = 0; m < nm; m++) {
		bool in_n = false, in_k = false;
		if (stats_result_available(c->res, m))
			metric_def_eval(&o->defs[m], row, &in_n, &in_k);
		c->st[i * nm + m] = in_n ? (in_k ? PANEL_ST_TRUE : PANEL_ST_FALSE) :
		    PANEL_ST_NULL;
	}
}

/* Every row of one part (a readable one of c->res), skipping the rows
 * --dedupe keep-first dropped.  0, or -1 with err. */
static int
crawl_part(struct panel_crawl *c, const struct stats_options *o, size_t p,
    const struct snapshot_dups *dups, char *err, size_t errlen)
{
	const char *path = c->res->parts[p].path;
	struct parquet_reader *r = parquet_reader_open(path, err, errlen);
	int fcol[SCHEMA_COL_COUNT];
	uint64_t prow = 0;
	int rc = 0;

	if (r == NULL)
		return -1;
	for (size_t k = 0; k < SCHEMA_COL_COUNT; k++) {
		int f = parquet_reader_column_find(r,
		    schema_column_get(k)->name);
		if (f >= 0 && parquet_reader_column(r, (size_t)f)->type !=
		    schema_column_get(k)->type)
			f = -1;	/* stats_run refused such a part already */
		fcol[k] = f;
	}
	struct parquet_column_data *cd = xcalloc(SCHEMA_COL_COUNT,
	    sizeof(*cd));
	for (size_t g = 0; g < parquet_reader_row_group_count(r) && !rc;
	    g++) {
		size_t rows = (size_t)parquet_reader_row_group_rows(r, g);
		for (size_t k = 0; k < SCHEMA_COL_COUNT && !rc; k++) {
			parquet_column_data_fini(&cd[k]);
			memset(&cd[k], 0, sizeof(cd[k]));
			if (fcol[k] >= 0 && parquet_reader_read_column(r, g,
			    (size_t)fcol[k], &cd[k]) < 0) {
				snprintf(err, errlen, "%s",
				    parquet_reader_error(r));
				rc = -1;
			} else if (fcol[k] >= 0 && cd[k].nrows != rows) {
				snprintf(err, errlen, "%s: row group %zu: "
				    "column '%s' has %zu rows, not %zu", path,
				    g, schema_column_get(k)->name,
				    cd[k].nrows, rows);
				rc = -1;
			}
		}
		for (size_t i = 0; i < rows && !rc; i++) {
			struct schema_value row[SCHEMA_COL_COUNT];
			if (dups && snapshot_dups_is_dropped(dups, p, prow++))
				continue;
			memset(row, 0, sizeof(row));
			for (size_t k = 0; k < SCHEMA_COL_COUNT; k++)
				if (fcol[k] >= 0)
					parquet_column_data_get(&cd[k], i,
					    &row[k]);
			crawl_row(c, o, row);
		}
	}
	for (size_t k = 0; k < SCHEMA_COL_COUNT; k++)
		parquet_column_data_fini(&cd[k]);
	free(cd);
	parquet_reader_free(r);
	return rc;
}

/* The per-domain states of c (its res already run).  0 or -1 with err. */
static int
crawl_domains(struct panel_crawl *c, const struct stats_options *o, char *err,
    size_t errlen)
{
	struct snapshot_dups dups, *dp = NULL;
	char **paths = xcalloc(c->res->nparts + 1, sizeof(*paths));
	int rc = 0;

	c->ix = stats_strmap_new();
	/* The parts stats_run read, in its order, for the same rows to
	 * drop as duplicates. */
	for (size_t p = 0; p < c->res->nparts; p++)
		paths[p] = c->res->parts[p].path;
	if (c->res->dup_dropped) {
		if (snapshot_dups_scan(paths, c->res->nparts, &dups, err,
		    errlen) < 0) {
			free(paths);
			return -1;
		}
		dp = &dups;
	}
	for (size_t p = 0; p < c->res->nparts && rc == 0; p++)
		if (c->res->parts[p].error == NULL)
			rc = crawl_part(c, o, p, dp, err, errlen);
	if (dp)
		snapshot_dups_fini(dp);
	free(paths);
	return rc;
}

/* Free the per-domain part of c (its stats_run result stays). */
static void
crawl_domains_free(struct panel_crawl *c, size_t nkeys)
{
	for (size_t i = 0; i < c->nd; i++) {
		free(c->domain[i]);
		free(c->org[i]);
		for (size_t k = 0; k < nkeys; k++)
			free(c->label[i * nkeys + k]);
	}
	free(c->domain);
	free(c->org);
	free(c->label);
	free(c->st);
	if (c->ix)
		stats_strmap_free(c->ix);
	c->domain = c->org = c->label = NULL;
	c->st = NULL;
	c->ix = NULL;
	c->nd = 0;
	c->dup_domains = 0;
}

void
panel_crawl_fini(struct panel_crawl *c, size_t nkeys)
{
	crawl_domains_free(c, nkeys);
	stats_result_free(c->res);
}

/*
 * The per-domain states of crawls i and i + 1 only: the pairs are taken
 * in date order, so memory holds two crawls' domains, whatever the number
 * of crawls.  Returns 0, or -1 after saying why.
 */
int
panel_crawl_window(struct panel_crawl *cs, size_t n, size_t i,
    const struct stats_options *o)
{
	char err[PANEL_ERR];

	for (size_t j = 0; j < n; j++) {
		if (j == i || j == i + 1) {
			if (cs[j].ix == NULL &&
			    crawl_domains(&cs[j], o, err, sizeof(err)) < 0) {
				fprintf(stderr, "uptake-trend: %s: %s\n",
				    cs[j].arg, err);
				return -1;
			}
		} else if (cs[j].ix)
			crawl_domains_free(&cs[j], o->nkeys);
	}
	return 0;
}

/* First value of key over the sources of r, or NULL. */
static const char *
result_kv(const struct stats_result *r, const char *key)
{
	for (size_t s = 0; s < r->nsources; s++) {
		const char *v = stats_source_kv(&r->sources[s], key);
		if (v && v[0])
			return v;
	}
	return NULL;
}

/* Whether every source of r that has key has the value v. */
static bool
result_kv_agree(const struct stats_result *r, const char *key,
    const char *v)
{
	for (size_t s = 0; s < r->nsources; s++) {
		const char *x = stats_source_kv(&r->sources[s], key);
		if (x && x[0] && strcmp(x, v) != 0)
			return false;
	}
	return true;
}

static int
crawl_cmp(const void *a, const void *b)
{
	return strcmp(((const struct panel_crawl *)a)->date,
	    ((const struct panel_crawl *)b)->date);
}

/* Split "a,b" into an array of n owned paths. */
static char **
split_paths(const char *s, size_t *n)
{
	char *copy = xstrdup(s), *save = NULL, **v = NULL;

	*n = 0;
	for (char *t = strtok_r(copy, ",", &save); t;
	    t = strtok_r(NULL, ",", &save)) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrdup(t);
	}
	free(copy);
	return v;
}

/*
 * Run every crawl, check they are one list at distinct dates and sort
 * them by date.  Returns 0, 3 (some part left out), or 1 after saying why.
 */
int
panel_crawls_load(struct panel_crawl *cs, char **args, size_t n,
    const struct stats_options *o, const char *date_key)
{
	char err[PANEL_ERR];
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		size_t np;
		char **paths = split_paths(args[i], &np);
		int rc = stats_run(paths, np, o, &cs[i].res, err, sizeof(err));
		for (size_t p = 0; p < np; p++)
			free(paths[p]);
		free(paths);
		cs[i].arg = args[i];
		if (rc < 0) {
			fprintf(stderr, "uptake-trend: %s: %s\n", args[i], err);
			return 1;
		}
		if (rc == 1)
			status = 3;
		cs[i].date_key = date_key;
		cs[i].date = result_kv(cs[i].res, date_key);
		cs[i].list = result_kv(cs[i].res, SNAPSHOT_KEY_LIST_NAME);
		cs[i].sha = result_kv(cs[i].res, SNAPSHOT_KEY_LIST_SHA256);
		if (cs[i].date == NULL || cs[i].list == NULL) {
			fprintf(stderr, "uptake-trend: %s: no %s in its metadata: cannot place it in the series\n",
			    args[i], cs[i].date ? SNAPSHOT_KEY_LIST_NAME :
			    date_key);
			return 1;
		}
		if (!result_kv_agree(cs[i].res, SNAPSHOT_KEY_LIST_NAME,
		    cs[i].list) || !result_kv_agree(cs[i].res,
		    date_key, cs[i].date)) {
			fprintf(stderr, "uptake-trend: %s: its parts are of more than one crawl (%s or %s differ)\n",
			    args[i], date_key,
			    SNAPSHOT_KEY_LIST_NAME);
			return 1;
		}
		if (strcmp(cs[i].list, cs[0].list) != 0) {
			fprintf(stderr, "uptake-trend: %s is a crawl of list '%s', %s of list '%s': a series follows one list\n",
			    args[i], cs[i].list, args[0], cs[0].list);
			return 1;
		}
		if (cs[i].res->dup_dropped)
			fprintf(stderr, "uptake-trend: %s: --dedupe keep-first: dropped %s\n",
			    args[i], cs[i].res->dup_text);
	}
	qsort(cs, n, sizeof(*cs), crawl_cmp);
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(cs[i].date, cs[i + 1].date) == 0) {
			fprintf(stderr, "uptake-trend: %s and %s have the same %s %s: the same crawl given twice? (shards of one crawl are joined by commas)\n",
			    cs[i].arg, cs[i + 1].arg,
			    strcmp(date_key, SNAPSHOT_KEY_CRAWL_START) == 0 ?
			    "crawl date" : "validation time", cs[i].date);
			return 1;
		}
	for (size_t i = 1; i < n; i++)
		if (cs[i].sha && cs[0].sha && strcmp(cs[i].sha, cs[0].sha))
			log_warn("trend", "list '%s' changed between crawls (%s has %s %.12s, %s has %.12s): the panel follows the domains in both",
			    cs[0].list, cs[i].arg, SNAPSHOT_KEY_LIST_SHA256,
			    cs[i].sha, cs[0].arg, cs[0].sha);
	return status;
}

