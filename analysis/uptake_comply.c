/*
 * uptake-comply - judge every domain of a snapshot by mandate profiles
 * (data/profiles/NAME.conf): a verdict per domain and requirement (pass,
 * fail, explained, not_measured) as CSV and Parquet, and per group the
 * share of domains meeting all requirements with its 95% Wilson interval.
 *
 *   uptake-comply SNAPSHOT... --profile FILE [--profile FILE...]
 *                 [--exceptions FILE] [--meta FILE]
 *                 [--by country|sector|organisation]
 *                 [--format csv|json|md] [-o FILE]
 *                 [--verdicts FILE.csv] [--verdicts-parquet FILE.parquet]
 *                 [--dedupe refuse|keep-first]
 *
 * A tool of its own, not a mode of uptake-stats: uptake-stats counts
 * each metric apart in a streaming engine that never holds a row's
 * verdicts together, while "meets all" needs every requirement of a
 * domain at once, and the verdicts are written per domain.
 *
 * Exit status: 0 done; 1 a snapshot or output could not be read or
 * written, or holds duplicate rows (without --dedupe keep-first); 2 usage, a bad profile, exceptions or meta file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "comply_read.h"
#include "config.h"
#include "csv.h"
#include "dname.h"
#include "log.h"
#include "parquet.h"
#include "profile.h"
#include "snapshot.h"
#include "snapshot_dups.h"
#include "stats.h"
#include "stats_cli.h"
#include "stats_int.h"
#include "util.h"

#define COMPLY_MAX_GROUPS 100000 /* distinct groups of one --by key */
#define COMPLY_MAX_LABEL 255	/* bytes of one group label */

enum comply_key { KEY_NONE = 0, KEY_COUNTRY, KEY_SECTOR, KEY_ORG };

static const char *const key_names[] = { "all", "country", "sector",
	"organisation" };

struct group {
	char *label;
	uint64_t domains;	/* rows of the group */
	uint64_t n;		/* no requirement not_measured */
	uint64_t k;		/* every requirement pass or explained */
	uint64_t k_explained;	/* of k: at least one explained */
};

struct pstate {
	struct profile *p;
	uint64_t (*count)[PROFILE_VERDICT_COUNT]; /* [nreqs] */
	uint64_t *left_out;	/* [nreqs]: rows of parts that cannot
				 * measure it (left out of meets all) */
	struct stats_strmap *ix;	/* label -> group index */
	struct group *g;
	size_t ng;
};

/* Organisation labels of --meta (the bundled lists' fourth column). */
struct orgmap {
	struct stats_strmap *ix;	/* domain -> label index */
	char **labels;
	size_t n;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: uptake-comply SNAPSHOT... --profile FILE [--profile FILE...]\n"
	    "                     [--exceptions FILE] [--meta FILE]\n"
	    "                     [--by country|sector|organisation]\n"
	    "                     [--format csv|json|md] [-o FILE]\n"
	    "                     [--verdicts FILE.csv] [--verdicts-parquet FILE.parquet]\n"
	    "                     [--dedupe refuse|keep-first]\n"
	    "  --profile FILE             a mandate profile (data/profiles/NAME.conf); repeatable\n"
	    "  --exceptions FILE          comply or explain: domain,requirement,justification,until\n"
	    "  --meta FILE                domain,country,sector[,organisation] labels (as uptake-stats)\n"
	    "  --by country|sector|organisation\n"
	    "                             group the \"meets all\" shares (default: one group, all)\n"
	    "  --format csv|json|md       default: md on a terminal, else csv\n"
	    "  -o, --output FILE          the \"meets all\" table into FILE (default stdout)\n"
	    "  --verdicts FILE.csv        per-domain verdicts as CSV\n"
	    "  --verdicts-parquet FILE.parquet\n"
	    "                             per-domain verdicts as Parquet\n"
	    "  --dedupe refuse|keep-first rows with the same list and input_index: refuse\n"
	    "                             (the default) or keep the first in part order\n"
	    "  -h, --help                 this text\n"
	    "  -V, --version              the version\n"
	    "Profiles and exceptions: docs/analysis.md; \"meets all\": docs/method.md.\n");
}

/* Load the organisation column of a --meta file with a header. */
static struct orgmap *
orgmap_load(const char *path)
{
	char err[600];
	struct csv_file *cf = csv_file_open(path, err, sizeof(err));
	struct orgmap *m;
	char **f;
	int n, rc, dcol = -1, ocol = -1;
	bool first = true;

	if (cf == NULL)
		fatal(2, "%s", err);
	m = xcalloc(1, sizeof(*m));
	m->ix = stats_strmap_new();
	while ((rc = csv_file_next(cf, &f, &n, err, sizeof(err))) != 0) {
		if (rc < 0)
			fatal(2, "%s", err);
		for (int i = 0; i < n; i++)
			f[i] = csv_trim(f[i]);
		if (first) {
			first = false;
			for (int i = 0; i < n; i++) {
				if (strcasecmp(f[i], "domain") == 0)
					dcol = i;
				else if (strcasecmp(f[i], "organisation") == 0)
					ocol = i;
			}
			if (dcol < 0 || ocol < 0)
				fatal(2, "%s:%lu: --by organisation needs a header line naming domain and organisation",
				    path, csv_file_line(cf));
			continue;
		}
		if (dcol >= n || ocol >= n)
			fatal(2, "%s:%lu: %d fields, fewer than the header's",
			    path, csv_file_line(cf), n);
		char dom[DNAME_BUF_SIZE];
		if (dname_normalize(f[dcol], strlen(f[dcol]), dom,
		    sizeof(dom)) != DNAME_OK)
			fatal(2, "%s:%lu: '%.80s' is not a domain name", path,
			    csv_file_line(cf), f[dcol]);
		if (strlen(f[ocol]) > COMPLY_MAX_LABEL)
			fatal(2, "%s:%lu: organisation longer than %d bytes",
			    path, csv_file_line(cf), COMPLY_MAX_LABEL);
		bool ins;
		uint32_t *v = stats_strmap_put(m->ix, dom, strlen(dom), &ins);
		if (!ins)
			continue;	/* stats_meta_load checked agreement */
		m->labels = xreallocarray(m->labels, m->n + 1,
		    sizeof(*m->labels));
		m->labels[m->n] = xstrdup(f[ocol]);
		*v = (uint32_t)m->n++;
	}
	csv_file_close(cf);
	return m;
}

static void
orgmap_free(struct orgmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->labels[i]);
	free(m->labels);
	stats_strmap_free(m->ix);
	free(m);
}

struct run {
	struct pstate ps[COMPLY_MAX_PROFILES];
	size_t np;
	const struct exc_list *exc;
	const struct stats_meta *meta;
	const struct orgmap *org;
	enum comply_key key;
	struct comply_reader cr;	/* the reading: date, rows */
	FILE *vcsv;
	struct parquet_writer *vpq;
};

/* The group label of a row under r->key into buf. */
static const char *
row_label(const struct run *r, const struct schema_value *row, char *buf,
    size_t len)
{
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];
	const char *mc = NULL, *ms = NULL;
	bool in_meta = false;

	if (r->key == KEY_NONE)
		return "all";
	if (r->meta && d->present)
		in_meta = stats_meta_lookup(r->meta, d->u.str.ptr, d->u.str.len,
		    &mc, &ms);
	switch (r->key) {
	case KEY_SECTOR:
		return in_meta && *ms ? ms : STATS_LABEL_UNKNOWN;
	case KEY_ORG: {
		uint32_t *v = d->present ? stats_strmap_get(r->org->ix,
		    d->u.str.ptr, d->u.str.len) : NULL;
		return v && *r->org->labels[*v] ? r->org->labels[*v] :
		    STATS_LABEL_UNKNOWN;
	}
	case KEY_COUNTRY:
		return comply_country_label(row, in_meta ? mc : NULL, buf, len);
	default:
		return "all";
	}
}

static struct group *
group_get(struct pstate *s, const char *label)
{
	bool ins;
	size_t len = strlen(label);
	uint32_t *v = stats_strmap_put(s->ix, label, len, &ins);

	if (ins) {
		if (s->ng == COMPLY_MAX_GROUPS)
			fatal(1, "more than %d groups", COMPLY_MAX_GROUPS);
		s->g = xreallocarray(s->g, s->ng + 1, sizeof(*s->g));
		memset(&s->g[s->ng], 0, sizeof(s->g[s->ng]));
		s->g[s->ng].label = xstrdup(label);
		*v = (uint32_t)s->ng++;
	}
	return &s->g[*v];
}

/* The verdict columns (CSV and Parquet). */
static const struct parquet_column_def vcols[] = {
	{ "domain", SCHEMA_TYPE_STRING, false },
	{ "list", SCHEMA_TYPE_STRING, false },
	{ "input_index", SCHEMA_TYPE_INT64, false },
	{ "profile", SCHEMA_TYPE_STRING, true },
	{ "requirement", SCHEMA_TYPE_STRING, true },
	{ "verdict", SCHEMA_TYPE_STRING, true },
	{ "until", SCHEMA_TYPE_STRING, false },
};
#define NVCOLS (sizeof(vcols) / sizeof(vcols[0]))

static struct schema_value
sv_str(const char *s)
{
	struct schema_value v = { .present = s != NULL };

	if (s) {
		v.u.str.ptr = s;
		v.u.str.len = strlen(s);
	}
	return v;
}

static void
verdict_write(struct run *r, const struct schema_value *row,
    const struct profile *p, const struct profile_req *q,
    enum profile_verdict v, const struct exc_entry *e)
{
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];
	const struct schema_value *l = &row[SCHEMA_COL_LIST];
	const struct schema_value *ii = &row[SCHEMA_COL_INPUT_INDEX];

	if (r->vcsv) {
		char tmp[DNAME_BUF_SIZE + 1];
		FILE *f = r->vcsv;
		snprintf(tmp, sizeof(tmp), "%.*s",
		    d->present ? (int)d->u.str.len : 0,
		    d->present ? d->u.str.ptr : "");
		csv_field_write(f, tmp);
		fputc(',', f);
		if (l->present) {
			char *ls = xstrndup(l->u.str.ptr, l->u.str.len);
			csv_field_write(f, ls);
			free(ls);
		}
		fputc(',', f);
		if (ii->present)
			fprintf(f, "%" PRId64, ii->u.i64);
		fprintf(f, ",%s,%s,%s,%s\n", p->name, q->id,
		    profile_verdict_name(v), e ? e->until : "");
	}
	if (r->vpq) {
		struct schema_value out[NVCOLS];
		out[0] = *d;
		out[1] = *l;
		out[2] = *ii;
		out[3] = sv_str(p->name);
		out[4] = sv_str(q->id);
		out[5] = sv_str(profile_verdict_name(v));
		out[6] = sv_str(e ? e->until : NULL);
		if (parquet_writer_append(r->vpq, out) != 0)
			fatal(1, "--verdicts-parquet: %s",
			    parquet_writer_error(r->vpq));
	}
}

static void
row_judge(void *ctx, const struct comply_reader *cr,
    const struct schema_value *row)
{
	struct run *r = ctx;
	char lbuf[COMPLY_MAX_LABEL + 1], dom[DNAME_BUF_SIZE];
	const char *label = row_label(r, row, lbuf, sizeof(lbuf));
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];

	snprintf(dom, sizeof(dom), "%.*s", d->present ? (int)d->u.str.len : 0,
	    d->present ? d->u.str.ptr : "");
	for (size_t i = 0; i < r->np; i++) {
		struct pstate *s = &r->ps[i];
		bool any_nm = false, all_ok = true, any_exp = false;
		bool any_req = false;
		for (size_t j = 0; j < s->p->nreqs; j++) {
			const struct profile_req *q = &s->p->reqs[j];
			enum profile_verdict v = profile_req_eval(q,
			    cr->measurable[i][j], row);
			const struct exc_entry *e = NULL;
			if (v == PROFILE_FAIL && r->exc &&
			    (e = exc_find(r->exc, dom, s->p, q, cr->date)) != NULL)
				v = PROFILE_EXPLAINED;
			s->count[j][v]++;
			if (!cr->measurable[i][j]) {
				/* the snapshot cannot measure it (no column,
				 * pending, UNMEASURED): not a question it
				 * can answer of any domain, so left out of
				 * meets all (docs/method.md) */
				s->left_out[j]++;
				verdict_write(r, row, s->p, q, v, e);
				continue;
			}
			any_req = true;
			any_nm |= v == PROFILE_NOT_MEASURED;
			all_ok &= v == PROFILE_PASS || v == PROFILE_EXPLAINED;
			any_exp |= v == PROFILE_EXPLAINED;
			verdict_write(r, row, s->p, q, v, e);
		}
		struct group *g = group_get(s, label);
		g->domains++;
		if (any_req && !any_nm) {
			g->n++;
			if (all_ok) {
				g->k++;
				g->k_explained += any_exp;
			}
		}
	}
}

/* Groups by label, "unknown" last. */
static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	bool ux = strcmp(x->label, STATS_LABEL_UNKNOWN) == 0;
	bool uy = strcmp(y->label, STATS_LABEL_UNKNOWN) == 0;

	if (ux != uy)
		return ux - uy;
	return strcmp(x->label, y->label);
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void
json_num(FILE *f, double x)
{
	if (isnan(x))
		fputs("null", f);
	else
		fprintf(f, "%.6f", x);
}

static void
fig(const struct group *g, double *share, double *lo, double *hi)
{
	*share = g->n ? (double)g->k / (double)g->n : NAN;
	if (!stats_wilson((double)g->k, (double)g->n, STATS_Z95, lo, hi))
		*lo = *hi = NAN;
}

static void
print_csv(FILE *f, const struct run *r)
{
	fprintf(f, "profile,by,group,domains,n,k,k_explained,share,lo,hi\n");
	for (size_t i = 0; i < r->np; i++) {
		const struct pstate *s = &r->ps[i];
		for (size_t j = 0; j < s->ng; j++) {
			const struct group *g = &s->g[j];
			double sh, lo, hi;
			fig(g, &sh, &lo, &hi);
			fprintf(f, "%s,%s,", s->p->name, key_names[r->key]);
			csv_field_write(f, g->label);
			fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			    g->domains, g->n, g->k, g->k_explained);
			if (g->n)
				fprintf(f, ",%.6f,%.6f,%.6f\n", sh, lo, hi);
			else
				fprintf(f, ",,,\n");
		}
	}
}

static void
print_json(FILE *f, const struct run *r)
{
	fprintf(f, "{\"tool\":\"uptake-comply\",\"version\":");
	json_str(f, UPTAKE_VERSION);
	fprintf(f, ",\"rows\":%" PRIu64 ",\"snapshot_date\":", r->cr.rows);
	if (r->cr.date[0])
		json_str(f, r->cr.date);
	else
		fputs("null", f);
	fprintf(f, ",\"date_from\":");
	if (r->cr.date_from)
		json_str(f, r->cr.date_from);
	else
		fputs("null", f);
	fprintf(f, ",\"by\":");
	json_str(f, key_names[r->key]);
	fprintf(f, ",\"profiles\":[");
	for (size_t i = 0; i < r->np; i++) {
		const struct pstate *s = &r->ps[i];
		fprintf(f, "%s{\"name\":", i ? "," : "");
		json_str(f, s->p->name);
		fprintf(f, ",\"version\":");
		json_str(f, s->p->version);
		fprintf(f, ",\"title\":");
		json_str(f, s->p->title ? s->p->title : "");
		fprintf(f, ",\"requirements\":[");
		for (size_t j = 0; j < s->p->nreqs; j++) {
			const struct profile_req *q = &s->p->reqs[j];
			fprintf(f, "%s{\"id\":", j ? "," : "");
			json_str(f, q->id);
			fprintf(f, ",\"title\":");
			json_str(f, q->title);
			fprintf(f, ",\"condition\":");
			if (q->cond_text)
				json_str(f, q->cond_text);
			else
				fputs("null", f);
			fprintf(f, ",\"denominator\":");
			if (q->den_text)
				json_str(f, q->den_text);
			else
				fputs("null", f);
			fprintf(f, ",\"source\":");
			json_str(f, q->source);
			fprintf(f, ",\"section\":");
			json_str(f, q->section);
			fprintf(f, ",\"effective\":");
			json_str(f, q->date);
			for (int v = 0; v < PROFILE_VERDICT_COUNT; v++)
				fprintf(f, ",\"%s\":%" PRIu64,
				    profile_verdict_name((enum profile_verdict)v),
				    s->count[j][v]);
			fprintf(f, ",\"left_out_of_meets_all\":%" PRIu64,
			    s->left_out[j]);
			fputc('}', f);
		}
		fprintf(f, "],\"groups\":[");
		for (size_t j = 0; j < s->ng; j++) {
			const struct group *g = &s->g[j];
			double sh, lo, hi;
			fig(g, &sh, &lo, &hi);
			fprintf(f, "%s{\"group\":", j ? "," : "");
			json_str(f, g->label);
			fprintf(f, ",\"domains\":%" PRIu64 ",\"n\":%" PRIu64
			    ",\"k\":%" PRIu64 ",\"k_explained\":%" PRIu64
			    ",\"share\":", g->domains, g->n, g->k,
			    g->k_explained);
			json_num(f, sh);
			fprintf(f, ",\"lo\":");
			json_num(f, lo);
			fprintf(f, ",\"hi\":");
			json_num(f, hi);
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

static void
print_md(FILE *f, const struct run *r)
{
	for (size_t i = 0; i < r->np; i++) {
		const struct pstate *s = &r->ps[i];
		fprintf(f, "%s## %s (version %s)\n\n", i ? "\n" : "",
		    s->p->name, s->p->version);
		if (s->p->title) {
			stats_md_escape(f, s->p->title);
			fprintf(f, "\n\n");
		}
		fprintf(f, "Snapshot date %s (%s).\n\n",
		    r->cr.date[0] ? r->cr.date : "unknown",
		    r->cr.date_from ? r->cr.date_from : "no date in the metadata");
		fprintf(f, "| requirement | effective | pass | fail | explained | not measured |\n"
		    "| --- | --- | ---: | ---: | ---: | ---: |\n");
		for (size_t j = 0; j < s->p->nreqs; j++) {
			const struct profile_req *q = &s->p->reqs[j];
			fprintf(f, "| %s: ", q->id);
			stats_md_escape(f, q->title);
			fprintf(f, " | %s", q->date);
			for (int v = 0; v < PROFILE_VERDICT_COUNT; v++)
				fprintf(f, " | %" PRIu64, s->count[j][v]);
			fprintf(f, " |\n");
		}
		{
			bool first = true;

			for (size_t j = 0; j < s->p->nreqs; j++) {
				if (s->left_out[j] == 0)
					continue;
				fprintf(f, "%s%s", first ? "\nLeft out of "
				    "meets all (not measurable in this "
				    "snapshot): " : ", ", s->p->reqs[j].id);
				first = false;
			}
			if (!first)
				fputs(".\n", f);
		}
		fprintf(f, "\n| %s | domains | n | meets all (k) | of k explained | share | 95%% interval |\n"
		    "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n",
		    key_names[r->key]);
		for (size_t j = 0; j < s->ng; j++) {
			const struct group *g = &s->g[j];
			double sh, lo, hi;
			fig(g, &sh, &lo, &hi);
			fprintf(f, "| ");
			stats_md_escape(f, g->label);
			fprintf(f, " | %" PRIu64 " | %" PRIu64 " | %" PRIu64
			    " | %" PRIu64, g->domains, g->n, g->k,
			    g->k_explained);
			if (g->n)
				fprintf(f, " | %.1f%% | %.1f%% to %.1f%% |\n",
				    100 * sh, 100 * lo, 100 * hi);
			else
				fprintf(f, " | - | - |\n");
		}
	}
}

/* Close what out_open (lib/util.h) opened; rename it over path. */
static void
out_close(FILE *f, const char *path, char *tmp)
{
	if (fclose(f) != 0 || (tmp && rename(tmp, path) < 0)) {
		if (tmp)
			unlink(tmp);
		fatal(1, "%s: %s", path, strerror(errno));
	}
	free(tmp);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "exceptions", required_argument, NULL, 'e' },
		{ "meta", required_argument, NULL, 'M' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "verdicts", required_argument, NULL, 'v' },
		{ "verdicts-parquet", required_argument, NULL, 'q' },
		{ "dedupe", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ppath[COMPLY_MAX_PROFILES], *exc_path = NULL;
	const char *meta_path = NULL, *out_path = NULL, *vpath = NULL;
	const char *qpath = NULL;
	size_t npp = 0;
	bool format_set = false;
	enum stats_format format = STATS_FORMAT_CSV;
	enum snapshot_dedupe dedupe = SNAPSHOT_DEDUPE_REFUSE;
	struct run r;
	char err[1200];
	int ch;

	log_set_progname("uptake-comply");
	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "ho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (npp == COMPLY_MAX_PROFILES)
				fatal(2, "--profile: more than %d",
				    COMPLY_MAX_PROFILES);
			ppath[npp++] = optarg;
			break;
		case 'e':
			exc_path = optarg;
			break;
		case 'M':
			meta_path = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "country") == 0)
				r.key = KEY_COUNTRY;
			else if (strcmp(optarg, "sector") == 0)
				r.key = KEY_SECTOR;
			else if (strcmp(optarg, "organisation") == 0)
				r.key = KEY_ORG;
			else
				fatal(2, "--by: '%s' is not country, sector or organisation",
				    optarg);
			break;
		case 'f':
			if (stats_format_parse(optarg, &format) < 0)
				fatal(2, "--format: '%s' is not csv, json or md",
				    optarg);
			format_set = true;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'v':
			vpath = optarg;
			break;
		case 'q':
			qpath = optarg;
			break;
		case 'D':
			if (snapshot_dedupe_parse(optarg, &dedupe) < 0)
				fatal(2, "--dedupe: '%s' is not refuse or keep-first",
				    optarg);
			break;
		default:
			stats_cli_opt_other(ch, "uptake-comply", usage);
		}
	}
	if (optind == argc || npp == 0) {
		usage(stderr);
		return 2;
	}
	if ((r.key == KEY_SECTOR || r.key == KEY_ORG) && meta_path == NULL)
		fatal(2, "--by %s needs --meta", key_names[r.key]);
	if (!format_set)
		format = isatty(STDOUT_FILENO) && out_path == NULL ?
		    STATS_FORMAT_MD : STATS_FORMAT_CSV;

	struct profile *profs[COMPLY_MAX_PROFILES];
	for (size_t i = 0; i < npp; i++) {
		if ((profs[i] = profile_load(ppath[i], err, sizeof(err))) == NULL)
			fatal(2, "%s", err);
		for (size_t j = 0; j < i; j++)
			if (strcmp(profs[j]->name, profs[i]->name) == 0)
				fatal(2, "%s: profile %s is also %s", ppath[i],
				    profs[i]->name, ppath[j]);
		struct pstate *s = &r.ps[r.np++];
		s->p = profs[i];
		s->count = xcalloc(s->p->nreqs, sizeof(*s->count));
		s->left_out = xcalloc(s->p->nreqs ? s->p->nreqs : 1,
		    sizeof(*s->left_out));
		s->ix = stats_strmap_new();
	}
	struct exc_list *exc = NULL;
	if (exc_path && (exc = exc_load(exc_path, profs, npp, err,
	    sizeof(err))) == NULL)
		fatal(2, "%s", err);
	r.exc = exc;
	struct stats_meta *meta = NULL;
	if (meta_path && (meta = stats_meta_load(meta_path, err,
	    sizeof(err))) == NULL)
		fatal(2, "%s", err);
	r.meta = meta;
	struct orgmap *org = r.key == KEY_ORG ? orgmap_load(meta_path) : NULL;
	r.org = org;

	char *vtmp = NULL, *qtmp = NULL;
	int qfd = -1;
	if (vpath) {
		r.vcsv = out_open(vpath, &vtmp);
		fprintf(r.vcsv, "domain,list,input_index,profile,requirement,verdict,until\n");
	}
	if (qpath) {
		qtmp = out_tmp_name(qpath);
		qfd = open(qtmp ? qtmp : qpath,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (qfd < 0)
			fatal(1, "%s: %s", qtmp ? qtmp : qpath,
			    strerror(errno));
		r.vpq = parquet_writer_new(qfd, qpath, vcols, NVCOLS, NULL);
		if (r.vpq == NULL)
			fatal(1, "%s: cannot start the Parquet writer", qpath);
		parquet_writer_kv_set(r.vpq, "uptake.comply_tool",
		    "uptake-comply " UPTAKE_VERSION);
	}

	/* Every part of every SNAPSHOT, in order: one crawl. */
	r.cr.profiles = profs;
	r.cr.np = npp;
	r.cr.need_hosting = r.key == KEY_COUNTRY;
	r.cr.dedupe = dedupe;
	r.cr.log_tag = "comply";
	r.cr.row = row_judge;
	r.cr.ctx = &r;
	comply_read(&r.cr, argv + optind, (size_t)(argc - optind));
	if (exc && r.cr.date[0] == '\0')
		fatal(1, "--exceptions: the snapshot's metadata has neither %s nor %s, so no exception can be dated",
		    SNAPSHOT_KEY_VALIDATION_TIME, SNAPSHOT_KEY_CRAWL_START);
	for (size_t i = 0; i < r.np; i++)
		qsort(r.ps[i].g, r.ps[i].ng, sizeof(*r.ps[i].g), group_cmp);

	if (r.vcsv)
		out_close(r.vcsv, vpath, vtmp);
	if (r.vpq) {
		if (r.cr.date[0])
			parquet_writer_kv_set(r.vpq, "uptake.comply_date", r.cr.date);
		/* fsync a regular file only: a device such as /dev/null
		 * refuses it (EINVAL) */
		if (parquet_writer_close(r.vpq) != 0 ||
		    (qtmp && fsync(qfd) < 0) ||
		    close(qfd) < 0 || (qtmp && rename(qtmp, qpath) < 0)) {
			if (qtmp)
				unlink(qtmp);
			fatal(1, "%s: %s", qpath, parquet_writer_error(r.vpq));
		}
		parquet_writer_free(r.vpq);
		free(qtmp);
	}
	char *otmp = NULL;
	FILE *f = out_path ? out_open(out_path, &otmp) : stdout;
	if (format == STATS_FORMAT_JSON)
		print_json(f, &r);
	else if (format == STATS_FORMAT_MD)
		print_md(f, &r);
	else
		print_csv(f, &r);
	if (out_path)
		out_close(f, out_path, otmp);
	else if (fflush(stdout) != 0)
		fatal(1, "writing the output failed");

	for (size_t i = 0; i < r.np; i++) {
		struct pstate *s = &r.ps[i];
		for (size_t j = 0; j < s->ng; j++)
			free(s->g[j].label);
		free(s->g);
		free(s->count);
		free(s->left_out);
		stats_strmap_free(s->ix);
		profile_free(s->p);
	}
	exc_free(exc);
	stats_meta_free(meta);
	orgmap_free(org);
	return 0;
}
