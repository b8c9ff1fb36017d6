/*
 * query_replay.c - the query.h API answered from replay files
 * (docs/replay.md, replay.h), in the spirit of Unbound's
 * testcode/fake_event.c: linked instead of query.c, it lets the DNS probe
 * and the validator run deterministically, without root, a namespace or a
 * resolver.
 *
 * Entries are matched by (name, type), the name case-insensitive.  Each
 * query takes the next entry for its key in file order (the last one
 * answers again once they are used up); a key of an earlier file hides
 * the later files' entries for it.  Every answer is delivered from a loop
 * timer after the entry's DELAY, in the order (due time, order of
 * sending), never inside query_send().  OUTCOME TRUNCATED counts a
 * truncated reply and answers the query with the next entry for the key,
 * as query.c asks again over TCP.  A query no entry
 * answers gets QUERY_ERROR, is logged with its name and type, and counted
 * for query_replay_unmatched(): a test failure.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "log.h"
#include "loop.h"
#include "query.h"
#include "query_check.h"
#include "query_replay.h"
#include "replay.h"
#include "util.h"

/* Buckets of the (name, type) table: a power of two, well above the few
 * thousand keys of a recorded test world (chains stay short). */
#define REPLAY_BUCKETS 4096
/* Replay files one engine reads ("FILE,FILE,..."). */
#define REPLAY_MAX_FILES 16
/* Bytes kept of the unmatched queries' names for the test's message. */
#define REPLAY_UNMATCHED_TEXT 1024

/* The entries of one (name, type), in the order they answer. */
struct slot {
	char *name;
	ldns_rr_type type;
	struct replay_entry **entries;
	size_t n, next;
	struct slot *chain;
};

struct query {
	struct query_engine *eng;
	query_cb cb;			/* one of cb and rcb (wire) */
	query_reply_cb rcb;
	void *arg;
	ldns_rdf *name;
	ldns_rr_type type;
	struct slot *slot;		/* NULL: unmatched */
	struct replay_entry *entry;	/* what answers it */
	bool tcp;			/* asked again after TRUNCATED */
	uint64_t due_us;		/* loop time of the answer */
	uint64_t seq;			/* order among equal due times */
	TAILQ_ENTRY(query) link;	/* pending, by (due_us, seq) */
};

struct query_engine {
	struct loop *loop;
	struct replay_file *files[REPLAY_MAX_FILES + 1];
	size_t nfiles;
	struct replay_file *added;	/* query_replay_add */
	struct slot *buckets[REPLAY_BUCKETS];
	char *servers;
	TAILQ_HEAD(pending_q, query) pending;
	struct loop_timer *timer;	/* fires at the head's due time */
	uint64_t seq;
	struct query_stats st;
	size_t unmatched;
	char unmatched_text[REPLAY_UNMATCHED_TEXT];
};

void
query_engine_options_default(struct query_engine_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->timeout_ms = 2000;
	opt->tries = 3;
}

static void fire(void *arg);

/* FNV-1a of the key (not an adversary's input: the test's own files). */
static size_t
bucket_of(const char *name, ldns_rr_type type)
{
	uint32_t h = 2166136261u;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	h = (h ^ (type & 0xff)) * 16777619u;
	h = (h ^ (type >> 8)) * 16777619u;
	return h & (REPLAY_BUCKETS - 1);
}

static struct slot *
slot_find(const struct query_engine *e, const char *name, ldns_rr_type type)
{
	struct slot *s;

	for (s = e->buckets[bucket_of(name, type)]; s != NULL; s = s->chain)
		if (s->type == type && strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static struct slot *
slot_new(struct query_engine *e, const char *name, ldns_rr_type type)
{
	struct slot *s = xcalloc(1, sizeof(*s));
	size_t b = bucket_of(name, type);

	s->name = xstrdup(name);
	s->type = type;
	s->chain = e->buckets[b];
	e->buckets[b] = s;
	return s;
}

static void
slot_push(struct slot *s, struct replay_entry *en)
{
	s->entries = xreallocarray(s->entries, s->n + 1, sizeof(*s->entries));
	s->entries[s->n++] = en;
}

/* Index file f: keys already known from earlier files stay hidden. */
static void
index_file(struct query_engine *e, struct replay_file *f)
{
	struct slot **fresh = xcalloc(f->n + 1, sizeof(*fresh));
	size_t i, nfresh = 0;

	for (i = 0; i < f->n; i++) {
		struct replay_entry *en = &f->e[i];
		struct slot *s = slot_find(e, en->name, en->type);
		size_t k;
		bool mine = false;

		for (k = 0; s != NULL && k < nfresh; k++)
			if (fresh[k] == s)
				mine = true;
		if (s != NULL && !mine)
			continue;	/* hidden by an earlier file */
		if (s == NULL) {
			s = slot_new(e, en->name, en->type);
			fresh[nfresh++] = s;
		}
		slot_push(s, en);
	}
	free(fresh);
}

struct query_engine *
query_engine_new(struct loop *loop, const struct query_engine_options *opt,
	char *err, size_t errlen)
{
	struct query_engine *e;
	const char *list = opt->servers != NULL ? opt->servers :
	    getenv("UPTAKE_QUERY_REPLAY");
	char *copy, *tok, *save = NULL;
	size_t len;

	if (list == NULL || *list == '\0') {
		snprintf(err, errlen, "replay: no replay file (resolver "
		    "option or UPTAKE_QUERY_REPLAY)");
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	TAILQ_INIT(&e->pending);
	e->loop = loop;
	e->timer = loop_timer_new(loop, fire, e);
	e->added = xcalloc(1, sizeof(*e->added));
	e->added->path = xstrdup("(added in code)");
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		struct replay_file *f;

		if (e->nfiles >= REPLAY_MAX_FILES) {
			snprintf(err, errlen, "replay: more than %d files",
			    REPLAY_MAX_FILES);
			goto fail;
		}
		f = replay_file_read(tok, true, err, errlen);
		if (f == NULL)
			goto fail;
		e->files[e->nfiles++] = f;
		index_file(e, f);
	}
	free(copy);
	len = strlen(list) + sizeof("replay:");
	e->servers = xmalloc(len);
	snprintf(e->servers, len, "replay:%s", list);
	return e;
fail:
	free(copy);
	query_engine_free(e);
	return NULL;
}

const char *
query_engine_servers(const struct query_engine *e)
{
	return e->servers;
}

void
query_replay_add(struct query_engine *e, const ldns_rdf *name,
	ldns_rr_type type, enum replay_outcome outcome, unsigned delay_ms,
	const ldns_pkt *reply)
{
	struct replay_file *f = e->added;
	struct replay_entry *en;
	struct slot *s;
	char *key = replay_name_key(name);

	if (key == NULL)
		fatal(1, "replay: a name that cannot be printed");
	/* The added file's entries are referenced by pointer: never move
	 * them (one allocation per entry, kept in a pointer array). */
	en = xcalloc(1, sizeof(*en));
	en->name = key;
	en->type = type;
	en->outcome = outcome;
	en->delay_ms = delay_ms;
	en->reply = reply != NULL ? ldns_pkt_clone(reply) : NULL;
	en->file = f->path;
	s = slot_find(e, key, type);
	if (s == NULL)
		s = slot_new(e, key, type);
	if (s->n > 0 && s->entries[0]->file != f->path) {
		/* Hide what the files said for this key. */
		s->n = 0;
		s->next = 0;
	}
	slot_push(s, en);
}

void
query_replay_rewind(struct query_engine *e)
{
	size_t i;
	struct slot *s;

	for (i = 0; i < REPLAY_BUCKETS; i++)
		for (s = e->buckets[i]; s != NULL; s = s->chain)
			s->next = 0;
}

size_t
query_replay_unmatched(const struct query_engine *e, char *buf, size_t len)
{
	if (len > 0)
		snprintf(buf, len, "%s", e->unmatched_text);
	return e->unmatched;
}

static void
query_free(struct query *q)
{
	ldns_rdf_deep_free(q->name);
	free(q);
}

static void
unlink_pending(struct query *q)
{
	TAILQ_REMOVE(&q->eng->pending, q, link);
}

/*
 * Queue q for its answer delay_ms from now.  The queue is ordered by due
 * time, then by the order of queueing, so that a replay delivers its
 * answers in the same order every run (libevent does not promise an
 * order among timers due at once).
 */
static void
queue_at(struct query_engine *e, struct query *q, unsigned delay_ms)
{
	struct query *p;

	q->due_us = loop_now_us(e->loop) + (uint64_t)delay_ms * 1000;
	q->seq = e->seq++;
	for (p = TAILQ_LAST(&e->pending, pending_q);
	    p != NULL && p->due_us > q->due_us;
	    p = TAILQ_PREV(p, pending_q, link))
		;
	if (p != NULL)
		TAILQ_INSERT_AFTER(&e->pending, p, q, link);
	else
		TAILQ_INSERT_HEAD(&e->pending, q, link);
}

static void
arm(struct query_engine *e)
{
	uint64_t now = loop_now_us(e->loop);
	struct query *first = TAILQ_FIRST(&e->pending);

	if (first == NULL) {
		loop_timer_stop(e->timer);
		return;
	}
	loop_timer_start(e->timer, first->due_us > now ?
	    first->due_us - now : 0);
}

/* The next entry of q's slot (the last answers again). */
static struct replay_entry *
take_entry(struct slot *s)
{
	struct replay_entry *en = s->entries[s->next];

	if (s->next + 1 < s->n)
		s->next++;
	return en;
}

static void
note_unmatched(struct query_engine *e, const struct query *q)
{
	char *name = ldns_rdf2str(q->name), *type = ldns_rr_type2str(q->type);
	size_t used = strlen(e->unmatched_text);

	log_err("replay", "no entry answers %s %s", name ? name : "?",
	    type ? type : "?");
	if (used + 2 < sizeof(e->unmatched_text))
		snprintf(e->unmatched_text + used,
		    sizeof(e->unmatched_text) - used, "%s%s %s",
		    used ? ", " : "", name ? name : "?", type ? type : "?");
	e->unmatched++;
	free(name);
	free(type);
}

/*
 * A recorded reply for a query of query_send_reply: its wire form
 * (ldns_pkt2wire, names compressed, as a resolver writes them) through
 * query_reply_from_wire, counted as query.c counts it.
 */
static enum query_status
wire_check(struct query_engine *e, struct query *q, const ldns_pkt *reply,
	struct query_reply **r)
{
	uint8_t *wire = NULL;
	size_t len = 0;
	enum query_status st;

	*r = NULL;
	if (ldns_pkt2wire(&wire, reply, &len) != LDNS_STATUS_OK) {
		free(wire);
		e->st.bad_replies++;
		return QUERY_BAD_REPLY;
	}
	st = query_reply_from_wire(wire, len, q->name, q->type, &e->st, r);
	free(wire);
	if (st == QUERY_OK)
		query_stats_reply_wire(&e->st, *r);
	return st;
}

/* q is due (and unlinked): answer it, or queue its retry. */
static void
deliver(struct query *q)
{
	struct query_engine *e = q->eng;
	struct replay_entry *en = q->entry;
	enum query_status st;
	ldns_pkt *pkt = NULL;
	struct query_reply *r = NULL;

	if (en == NULL) {
		note_unmatched(e, q);
		e->st.errors++;
		st = QUERY_ERROR;
	} else if (en->outcome == REPLAY_TRUNCATED && !q->tcp) {
		/* As query.c: count it and ask again (over TCP there). */
		e->st.truncated++;
		e->st.sent++;
		q->tcp = true;
		q->entry = take_entry(q->slot);
		if (q->entry == en) {
			/* Nothing after the truncated reply: the TCP try
			 * fails. */
			e->st.errors++;
			e->st.inflight--;
			if (q->rcb != NULL)
				q->rcb(q->arg, QUERY_ERROR, NULL);
			else
				q->cb(q->arg, QUERY_ERROR, NULL);
			query_free(q);
			return;
		}
		queue_at(e, q, q->entry->delay_ms);
		return;
	} else if (en->outcome == REPLAY_OK || en->outcome == REPLAY_TRUNCATED) {
		char err[512];
		bool ok;
		const ldns_pkt *reply = replay_entry_reply(en, &ok, err,
		    sizeof(err));

		if (!ok) {
			/* A broken entry fails the test like a missing one. */
			log_err("replay", "%s", err);
			note_unmatched(e, q);
			e->st.bad_replies++;
			st = QUERY_BAD_REPLY;
		} else if (q->rcb != NULL) {
			/* The recorded reply's wire form, read as query.c
			 * reads what the resolver sends. */
			st = wire_check(e, q, reply, &r);
		} else {
			pkt = ldns_pkt_clone(reply);
			/* The check and the counting are query.c's. */
			st = query_reply_check(pkt, q->name, q->type, &e->st);
			if (st == QUERY_OK)
				query_stats_reply(&e->st, pkt);
		}
	} else if (en->outcome == REPLAY_TIMEOUT) {
		e->st.timeouts++;
		st = QUERY_TIMEOUT;
	} else if (en->outcome == REPLAY_BAD_REPLY) {
		e->st.bad_replies++;
		st = QUERY_BAD_REPLY;
	} else {
		e->st.errors++;
		st = QUERY_ERROR;
	}
	e->st.inflight--;
	if (q->rcb != NULL) {
		if (q->rcb(q->arg, st, st == QUERY_OK ? r : NULL))
			r = NULL;	/* the callback kept it */
		query_reply_free(r);
		query_free(q);
		return;
	}
	if (q->cb(q->arg, st, st == QUERY_OK ? pkt : NULL))
		pkt = NULL;		/* the callback kept it */
	ldns_pkt_free(pkt);
	query_free(q);
}

/* The engine's timer: answer every query due, in order.  Queries sent
 * by the callbacks meanwhile wait for the next turn of the loop. */
static void
fire(void *arg)
{
	struct query_engine *e = arg;
	uint64_t now = loop_now_us(e->loop), last = e->seq;
	struct query *q;

	while ((q = TAILQ_FIRST(&e->pending)) != NULL && q->due_us <= now &&
	    q->seq < last) {
		unlink_pending(q);
		deliver(q);
	}
	arm(e);
}

static struct query *
send_either(struct query_engine *e, const ldns_rdf *name, ldns_rr_type type,
	query_cb cb, query_reply_cb rcb, void *arg)
{
	struct query *q = xcalloc(1, sizeof(*q));
	char *key = replay_name_key(name);

	q->eng = e;
	q->cb = cb;
	q->rcb = rcb;
	q->arg = arg;
	q->name = ldns_rdf_clone(name);
	q->type = type;
	q->slot = key != NULL ? slot_find(e, key, type) : NULL;
	free(key);
	if (q->slot != NULL && q->slot->n > 0)
		q->entry = take_entry(q->slot);
	queue_at(e, q, q->entry != NULL ? q->entry->delay_ms : 0);
	e->st.sent++;
	e->st.inflight++;
	if (TAILQ_FIRST(&e->pending) == q)
		arm(e);
	return q;
}

struct query *
query_send(struct query_engine *e, const ldns_rdf *name, ldns_rr_type type,
	query_cb cb, void *arg)
{
	return send_either(e, name, type, cb, NULL, arg);
}

struct query *
query_send_reply(struct query_engine *e, const ldns_rdf *name,
	ldns_rr_type type, query_reply_cb cb, void *arg)
{
	return send_either(e, name, type, NULL, cb, arg);
}

void
query_cancel(struct query *q)
{
	if (q == NULL)
		return;
	unlink_pending(q);
	q->eng->st.inflight--;
	query_free(q);
}

void
query_engine_stats(const struct query_engine *e, struct query_stats *out)
{
	*out = e->st;
}

void
query_engine_free(struct query_engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	while (!TAILQ_EMPTY(&e->pending)) {
		struct query *q = TAILQ_FIRST(&e->pending);

		unlink_pending(q);
		query_free(q);
	}
	loop_timer_free(e->timer);
	for (i = 0; i < REPLAY_BUCKETS; i++) {
		struct slot *s, *next;

		for (s = e->buckets[i]; s != NULL; s = next) {
			next = s->chain;
			/* Entries added in code are owned through their
			 * slot (see query_replay_add). */
			for (size_t k = 0; k < s->n; k++)
				if (s->entries[k]->file == e->added->path) {
					free(s->entries[k]->name);
					ldns_pkt_free(s->entries[k]->reply);
					free(s->entries[k]);
				}
			free(s->entries);
			free(s->name);
			free(s);
		}
	}
	for (i = 0; i < e->nfiles; i++)
		replay_file_free(e->files[i]);
	free(e->added->path);
	free(e->added);
	free(e->servers);
	free(e);
}
