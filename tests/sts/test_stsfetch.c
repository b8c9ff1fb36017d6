/*
 * test_stsfetch.c - the MTA-STS policy fetch (crawler/mail/stsfetch.c)
 * against HTTPS servers in this process (threads on 127.0.0.1, blocking
 * sockets, certificates of a test CA made at test time with
 * tests/smtp/fakesmtp.c's helpers): a policy with Content-Length,
 * chunked, and up to the close; an invalid policy; and the hostile or
 * failing ones: a server that never answers, one that never completes the
 * handshake, a body over 64 KiB (announced, and sent without a length), a
 * redirect, a 404, an untrusted certificate, a certificate for another
 * name, garbage instead of HTTP, garbage instead of TLS, a refused
 * connect, a blocked address, the caller's deadline and an abort.  Each
 * case asserts the status, the mta_sts_mode it gives (stspolicy_column)
 * and the time bound.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "blocklist.h"
#include "fakesmtp.h"
#include "loop.h"
#include "netaddr.h"
#include "stsfetch.h"
#include "stspolicy.h"
#include "tap.h"
#include "util.h"
#include "tls.h"

/* Scheduling slack over a named bound in the time checks. */
#define SLACK_MS 1500
/* Shortened phase bounds of the test context (the defaults are the same
 * code path with larger numbers). */
#define T_CONNECT_MS 1000
#define T_HANDSHAKE_MS 1000
#define T_RESPONSE_MS 1500

#define POLICY "version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\n" \
	"max_age: 86400\r\n"

enum srv_mode {
	S_POLICY = 0,	/* 200, Content-Length, the policy */
	S_CHUNKED,	/* 200, chunked */
	S_TO_CLOSE,	/* 200, no length, close */
	S_INVALID,	/* 200, mode: strict */
	S_SILENT,	/* handshake, then nothing */
	S_NO_HANDSHAKE,	/* accept, then nothing */
	S_BIG_CL,	/* 200, Content-Length 70000 */
	S_BIG_STREAM,	/* 200, no length, 70000 bytes */
	S_REDIRECT,	/* 301 */
	S_404,
	S_GARBAGE,	/* non-HTTP bytes over TLS */
	S_TLS_GARBAGE,	/* non-TLS bytes */
};

struct srv {
	int lfd;
	uint16_t port;
	enum srv_mode mode;
	SSL_CTX *ctx;
	pthread_t th;
	atomic_int stop;
};

static struct loop *lp;
static struct blocklist *bl;
static struct tls_ctx *tls;
static struct sts_fetch_result got;
static char got_body[80000];
static int ncalls;

static void
write_all(SSL *ssl, int fd, const char *b, size_t n)
{
	while (n > 0) {
		int w = ssl != NULL ? SSL_write(ssl, b, (int)n) :
		    (int)write(fd, b, n);

		if (w <= 0)
			return;
		b += w;
		n -= (size_t)w;
	}
}

/* Wait until stopped or the peer is gone. */
static void
hold(struct srv *s, int fd)
{
	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char b[256];

		if (poll(&p, 1, 50) > 0 && read(fd, b, sizeof(b)) <= 0)
			return;
	}
}

static void
serve(struct srv *s, int fd)
{
	SSL *ssl;
	char req[4096];
	size_t rl = 0;
	char *big;

	if (s->mode == S_NO_HANDSHAKE) {
		hold(s, fd);
		return;
	}
	if (s->mode == S_TLS_GARBAGE) {
		write_all(NULL, fd, "220 hello, this is not TLS\r\n", 28);
		hold(s, fd);
		return;
	}
	ssl = SSL_new(s->ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) != 1) {
		SSL_free(ssl);
		return;
	}
	/* The request head. */
	while (rl < sizeof(req) - 1) {
		int r = SSL_read(ssl, req + rl, (int)(sizeof(req) - 1 - rl));

		if (r <= 0)
			break;
		rl += (size_t)r;
		req[rl] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	switch (s->mode) {
	case S_POLICY: {
		char h[128];
		int n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Type: "
		    "text/plain\r\nContent-Length: %zu\r\n\r\n", strlen(POLICY));

		write_all(ssl, fd, h, (size_t)n);
		write_all(ssl, fd, POLICY, strlen(POLICY));
		break;
	}
	case S_CHUNKED: {
		char c[512];
		int n = snprintf(c, sizeof(c), "HTTP/1.1 200 OK\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n10\r\n%.16s\r\n%zx\r\n%s"
		    "\r\n0\r\n\r\n", POLICY, strlen(POLICY) - 16, POLICY + 16);

		write_all(ssl, fd, c, (size_t)n);
		break;
	}
	case S_TO_CLOSE:
		write_all(ssl, fd, "HTTP/1.1 200 OK\r\n\r\n" POLICY,
		    strlen("HTTP/1.1 200 OK\r\n\r\n" POLICY));
		break;
	case S_INVALID: {
		const char *body = "version: STSv1\nmode: strict\n"
		    "mx: a.example\nmax_age: 1\n";
		char h[128];
		int n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %zu\r\n\r\n", strlen(body));

		write_all(ssl, fd, h, (size_t)n);
		write_all(ssl, fd, body, strlen(body));
		break;
	}
	case S_SILENT:
		hold(s, fd);
		break;
	case S_BIG_CL:
		write_all(ssl, fd, "HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n",
		    42);
		hold(s, fd);
		break;
	case S_BIG_STREAM:
		big = xmalloc(70000);
		memset(big, 'a', 70000);
		write_all(ssl, fd, "HTTP/1.1 200 OK\r\n\r\n", 19);
		write_all(ssl, fd, big, 70000);
		free(big);
		hold(s, fd);
		break;
	case S_REDIRECT: {
		const char *b = "HTTP/1.1 301 Moved\r\nLocation: https://"
		    "elsewhere.test/.well-known/mta-sts.txt\r\nContent-Length: 0"
		    "\r\n\r\n";

		write_all(ssl, fd, b, strlen(b));
		break;
	}
	case S_404: {
		const char *b = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"
		    "\r\nnot found";

		write_all(ssl, fd, b, strlen(b));
		break;
	}
	case S_GARBAGE:
		write_all(ssl, fd, "\x01\x02garbage\r\n\r\n", 13);
		break;
	case S_NO_HANDSHAKE:
	case S_TLS_GARBAGE:
		break;
	}
	SSL_shutdown(ssl);
	SSL_free(ssl);
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, 50) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(s, fd);
		close(fd);
	}
	return NULL;
}

static struct srv *
srv_start(enum srv_mode mode, SSL_CTX *ctx)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s->lfd, 16) != 0) {
		perror("bind");
		exit(1);
	}
	getsockname(s->lfd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	s->mode = mode;
	s->ctx = ctx;
	pthread_create(&s->th, NULL, srv_main, s);
	return s;
}

static void
srv_stop(struct srv *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	close(s->lfd);
	free(s);
}

static void
done_cb(const struct sts_fetch_result *r, void *arg)
{
	(void)arg;
	got = *r;
	got.body = NULL;
	if (r->body != NULL && r->len <= sizeof(got_body)) {
		memcpy(got_body, r->body, r->len);
		got.body = got_body;
	}
	ncalls++;
	loop_break(lp);
}

static struct sts_fetch_ctx *
ctx_for(uint16_t port)
{
	struct sts_fetch_options o = {
		.loop = lp, .tls = tls, .blocklist = bl, .port = port,
		.connect_ms = T_CONNECT_MS, .handshake_ms = T_HANDSHAKE_MS,
		.response_ms = T_RESPONSE_MS,
	};

	return stsfetch_ctx_new(&o);
}

static void
break_cb(void *arg)
{
	(void)arg;
	loop_break(lp);
}

/* Run the loop a little: libevent closes a bufferevent freed inside its
 * own callback when that callback returns, on the loop (as in a crawl,
 * whose loop goes on). */
static void
settle(void)
{
	struct loop_timer *t = loop_timer_new(lp, break_cb, NULL);

	loop_timer_start(t, 20 * 1000);
	loop_run(lp);
	loop_timer_free(t);
}

/* Fetch host from 127.0.0.1:port; the result in got. */
static bool
fetch(uint16_t port, const char *host, uint64_t deadline_ms)
{
	struct sts_fetch_ctx *c = ctx_for(port);
	struct netaddr a;
	char err[256];
	struct sts_fetch *f;

	netaddr_parse("127.0.0.1", 9, &a);
	memset(&got, 0, sizeof(got));
	ncalls = 0;
	f = stsfetch_start(c, host, &a, 1, deadline_ms ? loop_now_us(lp) +
	    deadline_ms * 1000 : 0, done_cb, NULL, err, sizeof(err));
	if (!tap_ok(f != NULL, "%s: fetch started (%s)", host,
	    f != NULL ? "" : err)) {
		stsfetch_ctx_free(c);
		return false;
	}
	tap_eq_i64(ncalls, 0, "no callback from inside start");
	loop_run(lp);
	tap_eq_i64(ncalls, 1, "one callback");
	settle();
	stsfetch_ctx_free(c);
	tap_diag("%s: %s in %u ms: %s", host, sts_fetch_status_str(got.status),
	    got.elapsed_ms, got.error);
	return true;
}

/* One case: a server in mode with ctx; the status, the column it gives,
 * the error's tail, and the time at most bound_ms (and at least min_ms). */
static void
one(const char *name, enum srv_mode mode, SSL_CTX *ctx, const char *host,
	enum sts_fetch_status want, const char *column, const char *err_has,
	uint32_t min_ms, uint32_t bound_ms)
{
	struct srv *s = srv_start(mode, ctx);
	struct sts_policy p;

	if (fetch(s->port, host, 0)) {
		tap_eq_str(sts_fetch_status_str(got.status),
		    sts_fetch_status_str(want), name);
		tap_eq_str(stspolicy_column(got.status == STS_FETCH_OK,
		    got.body, got.len, &p), column, name);
		tap_ok(strstr(got.error, err_has) != NULL,
		    "%s: error has \"%s\" (%s)", name, err_has, got.error);
		tap_ok(got.elapsed_ms <= bound_ms + SLACK_MS,
		    "%s: within %u ms + slack (took %u ms)", name, bound_ms,
		    got.elapsed_ms);
		tap_ok(got.elapsed_ms + 50 >= min_ms,
		    "%s: took at least %u ms (%u)", name, min_ms,
		    got.elapsed_ms);
	}
	srv_stop(s);
}

static void
abort_cb(void *arg)
{
	stsfetch_abort(arg);
	loop_break(lp);
}

int
main(void)
{
	EVP_PKEY *cakey = fake_key(), *k = fake_key(), *uk = fake_key();
	X509 *ca = fake_cert(cakey, "uptake test CA", NULL, true, NULL, NULL);
	X509 *leaf = fake_cert(k, "mta-sts.example.test",
	    "mta-sts.example.test", false, ca, cakey);
	X509 *self = fake_cert(uk, "mta-sts.example.test",
	    "mta-sts.example.test", false, NULL, NULL);
	SSL_CTX *good = fake_server_ctx(leaf, k, ca);
	SSL_CTX *untrusted = fake_server_ctx(self, uk, NULL);
	char cafile[] = "/tmp/uptake-sts-ca-XXXXXX";
	char err[256];
	int fd = mkstemp(cafile);
	FILE *f = fdopen(fd, "w");
	const char *H = "mta-sts.example.test";

	PEM_write_X509(f, ca);
	fclose(f);
	lp = loop_new(err, sizeof(err));
	bl = blocklist_new("127.0.0.0/8", err, sizeof(err));
	tls = tls_ctx_new(cafile, time(NULL), err, sizeof(err));
	if (lp == NULL || bl == NULL || tls == NULL) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}

	one("policy, Content-Length", S_POLICY, good, H, STS_FETCH_OK,
	    "enforce", "", 0, 1000);
	tap_eq_i64(got.http_status, 200, "status 200 recorded");
	tap_ok(got.len == strlen(POLICY) && got.body != NULL &&
	    memcmp(got.body, POLICY, got.len) == 0, "the body as served");
	one("policy, chunked", S_CHUNKED, good, H, STS_FETCH_OK, "enforce", "",
	    0, 1000);
	tap_ok(got.len == strlen(POLICY), "chunked: the body decoded (%zu)",
	    got.len);
	one("policy, to the close", S_TO_CLOSE, good, H, STS_FETCH_OK,
	    "enforce", "", 0, 1000);
	one("invalid policy", S_INVALID, good, H, STS_FETCH_OK, "invalid", "",
	    0, 1000);
	one("a server that never answers", S_SILENT, good, H,
	    STS_FETCH_TIMEOUT, "unavailable", "response not complete within "
	    "1500 ms", T_RESPONSE_MS, T_RESPONSE_MS);
	one("a server that never completes the handshake", S_NO_HANDSHAKE,
	    good, H, STS_FETCH_TIMEOUT, "unavailable", "TLS handshake not "
	    "complete within 1000 ms", T_HANDSHAKE_MS, T_HANDSHAKE_MS);
	one("Content-Length over 64 KiB", S_BIG_CL, good, H, STS_FETCH_SIZE,
	    "unavailable", "Content-Length 70000 over 65536 bytes", 0, 1000);
	one("a body over 64 KiB without a length", S_BIG_STREAM, good, H,
	    STS_FETCH_SIZE, "unavailable", "body over 65536 bytes", 0, 1000);
	one("a redirect", S_REDIRECT, good, H, STS_FETCH_STATUS,
	    "unavailable", "HTTP status 301 (redirects are not followed", 0,
	    1000);
	tap_eq_i64(got.http_status, 301, "redirect: status recorded");
	one("a 404", S_404, good, H, STS_FETCH_STATUS, "unavailable",
	    "HTTP status 404", 0, 1000);
	one("an untrusted certificate", S_POLICY, untrusted, H,
	    STS_FETCH_CERT, "unavailable", "certificate: self_signed", 0,
	    1000);
	one("a certificate for another name", S_POLICY, good,
	    "mta-sts.other.test", STS_FETCH_CERT, "unavailable",
	    "certificate: hostname_mismatch", 0, 1000);
	one("garbage instead of HTTP", S_GARBAGE, good, H, STS_FETCH_HTTP,
	    "unavailable", "mta-sts.example.test [127.0.0.1]: ", 0, 1000);
	one("garbage instead of TLS", S_TLS_GARBAGE, good, H, STS_FETCH_TLS,
	    "unavailable", "TLS handshake failed", 0, 1000);

	/* A refused connect: a port nobody listens on. */
	{
		struct srv *s = srv_start(S_POLICY, good);
		uint16_t port = s->port;
		struct sts_policy p;

		srv_stop(s);
		if (fetch(port, H, 0)) {
			tap_eq_str(sts_fetch_status_str(got.status), "connect",
			    "refused connect");
			tap_eq_str(stspolicy_column(false, NULL, 0, &p),
			    "unavailable", "refused connect: unavailable");
			tap_ok(strstr(got.error, "Connection refused") != NULL,
			    "refused: %s", got.error);
		}
	}

	/* The caller's deadline cuts a silent server before its bound. */
	{
		struct srv *s = srv_start(S_SILENT, good);

		if (fetch(s->port, H, 500)) {
			tap_eq_str(sts_fetch_status_str(got.status), "deadline",
			    "deadline: status");
			tap_ok(strstr(got.error, "cut by the deadline") != NULL,
			    "deadline: %s", got.error);
			tap_ok(got.elapsed_ms <= 500 + SLACK_MS / 3 &&
			    got.elapsed_ms + 50 >= 480,
			    "deadline: about 500 ms (%u)", got.elapsed_ms);
		}
		srv_stop(s);
	}

	/* A blocked address: not contacted, no fetch. */
	{
		struct blocklist *strict = blocklist_new(NULL, err, sizeof(err));
		struct sts_fetch_options o = { .loop = lp, .tls = tls,
			.blocklist = strict, .port = 1 };
		struct sts_fetch_ctx *c = stsfetch_ctx_new(&o);
		struct netaddr a;

		netaddr_parse("127.0.0.1", 9, &a);
		tap_ok(stsfetch_start(c, H, &a, 1, 0, done_cb, NULL, err,
		    sizeof(err)) == NULL, "blocked: no fetch");
		tap_ok(strstr(err, "blocked: 127.0.0.0/8") != NULL,
		    "blocked: %s", err);
		stsfetch_ctx_free(c);
		blocklist_free(strict);
	}

	/* An abort: no callback, nothing left behind (ASan, LSan). */
	{
		struct srv *s = srv_start(S_SILENT, good);
		struct sts_fetch_ctx *c = ctx_for(s->port);
		struct loop_timer *t;
		struct netaddr a;
		struct sts_fetch *fe;

		netaddr_parse("127.0.0.1", 9, &a);
		ncalls = 0;
		fe = stsfetch_start(c, H, &a, 1, 0, done_cb, NULL, err,
		    sizeof(err));
		t = loop_timer_new(lp, abort_cb, fe);
		loop_timer_start(t, 300 * 1000);
		loop_run(lp);
		settle();
		tap_eq_i64(ncalls, 0, "abort: no callback");
		loop_timer_free(t);
		stsfetch_ctx_free(c);
		srv_stop(s);
	}

	tls_ctx_free(tls);
	blocklist_free(bl);
	loop_free(lp);
	SSL_CTX_free(good);
	SSL_CTX_free(untrusted);
	X509_free(ca);
	X509_free(leaf);
	X509_free(self);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(k);
	EVP_PKEY_free(uk);
	unlink(cafile);
	return tap_done();
}
