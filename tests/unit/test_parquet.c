/*
 * test_parquet.c - Parquet writer/reader round trips (every type, null
 * patterns, dictionary and PLAIN fallback, row groups, empty and long
 * and non-ASCII strings, 0 rows), the RLE/bit-packed hybrid, the Thrift
 * compact reader, and corrupt or truncated files (errors name the file,
 * nothing crashes).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parquet.h"
#include "parquet_int.h"
#include "tap.h"
#include "thrift_compact.h"
#include "util.h"

static char tmpdir[] = "/tmp/test_parquet.XXXXXX";

static const struct parquet_column_def cols[] = {
	{ "id", SCHEMA_TYPE_INT64, true },
	{ "i32", SCHEMA_TYPE_INT32, false },
	{ "i64", SCHEMA_TYPE_INT64, false },
	{ "flag", SCHEMA_TYPE_BOOLEAN, false },
	{ "enumish", SCHEMA_TYPE_STRING, false },
	{ "unique", SCHEMA_TYPE_STRING, false },
	{ "ts", SCHEMA_TYPE_TIMESTAMP_US, false },
	{ "req_str", SCHEMA_TYPE_STRING, true },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static const char *const enums[] = { "ok", "", "nxdomain",
	"d\xc3\xa9j\xc3\xa0 vu \xe2\x9c\x93", "servfail" };

/* Deterministic row i; strings in buf (>= 64 bytes). */
static void
make_row(uint64_t i, struct schema_value *row, char *buf, char *big,
    size_t bigsz)
{
	memset(row, 0, NCOLS * sizeof(*row));
	row[0].present = true;
	row[0].u.i64 = (int64_t)i;
	row[1].present = i % 3 != 0;
	row[1].u.i32 = (int32_t)(i * 7919u) - 1000000;
	row[2].present = i % 5 != 1;
	row[2].u.i64 = (int64_t)(i * 0x9e3779b97f4a7c15ull);
	row[3].present = i % 7 != 2;
	row[3].u.b = (i / 3) % 2;
	row[4].present = i % 11 != 3;
	row[4].u.str.ptr = enums[i % 5];
	row[4].u.str.len = strlen(enums[i % 5]);
	row[5].present = i % 2 == 0;
	int n = snprintf(buf, 64, "host-%llu.example", (unsigned long long)i);
	row[5].u.str.ptr = buf;
	row[5].u.str.len = (size_t)n;
	if (i % 1000 == 999) {
		memset(big, 'a' + (int)(i % 26), bigsz);
		row[5].u.str.ptr = big;
		row[5].u.str.len = bigsz;
	}
	row[6].present = i % 13 != 0;
	row[6].u.i64 = 1700000000000000LL + (int64_t)i * 1000003;
	row[7].present = true;
	row[7].u.str.ptr = i % 4 ? "x" : "";
	row[7].u.str.len = i % 4 ? 1 : 0;
}

static bool
value_eq(const struct schema_value *a, const struct schema_value *b,
    enum schema_type t)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	switch (t) {
	case SCHEMA_TYPE_INT32:
		return a->u.i32 == b->u.i32;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		return a->u.i64 == b->u.i64;
	case SCHEMA_TYPE_BOOLEAN:
		return a->u.b == b->u.b;
	case SCHEMA_TYPE_STRING:
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
	}
	return false;
}

static int
write_file(const char *path, uint64_t nrows,
    const struct parquet_writer_options *opt)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct parquet_writer *w;
	struct schema_value row[NCOLS];
	char buf[64], *big = xmalloc(100000);
	int rc = -1;

	if (fd < 0)
		return -1;
	w = parquet_writer_new(fd, path, cols, NCOLS, opt);
	if (w == NULL)
		goto out;
	parquet_writer_kv_set(w, "uptake.test", "value \xe2\x9c\x93");
	parquet_writer_kv_set(w, "empty", "");
	for (uint64_t i = 0; i < nrows; i++) {
		make_row(i, row, buf, big, 100000);
		if (parquet_writer_append(w, row) < 0)
			goto out;
	}
	rc = parquet_writer_close(w);
out:
	parquet_writer_free(w);
	close(fd);
	free(big);
	return rc;
}

/* Read back every column of every row group and compare. */
static bool
verify_file(const char *path, uint64_t nrows, const char *what)
{
	char err[512];
	struct parquet_reader *r = parquet_reader_open(path, err, sizeof(err));
	struct schema_value want[NCOLS], got;
	char buf[64], *big = xmalloc(100000);
	bool ok = true;
	uint64_t base = 0;

	if (!tap_ok(r != NULL, "%s: open", what)) {
		tap_diag("%s", err);
		free(big);
		return false;
	}
	ok &= tap_eq_i64(parquet_reader_rows(r), (int64_t)nrows,
	    "row count");
	ok &= tap_eq_i64((int64_t)parquet_reader_column_count(r), NCOLS,
	    "column count");
	const char *v = parquet_reader_kv_get(r, "uptake.test");
	ok &= tap_ok(v && strcmp(v, "value \xe2\x9c\x93") == 0, "%s: kv", what);
	for (size_t i = 0; i < NCOLS; i++) {
		const struct parquet_column_def *d = parquet_reader_column(r, i);
		if (strcmp(d->name, cols[i].name) != 0 || d->type != cols[i].type ||
		    d->required != cols[i].required)
			ok = false;
	}
	for (size_t g = 0; g < parquet_reader_row_group_count(r); g++) {
		struct parquet_column_data data[NCOLS];
		int64_t n = parquet_reader_row_group_rows(r, g);
		memset(data, 0, sizeof(data));
		for (size_t c = 0; c < NCOLS; c++)
			if (parquet_reader_read_column(r, g, c, &data[c]) < 0) {
				tap_diag("%s", parquet_reader_error(r));
				ok = false;
			}
		for (int64_t k = 0; ok && k < n; k++) {
			make_row(base + (uint64_t)k, want, buf, big, 100000);
			for (size_t c = 0; c < NCOLS; c++) {
				parquet_column_data_get(&data[c], (size_t)k,
				    &got);
				if (!value_eq(&want[c], &got, cols[c].type)) {
					tap_diag("row %lld col %s differs",
					    (long long)(base + (uint64_t)k),
					    cols[c].name);
					ok = false;
					break;
				}
			}
		}
		for (size_t c = 0; c < NCOLS; c++)
			parquet_column_data_fini(&data[c]);
		base += (uint64_t)n;
	}
	ok &= base == nrows;
	parquet_reader_free(r);
	free(big);
	return tap_ok(ok, "%s: every value equal", what);
}

static void
test_roundtrips(void)
{
	struct parquet_writer_options opt;
	char path[256];

	parquet_writer_options_default(&opt);
	snprintf(path, sizeof(path), "%s/a.parquet", tmpdir);
	tap_ok(write_file(path, 20000, &opt) == 0, "write 20000 rows");
	verify_file(path, 20000, "default options");

	opt.row_group_rows = 777;
	opt.page_bytes = 1000;
	tap_ok(write_file(path, 5000, &opt) == 0, "write small groups");
	verify_file(path, 5000, "small row groups and pages");

	opt.dict_max_bytes = 64; /* forces PLAIN fallback for 'unique' */
	opt.zstd_level = 0;
	tap_ok(write_file(path, 3001, &opt) == 0, "write uncompressed");
	verify_file(path, 3001, "uncompressed, dictionary fallback");

	parquet_writer_options_default(&opt);
	tap_ok(write_file(path, 0, &opt) == 0, "write 0 rows");
	verify_file(path, 0, "0 rows");
	tap_ok(write_file(path, 1, &opt) == 0, "write 1 row");
	verify_file(path, 1, "1 row");
}

/* What row i holds in a row group's memory by the rule of lib/parquet.h
 * (PARQUET_ROW_GROUP_BYTES): a byte per column, each value's width, a
 * string 12 bytes plus its own. */
static size_t
row_bytes(uint64_t i, char *big)
{
	struct schema_value row[NCOLS];
	char buf[64];
	size_t n = NCOLS;

	make_row(i, row, buf, big, 100000);
	for (size_t c = 0; c < NCOLS; c++) {
		if (!row[c].present)
			continue;
		switch (cols[c].type) {
		case SCHEMA_TYPE_STRING:
			n += 12 + row[c].u.str.len;
			break;
		case SCHEMA_TYPE_INT32:
			n += 4;
			break;
		case SCHEMA_TYPE_BOOLEAN:
			n += 1;
			break;
		default:
			n += 8;
			break;
		}
	}
	return n;
}

/* Row groups cut by the bytes they hold, not only by their rows. */
static void
test_row_group_bytes(void)
{
	struct parquet_writer_options opt;
	char path[256], err[512], *big = xmalloc(100000);
	const uint64_t nrows = 20000;
	const size_t limit = 256 * 1024;
	size_t want_groups = 0, acc = 0;
	int64_t want_rows[64];
	uint64_t start = 0;

	/* The groups the rule gives: a group ends at the row that brings
	 * it to the limit. */
	for (uint64_t i = 0; i < nrows; i++) {
		acc += row_bytes(i, big);
		if (acc >= limit || i + 1 == nrows) {
			if (want_groups < 64)
				want_rows[want_groups] = (int64_t)(i + 1 - start);
			want_groups++;
			start = i + 1;
			acc = 0;
		}
	}
	parquet_writer_options_default(&opt);
	opt.row_group_bytes = limit;
	snprintf(path, sizeof(path), "%s/bytes.parquet", tmpdir);
	tap_ok(write_file(path, nrows, &opt) == 0, "write with 256 KiB row groups");
	verify_file(path, nrows, "row groups cut by bytes");
	struct parquet_reader *r = parquet_reader_open(path, err, sizeof(err));
	if (tap_ok(r != NULL, "bytes.parquet: open")) {
		bool same = parquet_reader_row_group_count(r) == want_groups &&
		    want_groups <= 64;
		for (size_t g = 0; same && g < want_groups; g++)
			same = parquet_reader_row_group_rows(r, g) == want_rows[g];
		tap_ok(same, "row groups as the byte rule cuts them (%zu groups, "
		    "the file has %zu)", want_groups,
		    parquet_reader_row_group_count(r));
		parquet_reader_free(r);
	} else
		tap_diag("%s", err);
	/* The same rows with the default bound: one group of 20,000. */
	parquet_writer_options_default(&opt);
	opt.row_group_rows = 1u << 20;
	tap_ok(write_file(path, nrows, &opt) == 0, "write with the default bound");
	r = parquet_reader_open(path, err, sizeof(err));
	if (tap_ok(r != NULL, "bytes.parquet again: open")) {
		tap_eq_i64((int64_t)parquet_reader_row_group_count(r), 1,
		    "the default bound leaves 20,000 small rows in one group");
		parquet_reader_free(r);
	}
	free(big);
}

static void
test_rle(void)
{
	uint32_t in[3000], out[3000];
	struct pq_buf b = { 0 };
	const char *err = NULL;
	bool ok = true;

	for (int w = 0; w <= 32; w++) {
		uint64_t mask = w == 32 ? 0xffffffffu : ((1ull << w) - 1);
		for (size_t i = 0; i < 3000; i++) {
			uint32_t v = (uint32_t)((i * 2654435761u) >> 7);
			if ((i / 50) % 2)
				v = 5; /* long runs */
			in[i] = (uint32_t)(v & mask);
		}
		for (size_t n = 0; n < 3000; n += 97) {
			b.len = 0;
			pq_rle_encode(&b, in, n, w);
			long used = pq_rle_decode(b.p, b.len, w, out, n, &err);
			if (used < 0 || (size_t)used != b.len ||
			    memcmp(in, out, n * 4) != 0) {
				tap_diag("width %d n %zu: %s", w, n,
				    err ? err : "mismatch");
				ok = false;
			}
		}
	}
	tap_ok(ok, "RLE hybrid round trip, widths 0..32");
	b.len = 0;
	pq_rle_encode(&b, in, 100, 3);
	tap_ok(pq_rle_decode(b.p, b.len - 1, 3, out, 100, &err) < 0,
	    "truncated hybrid rejected");
	uint8_t bad[] = { 0x02, 0x09 }; /* RLE run of 1, value 9 at width 3 */
	tap_ok(pq_rle_decode(bad, 2, 3, out, 1, &err) < 0,
	    "RLE value wider than width rejected");
	pq_buf_free(&b);
}

static void
test_thrift(void)
{
	struct thrift_writer w;
	struct thrift_reader r;
	int16_t fid;
	enum thrift_type t;
	int64_t v = 0;
	const uint8_t *p;
	uint32_t n;

	thrift_writer_init(&w);
	thrift_writer_struct_begin(&w);
	thrift_writer_field_i64(&w, 1, -123456789012345LL);
	thrift_writer_field_string(&w, 40, "far field");
	thrift_writer_field_bool(&w, 41, true);
	thrift_writer_struct_end(&w);
	thrift_reader_init(&r, w.buf, w.len);
	tap_ok(thrift_reader_struct_begin(&r) == 0, "thrift struct");
	tap_ok(thrift_reader_field_next(&r, &fid, &t) == 1 && fid == 1 &&
	    thrift_reader_i64(&r, t, &v) == 0 && v == -123456789012345LL,
	    "thrift i64");
	tap_ok(thrift_reader_field_next(&r, &fid, &t) == 1 && fid == 40 &&
	    thrift_reader_binary(&r, &p, &n) == 0 && n == 9 &&
	    memcmp(p, "far field", 9) == 0, "thrift long field delta");
	tap_ok(thrift_reader_field_next(&r, &fid, &t) == 1 && fid == 41 &&
	    thrift_type_bool(t) == 1, "thrift bool");
	tap_ok(thrift_reader_field_next(&r, &fid, &t) == 0, "thrift stop");
	/* Truncations never read past the end. */
	bool ok = true;
	for (size_t len = 0; len < w.len; len++) {
		thrift_reader_init(&r, w.buf, len);
		thrift_reader_struct_begin(&r);
		int rc;
		while ((rc = thrift_reader_field_next(&r, &fid, &t)) == 1)
			if (thrift_reader_skip(&r, t) < 0)
				break;
		if (rc == 0 || r.error == NULL)
			ok = false;
	}
	tap_ok(ok, "thrift truncations all fail cleanly");
	/* Deep nesting is refused. */
	uint8_t deep[200];
	memset(deep, 0x1c, sizeof(deep)); /* field +1, struct, repeated */
	thrift_reader_init(&r, deep, sizeof(deep));
	thrift_reader_struct_begin(&r);
	tap_ok(thrift_reader_field_next(&r, &fid, &t) == 1 &&
	    thrift_reader_skip(&r, t) < 0, "thrift nesting bounded");
	thrift_writer_fini(&w);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = xmalloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Open and read everything; returns 0 when all decoded. */
static int
read_all_mem(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct parquet_reader *r = parquet_reader_open_mem(buf, len,
	    "corrupt.parquet", err, errlen);
	int rc = 0;

	if (r == NULL)
		return -1;
	parquet_reader_set_decode_limit(r, 64u << 20);
	for (size_t g = 0; g < parquet_reader_row_group_count(r) && !rc; g++)
		for (size_t c = 0; c < parquet_reader_column_count(r); c++) {
			struct parquet_column_data d = { 0 };
			if (parquet_reader_read_column(r, g, c, &d) < 0) {
				snprintf(err, errlen, "%s",
				    parquet_reader_error(r));
				rc = -1;
				break;
			}
			parquet_column_data_fini(&d);
		}
	parquet_reader_free(r);
	return rc;
}

static void
test_corrupt(void)
{
	struct parquet_writer_options opt;
	char path[256], err[512];
	size_t len = 0;
	uint8_t *orig, *buf;
	bool named = true;
	int fails = 0;

	parquet_writer_options_default(&opt);
	opt.row_group_rows = 300;
	opt.page_bytes = 512;
	snprintf(path, sizeof(path), "%s/c.parquet", tmpdir);
	write_file(path, 1000, &opt);
	orig = slurp(path, &len);
	buf = xmalloc(len);
	tap_ok(read_all_mem(orig, len, err, sizeof(err)) == 0,
	    "intact file reads");

	/* Every truncation fails with a message naming the file. */
	for (size_t n = 0; n < len; n += (n < 64 || n > len - 64) ? 1 : 37) {
		if (read_all_mem(orig, n, err, sizeof(err)) == 0) {
			tap_diag("truncated to %zu bytes read fine", n);
			fails++;
		} else if (strncmp(err, "corrupt.parquet: ", 17) != 0)
			named = false;
	}
	tap_ok(fails == 0, "truncated files are rejected");
	tap_ok(named, "errors name the file");

	/* Single-byte damage anywhere: no crash; most damage detected. */
	unsigned seed = 12345;
	int detected = 0, tries = 3000;
	for (int i = 0; i < tries; i++) {
		memcpy(buf, orig, len);
		seed = seed * 1103515245u + 12345u;
		size_t at = (seed >> 8) % len;
		buf[at] ^= (uint8_t)(1u << ((seed >> 3) % 8));
		if (read_all_mem(buf, len, err, sizeof(err)) < 0)
			detected++;
	}
	tap_ok(1, "%d single-bit flips: no crash, %d detected", tries,
	    detected);

	/* Specific damage with specific messages. */
	memcpy(buf, orig, len);
	buf[0] = 'X';
	tap_ok(read_all_mem(buf, len, err, sizeof(err)) < 0 &&
	    strstr(err, "magic") != NULL, "bad head magic: %s", err);
	memcpy(buf, orig, len);
	buf[len - 8] = 0xff;
	buf[len - 7] = 0xff;
	tap_ok(read_all_mem(buf, len, err, sizeof(err)) < 0 &&
	    strstr(err, "footer length") != NULL, "bad footer length: %s", err);
	tap_ok(read_all_mem(orig, len - 1, err, sizeof(err)) < 0 &&
	    strstr(err, "truncated") != NULL, "truncated tail: %s", err);

	/* The file on disk: error names the path. */
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (write(fd, orig, len / 2) < 0)
		tap_diag("write failed");
	close(fd);
	struct parquet_reader *r = parquet_reader_open(path, err, sizeof(err));
	tap_ok(r == NULL && strncmp(err, path, strlen(path)) == 0,
	    "truncated file on disk: %s", err);
	parquet_reader_free(r);
	free(orig);
	free(buf);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	test_rle();
	test_thrift();
	test_roundtrips();
	test_row_group_bytes();
	test_corrupt();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
	return tap_done();
}
