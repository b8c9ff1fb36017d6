/*
 * serversprobe.h - the servers stage: the routes of every server a
 * domain depends on (NS hosts, MX hosts, every web address), the NS
 * hosts' depth (IPv6, lameness, origin ASes) and the DNSSEC of the MX
 * hosts' zones (docs/method.md, "Name and mail servers"; docs/dns.md,
 * "Name-server depth").
 *
 * The NS hosts' A (the DNS stage asked their AAAA; the addresses are in
 * the facts) and the MX hosts' A through the resolver, the latter
 * validated; then, with the ns probe, "APEX SOA" directly to each NS
 * address (nsquery.h), once per (address, zone) for the crawl.
 */
#ifndef UPTAKE_CRAWLER_SERVERSPROBE_H
#define UPTAKE_CRAWLER_SERVERSPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crawl;
struct job;
struct blocklist;
struct optout;

struct servers_ctx_options {
	bool ns_probe;				/* --probes ns: direct queries */
	const struct blocklist *blocklist;
	const struct optout *optout;
	unsigned timeout_ms;			/* per direct query try */
	unsigned tries;
	uint16_t port;				/* of the name servers; 0: 53 */
};

struct servers_ctx;
struct servers_ctx *servers_ctx_new(struct crawl *c,
	const struct servers_ctx_options *o);
void servers_ctx_free(struct servers_ctx *s);
/* One line for the crawl's summary. */
void servers_ctx_summary(const struct servers_ctx *s, char *buf, size_t len);

bool serversprobe_wanted(const struct job *j);
/* true: the stage ends later (j->stage_done). */
bool serversprobe_start(struct job *j);
void serversprobe_abort(struct job *j);
void serversprobe_fini(struct job *j);

#endif
