/*
 * test_query.c - the query wire form (crawler/engine/query.c build_query): byte
 * for byte what ldns_pkt2wire writes for the same query (RD, CD, one
 * question, EDNS0 with our UDP size and DO), for every type the crawler
 * asks and names of every shape, and a reply-shaped parse back by ldns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "query.h"
#include "tap.h"

static const char *names[] = {
	"example.com.", "www.example.com.", "a.b.c.d.e.f.example.",
	"xn--bcher-kva.de.", "_dmarc.example.org.", "_25._tcp.mx1.example.net.",
	"uptake-denial-probe-7f3a.example.se.", ".",
	/* 63-octet label, 253-octet name */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.",
	"a123456789a123456789a123456789a123456789a123456789a123456789abc."
	"b123456789a123456789a123456789a123456789a123456789a123456789abc."
	"c123456789a123456789a123456789a123456789a123456789a123456789abc."
	"d123456789a123456789a123456789a123456789a123456789a1234567.",
};

static const ldns_rr_type types[] = {
	LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_NS,
	LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_CAA, 65 /* HTTPS */,
	LDNS_RR_TYPE_DS, LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_TLSA,
	LDNS_RR_TYPE_NSEC3PARAM,
};

int
main(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ldns_rdf *name = NULL;

		if (!tap_ok(ldns_str2rdf_dname(&name, names[i]) ==
		    LDNS_STATUS_OK, "%s parses", names[i]))
			continue;
		for (j = 0; j < sizeof(types) / sizeof(types[0]); j++) {
			uint16_t id = (uint16_t)(i * 4099 + j * 257 + 1);
			ldns_pkt *ref = ldns_pkt_query_new(ldns_rdf_clone(name),
			    types[j], LDNS_RR_CLASS_IN, LDNS_RD | LDNS_CD);
			uint8_t *want = NULL, *got = NULL;
			size_t wlen = 0, glen = 0;
			ldns_pkt *back = NULL;

			ldns_pkt_set_id(ref, id);
			ldns_pkt_set_edns_udp_size(ref, QUERY_EDNS_BUFSIZE);
			ldns_pkt_set_edns_do(ref, true);
			ldns_pkt2wire(&want, ref, &wlen);
			tap_ok(query_wire(name, types[j], id, &got, &glen),
			    "%s type %u: built", names[i], (unsigned)types[j]);
			tap_ok(got != NULL && glen == wlen &&
			    memcmp(got, want, wlen) == 0,
			    "%s type %u: the bytes of ldns_pkt2wire (%zu, %zu)",
			    names[i], (unsigned)types[j], glen, wlen);
			tap_ok(got != NULL && ldns_wire2pkt(&back, got, glen) ==
			    LDNS_STATUS_OK && ldns_pkt_id(back) == id &&
			    ldns_pkt_rd(back) && ldns_pkt_cd(back) &&
			    !ldns_pkt_qr(back) && ldns_pkt_edns_do(back) &&
			    ldns_pkt_edns_udp_size(back) == QUERY_EDNS_BUFSIZE &&
			    ldns_pkt_qdcount(back) == 1,
			    "%s type %u: ldns reads it back", names[i],
			    (unsigned)types[j]);
			ldns_pkt_free(back);
			ldns_pkt_free(ref);
			free(want);
			free(got);
		}
		ldns_rdf_deep_free(name);
	}
	return tap_done();
}
