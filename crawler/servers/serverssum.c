/*
 * serverssum.c - the servers stage's verdicts (serverssum.h).
 */
#include "config.h"

#include "serverssum.h"

enum ns_answer
serverssum_judge(const ldns_pkt *p, const ldns_rdf *zone)
{
	const ldns_rr_list *an;
	size_t i;

	if (p == NULL || ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR ||
	    !ldns_pkt_aa(p))
		return NS_ANS_NOT_AUTH;
	if (ldns_pkt_tc(p))
		return NS_ANS_AUTH;
	an = ldns_pkt_answer(p);
	for (i = 0; an != NULL && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
		    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
		    ldns_dname_compare(ldns_rr_owner(rr), zone) == 0)
			return NS_ANS_AUTH;
	}
	return NS_ANS_NOT_AUTH;
}

/* Badness of a routed state: higher is worse (docs/method.md). */
static int
rov_badness(enum rov_state s)
{
	switch (s) {
	case ROV_INVALID_AS:
		return 3;
	case ROV_INVALID_LENGTH:
		return 2;
	case ROV_NOT_FOUND:
		return 1;
	case ROV_VALID:
	case ROV_UNROUTED:
		break;
	}
	return 0;
}

void
rov_tally_add(struct rov_tally *t, enum rov_state s)
{
	t->addrs++;
	if (s == ROV_UNROUTED)
		return;
	if (t->routed == 0 || rov_badness(s) > rov_badness(t->worst))
		t->worst = s;
	t->routed++;
}

const char *
rov_tally_text(const struct rov_tally *t)
{
	if (t->addrs == 0)
		return NULL;
	return rov_state_name(t->routed == 0 ? ROV_UNROUTED : t->worst);
}

void
serverssum_ns(const struct ns_host_result *h, size_t n, bool asked,
	struct ns_counts *out)
{
	bool lame_unknown = false, v6_unknown = false;
	size_t i, a;

	out->v6_count = 0;
	out->v6_reachable = 0;
	out->lame = 0;
	for (i = 0; i < n; i++) {
		bool auth = false, auth6 = false;
		bool all = h[i].addrs_known, all6 = true;

		if (h[i].has_v6)
			out->v6_count++;
		for (a = 0; a < h[i].naddr && a < SERVERS_HOST_ADDRS; a++) {
			enum ns_answer r = h[i].ans[a];

			if (r == NS_ANS_AUTH) {
				auth = true;
				if (h[i].v6[a])
					auth6 = true;
			}
			if (r == NS_ANS_UNKNOWN) {
				all = false;
				if (h[i].v6[a])
					all6 = false;
			}
		}
		if (!auth && !all)
			lame_unknown = true;
		else if (!auth)
			out->lame++;
		if (h[i].has_v6) {
			if (auth6)
				out->v6_reachable++;
			else if (!all6)
				v6_unknown = true;
		}
	}
	if (!asked || lame_unknown)
		out->lame = -1;
	if (!asked || v6_unknown)
		out->v6_reachable = -1;
}

int
serverssum_mx_dnssec(const bool *have, const enum val_status *v, size_t n)
{
	size_t i, secure = 0;

	for (i = 0; i < n; i++) {
		if (!have[i])
			continue;
		if (v[i] == VAL_INSECURE || v[i] == VAL_BOGUS)
			return 0;
		if (v[i] == VAL_SECURE)
			secure++;
	}
	return n > 0 && secure == n ? 1 : -1;
}
