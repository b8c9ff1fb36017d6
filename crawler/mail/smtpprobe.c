/*
 * smtpprobe.c - the SMTP probe (smtpprobe.h): one (MX name, address) as a
 * state machine on the crawl's loop.
 *
 *   WAIT_SLOT -> CONNECTING -> BANNER -> EHLO -> STARTTLS -> HANDSHAKE
 *                                          |         |          |
 *                                          +---------+----------+-> QUIT
 *
 * Each state has one timer (its named bound, clipped to the caller's
 * deadline less SMTP_DEADLINE_MARGIN_MS).  The outcome is fixed before
 * QUIT; QUIT only says goodbye, for at most SMTP_QUIT_TIMEOUT_MS, and
 * never changes the result.
 *
 * Before TLS the bytes go through a plain bufferevent that does not own
 * the socket; at STARTTLS's 220 it is freed and an OpenSSL bufferevent
 * takes the socket (and closes it).  Like webprobe.c, this module
 * includes <event2/bufferevent_ssl.h> itself (docs/web.md).
 *
 * DANE (RFC 7671, RFC 7672): tls_dane_set before the handshake, the
 * verdict from tls_verify(..., true) after it (tls.h; docs/mail.md).
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
#include "loop.h"
#include "netaddr.h"
#include "optout.h"
#include "smtp_reply.h"
#include "smtpprobe.h"
#include "tls.h"
#include "util.h"

/* First size of the reply buffer; it doubles up to SMTP_MAX_READ. */
#define SMTP_BUF_INITIAL 1024
/* TLSA records of one RRset taken (DNS answers hold a few; the rest are
 * ignored, as unusable ones would be). */
#define SMTP_MAX_TLSA 16
/* Bytes of one TLSA record's data: a full certificate (matching type 0)
 * fits; a digest is 32 or 64. */
#define SMTP_MAX_TLSA_DATA 8192

struct smtp_ctx {
	struct loop *loop;
	struct event_base *base;
	struct tls_ctx *tls;
	const struct blocklist *bl;
	const struct optout *optout;
	struct conncap *cap;
	char ehlo[SMTP_MAX_NAME + 1];
	uint16_t port;
	uint32_t connect_ms, banner_ms, command_ms, handshake_ms, quit_ms;
	struct smtp_stats stats;
};

enum smtp_state {
	P_WAIT_SLOT = 0,	/* the address's connection cap is reached */
	P_CONNECTING,
	P_BANNER,		/* connected, reading the greeting */
	P_EHLO,			/* EHLO sent, reading its reply */
	P_STARTTLS,		/* STARTTLS sent, reading its reply */
	P_HANDSHAKE,		/* TLS handshake */
	P_QUIT,			/* outcome known, QUIT sent */
};

struct smtp_probe {
	struct smtp_ctx *ctx;
	enum smtp_state state;
	char mx[SMTP_MAX_NAME + 1];
	char addr[NETADDR_STRLEN];
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct tls_tlsa tlsa[SMTP_MAX_TLSA];
	uint8_t *tlsa_data;		/* the records' data, one block */
	size_t ntlsa;
	bool dane_on;			/* usable TLSA records were added */
	uint64_t t_start, deadline;
	int fd;				/* ours until a TLS bufferevent owns it */
	struct event *conn_ev;
	struct bufferevent *bev;
	struct loop_timer *timer;
	bool clipped;			/* the timer is the caller's deadline */
	struct conncap_wait slot;
	char *buf;			/* reply bytes not consumed yet */
	size_t len, cap, total;		/* total: bytes read before TLS */
	bool over;			/* more than SMTP_MAX_READ came */
	struct smtp_reply reply;
	struct smtp_result res;
	smtp_done_cb cb;
	void *arg;
};

const char *
smtp_outcome_str(enum smtp_outcome o)
{
	switch (o) {
	case SMTP_TLS:
		return "tls";
	case SMTP_NO_STARTTLS:
		return "no_starttls";
	case SMTP_STARTTLS_REFUSED:
		return "starttls_refused";
	case SMTP_TLS_FAILED:
		return "tls_failed";
	case SMTP_CONNECT_FAILED:
		return "connect_failed";
	case SMTP_BANNER_REFUSED:
		return "banner_refused";
	case SMTP_PROTOCOL:
		return "protocol";
	case SMTP_TIMEOUT:
		return "timeout";
	}
	return "protocol";
}

const char *
smtp_dane_str(enum smtp_dane d)
{
	switch (d) {
	case SMTP_DANE_VALID:
		return "valid";
	case SMTP_DANE_INVALID:
		return "invalid";
	case SMTP_DANE_NONE:
		break;
	}
	return "none";
}

/* A host name we may send in EHLO: letters, digits, '-', '.' (RFC 5321
 * 4.1.1.1, Domain), 1 to SMTP_MAX_NAME bytes. */
static bool
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SMTP_MAX_NAME)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-.") == n;
}

static uint32_t
or_default(uint32_t v, uint32_t def)
{
	return v != 0 ? v : def;
}

struct smtp_ctx *
smtp_ctx_new(const struct smtp_ctx_options *o, char *err, size_t errlen)
{
	struct smtp_ctx *c;

	if (o->ehlo_name == NULL || !valid_name(o->ehlo_name)) {
		snprintf(err, errlen, "EHLO name \"%s\" is not a host name of "
		    "1 to %d letters, digits, '-' and '.'", o->ehlo_name != NULL ?
		    o->ehlo_name : "", SMTP_MAX_NAME);
		return NULL;
	}
	if (tls_ctx_dane_enable(o->tls) != 0) {
		snprintf(err, errlen, "OpenSSL: DANE cannot be enabled");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->loop = o->loop;
	c->base = loop_event_base(o->loop);
	c->tls = o->tls;
	c->bl = o->blocklist;
	c->optout = o->optout;
	c->cap = o->cap;
	snprintf(c->ehlo, sizeof(c->ehlo), "%s", o->ehlo_name);
	c->port = o->port != 0 ? o->port : SMTP_PORT;
	c->connect_ms = or_default(o->connect_ms, SMTP_CONNECT_TIMEOUT_MS);
	c->banner_ms = or_default(o->banner_ms, SMTP_BANNER_TIMEOUT_MS);
	c->command_ms = or_default(o->command_ms, SMTP_COMMAND_TIMEOUT_MS);
	c->handshake_ms = or_default(o->handshake_ms,
	    SMTP_HANDSHAKE_TIMEOUT_MS);
	c->quit_ms = or_default(o->quit_ms, SMTP_QUIT_TIMEOUT_MS);
	/* A peer that resets the connection must not kill the crawl. */
	signal(SIGPIPE, SIG_IGN);
	return c;
}

void
smtp_ctx_free(struct smtp_ctx *c)
{
	free(c);
}

void
smtp_ctx_stats(const struct smtp_ctx *c, struct smtp_stats *out)
{
	*out = c->stats;
}

/* --- the end of a probe ------------------------------------------------ */

/* Close the connection and give back the slot (the probe stays). */
static void
conn_close(struct smtp_probe *p)
{
	if (p->conn_ev != NULL) {
		event_free(p->conn_ev);
		p->conn_ev = NULL;
	}
	if (p->bev != NULL) {
		bufferevent_free(p->bev);
		p->bev = NULL;
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->timer != NULL)
		loop_timer_stop(p->timer);
	if (p->ctx->cap != NULL)
		conncap_release(p->ctx->cap, &p->slot);
}

static void
probe_free(struct smtp_probe *p)
{
	conn_close(p);
	loop_timer_free(p->timer);
	free(p->buf);
	free(p->tlsa_data);
	free(p);
}

/* Report the result and free the probe. */
static void
finish(struct smtp_probe *p)
{
	struct smtp_result r = p->res;
	smtp_done_cb cb = p->cb;
	void *arg = p->arg;
	uint64_t us = loop_now_us(p->ctx->loop) - p->t_start;

	r.elapsed_ms = us / 1000 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(us / 1000);
	p->ctx->stats.outcome[r.outcome]++;
	probe_free(p);
	ERR_clear_error();
	cb(&r, arg);
}

/* The result's error: "MX [ADDR]: what". */
static void
note(struct smtp_probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
note_v(struct smtp_probe *p, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
note_v(struct smtp_probe *p, const char *fmt, va_list ap)
{
	char what[200];

	vsnprintf(what, sizeof(what), fmt, ap);
	snprintf(p->res.error, sizeof(p->res.error), "%s [%s]: %s", p->mx,
	    p->addr, what);
}

static void
note(struct smtp_probe *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_v(p, fmt, ap);
	va_end(ap);
}

/* The outcome is o, with what happened: report it now. */
static void
fail(struct smtp_probe *p, enum smtp_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct smtp_probe *p, enum smtp_outcome o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_v(p, fmt, ap);
	va_end(ap);
	p->res.outcome = o;
	finish(p);
}

/* Arm the state's timer for ms, clipped to the deadline less the margin. */
static void
timer_arm(struct smtp_probe *p, uint32_t ms)
{
	uint64_t us = (uint64_t)ms * 1000;
	uint64_t now = loop_now_us(p->ctx->loop);
	uint64_t margin = (uint64_t)SMTP_DEADLINE_MARGIN_MS * 1000;
	uint64_t left = p->deadline > now + margin ?
	    p->deadline - now - margin : 0;

	p->clipped = p->deadline != 0 && left < us;
	loop_timer_start(p->timer, p->clipped ? left : us);
}

/* Send a command: its verb and, for EHLO, our name (RFC 5321 4.1.1). */
static void
send_cmd(struct smtp_probe *p, const char *verb, const char *arg)
{
	char line[SMTP_MAX_NAME + 16];
	int n = snprintf(line, sizeof(line), "%s%s%s\r\n", verb,
	    arg != NULL ? " " : "", arg != NULL ? arg : "");

	bufferevent_write(p->bev, line, (size_t)n);
}

/* The outcome is known: say QUIT and wait a little for the goodbye. */
static void
quit(struct smtp_probe *p)
{
	p->state = P_QUIT;
	send_cmd(p, "QUIT", NULL);
	timer_arm(p, p->ctx->quit_ms);
	/* Clipped or not, the end of QUIT is no timeout of the probe. */
}

/* --- replies ----------------------------------------------------------- */

static const char *
waiting_for(enum smtp_state s)
{
	switch (s) {
	case P_BANNER:
		return "the greeting";
	case P_EHLO:
		return "the EHLO reply";
	case P_STARTTLS:
		return "the STARTTLS reply";
	case P_HANDSHAKE:
		return "the TLS handshake";
	case P_WAIT_SLOT:
	case P_CONNECTING:
		return "connect";
	case P_QUIT:
		break;
	}
	return "QUIT";
}

static void handshake_start(struct smtp_probe *p);

/* Drop the reply just handled from the buffer. */
static void
consume(struct smtp_probe *p)
{
	size_t n = p->reply.len;

	memmove(p->buf, p->buf + n, p->len - n);
	p->len -= n;
	smtp_reply_init(&p->reply);
}

/*
 * A complete reply in the current state.  Returns false when the probe
 * ended (freed) or left the plaintext exchange.
 */
static bool
on_reply(struct smtp_probe *p)
{
	int code = p->reply.code;

	p->res.code = code;
	switch (p->state) {
	case P_BANNER:
		if (code / 100 == 4 || code / 100 == 5) {
			fail(p, SMTP_BANNER_REFUSED, "%d at connect", code);
			return false;
		}
		if (code / 100 != 2) {
			fail(p, SMTP_PROTOCOL, "greeting with code %d", code);
			return false;
		}
		consume(p);
		p->state = P_EHLO;
		send_cmd(p, "EHLO", p->ctx->ehlo);
		timer_arm(p, p->ctx->command_ms);
		return true;
	case P_EHLO:
		if (code / 100 != 2) {
			/* An EHLO refused (a server without ESMTP, RFC 5321
			 * 4.1.4) has no STARTTLS either. */
			consume(p);
			note(p, "EHLO answered %d", code);
			p->res.outcome = SMTP_NO_STARTTLS;
			quit(p);
			return false;
		}
		if (!(p->reply.flags & SMTP_EXT_STARTTLS)) {
			consume(p);
			note(p, "no STARTTLS in the EHLO reply");
			p->res.outcome = SMTP_NO_STARTTLS;
			quit(p);
			return false;
		}
		consume(p);
		p->state = P_STARTTLS;
		send_cmd(p, "STARTTLS", NULL);
		timer_arm(p, p->ctx->command_ms);
		return true;
	case P_STARTTLS:
		if (code / 100 != 2) {
			consume(p);
			note(p, "STARTTLS answered %d", code);
			p->res.outcome = SMTP_STARTTLS_REFUSED;
			quit(p);
			return false;
		}
		/* Bytes after the 220 and before our ClientHello would be
		 * read as if they came over TLS (the STARTTLS command
		 * injection of CVE-2011-0411's kind): refused. */
		if (p->len > p->reply.len) {
			fail(p, SMTP_TLS_FAILED, "%zu bytes after the STARTTLS "
			    "reply, before TLS", p->len - p->reply.len);
			return false;
		}
		consume(p);
		handshake_start(p);
		return false;
	case P_WAIT_SLOT:
	case P_CONNECTING:
	case P_HANDSHAKE:
	case P_QUIT:
		break;
	}
	return false;
}

/* Parse what the buffer holds.  eof: the peer closed (reset: by RST). */
static void
process(struct smtp_probe *p, bool eof, bool reset)
{
	for (;;) {
		enum smtp_parse pr;

		if (p->state != P_BANNER && p->state != P_EHLO &&
		    p->state != P_STARTTLS)
			return;
		pr = smtp_reply_parse(p->buf, p->len, &p->reply);
		if (pr == SMTP_PARSE_ERROR) {
			fail(p, SMTP_PROTOCOL, "%s: %s", waiting_for(p->state),
			    smtp_reply_err_str(p->reply.err));
			return;
		}
		if (pr == SMTP_PARSE_MORE) {
			if (p->over)
				fail(p, SMTP_PROTOCOL, "over %d bytes before "
				    "TLS", SMTP_MAX_READ);
			else if (eof)
				fail(p, SMTP_PROTOCOL, "connection %s while "
				    "waiting for %s", reset ? "reset" : "closed",
				    waiting_for(p->state));
			return;
		}
		if (!on_reply(p))
			return;
	}
}

/* Move what libevent read into our buffer, up to SMTP_MAX_READ over the
 * session; what is past it is dropped and marks the session over. */
static void
pull(struct smtp_probe *p)
{
	struct evbuffer *in = bufferevent_get_input(p->bev);
	size_t avail = evbuffer_get_length(in), n = avail;

	if (n > SMTP_MAX_READ - p->total) {
		n = SMTP_MAX_READ - p->total;
		p->over = true;
	}
	if (p->len + n > p->cap) {
		size_t c = p->cap != 0 ? p->cap : SMTP_BUF_INITIAL;

		while (c < p->len + n)
			c *= 2;
		if (c > SMTP_MAX_READ)
			c = SMTP_MAX_READ;
		p->buf = xrealloc(p->buf, c);
		p->cap = c;
	}
	if (n > 0)
		evbuffer_remove(in, p->buf + p->len, n);
	p->len += n;
	p->total += n;
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct smtp_probe *p = arg;

	if (p->state == P_QUIT) {
		/* The goodbye (221), or anything: done. */
		evbuffer_drain(bufferevent_get_input(bev),
		    evbuffer_get_length(bufferevent_get_input(bev)));
		finish(p);
		return;
	}
	if (p->state == P_HANDSHAKE)
		return;
	pull(p);
	process(p, false, false);
}

/* --- TLS --------------------------------------------------------------- */

static void
handshake_done(struct smtp_probe *p)
{
	SSL *ssl = bufferevent_openssl_get_ssl(p->bev);
	const struct tls_ctx *t = p->ctx->tls;

	p->res.outcome = SMTP_TLS;
	snprintf(p->res.tls_version, sizeof(p->res.tls_version), "%s",
	    SSL_get_version(ssl));
	snprintf(p->res.cert_verify, sizeof(p->res.cert_verify), "%s",
	    SSL_get0_peer_certificate(ssl) != NULL ?
	    tls_verify_str(tls_verify(t, ssl, p->mx, false)) : "other");
	if (p->dane_on)
		p->res.dane = tls_verify(t, ssl, p->mx, true) == X509_V_OK ?
		    SMTP_DANE_VALID : SMTP_DANE_INVALID;
	quit(p);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct smtp_probe *p = arg;
	char ebuf[160];

	if (what & BEV_EVENT_CONNECTED) {
		if (p->state == P_HANDSHAKE)
			handshake_done(p);
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (p->state == P_QUIT) {
		finish(p);
		return;
	}
	if (p->state == P_HANDSHAKE) {
		int e = EVUTIL_SOCKET_ERROR();

		tls_handshake_why(bufferevent_openssl_get_ssl(bev),
		    bufferevent_get_openssl_error(bev),
		    (what & BEV_EVENT_ERROR) != 0, e, ebuf, sizeof(ebuf));
		fail(p, SMTP_TLS_FAILED, "TLS handshake failed: %s", ebuf);
		return;
	}
	pull(p);
	process(p, true, (what & BEV_EVENT_ERROR) &&
	    EVUTIL_SOCKET_ERROR() == ECONNRESET);
}

static void
handshake_start(struct smtp_probe *p)
{
	struct smtp_ctx *c = p->ctx;
	SSL *ssl;
	int n;

	bufferevent_free(p->bev);	/* the plain one: the socket stays */
	p->bev = NULL;
	ssl = tls_ssl_new(c->tls, p->mx, false, NULL);
	if (ssl == NULL) {
		fail(p, SMTP_TLS_FAILED, "cannot create a TLS session");
		return;
	}
	/* No ALPN: SMTP has none registered (tls_ssl_new offers HTTP's). */
	SSL_set_alpn_protos(ssl, NULL, 0);
	if (p->ntlsa > 0) {
		n = tls_dane_set(ssl, p->mx, p->tlsa, p->ntlsa, true);
		p->dane_on = n > 0;
	}
	p->bev = bufferevent_openssl_socket_new(c->base, p->fd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL) {
		SSL_free(ssl);
		fail(p, SMTP_TLS_FAILED, "cannot create a TLS stream");
		return;
	}
	p->fd = -1;			/* the TLS bufferevent closes it */
	bufferevent_openssl_set_allow_dirty_shutdown(p->bev, 1);
	p->state = P_HANDSHAKE;
	bufferevent_setcb(p->bev, read_cb, NULL, event_cb, p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	timer_arm(p, c->handshake_ms);
}

/* --- connecting -------------------------------------------------------- */

static void
connected(struct smtp_probe *p)
{
	struct smtp_ctx *c = p->ctx;

	loop_timer_stop(p->timer);
	if (p->conn_ev != NULL) {
		event_free(p->conn_ev);
		p->conn_ev = NULL;
	}
	/* Not BEV_OPT_CLOSE_ON_FREE: the socket outlives this bufferevent
	 * when STARTTLS hands it to TLS. */
	p->bev = bufferevent_socket_new(c->base, p->fd, 0);
	if (p->bev == NULL) {
		fail(p, SMTP_CONNECT_FAILED, "cannot create a stream");
		return;
	}
	p->state = P_BANNER;
	bufferevent_setcb(p->bev, read_cb, NULL, event_cb, p);
	bufferevent_setwatermark(p->bev, EV_READ, 0, SMTP_MAX_LINE);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	timer_arm(p, c->banner_ms);
}

static void
conn_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_probe *p = arg;
	int err = 0;
	socklen_t elen = sizeof(err);

	(void)what;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		err = errno;
	if (err != 0) {
		fail(p, SMTP_CONNECT_FAILED, "connect: %s", strerror(err));
		return;
	}
	connected(p);
}

/* Why the crawler may not contact the probe's address, or NULL. */
static const char *
blocked(const struct smtp_ctx *c, const char *addr)
{
	const char *why = blocklist_reason_text(c->bl, addr);

	if (why == NULL && c->optout != NULL &&
	    optout_has_addr_text(c->optout, addr))
		why = "opted out (--opt-out)";
	return why;
}

static void
connect_start(struct smtp_probe *p)
{
	struct smtp_ctx *c = p->ctx;
	const char *why;
	int fd, one = 1;

	/* Right before connect(): the blocklist and the opt-out list. */
	why = blocked(c, p->addr);
	if (why != NULL) {
		c->stats.blocked++;
		fail(p, SMTP_CONNECT_FAILED, "blocked: %s", why);
		return;
	}
	fd = socket(p->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(p, SMTP_CONNECT_FAILED, "socket: %s", strerror(errno));
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	p->fd = fd;
	p->state = P_CONNECTING;
	if (connect(fd, (struct sockaddr *)&p->ss, p->sslen) == 0) {
		connected(p);
		return;
	}
	if (errno != EINPROGRESS) {
		fail(p, SMTP_CONNECT_FAILED, "connect: %s", strerror(errno));
		return;
	}
	p->conn_ev = event_new(c->base, fd, EV_WRITE, conn_ev_cb, p);
	if (p->conn_ev == NULL || event_add(p->conn_ev, NULL) != 0) {
		fail(p, SMTP_CONNECT_FAILED, "cannot watch the socket");
		return;
	}
	timer_arm(p, c->connect_ms);
}

static uint32_t
state_bound(const struct smtp_probe *p)
{
	const struct smtp_ctx *c = p->ctx;

	switch (p->state) {
	case P_CONNECTING:
		return c->connect_ms;
	case P_BANNER:
		return c->banner_ms;
	case P_EHLO:
	case P_STARTTLS:
		return c->command_ms;
	case P_HANDSHAKE:
		return c->handshake_ms;
	case P_WAIT_SLOT:
	case P_QUIT:
		break;
	}
	return c->quit_ms;
}

static void
timer_cb(void *arg)
{
	struct smtp_probe *p = arg;

	switch (p->state) {
	case P_WAIT_SLOT:
		if (p->ctx->cap == NULL || p->slot.holding) {
			connect_start(p);
			return;
		}
		/* Still queued: the deadline came first. */
		p->res.deadline_cut = true;
		fail(p, SMTP_TIMEOUT, "wait for a connection slot cut by the "
		    "deadline");
		return;
	case P_QUIT:
		finish(p);
		return;
	case P_CONNECTING:
	case P_BANNER:
	case P_EHLO:
	case P_STARTTLS:
	case P_HANDSHAKE:
		break;
	}
	if (p->clipped) {
		p->res.deadline_cut = true;
		fail(p, SMTP_TIMEOUT, "%s cut by the deadline",
		    waiting_for(p->state));
		return;
	}
	fail(p, SMTP_TIMEOUT, "%s not complete within %u ms",
	    waiting_for(p->state), (unsigned)state_bound(p));
}

static void
slot_granted(void *arg)
{
	struct smtp_probe *p = arg;

	/* From inside another probe's release: connect from the loop. */
	loop_timer_start(p->timer, 0);
}

/* Copy the TLSA RRset (borrowed by the caller) into the probe. */
static void
take_tlsa(struct smtp_probe *p, const struct smtp_target *t)
{
	size_t i, n = t->ntlsa < SMTP_MAX_TLSA ? t->ntlsa : SMTP_MAX_TLSA;
	size_t total = 0, off = 0;

	if (!t->tlsa_secure || t->tlsa == NULL)
		return;
	for (i = 0; i < n; i++)
		if (t->tlsa[i].len <= SMTP_MAX_TLSA_DATA)
			total += t->tlsa[i].len;
	p->tlsa_data = xmalloc(total ? total : 1);
	for (i = 0; i < n; i++) {
		if (t->tlsa[i].len > SMTP_MAX_TLSA_DATA)
			continue;
		p->tlsa[p->ntlsa] = t->tlsa[i];
		memcpy(p->tlsa_data + off, t->tlsa[i].data, t->tlsa[i].len);
		p->tlsa[p->ntlsa].data = p->tlsa_data + off;
		off += t->tlsa[i].len;
		p->ntlsa++;
	}
}

struct smtp_probe *
smtpprobe_start(struct smtp_ctx *c, const struct smtp_target *t,
	smtp_done_cb cb, void *arg, char *err, size_t errlen)
{
	struct smtp_probe *p;
	char addr[NETADDR_STRLEN];
	const char *why;

	netaddr_format(&t->addr, addr, sizeof(addr));
	if (t->mx == NULL || strlen(t->mx) > SMTP_MAX_NAME) {
		snprintf(err, errlen, "[%s]: MX name missing or over %d bytes",
		    addr, SMTP_MAX_NAME);
		return NULL;
	}
	why = blocked(c, addr);
	if (why != NULL) {
		c->stats.blocked++;
		snprintf(err, errlen, "%s [%s]: blocked: %s", t->mx, addr, why);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->ctx = c;
	p->fd = -1;
	p->cb = cb;
	p->arg = arg;
	snprintf(p->mx, sizeof(p->mx), "%s", t->mx);
	memcpy(p->addr, addr, sizeof(addr));
	p->sslen = (socklen_t)netaddr_to_sockaddr(&t->addr, c->port, &p->ss);
	take_tlsa(p, t);
	p->t_start = loop_now_us(c->loop);
	p->deadline = t->deadline_us;
	p->timer = loop_timer_new(c->loop, timer_cb, p);
	smtp_reply_init(&p->reply);
	c->stats.started++;
	p->state = P_WAIT_SLOT;
	/* Connect from the loop, so that cb never runs inside this call. */
	if (c->cap == NULL || conncap_acquire(c->cap,
	    (const struct sockaddr *)&p->ss, &p->slot, slot_granted, p))
		loop_timer_start(p->timer, 0);
	else if (p->deadline != 0)
		timer_arm(p, UINT32_MAX / 1000);
	return p;
}

void
smtpprobe_abort(struct smtp_probe *p)
{
	if (p == NULL)
		return;
	p->ctx->stats.aborted++;
	probe_free(p);
}
