/*
 * netaddr.h - one IP address type for the whole crawler: what the DNS
 * stage decodes from an A or AAAA record, what the blocklist and the
 * opt-out list check, what LPM, BGP, ROV and geo look up, and what a
 * socket connects to.  Text is made only when a row is written.
 */
#ifndef UPTAKE_CRAWLER_NETADDR_H
#define UPTAKE_CRAWLER_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct sockaddr_storage;

enum netaddr_af {
	NETADDR_V4 = 0,		/* the row's v4_* columns, index 0 */
	NETADDR_V6 = 1,
};

/* Longest text form: an IPv6 address (45) and the NUL. */
#define NETADDR_STRLEN 46

struct netaddr {
	uint8_t af;		/* enum netaddr_af */
	uint8_t b[16];		/* network order; IPv4 in b[0..3], rest 0 */
};

/* From raw bytes: 4 for IPv4, 16 for IPv6; -1 for any other length. */
int netaddr_from_bytes(const uint8_t *b, size_t len, struct netaddr *out);
/* From text (dotted quad or RFC 4291 text; no zone, no brackets). */
int netaddr_parse(const char *s, size_t len, struct netaddr *out);
/* From a sockaddr_in or sockaddr_in6; -1 for another family. */
int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out);
/* To a sockaddr_in/_in6 with port; returns its length. */
size_t netaddr_to_sockaddr(const struct netaddr *a, uint16_t port,
	struct sockaddr_storage *out);
/* The text form into buf (at least NETADDR_STRLEN). */
void netaddr_format(const struct netaddr *a, char *buf, size_t len);
/* 4 or 16. */
size_t netaddr_len(const struct netaddr *a);
bool netaddr_equal(const struct netaddr *a, const struct netaddr *b);
/*
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 2.5.5.2) as the
 * IPv4 address it carries, so that a blocked IPv4 range cannot be
 * reached through its mapped form; any other address unchanged.
 */
void netaddr_unmap(const struct netaddr *a, struct netaddr *out);

#endif
