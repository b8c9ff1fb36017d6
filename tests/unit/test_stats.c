/*
 * test_stats.c - the statistics engine: Wilson intervals against
 * published reference values, the z-test and Benjamini-Hochberg, ccTLD
 * countries, the --meta parser and its errors, folding and rolling up,
 * the country source precedence, and stats_run's vectorised counting
 * against the row-by-row evaluator on adversarial random rows (every
 * column null a third of the time), over several parts, row groups and
 * threads; a part missing a column; corrupt parts with and without
 * --allow-partial.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "parquet.h"
#include "snapshot.h"
#include "stats.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/test_stats.XXXXXX";

static bool
near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

static void
test_wilson(void)
{
	/* Newcombe (1998), Statistics in Medicine 17:857, Table I, method
	 * 3 (score interval without continuity correction), 4 decimals. */
	static const struct {
		double k, n, lo, hi;
	} pub[] = { { 81, 263, 0.2553, 0.3662 }, { 15, 148, 0.0624, 0.1605 },
		{ 0, 20, 0.0000, 0.1611 }, { 1, 29, 0.0061, 0.1718 } };
	for (size_t i = 0; i < sizeof(pub) / sizeof(pub[0]); i++) {
		double lo, hi;
		stats_wilson(pub[i].k, pub[i].n, STATS_Z95, &lo, &hi);
		tap_ok(near(lo, pub[i].lo, 5e-5) && near(hi, pub[i].hi, 5e-5),
		    "Wilson %g/%g = [%.4f, %.4f] (Newcombe: [%.4f, %.4f])",
		    pub[i].k, pub[i].n, lo, hi, pub[i].lo, pub[i].hi);
	}
	/* More digits: the closed form evaluated in double precision by
	 * an independent implementation (Python's math module). */
	static const struct {
		double k, n, lo, hi;
	} ref[] = { { 0, 1, 0.0, 0.7934506856 }, { 1, 1, 0.2065493144, 1.0 },
		{ 5, 10, 0.2365930905, 0.7634069095 },
		{ 999999, 1000000, 0.9999943351, 0.9999998235 },
		{ 29, 30, 0.8332960901, 0.9940914096 } };
	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		double lo, hi;
		stats_wilson(ref[i].k, ref[i].n, STATS_Z95, &lo, &hi);
		tap_ok(near(lo, ref[i].lo, 1e-9) && near(hi, ref[i].hi, 1e-9),
		    "Wilson %g/%g = [%.10f, %.10f]", ref[i].k, ref[i].n, lo,
		    hi);
	}
	double lo, hi;
	tap_ok(!stats_wilson(0, 0, STATS_Z95, &lo, &hi) && isnan(lo),
	    "n = 0: no interval");
	struct stats_count c = { .n = 0 };
	double rate, neff;
	tap_ok(!stats_count_rate(&c, false, &rate, &lo, &hi, &neff),
	    "no denominator, no rate");
	c = (struct stats_count){ .n = 10, .k = 5, .wn = 2, .wk = 1.5,
		.wn2 = 1 };
	tap_ok(stats_count_rate(&c, true, &rate, &lo, &hi, &neff) &&
	    near(rate, 0.75, 1e-12) && near(neff, 4, 1e-12),
	    "weighted: rate wk/wn, Kish n_eff = wn^2/wn2");
	double l2, h2;
	stats_wilson(3, 4, STATS_Z95, &l2, &h2);
	tap_ok(near(lo, l2, 1e-12) && near(hi, h2, 1e-12),
	    "weighted interval is Wilson at n_eff");
}

static void
test_ztest_bh(void)
{
	static const struct {
		uint64_t k1, n1, k2, n2;
		double z, p;
	} ref[] = { { 50, 100, 60, 100, 1.4213381090, 0.1552184897 },
		{ 120, 1000, 150, 1000, 1.9630498076, 0.0496403869 },
		{ 5, 20, 15, 20, 3.1622776602, 0.0015654023 },
		{ 15, 20, 5, 20, -3.1622776602, 0.0015654023 } };
	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		double z, p;
		stats_ztest(ref[i].k1, ref[i].n1, ref[i].k2, ref[i].n2, &z, &p);
		tap_ok(near(z, ref[i].z, 1e-8) && near(p, ref[i].p, 1e-9),
		    "z-test %llu/%llu vs %llu/%llu: z %.6f p %.8f",
		    (unsigned long long)ref[i].k1, (unsigned long long)ref[i].n1,
		    (unsigned long long)ref[i].k2, (unsigned long long)ref[i].n2,
		    z, p);
	}
	double z, p;
	tap_ok(stats_ztest(0, 10, 0, 20, &z, &p) && z == 0 && p == 1,
	    "both rates 0: p 1");
	tap_ok(!stats_ztest(1, 0, 1, 2, &z, &p), "empty side: no test");
	double pv[] = { 0.01, 0.04, 0.03, 0.005, NAN }, q[5];
	stats_bh(pv, 5, q);
	tap_ok(near(q[0], 0.02, 1e-12) && near(q[1], 0.04, 1e-12) &&
	    near(q[2], 0.04, 1e-12) && near(q[3], 0.02, 1e-12) && isnan(q[4]),
	    "Benjamini-Hochberg q = [%.3f %.3f %.3f %.3f]", q[0], q[1], q[2],
	    q[3]);

	/* The trend model shared by uptake-trend and uptake-report. */
	struct stats_count ca[2] = { { .n = 100, .k = 10 }, { .n = 0 } };
	struct stats_count cb[2] = { { .n = 200, .k = 60 }, { .n = 5, .k = 1 } };
	struct stats_group ga = { .c = ca }, gb = { .c = cb };
	struct stats_change ch[4], *cv[4] = { &ch[0], &ch[1], &ch[2], &ch[3] };
	tap_ok(stats_change_compute(&ga, &gb, 0, true, &ch[0]) &&
	    near(ch[0].r1, 0.1, 1e-12) && near(ch[0].r2, 0.3, 1e-12) &&
	    ch[0].n1 == 100 && ch[0].n2 == 200 && ch[0].z > 0 &&
	    ch[0].p < 0.001, "change: rates and test");
	tap_ok(!stats_change_compute(&ga, &gb, 1, true, &ch[1]) &&
	    isnan(ch[1].r1) && near(ch[1].r2, 0.2, 1e-12) && isnan(ch[1].p),
	    "change: no OLD denominator, no test");
	tap_ok(!stats_change_compute(NULL, &gb, 0, true, &ch[2]) &&
	    ch[2].n1 == 0 && isnan(ch[2].r1), "change: group only in NEW");
	tap_ok(!stats_change_compute(&ga, &gb, 0, false, &ch[3]) &&
	    near(ch[3].r2, 0.3, 1e-12) && isnan(ch[3].z),
	    "change: rates without a test");
	tap_eq_i64((int64_t)stats_change_adjust(cv, 4), 1, "one test");
	tap_ok(near(ch[0].q, ch[0].p, 1e-15) && isnan(ch[1].q) &&
	    stats_change_significant(&ch[0], 0.05, true) &&
	    !stats_change_significant(&ch[1], 0.99, false),
	    "change: q and significance");
}

static void
test_cctld(void)
{
	char cc[3];

	tap_ok(stats_cctld_country("de", 2, cc) && strcmp(cc, "DE") == 0,
	    "de is DE");
	tap_ok(stats_cctld_country("uk", 2, cc) && strcmp(cc, "GB") == 0,
	    "uk is GB");
	tap_ok(!stats_cctld_country("io", 2, cc), "io is generic");
	tap_ok(!stats_cctld_country("eu", 2, cc), "eu is no country");
	tap_ok(!stats_cctld_country("com", 3, cc), "com is generic");
	tap_ok(!stats_cctld_country("D1", 2, cc), "not letters");
}

static const char *
write_file(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_meta(void)
{
	char err[512];
	const char *c, *s;
	const char *p = write_file("good.csv",
	    "\xef\xbb\xbfsector,extra,Domain,country\n"
	    "finance,x,Bank.SE.,se\n"
	    "\"health, public\",y,clinic.de,DE\n"
	    "\n# a comment\n"
	    "retail,z,shop.co.uk,uk\n"
	    "finance,x,bank.se,SE\n"
	    ",,nolabel.fr,\n");
	struct stats_meta *m = stats_meta_load(p, err, sizeof(err));
	if (!tap_ok(m != NULL, "header in any order, BOM, quotes, comments (%s)",
	    m ? "" : err))
		return;
	tap_eq_i64((int64_t)stats_meta_count(m), 4, "four domains");
	tap_ok(stats_meta_lookup(m, "bank.se", 7, &c, &s) &&
	    strcmp(c, "SE") == 0 && strcmp(s, "finance") == 0,
	    "domain lower-cased, trailing dot dropped, country upper-cased");
	tap_ok(stats_meta_lookup(m, "clinic.de", 9, &c, &s) &&
	    strcmp(s, "health, public") == 0, "quoted field with a comma");
	tap_ok(stats_meta_lookup(m, "shop.co.uk", 10, &c, &s) &&
	    strcmp(c, "GB") == 0, "UK is GB");
	tap_ok(stats_meta_lookup(m, "nolabel.fr", 10, &c, &s) && c[0] == '\0' &&
	    s[0] == '\0', "empty labels");
	tap_ok(!stats_meta_lookup(m, "other.se", 8, &c, &s), "absent domain");
	stats_meta_free(m);

	/* A header with one of the two label columns: the other is empty
	 * for every domain. */
	p = write_file("sectoronly.csv", "domain,sector\na.se,finance\n");
	m = stats_meta_load(p, err, sizeof(err));
	tap_ok(m && stats_meta_lookup(m, "a.se", 4, &c, &s) && c[0] == '\0' &&
	    strcmp(s, "finance") == 0, "header without country: %s",
	    m ? "" : err);
	stats_meta_free(m);
	p = write_file("countryonly.csv", "domain,country\na.se,se\n");
	m = stats_meta_load(p, err, sizeof(err));
	tap_ok(m && stats_meta_lookup(m, "a.se", 4, &c, &s) &&
	    strcmp(c, "SE") == 0 && s[0] == '\0',
	    "header without sector: %s", m ? "" : err);
	stats_meta_free(m);

	p = write_file("noheader.csv", "a.se,SE,government\nb.se,SE,finance\n");
	m = stats_meta_load(p, err, sizeof(err));
	tap_ok(m && stats_meta_count(m) == 2, "no header: domain,country,sector");
	stats_meta_free(m);

	/* The quoting rules of every CSV reader (lib/csv.h): blanks around a
	 * quoted field, as the crawler's csv lists allow. */
	p = write_file("blanks.csv", "domain,country,sector\n"
	    "a.se, \"SE\" ,\"x, y\"\n");
	m = stats_meta_load(p, err, sizeof(err));
	tap_ok(m && stats_meta_lookup(m, "a.se", 4, &c, &s) &&
	    strcmp(c, "SE") == 0 && strcmp(s, "x, y") == 0,
	    "blanks around a quoted field: %s", m ? "" : err);
	stats_meta_free(m);

	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "domain,country,sector\na.se,SE,x\nb.se,SE\n", "bad1.csv:3: 2 fields, expected 3" },
		{ "a.se,Sweden,x\n", "bad2.csv:1: country 'Sweden' is not a two-letter" },
		{ "a.se,SE,x\na.se,NO,x\n", "bad3.csv:2: domain a.se is on line 1 with other labels" },
		{ "a.se,SE,\"x\n", "bad4.csv:1: unterminated quoted field" },
		{ "a b.se,SE,x\n", "bad5.csv:1: domain with a space" },
		{ ",SE,x\n", "bad6.csv:1: empty domain" },
		{ "domain,foo\na.se,1\n", "bad7.csv:1: the header names no country or sector column" },
		{ "\n\n", "bad8.csv: no domains" },
		{ "a.se,SE,x\"y\n", "bad9.csv:1: quote inside an unquoted field" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "bad%zu.csv", i + 1);
		p = write_file(name, bad[i].text);
		err[0] = '\0';
		m = stats_meta_load(p, err, sizeof(err));
		tap_ok(m == NULL && strstr(err, bad[i].want) != NULL,
		    "bad meta: %s", err);
		stats_meta_free(m);
	}
	err[0] = '\0';
	m = stats_meta_load("/nonexistent/meta.csv", err, sizeof(err));
	tap_ok(m == NULL && strstr(err, "/nonexistent/meta.csv") != NULL,
	    "missing file: %s", err);
}

/* Random schema v1 rows, every column null a third of the time. */
static uint64_t rng = 88172645463325252ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const vocab[] = { "ok", "nxdomain", "secure", "insecure",
	"bogus", "indeterminate", "valid", "not_found", "invalid_as",
	"invalid_length", "unrouted", "no_address", "refused", "TLSv1.3",
	"TLSv1.2", "TLSv1", "TLSv1.1", "deny", "sameorigin", "absent",
	"invalid", "no-referrer", "unsafe-url", "origin", "fail", "softfail",
	"reject", "quarantine", "none", "", "OK", "x" };
static const char *const domains[] = { "a.de", "b.de", "c.com", "d.se",
	"e.io", "f.co.uk", "g.fr", "h.jp", "i", "j.org" };
static const char *const hosting[] = { "DE", "US", "NL", "SE", "" };

static void
random_row(int64_t i, struct schema_value *row)
{
	memset(row, 0, SCHEMA_COL_COUNT * sizeof(*row));
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		const struct schema_column *sc = schema_column_get(c);
		struct schema_value *v = &row[c];
		if (!sc->required && rnd() % 3 == 0)
			continue;
		v->present = true;
		switch (sc->type) {
		case SCHEMA_TYPE_BOOLEAN:
			v->u.b = rnd() & 1;
			break;
		case SCHEMA_TYPE_INT32:
			v->u.i32 = (int32_t)(rnd() % 5) - 1;
			break;
		case SCHEMA_TYPE_INT64:
		case SCHEMA_TYPE_TIMESTAMP_US:
			v->u.i64 = rnd() % 2 ? 31536000 - 1 + (int64_t)(rnd() % 3) :
			    (int64_t)(rnd() % 2000) - 5;
			break;
		case SCHEMA_TYPE_STRING: {
			const char *s = vocab[rnd() % (sizeof(vocab) / sizeof(vocab[0]))];
			if (c == SCHEMA_COL_DOMAIN)
				s = domains[rnd() % 10];
			else if (c == SCHEMA_COL_HOSTING_COUNTRY)
				s = hosting[rnd() % 5];
			v->u.str.ptr = s;
			v->u.str.len = strlen(s);
			break;
		}
		}
	}
	row[SCHEMA_COL_INPUT_INDEX].u.i64 = i;
}

/* Reference counts: every row of every part through metric_def_eval. */
struct refgroup {
	char key[64];
	uint64_t rows;
	uint64_t n[64], k[64];
};

static int
reference(const char *dir, const struct metric_def *defs,
    struct refgroup *g, size_t *ng)
{
	char err[512], **parts;
	int np = snapshot_parts_list(dir, &parts, err, sizeof(err));
	struct schema_value row[SCHEMA_COL_COUNT];

	*ng = 0;
	for (int p = 0; p < np; p++) {
		struct parquet_reader *r = parquet_reader_open(parts[p], err,
		    sizeof(err));
		if (r == NULL)
			return -1;
		for (size_t rg = 0; rg < parquet_reader_row_group_count(r); rg++) {
			struct parquet_column_data cd[SCHEMA_COL_COUNT];
			memset(cd, 0, sizeof(cd));
			for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
				if (parquet_reader_read_column(r, rg, c, &cd[c]) < 0)
					return -1;
			for (size_t i = 0; i < cd[0].nrows; i++) {
				for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
					parquet_column_data_get(&cd[c], i, &row[c]);
				/* Key: the TLD, as uptake-stats --by tld. */
				const char *d = row[SCHEMA_COL_DOMAIN].u.str.ptr;
				size_t dl = row[SCHEMA_COL_DOMAIN].u.str.len;
				const char *dot = memrchr(d, '.', dl);
				char key[64];
				snprintf(key, sizeof(key), "%.*s",
				    (int)(dot ? dl - (size_t)(dot + 1 - d) : dl),
				    dot ? dot + 1 : d);
				size_t j;
				for (j = 0; j < *ng; j++)
					if (strcmp(g[j].key, key) == 0)
						break;
				if (j == *ng) {
					memset(&g[j], 0, sizeof(g[j]));
					snprintf(g[j].key, sizeof(g[j].key), "%s", key);
					(*ng)++;
				}
				g[j].rows++;
				for (size_t m = 0; m < metric_count(); m++) {
					bool in_n, in_k;
					metric_def_eval(&defs[m], row, &in_n, &in_k);
					g[j].n[m] += in_n;
					g[j].k[m] += in_k;
				}
			}
			for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
				parquet_column_data_fini(&cd[c]);
		}
		parquet_reader_free(r);
	}
	snapshot_parts_free(parts);
	return 0;
}

static void
write_random(const char *dir, int64_t from, int64_t rows)
{
	struct snapshot_writer_options o;
	struct schema_value row[SCHEMA_COL_COUNT];
	char err[512];

	snapshot_writer_options_default(&o);
	o.part_rows = 3000;
	o.parquet.row_group_rows = 1000;
	o.parquet.zstd_level = 1;
	struct snapshot_writer *w = snapshot_writer_open(dir, &o, err,
	    sizeof(err));
	if (w == NULL) {
		tap_diag("%s", err);
		abort();
	}
	for (int64_t i = from; i < from + rows; i++) {
		random_row(i, row);
		if (snapshot_writer_append(w, row) < 0)
			abort();
	}
	if (snapshot_writer_close(w) < 0)
		abort();
}

static void
test_run_equal(const struct metric_def *defs)
{
	char dir[600], err[1024];
	struct refgroup *ref = xcalloc(32, sizeof(*ref));
	size_t nref;

	snprintf(dir, sizeof(dir), "%s/random", tmpdir);
	write_random(dir, 0, 9500);
	if (!tap_ok(reference(dir, defs, ref, &nref) == 0, "reference counts"))
		return;
	for (unsigned threads = 1; threads <= 3; threads += 2) {
		struct stats_options o;
		struct stats_result *res;
		stats_options_default(&o);
		o.defs = defs;
		o.keys[0] = STATS_KEY_TLD;
		o.nkeys = 1;
		o.threads = threads;
		char *paths[] = { dir };
		int rc = stats_run(paths, 1, &o, &res, err, sizeof(err));
		if (!tap_ok(rc == 0, "stats_run on %u thread(s): %s", threads,
		    rc ? err : "ok"))
			continue;
		bool same = res->table.ngroups == nref && res->rows == 9500;
		for (size_t j = 0; j < nref && same; j++) {
			const char *key[] = { ref[j].key };
			const struct stats_group *g = stats_table_find(&res->table, key);
			if (g == NULL || g->rows != ref[j].rows) {
				tap_diag("group %s differs", ref[j].key);
				same = false;
				break;
			}
			for (size_t m = 0; m < metric_count(); m++)
				if (g->c[m].n != ref[j].n[m] ||
				    g->c[m].k != ref[j].k[m]) {
					tap_diag("group %s metric %s: n %llu k %llu, row by row n %llu k %llu",
					    ref[j].key, metric_get(m)->name,
					    (unsigned long long)g->c[m].n,
					    (unsigned long long)g->c[m].k,
					    (unsigned long long)ref[j].n[m],
					    (unsigned long long)ref[j].k[m]);
					same = false;
				}
		}
		tap_ok(same, "%u thread(s): every group and metric equals the row-by-row evaluation (%zu groups, 4 parts, 10 row groups)",
		    threads, nref);
		stats_result_free(res);
	}
	free(ref);
}

/* Hand-made rows for the country precedence. */
static void
test_country(const struct metric_def *defs)
{
	char dir[600], err[1024];
	struct snapshot_writer *w;
	struct schema_value row[SCHEMA_COL_COUNT];
	static const struct {
		const char *domain, *hosting;
	} rows[] = { { "a.de", NULL }, { "b.de", "US" }, { "c.com", "US" },
		{ "d.com", NULL }, { "e.io", "NL" }, { "f.co.uk", NULL },
		{ "g.se", "SE" } };

	snprintf(dir, sizeof(dir), "%s/country", tmpdir);
	w = snapshot_writer_open(dir, NULL, err, sizeof(err));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(row, 0, sizeof(row));
		row[SCHEMA_COL_INPUT_INDEX] = (struct schema_value){ .present = true, .u.i64 = (int64_t)i };
		row[SCHEMA_COL_DOMAIN].present = true;
		row[SCHEMA_COL_DOMAIN].u.str.ptr = rows[i].domain;
		row[SCHEMA_COL_DOMAIN].u.str.len = strlen(rows[i].domain);
		if (rows[i].hosting) {
			row[SCHEMA_COL_HOSTING_COUNTRY].present = true;
			row[SCHEMA_COL_HOSTING_COUNTRY].u.str.ptr = rows[i].hosting;
			row[SCHEMA_COL_HOSTING_COUNTRY].u.str.len = 2;
		}
		if (snapshot_writer_append(w, row) < 0)
			abort();
	}
	if (snapshot_writer_close(w) < 0)
		abort();
	const char *mp = write_file("country.csv",
	    "domain,country,sector\na.de,FR,health\ng.se,,finance\n");
	struct stats_meta *meta = stats_meta_load(mp, err, sizeof(err));

	static const struct {
		int force;
		const char *want;	/* country:source:rows ... */
	} runs[] = {
		{ -1, "DE:cctld:1 FR:meta:1 GB:cctld:1 NL:hosting:1 SE:cctld:1 US:hosting:1 unknown:none:1" },
		{ STATS_CSRC_CCTLD, "DE:cctld:2 GB:cctld:1 SE:cctld:1 unknown:none:3" },
		{ STATS_CSRC_HOSTING, "NL:hosting:1 SE:hosting:1 US:hosting:2 unknown:none:3" },
		{ STATS_CSRC_META, "FR:meta:1 unknown:none:6" },
	};
	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		struct stats_options o;
		struct stats_result *res;
		char got[512];
		size_t len = 0;
		stats_options_default(&o);
		o.defs = defs;
		o.keys[0] = STATS_KEY_COUNTRY;
		o.nkeys = 1;
		o.meta = meta;
		o.country_source = runs[r].force;
		char *paths[] = { dir };
		if (stats_run(paths, 1, &o, &res, err, sizeof(err)) != 0) {
			tap_ok(false, "country run: %s", err);
			continue;
		}
		stats_table_sort(&res->table);
		got[0] = '\0';
		for (size_t g = 0; g < res->table.ngroups; g++) {
			const struct stats_group *gr = &res->table.groups[g];
			for (int s = 0; s < STATS_CSRC_COUNT; s++)
				if (gr->csrc[s])
					len += (size_t)snprintf(got + len,
					    sizeof(got) - len, "%s%s:%s:%llu",
					    len ? " " : "", gr->key[0],
					    stats_csrc_name((enum stats_csrc)s),
					    (unsigned long long)gr->csrc[s]);
		}
		tap_eq_str(got, runs[r].want, "country source precedence");
		if (r == 0) {
			/* Fold groups of one row; rollup to nothing. */
			stats_table_fold(&res->table, 2);
			tap_ok(res->table.ngroups == 1 &&
			    strcmp(res->table.groups[0].key[0], "other") == 0 &&
			    res->table.groups[0].rows == 7,
			    "--min-n 2 folds every group into other");
			struct stats_table *all = stats_table_rollup(&res->table,
			    NULL, 0);
			tap_ok(all->ngroups == 1 && all->groups[0].rows == 7,
			    "rollup to no key: one group of all rows");
			stats_table_free(all);
		}
		stats_result_free(res);
	}
	stats_meta_free(meta);
}

/* A part written without some columns: an older schema. */
static void
test_missing_column(const struct metric_def *defs)
{
	char dir[600], path[700], err[1024];
	struct parquet_column_def cols[SCHEMA_COL_COUNT];
	struct schema_value row[SCHEMA_COL_COUNT], sub[SCHEMA_COL_COUNT];
	size_t nc = 0;

	snprintf(dir, sizeof(dir), "%s/old", tmpdir);
	mkdir(dir, 0700);
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		if (c == SCHEMA_COL_CAA || c == SCHEMA_COL_TLS_VERSION)
			continue;
		const struct schema_column *sc = schema_column_get(c);
		cols[nc++] = (struct parquet_column_def){ sc->name, sc->type,
			sc->required };
	}
	snprintf(path, sizeof(path), "%s/part-00000.parquet", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct parquet_writer *w = parquet_writer_new(fd, path, cols, nc, NULL);
	for (int i = 0; i < 100; i++) {
		/* Rows of another crawl: input_index values of their own (the
		 * same (list, input_index) twice is a duplicate, refused). */
		random_row(100000 + i, row);
		size_t k = 0;
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
			if (c != SCHEMA_COL_CAA && c != SCHEMA_COL_TLS_VERSION)
				sub[k++] = row[c];
		if (parquet_writer_append(w, sub) < 0)
			abort();
	}
	if (parquet_writer_close(w) < 0)
		abort();
	parquet_writer_free(w);
	close(fd);

	struct stats_options o;
	struct stats_result *res;
	stats_options_default(&o);
	o.defs = defs;
	char rdir[600];
	snprintf(rdir, sizeof(rdir), "%s/random", tmpdir);
	char *paths[] = { dir, rdir };
	int rc = stats_run(paths, 2, &o, &res, err, sizeof(err));
	if (!tap_ok(rc == 0, "a snapshot without columns is not fatal (%s)",
	    rc ? err : "ok"))
		return;
	int caa = metric_find("caa"), tls13 = metric_find("tls13"),
	    legacy = metric_find("tls_legacy"), hsts = metric_find("hsts");
	tap_ok(!stats_result_available(res, (size_t)caa) &&
	    !stats_result_available(res, (size_t)tls13) &&
	    !stats_result_available(res, (size_t)legacy) &&
	    stats_result_available(res, (size_t)hsts),
	    "metrics on the missing columns are not available, others are");
	tap_ok(res->missing[caa] && strstr(res->missing[caa], "column caa is not in 1 of 5 parts") &&
	    strstr(res->missing[caa], "old/part-00000.parquet"),
	    "the reason names the column and a part: %s", res->missing[caa]);
	tap_ok(res->rows == 9600 && res->nsources == 2,
	    "two snapshots read as one crawl (%llu rows)",
	    (unsigned long long)res->rows);
	stats_result_free(res);
}

static void
corrupt(const char *path)
{
	int fd = open(path, O_RDWR);
	struct stat st;
	uint8_t tail[8], junk[4096];

	fstat(fd, &st);
	pread(fd, tail, 8, st.st_size - 8);
	uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 |
	    (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
	memset(junk, 0x5a, sizeof(junk));
	/* Every column chunk: from byte 4 to the footer. */
	for (off_t off = 4; off < st.st_size - 8 - (off_t)flen; off += sizeof(junk)) {
		size_t n = sizeof(junk);
		if (off + (off_t)n > st.st_size - 8 - (off_t)flen)
			n = (size_t)(st.st_size - 8 - (off_t)flen - off);
		pwrite(fd, junk, n, off);
	}
	close(fd);
}

static void
test_corrupt(const struct metric_def *defs)
{
	char dir[600], part[700], err[1024];
	struct stats_options o;
	struct stats_result *res = NULL;

	snprintf(dir, sizeof(dir), "%s/corrupt", tmpdir);
	write_random(dir, 0, 7000);	/* parts of 3000, 3000, 1000 */
	snprintf(part, sizeof(part), "%s/part-00001.parquet", dir);
	corrupt(part);
	stats_options_default(&o);
	o.defs = defs;
	o.threads = 2;
	char *paths[] = { dir };
	int rc = stats_run(paths, 1, &o, &res, err, sizeof(err));
	tap_ok(rc == -2 && res == NULL && strstr(err, "part-00001.parquet"),
	    "corrupt column data: an error naming the part: %s", err);
	o.allow_partial = true;
	rc = stats_run(paths, 1, &o, &res, err, sizeof(err));
	if (tap_ok(rc == 1 && res, "--allow-partial: results marked partial")) {
		tap_ok(res->bad_parts == 1 && res->rows == 4000 &&
		    res->parts[1].error != NULL &&
		    res->sources[0].rows == 4000,
		    "the corrupt part is left out whole (%llu rows)",
		    (unsigned long long)res->rows);
		stats_result_free(res);
	}
	/* A truncated part: no footer. */
	snprintf(part, sizeof(part), "%s/part-00002.parquet", dir);
	truncate(part, 100);
	o.allow_partial = false;
	rc = stats_run(paths, 1, &o, &res, err, sizeof(err));
	tap_ok(rc == -2 && strstr(err, "part-00002.parquet"),
	    "a truncated part: %s", err);
	o.allow_partial = true;
	rc = stats_run(paths, 1, &o, &res, err, sizeof(err));
	tap_ok(rc == 1 && res && res->bad_parts == 2 && res->rows == 3000,
	    "--allow-partial with a truncated and a corrupt part");
	stats_result_free(res);
	char *twice[] = { dir, dir };
	rc = stats_run(twice, 2, &o, &res, err, sizeof(err));
	tap_ok(rc == -1 && strstr(err, "already given"), "a snapshot given twice: %s",
	    err);
}

int
main(void)
{
	char err[256];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_wilson();
	test_ztest_bh();
	test_cctld();
	test_meta();
	struct metric_def *defs = metric_defs_new(err, sizeof(err));
	if (!tap_ok(defs != NULL, "metric table"))
		return tap_done();
	test_run_equal(defs);
	test_country(defs);
	test_missing_column(defs);
	test_corrupt(defs);
	metric_defs_free(defs);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
