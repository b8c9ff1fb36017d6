/*
 * mxcache.c - the per-crawl cache of SMTP probe results (mxcache.h).
 *
 * Entries live in a chained hash table keyed by SipHash of (name, address
 * family, address bytes).  Done entries also sit on a FIFO, oldest first,
 * for eviction at the bound.  Waiters sit on their entry's queue while
 * its probe runs, then on the cache's ready list with a copy of the
 * result until a zero timer delivers them: an answer never comes from
 * inside mxcache_lookup, and delivery does not depend on the entry still
 * being there.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "hash.h"
#include "loop.h"
#include "mxcache.h"
#include "netaddr.h"
#include "smtpprobe.h"
#include "util.h"

/* The table's SipHash key (fixed: the table is private to a crawl and
 * its keys come from the crawl's own DNS answers). */
static const uint8_t mxcache_key[HASH_KEY_LEN] = "uptake-mxcache-1";

enum entry_state {
	E_IN_FLIGHT = 0,
	E_DONE,
};

struct mxcache_entry;

struct mxcache_wait {
	TAILQ_ENTRY(mxcache_wait) link;	/* entry queue or ready list */
	struct mxcache *c;
	struct mxcache_entry *e;	/* NULL once on the ready list */
	struct smtp_result res;		/* valid once ready */
	mxcache_cb cb;
	void *arg;
};

TAILQ_HEAD(wait_list, mxcache_wait);

/*
 * Memory: the cache holds up to MXCACHE_MAX_ENTRIES entries for the whole
 * crawl, so an entry is kept small: its name sized to fit (the flexible
 * array at its end) and its result cut after the error text (res, with
 * the error last in struct smtp_result), some 150 bytes instead of the
 * 950 that both at their full size would take.
 */
struct mxcache_entry {
	struct mxcache_entry *hnext;		/* hash chain */
	TAILQ_ENTRY(mxcache_entry) dlink;	/* done FIFO, or the
						 * uncached list */
	struct mxcache *c;
	uint64_t hash;
	bool hashed;			/* false: an uncached probe */
	enum entry_state state;
	struct netaddr addr;
	struct smtp_probe *probe;	/* in flight */
	struct smtp_result *res;	/* done: cut after its error text */
	struct wait_list waiters;
	char name[];			/* lower case */
};

/* The error text is the last member, so a result cut after it keeps
 * every other field. */
_Static_assert(sizeof(struct smtp_result) -
    offsetof(struct smtp_result, error) - SMTP_MAX_ERROR <
    _Alignof(struct smtp_result), "error is not the last member of smtp_result");

/* r cut after its error text: a copy of its used bytes. */
static struct smtp_result *
result_keep(const struct smtp_result *r)
{
	size_t n = offsetof(struct smtp_result, error) +
	    strnlen(r->error, SMTP_MAX_ERROR - 1) + 1;
	struct smtp_result *k = xmalloc(n);

	memcpy(k, r, n - 1);
	((char *)k)[n - 1] = '\0';
	return k;
}

/* A kept result made whole again into *out. */
static void
result_load(const struct smtp_result *k, struct smtp_result *out)
{
	size_t n = offsetof(struct smtp_result, error) + strlen(k->error) + 1;

	memset(out, 0, sizeof(*out));
	memcpy(out, k, n);
}

static void
entry_release(struct mxcache_entry *e)
{
	free(e->res);
	free(e);
}

struct mxcache {
	struct loop *loop;
	struct smtp_ctx *smtp;
	size_t max;
	struct mxcache_entry *buckets[MXCACHE_BUCKETS];
	TAILQ_HEAD(entry_list, mxcache_entry) done;	/* oldest first */
	struct wait_list ready;
	struct loop_timer *ready_timer;
	struct entry_list uncached;	/* uncached probes in flight */
	struct mxcache_stats st;
};

static uint64_t
key_hash(const char *name, const struct netaddr *a)
{
	uint8_t buf[SMTP_MAX_NAME + 1 + 1 + 16];
	size_t n = strlen(name);

	memcpy(buf, name, n);
	buf[n] = '\0';
	buf[n + 1] = a->af;
	memcpy(buf + n + 2, a->b, 16);
	return hash_siphash24(mxcache_key, buf, n + 2 + 16);
}

static void
lower_name(const char *s, char *out)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < SMTP_MAX_NAME; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	out[i] = '\0';
}

static struct mxcache_entry *
find(struct mxcache *c, uint64_t h, const char *name, const struct netaddr *a)
{
	struct mxcache_entry *e;

	for (e = c->buckets[h & (MXCACHE_BUCKETS - 1)]; e != NULL;
	    e = e->hnext)
		if (e->hash == h && strcmp(e->name, name) == 0 &&
		    netaddr_equal(&e->addr, a))
			return e;
	return NULL;
}

static void
unhash(struct mxcache *c, struct mxcache_entry *e)
{
	struct mxcache_entry **pp = &c->buckets[e->hash & (MXCACHE_BUCKETS -
	    1)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	e->hashed = false;
	c->st.entries--;
}

/* Deliver the ready waiters, oldest first (from the loop). */
static void
ready_cb(void *arg)
{
	struct mxcache *c = arg;
	struct mxcache_wait *w;

	while ((w = TAILQ_FIRST(&c->ready)) != NULL) {
		TAILQ_REMOVE(&c->ready, w, link);
		c->st.waiting--;
		w->cb(&w->res, w->arg);
		free(w);
	}
}

static void
make_ready(struct mxcache *c, struct mxcache_wait *w,
	const struct smtp_result *r)
{
	w->e = NULL;
	w->res = *r;
	TAILQ_INSERT_TAIL(&c->ready, w, link);
	if (!loop_timer_pending(c->ready_timer))
		loop_timer_start(c->ready_timer, 0);
}

/* The probe of e ended: store, answer its waiters (through the loop). */
static void
probe_done(const struct smtp_result *r, void *arg)
{
	struct mxcache_entry *e = arg;
	struct mxcache *c = e->c;
	struct mxcache_wait *w;

	e->probe = NULL;
	e->state = E_DONE;
	while ((w = TAILQ_FIRST(&e->waiters)) != NULL) {
		TAILQ_REMOVE(&e->waiters, w, link);
		make_ready(c, w, r);
	}
	if (!e->hashed) {
		TAILQ_REMOVE(&c->uncached, e, dlink);
		entry_release(e);
		return;
	}
	e->res = result_keep(r);
	TAILQ_INSERT_TAIL(&c->done, e, dlink);
}

struct mxcache *
mxcache_new(struct loop *l, struct smtp_ctx *smtp, size_t max_entries)
{
	struct mxcache *c = xcalloc(1, sizeof(*c));

	c->loop = l;
	c->smtp = smtp;
	c->max = max_entries != 0 ? max_entries : MXCACHE_MAX_ENTRIES;
	c->ready_timer = loop_timer_new(l, ready_cb, c);
	TAILQ_INIT(&c->done);
	TAILQ_INIT(&c->ready);
	TAILQ_INIT(&c->uncached);
	return c;
}

static void
entry_free(struct mxcache_entry *e)
{
	struct mxcache_wait *w;

	smtpprobe_abort(e->probe);
	while ((w = TAILQ_FIRST(&e->waiters)) != NULL) {
		TAILQ_REMOVE(&e->waiters, w, link);
		free(w);
	}
	entry_release(e);
}

void
mxcache_free(struct mxcache *c)
{
	struct mxcache_entry *e;
	struct mxcache_wait *w;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < MXCACHE_BUCKETS; i++) {
		struct mxcache_entry *next;

		for (e = c->buckets[i]; e != NULL; e = next) {
			next = e->hnext;
			entry_free(e);
		}
	}
	while ((e = TAILQ_FIRST(&c->uncached)) != NULL) {
		TAILQ_REMOVE(&c->uncached, e, dlink);
		entry_free(e);
	}
	while ((w = TAILQ_FIRST(&c->ready)) != NULL) {
		TAILQ_REMOVE(&c->ready, w, link);
		free(w);
	}
	loop_timer_free(c->ready_timer);
	free(c);
}

/* Make room for one key: evict the oldest done entry.  False when every
 * key is in flight. */
static bool
make_room(struct mxcache *c)
{
	struct mxcache_entry *e = TAILQ_FIRST(&c->done);

	if (c->st.entries < c->max)
		return true;
	if (e == NULL)
		return false;
	TAILQ_REMOVE(&c->done, e, dlink);
	unhash(c, e);
	entry_release(e);
	c->st.evicted++;
	return true;
}

struct mxcache_wait *
mxcache_lookup(struct mxcache *c, const struct smtp_target *t, mxcache_cb cb,
	void *arg, char *err, size_t errlen)
{
	char name[SMTP_MAX_NAME + 1];
	struct smtp_target pt;
	struct mxcache_entry *e;
	struct mxcache_wait *w;
	uint64_t h;

	if (t->mx == NULL || strlen(t->mx) > SMTP_MAX_NAME) {
		snprintf(err, errlen, "MX name missing or over %d bytes",
		    SMTP_MAX_NAME);
		c->st.refused++;
		return NULL;
	}
	lower_name(t->mx, name);
	h = key_hash(name, &t->addr);
	e = find(c, h, name, &t->addr);
	w = xcalloc(1, sizeof(*w));
	w->c = c;
	w->cb = cb;
	w->arg = arg;
	if (e != NULL && e->state == E_DONE) {
		struct smtp_result r;

		c->st.lookups++;
		c->st.cached++;
		c->st.waiting++;
		result_load(e->res, &r);
		make_ready(c, w, &r);
		return w;
	}
	if (e != NULL) {
		c->st.lookups++;
		c->st.joined++;
		c->st.waiting++;
		w->e = e;
		TAILQ_INSERT_TAIL(&e->waiters, w, link);
		return w;
	}
	e = xcalloc(1, sizeof(*e) + strlen(name) + 1);
	TAILQ_INIT(&e->waiters);
	e->c = c;
	e->hash = h;
	memcpy(e->name, name, strlen(name) + 1);
	e->addr = t->addr;
	pt = *t;
	pt.mx = name;
	pt.deadline_us = 0;	/* shared: no one domain's deadline */
	e->probe = smtpprobe_start(c->smtp, &pt, probe_done, e, err, errlen);
	if (e->probe == NULL) {
		entry_release(e);
		free(w);
		c->st.refused++;
		return NULL;
	}
	c->st.probes++;
	c->st.lookups++;
	c->st.waiting++;
	if (make_room(c)) {
		e->hashed = true;
		e->hnext = c->buckets[h & (MXCACHE_BUCKETS - 1)];
		c->buckets[h & (MXCACHE_BUCKETS - 1)] = e;
		c->st.entries++;
	} else {
		c->st.uncached++;
		TAILQ_INSERT_TAIL(&c->uncached, e, dlink);
	}
	w->e = e;
	TAILQ_INSERT_TAIL(&e->waiters, w, link);
	return w;
}

void
mxcache_cancel(struct mxcache_wait *w)
{
	struct mxcache *c;

	if (w == NULL)
		return;
	c = w->c;
	if (w->e != NULL)
		TAILQ_REMOVE(&w->e->waiters, w, link);
	else
		TAILQ_REMOVE(&c->ready, w, link);
	c->st.waiting--;
	free(w);
}

void
mxcache_stats(const struct mxcache *c, struct mxcache_stats *out)
{
	*out = c->st;
}
