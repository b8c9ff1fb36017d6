/*
 * uptake-report - one self-contained HTML report of one or more crawls.
 *
 *   uptake-report SNAPSHOT... -o report.html [--meta FILE]
 *                 [--country-source meta|cctld|hosting] [--min-n N]
 *                 [--top N] [--title TEXT] [--metrics NAME,...]
 *                 [--allow-partial] [--dedupe refuse|keep-first] [--threads N]
 *   uptake-report SNAPSHOT... --site DIR --profile FILE [--profile FILE...]
 *                 [--exceptions FILE] [--meta FILE] [-o report.html] ...
 *
 * --site writes a static site (report_site.h): an index, a page per
 * country, sector, organisation (its scorecard, and a CSV) and profile.
 * Snapshots whose crawl started on the same UTC day (provenance
 * uptake.crawl_start) are one crawl (shards); several days give trend
 * lines, and the latest crawl gives the other figures.  --date validation
 * dates each snapshot by the time its DNSSEC answers were validated at
 * (uptake.validation_time) instead, as uptake-trend --date does: a crawl
 * of an archived or simulated world is placed at the world's time.  The file is
 * written to a temporary name and renamed when complete.  Exit status as
 * uptake-stats: 0, 1 (unreadable input), 2 (usage), 3 (partial report).
 * SOURCE_DATE_EPOCH, when set, is the "generated" time (reproducible
 * output).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "parquet.h"
#include "report.h"
#include "report_site.h"
#include "snapshot.h"
#include "stats.h"
#include "stats_cli.h"
#include "util.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: uptake-report SNAPSHOT... -o report.html [--meta FILE]\n"
	    "                     [--country-source meta|cctld|hosting] [--min-n N]\n"
	    "                     [--top N] [--title TEXT] [--metrics NAME,...]\n"
	    "                     [--allow-partial] [--dedupe refuse|keep-first]\n"
	    "                     [--threads N]\n"
	    "       uptake-report SNAPSHOT... --site DIR --profile FILE [--profile FILE...]\n"
	    "                     [--exceptions FILE] [--meta FILE] [-o report.html]\n"
	    "  --date crawl|validation  date a snapshot by the day its crawl started\n"
	    "                      (default) or by its validation time\n"
	    "  --site DIR          a static site: index, country, sector, organisation\n"
	    "                      (scorecard and CSV) and profile pages\n"
	    "  --profile FILE      a mandate profile for the site (repeatable)\n"
	    "  --exceptions FILE   comply or explain, as uptake-comply\n"
	    "Snapshots of different crawl dates (uptake.crawl_start) give trend lines.\n");
}

/* Day of a snapshot: YYYY-MM-DD of the provenance key date_key
 * (SNAPSHOT_KEY_CRAWL_START or SNAPSHOT_KEY_VALIDATION_TIME, both
 * RFC 3339) of its first readable part. */
static char *
snapshot_date(const char *path, const char *date_key)
{
	char err[600], **parts;
	int n = snapshot_parts_list(path, &parts, err, sizeof(err));
	char *date = NULL;

	for (int i = 0; i < n && date == NULL; i++) {
		struct parquet_reader *r = parquet_reader_open(parts[i], err,
		    sizeof(err));
		if (r == NULL)
			continue;
		const char *v = parquet_reader_kv_get(r, date_key);
		if (v && strlen(v) >= 10 && isdigit((unsigned char)v[0]) &&
		    v[4] == '-' && v[7] == '-')
			date = xstrndup(v, 10);
		parquet_reader_free(r);
	}
	if (n >= 0)
		snapshot_parts_free(parts);
	return date ? date : xstrdup("undated");
}

static int
cmp_crawl(const void *a, const void *b)
{
	const struct report_crawl *x = a, *y = b;

	return strcmp(x->date, y->date);
}

/* --site: load the profiles and exceptions, judge every crawl, write. */
static int
report_site_run(const char *dir, const struct report_input *in,
    const char *const *ppath, size_t npp, const char *exc_path,
    const struct stats_meta *meta, enum snapshot_dedupe dedupe)
{
	struct profile *profs[COMPLY_MAX_PROFILES];
	char err[1200];

	for (size_t i = 0; i < npp; i++) {
		if ((profs[i] = profile_load(ppath[i], err, sizeof(err))) == NULL)
			fatal(2, "%s", err);
		for (size_t j = 0; j < i; j++) {
			char a[SITE_SLUG_MAX + 1], b[SITE_SLUG_MAX + 1];
			site_slug(profs[i]->name, a);
			site_slug(profs[j]->name, b);
			if (strcmp(profs[j]->name, profs[i]->name) == 0)
				fatal(2, "%s: profile %s is also %s", ppath[i],
				    profs[i]->name, ppath[j]);
			if (strcmp(a, b) == 0)
				fatal(2, "%s: profile %s would have the page of profile %s (%s): rename one",
				    ppath[i], profs[i]->name, profs[j]->name, ppath[j]);
		}
	}
	struct exc_list *exc = NULL;
	if (exc_path && (exc = exc_load(exc_path, profs, npp, err,
	    sizeof(err))) == NULL)
		fatal(2, "%s", err);
	struct site_input si = {
		.title = in->title, .crawls = in->crawls,
		.ncrawls = in->ncrawls, .profiles = profs, .np = npp,
		.exc = exc, .meta = meta, .dedupe = dedupe,
		.generated = in->generated,
	};
	struct site_data *sd = site_gather(&si);
	int rc = site_write(dir, sd, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "uptake-report: --site: %s\n", err);
	site_data_free(sd);
	exc_free(exc);
	for (size_t i = 0; i < npp; i++)
		profile_free(profs[i]);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, 'T' },
		{ "title", required_argument, NULL, 'H' },
		{ "site", required_argument, NULL, 'S' },
		{ "profile", required_argument, NULL, 'p' },
		{ "exceptions", required_argument, NULL, 'e' },
		{ "date", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *longopts = stats_cli_options("McnmPDt", own);
	struct stats_cli cli;
	struct report_input in;
	const char *out = NULL, *site = NULL, *exc_path = NULL;
	const char *date_key = SNAPSHOT_KEY_CRAWL_START;
	const char *ppath[COMPLY_MAX_PROFILES];
	size_t npp = 0;
	char err[1200];
	int64_t v;
	int ch;

	log_set_progname("uptake-report");
	stats_cli_init(&cli, REPORT_DEFAULT_MIN_N);
	memset(&in, 0, sizeof(in));
	in.title = "Adoption of Internet security standards";
	in.top = REPORT_DEFAULT_TOP;
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		if (stats_cli_opt(&cli, ch, optarg))
			continue;
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'T':
			if (parse_i64(optarg, strlen(optarg), 1, 1000, &v) < 0)
				fatal(2, "--top: '%s' is not 1..1000", optarg);
			in.top = (size_t)v;
			break;
		case 'H':
			in.title = optarg;
			break;
		case 'S':
			site = optarg;
			break;
		case 'p':
			if (npp == COMPLY_MAX_PROFILES)
				fatal(2, "--profile: more than %d",
				    COMPLY_MAX_PROFILES);
			ppath[npp++] = optarg;
			break;
		case 'e':
			exc_path = optarg;
			break;
		case 'W':
			date_key = stats_cli_date_key(optarg);
			break;
		default:
			stats_cli_opt_other(ch, "uptake-report", usage);
		}
	}
	free(longopts);
	in.min_n = cli.min_n;
	in.country_source = cli.so.country_source;
	if (optind == argc || (out == NULL && site == NULL)) {
		usage(stderr);
		return 2;
	}
	if (site && npp == 0)
		fatal(2, "--site needs at least one --profile");
	if (site == NULL && (npp || exc_path))
		fatal(2, "--profile and --exceptions are for --site");
	stats_cli_check(&cli);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	in.generated = sde && *sde ? (time_t)strtoll(sde, NULL, 10) :
	    time(NULL);

	/* Crawls: snapshots by day. */
	for (int i = optind; i < argc; i++) {
		char *date = snapshot_date(argv[i], date_key);
		size_t c;
		for (c = 0; c < in.ncrawls; c++)
			if (strcmp(in.crawls[c].date, date) == 0)
				break;
		if (c == in.ncrawls) {
			in.crawls = xreallocarray(in.crawls, in.ncrawls + 1,
			    sizeof(*in.crawls));
			memset(&in.crawls[c], 0, sizeof(in.crawls[c]));
			in.crawls[c].date = date;
			in.ncrawls++;
		} else
			free(date);
		struct report_crawl *cr = &in.crawls[c];
		cr->paths = xreallocarray(cr->paths, cr->npaths + 1,
		    sizeof(*cr->paths));
		cr->paths[cr->npaths++] = xstrdup(argv[i]);
	}
	bool undated = false;
	for (size_t c = 0; c < in.ncrawls; c++)
		undated |= strcmp(in.crawls[c].date, "undated") == 0;
	if (undated && in.ncrawls > 1)
		fatal(2, "some snapshots have no %s and others do: the undated ones cannot be placed on a trend (report them separately)",
		    date_key);
	qsort(in.crawls, in.ncrawls, sizeof(*in.crawls), cmp_crawl);

	stats_cli_load(&cli);
	struct stats_options so = cli.so;
	so.keys[0] = STATS_KEY_COUNTRY;
	so.nkeys = 1;
	if (cli.meta) {
		so.keys[1] = STATS_KEY_SECTOR;
		so.nkeys = 2;
		in.have_sector = true;
		in.meta_path = cli.meta_path;
	}
	int status = 0;
	for (size_t c = 0; c < in.ncrawls && status != 1 && out; c++) {
		struct report_crawl *cr = &in.crawls[c];
		int rc = stats_run(cr->paths, cr->npaths, &so, &cr->res, err,
		    sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "uptake-report: %s\n", err);
			if (rc == -2)
				fprintf(stderr, "uptake-report: no report: a snapshot part could not be read (--allow-partial leaves unreadable parts out, marked in the report)\n");
			status = 1;
		} else if (rc == 1) {
			for (size_t p = 0; p < cr->res->nparts; p++)
				if (cr->res->parts[p].error)
					log_err("report", "left out (--allow-partial): %s",
					    cr->res->parts[p].error);
			status = 3;
		}
		if (rc >= 0 && cr->res->dup_dropped)
			fprintf(stderr, "uptake-report: %s: --dedupe keep-first: dropped %s\n",
			    cr->date, cr->res->dup_text);
		if (rc >= 0)
			for (size_t m = 0; m < metric_count(); m++)
				if (cr->res->wanted[m] && cr->res->missing[m])
					log_warn("report", "%s: %s not available: %s",
					    cr->date, metric_get(m)->name,
					    cr->res->missing[m]);
	}
	/* Providers: the latest crawl again by country and operator, key
	 * columns only (no metric wanted). */
	struct stats_result *prov[2] = { NULL, NULL };
	bool *none = xcalloc(metric_count(), sizeof(*none));
	for (int role = 0; role < 2 && status != 1 && in.ncrawls > 0 && out;
	    role++) {
		struct report_crawl *cr = &in.crawls[in.ncrawls - 1];
		struct stats_options po = so;
		po.keys[0] = STATS_KEY_COUNTRY;
		po.keys[1] = role ? STATS_KEY_MX_OPERATOR :
		    STATS_KEY_NS_OPERATOR;
		po.nkeys = 2;
		po.wanted = none;
		po.allow_partial = true;	/* parts left out: said above */
		if (stats_run(cr->paths, cr->npaths, &po, &prov[role], err,
		    sizeof(err)) < 0) {
			fprintf(stderr, "uptake-report: providers: %s\n", err);
			status = 1;
		}
		in.providers[role] = prov[role];
	}
	free(none);
	if (site && status != 1 &&
	    report_site_run(site, &in, ppath, npp, exc_path, cli.meta,
	    cli.so.dedupe) < 0)
		status = 1;
	if (status != 1 && out) {
		char *tmp = out_tmp_name(out);
		FILE *f = fopen(tmp ? tmp : out, "w");
		if (f == NULL) {
			fprintf(stderr, "uptake-report: %s: %s\n",
			    tmp ? tmp : out, strerror(errno));
			status = 1;
		} else {
			int rc = report_write(f, &in);
			if (fclose(f) != 0 || rc < 0 ||
			    (tmp && rename(tmp, out) < 0)) {
				fprintf(stderr, "uptake-report: writing %s failed: %s\n",
				    out, strerror(errno));
				if (tmp)
					unlink(tmp);
				status = 1;
			}
		}
		free(tmp);
		if (status == 3)
			fprintf(stderr, "uptake-report: PARTIAL REPORT written to %s (unreadable parts left out, marked in the report)\n",
			    out);
	}
	stats_result_free(prov[0]);
	stats_result_free(prov[1]);
	for (size_t c = 0; c < in.ncrawls; c++) {
		stats_result_free(in.crawls[c].res);
		for (size_t i = 0; i < in.crawls[c].npaths; i++)
			free(in.crawls[c].paths[i]);
		free(in.crawls[c].paths);
		free(in.crawls[c].date);
	}
	free(in.crawls);
	stats_cli_fini(&cli);
	return status;
}
