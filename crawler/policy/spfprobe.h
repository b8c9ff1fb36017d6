/*
 * spfprobe.h - the spf stage (issue 18 point 5; docs/email-auth.md): the
 * domain's SPF record evaluated as RFC 7208 check_host() would evaluate
 * it for an address that no mechanism matches, so that the outcome is
 * the effective "all" of the record (after include and redirect) or the
 * error that stops it.  Writes spf_lookups, spf_void_lookups,
 * spf_result_all, spf_error.
 *
 * The apex's TXT answer is the DNS stage's fact (job_facts: spf_known,
 * spf_count, spf_text); the names met while following include and
 * redirect (and the a, mx, exists targets) are asked through a
 * crawl-wide table (name, type) -> answer, so that a provider's chain
 * used by thousands of domains is queried once per crawl: a name in
 * flight is waited on, a name answered is answered from the table.
 * Failed answers are not kept (the next asker asks again).  At the bound
 * (SPFPROBE_MAX_ENTRIES) a new name is asked without the table.
 */
#ifndef UPTAKE_CRAWLER_SPFPROBE_H
#define UPTAKE_CRAWLER_SPFPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct job;
struct loop;
struct query_engine;
struct spf_ctx;

/* RFC 7208 4.6.4: at most 10 DNS-querying terms (include, a, mx, ptr,
 * exists, redirect) per check_host(), the nested ones included; the
 * 11th is a permerror. */
#define SPFPROBE_MAX_LOOKUPS 10
/* RFC 7208 4.6.4: at most 2 lookups that return no records ("void"):
 * the 3rd is a permerror (the RFC's recommended default). */
#define SPFPROBE_MAX_VOID 2
/* RFC 7208 4.6.4: an mx term whose MX answer has more than 10 records is
 * a permerror. */
#define SPFPROBE_MAX_MX 10
/* Records evaluated at once (the top one, then one per include or
 * redirect followed): each costs a lookup, so the limit above bounds the
 * depth; two more for the top record and the one that breaks it. */
#define SPFPROBE_MAX_DEPTH (SPFPROBE_MAX_LOOKUPS + 2)
/* (name, type) answers kept per crawl: each some 100 bytes plus its name
 * and the record text (under 512 bytes in practice), so at most some
 * 40 MB at the bound and 10 MB when the names are answers without a
 * record (a domain's own a and mx); the includes of a country's domains
 * are a few thousand names. */
#define SPFPROBE_MAX_ENTRIES 65536
/* Hash buckets (a power of two). */
#define SPFPROBE_BUCKETS 16384

struct spf_ctx_stats {
	uint64_t queried;	/* queries sent (names asked) */
	uint64_t from_table;	/* answers from the table: done or in flight */
	uint64_t joined;	/* ... of them, waits on a query in flight */
	uint64_t uncached;	/* queries sent outside the table (full) */
	uint64_t failed;	/* queries without a usable answer */
	uint64_t entries;	/* names held now */
	uint64_t evaluated;	/* domains whose record was evaluated */
};

/* The table of a crawl, asking through qe (borrowed); max_entries 0:
 * SPFPROBE_MAX_ENTRIES.  Caller owns it. */
struct spf_ctx *spf_ctx_new(struct query_engine *qe, size_t max_entries);
/* Cancel the queries in flight; every job must have been aborted or
 * finished before. */
void spf_ctx_free(struct spf_ctx *c);
void spf_ctx_stats(const struct spf_ctx *c, struct spf_ctx_stats *out);
/* "spf: N names queried, M answered from the table (...)". */
void spf_ctx_summary(const struct spf_ctx *c, char *buf, size_t len);

/* The stage is wanted: a table, the apex resolved, its TXT answer came. */
bool spfprobe_wanted(const struct job *j);
/* Start j's spf stage; true when it ends later through j->stage_done(j)
 * (never from inside this call). */
bool spfprobe_start(struct job *j);
/* Cancel j's wait (deadline, signal): the columns stay null. */
void spfprobe_abort(struct job *j);
/* Free j->spf (NULL is fine). */
void spfprobe_fini(struct job *j);

#endif
