/*
 * vrp_rtr.c - VRPs from an RTR cache (RFC 8210 version 1, RFC 6810
 * version 0): the first complete data set, waited for.
 *
 * A relying-party cache that has just started (still validating) accepts
 * connections and answers "No Data Available", or refuses connections for
 * a moment; that is normal at the start of a scheduled run.  So the fetch
 * is a loop of attempts within one wait (o->rtr_timeout_s, --rtr-wait):
 * connect, send a Reset Query, read PDUs until the End of Data that closes
 * a Cache Response.  An attempt that ends any other way (connection
 * refused or timed out, No Data Available or another Error Report, Cache
 * Reset, the connection closed, silence) is remembered as what the cache
 * last answered, and the next one starts after an exponential backoff
 * (RTR_BACKOFF_FIRST_MS doubling up to RTR_BACKOFF_MAX_MS), each wait
 * reported on stderr.  Past the wait the load fails with one line naming
 * the cache and its last answer.  The set is the snapshot of the cache at
 * start-up, like a file: the crawl itself never talks RTR.
 *
 * The client is our own, not librtr's: librtr reports neither the socket
 * error nor an Error Report's text, its retry interval is fixed, and it
 * runs a thread per connection.  The PDU parser (vrp_rtr_pdu_parse) is
 * pure over (buf, len) with hard limits; the I/O is blocking with poll(2)
 * timeouts, which is fine before the event loop starts.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "lpm.h"
#include "util.h"
#include "vrp.h"
#include "vrp_int.h"

/* PDU types (RFC 8210 section 5, ASPA: draft-ietf-sidrops-8210bis). */
enum {
	RTR_SERIAL_NOTIFY = 0,
	RTR_SERIAL_QUERY = 1,
	RTR_RESET_QUERY = 2,
	RTR_CACHE_RESPONSE = 3,
	RTR_IPV4_PREFIX = 4,
	RTR_IPV6_PREFIX = 6,
	RTR_END_OF_DATA = 7,
	RTR_CACHE_RESET = 8,
	RTR_ROUTER_KEY = 9,
	RTR_ERROR_REPORT = 10,
	RTR_ASPA = 11,
};

/* Error Report codes (RFC 8210 section 12). */
#define RTR_ERR_NO_DATA 2
#define RTR_ERR_UNSUPPORTED_VERSION 4

/* Fixed PDU sizes (RFC 8210 section 5; End of Data is 12 bytes in
 * version 0, RFC 6810 5.8). */
#define RTR_LEN_RESET_QUERY 8
#define RTR_LEN_CACHE_RESPONSE 8
#define RTR_LEN_IPV4_PREFIX 20
#define RTR_LEN_IPV6_PREFIX 32
#define RTR_LEN_EOD_V0 12
#define RTR_LEN_EOD_V1 24
#define RTR_LEN_CACHE_RESET 8
#define RTR_LEN_SERIAL_NOTIFY 12

/* Longest connect: a cache that neither accepts nor refuses is tried
 * again after this (clipped to what remains of the wait). */
#define RTR_CONNECT_TIMEOUT_S 10
/* Longest silence within an attempt: a cache that accepted and sends
 * nothing (or stops mid-set) is reconnected after this.  A real cache
 * answers a Reset Query at once and streams the set without pauses. */
#define RTR_IDLE_TIMEOUT_S 30
/* Backoff between attempts: first pause, doubled after each failed
 * attempt up to the last value, so a cache that comes up is found within
 * RTR_BACKOFF_MAX_MS of being ready, and a dead one is asked a few
 * times a minute, not hammered. */
#define RTR_BACKOFF_FIRST_MS 500
#define RTR_BACKOFF_MAX_MS 16000
/* Receive buffer: at least one PDU of the largest size we accept plus a
 * read chunk. */
#define RTR_READ_CHUNK 65536
#define RTR_BUF_SIZE (RTR_MAX_PDU_LEN + RTR_READ_CHUNK)
/* Bytes of a reason (what the cache last answered) kept for messages. */
#define RTR_REASON_LEN 256

static const char *const error_names[] = {
	"Corrupt Data", "Internal Error", "No Data Available",
	"Invalid Request", "Unsupported Protocol Version",
	"Unsupported PDU Type", "Withdrawal of Unknown Record",
	"Duplicate Announcement Received", "Unexpected Protocol Version",
};

const char *
vrp_rtr_error_name(unsigned code)
{
	if (code < sizeof(error_names) / sizeof(error_names[0]))
		return error_names[code];
	return "unknown error code";
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
vrp_rtr_pdu_parse(const uint8_t *buf, size_t len, struct vrp_rtr_pdu *p,
	const char **why)
{
	uint32_t plen, elen, tlen;

	if (len < RTR_HEADER_LEN)
		return 0;
	memset(p, 0, sizeof(*p));
	p->version = buf[0];
	p->type = buf[1];
	p->session = (uint16_t)(buf[2] << 8 | buf[3]);
	plen = get32(buf + 4);
	if (p->version > RTR_MAX_VERSION) {
		*why = "unknown protocol version";
		return -1;
	}
	if (plen < RTR_HEADER_LEN || plen > RTR_MAX_PDU_LEN) {
		*why = "PDU length out of range";
		return -1;
	}
	switch (p->type) {
	case RTR_CACHE_RESPONSE:
	case RTR_CACHE_RESET:
	case RTR_RESET_QUERY:
		if (plen != RTR_HEADER_LEN)
			goto bad_len;
		break;
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
		if (plen != RTR_LEN_SERIAL_NOTIFY)
			goto bad_len;
		break;
	case RTR_IPV4_PREFIX:
		if (plen != RTR_LEN_IPV4_PREFIX)
			goto bad_len;
		break;
	case RTR_IPV6_PREFIX:
		if (plen != RTR_LEN_IPV6_PREFIX)
			goto bad_len;
		break;
	case RTR_END_OF_DATA:
		if (plen != (p->version == 0 ? RTR_LEN_EOD_V0 : RTR_LEN_EOD_V1))
			goto bad_len;
		break;
	case RTR_ERROR_REPORT:
		if (plen < RTR_HEADER_LEN + 8)
			goto bad_len;
		break;
	case RTR_ROUTER_KEY:
	case RTR_ASPA:
		break;
	default:
		*why = "unknown PDU type";
		return -1;
	}
	if (len < plen)
		return 0;
	p->len = plen;
	switch (p->type) {
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
		p->announce = (buf[8] & 1) != 0;
		p->plen = buf[9];
		p->maxlen = buf[10];
		p->af = p->type == RTR_IPV4_PREFIX ? LPM_AF_V4 : LPM_AF_V6;
		if (p->plen > lpm_af_bits(p->af)) {
			*why = "prefix length out of range";
			return -1;
		}
		memcpy(p->addr, buf + 12, p->af == LPM_AF_V4 ? 4 : 16);
		p->asn = get32(buf + plen - 4);
		break;
	case RTR_ERROR_REPORT:
		elen = get32(buf + 8);
		if (elen > plen - RTR_HEADER_LEN - 8) {
			*why = "Error Report: encapsulated PDU longer than the PDU";
			return -1;
		}
		tlen = get32(buf + 12 + elen);
		if (tlen != plen - RTR_HEADER_LEN - 8 - elen) {
			*why = "Error Report: text length does not match";
			return -1;
		}
		p->text = (const char *)buf + 16 + elen;
		p->text_len = tlen;
		break;
	default:
		break;
	}
	return (int)plen;
bad_len:
	*why = "wrong length for its PDU type";
	return -1;
}

/* Text safe for a one-line message: printable ASCII, others as '?',
 * at most outlen - 1 bytes. */
static void
safe_text(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[n] = '\0';
}

static uint64_t
mono_ms(void)
{
	return now_monotonic_us() / 1000;
}

static void
pause_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Connect to host:port within timeout_ms.  Returns the socket, or -1
 * with what happened in why. */
static int
rtr_connect(const char *host, const char *port, uint64_t timeout_ms,
	char *why, size_t whylen)
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(why, whylen, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t sl = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		if (err == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rc = poll(&pfd, 1, (int)timeout_ms);
			if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &sl) == 0 && err == 0)
				break;
			if (rc == 0)
				err = ETIMEDOUT;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (err == ETIMEDOUT)
			snprintf(why, whylen, "connection timed out");
		else
			snprintf(why, whylen, "%s", strerror(err));
		/* strerror is capitalised; the messages read "(connection
		 * refused)". */
		if (why[0] >= 'A' && why[0] <= 'Z')
			why[0] = (char)(why[0] + ('a' - 'A'));
		return -1;
	}
	return fd;
}

/* Empty v for a new data set (a Cache Response after a partial one). */
static void
set_clear(struct vrp_set *v)
{
	lpm_free(v->t[LPM_AF_V4]);
	lpm_free(v->t[LPM_AF_V6]);
	v->t[LPM_AF_V4] = lpm_new(LPM_AF_V4);
	v->t[LPM_AF_V6] = lpm_new(LPM_AF_V6);
	memset(&v->stats, 0, sizeof(v->stats));
}

enum attempt_result {
	ATTEMPT_OK,		/* End of Data after a Cache Response */
	ATTEMPT_RETRY,		/* why says what the cache answered */
	ATTEMPT_CUT,		/* the wait ended before any answer */
	ATTEMPT_DOWNGRADE,	/* Unsupported Protocol Version: try v0 */
	ATTEMPT_FATAL,		/* no version both sides speak */
};

/* What one attempt has read of the cache's answer so far. */
struct rtr_read {
	struct vrp_set *v;
	const struct vrp_options *o;
	uint8_t version;	/* the protocol version asked with */
	bool in_set;		/* after a Cache Response */
	uint64_t n;		/* prefix PDUs of the current set */
};

/*
 * One PDU of the answer into r.  Returns true to read on; false when the
 * attempt ends here, *res (left as it is unless the PDU decides it) and
 * why saying how.
 */
static bool
pdu_handle(struct rtr_read *r, const struct vrp_rtr_pdu *p,
	enum attempt_result *res, char *why, size_t whylen)
{
	switch (p->type) {
	case RTR_CACHE_RESPONSE:
		set_clear(r->v);
		r->in_set = true;
		r->n = 0;
		return true;
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX: {
		struct lpm_prefix lp;
		const char *awhy = NULL;

		if (!r->in_set) {
			snprintf(why, whylen, "a prefix PDU outside a Cache "
			    "Response");
			return false;
		}
		r->n++;
		r->v->stats.entries++;
		if (!p->announce) {
			vrp_bad(r->v, r->o, r->n, "withdrawal in a full data "
			    "set");
			return true;
		}
		(void)lpm_prefix_make(p->af, p->addr, p->plen, &lp);
		if (vrp_set_add(r->v, &lp, p->asn, p->maxlen, NULL, 0,
		    &awhy) != 0)
			vrp_bad(r->v, r->o, r->n, awhy);
		return true;
	}
	case RTR_END_OF_DATA:
		if (r->in_set) {
			*res = ATTEMPT_OK;
			return false;
		}
		return true;	/* the end of something we did not ask */
	case RTR_CACHE_RESET:
		snprintf(why, whylen, "Cache Reset (no data to give yet)");
		return false;
	case RTR_ERROR_REPORT: {
		char text[RTR_REASON_LEN / 2];

		safe_text(p->text, p->text_len, text, sizeof(text));
		snprintf(why, whylen, "Error Report %u, %s%s%s", p->session,
		    vrp_rtr_error_name(p->session),
		    text[0] != '\0' ? ": " : "", text);
		if (p->session == RTR_ERR_UNSUPPORTED_VERSION)
			*res = r->version > 0 ? ATTEMPT_DOWNGRADE :
			    ATTEMPT_FATAL;
		return false;
	}
	default:
		return true;	/* Serial Notify, Router Key, ASPA */
	}
}

/* One attempt: connect, Reset Query, read a full set into v before
 * deadline_ms. */
static enum attempt_result
attempt(struct vrp_set *v, const struct vrp_options *o, const char *host,
	const char *port, uint8_t version, uint64_t deadline_ms, uint8_t *buf,
	char *why, size_t whylen)
{
	uint8_t q[RTR_LEN_RESET_QUERY] = { version, RTR_RESET_QUERY, 0, 0,
		0, 0, 0, RTR_LEN_RESET_QUERY };
	enum attempt_result res = ATTEMPT_RETRY;
	struct rtr_read r = { .v = v, .o = o, .version = version };
	size_t have = 0;
	uint64_t now = mono_ms(), silent_since;
	uint64_t left = now < deadline_ms ? deadline_ms - now : 0;
	bool clipped = left < RTR_CONNECT_TIMEOUT_S * 1000u;
	int fd;

	if (left == 0) {
		snprintf(why, whylen, "no time left");
		return ATTEMPT_CUT;
	}
	fd = rtr_connect(host, port, clipped ? left :
	    RTR_CONNECT_TIMEOUT_S * 1000u, why, whylen);
	if (fd < 0)
		return clipped && mono_ms() >= deadline_ms ? ATTEMPT_CUT :
		    ATTEMPT_RETRY;
	if (send(fd, q, sizeof(q), MSG_NOSIGNAL) != (ssize_t)sizeof(q)) {
		snprintf(why, whylen, "the Reset Query could not be sent (%s)",
		    strerror(errno));
		goto out;
	}
	silent_since = mono_ms();
	for (;;) {
		struct vrp_rtr_pdu p;
		const char *pwhy = NULL;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t idle_end = silent_since + RTR_IDLE_TIMEOUT_S * 1000u,
		    end = idle_end < deadline_ms ? idle_end : deadline_ms;
		size_t off = 0;
		ssize_t got;
		int rc;

		now = mono_ms();
		if (now >= end) {
			if (now >= deadline_ms && !r.in_set && r.n == 0)
				res = ATTEMPT_CUT;
			snprintf(why, whylen, "%s, then nothing for %.0f s",
			    r.in_set ? "part of a data set" : "connected, no "
			    "answer to the Reset Query",
			    (double)(now - silent_since) / 1000);
			goto out;
		}
		rc = poll(&pfd, 1, (int)(end - now));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			continue;
		got = recv(fd, buf + have, RTR_BUF_SIZE - have, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			snprintf(why, whylen, "%s (%s)", r.in_set ?
			    "closed the connection in the middle of a data "
			    "set" :
			    "closed the connection without an answer",
			    got < 0 ? strerror(errno) : "end of stream");
			goto out;
		}
		have += (size_t)got;
		silent_since = mono_ms();
		for (;;) {
			rc = vrp_rtr_pdu_parse(buf + off, have - off, &p, &pwhy);
			if (rc == 0)
				break;
			if (rc < 0) {
				snprintf(why, whylen, "a malformed PDU (%s)",
				    pwhy);
				goto out;
			}
			off += (size_t)rc;
			if (!pdu_handle(&r, &p, &res, why, whylen))
				goto out;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
out:
	close(fd);
	return res;
}

int
vrp_rtr_fetch(struct vrp_set *v, const char *host, const char *port,
	const struct vrp_options *o, char *err, size_t errlen)
{
	unsigned wait = o->rtr_timeout_s;
	uint64_t start = mono_ms(), deadline, backoff = RTR_BACKOFF_FIRST_MS;
	uint8_t *buf = xmalloc(RTR_BUF_SIZE);
	uint8_t version = RTR_CLIENT_VERSION;
	char why[RTR_REASON_LEN] = "nothing", cur[RTR_REASON_LEN] = "";
	bool answered = false;
	int rc = -1;

	if (wait == 0 || wait > VRP_RTR_MAX_TIMEOUT_S)
		wait = VRP_RTR_TIMEOUT_S;
	deadline = start + (uint64_t)wait * 1000;
	for (;;) {
		enum attempt_result r;
		uint64_t now, pause;

		r = attempt(v, o, host, port, version, deadline, buf, cur,
		    sizeof(cur));
		/* An attempt the end of the wait cut short says nothing new:
		 * the message keeps what the cache answered before. */
		if (r != ATTEMPT_CUT || !answered) {
			memcpy(why, cur, sizeof(why));
			answered = true;
		}
		if (r == ATTEMPT_OK) {
			rc = 0;
			break;
		}
		if (r == ATTEMPT_FATAL) {
			snprintf(err, errlen, "%s: the RTR cache speaks no "
			    "protocol version we do (0 or 1): %s", v->source,
			    why);
			break;
		}
		if (r == ATTEMPT_DOWNGRADE) {
			version--;
			continue;
		}
		set_clear(v);
		now = mono_ms();
		if (now >= deadline) {
			snprintf(err, errlen, "%s: no complete VRP set from the "
			    "RTR cache within %u s; it last answered: %s",
			    v->source, wait, why);
			break;
		}
		pause = deadline - now < backoff ? deadline - now : backoff;
		if (!o->quiet)
			log_warn("vrp", "%s: waiting for the cache (%s), %.0f s "
			    "of %u", v->source, why,
			    (double)(now - start) / 1000, wait);
		pause_ms(pause);
		backoff = backoff * 2 > RTR_BACKOFF_MAX_MS ? RTR_BACKOFF_MAX_MS :
		    backoff * 2;
	}
	if (rc == 0)
		v->time = time(NULL);
	free(buf);
	return rc;
}
