/*
 * blocklist.c - the special-purpose address blocklist (blocklist.h).
 *
 * Sources, checked when this table was written (2024 contents, rechecked
 * 2026 for the IPv6 registry's rows and the deprecated blocks below):
 *   IANA IPv4 Special-Purpose Address Registry
 *     https://www.iana.org/assignments/iana-ipv4-special-registry/
 *   IANA IPv6 Special-Purpose Address Registry (last updated 2024-10-22)
 *     https://www.iana.org/assignments/iana-ipv6-special-registry/
 *   RFC 6890 (the registries' structure), RFC 8190 (their update),
 *   IANA IPv4 Multicast Address Space Registry (224.0.0.0/4, RFC 5771),
 *   RFC 4291 2.7 (IPv6 multicast, ff00::/8).
 *
 * What is blocked, and why each deviation from the registries:
 *   - Every registry entry that is not globally reachable, plus the
 *     multicast blocks (no web or DNS service lives there).
 *   - Whole covering blocks where the registry has more specific entries
 *     inside: 192.0.0.0/24 (IETF protocol assignments) covers 192.0.0.9
 *     (PCP anycast) and 192.0.0.10 (TURN anycast), and 2001::/23 covers
 *     TEREDO, benchmarking, ORCHID, and the globally reachable exceptions
 *     2001:1::1-3 (PCP, TURN, DNS-SD SRP anycast), 2001:3::/32 (AMT),
 *     2001:4:112::/48 (AS112-v6), 2001:20::/28 (ORCHIDv2) and 2001:30::/28
 *     (DETs).  Those exceptions are anycast services and protocol
 *     identifiers, not hosts that a list's domain legitimately points at;
 *     blocking them costs no real measurement and keeps the rule simple.
 *   - 192.88.99.0/24 (the deprecated 6to4 relay anycast, RFC 7526) and
 *     2002::/16 (6to4): a 6to4 address embeds an IPv4 address that may be
 *     private; the registry leaves its reachability "N/A".
 *   - Not blocked, being globally reachable and used by real services:
 *     192.31.196.0/24 and 192.175.48.0/24 (AS112), 192.52.193.0/24 (AMT),
 *     2620:4f:8000::/48 (AS112).  64:ff9b::/96 (NAT64, RFC 6052) is judged
 *     by the IPv4 address it embeds instead (blocklist.h).
 *   - The newest registrations are included: 3fff::/20 (documentation,
 *     RFC 9637), 5f00::/16 (SRv6 SIDs, RFC 9602) and 100:0:0:1::/64 (the
 *     dummy IPv6 prefix, RFC 9780).
 *   - Two deprecated blocks that are no longer registry rows but were
 *     never reassigned, so no real service lives there and a hostile
 *     answer may still name them: ::/96 (IPv4-compatible IPv6, deprecated
 *     by RFC 4291 2.5.5.1; it embeds an IPv4 address, ::127.0.0.1 among
 *     them, that some stacks translate) and fec0::/10 (site-local,
 *     deprecated by RFC 3879, still routed inside some sites).  ::/96
 *     covers ::/128 and ::1/128, which keep their own, more specific rows
 *     (the reason names the most specific range).
 *   - ::ffff:0:0/96 (IPv4-mapped) is not a row: such addresses are
 *     judged as their IPv4 address (cidr.h), which is what the kernel
 *     would contact.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist.h"
#include "cidr.h"
#include "log.h"
#include "util.h"

struct range {
	const char *prefix;
	const char *reason;	/* the prefix, the registry's name, its RFC */
};

static const struct range builtin[] = {
	/* IPv4 */
	{ "0.0.0.0/8", "0.0.0.0/8 \"this network\" (RFC 791, RFC 1122)" },
	{ "10.0.0.0/8", "10.0.0.0/8 private-use (RFC 1918)" },
	{ "100.64.0.0/10", "100.64.0.0/10 shared address space (RFC 6598)" },
	{ "127.0.0.0/8", "127.0.0.0/8 loopback (RFC 1122)" },
	{ "169.254.0.0/16", "169.254.0.0/16 link-local (RFC 3927)" },
	{ "172.16.0.0/12", "172.16.0.0/12 private-use (RFC 1918)" },
	{ "192.0.0.0/24", "192.0.0.0/24 IETF protocol assignments (RFC 6890)" },
	{ "192.0.2.0/24", "192.0.2.0/24 documentation TEST-NET-1 (RFC 5737)" },
	{ "192.88.99.0/24", "192.88.99.0/24 deprecated 6to4 relay anycast "
	    "(RFC 7526)" },
	{ "192.168.0.0/16", "192.168.0.0/16 private-use (RFC 1918)" },
	{ "198.18.0.0/15", "198.18.0.0/15 benchmarking (RFC 2544)" },
	{ "198.51.100.0/24", "198.51.100.0/24 documentation TEST-NET-2 "
	    "(RFC 5737)" },
	{ "203.0.113.0/24", "203.0.113.0/24 documentation TEST-NET-3 "
	    "(RFC 5737)" },
	{ "224.0.0.0/4", "224.0.0.0/4 multicast (RFC 5771)" },
	{ "240.0.0.0/4", "240.0.0.0/4 reserved (RFC 1112)" },
	{ "255.255.255.255/32", "255.255.255.255/32 limited broadcast "
	    "(RFC 919, RFC 8190)" },
	/* IPv6 */
	{ "::/128", "::/128 unspecified address (RFC 4291)" },
	{ "::1/128", "::1/128 loopback (RFC 4291)" },
	{ "::/96", "::/96 deprecated IPv4-compatible IPv6 (RFC 4291 2.5.5.1)" },
	{ "64:ff9b:1::/48", "64:ff9b:1::/48 local-use IPv4/IPv6 translation "
	    "(RFC 8215)" },
	{ "100::/64", "100::/64 discard-only (RFC 6666)" },
	{ "100:0:0:1::/64", "100:0:0:1::/64 dummy IPv6 prefix (RFC 9780)" },
	{ "2001::/23", "2001::/23 IETF protocol assignments (RFC 2928)" },
	{ "2001:db8::/32", "2001:db8::/32 documentation (RFC 3849)" },
	{ "2002::/16", "2002::/16 6to4 (RFC 3056)" },
	{ "3fff::/20", "3fff::/20 documentation (RFC 9637)" },
	{ "5f00::/16", "5f00::/16 segment routing SIDs (RFC 9602)" },
	{ "fc00::/7", "fc00::/7 unique-local (RFC 4193)" },
	{ "fe80::/10", "fe80::/10 link-local unicast (RFC 4291)" },
	{ "fec0::/10", "fec0::/10 deprecated site-local (RFC 3879)" },
	{ "ff00::/8", "ff00::/8 multicast (RFC 4291)" },
};

#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

/* NAT64 well-known prefix (RFC 6052 2.1): 64:ff9b::/96. */
#define NAT64_HI UINT64_C(0x0064ff9b00000000)
#define NAT64_LO_MASK UINT64_C(0xffffffff00000000)

static const char nat64_reason[] = "64:ff9b::/96 NAT64 to a special-purpose "
	"IPv4 address (RFC 6052)";

struct blocklist {
	struct cidr_set *block;	/* tag: index into builtin[] */
	struct cidr_set *allow;
};

size_t
blocklist_builtin_count(void)
{
	return NBUILTIN;
}

const char *
blocklist_builtin(size_t i)
{
	return i < NBUILTIN ? builtin[i].reason : NULL;
}

/* Add the comma-separated prefixes of spec to set.  Returns 0 or -1. */
static int
add_allow(struct cidr_set *set, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;
	size_t n = 0;

	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *s = p;
		struct cidr c;

		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "'%s': empty prefix in "
				    "the list", spec);
			return -1;
		}
		if (cidr_parse(s, len, &c, err, errlen) < 0)
			return -1;
		if (++n > BLOCKLIST_MAX_ALLOW) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "more than %d prefixes",
				    BLOCKLIST_MAX_ALLOW);
			return -1;
		}
		if (cidr_set_add(set, &c, 0) < 0) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "too many prefixes");
			return -1;
		}
		if (end == NULL)
			break;
		p = end + 1;
		if (*p == '\0') {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "'%s': empty prefix in "
				    "the list", spec);
			return -1;
		}
	}
	return 0;
}

struct blocklist *
blocklist_new(const char *allow, char *err, size_t errlen)
{
	struct blocklist *bl = xcalloc(1, sizeof(*bl));

	bl->block = cidr_set_new();
	bl->allow = cidr_set_new();
	for (size_t i = 0; i < NBUILTIN; i++) {
		struct cidr c;
		char e[128];

		/* The table is ours: a bad row is a bug. */
		if (cidr_parse(builtin[i].prefix, strlen(builtin[i].prefix),
		    &c, e, sizeof(e)) < 0 || cidr_set_add(bl->block, &c,
		    (uint32_t)i) < 0) {
			log_err("blocklist", "built-in %s", e);
			abort();
		}
	}
	cidr_set_seal(bl->block);
	if (allow != NULL && add_allow(bl->allow, allow, err, errlen) < 0) {
		blocklist_free(bl);
		return NULL;
	}
	cidr_set_seal(bl->allow);
	return bl;
}

void
blocklist_free(struct blocklist *bl)
{
	if (bl == NULL)
		return;
	cidr_set_free(bl->block);
	cidr_set_free(bl->allow);
	free(bl);
}

size_t
blocklist_allow_count(const struct blocklist *bl)
{
	return cidr_set_count(bl->allow);
}

/* Why a is blocked, or NULL. */
static const char *
judge(const struct blocklist *bl, const struct cidr_addr *a)
{
	uint32_t tag;

	if (cidr_set_match(bl->allow, a, NULL, NULL))
		return NULL;
	if (a->family == AF_INET6 && a->hi == NAT64_HI &&
	    (a->lo & NAT64_LO_MASK) == 0) {
		struct cidr_addr v4 = { AF_INET, a->lo << 32, 0 };

		if (cidr_set_match(bl->allow, &v4, NULL, NULL))
			return NULL;
		return cidr_set_match(bl->block, &v4, NULL, NULL) ?
		    nat64_reason : NULL;
	}
	if (cidr_set_match(bl->block, a, &tag, NULL))
		return builtin[tag].reason;
	return NULL;
}

static const char unknown_reason[] = "not an IPv4 or IPv6 address";

const char *
blocklist_reason(const struct blocklist *bl, const struct netaddr *addr)
{
	struct cidr_addr a;

	if (cidr_addr_from_netaddr(addr, &a) < 0)
		return unknown_reason;
	return judge(bl, &a);
}

const char *
blocklist_reason_text(const struct blocklist *bl, const char *addr)
{
	struct cidr_addr a;

	if (addr == NULL || cidr_addr_parse(addr, strlen(addr), &a) < 0)
		return unknown_reason;
	return judge(bl, &a);
}

bool
blocklist_is_blocked(const struct blocklist *bl, const struct netaddr *addr)
{
	return blocklist_reason(bl, addr) != NULL;
}

bool
blocklist_is_blocked_text(const struct blocklist *bl, const char *addr)
{
	return blocklist_reason_text(bl, addr) != NULL;
}
