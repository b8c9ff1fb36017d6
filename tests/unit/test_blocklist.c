/*
 * test_blocklist.c - the CIDR parser and prefix sets, and the special-
 * purpose address blocklist: every built-in range blocks its first and
 * last address and not its neighbours, IPv4-mapped and NAT64 addresses
 * are judged as IPv4, --allow-prefix lifts the block for its prefixes
 * only, bad input fails closed, reasons name the range.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist.h"
#include "cidr.h"
#include "netaddr.h"
#include "tap.h"

static void
test_cidr_parse(void)
{
	struct cidr c;
	char err[256], buf[CIDR_STRLEN];
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "192.0.2.0/24", "192.0.2.0/24" },
		{ "10.1.2.3", "10.1.2.3/32" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "2001:DB8::/32", "2001:db8::/32" },
		{ "::1", "::1/128" },
		{ "::/0", "::/0" },
		{ "fe80::/10", "fe80::/10" },
		{ "::ffff:10.0.0.0/104", "10.0.0.0/8" },
		{ "::ffff:192.0.2.1", "192.0.2.1/32" },
		{ "2001:db8:1:2:3:4:5:6/127", "2001:db8:1:2:3:4:5:6/127" },
	};
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "", "empty" },
		{ "10.0.0.0/33", "0..32" },
		{ "::/129", "0..128" },
		{ "10.0.0.1/8", "the network is 10.0.0.0/8" },
		{ "2001:db8::1/32", "the network is 2001:db8::/32" },
		{ "10.0.0.0/", "0..32" },
		{ "10.0.0.0/-1", "0..32" },
		{ "10.0.0.0/8x", "0..32" },
		{ "10/8", "not an IPv4 or IPv6 address" },
		{ "example.com", "not an IPv4 or IPv6 address" },
		{ "fe80::1%eth0", "not an IPv4 or IPv6 address" },
		{ "::ffff:10.0.0.0/8", "96..128" },
		{ "1.2.3.4/24/8", "0..32" },
		{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa/128",
		    "too long" },
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = cidr_parse(good[i].in, strlen(good[i].in), &c, err,
		    sizeof(err));

		buf[0] = '\0';
		if (rc == 0)
			cidr_format(&c, buf, sizeof(buf));
		if (!tap_ok(rc == 0 && strcmp(buf, good[i].out) == 0,
		    "cidr '%s' -> %s", good[i].in, good[i].out))
			tap_diag("  rc %d, got '%s', err '%s'", rc, buf, err);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = cidr_parse(bad[i].in, strlen(bad[i].in), &c, err,
		    sizeof(err));

		if (!tap_ok(rc < 0 && strstr(err, bad[i].why) != NULL,
		    "cidr '%s' refused: %s", bad[i].in, bad[i].why))
			tap_diag("  rc %d, err '%s'", rc, err);
	}
}

static void
test_cidr_set(void)
{
	struct cidr_set *s = cidr_set_new();
	struct cidr c, m;
	struct cidr_addr a;
	uint32_t tag = 0;
	char err[128];
	static const char *const pfx[] = { "10.0.0.0/8", "10.1.0.0/16",
		"10.1.2.0/24", "2001:db8::/32", "2001:db8:1::/48", "0.0.0.0/0",
		"10.1.0.0/16" /* again: keeps tag 1 */ };

	for (uint32_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		if (cidr_parse(pfx[i], strlen(pfx[i]), &c, err, sizeof(err)) < 0 ||
		    cidr_set_add(s, &c, i) < 0)
			tap_ok(false, "add %s", pfx[i]);
	}
	cidr_set_seal(s);
	tap_eq_i64((int64_t)cidr_set_count(s), 6, "duplicates merged");
	tap_ok(cidr_set_add(s, &c, 9) < 0, "no adding after seal");
#define MATCH(addr, want) do { \
		cidr_addr_parse(addr, strlen(addr), &a); \
		tap_ok(cidr_set_match(s, &a, &tag, &m) && tag == (want), \
		    "most specific for %s is tag %d", addr, want); \
	} while (0)
	MATCH("10.1.2.3", 2);
	MATCH("10.1.3.3", 1);
	MATCH("10.2.0.1", 0);
	MATCH("11.0.0.1", 5);
	MATCH("2001:db8:1::5", 4);
	MATCH("2001:db8:2::5", 3);
	MATCH("::ffff:10.1.2.3", 2);
#undef MATCH
	cidr_addr_parse("2001:db9::1", 11, &a);
	tap_ok(!cidr_set_match(s, &a, NULL, NULL), "no IPv6 match outside");
	cidr_set_free(s);
	cidr_set_free(NULL);
}

static void
sa4(struct netaddr *out, const char *a)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(443);
	inet_pton(AF_INET, a, &sin.sin_addr);
	(void)netaddr_from_sockaddr((struct sockaddr *)&sin, out);
}

static void
sa6(struct netaddr *out, const char *a)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	inet_pton(AF_INET6, a, &sin6.sin6_addr);
	(void)netaddr_from_sockaddr((struct sockaddr *)&sin6, out);
}

/* The first and last address of every built-in range are blocked. */
static void
test_builtin_edges(const struct blocklist *bl)
{
	for (size_t i = 0; i < blocklist_builtin_count(); i++) {
		const char *r = blocklist_builtin(i);
		char pfx[CIDR_STRLEN], first[CIDR_STRLEN], last[CIDR_STRLEN];
		struct cidr c;
		struct cidr_addr l;
		char err[128];
		size_t n = strcspn(r, " ");

		snprintf(pfx, sizeof(pfx), "%.*s", (int)n, r);
		if (!tap_ok(cidr_parse(pfx, n, &c, err, sizeof(err)) == 0,
		    "built-in %s parses", pfx))
			continue;
		l = c.addr;
		if (c.len < 64) {
			l.hi |= c.len == 0 ? ~UINT64_C(0) :
			    (UINT64_C(1) << (64 - c.len)) - 1;
			l.lo = c.addr.family == AF_INET ? 0 : ~UINT64_C(0);
			if (c.addr.family == AF_INET)
				l.hi &= ~UINT64_C(0) << 32;
		} else if (c.len < 128) {
			l.lo |= c.len == 64 ? ~UINT64_C(0) :
			    (UINT64_C(1) << (128 - c.len)) - 1;
		}
		cidr_addr_format(&c.addr, first, sizeof(first));
		cidr_addr_format(&l, last, sizeof(last));
		tap_ok(blocklist_is_blocked_text(bl, first) &&
		    blocklist_is_blocked_text(bl, last),
		    "%s: %s and %s blocked", pfx, first, last);
	}
}

static void
test_blocklist(void)
{
	struct blocklist *bl;
	struct netaddr sin, sin6;
	struct netaddr un = { .af = 7 };
	char err[256];
	const char *r;
	static const char *const blocked[] = {
		"0.0.0.0", "0.255.255.255", "10.0.0.1", "10.255.255.255",
		"100.64.0.1", "100.127.255.255", "127.0.0.1", "127.1.2.3",
		"169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.9",
		"192.0.0.170", "192.0.2.1", "192.88.99.1", "192.168.1.1",
		"198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
		"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		"::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"64:ff9b::7f00:1", "64:ff9b::192.168.0.1", "64:ff9b:1::1",
		"100::1", "2001::1", "2001:1::1", "2001:2::1", "2001:10::1",
		"2001:20::1", "2001:1ff:ffff::1", "2001:db8::1", "2002::1",
		"2002:c000:0201::1", "3fff::1", "3fff:fff::1", "5f00::1",
		"fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1",
		"ff0e::1",
		/* IPv4-compatible (deprecated, RFC 4291 2.5.5.1): the kernel
		 * would not route them, a hostile answer may still name them */
		"::2", "::127.0.0.1", "::10.0.0.1", "::8.8.8.8",
		"::ffff:ffff",
		/* site-local (deprecated, RFC 3879) */
		"fec0::1", "fed0::1", "feff:ffff::1",
		/* the dummy IPv6 prefix (RFC 9780) */
		"100:0:0:1::1",
	};
	static const char *const open_[] = {
		"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0",
		"100.63.255.255", "100.128.0.0", "126.255.255.255",
		"128.0.0.0", "169.253.255.255", "172.15.255.255",
		"172.32.0.0", "192.0.1.255", "192.0.3.0", "192.31.196.1",
		"192.52.193.1", "192.175.48.1", "192.167.255.255",
		"192.169.0.0", "198.17.255.255", "198.20.0.0", "203.0.112.255",
		"223.255.255.255", "::ffff:8.8.8.8", "64:ff9b::808:808",
		"64:ff9b::1:0:0", "2001:200::1", "2001:db7::1", "2001:db9::1",
		"2003::1", "2606:4700::1111", "2620:4f:8000::1", "3ffe::1",
		"4000::1", "fbff::1", "::1:0:0", "100:0:0:2::1",
	};

	bl = blocklist_new(NULL, err, sizeof(err));
	if (!tap_ok(bl != NULL, "built-in blocklist"))
		return;
	for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
		tap_ok(blocklist_is_blocked_text(bl, blocked[i]), "%s blocked",
		    blocked[i]);
	for (size_t i = 0; i < sizeof(open_) / sizeof(open_[0]); i++) {
		if (!tap_ok(!blocklist_is_blocked_text(bl, open_[i]),
		    "%s not blocked", open_[i]))
			tap_diag("  %s", blocklist_reason_text(bl, open_[i]));
	}
	test_builtin_edges(bl);

	sa4(&sin, "127.0.0.1");
	tap_ok(blocklist_is_blocked(bl, &sin),
	    "sockaddr_in 127.0.0.1 blocked");
	r = blocklist_reason(bl, &sin);
	tap_ok(r != NULL && strstr(r, "127.0.0.0/8") && strstr(r, "loopback"),
	    "reason names the range: %s", r ? r : "(null)");
	sa4(&sin, "255.255.255.255");
	r = blocklist_reason(bl, &sin);
	tap_ok(r != NULL && strstr(r, "255.255.255.255/32") != NULL,
	    "most specific range named: %s", r ? r : "(null)");
	sa4(&sin, "93.184.216.34");
	tap_ok(!blocklist_is_blocked(bl, &sin) &&
	    blocklist_reason(bl, &sin) == NULL,
	    "public sockaddr_in not blocked, no reason");
	sa6(&sin6, "::ffff:192.168.1.1");
	r = blocklist_reason(bl, &sin6);
	tap_ok(r != NULL && strstr(r, "192.168.0.0/16") != NULL,
	    "IPv4-mapped sockaddr_in6 judged as IPv4: %s", r ? r : "(null)");
	sa6(&sin6, "2001:db8::443");
	tap_ok(blocklist_is_blocked(bl, &sin6),
	    "sockaddr_in6 documentation blocked");
	r = blocklist_reason_text(bl, "64:ff9b::a00:1");
	tap_ok(r != NULL && strstr(r, "NAT64") != NULL, "NAT64 reason: %s",
	    r ? r : "(null)");
	r = blocklist_reason_text(bl, "::127.0.0.1");
	tap_ok(r != NULL && strstr(r, "::/96") != NULL &&
	    strstr(r, "IPv4-compatible") != NULL,
	    "IPv4-compatible reason: %s", r ? r : "(null)");
	r = blocklist_reason_text(bl, "::1");
	tap_ok(r != NULL && strstr(r, "::1/128") != NULL,
	    "::1 still named loopback: %s", r ? r : "(null)");
	r = blocklist_reason_text(bl, "fec0::1");
	tap_ok(r != NULL && strstr(r, "fec0::/10") != NULL &&
	    strstr(r, "site-local") != NULL, "site-local reason: %s",
	    r ? r : "(null)");
	tap_ok(blocklist_is_blocked(bl, &un),
	    "address of an unknown family blocked (fail closed)");
	tap_ok(blocklist_is_blocked(bl, NULL), "NULL blocked");
	tap_ok(blocklist_is_blocked_text(bl, "not-an-address") &&
	    blocklist_is_blocked_text(bl, "") &&
	    blocklist_is_blocked_text(bl, NULL) &&
	    blocklist_is_blocked_text(bl, "fe80::1%eth0"),
	    "bad text blocked (fail closed)");
	tap_eq_i64((int64_t)blocklist_allow_count(bl), 0, "nothing allowed");
	blocklist_free(bl);

	/* --allow-prefix: the testbed's documentation prefixes. */
	bl = blocklist_new("192.0.2.0/24, 198.51.100.0/24,203.0.113.0/24 ,"
	    "2001:db8::/32", err, sizeof(err));
	if (!tap_ok(bl != NULL, "allow list parses"))
		tap_diag("%s", err);
	tap_eq_i64((int64_t)blocklist_allow_count(bl), 4, "four allowed");
	tap_ok(!blocklist_is_blocked_text(bl, "192.0.2.1") &&
	    !blocklist_is_blocked_text(bl, "198.51.100.200") &&
	    !blocklist_is_blocked_text(bl, "2001:db8:5::1") &&
	    !blocklist_is_blocked_text(bl, "::ffff:203.0.113.5") &&
	    !blocklist_is_blocked_text(bl, "64:ff9b::c000:201"),
	    "allowed prefixes reachable (also mapped and NAT64 forms)");
	tap_ok(blocklist_is_blocked_text(bl, "127.0.0.1") &&
	    blocklist_is_blocked_text(bl, "192.0.3.1") == false &&
	    blocklist_is_blocked_text(bl, "10.0.0.1") &&
	    blocklist_is_blocked_text(bl, "2001:db9::1") == false &&
	    blocklist_is_blocked_text(bl, "::1") &&
	    blocklist_is_blocked_text(bl, "3fff::1"),
	    "everything else as before");
	blocklist_free(bl);

	bl = blocklist_new("192.0.2.128/25", err, sizeof(err));
	tap_ok(bl != NULL && !blocklist_is_blocked_text(bl, "192.0.2.200") &&
	    blocklist_is_blocked_text(bl, "192.0.2.1"),
	    "a narrower allow lifts only its part");
	blocklist_free(bl);
	bl = blocklist_new("", err, sizeof(err));
	tap_ok(bl != NULL && blocklist_allow_count(bl) == 0, "empty allow");
	blocklist_free(bl);

	tap_ok(blocklist_new("192.0.2.0/24,,10.0.0.0/8", err, sizeof(err)) ==
	    NULL && strstr(err, "empty"), "empty element refused: %s", err);
	tap_ok(blocklist_new("192.0.2.0/24,", err, sizeof(err)) == NULL,
	    "trailing comma refused");
	tap_ok(blocklist_new("192.0.2.1/24", err, sizeof(err)) == NULL &&
	    strstr(err, "192.0.2.0/24"), "host bits refused: %s", err);
	tap_ok(blocklist_new("localhost", err, sizeof(err)) == NULL &&
	    strstr(err, "localhost"), "a name refused: %s", err);
	blocklist_free(NULL);
}

int
main(void)
{
	test_cidr_parse();
	test_cidr_set();
	test_blocklist();
	return tap_done();
}
