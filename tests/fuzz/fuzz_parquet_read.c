/*
 * fuzz_parquet_read.c - libFuzzer target for the Parquet reader: open a
 * buffer, stream every column of every row group the way the tools do
 * (all columns of a row group open at once, one page each), then decode
 * each chunk whole.  It runs at the production limits (no smaller decode
 * limit) under a memory cap of its own: the peak RSS after an input must
 * stay under FUZZ_RSS_CAP_MB whatever sizes the input claims.  Any crash,
 * leak, hang, sanitizer report or cap overrun is a bug; rejected input is
 * the expected outcome.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "log.h"
#include "parquet.h"
#include "util.h"

/*
 * Peak RSS allowed: a few pages at PARQUET_MAX_PAGE_BYTES plus the
 * process, with room for the sanitizers' shadow memory and the fuzzer's
 * own corpus.  A page that declares 512 MiB must never get near it.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_RSS_CAP_MB 1024
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_RSS_CAP_MB 1024
#endif
#endif
#ifndef FUZZ_RSS_CAP_MB
#define FUZZ_RSS_CAP_MB 256
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
stream_all(struct parquet_reader *r)
{
	size_t nc = parquet_reader_column_count(r);
	struct parquet_column_reader **cr = xcalloc(nc ? nc : 1, sizeof(*cr));

	for (size_t g = 0; g < parquet_reader_row_group_count(r); g++) {
		for (size_t c = 0; c < nc; c++)
			cr[c] = parquet_column_reader_new(r, g, c);
		bool more = true;
		while (more) {
			more = false;
			for (size_t c = 0; c < nc; c++) {
				struct parquet_column_data d;
				struct schema_value v;
				if (cr[c] == NULL)
					continue;
				int n = parquet_column_reader_next(cr[c], 1000,
				    &d);
				if (n <= 0) {
					parquet_column_reader_free(cr[c]);
					cr[c] = NULL;
					continue;
				}
				for (size_t k = 0; k < d.nrows; k++)
					parquet_column_data_get(&d, k, &v);
				more = true;
			}
		}
	}
	free(cr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct parquet_reader *r;
	struct rusage ru;

	log_set_level(LOG_LEVEL_ERR);
	r = parquet_reader_open_mem(data, size, "fuzz", err, sizeof(err));
	if (r == NULL)
		return 0;
	for (size_t i = 0; i < parquet_reader_kv_count(r); i++) {
		const char *k, *v;
		parquet_reader_kv(r, i, &k, &v);
	}
	stream_all(r);
	for (size_t g = 0; g < parquet_reader_row_group_count(r); g++)
		for (size_t c = 0; c < parquet_reader_column_count(r); c++) {
			struct parquet_column_data d = { 0 };
			struct schema_value v;
			if (parquet_reader_read_column(r, g, c, &d) == 0)
				for (size_t k = 0; k < d.nrows; k++)
					parquet_column_data_get(&d, k, &v);
			parquet_column_data_fini(&d);
		}
	parquet_reader_free(r);
	if (getrusage(RUSAGE_SELF, &ru) == 0 &&
	    ru.ru_maxrss / 1024 > FUZZ_RSS_CAP_MB) {
		fprintf(stderr, "fuzz_parquet_read: peak RSS %ld MiB is above the cap of %d MiB\n",
		    ru.ru_maxrss / 1024, FUZZ_RSS_CAP_MB);
		abort();
	}
	return 0;
}
