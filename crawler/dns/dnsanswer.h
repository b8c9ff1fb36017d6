/*
 * dnsanswer.h - the DNS probe's reduction of one reply to the facts a row
 * needs: the records answering a name (CNAMEs followed, bounded), a zone's
 * own records, TXT records joined for the mail-policy parsers, the zone
 * that served a negative answer and the denial records it holds.  Pure
 * functions over a parsed reply (const ldns_pkt *) and names: no job, no
 * row, no I/O, so they are fuzzed (tests/fuzz/fuzz_dnsanswer.c).
 */
#ifndef UPTAKE_CRAWLER_DNSANSWER_H
#define UPTAKE_CRAWLER_DNSANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include <ldns/ldns.h>

#include "dnswire.h"
#include "mailpol.h"
#include "netaddr.h"
#include "tlsa.h"

/* CNAME links followed in one answer: real chains are one to three long
 * (a CDN's); a loop or a chain past this is cut. */
#define DNS_MAX_CNAME 8

/* TXT records looked at per name, and bytes of one joined record. */
#define DNS_MAX_TXT 16
#define DNS_MAX_TXT_LEN MAILPOL_MAX_RECORD

/*
 * Buffer the probe gives dnsanswer_field_list: the few digest types or
 * algorithms a real zone lists fit many times over; all 256 one-octet
 * values would not, and the list is cut there (dnsanswer_numlist).
 */
#define DNSANSWER_FIELD_LIST_LEN 256

/*
 * The RRs of type t answering qname in p, following CNAMEs inside the
 * answer section (at most DNS_MAX_CNAME links).  The list holds
 * pointers into p (free it with ldns_rr_list_free, not deep).  *owner
 * (may be NULL): the name the records are at (borrowed from p or qname).
 */
ldns_rr_list *dnsanswer_rrs(const ldns_pkt *p, const ldns_rdf *qname,
	ldns_rr_type t, const ldns_rdf **owner);

/*
 * The RRs of type t owned by name itself in p's answer, no CNAME followed:
 * a zone's own records (DS, DNSKEY), which a CNAME at the name cannot
 * stand for.  Pointers into p, as dnsanswer_rrs.
 */
ldns_rr_list *dnsanswer_own_rrs(const ldns_pkt *p, const ldns_rdf *name,
	ldns_rr_type t);

/*
 * The addresses of the A or AAAA records (t) answering qname in p, as
 * dnsanswer_rrs finds them, decoded into out[0..max): the ones whose data
 * is not an address of t's family are skipped.  Returns how many.
 */
size_t dnsanswer_addrs(const ldns_pkt *p, const ldns_rdf *qname,
	ldns_rr_type t, struct netaddr *out, size_t max);

/* The number of RRs dnsanswer_rrs returns. */
size_t dnsanswer_count(const ldns_pkt *p, const ldns_rdf *qname,
	ldns_rr_type t);

/*
 * The TLSA records answering qname (at most max), their data pointing
 * into p: valid while p lives.  Returns how many.
 */
size_t dnsanswer_tlsa(const ldns_pkt *p, const ldns_rdf *qname,
	struct tls_tlsa *out, size_t max);
/* Longest presentation form of a name: every octet escaped (\DDD). */
#define DNSANSWER_NAME_TEXT (LDNS_MAX_DOMAINLEN * 4 + 1)
/*
 * The presentation form of name without its final dot ("." stays "."),
 * into buf (DNSANSWER_NAME_TEXT bytes hold any name); "" when ldns
 * cannot print it.  Returns buf.
 */
char *dnsanswer_name_text(const ldns_rdf *name, char *buf, size_t len);
/* prefix + "." + name (e.g. "_25._tcp" and an MX host), or NULL when
 * too long.  The caller frees it (ldns_rdf_deep_free). */
ldns_rdf *dnsanswer_sub_name(const ldns_rdf *name, const char *prefix);
/* name equals zone or lies under it. */
bool dnsanswer_name_in_zone(const ldns_rdf *name, const ldns_rdf *zone);

/* NXDOMAIN, or NOERROR with no RR of type t answering qname. */
bool dnsanswer_is_negative(const ldns_pkt *p, const ldns_rdf *qname,
	ldns_rr_type t);

/* A CAA record's tag (rdata field 1) is tag (case-insensitive, RFC 8659
 * 4.1); false for a record of fewer than three fields (ldns makes two of
 * one with an empty value). */
bool dnsanswer_caa_tag_is(const ldns_rr *rr, const char *tag);

/* Join the character-strings of a TXT RR into buf (at most cap bytes, not
 * terminated); returns the length. */
size_t dnsanswer_txt_join(const ldns_rr *rr, char *buf, size_t cap);

/* The TXT records answering a name, joined, for the mail policy parsers. */
struct dnsanswer_txts {
	char *s[DNS_MAX_TXT];		/* owned, DNS_MAX_TXT_LEN bytes each */
	size_t len[DNS_MAX_TXT];
	size_t n;
};

/* Load the first DNS_MAX_TXT TXT records answering qname in p into t;
 * free with dnsanswer_txts_free. */
void dnsanswer_txts_load(struct dnsanswer_txts *t, const ldns_pkt *p,
	const ldns_rdf *qname);
void dnsanswer_txts_free(struct dnsanswer_txts *t);

/* Sorted distinct small numbers (seen[v] != 0, v < max) as "a,b,c" into
 * buf (cap > 0; cut at cap). */
void dnsanswer_numlist(const int *seen, int max, char *buf, size_t cap);

/*
 * The sorted distinct values of the one-octet field at rdata index 2 of
 * apex's own records of type t in p (DS: digest type; DNSKEY: algorithm),
 * as dnsanswer_numlist into buf (cap > 0), which is left alone when there
 * are no records.  Returns the number of records.
 */
size_t dnsanswer_field_list(const ldns_pkt *p, const ldns_rdf *apex,
	ldns_rr_type t, char *buf, size_t cap);

/*
 * The zone that served a negative answer, when it is the listed domain's
 * (apex) own: no CNAME or DNAME in the answer (a chain would end in
 * another zone), and a SOA in the authority section at the apex or above
 * it (the apex's zone, or the zone holding a name that is not a zone
 * cut).  NULL otherwise.  Borrowed from p.
 */
const ldns_rdf *dnsanswer_negative_zone(const ldns_pkt *p,
	const ldns_rdf *apex);

/* The authenticated denial a negative answer shows. */
enum dnsanswer_denial {
	DNSANSWER_DENIAL_NONE = 0,
	DNSANSWER_DENIAL_NSEC,
	DNSANSWER_DENIAL_NSEC3,
};

/*
 * The first denial record (NSEC, or NSEC3 with its iterations in
 * *iterations) in the authority section of p, inside the zone
 * dnsanswer_negative_zone(p, apex) finds (docs/dnssec.md: `denial` never
 * comes from a zone met on the way); NONE when there is none or no such
 * zone.  *iterations is set only for NSEC3.
 */
enum dnsanswer_denial dnsanswer_denial_scan(const ldns_pkt *p,
	const ldns_rdf *apex, int *iterations);

/*
 * The same reductions over the wire walker's view of a reply (issue 20
 * point 2, docs/dns.md "Reading replies in place"): what the DNS probe
 * reads without an ldns packet.  Names are given uncompressed, as on the
 * wire (an ldns_rdf's data, or what dnswire_name_read writes), compared
 * case-insensitively as ldns_dname_compare compares them for equality.
 * Each function gives what its ldns twin above gives for the same bytes
 * (tests/dnswire: every captured reply and the mutants both parsers
 * accept).
 */

/* A name in uncompressed wire form. */
struct dnsanswer_wname {
	uint8_t b[DNSWIRE_MAX_NAME];
	size_t len;
};

/* Two uncompressed names are equal (ASCII case aside, RFC 4343). */
bool dnsanswer_wname_equal(const uint8_t *a, size_t alen, const uint8_t *b,
	size_t blen);

/* The question's name and type of a checked message with one question;
 * false when it has none. */
bool dnsanswer_w_question(const struct dnswire_msg *m,
	struct dnsanswer_wname *qn, uint16_t *qtype);

/*
 * dnsanswer_rrs: the RRs of type t answering qname, CNAMEs followed in
 * the answer section (at most DNS_MAX_CNAME links).  The first max of
 * them into out (may be NULL with max 0); returns how many there are.
 */
size_t dnsanswer_w_rrs(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t, struct dnswire_rr *out, size_t max);
/* dnsanswer_count. */
size_t dnsanswer_w_count(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t);
/* dnsanswer_addrs. */
size_t dnsanswer_w_addrs(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t, struct netaddr *out, size_t max);
/* dnsanswer_is_negative. */
bool dnsanswer_w_is_negative(const struct dnswire_msg *m,
	const uint8_t *qname, size_t qlen, uint16_t t);
/* dnsanswer_txts_load. */
void dnsanswer_w_txts_load(struct dnsanswer_txts *t,
	const struct dnswire_msg *m, const uint8_t *qname, size_t qlen);
/* dnsanswer_field_list. */
size_t dnsanswer_w_field_list(const struct dnswire_msg *m,
	const uint8_t *apex, size_t alen, uint16_t t, char *buf, size_t cap);
/* dnsanswer_negative_zone: true with the zone's name in *zone. */
bool dnsanswer_w_negative_zone(const struct dnswire_msg *m,
	const uint8_t *apex, size_t alen, struct dnsanswer_wname *zone);
/* dnsanswer_denial_scan. */
enum dnsanswer_denial dnsanswer_w_denial_scan(const struct dnswire_msg *m,
	const uint8_t *apex, size_t alen, int *iterations);
/*
 * The CAA records answering qname (CNAMEs followed): how many, and
 * whether an "issue" and an "iodef" property (tag compared
 * case-insensitively) are among those with a value, as
 * crawler/policy/dnspolicy.c reads them from an ldns packet.
 */
size_t dnsanswer_w_caa(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, bool *issue, bool *iodef);

#endif
