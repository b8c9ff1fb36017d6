/*
 * panel.c - uptake-trend over N crawls of one list: the long series (one
 * row per crawl, group and metric, as uptake-stats gives it), the panel of
 * the domains in consecutive crawls with McNemar's test, and the
 * regressions (domains that dropped a metric) per organisation.
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "csv.h"
#include "metrics.h"
#include "panel.h"
#include "panel_int.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

/* Binomial and McNemar. */

double
panel_binom_p(uint64_t b, uint64_t c)
{
	uint64_t n = b + c, k = b < c ? b : c;
	double s = 0;

	if (n == 0)
		return 1;
	/* P(X = i) = C(n, i) / 2^n, in logs: n may be large. */
	for (uint64_t i = 0; i <= k; i++)
		s += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		    lgamma((double)(n - i) + 1) - (double)n * log(2.0));
	return 2 * s < 1 ? 2 * s : 1;
}

void
panel_mcnemar(uint64_t b, uint64_t c, struct panel_mcnemar *out)
{
	uint64_t n = b + c;
	double d = b > c ? (double)(b - c) : (double)(c - b);

	memset(out, 0, sizeof(*out));
	out->stat = NAN;
	out->p = NAN;
	if (n == 0)
		return;
	out->tested = true;
	/* Continuity correction only when b != c (as R's mcnemar.test):
	 * with b == c there is no evidence of change, statistic 0. */
	out->stat = b == c ? 0 : (d - 1) * (d - 1) / (double)n;
	out->exact = n < PANEL_EXACT_BELOW;
	out->p = out->exact ? panel_binom_p(b, c) :
	    erfc(sqrt(out->stat / 2));
}

/* Output helpers. */

static void
csv_key_header(const struct stats_options *o)
{
	for (size_t k = 0; k < o->nkeys; k++)
		printf("%s,", stats_key_name(o->keys[k]));
}

static json_t *
json_key(const struct stats_options *o, char *const *labels)
{
	json_t *ko = json_object();

	for (size_t k = 0; k < o->nkeys; k++)
		json_object_set_new(ko, stats_key_name(o->keys[k]),
		    json_string(labels[k]));
	return ko;
}

/* The column a crawl's date is written under: its metadata key without
 * "uptake." (crawl_start, or validation_time under --date validation). */
static const char *
date_column(const struct panel_crawl *c)
{
	const char *dot = strchr(c->date_key, '.');

	return dot ? dot + 1 : c->date_key;
}

static json_t *
json_head(const char *what, const struct panel_crawl *cs, size_t n,
    const struct stats_options *o)
{
	json_t *root = json_object(), *a = json_array(), *ka = json_array();

	json_object_set_new(root, "tool", json_string("uptake-trend"));
	json_object_set_new(root, "version", json_string(UPTAKE_VERSION));
	json_object_set_new(root, "view", json_string(what));
	json_object_set_new(root, "list", json_string(cs[0].list));
	for (size_t k = 0; k < o->nkeys; k++)
		json_array_append_new(ka, json_string(stats_key_name(o->keys[k])));
	json_object_set_new(root, "keys", ka);
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_object();
		json_object_set_new(s, "snapshot", json_string(cs[i].arg));
		json_object_set_new(s, date_column(&cs[i]),
		    json_string(cs[i].date));
		json_object_set_new(s, "list_sha256",
		    cs[i].sha ? json_string(cs[i].sha) : json_null());
		json_object_set_new(s, "rows",
		    json_integer((json_int_t)cs[i].res->rows));
		json_object_set_new(s, "complete",
		    json_boolean(cs[i].res->bad_parts == 0));
		json_array_append_new(a, s);
	}
	json_object_set_new(root, "snapshots", a);
	return root;
}

static int
json_end(json_t *root)
{
	int rc = json_dumpf(root, stdout, JSON_INDENT(1) |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(root);
	return rc;
}

static json_t *
json_num(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

/* The series: uptake-stats crawl by crawl, in date order. */
static void
series_print(struct panel_crawl *cs, size_t n, const struct stats_options *o,
    uint64_t min_n, enum stats_format format)
{
	json_t *root = NULL, *rows = NULL;

	if (format == STATS_FORMAT_JSON) {
		root = json_head("series", cs, n, o);
		rows = json_array();
	} else {
		printf("%s,snapshot,", date_column(&cs[0]));
		csv_key_header(o);
		printf("metric,k,n,share,ci_low,ci_high,complete,note\n");
	}
	for (size_t i = 0; i < n; i++) {
		struct stats_result *r = cs[i].res;
		stats_table_fold(&r->table, min_n);
		stats_table_sort(&r->table);
		for (size_t g = 0; g < r->table.ngroups; g++) {
			const struct stats_group *gr = &r->table.groups[g];
			for (size_t m = 0; m < r->nmetrics; m++) {
				if (!r->wanted[m])
					continue;
				const struct stats_count *c = &gr->c[m];
				bool av = stats_result_available(r, m);
				double rate = NAN, lo = NAN, hi = NAN;
				if (av)
					stats_count_rate(c, false, &rate, &lo,
					    &hi, NULL);
				if (rows) {
					json_t *x = json_object();
					json_object_set_new(x,
					    date_column(&cs[i]),
					    json_string(cs[i].date));
					json_object_set_new(x, "key",
					    json_key(o, gr->key));
					json_object_set_new(x, "metric",
					    json_string(metric_get(m)->name));
					json_object_set_new(x, "k", av ?
					    json_integer((json_int_t)c->k) :
					    json_null());
					json_object_set_new(x, "n", av ?
					    json_integer((json_int_t)c->n) :
					    json_null());
					json_object_set_new(x, "share",
					    json_num(rate));
					json_object_set_new(x, "ci_low",
					    json_num(lo));
					json_object_set_new(x, "ci_high",
					    json_num(hi));
					if (!av)
						json_object_set_new(x, "note",
						    json_string("not available"));
					json_array_append_new(rows, x);
					continue;
				}
				printf("%s,", cs[i].date);
				csv_field_write(stdout, cs[i].arg);
				putchar(',');
				for (size_t k = 0; k < o->nkeys; k++) {
					csv_field_write(stdout, gr->key[k]);
					putchar(',');
				}
				printf("%s,", metric_get(m)->name);
				if (!av)
					printf(",,,,,");
				else {
					printf("%" PRIu64 ",%" PRIu64 ",", c->k,
					    c->n);
					if (isnan(rate))
						printf(",,,");
					else
						printf("%.6f,%.6f,%.6f,", rate,
						    lo, hi);
				}
				printf("%s,%s\n", r->bad_parts ? "no" : "yes",
				    av ? "" : "not available");
			}
		}
	}
	if (root) {
		json_object_set_new(root, "rows", rows);
		json_end(root);
	}
}

/* The panel. */

/* Counts of one metric in one group of one pair of crawls. */
struct pcount {
	uint64_t n_pair;	/* measured in both crawls */
	uint64_t kept;		/* true, true */
	uint64_t adopted;	/* false -> true */
	uint64_t dropped;	/* true -> false */
	uint64_t without;	/* false, false */
};

struct pgroup {
	char **key;		/* [nkeys] labels (borrowed from the crawl) */
	size_t nkeys;
	uint64_t domains;	/* in both crawls */
	struct pcount *c;	/* [nmetrics] */
};

struct pair {
	size_t from, to;	/* crawl indexes */
	uint64_t both, only_from, only_to;
	struct pgroup *g;
	size_t ng;
};

/* "other" and "unknown" after every real label, as stats_table_sort. */
static int
label_rank(const char *s)
{
	return strcmp(s, STATS_LABEL_OTHER) == 0 ? 2 :
	    strcmp(s, STATS_LABEL_UNKNOWN) == 0 ? 1 : 0;
}

static int
pgroup_cmp(const void *a, const void *b)
{
	const struct pgroup *x = a, *y = b;

	for (size_t k = 0; k < x->nkeys; k++) {
		int rx = label_rank(x->key[k]), ry = label_rank(y->key[k]);
		if (rx != ry)
			return rx - ry;
		int c = strcmp(x->key[k], y->key[k]);
		if (c)
			return c;
	}
	return 0;
}

/* Count the pair (from, to): groups by the labels in the later crawl. */
static void
pair_count(struct pair *pr, const struct panel_crawl *a,
    const struct panel_crawl *b, const struct stats_options *o, size_t nm)
{
	struct stats_strmap *gix = stats_strmap_new();
	size_t cap = 0;

	for (size_t j = 0; j < b->nd; j++) {
		uint32_t *ai = stats_strmap_get(a->ix, b->domain[j],
		    strlen(b->domain[j]));
		if (ai == NULL) {
			pr->only_to++;
			continue;
		}
		pr->both++;
		char buf[PANEL_KEYBUF];
		size_t len = 0;
		char **lab = &b->label[j * o->nkeys];
		for (size_t k = 0; k < o->nkeys; k++)
			len = panel_key_put(buf, len, lab[k], strlen(lab[k]));
		bool ins;
		uint32_t *gi = stats_strmap_put(gix, buf, len, &ins);
		if (ins) {
			if (pr->ng == cap) {
				cap = cap ? cap * 2 : 16;
				pr->g = xreallocarray(pr->g, cap,
				    sizeof(*pr->g));
			}
			pr->g[pr->ng].key = lab;
			pr->g[pr->ng].nkeys = o->nkeys;
			pr->g[pr->ng].domains = 0;
			pr->g[pr->ng].c = xcalloc(nm, sizeof(struct pcount));
			*gi = (uint32_t)pr->ng++;
		}
		struct pgroup *g = &pr->g[*gi];
		g->domains++;
		const uint8_t *s0 = &a->st[(size_t)*ai * nm];
		const uint8_t *s1 = &b->st[j * nm];
		for (size_t m = 0; m < nm; m++) {
			if (s0[m] == PANEL_ST_NULL || s1[m] == PANEL_ST_NULL)
				continue;
			struct pcount *c = &g->c[m];
			c->n_pair++;
			if (s0[m] == PANEL_ST_TRUE)
				*(s1[m] == PANEL_ST_TRUE ? &c->kept : &c->dropped) +=
				    1;
			else
				*(s1[m] == PANEL_ST_TRUE ? &c->adopted :
				    &c->without) += 1;
		}
	}
	pr->only_from = a->nd - pr->both;
	stats_strmap_free(gix);
	if (pr->ng > 1)
		qsort(pr->g, pr->ng, sizeof(*pr->g), pgroup_cmp);
}

static const char *
pair_note(const struct panel_crawl *a, const struct panel_crawl *b, size_t m,
    const struct pcount *c)
{
	if (!stats_result_available(a->res, m))
		return "not available in the earlier crawl";
	if (!stats_result_available(b->res, m))
		return "not available in the later crawl";
	if (c->n_pair == 0)
		return "no domain measured in both crawls";
	if (c->adopted + c->dropped == 0)
		return "no domain changed: no test";
	return NULL;
}

static int
panel_print(struct panel_crawl *cs, size_t n, const struct stats_options *o,
    enum stats_format format)
{
	size_t nm = metric_count();
	json_t *root = NULL, *pairs = NULL;
	const bool *wanted = cs[0].res->wanted;

	if (format == STATS_FORMAT_JSON) {
		root = json_head("panel", cs, n, o);
		json_object_set_new(root, "exact_below",
		    json_integer(PANEL_EXACT_BELOW));
		pairs = json_array();
	} else {
		printf("from,to,");
		csv_key_header(o);
		printf("metric,domains_both,n_pair,stayed_true,adopted,dropped,stayed_false,share_from,share_to,mcnemar,p,p_method,note\n");
	}
	for (size_t i = 0; i + 1 < n; i++) {
		struct pair pr;
		if (panel_crawl_window(cs, n, i, o) < 0) {
			json_decref(root);
			json_decref(pairs);
			return 1;
		}
		memset(&pr, 0, sizeof(pr));
		pair_count(&pr, &cs[i], &cs[i + 1], o, nm);
		json_t *pj = NULL, *rows = NULL;
		if (pairs) {
			pj = json_object();
			json_object_set_new(pj, "from", json_string(cs[i].date));
			json_object_set_new(pj, "to",
			    json_string(cs[i + 1].date));
			json_object_set_new(pj, "domains_both",
			    json_integer((json_int_t)pr.both));
			json_object_set_new(pj, "domains_only_from",
			    json_integer((json_int_t)pr.only_from));
			json_object_set_new(pj, "domains_only_to",
			    json_integer((json_int_t)pr.only_to));
			rows = json_array();
		}
		for (size_t g = 0; g < pr.ng; g++)
			for (size_t m = 0; m < nm; m++) {
				if (!wanted[m])
					continue;
				const struct pcount *c = &pr.g[g].c[m];
				struct panel_mcnemar t;
				panel_mcnemar(c->adopted, c->dropped, &t);
				const char *note = pair_note(&cs[i], &cs[i + 1],
				    m, c);
				double s0 = NAN, s1 = NAN;
				if (c->n_pair) {
					s0 = (double)(c->kept + c->dropped) /
					    (double)c->n_pair;
					s1 = (double)(c->kept + c->adopted) /
					    (double)c->n_pair;
				}
				if (rows) {
					json_t *x = json_object();
					json_object_set_new(x, "key",
					    json_key(o, pr.g[g].key));
					json_object_set_new(x, "metric",
					    json_string(metric_get(m)->name));
					json_object_set_new(x, "domains_both",
					    json_integer((json_int_t)pr.g[g].domains));
#define JI(name, v) json_object_set_new(x, name, \
	json_integer((json_int_t)(v)))
					JI("n_pair", c->n_pair);
					JI("stayed_true", c->kept);
					JI("adopted", c->adopted);
					JI("dropped", c->dropped);
					JI("stayed_false", c->without);
#undef JI
					json_object_set_new(x, "share_from",
					    json_num(s0));
					json_object_set_new(x, "share_to",
					    json_num(s1));
					json_object_set_new(x, "mcnemar",
					    json_num(t.stat));
					json_object_set_new(x, "p",
					    json_num(t.p));
					json_object_set_new(x, "p_method",
					    t.tested ? json_string(t.exact ?
					    "exact" : "chi2") : json_null());
					if (note)
						json_object_set_new(x, "note",
						    json_string(note));
					json_array_append_new(rows, x);
					continue;
				}
				printf("%s,%s,", cs[i].date, cs[i + 1].date);
				for (size_t k = 0; k < o->nkeys; k++) {
					csv_field_write(stdout, pr.g[g].key[k]);
					putchar(',');
				}
				printf("%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
				    metric_get(m)->name, pr.g[g].domains,
				    c->n_pair, c->kept, c->adopted,
				    c->dropped, c->without);
				if (c->n_pair)
					printf("%.6f,%.6f,", s0, s1);
				else
					printf(",,");
				if (t.tested)
					printf("%.6f,%.6g,%s,", t.stat, t.p,
					    t.exact ? "exact" : "chi2");
				else
					printf(",,,");
				printf("%s\n", note ? note : "");
			}
		if (pj) {
			json_object_set_new(pj, "rows", rows);
			json_array_append_new(pairs, pj);
		}
		for (size_t g = 0; g < pr.ng; g++)
			free(pr.g[g].c);
		free(pr.g);
	}
	if (root) {
		json_object_set_new(root, "pairs", pairs);
		json_end(root);
	}
	return 0;
}

/* Regressions: domains that dropped a metric between consecutive crawls,
 * by organisation. */
struct regr {
	char *org, *domain;	/* owned: the crawls' domains are freed */
	const char *from, *to;
	size_t m;
};

static int
regr_cmp(const void *a, const void *b)
{
	const struct regr *x = a, *y = b;
	int rx = label_rank(x->org), ry = label_rank(y->org), c;

	if (rx != ry)
		return rx - ry;
	if ((c = strcmp(x->org, y->org)) || (c = strcmp(x->domain,
	    y->domain)) || (c = strcmp(x->from, y->from)))
		return c;
	return x->m < y->m ? -1 : x->m > y->m;
}

static int
regressions_print(struct panel_crawl *cs, size_t n,
    const struct stats_options *o, enum stats_format format)
{
	size_t nm = metric_count(), nr = 0, cap = 0;
	struct regr *rv = NULL;
	const bool *wanted = cs[0].res->wanted;

	for (size_t i = 0; i + 1 < n; i++) {
		if (panel_crawl_window(cs, n, i, o) < 0) {
			for (size_t r = 0; r < nr; r++) {
				free(rv[r].org);
				free(rv[r].domain);
			}
			free(rv);
			return 1;
		}
		const struct panel_crawl *a = &cs[i], *b = &cs[i + 1];
		for (size_t j = 0; j < b->nd; j++) {
			uint32_t *ai = stats_strmap_get(a->ix, b->domain[j],
			    strlen(b->domain[j]));
			if (ai == NULL)
				continue;
			for (size_t m = 0; m < nm; m++) {
				if (!wanted[m] ||
				    a->st[(size_t)*ai * nm + m] != PANEL_ST_TRUE ||
				    b->st[j * nm + m] != PANEL_ST_FALSE)
					continue;
				if (nr == cap) {
					cap = cap ? cap * 2 : 64;
					rv = xreallocarray(rv, cap, sizeof(*rv));
				}
				rv[nr++] = (struct regr){ xstrdup(b->org[j]),
					xstrdup(b->domain[j]), a->date, b->date,
					m };
			}
		}
	}
	if (nr > 1)
		qsort(rv, nr, sizeof(*rv), regr_cmp);
	if (format == STATS_FORMAT_JSON) {
		json_t *root = json_head("regressions", cs, n, o);
		json_t *a = json_array();
		for (size_t i = 0; i < nr; i++) {
			json_t *x = json_object();
			json_object_set_new(x, "organisation",
			    json_string(rv[i].org));
			json_object_set_new(x, "domain",
			    json_string(rv[i].domain));
			json_object_set_new(x, "metric",
			    json_string(metric_get(rv[i].m)->name));
			json_object_set_new(x, "from", json_string(rv[i].from));
			json_object_set_new(x, "to", json_string(rv[i].to));
			json_array_append_new(a, x);
		}
		json_object_set_new(root, "rows", a);
		json_end(root);
	} else {
		printf("organisation,domain,metric,from,to\n");
		for (size_t i = 0; i < nr; i++) {
			csv_field_write(stdout, rv[i].org);
			putchar(',');
			csv_field_write(stdout, rv[i].domain);
			printf(",%s,%s,%s\n", metric_get(rv[i].m)->name,
			    rv[i].from, rv[i].to);
		}
	}
	for (size_t i = 0; i < nr; i++) {
		free(rv[i].org);
		free(rv[i].domain);
	}
	free(rv);
	return 0;
}

int
panel_main(struct stats_cli *cli, enum panel_mode mode, char **args,
    size_t nargs, enum stats_format format, const char *date_key)
{
	const struct stats_options *o = &cli->so;

	if (nargs < 2) {
		fprintf(stderr, "uptake-trend: --series, --panel and --regressions need two snapshots or more\n");
		return 2;
	}
	if (nargs > PANEL_MAX_CRAWLS) {
		fprintf(stderr, "uptake-trend: %zu snapshots: at most %d\n",
		    nargs, PANEL_MAX_CRAWLS);
		return 2;
	}
	if (format == STATS_FORMAT_MD) {
		fprintf(stderr, "uptake-trend: --series, --panel and --regressions write csv or json (--format)\n");
		return 2;
	}
	struct panel_crawl *cs = xcalloc(nargs, sizeof(*cs));
	int status = panel_crawls_load(cs, args, nargs, o, date_key);
	if (status == 1)
		goto out;
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (mode == PANEL_MODE_SERIES)
		series_print(cs, nargs, o, cli->min_n, format);
	else if ((mode == PANEL_MODE_PANEL ? panel_print(cs, nargs, o,
	    format) : regressions_print(cs, nargs, o, format)) != 0)
		status = 1;
	if (fflush(stdout) != 0) {
		fprintf(stderr, "uptake-trend: writing the output failed\n");
		status = 1;
	}
	if (status == 3)
		fprintf(stderr, "uptake-trend: PARTIAL RESULTS: unreadable parts left out\n");
out:
	for (size_t i = 0; i < nargs; i++)
		panel_crawl_fini(&cs[i], o->nkeys);
	free(cs);
	return status;
}
