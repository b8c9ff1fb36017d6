/*
 * uptake-trend - what moved between two crawls: per group and metric the
 * old and new rate, the change in percentage points, and the two-sided
 * p-value of the pooled two-proportion z-test, with Benjamini-Hochberg
 * adjusted q-values over every test printed.
 *
 *   uptake-trend OLD NEW [--by KEY[,KEY...]] [--meta FILE]
 *                [--country-source meta|cctld|hosting] [--min-n N]
 *                [--metrics NAME,...] [--only-significant] [--alpha A]
 *                [--adjust bh|none] [--format csv|json|md]
 *                [--allow-partial] [--dedupe refuse|keep-first] [--threads N]
 *
 *   uptake-trend --series|--panel|--regressions SNAPSHOT SNAPSHOT...
 *                [--by ...] [--meta FILE] [--metrics ...] [--format csv|json]
 *
 * OLD and NEW are snapshots (a directory or part; several shards of one
 * crawl joined by commas).  With two or more snapshots of one list,
 * --series, --panel and --regressions (panel.c) order them by crawl date.  A metric whose columns one side lacks (an
 * older schema) is reported as not available, not fatal.  Exit status as
 * uptake-stats: 0, 1 (unreadable input), 2 (usage), 3 (partial).
 */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "csv.h"
#include "log.h"
#include "metrics.h"
#include "panel.h"
#include "snapshot.h"
#include "stats.h"
#include "stats_cli.h"
#include "util.h"

struct trend_row {
	size_t g;		/* group index in the new table */
	const struct stats_group *old, *new;
	size_t m;
	struct stats_change c;	/* the trend model (stats.h) */
	const char *note;	/* why there is no test */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: uptake-trend OLD NEW [--by KEY[,KEY...]] [--meta FILE]\n"
	    "                    [--country-source meta|cctld|hosting] [--min-n N]\n"
	    "                    [--metrics NAME,...] [--only-significant] [--alpha A]\n"
	    "                    [--adjust bh|none] [--format csv|json|md]\n"
	    "                    [--allow-partial] [--dedupe refuse|keep-first]\n"
	    "                    [--threads N]\n"
	    "       uptake-trend --series|--panel|--regressions SNAPSHOT SNAPSHOT...\n"
	    "                    [--by KEY[,KEY...]] [--meta FILE] [--metrics NAME,...]\n"
	    "                    [--format csv|json] [--min-n N] [--date crawl|validation]\n"
	    "                    [...]\n"
	    "OLD, NEW: snapshot directories or parts; shards of one crawl joined by commas.\n"
	    "--series: k, n, share and Wilson interval per crawl, group and metric;\n"
	    "--panel: the domains in consecutive crawls, adopted and dropped, McNemar's test;\n"
	    "--regressions: the domains that dropped a metric, by organisation.\n"
	    "The snapshots of a series are crawls of one list, ordered by crawl date\n"
	    "(uptake.crawl_start), or with --date validation by the date each measured\n"
	    "its world at (uptake.validation_time: a simulated crawl's world time).\n");
}

/* Split "a,b" into a NULL-terminated array (owned). */
static char **
split_paths(const char *s, size_t *n)
{
	char *copy = xstrdup(s), *save = NULL, **v = NULL;

	*n = 0;
	for (char *t = strtok_r(copy, ",", &save); t;
	    t = strtok_r(NULL, ",", &save)) {
		v = xreallocarray(v, *n + 2, sizeof(*v));
		v[(*n)++] = xstrdup(t);
		v[*n] = NULL;
	}
	free(copy);
	return v;
}

static void
free_paths(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

struct fold_ctx {
	const struct stats_table *other;
	uint64_t min_n;
};

/* Fold a group small here or small (or absent) on the other side. */
static bool
fold_either(const struct stats_group *g, void *arg)
{
	struct fold_ctx *c = arg;

	if (g->rows < c->min_n)
		return true;
	const struct stats_group *o = stats_table_find(c->other,
	    (const char *const *)g->key);
	return o == NULL || o->rows < c->min_n;
}

static const char *
crawl_date(const struct stats_result *r)
{
	for (size_t s = 0; s < r->nsources; s++) {
		const char *v = stats_source_kv(&r->sources[s],
		    SNAPSHOT_KEY_CRAWL_START);
		if (v)
			return v;
	}
	return "unknown";
}

static bool
significant(const struct trend_row *t, double alpha, bool bh)
{
	return stats_change_significant(&t->c, alpha, bh);
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "only-significant", no_argument, NULL, 's' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "adjust", required_argument, NULL, 'A' },
		{ "series", no_argument, NULL, 'S' },
		{ "panel", no_argument, NULL, 'N' },
		{ "regressions", no_argument, NULL, 'R' },
		{ "date", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *longopts = stats_cli_options("bMcnmfPDt", own);
	struct stats_cli cli;
	enum stats_format format;
	bool only_sig = false, bh = true;
	enum panel_mode mode = 0;
	const char *date_key = NULL;	/* --date; NULL: crawl_start */
	double alpha = 0.05;
	uint64_t min_n;
	char err[1200];
	int ch;

	log_set_progname("uptake-trend");
	stats_cli_init(&cli, 1);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (stats_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 's':
			only_sig = true;
			break;
		case 'a': {
			char *end;
			alpha = strtod(optarg, &end);
			if (*end || !(alpha > 0 && alpha < 1))
				fatal(2, "--alpha: '%s' is not in (0, 1)", optarg);
			break;
		}
		case 'A':
			if (strcmp(optarg, "bh") && strcmp(optarg, "none"))
				fatal(2, "--adjust: '%s' is not bh or none",
				    optarg);
			bh = strcmp(optarg, "bh") == 0;
			break;
		case 'S':
		case 'N':
		case 'R': {
			enum panel_mode m = ch == 'S' ? PANEL_MODE_SERIES :
			    ch == 'N' ? PANEL_MODE_PANEL :
			    PANEL_MODE_REGRESSIONS;
			if (mode && mode != m)
				fatal(2, "--series, --panel and --regressions: one at a time");
			mode = m;
			break;
		}
		case 'T':
			date_key = stats_cli_date_key(optarg);
			break;
		default:
			stats_cli_opt_other(ch, "uptake-trend", usage);
		}
	}
	free(longopts);
	if (mode) {
		/* CSV unless asked: these are tables for other tools. */
		format = cli.format_set ? cli.format : STATS_FORMAT_CSV;
		stats_cli_check(&cli);
		stats_cli_load(&cli);
		int st = panel_main(&cli, mode, argv + optind,
		    (size_t)(argc - optind), format,
		    date_key ? date_key : SNAPSHOT_KEY_CRAWL_START);
		stats_cli_fini(&cli);
		return st;
	}
	if (date_key != NULL)
		fatal(2, "--date orders a series: it needs --series, --panel or --regressions");
	if (optind + 2 != argc) {
		if (argc - optind > 2)
			fprintf(stderr, "uptake-trend: %d snapshots: more than two need --series, --panel or --regressions\n",
			    argc - optind);
		usage(stderr);
		return 2;
	}
	format = cli.format_set ? cli.format : isatty(STDOUT_FILENO) ?
	    STATS_FORMAT_MD : STATS_FORMAT_CSV;
	min_n = cli.min_n;
	stats_cli_check(&cli);
	stats_cli_load(&cli);

	struct stats_result *res[2] = { NULL, NULL };
	int status = 0;
	for (int side = 0; side < 2; side++) {
		size_t np;
		char **paths = split_paths(argv[optind + side], &np);
		int rc = stats_run(paths, np, &cli.so, &res[side], err,
		    sizeof(err));
		free_paths(paths);
		if (rc < 0) {
			fprintf(stderr, "uptake-trend: %s: %s\n",
			    side ? "NEW" : "OLD", err);
			if (rc == -2)
				fprintf(stderr, "uptake-trend: no results: a snapshot part could not be read (--allow-partial leaves unreadable parts out, marked in the output)\n");
			stats_result_free(res[0]);
			stats_cli_fini(&cli);
			return 1;
		}
		if (rc == 1)
			status = 3;
		if (res[side]->dup_dropped)
			fprintf(stderr, "uptake-trend: %s: --dedupe keep-first: dropped %s\n",
			    side ? "NEW" : "OLD", res[side]->dup_text);
	}
	/* Said on every CSV line and in the JSON and Markdown headers. */
	char dup_note[4600] = "";
	for (int s = 0; s < 2; s++)
		if (res[s]->dup_dropped) {
			size_t l = strlen(dup_note);
			snprintf(dup_note + l, sizeof(dup_note) - l,
			    "%s%s: --dedupe keep-first dropped %s",
			    l ? "; " : "", s ? "NEW" : "OLD", res[s]->dup_text);
		}
	/* Fold on both sides alike, so the groups correspond. */
	if (min_n > 1) {
		struct stats_table *snap0 = stats_table_rollup(&res[0]->table,
		    (size_t[]){ 0, 1, 2, 3 }, res[0]->table.nkeys);
		struct fold_ctx c0 = { &res[1]->table, min_n };
		struct fold_ctx c1 = { snap0, min_n };
		stats_table_fold_if(&res[0]->table, fold_either, &c0);
		stats_table_fold_if(&res[1]->table, fold_either, &c1);
		stats_table_free(snap0);
	}
	stats_table_sort(&res[1]->table);

	/* Rows: every group of NEW (and OLD-only groups) x wanted metric. */
	size_t nm = metric_count(), nrows = 0, cap = 0;
	struct trend_row *rows = NULL;
	const struct stats_table *t0 = &res[0]->table, *t1 = &res[1]->table;
	for (int pass = 0; pass < 2; pass++) {
		const struct stats_table *t = pass ? t0 : t1;
		for (size_t g = 0; g < t->ngroups; g++) {
			const struct stats_group *a, *b;
			if (pass) {
				a = &t0->groups[g];
				if (stats_table_find(t1,
				    (const char *const *)a->key))
					continue;
				b = NULL;
			} else {
				b = &t1->groups[g];
				a = stats_table_find(t0,
				    (const char *const *)b->key);
			}
			for (size_t m = 0; m < nm; m++) {
				if (!res[1]->wanted[m])
					continue;
				if (nrows == cap) {
					cap = cap ? cap * 2 : 256;
					rows = xreallocarray(rows, cap,
					    sizeof(*rows));
				}
				struct trend_row *r = &rows[nrows++];
				memset(r, 0, sizeof(*r));
				r->old = a;
				r->new = b;
				r->m = m;
				if (!stats_result_available(res[0], m))
					r->note = "not available in OLD";
				else if (!stats_result_available(res[1], m))
					r->note = "not available in NEW";
				else if (a == NULL)
					r->note = "group only in NEW";
				else if (b == NULL)
					r->note = "group only in OLD";
				if (!stats_change_compute(a, b, m, r->note == NULL,
				    &r->c) && r->note == NULL)
					r->note = "no denominator on one side";
			}
		}
	}
	struct stats_change **cv = xcalloc(nrows ? nrows : 1, sizeof(*cv));
	for (size_t i = 0; i < nrows; i++)
		cv[i] = &rows[i].c;
	size_t ntests = stats_change_adjust(cv, nrows), nsig = 0;
	for (size_t i = 0; i < nrows; i++)
		nsig += significant(&rows[i], alpha, bh);
	free(cv);

	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	const struct stats_table *tk = t1;
	const char *d0 = crawl_date(res[0]), *d1 = crawl_date(res[1]);
	if (format == STATS_FORMAT_CSV) {
		for (size_t i = 0; i < tk->nkeys; i++)
			printf("%s,", stats_key_name(tk->keys[i]));
		printf("metric,n_old,k_old,rate_old,n_new,k_new,rate_new,change_pts,z,p,q,significant,complete,note\n");
		for (size_t i = 0; i < nrows; i++) {
			const struct trend_row *r = &rows[i];
			const struct stats_group *g = r->new ? r->new : r->old;
			if (only_sig && !significant(r, alpha, bh))
				continue;
			for (size_t k = 0; k < tk->nkeys; k++) {
				csv_field_write(stdout, g->key[k]);
				putchar(',');
			}
			printf("%s,", metric_get(r->m)->name);
			for (int s = 0; s < 2; s++) {
				const struct stats_group *x = s ? r->new : r->old;
				double rt = s ? r->c.r2 : r->c.r1;
				if (x && stats_result_available(res[s], r->m))
					printf("%" PRIu64 ",%" PRIu64 ",",
					    x->c[r->m].n, x->c[r->m].k);
				else
					fputs(",,", stdout);
				if (!isnan(rt))
					printf("%.6f,", rt);
				else
					putchar(',');
			}
			if (r->c.tested)
				printf("%.4f,%.4f,%.6g,%.6g,%s,", 100 * (r->c.r2 - r->c.r1),
				    r->c.z, r->c.p, r->c.q,
				    significant(r, alpha, bh) ? "yes" : "no");
			else
				fputs(",,,,,", stdout);
			printf("%s,", res[0]->bad_parts || res[1]->bad_parts ?
			    "no" : "yes");
			if (dup_note[0]) {
				char note[5000];
				snprintf(note, sizeof(note), "%s%s%s",
				    r->note ? r->note : "", r->note ? "; " : "",
				    dup_note);
				csv_field_write(stdout, note);
				putchar('\n');
			} else
				printf("%s\n", r->note ? r->note : "");
		}
	} else if (format == STATS_FORMAT_JSON) {
		json_t *root = json_object(), *a = json_array();
		json_object_set_new(root, "tool", json_string("uptake-trend"));
		json_object_set_new(root, "version", json_string(UPTAKE_VERSION));
		json_object_set_new(root, "complete", json_boolean(
		    !res[0]->bad_parts && !res[1]->bad_parts));
		json_object_set_new(root, "duplicates_dropped_old",
		    json_integer((json_int_t)res[0]->dup_dropped));
		json_object_set_new(root, "duplicates_dropped_new",
		    json_integer((json_int_t)res[1]->dup_dropped));
		if (dup_note[0])
			json_object_set_new(root, "duplicates",
			    json_string(dup_note));
		json_object_set_new(root, "old", json_string(argv[optind]));
		json_object_set_new(root, "new", json_string(argv[optind + 1]));
		json_object_set_new(root, "old_crawl_start", json_string(d0));
		json_object_set_new(root, "new_crawl_start", json_string(d1));
		json_object_set_new(root, "alpha", json_real(alpha));
		json_object_set_new(root, "adjust", json_string(bh ? "bh" : "none"));
		json_object_set_new(root, "tests", json_integer((json_int_t)ntests));
		json_object_set_new(root, "significant", json_integer((json_int_t)nsig));
		for (size_t i = 0; i < nrows; i++) {
			const struct trend_row *r = &rows[i];
			const struct stats_group *g = r->new ? r->new : r->old;
			if (only_sig && !significant(r, alpha, bh))
				continue;
			json_t *o = json_object(), *ko = json_object();
			for (size_t k = 0; k < tk->nkeys; k++)
				json_object_set_new(ko, stats_key_name(tk->keys[k]),
				    json_string(g->key[k]));
			json_object_set_new(o, "key", ko);
			json_object_set_new(o, "metric",
			    json_string(metric_get(r->m)->name));
			for (int s = 0; s < 2; s++) {
				const struct stats_group *x = s ? r->new : r->old;
				json_t *so2 = json_object();
				if (x && stats_result_available(res[s], r->m)) {
					json_object_set_new(so2, "n",
					    json_integer((json_int_t)x->c[r->m].n));
					json_object_set_new(so2, "k",
					    json_integer((json_int_t)x->c[r->m].k));
				}
				double rt = s ? r->c.r2 : r->c.r1;
				json_object_set_new(so2, "rate",
				    isnan(rt) ? json_null() : json_real(rt));
				json_object_set_new(o, s ? "new" : "old", so2);
			}
			if (r->c.tested) {
				json_object_set_new(o, "change_pts",
				    json_real(100 * (r->c.r2 - r->c.r1)));
				json_object_set_new(o, "z", json_real(r->c.z));
				json_object_set_new(o, "p", json_real(r->c.p));
				json_object_set_new(o, "q", json_real(r->c.q));
				json_object_set_new(o, "significant",
				    json_boolean(significant(r, alpha, bh)));
			}
			if (r->note)
				json_object_set_new(o, "note", json_string(r->note));
			json_array_append_new(a, o);
		}
		json_object_set_new(root, "rows", a);
		json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(10));
		putchar('\n');
		json_decref(root);
	} else {
		printf("Change from %s (%s) to %s (%s). ", argv[optind], d0,
		    argv[optind + 1], d1);
		printf("Two-sided pooled two-proportion z-test; %s q < %g marked *.\n\n",
		    bh ? "Benjamini-Hochberg adjusted" : "unadjusted p as", alpha);
		if (dup_note[0]) {
			fputs("> **Duplicate rows dropped: ", stdout);
			stats_md_escape(stdout, dup_note);
			fputs(".**\n\n", stdout);
		}
		for (int s = 0; s < 2; s++)
			if (res[s]->bad_parts)
				printf("> **PARTIAL RESULTS: %zu part(s) of %s could not be read and are left out.**\n\n",
				    res[s]->bad_parts, s ? "NEW" : "OLD");
		putchar('|');
		for (size_t i = 0; i < tk->nkeys; i++)
			printf(" %s |", stats_key_name(tk->keys[i]));
		if (tk->nkeys == 0)
			fputs(" group |", stdout);
		printf(" metric | old %% (n) | new %% (n) | change (pts) | p | q | |\n|");
		for (size_t i = 0; i < (tk->nkeys ? tk->nkeys : 1); i++)
			fputs(" --- |", stdout);
		printf(" --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (size_t i = 0; i < nrows; i++) {
			const struct trend_row *r = &rows[i];
			const struct stats_group *g = r->new ? r->new : r->old;
			if (only_sig && !significant(r, alpha, bh))
				continue;
			if (!r->c.tested && r->note && strncmp(r->note, "not available", 13) == 0)
				continue;
			putchar('|');
			for (size_t k = 0; k < tk->nkeys; k++) {
				putchar(' ');
				stats_md_escape(stdout, g->key[k]);
				fputs(" |", stdout);
			}
			if (tk->nkeys == 0)
				fputs(" all |", stdout);
			printf(" %s |", metric_get(r->m)->name);
			for (int s = 0; s < 2; s++) {
				const struct stats_group *x = s ? r->new : r->old;
				double rt = s ? r->c.r2 : r->c.r1;
				if (isnan(rt))
					fputs(" - |", stdout);
				else
					printf(" %.1f (%" PRIu64 ") |", 100 * rt,
					    x->c[r->m].n);
			}
			if (r->c.tested)
				printf(" %+.1f | %.3g | %.3g | %s |\n",
				    100 * (r->c.r2 - r->c.r1), r->c.p, r->c.q,
				    significant(r, alpha, bh) ? "*" : "");
			else
				printf(" - | - | - | %s |\n", r->note ? r->note : "");
		}
		printf("\n%zu tests, %zu significant.\n", ntests, nsig);
		bool any = false;
		for (size_t m = 0; m < nm; m++)
			for (int s = 0; s < 2; s++)
				if (res[s]->wanted[m] && res[s]->missing[m]) {
					if (!any)
						printf("\nNot available:\n");
					any = true;
					printf("- %s (%s): ", metric_get(m)->name,
					    s ? "NEW" : "OLD");
					stats_md_escape(stdout, res[s]->missing[m]);
					putchar('\n');
				}
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "uptake-trend: writing the output failed\n");
		status = 1;
	}
	for (size_t m = 0; m < nm; m++)
		for (int s = 0; s < 2; s++)
			if (res[s]->wanted[m] && res[s]->missing[m])
				log_warn("trend", "%s not available in %s: %s",
				    metric_get(m)->name, s ? "NEW" : "OLD",
				    res[s]->missing[m]);
	if (status == 3)
		fprintf(stderr, "uptake-trend: PARTIAL RESULTS: unreadable parts left out\n");
	free(rows);
	stats_result_free(res[0]);
	stats_result_free(res[1]);
	stats_cli_fini(&cli);
	return status;
}
