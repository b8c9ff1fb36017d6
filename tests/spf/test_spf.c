/*
 * test_spf.c - the SPF record parser (crawler/policy/spf.c): terms,
 * qualifiers, modifiers, macros and CIDR lengths as RFC 7208 12's grammar
 * has them; every record either parses or names its fault.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "spf.h"
#include "tap.h"

static struct spf_record rec;

static enum spf_parse
parse(const char *s)
{
	const char *why = NULL;
	size_t where = 0;
	enum spf_parse r = spf_parse(s, strlen(s), &rec, &why, &where);

	if (r == SPF_PARSE_SYNTAX && why == NULL)
		tap_ok(false, "a syntax error names its fault: %s", s);
	return r;
}

static void
ok(const char *s)
{
	tap_ok(parse(s) == SPF_PARSE_OK, "parses: %s", s);
}

static void
bad(const char *s)
{
	tap_ok(parse(s) == SPF_PARSE_SYNTAX, "syntax error: %s", s);
}

static void
spec_is(const char *s, size_t i, const char *want)
{
	char got[SPF_MAX_DOMAIN_SPEC + 1];
	const struct spf_spec *sp = &rec.term[i].spec;

	memcpy(got, s + sp->off, sp->len);
	got[sp->len] = '\0';
	tap_eq_str(got, want, "domain-spec");
}

int
main(void)
{
	const char *s;

	/* Not SPF at all. */
	tap_ok(parse("v=spf10 -all") == SPF_PARSE_NOT_SPF, "v=spf10: not SPF");
	tap_ok(parse("google-site-verification=x") == SPF_PARSE_NOT_SPF,
	    "other TXT: not SPF");
	tap_ok(parse("") == SPF_PARSE_NOT_SPF, "empty: not SPF");

	/* Terms and qualifiers. */
	s = "v=spf1 include:_spf.example.com ~mx -a:mail.example.com/24//64 "
	    "?ip4:192.0.2.0/24 +ip6:2001:db8::/32 exists:%{i}.x.example.net "
	    "ptr -all";
	ok(s);
	tap_eq_i64((int64_t)rec.nterms, 8, "eight terms");
	tap_ok(rec.term[0].mech == SPF_MECH_INCLUDE &&
	    rec.term[0].qual == SPF_QUAL_PASS, "include, pass");
	spec_is(s, 0, "_spf.example.com");
	tap_ok(rec.term[1].mech == SPF_MECH_MX &&
	    rec.term[1].qual == SPF_QUAL_SOFTFAIL && rec.term[1].spec.len == 0,
	    "~mx, no domain");
	tap_ok(rec.term[2].mech == SPF_MECH_A &&
	    rec.term[2].qual == SPF_QUAL_FAIL, "-a");
	spec_is(s, 2, "mail.example.com");
	tap_ok(rec.term[3].qual == SPF_QUAL_NEUTRAL, "?ip4");
	tap_ok(rec.term[5].mech == SPF_MECH_EXISTS && rec.term[5].spec.macro,
	    "exists with a macro");
	tap_ok(rec.term[6].mech == SPF_MECH_PTR, "ptr");
	tap_ok(rec.term[7].mech == SPF_MECH_ALL &&
	    rec.term[7].qual == SPF_QUAL_FAIL, "-all");
	tap_ok(!rec.have_redirect && !rec.have_exp, "no modifiers");

	ok("v=spf1");
	tap_eq_i64((int64_t)rec.nterms, 0, "v=spf1 alone: no terms");
	ok("V=SPF1   MX  ~ALL  ");
	tap_ok(rec.nterms == 2 && rec.term[1].qual == SPF_QUAL_SOFTFAIL,
	    "case and extra spaces");
	ok("v=spf1 a/24 mx//64 a:x.example.com//128");

	/* Modifiers. */
	s = "v=spf1 mx redirect=_spf.example.com exp=explain.%{d} x-foo=bar";
	ok(s);
	tap_ok(rec.have_redirect && rec.have_exp && rec.nterms == 1,
	    "redirect, exp, an unknown modifier");
	tap_ok(memcmp(s + rec.redirect.off, "_spf.example.com",
	    rec.redirect.len) == 0, "the redirect target");
	bad("v=spf1 redirect=a.example redirect=b.example");
	bad("v=spf1 exp=a.example exp=b.example");
	bad("v=spf1 redirect=");
	bad("v=spf1 -redirect=a.example");
	bad("v=spf1 exp=%{c}.example.com -all");
	ok("v=spf1 x=%{c}%{r}%{t} -all");
	bad("v=spf1 redirect=%{c}.example.com");

	/* Mechanisms. */
	bad("v=spf1 frobnicate -all");
	bad("v=spf1 -all:foo");
	bad("v=spf1 include");
	bad("v=spf1 include:");
	bad("v=spf1 exists");
	bad("v=spf1 ptr/24");
	bad("v=spf1 allx");
	bad("v=spf1 *all");

	/* Domain-specs: a top label at the end, or a macro. */
	ok("v=spf1 include:example.com.");
	ok("v=spf1 include:%{d}");
	ok("v=spf1 a:%{l1r-}.example.com");
	bad("v=spf1 include:192.0.2.1");
	bad("v=spf1 include:example.-com");
	bad("v=spf1 include:com");
	bad("v=spf1 include:%{z}.example.com");
	bad("v=spf1 include:%{d0}.example.com");
	bad("v=spf1 include:%{d}x%");
	bad("v=spf1 include:%x.example.com");
	bad("v=spf1 include:%{d.example.com");
	ok("v=spf1 include:%%.example.com");

	/* CIDR lengths. */
	ok("v=spf1 ip4:192.0.2.1/32 ip6:::1/128");
	bad("v=spf1 ip4:192.0.2.1/33");
	bad("v=spf1 ip6:2001:db8::/129");
	bad("v=spf1 ip4:192.0.2.1/024");
	bad("v=spf1 ip4:192.0.2.1/");
	bad("v=spf1 ip4:192.0.2");
	bad("v=spf1 ip4:2001:db8::");
	bad("v=spf1 ip6:192.0.2.1");
	bad("v=spf1 a/33");
	bad("v=spf1 mx//129");
	bad("v=spf1 a/24/64");

	/* Characters. */
	bad("v=spf1 a:ex\tample.com");
	bad("v=spf1 include:ex\xc3\xa9.com");

	/* The bounds: a record over SPF_MAX_RECORD bytes. */
	{
		static char big[SPF_MAX_RECORD + 16];
		size_t i;

		memcpy(big, "v=spf1", 6);
		for (i = 6; i + 2 <= SPF_MAX_RECORD; i += 2)
			memcpy(big + i, " a", 2);
		big[i] = '\0';
		tap_ok(spf_parse(big, strlen(big), &rec, NULL, NULL) ==
		    SPF_PARSE_OK, "a record of 4096 bytes of terms parses");
		tap_eq_i64((int64_t)rec.nterms, (SPF_MAX_RECORD - 6) / 2,
		    "every term kept");
		memcpy(big + i, " a ", 3);
		big[i + 3] = '\0';
		tap_ok(spf_parse(big, strlen(big), &rec, NULL, NULL) ==
		    SPF_PARSE_SYNTAX, "a record over 4096 bytes: an error");
	}
	tap_eq_str(spf_qual_str(SPF_QUAL_SOFTFAIL), "softfail", "qual str");
	return tap_done();
}
