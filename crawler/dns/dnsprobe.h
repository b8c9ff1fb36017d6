/*
 * dnsprobe.h - the DNS and DNSSEC stages of one domain (job.h): the apex's
 * records (stage JOB_DNS) and the validator's verdicts on the answers the
 * DNS stage kept (stage JOB_DNSSEC).  Their state is private (j->dns).
 * Each start returns true when the stage ends later through
 * j->stage_done(j) (never from inside the call), false when it ended at
 * once.  Column rules: docs/dnssec.md, docs/testbed.md.
 */
#ifndef UPTAKE_CRAWLER_DNSPROBE_H
#define UPTAKE_CRAWLER_DNSPROBE_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

struct crawl;
struct job;
struct val_job;
enum dns_outcome;

/* Send the apex queries (always true: the answers come later). */
bool dnsprobe_start(struct job *j);
/* The row's dns_status for an outcome ("ok", "nxdomain", ...); static. */
const char *dnsprobe_outcome_str(enum dns_outcome o);
/* Validate what the DNS stage kept: the probed host's address answer and
 * the TLSA answers, or for a lame domain the parent's DS answer alone. */
bool dnssecprobe_start(struct job *j);
/* Cancel outstanding queries and validations (deadline, shutdown). */
void dnsprobe_abort(struct job *j);
/* Free what the stages hold (j->dns; NULL is fine). */
void dnsprobe_fini(struct job *j);

/* The validator's query function for val_ctx_new (arg: the struct crawl):
 * asks through the crawl's resolver engine, delivers to the job. */
void dnsprobe_val_query(void *arg, struct val_job *job, uint32_t token,
	const ldns_rdf *name, ldns_rr_type type);
/* Free the validator queries still outstanding (after the engine is
 * freed, which calls no callback). */
void dnsprobe_val_queries_free(struct crawl *c);

#endif
