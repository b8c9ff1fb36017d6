/*
 * tlspolcache.h - the TLS policy scan run once per (address, port, SNI
 * name) for the whole crawl (issue 17: "never twice against one address
 * and name"), as mxcache.h does for the SMTP probe: a lookup of a key
 * that is absent starts the scan (tlspolscan.h), one in flight queues
 * behind the first asker, one done is answered from the stored result.
 * Every answer comes from the loop, never from inside the lookup; a waiter
 * can be cancelled (its domain's deadline) without touching the scan or
 * the other waiters.  A scan runs with no caller deadline (its own bounds
 * keep it finite): a result cut short by one domain's deadline would be
 * wrong for the next.
 *
 * Memory: at most max_entries keys (TLSPOL_CACHE_MAX_ENTRIES by default);
 * at the bound a new key's scan runs uncached (its waiters are answered,
 * its result is not kept; counted as uncached).
 */
#ifndef UPTAKE_CRAWLER_TLSPOLCACHE_H
#define UPTAKE_CRAWLER_TLSPOLCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tlspolscan.h"

struct loop;
struct netaddr;
struct tlspol_cache;
struct tlspol_wait;

/* Keys kept: each about 0.6 KB (the result, the name), so about 40 MB at
 * the bound; a crawl meets far fewer distinct (web address, name) pairs
 * than domains only where hosting is shared, which is where it pays. */
#define TLSPOL_CACHE_MAX_ENTRIES 65536
/* Hash buckets (a power of two). */
#define TLSPOL_CACHE_BUCKETS 16384
/* Longest SNI name kept (a DNS name's text, RFC 1035 2.3.4). */
#define TLSPOL_CACHE_NAME_MAX 254

struct tlspol_cache_stats {
	uint64_t lookups;	/* waiters made */
	uint64_t scans;		/* scans started */
	uint64_t cached;	/* answered from a done key */
	uint64_t joined;	/* queued behind a scan in flight */
	uint64_t uncached;	/* scans run outside the table (bound) */
	uint64_t entries;	/* keys held now */
};

/* The answer for one waiter: r is valid during the call only; the waiter
 * is gone when it is called.  It may look up and cancel other waiters,
 * not free the cache. */
typedef void (*tlspol_cache_cb)(const struct tlspol_result *r, void *arg);

/* A cache for the crawl, scanning with ctx (borrowed, tlsscan_ctx_new);
 * max_entries 0: TLSPOL_CACHE_MAX_ENTRIES.  The caller owns it. */
struct tlspol_cache *tlspol_cache_new(struct loop *l, SSL_CTX *ctx,
	size_t max_entries);
/* Abort the scans in flight, free every waiter without a callback. */
void tlspol_cache_free(struct tlspol_cache *c);

/*
 * The scan of addr:port with SNI sni (NULL: none).  Returns NULL, with
 * no callback ever, for a name longer than TLSPOL_CACHE_NAME_MAX (no DNS
 * name is).  known_version: the version the
 * asker's own handshake negotiated (used when this lookup starts the
 * scan), or 0.  cb comes later, once, unless cancelled.
 */
struct tlspol_wait *tlspol_cache_lookup(struct tlspol_cache *c,
	const struct netaddr *addr, uint16_t port, const char *sni,
	int known_version, tlspol_cache_cb cb, void *arg);
/* Drop a waiter before its answer (accepts NULL). */
void tlspol_cache_cancel(struct tlspol_wait *w);

void tlspol_cache_stats(const struct tlspol_cache *c,
	struct tlspol_cache_stats *out);

#endif
