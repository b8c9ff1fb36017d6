/*
 * nsquery.h - SOA queries sent directly to a zone's name servers (not
 * through the resolver), for the servers stage's lameness and IPv6
 * reachability (docs/dns.md, "Name-server depth"; docs/operations.md
 * says what this sends and how to switch it off: --probes without ns).
 *
 * One UDP socket per family, opened on first use; each query is "ZONE
 * SOA IN" without RD and without EDNS, matched to its reply by the
 * server's address and port, a random ID and the question.  Every read
 * is bounded (NSQ_MAX_REPLY bytes; a larger datagram is dropped) and
 * every query is bounded in time (timeout_ms per try, tries).  Results
 * are kept per (server address, zone) for the whole crawl: a provider's
 * server shared by many domains of one zone is asked once, and waiters
 * for a question already in flight join it.
 */
#ifndef UPTAKE_CRAWLER_NSQUERY_H
#define UPTAKE_CRAWLER_NSQUERY_H

#include <stdint.h>

#include <ldns/ldns.h>

#include "netaddr.h"
#include "serverssum.h"

struct loop;
struct blocklist;
struct optout;

struct nsq_options {
	struct loop *loop;
	const struct blocklist *blocklist;	/* NULL: nothing blocked */
	const struct optout *optout;		/* NULL: nothing opted out */
	unsigned timeout_ms;			/* per try; 0: 2000 */
	unsigned tries;				/* 0: 2 */
	uint16_t port;				/* 0: 53 */
};

struct nsq_ctx;
struct nsq_wait;

struct nsq_ctx *nsq_new(const struct nsq_options *o);
/* Frees every entry; waiters' callbacks are not called. */
void nsq_free(struct nsq_ctx *c);

typedef void (*nsq_cb)(void *arg, enum ns_answer a);

/*
 * Ask addr about zone's SOA (or find the answer kept).  cb is called
 * once, later (never from inside this call), unless nsq_cancel is called
 * first.  NULL when the address may not be contacted (the special-purpose
 * blocklist, --opt-out): the answer is NS_ANS_UNKNOWN, cb never called.
 */
struct nsq_wait *nsq_ask(struct nsq_ctx *c, const struct netaddr *addr,
	const ldns_rdf *zone, nsq_cb cb, void *arg);
void nsq_cancel(struct nsq_wait *w);

struct nsq_stats {
	uint64_t asked;			/* nsq_ask calls */
	uint64_t sent;			/* datagrams sent (tries included) */
	uint64_t replies;		/* matched replies */
	uint64_t silent;		/* questions without a reply */
	uint64_t cached;		/* answered from a kept result */
	uint64_t joined;		/* joined a question in flight */
	uint64_t blocked;		/* addresses not contacted */
	uint64_t dropped;		/* datagrams matching no question,
					 * malformed or too long */
};
void nsq_stats(const struct nsq_ctx *c, struct nsq_stats *out);

/* The wire form of the query (for tests): "zone SOA IN", ID id, no flag
 * set; *wire is the caller's (free).  false when zone does not fit. */
bool nsq_wire(const ldns_rdf *zone, uint16_t id, uint8_t **wire,
	size_t *len);

#endif
