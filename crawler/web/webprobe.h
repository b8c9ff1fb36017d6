/*
 * webprobe.h - the web stage of a domain job: TLS on port 443 of the
 * probed host's address, HTTPS GET / (security headers), GET
 * /.well-known/security.txt, and GET / on port 80 (the redirect), as a
 * state machine on the crawl's loop.  Rules of every column: docs/web.md.
 *
 * It runs after the DNS (and DNSSEC) stage, when --probes has tls or http.
 * Every address is checked against the blocklist and the opt-out list
 * right before each connect(); a blocked address is recorded (tls_status
 * error, error "blocked: <why>") and never contacted.
 */
#ifndef UPTAKE_CRAWLER_WEBPROBE_H
#define UPTAKE_CRAWLER_WEBPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crawl;
struct job;
struct blocklist;
struct optout;
struct hsts_preload;
struct web_ctx;

/* Bounds of one domain's web stage (named here so docs/web.md and the
 * tests cite them).  Each is far above what a working server needs on a
 * modest link and low enough that a hostile peer costs little. */
#define WEB_CONNECT_TIMEOUT_MS 5000	/* TCP connect */
#define WEB_HANDSHAKE_TIMEOUT_MS 5000	/* TLS handshake after connect */
#define WEB_FIRST_BYTE_TIMEOUT_MS 5000	/* request sent .. first byte */
#define WEB_EXCHANGE_TIMEOUT_MS 10000	/* request sent .. response read */
#define WEB_DEADLINE_MARGIN_MS 20	/* a phase timer clipped to the domain's
					 * deadline fires this much before it,
					 * so the step records its timeout */
#define WEB_SECTXT_MAX_BODY 32768	/* security.txt bytes read; RFC 9116
					 * files are a few hundred bytes */
#define WEB_MAX_REDIRECTS 0		/* redirects followed: none, every
					 * http column is the first response's
					 * (security.txt apart: below) */
#define WEB_SECTXT_MAX_REDIRECTS 3	/* same-host redirects followed per
					 * security.txt location (RFC 9116 3
					 * asks us to follow them); a
					 * connection each, so few */
#define WEB_MAX_ADDRS_TESTED 8		/* web addresses of the probed host
					 * tried for reachability, the main
					 * and the IPv6 one included: sites
					 * publish one to four per family, a
					 * CDN up to eight; a handshake each
					 * (web_addrs_tested) */
#define WEB_READ_CHUNK 16384		/* bytes libevent buffers ahead */
#define WEB_MAX_REQUEST 4096		/* our request line and fields */

struct web_ctx_options {
	const char *ca_file;		/* NULL: the system's store */
	int64_t now;			/* validation time */
	const char *user_agent;
	unsigned max_per_addr;		/* connections per address */
	const struct blocklist *blocklist;	/* borrowed, not NULL */
	const struct optout *optout;	/* borrowed, may be NULL */
	const struct hsts_preload *hsts_preload; /* --hsts-preload, borrowed,
					 * may be NULL (hsts_preloaded null) */
};

/*
 * The web state of a crawl (TLS context, connection cap); NULL with a
 * reason in err (the caller names the flag).  Caller owns it.
 */
struct web_ctx *web_ctx_new(struct crawl *c, const struct web_ctx_options *o,
	char *err, size_t errlen) __attribute__((warn_unused_result));
void web_ctx_free(struct web_ctx *w);
/* One line of counters for the summary. */
void web_ctx_summary(const struct web_ctx *w, char *buf, size_t len);

/*
 * Start j's web stage.  Returns false when there is nothing to connect to
 * (no address, blocked): the columns are set and the stage is over; true
 * when it ends later through j->stage_done(j) (never from inside this
 * call).
 */
bool webprobe_start(struct job *j);
/* Cancel j's connections, timers and place in a queue (deadline, signal). */
void webprobe_abort(struct job *j);
/* Free what the stage holds (after abort or finish). */
void webprobe_fini(struct job *j);

#endif
