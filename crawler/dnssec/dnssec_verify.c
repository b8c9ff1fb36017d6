/*
 * dnssec_verify.c - RRSIG checks (RFC 4035 5.3) and DS to DNSKEY matching
 * (RFC 4035 5.2), bounded.  The public-key operation is ldns's
 * (ldns_verify_rrsig_keylist_notime with one key at a time); every check
 * around it that ldns leaves out is here: signer and owner names, type
 * covered, labels, zone key flag, protocol, algorithm, key tag, sizes, and
 * the validity period judged in serial arithmetic at the given time.
 */
#include "config.h"

#include <string.h>

#include "dnssec_int.h"

/* RFC 4034 2.1.1 */
#define DNSKEY_FLAG_ZONE 0x0100u
#define DNSKEY_FLAG_REVOKE 0x0080u
#define DNSKEY_PROTOCOL 3

enum val_reason
val_sig_reason(enum val_sig s)
{
	switch (s) {
	case VAL_SIG_OK:
		return VAL_REASON_NONE;
	case VAL_SIG_EXPIRED:
		return VAL_REASON_RRSIG_EXPIRED;
	case VAL_SIG_NOT_YET:
		return VAL_REASON_RRSIG_NOT_YET_VALID;
	case VAL_SIG_INVALID:
		return VAL_REASON_SIGNATURE_INVALID;
	case VAL_SIG_MISSING:
		break;
	}
	return VAL_REASON_RRSIG_MISSING;
}

/*
 * Public key and signature sizes each algorithm defines: anything else is
 * refused before ldns and OpenSSL see it.  RSA keys (RFC 3110 2): exponent
 * length in one octet, or zero and two octets; a modulus of 512 to 4096
 * bits (RFC 3110, 5702) and a signature as long as the modulus.
 */
static bool
key_size_ok(uint8_t alg, const uint8_t *k, size_t len)
{
	size_t elen, off;

	switch (alg) {
	case LDNS_ECDSAP256SHA256:
		return len == 64;
	case LDNS_ECDSAP384SHA384:
		return len == 96;
	case LDNS_ED25519:
		return len == 32;
	case LDNS_ED448:
		return len == 57;
	default:
		break;
	}
	if (len < 3)
		return false;
	if (k[0] != 0) {
		elen = k[0];
		off = 1;
	} else {
		elen = (size_t)k[1] << 8 | k[2];
		off = 3;
	}
	if (elen == 0 || elen > 8 || off + elen >= len)
		return false;
	len -= off + elen;		/* modulus octets */
	return len >= 64 && len <= 512;
}

static bool
sig_size_ok(uint8_t alg, size_t len)
{
	switch (alg) {
	case LDNS_ECDSAP256SHA256:
		return len == 64;
	case LDNS_ECDSAP384SHA384:
		return len == 96;
	case LDNS_ED25519:
		return len == 64;
	case LDNS_ED448:
		return len == 114;
	default:
		return len >= 64 && len <= 512;
	}
}

bool
val_dnskey_usable(const ldns_rr *key)
{
	uint16_t flags;
	uint8_t proto, alg;
	const ldns_rdf *k;

	if (key == NULL || ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY ||
	    ldns_rr_get_class(key) != LDNS_RR_CLASS_IN)
		return false;
	if (!val_rr_u16(key, 0, &flags) || !val_rr_u8(key, 1, &proto) ||
	    !val_rr_u8(key, 2, &alg))
		return false;
	if (!(flags & DNSKEY_FLAG_ZONE) || (flags & DNSKEY_FLAG_REVOKE) ||
	    proto != DNSKEY_PROTOCOL || !val_alg_supported(alg))
		return false;
	k = val_rr_field(key, 3, LDNS_RDF_TYPE_B64);
	return k != NULL && ldns_rdf_size(k) > 0 &&
	    ldns_rdf_size(k) <= VAL_MAX_KEY_BYTES &&
	    key_size_ok(alg, ldns_rdf_data(k), ldns_rdf_size(k));
}

bool
val_ds_usable(const ldns_rr *ds)
{
	uint8_t alg, digest;

	if (ds == NULL || ldns_rr_get_type(ds) != LDNS_RR_TYPE_DS ||
	    ldns_rr_rd_count(ds) < 4)
		return false;
	if (!val_rr_u8(ds, 1, &alg) || !val_rr_u8(ds, 2, &digest))
		return false;
	return val_alg_supported(alg) && val_digest_supported(digest);
}

/* Labels of an owner as RFC 4034 3.1.3 counts them (no leading "*"). */
static int
owner_labels(const ldns_rdf *owner)
{
	int n = val_name_count(owner);

	if (n > 0 && val_name_is_wildcard(owner))
		n--;
	return n;
}

/* An RRSIG that could cover rrset for zone: every check but crypto. */
static bool
sig_applies(const ldns_rr *sig, const ldns_rr *first, const ldns_rdf *zone,
    int olabels)
{
	const ldns_rdf *signer, *sigdata;
	uint16_t covered;
	uint8_t alg, labels;

	if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG ||
	    ldns_rr_get_class(sig) != ldns_rr_get_class(first) ||
	    ldns_rr_rd_count(sig) != 9)
		return false;
	if (!val_name_eq(ldns_rr_owner(sig), ldns_rr_owner(first)))
		return false;
	if (!val_rr_u16(sig, 0, &covered) ||
	    covered != (uint16_t)ldns_rr_get_type(first))
		return false;
	signer = val_rr_field(sig, 7, LDNS_RDF_TYPE_DNAME);
	if (signer == NULL || !val_name_eq(signer, zone))
		return false;
	if (!val_rr_u8(sig, 1, &alg) || !val_rr_u8(sig, 2, &labels) ||
	    (int)labels > olabels)
		return false;
	sigdata = val_rr_field(sig, 8, LDNS_RDF_TYPE_B64);
	if (sigdata == NULL || ldns_rdf_size(sigdata) == 0 ||
	    ldns_rdf_size(sigdata) > VAL_MAX_SIG_BYTES)
		return false;
	return true;
}

/* A signature of the size its algorithm produces. */
static bool
sig_data_ok(const ldns_rr *sig, uint8_t alg)
{
	const ldns_rdf *d = val_rr_field(sig, 8, LDNS_RDF_TYPE_B64);

	return d != NULL && sig_size_ok(alg, ldns_rdf_size(d));
}

enum val_sig
val_rrset_verify(const ldns_rr_list *rrset, const ldns_rr_list *sigs,
    const ldns_rdf *zone, const ldns_rr_list *keys, time_t now,
    struct val_verify_budget *budget, const ldns_rr **used)
{
	enum val_sig best = VAL_SIG_MISSING;
	const ldns_rr *first;
	ldns_rr_list *one = NULL, *good = NULL;
	size_t i, j, nsigs, nkeys;
	unsigned tried = 0;
	int olabels;

	if (used != NULL)
		*used = NULL;
	if (rrset == NULL || ldns_rr_list_rr_count(rrset) == 0 || sigs == NULL)
		return VAL_SIG_MISSING;
	first = ldns_rr_list_rr(rrset, 0);
	olabels = owner_labels(ldns_rr_owner(first));
	if (olabels < 0 || !val_name_is_sub(ldns_rr_owner(first), zone))
		return VAL_SIG_MISSING;
	nsigs = ldns_rr_list_rr_count(sigs);
	nkeys = keys != NULL ? ldns_rr_list_rr_count(keys) : 0;
	if (nsigs > VAL_MAX_SECTION_RRS)
		nsigs = VAL_MAX_SECTION_RRS;
	if (nkeys > VAL_MAX_KEYS_PER_ZONE)
		nkeys = VAL_MAX_KEYS_PER_ZONE;
	one = ldns_rr_list_new();
	good = ldns_rr_list_new();
	if (one == NULL || good == NULL)
		goto out;

	for (i = 0; i < nsigs && tried < VAL_MAX_SIGS_PER_RRSET; i++) {
		const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		uint16_t tag;
		uint8_t alg;
		uint32_t incep, expir;
		unsigned keys_tried = 0;

		if (!sig_applies(sig, first, zone, olabels))
			continue;
		tried++;
		if (best == VAL_SIG_MISSING)
			best = VAL_SIG_INVALID;
		if (!val_rr_u16(sig, 6, &tag) || !val_rr_u8(sig, 1, &alg) ||
		    !val_rr_u32(sig, 4, &expir) || !val_rr_u32(sig, 5, &incep))
			continue;
		if (!val_alg_supported(alg) || !sig_data_ok(sig, alg))
			continue;
		for (j = 0; j < nkeys && keys_tried < VAL_MAX_KEYS_PER_SIG;
		    j++) {
			ldns_rr *key = ldns_rr_list_rr(keys, j);
			uint8_t kalg;
			ldns_status st;
			enum val_time t;

			if (!val_dnskey_usable(key) ||
			    !val_rr_u8(key, 2, &kalg) || kalg != alg ||
			    !val_name_eq(ldns_rr_owner(key), zone) ||
			    ldns_calc_keytag(key) != tag)
				continue;
			keys_tried++;
			if (budget != NULL) {
				if (budget->left == 0)
					goto out;
				budget->left--;
				budget->done++;
			}
			ldns_rr_list_set_rr_count(one, 0);
			ldns_rr_list_push_rr(one, key);
			ldns_rr_list_set_rr_count(good, 0);
			st = ldns_verify_rrsig_keylist_notime(rrset, sig, one,
			    good);
			if (st != LDNS_STATUS_OK)
				continue;
			t = val_time_check(incep, expir, now);
			if (t == VAL_TIME_OK) {
				best = VAL_SIG_OK;
				if (used != NULL)
					*used = sig;
				goto out;
			}
			if (t == VAL_TIME_EXPIRED && best > VAL_SIG_EXPIRED)
				best = VAL_SIG_EXPIRED;
			if (t == VAL_TIME_NOT_YET && best > VAL_SIG_NOT_YET)
				best = VAL_SIG_NOT_YET;
			break;
		}
	}
out:
	if (one != NULL) {
		ldns_rr_list_set_rr_count(one, 0);
		ldns_rr_list_free(one);
	}
	if (good != NULL) {
		ldns_rr_list_set_rr_count(good, 0);
		ldns_rr_list_free(good);
	}
	return best;
}

static bool
ds_digest_matches(const ldns_rr *ds, const ldns_rr *key)
{
	uint8_t digest;
	ldns_rr *calc;
	const ldns_rdf *want, *got;
	bool ok = false;

	if (!val_rr_u8(ds, 2, &digest))
		return false;
	want = val_rr_field(ds, 3, LDNS_RDF_TYPE_HEX);
	if (want == NULL)
		return false;
	calc = ldns_key_rr2ds(key, (ldns_hash)digest);
	if (calc == NULL)
		return false;
	got = val_rr_field(calc, 3, LDNS_RDF_TYPE_HEX);
	if (got != NULL && ldns_rdf_size(got) == ldns_rdf_size(want) &&
	    memcmp(ldns_rdf_data(got), ldns_rdf_data(want),
	    ldns_rdf_size(want)) == 0)
		ok = true;
	ldns_rr_free(calc);
	return ok;
}

ldns_rr_list *
val_ds_match(const ldns_rr_list *ds, const ldns_rr_list *keys)
{
	ldns_rr_list *match = NULL;
	size_t i, j, nds, nkeys;
	unsigned digests = 0;
	bool sha2 = false;

	if (ds == NULL || keys == NULL)
		return NULL;
	nds = ldns_rr_list_rr_count(ds);
	nkeys = ldns_rr_list_rr_count(keys);
	if (nds > VAL_MAX_DS_PER_ZONE)
		nds = VAL_MAX_DS_PER_ZONE;
	if (nkeys > VAL_MAX_KEYS_PER_ZONE)
		nkeys = VAL_MAX_KEYS_PER_ZONE;
	for (i = 0; i < nds; i++) {
		const ldns_rr *d = ldns_rr_list_rr(ds, i);
		uint8_t digest;

		if (val_ds_usable(d) && val_rr_u8(d, 2, &digest) &&
		    digest != LDNS_SHA1)
			sha2 = true;
	}
	for (i = 0; i < nds; i++) {
		const ldns_rr *d = ldns_rr_list_rr(ds, i);
		uint16_t tag;
		uint8_t alg, digest;

		if (!val_ds_usable(d) || !val_rr_u16(d, 0, &tag) ||
		    !val_rr_u8(d, 1, &alg) || !val_rr_u8(d, 2, &digest))
			continue;
		/* RFC 4509 3: SHA-1 DS ignored beside SHA-2 ones. */
		if (digest == LDNS_SHA1 && sha2)
			continue;
		for (j = 0; j < nkeys; j++) {
			ldns_rr *key = ldns_rr_list_rr(keys, j);
			uint8_t kalg;

			if (!val_dnskey_usable(key) ||
			    !val_rr_u8(key, 2, &kalg) || kalg != alg ||
			    !val_name_eq(ldns_rr_owner(key), ldns_rr_owner(d)) ||
			    ldns_calc_keytag(key) != tag)
				continue;
			if (digests++ >= VAL_MAX_DS_DIGESTS)
				return match;
			if (!ds_digest_matches(d, key))
				continue;
			if (match == NULL)
				match = ldns_rr_list_new();
			if (match != NULL)
				ldns_rr_list_push_rr(match, key);
		}
	}
	return match;
}
