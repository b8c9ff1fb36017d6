/*
 * query_check.c - the reply check and counting both query engines share
 * (query_check.h), the status names of query.h, and the replies in wire
 * form of query_send_reply (struct query_reply, its lazy ldns packet).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnswire.h"
#include "query.h"
#include "query_check.h"
#include "util.h"

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

/* --- replies in wire form (query_send_reply) ------------------------- */

struct query_reply {
	struct dnswire_msg msg;	/* over wire */
	ldns_pkt *pkt;		/* built on request, or NULL */
	bool pkt_tried;		/* query_reply_pkt was called */
	size_t len;
	uint8_t wire[];		/* len octets */
};

const uint8_t *
query_reply_wire(const struct query_reply *r, size_t *len)
{
	*len = r->len;
	return r->wire;
}

const struct dnswire_msg *
query_reply_msg(const struct query_reply *r)
{
	return &r->msg;
}

const ldns_pkt *
query_reply_pkt(struct query_reply *r)
{
	if (!r->pkt_tried) {
		r->pkt_tried = true;
		if (ldns_wire2pkt(&r->pkt, r->wire, r->len) != LDNS_STATUS_OK)
			r->pkt = NULL;
	}
	return r->pkt;
}

void
query_reply_free(struct query_reply *r)
{
	if (r == NULL)
		return;
	ldns_pkt_free(r->pkt);
	free(r);
}

enum query_status
query_reply_from_wire(const uint8_t *wire, size_t len, const ldns_rdf *name,
	ldns_rr_type type, struct query_stats *st, struct query_reply **out)
{
	struct query_reply *r;
	struct dnswire_iter it;
	struct dnswire_rr q;

	*out = NULL;
	if (len > DNSWIRE_MAX_MSG) {
		st->bad_replies++;
		return QUERY_BAD_REPLY;
	}
	r = xmalloc(sizeof(*r) + (len ? len : 1));
	memcpy(r->wire, wire, len);
	r->len = len;
	r->pkt = NULL;
	r->pkt_tried = false;
	if (dnswire_parse(&r->msg, r->wire, len) != DNSWIRE_OK) {
		free(r);
		st->bad_replies++;
		return QUERY_BAD_REPLY;
	}
	*out = r;
	/* The rules of query_reply_check: one question, of that name (case
	 * aside) and that type. */
	if (r->msg.count[DNSWIRE_QUESTION] != 1) {
		st->bad_replies++;
		return QUERY_BAD_REPLY;
	}
	dnswire_iter_init(&r->msg, &it);
	dnswire_rr_next(&r->msg, &it, &q);
	if (!dnswire_name_equal(&r->msg, q.owner, ldns_rdf_data(name),
	    ldns_rdf_size(name))) {
		st->mismatch_name++;
		return QUERY_BAD_REPLY;
	}
	if (q.type != type) {
		st->mismatch_type++;
		return QUERY_BAD_REPLY;
	}
	return QUERY_OK;
}

void
query_stats_reply_wire(struct query_stats *st, const struct query_reply *r)
{
	st->replies++;
	st->rcode[r->msg.rcode & 15]++;
}
