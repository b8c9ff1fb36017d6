/*
 * tlsscan_probe.c - one TLS policy scan handshake from the command line,
 * for tests/tlspolicy/tlsscan.py: tlsscan_probe ADDR PORT VERSION
 * [CIPHERS], VERSION one of 1.0 1.1 1.2 1.3.  Prints one line:
 * "STATUS VERSION SUITE DH_BITS WHY" (tlsscan.h), "-" for an empty field,
 * and the elapsed milliseconds on a second line.  Exit 0, or 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "netaddr.h"
#include "tlsscan.h"

static void
done_cb(const struct tlsscan_result *r, void *arg)
{
	struct loop *l = arg;
	const char *v = r->version == TLS1_VERSION ? "TLSv1" :
	    r->version == TLS1_1_VERSION ? "TLSv1.1" :
	    r->version == TLS1_2_VERSION ? "TLSv1.2" :
	    r->version == TLS1_3_VERSION ? "TLSv1.3" : "-";

	printf("%s %s %s %d %s\n", tlsscan_status_str(r->status),
	    r->status == TLSSCAN_ACCEPTED ? v : "-",
	    r->suite[0] ? r->suite : "-", r->dh_bits,
	    r->why[0] ? r->why : "-");
	loop_break(l);
}

int
main(int argc, char **argv)
{
	struct netaddr a;
	char err[256];
	struct loop *l;
	SSL_CTX *ctx;
	struct tlsscan *s;
	int version;
	uint64_t t0;

	if (argc < 4 || netaddr_parse(argv[1], strlen(argv[1]), &a) != 0) {
		fprintf(stderr, "usage: tlsscan_probe ADDR PORT VERSION "
		    "[CIPHERS]\n");
		return 2;
	}
	version = strcmp(argv[3], "1.0") == 0 ? TLS1_VERSION :
	    strcmp(argv[3], "1.1") == 0 ? TLS1_1_VERSION :
	    strcmp(argv[3], "1.2") == 0 ? TLS1_2_VERSION :
	    strcmp(argv[3], "1.3") == 0 ? TLS1_3_VERSION : 0;
	if (version == 0) {
		fprintf(stderr, "tlsscan_probe: unknown version %s\n", argv[3]);
		return 2;
	}
	l = loop_new(err, sizeof(err));
	ctx = l != NULL ? tlsscan_ctx_new(err, sizeof(err)) : NULL;
	if (ctx == NULL) {
		fprintf(stderr, "tlsscan_probe: %s\n", err);
		return 2;
	}
	t0 = loop_now_us(l);
	s = tlsscan_start(l, ctx, &a, (uint16_t)atoi(argv[2]), "scan.test",
	    version, argc > 4 ? argv[4] : NULL, done_cb, l);
	loop_run(l);
	printf("%llu\n", (unsigned long long)((loop_now_us(l) - t0) / 1000));
	tlsscan_free(s);
	tlsscan_ctx_free(ctx);
	loop_free(l);
	return 0;
}
