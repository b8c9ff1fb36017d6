/*
 * dnsanswer.c - the DNS probe's reduction of one reply (dnsanswer.h):
 * pure functions over a parsed reply and names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
