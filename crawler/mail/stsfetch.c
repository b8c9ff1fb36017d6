/*
 * stsfetch.c - the MTA-STS policy fetch (stsfetch.h) as a state machine
 * on the crawl's loop:
 *
 *   WAIT_SLOT -> CONNECTING -> HANDSHAKE -> RESPONSE
 *
 * Each state has one timer (its named bound, clipped to the caller's
 * deadline less STS_DEADLINE_MARGIN_MS).  Like smtpprobe.c and
 * webprobe.c, this module includes <event2/bufferevent_ssl.h> itself
 * (docs/web.md): OpenSSL's non-blocking handshake on the loop.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "blocklist.h"
#include "conncap.h"
#include "http.h"
#include "loop.h"
#include "netaddr.h"
#include "optout.h"
#include "stsfetch.h"
#include "stspolicy.h"
#include "tls.h"
#include "util.h"

/* First size of the response buffer; it doubles up to STS_READ_CAP. */
#define STS_BUF_INITIAL 4096
/* Bytes of one response read: a head and a body at their bounds, and one
 * byte more, by which a body without Content-Length is found too large. */
#define STS_READ_CAP (HTTP_MAX_HEAD + STS_MAX_BODY + 1)
/* Our request: the request line and four fields. */
#define STS_MAX_REQUEST 1024
/* The path of the policy (RFC 8461 3.2). */
#define STS_PATH "/.well-known/mta-sts.txt"

struct sts_fetch_ctx {
	struct loop *loop;
	struct event_base *base;
	struct tls_ctx *tls;
	const struct blocklist *bl;
	const struct optout *optout;
	struct conncap *cap;
	char user_agent[128];
	uint16_t port;
	uint32_t connect_ms, handshake_ms, response_ms;
};

enum sts_state {
	F_WAIT_SLOT = 0,	/* the address's connection cap is reached */
	F_CONNECTING,
	F_HANDSHAKE,
	F_RESPONSE,		/* request sent, reading the response */
};

struct sts_fetch {
	struct sts_fetch_ctx *ctx;
	enum sts_state state;
	char host[STS_MAX_HOST + 1];
	struct netaddr addrs[STS_MAX_ADDRS];
	size_t naddr, cur;
	char addr[NETADDR_STRLEN];	/* the current address, text */
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint64_t t_start, deadline;
	int fd;
	struct event *conn_ev;
	struct bufferevent *bev;
	struct loop_timer *timer;
	bool clipped;
	struct conncap_wait slot;
	char *buf;
	size_t len, cap;
	size_t head_scan;
	bool have_head;
	struct http_response resp;
	struct http_chunked chunked;
	struct sts_fetch_result res;
	sts_fetch_cb cb;
	void *arg;
};

const char *
sts_fetch_status_str(enum sts_fetch_status s)
{
	switch (s) {
	case STS_FETCH_OK:
		return "ok";
	case STS_FETCH_CONNECT:
		return "connect";
	case STS_FETCH_TLS:
		return "tls";
	case STS_FETCH_CERT:
		return "certificate";
	case STS_FETCH_STATUS:
		return "status";
	case STS_FETCH_SIZE:
		return "size";
	case STS_FETCH_HTTP:
		return "http";
	case STS_FETCH_TIMEOUT:
		return "timeout";
	case STS_FETCH_DEADLINE:
		break;
	}
	return "deadline";
}

static uint32_t
or_default(uint32_t v, uint32_t def)
{
	return v != 0 ? v : def;
}

struct sts_fetch_ctx *
stsfetch_ctx_new(const struct sts_fetch_options *o)
{
	struct sts_fetch_ctx *c = xcalloc(1, sizeof(*c));

	c->loop = o->loop;
	c->base = loop_event_base(o->loop);
	c->tls = o->tls;
	c->bl = o->blocklist;
	c->optout = o->optout;
	c->cap = o->cap;
	snprintf(c->user_agent, sizeof(c->user_agent), "%s",
	    o->user_agent != NULL ? o->user_agent : "uptake");
	/* No line breaks into our request. */
	c->user_agent[strcspn(c->user_agent, "\r\n")] = '\0';
	c->port = o->port != 0 ? o->port : STS_PORT;
	c->connect_ms = or_default(o->connect_ms, STS_CONNECT_TIMEOUT_MS);
	c->handshake_ms = or_default(o->handshake_ms,
	    STS_HANDSHAKE_TIMEOUT_MS);
	c->response_ms = or_default(o->response_ms, STS_RESPONSE_TIMEOUT_MS);
	/* A peer that resets the connection must not kill the crawl. */
	signal(SIGPIPE, SIG_IGN);
	return c;
}

void
stsfetch_ctx_free(struct sts_fetch_ctx *c)
{
	free(c);
}

/* --- the end ------------------------------------------------------------ */

static void
conn_close(struct sts_fetch *f)
{
	if (f->conn_ev != NULL) {
		event_free(f->conn_ev);
		f->conn_ev = NULL;
	}
	if (f->bev != NULL) {
		bufferevent_free(f->bev);	/* closes fd, frees the SSL */
		f->bev = NULL;
	} else if (f->fd >= 0) {
		close(f->fd);
	}
	f->fd = -1;
	if (f->timer != NULL)
		loop_timer_stop(f->timer);
	if (f->ctx->cap != NULL)
		conncap_release(f->ctx->cap, &f->slot);
}

static void
fetch_free(struct sts_fetch *f)
{
	conn_close(f);
	loop_timer_free(f->timer);
	http_response_fini(&f->resp);
	free(f->buf);
	free(f);
}

/* Report and free; body (may be NULL) points into f->buf. */
static void
finish(struct sts_fetch *f, const char *body, size_t len)
{
	struct sts_fetch_result r = f->res;
	sts_fetch_cb cb = f->cb;
	void *arg = f->arg;
	uint64_t us = loop_now_us(f->ctx->loop) - f->t_start;
	char *keep = NULL;

	r.elapsed_ms = us / 1000 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(us / 1000);
	if (r.status == STS_FETCH_OK) {
		/* The buffer goes with the fetch: the body is handed over
		 * in a copy of its own. */
		keep = xmalloc(len ? len : 1);
		memcpy(keep, body, len);
		r.body = keep;
		r.len = len;
	}
	fetch_free(f);
	ERR_clear_error();
	cb(&r, arg);
	free(keep);
}

static void
fail(struct sts_fetch *f, enum sts_fetch_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct sts_fetch *f, enum sts_fetch_status st, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(f->res.error, sizeof(f->res.error), "%.255s [%s]: %.200s", f->host,
	    f->addr, what);
	f->res.status = st;
	finish(f, NULL, 0);
}

static void
timer_arm(struct sts_fetch *f, uint32_t ms)
{
	uint64_t us = (uint64_t)ms * 1000;
	uint64_t now = loop_now_us(f->ctx->loop);
	uint64_t margin = (uint64_t)STS_DEADLINE_MARGIN_MS * 1000;
	uint64_t left = f->deadline > now + margin ?
	    f->deadline - now - margin : 0;

	f->clipped = f->deadline != 0 && left < us;
	loop_timer_start(f->timer, f->clipped ? left : us);
}

/* --- the response ------------------------------------------------------- */

/*
 * The body so far: true when the fetch ended (reported).  eof: the peer
 * closed.
 */
static bool
body_progress(struct sts_fetch *f, bool eof)
{
	char *b = f->buf + f->resp.head_len;
	size_t blen = f->len - f->resp.head_len;
	uint64_t cl;
	int rc;

	if (http_response_is_chunked(&f->resp)) {
		/* Decoded in place, resumed where the last read stopped. */
		rc = http_chunked_feed(&f->chunked, b, blen, b, STS_MAX_BODY);
		if (rc == 1) {
			f->res.status = STS_FETCH_OK;
			finish(f, b, f->chunked.n);
			return true;
		}
		if (rc < 0 && f->chunked.n >= STS_MAX_BODY) {
			fail(f, STS_FETCH_SIZE, "body over %d bytes",
			    STS_MAX_BODY);
			return true;
		}
		if (rc < 0) {
			fail(f, STS_FETCH_HTTP, "malformed chunked body");
			return true;
		}
		if (f->len >= STS_READ_CAP) {
			fail(f, STS_FETCH_SIZE, "response over %d bytes",
			    STS_READ_CAP - 1);
			return true;
		}
		if (eof) {
			fail(f, STS_FETCH_HTTP, "connection closed in the "
			    "chunked body");
			return true;
		}
		return false;
	}
	rc = http_response_content_length(&f->resp, &cl);
	if (rc < 0) {
		fail(f, STS_FETCH_HTTP, "bad Content-Length");
		return true;
	}
	if (rc == 1 && cl > STS_MAX_BODY) {
		/* Not read at all: the server said it is too large. */
		fail(f, STS_FETCH_SIZE, "Content-Length %llu over %d bytes",
		    (unsigned long long)cl, STS_MAX_BODY);
		return true;
	}
	if (rc == 1 && blen >= cl) {
		f->res.status = STS_FETCH_OK;
		finish(f, b, (size_t)cl);
		return true;
	}
	if (rc == 0 && blen > STS_MAX_BODY) {
		fail(f, STS_FETCH_SIZE, "body over %d bytes", STS_MAX_BODY);
		return true;
	}
	if (eof) {
		if (rc == 1) {
			fail(f, STS_FETCH_HTTP, "connection closed after %zu "
			    "of %llu body bytes", blen,
			    (unsigned long long)cl);
			return true;
		}
		f->res.status = STS_FETCH_OK;
		finish(f, b, blen);
		return true;
	}
	return false;
}

static void
response_progress(struct sts_fetch *f, bool eof, bool reset)
{
	if (!f->have_head) {
		size_t lim = f->len < HTTP_MAX_HEAD ? f->len : HTTP_MAX_HEAD;
		enum http_parse pr;

		if (http_head_scan(f->buf, lim, &f->head_scan) == 0) {
			if (lim >= HTTP_MAX_HEAD) {
				fail(f, STS_FETCH_HTTP, "%s", http_parse_str(
				    HTTP_PARSE_TOO_LARGE));
				return;
			}
			if (!eof)
				return;
			fail(f, STS_FETCH_HTTP, "connection %s %s",
			    reset ? "reset" : "closed", f->len == 0 ?
			    "before a response" : "in the response head");
			return;
		}
		pr = http_response_parse(f->buf, f->len, &f->resp);
		if (pr != HTTP_PARSE_OK) {
			fail(f, STS_FETCH_HTTP, "%s", http_parse_str(pr));
			return;
		}
		f->have_head = true;
		f->res.http_status = f->resp.status;
		/* RFC 8461 3.3: 200 only; "HTTP 3xx redirects MUST NOT be
		 * followed". */
		if (f->resp.status != 200) {
			fail(f, STS_FETCH_STATUS, "HTTP status %d%s",
			    f->resp.status, f->resp.status / 100 == 3 ?
			    " (redirects are not followed, RFC 8461 3.3)" : "");
			return;
		}
	}
	(void)body_progress(f, eof);
}

/* Move what libevent read into our buffer, up to STS_READ_CAP. */
static void
pull(struct sts_fetch *f)
{
	struct evbuffer *in = bufferevent_get_input(f->bev);
	size_t avail = evbuffer_get_length(in), n = avail;

	if (n > STS_READ_CAP - f->len)
		n = STS_READ_CAP - f->len;
	if (f->len + n > f->cap) {
		size_t c = f->cap != 0 ? f->cap : STS_BUF_INITIAL;

		while (c < f->len + n)
			c *= 2;
		if (c > STS_READ_CAP)
			c = STS_READ_CAP;
		f->buf = xrealloc(f->buf, c);
		f->cap = c;
	}
	if (n > 0)
		evbuffer_remove(in, f->buf + f->len, n);
	f->len += n;
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct sts_fetch *f = arg;

	if (f->state != F_RESPONSE) {
		evbuffer_drain(bufferevent_get_input(bev),
		    evbuffer_get_length(bufferevent_get_input(bev)));
		return;
	}
	pull(f);
	response_progress(f, false, false);
}

static void
send_request(struct sts_fetch *f)
{
	char req[STS_MAX_REQUEST];
	int n = snprintf(req, sizeof(req), "GET " STS_PATH " HTTP/1.1\r\n"
	    "Host: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
	    "Connection: close\r\n\r\n", f->host, f->ctx->user_agent);

	if (n < 0 || (size_t)n >= sizeof(req)) {
		fail(f, STS_FETCH_HTTP, "request too long");
		return;
	}
	f->state = F_RESPONSE;
	bufferevent_write(f->bev, req, (size_t)n);
	timer_arm(f, f->ctx->response_ms);
}

static void
handshake_done(struct sts_fetch *f)
{
	SSL *ssl = bufferevent_openssl_get_ssl(f->bev);
	long v;

	/* RFC 8461 3.3: the certificate must be valid for the policy host
	 * (RFC 6125), chaining to a trusted root, at the validation time. */
	if (SSL_get0_peer_certificate(ssl) == NULL) {
		fail(f, STS_FETCH_CERT, "no certificate");
		return;
	}
	v = tls_verify(f->ctx->tls, ssl, f->host, false);
	if (v != X509_V_OK) {
		fail(f, STS_FETCH_CERT, "certificate: %s", tls_verify_str(v));
		return;
	}
	send_request(f);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct sts_fetch *f = arg;
	char ebuf[160];

	if (what & BEV_EVENT_CONNECTED) {
		if (f->state == F_HANDSHAKE)
			handshake_done(f);
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (f->state == F_HANDSHAKE) {
		int e = EVUTIL_SOCKET_ERROR();

		tls_handshake_why(bufferevent_openssl_get_ssl(bev),
		    bufferevent_get_openssl_error(bev),
		    (what & BEV_EVENT_ERROR) != 0, e, ebuf, sizeof(ebuf));
		fail(f, STS_FETCH_TLS, "TLS handshake failed: %s", ebuf);
		return;
	}
	if (f->state == F_RESPONSE) {
		bool reset = (what & BEV_EVENT_ERROR) &&
		    EVUTIL_SOCKET_ERROR() == ECONNRESET;

		pull(f);
		ERR_clear_error();
		response_progress(f, true, reset);
	}
}

/* --- connecting --------------------------------------------------------- */

static void connect_start(struct sts_fetch *f);

static void
connected(struct sts_fetch *f)
{
	struct sts_fetch_ctx *c = f->ctx;
	SSL *ssl;

	loop_timer_stop(f->timer);
	if (f->conn_ev != NULL) {
		event_free(f->conn_ev);
		f->conn_ev = NULL;
	}
	ssl = tls_ssl_new(c->tls, f->host, false, NULL);
	if (ssl == NULL) {
		fail(f, STS_FETCH_TLS, "cannot create a TLS session");
		return;
	}
	f->bev = bufferevent_openssl_socket_new(c->base, f->fd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (f->bev == NULL) {
		SSL_free(ssl);
		fail(f, STS_FETCH_TLS, "cannot create a TLS stream");
		return;
	}
	f->fd = -1;			/* the bufferevent closes it */
	/* A peer that closes without close_notify has still sent what it
	 * sent (HTTP framing tells the rest). */
	bufferevent_openssl_set_allow_dirty_shutdown(f->bev, 1);
	f->state = F_HANDSHAKE;
	bufferevent_setcb(f->bev, read_cb, NULL, event_cb, f);
	bufferevent_enable(f->bev, EV_READ | EV_WRITE);
	timer_arm(f, c->handshake_ms);
}

/* The connect to the current address failed: the next address, if any. */
static void
connect_failed(struct sts_fetch *f, int err)
{
	if (f->cur + 1 < f->naddr) {
		conn_close(f);
		f->cur++;
		connect_start(f);
		return;
	}
	fail(f, STS_FETCH_CONNECT, "connect: %s", strerror(err));
}

static void
conn_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sts_fetch *f = arg;
	int err = 0;
	socklen_t elen = sizeof(err);

	(void)what;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		err = errno;
	if (err != 0) {
		connect_failed(f, err);
		return;
	}
	connected(f);
}

/* Why the crawler may not contact a, or NULL. */
static const char *
blocked(const struct sts_fetch_ctx *c, const struct netaddr *a)
{
	const char *why = blocklist_reason(c->bl, a);

	if (why == NULL && c->optout != NULL && optout_has_addr(c->optout, a))
		why = "opted out (--opt-out)";
	return why;
}

static void
slot_granted(void *arg)
{
	struct sts_fetch *f = arg;

	/* From inside another connection's release: connect from the loop. */
	loop_timer_start(f->timer, 0);
}

/* Connect to the current address (its slot held, or none asked). */
static void
do_connect(struct sts_fetch *f)
{
	struct sts_fetch_ctx *c = f->ctx;
	const char *why;
	int fd, one = 1;

	/* Right before connect(): the blocklist and the opt-out list. */
	why = blocked(c, &f->addrs[f->cur]);
	if (why != NULL) {
		fail(f, STS_FETCH_CONNECT, "blocked: %s", why);
		return;
	}
	fd = socket(f->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(f, STS_FETCH_CONNECT, "socket: %s", strerror(errno));
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	f->fd = fd;
	f->state = F_CONNECTING;
	if (connect(fd, (struct sockaddr *)&f->ss, f->sslen) == 0) {
		connected(f);
		return;
	}
	if (errno != EINPROGRESS) {
		connect_failed(f, errno);
		return;
	}
	f->conn_ev = event_new(c->base, fd, EV_WRITE, conn_ev_cb, f);
	if (f->conn_ev == NULL || event_add(f->conn_ev, NULL) != 0) {
		fail(f, STS_FETCH_CONNECT, "cannot watch the socket");
		return;
	}
	timer_arm(f, c->connect_ms);
}

/* Begin with the current address: its slot of the cap, then connect from
 * the loop (so that no callback runs inside stsfetch_start). */
static void
connect_start(struct sts_fetch *f)
{
	struct sts_fetch_ctx *c = f->ctx;

	netaddr_format(&f->addrs[f->cur], f->addr, sizeof(f->addr));
	f->sslen = (socklen_t)netaddr_to_sockaddr(&f->addrs[f->cur], c->port,
	    &f->ss);
	f->state = F_WAIT_SLOT;
	if (c->cap == NULL || conncap_acquire(c->cap,
	    (const struct sockaddr *)&f->ss, &f->slot, slot_granted, f))
		loop_timer_start(f->timer, 0);
	else if (f->deadline != 0)
		timer_arm(f, UINT32_MAX / 1000);
}

static const char *
waiting_for(enum sts_state s)
{
	switch (s) {
	case F_WAIT_SLOT:
		return "wait for a connection slot";
	case F_CONNECTING:
		return "connect";
	case F_HANDSHAKE:
		return "TLS handshake";
	case F_RESPONSE:
		break;
	}
	return "response";
}

static void
timer_cb(void *arg)
{
	struct sts_fetch *f = arg;
	uint32_t bound = 0;

	switch (f->state) {
	case F_WAIT_SLOT:
		if (f->ctx->cap == NULL || f->slot.holding) {
			do_connect(f);
			return;
		}
		/* Still queued: the deadline came first. */
		fail(f, STS_FETCH_DEADLINE, "wait for a connection slot cut "
		    "by the deadline");
		return;
	case F_CONNECTING:
		bound = f->ctx->connect_ms;
		break;
	case F_HANDSHAKE:
		bound = f->ctx->handshake_ms;
		break;
	case F_RESPONSE:
		bound = f->ctx->response_ms;
		break;
	}
	if (f->clipped) {
		fail(f, STS_FETCH_DEADLINE, "%s cut by the deadline",
		    waiting_for(f->state));
		return;
	}
	fail(f, STS_FETCH_TIMEOUT, "%s not complete within %u ms",
	    waiting_for(f->state), (unsigned)bound);
}

struct sts_fetch *
stsfetch_start(struct sts_fetch_ctx *c, const char *host,
    const struct netaddr *addrs, size_t naddr, uint64_t deadline_us,
    sts_fetch_cb cb, void *arg, char *err, size_t errlen)
{
	struct sts_fetch *f;
	const char *why = NULL;
	char text[NETADDR_STRLEN] = "";
	size_t i, n = 0;

	if (host == NULL || host[0] == '\0' || strlen(host) > STS_MAX_HOST ||
	    strpbrk(host, "\r\n ") != NULL) {
		snprintf(err, errlen, "MTA-STS host name missing, over %d "
		    "bytes or malformed", STS_MAX_HOST);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	for (i = 0; i < naddr && n < STS_MAX_ADDRS; i++) {
		const char *w = blocked(c, &addrs[i]);

		if (w != NULL) {
			if (why == NULL) {
				why = w;
				netaddr_format(&addrs[i], text, sizeof(text));
			}
			continue;
		}
		f->addrs[n++] = addrs[i];
	}
	if (n == 0) {
		free(f);
		if (why != NULL)
			snprintf(err, errlen, "%s [%s]: blocked: %s", host,
			    text, why);
		else
			snprintf(err, errlen, "%s: no address", host);
		return NULL;
	}
	f->ctx = c;
	f->naddr = n;
	f->fd = -1;
	f->cb = cb;
	f->arg = arg;
	snprintf(f->host, sizeof(f->host), "%s", host);
	f->t_start = loop_now_us(c->loop);
	f->deadline = deadline_us;
	f->timer = loop_timer_new(c->loop, timer_cb, f);
	connect_start(f);
	return f;
}

void
stsfetch_abort(struct sts_fetch *f)
{
	if (f == NULL)
		return;
	fetch_free(f);
}
