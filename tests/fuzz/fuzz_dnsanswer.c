/*
 * fuzz_dnsanswer.c - libFuzzer target for the DNS probe's reply reduction
 * (crawler/dns/dnsanswer.c): wire bytes -> ldns_wire2pkt -> every dnsanswer_*
 * function, for the reply's question name, a fixed apex, www.apex and
 * _dmarc.apex, over the types the probe asks.  No crash, no leak (ASan),
 * and what each returns keeps its contract: the records are of the type
 * asked and at a name reached from qname in at most DNS_MAX_CNAME links,
 * TXT texts fit their buffers, the field list is a terminated "a,b,c",
 * a negative answer's zone holds the apex.  The joined TXT texts go on to
 * the mail-policy parsers (crawler/mail/mailpol.c) as the probe passes them.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnsanswer.h"
#include "job.h"
#include "mailpol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The apex the fixed names hang from (a name of the core world). */
#define FUZZ_APEX "best.se."

static const ldns_rr_type types[] = {
	LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_NS,
	LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_CAA,
	LDNS_RR_TYPE_HTTPS, LDNS_RR_TYPE_DS, LDNS_RR_TYPE_DNSKEY,
	LDNS_RR_TYPE_TLSA, LDNS_RR_TYPE_CNAME,
};

static const char *const spf_verdicts[] = { "absent", "fail", "softfail",
	"neutral", "pass", "none", "invalid", NULL };
static const char *const dmarc_verdicts[] = { "absent", "none",
	"quarantine", "reject", "invalid", NULL };

static bool
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (s != NULL && strcmp(s, *set) == 0)
			return true;
	return false;
}

/*
 * owner is qname or a name reached from it through the answer's CNAMEs in
 * at most DNS_MAX_CNAME + 1 links (the walk dnsanswer_rrs bounds).
 */
static bool
reached(const ldns_pkt *p, const ldns_rdf *qname, const ldns_rdf *owner)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	const ldns_rdf *name = qname;
	size_t links, i;

	for (links = 0; links <= DNS_MAX_CNAME + 1; links++) {
		const ldns_rdf *next = NULL;

		if (ldns_dname_compare(name, owner) == 0)
			return true;
		for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
			ldns_rr *rr = ldns_rr_list_rr(an, i);

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    ldns_rr_rd_count(rr) > 0 &&
			    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
				next = ldns_rr_rdf(rr, 0);
		}
		if (next == NULL)
			return false;
		name = next;
	}
	return false;
}

static void
check_name(const ldns_pkt *p, const ldns_rdf *name)
{
	struct dnsanswer_txts t;
	size_t i, k;

	for (k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		const ldns_rdf *owner = NULL;
		ldns_rr_list *l = dnsanswer_rrs(p, name, types[k], &owner);
		ldns_rr_list *own = dnsanswer_own_rrs(p, name, types[k]);
		size_t n = ldns_rr_list_rr_count(l);

		if (owner == NULL || !reached(p, name, owner) ||
		    n != dnsanswer_count(p, name, types[k]))
			abort();
		for (i = 0; i < n; i++) {
			ldns_rr *rr = ldns_rr_list_rr(l, i);

			if (ldns_rr_get_type(rr) != types[k] ||
			    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
				abort();
		}
		for (i = 0; i < ldns_rr_list_rr_count(own); i++)
			if (ldns_dname_compare(ldns_rr_owner(
			    ldns_rr_list_rr(own, i)), name) != 0)
				abort();
		if (dnsanswer_is_negative(p, name, types[k]) &&
		    ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && n != 0)
			abort();
		ldns_rr_list_free(l);
		ldns_rr_list_free(own);
	}

	dnsanswer_txts_load(&t, p, name);
	if (t.n > DNS_MAX_TXT)
		abort();
	for (i = 0; i < t.n; i++) {
		if (t.len[i] > DNS_MAX_TXT_LEN)
			abort();
		(void)mailpol_is_mta_sts(t.s[i], t.len[i]);
		(void)mailpol_is_tlsrpt(t.s[i], t.len[i]);
	}
	if (!one_of(mailpol_spf((const char *const *)t.s, t.len, t.n),
	    spf_verdicts) ||
	    !one_of(mailpol_dmarc((const char *const *)t.s, t.len, t.n),
	    dmarc_verdicts))
		abort();
	dnsanswer_txts_free(&t);
}

static void
check_apex(const ldns_pkt *p, const ldns_rdf *apex)
{
	static const ldns_rr_type ft[] = { LDNS_RR_TYPE_DS,
		LDNS_RR_TYPE_DNSKEY };
	const ldns_rdf *zone;
	char buf[DNSANSWER_FIELD_LIST_LEN];
	int iterations = -1;
	size_t k;

	for (k = 0; k < 2; k++) {
		memset(buf, 'x', sizeof(buf));
		if (dnsanswer_field_list(p, apex, ft[k], buf, sizeof(buf)) > 0 &&
		    memchr(buf, '\0', sizeof(buf)) == NULL)
			abort();
	}
	zone = dnsanswer_negative_zone(p, apex);
	if (zone != NULL && !dnsanswer_name_in_zone(apex, zone))
		abort();
	switch (dnsanswer_denial_scan(p, apex, &iterations)) {
	case DNSANSWER_DENIAL_NSEC3:
		if (zone == NULL || iterations < 0 || iterations > 65535)
			abort();
		break;
	case DNSANSWER_DENIAL_NSEC:
		if (zone == NULL)
			abort();
		break;
	case DNSANSWER_DENIAL_NONE:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ldns_rdf *apex, *www, *dmarc;
	ldns_pkt *p = NULL;
	const ldns_rr_list *q;

	if (apex == NULL) {
		apex = ldns_dname_new_frm_str(FUZZ_APEX);
		www = ldns_dname_new_frm_str("www." FUZZ_APEX);
		dmarc = ldns_dname_new_frm_str("_dmarc." FUZZ_APEX);
	}
	if (ldns_wire2pkt(&p, data, size) != LDNS_STATUS_OK)
		return 0;
	check_name(p, apex);
	check_name(p, www);
	check_name(p, dmarc);
	check_apex(p, apex);
	q = ldns_pkt_question(p);
	if (ldns_rr_list_rr_count(q) > 0) {
		const ldns_rdf *qn = ldns_rr_owner(ldns_rr_list_rr(q, 0));

		check_name(p, qn);
		check_apex(p, qn);
	}
	ldns_pkt_free(p);
	return 0;
}
