/*
 * test_lpm.c - prefix parsing and longest-prefix match, checked against a
 * brute-force scan over random nested prefix sets of both families.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpm.h"
#include "tap.h"

#define RANDOM_PREFIXES 1500
#define RANDOM_LOOKUPS 8000

/* An address as the host prefix LPM matches (netaddr, then its /32 or
 * /128). */
static int
host_parse(const char *s, size_t len, struct lpm_prefix *out)
{
	struct netaddr a;

	if (netaddr_parse(s, len, &a) != 0)
		return -1;
	lpm_prefix_host(&a, out);
	return 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool
parses(const char *s)
{
	struct lpm_prefix p;

	return lpm_prefix_parse(s, strlen(s), &p) == 0;
}

static void
roundtrip(const char *s, const char *want)
{
	struct lpm_prefix p;
	char buf[LPM_PREFIX_STRLEN];

	if (!tap_ok(lpm_prefix_parse(s, strlen(s), &p) == 0, "parse %s", s))
		return;
	lpm_prefix_format(&p, buf, sizeof(buf));
	tap_eq_str(buf, want, s);
}

static void
test_parse(void)
{
	struct lpm_prefix a, b;

	roundtrip("192.0.2.0/24", "192.0.2.0/24");
	roundtrip("0.0.0.0/0", "0.0.0.0/0");
	roundtrip("255.255.255.255/32", "255.255.255.255/32");
	roundtrip("2001:DB8::/32", "2001:db8::/32");
	roundtrip("::/0", "::/0");
	roundtrip("2001:db8:0:0:0:0:0:1/128", "2001:db8::1/128");
	tap_ok(!parses("192.0.2.1/24"), "host bits set: rejected");
	tap_ok(!parses("2001:db8::1/64"), "IPv6 host bits set: rejected");
	tap_ok(!parses("192.0.2.0/33"), "/33 rejected");
	tap_ok(!parses("2001:db8::/129"), "/129 rejected");
	tap_ok(!parses("192.0.2.0/024"), "leading zero in length rejected");
	tap_ok(!parses("192.0.2.0"), "no length rejected");
	tap_ok(!parses("192.0.2.0/"), "empty length rejected");
	tap_ok(!parses("192.0.2/24"), "short dotted quad rejected");
	tap_ok(!parses("192.0.2.0/2x"), "junk length rejected");
	tap_ok(!parses("/24"), "no address rejected");
	tap_ok(!parses("10.0.0.0/8 "), "trailing blank rejected");
	tap_ok(host_parse("198.51.100.7", 12, &a) == 0 && a.len == 32 &&
	    a.af == LPM_AF_V4, "address parse v4");
	tap_ok(host_parse("2001:db8::7", 11, &b) == 0 && b.len == 128 &&
	    b.af == LPM_AF_V6, "address parse v6");
	lpm_prefix_parse("198.51.100.0/24", 15, &b);
	tap_ok(lpm_prefix_covers(&b, &a), "/24 covers its address");
	lpm_prefix_parse("198.51.101.0/24", 15, &b);
	tap_ok(!lpm_prefix_covers(&b, &a), "other /24 does not cover");
	lpm_prefix_parse("0.0.0.0/0", 9, &b);
	tap_ok(lpm_prefix_covers(&b, &a), "/0 covers everything");
	lpm_prefix_parse("::/0", 4, &b);
	tap_ok(!lpm_prefix_covers(&b, &a), "::/0 does not cover IPv4");
	tap_ok(lpm_prefix_make(LPM_AF_V4, a.addr, 20, &b) == 0 &&
	    b.addr[2] == 96 && b.addr[3] == 0, "make zeroes host bits");
	tap_ok(lpm_prefix_make(LPM_AF_V4, a.addr, 33, &b) != 0,
	    "make rejects /33");
}

/* A random prefix of af, nested often: addresses share their top bits. */
static void
random_prefix(enum lpm_af af, struct lpm_prefix *p)
{
	uint8_t a[16];
	unsigned bits = lpm_af_bits(af), len, i;

	for (i = 0; i < 16; i++)
		a[i] = (uint8_t)next();
	/* Confine to a small part of the space so prefixes nest. */
	a[0] = (uint8_t)(0x20 + (next() % 3));
	a[1] = (uint8_t)(next() % 2);
	if (next() % 50 == 0)
		a[0] = 0xff;	/* near the top of the space */
	len = (unsigned)(next() % (bits + 1));
	if (next() % 4 == 0)
		len = bits - (unsigned)(next() % 4);
	lpm_prefix_make(af, a, len, p);
}

static uint32_t
naive_match(const struct lpm_prefix *set, size_t n, const struct lpm_prefix *a,
	int *best_len)
{
	size_t i;
	uint32_t best = LPM_NONE;

	*best_len = -1;
	for (i = 0; i < n; i++) {
		struct lpm_prefix q = *a;

		q.len = (uint8_t)lpm_af_bits((enum lpm_af)a->af);
		if (lpm_prefix_covers(&set[i], &q) && set[i].len > *best_len) {
			*best_len = set[i].len;
			best = (uint32_t)i;
		}
	}
	return best;
}

static void
test_random(enum lpm_af af)
{
	struct lpm_prefix *set = calloc(RANDOM_PREFIXES, sizeof(*set));
	struct lpm *t = lpm_new(af);
	size_t i, bad_match = 0, bad_chain = 0;
	const char *fam = af == LPM_AF_V4 ? "v4" : "v6";

	for (i = 0; i < RANDOM_PREFIXES; i++) {
		random_prefix(af, &set[i]);
		lpm_add(t, &set[i], i);
	}
	lpm_build(t);
	for (i = 0; i < RANDOM_LOOKUPS; i++) {
		struct lpm_prefix a, got;
		uint32_t id;
		int best_len, chain = 0, naive_chain = 0;
		size_t k;

		/* Half the lookups at or next to a prefix boundary. */
		if (i % 2 == 0) {
			random_prefix(af, &a);
			a.len = (uint8_t)lpm_af_bits(af);
		} else {
			a = set[next() % RANDOM_PREFIXES];
			if (next() % 2 == 0) {
				/* the last address of the prefix, or one past */
				int b;

				for (b = a.len; b < (int)lpm_af_bits(af); b++)
					a.addr[b / 8] |= (uint8_t)(0x80 >>
					    (b % 8));
				if (next() % 2 == 0)
					for (b = (int)lpm_af_bits(af) / 8 - 1;
					    b >= 0 && ++a.addr[b] == 0; b--)
						;
			}
			a.len = (uint8_t)lpm_af_bits(af);
		}
		naive_match(set, RANDOM_PREFIXES, &a, &best_len);
		id = lpm_match(t, &a);
		if (best_len < 0 ? id != LPM_NONE :
		    (id == LPM_NONE || (int)lpm_len(t, id) != best_len)) {
			if (bad_match++ == 0)
				tap_diag("%s: lookup %zu: got len %d want %d",
				    fam, i, id == LPM_NONE ? -1 :
				    (int)lpm_len(t, id), best_len);
			continue;
		}
		if (id == LPM_NONE)
			continue;
		lpm_get(t, id, &got);
		if (!lpm_prefix_covers(&got, &a))
			bad_match++;
		/* The parent chain is every prefix containing a. */
		for (; id != LPM_NONE; id = lpm_parent(t, id))
			chain++;
		/* Distinct prefixes of the set containing a. */
		for (k = 0; k < RANDOM_PREFIXES; k++) {
			size_t m;
			bool dup = false;

			if (!lpm_prefix_covers(&set[k], &a))
				continue;
			for (m = 0; m < k && !dup; m++)
				dup = set[m].len == set[k].len &&
				    memcmp(set[m].addr, set[k].addr, 16) == 0;
			if (!dup)
				naive_chain++;
		}
		if (chain != naive_chain)
			bad_chain++;
	}
	tap_ok(bad_match == 0, "%s: %d random lookups equal a brute-force "
	    "scan (%zu differ)", fam, RANDOM_LOOKUPS, bad_match);
	tap_ok(bad_chain == 0, "%s: parent chains list every containing "
	    "prefix (%zu differ)", fam, bad_chain);
	tap_ok(lpm_count(t) <= RANDOM_PREFIXES && lpm_count(t) > 0,
	    "%s: %zu unique prefixes, %zu bytes", fam, lpm_count(t),
	    lpm_memory(t));
	lpm_free(t);
	free(set);
}

static void
test_items(void)
{
	struct lpm *t = lpm_new(LPM_AF_V4);
	struct lpm_prefix p, q, a;
	const uint64_t *it;
	size_t n;
	uint32_t id;

	lpm_prefix_parse("198.51.100.0/24", 15, &p);
	lpm_prefix_parse("198.51.100.128/25", 17, &q);
	host_parse("198.51.100.200", 14, &a);
	tap_ok(lpm_add(t, &p, 7) == 0, "add");
	lpm_add(t, &p, 3);
	lpm_add(t, &p, 7);
	lpm_add(t, &q, 9);
	tap_ok(lpm_add(t, &a, 1) == 0, "add /32");
	lpm_prefix_parse("2001:db8::/32", 13, &a);
	tap_ok(lpm_add(t, &a, 1) != 0, "IPv6 prefix refused by a v4 table");
	host_parse("198.51.100.200", 14, &a);
	lpm_build(t);
	tap_ok(lpm_add(t, &p, 1) != 0, "no add after build");
	tap_eq_i64((int64_t)lpm_count(t), 3, "three unique prefixes");
	tap_eq_i64((int64_t)lpm_item_count(t), 4, "four unique items");
	id = lpm_match(t, &a);
	tap_eq_i64(lpm_len(t, id), 32, "the /32 matches itself");
	id = lpm_parent(t, id);
	tap_eq_i64(lpm_len(t, id), 25, "its parent is the /25");
	it = lpm_items(t, id, &n);
	tap_ok(n == 1 && it[0] == 9, "the /25 has item 9");
	id = lpm_parent(t, id);
	it = lpm_items(t, id, &n);
	tap_ok(n == 2 && it[0] == 3 && it[1] == 7,
	    "the /24 has items 3 and 7 once each");
	tap_ok(lpm_parent(t, id) == LPM_NONE, "the /24 has no parent");
	host_parse("198.51.101.0", 12, &a);
	tap_ok(lpm_match(t, &a) == LPM_NONE, "address past the /24: none");
	host_parse("198.51.99.255", 13, &a);
	tap_ok(lpm_match(t, &a) == LPM_NONE, "address before the /24: none");
	lpm_prefix_parse("2001:db8::1/128", 15, &a);
	tap_ok(lpm_match(t, &a) == LPM_NONE, "IPv6 address in v4 table: none");
	lpm_free(t);

	t = lpm_new(LPM_AF_V6);
	lpm_build(t);
	host_parse("2001:db8::1", 11, &a);
	tap_ok(lpm_match(t, &a) == LPM_NONE && lpm_count(t) == 0,
	    "empty table matches nothing");
	lpm_free(t);

	/* The whole space and its last address. */
	t = lpm_new(LPM_AF_V6);
	lpm_prefix_parse("::/0", 4, &p);
	lpm_prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 43,
	    &q);
	lpm_add(t, &p, 1);
	lpm_add(t, &q, 2);
	lpm_build(t);
	host_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 39, &a);
	tap_eq_i64(lpm_len(t, lpm_match(t, &a)), 128, "last address: /128");
	host_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 39, &a);
	tap_eq_i64(lpm_len(t, lpm_match(t, &a)), 0, "next to it: ::/0");
	host_parse("::", 2, &a);
	tap_eq_i64(lpm_len(t, lpm_match(t, &a)), 0, "first address: ::/0");
	lpm_free(t);
}

int
main(void)
{
	test_parse();
	test_items();
	test_random(LPM_AF_V4);
	test_random(LPM_AF_V6);
	return tap_done();
}
