/*
 * dnsanswer.c - the DNS probe's reduction of one reply (dnsanswer.h):
 * pure functions over a parsed reply and names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "dnsanswer.h"
#include "util.h"

ldns_rr_list *
dnsanswer_rrs(const ldns_pkt *p, const ldns_rdf *qname, ldns_rr_type t,
	const ldns_rdf **owner)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	ldns_rr_list *out = ldns_rr_list_new();
	const ldns_rdf *name = qname;
	size_t i, links = 0;

	for (;;) {
		const ldns_rdf *next = NULL;

		for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
			ldns_rr *rr = ldns_rr_list_rr(an, i);

			if (ldns_dname_compare(ldns_rr_owner(rr), name) != 0)
				continue;
			if (ldns_rr_get_type(rr) == t)
				ldns_rr_list_push_rr(out, rr);
			else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    t != LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) > 0)
				next = ldns_rr_rdf(rr, 0);
		}
		if (ldns_rr_list_rr_count(out) > 0 || next == NULL ||
		    ++links > DNS_MAX_CNAME)
			break;
		name = next;
	}
	if (owner != NULL)
		*owner = name;
	return out;
}

ldns_rr_list *
dnsanswer_own_rrs(const ldns_pkt *p, const ldns_rdf *name, ldns_rr_type t)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);

		if (ldns_rr_get_type(rr) == t &&
		    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
			ldns_rr_list_push_rr(out, rr);
	}
	return out;
}

bool
dnsanswer_name_in_zone(const ldns_rdf *name, const ldns_rdf *zone)
{
	return ldns_dname_compare(name, zone) == 0 ||
	    ldns_dname_is_subdomain(name, zone);
}

size_t
dnsanswer_addrs(const ldns_pkt *p, const ldns_rdf *qname, ldns_rr_type t,
    struct netaddr *out, size_t max)
{
	ldns_rr_list *l = dnsanswer_rrs(p, qname, t, NULL);
	enum netaddr_af want = t == LDNS_RR_TYPE_A ? NETADDR_V4 : NETADDR_V6;
	size_t i, n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(l) && n < max; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *rd = ldns_rr_rd_count(rr) > 0 ?
		    ldns_rr_rdf(rr, 0) : NULL;

		if (rd != NULL && netaddr_from_bytes(ldns_rdf_data(rd),
		    ldns_rdf_size(rd), &out[n]) == 0 && out[n].af == want)
			n++;
	}
	ldns_rr_list_free(l);
	return n;
}

size_t
dnsanswer_count(const ldns_pkt *p, const ldns_rdf *qname, ldns_rr_type t)
{
	ldns_rr_list *l = dnsanswer_rrs(p, qname, t, NULL);
	size_t n = ldns_rr_list_rr_count(l);

	ldns_rr_list_free(l);
	return n;
}

bool
dnsanswer_is_negative(const ldns_pkt *p, const ldns_rdf *qname,
	ldns_rr_type t)
{
	return ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN ||
	    (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR &&
	    dnsanswer_count(p, qname, t) == 0);
}

size_t
dnsanswer_txt_join(const ldns_rr *rr, char *buf, size_t cap)
{
	size_t i, len = 0;

	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *rd = ldns_rr_rdf(rr, i);
		const uint8_t *d = ldns_rdf_data(rd);
		size_t sz = ldns_rdf_size(rd), n;

		if (sz < 1)
			continue;
		n = d[0];
		if (n > sz - 1)
			n = sz - 1;
		if (n > cap - len)
			n = cap - len;
		memcpy(buf + len, d + 1, n);
		len += n;
	}
	return len;
}

void
dnsanswer_txts_load(struct dnsanswer_txts *t, const ldns_pkt *p,
	const ldns_rdf *qname)
{
	ldns_rr_list *l = dnsanswer_rrs(p, qname, LDNS_RR_TYPE_TXT, NULL);
	size_t i;

	t->n = 0;
	for (i = 0; i < ldns_rr_list_rr_count(l) && t->n < DNS_MAX_TXT; i++) {
		t->s[t->n] = xmalloc(DNS_MAX_TXT_LEN);
		t->len[t->n] = dnsanswer_txt_join(ldns_rr_list_rr(l, i),
		    t->s[t->n], DNS_MAX_TXT_LEN);
		t->n++;
	}
	ldns_rr_list_free(l);
}

void
dnsanswer_txts_free(struct dnsanswer_txts *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	t->n = 0;
}

void
dnsanswer_numlist(const int *seen, int max, char *buf, size_t cap)
{
	int v;
	size_t len = 0;

	buf[0] = '\0';
	for (v = 0; v < max; v++) {
		if (!seen[v])
			continue;
		len += (size_t)snprintf(buf + len, cap - len, "%s%d",
		    len ? "," : "", v);
		if (len >= cap)
			break;
	}
}

size_t
dnsanswer_field_list(const ldns_pkt *p, const ldns_rdf *apex,
	ldns_rr_type t, char *buf, size_t cap)
{
	ldns_rr_list *l = dnsanswer_own_rrs(p, apex, t);
	size_t i, n = ldns_rr_list_rr_count(l);
	int seen[256] = {0};

	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (ldns_rr_rd_count(rr) >= 3)
			seen[ldns_rdf2native_int8(ldns_rr_rdf(rr, 2))] = 1;
	}
	if (n > 0)
		dnsanswer_numlist(seen, 256, buf, cap);
	ldns_rr_list_free(l);
	return n;
}

const ldns_rdf *
dnsanswer_negative_zone(const ldns_pkt *p, const ldns_rdf *apex)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	const ldns_rr_list *au = ldns_pkt_authority(p);
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(an, i));

		if (t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_DNAME)
			return NULL;
	}
	for (i = 0; i < ldns_rr_list_rr_count(au); i++) {
		ldns_rr *rr = ldns_rr_list_rr(au, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
			return dnsanswer_name_in_zone(apex, ldns_rr_owner(rr)) ?
			    ldns_rr_owner(rr) : NULL;
	}
	return NULL;
}

enum dnsanswer_denial
dnsanswer_denial_scan(const ldns_pkt *p, const ldns_rdf *apex,
	int *iterations)
{
	const ldns_rr_list *au = ldns_pkt_authority(p);
	const ldns_rdf *zone;
	size_t i;

	if ((zone = dnsanswer_negative_zone(p, apex)) == NULL)
		return DNSANSWER_DENIAL_NONE;
	for (i = 0; i < ldns_rr_list_rr_count(au); i++) {
		ldns_rr *rr = ldns_rr_list_rr(au, i);

		if (!dnsanswer_name_in_zone(ldns_rr_owner(rr), zone))
			continue;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC3 &&
		    ldns_rr_rd_count(rr) >= 3) {
			*iterations = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
			return DNSANSWER_DENIAL_NSEC3;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC)
			return DNSANSWER_DENIAL_NSEC;
	}
	return DNSANSWER_DENIAL_NONE;
}

ldns_rdf *
dnsanswer_sub_name(const ldns_rdf *name, const char *prefix)
{
	char *a = ldns_rdf2str(name);
	char buf[LDNS_MAX_DOMAINLEN * 4 + 64];
	ldns_rdf *out = NULL;

	if (a == NULL)
		return NULL;
	if ((size_t)snprintf(buf, sizeof(buf), "%s.%s", prefix, a) <
	    sizeof(buf))
		out = ldns_dname_new_frm_str(buf);
	free(a);
	return out;
}

size_t
dnsanswer_tlsa(const ldns_pkt *p, const ldns_rdf *qname,
    struct tls_tlsa *out, size_t max)
{
	ldns_rr_list *l = dnsanswer_rrs(p, qname, LDNS_RR_TYPE_TLSA, NULL);
	size_t i, k = 0, n = ldns_rr_list_rr_count(l);

	for (i = 0; i < n && k < max; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *d;

		if (ldns_rr_rd_count(rr) != 4)
			continue;
		d = ldns_rr_rdf(rr, 3);
		out[k].usage = ldns_rdf2native_int8(ldns_rr_rdf(rr, 0));
		out[k].selector = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
		out[k].mtype = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
		out[k].data = ldns_rdf_data(d);
		out[k].len = ldns_rdf_size(d);
		k++;
	}
	ldns_rr_list_free(l);
	return k;
}

char *
dnsanswer_name_text(const ldns_rdf *name, char *buf, size_t len)
{
	char *s = ldns_rdf2str(name);
	size_t n;

	snprintf(buf, len, "%s", s != NULL ? s : "");
	free(s);
	n = strlen(buf);
	if (n > 1 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/* --- the same over the wire walker -------------------------------------- */

/* Octets of a and b equal, ASCII case aside (RFC 4343); length octets are
 * at most 63, below 'A', so they compare as themselves. */
bool
dnsanswer_wname_equal(const uint8_t *a, size_t alen, const uint8_t *b,
	size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* name equals zone or lies under it (both uncompressed). */
static bool
wname_in_zone(const uint8_t *name, size_t nlen, const uint8_t *zone,
	size_t zlen)
{
	size_t off = 0;

	while (off < nlen) {
		if (dnsanswer_wname_equal(name + off, nlen - off, zone, zlen))
			return true;
		if (name[off] == 0)
			break;
		off += (size_t)name[off] + 1;
	}
	return false;
}

/* The owner of rr, decompressed. */
static void
w_owner(const struct dnswire_msg *m, const struct dnswire_rr *rr,
	struct dnsanswer_wname *out)
{
	if (dnswire_name_read(m->buf, m->len, rr->owner, m->len, out->b,
	    &out->len, NULL) != DNSWIRE_OK)
		out->len = 0;
}

bool
dnsanswer_w_question(const struct dnswire_msg *m, struct dnsanswer_wname *qn,
	uint16_t *qtype)
{
	struct dnswire_iter it;
	struct dnswire_rr rr;

	if (m->count[DNSWIRE_QUESTION] < 1)
		return false;
	dnswire_iter_init(m, &it);
	if (!dnswire_rr_next(m, &it, &rr))
		return false;
	w_owner(m, &rr, qn);
	*qtype = rr.type;
	return qn->len > 0;
}

/* Position an iterator at the first RR of section sec. */
static void
w_iter_section(const struct dnswire_msg *m, enum dnswire_section sec,
	struct dnswire_iter *it)
{
	it->pos = m->first[sec];
	it->section = sec;
	it->left = m->count[sec];
}

size_t
dnsanswer_w_rrs(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t, struct dnswire_rr *out, size_t max)
{
	struct dnsanswer_wname name, next;
	size_t n = 0, links = 0;

	memcpy(name.b, qname, qlen);
	name.len = qlen;
	for (;;) {
		struct dnswire_iter it;
		struct dnswire_rr rr;
		bool have_next = false;

		w_iter_section(m, DNSWIRE_ANSWER, &it);
		while (dnswire_rr_next(m, &it, &rr) &&
		    rr.section == DNSWIRE_ANSWER) {
			if (!dnswire_name_equal(m, rr.owner, name.b, name.len))
				continue;
			if (rr.type == t) {
				if (n < max)
					out[n] = rr;
				n++;
			} else if (rr.type == LDNS_RR_TYPE_CNAME &&
			    t != LDNS_RR_TYPE_CNAME &&
			    dnswire_rdata_name(m, &rr, next.b, &next.len,
			    NULL)) {
				have_next = true;
			}
		}
		if (n > 0 || !have_next || ++links > DNS_MAX_CNAME)
			break;
		name = next;
	}
	return n;
}

size_t
dnsanswer_w_count(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t)
{
	return dnsanswer_w_rrs(m, qname, qlen, t, NULL, 0);
}

/* Records of one answer looked at by the functions below that read
 * every one: far above what one name has (addresses, TXT strings). */
#define DNSANSWER_W_MAX_RRS 256

size_t
dnsanswer_w_addrs(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t, struct netaddr *out, size_t max)
{
	struct dnswire_rr rrs[DNSANSWER_W_MAX_RRS];
	size_t i, k, n = 0;
	enum netaddr_af want = t == LDNS_RR_TYPE_A ? NETADDR_V4 : NETADDR_V6;

	k = dnsanswer_w_rrs(m, qname, qlen, t, rrs, DNSANSWER_W_MAX_RRS);
	if (k > DNSANSWER_W_MAX_RRS)
		k = DNSANSWER_W_MAX_RRS;
	for (i = 0; i < k && n < max; i++) {
		uint8_t a[16];
		size_t alen;

		if (dnswire_rdata_addr(m, &rrs[i], a, &alen) &&
		    netaddr_from_bytes(a, alen, &out[n]) == 0 &&
		    out[n].af == want)
			n++;
	}
	return n;
}

bool
dnsanswer_w_is_negative(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, uint16_t t)
{
	return m->rcode == LDNS_RCODE_NXDOMAIN ||
	    (m->rcode == LDNS_RCODE_NOERROR &&
	    dnsanswer_w_count(m, qname, qlen, t) == 0);
}

void
dnsanswer_w_txts_load(struct dnsanswer_txts *t, const struct dnswire_msg *m,
	const uint8_t *qname, size_t qlen)
{
	struct dnswire_rr rrs[DNS_MAX_TXT];
	size_t i, k = dnsanswer_w_rrs(m, qname, qlen, LDNS_RR_TYPE_TXT, rrs,
	    DNS_MAX_TXT);

	t->n = 0;
	for (i = 0; i < k && t->n < DNS_MAX_TXT; i++) {
		size_t len = 0;

		t->s[t->n] = xmalloc(DNS_MAX_TXT_LEN);
		if (!dnswire_rdata_txt(m, &rrs[i], (uint8_t *)t->s[t->n],
		    DNS_MAX_TXT_LEN, &len, NULL))
			len = 0;
		t->len[t->n] = len;
		t->n++;
	}
}

size_t
dnsanswer_w_field_list(const struct dnswire_msg *m, const uint8_t *apex,
	size_t alen, uint16_t t, char *buf, size_t cap)
{
	struct dnswire_iter it;
	struct dnswire_rr rr;
	int seen[256] = {0};
	size_t n = 0;

	w_iter_section(m, DNSWIRE_ANSWER, &it);
	while (dnswire_rr_next(m, &it, &rr) && rr.section == DNSWIRE_ANSWER) {
		if (rr.type != t || !dnswire_name_equal(m, rr.owner, apex, alen))
			continue;
		n++;
		/* The octet at field index 2 (DS: digest type, DNSKEY:
		 * algorithm) is the fourth of the rdata. */
		if (rr.rdlen >= 4)
			seen[m->buf[rr.rdata + 3]] = 1;
	}
	if (n > 0)
		dnsanswer_numlist(seen, 256, buf, cap);
	return n;
}

bool
dnsanswer_w_negative_zone(const struct dnswire_msg *m, const uint8_t *apex,
	size_t alen, struct dnsanswer_wname *zone)
{
	struct dnswire_iter it;
	struct dnswire_rr rr;

	w_iter_section(m, DNSWIRE_ANSWER, &it);
	while (dnswire_rr_next(m, &it, &rr) && rr.section == DNSWIRE_ANSWER)
		if (rr.type == LDNS_RR_TYPE_CNAME ||
		    rr.type == LDNS_RR_TYPE_DNAME)
			return false;
	w_iter_section(m, DNSWIRE_AUTHORITY, &it);
	while (dnswire_rr_next(m, &it, &rr) &&
	    rr.section == DNSWIRE_AUTHORITY) {
		if (rr.type != LDNS_RR_TYPE_SOA)
			continue;
		w_owner(m, &rr, zone);
		return zone->len > 0 &&
		    wname_in_zone(apex, alen, zone->b, zone->len);
	}
	return false;
}

enum dnsanswer_denial
dnsanswer_w_denial_scan(const struct dnswire_msg *m, const uint8_t *apex,
	size_t alen, int *iterations)
{
	struct dnsanswer_wname zone, owner;
	struct dnswire_iter it;
	struct dnswire_rr rr;

	if (!dnsanswer_w_negative_zone(m, apex, alen, &zone))
		return DNSANSWER_DENIAL_NONE;
	w_iter_section(m, DNSWIRE_AUTHORITY, &it);
	while (dnswire_rr_next(m, &it, &rr) &&
	    rr.section == DNSWIRE_AUTHORITY) {
		if (rr.type != LDNS_RR_TYPE_NSEC3 &&
		    rr.type != LDNS_RR_TYPE_NSEC)
			continue;
		w_owner(m, &rr, &owner);
		if (!wname_in_zone(owner.b, owner.len, zone.b, zone.len))
			continue;
		/* NSEC3 rdata: hash algorithm, flags, iterations (16 bits). */
		if (rr.type == LDNS_RR_TYPE_NSEC3 && rr.rdlen >= 4) {
			const uint8_t *d = m->buf + rr.rdata;

			*iterations = (d[2] << 8) | d[3];
			return DNSANSWER_DENIAL_NSEC3;
		}
		if (rr.type == LDNS_RR_TYPE_NSEC)
			return DNSANSWER_DENIAL_NSEC;
	}
	return DNSANSWER_DENIAL_NONE;
}

bool
dnsanswer_caa_tag_is(const ldns_rr *rr, const char *tag)
{
	/* ldns keeps the tag with its length octet first. */
	const ldns_rdf *rd = ldns_rr_rd_count(rr) >= 3 ? ldns_rr_rdf(rr, 1) :
	    NULL;
	const uint8_t *d;
	size_t n, tl = strlen(tag);

	if (rd == NULL)
		return false;
	d = ldns_rdf_data(rd);
	n = ldns_rdf_size(rd);
	if (n >= 1 && d[0] == n - 1)
		d++, n--;
	return n == tl && strncasecmp((const char *)d, tag, tl) == 0;
}

/* The CAA tag is tag (ASCII case aside). */
static bool
w_caa_tag_is(const uint8_t *t, size_t tl, const char *tag)
{
	return tl == strlen(tag) && strncasecmp((const char *)t, tag, tl) == 0;
}

size_t
dnsanswer_w_caa(const struct dnswire_msg *m, const uint8_t *qname,
	size_t qlen, bool *issue, bool *iodef)
{
	struct dnswire_rr rrs[DNSANSWER_W_MAX_RRS];
	size_t i, k = dnsanswer_w_rrs(m, qname, qlen, LDNS_RR_TYPE_CAA, rrs,
	    DNSANSWER_W_MAX_RRS);

	*issue = *iodef = false;
	for (i = 0; i < k && i < DNSANSWER_W_MAX_RRS; i++) {
		uint8_t flags;
		const uint8_t *tag, *value;
		size_t tl, vl;

		/* ldns makes two fields of a CAA record with an empty value,
		 * and dnspolicy.c reads the tag of three only. */
		if (!dnswire_rdata_caa(m, &rrs[i], &flags, &tag, &tl, &value,
		    &vl) || vl == 0)
			continue;
		if (w_caa_tag_is(tag, tl, "issue"))
			*issue = true;
		if (w_caa_tag_is(tag, tl, "iodef"))
			*iodef = true;
	}
	return k;
}
