/*
 * mailprobe.h - the mail stage of a domain (issue 16; docs/mail.md): for
 * the MX hosts the DNS stage found (at most --mx-max, every preference
 * level first), their addresses and their _25._tcp TLSA RRset, the
 * validator's verdict on each TLSA answer, then one SMTP probe per (MX
 * name, address) for the whole crawl (mxcache.h), and the domain's mail
 * columns from the results (mailsum.h).  With an MTA-STS record, the
 * policy fetched and parsed alongside (stsfetch.h, stspolicy.h).
 *
 * The stage reads the job's facts (the MX host set, the DNS outcome) and
 * writes the mail columns; its state is private (j->mail).
 */
#ifndef UPTAKE_CRAWLER_MAILPROBE_H
#define UPTAKE_CRAWLER_MAILPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct crawl;
struct job;
struct blocklist;
struct optout;

struct mail_ctx_options {
	const char *ca_file;		/* NULL: the system's store */
	int64_t now;			/* validation time */
	const char *ehlo_name;		/* the crawler's name in EHLO */
	unsigned mx_max;		/* MX hosts tested per domain */
	unsigned max_per_addr;		/* connections per address */
	const struct blocklist *blocklist;	/* borrowed, not NULL */
	const struct optout *optout;	/* borrowed, may be NULL */
	uint16_t port;			/* 0: 25 (tests use another) */
	uint16_t sts_port;		/* 0: 443, the MTA-STS policy fetch */
};

struct mail_ctx;

/* The mail state of a crawl (its own TLS context with DANE, the SMTP
 * probe, the MX cache); NULL with a reason in err.  Caller owns it. */
struct mail_ctx *mail_ctx_new(struct crawl *c,
	const struct mail_ctx_options *o, char *err, size_t errlen)
	__attribute__((warn_unused_result));
void mail_ctx_free(struct mail_ctx *m);
/* One line of counters for the summary: probes sent, domains served. */
void mail_ctx_summary(const struct mail_ctx *m, char *buf, size_t len);

/* The stage is wanted: a mail context, the apex resolved, MX hosts. */
bool mailprobe_wanted(const struct job *j);
/* Start j's mail stage; true when it ends later through
 * j->stage_done(j) (never from inside this call). */
bool mailprobe_start(struct job *j);
/* Cancel j's queries, validations and waits (deadline, signal). */
void mailprobe_abort(struct job *j);
/* Free j->mail (NULL is fine). */
void mailprobe_fini(struct job *j);

#endif
