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
 *   hostile --cert PEM --key PEM --bomb FILE [--rsa-cert PEM --rsa-key PEM]
 *           [--ready FILE]
 *
 * DNS: "CASE.hostile.test" and "CASE-N.hostile.test" have the A record of
 * CASE's address (every other type: no data); names whose first label
 * starts with "dns-" get the DNS case of that label (malformed, truncated,
 * oversized, mismatched ID).  Names whose first label is "blk-KIND" (or
 * "blk-KIND-N") answer with an address of the blocklist (blocked_names[]:
 * loopback, private, link-local, IPv4-mapped, NAT64, IPv4-compatible,
 * site-local), directly or through a CNAME.  Runs until SIGTERM.
 *
 * SMTP (issue 16): port 25 of HOSTILE_NET.(HOSTILE_SMTP_BASE + SMTP case
 * index) plays smtp_names[]: "control" (a well-behaved server: banner,
 * EHLO offering STARTTLS, TLS with the --cert leaf, QUIT), an endless
 * banner line, 421 at connect, STARTTLS answered 454, garbage instead of a
 * ServerHello after STARTTLS's 220, garbage in the 220's own segment
 * ("inject"), a tarpit sending its banner one byte per second, a drop
 * after EHLO.  DNS: "smtp-CASE.hostile.test" (and "smtp-CASE-N") has the
 * MX 10 "mx-CASE[-N].hostile.test", whose A is the SMTP case's address
 * (the leaf's *.hostile.test covers it).
 *
 * The linear-CPU cases (issue 14 point 9): "drip" sends its port-80
 * response head one byte per segment, HOSTILE_DRIP_PAUSE_NS apart
 * ("dripsmall": a quarter of it); "sectxtdrip" sends its security.txt as a
 * chunked body the same way; "bigdh" is a TLS 1.2
 * server with DHE suites only and a HOSTILE_BIGDH_BITS-bit group (needs
 * --rsa-cert/--rsa-key: DHE suites are signed with RSA); "bodydrip" drips
 * the same security.txt with a Content-Length instead (a reader needs no
 * parsing for it: the tests' measure of what the segments alone cost).
 *
 * The HTTP/2 cases (issue 20 point 1): on 443 the server selects ALPN h2
 * when the client offers it (and serves as "control" over HTTP/1.1 when it
 * does not), reads the client's frames and plays: "h2settings" a flood of
 * empty SETTINGS frames from its first bytes (HOSTILE_H2_FLOOD bytes of
 * them); "h2continuation" answers a request with a HEADERS frame without
 * END_HEADERS and HOSTILE_BIG bytes of CONTINUATION frames of 1000-byte
 * header fields; "h2noend" answers every request with a 200 HEADERS and a
 * DATA frame and never ends the stream.  The frames are written here by
 * hand (a hostile peer is what a library would refuse to be).
 *
 * HTTP/1.1 keep-alive (issue 20 point 1): "kachunked" answers GET / with a
 * chunked body and keeps the connection, and serves security.txt only on
 * that connection (404 on one whose first request it is); "kaclose"
 * answers GET / with a Content-Length and no Connection: close, then
 * closes: the client must ask security.txt again on a new connection.
 *
 * The TLS policy scan's cases (issue 17): "scanstall" and "scangarbage"
 * serve a ClientHello that offers ALPN http/1.1 (the web stage's) as
 * "control" does, and any other (the scan's handshakes offer no ALPN)
 * with silence until the peer gives up, or with garbage: a server that
 * accepts one handshake and stalls on the next, or answers every version
 * the scan asks with garbage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#define HOSTILE_NET "203.0.113."
#define HOSTILE_BASE 200
#define HOSTILE_DNS 253
#define HOSTILE_BIG (10u << 20)		/* "10 MB of headers" */
#define HOSTILE_REQ_MAX 8192		/* request bytes we buffer */
#define HOSTILE_OVERSIZED_RRS 3500	/* A records: a 56 KB UDP reply */
/* The drip cases send one byte per TCP segment (and TLS record),
 * HOSTILE_DRIP_PAUSE_NS apart, from a thread of their own that spins
 * between them (the loop's timers fire every 200 us at best on a busy
 * machine, a thread's sleep every 100-150 us: too slow for 65,000 bytes
 * within the crawler's 10 s exchange timeout, WEB_EXCHANGE_TIMEOUT_MS): a
 * reader wakes for about every byte.  drip: a port-80 response head of
 * HOSTILE_DRIP_HEAD bytes, under the crawler's 64 KiB cap (HTTP_MAX_HEAD);
 * dripsmall: the same, a quarter as long (the tests compare the two: a
 * linear reader costs four times as much for drip, a quadratic one 16). */
#define HOSTILE_DRIP_HEAD 65000
#define HOSTILE_DRIP_SMALL_HEAD 16250
#define HOSTILE_DRIP_PAUSE_NS 20000
/* sectxtdrip: a security.txt body under the crawler's 32 KiB cap
 * (WEB_SECTXT_MAX_BODY), in chunks of HOSTILE_SECTXT_CHUNK bytes (1500
 * chunks, under its 4096, HTTP_MAX_CHUNKS), each size line with a chunk
 * extension of HOSTILE_SECTXT_EXT bytes: about 43,500 bytes sent, under the
 * crawler's read cap for security.txt (HTTP_MAX_HEAD + WEB_SECTXT_MAX_BODY),
 * so that a reader that decodes the body again at every read pays for
 * every byte of it every time. */
#define HOSTILE_SECTXT_BODY 12000
#define HOSTILE_SECTXT_CHUNK 8
#define HOSTILE_SECTXT_EXT 16
/* bigdh: OpenSSL's own ceiling for a DH modulus (OPENSSL_DH_MAX_MODULUS_BITS),
 * above the crawler's limit (TLS_MAX_DH_BITS).  The modulus is a random odd
 * number, not a prime: nothing in a TLS 1.2 client checks primality, and a
 * safe prime this size takes hours to find.  The server's own exponent is
 * HOSTILE_BIGDH_PRIV bits, so the server pays little; a client that accepts
 * the group uses a full-size exponent and pays two 10000-bit powers. */
#define HOSTILE_BIGDH_BITS 10000
#define HOSTILE_BIGDH_PRIV 256
/* SMTP cases: addresses HOSTILE_NET.(HOSTILE_SMTP_BASE + index), above the
 * web cases' (HOSTILE_BASE + HC_COUNT) and below HOSTILE_DNS. */
#define HOSTILE_SMTP_BASE 230
/* h2settings: bytes of empty SETTINGS frames (9 bytes each) sent at once,
 * some 230,000 frames, each asking the client for an ack. */
#define HOSTILE_H2_FLOOD (2u << 20)
#define HOSTILE_SMTP_PORT 25
/* endless: banner bytes sent without a line end, far over the crawler's
 * line bound (SMTP_MAX_LINE, 2048) and its session bound (SMTP_MAX_READ,
 * 65536): the crawler must stop reading, not this server stop sending. */
#define HOSTILE_SMTP_ENDLESS (1u << 20)
/* Command bytes buffered without a line end before the server gives up on
 * a client (RFC 5321 4.5.3.1.4: a command line is 512 bytes). */
#define HOSTILE_SMTP_LINE_MAX 4096

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
	HC_DRIP,		/* port 80: the head one byte per segment */
	HC_SECTXTDRIP,		/* security.txt chunked, one byte per segment */
	HC_BIGDH,		/* TLS 1.2, DHE only, a 10000-bit group */
	HC_BODYDRIP,		/* sectxtdrip's body with a Content-Length */
	HC_DRIPSMALL,		/* drip, a quarter as long */
	HC_SCANSTALL,		/* the web stage's hello served, others stalled */
	HC_SCANGARBAGE,		/* ... others answered with garbage */
	HC_H2SETTINGS,		/* h2: a flood of SETTINGS frames */
	HC_H2CONTINUATION,	/* h2: HEADERS + endless CONTINUATION */
	HC_H2NOEND,		/* h2: a stream never ended */
	HC_KACHUNKED,		/* keep-alive after a chunked GET / */
	HC_KACLOSE,		/* keep-alive promised, then closed */
	HC_COUNT,
};

static const char *const case_names[HC_COUNT] = {
	"control", "silent", "trickle", "bigheaders", "endless", "tlsgarbage",
	"midhandshake", "reset", "redirect", "gzipbomb", "drip", "sectxtdrip",
	"bigdh", "bodydrip", "dripsmall", "scanstall", "scangarbage",
	"h2settings", "h2continuation", "h2noend", "kachunked", "kaclose",
};

enum scase {
	SC_CONTROL = 0,		/* banner, EHLO with STARTTLS, TLS, QUIT */
	SC_ENDLESS,		/* a banner line that never ends */
	SC_421,			/* 421 at connect, then close */
	SC_454,			/* STARTTLS answered 454 */
	SC_GARBAGE,		/* 220 to STARTTLS, then garbage, not TLS */
	SC_INJECT,		/* bytes after the 220, in its segment */
	SC_TARPIT,		/* the banner one byte per second */
	SC_DROP,		/* closes on EHLO, no reply */
	SC_COUNT,
};

static const char *const smtp_names[SC_COUNT] = {
	"control", "endless", "421", "454", "garbage", "inject", "tarpit",
	"drop",
};

/* The blk-* names: what the DNS answers for each (one address, A or AAAA
 * by its form), and whether through a CNAME to "blk-<target>.hostile.test". */
static const struct {
	const char *kind;
	const char *addr;
	const char *cname;	/* NULL: the address is the name's own */
} blocked_names[] = {
	{ "loop4", "127.0.0.1", NULL },
	{ "priv4", "10.200.0.1", NULL },
	{ "ll4", "169.254.200.1", NULL },
	{ "loop6", "::1", NULL },
	{ "ula6", "fd00:200::1", NULL },
	{ "ll6", "fe80::200:1", NULL },
	{ "mapped", "::ffff:127.0.0.1", NULL },
	{ "nat64", "64:ff9b::7f00:1", NULL },
	{ "compat", "::127.0.0.1", NULL },
	{ "sitelocal", "fec0::200:1", NULL },
	{ "cname4", "127.0.0.1", "loop4" },
	{ "cname6", "::127.0.0.1", "compat" },
	{ "cnamepriv", "10.200.0.1", "priv4" },
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
	bool handed;			/* drip: socket and SSL given away */
	bool h2;			/* ALPN h2 selected */
	bool h2_preface;		/* the client's preface was read */
	unsigned served;		/* kachunked: responses on this conn */
};

static struct event_base *base;
static SSL_CTX *ssl_ctx;
static SSL_CTX *dh_ctx;		/* bigdh: TLS 1.2, DHE, the big group */
static char *bomb;
static size_t bomb_len;

static void
die(const char *what)
{
	fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
	exit(1);
}

static bool
is_drip(enum hcase hc)
{
	return hc == HC_DRIP || hc == HC_DRIPSMALL || hc == HC_SECTXTDRIP ||
	    hc == HC_BODYDRIP;
}

static void
conn_free(struct conn *c)
{
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->rawev != NULL)
		event_free(c->rawev);
	if (c->bev != NULL && is_drip(c->hc)) {
		/* a drip case's bufferevent does not own its SSL and socket:
		 * they are closed here, or a drip thread has them */
		SSL *ssl = c->tls ? bufferevent_openssl_get_ssl(c->bev) : NULL;
		evutil_socket_t fd = bufferevent_getfd(c->bev);

		bufferevent_free(c->bev);
		if (!c->handed) {
			SSL_free(ssl);
			close(fd);
		}
	} else if (c->bev != NULL) {
		bufferevent_free(c->bev);
	} else if (c->fd >= 0) {
		close(c->fd);
	}
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

static bool is_h2case(enum hcase hc);

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if ((what & BEV_EVENT_CONNECTED) && c->tls) {
		const unsigned char *p = NULL;
		unsigned n = 0;

		SSL_get0_alpn_selected(bufferevent_openssl_get_ssl(bev), &p,
		    &n);
		c->h2 = n == 2 && memcmp(p, "h2", 2) == 0;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(arg);
}

/* ALPN: h2 for the h2 cases when offered, nothing otherwise (the other
 * cases speak HTTP/1.1 without ALPN, as before). */
static int
alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
	const unsigned char *in, unsigned inlen, void *arg)
{
	struct conn *c = SSL_get_app_data(ssl);
	unsigned i;

	(void)arg;
	if (c == NULL || !is_h2case(c->hc))
		return SSL_TLSEXT_ERR_NOACK;
	for (i = 0; i + 3 <= inlen; i += 1u + in[i]) {
		if (in[i] == 2 && memcmp(in + i + 1, "h2", 2) == 0) {
			*out = in + i + 1;
			*outlen = 2;
			return SSL_TLSEXT_ERR_OK;
		}
	}
	return SSL_TLSEXT_ERR_NOACK;
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

struct dripper {
	int fd;				/* owned */
	SSL *ssl;			/* owned, or NULL: plain TCP */
	char *head;			/* owned, sent at once; may be NULL */
	char *data;			/* owned, sent a byte at a time */
	size_t len;
};

/* Spin for HOSTILE_DRIP_PAUSE_NS. */
static void
drip_pause(void)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) <
	    HOSTILE_DRIP_PAUSE_NS);
}

/* Write p[0..len) whole on d's connection (non-blocking: wait and retry).
 * False when the peer is gone. */
static bool
dripper_write(struct dripper *d, const char *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		int n;

		if (d->ssl != NULL) {
			n = SSL_write(d->ssl, p + off, (int)(len - off));
			if (n <= 0 && SSL_get_error(d->ssl, n) !=
			    SSL_ERROR_WANT_WRITE)
				return false;
		} else {
			n = (int)send(d->fd, p + off, len - off, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return false;
		}
		if (n > 0)
			off += (size_t)n;
		else
			drip_pause();
	}
	return true;
}

/* A drip's thread: the head at once, then one byte per write (a segment
 * of its own, TCP_NODELAY; over TLS a record of its own), a pause between,
 * then FIN. */
static void *
dripper_run(void *arg)
{
	struct dripper *d = arg;
	size_t i;

	if (d->head == NULL || dripper_write(d, d->head, strlen(d->head))) {
		for (i = 0; i < d->len; i++) {
			if (!dripper_write(d, d->data + i, 1))
				break;	/* the reader is gone */
			drip_pause();
		}
	}
	SSL_free(d->ssl);
	shutdown(d->fd, SHUT_WR);
	close(d->fd);
	free(d->head);
	free(d->data);
	free(d);
	return NULL;
}

/* Hand c's connection (socket and TLS state) to a drip thread and free c:
 * head (may be NULL) at once, then data[0..len) a byte at a time.  Takes
 * head and data. */
static void
drip_start(struct conn *c, char *head, char *data, size_t len)
{
	struct dripper *d = calloc(1, sizeof(*d));
	int one = 1;
	pthread_t t;

	if (d == NULL)
		die("calloc");
	d->fd = bufferevent_getfd(c->bev);
	d->ssl = c->tls ? bufferevent_openssl_get_ssl(c->bev) : NULL;
	d->head = head;
	d->data = data;
	d->len = len;
	setsockopt(d->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* the bufferevent of a drip case does not own its socket and SSL
	 * (accept_cb): freed, it leaves them to the thread */
	c->handed = true;
	conn_free(c);
	if (pthread_create(&t, NULL, dripper_run, d) != 0)
		die("drip thread");
	pthread_detach(t);
}

/* drip: GET / on port 80 answered with a redirect to https (what the
 * control sends) and filler fields of 300 bytes up to size bytes (about
 * 216 for HOSTILE_DRIP_HEAD: under the crawler's HTTP_MAX_FIELDS). */
static void
drip_head(struct conn *c, const char *host, size_t size)
{
	char *h = malloc(size + 1);
	size_t n, i = 0;

	if (h == NULL)
		die("malloc");
	n = (size_t)snprintf(h, size, "HTTP/1.1 301 Moved Permanently\r\n"
	    "Location: https://%s/\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n", host);
	while (n + 300 + 2 <= size) {
		n += (size_t)snprintf(h + n, size + 1 - n,
		    "X-Drip-%06zu: %0283zu\r\n", i, i);
		i++;
	}
	memcpy(h + n, "\r\n", 2);
	drip_start(c, NULL, h, n + 2);
}

/* sectxtdrip: a valid security.txt padded with comments to
 * HOSTILE_SECTXT_BODY bytes, as a chunked body (bodydrip: with a
 * Content-Length); the head goes at once. */
static void
drip_sectxt(struct conn *c, const char *host, bool chunked)
{
	char *body = malloc(HOSTILE_SECTXT_BODY + 1), tbuf[64];
	char *enc = malloc(5 * HOSTILE_SECTXT_BODY), *head = malloc(256);
	size_t n, m = 0, off;
	time_t exp = time(NULL) + 180 * 86400;
	struct tm tm;

	if (body == NULL || enc == NULL || head == NULL)
		die("malloc");
	gmtime_r(&exp, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = (size_t)snprintf(body, HOSTILE_SECTXT_BODY, "Contact: mailto:"
	    "security@%s\nExpires: %s\n", host, tbuf);
	while (n + 80 <= HOSTILE_SECTXT_BODY)
		n += (size_t)snprintf(body + n, 81, "# %076d\n", 0);
	if (!chunked) {
		snprintf(head, 256, "HTTP/1.1 200 OK\r\nContent-Type: "
		    "text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", n);
		free(enc);
		drip_start(c, head, body, n);
		return;
	}
	for (off = 0; off < n; off += HOSTILE_SECTXT_CHUNK) {
		size_t k = n - off < HOSTILE_SECTXT_CHUNK ? n - off :
		    HOSTILE_SECTXT_CHUNK;

		m += (size_t)sprintf(enc + m, "%zx;%0*d\r\n", k,
		    HOSTILE_SECTXT_EXT - 1, 0);
		memcpy(enc + m, body + off, k);
		m += k;
		memcpy(enc + m, "\r\n", 2);
		m += 2;
	}
	memcpy(enc + m, "0\r\n\r\n", 5);
	m += 5;
	free(body);
	snprintf(head, 256, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: close\r\n\r\n");
	drip_start(c, head, enc, m);
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
	if ((c->hc == HC_DRIP || c->hc == HC_DRIPSMALL) && !c->tls) {
		drip_head(c, host, c->hc == HC_DRIP ? HOSTILE_DRIP_HEAD :
		    HOSTILE_DRIP_SMALL_HEAD);
		return;
	}
	if ((c->hc == HC_SECTXTDRIP || c->hc == HC_BODYDRIP) && c->tls &&
	    sectxt) {
		drip_sectxt(c, host, c->hc == HC_SECTXTDRIP);
		return;
	}
	if (c->tls && (c->hc == HC_KACHUNKED || c->hc == HC_KACLOSE) &&
	    !sectxt) {
		evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\n"
		    "Strict-Transport-Security: max-age=31536000\r\n"
		    "X-Frame-Options: DENY\r\n%s\r\n\r\n%s",
		    c->hc == HC_KACHUNKED ? "Transfer-Encoding: chunked" :
		    "Content-Length: 3", c->hc == HC_KACHUNKED ?
		    "3\r\nok\n\r\n0\r\n\r\n" : "ok\n");
		if (c->hc == HC_KACLOSE) {
			bufferevent_setcb(c->bev, NULL, close_after_write,
			    event_cb, c);
			return;
		}
		/* kept: the next request on it is answered too */
		c->answered = false;
		c->reqlen = 0;
		c->served++;
		return;
	}
	if (c->tls && c->hc == HC_KACHUNKED && c->served == 0) {
		/* security.txt only on the connection GET / kept */
		evbuffer_add_printf(out, "HTTP/1.1 404 Not Found\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
		bufferevent_setcb(c->bev, NULL, close_after_write, event_cb, c);
		return;
	}
	switch (c->hc) {
	case HC_KACHUNKED:
	case HC_KACLOSE:
	case HC_BODYDRIP:
	case HC_DRIPSMALL:
	case HC_DRIP:
	case HC_SECTXTDRIP:
	case HC_BIGDH:
	case HC_H2SETTINGS:
	case HC_H2CONTINUATION:
	case HC_H2NOEND:
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

static bool
is_h2case(enum hcase hc)
{
	return hc == HC_H2SETTINGS || hc == HC_H2CONTINUATION ||
	    hc == HC_H2NOEND;
}

/* An HTTP/2 frame header (RFC 9113 4.1) then len bytes of payload. */
static void
h2_frame(struct evbuffer *out, size_t len, uint8_t type, uint8_t flags,
	uint32_t stream, const void *payload)
{
	uint8_t h[9] = {
		(uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len, type,
		flags, (uint8_t)(stream >> 24), (uint8_t)(stream >> 16),
		(uint8_t)(stream >> 8), (uint8_t)stream,
	};

	evbuffer_add(out, h, sizeof(h));
	if (len > 0)
		evbuffer_add(out, payload, len);
}

/* h2continuation: 16 literal fields (RFC 7541 6.2.2, new name
 * "x-filler", a 1000-byte value) per frame. */
static void
h2_continuation(struct evbuffer *out, uint32_t stream)
{
	static uint8_t frag[16 * 1013];
	size_t i, sent;

	for (i = 0; i < 16; i++) {
		uint8_t *f = frag + i * 1013;

		/* 0x00: literal without indexing, new name; 0x7f 0xe9
		 * 0x06: length 1000 (127 + 873 in 7-bit groups) */
		memcpy(f, "\x00\x08x-filler\x7f\xe9\x06", 13);
		memset(f + 13, 'a', 1000);
	}
	/* :status 200 (static table index 8), then fields; no END_HEADERS */
	{
		uint8_t first[1 + sizeof(frag)];

		first[0] = 0x88;
		memcpy(first + 1, frag, sizeof(frag));
		h2_frame(out, sizeof(first), 1, 0, stream, first);
	}
	for (sent = sizeof(frag); sent < HOSTILE_BIG; sent += sizeof(frag))
		h2_frame(out, sizeof(frag), 9, 0, stream, frag);
}

/* The client's frames so far in c->req: answer each HEADERS (a request). */
static void
h2_read(struct conn *c)
{
	static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t pos = 0;

	if (!c->h2_preface) {
		if (c->reqlen < sizeof(preface) - 1)
			return;
		c->h2_preface = true;
		pos = sizeof(preface) - 1;
		h2_frame(out, 0, 4, 0, 0, NULL);	/* our SETTINGS */
		if (c->hc == HC_H2SETTINGS) {
			size_t i;

			for (i = 0; i < HOSTILE_H2_FLOOD / 9; i++)
				h2_frame(out, 0, 4, 0, 0, NULL);
		}
	}
	while (c->reqlen - pos >= 9) {
		const uint8_t *h = (const uint8_t *)c->req + pos;
		size_t len = (size_t)h[0] << 16 | (size_t)h[1] << 8 | h[2];
		uint32_t stream = ((uint32_t)h[5] << 24 | (uint32_t)h[6] << 16 |
		    (uint32_t)h[7] << 8 | h[8]) & 0x7fffffff;

		if (c->reqlen - pos < 9 + len)
			break;
		pos += 9 + len;
		if (h[3] == 4 && !(h[4] & 1))		/* SETTINGS: ack */
			h2_frame(out, 0, 4, 1, 0, NULL);
		if (h[3] != 1)
			continue;
		if (c->hc == HC_H2CONTINUATION) {
			h2_continuation(out, stream);
		} else if (c->hc == HC_H2NOEND) {
			static const char part[] = "Contact: mailto:a@b\n";
			uint8_t st = 0x88;

			h2_frame(out, 1, 1, 4, stream, &st);	/* END_HEADERS */
			h2_frame(out, sizeof(part) - 1, 0, 0, stream, part);
		}
	}
	memmove(c->req, c->req + pos, c->reqlen - pos);
	c->reqlen -= pos;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	if (c->h2) {
		if (n > sizeof(c->req) - 1 - c->reqlen)
			n = sizeof(c->req) - 1 - c->reqlen;
		evbuffer_remove(in, c->req + c->reqlen, n);
		c->reqlen += n;
		evbuffer_drain(in, evbuffer_get_length(in));
		h2_read(c);
		return;
	}
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

static void tls_start(struct conn *c);
static void raw_cb(evutil_socket_t fd, short what, void *arg);

/* The ALPN protocol name http/1.1 as it appears in a ClientHello (RFC
 * 7301 3.1: a length byte, then the name). */
static const char alpn_http11[] = "\x08http/1.1";

/* scanstall, scangarbage: the first bytes of the ClientHello, peeked
 * (left in the socket for OpenSSL); the web stage's hello is served. */
static void
scan_peek_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char buf[4096];
	ssize_t n;

	(void)what;
	n = recv(fd, buf, sizeof(buf), MSG_PEEK);
	if (n <= 0) {
		conn_free(c);
		return;
	}
	event_free(c->rawev);
	c->rawev = NULL;
	if (memmem(buf, (size_t)n, alpn_http11, sizeof(alpn_http11) - 1) !=
	    NULL) {
		c->hc = HC_CONTROL;	/* served as the control site */
		tls_start(c);
		return;
	}
	if (c->hc == HC_SCANSTALL) {
		/* read and never answered, freed at the peer's EOF */
		c->hc = HC_COUNT;
		c->rawev = event_new(base, fd, EV_READ | EV_PERSIST, raw_cb, c);
	} else {
		c->hc = HC_TLSGARBAGE;
		c->rawev = event_new(base, fd, EV_READ, raw_cb, c);
	}
	event_add(c->rawev, NULL);
	raw_cb(fd, EV_READ, c);
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
	if (c->hc == HC_SCANSTALL || c->hc == HC_SCANGARBAGE) {
		if (c->tls) {
			c->rawev = event_new(base, fd, EV_READ, scan_peek_cb,
			    c);
			event_add(c->rawev, NULL);
			return;
		}
		c->hc = HC_CONTROL;	/* port 80 as the control site's */
	}
	tls_start(c);
}

/* The case's server: TLS (port 443) or plain (80) on c->fd. */
static void
tls_start(struct conn *c)
{
	evutil_socket_t fd = c->fd;

	if (c->tls) {
		SSL *ssl = SSL_new(c->hc == HC_BIGDH ? dh_ctx : ssl_ctx);

		/* A drip case may hand its socket and SSL to a thread:
		 * its bufferevent does not own them (conn_free). */
		SSL_set_app_data(ssl, c);
		c->bev = bufferevent_openssl_socket_new(base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, is_drip(c->hc) ? 0 :
		    BEV_OPT_CLOSE_ON_FREE);
		bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	} else {
		c->bev = bufferevent_socket_new(base, fd, is_drip(c->hc) ? 0 :
		    BEV_OPT_CLOSE_ON_FREE);
	}
	if (c->bev == NULL)
		die("bufferevent");
	c->fd = -1;
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* --- SMTP ----------------------------------------------------------------- */

struct sconn {
	enum scase sc;
	struct bufferevent *bev;	/* plain: does not own fd; TLS: owns it */
	evutil_socket_t fd;
	bool tls;			/* bev is the TLS one (owns fd) */
	struct event *tick;		/* tarpit */
	struct event *rawev;		/* garbage: waits for the ClientHello */
	size_t sent;
};

static void
sconn_free(struct sconn *c)
{
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->rawev != NULL)
		event_free(c->rawev);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (!c->tls && c->fd >= 0)
		close(c->fd);
	free(c);
}

static void
smtp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		sconn_free(arg);
}

static void
smtp_close_after_write(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		sconn_free(arg);
}

/* Close once what was written is sent; read nothing more. */
static void
smtp_close_when_sent(struct sconn *c)
{
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setcb(c->bev, NULL, smtp_close_after_write, smtp_event_cb,
	    c);
}

/* garbage: the ClientHello read, garbage sent back (no TLS record: 'G' is
 * no content type), closed. */
static void
smtp_garbage_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sconn *c = arg;
	char buf[4096];
	size_t i;

	(void)what;
	if (read(fd, buf, sizeof(buf)) > 0) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(rand() & 0xff);
		buf[0] = 'G';
		if (write(fd, buf, sizeof(buf)) < 0) {
			/* the peer is gone: closed below all the same */
		}
	}
	sconn_free(c);
}

static void smtp_read_cb(struct bufferevent *bev, void *arg);

/* STARTTLS's 220 is sent (reading was off, so no ClientHello byte went
 * into the plain buffer): the socket goes to TLS, or to the garbage. */
static void
smtp_starttls_go(struct bufferevent *bev, void *arg)
{
	struct sconn *c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	bufferevent_free(c->bev);
	c->bev = NULL;
	if (c->sc == SC_GARBAGE) {
		c->rawev = event_new(base, c->fd, EV_READ, smtp_garbage_cb, c);
		event_add(c->rawev, NULL);
		return;
	}
	c->bev = bufferevent_openssl_socket_new(base, c->fd, SSL_new(ssl_ctx),
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		die("bufferevent_openssl");
	c->tls = true;
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	bufferevent_setcb(c->bev, smtp_read_cb, NULL, smtp_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static bool
smtp_verb(const char *line, const char *verb)
{
	size_t n = strlen(verb);

	return strncasecmp(line, verb, n) == 0 && (line[n] == '\0' ||
	    line[n] == ' ');
}

/* One command line; false when c is gone or no longer reads lines. */
static bool
smtp_command(struct sconn *c, const char *line)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (smtp_verb(line, "EHLO") || smtp_verb(line, "HELO")) {
		if (c->sc == SC_DROP) {
			sconn_free(c);
			return false;
		}
		evbuffer_add_printf(out, "250-mx-%s.hostile.test\r\n"
		    "250-PIPELINING\r\n250-SIZE 10240000\r\n%s"
		    "250 8BITMIME\r\n", smtp_names[c->sc],
		    c->tls ? "" : "250-STARTTLS\r\n");
	} else if (smtp_verb(line, "STARTTLS") && !c->tls) {
		if (c->sc == SC_454) {
			evbuffer_add_printf(out, "454 4.7.0 TLS not available "
			    "due to local problem\r\n");
		} else if (c->sc == SC_INJECT) {
			/* one write, one segment: the 220 and the injection */
			evbuffer_add_printf(out, "220 2.0.0 Ready to start "
			    "TLS\r\nMAIL FROM:<injected@hostile.test>\r\n");
		} else {
			bufferevent_disable(c->bev, EV_READ);
			evbuffer_add_printf(out, "220 2.0.0 Ready to start "
			    "TLS\r\n");
			bufferevent_setcb(c->bev, NULL, smtp_starttls_go,
			    smtp_event_cb, c);
			return false;
		}
	} else if (smtp_verb(line, "QUIT")) {
		evbuffer_add_printf(out, "221 2.0.0 Bye\r\n");
		smtp_close_when_sent(c);
		return false;
	} else {
		evbuffer_add_printf(out, "502 5.5.2 Error: command not "
		    "recognized\r\n");
	}
	return true;
}

static void
smtp_read_cb(struct bufferevent *bev, void *arg)
{
	struct sconn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t n;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		bool go_on = smtp_command(c, line);

		free(line);
		if (!go_on)
			return;
	}
	if (evbuffer_get_length(in) > HOSTILE_SMTP_LINE_MAX)
		sconn_free(c);	/* inject: the ClientHello is no command */
}

/* tarpit: the banner, one byte a second, for as long as the peer stays. */
static void
smtp_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	static const char banner[] = "220 mx-tarpit.hostile.test ESMTP, one "
	    "byte per second, for as long as you listen\r\n";
	struct sconn *c = arg;
	struct timeval sec = { 1, 0 };

	(void)fd;
	(void)what;
	bufferevent_write(c->bev, &banner[c->sent % (sizeof(banner) - 1)], 1);
	c->sent++;
	evtimer_add(c->tick, &sec);
}

static void
smtp_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
	struct sockaddr *sa, int salen, void *arg)
{
	struct sconn *c = calloc(1, sizeof(*c));
	struct evbuffer *out;
	struct timeval sec = { 1, 0 };

	(void)l;
	(void)sa;
	(void)salen;
	if (c == NULL)
		die("calloc");
	c->sc = (enum scase)(intptr_t)arg;
	c->fd = fd;
	evutil_make_socket_nonblocking(fd);
	/* Not BEV_OPT_CLOSE_ON_FREE: STARTTLS hands the socket to a TLS
	 * bufferevent (sconn_free closes it while it is plain). */
	c->bev = bufferevent_socket_new(base, fd, 0);
	if (c->bev == NULL)
		die("bufferevent");
	bufferevent_setcb(c->bev, smtp_read_cb, NULL, smtp_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	out = bufferevent_get_output(c->bev);
	switch (c->sc) {
	case SC_ENDLESS: {
		char *a = malloc(HOSTILE_SMTP_ENDLESS);

		if (a == NULL)
			die("malloc");
		memset(a, 'a', HOSTILE_SMTP_ENDLESS);
		evbuffer_add_printf(out, "220 ");
		evbuffer_add(out, a, HOSTILE_SMTP_ENDLESS);
		free(a);
		break;
	}
	case SC_421:
		evbuffer_add_printf(out, "421 4.3.2 mx-421.hostile.test Service "
		    "not available, closing transmission channel\r\n");
		smtp_close_when_sent(c);
		break;
	case SC_TARPIT:
		c->tick = evtimer_new(base, smtp_tick_cb, c);
		evtimer_add(c->tick, &sec);
		break;
	default:
		evbuffer_add_printf(out, "220 mx-%s.hostile.test ESMTP "
		    "hostile\r\n", smtp_names[c->sc]);
		break;
	}
}

static void
listen_on(const char *addr, int port, evconnlistener_cb cb, intptr_t arg)
{
	struct sockaddr_in sin;
	struct evconnlistener *l;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		die(addr);
	l = evconnlistener_new_bind(base, cb, (void *)arg,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (l == NULL) {
		fprintf(stderr, "hostile: cannot listen on %s:%d: %s\n", addr,
		    port, strerror(errno));
		exit(1);
	}
}

/* bigdh: a TLS 1.2 server context with DHE suites only, RSA-signed, and a
 * HOSTILE_BIGDH_BITS-bit group (see the constant). */
static SSL_CTX *
bigdh_ctx(const char *cert, const char *key)
{
	SSL_CTX *c = SSL_CTX_new(TLS_server_method());
	BIGNUM *p = BN_new(), *g = BN_new();
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *prm;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	EVP_PKEY *dh = NULL;

	if (c == NULL || p == NULL || g == NULL || b == NULL || pc == NULL)
		die("bigdh: out of memory");
	/* odd, top two bits set: exactly HOSTILE_BIGDH_BITS bits */
	if (BN_rand(p, HOSTILE_BIGDH_BITS, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD)
	    != 1 || BN_set_word(g, 2) != 1 ||
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, p) != 1 ||
	    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, g) != 1 ||
	    OSSL_PARAM_BLD_push_int(b, OSSL_PKEY_PARAM_DH_PRIV_LEN,
	    HOSTILE_BIGDH_PRIV) != 1 || (prm = OSSL_PARAM_BLD_to_param(b)) == NULL ||
	    EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &dh, EVP_PKEY_KEY_PARAMETERS, prm) != 1) {
		ERR_print_errors_fp(stderr);
		die("bigdh: DH group");
	}
	SSL_CTX_set_security_level(c, 0);
	SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
	if (SSL_CTX_set_cipher_list(c, "DHE-RSA-AES128-GCM-SHA256:"
	    "DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0") != 1 ||
	    SSL_CTX_set0_tmp_dh_pkey(c, dh) != 1 ||
	    SSL_CTX_use_certificate_chain_file(c, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		die("bigdh: TLS context");
	}
	OSSL_PARAM_free(prm);
	OSSL_PARAM_BLD_free(b);
	EVP_PKEY_CTX_free(pc);
	BN_free(p);
	BN_free(g);
	return c;
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

/* Append the RR "NAME TYPE data" to r at *len: NAME a pointer to the
 * question (0xc00c) or, when at is not 0, to offset at. */
static void
dns_rr(uint8_t *r, size_t *len, uint16_t at, uint16_t type,
	const uint8_t *data, size_t dlen)
{
	uint8_t *p = r + *len;

	at = at != 0 ? at : 12;
	p[0] = (uint8_t)(0xc0 | at >> 8);
	p[1] = (uint8_t)at;
	p[2] = (uint8_t)(type >> 8);
	p[3] = (uint8_t)type;
	memcpy(p + 4, "\x00\x01\x00\x00\x00\x3c", 6);	/* IN, TTL 60 */
	p[10] = (uint8_t)(dlen >> 8);
	p[11] = (uint8_t)dlen;
	memcpy(p + 12, data, dlen);
	*len += 12 + dlen;
}

/*
 * A blk-* name (blocked_names[]): the reply in r (the question copied,
 * header set) for qtype, length into *len.  False when first is no such
 * kind.
 */
static bool
dns_blocked(const char *first, uint16_t qtype, uint8_t *r, size_t *len)
{
	const char *kind = first + 4;
	size_t i, kl = strcspn(kind, "-");
	uint8_t a[16], cname[80];
	uint16_t owner = 0;
	int fam;

	if (strncmp(first, "blk-", 4) != 0)
		return false;
	for (i = 0; i < sizeof(blocked_names) / sizeof(blocked_names[0]); i++)
		if (strlen(blocked_names[i].kind) == kl &&
		    strncmp(blocked_names[i].kind, kind, kl) == 0)
			break;
	if (i == sizeof(blocked_names) / sizeof(blocked_names[0]))
		return false;
	fam = strchr(blocked_names[i].addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(fam, blocked_names[i].addr, a) != 1)
		return false;
	if (blocked_names[i].cname != NULL) {
		/* blk-<target>.hostile.test. as labels */
		size_t tl = strlen(blocked_names[i].cname), n = 0;

		cname[n++] = (uint8_t)(4 + tl);
		memcpy(cname + n, "blk-", 4);
		memcpy(cname + n + 4, blocked_names[i].cname, tl);
		n += 4 + tl;
		memcpy(cname + n, "\x07hostile\x04test\x00", 14);
		n += 14;
		owner = (uint16_t)(*len + 12);	/* the CNAME's data */
		dns_rr(r, len, 0, 5, cname, n);
		r[7]++;
	}
	if ((qtype == 1 && fam == AF_INET) || (qtype == 28 && fam == AF_INET6)) {
		dns_rr(r, len, owner, qtype, a, fam == AF_INET ? 4 : 16);
		r[7]++;
	}
	return true;
}

/* The SMTP case of a first label "PREFIXCASE" or "PREFIXCASE-N"; -1 for
 * none. */
static int
smtp_case(const char *first, const char *prefix)
{
	size_t pl = strlen(prefix);
	int i;

	if (strncmp(first, prefix, pl) != 0)
		return -1;
	for (i = 0; i < SC_COUNT; i++) {
		size_t cl = strlen(smtp_names[i]);

		if (strncmp(first + pl, smtp_names[i], cl) == 0 &&
		    (first[pl + cl] == '\0' || first[pl + cl] == '-'))
			return i;
	}
	return -1;
}

/*
 * An SMTP case's names: "smtp-REST" has the MX 10 "mx-REST.hostile.test",
 * "mx-REST" the A record of the case's address; other types no data.  The
 * reply in r (question copied, header set), length in *len.  False when
 * first is neither.
 */
static bool
dns_smtp(const char *first, uint16_t qtype, uint8_t *r, size_t *len)
{
	uint8_t d[80];
	size_t n = 0, rl;
	int sc;

	if ((sc = smtp_case(first, "smtp-")) >= 0) {
		if (qtype != 15)
			return true;
		rl = strlen(first + 5);
		d[n++] = 0;
		d[n++] = 10;		/* preference */
		d[n++] = (uint8_t)(3 + rl);	/* first is under 64 bytes */
		memcpy(d + n, "mx-", 3);
		memcpy(d + n + 3, first + 5, rl);
		n += 3 + rl;
		memcpy(d + n, "\x07hostile\x04test\x00", 14);
		n += 14;
		dns_rr(r, len, 0, 15, d, n);
		r[7]++;
		return true;
	}
	if ((sc = smtp_case(first, "mx-")) >= 0) {
		if (qtype != 1)
			return true;
		memcpy(d, "\xcb\x00\x71", 3);
		d[3] = (uint8_t)(HOSTILE_SMTP_BASE + sc);
		dns_rr(r, len, 0, 1, d, 4);
		r[7]++;
		return true;
	}
	return false;
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
	if (apex && (dns_blocked(first, qtype, r, &len) ||
	    dns_smtp(first, qtype, r, &len))) {
		sendto(fd, r, len, 0, (struct sockaddr *)&from, flen);
		return;
	}
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
	const char *rsa_cert = NULL, *rsa_key = NULL;
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
		else if (strcmp(argv[i], "--rsa-cert") == 0)
			rsa_cert = argv[i + 1];
		else if (strcmp(argv[i], "--rsa-key") == 0)
			rsa_key = argv[i + 1];
	}
	if (cert == NULL || key == NULL || bombf == NULL) {
		fprintf(stderr, "usage: hostile --cert PEM --key PEM --bomb FILE "
		    "[--rsa-cert PEM --rsa-key PEM] [--ready FILE]\n");
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
	SSL_CTX_set_alpn_select_cb(ssl_ctx, alpn_cb, NULL);
	if (rsa_cert != NULL && rsa_key != NULL)
		dh_ctx = bigdh_ctx(rsa_cert, rsa_key);
	/* No timer slack: the drip threads pause HOSTILE_DRIP_PAUSE_NS. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	base = event_base_new();
	for (i = 0; i < HC_COUNT; i++) {
		if (i == HC_BIGDH && dh_ctx == NULL)
			continue;
		snprintf(addr, sizeof(addr), HOSTILE_NET "%d", HOSTILE_BASE + i);
		listen_on(addr, 443, accept_cb, (intptr_t)(i << 1 | 1));
		listen_on(addr, 80, accept_cb, (intptr_t)(i << 1));
	}
	for (i = 0; i < SC_COUNT; i++) {
		snprintf(addr, sizeof(addr), HOSTILE_NET "%d",
		    HOSTILE_SMTP_BASE + i);
		listen_on(addr, HOSTILE_SMTP_PORT, smtp_accept_cb, (intptr_t)i);
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
