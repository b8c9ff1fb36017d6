/*
 * test_netaddr.c - the crawler's one address type (crawler/engine/netaddr.h):
 * text, raw bytes and sockets in and out, equality, IPv4-mapped addresses.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"
#include "tap.h"

static void
round_trip(const char *text, enum netaddr_af af)
{
	struct netaddr a, b;
	struct sockaddr_storage ss;
	char buf[NETADDR_STRLEN];
	size_t n;

	if (!tap_ok(netaddr_parse(text, strlen(text), &a) == 0, "parse %s",
	    text))
		return;
	tap_eq_i64(a.af, af, "  family");
	netaddr_format(&a, buf, sizeof(buf));
	tap_eq_str(buf, text, "  text round trip");
	n = netaddr_to_sockaddr(&a, 443, &ss);
	tap_eq_i64((int64_t)n, af == NETADDR_V4 ?
	    (int64_t)sizeof(struct sockaddr_in) :
	    (int64_t)sizeof(struct sockaddr_in6), "  sockaddr length");
	tap_eq_i64(ntohs(af == NETADDR_V4 ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port), 443, "  port");
	tap_ok(netaddr_from_sockaddr((struct sockaddr *)&ss, &b) == 0 &&
	    netaddr_equal(&a, &b), "  socket round trip");
	tap_eq_i64((int64_t)netaddr_len(&a), af == NETADDR_V4 ? 4 : 16,
	    "  length");
}

int
main(void)
{
	static const char *bad[] = { "", "192.0.2", "192.0.2.256",
		"2001:db8::1%eth0", "[2001:db8::1]", "192.0.2.1/24", "host",
		"2001:db8:0:0:0:0:0:0:1" };
	struct netaddr a, b;
	struct sockaddr un = { .sa_family = AF_UNIX };
	const uint8_t v4[4] = { 192, 0, 2, 7 };
	size_t i;

	round_trip("192.0.2.1", NETADDR_V4);
	round_trip("2001:db8::443", NETADDR_V6);
	round_trip("::", NETADDR_V6);
	round_trip("255.255.255.255", NETADDR_V4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(netaddr_parse(bad[i], strlen(bad[i]), &a) == -1,
		    "'%s' rejected", bad[i]);
	tap_ok(netaddr_parse("192.0.2.1\0x", 11, &a) == -1,
	    "embedded NUL rejected");
	tap_ok(netaddr_parse(NULL, 0, &a) == -1, "NULL rejected");
	tap_ok(netaddr_from_sockaddr(&un, &a) == -1, "AF_UNIX rejected");
	tap_ok(netaddr_from_bytes(v4, 4, &a) == 0 && a.af == NETADDR_V4 &&
	    memcmp(a.b, v4, 4) == 0 && a.b[4] == 0, "from 4 bytes");
	tap_ok(netaddr_from_bytes(v4, 3, &a) == -1, "3 bytes rejected");

	/* Equality ignores nothing but looks at the family. */
	netaddr_parse("192.0.2.7", 9, &a);
	netaddr_parse("::ffff:192.0.2.7", 16, &b);
	tap_ok(!netaddr_equal(&a, &b), "mapped form is another address");
	netaddr_unmap(&b, &b);
	tap_ok(netaddr_equal(&a, &b), "unmapped it is the IPv4 address");
	netaddr_parse("2001:db8::ffff:c000:207", 23, &b);
	netaddr_unmap(&b, &a);
	tap_ok(netaddr_equal(&a, &b), "other IPv6 addresses unchanged");
	return tap_done();
}
