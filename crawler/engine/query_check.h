/*
 * query_check.h - what the two implementations of query.h (query.c over
 * the network, query_replay.c from replay files) do alike with a reply:
 * check that it answers the question asked, and count it.  Pure over the
 * packet and the counters: no I/O, no clock.
 */
#ifndef UPTAKE_CRAWLER_ENGINE_QUERY_CHECK_H
#define UPTAKE_CRAWLER_ENGINE_QUERY_CHECK_H

#include <ldns/ldns.h>

#include "query.h"

/*
 * Does p answer (name, type)?  It must hold one question, of that name
 * (compared as DNS names, case-insensitive) and that type; the class is
 * not checked.  Returns QUERY_OK, or QUERY_BAD_REPLY after counting the
 * kind of mismatch in st: bad_replies (not exactly one question),
 * mismatch_name or mismatch_type.  p, name and st are borrowed.
 */
enum query_status query_reply_check(const ldns_pkt *p, const ldns_rdf *name,
	ldns_rr_type type, struct query_stats *st);

/* Count a reply that answers its query in st: replies and its rcode. */
void query_stats_reply(struct query_stats *st, const ldns_pkt *p);

/*
 * The reply of query_send_reply from its bytes (copied): checked by the
 * walker (refused: bad_replies), then against the question (name, type)
 * with query_reply_check's rules and counters.  *out is the reply (the
 * caller's, query_reply_free) when the walker accepted the bytes, else
 * NULL; the status says whether it answers the question.  The reply is
 * not counted: query_stats_reply_wire does, as query_stats_reply.
 */
enum query_status query_reply_from_wire(const uint8_t *wire, size_t len,
	const ldns_rdf *name, ldns_rr_type type, struct query_stats *st,
	struct query_reply **out);
void query_stats_reply_wire(struct query_stats *st,
	const struct query_reply *r);

#endif
