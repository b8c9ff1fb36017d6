/*
 * cidr.h - IP addresses and prefixes, and a small set of prefixes, for
 * the opt-out list and the special-purpose address blocklist.
 *
 * An address is IPv4 or IPv6.  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, RFC 4291 2.5.5.2), whether from a sockaddr_in6 or from
 * text, is taken as the IPv4 address it carries: the kernel sends to that
 * IPv4 address, so it is judged as one.
 *
 * A set holds prefixes of both families, each with a caller's tag.  It is
 * filled, then sealed (cidr_set_seal sorts it); a lookup returns the most
 * specific prefix containing the address.  Lookups are a binary search
 * per distinct prefix length of the family (a handful for the blocklist).
 *
 * Parsing is pure (inet_pton, no I/O) and bounded by CIDR_MAX_TEXT.
 */
#ifndef UPTAKE_CRAWLER_CIDR_H
#define UPTAKE_CRAWLER_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netaddr;

/* Longest prefix text looked at: an IPv6 address (45) and "/128". */
#define CIDR_MAX_TEXT 50
/* Buffer for cidr_format / cidr_addr_format. */
#define CIDR_STRLEN 52
/* Prefixes one set may hold (bounds an opt-out file's memory). */
#define CIDR_SET_MAX 10000000

/*
 * The bit form of an address, for prefix arithmetic (the crawler's
 * address type is struct netaddr, netaddr.h; this is how a prefix set
 * stores and compares one): family AF_INET or AF_INET6, bits left-aligned
 * in hi:lo
 * (IPv4: the 32 bits in the top of hi; the rest zero).
 */
struct cidr_addr {
	int family;
	uint64_t hi, lo;
};

struct cidr {
	struct cidr_addr addr;	/* bits past len are zero */
	unsigned len;		/* 0..32 or 0..128 */
};

/*
 * Parse an address from s[0..len) (dotted quad or RFC 4291 text; no zone
 * index, no brackets).  Returns 0, or -1.
 */
int cidr_addr_parse(const char *s, size_t len, struct cidr_addr *out);

/* The bit form of an address (the crawler's netaddr; an IPv4-mapped one
 * as its IPv4 address).  Returns 0, or -1 for NULL or an unknown family. */
int cidr_addr_from_netaddr(const struct netaddr *a, struct cidr_addr *out);

/*
 * Parse "ADDR/LEN" or "ADDR" (a host: /32 or /128) from s[0..len).  Bits
 * past LEN must be zero.  "::ffff:A.B.C.D/LEN" with LEN >= 96 is the IPv4
 * prefix A.B.C.D/(LEN-96).  Returns 0, or -1 with the reason in err
 * (naming the text, and the network meant when host bits are set).
 */
int cidr_parse(const char *s, size_t len, struct cidr *out, char *err,
	size_t errlen);

/* True if p contains a (same family, first p->len bits equal). */
bool cidr_contains(const struct cidr *p, const struct cidr_addr *a);

/* "192.0.2.0/24", "2001:db8::/32"; buf of CIDR_STRLEN. */
void cidr_format(const struct cidr *p, char *buf, size_t len);
void cidr_addr_format(const struct cidr_addr *a, char *buf, size_t len);

struct cidr_set;

/* A new empty set; never NULL.  The caller owns it (cidr_set_free). */
struct cidr_set *cidr_set_new(void);
void cidr_set_free(struct cidr_set *s);

/*
 * Add p with tag, before cidr_set_seal.  A prefix added twice keeps its
 * first tag.  Returns 0, or -1 when sealed or full (CIDR_SET_MAX).
 */
int cidr_set_add(struct cidr_set *s, const struct cidr *p, uint32_t tag);
/* Sort for lookups; adding is over.  Idempotent. */
void cidr_set_seal(struct cidr_set *s);
size_t cidr_set_count(const struct cidr_set *s);

/*
 * The most specific prefix of the sealed set containing a: true with its
 * tag (and the prefix, if out is not NULL), false if none.
 */
bool cidr_set_match(const struct cidr_set *s, const struct cidr_addr *a,
	uint32_t *tag, struct cidr *out);

#endif
