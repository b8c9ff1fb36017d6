/*
 * tlsscan.c - one bounded handshake of the TLS policy scan (tlsscan.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "loop.h"
#include "netaddr.h"
#include "tls.h"
#include "tlshello.h"
#include "tlsscan.h"
#include "util.h"

/* The cipher list offered below TLS 1.3 when the caller names none: every
 * cipher this OpenSSL has, at security level 0 (measure, do not refuse). */
#define TLSSCAN_ALL_CIPHERS TLSSCAN_ALL_CIPHERS_BASE ":@SECLEVEL=0"

enum scan_state { SCAN_CONNECTING, SCAN_HANDSHAKE, SCAN_DONE };

struct tlsscan {
	struct loop *loop;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	struct loop_fd *watch;
	struct loop_timer *timer;	/* the bound; 0 us for an early end */
	enum scan_state state;
	int version;
	int dh_refused;			/* bits of a group we refused */
	bool ask_reneg;			/* tlsscan_ask_reneg */
	bool renegotiating;
	/* The hand-written hello (tlsscan_start_raw). */
	bool raw;
	uint8_t out[TLSHELLO_MAX_HELLO];
	size_t outlen, sent;
	uint8_t in[TLSHELLO_DECIDE_BYTES];
	size_t got;
	uint16_t offered[TLSHELLO_MAX_SUITES];
	size_t noffered;
	bool deflate;			/* DEFLATE offered too */
	struct tlsscan_result res;
	tlsscan_cb cb;
	void *arg;
};

/* OpenSSL's own security callback, which ours defers to. */
static int (*default_security_cb)(const SSL *, const SSL_CTX *, int, int,
	int, void *, void *);

/* A server's DH group over TLS_MAX_DH_BITS is refused before any modular
 * arithmetic (tls.h says why); the rest is OpenSSL's answer at level 0. */
static int
security_cb(const SSL *ssl, const SSL_CTX *ctx, int op, int bits, int nid,
	void *other, void *ex)
{
	if ((op & ~SSL_SECOP_PEER) == SSL_SECOP_TMP_DH && other != NULL &&
	    ssl != NULL) {
		int pbits = EVP_PKEY_get_bits((EVP_PKEY *)other);
		struct tlsscan *s = SSL_get_app_data(ssl);

		if (pbits > TLS_MAX_DH_BITS) {
			if (s != NULL)
				s->dh_refused = pbits;
			return 0;
		}
	}
	return default_security_cb != NULL ? default_security_cb(ssl, ctx, op,
	    bits, nid, other, ex) : 1;
}

SSL_CTX *
tlsscan_ctx_new(char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		snprintf(err, errlen, "OpenSSL: cannot create the TLS policy "
		    "scan's context");
		return NULL;
	}
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_max_cert_list(ctx, TLSSCAN_MAX_HANDSHAKE_BYTES);
	/* No session is kept: every scan handshake is a full one. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (default_security_cb == NULL)
		default_security_cb = SSL_CTX_get_security_callback(ctx);
	SSL_CTX_set_security_callback(ctx, security_cb);
	/* A peer that resets the connection must not kill the crawl: writes
	 * to it fail with EPIPE instead of raising SIGPIPE (as the web
	 * stage's context does). */
	signal(SIGPIPE, SIG_IGN);
	return ctx;
}

void
tlsscan_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

const char *
tlsscan_status_str(enum tlsscan_status s)
{
	switch (s) {
	case TLSSCAN_ACCEPTED:
		return "accepted";
	case TLSSCAN_REFUSED:
		return "refused";
	case TLSSCAN_TIMEOUT:
		return "timeout";
	case TLSSCAN_ERROR:
		break;
	}
	return "error";
}

/* End the scan with status and why (printf), then tell the caller: the
 * last thing done, since the callback may free s. */
static void finish(struct tlsscan *s, enum tlsscan_status st,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
finish(struct tlsscan *s, enum tlsscan_status st, const char *fmt, ...)
{
	va_list ap;

	if (s->state == SCAN_DONE)
		return;
	s->state = SCAN_DONE;
	s->res.status = st;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(s->res.why, sizeof(s->res.why), fmt, ap);
		va_end(ap);
	}
	loop_timer_stop(s->timer);
	if (s->watch != NULL)
		loop_fd_want(s->watch, false, false);
	s->cb(&s->res, s->arg);
}

/* The accepted handshake's facts. */
static void
record(struct tlsscan *s)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);
	const char *name = c != NULL ? SSL_CIPHER_standard_name(c) : NULL;
	EVP_PKEY *key = NULL;

	s->res.version = SSL_version(s->ssl);
	s->res.secure_reneg = s->res.version >= TLS1_3_VERSION ? -1 :
	    SSL_get_secure_renegotiation_support(s->ssl) == 1;
	if (name != NULL)
		snprintf(s->res.suite, sizeof(s->res.suite), "%s", name);
	if (c != NULL)
		snprintf(s->res.ossl_suite, sizeof(s->res.ossl_suite), "%s",
		    SSL_CIPHER_get_name(c));
	if (SSL_get_peer_tmp_key(s->ssl, &key) == 1 && key != NULL) {
		if (EVP_PKEY_get_base_id(key) == EVP_PKEY_DH)
			s->res.dh_bits = EVP_PKEY_get_bits(key);
		EVP_PKEY_free(key);
	}
}

/* A failed handshake: an alert or a close is the server saying no;
 * anything else (bytes that are not TLS) is an error. */
static void
failed(struct tlsscan *s, int sslerr)
{
	unsigned long e = ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	char buf[TLSSCAN_WHY_MAX];

	if (s->renegotiating) {
		/* The first handshake was accepted; the server said no to
		 * the renegotiation (an alert such as no_renegotiation, or
		 * a close): its reason kept in why. */
		const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

		snprintf(buf, sizeof(buf), "renegotiation: %s", r != NULL ? r :
		    sslerr == SSL_ERROR_SSL ? "refused" : "connection closed");
		ERR_clear_error();
		s->res.reneg = 0;
		finish(s, TLSSCAN_ACCEPTED, "%s", buf);
		return;
	}
	if (s->dh_refused > 0) {
		ERR_clear_error();
		finish(s, TLSSCAN_ERROR, "server DH group of %d bits, over the "
		    "%d-bit limit", s->dh_refused, TLS_MAX_DH_BITS);
		return;
	}
	/* OpenSSL 3 reports a close without close_notify as an error. */
	if (sslerr == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		finish(s, TLSSCAN_REFUSED, "connection closed");
		return;
	}
	if (sslerr == SSL_ERROR_SSL && e != 0) {
		const char *r = ERR_reason_error_string(e);
		bool no = (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		    reason >= SSL_AD_REASON_OFFSET) ||
		    reason == SSL_R_UNSUPPORTED_PROTOCOL;

		if (r != NULL)
			snprintf(buf, sizeof(buf), "%s", r);
		else
			ERR_error_string_n(e, buf, sizeof(buf));
		ERR_clear_error();
		/* Alerts come as reasons from SSL_AD_REASON_OFFSET on (no
		 * common version or cipher: protocol_version,
		 * handshake_failure); a ServerHello of another version is
		 * "unsupported protocol".  Anything else: not TLS. */
		finish(s, no ? TLSSCAN_REFUSED : TLSSCAN_ERROR, "%s", buf);
		return;
	}
	ERR_clear_error();
	if (sslerr == SSL_ERROR_ZERO_RETURN || (sslerr == SSL_ERROR_SYSCALL &&
	    (errno == 0 || errno == ECONNRESET || errno == EPIPE)))
		finish(s, TLSSCAN_REFUSED, "connection closed");
	else
		finish(s, TLSSCAN_ERROR, "handshake: %s", strerror(errno));
}

static void
handshake(struct tlsscan *s)
{
	int r, e;

	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(s->ssl);
	if (r == 1 && s->renegotiating) {
		s->res.reneg = 1;
		finish(s, TLSSCAN_ACCEPTED, NULL);
		return;
	}
	if (r == 1) {
		record(s);
		if (s->ask_reneg && s->res.version < TLS1_3_VERSION &&
		    SSL_renegotiate(s->ssl) == 1) {
			s->renegotiating = true;
			handshake(s);
			return;
		}
		finish(s, TLSSCAN_ACCEPTED, NULL);
		return;
	}
	e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		loop_fd_want(s->watch, true, false);
	else if (e == SSL_ERROR_WANT_WRITE)
		loop_fd_want(s->watch, false, true);
	else
		failed(s, e);
}

/* The raw hello: send it, then read until the answer is decided. */
static void
raw_io(struct tlsscan *s)
{
	uint16_t v = 0, suite = 0;
	uint8_t comp = 0, alert = 0;
	size_t i;
	ssize_t r;

	while (s->sent < s->outlen) {
		r = send(s->fd, s->out + s->sent, s->outlen - s->sent,
		    MSG_NOSIGNAL);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_fd_want(s->watch, false, true);
			return;
		}
		if (r <= 0) {
			finish(s, TLSSCAN_REFUSED, "connection closed");
			return;
		}
		s->sent += (size_t)r;
	}
	for (;;) {
		switch (tlshello_parse(s->in, s->got, &v, &suite, &comp,
		    &alert)) {
		case TLSHELLO_SERVER_HELLO:
			for (i = 0; i < s->noffered; i++)
				if (s->offered[i] == suite)
					break;
			if (i == s->noffered) {
				finish(s, TLSSCAN_ERROR, "server chose suite "
				    "0x%04x, not offered", suite);
				return;
			}
			if (comp != 0 && !(s->deflate && comp == 1)) {
				finish(s, TLSSCAN_ERROR, "server chose "
				    "compression method %u, not offered",
				    (unsigned)comp);
				return;
			}
			s->res.version = v;
			s->res.suite_id = suite;
			s->res.compression = comp;
			finish(s, TLSSCAN_ACCEPTED, NULL);
			return;
		case TLSHELLO_ALERT:
			finish(s, TLSSCAN_REFUSED, "alert %u", alert);
			return;
		case TLSHELLO_GARBAGE:
			finish(s, TLSSCAN_ERROR, "not a TLS answer");
			return;
		case TLSHELLO_MORE:
			break;
		}
		if (s->got == sizeof(s->in)) {	/* cannot happen: decided */
			finish(s, TLSSCAN_ERROR, "not a TLS answer");
			return;
		}
		r = recv(s->fd, s->in + s->got, sizeof(s->in) - s->got, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_fd_want(s->watch, true, false);
			return;
		}
		if (r == 0 || (r < 0 && (errno == ECONNRESET ||
		    errno == EPIPE))) {
			finish(s, TLSSCAN_REFUSED, "connection closed");
			return;
		}
		if (r < 0) {
			finish(s, TLSSCAN_ERROR, "recv: %s", strerror(errno));
			return;
		}
		s->got += (size_t)r;
	}
}

static void
connected(struct tlsscan *s)
{
	int err = 0;
	socklen_t elen = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		err = errno;
	if (err != 0) {
		finish(s, TLSSCAN_ERROR, "connect: %s", strerror(err));
		return;
	}
	s->state = SCAN_HANDSHAKE;
	if (!s->raw)
		SSL_set_connect_state(s->ssl);
	if (s->raw)
		raw_io(s);
	else
		handshake(s);
}

static void
fd_cb(int fd, bool readable, bool writable, void *arg)
{
	struct tlsscan *s = arg;

	(void)fd;
	(void)readable;
	(void)writable;
	if (s->state == SCAN_CONNECTING)
		connected(s);
	else if (s->state == SCAN_HANDSHAKE && s->raw)
		raw_io(s);
	else if (s->state == SCAN_HANDSHAKE)
		handshake(s);
}

static void
timer_cb(void *arg)
{
	struct tlsscan *s = arg;

	if (s->res.why[0] != '\0')		/* an early end, told now */
		finish(s, TLSSCAN_ERROR, NULL);
	else
		finish(s, TLSSCAN_TIMEOUT, "no handshake in %d ms",
		    TLSSCAN_TIMEOUT_MS);
}

/* Set up the SSL: one version, the cipher list, SNI.  NULL on failure. */
static SSL *
ssl_new(struct tlsscan *s, const char *sni, int version, const char *ciphers)
{
	SSL *ssl = SSL_new(s->ctx);

	if (ssl == NULL)
		return NULL;
	SSL_set_app_data(ssl, s);
	if (SSL_set_min_proto_version(ssl, version) != 1 ||
	    SSL_set_max_proto_version(ssl, version) != 1 ||
	    (version < TLS1_3_VERSION && SSL_set_cipher_list(ssl,
	    ciphers != NULL ? ciphers : TLSSCAN_ALL_CIPHERS) != 1) ||
	    (sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1) ||
	    SSL_set_fd(ssl, s->fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	/* A cipher list with a level keeps it; make sure of level 0. */
	SSL_set_security_level(ssl, 0);
	return ssl;
}

/* Socket, connect, the bound; a failure is told from the loop. */
static struct tlsscan *
start_common(struct tlsscan *s, struct loop *l, const struct netaddr *addr,
	uint16_t port, const char *sni, int version, const char *ciphers)
{
	struct sockaddr_storage ss;
	size_t sl = netaddr_to_sockaddr(addr, port, &ss);

	s->loop = l;
	s->version = version;
	s->timer = loop_timer_new(l, timer_cb, s);
	s->state = SCAN_CONNECTING;
	s->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(s->res.why, sizeof(s->res.why), "socket: %s",
		    strerror(errno));
		goto early;
	}
	if (!s->raw) {
		s->ssl = ssl_new(s, sni, version, ciphers);
		if (s->ssl == NULL) {
			ERR_clear_error();
			snprintf(s->res.why, sizeof(s->res.why), "cannot set "
			    "up a TLS session for version 0x%x",
			    (unsigned)version);
			goto early;
		}
	}
	if (connect(s->fd, (struct sockaddr *)&ss, (socklen_t)sl) != 0 &&
	    errno != EINPROGRESS) {
		snprintf(s->res.why, sizeof(s->res.why), "connect: %s",
		    strerror(errno));
		goto early;
	}
	s->watch = loop_fd_new(l, s->fd, fd_cb, s);
	loop_fd_want(s->watch, false, true);
	loop_timer_start(s->timer, (uint64_t)TLSSCAN_TIMEOUT_MS * 1000);
	return s;
early:
	/* Told from the loop, never from inside the start. */
	loop_timer_start(s->timer, 0);
	return s;
}

struct tlsscan *
tlsscan_start(struct loop *l, SSL_CTX *ctx, const struct netaddr *addr,
	uint16_t port, const char *sni, int version, const char *ciphers,
	tlsscan_cb cb, void *arg)
{
	struct tlsscan *s = xcalloc(1, sizeof(*s));

	s->ctx = ctx;
	s->fd = -1;
	s->cb = cb;
	s->arg = arg;
	s->res.secure_reneg = -1;
	s->res.reneg = -1;
	s->res.compression = -1;
	return start_common(s, l, addr, port, sni, version, ciphers);
}

void
tlsscan_ask_reneg(struct tlsscan *s)
{
	s->ask_reneg = true;
}

struct tlsscan *
tlsscan_start_raw(struct loop *l, const struct netaddr *addr, uint16_t port,
	const char *sni, int version, const uint16_t *suites, size_t n,
	bool deflate, tlsscan_cb cb, void *arg)
{
	struct tlsscan *s;
	uint8_t rnd[32];

	if (n == 0 || n > TLSHELLO_MAX_SUITES)
		return NULL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0x5a, sizeof(rnd));	/* no secret rests on it */
	s = xcalloc(1, sizeof(*s));
	s->outlen = (deflate ? tlshello_build_deflate : tlshello_build)(s->out,
	    sizeof(s->out), (uint16_t)version, rnd, sni, suites, n);
	if (s->outlen == 0) {
		free(s);
		return NULL;
	}
	s->raw = true;
	s->deflate = deflate;
	s->res.secure_reneg = -1;
	s->res.reneg = -1;
	s->res.compression = -1;
	memcpy(s->offered, suites, n * sizeof(suites[0]));
	s->noffered = n;
	s->fd = -1;
	s->cb = cb;
	s->arg = arg;
	return start_common(s, l, addr, port, sni, version, NULL);
}

void
tlsscan_free(struct tlsscan *s)
{
	if (s == NULL)
		return;
	loop_timer_free(s->timer);
	loop_fd_free(s->watch);
	SSL_free(s->ssl);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}
