/*
 * dnssec.h - our own DNSSEC validator, on ldns primitives.
 *
 * The validator never opens a socket.  It asks for the records it needs
 * (DS, DNSKEY, ...) through the query function given to val_ctx_new(), and
 * is handed the replies with val_job_deliver().  The crawler sends those
 * queries through its resolver with the CD bit set, so that bogus data
 * reaches us and the verdict is ours.
 *
 * One val_ctx per crawl holds the trust anchors, the validation time and
 * the cache of validated zone keys, shared by every job: the root and a TLD
 * are validated once per crawl (concurrent jobs needing the same zone wait
 * for the one validation in flight).  One val_job per question validates
 * one answer (an RRset, or a negative answer) for one domain.
 *
 * Status and reasons follow RFC 4033-4035, 5155, 6840; docs/dnssec.md.
 */
#ifndef UPTAKE_CRAWLER_DNSSEC_H
#define UPTAKE_CRAWLER_DNSSEC_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

enum val_status {
	VAL_SECURE = 0,
	VAL_INSECURE,
	VAL_BOGUS,
	VAL_INDETERMINATE,
};

enum val_reason {
	VAL_REASON_NONE = 0,		/* secure */
	VAL_REASON_NO_DS,		/* insecure: a delegation without DS */
	VAL_REASON_UNSUPPORTED_ALGORITHM, /* insecure: RFC 4035 5.2, RFC 6840 5.2 */
	VAL_REASON_RRSIG_EXPIRED,
	VAL_REASON_RRSIG_NOT_YET_VALID,
	VAL_REASON_RRSIG_MISSING,
	VAL_REASON_SIGNATURE_INVALID,
	VAL_REASON_DS_MISMATCH,		/* no DNSKEY matches the DS */
	VAL_REASON_DNSKEY_MISSING,	/* DS present, no DNSKEY RRset */
	VAL_REASON_DENIAL_INVALID,	/* a negative answer not proven */
	VAL_REASON_NO_RESPONSE,		/* a query needed got no answer */
	VAL_REASON_NO_TRUST_ANCHOR,	/* indeterminate */
	/* Added after the first draft (append only): */
	VAL_REASON_NSEC3_ITERATIONS,	/* insecure: RFC 9276 3.2, above 150 */
	VAL_REASON_WORK_LIMIT,		/* indeterminate: a bound was hit */
};

/*
 * Status of each reason (docs/dnssec.md): NO_DS, UNSUPPORTED_ALGORITHM and
 * NSEC3_ITERATIONS are insecure; NO_RESPONSE (a query the validator needed
 * got no usable reply: timeout, SERVFAIL, REFUSED), NO_TRUST_ANCHOR and
 * WORK_LIMIT are indeterminate; the others are bogus.
 */

/* Lower-case strings of the schema ("secure", "rrsig_expired", ...). */
const char *val_status_str(enum val_status s);
const char *val_reason_str(enum val_reason r);	/* NULL for NONE */

/*
 * The outcome of one job: a verdict and its reason, nothing else.  The
 * zone facts of the schema (DS digest types, DNSKEY algorithms, denial
 * type, NSEC3 iterations, signer) have one source, the DNS probe's own
 * answers (crawler/dns/dnsprobe.c, docs/dnssec.md "Which answer each column
 * comes from"); the validator does not compute them again.
 */
struct val_result {
	enum val_status status;
	enum val_reason reason;		/* VAL_REASON_NONE when secure */
};

/*
 * Query function: send (name, type, class IN) with CD and DO set and call
 * val_job_deliver(job, token, reply) later (never from inside this call),
 * with reply NULL when no answer came.  arg is the one given to
 * val_ctx_new().
 */
struct val_job;
typedef void (*val_query_cb)(void *arg, struct val_job *job, uint32_t token,
	const ldns_rdf *name, ldns_rr_type type);
/* Called once when a job is done; the job is freed right after it returns. */
typedef void (*val_done_cb)(void *arg, const struct val_result *result);

struct val_ctx_options {
	time_t now;			/* validation time (--validation-time) */
	size_t key_cache_zones;		/* LRU bound on cached zones */
	unsigned max_queries_per_job;	/* bounded work per job */
};
/* now: the current time; key_cache_zones 16384; max_queries_per_job 32. */
void val_ctx_options_default(struct val_ctx_options *opt);

struct val_ctx;

/*
 * anchors: DS or DNSKEY RRs of the root (or of any zone) as an ldns_rr_list
 * (copied).  Returns NULL with a reason in err.
 */
struct val_ctx *val_ctx_new(const ldns_rr_list *anchors,
	const struct val_ctx_options *opt, val_query_cb query, void *query_arg,
	char *err, size_t errlen);
/* Jobs still in flight are freed without their done being called. */
void val_ctx_free(struct val_ctx *ctx);

/*
 * Read a trust anchor file (DS or DNSKEY RRs, zone-file syntax, TTL
 * optional: Debian's /usr/share/dns/root.key has DNSKEY lines, the
 * testbed's root.key DS lines).  Returns a new list (ldns_rr_list_deep_free)
 * or NULL with "file:line: reason" in err.
 */
ldns_rr_list *val_anchors_read(const char *path, char *err, size_t errlen);

/*
 * Validate reply, the answer to (qname, qtype) that the crawler already has
 * (with RRSIGs and authority records: it was asked with DO and CD).
 * reply is borrowed for the call (copy what is kept).  done is called
 * exactly once, possibly before val_job_start returns (cache hit).
 * Returns the job, or NULL when done was already called.
 */
struct val_job *val_job_start(struct val_ctx *ctx, const ldns_rdf *qname,
	ldns_rr_type qtype, const ldns_pkt *reply, val_done_cb done,
	void *done_arg);

/*
 * A reply to a query the job asked for (reply borrowed; NULL: no answer).
 * Done callbacks of this and other jobs (those waiting for the same zone)
 * may run inside this call; job may be freed when it returns.  A token
 * that is not the job's outstanding query is ignored.
 */
void val_job_deliver(struct val_job *job, uint32_t token,
	const ldns_pkt *reply);

/*
 * Abandon a job (domain deadline): done is not called.  The reply to a
 * query it still has outstanding may be delivered afterwards as usual (it
 * is ignored, and that releases the job), or dropped (the job is then
 * released by val_ctx_free): either is safe.  Any other use of job after
 * this call is not.
 */
void val_job_cancel(struct val_job *job);

struct val_stats {
	uint64_t jobs;
	uint64_t queries;
	uint64_t dnskey_validations;	/* DNSKEY RRsets validated (O(zones)) */
	uint64_t key_cache_hits;	/* zone lookups answered by the cache */
	uint64_t key_cache_misses;	/* lookups that waited for a zone task */
	uint64_t signatures_verified;	/* public-key operations */
	uint64_t task_retries;		/* DS/DNSKEY queries asked again */
};
void val_ctx_stats(const struct val_ctx *ctx, struct val_stats *out);

#endif
