/*
 * lpm.h - longest-prefix match over a set of IP prefixes, built once.
 *
 * A table holds the prefixes of one address family, each with a list of
 * 64-bit items (what the owner attaches: BGP origins, VRPs).  Prefixes are
 * added, then lpm_build() sorts them, merges duplicates and turns them into
 * a sorted array of elementary address ranges, each naming the longest
 * prefix that covers it, with a 2^16-entry index on the top 16 address
 * bits.  A lookup is one index read and a binary search over a few entries.
 * Each prefix also knows its parent (the longest strictly shorter prefix of
 * the table that contains it), so all prefixes containing an address are
 * the chain from its longest match.  Design and figures: docs/rpki.md.
 */
#ifndef UPTAKE_CRAWLER_LPM_H
#define UPTAKE_CRAWLER_LPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

/* The same numbers as enum netaddr_af: an address's af indexes tables. */
enum lpm_af {
	LPM_AF_V4 = NETADDR_V4,
	LPM_AF_V6 = NETADDR_V6,
};

#define LPM_NONE UINT32_MAX	/* no prefix */
/* Longest text form: an IPv6 address (45), "/128" and the NUL. */
#define LPM_PREFIX_STRLEN 52
/* Most prefixes (and items) one table holds: ids are 32-bit. */
#define LPM_MAX_ENTRIES (UINT32_MAX / 4)

/* An address is a prefix of length 32 or 128. */
struct lpm_prefix {
	uint8_t af;		/* enum lpm_af */
	uint8_t len;		/* 0..32 or 0..128 */
	uint8_t addr[16];	/* network order; IPv4 in addr[0..3], rest 0 */
};

/*
 * Parse "ADDR/LEN" from s[0..len) (IPv4 dotted quad or IPv6 text).  Bits
 * past LEN must be zero.  Returns 0, or -1 when it is not a prefix.
 */
int lpm_prefix_parse(const char *s, size_t len, struct lpm_prefix *out);
/* The host prefix of an address (length 32 or 128). */
void lpm_prefix_host(const struct netaddr *a, struct lpm_prefix *out);
/* Build a prefix from an address and a length; bits past plen are zeroed.
 * Returns -1 when plen is too long for the family. */
int lpm_prefix_make(enum lpm_af af, const uint8_t *addr, unsigned plen,
	struct lpm_prefix *out);
/* "198.51.100.0/28", "2001:db8::/32"; buf holds LPM_PREFIX_STRLEN. */
void lpm_prefix_format(const struct lpm_prefix *p, char *buf, size_t len);
/* The address alone, without "/LEN". */
/* outer covers inner: same family, outer->len <= inner->len, and inner's
 * first outer->len bits equal outer's. */
bool lpm_prefix_covers(const struct lpm_prefix *outer,
	const struct lpm_prefix *inner);
/* The maximum length of the family: 32 or 128. */
unsigned lpm_af_bits(enum lpm_af af);

struct lpm;

/* A new, empty table of one family.  Never NULL (out of memory is fatal). */
struct lpm *lpm_new(enum lpm_af af);
/* Frees the table; NULL is fine. */
void lpm_free(struct lpm *t);

/*
 * Add a prefix with one item, before lpm_build.  A prefix added several
 * times gets the union of its items (an item added twice is kept once).
 * Returns 0, or -1 when p is of the other family or the table is full.
 */
int lpm_add(struct lpm *t, const struct lpm_prefix *p, uint64_t item);
/* Build the lookup structure and free the staging area.  After this the
 * table is read-only: lpm_add fails, lookups work. */
void lpm_build(struct lpm *t);

/* Unique prefixes, and items over them. */
size_t lpm_count(const struct lpm *t);
size_t lpm_item_count(const struct lpm *t);
/* Bytes held by the built table. */
size_t lpm_memory(const struct lpm *t);

/*
 * The id of the longest prefix containing the address a (a->len ignored),
 * or LPM_NONE.  Ids run 0..lpm_count()-1 in address order.
 */
uint32_t lpm_match(const struct lpm *t, const struct lpm_prefix *a);
/* The longest prefix of the table strictly containing id, or LPM_NONE. */
uint32_t lpm_parent(const struct lpm *t, uint32_t id);
/* The prefix with that id. */
void lpm_get(const struct lpm *t, uint32_t id, struct lpm_prefix *out);
unsigned lpm_len(const struct lpm *t, uint32_t id);
/* The items of id, sorted, without duplicates; *n set to their number.
 * Borrowed from the table. */
const uint64_t *lpm_items(const struct lpm *t, uint32_t id, size_t *n);

#endif
