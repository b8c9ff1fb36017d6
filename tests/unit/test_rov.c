/*
 * test_rov.c - route origin validation (RFC 6811) against a table of
 * hand-worked cases, and the route lookup with multi-origin prefixes.
 *
 * The VRP set (prefix, maxLength, AS):
 *   10.0.0.0/16 24 AS100          covering ROA with room for /24s
 *   10.1.0.0/16 16 AS200          exact-length ROA
 *   10.2.0.0/16 16 AS0            AS0: "nobody may originate" (RFC 6483)
 *   10.3.0.0/16 20 AS300  +  10.3.0.0/16 24 AS301  +  10.3.0.0/20 24 AS300
 *   10.4.0.0/24 24 AS400          only a more specific ROA
 *   10.5.0.0/16 32 AS500  +  10.5.0.0/16 32 AS0
 *   2001:db8::/32 48 AS600, 2001:db8:1::/48 48 AS0, 2001:db8:2::/47 47 AS601
 * Each case below is worked out by hand from RFC 6811 section 2.
 */
#include <stdio.h>
#include <string.h>

#include "bgp.h"
#include "lpm.h"
#include "rov.h"
#include "tap.h"
#include "vrp.h"

static const struct {
	const char *prefix;
	unsigned maxlen;
	uint32_t asn;
	const char *ta;
} vrps[] = {
	{ "10.0.0.0/16", 24, 100, "ta-a" },
	{ "10.1.0.0/16", 16, 200, "ta-a" },
	{ "10.2.0.0/16", 16, 0, "ta-a" },
	{ "10.3.0.0/16", 20, 300, "ta-a" },
	{ "10.3.0.0/16", 24, 301, "ta-a" },
	{ "10.3.0.0/20", 24, 300, "ta-b" },
	{ "10.4.0.0/24", 24, 400, "ta-a" },
	{ "10.5.0.0/16", 32, 500, "ta-a" },
	{ "10.5.0.0/16", 32, 0, "ta-a" },
	{ "10.5.0.0/16", 32, 500, "ta-b" },	/* same VRP from another TA */
	{ "2001:db8::/32", 48, 600, "ta-a" },
	{ "2001:db8:1::/48", 48, 0, "ta-a" },
	{ "2001:db8:2::/47", 47, 601, "ta-a" },
};

#define NONE_AS UINT32_MAX	/* origin NONE (AS_SET) in the table */

static const struct {
	const char *route;
	uint32_t origin;
	enum rov_state want;
	const char *why;
} cases[] = {
	{ "10.0.0.0/16", 100, ROV_VALID, "exact prefix, origin matches" },
	{ "10.0.5.0/24", 100, ROV_VALID, "more specific at maxLength" },
	{ "10.0.255.0/24", 100, ROV_VALID, "last /24 of the ROA" },
	{ "10.0.5.0/25", 100, ROV_INVALID_LENGTH, "one bit past maxLength" },
	{ "10.0.0.0/32", 100, ROV_INVALID_LENGTH, "host route, maxLength 24" },
	{ "10.0.0.0/16", 101, ROV_INVALID_AS, "covered, other origin" },
	{ "10.0.5.128/25", 101, ROV_INVALID_AS,
	    "other origin and too long: AS first" },
	{ "10.0.0.0/15", 100, ROV_NOT_FOUND,
	    "route shorter than every ROA: not covered" },
	{ "10.1.0.0/16", 200, ROV_VALID, "maxLength equal to the length" },
	{ "10.1.0.0/17", 200, ROV_INVALID_LENGTH, "maxLength = length, /17" },
	{ "10.1.128.0/17", 201, ROV_INVALID_AS, "other AS, more specific" },
	{ "10.2.0.0/16", 0, ROV_INVALID_AS, "AS0 ROA never matches, even AS 0" },
	{ "10.2.0.0/16", 999, ROV_INVALID_AS, "AS0 ROA covers: invalid" },
	{ "10.2.7.0/24", 999, ROV_INVALID_AS, "AS0 ROA covers more specifics" },
	{ "10.3.0.0/22", 300, ROV_VALID,
	    "two ROAs for AS300: the /20 one matches" },
	{ "10.3.16.0/22", 300, ROV_INVALID_LENGTH,
	    "outside the /20: only the maxLength-20 ROA" },
	{ "10.3.16.0/20", 300, ROV_VALID, "the /16 ROA at maxLength 20" },
	{ "10.3.16.0/22", 301, ROV_VALID, "AS301's ROA on the same prefix" },
	{ "10.3.16.0/25", 301, ROV_INVALID_LENGTH, "AS301 past maxLength" },
	{ "10.3.0.0/16", 302, ROV_INVALID_AS, "three covering ROAs, no AS" },
	{ "10.4.0.0/16", 400, ROV_NOT_FOUND, "only a more specific ROA" },
	{ "10.4.0.0/23", 400, ROV_NOT_FOUND, "the /24 ROA does not cover a /23" },
	{ "10.4.0.0/24", 400, ROV_VALID, "the more specific itself" },
	{ "10.4.0.0/25", 400, ROV_INVALID_LENGTH, "below the more specific" },
	{ "10.5.1.0/24", 500, ROV_VALID, "AS0 beside a matching ROA" },
	{ "10.5.1.0/24", 501, ROV_INVALID_AS, "AS0 and AS500 cover" },
	{ "11.0.0.0/8", 1, ROV_NOT_FOUND, "no ROA near" },
	{ "10.0.0.0/16", NONE_AS, ROV_INVALID_AS, "AS_SET origin, covered" },
	{ "11.0.0.0/8", NONE_AS, ROV_NOT_FOUND, "AS_SET origin, not covered" },
	{ "2001:db8::/32", 600, ROV_VALID, "IPv6 exact" },
	{ "2001:db8:ff00::/40", 600, ROV_VALID, "IPv6 more specific" },
	{ "2001:db8:ff00::/48", 600, ROV_VALID, "IPv6 at maxLength" },
	{ "2001:db8:ff00::/49", 600, ROV_INVALID_LENGTH, "IPv6 past maxLength" },
	{ "2001:db8:ff00::/40", 700, ROV_INVALID_AS, "IPv6 other AS" },
	{ "2001:db8:1::/48", 600, ROV_VALID, "AS0 /48 under a valid /32 ROA" },
	{ "2001:db8:1::/48", 7, ROV_INVALID_AS, "IPv6 AS0 and AS600 cover" },
	{ "2001:db8:2::/48", 601, ROV_INVALID_LENGTH,
	    "IPv6: AS601's /47 maxLength 47" },
	{ "2001:db8:2::/48", 600, ROV_VALID, "IPv6: AS600's /32 maxLength 48" },
	{ "2001:db8:2::/47", 601, ROV_VALID, "IPv6: AS601 exact" },
	{ "2001:db8::/31", 600, ROV_NOT_FOUND, "IPv6 shorter than the ROA" },
	{ "2001:db9::/32", 600, ROV_NOT_FOUND, "IPv6 no ROA" },
	{ "::/0", 600, ROV_NOT_FOUND, "IPv6 default route" },
	{ "10.0.0.0/8", 100, ROV_NOT_FOUND, "a /8 is shorter than every ROA" },
};

/* Prefix2as lines of the BGP table for rov_check. */
static const char *const routes[] = {
	"10.0.0.0\t16\t100",
	"10.0.5.0\t24\t101_100",	/* MOAS: AS100 valid, AS101 invalid */
	"10.1.0.0\t17\t200_300",	/* AS200 invalid length, AS300 invalid AS */
	"10.2.0.0\t16\t1,2",		/* AS set only */
	"10.5.0.0\t16\t501_1,2",	/* AS501 and an AS set, both invalid AS */
	"10.3.16.0\t22\t302_301_300",	/* valid via AS301 */
	"11.0.0.0\t8\t5",
	"2001:db8::\t32\t600",
};

static const struct {
	const char *addr;
	enum rov_state want;
	const char *prefix;	/* NULL: unrouted */
	int64_t origin;		/* -1: none */
	unsigned norigins;
} lookups[] = {
	{ "10.0.5.7", ROV_VALID, "10.0.5.0/24", 100, 2 },
	{ "10.0.6.1", ROV_VALID, "10.0.0.0/16", 100, 1 },
	{ "10.1.0.1", ROV_INVALID_LENGTH, "10.1.0.0/17", 200, 2 },
	{ "10.1.200.1", ROV_UNROUTED, NULL, -1, 0 },
	{ "10.2.3.4", ROV_INVALID_AS, "10.2.0.0/16", -1, 1 },
	{ "10.5.0.1", ROV_INVALID_AS, "10.5.0.0/16", 501, 2 },
	{ "10.3.17.1", ROV_VALID, "10.3.16.0/22", 301, 3 },
	{ "11.1.1.1", ROV_NOT_FOUND, "11.0.0.0/8", 5, 1 },
	{ "12.0.0.1", ROV_UNROUTED, NULL, -1, 0 },
	{ "2001:db8:ff::1", ROV_VALID, "2001:db8::/32", 600, 1 },
	{ "2001:db9::1", ROV_UNROUTED, NULL, -1, 0 },
};

static struct vrp_set *
make_vrps(void)
{
	struct vrp_set *v = vrp_set_new("test", VRP_FORMAT_CSV);
	size_t i;

	for (i = 0; i < sizeof(vrps) / sizeof(vrps[0]); i++) {
		struct lpm_prefix p;
		const char *why = NULL;

		if (lpm_prefix_parse(vrps[i].prefix, strlen(vrps[i].prefix),
		    &p) != 0 || vrp_set_add(v, &p, vrps[i].asn, vrps[i].maxlen,
		    vrps[i].ta, strlen(vrps[i].ta), &why) != 0)
			tap_ok(false, "add VRP %s", vrps[i].prefix);
	}
	vrp_set_build(v);
	return v;
}

int
main(void)
{
	struct vrp_set *v = make_vrps();
	struct bgp_table *b = bgp_table_new("routes", BGP_FORMAT_PFX2AS);
	struct rov_result r;
	struct netaddr a;
	size_t i;

	tap_eq_i64((int64_t)vrp_set_count(v), 13, "13 VRPs (one in two TAs)");
	tap_eq_i64((int64_t)vrp_set_ta_count(v), 2, "two trust anchors");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lpm_prefix p;
		enum rov_state s;
		char name[256];

		if (!tap_ok(lpm_prefix_parse(cases[i].route,
		    strlen(cases[i].route), &p) == 0, "parse %s",
		    cases[i].route))
			continue;
		s = rov_validate(v, &p, cases[i].origin == NONE_AS ? 0 :
		    cases[i].origin, cases[i].origin == NONE_AS);
		snprintf(name, sizeof(name), "%s AS%s: %s", cases[i].route,
		    cases[i].origin == NONE_AS ? "{set}" : "",
		    cases[i].why);
		if (cases[i].origin != NONE_AS)
			snprintf(name, sizeof(name), "%s AS%u: %s",
			    cases[i].route, cases[i].origin, cases[i].why);
		tap_eq_str(rov_state_name(s), rov_state_name(cases[i].want),
		    name);
	}

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *why = NULL;

		tap_ok(bgp_pfx2as_line(b, routes[i], strlen(routes[i]),
		    &why) == 0, "route line %zu", i);
	}
	bgp_table_build(b);
	for (i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		char pfx[LPM_PREFIX_STRLEN];

		netaddr_parse(lookups[i].addr, strlen(lookups[i].addr), &a);
		rov_check(b, v, &a, &r);
		tap_eq_str(rov_state_name(r.state),
		    rov_state_name(lookups[i].want), lookups[i].addr);
		if (lookups[i].prefix == NULL) {
			tap_ok(!r.routed && !r.has_origin && !r.roa_covered,
			    "%s: unrouted, no origin", lookups[i].addr);
			continue;
		}
		lpm_prefix_format(&r.prefix, pfx, sizeof(pfx));
		tap_eq_str(pfx, lookups[i].prefix, "  matched prefix");
		tap_eq_i64(r.has_origin ? (int64_t)r.origin : -1,
		    lookups[i].origin, "  origin");
		tap_eq_i64(r.norigins, lookups[i].norigins, "  origins");
		tap_ok(r.roa_covered == (lookups[i].want >= ROV_INVALID_AS),
		    "  roa_covered");
	}
	/* Without VRPs the route is still found. */
	netaddr_parse("10.0.6.1", 8, &a);
	rov_check(b, NULL, &a, &r);
	tap_ok(r.routed && r.has_origin && r.origin == 100 &&
	    r.state == ROV_NOT_FOUND, "no VRP set: route and origin only");
	rov_check(NULL, v, &a, &r);
	tap_ok(!r.routed && r.state == ROV_UNROUTED, "no BGP table: unrouted");

	bgp_table_free(b);
	vrp_set_free(v);
	return tap_done();
}
