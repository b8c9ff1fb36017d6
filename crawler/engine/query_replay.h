/*
 * query_replay.h - what the replay engine (query_replay.c) adds to the
 * query.h API for tests: scripted answers added in code, and the queries
 * that no entry answered.
 *
 * query_engine_new() of the replay engine reads the replay files named by
 * opt->servers ("FILE[,FILE...]"; UPTAKE_QUERY_REPLAY when servers is
 * NULL).  A (name, type) present in an earlier file hides the entries of
 * the later files for it, so a small file of crafted cases overlays a
 * recording.  Each query of (name, type) takes the next entry for it in
 * file order; once they are used up, the last answers again.  Answers come
 * from the loop after the entry's DELAY, never inside query_send().
 */
#ifndef UPTAKE_CRAWLER_QUERY_REPLAY_H
#define UPTAKE_CRAWLER_QUERY_REPLAY_H

#include <stddef.h>

#include <ldns/ldns.h>

#include "query.h"
#include "replay.h"

/*
 * Add an entry in front of those read from files (it hides them for its
 * (name, type) as an earlier file would).  reply is copied (may be NULL
 * for TIMEOUT, ERROR).
 */
void query_replay_add(struct query_engine *e, const ldns_rdf *name,
	ldns_rr_type type, enum replay_outcome outcome, unsigned delay_ms,
	const ldns_pkt *reply);

/* Start every (name, type) again from its first entry, as a new engine
 * would (a test reuses one loaded recording for many cases). */
void query_replay_rewind(struct query_engine *e);

/*
 * Queries that no entry answered (each is answered QUERY_ERROR and
 * logged).  The first few "name type" are written into buf.
 */
size_t query_replay_unmatched(const struct query_engine *e, char *buf,
	size_t len);

#endif
