/*
 * uptake-stats - adoption of each standard per group: n, k, rate and its
 * 95% Wilson interval, from one or more snapshots read as one crawl.
 *
 *   uptake-stats SNAPSHOT... [--by KEY[,KEY...]] [--meta FILE]
 *                [--country-source meta|cctld|hosting] [--min-n N]
 *                [--weight rank] [--metrics NAME,...]
 *                [--format csv|json|md] [--layout long|wide]
 *                [--allow-partial] [--threads N] [-o FILE]
 *   uptake-stats --list-metrics [--format md|csv|json]
 *
 * Rows with the same list and input_index in two places are refused (exit
 * 1, naming the parts) unless --dedupe keep-first keeps the first of each
 * (in part order) and says how many it dropped.
 *
 * Exit status: 0 complete results; 1 a snapshot could not be read or holds
 * duplicate rows (no output); 2 usage; 3 partial results printed under
 * --allow-partial.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "stats.h"
#include "util.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: uptake-stats SNAPSHOT... [--by KEY[,KEY...]] [--meta FILE]\n"
	    "                    [--country-source meta|cctld|hosting] [--min-n N]\n"
	    "                    [--weight rank] [--metrics NAME,...]\n"
	    "                    [--format csv|json|md] [--layout long|wide]\n"
	    "                    [--allow-partial] [--dedupe refuse|keep-first]\n"
	    "                    [--threads N] [-o FILE]\n"
	    "       uptake-stats --list-metrics [--format md|csv|json]\n"
	    "KEY: country, sector, list, tld, hosting-country, asn.  SNAPSHOT: a snapshot\n"
	    "directory or a Parquet part; several are read as one crawl.  Metric\n"
	    "definitions: uptake-stats --list-metrics, docs/method.md.\n");
}

/* Write to a temporary file and rename it over path when complete. */
static FILE *
out_open(const char *path, char **tmp)
{
	size_t len = strlen(path) + 16;

	*tmp = xmalloc(len);
	snprintf(*tmp, len, "%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(*tmp, "w");
	if (f == NULL)
		fatal(1, "%s: %s", *tmp, strerror(errno));
	return f;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "meta", required_argument, NULL, 'M' },
		{ "country-source", required_argument, NULL, 'c' },
		{ "min-n", required_argument, NULL, 'n' },
		{ "weight", required_argument, NULL, 'w' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "layout", required_argument, NULL, 'l' },
		{ "allow-partial", no_argument, NULL, 'P' },
		{ "dedupe", required_argument, NULL, 'D' },
		{ "threads", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-metrics", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct stats_options so;
	struct stats_print_options po = { .tool = "uptake-stats", .min_n = 1 };
	const char *meta_path = NULL, *out_path = NULL, *by = NULL;
	bool format_set = false, list = false, *wanted = NULL;
	char err[1200];
	int64_t v;
	int ch;

	log_set_progname("uptake-stats");
	stats_options_default(&so);
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			by = optarg;
			break;
		case 'M':
			meta_path = optarg;
			break;
		case 'c':
			so.country_source = stats_csrc_arg(optarg);
			break;
		case 'n':
			po.min_n = stats_min_n_arg(optarg);
			break;
		case 'w':
			if (strcmp(optarg, "rank") != 0)
				fatal(2, "--weight: only 'rank' is known");
			so.weight_rank = true;
			break;
		case 'm':
			if (wanted == NULL)
				wanted = xcalloc(metric_count(), sizeof(*wanted));
			if (stats_metrics_parse(optarg, wanted, err,
			    sizeof(err)) < 0)
				fatal(2, "%s", err);
			break;
		case 'f':
			if (stats_format_parse(optarg, &po.format) < 0)
				fatal(2, "--format: '%s' is not csv, json or md",
				    optarg);
			format_set = true;
			break;
		case 'l':
			if (strcmp(optarg, "wide") && strcmp(optarg, "long"))
				fatal(2, "--layout: '%s' is not long or wide",
				    optarg);
			po.wide = strcmp(optarg, "wide") == 0;
			break;
		case 'P':
			so.allow_partial = true;
			break;
		case 'D':
			if (snapshot_dedupe_parse(optarg, &so.dedupe) < 0)
				fatal(2, "--dedupe: '%s' is not refuse or keep-first",
				    optarg);
			break;
		case 't':
			if (parse_i64(optarg, strlen(optarg), 1,
			    STATS_MAX_THREADS, &v) < 0)
				fatal(2, "--threads: '%s' is not 1..%d", optarg,
				    STATS_MAX_THREADS);
			so.threads = (unsigned)v;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'L':
			list = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("uptake-stats %s (schema v%d)\n", UPTAKE_VERSION,
			    SCHEMA_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!format_set)
		po.format = isatty(STDOUT_FILENO) ? STATS_FORMAT_MD :
		    STATS_FORMAT_CSV;
	if (list) {
		if (optind != argc) {
			usage(stderr);
			return 2;
		}
		if (!format_set)
			po.format = STATS_FORMAT_MD;
		return stats_print_metrics(stdout, po.format) < 0 ? 1 : 0;
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (by && stats_keys_parse(by, so.keys, &so.nkeys, err,
	    sizeof(err)) < 0)
		fatal(2, "%s", err);
	for (size_t i = 0; i < so.nkeys; i++)
		if (so.keys[i] == STATS_KEY_SECTOR && meta_path == NULL)
			fatal(2, "--by sector needs --meta FILE (domain,country,sector)");
	if (so.country_source == STATS_CSRC_META && meta_path == NULL)
		fatal(2, "--country-source meta needs --meta FILE");

	struct stats_meta *meta = NULL;
	if (meta_path) {
		meta = stats_meta_load(meta_path, err, sizeof(err));
		if (meta == NULL)
			fatal(2, "%s", err);
	}
	struct metric_def *defs = metric_defs_new(err, sizeof(err));
	if (defs == NULL)
		fatal(1, "internal error: %s", err);
	so.defs = defs;
	so.meta = meta;
	so.wanted = wanted;

	struct stats_result *res = NULL;
	int rc = stats_run(argv + optind, (size_t)(argc - optind), &so, &res,
	    err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "uptake-stats: %s\n", err);
		if (rc == -2)
			fprintf(stderr, "uptake-stats: no results: a snapshot part could not be read (--allow-partial leaves unreadable parts out, marked in the output)\n");
		metric_defs_free(defs);
		stats_meta_free(meta);
		free(wanted);
		return 1;
	}
	for (size_t m = 0; m < res->nmetrics; m++)
		if (res->wanted[m] && res->missing[m])
			log_warn("stats", "%s not available: %s",
			    metric_get(m)->name, res->missing[m]);
	for (size_t p = 0; p < res->nparts; p++)
		if (res->parts[p].error)
			log_err("stats", "left out (--allow-partial): %s",
			    res->parts[p].error);
	stats_table_fold(&res->table, po.min_n);
	stats_table_sort(&res->table);

	char *tmp = NULL;
	FILE *f = out_path ? out_open(out_path, &tmp) : stdout;
	static char obuf[1 << 16];
	if (f == stdout)
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	int status = stats_print(f, res, &po) < 0 ? 1 : 0;
	if (f == stdout) {
		if (fflush(stdout) != 0)
			status = 1;
	} else {
		if (fclose(f) != 0)
			status = 1;
		if (status == 0 && rename(tmp, out_path) < 0) {
			fprintf(stderr, "uptake-stats: %s: %s\n", out_path,
			    strerror(errno));
			status = 1;
		}
		if (status)
			unlink(tmp);
		free(tmp);
	}
	if (res->dup_dropped)
		fprintf(stderr, "uptake-stats: --dedupe keep-first: dropped %s\n",
		    res->dup_text);
	if (status)
		fprintf(stderr, "uptake-stats: writing the output failed\n");
	else if (res->bad_parts) {
		fprintf(stderr, "uptake-stats: PARTIAL RESULTS: %zu of %zu parts left out\n",
		    res->bad_parts, res->nparts);
		status = 3;
	}
	stats_result_free(res);
	metric_defs_free(defs);
	stats_meta_free(meta);
	free(wanted);
	return status;
}
