/*
 * test_page_bounds.c - the Parquet writer never writes a page that the
 * readers refuse (PARQUET_MAX_PAGE_BYTES, PARQUET_MAX_PAGE_VALUES in
 * lib/parquet.h), whatever the options and values: a boolean column of a
 * large row group, a page target above the cap, a dictionary above it,
 * and a string too large for any page (that row is refused, not the file).
 * Every file written is read back whole by our reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parquet.h"
#include "util.h"
#include "../unit/tap.h"

static char tmpdir[256];

/* Rows of the large cases: above PARQUET_MAX_PAGE_VALUES. */
#define BIG_ROWS ((size_t)PARQUET_MAX_PAGE_VALUES + (1u << 20))
/* A string no page under the readers' cap can hold with its neighbours. */
#define HUGE_STRING_BYTES ((size_t)PARQUET_MAX_PAGE_BYTES + (1u << 20))
/* Distinct strings whose dictionary exceeds the page cap. */
#define DICT_ENTRIES 200000
#define DICT_ENTRY_BYTES 100

/* Equal values of column type t (strings by content). */
static bool
value_equal(enum schema_type t, const struct schema_value *a,
    const struct schema_value *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	switch (t) {
	case SCHEMA_TYPE_BOOLEAN:
		return a->u.b == b->u.b;
	case SCHEMA_TYPE_INT64:
		return a->u.i64 == b->u.i64;
	case SCHEMA_TYPE_STRING:
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
	default:
		return false;
	}
}

typedef void (*row_fn)(size_t i, struct schema_value *v, char *buf);

/* Write nrows rows of one column; returns the close result (or the first
 * append error). */
static int
write_one(const char *path, const struct parquet_column_def *col,
    const struct parquet_writer_options *opt, size_t nrows, row_fn fn)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct parquet_writer *w;
	struct schema_value v;
	char buf[DICT_ENTRY_BYTES + 1];
	int rc = -1;

	if (fd < 0)
		return -errno;
	w = parquet_writer_new(fd, path, col, 1, opt);
	if (w == NULL)
		goto out;
	for (size_t i = 0; i < nrows; i++) {
		fn(i, &v, buf);
		if ((rc = parquet_writer_append(w, &v)) < 0)
			goto out;
	}
	rc = parquet_writer_close(w);
out:
	parquet_writer_free(w);
	close(fd);
	return rc;
}

/* Read column 0 back; returns the rows read, or -1 (error printed). */
static int64_t
read_back(const char *path, row_fn fn)
{
	char err[512], buf[DICT_ENTRY_BYTES + 1];
	struct parquet_reader *r = parquet_reader_open(path, err, sizeof(err));
	int64_t rows = 0;

	if (r == NULL) {
		tap_diag("%s", err);
		return -1;
	}
	for (size_t g = 0; g < parquet_reader_row_group_count(r); g++) {
		struct parquet_column_reader *cr = parquet_column_reader_new(r,
		    g, 0);
		struct parquet_column_data cd;
		int n;

		if (cr == NULL) {
			tap_diag("%s", parquet_reader_error(r));
			parquet_reader_free(r);
			return -1;
		}
		while ((n = parquet_column_reader_next(cr, SIZE_MAX, &cd)) > 0) {
			for (size_t k = 0; k < cd.nrows; k++, rows++) {
				struct schema_value want, got;

				fn((size_t)rows, &want, buf);
				parquet_column_data_get(&cd, k, &got);
				if (!value_equal(cd.type, &want, &got)) {
					tap_diag("%s: row %lld differs", path,
					    (long long)rows);
					n = -2;
					break;
				}
			}
			if (n < 0)
				break;
		}
		parquet_column_reader_free(cr);
		if (n < 0) {
			if (n == -1)
				tap_diag("%s", parquet_reader_error(r));
			parquet_reader_free(r);
			return -1;
		}
	}
	parquet_reader_free(r);
	return rows;
}

static void
bool_row(size_t i, struct schema_value *v, char *buf)
{
	(void)buf;
	memset(v, 0, sizeof(*v));
	v->present = i % 3 != 0;
	v->u.b = i % 2 == 0;
}

static void
i64_row(size_t i, struct schema_value *v, char *buf)
{
	(void)buf;
	memset(v, 0, sizeof(*v));
	v->present = true;
	v->u.i64 = (int64_t)(i * 2654435761u);
}

static void
dict_row(size_t i, struct schema_value *v, char *buf)
{
	memset(v, 0, sizeof(*v));
	snprintf(buf, DICT_ENTRY_BYTES + 1, "%0*zu", DICT_ENTRY_BYTES, i);
	v->present = true;
	v->u.str.ptr = buf;
	v->u.str.len = DICT_ENTRY_BYTES;
}

static void
test_large_pages(void)
{
	char path[512];
	struct parquet_writer_options o;
	struct parquet_column_def cb = { "flag", SCHEMA_TYPE_BOOLEAN, false };
	struct parquet_column_def ci = { "n", SCHEMA_TYPE_INT64, true };
	struct parquet_column_def cs = { "s", SCHEMA_TYPE_STRING, true };

	/* Booleans of one large row group: 2 bits a row fill a 1 MiB page
	 * with 4 Mi rows, twice the readers' cap on values. */
	parquet_writer_options_default(&o);
	o.row_group_rows = (uint32_t)BIG_ROWS;
	o.zstd_level = 1;
	snprintf(path, sizeof(path), "%s/bool.parquet", tmpdir);
	tap_eq_i64(write_one(path, &cb, &o, BIG_ROWS, bool_row), 0,
	    "optional booleans, one row group of 3 Mi rows: written");
	tap_eq_i64(read_back(path, bool_row), (int64_t)BIG_ROWS,
	    "... and read back whole");

	/* A page target above the readers' cap. */
	parquet_writer_options_default(&o);
	o.row_group_rows = (uint32_t)BIG_ROWS;
	o.page_bytes = 64u << 20;
	o.zstd_level = 1;
	snprintf(path, sizeof(path), "%s/i64.parquet", tmpdir);
	tap_eq_i64(write_one(path, &ci, &o, BIG_ROWS, i64_row), 0,
	    "INT64 with page_bytes 64 MiB: written");
	tap_eq_i64(read_back(path, i64_row), (int64_t)BIG_ROWS,
	    "... and read back whole");

	/* A dictionary limit above the readers' cap: 20 MB of distinct
	 * strings. */
	parquet_writer_options_default(&o);
	o.row_group_rows = DICT_ENTRIES;
	o.dict_max_bytes = 64u << 20;
	o.zstd_level = 1;
	snprintf(path, sizeof(path), "%s/dict.parquet", tmpdir);
	tap_eq_i64(write_one(path, &cs, &o, DICT_ENTRIES, dict_row), 0,
	    "strings with dict_max_bytes 64 MiB: written");
	tap_eq_i64(read_back(path, dict_row), DICT_ENTRIES,
	    "... and read back whole");
}

static void
test_huge_string(void)
{
	char path[512], err[512];
	struct parquet_column_def cs = { "s", SCHEMA_TYPE_STRING, false };
	struct parquet_writer_options o;
	struct parquet_writer *w;
	struct schema_value v;
	char *huge = xmalloc(HUGE_STRING_BYTES);
	int fd;

	memset(huge, 'x', HUGE_STRING_BYTES);
	parquet_writer_options_default(&o);
	o.zstd_level = 1;
	snprintf(path, sizeof(path), "%s/huge.parquet", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w = parquet_writer_new(fd, path, &cs, 1, &o);
	memset(&v, 0, sizeof(v));
	v.present = true;
	v.u.str.ptr = huge;
	v.u.str.len = HUGE_STRING_BYTES;
	tap_eq_i64(parquet_writer_append(w, &v), -EINVAL,
	    "a string larger than any readable page: the row is refused");
	v.u.str.ptr = "small";
	v.u.str.len = 5;
	tap_eq_i64(parquet_writer_append(w, &v), 0, "the next row is taken");
	tap_eq_i64(parquet_writer_close(w), 0, "the file closes");
	parquet_writer_free(w);
	close(fd);
	free(huge);
	struct parquet_reader *r = parquet_reader_open(path, err, sizeof(err));
	tap_ok(r != NULL && parquet_reader_rows(r) == 1,
	    "it reads back with the one small row%s%s", r ? "" : ": ",
	    r ? "" : err);
	parquet_reader_free(r);
}

int
main(void)
{
	char cmd[300];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/uptake-pagebounds.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_large_pages();
	test_huge_string();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
