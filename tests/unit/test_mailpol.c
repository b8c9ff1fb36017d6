/*
 * test_mailpol.c - SPF "all" qualifier and DMARC policy classification.
 */
#include <string.h>

#include "mailpol.h"
#include "tap.h"

static const char *
spf1(const char *a)
{
	const char *t[1] = { a };
	size_t l[1] = { strlen(a) };

	return mailpol_spf(t, l, 1);
}

static const char *
dmarc1(const char *a)
{
	const char *t[1] = { a };
	size_t l[1] = { strlen(a) };

	return mailpol_dmarc(t, l, 1);
}

int
main(void)
{
	const char *two[2] = { "v=spf1 -all", "v=spf1 ~all" };
	size_t twol[2] = { 11, 11 };
	const char *other[2] = { "google-site-verification=x", "v=spf1 mx -all" };
	size_t otherl[2] = { 26, 14 };
	const char *d2[2] = { "v=DMARC1; p=none", "v=DMARC1; p=reject" };
	size_t d2l[2] = { 16, 18 };

	tap_eq_str(mailpol_spf(NULL, NULL, 0), "absent", "spf: no TXT");
	tap_eq_str(spf1("hello"), "absent", "spf: no v=spf1");
	tap_eq_str(spf1("v=spf10 -all"), "absent", "spf: v=spf10 is not SPF");
	tap_eq_str(spf1("v=spf1 mx -all"), "fail", "spf: -all");
	tap_eq_str(spf1("V=SPF1 a ~ALL"), "softfail", "spf: case-insensitive ~all");
	tap_eq_str(spf1("v=spf1 ?all"), "neutral", "spf: ?all");
	tap_eq_str(spf1("v=spf1 +all"), "pass", "spf: +all");
	tap_eq_str(spf1("v=spf1 all"), "pass", "spf: all");
	tap_eq_str(spf1("v=spf1 mx"), "none", "spf: no all");
	tap_eq_str(spf1("v=spf1"), "none", "spf: empty record");
	tap_eq_str(spf1("v=spf1 include:_spf.example.com ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"),
	    "fail", "spf: mechanisms with arguments");
	tap_eq_str(spf1("v=spf1 redirect=_spf.example.com"), "none", "spf: modifier");
	tap_eq_str(spf1("v=spf1 frobnicate -all"), "invalid", "spf: unknown mechanism");
	tap_eq_str(spf1("v=spf1 -all:foo"), "invalid", "spf: all with an argument");
	tap_eq_str(spf1("v=spf1  mx   -all  "), "fail", "spf: extra spaces");
	tap_eq_str(mailpol_spf(two, twol, 2), "invalid", "spf: two records");
	tap_eq_str(mailpol_spf(other, otherl, 2), "fail", "spf: other TXT ignored");

	tap_eq_str(mailpol_dmarc(NULL, NULL, 0), "absent", "dmarc: none");
	tap_eq_str(dmarc1("v=DMARC1; p=reject; rua=mailto:d@example.com"), "reject", "dmarc: reject");
	tap_eq_str(dmarc1("v=DMARC1;p=quarantine;pct=50"), "quarantine", "dmarc: no spaces");
	tap_eq_str(dmarc1("v = DMARC1 ; p = none"), "none", "dmarc: spaces");
	tap_eq_str(dmarc1("v=DMARC1; p=Reject"), "reject", "dmarc: case of the value");
	tap_eq_str(dmarc1("v=DMARC1; p=bogus"), "invalid", "dmarc: unknown policy");
	tap_eq_str(dmarc1("v=DMARC1; rua=mailto:x@y"), "invalid", "dmarc: no p");
	tap_eq_str(dmarc1("v=dmarc1; p=reject"), "absent", "dmarc: v is case-sensitive");
	tap_eq_str(dmarc1("p=reject; v=DMARC1"), "absent", "dmarc: v= must be first");
	tap_eq_str(mailpol_dmarc(d2, d2l, 2), "invalid", "dmarc: two records");

	tap_ok(mailpol_is_mta_sts("v=STSv1; id=1", 13), "mta-sts record");
	tap_ok(!mailpol_is_mta_sts("v=STSv10", 8), "not mta-sts");
	tap_ok(mailpol_is_tlsrpt("v=TLSRPTv1; rua=mailto:x@y", 26), "tls-rpt record");
	tap_ok(!mailpol_is_tlsrpt("v=TLSRPT", 8), "not tls-rpt");
	return tap_done();
}
