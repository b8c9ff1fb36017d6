/*
 * uptake-lists - check, combine, sample and count labelled domain lists
 * (the bundled lists, lists/gov-*.csv: domain,country,sector[,organisation]).
 *
 *   uptake-lists validate FILE...
 *   uptake-lists stats [--format md|csv] FILE...
 *   uptake-lists combine [--prefer FILE] FILE... -o OUT
 *   uptake-lists sample --per-stratum N [--seed S] FILE... -o OUT
 *
 * docs/lists.md describes the checks, the precedence rule and the
 * sampling method.  Exit 0 on success, 1 when a list has errors (each
 * reported as FILE:LINE: what), 2 for usage and I/O errors.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csv.h"
#include "dname.h"
#include "hash.h"
#include "util.h"

/* One message: a file name (a path, at most PATH_MAX) and its reason. */
#define LISTS_MAX_MESSAGE (4096 + 256)
/* Errors reported one by one per file before going quiet. */
#define LISTS_MAX_REPORTED 50
/* Longest organisation name kept (bytes). */
#define LISTS_MAX_ORG 512

/* The sector vocabulary (lists/README.md), in table order. */
static const char *const sectors[] = {
	"national-government", "regional-government", "local-government",
	"tribal-government", "legislature", "judiciary", "police-emergency",
	"defence", "health", "education", "water", "public-enterprise",
	"other-public",
};
#define NSECTORS (sizeof(sectors) / sizeof(sectors[0]))

/*
 * ISO 3166-1 alpha-2, the 249 assigned codes (Debian iso-codes 4.15).
 * Reserved and user-assigned codes (UK, EU, XK, ...) are not in it.
 */
static const char iso3166[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH "
	"BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL "
	"CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET "
	"FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU "
	"GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
	"KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC "
	"MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC "
	"NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT "
	"PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR "
	"SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA "
	"UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW ";

struct row {
	char *domain;
	char country[3];
	unsigned sector;	/* index into sectors[] */
	char *org;		/* "" when none */
	unsigned file;		/* index into the file names */
	unsigned long line;
	uint64_t key;		/* sample: the row's seeded hash */
	bool keep;		/* combine/sample: written out */
};

struct set {
	struct row *rows;
	size_t n, cap;
	/* domain -> row index + 1 (0: empty), open addressing */
	uint32_t *slots;
	size_t nslots;
	const char **files;
	uint64_t *file_rows;		/* good rows per file */
	uint64_t *file_org;		/* ... with an organisation */
	size_t nfiles;
	unsigned long errors;		/* rows refused */
	unsigned long xdup;		/* domains in an earlier file too */
	unsigned long xconflict;	/* ... with other labels */
	bool has_org;
};

static const uint8_t set_key[HASH_KEY_LEN] = {
	'u', 'p', 't', 'a', 'k', 'e', '-', 'l',
	'i', 's', 't', 's', '-', 's', 'e', 't',
};

static bool
valid_country(const char *cc)
{
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' ||
	    cc[1] > 'Z')
		return false;
	for (const char *p = iso3166; *p != '\0'; p += 3)
		if (p[0] == cc[0] && p[1] == cc[1])
			return true;
	return false;
}

static int
sector_index(const char *s)
{
	for (size_t i = 0; i < NSECTORS; i++)
		if (strcmp(s, sectors[i]) == 0)
			return (int)i;
	return -1;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* ---- the domain index ------------------------------------------------ */

static void
index_put_raw(uint32_t *slots, size_t nslots, const struct row *rows,
    uint32_t v)
{
	const char *d = rows[v - 1].domain;
	size_t i = (size_t)hash_siphash24(set_key, d, strlen(d)) &
	    (nslots - 1);

	while (slots[i] != 0)
		i = (i + 1) & (nslots - 1);
	slots[i] = v;
}

/* Row index of domain, or -1. */
static long
index_find(const struct set *s, const char *d)
{
	size_t i;

	if (s->nslots == 0)
		return -1;
	i = (size_t)hash_siphash24(set_key, d, strlen(d)) & (s->nslots - 1);
	for (; s->slots[i] != 0; i = (i + 1) & (s->nslots - 1))
		if (strcmp(s->rows[s->slots[i] - 1].domain, d) == 0)
			return (long)s->slots[i] - 1;
	return -1;
}

/* Append r (its strings now owned by s) and index it. */
static void
set_add(struct set *s, const struct row *r)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->rows = xreallocarray(s->rows, s->cap, sizeof(*s->rows));
	}
	s->rows[s->n++] = *r;
	if ((s->n + 1) * 10 > s->nslots * 7) {
		size_t ns = s->nslots ? s->nslots * 2 : 8192;
		uint32_t *sl = xcalloc(ns, sizeof(*sl));

		for (size_t i = 0; i + 1 < s->n; i++)
			index_put_raw(sl, ns, s->rows, (uint32_t)i + 1);
		free(s->slots);
		s->slots = sl;
		s->nslots = ns;
	}
	index_put_raw(s->slots, s->nslots, s->rows, (uint32_t)s->n);
}

static void
set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->rows[i].domain);
		free(s->rows[i].org);
	}
	free(s->rows);
	free(s->slots);
	free(s->files);
	free(s->file_rows);
	free(s->file_org);
}

/* ---- reading --------------------------------------------------------- */

static void row_error(struct set *s, const char *path, unsigned long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Count a refused row; false when too many were shown already. */
static bool
row_count(struct set *s, const char *path)
{
	s->errors++;
	if (s->errors > LISTS_MAX_REPORTED) {
		if (s->errors == LISTS_MAX_REPORTED + 1)
			fprintf(stderr, "uptake-lists: %s: more errors not "
			    "shown\n", path);
		return false;
	}
	return true;
}

/* A refused row whose message ("FILE:LINE: what") is made already. */
static void
row_report(struct set *s, const char *path, const char *msg)
{
	if (row_count(s, path))
		fprintf(stderr, "%s\n", msg);
}

static void
row_error(struct set *s, const char *path, unsigned long line,
    const char *fmt, ...)
{
	va_list ap;

	if (!row_count(s, path))
		return;
	fprintf(stderr, "%s:%lu: ", path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Where the header puts each column; -1 while no header was read. */
struct columns {
	int domain, country, sector, org;	/* org: -1 when absent */
	int nf;					/* fields of the header */
};

/*
 * The header line: find the columns.  Returns false (message printed,
 * counted) when domain, country or sector is missing.
 */
static bool
read_header(struct set *s, const char *where, unsigned long lineno,
    char **f, int n, struct columns *c)
{
	for (int i = 0; i < n; i++) {
		if (strcasecmp(f[i], "domain") == 0)
			c->domain = i;
		else if (strcasecmp(f[i], "country") == 0)
			c->country = i;
		else if (strcasecmp(f[i], "sector") == 0)
			c->sector = i;
		else if (strcasecmp(f[i], "organisation") == 0)
			c->org = i;
	}
	if (c->domain < 0 || c->country < 0 || c->sector < 0) {
		fprintf(stderr, "%s:%lu: the header must name the columns "
		    "domain, country and sector (and maybe organisation)\n",
		    where, lineno);
		s->errors++;
		return false;
	}
	if (c->org >= 0)
		s->has_org = true;
	c->nf = n;
	return true;
}

/*
 * Check one data row: its field count, domain (normal form into norm),
 * country, sector (index into *si) and organisation.  Returns false after
 * reporting the first error (row_error).
 */
static bool
check_row(struct set *s, const char *where, unsigned long lineno, char **f,
    int n, const struct columns *c, char norm[DNAME_BUF_SIZE], int *si)
{
	enum dname_error de;

	if (n != c->nf) {
		row_error(s, where, lineno, "%d fields, the header has %d", n,
		    c->nf);
		return false;
	}
	de = dname_normalize(f[c->domain], strlen(f[c->domain]), norm,
	    DNAME_BUF_SIZE);
	if (de != DNAME_OK) {
		row_error(s, where, lineno, "bad domain '%.80s': %s",
		    f[c->domain], dname_error_str(de));
		return false;
	}
	if (strcmp(norm, f[c->domain]) != 0) {
		row_error(s, where, lineno, "domain '%.80s' is not in "
		    "normal form (lower case, A-labels, no trailing "
		    "dot): write '%s'", f[c->domain], norm);
		return false;
	}
	if (!valid_country(f[c->country])) {
		row_error(s, where, lineno, "country '%.20s' is not an "
		    "ISO 3166-1 alpha-2 code (upper case; the United "
		    "Kingdom is GB)", f[c->country]);
		return false;
	}
	*si = sector_index(f[c->sector]);
	if (*si < 0) {
		row_error(s, where, lineno, "sector '%.40s' is not in "
		    "the vocabulary (lists/README.md)", f[c->sector]);
		return false;
	}
	if (c->org >= 0 && strlen(f[c->org]) > LISTS_MAX_ORG) {
		row_error(s, where, lineno, "organisation longer than "
		    "%d bytes", LISTS_MAX_ORG);
		return false;
	}
	return true;
}

/*
 * A valid row whose domain an earlier file already gave (row p): count
 * it, note other labels, and with prefer let this file's labels win.
 */
static void
merge_row(struct set *s, struct row *p, const char *path,
    unsigned long lineno, char **f, const struct columns *c, int si,
    bool prefer, unsigned fileno)
{
	bool same = strcmp(p->country, f[c->country]) == 0 &&
	    p->sector == (unsigned)si;

	s->xdup++;
	if (!same) {
		s->xconflict++;
		fprintf(stderr, "uptake-lists: note: %s:%lu: "
		    "%s is also in %s:%lu with other labels "
		    "(%s,%s there, %s,%s here); %s wins\n",
		    path, lineno, p->domain,
		    s->files[p->file], p->line, p->country,
		    sectors[p->sector], f[c->country], f[c->sector],
		    prefer ? "this file" : "the first");
	}
	if (prefer) {
		memcpy(p->country, f[c->country], 3);
		p->sector = (unsigned)si;
		free(p->org);
		p->org = xstrdup(c->org >= 0 ? f[c->org] : "");
		p->file = fileno;
		p->line = lineno;
	}
}

/*
 * Read path into s.  Rows with errors are reported and counted (s->errors)
 * and not added; a domain already in s (from an earlier file) is counted
 * and, when prefer, replaces the earlier labels.  Returns 0, or -1 when
 * the file cannot be read at all (message printed).
 */
static int
read_list(struct set *s, const char *path, bool prefer)
{
	struct csv_file *cf;
	char **f, msg[LISTS_MAX_MESSAGE];
	const char *where;
	unsigned long lineno = 0;
	struct columns c = { -1, -1, -1, -1, 0 };
	unsigned fileno = (unsigned)s->nfiles;
	size_t first_row = s->n;
	int rc = 0, got, n_fields;

	cf = csv_file_open(path, msg, sizeof(msg));
	if (cf == NULL) {
		fprintf(stderr, "uptake-lists: %s\n", msg);
		return -1;
	}
	where = csv_file_name(cf);
	s->files = xreallocarray(s->files, s->nfiles + 1, sizeof(*s->files));
	s->file_rows = xreallocarray(s->file_rows, s->nfiles + 1,
	    sizeof(*s->file_rows));
	s->file_org = xreallocarray(s->file_org, s->nfiles + 1,
	    sizeof(*s->file_org));
	s->file_rows[s->nfiles] = 0;
	s->file_org[s->nfiles] = 0;
	s->files[s->nfiles++] = path;
	while ((got = csv_file_next(cf, &f, &n_fields, msg, sizeof(msg))) != 0) {
		char norm[DNAME_BUF_SIZE];
		struct row r;
		long prev;
		int si;

		lineno = csv_file_line(cf);
		if (got == -2) {
			fprintf(stderr, "uptake-lists: %s\n", msg);
			rc = -1;
			break;
		}
		if (got < 0) {
			row_report(s, where, msg);
			continue;
		}
		if (c.domain < 0) {
			if (!read_header(s, where, lineno, f, n_fields, &c)) {
				rc = -1;
				break;
			}
			continue;
		}
		if (!check_row(s, where, lineno, f, n_fields, &c, norm, &si))
			continue;
		prev = index_find(s, norm);
		if (prev >= 0 && (size_t)prev >= first_row) {
			row_error(s, where, lineno, "duplicate domain %s "
			    "(first on line %lu)", norm,
			    s->rows[prev].line);
			continue;
		}
		s->file_rows[fileno]++;
		if (c.org >= 0 && f[c.org][0] != '\0')
			s->file_org[fileno]++;
		if (prev >= 0) {
			merge_row(s, &s->rows[prev], path, lineno, f, &c, si,
			    prefer, fileno);
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.domain = xstrdup(norm);
		memcpy(r.country, f[c.country], 3);
		r.sector = (unsigned)si;
		r.org = xstrdup(c.org >= 0 ? f[c.org] : "");
		r.file = fileno;
		r.line = lineno;
		set_add(s, &r);
	}
	if (rc == 0 && c.domain < 0) {
		fprintf(stderr, "%s: empty: no header line\n", where);
		s->errors++;
	}
	csv_file_close(cf);
	return rc;
}

/* ---- output ---------------------------------------------------------- */

/*
 * Write the kept rows (all when all) to out ("-": standard output) as
 * domain,country,sector,organisation, through a temporary file renamed
 * at the end.  Returns 0 or -1 (message printed).
 */
static int
write_rows(const struct set *s, const char *out, bool all)
{
	char *tmp = NULL;
	FILE *fp;
	bool to_stdout = strcmp(out, "-") == 0;
	int rc = 0;

	if (to_stdout) {
		fp = stdout;
	} else {
		tmp = out_tmp_name(out);
		fp = fopen(tmp ? tmp : out, "w");
		if (fp == NULL) {
			fprintf(stderr, "uptake-lists: %s: %s\n",
			    tmp ? tmp : out, strerror(errno));
			free(tmp);
			return -1;
		}
	}
	fputs("domain,country,sector,organisation\n", fp);
	for (size_t i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];

		if (!all && !r->keep)
			continue;
		fprintf(fp, "%s,%s,%s,", r->domain, r->country,
		    sectors[r->sector]);
		csv_field_write(fp, r->org);
		fputc('\n', fp);
	}
	if (to_stdout)
		return fflush(fp) == 0 ? 0 : -1;
	/* fsync only a regular file: a device or FIFO may refuse it */
	if (fflush(fp) != 0 || (tmp && fsync(fileno(fp)) != 0) || ferror(fp)) {
		fprintf(stderr, "uptake-lists: %s: write error\n",
		    tmp ? tmp : out);
		rc = -1;
	}
	if (fclose(fp) != 0)
		rc = -1;
	if (rc == 0 && tmp && rename(tmp, out) != 0) {
		fprintf(stderr, "uptake-lists: %s: %s\n", out,
		    strerror(errno));
		rc = -1;
	}
	if (rc != 0 && tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- counts ---------------------------------------------------------- */

/* Distinct countries of the kept rows (all when all), sorted. */
static size_t
countries_of(const struct set *s, bool all, char (*out)[3], size_t max)
{
	bool seen[26 * 26] = { false };
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *c = s->rows[i].country;

		if (all || s->rows[i].keep)
			seen[(c[0] - 'A') * 26 + (c[1] - 'A')] = true;
	}
	for (int i = 0; i < 26 * 26 && n < max; i++) {
		if (seen[i]) {
			out[n][0] = (char)('A' + i / 26);
			out[n][1] = (char)('A' + i % 26);
			out[n][2] = '\0';
			n++;
		}
	}
	return n;
}

static int
country_ix(char (*cs)[3], size_t n, const char *c)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cs[i], c) == 0)
			return (int)i;
	return -1;
}

/*
 * The count tables: rows per file, then domains per sector (rows) and
 * country (columns), as Markdown (md) or long CSV.
 */
static void
print_tables(const struct set *s, bool md, FILE *fp)
{
	char cs[26 * 26][3];
	size_t nc = countries_of(s, true, cs, 26 * 26);
	uint64_t *cell = xcalloc(NSECTORS * nc, sizeof(*cell));

	for (size_t i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];
		int c = country_ix(cs, nc, r->country);

		cell[r->sector * nc + (size_t)c]++;
	}
	if (!md) {
		fputs("country,sector,domains\n", fp);
		for (size_t c = 0; c < nc; c++)
			for (size_t k = 0; k < NSECTORS; k++)
				if (cell[k * nc + c] > 0)
					fprintf(fp, "%s,%s,%" PRIu64 "\n",
					    cs[c], sectors[k],
					    cell[k * nc + c]);
		goto out;
	}
	fputs("| file | rows | with organisation |\n", fp);
	fputs("| --- | ---: | ---: |\n", fp);
	for (size_t f = 0; f < s->nfiles; f++)
		fprintf(fp, "| %s | %" PRIu64 " | %" PRIu64 " |\n",
		    base_name(s->files[f]), s->file_rows[f], s->file_org[f]);
	fprintf(fp, "| distinct domains | %zu | |\n\n", s->n);
	fputs("| sector |", fp);
	for (size_t c = 0; c < nc; c++)
		fprintf(fp, " %s |", cs[c]);
	fputs(" all |\n| --- |", fp);
	for (size_t c = 0; c <= nc; c++)
		fputs(" ---: |", fp);
	fputc('\n', fp);
	for (size_t k = 0; k < NSECTORS; k++) {
		uint64_t tot = 0;

		fprintf(fp, "| %s |", sectors[k]);
		for (size_t c = 0; c < nc; c++) {
			tot += cell[k * nc + c];
			if (cell[k * nc + c] > 0)
				fprintf(fp, " %" PRIu64 " |", cell[k * nc + c]);
			else
				fputs(" |", fp);
		}
		fprintf(fp, " %" PRIu64 " |\n", tot);
	}
	fputs("| all |", fp);
	for (size_t c = 0; c < nc; c++) {
		uint64_t tot = 0;

		for (size_t k = 0; k < NSECTORS; k++)
			tot += cell[k * nc + c];
		fprintf(fp, " %" PRIu64 " |", tot);
	}
	fprintf(fp, " %zu |\n", s->n);
out:
	free(cell);
}

/* ---- sampling -------------------------------------------------------- */

static int
cmp_stratum(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;
	int c = strcmp(x->country, y->country);

	if (c != 0)
		return c;
	if (x->sector != y->sector)
		return x->sector < y->sector ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->domain, y->domain);
}

/*
 * Keep, in every stratum (country, sector), the per rows with the
 * smallest SipHash-2-4 of the domain under a key made from seed: a
 * uniform sample without replacement that depends only on the seed and
 * the set of rows, not on their order.  Returns the number of strata.
 */
static size_t
sample(struct set *s, uint64_t per, uint64_t seed)
{
	uint8_t key[HASH_KEY_LEN] = { 's', 'a', 'm', 'p', 'l', 'e', '0', '1' };
	struct row **v = xcalloc(s->n ? s->n : 1, sizeof(*v));
	size_t strata = 0;
	uint64_t taken = 0;

	for (int i = 0; i < 8; i++)
		key[8 + i] = (uint8_t)(seed >> (8 * i));
	for (size_t i = 0; i < s->n; i++) {
		s->rows[i].key = hash_siphash24(key, s->rows[i].domain,
		    strlen(s->rows[i].domain));
		s->rows[i].keep = false;
		v[i] = &s->rows[i];
	}
	if (s->n > 0)
		qsort(v, s->n, sizeof(*v), cmp_stratum);
	for (size_t i = 0; i < s->n; i++) {
		if (i == 0 || strcmp(v[i]->country, v[i - 1]->country) != 0 ||
		    v[i]->sector != v[i - 1]->sector) {
			strata++;
			taken = 0;
		}
		if (taken < per) {
			v[i]->keep = true;
			taken++;
		}
	}
	free(v);
	return strata;
}

/* ---- main ------------------------------------------------------------ */

static void
usage(FILE *fp)
{
	fputs("usage: uptake-lists validate FILE...\n"
	    "       uptake-lists stats [--format md|csv] FILE...\n"
	    "       uptake-lists combine [--prefer FILE] FILE... -o OUT\n"
	    "       uptake-lists sample --per-stratum N [--seed S] FILE... "
	    "-o OUT\n"
	    "FILE: CSV with a header naming domain, country, sector "
	    "(and maybe organisation)\n", fp);
}

enum { OPT_PREFER = 256, OPT_PER_STRATUM, OPT_SEED, OPT_FORMAT };

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "prefer", required_argument, NULL, OPT_PREFER },
	{ "per-stratum", required_argument, NULL, OPT_PER_STRATUM },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	const char *cmd, *out = NULL, *prefer = NULL;
	uint64_t per = 0, seed = 0;
	bool have_per = false, md = true;
	struct set s;
	int opt, rc = 0;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "validate") != 0 && strcmp(cmd, "stats") != 0 &&
	    strcmp(cmd, "combine") != 0 && strcmp(cmd, "sample") != 0) {
		fprintf(stderr, "uptake-lists: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case OPT_PREFER:
			prefer = optarg;
			break;
		case OPT_PER_STRATUM:
			if (parse_u64(optarg, strlen(optarg), UINT32_MAX,
			    &per) < 0 || per == 0) {
				fprintf(stderr, "uptake-lists: --per-stratum: "
				    "'%s' is not a number in 1..%u\n", optarg,
				    UINT32_MAX);
				return 2;
			}
			have_per = true;
			break;
		case OPT_SEED:
			if (parse_u64(optarg, strlen(optarg), UINT64_MAX,
			    &seed) < 0) {
				fprintf(stderr, "uptake-lists: --seed: '%s' is "
				    "not a non-negative number\n", optarg);
				return 2;
			}
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "md") == 0) {
				md = true;
			} else if (strcmp(optarg, "csv") == 0) {
				md = false;
			} else {
				fprintf(stderr, "uptake-lists: --format: md or "
				    "csv\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "uptake-lists %s: no list given\n", cmd);
		return 2;
	}
	if ((strcmp(cmd, "combine") == 0 || strcmp(cmd, "sample") == 0) &&
	    out == NULL) {
		fprintf(stderr, "uptake-lists %s: -o OUT is required\n", cmd);
		return 2;
	}
	if (strcmp(cmd, "sample") == 0 && !have_per) {
		fprintf(stderr, "uptake-lists sample: --per-stratum N is "
		    "required\n");
		return 2;
	}
	if (prefer != NULL && strcmp(cmd, "combine") != 0) {
		fprintf(stderr, "uptake-lists %s: --prefer is for combine\n",
		    cmd);
		return 2;
	}

	memset(&s, 0, sizeof(s));
	/* --prefer: that file's labels win over every other file's. */
	for (int i = optind; i < argc; i++) {
		bool pref = prefer != NULL && strcmp(argv[i], prefer) == 0;

		if (read_list(&s, argv[i], pref) < 0 && s.errors == 0) {
			rc = 2;
			goto out;
		}
	}
	if (prefer != NULL) {
		bool found = false;

		for (size_t f = 0; f < s.nfiles; f++)
			found = found || strcmp(s.files[f], prefer) == 0;
		if (!found) {
			fprintf(stderr, "uptake-lists combine: --prefer %s is "
			    "not one of the files given\n", prefer);
			rc = 2;
			goto out;
		}
	}
	if (s.errors > 0) {
		fprintf(stderr, "uptake-lists: %lu error%s\n", s.errors,
		    s.errors == 1 ? "" : "s");
		rc = 1;
		goto out;
	}
	if (s.xdup > 0)
		fprintf(stderr, "uptake-lists: %lu domain%s in more than one "
		    "file (%lu with other labels): counted once, %s file "
		    "wins\n", s.xdup, s.xdup == 1 ? "" : "s", s.xconflict,
		    prefer != NULL ? "the --prefer" : "the first");
	if (strcmp(cmd, "validate") == 0 || strcmp(cmd, "stats") == 0) {
		print_tables(&s, md, stdout);
	} else if (strcmp(cmd, "combine") == 0) {
		if (write_rows(&s, out, true) < 0)
			rc = 2;
		else
			fprintf(stderr, "uptake-lists: %zu domains from %zu "
			    "files to %s\n", s.n, s.nfiles, out);
	} else {
		size_t strata = sample(&s, per, seed);
		size_t kept = 0;

		for (size_t i = 0; i < s.n; i++)
			kept += s.rows[i].keep;
		if (write_rows(&s, out, false) < 0)
			rc = 2;
		else
			fprintf(stderr, "uptake-lists: %zu of %zu domains, %zu "
			    "strata (country, sector), up to %" PRIu64
			    " each, seed %" PRIu64 ", to %s\n", kept, s.n,
			    strata, per, seed, out);
	}
out:
	set_free(&s);
	return rc;
}
