/*
 * query.c - DNS queries over c-ares, packets by ldns.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ares.h>

#include "log.h"
#include "loop.h"
#include "query.h"
#include "query_check.h"
#include "replay.h"
#include "util.h"

/*
 * How often c-ares' timeouts are processed while queries are pending.  Each
 * pass walks the queries whose timeout falls in the current second, so a
 * fast tick costs CPU in proportion to the queries in flight; timeouts are
 * seconds long, and 100 ms of lateness does not matter.
 */
#define QUERY_TICK_US 100000
/* Largest burst the rate cap allows: a tenth of a second of queries. */
#define QUERY_BURST_FRACTION 0.1
/*
 * Queries outstanding at the resolver at once.  A resolver keeps a bounded
 * table of queries per thread (Unbound: num-queries-per-thread, 4096 in the
 * testbed's configuration) and drops what does not fit, which a crawl sees
 * as timeouts; more domains in flight wait in our queue instead.
 */
#define QUERY_DEFAULT_MAX_INFLIGHT 3000
/* Socket buffer we ask for (the kernel caps it at net.core.rmem_max). */
#define QUERY_SOCKET_BUFFER (4 * 1024 * 1024)
/*
 * Query IDs drawn at once.  glibc 2.36's arc4random makes a getrandom
 * system call per call, one per query (a third of a warm DNS crawl's
 * system calls; docs/performance.md): the IDs come from a pool filled by
 * one arc4random_buf call, as unpredictable, one system call per this many
 * queries.  The crawler does not fork, so no two processes share a pool.
 */
#define QUERY_ID_POOL 512
/* c-ares socket fds we can watch (grown as needed, bounded by the OS). */
#define QUERY_FD_INITIAL 256
/*
 * Record mode (docs/replay.md): with this variable naming a file, every
 * query and what it got is appended to the file in the replay format that
 * crawler/engine/query_replay.c reads.  Unset (the default), nothing is done.
 */
#define QUERY_RECORD_ENV "UPTAKE_QUERY_RECORD"

struct query {
	struct query_engine *eng;
	query_cb cb;		/* one of cb (a packet) and rcb (wire) */
	query_reply_cb rcb;
	void *arg;
	ldns_rdf *name;
	ldns_rr_type type;
	bool cancelled;
	bool queued;		/* waiting for the rate cap */
	int deferred_status;	/* c-ares status of a failure at send time */
	bool tcp;		/* asked again over TCP after a truncated reply */
	struct query *next;	/* rate queue, or deferred failures */
};

struct query_engine {
	struct loop *loop;
	ares_channel channel;	/* UDP; truncated replies come back to us */
	ares_channel tcp;	/* TCP only: the retries of truncated replies */
	bool destroying;
	struct loop_fd **fds;	/* indexed by fd */
	size_t nfds;
	struct loop_timer *tick;
	struct loop_timer *drain;
	char *servers;
	/* rate cap: token bucket */
	double rate, burst, tokens;
	unsigned max_inflight;
	uint64_t last_refill_us;
	uint16_t ids[QUERY_ID_POOL];	/* random query IDs, used from the end */
	unsigned nids;
	struct query *qhead, *qtail;
	/* failures c-ares reported from inside ares_send, reported later */
	bool in_send;
	struct query *failed;
	struct loop_timer *fail_timer;
	struct query_stats st;
	ldns_buffer *wire;	/* the query being sent (build_query) */
	FILE *record;		/* record mode: the replay file, or NULL */
};

void
query_engine_options_default(struct query_engine_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->timeout_ms = 2000;
	opt->tries = 3;
	opt->rate = 0;
	opt->max_inflight = QUERY_DEFAULT_MAX_INFLIGHT;
}

static void engine_tick(void *arg);

static void
fd_ready(int fd, bool readable, bool writable, void *arg)
{
	struct query_engine *e = arg;

	/* An fd belongs to one of the two channels; the other ignores it. */
	ares_process_fd(e->channel, readable ? fd : ARES_SOCKET_BAD,
	    writable ? fd : ARES_SOCKET_BAD);
	ares_process_fd(e->tcp, readable ? fd : ARES_SOCKET_BAD,
	    writable ? fd : ARES_SOCKET_BAD);
}

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct query_engine *e = data;

	if (fd < 0)
		return;
	if ((size_t)fd >= e->nfds) {
		size_t n = e->nfds ? e->nfds : QUERY_FD_INITIAL;

		while (n <= (size_t)fd)
			n *= 2;
		e->fds = xreallocarray(e->fds, n, sizeof(*e->fds));
		memset(e->fds + e->nfds, 0, (n - e->nfds) * sizeof(*e->fds));
		e->nfds = n;
	}
	if (!readable && !writable) {
		loop_fd_free(e->fds[fd]);
		e->fds[fd] = NULL;
		return;
	}
	if (e->fds[fd] == NULL)
		e->fds[fd] = loop_fd_new(e->loop, fd, fd_ready, e);
	loop_fd_want(e->fds[fd], readable != 0, writable != 0);
}

static void
engine_tick(void *arg)
{
	struct query_engine *e = arg;

	ares_process_fd(e->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	ares_process_fd(e->tcp, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	if (e->st.inflight > 0)
		loop_timer_start(e->tick, QUERY_TICK_US);
}

static void drain_queue(void *arg);
static void report_failed(void *arg);
static void send_now(struct query_engine *e, struct query *q);

/* "ADDR:PORT,..." of the channel's servers, or NULL when it has none. */
static char *
servers_text(ares_channel ch)
{
	struct ares_addr_port_node *list = NULL, *n;
	char buf[1024], addr[INET6_ADDRSTRLEN];
	size_t len = 0;

	if (ares_get_servers_ports(ch, &list) != ARES_SUCCESS || list == NULL)
		return NULL;
	buf[0] = '\0';
	for (n = list; n != NULL && len < sizeof(buf) - 64; n = n->next) {
		int port = n->udp_port ? n->udp_port : 53;

		if (inet_ntop(n->family, &n->addr, addr, sizeof(addr)) == NULL)
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    n->family == AF_INET6 ? "%s[%s]:%d" : "%s%s:%d",
		    len ? "," : "", addr, port);
	}
	ares_free_data(list);
	return len ? xstrdup(buf) : NULL;
}

/*
 * The two c-ares channels of e: UDP, truncation left to us, to opt's
 * servers (the system's when none), and TCP only to the same servers.
 * Returns those servers as "ADDR:PORT,..." (the caller's), or NULL with
 * err set and no channel left open.
 */
static char *
channels_init(struct query_engine *e, const struct query_engine_options *opt,
	char *err, size_t errlen)
{
	struct ares_options ao;
	int mask, rc;
	char *csv;

	memset(&ao, 0, sizeof(ao));
	/*
	 * Truncation is ours to handle (ARES_FLAG_IGNTC): c-ares 1.18 would
	 * otherwise take every UDP reply longer than 512 bytes (most DNSSEC
	 * answers) for a truncated one, and on its TCP retry a server that
	 * refuses TCP makes c-ares fail every query in flight to it: one lying
	 * server's oversized reply would cost every other domain its DNS.  A
	 * reply with TC set is asked again on a second, TCP-only channel
	 * (below), whose failures touch only those queries.  (Our queries
	 * carry their own OPT record; c-ares adds none to what ares_send is
	 * given.)
	 */
	ao.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    ARES_FLAG_NOALIASES | ARES_FLAG_EDNS | ARES_FLAG_IGNTC;
	ao.ednspsz = QUERY_EDNS_BUFSIZE;
	ao.timeout = (int)(opt->timeout_ms ? opt->timeout_ms : 2000);
	ao.tries = (int)(opt->tries ? opt->tries : 3);
	ao.sock_state_cb = sock_state;
	ao.sock_state_cb_data = e;
	/* Thousands of replies can arrive between two turns of the loop: a
	 * small receive buffer drops them (net.core.rmem_max caps this). */
	ao.socket_receive_buffer_size = QUERY_SOCKET_BUFFER;
	ao.socket_send_buffer_size = QUERY_SOCKET_BUFFER;
	mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF | ARES_OPT_SOCK_SNDBUF |
	    ARES_OPT_EDNSPSZ;
	rc = ares_init_options(&e->channel, &ao, mask);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		return NULL;
	}
	if (opt->servers != NULL) {
		rc = ares_set_servers_ports_csv(e->channel, opt->servers);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "--resolver %s: %s",
			    opt->servers, ares_strerror(rc));
			ares_destroy(e->channel);
			return NULL;
		}
	}
	csv = servers_text(e->channel);
	if (csv == NULL) {
		snprintf(err, errlen, "no resolver configured (--resolver)");
		ares_destroy(e->channel);
		return NULL;
	}
	ao.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    ARES_FLAG_NOALIASES | ARES_FLAG_USEVC;
	rc = ares_init_options(&e->tcp, &ao, mask);
	if (rc == ARES_SUCCESS) {
		struct ares_addr_port_node *list = NULL;

		rc = ares_get_servers_ports(e->channel, &list);
		if (rc == ARES_SUCCESS)
			rc = ares_set_servers_ports(e->tcp, list);
		ares_free_data(list);
		if (rc != ARES_SUCCESS)
			ares_destroy(e->tcp);
	}
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares (TCP channel): %s",
		    ares_strerror(rc));
		ares_destroy(e->channel);
		free(csv);
		return NULL;
	}
	return csv;
}

struct query_engine *
query_engine_new(struct loop *loop, const struct query_engine_options *opt,
	char *err, size_t errlen)
{
	struct query_engine *e = xcalloc(1, sizeof(*e));

	e->wire = ldns_buffer_new(LDNS_MAX_PACKETLEN);
	if (e->wire == NULL) {
		snprintf(err, errlen, "out of memory");
		free(e);
		return NULL;
	}
	e->servers = channels_init(e, opt, err, errlen);
	if (e->servers == NULL) {
		ldns_buffer_free(e->wire);
		free(e);
		return NULL;
	}
	e->loop = loop;
	if (getenv(QUERY_RECORD_ENV) != NULL) {
		const char *path = getenv(QUERY_RECORD_ENV);

		e->record = fopen(path, "a");
		if (e->record == NULL) {
			snprintf(err, errlen, "%s=%s: %s", QUERY_RECORD_ENV,
			    path, strerror(errno));
			ldns_buffer_free(e->wire);
			ares_destroy(e->channel);
			ares_destroy(e->tcp);
			free(e->servers);
			free(e);
			return NULL;
		}
	}
	e->tick = loop_timer_new(loop, engine_tick, e);
	e->drain = loop_timer_new(loop, drain_queue, e);
	e->fail_timer = loop_timer_new(loop, report_failed, e);
	e->rate = opt->rate > 0 ? opt->rate : 0;
	e->max_inflight = opt->max_inflight;
	e->burst = e->rate * QUERY_BURST_FRACTION;
	if (e->burst < 1)
		e->burst = 1;
	e->tokens = e->burst;
	e->last_refill_us = loop_now_us(loop);
	return e;
}

const char *
query_engine_servers(const struct query_engine *e)
{
	return e->servers;
}

static void
query_free(struct query *q)
{
	ldns_rdf_deep_free(q->name);
	free(q);
}

/* The reply's outcome as a replay entry's (record mode). */
static enum replay_outcome
record_outcome(enum query_status st)
{
	return st == QUERY_OK ? REPLAY_OK : st == QUERY_TIMEOUT ?
	    REPLAY_TIMEOUT : st == QUERY_ERROR ? REPLAY_ERROR :
	    REPLAY_BAD_REPLY;
}

/* A c-ares status other than a reply: counted, and its outcome. */
static enum query_status
failure_status(struct query_engine *e, int status)
{
	if (status == ARES_ETIMEOUT) {
		e->st.timeouts++;
		return QUERY_TIMEOUT;
	}
	e->st.errors++;
	return QUERY_ERROR;
}

/* A query answered (its callback called): freed, and the queue drained. */
static void
query_finish(struct query_engine *e, struct query *q)
{
	query_free(q);
	if (e->qhead != NULL && !loop_timer_pending(e->drain))
		loop_timer_start(e->drain, 0);
}

/*
 * ares_done for a query of query_send_reply: the reply checked by the
 * walker instead of ldns_wire2pkt (query_reply_from_wire), the rest as
 * ares_done does it.  Record mode writes the reply's ldns packet (built
 * for it: recording is for tests, not crawls).
 */
static void
wire_done(struct query_engine *e, struct query *q, int status,
	const unsigned char *abuf, int alen)
{
	struct query_reply *r = NULL;
	enum query_status st;

	if (status == ARES_SUCCESS && abuf != NULL && alen > 0) {
		st = query_reply_from_wire(abuf, (size_t)alen, q->name, q->type,
		    &e->st, &r);
		if (st == QUERY_OK && (query_reply_msg(r)->flags &
		    DNSWIRE_FLAG_TC) && !q->tcp) {
			/* Truncated: ask again over TCP (the same query, a
			 * new ID). */
			e->st.truncated++;
			if (e->record != NULL)
				replay_entry_write(e->record, q->name, q->type,
				    REPLAY_TRUNCATED, query_reply_pkt(r));
			query_reply_free(r);
			q->tcp = true;
			send_now(e, q);
			return;
		}
		if (st == QUERY_OK)
			query_stats_reply_wire(&e->st, r);
	} else
		st = failure_status(e, status);
	if (e->record != NULL)
		replay_entry_write(e->record, q->name, q->type,
		    record_outcome(st), r != NULL ? query_reply_pkt(r) : NULL);
	if (q->rcb(q->arg, st, st == QUERY_OK ? r : NULL))
		r = NULL;		/* the callback kept it */
	query_reply_free(r);
	query_finish(e, q);
}

static void
ares_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct query_engine *e = q->eng;
	ldns_pkt *pkt = NULL;
	enum query_status st;

	(void)timeouts;
	if (e->in_send) {
		/* Never call back from inside query_send(): defer. */
		q->deferred_status = status;
		q->next = e->failed;
		e->failed = q;
		if (!loop_timer_pending(e->fail_timer))
			loop_timer_start(e->fail_timer, 0);
		return;
	}
	e->st.inflight--;
	if (q->cancelled && !e->destroying && e->record != NULL &&
	    status == ARES_SUCCESS && abuf != NULL && alen > 0 &&
	    ldns_wire2pkt(&pkt, abuf, (size_t)alen) == LDNS_STATUS_OK) {
		/* Record mode: a replay may deliver in another order, so the
		 * answers nobody waited for any more are kept too. */
		replay_entry_write(e->record, q->name, q->type, REPLAY_OK, pkt);
		ldns_pkt_free(pkt);
		pkt = NULL;
	}
	if (q->cancelled || e->destroying) {
		query_free(q);
		if (!e->destroying && e->qhead != NULL &&
		    !loop_timer_pending(e->drain))
			loop_timer_start(e->drain, 0);
		return;
	}
	if (q->rcb != NULL) {
		wire_done(e, q, status, abuf, alen);
		return;
	}
	if (status == ARES_SUCCESS && abuf != NULL && alen > 0) {
		if (ldns_wire2pkt(&pkt, abuf, (size_t)alen) != LDNS_STATUS_OK) {
			e->st.bad_replies++;
			st = QUERY_BAD_REPLY;
		} else {
			st = query_reply_check(pkt, q->name, q->type, &e->st);
			if (st == QUERY_OK && ldns_pkt_tc(pkt) && !q->tcp) {
				/* Truncated: ask again over TCP (the same
				 * query, a new ID). */
				e->st.truncated++;
				if (e->record != NULL)
					replay_entry_write(e->record, q->name,
					    q->type, REPLAY_TRUNCATED, pkt);
				ldns_pkt_free(pkt);
				q->tcp = true;
				send_now(e, q);
				return;
			}
			if (st == QUERY_OK)
				query_stats_reply(&e->st, pkt);
		}
	} else
		st = failure_status(e, status);
	if (e->record != NULL)
		replay_entry_write(e->record, q->name, q->type,
		    record_outcome(st), pkt);
	if (q->cb(q->arg, st, st == QUERY_OK ? pkt : NULL))
		pkt = NULL;		/* the callback kept it */
	if (pkt != NULL)
		ldns_pkt_free(pkt);
	query_finish(e, q);
}

static bool
may_send(struct query_engine *e)
{
	if (e->max_inflight && e->st.inflight >= e->max_inflight)
		return false;
	if (e->rate > 0 && e->tokens < 1)
		return false;
	return true;
}

/*
 * The query's wire form into e->wire (RFC 1035 4.1, RFC 6891 6.1):
 * a random ID, RD and CD set, one question, and an OPT record with our
 * UDP size and DO.  Written with ldns's buffer and name primitives rather
 * than ldns_pkt2wire, which builds an ldns_pkt and a name-compression
 * tree per query for a packet with one name in it (12% of a warm DNS
 * crawl's CPU; docs/performance.md).  The bytes are those ldns_pkt2wire
 * writes for the same query (tests/unit/test_query.c checks it).
 */
static bool
build_query(ldns_buffer *b, const ldns_rdf *name, ldns_rr_type type,
	uint16_t id)
{
	ldns_buffer_clear(b);
	ldns_buffer_write_u16(b, id);
	ldns_buffer_write_u8(b, 0x01);		/* QR 0, opcode 0, RD */
	ldns_buffer_write_u8(b, 0x10);		/* CD */
	ldns_buffer_write_u16(b, 1);		/* QDCOUNT */
	ldns_buffer_write_u16(b, 0);		/* ANCOUNT */
	ldns_buffer_write_u16(b, 0);		/* NSCOUNT */
	ldns_buffer_write_u16(b, 1);		/* ARCOUNT: the OPT record */
	if (ldns_dname2buffer_wire(b, name) != LDNS_STATUS_OK)
		return false;
	ldns_buffer_write_u16(b, type);
	ldns_buffer_write_u16(b, LDNS_RR_CLASS_IN);
	ldns_buffer_write_u8(b, 0);		/* OPT owner: the root */
	ldns_buffer_write_u16(b, LDNS_RR_TYPE_OPT);
	ldns_buffer_write_u16(b, QUERY_EDNS_BUFSIZE);
	ldns_buffer_write_u8(b, 0);		/* extended RCODE */
	ldns_buffer_write_u8(b, 0);		/* EDNS version 0 */
	ldns_buffer_write_u16(b, 0x8000);	/* DO */
	ldns_buffer_write_u16(b, 0);		/* RDLENGTH */
	return ldns_buffer_status_ok(b);
}

bool
query_wire(const ldns_rdf *name, ldns_rr_type type, uint16_t id,
	uint8_t **wire, size_t *len)
{
	ldns_buffer *b = ldns_buffer_new(LDNS_MAX_PACKETLEN);
	bool ok = b != NULL && build_query(b, name, type, id);

	*wire = NULL;
	*len = 0;
	if (ok) {
		*len = ldns_buffer_position(b);
		*wire = ldns_buffer_export(b);
	}
	ldns_buffer_free(b);
	return ok;
}

/* The next random query ID (QUERY_ID_POOL). */
static uint16_t
next_id(struct query_engine *e)
{
	if (e->nids == 0) {
		arc4random_buf(e->ids, sizeof(e->ids));
		e->nids = QUERY_ID_POOL;
	}
	return e->ids[--e->nids];
}

static void
send_now(struct query_engine *e, struct query *q)
{
	/* A random ID per query: c-ares 1.18 sends the ID it is given, and
	 * both spoofing resistance and its reply lookup (hashed by ID) need
	 * IDs spread over all 16 bits. */
	if (!build_query(e->wire, q->name, q->type, next_id(e)))
		goto fail;
	e->st.sent++;
	e->st.inflight++;
	e->in_send = true;
	ares_send(q->tcp ? e->tcp : e->channel, ldns_buffer_begin(e->wire),
	    (int)ldns_buffer_position(e->wire), ares_done, q);
	e->in_send = false;
	if (!loop_timer_pending(e->tick))
		loop_timer_start(e->tick, QUERY_TICK_US);
	return;
fail:
	/* Cannot happen for a valid name; report as an error, later. */
	e->st.inflight++;
	e->in_send = true;
	ares_done(q, ARES_EBADQUERY, 0, NULL, 0);
	e->in_send = false;
}

static void
report_failed(void *arg)
{
	struct query_engine *e = arg;
	struct query *q;

	while ((q = e->failed) != NULL) {
		e->failed = q->next;
		q->next = NULL;
		ares_done(q, q->deferred_status, 0, NULL, 0);
	}
}

static void
refill(struct query_engine *e)
{
	uint64_t now = loop_now_us(e->loop);
	double add = (double)(now - e->last_refill_us) * e->rate / 1e6;

	e->last_refill_us = now;
	e->tokens += add;
	if (e->tokens > e->burst)
		e->tokens = e->burst;
}

static void
drain_queue(void *arg)
{
	struct query_engine *e = arg;

	if (e->rate > 0)
		refill(e);
	while (e->qhead != NULL && may_send(e)) {
		struct query *q = e->qhead;

		e->qhead = q->next;
		if (e->qhead == NULL)
			e->qtail = NULL;
		q->queued = false;
		q->next = NULL;
		if (q->cancelled) {
			query_free(q);
			continue;
		}
		if (e->rate > 0)
			e->tokens -= 1;
		send_now(e, q);
	}
	/* Still blocked by the rate: wake when the next token is due.  (By
	 * the in-flight cap: the next reply drains.) */
	if (e->qhead != NULL && e->rate > 0 && e->tokens < 1) {
		double need = 1 - e->tokens;
		uint64_t us = (uint64_t)(need * 1e6 / e->rate) + 1;

		loop_timer_start(e->drain, us);
	}
}

static struct query *
send_either(struct query_engine *e, const ldns_rdf *name, ldns_rr_type type,
	query_cb cb, query_reply_cb rcb, void *arg)
{
	struct query *q = xcalloc(1, sizeof(*q));

	q->eng = e;
	q->cb = cb;
	q->rcb = rcb;
	q->arg = arg;
	q->name = ldns_rdf_clone(name);
	q->type = type;
	if (e->rate > 0)
		refill(e);
	if (e->qhead != NULL || !may_send(e)) {
		q->queued = true;
		e->st.rate_delayed++;
		if (e->qtail != NULL)
			e->qtail->next = q;
		else
			e->qhead = q;
		e->qtail = q;
		if (e->rate > 0 && !loop_timer_pending(e->drain))
			loop_timer_start(e->drain, 0);
		return q;
	}
	if (e->rate > 0)
		e->tokens -= 1;
	/* Always reply later, never from inside this call: c-ares may fail a
	 * send at once, so sending goes through its own path. */
	send_now(e, q);
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
	if (q != NULL)
		q->cancelled = true;
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
	struct query *q, *next;

	if (e == NULL)
		return;
	e->destroying = true;
	for (q = e->qhead; q != NULL; q = next) {
		next = q->next;
		query_free(q);
	}
	for (q = e->failed; q != NULL; q = next) {
		next = q->next;
		query_free(q);
	}
	ares_destroy(e->channel);
	ares_destroy(e->tcp);
	for (i = 0; i < e->nfds; i++)
		loop_fd_free(e->fds[i]);
	free(e->fds);
	loop_timer_free(e->tick);
	loop_timer_free(e->drain);
	loop_timer_free(e->fail_timer);
	free(e->servers);
	ldns_buffer_free(e->wire);
	if (e->record != NULL)
		fclose(e->record);
	free(e);
}
