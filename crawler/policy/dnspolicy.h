/*
 * dnspolicy.h - the dnspolicy stage (issue 18, points 4 and 6;
 * docs/email-auth.md "DMARC", docs/dns.md "CAA tree" and "DKIM hint"):
 *
 * - DMARC as RFC 7489 6.6.3 discovers it: the record at _dmarc.DOMAIN
 *   (the DNS stage's fact), else the one at _dmarc.<organisational
 *   domain> (libpsl, lib/regdom.h), asked here through a crawl-wide cache
 *   of organisational domains' answers; parsed by dmarc.h.
 * - The DKIM hint: _domainkey.DOMAIN's rcode (RFC 8020).
 * - The CAA tree (RFC 8659 3): the apex's CAA set (the DNS stage's fact),
 *   else the closest parent's, up to and including the TLD.
 *
 * Reads the job's facts, writes the dmarc_*, dkim_hint and caa_* columns;
 * its state is private (j->dnspolicy).
 */
#ifndef UPTAKE_CRAWLER_POLICY_DNSPOLICY_H
#define UPTAKE_CRAWLER_POLICY_DNSPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <ldns/ldns.h>

struct crawl;
struct job;
struct job_facts;
struct dnsanswer_txts;

struct dnspolicy_ctx;

/* The crawl's state of the stage (the organisational domains' DMARC
 * cache); the caller owns it. */
struct dnspolicy_ctx *dnspolicy_ctx_new(void);
void dnspolicy_ctx_free(struct dnspolicy_ctx *c);
/* One line of counters for the summary. */
void dnspolicy_ctx_summary(const struct dnspolicy_ctx *c, char *buf,
	size_t len);

/* The DNS stage's facts for this stage: the TXT records at _dmarc.DOMAIN
 * (an answer came) and the apex's CAA answer p for qname. */
void dnspolicy_dmarc_fact(struct job_facts *f, const struct dnsanswer_txts *t);
void dnspolicy_caa_fact(struct job_facts *f, const ldns_pkt *p,
	const ldns_rdf *qname);

/* Wanted: the context, the apex resolved, not stopping. */
bool dnspolicy_wanted(const struct job *j);
/* Start j's stage; true when it ends later through j->stage_done(j). */
bool dnspolicy_start(struct job *j);
/* Cancel j's queries (deadline, signal). */
void dnspolicy_abort(struct job *j);
/* Free j->dnspolicy (NULL is fine). */
void dnspolicy_fini(struct job *j);

#endif
