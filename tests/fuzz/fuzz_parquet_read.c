/*
 * fuzz_parquet_read.c - libFuzzer target for the Parquet reader: open a
 * buffer, read every column of every row group.  Any crash, leak, hang or
 * sanitizer report is a bug; rejected input is the expected outcome.
 */
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "parquet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct parquet_reader *r;

	log_set_level(LOG_LEVEL_ERR);
	r = parquet_reader_open_mem(data, size, "fuzz", err, sizeof(err));
	if (r == NULL)
		return 0;
	/* Keep each input cheap: hostile pages may claim huge sizes. */
	parquet_reader_set_decode_limit(r, 64u << 20);
	for (size_t i = 0; i < parquet_reader_kv_count(r); i++) {
		const char *k, *v;
		parquet_reader_kv(r, i, &k, &v);
	}
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
	return 0;
}
