/*
 * webprobe.c - the web stage of a domain job (webprobe.h).
 *
 * One connection at a time per job, each a small state machine:
 *
 *   WEB_WAIT_SLOT -> WEB_CONNECTING -> [WEB_HANDSHAKE] -> WEB_RESPONSE
 *
 * and the job walks its steps:
 *
 *   STEP_TLS     443, ALPN h2,http/1.1: the tls_* and cert_* columns;
 *                GET / then goes on this connection, over the protocol
 *                the server chose
 *   STEP_ROOT    GET / (on STEP_TLS's connection; a new one, ALPN
 *                http/1.1, only when a kept connection was closed)
 *   STEP_SECTXT  GET /.well-known/security.txt; when not 200, same-host
 *                redirects followed (at most WEB_SECTXT_MAX_REDIRECTS)
 *                and then the legacy /security.txt (RFC 9116 3)
 *   STEP_HTTP80  80: GET / (http_redirects_https)
 *   STEP_V6ROOT  443 of the probed host's first IPv6 address, ALPN
 *                http/1.1: GET / (ipv6_web_reachable, ipv6_web_same),
 *                when the steps above probed its IPv4 address
 *   STEP_ADDRS   443 of each other web address of the probed host, up to
 *                WEB_MAX_ADDRS_TESTED in all: TCP connect and TLS
 *                handshake, nothing sent (web_addrs_tested,
 *                web_addrs_reachable)
 *
 * One connection for GET / and security.txt (docs/web.md): when the
 * server selects h2, each request is a stream on STEP_TLS's connection
 * through nghttp2 (h2.h; GET /'s stream is cancelled once its head is
 * read); over HTTP/1.1 the requests say no Connection: close and GET /'s
 * body is read, up to WEB_KEEPALIVE_MAX_BODY, to keep the connection.
 * When the server closes it, says Connection: close, or sends a body
 * over the bound or of no stated length, the next request goes on a new
 * connection as before.  The other requests say Connection: close and
 * are closed after the response head: no body is read that no column
 * or connection needs.
 *
 * The later HTTPS connections of a job (IPv6, the other addresses, a
 * kept connection's replacement) resume the session of its first
 * (struct tls_resume, tls.h): one full handshake and one certificate
 * parse per domain.
 *
 * This module includes <event2/bufferevent_ssl.h> itself, the one
 * exception to "only loop.c includes event2" (docs/web.md): OpenSSL's
 * non-blocking handshake and record layer on the loop are what
 * bufferevent_openssl is for, and wrapping it in loop.h would copy its API.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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

#include "blocklist.h"
#include "conncap.h"
#include "crawl.h"
#include "cspgrade.h"
#include "h2.h"
#include "headers.h"
#include "hstspreload.h"
#include "http.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "optout.h"
#include "row.h"
#include "tls.h"
#include "util.h"
#include "webprobe.h"
#include "webview.h"

/* First size of a response buffer; it doubles up to the step's cap. */
#define WEB_BUF_INITIAL 4096
/* GET /'s body read on an HTTP/1.1 connection kept for security.txt:
 * 64 KiB, a common home page's HTML, and a read of it costs less than
 * the resumed handshake it saves; a larger body (or one of unknown
 * length) ends the connection after the head, as before (docs/web.md,
 * "One connection"). */
#define WEB_KEEPALIVE_MAX_BODY 65536

struct web_ctx {
	struct crawl *crawl;
	struct event_base *base;
	struct tls_ctx *tls;
	struct conncap *cap;
	const struct blocklist *bl;
	const struct optout *optout;
	const struct hsts_preload *preload;
	char *user_agent;
	int64_t now;
	uint64_t connects, refused, timeouts, handshake_failed, blocked,
	    http_errors, too_large, resumed;
};

enum web_step {
	STEP_TLS = 0,
	STEP_ROOT,
	STEP_SECTXT,
	STEP_HTTP80,
	STEP_V6ROOT,
	STEP_ADDRS,
	STEP_END,
};

enum web_state {
	WEB_IDLE = 0,
	WEB_WAIT_SLOT,		/* the address's connection cap is reached */
	WEB_CONNECTING,		/* TCP connect in progress */
	WEB_HANDSHAKE,		/* TLS handshake in progress */
	WEB_RESPONSE,		/* request sent, reading the response */
};

struct web {
	struct job *job;
	struct web_ctx *ctx;
	enum web_step step;
	enum web_state state;
	struct netaddr na;		/* the address probed */
	struct sockaddr_storage addr;	/* na as a socket address */
	socklen_t addrlen;
	char host[256];			/* probed host: SNI and Host */
	int fd;				/* before the bufferevent owns it */
	struct event *conn_ev;		/* connect writability */
	struct bufferevent *bev;
	struct loop_timer *timer;	/* the current phase's timeout */
	struct conncap_wait slot;
	struct tls_resume resume;	/* this host's session, for resuming */
	bool tls_conn;			/* the connection speaks TLS */
	bool reuse_for_root;		/* STEP_TLS conn carries GET / */
	bool tls_ok;
	bool dane_on;			/* the measured handshake checks DANE */
	bool first_byte;
	bool clipped;			/* the timer is the domain's deadline */
	uint64_t t_req;			/* request sent (us) */
	uint64_t t_tls, t_http;		/* step starts, for tls_ms/http_ms */
	char *buf;
	size_t len, cap;
	struct http_response resp;
	bool have_head;
	size_t head_scan;		/* the head's end searched up to here */
	struct http_chunked chunked;	/* security.txt, decoded in place */
	char sectxt_path[HEADERS_SECTXT_MAX_PATH + 1];	/* STEP_SECTXT's */
	int sectxt_hops;		/* redirects followed for this path */
	bool sectxt_legacy;		/* asking /security.txt */
	/* IPv6 and every address (docs/web.md, "IPv6 and every address") */
	struct netaddr main_na;		/* the address of STEP_TLS .. HTTP80 */
	struct web_view root_view;	/* GET / on main_na, when it came */
	bool have_root_view;
	bool v6_done;			/* ipv6_web_reachable recorded */
	unsigned addr_next;		/* STEP_ADDRS: next of facts.web_all */
	int32_t addrs_tested, addrs_reachable;
	bool http_ms_set;
	/* One connection for GET / and security.txt (docs/web.md) */
	struct h2_conn *h2;		/* the connection speaks h2 */
	struct h2_resp h2r;		/* its current stream's response */
	bool keepalive;			/* HTTP/1.1 request without close */
	bool ka_decided;		/* the response's body was judged */
	bool conn_reusable;		/* ... and leaves the connection clean */
	bool conn_reused;		/* not the connection's first request */
	bool no_reuse;			/* a kept connection failed: no more */
	bool dropped;			/* pull dropped bytes past the cap */
};

static void step_begin(struct web *w);
static void step_next(struct web *w);
static void timer_cb(void *arg);

/*
 * Arm the current phase's timer for us microseconds, clipped to what
 * remains of the domain's deadline less WEB_DEADLINE_MARGIN_MS: when the
 * deadline falls inside a phase, the phase's own timer fires first and
 * the step records what it saw (docs/web.md, "Deadline").
 */
static void
web_timer_arm(struct web *w, uint64_t us)
{
	uint64_t now = loop_now_us(w->job->crawl->loop);
	uint64_t margin = (uint64_t)WEB_DEADLINE_MARGIN_MS * 1000;
	uint64_t left = w->job->deadline_at > now + margin ?
	    w->job->deadline_at - now - margin : 0;

	w->clipped = w->job->deadline_at != 0 && left < us;
	loop_timer_start(w->timer, w->clipped ? left : us);
}

struct web_ctx *
web_ctx_new(struct crawl *c, const struct web_ctx_options *o, char *err,
	size_t errlen)
{
	struct web_ctx *w = xcalloc(1, sizeof(*w));

	w->crawl = c;
	w->base = loop_event_base(c->loop);
	w->bl = o->blocklist;
	w->optout = o->optout;
	w->preload = o->hsts_preload;
	w->now = o->now;
	w->user_agent = xstrdup(o->user_agent);
	w->tls = tls_ctx_new(o->ca_file, (time_t)o->now, err, errlen);
	if (w->tls == NULL) {
		free(w->user_agent);
		free(w);
		return NULL;
	}
	if (tls_ctx_dane_enable(w->tls) != 0) {
		snprintf(err, errlen, "OpenSSL refused DANE");
		tls_ctx_free(w->tls);
		free(w->user_agent);
		free(w);
		return NULL;
	}
	w->cap = conncap_new(o->max_per_addr ? o->max_per_addr :
	    CONNCAP_DEFAULT_MAX);
	/* A peer that resets the connection must not kill the crawl: writes
	 * to it fail with EPIPE instead of raising SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	return w;
}

void
web_ctx_free(struct web_ctx *w)
{
	if (w == NULL)
		return;
	tls_ctx_free(w->tls);
	conncap_free(w->cap);
	free(w->user_agent);
	free(w);
}

void
web_ctx_summary(const struct web_ctx *w, char *buf, size_t len)
{
	uint64_t held, waiting, waits;

	conncap_stats(w->cap, &held, &waiting, &waits);
	snprintf(buf, len, "web: connections %llu (TLS resumed %llu, refused "
	    "%llu, timeouts %llu, handshake failures %llu, blocked %llu, http "
	    "errors %llu, oversized %llu, waits for the per-address cap %llu)",
	    (unsigned long long)w->connects, (unsigned long long)w->resumed,
	    (unsigned long long)w->refused,
	    (unsigned long long)w->timeouts,
	    (unsigned long long)w->handshake_failed,
	    (unsigned long long)w->blocked, (unsigned long long)w->http_errors,
	    (unsigned long long)w->too_large, (unsigned long long)waits);
}

static unsigned
probes(const struct web *w)
{
	return w->job->crawl->cfg->probes;
}

static struct row *
row_of(struct web *w)
{
	return &w->job->row;
}

static void
note(struct web *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first error of the row (later ones are dropped: first wins). */
static void
note(struct web *w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	row_set_str_once(row_of(w), SCHEMA_COL_ERROR, buf);
}

static const char *
step_name(enum web_step s)
{
	switch (s) {
	case STEP_TLS:
		return "tls";
	case STEP_ROOT:
		return "https";
	case STEP_SECTXT:
		return "security.txt";
	case STEP_HTTP80:
		return "http";
	case STEP_V6ROOT:
		return "https over ipv6";
	case STEP_ADDRS:
		return "web address";
	case STEP_END:
		break;
	}
	return "web";
}

static uint16_t
step_port(enum web_step s)
{
	return s == STEP_HTTP80 ? 80 : 443;
}

/* Close the connection of the current step.  The job keeps its slot of
 * the address's connection cap until the stage ends: its steps are one
 * connection at a time, and a job that began the stage finishes it before
 * another begins (few jobs half way through, holding a TLS session). */
static void
resp_reset(struct web *w)
{
	if (w->timer != NULL)
		loop_timer_stop(w->timer);
	http_response_fini(&w->resp);
	w->have_head = false;
	w->head_scan = 0;
	memset(&w->chunked, 0, sizeof(w->chunked));
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
	w->keepalive = w->ka_decided = w->conn_reusable = w->dropped = false;
	w->state = WEB_IDLE;
}

static void
conn_close(struct web *w)
{
	if (w->conn_ev != NULL) {
		event_free(w->conn_ev);
		w->conn_ev = NULL;
	}
	if (w->bev != NULL) {
		bufferevent_free(w->bev);	/* closes fd, frees the SSL */
		w->bev = NULL;
	} else if (w->fd >= 0) {
		close(w->fd);
	}
	w->fd = -1;
	h2_conn_free(w->h2);
	w->h2 = NULL;
	w->conn_reused = false;
	resp_reset(w);
}

/* The current response is over: the connection carries another request
 * (an h2 connection that can open a stream; an HTTP/1.1 one whose last
 * response was read whole, without Connection: close), or is closed. */
static void
conn_done(struct web *w)
{
	bool keep = w->h2 != NULL ? h2_conn_usable(w->h2) : w->conn_reusable;

	if (keep && w->bev != NULL && !w->no_reuse) {
		resp_reset(w);
		w->conn_reused = true;
		return;
	}
	conn_close(w);
}

static void
set_ms(struct web *w, enum schema_col col, uint64_t since)
{
	uint64_t ms = (loop_now_us(w->job->crawl->loop) - since) / 1000;

	row_set_i32(row_of(w), col, ms > INT32_MAX ? INT32_MAX : (int32_t)ms);
}

/* http_ms, once: from the first HTTP request to the end of STEP_HTTP80
 * (the IPv6 and address steps after it are not part of it). */
static void
http_ms_record(struct web *w)
{
	if (w->http_ms_set)
		return;
	w->http_ms_set = true;
	if (w->t_http != 0 && (probes(w) & PROBE_HTTP))
		set_ms(w, SCHEMA_COL_HTTP_MS, w->t_http);
}

/* ipv6_web_reachable and ipv6_web_same are measured: tls and http
 * probes on, and the probed host has an AAAA (docs/web.md). */
static bool
v6_wanted(const struct web *w)
{
	return (probes(w) & PROBE_TLS) && (probes(w) & PROBE_HTTP) &&
	    w->job->facts.have_web[NETADDR_V6];
}

/* ipv6_web_reachable, and ipv6_web_same against GET / on main_na when
 * both answered.  resp: the IPv6 side's response, NULL when none came. */
static void
record_v6(struct web *w, const struct http_response *resp)
{
	struct web_view v;

	w->v6_done = true;
	row_set_bool(row_of(w), SCHEMA_COL_IPV6_WEB_REACHABLE, resp != NULL);
	if (resp == NULL || !w->have_root_view)
		return;
	web_view_of(resp, w->job->domain, &v);
	row_set_bool(row_of(w), SCHEMA_COL_IPV6_WEB_SAME,
	    web_view_same(&w->root_view, &v));
}

/* web_addrs_tested and web_addrs_reachable: with the tls probe, once an
 * address was tried. */
static void
addrs_record(struct web *w)
{
	if (!(probes(w) & PROBE_TLS) || w->addrs_tested == 0)
		return;
	row_set_i32(row_of(w), SCHEMA_COL_WEB_ADDRS_TESTED, w->addrs_tested);
	row_set_i32(row_of(w), SCHEMA_COL_WEB_ADDRS_REACHABLE,
	    w->addrs_reachable);
}

static void
stage_end(struct web *w)
{
	struct job *j = w->job;

	conn_close(w);
	conncap_release(w->ctx->cap, &w->slot);
	tls_resume_clear(&w->resume);
	w->step = STEP_END;
	http_ms_record(w);
	/* An IPv6-only host: its first IPv6 address was the main one, and
	 * its steps were the IPv6 probe (no request sent twice). */
	if (!w->v6_done && v6_wanted(w) && w->main_na.af == NETADDR_V6) {
		w->v6_done = true;
		row_set_bool(row_of(w), SCHEMA_COL_IPV6_WEB_REACHABLE,
		    w->tls_ok && w->have_root_view);
	}
	addrs_record(w);
	j->stage_done(j);	/* may free j */
}

/* The current step failed before any response (or handshake). */
static void
step_failed(struct web *w, const char *tls_status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
step_failed(struct web *w, const char *tls_status, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* an extra address's failure is its count, not the row's error */
	if (w->step != STEP_ADDRS)
		note(w, "%s: %s", step_name(w->step), buf);
	if (w->step == STEP_V6ROOT)
		record_v6(w, NULL);
	if (w->step == STEP_TLS && !w->tls_ok) {
		if (probes(w) & PROBE_TLS) {
			row_set_str(row_of(w), SCHEMA_COL_TLS_STATUS,
			    tls_status);
			if (w->t_tls != 0)
				set_ms(w, SCHEMA_COL_TLS_MS, w->t_tls);
		}
		conn_close(w);
		/* No TLS: no HTTPS request either; port 80 still. */
		w->step = STEP_SECTXT;
		step_next(w);
		return;
	}
	conn_close(w);
	step_next(w);
}

/* Quiet: an address the blocklist or the opt-out list forbids (the
 * extra addresses are skipped, not noted; the main one was checked). */
static bool
addr_forbidden(const struct web *w, const struct netaddr *a)
{
	return blocklist_reason(w->ctx->bl, a) != NULL ||
	    (w->ctx->optout != NULL && optout_has_addr(w->ctx->optout, a));
}

/* The next steps talk to a: give back the slot of the address before
 * (conncap: one connection at a time per address, asked again). */
static void
addr_switch(struct web *w, const struct netaddr *a)
{
	conncap_release(w->ctx->cap, &w->slot);
	w->na = *a;
	w->addrlen = (socklen_t)netaddr_to_sockaddr(&w->na, 0, &w->addr);
}

/* STEP_V6ROOT: wanted for a dual-stack host whose main address was IPv4. */
static bool
v6_pick(struct web *w)
{
	const struct job_facts *f = &w->job->facts;

	if (!v6_wanted(w) || w->main_na.af == NETADDR_V6 ||
	    addr_forbidden(w, &f->web[NETADDR_V6]))
		return false;
	addr_switch(w, &f->web[NETADDR_V6]);
	return true;
}

/* STEP_ADDRS: the next web address not tried yet, within the bound. */
static bool
addrs_pick(struct web *w)
{
	const struct job_facts *f = &w->job->facts;

	if (!(probes(w) & PROBE_TLS))
		return false;
	while (w->addr_next < f->nweb_all &&
	    w->addrs_tested < WEB_MAX_ADDRS_TESTED) {
		const struct netaddr *a = &f->web_all[w->addr_next++];

		if (netaddr_equal(a, &w->main_na) || (w->v6_done &&
		    netaddr_equal(a, &f->web[NETADDR_V6])) ||
		    addr_forbidden(w, a))
			continue;
		addr_switch(w, a);
		return true;
	}
	return false;
}

/* Move on to the step after the current one (STEP_ADDRS: to the next
 * address, until none is left). */
static void
step_next(struct web *w)
{
	for (;;) {
		if (w->step != STEP_ADDRS)
			w->step++;
		switch (w->step) {
		case STEP_ROOT:
			if (!(probes(w) & PROBE_HTTP) || !w->tls_ok ||
			    w->reuse_for_root)
				continue;
			break;
		case STEP_SECTXT:
			if (!(probes(w) & PROBE_HTTP) || !w->tls_ok)
				continue;
			snprintf(w->sectxt_path, sizeof(w->sectxt_path), "%s",
			    "/.well-known/security.txt");
			w->sectxt_hops = 0;
			w->sectxt_legacy = false;
			break;
		case STEP_HTTP80:
			if (!(probes(w) & PROBE_HTTP))
				continue;
			break;
		case STEP_V6ROOT:
			http_ms_record(w);
			if (!v6_pick(w))
				continue;
			break;
		case STEP_ADDRS:
			if (!addrs_pick(w)) {
				stage_end(w);
				return;
			}
			break;
		case STEP_TLS:
		case STEP_END:
		default:
			stage_end(w);
			return;
		}
		step_begin(w);
		return;
	}
}

static bool
addr_blocked(struct web *w)
{
	const char *why = blocklist_reason(w->ctx->bl, &w->na);

	if (why == NULL && w->ctx->optout != NULL &&
	    optout_has_addr(w->ctx->optout, &w->na))
		why = "opted out (--opt-out)";
	if (why == NULL)
		return false;
	/* Not contacted is not measured: tls_status and every http column
	 * stay null (outside every web metric's n), the reason is in error. */
	w->ctx->blocked++;
	note(w, "blocked: %s", why);
	return true;
}

/* --- reading the response ----------------------------------------------- */

static size_t
step_read_cap(const struct web *w)
{
	if (w->step == STEP_SECTXT)
		return HTTP_MAX_HEAD + WEB_SECTXT_MAX_BODY;
	/* GET / read whole to keep the connection (not over h2: there the
	 * stream is cancelled after its head) */
	return w->keepalive ? HTTP_MAX_HEAD + WEB_KEEPALIVE_MAX_BODY :
	    HTTP_MAX_HEAD;
}

/* A Connection field with the close option (RFC 9112 9.6), or HTTP/1.0:
 * the server ends the connection after this response. */
static bool
resp_says_close(const struct http_response *r)
{
	char v[256];
	const char *p;

	if (r->minor == 0)
		return true;
	if (http_response_join(r, "connection", v, sizeof(v)) == 0)
		return false;
	for (p = v; *p != '\0'; p++) {
		if (strncasecmp(p, "close", 5) == 0 &&
		    (p == v || p[-1] == ' ' || p[-1] == ',') &&
		    (p[5] == '\0' || p[5] == ' ' || p[5] == ','))
			return true;
	}
	return false;
}

/*
 * On a keep-alive request: the body after the head so far.  1 when read
 * whole and nothing after it (the connection can carry the next request),
 * 0 when more is needed, -1 when the connection is not reused (the server
 * says close, the body is over the buffer or of no stated length,
 * malformed, or more bytes came than it holds): then the response is
 * read as on a connection that closes.
 */
static int
body_state(struct web *w, bool eof)
{
	size_t blen = w->len - w->resp.head_len;
	size_t room = w->cap - w->resp.head_len;
	uint64_t cl;
	int rc;

	if (w->dropped || resp_says_close(&w->resp) || w->resp.status < 200)
		return -1;
	if (w->resp.status == 204 || w->resp.status == 304)
		return blen == 0 ? 1 : -1;
	if (http_response_is_chunked(&w->resp)) {
		char *body = w->buf + w->resp.head_len;

		/* decoded in place, resumably: security.txt's reader
		 * (sectxt_body) sees the same final state */
		rc = http_chunked_feed(&w->chunked, body, blen, body, room);
		if (rc == 1)
			return w->chunked.pos == blen ? 1 : -1;
		if (rc == 0 && !eof && w->len < w->cap)
			return 0;
		return -1;
	}
	rc = http_response_content_length(&w->resp, &cl);
	if (rc != 1 || cl > room)
		return -1;
	if (blen >= cl)
		return blen == cl ? 1 : -1;
	return eof ? -1 : 0;
}

/* The http columns of GET / (webview.h); the view is kept for
 * ipv6_web_same. */
static void
record_root(struct web *w)
{
	struct row *r = row_of(w);
	struct web_view *v = &w->root_view;
	char names[CSP_GRADE_NAMES_MAX];

	web_view_of(&w->resp, w->job->domain, v);
	w->have_root_view = true;
	row_set_i32(r, SCHEMA_COL_HTTP_STATUS, v->status);
	if (v->hsts_present && !v->hsts_valid)
		note(w, "https: Strict-Transport-Security malformed");
	row_set_bool(r, SCHEMA_COL_HSTS, v->hsts_valid && v->hsts_max_age > 0);
	if (v->hsts_valid) {
		row_set_i64(r, SCHEMA_COL_HSTS_MAX_AGE, v->hsts_max_age);
		row_set_bool(r, SCHEMA_COL_HSTS_INCLUDE_SUBDOMAINS,
		    v->hsts_include_subdomains);
		row_set_bool(r, SCHEMA_COL_HSTS_PRELOAD, v->hsts_preload);
	}
	row_set_bool(r, SCHEMA_COL_CSP, v->csp);
	if (v->csp) {
		row_set_bool(r, SCHEMA_COL_CSP_FRAME_ANCESTORS,
		    v->csp_frame_ancestors);
		row_set_bool(r, SCHEMA_COL_CSP_UNSAFE_INLINE,
		    v->csp_unsafe_inline);
		/* the listed domain is the site whose hosts default-src
		 * may name (cspgrade.h) */
		csp_grade_names(v->csp_failures, names, sizeof(names));
		row_set_str(r, SCHEMA_COL_CSP_GRADE,
		    csp_grade_str(v->csp_failures));
		row_set_str(r, SCHEMA_COL_CSP_FAILURES, names);
	} else {
		row_set_str(r, SCHEMA_COL_CSP_GRADE, "absent");
	}
	row_set_str(r, SCHEMA_COL_X_FRAME_OPTIONS, v->x_frame_options);
	row_set_bool(r, SCHEMA_COL_X_CONTENT_TYPE_OPTIONS,
	    v->x_content_type_options);
	row_set_str(r, SCHEMA_COL_REFERRER_POLICY, v->referrer_policy);
	row_set_str(r, SCHEMA_COL_REFERRER_POLICY_GRADE,
	    referrer_grade(v->referrer_policy));
	row_set_bool(r, SCHEMA_COL_PERMISSIONS_POLICY, v->permissions_policy);
}

static void
record_http80(struct web *w)
{
	const char *v = NULL;
	size_t vlen = 0;

	if (!http_response_first(&w->resp, "location", &v, &vlen))
		v = NULL;
	row_set_bool(row_of(w), SCHEMA_COL_HTTP_REDIRECTS_HTTPS,
	    headers_redirects_https(w->resp.status, v, vlen, w->host));
}

static void
record_sectxt(struct web *w, const char *body, size_t len, bool truncated)
{
	char mt[128];
	bool has = http_response_media_type(&w->resp, mt, sizeof(mt));
	struct sectxt_facts f;
	struct row *r = row_of(w);

	headers_sectxt_examine(w->resp.status, has ? mt : NULL, body, len,
	    truncated, w->ctx->now, &f);
	if (truncated)
		note(w, "security.txt: body over %d bytes", WEB_SECTXT_MAX_BODY);
	row_set_str(r, SCHEMA_COL_SECURITY_TXT, headers_sectxt_str(f.verdict));
	if (f.verdict == SECTXT_ABSENT)
		return;
	row_set_str(r, SCHEMA_COL_SECURITY_TXT_LOCATION, w->sectxt_legacy ?
	    "legacy" : "well_known");
	row_set_bool(r, SCHEMA_COL_SECURITY_TXT_SIGNED, f.is_signed);
	if (f.expires_far >= 0)
		row_set_bool(r, SCHEMA_COL_SECURITY_TXT_EXPIRES_FAR,
		    f.expires_far == 1);
}

/*
 * Not 200 at the current path: 2 when another request is due (a
 * same-host redirect within the bound, or the legacy location after the
 * well-known one), else 1 (absent recorded).
 */
static int
sectxt_elsewhere(struct web *w)
{
	const char *v = NULL;
	size_t vlen = 0;
	char path[HEADERS_SECTXT_MAX_PATH + 1];

	if (!http_response_first(&w->resp, "location", &v, &vlen))
		v = NULL;
	if (w->sectxt_hops < WEB_SECTXT_MAX_REDIRECTS &&
	    headers_sectxt_redirect(w->resp.status, v, vlen, w->host, path,
	    sizeof(path))) {
		w->sectxt_hops++;
		memcpy(w->sectxt_path, path, strlen(path) + 1);
		return 2;
	}
	if (!w->sectxt_legacy) {
		w->sectxt_legacy = true;
		w->sectxt_hops = 0;
		snprintf(w->sectxt_path, sizeof(w->sectxt_path), "%s",
		    "/security.txt");
		return 2;
	}
	record_sectxt(w, NULL, 0, false);
	return 1;
}

/*
 * The security.txt body so far: 1 when complete (recorded), 0 when more
 * is needed, 2 when the next request of the step is due (sectxt_path).
 * eof: the peer closed.
 */
static int
sectxt_body(struct web *w, bool eof)
{
	const char *b = w->buf + w->resp.head_len;
	size_t blen = w->len - w->resp.head_len;
	uint64_t cl;
	int rc;

	if (w->resp.status != 200)
		return sectxt_elsewhere(w);
	if (http_response_is_chunked(&w->resp)) {
		/* Resumed where the last read stopped, decoded in place at
		 * the body's start: linear in the bytes however they come. */
		char *body = w->buf + w->resp.head_len;

		rc = http_chunked_feed(&w->chunked, body, blen, body,
		    WEB_SECTXT_MAX_BODY);
		if (rc == 0 && !eof && w->len < w->cap)
			return 0;
		if (rc < 0)
			note(w, "security.txt: malformed or oversized chunked "
			    "body");
		record_sectxt(w, body, w->chunked.n, rc != 1);
		return 1;
	}
	rc = http_response_content_length(&w->resp, &cl);
	if (rc < 0) {
		note(w, "security.txt: bad Content-Length");
		record_sectxt(w, b, blen, true);
		return 1;
	}
	if (rc == 1 && cl > WEB_SECTXT_MAX_BODY) {
		/* Not read at all: the peer said it is too large. */
		record_sectxt(w, NULL, 0, true);
		return 1;
	}
	if (rc == 1 && blen >= cl) {
		record_sectxt(w, b, (size_t)cl, false);
		return 1;
	}
	if (eof || blen >= WEB_SECTXT_MAX_BODY) {
		bool trunc = rc == 1 || blen > WEB_SECTXT_MAX_BODY ||
		    (!eof && blen >= WEB_SECTXT_MAX_BODY);

		record_sectxt(w, b, blen > WEB_SECTXT_MAX_BODY ?
		    WEB_SECTXT_MAX_BODY : blen, trunc);
		return 1;
	}
	return 0;
}

/* The response is complete: record it and move on. */
static void
response_done(struct web *w)
{
	switch (w->step) {
	case STEP_TLS:
	case STEP_ROOT:
		record_root(w);
		break;
	case STEP_HTTP80:
		record_http80(w);
		break;
	case STEP_V6ROOT:
		record_v6(w, &w->resp);
		break;
	case STEP_SECTXT:
	case STEP_ADDRS:
	case STEP_END:
		break;
	}
	conn_done(w);
	step_next(w);
}

/*
 * New bytes (or the peer's end) while reading a response.  May end the
 * step, or the whole stage (the job is then gone): callers return at once.
 */
static void
response_progress(struct web *w, bool eof, bool reset)
{
	enum http_parse pr;

	if (eof && w->len == 0 && w->conn_reused) {
		/* A kept connection the server closed before our next
		 * request: that request again, on a new connection. */
		conn_close(w);
		w->no_reuse = true;
		step_begin(w);
		return;
	}
	if (!w->have_head) {
		/* The head's end is searched from where the last read left
		 * it (a head dripped a byte per read costs linear time); the
		 * head is parsed once, when whole. */
		size_t lim = w->len < HTTP_MAX_HEAD ? w->len : HTTP_MAX_HEAD;

		if (http_head_scan(w->buf, lim, &w->head_scan) == 0)
			pr = lim >= HTTP_MAX_HEAD ? HTTP_PARSE_TOO_LARGE :
			    HTTP_PARSE_MORE;
		else
			pr = http_response_parse(w->buf, w->len, &w->resp);
		if (pr == HTTP_PARSE_MORE && !eof && w->len < w->cap)
			return;
		if (pr != HTTP_PARSE_OK) {
			if (pr == HTTP_PARSE_MORE && w->len >= w->cap)
				pr = HTTP_PARSE_TOO_LARGE;
			if (pr == HTTP_PARSE_TOO_LARGE ||
			    pr == HTTP_PARSE_TOO_MANY)
				w->ctx->too_large++;
			w->ctx->http_errors++;
			if (pr != HTTP_PARSE_MORE)
				step_failed(w, "error", "%s",
				    http_parse_str(pr));
			else if (w->len == 0)
				step_failed(w, "error", "connection %s before "
				    "a response", reset ? "reset" : "closed");
			else
				step_failed(w, "error", "connection %s in the "
				    "response head", reset ? "reset" : "closed");
			return;
		}
		w->have_head = true;
	}
	if (w->keepalive && !w->ka_decided) {
		int b = body_state(w, eof);

		if (b == 0)
			return;
		w->ka_decided = true;
		w->conn_reusable = b == 1;
	}
	if (w->step == STEP_SECTXT) {
		int rc = sectxt_body(w, eof);

		if (rc == 0)
			return;
		if (rc == 2) {
			/* the same step again, on this connection when it
			 * is kept, else on a new one */
			conn_done(w);
			step_begin(w);
			return;
		}
	}
	response_done(w);
}

/* Move what libevent read into our buffer, at most up to its cap; bytes
 * beyond the cap are dropped unread by any parser. */
static void
pull(struct web *w)
{
	struct evbuffer *in = bufferevent_get_input(w->bev);
	size_t avail = evbuffer_get_length(in), n;

	if (w->state != WEB_RESPONSE) {
		/* Bytes before we asked anything: ignored. */
		evbuffer_drain(in, avail);
		return;
	}
	if (!w->first_byte && avail > 0) {
		uint64_t spent = loop_now_us(w->job->crawl->loop) - w->t_req;
		uint64_t left = (uint64_t)WEB_EXCHANGE_TIMEOUT_MS * 1000;

		w->first_byte = true;
		web_timer_arm(w, spent < left ? left - spent : 0);
	}
	n = w->cap - w->len;
	if (n > avail)
		n = avail;
	if (n > 0) {
		evbuffer_remove(in, w->buf + w->len, n);
		w->len += n;
	}
	if (evbuffer_get_length(in) > 0)
		w->dropped = true;
	evbuffer_drain(in, evbuffer_get_length(in));
}

/* Write what the h2 session has to send.  0, or -1 on its error. */
static int
h2_flush(struct web *w)
{
	const uint8_t *data;
	long n;

	while ((n = h2_conn_pending(w->h2, &data)) > 0)
		bufferevent_write(w->bev, data, (size_t)n);
	return n < 0 ? -1 : 0;
}

/*
 * New bytes on an h2 connection: fed to the session, which writes the
 * current stream's response into w->buf in HTTP/1.1 form (h2.h); then
 * read like an HTTP/1.1 response.  May end the stage: callers return.
 */
static void
h2_input(struct web *w, bool eof, bool reset)
{
	struct evbuffer *in = bufferevent_get_input(w->bev);
	struct evbuffer_iovec v;
	int rc = 0;

	while (rc == 0 && evbuffer_peek(in, -1, NULL, &v, 1) > 0 &&
	    v.iov_len > 0) {
		rc = h2_conn_recv(w->h2, v.iov_base, v.iov_len);
		evbuffer_drain(in, v.iov_len);
	}
	evbuffer_drain(in, evbuffer_get_length(in));
	if (rc == 0)
		rc = h2_flush(w);
	if (w->state != WEB_RESPONSE)
		return;
	w->len = w->h2r.len;
	if (w->h2r.started && !w->first_byte) {
		uint64_t spent = loop_now_us(w->job->crawl->loop) - w->t_req;
		uint64_t left = (uint64_t)WEB_EXCHANGE_TIMEOUT_MS * 1000;

		w->first_byte = true;
		web_timer_arm(w, spent < left ? left - spent : 0);
	}
	if (w->h2r.why == H2_HEAD_TOO_LARGE || w->h2r.why == H2_HEAD_TOO_MANY) {
		w->ctx->too_large++;
		w->ctx->http_errors++;
		step_failed(w, "error", "%s", http_parse_str(
		    w->h2r.why == H2_HEAD_TOO_LARGE ? HTTP_PARSE_TOO_LARGE :
		    HTTP_PARSE_TOO_MANY));
		return;
	}
	if (rc != 0) {
		w->ctx->http_errors++;
		step_failed(w, "error", "HTTP/2: %s", h2_conn_error(w->h2));
		return;
	}
	if (w->h2r.closed && !w->h2r.head_done && w->h2r.reset_code != 0) {
		w->ctx->http_errors++;
		step_failed(w, "error", "HTTP/2 stream reset before a response "
		    "head: %s", h2_code_str(w->h2r.reset_code));
		return;
	}
	if (!w->h2r.head_done && !eof && !w->h2r.closed)
		return;
	response_progress(w, eof || w->h2r.closed, reset);
}

/* tls_resume's notify: from inside OpenSSL's read, so only wake the loop. */
static void
session_arrived(void *arg)
{
	struct web *w = arg;
	struct job_facts *f = &w->job->facts;

	/* tls_0rtt: the first TLS 1.3 ticket (of the first address's
	 * server) says whether it takes early data (RFC 8446 4.6.1). */
	if (!f->web_early_known && w->resume.sess != NULL &&
	    SSL_SESSION_get_protocol_version(w->resume.sess) ==
	    TLS1_3_VERSION) {
		f->web_early_known = true;
		f->web_early_data =
		    SSL_SESSION_get_max_early_data(w->resume.sess) > 0;
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct web *w = arg;

	(void)bev;
	if (w->h2 != NULL) {
		h2_input(w, false, false);
		return;
	}
	if (w->state != WEB_RESPONSE) {
		pull(w);
		return;
	}
	pull(w);
	response_progress(w, false, false);
}

static void
send_request(struct web *w)
{
	char req[WEB_MAX_REQUEST];
	int n;
	const char *path = w->step == STEP_SECTXT ? w->sectxt_path : "/";

	/* GET / and security.txt share the connection (docs/web.md, "One
	 * connection"): no Connection: close on them over HTTPS */
	w->keepalive = w->h2 == NULL && w->tls_conn && !w->no_reuse &&
	    (w->step == STEP_ROOT || w->step == STEP_SECTXT);
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: %s\r\nAccept: */*\r\n%s\r\n",
	    path, w->host, w->ctx->user_agent, w->keepalive ? "" :
	    "Connection: close\r\n");
	if (n < 0 || (size_t)n >= sizeof(req)) {
		step_failed(w, "error", "request too long");
		return;
	}
	/* The response buffer: the step's cap, allocated whole, since a
	 * connection that got this far is a real server (a few per job). */
	w->cap = step_read_cap(w);
	w->buf = xmalloc(w->cap);
	w->len = 0;
	w->first_byte = false;
	w->state = WEB_RESPONSE;
	w->t_req = loop_now_us(w->job->crawl->loop);
	if (w->t_http == 0)
		w->t_http = w->t_req;
	web_timer_arm(w, (uint64_t)WEB_FIRST_BYTE_TIMEOUT_MS * 1000);
	if (w->h2 != NULL) {
		memset(&w->h2r, 0, sizeof(w->h2r));
		w->h2r.buf = w->buf;
		w->h2r.cap = w->cap;
		if (h2_conn_get(w->h2, w->host, path, w->ctx->user_agent,
		    &w->h2r) != 0 || h2_flush(w) != 0) {
			w->ctx->http_errors++;
			step_failed(w, "error", "HTTP/2: cannot send the "
			    "request: %s", h2_conn_error(w->h2));
		}
		return;
	}
	bufferevent_write(w->bev, req, (size_t)n);
}

static void
handshake_done(struct web *w)
{
	SSL *ssl = bufferevent_openssl_get_ssl(w->bev);

	if (SSL_session_reused(ssl))
		w->ctx->resumed++;
	if (w->step == STEP_TLS || w->step == STEP_V6ROOT ||
	    w->step == STEP_ADDRS)
		w->addrs_reachable++;
	if (w->step == STEP_ADDRS) {
		/* reachability only: nothing is sent */
		conn_close(w);
		step_next(w);
		return;
	}
	if (w->step == STEP_TLS) {
		w->tls_ok = true;
		/* for the tlspolicy stage: it scans this address and name */
		w->job->facts.web_tls_ok = true;
		w->job->facts.web_tls_addr = w->na;
		w->job->facts.web_tls_version = SSL_version(ssl);
		if (SSL_version(ssl) < TLS1_3_VERSION) {
			/* no TLS 1.3, no 0-RTT: tls_0rtt false */
			w->job->facts.web_early_known = true;
			w->job->facts.web_early_data = false;
		}
		if (probes(w) & PROBE_TLS) {
			tls_record(w->ctx->tls, ssl, w->host, row_of(w));
			/* DANE for the web host: its secure TLSA RRset
			 * against the chain served (docs/mail.md). */
			row_set_str(row_of(w), SCHEMA_COL_DANE_WEB_VALID,
			    !w->dane_on ? "none" : tls_verify(w->ctx->tls, ssl,
			    w->host, true) == X509_V_OK ? "valid" : "invalid");
			set_ms(w, SCHEMA_COL_TLS_MS, w->t_tls);
		}
		if (!(probes(w) & PROBE_HTTP)) {
			conn_close(w);
			step_next(w);	/* the other addresses, then the end */
			return;
		}
		/* GET / on this connection, over the protocol the
		 * server chose: h2 streams through nghttp2 (h2.h), or
		 * HTTP/1.1 kept alive for security.txt. */
		if (tls_is_h2(ssl) && (w->h2 = h2_conn_new()) == NULL) {
			step_failed(w, "error", "cannot create an HTTP/2 "
			    "session");
			return;
		}
		w->reuse_for_root = true;
		w->step = STEP_ROOT;
	}
	send_request(w);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct web *w = arg;
	char ebuf[160];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (w->state == WEB_HANDSHAKE)
			handshake_done(w);
		return;
	}
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (w->state == WEB_HANDSHAKE) {
		int e = EVUTIL_SOCKET_ERROR();

		w->ctx->handshake_failed++;
		tls_handshake_why(bufferevent_openssl_get_ssl(w->bev),
		    bufferevent_get_openssl_error(w->bev),
		    (what & BEV_EVENT_ERROR) != 0, e, ebuf, sizeof(ebuf));
		step_failed(w, "handshake_failed", "handshake failed: %s", ebuf);
		return;
	}
	if (w->state == WEB_RESPONSE) {
		/* EOF or reset: what we have is the whole response. */
		bool reset = (what & BEV_EVENT_ERROR) &&
		    EVUTIL_SOCKET_ERROR() == ECONNRESET;

		if (w->h2 != NULL) {
			ERR_clear_error();
			h2_input(w, true, reset);
			return;
		}
		pull(w);
		ERR_clear_error();
		response_progress(w, true, reset);
	}
}

/* The measured handshake matches the web host's TLSA RRset when the
 * validator judged it secure (RFC 7671). */
static void
dane_set(struct web *w, SSL *ssl)
{
	const struct job_facts *f = &w->job->facts;

	w->dane_on = f->tlsa_web_secure && f->ntlsa_web > 0 &&
	    tls_dane_set(ssl, w->host, f->tlsa_web, f->ntlsa_web, false) > 0;
}

static void
connected(struct web *w)
{
	struct web_ctx *ctx = w->ctx;

	loop_timer_stop(w->timer);
	if (w->conn_ev != NULL) {
		event_free(w->conn_ev);
		w->conn_ev = NULL;
	}
	if (w->tls_conn) {
		SSL *ssl = tls_ssl_new(ctx->tls, w->host, w->step == STEP_TLS,
		    &w->resume);

		if (ssl == NULL) {
			step_failed(w, "error", "cannot create a TLS session");
			return;
		}
		if (w->step == STEP_TLS)
			dane_set(w, ssl);
		w->bev = bufferevent_openssl_socket_new(ctx->base, w->fd, ssl,
		    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (w->bev == NULL) {
			SSL_free(ssl);
			step_failed(w, "error", "cannot create a TLS stream");
			return;
		}
		/* A peer that closes without close_notify has still sent
		 * what it sent (HTTP framing tells the rest). */
		bufferevent_openssl_set_allow_dirty_shutdown(w->bev, 1);
		w->fd = -1;
		w->state = WEB_HANDSHAKE;
		bufferevent_setcb(w->bev, read_cb, NULL, event_cb, w);
		bufferevent_setwatermark(w->bev, EV_READ, 0, WEB_READ_CHUNK);
		bufferevent_enable(w->bev, EV_READ | EV_WRITE);
		web_timer_arm(w, (uint64_t)WEB_HANDSHAKE_TIMEOUT_MS * 1000);
		return;
	}
	w->bev = bufferevent_socket_new(ctx->base, w->fd, BEV_OPT_CLOSE_ON_FREE);
	if (w->bev == NULL) {
		step_failed(w, "error", "cannot create a stream");
		return;
	}
	w->fd = -1;
	bufferevent_setcb(w->bev, read_cb, NULL, event_cb, w);
	bufferevent_setwatermark(w->bev, EV_READ, 0, WEB_READ_CHUNK);
	bufferevent_enable(w->bev, EV_READ | EV_WRITE);
	send_request(w);
}

static void
connect_fail(struct web *w, int err)
{
	if (err == ECONNREFUSED) {
		w->ctx->refused++;
		step_failed(w, "refused", "connection refused");
	} else {
		step_failed(w, "error", "connect: %s", strerror(err));
	}
}

static void
conn_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct web *w = arg;
	int err = 0;
	socklen_t elen = sizeof(err);

	(void)what;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		err = errno;
	if (err != 0) {
		connect_fail(w, err);
		return;
	}
	connected(w);
}

static void
connect_start(struct web *w)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	/* Right before connect(): the blocklist and the opt-out list. */
	if (addr_blocked(w)) {
		conn_close(w);
		stage_end(w);
		return;
	}
	memcpy(&ss, &w->addr, sizeof(ss));
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(step_port(w->step));
	else
		((struct sockaddr_in6 *)&ss)->sin6_port =
		    htons(step_port(w->step));
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		step_failed(w, "error", "socket: %s", strerror(errno));
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	w->fd = fd;
	w->tls_conn = w->step != STEP_HTTP80;
	w->ctx->connects++;
	if (w->step == STEP_TLS || w->step == STEP_V6ROOT ||
	    w->step == STEP_ADDRS)
		w->addrs_tested++;
	w->state = WEB_CONNECTING;
	if (w->step == STEP_TLS)
		w->t_tls = loop_now_us(w->job->crawl->loop);
	else if (w->t_http == 0)
		w->t_http = loop_now_us(w->job->crawl->loop);
	if (connect(fd, (struct sockaddr *)&ss, w->addrlen) == 0) {
		connected(w);
		return;
	}
	if (errno != EINPROGRESS) {
		connect_fail(w, errno);
		return;
	}
	w->conn_ev = event_new(w->ctx->base, fd, EV_WRITE, conn_ev_cb, w);
	if (w->conn_ev == NULL || event_add(w->conn_ev, NULL) != 0) {
		step_failed(w, "error", "cannot watch the socket");
		return;
	}
	web_timer_arm(w, (uint64_t)WEB_CONNECT_TIMEOUT_MS * 1000);
}

static void
slot_granted(void *arg)
{
	struct web *w = arg;

	/* From inside another job's release: connect from the loop. */
	loop_timer_start(w->timer, 0);
}

static void
step_begin(struct web *w)
{
	if (w->bev != NULL) {
		/* a kept connection (conn_done): GET / and security.txt go
		 * on it; any other step opens its own */
		if (w->step == STEP_ROOT || w->step == STEP_SECTXT) {
			send_request(w);
			return;
		}
		conn_close(w);
	}
	if (w->slot.holding) {
		connect_start(w);
		return;
	}
	if (conncap_acquire(w->ctx->cap, (struct sockaddr *)&w->addr, &w->slot,
	    slot_granted, w)) {
		connect_start(w);
		return;
	}
	w->state = WEB_WAIT_SLOT;
}

static void
timer_cb(void *arg)
{
	struct web *w = arg;

	switch (w->state) {
	case WEB_WAIT_SLOT:
		connect_start(w);
		return;
	case WEB_CONNECTING:
		w->ctx->timeouts++;
		if (w->clipped)
			step_failed(w, "timeout", "connect cut by the domain "
			    "deadline (--timeout)");
		else
			step_failed(w, "timeout", "connect timed out after "
			    "%d ms", WEB_CONNECT_TIMEOUT_MS);
		return;
	case WEB_HANDSHAKE:
		w->ctx->timeouts++;
		if (w->clipped)
			step_failed(w, "timeout", "handshake cut by the domain "
			    "deadline (--timeout)");
		else
			step_failed(w, "timeout", "handshake timed out after "
			    "%d ms", WEB_HANDSHAKE_TIMEOUT_MS);
		return;
	case WEB_RESPONSE:
		if (w->have_head && w->keepalive && !w->ka_decided &&
		    (w->step == STEP_ROOT || w->resp.status != 200)) {
			/* only reading a body to keep the connection: the
			 * response is recorded, the connection not kept */
			response_progress(w, true, false);
			return;
		}
		w->ctx->timeouts++;
		w->ctx->http_errors++;
		if (w->clipped)
			step_failed(w, "error", "%s cut by the domain deadline "
			    "(--timeout)", w->first_byte ? "response" :
			    "wait for a response");
		else if (!w->first_byte)
			step_failed(w, "error", "no response within %d ms",
			    WEB_FIRST_BYTE_TIMEOUT_MS);
		else
			step_failed(w, "error", "response not complete within "
			    "%d ms", WEB_EXCHANGE_TIMEOUT_MS);
		return;
	case WEB_IDLE:
		return;
	}
}

/* The probed host's address: IPv4 first, IPv6 when it has no A. */
static bool
pick_addr(struct web *w)
{
	const struct job_facts *f = &w->job->facts;
	enum netaddr_af af = f->have_web[NETADDR_V4] ? NETADDR_V4 :
	    NETADDR_V6;

	if (!f->have_web[af])
		return false;
	w->na = f->web[af];
	w->main_na = w->na;
	w->addrlen = (socklen_t)netaddr_to_sockaddr(&w->na, 0, &w->addr);
	return true;
}

bool
webprobe_start(struct job *j)
{
	struct crawl *c = j->crawl;
	struct web *w;

	if (c->web == NULL)
		return false;
	w = xcalloc(1, sizeof(*w));
	w->job = j;
	w->ctx = c->web;
	w->fd = -1;
	w->resume.notify = session_arrived;
	w->resume.arg = w;
	j->web = w;
	if (!pick_addr(w)) {
		if (c->cfg->probes & PROBE_TLS)
			row_set_str(&j->row, SCHEMA_COL_TLS_STATUS,
			    "no_address");
		return false;
	}
	job_probed_host(j, w->host, sizeof(w->host));
	/* HSTS preload-list membership: a fact of the list, asked of the
	 * probed host whether or not it answers (docs/web.md). */
	if (w->ctx->preload != NULL && (c->cfg->probes & PROBE_HTTP))
		row_set_bool(&j->row, SCHEMA_COL_HSTS_PRELOADED,
		    hsts_preload_has(w->ctx->preload, w->host));
	if (addr_blocked(w))
		return false;
	w->timer = loop_timer_new(c->loop, timer_cb, w);
	w->step = STEP_TLS;
	/* Start from the loop, so that j->stage_done never runs inside
	 * this call: the WAIT_SLOT state's timer path does exactly that. */
	if (conncap_acquire(w->ctx->cap, (struct sockaddr *)&w->addr, &w->slot,
	    slot_granted, w))
		loop_timer_start(w->timer, 0);
	w->state = WEB_WAIT_SLOT;
	return true;
}

void
webprobe_abort(struct job *j)
{
	struct web *w = j->web;

	if (w == NULL)
		return;
	/* The deadline cut the TLS step (waiting for a slot, connecting or
	 * in the handshake): what was seen is a timeout, not nothing. */
	if (w->step == STEP_TLS && !w->tls_ok && (probes(w) & PROBE_TLS) &&
	    !row_is_set(row_of(w), SCHEMA_COL_TLS_STATUS)) {
		row_set_str(row_of(w), SCHEMA_COL_TLS_STATUS, "timeout");
		if (w->t_tls != 0)
			set_ms(w, SCHEMA_COL_TLS_MS, w->t_tls);
	}
	/* the addresses tried so far (one cut in its handshake: tested,
	 * not reachable); ipv6_web_* stay null unless already recorded */
	if (w->step != STEP_END)
		addrs_record(w);
	conn_close(w);
	conncap_release(w->ctx->cap, &w->slot);
}

void
webprobe_fini(struct job *j)
{
	struct web *w = j->web;

	if (w == NULL)
		return;
	conn_close(w);
	conncap_release(w->ctx->cap, &w->slot);
	tls_resume_clear(&w->resume);
	loop_timer_free(w->timer);
	free(w);
	j->web = NULL;
}
