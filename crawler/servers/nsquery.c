/*
 * nsquery.c - SOA queries sent directly to name servers (nsquery.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "blocklist.h"
#include "loop.h"
#include "nsquery.h"
#include "optout.h"
#include "util.h"

/* Largest reply read: a query without EDNS gets at most 512 bytes over
 * UDP (RFC 1035 4.2.1); a server that sends more is read up to this and
 * dropped above it (MSG_TRUNC tells). */
#define NSQ_MAX_REPLY 4096
/* Questions on the wire at once: each holds a 16-bit ID of the table
 * below and a timer; the rest wait in a queue.  Name servers are many, so
 * this bounds our own load, not theirs (each is asked once per zone). */
#define NSQ_MAX_INFLIGHT 512
/* (address, zone) results kept for the crawl: about 100 bytes each; a
 * crawl of a million domains with two or three NS addresses each fits.
 * Above it questions are still asked, their result not kept. */
#define NSQ_MAX_ENTRIES (1u << 22)
/* Hash buckets of the kept results (a power of two). */
#define NSQ_BUCKETS (1u << 16)
/* Tries to draw a free random ID before giving up on this turn (with at
 * most NSQ_MAX_INFLIGHT of 65536 in use, one try almost always does). */
#define NSQ_ID_TRIES 64
#define NSQ_DEFAULT_TIMEOUT_MS 2000
#define NSQ_DEFAULT_TRIES 2
#define NSQ_DNS_PORT 53

enum nsq_state { E_QUEUED = 0, E_INFLIGHT, E_DONE };

struct nsq_entry;

struct nsq_wait {
	struct nsq_ctx *c;
	struct nsq_entry *e;		/* NULL once on the ready list */
	enum ns_answer result;		/* on the ready list */
	nsq_cb cb;
	void *arg;
	struct nsq_wait *prev, *next;	/* e's waiters, or c's ready list */
};

struct nsq_entry {
	struct nsq_ctx *c;
	struct netaddr addr;
	ldns_rdf *zone;			/* lower case, owned */
	uint32_t hash;
	bool kept;			/* in the table */
	enum nsq_state state;
	enum ns_answer result;
	uint16_t id;
	bool has_id;			/* byid[id] is this entry */
	unsigned tries;			/* datagrams sent */
	struct loop_timer *timer;
	struct nsq_wait *waiters;
	struct nsq_entry *next;		/* bucket chain */
	struct nsq_entry *qnext;	/* the queue */
};

struct nsq_ctx {
	struct loop *loop;
	const struct blocklist *bl;
	const struct optout *optout;
	unsigned timeout_ms, tries;
	uint16_t port;
	int fd[2];			/* index enum netaddr_af; -1: none */
	struct loop_fd *w[2];
	struct nsq_entry **buckets;
	size_t nentries;
	struct nsq_entry *byid[65536];
	unsigned inflight;
	struct nsq_entry *qhead, *qtail;
	struct nsq_wait *ready;		/* waiters answered from the table */
	struct loop_timer *ready_timer;
	struct nsq_stats st;
};

static void deliver_ready(void *arg);
static void fd_ready(int fd, bool readable, bool writable, void *arg);

struct nsq_ctx *
nsq_new(const struct nsq_options *o)
{
	struct nsq_ctx *c = xcalloc(1, sizeof(*c));

	c->loop = o->loop;
	c->bl = o->blocklist;
	c->optout = o->optout;
	c->timeout_ms = o->timeout_ms ? o->timeout_ms : NSQ_DEFAULT_TIMEOUT_MS;
	c->tries = o->tries ? o->tries : NSQ_DEFAULT_TRIES;
	c->port = o->port ? o->port : NSQ_DNS_PORT;
	c->fd[0] = c->fd[1] = -1;
	c->buckets = xcalloc(NSQ_BUCKETS, sizeof(*c->buckets));
	c->ready_timer = loop_timer_new(c->loop, deliver_ready, c);
	return c;
}

static void
entry_free(struct nsq_entry *e)
{
	struct nsq_wait *w, *next;

	for (w = e->waiters; w != NULL; w = next) {
		next = w->next;
		free(w);
	}
	if (e->timer != NULL)
		loop_timer_free(e->timer);
	ldns_rdf_deep_free(e->zone);
	free(e);
}

void
nsq_free(struct nsq_ctx *c)
{
	struct nsq_entry *e, *next;
	struct nsq_wait *w, *wn;
	size_t i;
	int af;

	if (c == NULL)
		return;
	for (i = 0; i < NSQ_BUCKETS; i++)
		for (e = c->buckets[i]; e != NULL; e = next) {
			next = e->next;
			entry_free(e);
		}
	/* Entries not kept live only while asked. */
	for (i = 0; i < 65536; i++)
		if (c->byid[i] != NULL && !c->byid[i]->kept)
			entry_free(c->byid[i]);
	/* (An entry not kept whose send failed waits on its timer only; it
	 * exists only above NSQ_MAX_ENTRIES, and is left at exit.) */
	for (e = c->qhead; e != NULL; e = next) {
		next = e->qnext;
		if (!e->kept)
			entry_free(e);
	}
	for (w = c->ready; w != NULL; w = wn) {
		wn = w->next;
		free(w);
	}
	for (af = 0; af < 2; af++) {
		loop_fd_free(c->w[af]);
		if (c->fd[af] >= 0)
			close(c->fd[af]);
	}
	loop_timer_free(c->ready_timer);
	free(c->buckets);
	free(c);
}

void
nsq_stats(const struct nsq_ctx *c, struct nsq_stats *out)
{
	*out = c->st;
}

/* FNV-1a over the address and the zone's lower-case wire form. */
static uint32_t
key_hash(const struct netaddr *a, const ldns_rdf *zone)
{
	const uint8_t *z = ldns_rdf_data(zone);
	uint32_t h = 2166136261u;
	size_t i;

	h = (h ^ a->af) * 16777619u;
	for (i = 0; i < netaddr_len(a); i++)
		h = (h ^ a->b[i]) * 16777619u;
	for (i = 0; i < ldns_rdf_size(zone); i++)
		h = (h ^ z[i]) * 16777619u;
	return h;
}

bool
nsq_wire(const ldns_rdf *zone, uint16_t id, uint8_t **wire, size_t *len)
{
	ldns_buffer *b = ldns_buffer_new(LDNS_MAX_PACKETLEN);
	bool ok;

	*wire = NULL;
	*len = 0;
	if (b == NULL)
		return false;
	ldns_buffer_write_u16(b, id);
	ldns_buffer_write_u16(b, 0);		/* a query, opcode 0, no RD */
	ldns_buffer_write_u16(b, 1);		/* QDCOUNT */
	ldns_buffer_write_u16(b, 0);
	ldns_buffer_write_u16(b, 0);
	ldns_buffer_write_u16(b, 0);
	ok = ldns_dname2buffer_wire(b, zone) == LDNS_STATUS_OK;
	ldns_buffer_write_u16(b, LDNS_RR_TYPE_SOA);
	ldns_buffer_write_u16(b, LDNS_RR_CLASS_IN);
	ok = ok && ldns_buffer_status_ok(b);
	if (ok) {
		*len = ldns_buffer_position(b);
		*wire = ldns_buffer_export(b);
	}
	ldns_buffer_free(b);
	return ok;
}

/* --- results -------------------------------------------------------------- */

static void start_queued(struct nsq_ctx *c);

/* e has its result: every waiter hears it; e is freed unless kept. */
static void
entry_done(struct nsq_entry *e, enum ns_answer r)
{
	struct nsq_ctx *c = e->c;
	struct nsq_wait *w;

	if (e->state == E_INFLIGHT) {
		if (e->has_id)
			c->byid[e->id] = NULL;
		e->has_id = false;
		c->inflight--;
		/* A kept result needs no timer (libevent allows freeing an
		 * event inside its own callback). */
		loop_timer_free(e->timer);
		e->timer = NULL;
	}
	e->state = E_DONE;
	e->result = r;
	if (r == NS_ANS_SILENT)
		c->st.silent++;
	/* A callback may cancel other waiters of e (its own job's): take
	 * them one at a time from the list. */
	while ((w = e->waiters) != NULL) {
		e->waiters = w->next;
		if (e->waiters != NULL)
			e->waiters->prev = NULL;
		w->cb(w->arg, r);
		free(w);
	}
	if (!e->kept)
		entry_free(e);
	start_queued(c);
}

static void
deliver_ready(void *arg)
{
	struct nsq_ctx *c = arg;
	struct nsq_wait *w;

	start_queued(c);
	while ((w = c->ready) != NULL) {
		c->ready = w->next;
		if (c->ready != NULL)
			c->ready->prev = NULL;
		w->cb(w->arg, w->result);
		free(w);
	}
}

/* --- the wire ----------------------------------------------------------- */

static int
sock_for(struct nsq_ctx *c, enum netaddr_af af)
{
	int fd;

	if (c->fd[af] >= 0)
		return c->fd[af];
	fd = socket(af == NETADDR_V6 ? AF_INET6 : AF_INET, SOCK_DGRAM |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	c->fd[af] = fd;
	c->w[af] = loop_fd_new(c->loop, fd, fd_ready, c);
	loop_fd_want(c->w[af], true, false);
	return fd;
}

/* One datagram for e, with a fresh ID; false: it could not be sent. */
static bool
send_try(struct nsq_entry *e)
{
	struct nsq_ctx *c = e->c;
	struct sockaddr_storage ss;
	size_t sslen, len;
	uint8_t *wire;
	unsigned k;
	uint16_t id = 0;
	int fd;
	bool ok;

	if (e->has_id)
		c->byid[e->id] = NULL;
	e->has_id = false;
	for (k = 0; k < NSQ_ID_TRIES; k++) {
		id = (uint16_t)arc4random_uniform(65536);
		if (c->byid[id] == NULL)
			break;
	}
	if (k == NSQ_ID_TRIES)
		return false;
	fd = sock_for(c, (enum netaddr_af)e->addr.af);
	if (fd < 0 || !nsq_wire(e->zone, id, &wire, &len))
		return false;
	sslen = netaddr_to_sockaddr(&e->addr, c->port, &ss);
	ok = sendto(fd, wire, len, 0, (struct sockaddr *)&ss,
	    (socklen_t)sslen) == (ssize_t)len;
	free(wire);
	if (!ok)
		return false;
	c->st.sent++;
	e->tries++;
	e->id = id;
	e->has_id = true;
	c->byid[id] = e;
	loop_timer_start(e->timer, (uint64_t)c->timeout_ms * 1000);
	return true;
}

static void
entry_timeout(void *arg)
{
	struct nsq_entry *e = arg;

	if (e->tries < e->c->tries && send_try(e))
		return;
	entry_done(e, NS_ANS_SILENT);
}

static void
entry_start(struct nsq_entry *e)
{
	struct nsq_ctx *c = e->c;

	e->timer = loop_timer_new(c->loop, entry_timeout, e);
	e->state = E_INFLIGHT;
	c->inflight++;
	if (!send_try(e)) {
		/* Unreachable (no route, no socket): no answer, reported
		 * from the loop like any other. */
		e->tries = c->tries;
		loop_timer_start(e->timer, 0);
	}
}

static void
start_queued(struct nsq_ctx *c)
{
	while (c->qhead != NULL && c->inflight < NSQ_MAX_INFLIGHT) {
		struct nsq_entry *e = c->qhead;

		c->qhead = e->qnext;
		if (c->qhead == NULL)
			c->qtail = NULL;
		e->qnext = NULL;
		entry_start(e);
	}
}

static bool
reply_matches(const struct nsq_entry *e, const ldns_pkt *p)
{
	const ldns_rr *q;

	if (!ldns_pkt_qr(p) || ldns_pkt_qdcount(p) != 1 ||
	    ldns_rr_list_rr_count(ldns_pkt_question(p)) != 1)
		return false;
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	return ldns_rr_get_type(q) == LDNS_RR_TYPE_SOA &&
	    ldns_rr_get_class(q) == LDNS_RR_CLASS_IN &&
	    ldns_dname_compare(ldns_rr_owner(q), e->zone) == 0;
}

static void
read_one(struct nsq_ctx *c, int fd, const uint8_t *buf, size_t n,
    const struct sockaddr_storage *from)
{
	struct netaddr src;
	struct nsq_entry *e;
	ldns_pkt *p = NULL;
	uint16_t id, port;

	(void)fd;
	if (n < 12 || netaddr_from_sockaddr((const struct sockaddr *)from,
	    &src) != 0) {
		c->st.dropped++;
		return;
	}
	port = from->ss_family == AF_INET6 ?
	    ntohs(((const struct sockaddr_in6 *)from)->sin6_port) :
	    ntohs(((const struct sockaddr_in *)from)->sin_port);
	id = (uint16_t)(buf[0] << 8 | buf[1]);
	e = c->byid[id];
	if (e == NULL || e->state != E_INFLIGHT || port != c->port ||
	    !netaddr_equal(&src, &e->addr) ||
	    ldns_wire2pkt(&p, buf, n) != LDNS_STATUS_OK ||
	    !reply_matches(e, p)) {
		c->st.dropped++;
		ldns_pkt_free(p);
		return;
	}
	c->st.replies++;
	entry_done(e, serverssum_judge(p, e->zone));
	ldns_pkt_free(p);
}

static void
fd_ready(int fd, bool readable, bool writable, void *arg)
{
	struct nsq_ctx *c = arg;
	uint8_t buf[NSQ_MAX_REPLY];
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;

	(void)writable;
	if (!readable)
		return;
	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;		/* EAGAIN, or an ICMP error */
		}
		if ((size_t)n > sizeof(buf)) {
			c->st.dropped++;
			continue;
		}
		read_one(c, fd, buf, (size_t)n, &from);
	}
}

/* --- asking ----------------------------------------------------------------- */

struct nsq_wait *
nsq_ask(struct nsq_ctx *c, const struct netaddr *addr, const ldns_rdf *zone,
    nsq_cb cb, void *arg)
{
	struct netaddr a;
	struct nsq_entry *e;
	struct nsq_wait *w;
	ldns_rdf *z;
	uint32_t h;

	c->st.asked++;
	netaddr_unmap(addr, &a);
	if ((c->bl != NULL && blocklist_is_blocked(c->bl, &a)) ||
	    (c->optout != NULL && optout_has_addr(c->optout, &a))) {
		c->st.blocked++;
		return NULL;
	}
	z = ldns_rdf_clone(zone);
	ldns_dname2canonical(z);
	h = key_hash(&a, z);
	for (e = c->buckets[h & (NSQ_BUCKETS - 1)]; e != NULL; e = e->next)
		if (e->hash == h && netaddr_equal(&e->addr, &a) &&
		    ldns_dname_compare(e->zone, z) == 0)
			break;
	w = xcalloc(1, sizeof(*w));
	w->c = c;
	w->cb = cb;
	w->arg = arg;
	if (e != NULL && e->state == E_DONE) {
		ldns_rdf_deep_free(z);
		c->st.cached++;
		w->result = e->result;
		w->next = c->ready;
		if (c->ready != NULL)
			c->ready->prev = w;
		c->ready = w;
		if (!loop_timer_pending(c->ready_timer))
			loop_timer_start(c->ready_timer, 0);
		return w;
	}
	if (e != NULL) {
		ldns_rdf_deep_free(z);
		c->st.joined++;
	} else {
		e = xcalloc(1, sizeof(*e));
		e->c = c;
		e->addr = a;
		e->zone = z;
		e->hash = h;
		if (c->nentries < NSQ_MAX_ENTRIES) {
			size_t b = h & (NSQ_BUCKETS - 1);

			e->kept = true;
			e->next = c->buckets[b];
			c->buckets[b] = e;
			c->nentries++;
		}
		e->state = E_QUEUED;
		if (c->qtail != NULL)
			c->qtail->qnext = e;
		else
			c->qhead = e;
		c->qtail = e;
		/* Started from the loop, so that no answer (an unreachable
		 * address) comes inside this call. */
		if (!loop_timer_pending(c->ready_timer))
			loop_timer_start(c->ready_timer, 0);
	}
	w->e = e;
	w->next = e->waiters;
	if (e->waiters != NULL)
		e->waiters->prev = w;
	e->waiters = w;
	return w;
}

void
nsq_cancel(struct nsq_wait *w)
{
	struct nsq_wait **head;

	if (w == NULL)
		return;
	head = w->e != NULL ? &w->e->waiters : &w->c->ready;
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		*head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	free(w);
}
