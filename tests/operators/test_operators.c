/*
 * test_operators.c - the operator choice rule (crawler/dns/operators.h):
 * the registrable domain named by the most host names, a tie to the
 * first in byte order, with Debian's Public Suffix List.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dname.h"
#include "operators.h"
#include "regdom.h"
#include "tap.h"

struct pick_case {
	const char *hosts[10];	/* NULL-ended */
	const char *want;	/* NULL: no operator */
	const char *what;
};

static const struct pick_case cases[] = {
	{ { NULL }, NULL, "no host: no operator" },
	{ { "ns1.example.com", NULL }, "example.com", "one host" },
	{ { "ns1.example.com", "ns2.example.com", NULL }, "example.com",
	  "two hosts of one operator" },
	{ { "a.ns.provider.co.uk", "b.ns.provider.co.uk", NULL },
	  "provider.co.uk", "a two-label suffix (co.uk)" },
	{ { "ns1.zz.example", "ns2.aa.example", NULL }, "aa.example",
	  "a tie: the first in byte order (unlisted TLD: the implicit rule)" },
	{ { "ns1.zz.example", "ns2.aa.example", "ns3.zz.example", NULL },
	  "zz.example", "the most common wins over byte order" },
	{ { "ns-1.awsdns-01.org", "ns-2.awsdns-02.net", "ns3.b.de",
	    "ns4.b.de", NULL }, "b.de", "two of four beat one and one" },
	{ { "x.b.de", "y.a.de", "z.c.de", "w.a.de", "v.b.de", NULL },
	  "a.de", "a tie of two runs of two: a.de before b.de" },
	{ { "ns1.gov.br", NULL }, "ns1.gov.br", "a host under gov.br" },
	{ { "gov.br", NULL }, "gov.br", "a public suffix itself is kept" },
	{ { "ns1.foo.bar.ck", NULL }, "foo.bar.ck", "the wildcard rule *.ck" },
	{ { "ns.www.ck", NULL }, "www.ck", "the exception rule !www.ck" },
	{ { "ns1.foo.blogspot.com", NULL }, "blogspot.com",
	  "the private section does not count" },
	{ { "ns1.a.example", "ns1.ab.example", NULL }, "a.example",
	  "byte order: a.example before ab.example" },
	{ { "ns1.b-.example", "ns1.b.example", NULL }, "b-.example",
	  "byte order: '-' (0x2d) before '.' (0x2e)" },
};

static void
test_pick(const struct regdom *rd)
{
	size_t i, n;
	char out[DNAME_BUF_SIZE];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pick_case *c = &cases[i];
		bool got;

		if (c->what == NULL)
			continue;
		for (n = 0; c->hosts[n] != NULL; n++)
			;
		got = operators_pick(rd, c->hosts, n, out, sizeof(out));
		if (c->want == NULL) {
			tap_ok(!got && out[0] == '\0', "%s", c->what);
			continue;
		}
		tap_ok(got, "%s: an operator", c->what);
		tap_eq_str(out, c->want, c->what);
	}
}

/* The order of the hosts does not matter: every rotation of a list gives
 * the same operator. */
static void
test_order(const struct regdom *rd)
{
	const char *h[] = { "d.y.example", "c.x.example", "b.y.example",
		"a.x.example", "e.z.example" };
	const char *r[5];
	char out[DNAME_BUF_SIZE];
	size_t k, i;
	bool all = true;

	for (k = 0; k < 5; k++) {
		for (i = 0; i < 5; i++)
			r[i] = h[(i + k) % 5];
		operators_pick(rd, r, 5, out, sizeof(out));
		if (strcmp(out, "x.example") != 0) {
			tap_diag("rotation %zu: %s", k, out);
			all = false;
		}
	}
	tap_ok(all, "every rotation of a tied list gives x.example");
}

int
main(void)
{
	char err[512];
	struct regdom *rd = regdom_new(NULL, err, sizeof(err));

	if (!tap_ok(rd != NULL, "regdom_new: %s", rd ? "" : err))
		return tap_done();
	test_pick(rd);
	test_order(rd);
	regdom_free(rd);
	return tap_done();
}
