/*
 * spfprobe.c - the spf stage and its crawl-wide table (spfprobe.h).
 *
 * The evaluation is a stack of records (the apex's, then one per include
 * or redirect followed), each with the index of its next term.  Terms are
 * taken in order as check_host() takes them (RFC 7208 4.6.2, 5) for an
 * address that no mechanism matches:
 *   all        ends the record with its qualifier;
 *   ip4, ip6   never match;
 *   include    one lookup; the target's record evaluated; its result
 *              pass makes the include match (the include's qualifier
 *              ends the record), any other result goes on (5.2);
 *   a, mx      one lookup each; their answer (A; MX) counts toward the
 *              void limit, never matches (the MX hosts' addresses are not
 *              asked: docs/email-auth.md);
 *   ptr        one lookup, no query (there is no address to look up),
 *              never matches;
 *   exists     one lookup; an A answer with records matches;
 * and at the end of the terms, redirect= (one lookup) hands the result to
 * the target's record (6.1); without it the record ends with no match
 * ("none": no all).  A domain-spec holding a macro is counted and not
 * asked (its expansion needs a sender and an address): include and
 * exists then do not match, a redirect leaves the result unknown.
 *
 * Errors end the evaluation: more than SPFPROBE_MAX_LOOKUPS lookups
 * (too_many_lookups, or loop when a record being evaluated was met again
 * on the way: RFC 7208 has no loop rule of its own, the limit stops it),
 * more than SPFPROBE_MAX_VOID void answers (too_many_void), an include or
 * redirect target without an SPF record (missing_include), several
 * (multiple_records), one that does not parse (syntax), more than
 * SPFPROBE_MAX_MX MX records (too_many_lookups), a query without an
 * answer (temperror).
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <ldns/ldns.h>

#include "crawl.h"
#include "dnsanswer.h"
#include "hash.h"
#include "job.h"
#include "query.h"
#include "row.h"
#include "schema.h"
#include "spf.h"
#include "spfprobe.h"
#include "util.h"

/* The table's SipHash key (fixed: the table is private to a crawl and
 * its keys come from the crawl's own records). */
static const uint8_t spf_hash_key[HASH_KEY_LEN] = "uptake-spftable1";

/* Longest name text kept: a DNS name in presentation form without
 * escapes (RFC 1035 2.3.4); a longer one is not asked. */
#define SPF_NAME_MAX 253

/* --- the table --------------------------------------------------------- */

enum ans_status {
	ANS_RECORDS = 0,	/* records of the type asked */
	ANS_VOID,		/* NXDOMAIN, or NOERROR without such records */
	ANS_FAIL,		/* no usable answer: temperror */
};

struct answer {
	enum ans_status st;
	unsigned n;		/* A, MX: records; TXT: v=spf1 records */
	char *text;		/* TXT with n == 1: the record (owned by the
				 * entry) */
	size_t len;
};

struct spfeval;

struct spf_wait {
	TAILQ_ENTRY(spf_wait) link;
	struct entry *e;
	struct spfeval *ev;
};
TAILQ_HEAD(wait_list, spf_wait);

struct entry {
	struct entry *hnext;
	LIST_ENTRY(entry) flink;	/* in flight */
	struct spf_ctx *c;
	uint64_t hash;
	bool hashed;
	bool done;
	ldns_rr_type type;
	struct query *q;
	struct answer ans;
	struct wait_list waiters;
	/* Sized to fit: the table keeps up to SPFPROBE_MAX_ENTRIES names for
	 * the whole crawl. */
	char name[];			/* lower case, no final dot */
};

struct spf_ctx {
	struct query_engine *qe;
	size_t max;
	struct entry *buckets[SPFPROBE_BUCKETS];
	LIST_HEAD(, entry) inflight;
	struct spf_ctx_stats st;
};

static uint64_t
key_hash(const char *name, ldns_rr_type t)
{
	uint8_t buf[SPF_NAME_MAX + 3];
	size_t n = strlen(name);

	memcpy(buf, name, n);
	buf[n] = (uint8_t)(t >> 8);
	buf[n + 1] = (uint8_t)t;
	return hash_siphash24(spf_hash_key, buf, n + 2);
}

struct spf_ctx *
spf_ctx_new(struct query_engine *qe, size_t max_entries)
{
	struct spf_ctx *c = xcalloc(1, sizeof(*c));

	c->qe = qe;
	c->max = max_entries != 0 ? max_entries : SPFPROBE_MAX_ENTRIES;
	LIST_INIT(&c->inflight);
	return c;
}

static void
entry_free(struct entry *e)
{
	struct spf_wait *w;

	if (e->q != NULL)
		query_cancel(e->q);
	while ((w = TAILQ_FIRST(&e->waiters)) != NULL) {
		TAILQ_REMOVE(&e->waiters, w, link);
		free(w);
	}
	free(e->ans.text);
	free(e);
}

void
spf_ctx_free(struct spf_ctx *c)
{
	struct entry *e, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < SPFPROBE_BUCKETS; i++)
		for (e = c->buckets[i]; e != NULL; e = next) {
			next = e->hnext;
			if (!e->done)
				LIST_REMOVE(e, flink);
			entry_free(e);
		}
	while ((e = LIST_FIRST(&c->inflight)) != NULL) {
		LIST_REMOVE(e, flink);
		entry_free(e);
	}
	free(c);
}

void
spf_ctx_stats(const struct spf_ctx *c, struct spf_ctx_stats *out)
{
	*out = c->st;
}

void
spf_ctx_summary(const struct spf_ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "spf: %llu domains evaluated, %llu names queried, "
	    "%llu answered from the table (%llu waited on a query in flight), "
	    "%llu queried outside the full table, %llu queries failed",
	    (unsigned long long)c->st.evaluated,
	    (unsigned long long)c->st.queried,
	    (unsigned long long)c->st.from_table,
	    (unsigned long long)c->st.joined,
	    (unsigned long long)c->st.uncached,
	    (unsigned long long)c->st.failed);
}

static void unhash(struct spf_ctx *c, struct entry *e);
static void eval_answer(struct spfeval *ev, const struct answer *a);

/* The answer of p for (name, type). */
static void
answer_of(struct entry *e, enum query_status st, const ldns_pkt *p,
	const ldns_rdf *qname, struct answer *a)
{
	int rcode;

	memset(a, 0, sizeof(*a));
	if (st != QUERY_OK) {
		a->st = ANS_FAIL;
		return;
	}
	rcode = (int)ldns_pkt_get_rcode(p);
	if (rcode == LDNS_RCODE_NXDOMAIN) {
		a->st = ANS_VOID;
		return;
	}
	if (rcode != LDNS_RCODE_NOERROR) {
		a->st = ANS_FAIL;
		return;
	}
	if (e->type == LDNS_RR_TYPE_TXT) {
		struct dnsanswer_txts t;
		size_t i;

		dnsanswer_txts_load(&t, p, qname);
		a->st = t.n == 0 ? ANS_VOID : ANS_RECORDS;
		for (i = 0; i < t.n; i++) {
			if (!spf_is_record(t.s[i], t.len[i]))
				continue;
			if (a->n++ == 0) {
				a->text = xmalloc(t.len[i] + 1);
				memcpy(a->text, t.s[i], t.len[i]);
				a->text[t.len[i]] = '\0';
				a->len = t.len[i];
			}
		}
		dnsanswer_txts_free(&t);
		return;
	}
	a->n = (unsigned)dnsanswer_count(p, qname, e->type);
	a->st = a->n == 0 ? ANS_VOID : ANS_RECORDS;
}

static bool
query_done(void *arg, enum query_status st, ldns_pkt *p)
{
	struct entry *e = arg;
	struct spf_ctx *c = e->c;
	struct spf_wait *w;
	ldns_rdf *qname = ldns_dname_new_frm_str(e->name);

	e->q = NULL;
	answer_of(e, st, p, qname, &e->ans);
	ldns_rdf_deep_free(qname);
	e->done = true;
	LIST_REMOVE(e, flink);
	if (e->ans.st == ANS_FAIL) {
		/* Not kept: the next asker asks again. */
		c->st.failed++;
		if (e->hashed)
			unhash(c, e);
	}
	/* Each waiter's evaluation goes on; it may ask other names (new
	 * entries: none is ever evicted, so e stays). */
	while ((w = TAILQ_FIRST(&e->waiters)) != NULL) {
		struct spfeval *ev = w->ev;

		TAILQ_REMOVE(&e->waiters, w, link);
		free(w);
		eval_answer(ev, &e->ans);
	}
	if (!e->hashed)
		entry_free(e);
	return false;
}

static struct entry *
find(struct spf_ctx *c, uint64_t h, const char *name, ldns_rr_type t)
{
	struct entry *e;

	for (e = c->buckets[h & (SPFPROBE_BUCKETS - 1)]; e != NULL;
	    e = e->hnext)
		if (e->hash == h && e->type == t && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void
unhash(struct spf_ctx *c, struct entry *e)
{
	struct entry **pp = &c->buckets[e->hash & (SPFPROBE_BUCKETS - 1)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	e->hashed = false;
	c->st.entries--;
}

enum lookup_res {
	LOOKUP_NOW,		/* *a holds the answer (borrowed) */
	LOOKUP_WAIT,		/* the answer comes through eval_answer */
	LOOKUP_BAD_NAME,	/* not a name that can be asked */
};

static enum lookup_res
lookup(struct spf_ctx *c, struct spfeval *ev, const char *name,
	ldns_rr_type t, struct spf_wait **wp, const struct answer **a)
{
	char key[SPF_NAME_MAX + 1];
	size_t n = strlen(name), i;
	struct entry *e;
	struct spf_wait *w;
	ldns_rdf *rdf;
	uint64_t h;

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > SPF_NAME_MAX)
		return LOOKUP_BAD_NAME;
	for (i = 0; i < n; i++)
		key[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] + 32 : name[i]);
	key[n] = '\0';
	h = key_hash(key, t);
	e = find(c, h, key, t);
	if (e != NULL && e->done) {
		c->st.from_table++;
		*a = &e->ans;
		return LOOKUP_NOW;
	}
	w = xcalloc(1, sizeof(*w));
	w->ev = ev;
	if (e != NULL) {
		c->st.from_table++;
		c->st.joined++;
		w->e = e;
		TAILQ_INSERT_TAIL(&e->waiters, w, link);
		*wp = w;
		return LOOKUP_WAIT;
	}
	rdf = NULL;
	if (ldns_str2rdf_dname(&rdf, key) != LDNS_STATUS_OK || rdf == NULL) {
		free(w);
		return LOOKUP_BAD_NAME;
	}
	e = xcalloc(1, sizeof(*e) + n + 1);
	e->c = c;
	e->hash = h;
	e->type = t;
	memcpy(e->name, key, n + 1);
	TAILQ_INIT(&e->waiters);
	if (c->st.entries < c->max) {
		e->hashed = true;
		e->hnext = c->buckets[h & (SPFPROBE_BUCKETS - 1)];
		c->buckets[h & (SPFPROBE_BUCKETS - 1)] = e;
		c->st.entries++;
	} else {
		c->st.uncached++;
	}
	LIST_INSERT_HEAD(&c->inflight, e, flink);
	c->st.queried++;
	w->e = e;
	TAILQ_INSERT_TAIL(&e->waiters, w, link);
	e->q = query_send(c->qe, rdf, t, query_done, e);
	ldns_rdf_deep_free(rdf);
	*wp = w;
	return LOOKUP_WAIT;
}

static void
wait_cancel(struct spf_wait *w)
{
	if (w == NULL)
		return;
	TAILQ_REMOVE(&w->e->waiters, w, link);
	free(w);
}

/* --- the evaluation ---------------------------------------------------- */

/* A record's outcome: a qualifier, or no match without all. */
enum outcome {
	OUT_PASS = SPF_QUAL_PASS,
	OUT_FAIL = SPF_QUAL_FAIL,
	OUT_SOFTFAIL = SPF_QUAL_SOFTFAIL,
	OUT_NEUTRAL = SPF_QUAL_NEUTRAL,
	OUT_NONE,
	OUT_UNKNOWN,		/* a redirect to a macro target */
};

enum frame_kind {
	F_TOP = 0,
	F_INCLUDE,
	F_REDIRECT,
};

struct frame {
	enum frame_kind kind;
	char name[SPF_NAME_MAX + 1];	/* the domain it is the record of */
	char *text;			/* owned */
	/* The parsed record, kept compact: a struct spf_record has room
	 * for SPF_MAX_TERMS terms (32 KB), and a frame lives while its
	 * domain waits for DNS, thousands of domains at once. */
	struct spf_term *terms;		/* owned, nterms of them */
	size_t nterms;
	bool have_redirect;
	struct spf_spec redirect;
	size_t next;			/* the next term */
	bool redirected;		/* its redirect was taken */
	enum spf_qual incl_qual;	/* the include term waiting */
};

/* The question in flight. */
enum op {
	OP_NONE = 0,
	OP_INCLUDE,
	OP_REDIRECT,
	OP_A,
	OP_MX,
	OP_EXISTS,
};

struct spfeval {
	struct job *j;
	struct frame *f[SPFPROBE_MAX_DEPTH];
	unsigned depth;
	int lookups;
	int voids;
	bool loop_seen;
	enum op op;
	enum spf_qual op_qual;
	char op_name[SPF_NAME_MAX + 1];
	struct spf_wait *w;
	bool in_start;		/* inside spfprobe_start: no stage_done */
	bool done;
	const char *error;	/* the error kind, NULL */
	enum outcome result;
};

static void
frame_free(struct frame *f)
{
	if (f == NULL)
		return;
	free(f->text);
	free(f->terms);
	free(f);
}

static void
fail(struct spfeval *ev, const char *kind)
{
	ev->error = kind;
	ev->done = true;
}

/* Count one DNS-querying term; false (and the error) past the limit. */
static bool
count_lookup(struct spfeval *ev)
{
	if (++ev->lookups > SPFPROBE_MAX_LOOKUPS) {
		fail(ev, ev->loop_seen ? "loop" : "too_many_lookups");
		return false;
	}
	return true;
}

/* Count a void answer; false (and the error) past the limit. */
static bool
count_void(struct spfeval *ev)
{
	if (++ev->voids > SPFPROBE_MAX_VOID) {
		fail(ev, "too_many_void");
		return false;
	}
	return true;
}

/* Push the record text (one SPF record) of name. */
static void
push(struct spfeval *ev, enum frame_kind kind, const char *name,
	const char *text, size_t len)
{
	struct spf_record rec;	/* parsed here, kept compact in the frame */
	struct frame *f;
	unsigned i;

	if (ev->depth >= SPFPROBE_MAX_DEPTH) {
		/* Unreachable: every push costs a lookup. */
		fail(ev, ev->loop_seen ? "loop" : "too_many_lookups");
		return;
	}
	f = xcalloc(1, sizeof(*f));
	f->kind = kind;
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->text = xmalloc(len + 1);
	memcpy(f->text, text, len);
	f->text[len] = '\0';
	if (spf_parse(f->text, len, &rec, NULL, NULL) != SPF_PARSE_OK) {
		frame_free(f);
		fail(ev, "syntax");
		return;
	}
	f->nterms = rec.nterms;
	f->terms = xreallocarray(NULL, rec.nterms ? rec.nterms : 1,
	    sizeof(*f->terms));
	memcpy(f->terms, rec.term, rec.nterms * sizeof(*f->terms));
	f->have_redirect = rec.have_redirect;
	f->redirect = rec.redirect;
	for (i = 0; i < ev->depth; i++)
		if (strcasecmp(ev->f[i]->name, name) == 0)
			ev->loop_seen = true;
	ev->f[ev->depth++] = f;
}

/* The top record ended with o: pop it and hand o to the one below. */
static void
end_frame(struct spfeval *ev, enum outcome o)
{
	for (;;) {
		struct frame *f = ev->f[--ev->depth];
		enum frame_kind kind = f->kind;
		struct frame *below;

		frame_free(f);
		ev->f[ev->depth] = NULL;
		if (ev->depth == 0) {
			ev->result = o;
			ev->done = true;
			return;
		}
		if (kind == F_REDIRECT)
			continue;	/* the record below ends with o */
		/* An include: its pass is a match (RFC 7208 5.2). */
		below = ev->f[ev->depth - 1];
		if (o == OUT_PASS) {
			o = (enum outcome)below->incl_qual;
			continue;
		}
		if (o == OUT_UNKNOWN) {
			ev->result = o;
			ev->done = true;
		}
		return;
	}
}

/* The spec text of a term (or the current domain) into out. */
static void
spec_name(const struct frame *f, const struct spf_spec *sp, char *out,
	size_t cap)
{
	if (sp->len == 0)
		snprintf(out, cap, "%s", f->name);
	else
		snprintf(out, cap, "%.*s", (int)sp->len, f->text + sp->off);
}

static void handle(struct spfeval *ev, const struct answer *a);

/* Ask (name, t) for op; the answer is handled now or later. */
static void
ask(struct spfeval *ev, enum op op, const char *name, ldns_rr_type t)
{
	const struct answer *a = NULL;
	struct answer bad;

	ev->op = op;
	snprintf(ev->op_name, sizeof(ev->op_name), "%s", name);
	switch (lookup(ev->j->crawl->spf, ev, name, t, &ev->w, &a)) {
	case LOOKUP_NOW:
		handle(ev, a);
		break;
	case LOOKUP_WAIT:
		break;
	case LOOKUP_BAD_NAME:
		/* Not a name: nothing there (RFC 7208 4.3, 4.8). */
		memset(&bad, 0, sizeof(bad));
		bad.st = ANS_VOID;
		handle(ev, &bad);
		break;
	}
}

/* The answer to the question in flight. */
static void
handle(struct spfeval *ev, const struct answer *a)
{
	enum op op = ev->op;

	ev->op = OP_NONE;
	ev->w = NULL;
	if (a->st == ANS_FAIL) {
		fail(ev, "temperror");
		return;
	}
	if (a->st == ANS_VOID && !count_void(ev))
		return;
	switch (op) {
	case OP_INCLUDE:
	case OP_REDIRECT:
		if (a->st == ANS_VOID || a->n == 0)
			fail(ev, "missing_include");
		else if (a->n > 1)
			fail(ev, "multiple_records");
		else
			push(ev, op == OP_INCLUDE ? F_INCLUDE : F_REDIRECT,
			    ev->op_name, a->text, a->len);
		break;
	case OP_MX:
		if (a->n > SPFPROBE_MAX_MX)
			fail(ev, "too_many_lookups");
		break;
	case OP_EXISTS:
		if (a->st == ANS_RECORDS)
			end_frame(ev, (enum outcome)ev->op_qual);
		break;
	case OP_A:
	case OP_NONE:
		break;
	}
}

/* Take terms until the evaluation waits or ends. */
static void
step(struct spfeval *ev)
{
	while (!ev->done && ev->op == OP_NONE) {
		struct frame *f = ev->f[ev->depth - 1];
		char name[SPF_NAME_MAX + 1];

		if (f->next < f->nterms) {
			const struct spf_term *t = &f->terms[f->next++];

			switch (t->mech) {
			case SPF_MECH_ALL:
				end_frame(ev, (enum outcome)t->qual);
				break;
			case SPF_MECH_IP4:
			case SPF_MECH_IP6:
				break;
			case SPF_MECH_PTR:
				count_lookup(ev);
				break;
			case SPF_MECH_INCLUDE:
			case SPF_MECH_A:
			case SPF_MECH_MX:
			case SPF_MECH_EXISTS:
				if (!count_lookup(ev) || t->spec.macro)
					break;
				spec_name(f, &t->spec, name, sizeof(name));
				ev->op_qual = t->qual;
				f->incl_qual = t->qual;
				if (t->mech == SPF_MECH_INCLUDE)
					ask(ev, OP_INCLUDE, name,
					    LDNS_RR_TYPE_TXT);
				else if (t->mech == SPF_MECH_MX)
					ask(ev, OP_MX, name, LDNS_RR_TYPE_MX);
				else
					ask(ev, t->mech == SPF_MECH_A ? OP_A :
					    OP_EXISTS, name, LDNS_RR_TYPE_A);
				break;
			}
			continue;
		}
		if (f->have_redirect && !f->redirected) {
			f->redirected = true;
			if (!count_lookup(ev))
				break;
			if (f->redirect.macro) {
				ev->result = OUT_UNKNOWN;
				ev->done = true;
				break;
			}
			spec_name(f, &f->redirect, name, sizeof(name));
			ask(ev, OP_REDIRECT, name, LDNS_RR_TYPE_TXT);
			continue;
		}
		if (f->redirected)
			break;	/* unreachable: the target's frame ended it */
		end_frame(ev, OUT_NONE);
	}
}

static void
finish(struct spfeval *ev)
{
	struct job *j = ev->j;

	ev->j->crawl->spf->st.evaluated++;
	row_set_i32(&j->row, SCHEMA_COL_SPF_LOOKUPS, ev->lookups);
	row_set_i32(&j->row, SCHEMA_COL_SPF_VOID_LOOKUPS, ev->voids);
	if (ev->error != NULL)
		row_set_str(&j->row, SCHEMA_COL_SPF_ERROR, ev->error);
	else if (ev->result == OUT_NONE)
		row_set_str(&j->row, SCHEMA_COL_SPF_RESULT_ALL, "none");
	else if (ev->result != OUT_UNKNOWN)
		row_set_str(&j->row, SCHEMA_COL_SPF_RESULT_ALL,
		    spf_qual_str((enum spf_qual)ev->result));
}

static void
eval_answer(struct spfeval *ev, const struct answer *a)
{
	ev->w = NULL;
	handle(ev, a);
	step(ev);
	if (!ev->done)
		return;
	finish(ev);
	if (!ev->in_start)
		ev->j->stage_done(ev->j);	/* may free the job */
}

bool
spfprobe_wanted(const struct job *j)
{
	return j->crawl->spf != NULL && j->facts.dns == DNS_OUT_OK &&
	    j->facts.spf_known && !j->crawl->stopping;
}

bool
spfprobe_start(struct job *j)
{
	struct spfeval *ev;
	char apex[DNSANSWER_NAME_TEXT];

	if (j->facts.spf_count == 0)
		return false;		/* no record: the columns stay null */
	ev = xcalloc(1, sizeof(*ev));
	ev->j = j;
	j->spf = ev;
	if (j->facts.spf_count > 1) {
		fail(ev, "multiple_records");
		finish(ev);
		return false;
	}
	dnsanswer_name_text(j->apex, apex, sizeof(apex));
	ev->in_start = true;
	push(ev, F_TOP, apex, j->facts.spf_text, j->facts.spf_len);
	step(ev);
	ev->in_start = false;
	if (!ev->done)
		return true;
	finish(ev);
	return false;
}

void
spfprobe_abort(struct job *j)
{
	struct spfeval *ev = j->spf;

	if (ev == NULL)
		return;
	wait_cancel(ev->w);
	ev->w = NULL;
	ev->op = OP_NONE;
	ev->done = true;
}

void
spfprobe_fini(struct job *j)
{
	struct spfeval *ev = j->spf;
	unsigned i;

	if (ev == NULL)
		return;
	spfprobe_abort(j);
	for (i = 0; i < ev->depth; i++)
		frame_free(ev->f[i]);
	free(ev);
	j->spf = NULL;
}
