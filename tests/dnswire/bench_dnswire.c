/*
 * bench_dnswire.c - the CPU work of reading a reply: ldns_wire2pkt (and
 * ldns_pkt_free) against dnswire_parse and a walk of every RR, over the
 * replies of every capture in tests/replay.  Meant for callgrind, whose
 * instruction counts are exact on a loaded machine (docs/performance.md,
 * "DNS replies read in place"):
 *
 *   valgrind --tool=callgrind bench_dnswire REPLAY_DIR MODE ROUNDS
 *
 * MODE: none (load the captures only), ldns, walker (parse and iterate),
 * walker-read (also decompress every owner and expand every rdata).
 * Instructions per reply = (Ir(MODE) - Ir(none)) / (ROUNDS * replies).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnswire.h"
#include "replay.h"
#include "util.h"

/* Room for one RR's rdata with its names decompressed. */
#define BENCH_RDATA (65535 * 128)

struct reply {
	uint8_t *w;
	size_t len;
};

int
main(int argc, char **argv)
{
	struct reply *r = NULL;
	size_t n = 0, cap = 0, i, k, rounds, rrs = 0;
	const char *mode;
	DIR *d;
	struct dirent *de;
	static uint8_t out[BENCH_RDATA];

	if (argc != 4) {
		fprintf(stderr, "usage: bench_dnswire REPLAY_DIR "
		    "none|ldns|walker|walker-read ROUNDS\n");
		return 2;
	}
	mode = argv[2];
	rounds = strtoul(argv[3], NULL, 10);
	d = opendir(argv[1]);
	if (d == NULL) {
		fprintf(stderr, "bench_dnswire: %s: cannot open\n", argv[1]);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char path[4096], err[512];
		struct replay_file *f;

		if (l < 5 || strcmp(de->d_name + l - 4, ".rpl") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		f = replay_file_read(path, true, err, sizeof(err));
		if (f == NULL) {
			fprintf(stderr, "bench_dnswire: %s\n", err);
			return 1;
		}
		for (i = 0; i < f->n; i++) {
			bool ok;
			const ldns_pkt *p = replay_entry_reply(&f->e[i], &ok,
			    err, sizeof(err));
			uint8_t *w = NULL;
			size_t len = 0;

			if (p == NULL || ldns_pkt2wire(&w, p, &len) !=
			    LDNS_STATUS_OK)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				r = xreallocarray(r, cap, sizeof(*r));
			}
			r[n].w = w;
			r[n].len = len;
			n++;
		}
		replay_file_free(f);
	}
	closedir(d);
	for (k = 0; k < rounds; k++)
		for (i = 0; i < n; i++) {
			if (strcmp(mode, "ldns") == 0) {
				ldns_pkt *p = NULL;

				if (ldns_wire2pkt(&p, r[i].w, r[i].len) ==
				    LDNS_STATUS_OK)
					rrs += ldns_pkt_ancount(p);
				ldns_pkt_free(p);
			} else if (strncmp(mode, "walker", 6) == 0) {
				struct dnswire_msg m;
				struct dnswire_iter it;
				struct dnswire_rr rr;
				uint8_t name[DNSWIRE_MAX_NAME];
				size_t nl;

				if (dnswire_parse(&m, r[i].w, r[i].len) !=
				    DNSWIRE_OK)
					continue;
				dnswire_iter_init(&m, &it);
				while (dnswire_rr_next(&m, &it, &rr)) {
					rrs++;
					if (mode[6] == '\0')
						continue;
					(void)dnswire_name_read(r[i].w,
					    r[i].len, rr.owner, r[i].len,
					    name, &nl, NULL);
					if (rr.rdlen > 0)
						(void)dnswire_rdata_expand(&m,
						    &rr, out, sizeof(out));
				}
			}
		}
	printf("%zu replies, %zu rounds, %zu RRs seen\n", n, rounds, rrs);
	for (i = 0; i < n; i++)
		free(r[i].w);
	free(r);
	return 0;
}
