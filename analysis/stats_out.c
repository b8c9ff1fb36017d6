/*
 * stats_out.c - uptake-stats output: CSV (one line per group and
 * metric), JSON (jansson, the library the crawler uses), Markdown (long:
 * a line per group and metric; wide: a line per group), and the metric
 * table itself (--list-metrics).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "csv.h"
#include "stats.h"
#include "util.h"

int
stats_format_parse(const char *s, enum stats_format *out)
{
	if (strcmp(s, "csv") == 0)
		*out = STATS_FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = STATS_FORMAT_JSON;
	else if (strcmp(s, "md") == 0)
		*out = STATS_FORMAT_MD;
	else
		return -1;
	return 0;
}

void
stats_md_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static bool
has_country(const struct stats_result *r)
{
	for (size_t i = 0; i < r->table.nkeys; i++)
		if (r->table.keys[i] == STATS_KEY_COUNTRY)
			return true;
	return false;
}

/* "meta+cctld": the sources of a group's country labels, in order. */
static void
csrc_text(const struct stats_group *g, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (int s = 0; s < STATS_CSRC_COUNT; s++) {
		if (!g->csrc[s])
			continue;
		int n = snprintf(buf + pos, len - pos, "%s%s", pos ? "+" : "",
		    stats_csrc_name((enum stats_csrc)s));
		if (n < 0 || (size_t)n >= len - pos)
			break;
		pos += (size_t)n;
	}
}

static size_t
readable_parts(const struct stats_result *r)
{
	return r->nparts - r->bad_parts;
}

/*
 * Under an operator key: a group's share of its market and the market's
 * figures, as CSV fields "share,providers,hhi,with_operator,
 * without_operator," (share empty for the rows without an operator and
 * for a folded group; the market's fields empty for a folded group).
 */
static void
csv_conc(FILE *f, const struct stats_result *r, const struct stats_group *g)
{
	const struct stats_market *m = stats_conc_market(r->conc, g);
	double s = stats_conc_share(r->conc, g);

	if (!isnan(s))
		fprintf(f, "%.6f,", s);
	else
		fputc(',', f);
	if (m == NULL) {
		fputs(",,,,", f);
		return;
	}
	fprintf(f, "%" PRIu64 ",", m->providers);
	if (!isnan(m->hhi))
		fprintf(f, "%.4f,", m->hhi);
	else
		fputc(',', f);
	fprintf(f, "%" PRIu64 ",%" PRIu64 ",", m->with_operator,
	    m->without_operator);
}

static void
print_csv(FILE *f, const struct stats_result *r)
{
	const struct stats_table *t = &r->table;
	bool cs = has_country(r);
	const char *complete = r->bad_parts ? "no" : "yes";
	/* Rows dropped as duplicates are said on every line that says complete. */
	char dup_note[2200];

	if (r->dup_dropped)
		snprintf(dup_note, sizeof(dup_note), "--dedupe keep-first dropped %s",
		    r->dup_text);
	for (size_t i = 0; i < t->nkeys; i++)
		fprintf(f, "%s,", stats_key_name(t->keys[i]));
	if (cs)
		fputs("country_source,", f);
	fputs("rows,", f);
	if (r->conc)
		fputs("share,providers,hhi,with_operator,without_operator,", f);
	fprintf(f, "metric,n,k,rate,ci_low,ci_high,%scomplete,note\n",
	    r->weighted ? "n_eff," : "");
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct stats_group *gr = &t->groups[g];
		char src[64];
		csrc_text(gr, src, sizeof(src));
		for (size_t m = 0; m < r->nmetrics; m++) {
			if (!r->wanted[m])
				continue;
			for (size_t i = 0; i < t->nkeys; i++) {
				csv_field_write(f, gr->key[i]);
				fputc(',', f);
			}
			if (cs)
				fprintf(f, "%s,", src);
			fprintf(f, "%" PRIu64 ",", gr->rows);
			if (r->conc)
				csv_conc(f, r, gr);
			fprintf(f, "%s,", metric_get(m)->name);
			if (!stats_result_available(r, m)) {
				fprintf(f, ",,,,,%s%s,", r->weighted ? "," : "",
				    complete);
				char note[3400];
				snprintf(note, sizeof(note), "not available: %s%s%s",
				    r->missing[m], r->dup_dropped ? "; " : "",
				    r->dup_dropped ? dup_note : "");
				csv_field_write(f, note);
				fputc('\n', f);
				continue;
			}
			const struct stats_count *c = &gr->c[m];
			double rate, lo, hi, neff;
			fprintf(f, "%" PRIu64 ",%" PRIu64 ",", c->n, c->k);
			if (stats_count_rate(c, r->weighted, &rate, &lo, &hi,
			    &neff))
				fprintf(f, "%.6f,%.6f,%.6f,", rate, lo, hi);
			else
				fputs(",,,", f);
			if (r->weighted)
				fprintf(f, "%.1f,", neff);
			fprintf(f, "%s,", complete);
			if (r->dup_dropped)
				csv_field_write(f, dup_note);
			fputc('\n', f);
		}
	}
}

static json_t *
json_num_or_null(bool ok, double v)
{
	return ok && !isnan(v) ? json_real(v) : json_null();
}

/* The "snapshots" array: each source's path, parts, rows, provenance. */
static json_t *
json_sources(const struct stats_result *r)
{
	json_t *a = json_array();

	for (size_t s = 0; s < r->nsources; s++) {
		const struct stats_source *src = &r->sources[s];
		json_t *so = json_object(), *pv = json_object();
		json_object_set_new(so, "path", json_string(src->path));
		json_object_set_new(so, "parts", json_integer((json_int_t)src->nparts));
		json_object_set_new(so, "rows", json_integer(src->rows));
		for (size_t i = 0; i < src->nkv; i++)
			json_object_set_new(pv, src->kv[i].key,
			    json_string(src->kv[i].value));
		json_object_set_new(so, "provenance", pv);
		json_array_append_new(a, so);
	}
	return a;
}

/* One metric's figures in a group: n, k, rate, interval (and weights). */
static json_t *
json_count(const struct stats_count *c, bool weighted)
{
	double rate, lo, hi, neff;
	bool ok = stats_count_rate(c, weighted, &rate, &lo, &hi, &neff);
	json_t *v = json_object();

	json_object_set_new(v, "n", json_integer((json_int_t)c->n));
	json_object_set_new(v, "k", json_integer((json_int_t)c->k));
	json_object_set_new(v, "rate", json_num_or_null(ok, rate));
	json_object_set_new(v, "ci_low", json_num_or_null(ok, lo));
	json_object_set_new(v, "ci_high", json_num_or_null(ok, hi));
	if (weighted) {
		json_object_set_new(v, "n_eff", json_num_or_null(ok, neff));
		json_object_set_new(v, "weight_n", json_real(c->wn));
		json_object_set_new(v, "weight_k", json_real(c->wk));
	}
	return v;
}

/* The "concentration" object: the operator key and every market's
 * figures. */
static json_t *
json_conc(const struct stats_result *r)
{
	const struct stats_conc *c = r->conc;
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "operator_key",
	    json_string(stats_key_name(r->table.keys[c->opkey])));
	for (size_t i = 0; i < c->n; i++) {
		const struct stats_market *m = &c->m[i];
		json_t *mo = json_object(), *ko = json_object();

		for (size_t k = 0; k < c->nkeys; k++)
			if (k != c->opkey)
				json_object_set_new(ko,
				    stats_key_name(r->table.keys[k]),
				    json_string(m->key[k]));
		json_object_set_new(mo, "key", ko);
		json_object_set_new(mo, "providers",
		    json_integer((json_int_t)m->providers));
		json_object_set_new(mo, "hhi", json_num_or_null(true, m->hhi));
		json_object_set_new(mo, "top_share",
		    json_num_or_null(true, m->top_share));
		json_object_set_new(mo, "with_operator",
		    json_integer((json_int_t)m->with_operator));
		json_object_set_new(mo, "without_operator",
		    json_integer((json_int_t)m->without_operator));
		json_array_append_new(a, mo);
	}
	json_object_set_new(o, "markets", a);
	return o;
}

/* One element of "groups": its key, rows, country sources, metrics. */
static json_t *
json_group(const struct stats_result *r, const struct stats_group *gr)
{
	const struct stats_table *t = &r->table;
	json_t *go = json_object(), *ko = json_object(), *mo, *o;

	for (size_t i = 0; i < t->nkeys; i++)
		json_object_set_new(ko, stats_key_name(t->keys[i]),
		    json_string(gr->key[i]));
	json_object_set_new(go, "key", ko);
	json_object_set_new(go, "rows", json_integer((json_int_t)gr->rows));
	if (r->conc)
		json_object_set_new(go, "share", json_num_or_null(true,
		    stats_conc_share(r->conc, gr)));
	if (has_country(r)) {
		o = json_object();
		for (int s = 0; s < STATS_CSRC_COUNT; s++)
			if (gr->csrc[s])
				json_object_set_new(o,
				    stats_csrc_name((enum stats_csrc)s),
				    json_integer((json_int_t)gr->csrc[s]));
		json_object_set_new(go, "country_source", o);
	}
	mo = json_object();
	for (size_t m = 0; m < r->nmetrics; m++) {
		if (!stats_result_available(r, m))
			continue;
		json_object_set_new(mo, metric_get(m)->name,
		    json_count(&gr->c[m], r->weighted));
	}
	json_object_set_new(go, "metrics", mo);
	return go;
}

static int
print_json(FILE *f, const struct stats_result *r,
    const struct stats_print_options *po)
{
	const struct stats_table *t = &r->table;
	json_t *root = json_object(), *a, *o;

	json_object_set_new(root, "tool", json_string(po->tool));
	json_object_set_new(root, "version", json_string(UPTAKE_VERSION));
	json_object_set_new(root, "complete", json_boolean(r->bad_parts == 0));
	json_object_set_new(root, "duplicates_dropped",
	    json_integer((json_int_t)r->dup_dropped));
	if (r->dup_dropped)
		json_object_set_new(root, "duplicates",
		    json_string(r->dup_text));
	json_object_set_new(root, "snapshots", json_sources(r));
	a = json_array();
	for (size_t p = 0; p < r->nparts; p++) {
		if (!r->parts[p].error)
			continue;
		o = json_object();
		json_object_set_new(o, "path", json_string(r->parts[p].path));
		json_object_set_new(o, "error", json_string(r->parts[p].error));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "unreadable_parts", a);
	json_object_set_new(root, "rows", json_integer((json_int_t)r->rows));
	a = json_array();
	for (size_t i = 0; i < t->nkeys; i++)
		json_array_append_new(a, json_string(stats_key_name(t->keys[i])));
	json_object_set_new(root, "by", a);
	json_object_set_new(root, "weight",
	    r->weighted ? json_string("rank") : json_null());
	json_object_set_new(root, "min_n", json_integer((json_int_t)po->min_n));
	if (has_country(r)) {
		o = json_object();
		for (int s = 0; s < STATS_CSRC_COUNT; s++)
			json_object_set_new(o, stats_csrc_name((enum stats_csrc)s),
			    json_integer((json_int_t)r->csrc[s]));
		json_object_set_new(root, "country_sources", o);
	}
	o = json_object();
	for (size_t m = 0; m < r->nmetrics; m++)
		if (r->wanted[m] && r->missing[m])
			json_object_set_new(o, metric_get(m)->name,
			    json_string(r->missing[m]));
	json_object_set_new(root, "metrics_not_available", o);
	a = json_array();
	for (size_t g = 0; g < t->ngroups; g++)
		json_array_append_new(a, json_group(r, &t->groups[g]));
	json_object_set_new(root, "groups", a);
	if (r->conc)
		json_object_set_new(root, "concentration", json_conc(r));
	int rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(root);
	return rc;
}

static void
md_banner(FILE *f, const struct stats_result *r)
{
	if (r->dup_dropped) {
		fputs("> **Duplicate rows dropped (--dedupe keep-first): ", f);
		stats_md_escape(f, r->dup_text);
		fputs(".**\n\n", f);
	}
	if (!r->bad_parts)
		return;
	fprintf(f, "> **PARTIAL RESULTS: %zu of %zu parts could not be read and are left out; these figures do not describe the whole crawl.**\n",
	    r->bad_parts, r->nparts);
	for (size_t p = 0; p < r->nparts; p++)
		if (r->parts[p].error) {
			fputs("> - ", f);
			stats_md_escape(f, r->parts[p].error);
			fputc('\n', f);
		}
	fputc('\n', f);
}

static void
md_keys_head(FILE *f, const struct stats_result *r, bool cs)
{
	const struct stats_table *t = &r->table;

	fputc('|', f);
	for (size_t i = 0; i < t->nkeys; i++)
		fprintf(f, " %s |", stats_key_name(t->keys[i]));
	if (t->nkeys == 0)
		fputs(" group |", f);
	if (cs)
		fputs(" country source |", f);
}

static void
md_keys(FILE *f, const struct stats_result *r, const struct stats_group *g,
    bool cs)
{
	const struct stats_table *t = &r->table;
	char src[64];

	fputc('|', f);
	for (size_t i = 0; i < t->nkeys; i++) {
		fputc(' ', f);
		stats_md_escape(f, g->key[i]);
		fputs(" |", f);
	}
	if (t->nkeys == 0)
		fputs(" all |", f);
	if (cs) {
		csrc_text(g, src, sizeof(src));
		fprintf(f, " %s |", src);
	}
}

/* A group's share of its market in percent, as a Markdown cell. */
static void
md_share(FILE *f, const struct stats_result *r, const struct stats_group *g)
{
	double s;

	if (r->conc == NULL)
		return;
	s = stats_conc_share(r->conc, g);
	if (isnan(s))
		fputs(" - |", f);
	else
		fprintf(f, " %.1f |", 100 * s);
}

/* The concentration table: one line per market. */
static void
md_conc(FILE *f, const struct stats_result *r)
{
	const struct stats_conc *c = r->conc;
	const char *opk;
	size_t nk = 0;

	if (c == NULL)
		return;
	opk = stats_key_name(r->table.keys[c->opkey]);
	fprintf(f, "\nConcentration of %s (Herfindahl-Hirschman index, 0-10000; shares of the rows with a known operator):\n\n|",
	    opk);
	for (size_t k = 0; k < c->nkeys; k++)
		if (k != c->opkey) {
			fprintf(f, " %s |", stats_key_name(r->table.keys[k]));
			nk++;
		}
	if (nk == 0)
		fputs(" group |", f);
	fputs(" providers | HHI | top share % | with operator | without operator |\n|",
	    f);
	for (size_t k = 0; k < (nk ? nk : 1); k++)
		fputs(" --- |", f);
	fputs(" ---: | ---: | ---: | ---: | ---: |\n", f);
	for (size_t i = 0; i < c->n; i++) {
		const struct stats_market *m = &c->m[i];

		fputc('|', f);
		for (size_t k = 0; k < c->nkeys; k++)
			if (k != c->opkey) {
				fputc(' ', f);
				stats_md_escape(f, m->key[k]);
				fputs(" |", f);
			}
		if (nk == 0)
			fputs(" all |", f);
		fprintf(f, " %" PRIu64 " |", m->providers);
		if (isnan(m->hhi))
			fputs(" - | - |", f);
		else
			fprintf(f, " %.0f | %.1f |", m->hhi,
			    100 * m->top_share);
		fprintf(f, " %" PRIu64 " | %" PRIu64 " |\n", m->with_operator,
		    m->without_operator);
	}
}

static void
md_notes(FILE *f, const struct stats_result *r,
    const struct stats_print_options *po)
{
	bool any = false;

	md_conc(f, r);

	fprintf(f, "\n%" PRIu64 " rows from %zu of %zu parts of %zu snapshot%s",
	    r->rows, readable_parts(r), r->nparts, r->nsources,
	    r->nsources == 1 ? "" : "s");
	if (po->min_n > 1)
		fprintf(f, "; groups under %" PRIu64 " rows folded into \"other\"",
		    po->min_n);
	if (r->weighted)
		fputs("; rates weighted by 1/rank, intervals on the Kish effective sample size", f);
	fputs(".\n", f);
	if (has_country(r)) {
		fputs("Country from: ", f);
		for (int s = 0; s < STATS_CSRC_COUNT; s++)
			fprintf(f, "%s%s %" PRIu64, s ? ", " : "",
			    stats_csrc_name((enum stats_csrc)s), r->csrc[s]);
		fputs(" rows (meta file, then ccTLD, then hosting country).\n", f);
	}
	for (size_t m = 0; m < r->nmetrics; m++) {
		if (!r->wanted[m] || !r->missing[m])
			continue;
		if (!any)
			fputs("\nNot available in these snapshots:\n", f);
		any = true;
		fprintf(f, "- %s: ", metric_get(m)->name);
		stats_md_escape(f, r->missing[m]);
		fputc('\n', f);
	}
	md_banner(f, r);
}

static void
print_md_long(FILE *f, const struct stats_result *r,
    const struct stats_print_options *po)
{
	const struct stats_table *t = &r->table;
	bool cs = has_country(r);

	md_banner(f, r);
	md_keys_head(f, r, cs);
	if (r->conc)
		fputs(" share % |", f);
	fprintf(f, " metric | n | k | %s | 95%% CI %% |\n",
	    r->weighted ? "rate % (weighted)" : "rate %");
	fputc('|', f);
	for (size_t i = 0; i < (t->nkeys ? t->nkeys : 1) + cs; i++)
		fputs(" --- |", f);
	if (r->conc)
		fputs(" ---: |", f);
	fputs(" --- | ---: | ---: | ---: | ---: |\n", f);
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct stats_group *gr = &t->groups[g];
		for (size_t m = 0; m < r->nmetrics; m++) {
			if (!stats_result_available(r, m))
				continue;
			const struct stats_count *c = &gr->c[m];
			double rate, lo, hi;
			md_keys(f, r, gr, cs);
			md_share(f, r, gr);
			fprintf(f, " %s | %" PRIu64 " | %" PRIu64 " |",
			    metric_get(m)->name, c->n, c->k);
			if (stats_count_rate(c, r->weighted, &rate, &lo, &hi,
			    NULL))
				fprintf(f, " %.1f | %.1f-%.1f |\n", 100 * rate,
				    100 * lo, 100 * hi);
			else
				fputs(" - | - |\n", f);
		}
	}
	md_notes(f, r, po);
}

static void
print_md_wide(FILE *f, const struct stats_result *r,
    const struct stats_print_options *po)
{
	const struct stats_table *t = &r->table;
	bool cs = has_country(r);
	size_t ncols = 0;

	md_banner(f, r);
	md_keys_head(f, r, cs);
	fputs(" rows |", f);
	if (r->conc)
		fputs(" share % |", f);
	for (size_t m = 0; m < r->nmetrics; m++)
		if (stats_result_available(r, m)) {
			fprintf(f, " %s |", metric_get(m)->name);
			ncols++;
		}
	fputs("\n|", f);
	for (size_t i = 0; i < (t->nkeys ? t->nkeys : 1) + cs; i++)
		fputs(" --- |", f);
	fputs(" ---: |", f);
	if (r->conc)
		fputs(" ---: |", f);
	for (size_t i = 0; i < ncols; i++)
		fputs(" ---: |", f);
	fputc('\n', f);
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct stats_group *gr = &t->groups[g];
		md_keys(f, r, gr, cs);
		fprintf(f, " %" PRIu64 " |", gr->rows);
		md_share(f, r, gr);
		for (size_t m = 0; m < r->nmetrics; m++) {
			if (!stats_result_available(r, m))
				continue;
			double rate, lo, hi;
			if (stats_count_rate(&gr->c[m], r->weighted, &rate, &lo,
			    &hi, NULL))
				fprintf(f, " %.1f (%" PRIu64 ") |", 100 * rate,
				    gr->c[m].n);
			else
				fputs(" - |", f);
		}
		fputc('\n', f);
	}
	fputs("\nCells: rate % (n, the denominator). 95% Wilson intervals: --layout long, --format csv or json.\n",
	    f);
	md_notes(f, r, po);
}

int
stats_print(FILE *f, const struct stats_result *r,
    const struct stats_print_options *po)
{
	switch (po->format) {
	case STATS_FORMAT_CSV:
		print_csv(f, r);
		break;
	case STATS_FORMAT_JSON:
		if (print_json(f, r, po) < 0)
			return -1;
		break;
	case STATS_FORMAT_MD:
		if (po->wide)
			print_md_wide(f, r, po);
		else
			print_md_long(f, r, po);
		break;
	}
	return ferror(f) ? -1 : 0;
}

int
stats_print_metrics(FILE *f, enum stats_format format)
{
	size_t n = metric_count();

	if (format == STATS_FORMAT_JSON) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			const struct metric *m = metric_get(i);
			json_t *o = json_object();
			json_object_set_new(o, "name", json_string(m->name));
			json_object_set_new(o, "group", json_string(m->group));
			json_object_set_new(o, "label", json_string(m->label));
			json_object_set_new(o, "description",
			    json_string(m->description));
			json_object_set_new(o, "denominator", json_string(m->den));
			json_object_set_new(o, "numerator", json_string(m->num));
			json_object_set_new(o, "outside", json_string(m->outside));
			json_array_append_new(a, o);
		}
		int rc = json_dumpf(a, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', f);
		json_decref(a);
		return rc < 0 || ferror(f) ? -1 : 0;
	}
	if (format == STATS_FORMAT_CSV) {
		fputs("metric,group,label,description,denominator,numerator,outside\n",
		    f);
		for (size_t i = 0; i < n; i++) {
			const struct metric *m = metric_get(i);
			const char *v[] = { m->name, m->group, m->label,
				m->description, m->den, m->num, m->outside };
			for (size_t j = 0; j < 7; j++) {
				if (j)
					fputc(',', f);
				csv_field_write(f, v[j]);
			}
			fputc('\n', f);
		}
		return ferror(f) ? -1 : 0;
	}
	fputs("| metric | measures | n: rows where | k: rows of n where | outside n |\n", f);
	fputs("| --- | --- | --- | --- | --- |\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct metric *m = metric_get(i);
		fprintf(f, "| `%s` | ", m->name);
		stats_md_escape(f, m->description);
		fputs(" | `", f);
		stats_md_escape(f, m->den);
		fputs("` | `", f);
		stats_md_escape(f, m->num);
		fputs("` | ", f);
		stats_md_escape(f, m->outside);
		fputs(" |\n", f);
	}
	return ferror(f) ? -1 : 0;
}
