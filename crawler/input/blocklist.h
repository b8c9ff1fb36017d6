/*
 * blocklist.h - the addresses the crawler never contacts: the IANA
 * special-purpose ranges (loopback, private-use, link-local, shared,
 * documentation, benchmarking, multicast, reserved, ...), built in, with
 * --allow-prefix lifting the block for the prefixes it names, and only for
 * those.  Nothing is allowed by default.
 *
 * The crawler checks every address right before connect(), not only when
 * it picks targets: a hostile DNS answer may point it at 127.0.0.1 or
 * 10/8.  A blocked address is recorded in the row and never contacted.
 * The table and its sources are in blocklist.c and docs/lists.md.
 *
 * Judging: an IPv4-mapped IPv6 address is its IPv4 address (cidr.h); an
 * address in the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052), which a
 * translator would send to the IPv4 address in its last 32 bits, is also
 * judged by that IPv4 address; an address of another family, or text that
 * is no address, is blocked (fail closed).
 */
#ifndef UPTAKE_CRAWLER_BLOCKLIST_H
#define UPTAKE_CRAWLER_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>

struct netaddr;

/* Prefixes one --allow-prefix value may name. */
#define BLOCKLIST_MAX_ALLOW 1024

struct blocklist;

/*
 * The built-in blocklist, plus the prefixes of allow ("CIDR[,CIDR...]",
 * blanks around each allowed; NULL or "" for none).  Returns NULL with
 * the bad element and why in err (the caller adds the flag name).  The
 * caller owns the result (blocklist_free).
 */
struct blocklist *blocklist_new(const char *allow, char *err, size_t errlen)
	__attribute__((warn_unused_result));
void blocklist_free(struct blocklist *bl);

/*
 * True if the crawler must not contact addr (NULL or an unknown family:
 * true, fail closed).
 */
bool blocklist_is_blocked(const struct blocklist *bl,
	const struct netaddr *addr);
/* The same for an address in text form (NUL-terminated). */
bool blocklist_is_blocked_text(const struct blocklist *bl, const char *addr);

/*
 * Why addr is blocked: the matched range and its registry name, e.g.
 * "127.0.0.0/8 loopback (RFC 1122)"; NULL if it is not blocked.  Static
 * storage, valid for the life of the program.
 */
const char *blocklist_reason(const struct blocklist *bl,
	const struct netaddr *addr);
const char *blocklist_reason_text(const struct blocklist *bl,
	const char *addr);

/* Number of built-in ranges, and the i-th as "PREFIX NAME (RFC)". */
size_t blocklist_builtin_count(void);
const char *blocklist_builtin(size_t i);
/* Number of allowed prefixes. */
size_t blocklist_allow_count(const struct blocklist *bl);

#endif
