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
#include "stats_cli.h"
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

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "weight", required_argument, NULL, 'w' },
		{ "layout", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-metrics", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *longopts = stats_cli_options("bMcnmfPDt", own);
	struct stats_cli cli;
	struct stats_print_options po = { .tool = "uptake-stats", .min_n = 1 };
	const char *out_path = NULL;
	bool list = false;
	char err[1200];
	int ch;

	log_set_progname("uptake-stats");
	stats_cli_init(&cli, 1);
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (stats_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'w':
			if (strcmp(optarg, "rank") != 0)
				fatal(2, "--weight: only 'rank' is known");
			cli.so.weight_rank = true;
			break;
		case 'l':
			if (strcmp(optarg, "wide") && strcmp(optarg, "long"))
				fatal(2, "--layout: '%s' is not long or wide",
				    optarg);
			po.wide = strcmp(optarg, "wide") == 0;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'L':
			list = true;
			break;
		default:
			stats_cli_opt_other(ch, "uptake-stats", usage);
		}
	}
	free(longopts);
	po.min_n = cli.min_n;
	po.format = cli.format_set ? cli.format :
	    isatty(STDOUT_FILENO) ? STATS_FORMAT_MD : STATS_FORMAT_CSV;
	if (list) {
		if (optind != argc) {
			usage(stderr);
			return 2;
		}
		if (!cli.format_set)
			po.format = STATS_FORMAT_MD;
		return stats_print_metrics(stdout, po.format) < 0 ? 1 : 0;
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	stats_cli_check(&cli);
	stats_cli_load(&cli);

	struct stats_result *res = NULL;
	int rc = stats_run(argv + optind, (size_t)(argc - optind), &cli.so, &res,
	    err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "uptake-stats: %s\n", err);
		if (rc == -2)
			fprintf(stderr, "uptake-stats: no results: a snapshot part could not be read (--allow-partial leaves unreadable parts out, marked in the output)\n");
		stats_cli_fini(&cli);
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
		if (status == 0 && tmp && rename(tmp, out_path) < 0) {
			fprintf(stderr, "uptake-stats: %s: %s\n", out_path,
			    strerror(errno));
			status = 1;
		}
		if (status && tmp)
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
	stats_cli_fini(&cli);
	return status;
}
