/*
 * optout.h - the --opt-out list: domains and address prefixes whose
 * owners asked not to be measured.  Honoured before any packet is sent
 * for a domain (and for an address, before any connection to it).
 *
 * File format (docs/lists.md), one entry per line:
 *   example.com        the domain and every name below it
 *   192.0.2.0/24       an IPv4 or IPv6 prefix; a bare address is a host
 *   # comment          '#' at line start or after a blank starts a comment
 * Blank lines are ignored; CRLF and a UTF-8 byte-order mark are accepted;
 * domains are normalised like list entries (dname.h: case, trailing dot,
 * IDNs to A-labels).  Any other line is an error: the crawl does not start
 * with an opt-out list it only half understood.
 */
#ifndef UPTAKE_CRAWLER_OPTOUT_H
#define UPTAKE_CRAWLER_OPTOUT_H

#include <stdbool.h>
#include <stddef.h>

struct netaddr;

/* Largest opt-out file read (bytes): far more than any real one. */
#define OPTOUT_MAX_BYTES (64u << 20)
/* Longest line (bytes). */
#define OPTOUT_MAX_LINE 1024

struct optout;

/*
 * Read and parse the file at path.  Returns NULL with "PATH:LINE: what"
 * (or "PATH: what") in err; the caller adds the flag name.  The caller
 * owns the result (optout_free).
 */
struct optout *optout_load(const char *path, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The same over buf[0..len) (borrowed for the call); name for messages. */
struct optout *optout_parse(const char *buf, size_t len, const char *name,
	char *err, size_t errlen) __attribute__((warn_unused_result));

void optout_free(struct optout *o);

/*
 * The opted-out domain covering domain (normal form, dname.h): domain
 * itself or a parent on a label boundary; NULL if none.  Borrowed from o.
 */
const char *optout_match_domain(const struct optout *o, const char *domain);
bool optout_has_domain(const struct optout *o, const char *domain);

/* True if the address (netaddr, or text) is in an opted-out
 * prefix.  IPv4-mapped IPv6 addresses are judged as IPv4 (cidr.h). */
bool optout_has_addr(const struct optout *o, const struct netaddr *addr);
bool optout_has_addr_text(const struct optout *o, const char *addr);

/* Entries read: domains and prefixes (after removing duplicates). */
size_t optout_domain_count(const struct optout *o);
size_t optout_prefix_count(const struct optout *o);

#endif
