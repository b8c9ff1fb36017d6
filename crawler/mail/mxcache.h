/*
 * mxcache.h - each (MX name, address) measured once per crawl (issue 16,
 * point 2).  Mail hosting is concentrated: a provider's few MX addresses
 * serve thousands of the list's domains, and each is probed once; every
 * other domain that points there is answered from the first probe's
 * result.
 *
 * A lookup of a key that is:
 *   - absent: starts a probe (smtpprobe.h) and waits for it;
 *   - in flight: waits for that probe, queued behind the first asker;
 *   - done: is answered with the stored result.
 * Every answer comes through the waiter's callback from the loop, never
 * from inside mxcache_lookup.  A waiter can be cancelled (its domain's
 * deadline, a signal) without touching the probe or the other waiters.
 *
 * The key is the MX name in lower case (as given: the caller strips a
 * final dot) and the address.  The first lookup's TLSA RRset is the one
 * probed: it belongs to the name (_25._tcp.MX), so every domain asking
 * for that name has the same one.
 *
 * Deadlines: a shared probe runs with no caller deadline (a probe's own
 * phase bounds, smtpprobe.h, keep it finite): a result cut short by one
 * domain's deadline would be wrong for the next domain.  Each caller
 * cancels its own waiter when its own deadline comes.
 *
 * Memory: at most max_entries keys are kept (MXCACHE_MAX_ENTRIES by
 * default).  At the bound, a new key evicts the oldest done key (which
 * a later lookup probes again, counted as evicted); when every key is in
 * flight, the new key's probe runs uncached (its waiters are answered,
 * its result is not kept; counted as uncached).
 */
#ifndef UPTAKE_CRAWLER_MXCACHE_H
#define UPTAKE_CRAWLER_MXCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "smtpprobe.h"

struct loop;
struct mxcache;
struct mxcache_wait;

/* Keys kept: each ~0.9 KB (the result and the name), so ~60 MB at the
 * bound; a crawl of millions of domains meets some tens of thousands of
 * distinct MX addresses. */
#define MXCACHE_MAX_ENTRIES 65536
/* Hash buckets (a power of two). */
#define MXCACHE_BUCKETS 16384

struct mxcache_stats {
	uint64_t lookups;	/* mxcache_lookup calls that got a waiter */
	uint64_t probes;	/* probes started (connections attempted) */
	uint64_t cached;	/* answered from a done key */
	uint64_t joined;	/* queued behind a probe in flight */
	uint64_t evicted;	/* done keys dropped at the bound */
	uint64_t uncached;	/* probes run outside the table */
	uint64_t refused;	/* lookups refused (address blocked) */
	uint64_t entries;	/* keys held now */
	uint64_t waiting;	/* waiters not yet answered now */
};

/* The answer for one waiter: r is valid during the call only; the waiter
 * is gone when it is called.  It may call mxcache_lookup and
 * mxcache_cancel (of other waiters), not mxcache_free. */
typedef void (*mxcache_cb)(const struct smtp_result *r, void *arg);

/* A cache for the crawl, probing through smtp (borrowed); max_entries 0:
 * MXCACHE_MAX_ENTRIES.  Caller owns it. */
struct mxcache *mxcache_new(struct loop *l, struct smtp_ctx *smtp,
	size_t max_entries);
/* Abort the probes in flight and free every waiter without a callback. */
void mxcache_free(struct mxcache *c);

/*
 * The result for (t->mx, t->addr), through cb later.  Returns the waiter,
 * or NULL when the probe cannot start (the address is blocked or opted
 * out, smtpprobe_start), with why in err: not contacted, no callback.
 * t->deadline_us is not used (see above).
 */
struct mxcache_wait *mxcache_lookup(struct mxcache *c,
	const struct smtp_target *t, mxcache_cb cb, void *arg, char *err,
	size_t errlen);
/* Cancel a waiter that has not been answered: no callback, freed. */
void mxcache_cancel(struct mxcache_wait *w);

void mxcache_stats(const struct mxcache *c, struct mxcache_stats *out);

#endif
