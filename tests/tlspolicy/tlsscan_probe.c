/*
 * tlsscan_probe.c - one TLS policy scan handshake from the command line,
 * for tests/tlspolicy/tlsscan.py: tlsscan_probe ADDR PORT VERSION
 * [CIPHERS], VERSION one of 1.0 1.1 1.2 1.3.  Prints one line:
 * "STATUS VERSION SUITE DH_BITS WHY" (tlsscan.h), "-" for an empty field,
 * and the elapsed milliseconds on a second line.  Exit 0, or 2 on usage.
 * tlsscan_probe ADDR PORT policy [KNOWN]: the whole scan (tlspolscan.h),
 * KNOWN the version the web stage negotiated (1.0 .. 1.3); prints
 * "key=value" lines (null for not measured), then the milliseconds.
 * tlsscan_probe ADDR PORT cache MAX NAME...: every NAME looked up at once
 * in one crawl-wide cache of MAX keys (tlspolcache.h), a lookup of the
 * first NAME cancelled at once, then the first NAME again once all are
 * answered; prints "answer NAME VERSIONS HANDSHAKES" per answer and the
 * cache's counters.
 * tlsscan_probe ADDR PORT hello CLASS: the hand-written ClientHello
 * (tlshello.h) of TLS 1.2 offering CLASS's suites (3des, rc4, export, or
 * aes: TLS_RSA_WITH_AES_128_CBC_SHA and TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
 * which OpenSSL servers have; deflate: the compression step's hello, the
 * ordinary suites with compression DEFLATE and null), blocking with a 5 s
 * receive timeout (a test tool); prints "serverhello VERSION SUITE
 * COMPRESSION", "alert N", "garbage" or "closed".
 */
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "netaddr.h"
#include "tlshello.h"
#include "tlspolcache.h"
#include "tlspolscan.h"
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

static const char *
nul(const char *s)
{
	return s != NULL ? s : "null";
}

static void
policy_cb(const struct tlspol_result *r, void *arg)
{
	struct loop *l = arg;
	char v[TLSPOL_SET_STR_MAX], w[TLSPOL_SET_STR_MAX];
	char m[TLSPOL_SET_STR_MAX];
	int kw = tlspol_kex_weak(r->f.dh_bits, r->f.static_rsa);

	if (r->f.versions >= 0)
		tlspol_versions_str((unsigned)r->f.versions, v, sizeof(v));
	if (r->f.weak >= 0)
		tlspol_weak_str((unsigned)r->f.weak, w, sizeof(w));
	tlspol_weak_str(r->weak_measured, m, sizeof(m));
	printf("versions=%s\n", r->f.versions >= 0 ? v : "null");
	printf("min_version=%s\n", r->f.versions >= 0 ?
	    nul(tlspol_min_version_str((unsigned)r->f.versions)) : "null");
	printf("weak=%s\n", r->f.weak >= 0 ? w : "null");
	printf("weak_measured=%s\n", m);
	printf("dh_bits=%d\n", r->f.dh_bits);
	printf("static_rsa=%d\n", r->f.static_rsa);
	printf("kex_weak=%d\n", kw);
	printf("ncsc=%s\n", nul(tlspol_ncsc_str(tlspol_result_class(r))));
	printf("server_order=%d\n", r->server_order);
	printf("secure_reneg=%d\n", r->secure_reneg);
	printf("client_reneg=%d\n", r->f.client_reneg);
	printf("reneg_why=%s\n", r->reneg_why[0] ? r->reneg_why : "-");
	printf("compression=%s\n", r->compression < 0 ? "null" :
	    r->compression ? "1" : "0");
	printf("handshakes=%u\n", r->handshakes);
	printf("why=%s\n", r->ended_early ? r->why : "-");
	loop_break(l);
}

/* The cache mode's state. */
struct cache_run {
	struct loop *loop;
	struct tlspol_cache *cache;
	struct netaddr addr;
	uint16_t port;
	char **names;
	int nnames;
	int pending;
	bool again;
};

static void cache_answer(const struct tlspol_result *r, void *arg);

struct cache_ask {
	struct cache_run *run;
	const char *name;
};

static void
cache_ask(struct cache_run *run, const char *name)
{
	struct cache_ask *a = calloc(1, sizeof(*a));

	a->run = run;
	a->name = name;
	run->pending++;
	if (tlspol_cache_lookup(run->cache, &run->addr, run->port, name, 0,
	    cache_answer, a) == NULL) {
		printf("refused %s\n", name);
		run->pending--;
		free(a);
	}
}

static void
cache_answer(const struct tlspol_result *r, void *arg)
{
	struct cache_ask *a = arg;
	struct cache_run *run = a->run;
	char v[TLSPOL_SET_STR_MAX];

	if (r->f.versions >= 0)
		tlspol_versions_str((unsigned)r->f.versions, v, sizeof(v));
	printf("answer %s %s %u\n", a->name, r->f.versions >= 0 ? v : "null",
	    r->handshakes);
	free(a);
	if (--run->pending > 0)
		return;
	if (!run->again) {
		run->again = true;
		cache_ask(run, run->names[0]);
		return;
	}
	loop_break(run->loop);
}

static int
cache_mode(struct loop *l, SSL_CTX *ctx, const struct netaddr *addr,
	uint16_t port, int argc, char **argv)
{
	struct cache_run run = { 0 };
	struct tlspol_cache_stats st;
	struct tlspol_wait *w;
	int i;

	run.loop = l;
	run.cache = tlspol_cache_new(l, ctx, (size_t)atoi(argv[0]));
	run.addr = *addr;
	run.port = port;
	run.names = argv + 1;
	run.nnames = argc - 1;
	for (i = 0; i < run.nnames; i++)
		cache_ask(&run, run.names[i]);
	/* A waiter cancelled at once: no answer, the others untouched. */
	w = tlspol_cache_lookup(run.cache, addr, port, run.names[0], 0,
	    cache_answer, NULL);
	tlspol_cache_cancel(w);
	loop_run(l);
	tlspol_cache_stats(run.cache, &st);
	printf("lookups=%llu scans=%llu joined=%llu cached=%llu "
	    "uncached=%llu entries=%llu\n", (unsigned long long)st.lookups,
	    (unsigned long long)st.scans, (unsigned long long)st.joined,
	    (unsigned long long)st.cached, (unsigned long long)st.uncached,
	    (unsigned long long)st.entries);
	tlspol_cache_free(run.cache);
	return 0;
}

static int
hello_mode(const struct netaddr *a, uint16_t port, const char *cls)
{
	static const uint16_t aes[] = { 0x002f, 0xc013 };
	const uint16_t *suites = aes;
	size_t n = 2, len, got = 0;
	uint8_t hello[TLSHELLO_MAX_HELLO], rnd[32], in[1024];
	struct sockaddr_storage ss;
	struct timeval tv = { 5, 0 };
	size_t sl = netaddr_to_sockaddr(a, port, &ss);
	int fd, i;

	if (strcmp(cls, "3des") == 0) {
		suites = tlshello_3des;
		n = tlshello_n3des;
	} else if (strcmp(cls, "rc4") == 0) {
		suites = tlshello_rc4;
		n = tlshello_nrc4;
	} else if (strcmp(cls, "export") == 0) {
		suites = tlshello_export;
		n = tlshello_nexport;
	} else if (strcmp(cls, "deflate") == 0) {
		suites = tlshello_ordinary;
		n = tlshello_nordinary;
	}
	for (i = 0; i < 32; i++)
		rnd[i] = (uint8_t)(i * 7 + 1);
	len = (strcmp(cls, "deflate") == 0 ? tlshello_build_deflate :
	    tlshello_build)(hello, sizeof(hello), 0x0303, rnd, "scan.test",
	    suites, n);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, (socklen_t)sl) != 0 ||
	    write(fd, hello, len) != (ssize_t)len) {
		printf("error\n");
		return 0;
	}
	for (;;) {
		uint16_t v = 0, suite = 0;
		uint8_t comp = 0, alert = 0;
		ssize_t r;

		switch (tlshello_parse(in, got, &v, &suite, &comp, &alert)) {
		case TLSHELLO_SERVER_HELLO:
			printf("serverhello 0x%04x 0x%04x %u\n", v, suite,
			    comp);
			goto out;
		case TLSHELLO_ALERT:
			printf("alert %u\n", alert);
			goto out;
		case TLSHELLO_GARBAGE:
			printf("garbage\n");
			goto out;
		case TLSHELLO_MORE:
			break;
		}
		r = read(fd, in + got, sizeof(in) - got);
		if (r <= 0) {
			printf("closed\n");
			goto out;
		}
		got += (size_t)r;
	}
out:
	close(fd);
	return 0;
}

static int
version_of(const char *s)
{
	return strcmp(s, "1.0") == 0 ? TLS1_VERSION :
	    strcmp(s, "1.1") == 0 ? TLS1_1_VERSION :
	    strcmp(s, "1.2") == 0 ? TLS1_2_VERSION :
	    strcmp(s, "1.3") == 0 ? TLS1_3_VERSION : 0;
}

int
main(int argc, char **argv)
{
	struct netaddr a;
	char err[256];
	struct loop *l;
	SSL_CTX *ctx;
	struct tlsscan *s = NULL;
	struct tlspol_scan *ps = NULL;
	int version;
	bool policy;
	uint64_t t0;

	if (argc < 4 || netaddr_parse(argv[1], strlen(argv[1]), &a) != 0) {
		fprintf(stderr, "usage: tlsscan_probe ADDR PORT VERSION "
		    "[CIPHERS]\n");
		return 2;
	}
	policy = strcmp(argv[3], "policy") == 0;
	version = policy ? 0 : version_of(argv[3]);
	if (!policy && version == 0 && strcmp(argv[3], "cache") != 0 &&
	    strcmp(argv[3], "hello") != 0) {
		fprintf(stderr, "tlsscan_probe: unknown version %s\n", argv[3]);
		return 2;
	}
	l = loop_new(err, sizeof(err));
	ctx = l != NULL ? tlsscan_ctx_new(err, sizeof(err)) : NULL;
	if (ctx == NULL) {
		fprintf(stderr, "tlsscan_probe: %s\n", err);
		return 2;
	}
	if (strcmp(argv[3], "hello") == 0 && argc > 4) {
		int rc = hello_mode(&a, (uint16_t)atoi(argv[2]), argv[4]);

		tlsscan_ctx_free(ctx);
		loop_free(l);
		return rc;
	}
	if (strcmp(argv[3], "cache") == 0 && argc > 5) {
		int rc = cache_mode(l, ctx, &a, (uint16_t)atoi(argv[2]),
		    argc - 4, argv + 4);

		tlsscan_ctx_free(ctx);
		loop_free(l);
		return rc;
	}
	t0 = loop_now_us(l);
	if (policy)
		ps = tlspol_scan_start(l, ctx, &a, (uint16_t)atoi(argv[2]),
		    "scan.test", argc > 4 ? version_of(argv[4]) : 0, policy_cb,
		    l);
	else
		s = tlsscan_start(l, ctx, &a, (uint16_t)atoi(argv[2]),
		    "scan.test", version, argc > 4 ? argv[4] : NULL, done_cb,
		    l);
	loop_run(l);
	printf("%llu\n", (unsigned long long)((loop_now_us(l) - t0) / 1000));
	tlsscan_free(s);
	tlspol_scan_free(ps);
	tlsscan_ctx_free(ctx);
	loop_free(l);
	return 0;
}
