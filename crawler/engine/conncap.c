/*
 * conncap.c - per-address connection cap with a wait queue (conncap.h).
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conncap.h"
#include "util.h"

struct conncap_entry {
	struct conncap_entry *next;	/* bucket chain */
	uint8_t key[17];		/* family byte + address */
	unsigned count;
	TAILQ_HEAD(, conncap_wait) queue;	/* waiting, first come first */
};

struct conncap {
	unsigned max;
	struct conncap_entry *b[CONNCAP_BUCKETS];
	uint64_t held, waiting, waits_total;
};

struct conncap *
conncap_new(unsigned max)
{
	struct conncap *c = xcalloc(1, sizeof(*c));

	c->max = max ? max : 1;
	return c;
}

void
conncap_free(struct conncap *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CONNCAP_BUCKETS; i++) {
		struct conncap_entry *e, *n;

		for (e = c->b[i]; e != NULL; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(c);
}

static void
make_key(const struct sockaddr *sa, uint8_t key[17])
{
	memset(key, 0, 17);
	key[0] = (uint8_t)sa->sa_family;
	if (sa->sa_family == AF_INET)
		memcpy(key + 1,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(key + 1,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    16);
}

static size_t
bucket(const uint8_t key[17])
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	size_t i;

	for (i = 0; i < 17; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	return (size_t)(h & (CONNCAP_BUCKETS - 1));
}

static void
entry_drop_if_idle(struct conncap *c, struct conncap_entry *e)
{
	struct conncap_entry **pp;

	if (e->count > 0 || !TAILQ_EMPTY(&e->queue))
		return;
	for (pp = &c->b[bucket(e->key)]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			free(e);
			return;
		}
	}
}

bool
conncap_acquire(struct conncap *c, const struct sockaddr *sa,
	struct conncap_wait *w, void (*grant)(void *arg), void *arg)
{
	uint8_t key[17];
	size_t bi;
	struct conncap_entry *e;

	make_key(sa, key);
	bi = bucket(key);
	for (e = c->b[bi]; e != NULL; e = e->next)
		if (memcmp(e->key, key, sizeof(key)) == 0)
			break;
	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		TAILQ_INIT(&e->queue);
		memcpy(e->key, key, sizeof(key));
		e->next = c->b[bi];
		c->b[bi] = e;
	}
	w->entry = e;
	w->grant = grant;
	w->arg = arg;
	if (e->count < c->max && TAILQ_EMPTY(&e->queue)) {
		e->count++;
		c->held++;
		w->holding = true;
		return true;
	}
	w->holding = false;
	TAILQ_INSERT_TAIL(&e->queue, w, link);
	c->waiting++;
	c->waits_total++;
	return false;
}

void
conncap_release(struct conncap *c, struct conncap_wait *w)
{
	struct conncap_entry *e = w->entry;
	struct conncap_wait *n;

	if (e == NULL)
		return;
	w->entry = NULL;
	if (!w->holding) {
		/* Leave the queue. */
		TAILQ_REMOVE(&e->queue, w, link);
		c->waiting--;
		entry_drop_if_idle(c, e);
		return;
	}
	w->holding = false;
	e->count--;
	c->held--;
	n = TAILQ_FIRST(&e->queue);
	if (n != NULL && e->count < c->max) {
		TAILQ_REMOVE(&e->queue, n, link);
		n->holding = true;
		e->count++;
		c->held++;
		c->waiting--;
		n->grant(n->arg);
		return;
	}
	entry_drop_if_idle(c, e);
}

void
conncap_stats(const struct conncap *c, uint64_t *held, uint64_t *waiting,
	uint64_t *waits_total)
{
	*held = c->held;
	*waiting = c->waiting;
	*waits_total = c->waits_total;
}
