/*
 * gen_cases - write Parquet test files with our writer and, beside each,
 * the expected values as JSON lines, for check_ours.mjs to compare with
 * what DuckDB reads.
 *
 *   gen_cases OUTDIR [CASE...]     (default: every case but "big")
 *
 * OUTDIR/CASE.parquet and OUTDIR/CASE.jsonl.  The .jsonl starts with
 * {"columns":[[name,type],...],"rows":N}; then one JSON array per row:
 * INT64 and TIMESTAMP as decimal strings (microseconds for timestamps),
 * INT32 as numbers, booleans, strings, null.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parquet.h"
#include "util.h"

enum nulls {
	NULLS_MIXED,	/* by row number modulo small primes */
	NULLS_ALL,	/* every optional column null */
	NULLS_NONE,
	NULLS_RUNS,	/* blocks of 100 nulls and 100 values */
};

struct gcase {
	const char *name;
	uint64_t rows;
	enum nulls nulls;
	uint32_t row_group_rows;
	size_t page_bytes;
	size_t dict_max_bytes;
	int zstd_level;
	bool long_strings;
};

static const struct gcase cases[] = {
	{ "mixed", 50000, NULLS_MIXED, 8192, 65536, 1 << 20, 9, true },
	{ "all_null", 3000, NULLS_ALL, 1000, 1 << 20, 1 << 20, 9, true },
	{ "no_null", 3000, NULLS_NONE, 1000, 1 << 20, 1 << 20, 9, true },
	{ "runs", 20000, NULLS_RUNS, 4096, 8192, 1 << 20, 3, true },
	{ "fallback", 20000, NULLS_MIXED, 5000, 1 << 20, 4096, 9, true },
	{ "uncompressed", 5000, NULLS_MIXED, 2000, 1 << 20, 1 << 20, 0, true },
	{ "one_row", 1, NULLS_MIXED, 1000, 1 << 20, 1 << 20, 9, true },
	{ "empty", 0, NULLS_MIXED, 1000, 1 << 20, 1 << 20, 9, true },
	{ "big", 1000000, NULLS_MIXED, 131072, 1 << 20, 1 << 20, 9, false },
};

static const struct parquet_column_def cols[] = {
	{ "id", SCHEMA_TYPE_INT64, true },
	{ "i32", SCHEMA_TYPE_INT32, false },
	{ "i32r", SCHEMA_TYPE_INT32, true },
	{ "i64", SCHEMA_TYPE_INT64, false },
	{ "b", SCHEMA_TYPE_BOOLEAN, false },
	{ "br", SCHEMA_TYPE_BOOLEAN, true },
	{ "s_enum", SCHEMA_TYPE_STRING, false },
	{ "s_uniq", SCHEMA_TYPE_STRING, false },
	{ "s_long", SCHEMA_TYPE_STRING, false },
	{ "sr", SCHEMA_TYPE_STRING, true },
	{ "ts", SCHEMA_TYPE_TIMESTAMP_US, false },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static const char *const enums[] = { "ok", "", "nxdomain", "servfail",
	"caf\xc3\xa9", "\xe2\x9c\x93 secure", "\xf0\x9f\x98\x80", "\xe6\x97\xa5\xe6\x9c\xac",
	"with,comma", "with \"quote\"", "tab\there", "line\nbreak" };
#define NENUMS (sizeof(enums) / sizeof(enums[0]))

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static bool
is_null(const struct gcase *c, uint64_t i, size_t col)
{
	if (cols[col].required)
		return false;
	switch (c->nulls) {
	case NULLS_ALL:
		return true;
	case NULLS_NONE:
		return false;
	case NULLS_RUNS:
		return ((i + col * 37) / 100) % 2 == 0;
	case NULLS_MIXED:
		break;
	}
	static const unsigned mod[] = { 1, 3, 1, 5, 7, 1, 11, 2, 4, 1, 13 };
	return mod[col] > 1 && (i * 31 + col) % mod[col] == 0;
}

/* Row i into row[]; strings in bufs. */
static void
make_row(const struct gcase *c, uint64_t i, struct schema_value *row,
    char *ubuf, char *lbuf, size_t lcap)
{
	uint64_t h = mix(i);
	int n;

	memset(row, 0, NCOLS * sizeof(*row));
	row[0].u.i64 = (int64_t)i;
	/* INT32 extremes now and then, otherwise spread values. */
	row[1].u.i32 = i % 101 == 0 ? INT32_MIN : i % 103 == 0 ? INT32_MAX :
	    (int32_t)(h >> 40) - (1 << 23);
	row[2].u.i32 = (int32_t)(i % 7);
	row[3].u.i64 = i % 107 == 0 ? INT64_MIN : i % 109 == 0 ? INT64_MAX :
	    (int64_t)h;
	row[4].u.b = (h >> 7) & 1;
	row[5].u.b = i % 3 == 0;
	row[6].u.str.ptr = enums[h % NENUMS];
	row[6].u.str.len = strlen(enums[h % NENUMS]);
	n = snprintf(ubuf, 64, "host-%" PRIu64 ".example.\xc3\xa9", h % 1000000007u);
	row[7].u.str.ptr = ubuf;
	row[7].u.str.len = (size_t)n;
	/* Long strings: every 997th row 100 KB (when enabled), else 0..60. */
	size_t len = c->long_strings && i % 997 == 5 ? 100000 : (h >> 20) % 61;
	if (len > lcap)
		len = lcap;
	for (size_t k = 0; k < len; k++)
		lbuf[k] = (char)('a' + (h >> (k % 40)) % 26);
	if (len >= 6) /* a multi-byte sequence inside */
		memcpy(lbuf + len / 2 - 2, "\xf0\x9f\x94\x92", 4);
	row[8].u.str.ptr = lbuf;
	row[8].u.str.len = len;
	row[9].u.str.ptr = i % 5 == 0 ? "" : enums[i % 4];
	row[9].u.str.len = strlen(row[9].u.str.ptr);
	row[10].u.i64 = (int64_t)(h % 4000000000000000ull) - 1000000000000000LL;
	for (size_t k = 0; k < NCOLS; k++)
		row[k].present = !is_null(c, i, k);
}

static void
json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static const char *
type_name(enum schema_type t)
{
	return schema_type_name(t);
}

static int
gen(const char *dir, const struct gcase *c)
{
	char path[4096], jpath[4096], ubuf[64];
	size_t lcap = 100000;
	char *lbuf = xmalloc(lcap);
	struct schema_value row[NCOLS];
	struct parquet_writer_options opt;
	FILE *j;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.parquet", dir, c->name);
	snprintf(jpath, sizeof(jpath), "%s/%s.jsonl", dir, c->name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	j = fopen(jpath, "w");
	if (fd < 0 || j == NULL) {
		perror(path);
		return 1;
	}
	parquet_writer_options_default(&opt);
	opt.row_group_rows = c->row_group_rows;
	opt.page_bytes = c->page_bytes;
	opt.dict_max_bytes = c->dict_max_bytes;
	opt.zstd_level = c->zstd_level;
	struct parquet_writer *w = parquet_writer_new(fd, path, cols, NCOLS,
	    &opt);
	if (w == NULL)
		return 1;
	parquet_writer_kv_set(w, "uptake.test_case", c->name);
	fprintf(j, "{\"columns\":[");
	for (size_t k = 0; k < NCOLS; k++)
		fprintf(j, "%s[\"%s\",\"%s\"]", k ? "," : "", cols[k].name,
		    type_name(cols[k].type));
	fprintf(j, "],\"rows\":%" PRIu64 "}\n", c->rows);
	for (uint64_t i = 0; i < c->rows; i++) {
		make_row(c, i, row, ubuf, lbuf, lcap);
		if (parquet_writer_append(w, row) < 0)
			return 1;
		fputc('[', j);
		for (size_t k = 0; k < NCOLS; k++) {
			const struct schema_value *v = &row[k];
			if (k)
				fputc(',', j);
			if (!v->present) {
				fputs("null", j);
				continue;
			}
			switch (cols[k].type) {
			case SCHEMA_TYPE_INT32:
				fprintf(j, "%" PRId32, v->u.i32);
				break;
			case SCHEMA_TYPE_INT64:
			case SCHEMA_TYPE_TIMESTAMP_US:
				fprintf(j, "\"%" PRId64 "\"", v->u.i64);
				break;
			case SCHEMA_TYPE_BOOLEAN:
				fputs(v->u.b ? "true" : "false", j);
				break;
			case SCHEMA_TYPE_STRING:
				json_str(j, v->u.str.ptr, v->u.str.len);
				break;
			}
		}
		fputs("]\n", j);
	}
	if (parquet_writer_close(w) < 0)
		return 1;
	parquet_writer_free(w);
	close(fd);
	free(lbuf);
	if (fclose(j) != 0)
		return 1;
	printf("%s %" PRIu64 " rows\n", path, c->rows);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t ncases = sizeof(cases) / sizeof(cases[0]);

	if (argc < 2) {
		fprintf(stderr, "usage: gen_cases OUTDIR [CASE...]\n");
		return 2;
	}
	for (size_t i = 0; i < ncases; i++) {
		bool want = argc == 2 ? strcmp(cases[i].name, "big") != 0 : false;
		for (int a = 2; a < argc; a++)
			if (strcmp(argv[a], cases[i].name) == 0)
				want = true;
		if (want && gen(argv[1], &cases[i]) != 0)
			return 1;
	}
	return 0;
}
