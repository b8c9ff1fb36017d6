/*
 * fuzz_driver.c - run the reader fuzz target without libFuzzer (gcc
 * builds): replay the seeds, then random mutations of them for a bounded
 * time, deterministic for a given seed.
 *
 *   fuzz_parquet_read [SECONDS [SEED]]      default 20 s, seed from time
 *
 * Build with -Db_sanitize=address,undefined to catch memory errors; in a
 * clang build tests/meson.build uses libFuzzer itself instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_seeds.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A position, half the time within the last 256 bytes (the footer). */
static size_t
pos(size_t len)
{
	if (len == 0)
		return 0;
	if (next() & 1 && len > 256)
		return len - 1 - next() % 256;
	return next() % len;
}

static size_t
mutate(uint8_t *b, size_t len, size_t cap)
{
	static const uint32_t interesting[] = { 0, 1, 0x7f, 0x80, 0xff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x10000, 15, 16 };
	int n = 1 + (int)(next() % 6);

	for (int k = 0; k < n && len > 0; k++) {
		size_t at = pos(len);
		switch (next() % 7) {
		case 0:
			b[at] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1:
			b[at] = (uint8_t)next();
			break;
		case 2: {
			uint32_t v = interesting[next() %
			    (sizeof(interesting) / sizeof(interesting[0]))];
			size_t w = 1 + next() % 4;
			for (size_t i = 0; i < w && at + i < len; i++)
				b[at + i] = (uint8_t)(v >> (8 * i));
			break;
		}
		case 3: /* truncate */
			len = at;
			break;
		case 4: { /* copy a block over another */
			size_t from = pos(len), m = 1 + next() % 32;
			if (from + m <= len && at + m <= len)
				memmove(b + at, b + from, m);
			break;
		}
		case 5: /* insert a byte */
			if (len < cap) {
				memmove(b + at + 1, b + at, len - at);
				b[at] = (uint8_t)next();
				len++;
			}
			break;
		case 6: /* delete a byte */
			memmove(b + at, b + at + 1, len - at - 1);
			len--;
			break;
		}
	}
	return len;
}

int
main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 20;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) :
	    (uint64_t)time(NULL);
	struct fuzz_seed *seeds;
	size_t nseeds = fuzz_seeds_make(&seeds), maxlen = 0;
	unsigned long execs = 0;

	if (nseeds == 0) {
		fprintf(stderr, "fuzz: no seeds\n");
		return 1;
	}
	rng = seed ? seed : 1;
	printf("# fuzz seed %llu, %zu seeds, %.0f s\n",
	    (unsigned long long)seed, nseeds, seconds);
	for (size_t i = 0; i < nseeds; i++) {
		LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].len);
		if (seeds[i].len > maxlen)
			maxlen = seeds[i].len;
	}
	size_t cap = maxlen + 64;
	uint8_t *buf = xmalloc(cap);
	uint64_t start = now_monotonic_us();
	while ((double)(now_monotonic_us() - start) < seconds * 1e6) {
		for (int i = 0; i < 64; i++) {
			const struct fuzz_seed *s = &seeds[next() % nseeds];
			memcpy(buf, s->data, s->len);
			size_t len = mutate(buf, s->len, cap);
			/* An exact-size copy lets ASan see overreads. */
			uint8_t *in = xmalloc(len ? len : 1);
			memcpy(in, buf, len);
			LLVMFuzzerTestOneInput(in, len);
			free(in);
			execs++;
		}
	}
	printf("1..1\nok 1 - %lu mutated inputs in %.1f s, no crash\n", execs,
	    (double)(now_monotonic_us() - start) / 1e6);
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i].data);
	free(seeds);
	free(buf);
	return 0;
}
