/*
 * seeds_main.c - write the fuzz seeds into a directory (libFuzzer corpus).
 *   fuzz_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz_seeds.h"

int
main(int argc, char **argv)
{
	struct fuzz_seed *s;
	size_t n;
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	mkdir(argv[1], 0777);
	n = fuzz_seeds_make(&s);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/seed-%zu.parquet", argv[1], i);
		FILE *f = fopen(path, "wb");
		if (f == NULL || fwrite(s[i].data, 1, s[i].len, f) != s[i].len) {
			perror(path);
			return 1;
		}
		fclose(f);
		free(s[i].data);
	}
	free(s);
	return n ? 0 : 1;
}
