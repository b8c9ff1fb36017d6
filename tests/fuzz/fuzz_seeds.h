/*
 * fuzz_seeds.h - small Parquet files made by our writer, the seed corpus
 * of the reader fuzz target.
 */
#ifndef UPTAKE_TESTS_FUZZ_FUZZ_SEEDS_H
#define UPTAKE_TESTS_FUZZ_FUZZ_SEEDS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_seed {
	uint8_t *data;
	size_t len;
};

/* Make the seeds (in a temporary file, read back); caller frees each. */
size_t fuzz_seeds_make(struct fuzz_seed **out);

#endif
