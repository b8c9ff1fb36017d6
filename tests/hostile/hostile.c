/*
 * hostile.c - hostile peers for the crawler's robustness tests
 * (tests/hostile/hostile_test.py, docs/web.md "Hostile peers").
 *
 * One libevent process, run inside the testbed's network namespace, that
 * listens on port 443 (TLS) and 80 (plain HTTP) of one address per case,
 * and on port 53 (UDP) of one DNS address that answers for every test
 * name.  The addresses are HOSTILE_NET.(HOSTILE_BASE + case index) and
 * HOSTILE_NET.HOSTILE_DNS (documentation space, TEST-NET-3, above what any
 * world network uses); the test adds them to the namespace's loopback
 * before it starts this server.
 *
 *   hostile --cert PEM --key PEM --bomb FILE [--ready FILE]
 *
 * DNS: "CASE.hostile.test" and "CASE-N.hostile.test" have the A record of
 * CASE's address (every other type: no data); names whose first label
 * starts with "dns-" get the DNS case of that label (malformed, truncated,
 * oversized, mismatched ID).  Runs until SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#define HOSTILE_NET "203.0.113."
#define HOSTILE_BASE 200
#define HOSTILE_DNS 253
#define HOSTILE_BIG (10u << 20)		/* "10 MB of headers" */
#define HOSTILE_REQ_MAX 8192		/* request bytes we buffer */
#define HOSTILE_OVERSIZED_RRS 3500	/* A records: a 56 KB UDP reply */

enum hcase {
	HC_CONTROL = 0,		/* a well-behaved site */
	HC_SILENT,		/* accepts and never answers */
	HC_TRICKLE,		/* one byte per second */
	HC_BIGHEADERS,		/* 10 MB of header fields */
	HC_ENDLESS,		/* one header line that never ends */
	HC_TLSGARBAGE,		/* garbage instead of a ServerHello */
	HC_MIDHANDSHAKE,	/* closes after the ClientHello */
	HC_RESET,		/* resets after the request */
	HC_REDIRECT,		/* redirects to itself forever */
	HC_GZIPBOMB,		/* a gzip bomb body */
	HC_COUNT,
};

static const char *const case_names[HC_COUNT] = {
	"control", "silent", "trickle", "bigheaders", "endless", "tlsgarbage",
	"midhandshake", "reset", "redirect", "gzipbomb",
};

struct conn {
	enum hcase hc;
	bool tls;
	struct bufferevent *bev;
	struct event *tick;
	int fd;				/* raw modes */
	struct event *rawev;
	size_t sent;
	char req[HOSTILE_REQ_MAX];
	size_t reqlen;
	bool answered;
};

static struct event_base *base;
static SSL_CTX *ssl_ctx;
static char *bomb;
static size_t bomb_len;

static void
die(const char *what)
{
	fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
conn_free(struct conn *c)
{
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->rawev != NULL)
		event_free(c->rawev);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	else if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static void
close_after_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(arg);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	static const char drip[] = "HTTP/1.1 200 OK\r\nX-Trickle: "
	    "one byte per second, for as long as you listen\r\n";
	struct conn *c = arg;
	char b = drip[c->sent % (sizeof(drip) - 1)];
	struct timeval sec = { 1, 0 };

	(void)fd;
	(void)what;
	bufferevent_write(c->bev, &b, 1);
	c->sent++;
	evtimer_add(c->tick, &sec);
}

/* The Host of the request, into out. */
static void
req_host(const struct conn *c, char *out, size_t cap)
{
	const char *h = strstr(c->req, "\r\nHost:");
	size_t n = 0;

	snprintf(out, cap, "unknown");
	if (h == NULL)
		return;
	h += 7;
	while (*h == ' ')
		h++;
	while (h[n] != '\0' && h[n] != '\r' && n + 1 < cap)
		n++;
	memcpy(out, h, n);
	out[n] = '\0';
}

static void
answer(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	char host[256], body[512], tbuf[64];
	bool sectxt = strncmp(c->req, "GET /.well-known/security.txt ", 30) == 0;
	time_t exp = time(NULL) + 180 * 86400;
	struct tm tm;
	size_t i;

	c->answered = true;
	req_host(c, host, sizeof(host));
	switch (c->hc) {
	case HC_CONTROL:
		if (!c->tls) {
			evbuffer_add_printf(out, "HTTP/1.1 301 Moved Permanently\r\n"
			    "Location: https://%s/\r\nContent-Length: 0\r\n"
			    "Connection: close\r\n\r\n", host);
		} else if (sectxt) {
			gmtime_r(&exp, &tm);
			strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
			snprintf(body, sizeof(body), "Contact: mailto:security@%s\n"
			    "Expires: %s\n", host, tbuf);
			evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n"
			    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			    strlen(body), body);
		} else {
			evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
			    "Strict-Transport-Security: max-age=31536000\r\n"
			    "X-Frame-Options: DENY\r\nContent-Length: 3\r\n"
			    "Connection: close\r\n\r\nok\n");
		}
		break;
	case HC_TRICKLE: {
		struct timeval sec = { 1, 0 };

		c->tick = evtimer_new(base, tick_cb, c);
		evtimer_add(c->tick, &sec);
		return;
	}
	case HC_BIGHEADERS:
		evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n");
		for (i = 0; i < HOSTILE_BIG / 64; i++)
			evbuffer_add_printf(out, "X-Filler-%07zu: %044zu\r\n", i,
			    i);
		evbuffer_add_printf(out, "\r\n");
		break;
	case HC_ENDLESS: {
		char *a = malloc(HOSTILE_BIG);

		if (a == NULL)
			die("malloc");
		memset(a, 'a', HOSTILE_BIG);
		evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\nX-Endless: ");
		evbuffer_add(out, a, HOSTILE_BIG);
		free(a);
		break;
	}
	case HC_RESET: {
		struct linger lg = { 1, 0 };
		evutil_socket_t fd = bufferevent_getfd(c->bev);

		/* SO_LINGER 0: close() sends RST, not FIN. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		conn_free(c);
		return;
	}
	case HC_REDIRECT:
		evbuffer_add_printf(out, "HTTP/1.1 302 Found\r\n"
		    "Location: %s://%s/\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n", c->tls ? "https" : "http", host);
		break;
	case HC_GZIPBOMB:
		/* Close-delimited, so only the reader's own cap stops it. */
		evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
		    "Content-Type: text/plain\r\nContent-Encoding: gzip\r\n"
		    "Connection: close\r\n\r\n");
		evbuffer_add(out, bomb, bomb_len);
		break;
	default:
		conn_free(c);
		return;
	}
	bufferevent_setcb(c->bev, NULL, close_after_write, event_cb, c);
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	if (c->answered) {
		evbuffer_drain(in, n);
		return;
	}
	if (n > sizeof(c->req) - 1 - c->reqlen)
		n = sizeof(c->req) - 1 - c->reqlen;
	evbuffer_remove(in, c->req + c->reqlen, n);
	c->reqlen += n;
	c->req[c->reqlen] = '\0';
	evbuffer_drain(in, evbuffer_get_length(in));
	if (strstr(c->req, "\r\n\r\n") != NULL)
		answer(c);
}

/* Raw (pre-TLS) cases: silent, garbage, mid-handshake close. */
static void
raw_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char buf[4096];
	ssize_t n;
	size_t i;

	(void)what;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0) {
		conn_free(c);
		return;
	}
	if (c->hc == HC_COUNT)
		return;		/* silent: read and never answered */
	if (c->hc == HC_TLSGARBAGE) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(rand() & 0xff);
		/* Not a TLS record: 0x47 'G' is no content type. */
		buf[0] = 'G';
		if (write(fd, buf, sizeof(buf)) < 0) {
			conn_free(c);
			return;
		}
	}
	/* mid-handshake: the ClientHello read, nothing sent, closed. */
	conn_free(c);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
	int salen, void *arg)
{
	intptr_t v = (intptr_t)arg;
	struct conn *c = calloc(1, sizeof(*c));

	(void)l;
	(void)sa;
	(void)salen;
	if (c == NULL)
		die("calloc");
	c->hc = (enum hcase)(v >> 1);
	c->tls = (v & 1) != 0;
	c->fd = fd;
	evutil_make_socket_nonblocking(fd);
	if (c->hc == HC_SILENT) {
		/* Accepted, never read, never answered; kept until the peer
		 * gives up (its FIN shows as readable). */
		c->rawev = event_new(base, fd, EV_READ | EV_PERSIST, raw_cb, c);
		event_add(c->rawev, NULL);
		c->hc = HC_COUNT;	/* raw_cb: only EOF frees it */
		return;
	}
	if (c->hc == HC_TLSGARBAGE || (c->hc == HC_MIDHANDSHAKE && c->tls)) {
		c->rawev = event_new(base, fd, EV_READ, raw_cb, c);
		event_add(c->rawev, NULL);
		return;
	}
	if (c->tls) {
		SSL *ssl = SSL_new(ssl_ctx);

		c->bev = bufferevent_openssl_socket_new(base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	} else {
		c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (c->bev == NULL)
		die("bufferevent");
	c->fd = -1;
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
listen_on(const char *addr, int port, intptr_t arg)
{
	struct sockaddr_in sin;
	struct evconnlistener *l;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		die(addr);
	l = evconnlistener_new_bind(base, accept_cb, (void *)arg,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (l == NULL) {
		fprintf(stderr, "hostile: cannot listen on %s:%d: %s\n", addr,
		    port, strerror(errno));
		exit(1);
	}
}

/* --- DNS ------------------------------------------------------------------ */

/* The query's name as text (lower case, no trailing dot) and the end of
 * its question; false when it is not a query we understand. */
static bool
dns_question(const uint8_t *q, size_t n, char *name, size_t cap,
	size_t *qend, uint16_t *qtype)
{
	size_t pos = 12, out = 0;

	if (n < 17)
		return false;
	while (pos < n && q[pos] != 0) {
		size_t l = q[pos++];

		if (l > 63 || pos + l > n || out + l + 2 > cap)
			return false;
		if (out > 0)
			name[out++] = '.';
		for (size_t i = 0; i < l; i++) {
			char ch = (char)q[pos + i];

			name[out++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
		}
		pos += l;
	}
	if (pos + 5 > n)
		return false;
	name[out] = '\0';
	*qtype = (uint16_t)(q[pos + 1] << 8 | q[pos + 2]);
	*qend = pos + 5;
	return true;
}

static void
dns_cb(evutil_socket_t fd, short what, void *arg)
{
	static uint8_t r[65536];
	uint8_t q[1500];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;
	char name[300], first[64];
	size_t qend, len, i, rrs = 0;
	uint16_t qtype;
	const char *dot, *suffix = ".hostile.test";
	int hc = -1;
	bool apex;

	(void)what;
	(void)arg;
	n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0 || !dns_question(q, (size_t)n, name, sizeof(name), &qend,
	    &qtype))
		return;
	dot = strchr(name, '.');
	len = dot != NULL ? (size_t)(dot - name) : strlen(name);
	if (len >= sizeof(first))
		len = sizeof(first) - 1;
	memcpy(first, name, len);
	first[len] = '\0';
	apex = dot != NULL && strcmp(dot, suffix) == 0;
	/* The DNS cases: any name with a dns-* label. */
	if (strstr(name, "dns-") != NULL) {
		const char *k = strstr(name, "dns-") + 4;

		memcpy(r, q, qend);
		r[2] = 0x84 | (q[2] & 1);	/* QR AA RD */
		r[3] = 0x80;
		if (strncmp(k, "malformed", 9) == 0) {
			for (i = 2; i < 40; i++)
				r[i] = (uint8_t)rand();
			sendto(fd, r, 40, 0, (struct sockaddr *)&from, flen);
		} else if (strncmp(k, "truncated", 9) == 0) {
			/* One answer announced, five bytes of it sent. */
			r[4] = 0; r[5] = 1; r[6] = 0; r[7] = 1;
			r[8] = r[9] = r[10] = r[11] = 0;
			memcpy(r + qend, "\xc0\x0c\x00\x01\x00", 5);
			sendto(fd, r, qend + 5, 0, (struct sockaddr *)&from,
			    flen);
		} else if (strncmp(k, "oversized", 9) == 0) {
			len = qend;
			for (i = 0; i < HOSTILE_OVERSIZED_RRS &&
			    len + 16 <= 65000; i++) {
				memcpy(r + len, "\xc0\x0c\x00\x01\x00\x01\x00\x00"
				    "\x00\x3c\x00\x04\xcb\x00\x71", 15);
				r[len + 15] = (uint8_t)(HOSTILE_BASE);
				len += 16;
				rrs++;
			}
			r[6] = (uint8_t)(rrs >> 8);
			r[7] = (uint8_t)rrs;
			r[8] = r[9] = r[10] = r[11] = 0;
			sendto(fd, r, len, 0, (struct sockaddr *)&from, flen);
		} else {
			/* mismatch: a good answer under another ID. */
			r[0] ^= 0x55;
			r[1] ^= 0xaa;
			r[6] = 0; r[7] = qtype == 1;
			r[8] = r[9] = r[10] = r[11] = 0;
			len = qend;
			if (qtype == 1) {
				memcpy(r + len, "\xc0\x0c\x00\x01\x00\x01\x00\x00"
				    "\x00\x3c\x00\x04\xcb\x00\x71\xc8", 16);
				len += 16;
			}
			sendto(fd, r, len, 0, (struct sockaddr *)&from, flen);
		}
		return;
	}
	for (i = 0; i < HC_COUNT; i++) {
		size_t cl = strlen(case_names[i]);

		if (strncmp(first, case_names[i], cl) == 0 &&
		    (first[cl] == '\0' || first[cl] == '-'))
			hc = (int)i;
	}
	memcpy(r, q, qend);
	r[2] = 0x84 | (q[2] & 1);
	r[3] = 0x80;
	r[4] = 0; r[5] = 1;
	r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
	len = qend;
	if (hc < 0 || !apex) {
		/* Not ours or a subdomain (www, _dmarc, ...): no such name. */
		r[3] = 0x83;
	} else if (qtype == 1) {
		r[7] = 1;
		memcpy(r + len, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00"
		    "\x04\xcb\x00\x71", 15);
		r[len + 15] = (uint8_t)(HOSTILE_BASE + hc);
		len += 16;
	}
	sendto(fd, r, len, 0, (struct sockaddr *)&from, flen);
}

static void
term_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

int
main(int argc, char **argv)
{
	const char *cert = NULL, *key = NULL, *bombf = NULL, *ready = NULL;
	char addr[32];
	struct sockaddr_in sin;
	struct event *dev, *tev;
	FILE *f;
	int i, dfd;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--cert") == 0)
			cert = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0)
			key = argv[i + 1];
		else if (strcmp(argv[i], "--bomb") == 0)
			bombf = argv[i + 1];
		else if (strcmp(argv[i], "--ready") == 0)
			ready = argv[i + 1];
	}
	if (cert == NULL || key == NULL || bombf == NULL) {
		fprintf(stderr, "usage: hostile --cert PEM --key PEM --bomb FILE "
		    "[--ready FILE]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	f = fopen(bombf, "rb");
	if (f == NULL)
		die(bombf);
	bomb = malloc(64u << 20);
	bomb_len = fread(bomb, 1, 64u << 20, f);
	fclose(f);
	ssl_ctx = SSL_CTX_new(TLS_server_method());
	if (SSL_CTX_use_certificate_chain_file(ssl_ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ssl_ctx, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	base = event_base_new();
	for (i = 0; i < HC_COUNT; i++) {
		snprintf(addr, sizeof(addr), HOSTILE_NET "%d", HOSTILE_BASE + i);
		listen_on(addr, 443, (intptr_t)(i << 1 | 1));
		listen_on(addr, 80, (intptr_t)(i << 1));
	}
	dfd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	inet_pton(AF_INET, HOSTILE_NET "253", &sin.sin_addr);
	if (dfd < 0 || bind(dfd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("dns bind");
	dev = event_new(base, dfd, EV_READ | EV_PERSIST, dns_cb, NULL);
	event_add(dev, NULL);
	tev = evsignal_new(base, SIGTERM, term_cb, NULL);
	event_add(tev, NULL);
	if (ready != NULL && (f = fopen(ready, "w")) != NULL)
		fclose(f);
	event_base_dispatch(base);
	return 0;
}
