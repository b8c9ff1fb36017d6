/*
 * query.h - DNS queries to the recursive resolver: packets built and
 * parsed with ldns, sent with c-ares (ares_send) on sockets watched by the
 * loop, under a global query-rate cap.
 *
 * Every query asks with RD, CD (bogus data comes back for our own
 * validator) and EDNS0 DO with a 1232-byte buffer.  c-ares matches the
 * reply to the query (server, port, ID, question), retries a bounded
 * number of times with exponential backoff and falls back to TCP when a
 * reply is truncated.  The reply's question is checked again here.
 *
 * Record mode: with UPTAKE_QUERY_RECORD=FILE in the environment, every
 * query's outcome and reply is appended to FILE in the replay format
 * (replay.h, docs/replay.md).  query_replay.c implements this same API
 * from such a file, linked instead of query.c in tests.
 */
#ifndef UPTAKE_CRAWLER_QUERY_H
#define UPTAKE_CRAWLER_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dnswire.h"

struct loop;

enum query_status {
	QUERY_OK = 0,		/* a reply (any rcode) */
	QUERY_TIMEOUT,		/* no reply after every try */
	QUERY_ERROR,		/* refused connection, network error */
	QUERY_BAD_REPLY,	/* malformed, or not an answer to our question */
};

const char *query_status_str(enum query_status s);

/*
 * reply is NULL unless status is QUERY_OK.  The callback may keep it by
 * returning true (it then owns it and frees it with ldns_pkt_free);
 * returning false leaves it to the engine, which frees it after the call.
 */
typedef bool (*query_cb)(void *arg, enum query_status status,
	ldns_pkt *reply);

/*
 * A reply in wire form (issue 20 point 2, docs/dns.md "Reading replies in
 * place"), for the callbacks of query_send_reply: the bytes as the
 * resolver sent them, checked by the walker (dnswire_parse) and checked
 * against the question; an ldns packet of the same bytes is built only
 * when a caller asks for one (query_reply_pkt), once.
 */
struct query_reply;

/* The reply's bytes (owned by r) and their length in *len. */
const uint8_t *query_reply_wire(const struct query_reply *r, size_t *len);
/* The walker's view of them (checked: dnswire_rr_next cannot fail). */
const struct dnswire_msg *query_reply_msg(const struct query_reply *r);
/*
 * The same reply as an ldns packet, built from the bytes on the first
 * call and kept by r (later calls return it again); NULL when ldns
 * refuses bytes that the walker accepted (docs/dns.md, "Where the walker
 * and ldns differ": an RR of a type outside the walker's table).
 */
const ldns_pkt *query_reply_pkt(struct query_reply *r);
/* Free r and its packet, if one was built (NULL is fine). */
void query_reply_free(struct query_reply *r);

/*
 * The callback of query_send_reply: reply is NULL unless status is
 * QUERY_OK.  Returning true keeps it (the callback then owns it and frees
 * it with query_reply_free); false leaves it to the engine.
 */
typedef bool (*query_reply_cb)(void *arg, enum query_status status,
	struct query_reply *reply);

struct query_engine_options {
	const char *servers;	/* "ADDR[:PORT],..." or NULL: the system's */
	unsigned timeout_ms;	/* first try; doubles per round */
	unsigned tries;		/* tries per query (>= 1) */
	double rate;		/* queries per second, 0: no cap */
	unsigned max_inflight;	/* queries outstanding at once, 0: no cap */
};
void query_engine_options_default(struct query_engine_options *opt);

struct query_engine;
struct query;

struct query_engine *query_engine_new(struct loop *loop,
	const struct query_engine_options *opt, char *err, size_t errlen);
/* Cancels every pending query (their callbacks are not called). */
void query_engine_free(struct query_engine *e);

/* The resolver list in use, "ADDR:PORT,..." (owned by the engine). */
const char *query_engine_servers(const struct query_engine *e);

/*
 * Ask (name, type, IN).  name is copied.  cb is called once, later (never
 * from inside this call), unless query_cancel() is called first.
 */
struct query *query_send(struct query_engine *e, const ldns_rdf *name,
	ldns_rr_type type, query_cb cb, void *arg);
/*
 * As query_send, but the reply is handed in wire form (struct
 * query_reply): the walker checks it instead of ldns_wire2pkt, so a reply
 * is accepted when dnswire_parse accepts it, and no ldns packet is built
 * unless the callback asks for one.
 */
struct query *query_send_reply(struct query_engine *e, const ldns_rdf *name,
	ldns_rr_type type, query_reply_cb cb, void *arg);
/* EDNS0 buffer size we advertise (DNS flag day 2020). */
#define QUERY_EDNS_BUFSIZE 1232

/* The callback will not be called; q must not be used afterwards. */
void query_cancel(struct query *q);

/*
 * The wire form send_now() gives c-ares for (name, type, IN) with this ID:
 * RD and CD set, EDNS0 with QUERY_EDNS_BUFSIZE and DO.  *wire is the
 * caller's (free); false when name does not fit a packet.
 */
bool query_wire(const ldns_rdf *name, ldns_rr_type type, uint16_t id,
	uint8_t **wire, size_t *len);

struct query_stats {
	uint64_t sent;
	uint64_t replies;
	uint64_t timeouts;
	uint64_t errors;
	uint64_t bad_replies;		/* malformed */
	uint64_t mismatch_name;		/* reply for another name */
	uint64_t mismatch_type;		/* reply for another type */
	uint64_t truncated;		/* TC replies (c-ares retried over TCP) */
	uint64_t rate_delayed;		/* queued by the rate or in-flight cap */
	uint64_t rcode[16];
	uint64_t inflight;
};
void query_engine_stats(const struct query_engine *e, struct query_stats *out);

#endif
