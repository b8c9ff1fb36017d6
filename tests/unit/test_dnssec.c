/*
 * test_dnssec.c - the DNSSEC validator against zones signed in memory.
 *
 * A small Internet is built with ldns at start: a root (RSASHA256, NSEC)
 * delegating to TLDs signed with each algorithm and denial kind (and one
 * unsigned, one without DS, one with an unsupported DS, one with NSEC3
 * opt-out, one with too many NSEC3 iterations), and leaf zones for every
 * outcome.  A fake resolver answers the validator's queries from those
 * zones, asynchronously, through a queue the test pumps, as the crawler
 * would; it can drop or corrupt replies.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "dnssec.h"
#include "dnssec_int.h"
#include "tap.h"
#include "util.h"

#define NOW 1700000000u
#define DAY 86400u
#define MAX_ZONES 40
#define MAX_PENDING 512
#define BODY_MAX 16384

/* --- zones ---------------------------------------------------------------- */

struct tzone {
	char name[64];
	ldns_rdf *apex;
	ldns_rr_list *rrs;		/* every RR of the signed zone */
	ldns_rr *ksk;			/* DNSKEY RR, NULL when unsigned */
};

static struct tzone zones[MAX_ZONES];
static size_t nzones;

enum denial {
	D_NSEC,
	D_NSEC3,
	D_NSEC3_OPTOUT,
};

struct zspec {
	int alg;			/* 0: unsigned */
	enum denial denial;
	uint16_t iterations;
	uint32_t inception, expiration;
	bool split;			/* KSK + ZSK instead of one key */
};

static ldns_rdf *
dn(const char *s)
{
	ldns_rdf *r = ldns_dname_new_frm_str(s);

	if (r == NULL) {
		fprintf(stderr, "bad name %s\n", s);
		exit(2);
	}
	return r;
}

static ldns_key *
key_make(int alg, const char *origin, uint16_t flags, uint32_t inc,
    uint32_t exp)
{
	ldns_key *k = ldns_key_new_frm_algorithm((ldns_signing_algorithm)alg,
	    alg == LDNS_RSASHA256 ? 1024 : 256);
	ldns_rr *rr;

	if (k == NULL) {
		fprintf(stderr, "cannot make a key of algorithm %d\n", alg);
		exit(2);
	}
	ldns_key_set_pubkey_owner(k, dn(origin));
	ldns_key_set_flags(k, flags);
	ldns_key_set_inception(k, inc);
	ldns_key_set_expiration(k, exp);
	rr = ldns_key2rr(k);
	ldns_key_set_keytag(k, ldns_calc_keytag(rr));
	ldns_rr_free(rr);
	return k;
}

/* Parse zone text into a list of RRs. */
static ldns_rr_list *
parse_rrs(const char *text, const char *origin)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	ldns_zone *z = NULL;
	ldns_rdf *o = dn(origin);
	ldns_rr_list *out;
	ldns_status st;

	st = ldns_zone_new_frm_fp(&z, f, o, 3600, LDNS_RR_CLASS_IN);
	fclose(f);
	ldns_rdf_deep_free(o);
	if (st != LDNS_STATUS_OK) {
		fprintf(stderr, "zone %s: %s\n%s", origin,
		    ldns_get_errorstr_by_id(st), text);
		exit(2);
	}
	out = ldns_rr_list_clone(ldns_zone_rrs(z));
	if (ldns_zone_soa(z) != NULL)
		ldns_rr_list_push_rr(out, ldns_rr_clone(ldns_zone_soa(z)));
	ldns_zone_deep_free(z);
	return out;
}

/*
 * Make zone origin from body (RR lines, absolute names; SOA and NS added
 * here), signed per spec.  Returns the zone.
 */
static struct tzone *
zone_make(const char *origin, const char *body, const struct zspec *spec)
{
	struct tzone *tz = &zones[nzones++];
	char *text = xmalloc(BODY_MAX);
	ldns_rr_list *rrs;
	ldns_key_list *keys;
	ldns_dnssec_zone *dz;
	ldns_rr_list *added;
	ldns_key *k1 = NULL, *k2 = NULL;
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem;
	size_t i;

	snprintf(tz->name, sizeof(tz->name), "%s", origin);
	tz->apex = dn(origin);
	snprintf(text, BODY_MAX,
	    "%s 3600 IN SOA ns.%s hostmaster.%s 1 3600 600 86400 300\n"
	    "%s 3600 IN NS ns.%s\n%s", origin,
	    strcmp(origin, ".") ? origin : "", strcmp(origin, ".") ? origin : "",
	    origin, strcmp(origin, ".") ? origin : "", body);
	rrs = parse_rrs(text, origin);
	free(text);
	if (spec->alg == 0) {
		tz->rrs = rrs;
		return tz;
	}
	k1 = key_make(spec->alg, origin, 257, spec->inception,
	    spec->expiration);
	keys = ldns_key_list_new();
	ldns_key_list_push_key(keys, k1);
	if (spec->split) {
		k2 = key_make(spec->alg, origin, 256, spec->inception,
		    spec->expiration);
		ldns_key_list_push_key(keys, k2);
	}
	tz->ksk = ldns_key2rr(k1);
	ldns_rr_list_push_rr(rrs, ldns_key2rr(k1));
	if (k2 != NULL)
		ldns_rr_list_push_rr(rrs, ldns_key2rr(k2));

	dz = ldns_dnssec_zone_new();
	/* The SOA first, as ldns-signzone does. */
	for (i = 0; i < ldns_rr_list_rr_count(rrs); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(rrs, i)) ==
		    LDNS_RR_TYPE_SOA)
			ldns_dnssec_zone_add_rr(dz, ldns_rr_list_rr(rrs, i));
	for (i = 0; i < ldns_rr_list_rr_count(rrs); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(rrs, i)) !=
		    LDNS_RR_TYPE_SOA)
			ldns_dnssec_zone_add_rr(dz, ldns_rr_list_rr(rrs, i));
	added = ldns_rr_list_new();
	if (spec->denial == D_NSEC) {
		ldns_dnssec_zone_sign_flg(dz, added, keys,
		    ldns_dnssec_default_replace_signatures, NULL, 0);
	} else {
		uint8_t salt[2] = {0xab, 0xcd};

		ldns_dnssec_zone_sign_nsec3_flg(dz, added, keys,
		    ldns_dnssec_default_replace_signatures, NULL, 1,
		    spec->denial == D_NSEC3_OPTOUT ?
		    LDNS_NSEC3_VARS_OPTOUT_MASK : 0, spec->iterations,
		    sizeof(salt), salt, 0);
	}
	mem = open_memstream(&out, &outlen);
	ldns_dnssec_zone_print(mem, dz);
	fclose(mem);
	tz->rrs = parse_rrs(out, origin);
	free(out);
	ldns_dnssec_zone_free(dz);
	ldns_rr_list_deep_free(added);
	ldns_rr_list_deep_free(rrs);
	ldns_key_list_free(keys);	/* frees the keys too */
	return tz;
}

/* "owner 3600 IN DS ..." of a zone's KSK, with the given digest. */
static void
ds_line(char *buf, size_t len, const struct tzone *child, ldns_hash h)
{
	ldns_rr *ds = ldns_key_rr2ds(child->ksk, h);
	char *s = ldns_rr2str(ds);

	snprintf(buf, len, "%s", s);
	free(s);
	ldns_rr_free(ds);
}

static struct tzone *
zone_find(const char *name)
{
	size_t i;

	for (i = 0; i < nzones; i++)
		if (strcmp(zones[i].name, name) == 0)
			return &zones[i];
	return NULL;
}

/* Apply f to the RRs of zone name matching owner and type (0: any). */
static void
zone_drop(const char *zname, const char *owner, ldns_rr_type type,
    ldns_rr_type covered)
{
	struct tzone *tz = zone_find(zname);
	ldns_rdf *o = dn(owner);
	ldns_rr_list *keep = ldns_rr_list_new();
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(tz->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(tz->rrs, i);
		bool drop = ldns_dname_compare(ldns_rr_owner(rr), o) == 0 &&
		    ldns_rr_get_type(rr) == type &&
		    (type != LDNS_RR_TYPE_RRSIG ||
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == covered);

		if (drop)
			ldns_rr_free(rr);
		else
			ldns_rr_list_push_rr(keep, rr);
	}
	ldns_rr_list_free(tz->rrs);
	tz->rrs = keep;
	ldns_rdf_deep_free(o);
}

/* Flip a byte in the middle of the RRSIGs over (owner, covered). */
static void
zone_corrupt_sig(const char *zname, const char *owner, ldns_rr_type covered)
{
	struct tzone *tz = zone_find(zname);
	ldns_rdf *o = dn(owner);
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(tz->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(tz->rrs, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_dname_compare(ldns_rr_owner(rr), o) == 0 &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == covered) {
			ldns_rdf *sig = ldns_rr_rrsig_sig(rr);

			ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x5a;
		}
	}
	ldns_rdf_deep_free(o);
}

static char body[BODY_MAX];

static void
body_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
body_add(const char *fmt, ...)
{
	size_t l = strlen(body);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body + l, sizeof(body) - l, fmt, ap);
	va_end(ap);
}

/* A delegation (NS, glue) and the child's DS when it is to have one. */
static void
delegate(const char *child, bool with_ds)
{
	char ds[2048];
	struct tzone *c = zone_find(child);

	body_add("%s 3600 IN NS ns.%s\nns.%s 3600 IN A 192.0.2.1\n", child,
	    child, child);
	if (with_ds && c != NULL && c->ksk != NULL) {
		ds_line(ds, sizeof(ds), c, LDNS_SHA256);
		body_add("%s\n", ds);
	}
}

static void
leaf(const char *name, const struct zspec *spec, const char *extra)
{
	body[0] = '\0';
	body_add("www.%s 3600 IN A 192.0.2.10\nwww.%s 3600 IN AAAA 2001:db8::10\n"
	    "%s 3600 IN A 192.0.2.11\nmail.%s 3600 IN MX 10 www.%s\n"
	    "*.w.%s 3600 IN A 192.0.2.12\n%s", name, name, name, name, name,
	    name, extra ? extra : "");
	zone_make(name, body, spec);
}

static ldns_rr *
rr_str(const char *s)
{
	ldns_rr *rr = NULL;

	if (ldns_rr_new_frm_str(&rr, s, 3600, NULL, NULL) != LDNS_STATUS_OK) {
		fprintf(stderr, "bad RR %s\n", s);
		exit(2);
	}
	return rr;
}

static ldns_rr_list *root_ds;		/* the root's DS, the usual anchor */
static ldns_rr_list *root_key;		/* the root's KSK as DNSKEY anchor */
static ldns_rr_list *nsec_tld_ds;	/* anchor at "nsec." */

static void
world_build(void)
{
	struct zspec ok15 = {LDNS_ED25519, D_NSEC, 0, NOW - DAY, NOW + 30 * DAY, false};
	struct zspec ok13 = {LDNS_ECDSAP256SHA256, D_NSEC, 0, NOW - DAY, NOW + 30 * DAY, false};
	struct zspec ok8 = {LDNS_RSASHA256, D_NSEC, 0, NOW - DAY, NOW + 30 * DAY, true};
	struct zspec n3 = {LDNS_ECDSAP256SHA256, D_NSEC3, 3, NOW - DAY, NOW + 30 * DAY, false};
	struct zspec oo = {LDNS_RSASHA256, D_NSEC3_OPTOUT, 0, NOW - DAY, NOW + 30 * DAY, false};
	struct zspec many = {LDNS_ECDSAP256SHA256, D_NSEC3, 200, NOW - DAY, NOW + 30 * DAY, false};
	struct zspec expired = {LDNS_ECDSAP256SHA256, D_NSEC, 0, NOW - 40 * DAY, NOW - 7 * DAY, false};
	struct zspec future = {LDNS_ECDSAP256SHA256, D_NSEC, 0, NOW + 7 * DAY, NOW + 40 * DAY, false};
	struct zspec none = {0, D_NSEC, 0, 0, 0, false};
	struct tzone *other;
	char ds[2048];

	/* Leaves under "nsec." (Ed25519, NSEC). */
	leaf("ed.nsec.", &ok15, NULL);
	leaf("ec.nsec.", &n3, NULL);
	leaf("rsa.nsec.", &ok8, NULL);
	leaf("nods.nsec.", &ok13, NULL);
	leaf("plain.nsec.", &none, NULL);
	leaf("expired.nsec.", &expired, NULL);
	leaf("future.nsec.", &future, NULL);
	leaf("mismatch.nsec.", &ok13, NULL);
	leaf("nokey.nsec.", &none, NULL);
	leaf("nosig.nsec.", &ok13, NULL);
	leaf("badsig.nsec.", &ok13, NULL);
	leaf("a.nsec.", &ok13, NULL);
	leaf("b.nsec.", &ok13, NULL);
	leaf("c.nsec.", &ok13, NULL);
	leaf("d.nsec.", &ok13, NULL);
	/* Under "n3." (ECDSA, NSEC3), "oo." (RSA, NSEC3 opt-out), "unsig."
	 * (unsigned), "gr." (no DS at the root), "many." (200 iterations). */
	leaf("sec.n3.", &ok13, NULL);
	leaf("plain.n3.", &none, NULL);
	leaf("sec.oo.", &ok13, NULL);
	leaf("plain.oo.", &none, NULL);
	leaf("sec.unsig.", &ok13, NULL);
	leaf("sec.gr.", &ok13, NULL);
	leaf("plain.many.", &none, NULL);
	/* A key whose DS goes into the parent instead of mismatch.nsec's. */
	other = &zones[nzones];
	zone_make("other.invalid.", "", &ok13);

	body[0] = '\0';
	delegate("ed.nsec.", true);
	delegate("ec.nsec.", true);
	delegate("rsa.nsec.", true);
	delegate("nods.nsec.", false);
	delegate("plain.nsec.", false);
	delegate("expired.nsec.", true);
	delegate("future.nsec.", true);
	delegate("mismatch.nsec.", false);
	{
		ldns_rr *mds = ldns_key_rr2ds(other->ksk, LDNS_SHA256);
		ldns_rdf *old = ldns_rr_owner(mds);
		char *s;

		ldns_rr_set_owner(mds, dn("mismatch.nsec."));
		ldns_rdf_deep_free(old);
		s = ldns_rr2str(mds);
		body_add("%s", s);
		free(s);
		ldns_rr_free(mds);
	}
	delegate("nokey.nsec.", false);
	body_add("nokey.nsec. 3600 IN DS 12345 13 2 "
	    "0000000000000000000000000000000000000000000000000000000000000000\n");
	delegate("nosig.nsec.", true);
	delegate("badsig.nsec.", true);
	delegate("a.nsec.", true);
	delegate("b.nsec.", true);
	delegate("c.nsec.", true);
	delegate("d.nsec.", true);
	zone_make("nsec.", body, &ok15);

	body[0] = '\0';
	delegate("sec.n3.", true);
	delegate("plain.n3.", false);
	zone_make("n3.", body, &n3);
	body[0] = '\0';
	delegate("sec.oo.", true);
	delegate("plain.oo.", false);
	zone_make("oo.", body, &oo);
	body[0] = '\0';
	delegate("sec.unsig.", true);
	zone_make("unsig.", body, &none);
	body[0] = '\0';
	delegate("sec.gr.", true);
	zone_make("gr.", body, &ok13);
	body[0] = '\0';
	delegate("plain.many.", false);
	zone_make("many.", body, &many);
	zone_make("alien.", "", &ok13);

	body[0] = '\0';
	delegate("nsec.", true);
	delegate("n3.", true);
	delegate("oo.", true);
	delegate("unsig.", false);
	delegate("gr.", false);
	delegate("many.", true);
	delegate("alien.", false);
	/* Only DSA (3, RFC 8624: must not validate) and GOST digests. */
	body_add("alien. 3600 IN DS 1000 3 2 "
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "alien. 3600 IN DS 1001 13 3 "
	    "0000000000000000000000000000000000000000000000000000000000000000\n");
	zone_make(".", body, &ok8);

	/* Break what is to be broken after signing. */
	zone_drop("nosig.nsec.", "www.nosig.nsec.", LDNS_RR_TYPE_RRSIG,
	    LDNS_RR_TYPE_A);
	zone_corrupt_sig("badsig.nsec.", "www.badsig.nsec.", LDNS_RR_TYPE_A);

	root_ds = ldns_rr_list_new();
	ds_line(ds, sizeof(ds), zone_find("."), LDNS_SHA256);
	ldns_rr_list_push_rr(root_ds, rr_str(ds));
	root_key = ldns_rr_list_new();
	ldns_rr_list_push_rr(root_key, ldns_rr_clone(zone_find(".")->ksk));
	nsec_tld_ds = ldns_rr_list_new();
	ds_line(ds, sizeof(ds), zone_find("nsec."), LDNS_SHA384);
	ldns_rr_list_push_rr(nsec_tld_ds, rr_str(ds));
}

static void
world_free(void)
{
	size_t i;

	for (i = 0; i < nzones; i++) {
		ldns_rdf_deep_free(zones[i].apex);
		ldns_rr_list_deep_free(zones[i].rrs);
		ldns_rr_free(zones[i].ksk);
	}
	ldns_rr_list_deep_free(root_ds);
	ldns_rr_list_deep_free(root_key);
	ldns_rr_list_deep_free(nsec_tld_ds);
}

/* --- the fake resolver ---------------------------------------------------- */

static struct tzone *
zone_for(const ldns_rdf *name, ldns_rr_type type)
{
	struct tzone *best = NULL;
	size_t i;

	for (i = 0; i < nzones; i++) {
		struct tzone *z = &zones[i];

		if (!val_name_is_sub(name, z->apex))
			continue;
		if (type == LDNS_RR_TYPE_DS && val_name_eq(name, z->apex))
			continue;
		if (best == NULL || val_name_count(z->apex) >
		    val_name_count(best->apex))
			best = z;
	}
	return best;
}

static void
push_clone(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr *rr,
    const ldns_rdf *owner)
{
	ldns_rr *c = ldns_rr_clone(rr);

	if (owner != NULL) {
		ldns_rdf_deep_free(ldns_rr_owner(c));
		ldns_rr_set_owner(c, ldns_rdf_clone(owner));
	}
	ldns_pkt_push_rr(p, sec, c);
}

/* RRs of z at owner of type, and the RRSIGs over them (owner renamed). */
static size_t
push_rrset(ldns_pkt *p, ldns_pkt_section sec, const struct tzone *z,
    const ldns_rdf *owner, ldns_rr_type type, const ldns_rdf *rename)
{
	size_t i, n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);

		if (!val_name_eq(ldns_rr_owner(rr), owner))
			continue;
		if (ldns_rr_get_type(rr) == type) {
			push_clone(p, sec, rr, rename);
			n++;
		}
	}
	if (n == 0)
		return 0;
	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);

		if (val_name_eq(ldns_rr_owner(rr), owner) &&
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type)
			push_clone(p, sec, rr, rename);
	}
	return n;
}

static bool
name_exists(const struct tzone *z, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++)
		if (val_name_is_sub(ldns_rr_owner(ldns_rr_list_rr(z->rrs, i)),
		    name))
			return true;
	return false;
}

/* NSEC/NSEC3 RRs that match or cover name, its ancestors in the zone and
 * their wildcards. */
static void
push_denial(ldns_pkt *p, const struct tzone *z, const ldns_rdf *name)
{
	int nl = val_name_count(name), zl = val_name_count(z->apex), k;
	ldns_rdf *probe[2 * VAL_MAX_LABELS];
	size_t np = 0, i, j;

	for (k = nl; k >= zl; k--) {
		ldns_rdf *a = val_name_ancestor(name, (unsigned)k);
		ldns_rdf *w = ldns_dname_new_frm_str("*");

		ldns_dname_cat(w, a);
		probe[np++] = a;
		probe[np++] = w;
	}
	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		bool want = false;

		if (t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3)
			continue;
		for (j = 0; j < np && !want; j++) {
			if (t == LDNS_RR_TYPE_NSEC) {
				want = val_name_eq(ldns_rr_owner(rr), probe[j]) ||
				    ldns_nsec_covers_name(rr, probe[j]);
			} else {
				ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(rr,
				    probe[j]);

				ldns_dname_cat(h, z->apex);
				want = val_name_eq(ldns_rr_owner(rr), h) ||
				    ldns_nsec_covers_name(rr, h);
				ldns_rdf_deep_free(h);
			}
		}
		if (want)
			push_rrset(p, LDNS_SECTION_AUTHORITY, z,
			    ldns_rr_owner(rr), t, NULL);
	}
	for (j = 0; j < np; j++)
		ldns_rdf_deep_free(probe[j]);
}

static ldns_pkt *
answer(const ldns_rdf *name, ldns_rr_type type)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *q = ldns_rr_new();
	struct tzone *z;
	ldns_rdf *parent = NULL, *wc = NULL;
	bool exists;

	ldns_rr_set_owner(q, ldns_rdf_clone(name));
	ldns_rr_set_type(q, type);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(q, true);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_cd(p, true);
	z = zone_for(name, type);
	if (z == NULL) {
		ldns_pkt_set_rcode(p, LDNS_RCODE_REFUSED);
		return p;
	}
	if (push_rrset(p, LDNS_SECTION_ANSWER, z, name, type, NULL) > 0)
		return p;
	exists = name_exists(z, name);
	if (!exists && val_name_count(name) > val_name_count(z->apex)) {
		parent = val_name_ancestor(name,
		    (unsigned)val_name_count(name) - 1);
		wc = ldns_dname_new_frm_str("*");
		ldns_dname_cat(wc, parent);
		if (push_rrset(p, LDNS_SECTION_ANSWER, z, wc, type, name) > 0) {
			push_denial(p, z, name);
			goto out;
		}
		if (name_exists(z, wc))
			exists = true;	/* wildcard NODATA */
	}
	ldns_pkt_set_rcode(p, exists ? LDNS_RCODE_NOERROR :
	    LDNS_RCODE_NXDOMAIN);
	push_rrset(p, LDNS_SECTION_AUTHORITY, z, z->apex, LDNS_RR_TYPE_SOA,
	    NULL);
	push_denial(p, z, name);
out:
	ldns_rdf_deep_free(parent);
	ldns_rdf_deep_free(wc);
	return p;
}

/* A copy of p without the RRs of section sec of type t (0: all types). */
static ldns_pkt *
pkt_strip(const ldns_pkt *p, ldns_pkt_section sec, ldns_rr_type t)
{
	ldns_pkt *c = ldns_pkt_clone(p);
	ldns_rr_list *l = sec == LDNS_SECTION_AUTHORITY ?
	    ldns_pkt_authority(c) : ldns_pkt_answer(c);
	ldns_rr_list *keep = ldns_rr_list_new();
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (t == 0 || ldns_rr_get_type(rr) == t)
			ldns_rr_free(rr);
		else
			ldns_rr_list_push_rr(keep, rr);
	}
	ldns_rr_list_set_rr_count(l, 0);
	for (i = 0; i < ldns_rr_list_rr_count(keep); i++)
		ldns_rr_list_push_rr(l, ldns_rr_list_rr(keep, i));
	ldns_rr_list_free(keep);
	if (sec == LDNS_SECTION_AUTHORITY)
		ldns_pkt_set_nscount(c, (uint16_t)ldns_rr_list_rr_count(l));
	else
		ldns_pkt_set_ancount(c, (uint16_t)ldns_rr_list_rr_count(l));
	return c;
}

struct pend {
	struct val_job *job;
	uint32_t token;
	ldns_rdf *name;
	ldns_rr_type type;
};

static struct pend pend[MAX_PENDING];
static size_t npend;
static ldns_rdf *drop_name;		/* replies to it are lost */
static unsigned mutate_permille;	/* replies corrupted this often */
static uint64_t rng = 88172645463325252ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void
query_cb(void *arg, struct val_job *job, uint32_t token, const ldns_rdf *name,
    ldns_rr_type type)
{
	(void)arg;
	if (npend == MAX_PENDING) {
		fprintf(stderr, "pending queue full\n");
		exit(2);
	}
	pend[npend].job = job;
	pend[npend].token = token;
	pend[npend].name = ldns_rdf_clone(name);
	pend[npend].type = type;
	npend++;
}

/* The crawler's side of a cancel: its pending queries are forgotten. */
static void
cancel(struct val_job *job)
{
	size_t i;

	for (i = 0; i < npend; i++)
		if (pend[i].job == job)
			pend[i].job = NULL;
	val_job_cancel(job);
}

static ldns_pkt *
mutate(ldns_pkt *p)
{
	uint8_t *wire = NULL;
	size_t len = 0, k, flips;
	ldns_pkt *m = NULL;

	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK || len == 0) {
		free(wire);
		return p;
	}
	flips = 1 + rnd() % 4;
	for (k = 0; k < flips; k++)
		wire[12 + rnd() % (len > 12 ? len - 12 : 1)] ^=
		    (uint8_t)(1u << (rnd() % 8));
	if (ldns_wire2pkt(&m, wire, len) != LDNS_STATUS_OK)
		m = NULL;
	free(wire);
	ldns_pkt_free(p);
	return m;
}

static void
pump(void)
{
	while (npend > 0) {
		struct pend x = pend[0];
		ldns_pkt *reply = NULL;

		memmove(pend, pend + 1, (npend - 1) * sizeof(pend[0]));
		npend--;
		if (x.job != NULL && !(drop_name != NULL &&
		    val_name_eq(drop_name, x.name))) {
			reply = answer(x.name, x.type);
			if (mutate_permille && rnd() % 1000 < mutate_permille)
				reply = mutate(reply);
			val_job_deliver(x.job, x.token, reply);
		} else if (x.job != NULL) {
			val_job_deliver(x.job, x.token, NULL);
		}
		ldns_pkt_free(reply);
		ldns_rdf_deep_free(x.name);
	}
}

/* --- running jobs --------------------------------------------------------- */

struct outcome {
	int calls;
	struct val_result r;
};

static void
done_cb(void *arg, const struct val_result *r)
{
	struct outcome *o = arg;

	o->calls++;
	o->r = *r;
}

static struct val_ctx *
ctx_make(const ldns_rr_list *anchors, size_t cache, unsigned maxq)
{
	struct val_ctx_options opt;
	char err[256];
	struct val_ctx *ctx;

	val_ctx_options_default(&opt);
	opt.now = NOW;
	if (cache)
		opt.key_cache_zones = cache;
	if (maxq)
		opt.max_queries_per_job = maxq;
	ctx = val_ctx_new(anchors, &opt, query_cb, NULL, err, sizeof(err));
	if (ctx == NULL) {
		fprintf(stderr, "val_ctx_new: %s\n", err);
		exit(2);
	}
	return ctx;
}

/* Validate the fake resolver's answer to (qname, type), altered by strip
 * when given. */
static void
run(struct val_ctx *ctx, const char *qname, ldns_rr_type type,
    ldns_pkt *(*alter)(const ldns_pkt *), struct outcome *o)
{
	ldns_rdf *q = dn(qname);
	ldns_pkt *p = answer(q, type), *a = NULL;

	memset(o, 0, sizeof(*o));
	if (alter != NULL)
		a = alter(p);
	val_job_start(ctx, q, type, a ? a : p, done_cb, o);
	ldns_pkt_free(p);
	ldns_pkt_free(a);
	pump();
	ldns_rdf_deep_free(q);
}

static void
expect(struct val_ctx *ctx, const char *qname, ldns_rr_type type,
    ldns_pkt *(*alter)(const ldns_pkt *), const char *status,
    const char *reason, const char *signer)
{
	struct outcome o;
	char what[160];

	run(ctx, qname, type, alter, &o);
	snprintf(what, sizeof(what), "%s %s", qname,
	    ldns_rr_descript(type)->_name);
	if (!tap_ok(o.calls == 1, "%s: done called once (%d)", what, o.calls))
		return;
	tap_ok(strcmp(val_status_str(o.r.status), status) == 0 &&
	    (reason == NULL ? val_reason_str(o.r.reason) == NULL :
	    val_reason_str(o.r.reason) != NULL &&
	    strcmp(val_reason_str(o.r.reason), reason) == 0),
	    "%s: %s/%s (want %s/%s)", what, val_status_str(o.r.status),
	    val_reason_str(o.r.reason) ? val_reason_str(o.r.reason) : "-",
	    status, reason ? reason : "-");
	/* signer: the zone whose keys sign the test data, for the reader;
	 * the validator reports a verdict only (the zone facts come from the
	 * DNS probe, tested by replay-dnsprobe and the core crawls). */
	(void)signer;
}

static ldns_pkt *
strip_denial(const ldns_pkt *p)
{
	ldns_pkt *a = pkt_strip(p, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC);
	ldns_pkt *b = pkt_strip(a, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC3);

	ldns_pkt_free(a);
	return b;
}

static ldns_pkt *
strip_answer_sigs(const ldns_pkt *p)
{
	return pkt_strip(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_RRSIG);
}

/* --- the tests ------------------------------------------------------------ */

static void
test_secure(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);

	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "ed.nsec");
	expect(ctx, "www.ec.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "ec.nsec");
	expect(ctx, "www.rsa.nsec.", LDNS_RR_TYPE_AAAA, NULL, "secure", NULL,
	    "rsa.nsec");
	expect(ctx, "www.sec.n3.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "sec.n3");
	expect(ctx, "www.sec.oo.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "sec.oo");
	expect(ctx, "ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL, "ed.nsec");
	val_ctx_free(ctx);
}

static void
test_negative(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);

	/* NODATA, NXDOMAIN, empty non-terminal, wildcards: NSEC. */
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_TXT, NULL, "secure", NULL,
	    "ed.nsec");
	expect(ctx, "nope.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "ed.nsec");
	expect(ctx, "w.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL, NULL);
	expect(ctx, "foo.w.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "ed.nsec");
	expect(ctx, "foo.w.ed.nsec.", LDNS_RR_TYPE_TXT, NULL, "secure", NULL,
	    NULL);
	/* The same with NSEC3 (3 iterations). */
	expect(ctx, "www.ec.nsec.", LDNS_RR_TYPE_TXT, NULL, "secure", NULL,
	    NULL);
	expect(ctx, "nope.ec.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    NULL);
	expect(ctx, "foo.w.ec.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL,
	    "ec.nsec");
	expect(ctx, "foo.w.ec.nsec.", LDNS_RR_TYPE_TXT, NULL, "secure", NULL,
	    NULL);
	/* Proofs taken away: denial_invalid. */
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_TXT, strip_denial, "bogus",
	    "denial_invalid", NULL);
	expect(ctx, "nope.ec.nsec.", LDNS_RR_TYPE_A, strip_denial, "bogus",
	    "denial_invalid", NULL);
	expect(ctx, "foo.w.ed.nsec.", LDNS_RR_TYPE_A, strip_denial, "bogus",
	    "denial_invalid", NULL);
	expect(ctx, "foo.w.ec.nsec.", LDNS_RR_TYPE_A, strip_denial, "bogus",
	    "denial_invalid", NULL);
	val_ctx_free(ctx);
}

static void
test_insecure(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);

	expect(ctx, "www.plain.nsec.", LDNS_RR_TYPE_A, NULL, "insecure",
	    "no_ds", "");
	expect(ctx, "www.nods.nsec.", LDNS_RR_TYPE_A, NULL, "insecure", "no_ds",
	    "nods.nsec");
	expect(ctx, "www.plain.n3.", LDNS_RR_TYPE_A, NULL, "insecure", "no_ds",
	    "");
	expect(ctx, "www.plain.oo.", LDNS_RR_TYPE_A, NULL, "insecure", "no_ds",
	    "");
	expect(ctx, "www.sec.unsig.", LDNS_RR_TYPE_A, NULL, "insecure", "no_ds",
	    "sec.unsig");
	expect(ctx, "www.sec.gr.", LDNS_RR_TYPE_A, NULL, "insecure", "no_ds",
	    "sec.gr");
	expect(ctx, "alien.", LDNS_RR_TYPE_SOA, NULL, "insecure",
	    "unsupported_algorithm", "alien");
	expect(ctx, "www.plain.many.", LDNS_RR_TYPE_A, NULL, "insecure",
	    "nsec3_iterations", "");
	/* A negative answer in an insecure zone is insecure too. */
	expect(ctx, "nope.plain.nsec.", LDNS_RR_TYPE_A, NULL, "insecure",
	    "no_ds", NULL);
	val_ctx_free(ctx);
}

static void
test_bogus(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);

	expect(ctx, "www.expired.nsec.", LDNS_RR_TYPE_A, NULL, "bogus",
	    "rrsig_expired", "expired.nsec");
	expect(ctx, "www.future.nsec.", LDNS_RR_TYPE_A, NULL, "bogus",
	    "rrsig_not_yet_valid", "future.nsec");
	expect(ctx, "www.mismatch.nsec.", LDNS_RR_TYPE_A, NULL, "bogus",
	    "ds_mismatch", "mismatch.nsec");
	expect(ctx, "www.nokey.nsec.", LDNS_RR_TYPE_A, NULL, "bogus",
	    "dnskey_missing", "");
	expect(ctx, "www.nosig.nsec.", LDNS_RR_TYPE_A, NULL, "bogus",
	    "rrsig_missing", "");
	expect(ctx, "www.nosig.nsec.", LDNS_RR_TYPE_AAAA, NULL, "secure", NULL,
	    "nosig.nsec");
	expect(ctx, "www.badsig.nsec.", LDNS_RR_TYPE_A, NULL, "bogus",
	    "signature_invalid", "badsig.nsec");
	/* Signatures stripped on the way from a signed zone. */
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_A, strip_answer_sigs, "bogus",
	    "rrsig_missing", "");
	val_ctx_free(ctx);
}

static void
test_precedence(void)
{
	struct tzone *z = zone_find("expired.nsec.");
	ldns_rdf *owner = dn("www.expired.nsec.");
	ldns_rr_list *set = ldns_rr_list_new(), *sigs = ldns_rr_list_new();
	ldns_rr_list *keys = ldns_rr_list_new();
	struct val_verify_budget b = {100, 0};
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
			ldns_rr_list_push_rr(keys, rr);
		if (!val_name_eq(ldns_rr_owner(rr), owner))
			continue;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A)
			ldns_rr_list_push_rr(set, rr);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) ==
		    LDNS_RR_TYPE_A) {
			ldns_rr *bad = ldns_rr_clone(rr);
			ldns_rdf *sig = ldns_rr_rrsig_sig(bad);

			ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x5a;
			ldns_rr_list_push_rr(sigs, bad);
			ldns_rr_list_push_rr(sigs, ldns_rr_clone(rr));
		}
	}
	tap_eq_i64(val_rrset_verify(set, sigs, z->apex, keys, NOW, &b, NULL),
	    VAL_SIG_EXPIRED, "invalid + expired RRSIG: expired wins");
	tap_eq_i64(val_rrset_verify(set, sigs, z->apex, keys, NOW - 20 * DAY,
	    &b, NULL), VAL_SIG_OK, "valid at a time inside its period");
	tap_eq_i64(val_rrset_verify(set, sigs, z->apex, NULL, NOW, &b, NULL),
	    VAL_SIG_INVALID, "no key: signature_invalid");
	b.left = 0;
	tap_eq_i64(val_rrset_verify(set, sigs, z->apex, keys, NOW, &b, NULL),
	    VAL_SIG_INVALID, "no budget: not verified");
	tap_eq_i64(val_rrset_verify(set, NULL, z->apex, keys, NOW, &b, NULL),
	    VAL_SIG_MISSING, "no RRSIG: missing");
	/* Keys and signatures of the wrong size for their algorithm. */
	{
		ldns_rr *k = ldns_rr_clone(ldns_rr_list_rr(keys, 0));
		ldns_rdf *kd = ldns_rr_dnskey_key(k);

		tap_ok(val_dnskey_usable(k), "an ECDSA key of 64 octets is usable");
		ldns_rdf_set_size(kd, 63);
		tap_ok(!val_dnskey_usable(k), "one of 63 octets is not");
		ldns_rdf_set_size(kd, 64);
		ldns_rdf_data(ldns_rr_rdf(k, 0))[0] &= (uint8_t)~0x01;
		tap_ok(!val_dnskey_usable(k), "nor one without the zone flag");
		ldns_rr_free(k);
		b.left = 100;
		b.done = 0;
		for (i = 0; i < ldns_rr_list_rr_count(sigs); i++)
			ldns_rdf_set_size(ldns_rr_rrsig_sig(
			    ldns_rr_list_rr(sigs, i)), 63);
		tap_eq_i64(val_rrset_verify(set, sigs, z->apex, keys,
		    NOW - 20 * DAY, &b, NULL), VAL_SIG_INVALID,
		    "short ECDSA signatures: invalid, not verified");
		tap_eq_i64((int64_t)b.done, 0, "no crypto spent on them");
		for (i = 0; i < ldns_rr_list_rr_count(sigs); i++)
			ldns_rdf_set_size(ldns_rr_rrsig_sig(
			    ldns_rr_list_rr(sigs, i)), 64);
	}
	ldns_rr_list_free(set);
	ldns_rr_list_free(keys);
	ldns_rr_list_deep_free(sigs);
	ldns_rdf_deep_free(owner);

	/* RFC 1982 serial arithmetic around the 32-bit wrap. */
	tap_eq_i64(val_time_check(0xffffff00u, 0x100u, (time_t)0x10),
	    VAL_TIME_OK, "time: valid across the wrap");
	tap_eq_i64(val_time_check(100, 200, 200), VAL_TIME_OK,
	    "time: at expiration");
	tap_eq_i64(val_time_check(100, 200, 201), VAL_TIME_EXPIRED,
	    "time: one second after");
	tap_eq_i64(val_time_check(100, 200, 99), VAL_TIME_NOT_YET,
	    "time: one second before inception");
	tap_eq_i64(val_time_check(100, 200, (time_t)0x100000064ll), VAL_TIME_OK,
	    "time: now taken modulo 2^32");
}

static void
test_no_response(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);
	struct outcome o;
	ldns_rdf *q = dn("www.ed.nsec.");

	drop_name = dn("ed.nsec.");
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_A, NULL, "indeterminate",
	    "no_response", NULL);
	ldns_rdf_deep_free(drop_name);
	drop_name = NULL;
	/* Not cached: the next job asks again and succeeds. */
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL, NULL);
	memset(&o, 0, sizeof(o));
	tap_ok(val_job_start(ctx, q, LDNS_RR_TYPE_A, NULL, done_cb, &o) ==
	    NULL && o.calls == 1 && o.r.status == VAL_INDETERMINATE &&
	    o.r.reason == VAL_REASON_NO_RESPONSE,
	    "no answer at all: indeterminate/no_response at once");
	ldns_rdf_deep_free(q);
	val_ctx_free(ctx);
}

static void
test_anchors(void)
{
	struct val_ctx *ctx = ctx_make(nsec_tld_ds, 0, 0);
	char path[] = "/tmp/uptake-anchor-XXXXXX", err[256];
	ldns_rr_list *l;
	FILE *f;
	char *s;
	int fd;

	/* An anchor at "nsec." (SHA-384 DS): names elsewhere have none. */
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL, NULL);
	expect(ctx, "www.sec.n3.", LDNS_RR_TYPE_A, NULL, "indeterminate",
	    "no_trust_anchor", NULL);
	val_ctx_free(ctx);
	ctx = ctx_make(root_key, 0, 0);
	expect(ctx, "www.ed.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL, NULL);
	val_ctx_free(ctx);

	/* Files: the testbed's DS form, Debian's DNSKEY form (no TTL). */
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	s = ldns_rr2str(ldns_rr_list_rr(root_ds, 0));
	fprintf(f, "; the root\n%s", s);
	free(s);
	fclose(f);
	l = val_anchors_read(path, err, sizeof(err));
	tap_ok(l != NULL && ldns_rr_list_rr_count(l) == 1 &&
	    ldns_rr_get_type(ldns_rr_list_rr(l, 0)) == LDNS_RR_TYPE_DS,
	    "anchor file with a DS");
	if (l != NULL)
		ldns_rr_list_deep_free(l);
	f = fopen(path, "w");
	s = ldns_rdf2str(ldns_rr_dnskey_key(zone_find(".")->ksk));
	fprintf(f, ". IN DNSKEY 257 3 8 %s ; keytag %u\n", s,
	    ldns_calc_keytag(zone_find(".")->ksk));
	free(s);
	fclose(f);
	l = val_anchors_read(path, err, sizeof(err));
	tap_ok(l != NULL && ldns_rr_list_rr_count(l) == 1 &&
	    ldns_rr_get_type(ldns_rr_list_rr(l, 0)) == LDNS_RR_TYPE_DNSKEY,
	    "anchor file with a DNSKEY, no TTL (Debian's form)");
	if (l != NULL) {
		ctx = ctx_make(l, 0, 0);
		expect(ctx, "www.ec.nsec.", LDNS_RR_TYPE_A, NULL, "secure",
		    NULL, NULL);
		val_ctx_free(ctx);
		ldns_rr_list_deep_free(l);
	}
	f = fopen(path, "w");
	fprintf(f, ". IN DS 1 8 2 00\n. IN A 192.0.2.1\n");
	fclose(f);
	l = val_anchors_read(path, err, sizeof(err));
	tap_ok(l == NULL && strstr(err, ":2:") != NULL,
	    "anchor file with an A record: error names line 2 (%s)", err);
	f = fopen(path, "w");
	fclose(f);
	l = val_anchors_read(path, err, sizeof(err));
	tap_ok(l == NULL, "empty anchor file refused (%s)", err);
	unlink(path);
	l = val_anchors_read("/nonexistent/root.key", err, sizeof(err));
	tap_ok(l == NULL, "missing anchor file refused (%s)", err);
}

static const char *shared_names[] = {
	"www.a.nsec.", "mail.a.nsec.", "a.nsec.",
	"www.b.nsec.", "mail.b.nsec.", "b.nsec.",
	"www.c.nsec.", "mail.c.nsec.", "c.nsec.",
	"www.d.nsec.", "mail.d.nsec.", "d.nsec.",
};
#define NSHARED (sizeof(shared_names) / sizeof(shared_names[0]))

static void
test_cache(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);
	struct outcome o[NSHARED];
	struct val_stats st;
	size_t i, ok = 0;
	int round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < NSHARED; i++) {
			ldns_rdf *q = dn(shared_names[i]);
			ldns_pkt *p = answer(q, LDNS_RR_TYPE_A);

			memset(&o[i], 0, sizeof(o[i]));
			val_job_start(ctx, q, LDNS_RR_TYPE_A, p, done_cb, &o[i]);
			ldns_pkt_free(p);
			ldns_rdf_deep_free(q);
		}
		pump();
		for (i = 0; i < NSHARED; i++) {
			if (o[i].calls == 1 && o[i].r.status == VAL_SECURE)
				ok++;
		}
		val_ctx_stats(ctx, &st);
		tap_eq_i64((int64_t)ok, (int64_t)NSHARED * (round + 1),
		    "concurrent jobs all secure");
		/* Zones: the root, nsec., a, b, c, d. */
		tap_eq_i64((int64_t)st.dnskey_validations, 6,
		    "DNSKEY validations == zones");
		tap_eq_i64((int64_t)st.queries, 11,
		    "queries: 5 DNSKEY + 5 DS + the root's DNSKEY once");
	}
	tap_ok(st.key_cache_hits > NSHARED, "cache hits %llu",
	    (unsigned long long)st.key_cache_hits);
	tap_ok(st.signatures_verified > 0, "signatures verified %llu",
	    (unsigned long long)st.signatures_verified);
	val_ctx_free(ctx);

	/* A cache of 2 zones: still right, keys validated again. */
	ctx = ctx_make(root_ds, 2, 0);
	ok = 0;
	for (i = 0; i < NSHARED; i++) {
		run(ctx, shared_names[i], LDNS_RR_TYPE_A, NULL, &o[0]);
		if (o[0].calls == 1 && o[0].r.status == VAL_SECURE)
			ok++;
	}
	val_ctx_stats(ctx, &st);
	tap_eq_i64((int64_t)ok, (int64_t)NSHARED, "LRU of 2: all secure");
	tap_ok(st.dnskey_validations > 6, "LRU of 2: keys validated again "
	    "(%llu)", (unsigned long long)st.dnskey_validations);
	val_ctx_free(ctx);

	/* Too few queries allowed per job. */
	ctx = ctx_make(root_ds, 0, 2);
	expect(ctx, "www.a.nsec.", LDNS_RR_TYPE_A, NULL, "indeterminate",
	    "work_limit", NULL);
	val_ctx_free(ctx);
}

static void
test_cancel(void)
{
	struct val_ctx *ctx = ctx_make(root_ds, 0, 0);
	struct outcome o1, o2, o3, o4;
	struct val_job *j1, *j2, *j3;
	ldns_rdf *q1 = dn("www.a.nsec."), *q2 = dn("www.b.nsec.");
	ldns_pkt *p1 = answer(q1, LDNS_RR_TYPE_A), *p2 = answer(q2,
	    LDNS_RR_TYPE_A);

	memset(&o1, 0, sizeof(o1));
	memset(&o2, 0, sizeof(o2));
	memset(&o3, 0, sizeof(o3));
	memset(&o4, 0, sizeof(o4));
	/* j1 asks for the root's keys, j2 waits for the same task. */
	j1 = val_job_start(ctx, q1, LDNS_RR_TYPE_A, p1, done_cb, &o1);
	j2 = val_job_start(ctx, q2, LDNS_RR_TYPE_A, p2, done_cb, &o2);
	tap_ok(j1 != NULL && j2 != NULL && npend == 1,
	    "two jobs, one query in flight (%zu)", npend);
	cancel(j1);
	tap_ok(npend == 2, "the query is sent again through the other job");
	pump();
	tap_ok(o1.calls == 0, "cancelled job: done not called");
	tap_ok(o2.calls == 1 && o2.r.status == VAL_SECURE,
	    "the other job completes secure");
	/* Cancelled half way, alone: its task is abandoned. */
	j3 = val_job_start(ctx, q1, LDNS_RR_TYPE_A, p1, done_cb, &o3);
	tap_ok(j3 != NULL && npend == 1, "a new job queries a.nsec.");
	cancel(j3);
	pump();
	tap_ok(o3.calls == 0, "abandoned: done not called");
	/* Cancelled, and its reply delivered all the same (as the crawler's
	 * query engine does): ignored, and the job released then. */
	{
		ldns_rdf *qa = dn("www.d.nsec."), *qb = dn("mail.d.nsec.");
		ldns_pkt *pa = answer(qa, LDNS_RR_TYPE_A);
		ldns_pkt *pb = answer(qb, LDNS_RR_TYPE_MX);

		memset(&o1, 0, sizeof(o1));
		memset(&o3, 0, sizeof(o3));
		j3 = val_job_start(ctx, qa, LDNS_RR_TYPE_A, pa, done_cb, &o3);
		j1 = val_job_start(ctx, qb, LDNS_RR_TYPE_MX, pb, done_cb, &o1);
		tap_ok(j3 != NULL && j1 != NULL && npend == 1,
		    "two jobs wait for d.nsec.");
		val_job_cancel(j3);
		tap_ok(npend == 2, "sent again through the other");
		val_job_cancel(j1);
		pump();
		tap_ok(o3.calls == 0 && o1.calls == 0,
		    "cancelled, replies delivered: no callback, no use after "
		    "free");
		ldns_pkt_free(pa);
		ldns_pkt_free(pb);
		ldns_rdf_deep_free(qa);
		ldns_rdf_deep_free(qb);
	}
	expect(ctx, "www.a.nsec.", LDNS_RR_TYPE_A, NULL, "secure", NULL, NULL);
	/* Freed with a job in flight. */
	val_job_start(ctx, q2, LDNS_RR_TYPE_MX, p2, done_cb, &o4);
	val_job_start(ctx, q1, LDNS_RR_TYPE_A, p1, done_cb, &o4);
	tap_ok(o4.calls >= 1, "cached zones answer at once (%d)", o4.calls);
	{
		ldns_rdf *q3 = dn("www.c.nsec.");
		ldns_pkt *p3 = answer(q3, LDNS_RR_TYPE_A);

		memset(&o3, 0, sizeof(o3));
		j3 = val_job_start(ctx, q3, LDNS_RR_TYPE_A, p3, done_cb, &o3);
		ldns_pkt_free(p3);
		ldns_rdf_deep_free(q3);
	}
	tap_ok(j3 != NULL && npend > 0, "a query in flight");
	val_ctx_free(ctx);
	tap_ok(o3.calls == 0, "ctx freed with a job in flight: no callback");
	while (npend > 0)
		ldns_rdf_deep_free(pend[--npend].name);
	ldns_pkt_free(p1);
	ldns_pkt_free(p2);
	ldns_rdf_deep_free(q1);
	ldns_rdf_deep_free(q2);
}

static void
test_hostile(void)
{
	unsigned i, done = 0;
	size_t k;

	/* Replies corrupted at random: every job ends, no crash, no leak. */
	mutate_permille = 300;
	for (i = 0; i < 60; i++) {
		struct val_ctx *ctx = ctx_make(root_ds, 0, 0);
		struct outcome o[NSHARED];

		for (k = 0; k < NSHARED; k++) {
			ldns_rdf *q = dn(shared_names[k]);
			ldns_pkt *p = answer(q, k % 3 ? LDNS_RR_TYPE_A :
			    LDNS_RR_TYPE_TXT);

			memset(&o[k], 0, sizeof(o[k]));
			p = rnd() % 4 == 0 ? mutate(p) : p;
			val_job_start(ctx, q, k % 3 ? LDNS_RR_TYPE_A :
			    LDNS_RR_TYPE_TXT, p, done_cb, &o[k]);
			ldns_pkt_free(p);
			ldns_rdf_deep_free(q);
		}
		pump();
		for (k = 0; k < NSHARED; k++) {
			if (o[k].calls == 1)
				done++;
		}
		val_ctx_free(ctx);
	}
	mutate_permille = 0;
	tap_eq_i64(done, 60 * NSHARED, "corrupted replies: every job done once");
}

int
main(void)
{
	world_build();
	test_secure();
	test_negative();
	test_insecure();
	test_bogus();
	test_precedence();
	test_no_response();
	test_anchors();
	test_cache();
	test_cancel();
	test_hostile();
	world_free();
	return tap_done();
}
