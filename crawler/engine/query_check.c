/*
 * query_check.c - the reply check and counting both query engines share
 * (query_check.h), and the status names of query.h.
 */
#include "config.h"

#include <ldns/ldns.h>

#include "query.h"
#include "query_check.h"

const char *
query_status_str(enum query_status s)
{
	switch (s) {
	case QUERY_OK:
		return "ok";
	case QUERY_TIMEOUT:
		return "timeout";
	case QUERY_ERROR:
		return "error";
	case QUERY_BAD_REPLY:
		return "bad_reply";
	}
	return "unknown";
}

enum query_status
query_reply_check(const ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type,
	struct query_stats *st)
{
	const ldns_rr_list *qs = ldns_pkt_question(p);
	const ldns_rr *qr;

	if (qs == NULL || ldns_rr_list_rr_count(qs) != 1) {
		st->bad_replies++;
		return QUERY_BAD_REPLY;
	}
	qr = ldns_rr_list_rr(qs, 0);
	if (ldns_dname_compare(ldns_rr_owner(qr), name) != 0) {
		st->mismatch_name++;
		return QUERY_BAD_REPLY;
	}
	if (ldns_rr_get_type(qr) != type) {
		st->mismatch_type++;
		return QUERY_BAD_REPLY;
	}
	return QUERY_OK;
}

void
query_stats_reply(struct query_stats *st, const ldns_pkt *p)
{
	st->replies++;
	st->rcode[ldns_pkt_get_rcode(p) & 15]++;
}
