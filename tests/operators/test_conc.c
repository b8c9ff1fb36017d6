/*
 * test_conc.c - provider shares and the Herfindahl-Hirschman index
 * (analysis/stats_conc.c; docs/method.md, "Concentration index") on
 * hand-made tables, and the --by rules of the operator keys.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_int.h"
#include "tap.h"
#include "util.h"

static void
add(struct stats_table *t, const char *a, const char *b, uint64_t rows)
{
	struct stats_group *g;

	t->groups = xreallocarray(t->groups, t->ngroups + 1,
	    sizeof(*t->groups));
	g = &t->groups[t->ngroups++];
	stats_group_init(g, t->nkeys);
	g->key[0] = xstrdup(a);
	if (t->nkeys > 1)
		g->key[1] = xstrdup(b);
	g->rows = rows;
}

static bool
near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

static const struct stats_group *
find(const struct stats_table *t, const char *a, const char *b)
{
	const char *k[2] = { a, b };

	return stats_table_find(t, k);
}

/* Two countries: SE with providers 60/30/10 (and 20 rows without an
 * operator), DE with one provider only; a country with rows but no
 * operator at all. */
static void
test_markets(void)
{
	struct stats_table t = { .nkeys = 2,
		.keys = { STATS_KEY_COUNTRY, STATS_KEY_NS_OPERATOR } };
	struct stats_conc *c;
	const struct stats_market *m;

	add(&t, "SE", "a.se", 60);
	add(&t, "SE", "b.com", 30);
	add(&t, "SE", "c.net", 10);
	add(&t, "SE", STATS_LABEL_UNKNOWN, 20);
	add(&t, "DE", "a.de", 5);
	add(&t, "GR", STATS_LABEL_UNKNOWN, 7);
	c = stats_conc_new(&t);
	if (!tap_ok(c != NULL, "an operator key gives a concentration"))
		return;
	tap_eq_i64((int64_t)c->opkey, 1, "the operator key is the second");
	tap_eq_i64((int64_t)c->n, 3, "three markets (countries)");
	m = stats_conc_market(c, find(&t, "SE", "a.se"));
	if (tap_ok(m != NULL, "SE's market")) {
		tap_eq_i64((int64_t)m->providers, 3, "SE: 3 providers");
		tap_eq_i64((int64_t)m->with_operator, 100, "SE: 100 rows with");
		tap_eq_i64((int64_t)m->without_operator, 20,
		    "SE: 20 rows without (in no share)");
		tap_ok(near(m->hhi, 3600 + 900 + 100), "SE: HHI 4600 (%g)",
		    m->hhi);
		tap_ok(near(m->top_share, 0.6), "SE: top share 0.6");
	}
	tap_ok(near(stats_conc_share(c, find(&t, "SE", "b.com")), 0.3),
	    "SE b.com: share 0.3 (unknown rows out of the denominator)");
	tap_ok(isnan(stats_conc_share(c, find(&t, "SE", STATS_LABEL_UNKNOWN))),
	    "SE unknown: no share");
	m = stats_conc_market(c, find(&t, "DE", "a.de"));
	tap_ok(m != NULL && m->providers == 1 && near(m->hhi, 10000),
	    "DE: a monopoly is 10000");
	m = stats_conc_market(c, find(&t, "GR", STATS_LABEL_UNKNOWN));
	tap_ok(m != NULL && m->providers == 0 && m->with_operator == 0 &&
	    m->without_operator == 7 && isnan(m->hhi),
	    "GR: no operator known: no index, 7 rows without");
	tap_ok(strcmp(c->m[0].key[0], "DE") == 0 &&
	    strcmp(c->m[2].key[0], "SE") == 0, "markets sorted by label");
	/* Folding: the "other" group has no share, the others keep theirs. */
	stats_table_fold(&t, 11);
	tap_ok(near(stats_conc_share(c, find(&t, "SE", "a.se")), 0.6),
	    "after --min-n folding: SE a.se keeps 0.6");
	tap_ok(isnan(stats_conc_share(c, find(&t, STATS_LABEL_OTHER,
	    STATS_LABEL_OTHER))), "the folded group has no share");
	stats_conc_free(c);
	stats_table_fini(&t);
}

/* The operator key alone: one market of everything. */
static void
test_one_market(void)
{
	struct stats_table t = { .nkeys = 1, .keys = { STATS_KEY_MX_OPERATOR } };
	struct stats_conc *c;

	add(&t, "x.com", NULL, 1);
	add(&t, "y.com", NULL, 1);
	add(&t, "z.com", NULL, 2);
	c = stats_conc_new(&t);
	if (tap_ok(c != NULL && c->n == 1, "one market")) {
		tap_ok(near(c->m[0].hhi, 625 + 625 + 2500),
		    "HHI of 25/25/50: 3750 (%g)", c->m[0].hhi);
		tap_eq_i64((int64_t)c->m[0].providers, 3, "3 providers");
	}
	stats_conc_free(c);
	stats_table_fini(&t);

	struct stats_table u = { .nkeys = 1, .keys = { STATS_KEY_COUNTRY } };
	add(&u, "SE", NULL, 1);
	tap_ok(stats_conc_new(&u) == NULL, "no operator key: no concentration");
	stats_table_fini(&u);
}

static void
test_keys(void)
{
	enum stats_key k[STATS_MAX_KEYS];
	size_t n;
	char err[256];

	tap_ok(stats_keys_parse("country,ns_operator", k, &n, err,
	    sizeof(err)) == 0 && n == 2 && k[1] == STATS_KEY_NS_OPERATOR,
	    "--by country,ns_operator");
	tap_ok(stats_keys_parse("sector,mx_operator", k, &n, err,
	    sizeof(err)) == 0 && k[1] == STATS_KEY_MX_OPERATOR,
	    "--by sector,mx_operator");
	tap_ok(stats_keys_parse("hosting_asn", k, &n, err, sizeof(err)) == 0 &&
	    k[0] == STATS_KEY_HOSTING_ASN && stats_key_is_operator(k[0]),
	    "--by hosting_asn is an operator key");
	tap_ok(!stats_key_is_operator(STATS_KEY_ASN),
	    "--by asn stays a plain key");
	tap_ok(stats_keys_parse("ns_operator,mx_operator", k, &n, err,
	    sizeof(err)) < 0 && strstr(err, "one operator key") != NULL,
	    "two operator keys refused: %s", err);
}

int
main(void)
{
	test_markets();
	test_one_market();
	test_keys();
	return tap_done();
}
