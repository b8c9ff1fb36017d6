/*
 * dnssec_util.c - names, algorithms, times and RR field access for the
 * validator.  Wire-format names are handled here rather than with
 * ldns_dname_* because those assert on unexpected input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnssec_int.h"
#include "util.h"

static uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Split wire[0..len) into labels; 0 or -1 when malformed. */
static int
split(const uint8_t *wire, size_t len, uint8_t off[VAL_MAX_LABELS + 1],
    unsigned *nlabels)
{
	size_t pos = 0;
	unsigned n = 0;

	if (len == 0 || len > VAL_MAX_NAME_WIRE)
		return -1;
	for (;;) {
		uint8_t l;

		if (pos >= len || n > VAL_MAX_LABELS)
			return -1;
		l = wire[pos];
		if (off != NULL)
			off[n] = (uint8_t)pos;
		if (l == 0)
			break;
		if (l > 63 || pos + 1 + l >= len)
			return -1;
		pos += 1 + (size_t)l;
		n++;
	}
	if (pos + 1 != len)
		return -1;
	*nlabels = n;
	return 0;
}

static bool
is_dname(const ldns_rdf *name)
{
	return name != NULL && ldns_rdf_get_type(name) == LDNS_RDF_TYPE_DNAME &&
	    ldns_rdf_data(name) != NULL;
}

int
val_name_set(struct val_name *n, const ldns_rdf *name)
{
	size_t i;

	if (!is_dname(name) || ldns_rdf_size(name) > VAL_MAX_NAME_WIRE)
		return -1;
	n->len = ldns_rdf_size(name);
	memcpy(n->wire, ldns_rdf_data(name), n->len);
	if (split(n->wire, n->len, n->off, &n->nlabels) != 0)
		return -1;
	for (i = 0; i < n->nlabels; i++) {
		size_t p = n->off[i], l = n->wire[p], k;

		for (k = 1; k <= l; k++)
			n->wire[p + k] = lower(n->wire[p + k]);
	}
	return 0;
}

int
val_name_count(const ldns_rdf *name)
{
	unsigned n;

	if (!is_dname(name) ||
	    split(ldns_rdf_data(name), ldns_rdf_size(name), NULL, &n) != 0)
		return -1;
	return (int)n;
}

/* Compare one label each (length-prefixed), case-insensitively. */
static int
label_cmp(const uint8_t *a, const uint8_t *b)
{
	size_t la = a[0], lb = b[0], i;

	for (i = 0; i < la && i < lb; i++) {
		uint8_t ca = lower(a[1 + i]), cb = lower(b[1 + i]);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (la != lb)
		return la < lb ? -1 : 1;
	return 0;
}

int
val_name_cmp(const ldns_rdf *a, const ldns_rdf *b)
{
	uint8_t oa[VAL_MAX_LABELS + 1], ob[VAL_MAX_LABELS + 1];
	unsigned na, nb;
	const uint8_t *wa, *wb;

	/* Malformed names sort first and equal each other: callers check
	 * names before ordering them, this only keeps it total. */
	if (!is_dname(a) ||
	    split(ldns_rdf_data(a), ldns_rdf_size(a), oa, &na) != 0)
		na = 0, oa[0] = 0, wa = (const uint8_t *)"";
	else
		wa = ldns_rdf_data(a);
	if (!is_dname(b) ||
	    split(ldns_rdf_data(b), ldns_rdf_size(b), ob, &nb) != 0)
		nb = 0, ob[0] = 0, wb = (const uint8_t *)"";
	else
		wb = ldns_rdf_data(b);
	while (na > 0 && nb > 0) {
		int c = label_cmp(wa + oa[na - 1], wb + ob[nb - 1]);

		if (c != 0)
			return c;
		na--;
		nb--;
	}
	if (na == nb)
		return 0;
	return na < nb ? -1 : 1;
}

bool
val_name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return is_dname(a) && is_dname(b) &&
	    ldns_rdf_size(a) == ldns_rdf_size(b) && val_name_cmp(a, b) == 0;
}

bool
val_name_is_sub(const ldns_rdf *sub, const ldns_rdf *parent)
{
	int ns = val_name_count(sub), np = val_name_count(parent);
	ldns_rdf *anc;
	bool r;

	if (ns < 0 || np < 0 || ns < np)
		return false;
	anc = val_name_ancestor(sub, (unsigned)np);
	r = anc != NULL && val_name_eq(anc, parent);
	ldns_rdf_deep_free(anc);
	return r;
}

ldns_rdf *
val_name_ancestor(const ldns_rdf *name, unsigned keep)
{
	uint8_t off[VAL_MAX_LABELS + 1];
	unsigned n;
	size_t start;

	if (!is_dname(name) ||
	    split(ldns_rdf_data(name), ldns_rdf_size(name), off, &n) != 0 ||
	    keep > n)
		return NULL;
	start = off[n - keep];
	return ldns_dname_new_frm_data((uint16_t)(ldns_rdf_size(name) - start),
	    ldns_rdf_data(name) + start);
}

bool
val_name_is_wildcard(const ldns_rdf *name)
{
	const uint8_t *w;

	if (val_name_count(name) < 1)
		return false;
	w = ldns_rdf_data(name);
	return w[0] == 1 && w[1] == '*';
}

bool
val_alg_supported(uint8_t alg)
{
	switch (alg) {
	case LDNS_RSASHA1:
	case LDNS_RSASHA1_NSEC3:
	case LDNS_RSASHA256:
	case LDNS_RSASHA512:
	case LDNS_ECDSAP256SHA256:
	case LDNS_ECDSAP384SHA384:
#if LDNS_BUILD_CONFIG_USE_ED25519
	case LDNS_ED25519:
#endif
#if LDNS_BUILD_CONFIG_USE_ED448
	case LDNS_ED448:
#endif
		return true;
	default:
		return false;
	}
}

bool
val_digest_supported(uint8_t digest)
{
	return digest == LDNS_SHA1 || digest == LDNS_SHA256 ||
	    digest == LDNS_SHA384;
}

enum val_time
val_time_check(uint32_t inception, uint32_t expiration, time_t now)
{
	uint32_t n = (uint32_t)(uint64_t)now;

	/* RFC 1982: a < b when (b - a) mod 2^32 is in (0, 2^31). */
	if ((uint32_t)(n - inception) >= 0x80000000u)
		return VAL_TIME_NOT_YET;
	if ((uint32_t)(expiration - n) >= 0x80000000u)
		return VAL_TIME_EXPIRED;
	return VAL_TIME_OK;
}

const ldns_rdf *
val_rr_field(const ldns_rr *rr, size_t i, ldns_rdf_type t)
{
	const ldns_rdf *f;

	if (rr == NULL || i >= ldns_rr_rd_count(rr))
		return NULL;
	f = ldns_rr_rdf(rr, i);
	if (f == NULL || ldns_rdf_get_type(f) != t || ldns_rdf_data(f) == NULL)
		return NULL;
	return f;
}

static const uint8_t *
field_bytes(const ldns_rr *rr, size_t i, size_t want)
{
	const ldns_rdf *f;

	if (rr == NULL || i >= ldns_rr_rd_count(rr))
		return NULL;
	f = ldns_rr_rdf(rr, i);
	if (f == NULL || ldns_rdf_size(f) != want || ldns_rdf_data(f) == NULL)
		return NULL;
	return ldns_rdf_data(f);
}

bool
val_rr_u8(const ldns_rr *rr, size_t i, uint8_t *out)
{
	const uint8_t *p = field_bytes(rr, i, 1);

	if (p == NULL)
		return false;
	*out = p[0];
	return true;
}

bool
val_rr_u16(const ldns_rr *rr, size_t i, uint16_t *out)
{
	const uint8_t *p = field_bytes(rr, i, 2);

	if (p == NULL)
		return false;
	*out = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

bool
val_rr_u32(const ldns_rr *rr, size_t i, uint32_t *out)
{
	const uint8_t *p = field_bytes(rr, i, 4);

	if (p == NULL)
		return false;
	*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return true;
}
