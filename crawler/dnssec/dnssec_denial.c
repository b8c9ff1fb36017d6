/*
 * dnssec_denial.c - authenticated denial of existence: NSEC (RFC 4035
 * 5.4, RFC 6840 4.1 and 4.3) and NSEC3 (RFC 5155 8, 9.2; RFC 9276).
 *
 * The records given here have been verified already (their RRSIGs by the
 * zone's keys); this file only decides what they prove.  Records of other
 * zones, malformed ones and NSEC3 RRs with unknown hash algorithms or
 * flags are ignored (RFC 5155 8.1, 8.2).  Work is bounded: at most
 * VAL_MAX_DENIAL_RRS records and VAL_MAX_NSEC3_HASHES hashes per proof.
 */
#include "config.h"

#include <string.h>

#include <ldns/sha1.h>

#include "dnssec_int.h"

#define NSEC3_HASH_SHA1 1
#define NSEC3_FLAG_OPTOUT 0x01
/* base32hex of a 20-octet hash */
#define NSEC3_LABEL_LEN 32

/* --- type bitmaps --------------------------------------------------------- */

static bool
bitmap_has(const ldns_rdf *bm, uint16_t type)
{
	const uint8_t *d;
	size_t size, pos = 0;

	if (bm == NULL || ldns_rdf_data(bm) == NULL)
		return false;
	d = ldns_rdf_data(bm);
	size = ldns_rdf_size(bm);
	while (pos + 2 <= size) {
		uint8_t win = d[pos], len = d[pos + 1];

		if (len == 0 || len > 32 || pos + 2 + len > size)
			return false;
		if (win == (type >> 8)) {
			size_t byte = (type & 0xff) >> 3;

			if (byte >= len)
				return false;
			return (d[pos + 2 + byte] & (0x80 >> (type & 7))) != 0;
		}
		pos += 2 + (size_t)len;
	}
	return false;
}

/* A delegation seen from the parent side (RFC 6840 4.1): NS without SOA. */
static bool
bitmap_is_delegation(const ldns_rdf *bm)
{
	return bitmap_has(bm, LDNS_RR_TYPE_NS) && !bitmap_has(bm, LDNS_RR_TYPE_SOA);
}

/* Data of qtype (or a CNAME instead) is claimed by the bitmap. */
static bool
bitmap_claims(const ldns_rdf *bm, ldns_rr_type qtype)
{
	return bitmap_has(bm, (uint16_t)qtype) ||
	    bitmap_has(bm, LDNS_RR_TYPE_CNAME);
}

/*
 * What an NSEC or NSEC3 record matching name itself (with this type
 * bitmap) proves.  The name exists: no NXDOMAIN; NODATA when the bitmap
 * lacks the type and CNAME, and is not the parent side of a cut (which
 * proves only DS absence).
 */
static enum val_proof
match_proof(const ldns_rdf *bm, const ldns_rdf *name, ldns_rr_type qtype,
    bool nxdomain)
{
	if (nxdomain || bitmap_claims(bm, qtype))
		return VAL_PROOF_FAIL;
	if (qtype == LDNS_RR_TYPE_DS) {
		if (bitmap_has(bm, LDNS_RR_TYPE_SOA) &&
		    val_name_count(name) > 0)
			return VAL_PROOF_FAIL;
		return VAL_PROOF_OK;
	}
	if (bitmap_is_delegation(bm))
		return VAL_PROOF_FAIL;
	return VAL_PROOF_OK;
}

/* Labels name and other share from the right. */
static unsigned
common_labels(const ldns_rdf *a, const ldns_rdf *b)
{
	int na = val_name_count(a), nb = val_name_count(b);
	unsigned k, max;

	if (na < 0 || nb < 0)
		return 0;
	max = (unsigned)(na < nb ? na : nb);
	for (k = max; k > 0; k--) {
		ldns_rdf *x = val_name_ancestor(a, k), *y = val_name_ancestor(b, k);
		bool eq = x != NULL && y != NULL && val_name_eq(x, y);

		ldns_rdf_deep_free(x);
		ldns_rdf_deep_free(y);
		if (eq)
			return k;
	}
	return 0;
}

/* "*." + name, or NULL. */
static ldns_rdf *
wildcard_of(const ldns_rdf *name)
{
	uint8_t buf[VAL_MAX_NAME_WIRE];
	size_t len = ldns_rdf_size(name);

	if (val_name_count(name) < 0 || len + 2 > VAL_MAX_NAME_WIRE)
		return NULL;
	buf[0] = 1;
	buf[1] = '*';
	memcpy(buf + 2, ldns_rdf_data(name), len);
	return ldns_dname_new_frm_data((uint16_t)(len + 2), buf);
}

/* --- NSEC ----------------------------------------------------------------- */

struct nsec {
	const ldns_rdf *owner, *next, *bitmap;
};

/* Usable NSEC RRs of zone, at most VAL_MAX_DENIAL_RRS. */
static size_t
nsec_collect(const ldns_rr_list *list, const ldns_rdf *zone,
    struct nsec out[VAL_MAX_DENIAL_RRS])
{
	size_t i, n = 0, count = list ? ldns_rr_list_rr_count(list) : 0;

	for (i = 0; i < count && n < VAL_MAX_DENIAL_RRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		const ldns_rdf *next;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC)
			continue;
		next = val_rr_field(rr, 0, LDNS_RDF_TYPE_DNAME);
		if (next == NULL || !val_name_is_sub(ldns_rr_owner(rr), zone) ||
		    !val_name_is_sub(next, zone))
			continue;
		out[n].owner = ldns_rr_owner(rr);
		out[n].next = next;
		out[n].bitmap = ldns_rr_rd_count(rr) > 1 ?
		    val_rr_field(rr, 1, LDNS_RDF_TYPE_BITMAP) : NULL;
		n++;
	}
	return n;
}

/* owner < name < next in canonical order; the last NSEC wraps to the apex. */
static bool
nsec_covers(const struct nsec *s, const ldns_rdf *name)
{
	if (val_name_cmp(s->owner, name) >= 0)
		return false;
	if (val_name_cmp(s->next, s->owner) <= 0)
		return true;
	return val_name_cmp(name, s->next) < 0;
}

/* The NSEC covering name, skipping ones that say name is under a cut or
 * a DNAME above it (RFC 6840 4.1): those prove nothing below them. */
static const struct nsec *
nsec_find_cover(const struct nsec *s, size_t n, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!nsec_covers(&s[i], name))
			continue;
		if (val_name_is_sub(name, s[i].owner) &&
		    (bitmap_is_delegation(s[i].bitmap) ||
		    bitmap_has(s[i].bitmap, LDNS_RR_TYPE_DNAME)))
			continue;
		return &s[i];
	}
	return NULL;
}

static const struct nsec *
nsec_find_match(const struct nsec *s, size_t n, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (val_name_eq(s[i].owner, name))
			return &s[i];
	return NULL;
}

/* Closest encloser of a name that the covering NSEC c proves absent. */
static ldns_rdf *
nsec_closest_encloser(const struct nsec *c, const ldns_rdf *name)
{
	unsigned a = common_labels(name, c->owner);
	unsigned b = common_labels(name, c->next);

	return val_name_ancestor(name, a > b ? a : b);
}

/* *match: the NSEC at name when that proved it. */
static enum val_proof
nsec_prove(const ldns_rdf *name, ldns_rr_type qtype, bool nxdomain,
    const struct nsec *s, size_t n, const struct nsec **match)
{
	const struct nsec *m, *c, *w;
	ldns_rdf *ce, *wc;
	enum val_proof r = VAL_PROOF_FAIL;

	m = nsec_find_match(s, n, name);
	*match = m;
	if (m != NULL)
		return match_proof(m->bitmap, name, qtype, nxdomain);
	c = nsec_find_cover(s, n, name);
	if (c == NULL)
		return VAL_PROOF_FAIL;
	/* An empty non-terminal: the next name is below the name. */
	if (val_name_is_sub(c->next, name) && !val_name_eq(c->next, name))
		return nxdomain ? VAL_PROOF_FAIL : VAL_PROOF_OK;
	ce = nsec_closest_encloser(c, name);
	wc = ce != NULL ? wildcard_of(ce) : NULL;
	if (wc == NULL)
		goto out;
	if (nxdomain) {
		/* No wildcard at the closest encloser either. */
		if (nsec_find_match(s, n, wc) == NULL &&
		    nsec_find_cover(s, n, wc) != NULL)
			r = VAL_PROOF_OK;
	} else {
		/* Wildcard NODATA (RFC 4035 3.1.3.4). */
		w = nsec_find_match(s, n, wc);
		if (w != NULL && !bitmap_claims(w->bitmap, qtype))
			r = VAL_PROOF_OK;
	}
out:
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(wc);
	return r;
}

/* --- NSEC3 ---------------------------------------------------------------- */

struct nsec3 {
	uint8_t owner[VAL_NSEC3_HASH_LEN];
	uint8_t next[VAL_NSEC3_HASH_LEN];
	uint8_t flags;
	const ldns_rdf *bitmap;
};

struct nsec3_set {
	struct nsec3 rr[VAL_MAX_DENIAL_RRS];
	size_t n;
	uint16_t iterations;
	uint8_t salt[256];
	size_t saltlen;
	const ldns_rdf *zone;
	unsigned hashes;		/* computed so far */
};

static int
b32hex_val(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	return -1;
}

/* The hash in an NSEC3 owner's first label (32 base32hex characters). */
static bool
nsec3_owner_hash(const ldns_rdf *owner, uint8_t out[VAL_NSEC3_HASH_LEN])
{
	const uint8_t *w;
	unsigned acc = 0, bits = 0;
	size_t i, o = 0;

	if (val_name_count(owner) < 1)
		return false;
	w = ldns_rdf_data(owner);
	if (w[0] != NSEC3_LABEL_LEN)
		return false;
	for (i = 0; i < NSEC3_LABEL_LEN; i++) {
		int v = b32hex_val(w[1 + i]);

		if (v < 0)
			return false;
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return o == VAL_NSEC3_HASH_LEN;
}

bool
val_nsec3_hash(const ldns_rdf *name, uint16_t iterations, const uint8_t *salt,
    size_t saltlen, uint8_t out[VAL_NSEC3_HASH_LEN])
{
	struct val_name n;
	uint8_t buf[VAL_MAX_NAME_WIRE + 256];
	unsigned k;

	if (val_name_set(&n, name) != 0 || saltlen > 255)
		return false;
	memcpy(buf, n.wire, n.len);
	memcpy(buf + n.len, salt, saltlen);
	ldns_sha1(buf, (unsigned)(n.len + saltlen), out);
	for (k = 0; k < iterations; k++) {
		memcpy(buf, out, VAL_NSEC3_HASH_LEN);
		memcpy(buf + VAL_NSEC3_HASH_LEN, salt, saltlen);
		ldns_sha1(buf, (unsigned)(VAL_NSEC3_HASH_LEN + saltlen), out);
	}
	return true;
}

/*
 * Usable NSEC3 RRs of zone, all with the parameters of the first usable
 * one.  Returns false when the iteration count is above the limit.
 */
static bool
nsec3_collect(const ldns_rr_list *list, const ldns_rdf *zone,
    struct nsec3_set *set)
{
	size_t i, count = list ? ldns_rr_list_rr_count(list) : 0;
	int zl = val_name_count(zone);
	bool have_params = false;

	set->n = 0;
	set->zone = zone;
	set->hashes = 0;
	for (i = 0; i < count && set->n < VAL_MAX_DENIAL_RRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		const ldns_rdf *salt, *next;
		struct nsec3 *e = &set->rr[set->n];
		uint8_t alg, flags;
		uint16_t iter;
		ldns_rdf *parent;
		bool inzone;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3 ||
		    val_name_count(ldns_rr_owner(rr)) != zl + 1)
			continue;
		parent = val_name_ancestor(ldns_rr_owner(rr), (unsigned)zl);
		inzone = parent != NULL && val_name_eq(parent, zone);
		ldns_rdf_deep_free(parent);
		if (!inzone)
			continue;
		if (!val_rr_u8(rr, 0, &alg) || !val_rr_u8(rr, 1, &flags) ||
		    !val_rr_u16(rr, 2, &iter))
			continue;
		if (alg != NSEC3_HASH_SHA1 || flags > NSEC3_FLAG_OPTOUT)
			continue;
		salt = val_rr_field(rr, 3, LDNS_RDF_TYPE_NSEC3_SALT);
		next = val_rr_field(rr, 4, LDNS_RDF_TYPE_NSEC3_NEXT_OWNER);
		if (salt == NULL || next == NULL || ldns_rdf_size(salt) < 1 ||
		    (size_t)ldns_rdf_data(salt)[0] + 1 != ldns_rdf_size(salt) ||
		    ldns_rdf_size(next) != VAL_NSEC3_HASH_LEN + 1 ||
		    ldns_rdf_data(next)[0] != VAL_NSEC3_HASH_LEN)
			continue;
		if (!nsec3_owner_hash(ldns_rr_owner(rr), e->owner))
			continue;
		if (!have_params) {
			set->iterations = iter;
			set->saltlen = ldns_rdf_data(salt)[0];
			memcpy(set->salt, ldns_rdf_data(salt) + 1, set->saltlen);
			have_params = true;
		} else if (iter != set->iterations ||
		    ldns_rdf_data(salt)[0] != set->saltlen ||
		    memcmp(set->salt, ldns_rdf_data(salt) + 1,
		    set->saltlen) != 0) {
			continue;
		}
		memcpy(e->next, ldns_rdf_data(next) + 1, VAL_NSEC3_HASH_LEN);
		e->flags = flags;
		e->bitmap = ldns_rr_rd_count(rr) > 5 ?
		    val_rr_field(rr, 5, LDNS_RDF_TYPE_BITMAP) : NULL;
		set->n++;
	}
	return !have_params || set->iterations <= VAL_MAX_NSEC3_ITERATIONS;
}

static bool
set_hash(struct nsec3_set *set, const ldns_rdf *name,
    uint8_t out[VAL_NSEC3_HASH_LEN])
{
	if (set->hashes >= VAL_MAX_NSEC3_HASHES)
		return false;
	set->hashes++;
	return val_nsec3_hash(name, set->iterations, set->salt, set->saltlen,
	    out);
}

static const struct nsec3 *
n3_match(const struct nsec3_set *set, const uint8_t h[VAL_NSEC3_HASH_LEN])
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (memcmp(set->rr[i].owner, h, VAL_NSEC3_HASH_LEN) == 0)
			return &set->rr[i];
	return NULL;
}

static const struct nsec3 *
n3_cover(const struct nsec3_set *set, const uint8_t h[VAL_NSEC3_HASH_LEN])
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct nsec3 *e = &set->rr[i];
		int on = memcmp(e->owner, e->next, VAL_NSEC3_HASH_LEN);
		int oh = memcmp(e->owner, h, VAL_NSEC3_HASH_LEN);
		int hn = memcmp(h, e->next, VAL_NSEC3_HASH_LEN);

		if (on < 0 ? (oh < 0 && hn < 0) : (oh < 0 || hn < 0))
			return e;
	}
	return NULL;
}

/* Hash name and find the NSEC3 matching it; NULL when none (or over
 * budget: *ok false). */
static const struct nsec3 *
n3_match_name(struct nsec3_set *set, const ldns_rdf *name, bool *ok)
{
	uint8_t h[VAL_NSEC3_HASH_LEN];

	if (!set_hash(set, name, h)) {
		*ok = false;
		return NULL;
	}
	return n3_match(set, h);
}

static const struct nsec3 *
n3_cover_name(struct nsec3_set *set, const ldns_rdf *name, bool *ok)
{
	uint8_t h[VAL_NSEC3_HASH_LEN];

	if (!set_hash(set, name, h)) {
		*ok = false;
		return NULL;
	}
	return n3_cover(set, h);
}

/*
 * RFC 5155 8.3: the closest provable encloser of name (a proper ancestor
 * within the zone matched by an NSEC3 that is not a delegation or DNAME),
 * whose next closer name is covered.  Returns the closest encloser (new
 * rdf) and the covering NSEC3 in *nc, or NULL.
 */
static ldns_rdf *
n3_closest_encloser(struct nsec3_set *set, const ldns_rdf *name,
    const struct nsec3 **nc)
{
	int nl = val_name_count(name), zl = val_name_count(set->zone);
	int k;
	bool ok = true;

	*nc = NULL;
	if (nl < 0 || zl < 0 || nl <= zl)
		return NULL;
	for (k = nl - 1; k >= zl && ok; k--) {
		ldns_rdf *ce = val_name_ancestor(name, (unsigned)k), *next;
		const struct nsec3 *m = ce ? n3_match_name(set, ce, &ok) : NULL;

		if (m == NULL) {
			ldns_rdf_deep_free(ce);
			continue;
		}
		if ((bitmap_is_delegation(m->bitmap) && k > zl) ||
		    bitmap_has(m->bitmap, LDNS_RR_TYPE_DNAME)) {
			ldns_rdf_deep_free(ce);
			return NULL;
		}
		next = val_name_ancestor(name, (unsigned)k + 1);
		*nc = next ? n3_cover_name(set, next, &ok) : NULL;
		ldns_rdf_deep_free(next);
		if (*nc == NULL) {
			ldns_rdf_deep_free(ce);
			return NULL;
		}
		return ce;
	}
	return NULL;
}

/* *match: the NSEC3 matching name when that proved it. */
static enum val_proof
nsec3_prove(const ldns_rdf *name, ldns_rr_type qtype, bool nxdomain,
    struct nsec3_set *set, const struct nsec3 **match)
{
	const struct nsec3 *m, *nc = NULL, *w;
	ldns_rdf *ce, *wc = NULL;
	enum val_proof r = VAL_PROOF_FAIL;
	bool ok = true;

	m = n3_match_name(set, name, &ok);
	*match = m;
	if (m != NULL)
		return match_proof(m->bitmap, name, qtype, nxdomain);
	if (!ok)
		return VAL_PROOF_FAIL;
	ce = n3_closest_encloser(set, name, &nc);
	if (ce == NULL)
		return VAL_PROOF_FAIL;
	/* RFC 5155 9.2: with opt-out over the next closer name an unsigned
	 * delegation may hide there: the answer is insecure. */
	if (nc->flags & NSEC3_FLAG_OPTOUT) {
		r = VAL_PROOF_OPTOUT;
		goto out;
	}
	wc = wildcard_of(ce);
	if (wc == NULL)
		goto out;
	if (nxdomain || qtype == LDNS_RR_TYPE_DS) {
		/* 8.4: no wildcard either.  8.6: DS of a name that does not
		 * exist. */
		if (n3_cover_name(set, wc, &ok) != NULL)
			r = VAL_PROOF_OK;
		else if (qtype == LDNS_RR_TYPE_DS && !nxdomain)
			r = VAL_PROOF_OK;	/* no name, no DS */
	} else {
		/* 8.7: wildcard NODATA. */
		w = n3_match_name(set, wc, &ok);
		if (w != NULL && !bitmap_claims(w->bitmap, qtype))
			r = VAL_PROOF_OK;
	}
out:
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(wc);
	return r;
}

/* --- entry points --------------------------------------------------------- */

enum val_proof
val_denial_prove(const ldns_rdf *name, ldns_rr_type qtype, bool nxdomain,
    const ldns_rdf *zone, const ldns_rr_list *nsecs,
    const ldns_rr_list *nsec3s, int *nsec3_iter)
{
	struct nsec s[VAL_MAX_DENIAL_RRS];
	struct nsec3_set set;
	const struct nsec *m;
	const struct nsec3 *m3;
	size_t n;

	if (val_name_count(name) < 0 || !val_name_is_sub(name, zone))
		return VAL_PROOF_FAIL;
	n = nsec_collect(nsecs, zone, s);
	if (n > 0 && nsec_prove(name, qtype, nxdomain, s, n, &m) ==
	    VAL_PROOF_OK)
		return VAL_PROOF_OK;
	if (!nsec3_collect(nsec3s, zone, &set)) {
		*nsec3_iter = set.iterations;
		return VAL_PROOF_ITERATIONS;
	}
	if (set.n == 0)
		return VAL_PROOF_FAIL;
	*nsec3_iter = set.iterations;
	return nsec3_prove(name, qtype, nxdomain, &set, &m3);
}

enum val_dsproof
val_denial_ds(const ldns_rdf *name, const ldns_rdf *zone,
    const ldns_rr_list *nsecs, const ldns_rr_list *nsec3s)
{
	struct nsec s[VAL_MAX_DENIAL_RRS];
	struct nsec3_set set;
	const struct nsec *m;
	const struct nsec3 *m3;
	size_t n;
	enum val_proof p;

	if (val_name_count(name) < 1 || !val_name_is_sub(name, zone) ||
	    val_name_eq(name, zone))
		return VAL_DSPROOF_FAIL;
	n = nsec_collect(nsecs, zone, s);
	if (n > 0) {
		if (nsec_prove(name, LDNS_RR_TYPE_DS, false, s, n, &m) ==
		    VAL_PROOF_OK) {
			if (m != NULL && bitmap_has(m->bitmap, LDNS_RR_TYPE_NS))
				return VAL_DSPROOF_NO_DS;
			return VAL_DSPROOF_NOT_CUT;
		}
		/* The name does not exist: no cut there. */
		if (nsec_prove(name, LDNS_RR_TYPE_DS, true, s, n, &m) ==
		    VAL_PROOF_OK)
			return VAL_DSPROOF_NOT_CUT;
	}
	if (!nsec3_collect(nsec3s, zone, &set))
		return VAL_DSPROOF_ITERATIONS;
	if (set.n == 0)
		return VAL_DSPROOF_FAIL;
	p = nsec3_prove(name, LDNS_RR_TYPE_DS, false, &set, &m3);
	if (p == VAL_PROOF_OPTOUT)
		return VAL_DSPROOF_OPTOUT;
	if (p != VAL_PROOF_OK)
		return VAL_DSPROOF_FAIL;
	if (m3 != NULL && bitmap_has(m3->bitmap, LDNS_RR_TYPE_NS))
		return VAL_DSPROOF_NO_DS;
	return VAL_DSPROOF_NOT_CUT;
}

enum val_proof
val_denial_wildcard(const ldns_rdf *qname, unsigned labels,
    const ldns_rdf *zone, const ldns_rr_list *nsecs,
    const ldns_rr_list *nsec3s)
{
	struct nsec s[VAL_MAX_DENIAL_RRS];
	struct nsec3_set set;
	const struct nsec3 *c;
	ldns_rdf *next;
	size_t n;
	int ql = val_name_count(qname);
	bool ok = true;

	if (ql < 0 || (int)labels >= ql || !val_name_is_sub(qname, zone))
		return VAL_PROOF_FAIL;
	n = nsec_collect(nsecs, zone, s);
	if (n > 0 && nsec_find_match(s, n, qname) == NULL &&
	    nsec_find_cover(s, n, qname) != NULL)
		return VAL_PROOF_OK;
	if (!nsec3_collect(nsec3s, zone, &set))
		return VAL_PROOF_ITERATIONS;
	if (set.n == 0)
		return VAL_PROOF_FAIL;
	/* RFC 5155 8.8: the next closer name (one label below the wildcard's
	 * closest encloser) is covered. */
	next = val_name_ancestor(qname, labels + 1);
	c = next != NULL ? n3_cover_name(&set, next, &ok) : NULL;
	ldns_rdf_deep_free(next);
	if (c == NULL)
		return VAL_PROOF_FAIL;
	return (c->flags & NSEC3_FLAG_OPTOUT) ? VAL_PROOF_OPTOUT : VAL_PROOF_OK;
}
