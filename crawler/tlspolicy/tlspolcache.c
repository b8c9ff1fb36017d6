/*
 * tlspolcache.c - the TLS policy scan once per (address, port, name) for
 * the crawl (tlspolcache.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "netaddr.h"
#include "tlspolcache.h"
#include "util.h"

struct entry {
	struct netaddr addr;
	uint16_t port;
	char *sni;			/* NULL: none */
	bool done;
	bool uncached;			/* not in the table */
	struct tlspol_scan *scan;	/* in flight */
	struct tlspol_result res;	/* when done */
	struct tlspol_wait *waiters;	/* queued in order (done: those
					 * whose answer is on its way) */
	struct tlspol_wait *wtail;
	struct entry *hnext;		/* hash chain */
	struct entry *anext, *aprev;	/* every entry, for free */
	struct tlspol_cache *c;
};

struct tlspol_wait {
	struct entry *e;
	struct tlspol_wait *next, *prev;  /* in e's queue */
	struct loop_timer *timer;	/* a done key's answer, from the loop */
	tlspol_cache_cb cb;
	void *arg;
};

struct tlspol_cache {
	struct loop *loop;
	SSL_CTX *ctx;
	size_t max;
	struct entry *buckets[TLSPOL_CACHE_BUCKETS];
	struct entry *all;
	struct tlspol_cache_stats st;
};

struct tlspol_cache *
tlspol_cache_new(struct loop *l, SSL_CTX *ctx, size_t max_entries)
{
	struct tlspol_cache *c = xcalloc(1, sizeof(*c));

	c->loop = l;
	c->ctx = ctx;
	c->max = max_entries ? max_entries : TLSPOL_CACHE_MAX_ENTRIES;
	return c;
}

/* FNV-1a over the key. */
static size_t
key_hash(const struct netaddr *a, uint16_t port, const char *sni)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(a->b); i++)
		h = (h ^ a->b[i]) * 16777619u;
	h = (h ^ a->af) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	for (; sni != NULL && *sni != '\0'; sni++)
		h = (h ^ (uint8_t)*sni) * 16777619u;
	return h & (TLSPOL_CACHE_BUCKETS - 1);
}

static bool
key_equal(const struct entry *e, const struct netaddr *a, uint16_t port,
	const char *sni)
{
	if (e->port != port || !netaddr_equal(&e->addr, a))
		return false;
	if (e->sni == NULL || sni == NULL)
		return e->sni == sni;
	return strcmp(e->sni, sni) == 0;
}

static void
unlink_wait(struct tlspol_wait *w)
{
	struct entry *e = w->e;

	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		e->waiters = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		e->wtail = w->prev;
	w->next = w->prev = NULL;
}

static void
link_wait(struct entry *e, struct tlspol_wait *w)
{
	w->e = e;
	w->prev = e->wtail;
	w->next = NULL;
	if (e->wtail != NULL)
		e->wtail->next = w;
	else
		e->waiters = w;
	e->wtail = w;
}

static void
wait_free(struct tlspol_wait *w)
{
	loop_timer_free(w->timer);
	free(w);
}

static void
entry_free(struct tlspol_cache *c, struct entry *e)
{
	struct tlspol_wait *w, *wn;

	if (e->aprev != NULL)
		e->aprev->anext = e->anext;
	else
		c->all = e->anext;
	if (e->anext != NULL)
		e->anext->aprev = e->aprev;
	tlspol_scan_free(e->scan);
	for (w = e->waiters; w != NULL; w = wn) {
		wn = w->next;
		wait_free(w);
	}
	free(e->sni);
	free(e);
}

/* The scan of e ended: keep the result, answer the queue in order. */
static void
scan_cb(const struct tlspol_result *r, void *arg)
{
	struct entry *e = arg;
	struct tlspol_cache *c = e->c;
	struct tlspol_wait *w;

	e->res = *r;
	e->done = true;
	tlspol_scan_free(e->scan);
	e->scan = NULL;
	while ((w = e->waiters) != NULL) {
		unlink_wait(w);
		w->cb(&e->res, w->arg);		/* may cancel others */
		wait_free(w);
	}
	if (e->uncached)
		entry_free(c, e);
}

static void
cached_cb(void *arg)
{
	struct tlspol_wait *w = arg;

	unlink_wait(w);
	w->cb(&w->e->res, w->arg);
	wait_free(w);
}

struct tlspol_wait *
tlspol_cache_lookup(struct tlspol_cache *c, const struct netaddr *addr,
	uint16_t port, const char *sni, int known_version, tlspol_cache_cb cb,
	void *arg)
{
	size_t h = key_hash(addr, port, sni);
	struct entry *e;
	struct tlspol_wait *w;

	if (sni != NULL && strnlen(sni, TLSPOL_CACHE_NAME_MAX + 1) >
	    TLSPOL_CACHE_NAME_MAX)
		return NULL;
	for (e = c->buckets[h]; e != NULL; e = e->hnext)
		if (key_equal(e, addr, port, sni))
			break;
	w = xcalloc(1, sizeof(*w));
	w->cb = cb;
	w->arg = arg;
	c->st.lookups++;
	if (e != NULL && e->done) {
		c->st.cached++;
		link_wait(e, w);
		w->timer = loop_timer_new(c->loop, cached_cb, w);
		loop_timer_start(w->timer, 0);
		return w;
	}
	if (e != NULL) {
		c->st.joined++;
	} else {
		e = xcalloc(1, sizeof(*e));
		e->c = c;
		e->addr = *addr;
		e->port = port;
		e->sni = sni != NULL ? xstrdup(sni) : NULL;
		if (c->st.entries < c->max) {
			e->hnext = c->buckets[h];
			c->buckets[h] = e;
			c->st.entries++;
		} else {
			e->uncached = true;
			c->st.uncached++;
		}
		e->anext = c->all;
		if (c->all != NULL)
			c->all->aprev = e;
		c->all = e;
		c->st.scans++;
		/* The scan answers from the loop, never from here. */
		e->scan = tlspol_scan_start(c->loop, c->ctx, addr, port, sni,
		    known_version, scan_cb, e);
	}
	link_wait(e, w);
	return w;
}

void
tlspol_cache_cancel(struct tlspol_wait *w)
{
	if (w == NULL)
		return;
	unlink_wait(w);
	wait_free(w);
}

void
tlspol_cache_free(struct tlspol_cache *c)
{
	if (c == NULL)
		return;
	while (c->all != NULL)
		entry_free(c, c->all);
	free(c);
}

void
tlspol_cache_stats(const struct tlspol_cache *c, struct tlspol_cache_stats *out)
{
	*out = c->st;
}
