/*
 * conncap.h - the per-address connection cap shared by every job of a
 * crawl: at most max connections to one destination address at a time
 * (politeness: a hosting provider's address serves thousands of the list's
 * domains), and a FIFO of the jobs waiting for a slot.
 *
 * No I/O, no clock: a waiter is told it got its slot through its grant
 * callback, called from conncap_release(); the callback should only
 * schedule work (arm a timer), not connect from inside the release.
 */
#ifndef UPTAKE_CRAWLER_CONNCAP_H
#define UPTAKE_CRAWLER_CONNCAP_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct conncap;
struct conncap_entry;

/* Default connections per destination address: enough for the testbed's
 * shared addresses to be crawled in parallel, few enough to be polite. */
#define CONNCAP_DEFAULT_MAX 8
/* Hash buckets (a power of two); entries exist only while in use. */
#define CONNCAP_BUCKETS 4096

/* A job's place in an address's queue (embedded in the job's state). */
struct conncap_wait {
	TAILQ_ENTRY(conncap_wait) link;	/* in entry's queue, when waiting */
	struct conncap_entry *entry;	/* NULL: not waiting, no slot */
	bool holding;			/* has a slot of entry */
	void (*grant)(void *arg);
	void *arg;
};

struct conncap *conncap_new(unsigned max);
void conncap_free(struct conncap *c);

/*
 * Ask for a slot to sa (sockaddr_in/_in6; the port is ignored).  Returns
 * true when w holds one now; false when w was queued (w->grant runs once a
 * slot is its).  w must not be holding or waiting.
 */
bool conncap_acquire(struct conncap *c, const struct sockaddr *sa,
	struct conncap_wait *w, void (*grant)(void *arg), void *arg);
/* Give back w's slot, or leave the queue; no-op when w has neither.  The
 * first waiter of the address, if any, is granted the slot. */
void conncap_release(struct conncap *c, struct conncap_wait *w);

/* Connections held and jobs waiting, over all addresses. */
void conncap_stats(const struct conncap *c, uint64_t *held,
	uint64_t *waiting, uint64_t *waits_total);

#endif
