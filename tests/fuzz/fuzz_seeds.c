/*
 * fuzz_seeds.c - seeds for the reader fuzzer: every type, nulls,
 * dictionary and PLAIN pages, compressed and not, several row groups;
 * kept small so mutations hit headers and footers often.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_seeds.h"
#include "parquet.h"
#include "util.h"

static const struct parquet_column_def cols[] = {
	{ "id", SCHEMA_TYPE_INT64, true },
	{ "n", SCHEMA_TYPE_INT32, false },
	{ "b", SCHEMA_TYPE_BOOLEAN, false },
	{ "s", SCHEMA_TYPE_STRING, false },
	{ "t", SCHEMA_TYPE_TIMESTAMP_US, false },
};

static int
make_one(const char *path, unsigned rows, int level, size_t dict_max,
    uint32_t rg)
{
	static const char *const words[] = { "ok", "", "nxdomain", "caf\xc3\xa9" };
	struct parquet_writer_options o;
	struct schema_value row[5];
	char buf[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	parquet_writer_options_default(&o);
	o.zstd_level = level;
	o.dict_max_bytes = dict_max;
	o.row_group_rows = rg;
	o.page_bytes = 64;
	struct parquet_writer *w = parquet_writer_new(fd, path, cols, 5, &o);
	parquet_writer_kv_set(w, "k", "v");
	for (unsigned i = 0; i < rows; i++) {
		memset(row, 0, sizeof(row));
		row[0].present = true;
		row[0].u.i64 = i;
		row[1].present = i % 3;
		row[1].u.i32 = (int32_t)(i * 77) - 50;
		row[2].present = i % 4;
		row[2].u.b = i & 1;
		row[3].present = i % 5;
		if (dict_max < 100) {
			int n = snprintf(buf, sizeof(buf), "u%u", i);
			row[3].u.str.ptr = buf;
			row[3].u.str.len = (size_t)n;
		} else {
			row[3].u.str.ptr = words[i % 4];
			row[3].u.str.len = strlen(words[i % 4]);
		}
		row[4].present = i % 6;
		row[4].u.i64 = 1700000000000000LL + i;
		if (parquet_writer_append(w, row) < 0)
			break;
	}
	int rc = parquet_writer_close(w);
	parquet_writer_free(w);
	close(fd);
	return rc;
}

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	static const struct {
		unsigned rows;
		int level;
		size_t dict_max;
		uint32_t rg;
	} specs[] = {
		{ 40, 0, 1 << 20, 16 },
		{ 40, 3, 1 << 20, 16 },
		{ 30, 0, 16, 100 },
		{ 30, 1, 16, 7 },
		{ 0, 3, 1 << 20, 10 },
		{ 1, 0, 1 << 20, 10 },
	};
	size_t n = sizeof(specs) / sizeof(specs[0]), got = 0;
	char path[] = "/tmp/fuzz_seed.XXXXXX";
	int fd = mkstemp(path);

	*out = xcalloc(n, sizeof(**out));
	if (fd < 0)
		return 0;
	close(fd);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (make_one(path, specs[i].rows, specs[i].level,
		    specs[i].dict_max, specs[i].rg) < 0 || stat(path, &st) < 0)
			continue;
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			continue;
		(*out)[got].data = xmalloc((size_t)st.st_size);
		(*out)[got].len = fread((*out)[got].data, 1,
		    (size_t)st.st_size, f);
		fclose(f);
		got++;
	}
	unlink(path);
	return got;
}
