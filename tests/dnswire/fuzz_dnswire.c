/*
 * fuzz_dnswire.c - fuzz target for the wire walker (crawler/dns/dnswire.c):
 * any bytes -> dnswire_parse; for an accepted message, every RR through the
 * iterator and every rdata helper, with the walker's contract asserted:
 * the iterator yields exactly the counted RRs and ends where the check
 * ended, every view lies inside the buffer, every name read is at most
 * DNSWIRE_MAX_NAME octets, every expansion succeeds.  A refused message
 * names a reason and a place inside the buffer.  An accepted message with
 * a question also goes through the DNS probe's reductions over the walker
 * (dnsanswer_w_*, crawler/dns/dnsanswer.c) at the question's name, with
 * their bounds asserted.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "dnsanswer.h"
#include "dnswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for the rdata of one RR with its names decompressed (each 2-octet
 * pointer grows to at most 255 octets). */
#define FUZZ_DNSWIRE_RDATA (65535 * 128)

static uint8_t expanded[FUZZ_DNSWIRE_RDATA];

/* Addresses asked of dnsanswer_w_addrs: as many as the probe keeps. */
#define FUZZ_DNSWIRE_ADDRS 8

/* The probe's reductions at the question's name. */
static void
reductions(const struct dnswire_msg *m)
{
	struct dnsanswer_wname qn, zone;
	struct dnsanswer_txts t;
	struct netaddr a[FUZZ_DNSWIRE_ADDRS];
	struct dnswire_rr rrs[4];
	char list[DNSANSWER_FIELD_LIST_LEN];
	uint16_t qt;
	bool issue, iodef;
	int it = 0;
	size_t i;

	if (!dnsanswer_w_question(m, &qn, &qt))
		return;
	if (qn.len > DNSWIRE_MAX_NAME)
		abort();
	(void)dnsanswer_w_rrs(m, qn.b, qn.len, qt, rrs, 4);
	(void)dnsanswer_w_count(m, qn.b, qn.len, LDNS_RR_TYPE_NS);
	if (dnsanswer_w_addrs(m, qn.b, qn.len, LDNS_RR_TYPE_A, a,
	    FUZZ_DNSWIRE_ADDRS) > FUZZ_DNSWIRE_ADDRS ||
	    dnsanswer_w_addrs(m, qn.b, qn.len, LDNS_RR_TYPE_AAAA, a,
	    FUZZ_DNSWIRE_ADDRS) > FUZZ_DNSWIRE_ADDRS)
		abort();
	(void)dnsanswer_w_is_negative(m, qn.b, qn.len, qt);
	dnsanswer_w_txts_load(&t, m, qn.b, qn.len);
	for (i = 0; i < t.n; i++)
		if (t.len[i] > DNS_MAX_TXT_LEN)
			abort();
	dnsanswer_txts_free(&t);
	(void)dnsanswer_w_field_list(m, qn.b, qn.len, LDNS_RR_TYPE_DS, list,
	    sizeof(list));
	if (dnsanswer_w_negative_zone(m, qn.b, qn.len, &zone) &&
	    zone.len > DNSWIRE_MAX_NAME)
		abort();
	(void)dnsanswer_w_denial_scan(m, qn.b, qn.len, &it);
	(void)dnsanswer_w_caa(m, qn.b, qn.len, &issue, &iodef);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnswire_msg m;
	struct dnswire_iter it;
	struct dnswire_rr rr;
	uint8_t name[DNSWIRE_MAX_NAME], txt[64];
	size_t n, total, seen = 0;
	enum dnswire_err e = dnswire_parse(&m, data, size);

	if (e != DNSWIRE_OK) {
		if (dnswire_strerror(e)[0] == '\0' ||
		    (m.err_off > size && size >= DNSWIRE_HEADER_LEN))
			abort();
		return 0;
	}
	total = (size_t)m.count[0] + m.count[1] + m.count[2] + m.count[3];
	dnswire_iter_init(&m, &it);
	while (dnswire_rr_next(&m, &it, &rr)) {
		const uint8_t *tag, *value;
		size_t tl, vl;
		uint8_t flags;
		uint16_t pref;
		bool cut;

		seen++;
		if (dnswire_name_read(data, size, rr.owner, size, name, &n,
		    NULL) != DNSWIRE_OK || n > DNSWIRE_MAX_NAME)
			abort();
		if ((size_t)rr.rdata + rr.rdlen > size)
			abort();
		if (rr.section == DNSWIRE_QUESTION)
			continue;
		if (dnswire_rdata_expand(&m, &rr, expanded,
		    sizeof(expanded)) == (size_t)-1)
			abort();
		if (dnswire_rdata_addr(&m, &rr, name, &n) && n != 4 && n != 16)
			abort();
		if (dnswire_rdata_name(&m, &rr, name, &n, &pref) &&
		    n > DNSWIRE_MAX_NAME)
			abort();
		if (dnswire_rdata_txt(&m, &rr, txt, sizeof(txt), &n, &cut) &&
		    n > sizeof(txt))
			abort();
		if (dnswire_rdata_caa(&m, &rr, &flags, &tag, &tl, &value,
		    &vl) && (tag < data || value + vl > data + size))
			abort();
	}
	if (seen != total || it.pos != m.end)
		abort();
	reductions(&m);
	return 0;
}
