/*
 * test_regdom.c - registrable domains with Debian's Public Suffix List
 * (libpsl): ordinary and multi-label suffixes (co.uk, gov.br, gv.at),
 * wildcard (*.ck) and exception (!www.ck) rules, A-label IDNs, the
 * private section left out, unlisted TLDs, names that are suffixes kept;
 * and the list reader's map: hostnames read as registrable domains with
 * the duplicates after mapping dropped.
 */
#include <stdio.h>
#include <string.h>

#include "list.h"
#include "log.h"
#include "regdom.h"
#include "tap.h"

static const struct {
	const char *in, *want;
} cases[] = {
	/* co.uk */
	{ "www.bbc.co.uk", "bbc.co.uk" },
	{ "a.b.c.bbc.co.uk", "bbc.co.uk" },
	{ "bbc.co.uk", "bbc.co.uk" },
	{ "co.uk", "co.uk" },			/* a suffix: kept */
	{ "www.gov.uk", "www.gov.uk" },		/* gov.uk is a suffix */
	{ "bristol.gov.uk", "bristol.gov.uk" },
	{ "www.bristol.gov.uk", "bristol.gov.uk" },
	/* gov.br */
	{ "gov.br", "gov.br" },
	{ "www.gov.br", "www.gov.br" },
	{ "a.b.planalto.gov.br", "planalto.gov.br" },
	/* gv.at */
	{ "www.bmf.gv.at", "bmf.gv.at" },
	{ "gv.at", "gv.at" },
	{ "www.example.at", "example.at" },
	/* wildcard *.ck and exception !www.ck */
	{ "foo.bar.ck", "foo.bar.ck" },
	{ "a.foo.bar.ck", "foo.bar.ck" },
	{ "bar.ck", "bar.ck" },			/* a suffix by *.ck */
	{ "www.ck", "www.ck" },			/* the exception: registrable */
	{ "a.b.www.ck", "www.ck" },
	/* A-label IDNs: bücher.de, .рф, 公司.cn (an IDN suffix) */
	{ "www.xn--bcher-kva.de", "xn--bcher-kva.de" },
	{ "a.b.xn--p1ai", "b.xn--p1ai" },
	{ "www.example.xn--55qx5d.cn", "example.xn--55qx5d.cn" },
	{ "xn--55qx5d.cn", "xn--55qx5d.cn" },
	/* ordinary names, hosts, deep names */
	{ "example.com", "example.com" },
	{ "www.example.com", "example.com" },
	{ "x.y.z.regeringen.se", "regeringen.se" },
	{ "0030858s.esidoc.fr", "esidoc.fr" },
	/* the private section does not count (ICANN only) */
	{ "foo.blogspot.com", "blogspot.com" },
	{ "user.github.io", "github.io" },
	/* an unlisted TLD is a suffix (the implicit "*" rule) */
	{ "a.b.example-unlisted", "b.example-unlisted" },
};

static void
test_map(const struct regdom *rd)
{
	char out[DNAME_BUF_SIZE];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool changed = regdom_map(rd, cases[i].in, out, sizeof(out));
		char name[300];

		snprintf(name, sizeof(name), "%s -> %s", cases[i].in,
		    cases[i].want);
		tap_eq_str(out, cases[i].want, name);
		tap_ok(changed == (strcmp(cases[i].in, cases[i].want) != 0),
		    "%s: changed flag", cases[i].in);
	}
	tap_ok(regdom_is_suffix(rd, "co.uk"), "co.uk is a suffix");
	tap_ok(regdom_is_suffix(rd, "bar.ck"), "bar.ck is a suffix (*.ck)");
	tap_ok(!regdom_is_suffix(rd, "www.ck"), "www.ck is not (!www.ck)");
	tap_ok(!regdom_is_suffix(rd, "blogspot.com"),
	    "blogspot.com is not an ICANN suffix");
}

static void
test_reader(void)
{
	static const char csv[] =
	    "domain,country,sector\n"
	    "www.bbc.co.uk,GB,other-public\n"
	    "news.bbc.co.uk,GB,other-public\n"
	    "bbc.co.uk,GB,other-public\n"
	    "gov.br,BR,national-government\n"
	    "www.gov.br,BR,national-government\n"
	    "WWW.Bücher.de,DE,education\n"
	    "xn--bcher-kva.de,DE,education\n";
	const char *want[] = { "bbc.co.uk", "gov.br", "www.gov.br",
		"xn--bcher-kva.de" };
	struct list_reader *r;
	struct list_entry e;
	struct list_stats st;
	char err[512];
	int n = 0, rc;

	r = list_open_mem(csv, sizeof(csv) - 1, "map.csv", LIST_FORMAT_AUTO,
	    err, sizeof(err));
	if (!tap_ok(r != NULL, "reader opens"))
		return;
	if (!tap_ok(regdom_attach(r, err, sizeof(err)) == 0,
	    "regdom_attach: %s", err)) {
		list_close(r);
		return;
	}
	while ((rc = list_next(r, &e)) == 1) {
		if (n < 4) {
			tap_eq_str(e.domain, want[n], "mapped name");
			tap_eq_i64((int64_t)e.index, n, "input index dense");
		}
		n++;
	}
	tap_eq_i64(rc, 0, "reader ends cleanly");
	tap_eq_i64(n, 4, "four registrable domains");
	list_stats(r, &st);
	tap_eq_i64((int64_t)st.duplicates, 3, "duplicates after mapping");
	tap_eq_i64((int64_t)st.mapped, 3, "names mapped");
	list_close(r);
}

int
main(void)
{
	struct regdom *rd;
	char err[512];

	log_set_level(LOG_LEVEL_ERR);
	rd = regdom_new("/nonexistent/psl.dafsa", err, sizeof(err));
	tap_ok(rd == NULL && strstr(err, "publicsuffix") != NULL,
	    "missing list: error names the Debian package (%s)", err);
	rd = regdom_new(NULL, err, sizeof(err));
	if (!tap_ok(rd != NULL, "distribution list loads: %s", err))
		return tap_done();
	tap_diag("list: %s", regdom_source(rd));
	test_map(rd);
	regdom_free(rd);
	test_reader();
	return tap_done();
}
