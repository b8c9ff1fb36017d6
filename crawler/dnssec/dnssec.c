/*
 * dnssec.c - the validator's engine: trust anchors, the zone cache, zone
 * tasks shared by jobs, and the job state machine (docs/dnssec.md).
 *
 * A job validates one answer.  It splits the answer into items (each
 * RRset of a CNAME chain, or the denial of a negative answer) and, for
 * each, walks from the closest trust anchor down to the item's signer
 * (or, unsigned, to its owner) one label at a time.  Each label is a
 * zone entry in the ctx's table: a secure zone (validated DNSKEY RRset),
 * an insecure or bogus one, or "not a zone cut".  An entry not yet known
 * is settled by a zone task (a DS query at the parent, then a DNSKEY query
 * at the child), which every job needing that name waits for: the task
 * sends its queries through one of its waiting jobs, and through another
 * when that one is cancelled.  Entries are kept in an LRU of
 * key_cache_zones; they do not expire otherwise (the validation time is
 * fixed for a crawl).
 *
 * Jobs made ready by a finished task run from one loop (ctx_run), never
 * from inside the task, so a done callback may start or cancel jobs.
 */
#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnssec_int.h"
#include "util.h"

struct val_task;

/* --- trust anchors -------------------------------------------------------- */

struct val_anchor {
	struct val_name vn;		/* lower case */
	ldns_rdf *name;
	ldns_rr_list *ds;		/* DS anchors (owned), or NULL */
	ldns_rr_list *keys;		/* DNSKEY anchors (owned), or NULL */
	bool usable;			/* some DS or key we can use */
	struct val_anchor *next;
};

/* --- zone entries --------------------------------------------------------- */

enum zone_kind {
	ZONE_PENDING = 0,	/* a task is settling it */
	ZONE_SECURE,		/* keys validated */
	ZONE_INSECURE,
	ZONE_BOGUS,
	ZONE_INDETERMINATE,	/* not cached: waiters only */
	ZONE_NOCUT,		/* the name is inside its parent's zone */
};

struct val_zone {
	uint8_t wire[VAL_MAX_NAME_WIRE];	/* lower case */
	size_t len;
	ldns_rdf *name;
	uint32_t hash;
	struct val_zone *hnext;
	TAILQ_ENTRY(val_zone) lru;	/* when in_lru */
	bool in_table, in_lru;
	unsigned refs;
	enum zone_kind kind;
	enum val_reason reason;
	ldns_rr_list *keys;		/* SECURE: the DNSKEY RRset (owned) */
	struct val_task *task;		/* PENDING */
};

/* --- zone tasks ----------------------------------------------------------- */

enum task_state {
	TASK_DS = 0,		/* DS at the parent */
	TASK_DNSKEY,		/* DNSKEY at the child */
};

struct val_task {
	struct val_ctx *ctx;
	enum task_state state;
	struct val_zone *zone;		/* settled by this task (ref) */
	struct val_zone *parent;	/* secure parent (ref); NULL: anchor */
	const struct val_anchor *anchor;
	LIST_HEAD(, val_job) waiters;	/* via job->waiter */
	struct val_job *querier;	/* job whose query is outstanding */
	ldns_rr_list *ds;		/* validated DS RRset (owned) */
	struct val_verify_budget budget;
	unsigned retries;		/* re-asks after no usable reply */
};

/* --- jobs ----------------------------------------------------------------- */

enum job_state {
	JOB_NEXT = 0,		/* start the next item, or finish */
	JOB_WALK,		/* walk down to the item's zone */
	JOB_CHECK,		/* verify the item with its zone's keys */
};

struct job_item {
	bool denial;
	ldns_rr_list *rrset;		/* borrowed RRs of job->an */
	const ldns_rdf *name;		/* owner, or the name denied */
	ldns_rr_type type;
	bool nxdomain;
	ldns_rdf *signer;		/* owned; NULL: unsigned */
};

struct val_job {
	struct val_ctx *ctx;
	val_done_cb done;
	void *done_arg;
	enum job_state state;
	LIST_ENTRY(val_job) live;	/* every live job */
	TAILQ_ENTRY(val_job) rq;	/* ready queue, when ready */
	bool ready;
	struct val_task *task;		/* waiting for it */
	LIST_ENTRY(val_job) waiter;	/* its waiters, when task */
	struct val_zone *task_result;	/* ref, handed over by the task */
	uint32_t token;
	bool query_out;			/* querier of task, reply pending */
	bool cancelled;			/* only waits for that reply */
	unsigned queries;
	struct val_verify_budget budget;

	ldns_rdf *qname;		/* owned, lower case */
	ldns_rr_list *an, *ns;		/* owned copies of the reply */
	ldns_rr_list *sigs_an, *sigs_ns;	/* borrowed RRSIGs */
	struct job_item items[VAL_MAX_ITEMS];
	unsigned nitems, cur;

	/* the walk of the current item */
	struct val_name target;
	unsigned depth;
	struct val_zone *zone;		/* ref: deepest zone so far */
	enum val_status walk_status;	/* set when the walk itself failed */
	enum val_reason walk_reason;
	bool walk_failed;

	/* the verdict so far */
	enum val_status status;
	enum val_reason reason;
	struct val_result res;
};

struct val_ctx {
	struct val_ctx_options opt;
	val_query_cb query;
	void *query_arg;
	struct val_anchor *anchors;
	struct val_zone **buckets;
	size_t nbuckets;
	TAILQ_HEAD(zone_lru, val_zone) lru;	/* first: most recent */
	size_t lru_count;
	LIST_HEAD(, val_job) jobs;
	TAILQ_HEAD(, val_job) ready;
	bool running, freeing;
	struct val_stats stats;
};

static void ctx_run(struct val_ctx *ctx);
static void task_send(struct val_task *task);

/* --- strings -------------------------------------------------------------- */

const char *
val_status_str(enum val_status s)
{
	switch (s) {
	case VAL_SECURE:
		return "secure";
	case VAL_INSECURE:
		return "insecure";
	case VAL_BOGUS:
		return "bogus";
	case VAL_INDETERMINATE:
		break;
	}
	return "indeterminate";
}

const char *
val_reason_str(enum val_reason r)
{
	switch (r) {
	case VAL_REASON_NONE:
		return NULL;
	case VAL_REASON_NO_DS:
		return "no_ds";
	case VAL_REASON_UNSUPPORTED_ALGORITHM:
		return "unsupported_algorithm";
	case VAL_REASON_RRSIG_EXPIRED:
		return "rrsig_expired";
	case VAL_REASON_RRSIG_NOT_YET_VALID:
		return "rrsig_not_yet_valid";
	case VAL_REASON_RRSIG_MISSING:
		return "rrsig_missing";
	case VAL_REASON_SIGNATURE_INVALID:
		return "signature_invalid";
	case VAL_REASON_DS_MISMATCH:
		return "ds_mismatch";
	case VAL_REASON_DNSKEY_MISSING:
		return "dnskey_missing";
	case VAL_REASON_DENIAL_INVALID:
		return "denial_invalid";
	case VAL_REASON_NO_RESPONSE:
		return "no_response";
	case VAL_REASON_NO_TRUST_ANCHOR:
		return "no_trust_anchor";
	case VAL_REASON_NSEC3_ITERATIONS:
		return "nsec3_iterations";
	case VAL_REASON_WORK_LIMIT:
		return "work_limit";
	}
	return "unknown";
}

void
val_ctx_options_default(struct val_ctx_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->now = time(NULL);
	opt->key_cache_zones = VAL_DEFAULT_KEY_CACHE_ZONES;
	opt->max_queries_per_job = VAL_DEFAULT_MAX_QUERIES_PER_JOB;
}

/* --- RR list helpers ------------------------------------------------------ */

/* Deep copy of at most VAL_MAX_SECTION_RRS class IN RRs, owners in lower
 * case. */
static ldns_rr_list *
section_copy(const ldns_rr_list *src)
{
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i, n = src ? ldns_rr_list_rr_count(src) : 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n && ldns_rr_list_rr_count(out) < VAL_MAX_SECTION_RRS;
	    i++) {
		const ldns_rr *rr = ldns_rr_list_rr(src, i);
		ldns_rr *c;

		if (rr == NULL || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    val_name_count(ldns_rr_owner(rr)) < 0)
			continue;
		c = ldns_rr_clone(rr);
		if (c == NULL)
			continue;
		ldns_dname2canonical(ldns_rr_owner(c));
		if (!ldns_rr_list_push_rr(out, c))
			ldns_rr_free(c);
	}
	return out;
}

/* Borrowed RRs of list with owner name (any when NULL) and type. */
static ldns_rr_list *
select_rrs(const ldns_rr_list *list, const ldns_rdf *name, ldns_rr_type type)
{
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i, n = list ? ldns_rr_list_rr_count(list) : 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);

		if (ldns_rr_get_type(rr) != type)
			continue;
		if (name != NULL && !val_name_eq(ldns_rr_owner(rr), name))
			continue;
		ldns_rr_list_push_rr(out, rr);
	}
	return out;
}

static void
list_release(ldns_rr_list *l)
{
	if (l != NULL)
		ldns_rr_list_free(l);
}

/* Deep copy of borrowed RRs. */
static ldns_rr_list *
list_clone(const ldns_rr_list *l)
{
	return l ? ldns_rr_list_clone(l) : NULL;
}

/* The signer of the first applicable RRSIG over (owner, type) in sigs:
 * an ancestor of (or equal to) owner.  New rdf or NULL. */
static ldns_rdf *
find_signer(const ldns_rr_list *sigs, const ldns_rdf *owner,
    ldns_rr_type type)
{
	size_t i, n = sigs ? ldns_rr_list_rr_count(sigs) : 0;

	for (i = 0; i < n; i++) {
		const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		const ldns_rdf *signer;
		uint16_t covered;

		if (!val_name_eq(ldns_rr_owner(sig), owner) ||
		    !val_rr_u16(sig, 0, &covered) || covered != (uint16_t)type)
			continue;
		signer = val_rr_field(sig, 7, LDNS_RDF_TYPE_DNAME);
		if (signer == NULL || !val_name_is_sub(owner, signer))
			continue;
		return ldns_rdf_clone(signer);
	}
	return NULL;
}

/*
 * Verify the NSEC and NSEC3 RRs of section with zone's keys: the verified
 * ones go to *nsecs and *nsec3s (borrowed); *worst is the most specific
 * signature failure met (VAL_SIG_OK when none).
 */
static void
verify_denial_rrs(struct val_ctx *ctx, const ldns_rr_list *section,
    const ldns_rr_list *sigs, const struct val_zone *zone,
    struct val_verify_budget *budget, ldns_rr_list **nsecs,
    ldns_rr_list **nsec3s, enum val_sig *worst)
{
	size_t i, n = section ? ldns_rr_list_rr_count(section) : 0, used = 0;
	ldns_rr_list *one = ldns_rr_list_new();

	*nsecs = ldns_rr_list_new();
	*nsec3s = ldns_rr_list_new();
	*worst = VAL_SIG_OK;
	if (one == NULL || *nsecs == NULL || *nsec3s == NULL)
		goto out;
	for (i = 0; i < n && used < VAL_MAX_DENIAL_RRS; i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		uint64_t before = budget->done;
		enum val_sig r;

		if (t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3)
			continue;
		used++;
		ldns_rr_list_set_rr_count(one, 0);
		ldns_rr_list_push_rr(one, rr);
		r = val_rrset_verify(one, sigs, zone->name, zone->keys,
		    ctx->opt.now, budget, NULL);
		ctx->stats.signatures_verified += budget->done - before;
		if (r == VAL_SIG_OK) {
			ldns_rr_list_push_rr(t == LDNS_RR_TYPE_NSEC ? *nsecs :
			    *nsec3s, rr);
		} else if (*worst == VAL_SIG_OK || r < *worst) {
			*worst = r;
		}
	}
out:
	if (one != NULL) {
		ldns_rr_list_set_rr_count(one, 0);
		ldns_rr_list_free(one);
	}
}

/* --- zone table and LRU --------------------------------------------------- */

static uint32_t
wire_hash(const uint8_t *w, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= w[i];
		h *= 16777619u;
	}
	return h;
}

static struct val_zone *
zone_lookup(struct val_ctx *ctx, const uint8_t *w, size_t len)
{
	uint32_t h = wire_hash(w, len);
	struct val_zone *z;

	for (z = ctx->buckets[h & (ctx->nbuckets - 1)]; z; z = z->hnext)
		if (z->hash == h && z->len == len && memcmp(z->wire, w, len) == 0)
			return z;
	return NULL;
}

static void
zone_free(struct val_zone *z)
{
	ldns_rdf_deep_free(z->name);
	if (z->keys != NULL)
		ldns_rr_list_deep_free(z->keys);
	free(z);
}

static struct val_zone *
zone_ref(struct val_zone *z)
{
	z->refs++;
	return z;
}

static void
zone_unref(struct val_zone *z)
{
	if (z == NULL)
		return;
	if (z->refs > 0)
		z->refs--;
	if (z->refs == 0 && !z->in_table)
		zone_free(z);
}

static void
lru_unlink(struct val_ctx *ctx, struct val_zone *z)
{
	if (!z->in_lru)
		return;
	TAILQ_REMOVE(&ctx->lru, z, lru);
	z->in_lru = false;
	ctx->lru_count--;
}

static void
lru_push(struct val_ctx *ctx, struct val_zone *z)
{
	TAILQ_INSERT_HEAD(&ctx->lru, z, lru);
	z->in_lru = true;
	ctx->lru_count++;
}

static void
lru_touch(struct val_ctx *ctx, struct val_zone *z)
{
	if (z->in_lru && TAILQ_FIRST(&ctx->lru) != z) {
		lru_unlink(ctx, z);
		lru_push(ctx, z);
	}
}

/* Take z out of the table (and the LRU); freed when unreferenced. */
static void
zone_remove(struct val_ctx *ctx, struct val_zone *z)
{
	struct val_zone **pp;

	lru_unlink(ctx, z);
	if (!z->in_table)
		return;
	for (pp = &ctx->buckets[z->hash & (ctx->nbuckets - 1)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == z) {
			*pp = z->hnext;
			break;
		}
	}
	z->hnext = NULL;
	z->in_table = false;
	if (z->refs == 0)
		zone_free(z);
}

static struct val_zone *
zone_new(struct val_ctx *ctx, const uint8_t *w, size_t len)
{
	struct val_zone *z = xcalloc(1, sizeof(*z));
	size_t b;

	memcpy(z->wire, w, len);
	z->len = len;
	z->name = ldns_dname_new_frm_data((uint16_t)len, w);
	if (z->name == NULL) {
		free(z);
		return NULL;
	}
	z->hash = wire_hash(w, len);
	b = z->hash & (ctx->nbuckets - 1);
	z->hnext = ctx->buckets[b];
	ctx->buckets[b] = z;
	z->in_table = true;
	return z;
}

/* A settled entry enters the LRU; the least recent beyond the bound go. */
static void
zone_cache(struct val_ctx *ctx, struct val_zone *z)
{
	lru_push(ctx, z);
	while (ctx->lru_count > ctx->opt.key_cache_zones &&
	    !TAILQ_EMPTY(&ctx->lru))
		zone_remove(ctx, TAILQ_LAST(&ctx->lru, zone_lru));
}

/* --- ready queue ---------------------------------------------------------- */

static void
ready_push(struct val_ctx *ctx, struct val_job *job)
{
	if (job->ready)
		return;
	TAILQ_INSERT_TAIL(&ctx->ready, job, rq);
	job->ready = true;
}

static void
ready_remove(struct val_ctx *ctx, struct val_job *job)
{
	if (!job->ready)
		return;
	TAILQ_REMOVE(&ctx->ready, job, rq);
	job->ready = false;
}

/* --- zone tasks ----------------------------------------------------------- */

/* Take job out of its task's waiters. */
static void
waiter_remove(struct val_job *job)
{
	LIST_REMOVE(job, waiter);
	job->task = NULL;
}

static void
task_free(struct val_task *task)
{
	if (task->ds != NULL)
		ldns_rr_list_deep_free(task->ds);
	zone_unref(task->parent);
	zone_unref(task->zone);
	free(task);
}

/*
 * Settle the task's zone as kind/reason and hand it to every waiter.
 * The task is freed.
 */
static void
task_finish(struct val_task *task, enum zone_kind kind,
    enum val_reason reason)
{
	struct val_ctx *ctx = task->ctx;
	struct val_zone *z = task->zone;

	z->kind = kind;
	z->reason = reason;
	z->task = NULL;
	if (kind == ZONE_INDETERMINATE)
		zone_remove(ctx, z);	/* waiters keep their refs */
	while (!LIST_EMPTY(&task->waiters)) {
		struct val_job *job = LIST_FIRST(&task->waiters);

		waiter_remove(job);
		if (job->query_out && task->querier == job)
			job->query_out = false;
		zone_unref(job->task_result);
		job->task_result = zone_ref(z);
		ready_push(ctx, job);
	}
	if (kind != ZONE_INDETERMINATE && z->in_table)
		zone_cache(ctx, z);
	task_free(task);
}

/* Abandon a task nobody waits for: its entry leaves the table. */
static void
task_abandon(struct val_task *task)
{
	struct val_zone *z = task->zone;

	z->task = NULL;
	z->kind = ZONE_INDETERMINATE;
	zone_remove(task->ctx, z);
	task_free(task);
}

static struct val_task *
task_new(struct val_ctx *ctx, struct val_zone *z, struct val_zone *parent,
    const struct val_anchor *anchor)
{
	struct val_task *task = xcalloc(1, sizeof(*task));

	task->ctx = ctx;
	LIST_INIT(&task->waiters);
	task->zone = zone_ref(z);
	task->parent = parent ? zone_ref(parent) : NULL;
	task->anchor = anchor;
	task->state = anchor ? TASK_DNSKEY : TASK_DS;
	task->budget.left = VAL_MAX_VERIFY_PER_TASK;
	z->kind = ZONE_PENDING;
	z->task = task;
	if (anchor != NULL && anchor->ds != NULL)
		task->ds = ldns_rr_list_clone(anchor->ds);
	return task;
}

static void
task_join(struct val_task *task, struct val_job *job)
{
	job->task = task;
	LIST_INSERT_HEAD(&task->waiters, job, waiter);
	if (task->querier == NULL)
		task_send(task);
}

/* Send the task's current query through a waiter that may still query. */
static void
task_send(struct val_task *task)
{
	struct val_ctx *ctx = task->ctx;
	struct val_job *job;
	ldns_rr_type type = task->state == TASK_DS ? LDNS_RR_TYPE_DS :
	    LDNS_RR_TYPE_DNSKEY;

	LIST_FOREACH(job, &task->waiters, waiter)
		if (job->queries < ctx->opt.max_queries_per_job)
			break;
	if (job == NULL) {
		task_finish(task, ZONE_INDETERMINATE, VAL_REASON_WORK_LIMIT);
		return;
	}
	task->querier = job;
	job->queries++;
	job->token++;
	job->query_out = true;
	ctx->stats.queries++;
	ctx->query(ctx->query_arg, job, job->token, task->zone->name, type);
}

static bool
rcode_usable(const ldns_pkt *pkt)
{
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(pkt);

	return rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN;
}

static void
task_ds_reply(struct val_task *task, const ldns_pkt *pkt)
{
	struct val_ctx *ctx = task->ctx;
	struct val_zone *z = task->zone, *p = task->parent;
	ldns_rr_list *an = NULL, *ns = NULL, *sigs_an = NULL, *sigs_ns = NULL;
	ldns_rr_list *ds = NULL, *cname = NULL, *nsecs = NULL, *nsec3s = NULL;
	uint64_t before = task->budget.done;
	enum val_sig r;
	size_t i;
	bool usable = false;

	an = section_copy(ldns_pkt_answer(pkt));
	ns = section_copy(ldns_pkt_authority(pkt));
	if (an == NULL || ns == NULL)
		goto indeterminate;
	sigs_an = select_rrs(an, NULL, LDNS_RR_TYPE_RRSIG);
	sigs_ns = select_rrs(ns, NULL, LDNS_RR_TYPE_RRSIG);
	ds = select_rrs(an, z->name, LDNS_RR_TYPE_DS);
	cname = select_rrs(an, z->name, LDNS_RR_TYPE_CNAME);
	if (sigs_an == NULL || sigs_ns == NULL || ds == NULL || cname == NULL)
		goto indeterminate;

	if (ldns_rr_list_rr_count(ds) > 0) {
		r = val_rrset_verify(ds, sigs_an, p->name, p->keys, ctx->opt.now,
		    &task->budget, NULL);
		ctx->stats.signatures_verified += task->budget.done - before;
		if (r != VAL_SIG_OK) {
			task_finish(task, ZONE_BOGUS, val_sig_reason(r));
			goto out;
		}
		for (i = 0; i < ldns_rr_list_rr_count(ds); i++)
			if (val_ds_usable(ldns_rr_list_rr(ds, i)))
				usable = true;
		if (!usable) {
			/* RFC 4035 5.2, RFC 6840 5.2 */
			task_finish(task, ZONE_INSECURE,
			    VAL_REASON_UNSUPPORTED_ALGORITHM);
			goto out;
		}
		task->ds = list_clone(ds);
		task->state = TASK_DNSKEY;
		task_send(task);
		goto out;
	}
	if (ldns_rr_list_rr_count(cname) > 0) {
		/* An alias is no zone cut (RFC 1034 3.6.2), if signed. */
		r = val_rrset_verify(cname, sigs_an, p->name, p->keys,
		    ctx->opt.now, &task->budget, NULL);
		ctx->stats.signatures_verified += task->budget.done - before;
		if (r == VAL_SIG_OK)
			task_finish(task, ZONE_NOCUT, VAL_REASON_NONE);
		else
			task_finish(task, ZONE_BOGUS, val_sig_reason(r));
		goto out;
	}

	verify_denial_rrs(ctx, ns, sigs_ns, p, &task->budget, &nsecs, &nsec3s,
	    &r);
	switch (val_denial_ds(z->name, p->name, nsecs, nsec3s)) {
	case VAL_DSPROOF_NO_DS:
	case VAL_DSPROOF_OPTOUT:
		task_finish(task, ZONE_INSECURE, VAL_REASON_NO_DS);
		break;
	case VAL_DSPROOF_NOT_CUT:
		task_finish(task, ZONE_NOCUT, VAL_REASON_NONE);
		break;
	case VAL_DSPROOF_ITERATIONS:
		task_finish(task, ZONE_INSECURE, VAL_REASON_NSEC3_ITERATIONS);
		break;
	case VAL_DSPROOF_FAIL:
		task_finish(task, ZONE_BOGUS, r != VAL_SIG_OK &&
		    r != VAL_SIG_MISSING ? val_sig_reason(r) :
		    VAL_REASON_DENIAL_INVALID);
		break;
	}
	goto out;

indeterminate:
	task_finish(task, ZONE_INDETERMINATE, VAL_REASON_NO_RESPONSE);
out:
	list_release(nsecs);
	list_release(nsec3s);
	list_release(ds);
	list_release(cname);
	list_release(sigs_an);
	list_release(sigs_ns);
	if (an != NULL)
		ldns_rr_list_deep_free(an);
	if (ns != NULL)
		ldns_rr_list_deep_free(ns);
}

static void
task_dnskey_reply(struct val_task *task, const ldns_pkt *pkt)
{
	struct val_ctx *ctx = task->ctx;
	struct val_zone *z = task->zone;
	ldns_rr_list *an, *keys = NULL, *sigs = NULL, *trusted = NULL;
	uint64_t before = task->budget.done;
	bool own_trusted = false;
	enum val_sig r;

	an = section_copy(ldns_pkt_answer(pkt));
	if (an == NULL) {
		task_finish(task, ZONE_INDETERMINATE, VAL_REASON_NO_RESPONSE);
		return;
	}
	keys = select_rrs(an, z->name, LDNS_RR_TYPE_DNSKEY);
	sigs = select_rrs(an, z->name, LDNS_RR_TYPE_RRSIG);
	if (keys == NULL || sigs == NULL) {
		task_finish(task, ZONE_INDETERMINATE, VAL_REASON_NO_RESPONSE);
		goto out;
	}
	if (ldns_rr_list_rr_count(keys) == 0) {
		task_finish(task, ZONE_BOGUS, VAL_REASON_DNSKEY_MISSING);
		goto out;
	}
	ctx->stats.dnskey_validations++;
	if (task->anchor != NULL && task->anchor->keys != NULL) {
		trusted = task->anchor->keys;
	} else {
		trusted = val_ds_match(task->ds, keys);
		own_trusted = true;
		if (trusted == NULL) {
			task_finish(task, ZONE_BOGUS, VAL_REASON_DS_MISMATCH);
			goto out;
		}
	}
	r = val_rrset_verify(keys, sigs, z->name, trusted, ctx->opt.now,
	    &task->budget, NULL);
	ctx->stats.signatures_verified += task->budget.done - before;
	if (r != VAL_SIG_OK) {
		task_finish(task, ZONE_BOGUS, val_sig_reason(r));
		goto out;
	}
	z->keys = list_clone(keys);
	task_finish(task, ZONE_SECURE, VAL_REASON_NONE);
out:
	if (own_trusted)
		list_release(trusted);
	list_release(keys);
	list_release(sigs);
	ldns_rr_list_deep_free(an);
}

static void
task_reply(struct val_task *task, const ldns_pkt *pkt)
{
	if (pkt == NULL || !rcode_usable(pkt)) {
		/* A zone's DS or DNSKEY decides the verdict of every domain
		 * waiting for it: a transient failure (a resolver's SERVFAIL
		 * under load, a lost reply) is asked again a bounded number of
		 * times before they all become indeterminate. */
		if (task->retries < VAL_TASK_RETRIES) {
			task->retries++;
			task->ctx->stats.task_retries++;
			task_send(task);
			return;
		}
		task_finish(task, ZONE_INDETERMINATE, VAL_REASON_NO_RESPONSE);
		return;
	}
	if (task->state == TASK_DS)
		task_ds_reply(task, pkt);
	else
		task_dnskey_reply(task, pkt);
}

/* --- jobs: verdicts ------------------------------------------------------- */

static int
status_rank(enum val_status s)
{
	switch (s) {
	case VAL_SECURE:
		return 0;
	case VAL_INSECURE:
		return 1;
	case VAL_INDETERMINATE:
		return 2;
	case VAL_BOGUS:
		break;
	}
	return 3;
}

/* Fold an item's verdict into the job's: the worst one wins, the first
 * of equals keeps its reason. */
static void
job_verdict(struct val_job *job, enum val_status s, enum val_reason r)
{
	if (status_rank(s) > status_rank(job->status)) {
		job->status = s;
		job->reason = r;
	}
}

static void
job_free(struct val_job *job)
{
	struct val_ctx *ctx = job->ctx;
	unsigned i;

	LIST_REMOVE(job, live);
	ready_remove(ctx, job);
	zone_unref(job->task_result);
	zone_unref(job->zone);
	for (i = 0; i < job->nitems; i++) {
		list_release(job->items[i].rrset);
		ldns_rdf_deep_free(job->items[i].signer);
	}
	list_release(job->sigs_an);
	list_release(job->sigs_ns);
	ldns_rdf_deep_free(job->qname);
	if (job->an != NULL)
		ldns_rr_list_deep_free(job->an);
	if (job->ns != NULL)
		ldns_rr_list_deep_free(job->ns);
	free(job);
}

static void
job_finish(struct val_job *job)
{
	job->res.status = job->status;
	job->res.reason = job->status == VAL_SECURE ? VAL_REASON_NONE :
	    job->reason;
	if (job->done != NULL)
		job->done(job->done_arg, &job->res);
	job_free(job);
}

/* --- jobs: building items from the answer --------------------------------- */

static void
item_add(struct val_job *job, bool denial, ldns_rr_list *rrset,
    const ldns_rdf *name, ldns_rr_type type, bool nxdomain)
{
	struct job_item *it = &job->items[job->nitems++];
	size_t i, n;

	it->denial = denial;
	it->rrset = rrset;
	it->name = name;
	it->type = type;
	it->nxdomain = nxdomain;
	if (!denial) {
		it->signer = find_signer(job->sigs_an, name, type);
		return;
	}
	/* A negative answer's signer: that of the SOA, else of an NSEC(3). */
	n = ldns_rr_list_rr_count(job->ns);
	for (i = 0; i < n && it->signer == NULL; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(job->ns, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
			it->signer = find_signer(job->sigs_ns, ldns_rr_owner(rr),
			    LDNS_RR_TYPE_SOA);
	}
	for (i = 0; i < n && it->signer == NULL; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(job->ns, i);
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3)
			it->signer = find_signer(job->sigs_ns, ldns_rr_owner(rr),
			    t);
	}
	if (it->signer != NULL && !val_name_is_sub(name, it->signer)) {
		ldns_rdf_deep_free(it->signer);
		it->signer = NULL;
	}
}

static bool
has_signer(const ldns_rr_list *sigs, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rdf *s = find_signer(sigs, owner, type);

	ldns_rdf_deep_free(s);
	return s != NULL;
}

/* The DNAME RRset of an ancestor of name that synthesised cname, if any. */
static ldns_rr_list *
dname_for(struct val_job *job, const ldns_rdf *name)
{
	size_t i, n = ldns_rr_list_rr_count(job->an);

	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(job->an, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNAME &&
		    val_name_is_sub(name, ldns_rr_owner(rr)) &&
		    !val_name_eq(name, ldns_rr_owner(rr)))
			return select_rrs(job->an, ldns_rr_owner(rr),
			    LDNS_RR_TYPE_DNAME);
	}
	return NULL;
}

/* Split the answer into items.  false: the job is settled already. */
static bool
job_items(struct val_job *job, const ldns_rdf *qname, ldns_rr_type qtype,
    const ldns_pkt *reply)
{
	const ldns_rdf *cur = qname;
	ldns_pkt_rcode rc;
	unsigned hops;

	if (reply == NULL || !rcode_usable(reply)) {
		job_verdict(job, VAL_INDETERMINATE, VAL_REASON_NO_RESPONSE);
		return false;
	}
	rc = ldns_pkt_get_rcode(reply);
	job->an = section_copy(ldns_pkt_answer(reply));
	job->ns = section_copy(ldns_pkt_authority(reply));
	if (job->an == NULL || job->ns == NULL)
		goto limit;
	job->sigs_an = select_rrs(job->an, NULL, LDNS_RR_TYPE_RRSIG);
	job->sigs_ns = select_rrs(job->ns, NULL, LDNS_RR_TYPE_RRSIG);
	if (job->sigs_an == NULL || job->sigs_ns == NULL)
		goto limit;
	for (hops = 0; job->nitems < VAL_MAX_ITEMS; hops++) {
		ldns_rr_list *set = select_rrs(job->an, cur, qtype), *cn, *dn;
		const ldns_rdf *target;

		if (set == NULL)
			goto limit;
		if (ldns_rr_list_rr_count(set) > 0) {
			item_add(job, false, set, cur, qtype, false);
			return true;
		}
		list_release(set);
		cn = select_rrs(job->an, cur, LDNS_RR_TYPE_CNAME);
		if (cn == NULL)
			goto limit;
		if (ldns_rr_list_rr_count(cn) == 0 || qtype == LDNS_RR_TYPE_CNAME) {
			list_release(cn);
			item_add(job, true, NULL, cur, qtype,
			    rc == LDNS_RCODE_NXDOMAIN);
			return true;
		}
		target = val_rr_field(ldns_rr_list_rr(cn, 0), 0,
		    LDNS_RDF_TYPE_DNAME);
		if (target == NULL || val_name_count(target) < 0) {
			list_release(cn);
			job_verdict(job, VAL_BOGUS, VAL_REASON_SIGNATURE_INVALID);
			return false;
		}
		/* A CNAME synthesised from a DNAME carries no RRSIG: the
		 * DNAME is what is validated (RFC 6672 5.3.3). */
		dn = NULL;
		if (!has_signer(job->sigs_an, cur, LDNS_RR_TYPE_CNAME))
			dn = dname_for(job, cur);
		if (dn != NULL && ldns_rr_list_rr_count(dn) > 0) {
			list_release(cn);
			item_add(job, false, dn, ldns_rr_owner(
			    ldns_rr_list_rr(dn, 0)), LDNS_RR_TYPE_DNAME, false);
		} else {
			list_release(dn);
			item_add(job, false, cn, cur, LDNS_RR_TYPE_CNAME, false);
		}
		cur = target;
	}
limit:
	job_verdict(job, VAL_INDETERMINATE, VAL_REASON_WORK_LIMIT);
	return false;
}

/* --- jobs: the walk ------------------------------------------------------- */

enum walk {
	WALK_WAIT = 0,
	WALK_DONE,
};

static const struct val_anchor *
anchor_for(const struct val_ctx *ctx, const struct val_name *target)
{
	const struct val_anchor *a, *best = NULL;

	for (a = ctx->anchors; a; a = a->next) {
		size_t off;

		if (a->vn.nlabels > target->nlabels)
			continue;
		off = target->off[target->nlabels - a->vn.nlabels];
		if (target->len - off != a->vn.len ||
		    memcmp(target->wire + off, a->vn.wire, a->vn.len) != 0)
			continue;
		if (best == NULL || a->vn.nlabels > best->vn.nlabels)
			best = a;
	}
	return best;
}

static void
walk_fail(struct val_job *job, enum val_status s, enum val_reason r)
{
	job->walk_failed = true;
	job->walk_status = s;
	job->walk_reason = r;
}

/* Wait for the entry's task; false when it settled at once (no waiter
 * could query) and the walk goes on. */
static bool
walk_join(struct val_job *job, struct val_zone *e)
{
	job->ctx->stats.key_cache_misses++;
	task_join(e->task, job);
	if (job->task != NULL)
		return true;
	ready_remove(job->ctx, job);
	return false;
}

static enum walk
job_walk(struct val_job *job)
{
	struct val_ctx *ctx = job->ctx;
	struct val_name *t = &job->target;

	for (;;) {
		struct val_zone *e;
		const uint8_t *w;
		size_t len;

		if (job->zone == NULL) {
			const struct val_anchor *a;

			if (job->task_result != NULL) {
				job->zone = job->task_result;
				job->task_result = NULL;
				continue;
			}
			a = anchor_for(ctx, t);
			if (a == NULL) {
				walk_fail(job, VAL_INDETERMINATE,
				    VAL_REASON_NO_TRUST_ANCHOR);
				return WALK_DONE;
			}
			job->depth = a->vn.nlabels;
			w = a->vn.wire;
			len = a->vn.len;
			e = zone_lookup(ctx, w, len);
			if (e == NULL) {
				e = zone_new(ctx, w, len);
				if (e == NULL) {
					walk_fail(job, VAL_INDETERMINATE,
					    VAL_REASON_WORK_LIMIT);
					return WALK_DONE;
				}
				if (a->usable) {
					task_new(ctx, e, NULL, a);
				} else {
					/* RFC 4035 5.2: nothing to validate
					 * with, the anchor's zone is insecure. */
					e->kind = ZONE_INSECURE;
					e->reason =
					    VAL_REASON_UNSUPPORTED_ALGORITHM;
					zone_cache(ctx, e);
				}
			}
			if (e->kind == ZONE_PENDING) {
				if (walk_join(job, e))
					return WALK_WAIT;
				continue;
			}
			ctx->stats.key_cache_hits++;
			lru_touch(ctx, e);
			job->zone = zone_ref(e);
			continue;
		}
		if (job->task_result != NULL) {
			e = job->task_result;
			job->task_result = NULL;
			job->depth++;
			if (e->kind != ZONE_NOCUT) {
				zone_unref(job->zone);
				job->zone = e;
			} else {
				zone_unref(e);
			}
			continue;
		}
		if (job->zone->kind != ZONE_SECURE ||
		    job->depth >= t->nlabels)
			return WALK_DONE;
		if (job->depth >= VAL_MAX_CHAIN_DEPTH) {
			walk_fail(job, VAL_INDETERMINATE, VAL_REASON_WORK_LIMIT);
			return WALK_DONE;
		}
		w = t->wire + t->off[t->nlabels - job->depth - 1];
		len = t->len - t->off[t->nlabels - job->depth - 1];
		e = zone_lookup(ctx, w, len);
		if (e == NULL) {
			e = zone_new(ctx, w, len);
			if (e == NULL) {
				walk_fail(job, VAL_INDETERMINATE,
				    VAL_REASON_WORK_LIMIT);
				return WALK_DONE;
			}
			task_new(ctx, e, job->zone, NULL);
		}
		if (e->kind == ZONE_PENDING) {
			if (walk_join(job, e))
				return WALK_WAIT;
			continue;
		}
		ctx->stats.key_cache_hits++;
		lru_touch(ctx, e);
		job->task_result = zone_ref(e);
	}
}

/* --- jobs: checking an item ----------------------------------------------- */

static void
check_rrset(struct val_job *job, struct job_item *it, struct val_zone *z)
{
	struct val_ctx *ctx = job->ctx;
	ldns_rr_list *nsecs = NULL, *nsec3s = NULL;
	const ldns_rr *used = NULL;
	uint64_t before = job->budget.done;
	enum val_sig r, worst;
	uint8_t labels;
	int olabels;

	if (it->signer == NULL) {
		job_verdict(job, VAL_BOGUS, VAL_REASON_RRSIG_MISSING);
		return;
	}
	if (!val_name_eq(it->signer, z->name)) {
		/* The signer named is not the zone the chain leads to. */
		job_verdict(job, VAL_BOGUS, VAL_REASON_SIGNATURE_INVALID);
		return;
	}
	r = val_rrset_verify(it->rrset, job->sigs_an, z->name, z->keys,
	    ctx->opt.now, &job->budget, &used);
	ctx->stats.signatures_verified += job->budget.done - before;
	if (r != VAL_SIG_OK) {
		job_verdict(job, VAL_BOGUS, val_sig_reason(r));
		return;
	}
	/* RFC 4035 5.3.4: expanded from a wildcard, the name itself must be
	 * proven absent. */
	olabels = val_name_count(it->name);
	if (!val_rr_u8(used, 2, &labels) || (int)labels >= olabels ||
	    val_name_is_wildcard(it->name))
		return;
	verify_denial_rrs(ctx, job->ns, job->sigs_ns, z, &job->budget, &nsecs,
	    &nsec3s, &worst);
	switch (val_denial_wildcard(it->name, labels, z->name, nsecs, nsec3s)) {
	case VAL_PROOF_OK:
		break;
	case VAL_PROOF_OPTOUT:
		job_verdict(job, VAL_INSECURE, VAL_REASON_NO_DS);
		break;
	case VAL_PROOF_ITERATIONS:
		job_verdict(job, VAL_INSECURE, VAL_REASON_NSEC3_ITERATIONS);
		break;
	case VAL_PROOF_FAIL:
		job_verdict(job, VAL_BOGUS, VAL_REASON_DENIAL_INVALID);
		break;
	}
	list_release(nsecs);
	list_release(nsec3s);
}

static void
check_denial(struct val_job *job, struct job_item *it, struct val_zone *z)
{
	struct val_ctx *ctx = job->ctx;
	ldns_rr_list *nsecs = NULL, *nsec3s = NULL, *soa = NULL;
	uint64_t before = job->budget.done;
	enum val_sig worst, r;
	int iter = -1;

	if (it->signer == NULL || !val_name_eq(it->signer, z->name)) {
		job_verdict(job, VAL_BOGUS, VAL_REASON_DENIAL_INVALID);
		return;
	}
	/* The SOA of the negative answer, when there, must verify. */
	soa = select_rrs(job->ns, z->name, LDNS_RR_TYPE_SOA);
	if (soa != NULL && ldns_rr_list_rr_count(soa) > 0) {
		r = val_rrset_verify(soa, job->sigs_ns, z->name, z->keys,
		    ctx->opt.now, &job->budget, NULL);
		ctx->stats.signatures_verified += job->budget.done - before;
		if (r != VAL_SIG_OK) {
			job_verdict(job, VAL_BOGUS, r == VAL_SIG_MISSING ?
			    VAL_REASON_DENIAL_INVALID : val_sig_reason(r));
			goto out;
		}
	}
	verify_denial_rrs(ctx, job->ns, job->sigs_ns, z, &job->budget, &nsecs,
	    &nsec3s, &worst);
	switch (val_denial_prove(it->name, it->type, it->nxdomain, z->name,
	    nsecs, nsec3s, &iter)) {
	case VAL_PROOF_OK:
		break;
	case VAL_PROOF_OPTOUT:
		job_verdict(job, VAL_INSECURE, VAL_REASON_NO_DS);
		break;
	case VAL_PROOF_ITERATIONS:
		job_verdict(job, VAL_INSECURE, VAL_REASON_NSEC3_ITERATIONS);
		break;
	case VAL_PROOF_FAIL:
		job_verdict(job, VAL_BOGUS, worst != VAL_SIG_OK &&
		    worst != VAL_SIG_MISSING ? val_sig_reason(worst) :
		    VAL_REASON_DENIAL_INVALID);
		break;
	}
out:
	list_release(soa);
	list_release(nsecs);
	list_release(nsec3s);
}

static void
job_check(struct val_job *job)
{
	struct job_item *it = &job->items[job->cur];
	struct val_zone *z = job->zone;

	if (job->walk_failed) {
		job_verdict(job, job->walk_status, job->walk_reason);
		return;
	}
	switch (z->kind) {
	case ZONE_SECURE:
		break;
	case ZONE_INSECURE:
		job_verdict(job, VAL_INSECURE, z->reason);
		return;
	case ZONE_BOGUS:
		job_verdict(job, VAL_BOGUS, z->reason);
		return;
	case ZONE_PENDING:
	case ZONE_NOCUT:
	case ZONE_INDETERMINATE:
		job_verdict(job, VAL_INDETERMINATE, z->reason ? z->reason :
		    VAL_REASON_NO_RESPONSE);
		return;
	}
	if (it->denial)
		check_denial(job, it, z);
	else
		check_rrset(job, it, z);
}

/* Run the job until it waits (false) or is finished and freed (true). */
static bool
job_step(struct val_job *job)
{
	for (;;) {
		struct job_item *it;

		switch (job->state) {
		case JOB_NEXT:
			if (job->cur >= job->nitems ||
			    job->status == VAL_BOGUS) {
				job_finish(job);
				return true;
			}
			it = &job->items[job->cur];
			zone_unref(job->zone);
			job->zone = NULL;
			zone_unref(job->task_result);
			job->task_result = NULL;
			job->walk_failed = false;
			if (val_name_set(&job->target,
			    it->signer ? it->signer : it->name) != 0) {
				job_verdict(job, VAL_BOGUS,
				    VAL_REASON_SIGNATURE_INVALID);
				job->cur++;
				break;
			}
			job->state = JOB_WALK;
			break;
		case JOB_WALK:
			if (job_walk(job) == WALK_WAIT)
				return false;
			job->state = JOB_CHECK;
			break;
		case JOB_CHECK:
			job_check(job);
			job->cur++;
			job->state = JOB_NEXT;
			break;
		}
	}
}

static void
ctx_run(struct val_ctx *ctx)
{
	struct val_job *job;

	if (ctx->running)
		return;
	ctx->running = true;
	while ((job = TAILQ_FIRST(&ctx->ready)) != NULL) {
		ready_remove(ctx, job);
		job_step(job);
	}
	ctx->running = false;
}

/* --- public: jobs --------------------------------------------------------- */

struct val_job *
val_job_start(struct val_ctx *ctx, const ldns_rdf *qname, ldns_rr_type qtype,
    const ldns_pkt *reply, val_done_cb done, void *done_arg)
{
	struct val_job *job = xcalloc(1, sizeof(*job));

	job->ctx = ctx;
	job->done = done;
	job->done_arg = done_arg;
	job->state = JOB_NEXT;
	job->status = VAL_SECURE;
	job->budget.left = VAL_MAX_VERIFY_PER_JOB;
	LIST_INSERT_HEAD(&ctx->jobs, job, live);
	ctx->stats.jobs++;

	if (val_name_count(qname) < 0 ||
	    (job->qname = ldns_rdf_clone(qname)) == NULL) {
		job_verdict(job, VAL_INDETERMINATE, VAL_REASON_WORK_LIMIT);
	} else {
		ldns_dname2canonical(job->qname);
		if (!job_items(job, job->qname, qtype, reply))
			job->cur = job->nitems;	/* settled: no walk */
	}
	if (job_step(job)) {
		ctx_run(ctx);
		return NULL;
	}
	ctx_run(ctx);
	return job;
}

void
val_job_deliver(struct val_job *job, uint32_t token, const ldns_pkt *reply)
{
	struct val_ctx *ctx;
	struct val_task *task;

	if (job == NULL || !job->query_out || token != job->token)
		return;
	if (job->cancelled) {
		job_free(job);
		return;
	}
	ctx = job->ctx;
	task = job->task;
	job->query_out = false;
	if (task == NULL || task->querier != job)
		return;
	task->querier = NULL;
	task_reply(task, reply);
	ctx_run(ctx);
}

/* Leave the task waited for; another waiter takes over its query. */
static void
job_detach(struct val_job *job)
{
	struct val_task *task = job->task;

	if (task == NULL)
		return;
	waiter_remove(job);
	if (LIST_EMPTY(&task->waiters)) {
		task_abandon(task);
		return;
	}
	if (task->querier != job)
		return;
	task->querier = NULL;
	job->query_out = false;
	if (!job->ctx->freeing)
		task_send(task);
}

void
val_job_cancel(struct val_job *job)
{
	struct val_ctx *ctx;
	bool expecting;

	if (job == NULL || job->cancelled)
		return;
	ctx = job->ctx;
	expecting = job->query_out;
	job_detach(job);
	if (!expecting) {
		job_free(job);
		ctx_run(ctx);
		return;
	}
	/* A reply to its query may still come: the job stays, inert, until
	 * it does (or until val_ctx_free), so that delivering it is safe. */
	job->cancelled = true;
	job->query_out = true;
	job->done = NULL;
	ready_remove(ctx, job);
	zone_unref(job->zone);
	job->zone = NULL;
	zone_unref(job->task_result);
	job->task_result = NULL;
	ctx_run(ctx);
}

/* --- public: the context -------------------------------------------------- */

static void
anchors_free(struct val_anchor *a)
{
	while (a != NULL) {
		struct val_anchor *next = a->next;

		ldns_rdf_deep_free(a->name);
		if (a->ds != NULL)
			ldns_rr_list_deep_free(a->ds);
		if (a->keys != NULL)
			ldns_rr_list_deep_free(a->keys);
		free(a);
		a = next;
	}
}

static struct val_anchor *
anchor_get(struct val_anchor **list, const ldns_rdf *owner)
{
	struct val_anchor *a;

	for (a = *list; a; a = a->next)
		if (val_name_eq(a->name, owner))
			return a;
	a = xcalloc(1, sizeof(*a));
	if (val_name_set(&a->vn, owner) != 0) {
		free(a);
		return NULL;
	}
	a->name = ldns_dname_new_frm_data((uint16_t)a->vn.len, a->vn.wire);
	if (a->name == NULL) {
		free(a);
		return NULL;
	}
	a->next = *list;
	*list = a;
	return a;
}

static ldns_rr_list **
anchor_slot(struct val_anchor *a, ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_DS ? &a->ds : &a->keys;
}

struct val_ctx *
val_ctx_new(const ldns_rr_list *anchors, const struct val_ctx_options *opt,
    val_query_cb query, void *query_arg, char *err, size_t errlen)
{
	struct val_ctx *ctx;
	struct val_anchor *list = NULL, *a;
	size_t i, n = anchors ? ldns_rr_list_rr_count(anchors) : 0, nb;

	if (query == NULL) {
		snprintf(err, errlen, "no query function");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(anchors, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		ldns_rr_list **slot;
		ldns_rr *c;

		if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY)
			continue;
		a = anchor_get(&list, ldns_rr_owner(rr));
		c = ldns_rr_clone(rr);
		if (a == NULL || c == NULL) {
			ldns_rr_free(c);
			anchors_free(list);
			snprintf(err, errlen, "malformed trust anchor");
			return NULL;
		}
		ldns_dname2canonical(ldns_rr_owner(c));
		ldns_rr_set_class(c, LDNS_RR_CLASS_IN);
		slot = anchor_slot(a, t);
		if (*slot == NULL)
			*slot = ldns_rr_list_new();
		if (*slot == NULL || !ldns_rr_list_push_rr(*slot, c)) {
			ldns_rr_free(c);
			anchors_free(list);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		if (t == LDNS_RR_TYPE_DS ? val_ds_usable(c) :
		    val_dnskey_usable(c))
			a->usable = true;
	}
	if (list == NULL) {
		snprintf(err, errlen, "no DS or DNSKEY trust anchor");
		return NULL;
	}
	ctx = xcalloc(1, sizeof(*ctx));
	TAILQ_INIT(&ctx->lru);
	TAILQ_INIT(&ctx->ready);
	LIST_INIT(&ctx->jobs);
	if (opt != NULL)
		ctx->opt = *opt;
	else
		val_ctx_options_default(&ctx->opt);
	if (ctx->opt.max_queries_per_job == 0)
		ctx->opt.max_queries_per_job = VAL_DEFAULT_MAX_QUERIES_PER_JOB;
	ctx->query = query;
	ctx->query_arg = query_arg;
	ctx->anchors = list;
	nb = 64;
	while (nb < VAL_MAX_BUCKETS && nb < 2 * ctx->opt.key_cache_zones)
		nb <<= 1;
	ctx->nbuckets = nb;
	ctx->buckets = xcalloc(nb, sizeof(*ctx->buckets));
	return ctx;
}

void
val_ctx_free(struct val_ctx *ctx)
{
	size_t b;

	if (ctx == NULL)
		return;
	ctx->freeing = true;
	while (!LIST_EMPTY(&ctx->jobs)) {
		struct val_job *job = LIST_FIRST(&ctx->jobs);

		job_detach(job);
		job_free(job);
	}
	for (b = 0; b < ctx->nbuckets; b++) {
		while (ctx->buckets[b] != NULL) {
			struct val_zone *z = ctx->buckets[b];

			ctx->buckets[b] = z->hnext;
			zone_free(z);
		}
	}
	free(ctx->buckets);
	anchors_free(ctx->anchors);
	free(ctx);
}

void
val_ctx_stats(const struct val_ctx *ctx, struct val_stats *out)
{
	*out = ctx->stats;
}

ldns_rr_list *
val_anchors_read(const char *path, char *err, size_t errlen)
{
	FILE *fp;
	ldns_rr_list *list;
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 1;

	fp = fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	list = ldns_rr_list_new();
	while (list != NULL && !feof(fp)) {
		ldns_rr *rr = NULL;
		ldns_status st;
		ldns_rr_type t;
		int at = line;		/* ldns counts the line it has read */

		st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (st != LDNS_STATUS_OK) {
			snprintf(err, errlen, "%s:%d: %s", path, at,
			    ldns_get_errorstr_by_id(st));
			goto fail;
		}
		t = ldns_rr_get_type(rr);
		if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY) {
			snprintf(err, errlen,
			    "%s:%d: not a DS or DNSKEY record", path, at);
			ldns_rr_free(rr);
			goto fail;
		}
		ldns_rr_list_push_rr(list, rr);
	}
	if (list == NULL || ldns_rr_list_rr_count(list) == 0) {
		snprintf(err, errlen, "%s: no DS or DNSKEY record", path);
		goto fail;
	}
	fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return list;
fail:
	if (list != NULL)
		ldns_rr_list_deep_free(list);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	fclose(fp);
	return NULL;
}
