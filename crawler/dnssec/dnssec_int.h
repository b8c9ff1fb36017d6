/*
 * dnssec_int.h - internals of the DNSSEC validator shared by its files:
 * the table of limits, name helpers on wire-format names, signature and
 * DS checks (dnssec_verify.c) and NSEC/NSEC3 proofs (dnssec_denial.c).
 *
 * Everything here is a pure function over ldns objects: no I/O, no clock
 * (the validation time is an argument), so it can be tested and fuzzed on
 * its own.  Not part of the crawler's interface: include dnssec.h.
 */
#ifndef UPTAKE_CRAWLER_DNSSEC_INT_H
#define UPTAKE_CRAWLER_DNSSEC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dnssec.h"

/*
 * Limits.  Every bound on work the validator does for remote data is here,
 * with its reason (docs/dnssec.md, "Bounds").
 */
enum {
	/* RFC 1035 2.3.4: 255 octets, so at most 127 labels plus the root. */
	VAL_MAX_NAME_WIRE = 255,
	VAL_MAX_LABELS = 128,
	/* Zone cuts walked below a trust anchor for one name: a DS query per
	 * label at worst; deeper names are indeterminate (work_limit). */
	VAL_MAX_CHAIN_DEPTH = 40,
	/* RRSIGs tried per RRset, and keys tried per RRSIG (key-tag
	 * collisions): KeyTrap (CVE-2023-50387) bounds on public-key work. */
	VAL_MAX_SIGS_PER_RRSET = 8,
	VAL_MAX_KEYS_PER_SIG = 4,
	/* Signature verifications (crypto) per job and per zone task. */
	VAL_MAX_VERIFY_PER_JOB = 48,
	VAL_MAX_VERIFY_PER_TASK = 32,
	/* DNSKEYs and DS records looked at in one RRset, DS digests computed. */
	VAL_MAX_KEYS_PER_ZONE = 16,
	VAL_MAX_DS_PER_ZONE = 16,
	VAL_MAX_DS_DIGESTS = 32,
	/* Public key and signature sizes: RSA 4096 (RFC 3110, 5702) with
	 * room; anything larger is not used. */
	VAL_MAX_KEY_BYTES = 1024,
	VAL_MAX_SIG_BYTES = 1024,
	/* RRs looked at per packet section; the rest are ignored. */
	VAL_MAX_SECTION_RRS = 64,
	/* RRsets validated per answer (a CNAME chain and its target). */
	VAL_MAX_ITEMS = 8,
	/* NSEC and NSEC3 records used in one proof. */
	VAL_MAX_DENIAL_RRS = 8,
	/* RFC 9276 3.2: NSEC3 iterations above this make an answer insecure
	 * (Unbound's default limit, 150). */
	VAL_MAX_NSEC3_ITERATIONS = 150,
	/* NSEC3 hashes computed in one proof (closest encloser search). */
	VAL_MAX_NSEC3_HASHES = 40,
	/* SHA-1 (NSEC3 hash algorithm 1) output. */
	VAL_NSEC3_HASH_LEN = 20,
	/* Re-asks of a zone's DS or DNSKEY after no usable reply (timeout,
	 * SERVFAIL): each waiting domain's verdict hangs on it. */
	VAL_TASK_RETRIES = 2,
	/* Defaults of val_ctx_options. */
	VAL_DEFAULT_KEY_CACHE_ZONES = 16384,
	VAL_DEFAULT_MAX_QUERIES_PER_JOB = 32,
	/* Hash buckets of the zone table: at most this many. */
	VAL_MAX_BUCKETS = 1 << 20,
};

/* --- names (dnssec_util.c) ------------------------------------------------ */

/*
 * A wire-format name split into labels: off[i] is where the suffix with
 * (nlabels - i) labels starts; off[nlabels] is the root label.  The suffix
 * at off[i] is itself a wire-format name of len - off[i] octets.
 */
struct val_name {
	uint8_t wire[VAL_MAX_NAME_WIRE];
	size_t len;
	unsigned nlabels;		/* labels, root not counted */
	uint8_t off[VAL_MAX_LABELS + 1];
};

/* Parse a DNAME rdf (lower-cased copy).  Returns 0 or -1 when malformed. */
int val_name_set(struct val_name *n, const ldns_rdf *name);
/* Labels of a DNAME rdf, not counting the root; -1 when malformed. */
int val_name_count(const ldns_rdf *name);
/* RFC 4034 6.1 canonical order, case-insensitive: <0, 0, >0. */
int val_name_cmp(const ldns_rdf *a, const ldns_rdf *b);
bool val_name_eq(const ldns_rdf *a, const ldns_rdf *b);
/* sub equals parent or is below it. */
bool val_name_is_sub(const ldns_rdf *sub, const ldns_rdf *parent);
/* The ancestor of name with keep labels (a new rdf), NULL when malformed. */
ldns_rdf *val_name_ancestor(const ldns_rdf *name, unsigned keep);
/* First label is "*". */
bool val_name_is_wildcard(const ldns_rdf *name);

/* --- algorithms, times (dnssec_util.c) ------------------------------------ */

/* RFC 8624: algorithms we validate (5, 7, 8, 10, 13, 14, 15, 16). */
bool val_alg_supported(uint8_t alg);
/* RFC 8624: DS digest types we compute (1, 2, 4). */
bool val_digest_supported(uint8_t digest);

/*
 * RFC 4034 3.1.5: inception <= now <= expiration in serial number
 * arithmetic (RFC 1982, 32 bits), no clock-skew allowance.
 */
enum val_time {
	VAL_TIME_OK = 0,
	VAL_TIME_EXPIRED,
	VAL_TIME_NOT_YET,
};
enum val_time val_time_check(uint32_t inception, uint32_t expiration,
	time_t now);


/* RR field access that never asserts: the rdf or NULL. */
const ldns_rdf *val_rr_field(const ldns_rr *rr, size_t i, ldns_rdf_type t);
/* Integer fields; false when missing or of the wrong size. */
bool val_rr_u8(const ldns_rr *rr, size_t i, uint8_t *out);
bool val_rr_u16(const ldns_rr *rr, size_t i, uint16_t *out);
bool val_rr_u32(const ldns_rr *rr, size_t i, uint32_t *out);

/* --- signatures and DS (dnssec_verify.c) ---------------------------------- */

/* Outcome of checking an RRset's signatures, in precedence order: the
 * first is best; when no signature is valid the lowest-numbered failure
 * met is reported (docs/dnssec.md, "Reason precedence"). */
enum val_sig {
	VAL_SIG_OK = 0,
	VAL_SIG_EXPIRED,	/* a valid signature, but past its expiration */
	VAL_SIG_NOT_YET,	/* a valid signature, before its inception */
	VAL_SIG_INVALID,	/* RRSIGs by the zone, none verifies */
	VAL_SIG_MISSING,	/* no RRSIG by the zone over the RRset */
};
enum val_reason val_sig_reason(enum val_sig s);

struct val_verify_budget {
	unsigned left;		/* crypto operations left */
	uint64_t done;		/* crypto operations performed */
};

/*
 * Verify rrset (one owner, type, class) with the RRSIGs among sigs that
 * cover it and were made by zone, using any of keys (DNSKEY RRs of zone).
 * On VAL_SIG_OK *used (when not NULL) is the RRSIG that verified.
 */
enum val_sig val_rrset_verify(const ldns_rr_list *rrset,
	const ldns_rr_list *sigs, const ldns_rdf *zone,
	const ldns_rr_list *keys, time_t now,
	struct val_verify_budget *budget, const ldns_rr **used);

/* A DNSKEY usable for verifying: zone key flag, protocol 3, bounded size. */
bool val_dnskey_usable(const ldns_rr *key);
/* A DS we can use: supported algorithm and digest type (RFC 4035 5.2). */
bool val_ds_usable(const ldns_rr *ds);

/*
 * The DNSKEYs of keys that match a usable DS of ds (RFC 4035 5.2,
 * RFC 4509 3: SHA-1 digests ignored when SHA-256 or SHA-384 ones are
 * present).  Returns a list of borrowed pointers (ldns_rr_list_free), or
 * NULL when none matches.
 */
ldns_rr_list *val_ds_match(const ldns_rr_list *ds, const ldns_rr_list *keys);

/* --- NSEC and NSEC3 (dnssec_denial.c) ------------------------------------ */

enum val_proof {
	VAL_PROOF_OK = 0,	/* the denial is proven */
	VAL_PROOF_OPTOUT,	/* RFC 5155 9.2: covered by opt-out: insecure */
	VAL_PROOF_ITERATIONS,	/* NSEC3 iterations above the limit: insecure */
	VAL_PROOF_FAIL,		/* not proven: bogus */
};

/*
 * Prove that (name, qtype) has no data (nxdomain false) or that name does
 * not exist (nxdomain true) with verified NSEC or NSEC3 RRs of zone
 * (RFC 4035 5.4, RFC 5155 8.4-8.7).  *nsec3_iter is set to the NSEC3
 * iteration count when NSEC3 was used, else left alone.
 */
enum val_proof val_denial_prove(const ldns_rdf *name, ldns_rr_type qtype,
	bool nxdomain, const ldns_rdf *zone, const ldns_rr_list *nsecs,
	const ldns_rr_list *nsec3s, int *nsec3_iter);

/* What a verified negative answer to (name, DS) says about name. */
enum val_dsproof {
	VAL_DSPROOF_FAIL = 0,	/* nothing proven (or DS claimed present) */
	VAL_DSPROOF_NO_DS,	/* a delegation without DS: insecure */
	VAL_DSPROOF_OPTOUT,	/* covered by NSEC3 opt-out: insecure */
	VAL_DSPROOF_NOT_CUT,	/* name exists without NS, or does not exist */
	VAL_DSPROOF_ITERATIONS,	/* NSEC3 iterations above the limit */
};
enum val_dsproof val_denial_ds(const ldns_rdf *name, const ldns_rdf *zone,
	const ldns_rr_list *nsecs, const ldns_rr_list *nsec3s);

/*
 * RFC 4035 5.3.4, RFC 5155 8.8: an answer for qname synthesised from a
 * wildcard whose RRSIG has labels labels: prove qname itself does not exist.
 */
enum val_proof val_denial_wildcard(const ldns_rdf *qname, unsigned labels,
	const ldns_rdf *zone, const ldns_rr_list *nsecs,
	const ldns_rr_list *nsec3s);

/* NSEC3 hash (RFC 5155 5) of name; false when parameters are unusable. */
bool val_nsec3_hash(const ldns_rdf *name, uint16_t iterations,
	const uint8_t *salt, size_t saltlen, uint8_t out[VAL_NSEC3_HASH_LEN]);

#endif
