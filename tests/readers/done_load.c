/*
 * done_load.c - the resume's read of a snapshot directory
 * (snapshot_done_load), for tests/readers/bomb_test.py: prints the number
 * of input_index values, or the error on stderr and exits 1.
 *
 *   done_load DIR
 */
#include <stdio.h>

#include "snapshot.h"

int
main(int argc, char **argv)
{
	struct snapshot_done *d;
	char err[1024];

	if (argc != 2) {
		fprintf(stderr, "usage: done_load DIR\n");
		return 2;
	}
	if (snapshot_done_load(argv[1], &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "done_load: %s\n", err);
		return 1;
	}
	printf("%llu\n", (unsigned long long)snapshot_done_count(d));
	snapshot_done_free(d);
	return 0;
}
