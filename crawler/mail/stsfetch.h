/*
 * stsfetch.h - the MTA-STS policy fetch (RFC 8461 3.3): one HTTPS GET of
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt on the crawl's loop,
 * with the mail stage's TLS context (SNI the policy host), the served
 * certificate verified against the policy host at the validation time
 * (tls_verify), HTTP/1.1 parsed by http.h's bounded parser, 200 required
 * (no redirect is followed, RFC 8461 3.3), the body at most STS_MAX_BODY.
 *
 * Every phase has a named timeout clipped to the caller's absolute
 * deadline; the addresses are checked against the blocklist and the
 * opt-out list right before connect(); a slot of the per-address
 * connection cap is held while connected.  The fetch reports once,
 * through the callback, from the loop (never inside stsfetch_start);
 * stsfetch_abort cancels it without a callback.  It knows nothing of jobs.
 * The policy is parsed by the caller (stspolicy.h).  docs/mail.md,
 * "MTA-STS".
 */
#ifndef UPTAKE_CRAWLER_STSFETCH_H
#define UPTAKE_CRAWLER_STSFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

struct blocklist;
struct conncap;
struct loop;
struct optout;
struct tls_ctx;

#define STS_PORT 443
#define STS_CONNECT_TIMEOUT_MS 5000	/* TCP connect, as the web probe */
#define STS_HANDSHAKE_TIMEOUT_MS 5000	/* TLS handshake, as the web probe */
#define STS_RESPONSE_TIMEOUT_MS 10000	/* request sent .. whole response: a
					 * whole-phase bound, so that a server
					 * dripping bytes cannot stretch it */
#define STS_DEADLINE_MARGIN_MS 20	/* a phase clipped to the caller's
					 * deadline ends this much before it */
#define STS_MAX_ADDRS 2			/* addresses tried (one per family,
					 * IPv4 first), the next only when a
					 * connect fails */
#define STS_MAX_HOST 255		/* policy host name (RFC 1035) */
#define STS_MAX_ERROR 512		/* error text, NUL included: host, address, what */

enum sts_fetch_status {
	STS_FETCH_OK = 0,	/* 200 and a whole body within STS_MAX_BODY */
	STS_FETCH_CONNECT,	/* connect refused or unreachable */
	STS_FETCH_TLS,		/* the handshake failed */
	STS_FETCH_CERT,		/* the certificate does not verify for the
				 * policy host at the validation time */
	STS_FETCH_STATUS,	/* a status other than 200 (3xx included) */
	STS_FETCH_SIZE,		/* the body over STS_MAX_BODY */
	STS_FETCH_HTTP,		/* a malformed response, closed early */
	STS_FETCH_TIMEOUT,	/* a phase's own bound */
	STS_FETCH_DEADLINE,	/* the caller's deadline came first */
};

struct sts_fetch_result {
	enum sts_fetch_status status;
	int http_status;		/* 0 when no response head came */
	const char *body;		/* STS_FETCH_OK: the body, valid
					 * during the callback only */
	size_t len;
	char error[STS_MAX_ERROR];	/* "" when OK: "HOST [ADDR]: what" */
	uint32_t elapsed_ms;		/* start .. result */
};

struct sts_fetch_options {
	struct loop *loop;
	struct tls_ctx *tls;		/* borrowed */
	const struct blocklist *blocklist;	/* borrowed, not NULL */
	const struct optout *optout;	/* borrowed, may be NULL */
	struct conncap *cap;		/* borrowed, may be NULL (no cap) */
	const char *user_agent;		/* NULL: "uptake" */
	uint16_t port;			/* 0: STS_PORT (tests use another) */
	/* Phase bounds in ms; 0: the named defaults above. */
	uint32_t connect_ms, handshake_ms, response_ms;
};

struct sts_fetch_ctx;
struct sts_fetch;

/* The fetch side of a crawl; the caller owns it.  Free it after every
 * fetch ended or was aborted. */
struct sts_fetch_ctx *stsfetch_ctx_new(const struct sts_fetch_options *o);
void stsfetch_ctx_free(struct sts_fetch_ctx *c);

/* The result, once; r and r->body are valid during the call only.  The
 * fetch is gone when it is called (do not abort it). */
typedef void (*sts_fetch_cb)(const struct sts_fetch_result *r, void *arg);

/*
 * Fetch the policy of host (the policy host "mta-sts.DOMAIN", no final
 * dot) from addrs[0..naddr) (borrowed for the call), by deadline_us
 * (absolute, loop_now_us clock; 0 none).  Returns the fetch, whose cb
 * comes later from the loop; or NULL with why in err when no address may
 * be contacted (blocklist, opt-out: not contacted, not measured) or the
 * host name is unusable.
 */
struct sts_fetch *stsfetch_start(struct sts_fetch_ctx *c, const char *host,
	const struct netaddr *addrs, size_t naddr, uint64_t deadline_us,
	sts_fetch_cb cb, void *arg, char *err, size_t errlen);

/* Cancel f: frees everything at once; cb is never called. */
void stsfetch_abort(struct sts_fetch *f);

/* A short name of a status ("ok", "connect", "tls", "certificate",
 * "status", "size", "http", "timeout", "deadline").  Static. */
const char *sts_fetch_status_str(enum sts_fetch_status s);

#endif
