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
	/* TLS-RPT (RFC 8460 3): one record */
	{
		static const struct { const char *t; bool ok; const char *why; } rpt[] = {
			{ "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", true, "mailto" },
			{ "v=TLSRPTv1;rua=https://reports.example.com/tlsrpt", true, "https, no space" },
			{ "v=TLSRPTv1; rua=https://r.example.se", true, "https without a path" },
			{ "v=TLSRPTv1; rua=https://r.example.se:8443/x?a=b", true, "https with port and query" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example,https://r.example.nl/x", true, "two URIs" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example , https://r.example.nl/x", true, "WSP around the comma" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example;", true, "trailing delimiter" },
			{ "v=TLSRPTv1 ; rua=mailto:a@b.example ; ext=1", true, "an extension field" },
			{ "v=TLSRPTv1; rua=MAILTO:first.last+tag@example.org", true, "scheme case, atext" },
			{ "v=TLSRPTv1; rua=mailto:a%40x@example.org", true, "a %-escape in the local part" },
			{ "v=TLSRPTv1; rua=ftp://reports.example.de/", false, "ftp: scheme" },
			{ "v=TLSRPTv1; rua=mailto:nobody", false, "mailto without @" },
			{ "v=TLSRPTv1; rua=mailto:@example.org", false, "mailto, empty local part" },
			{ "v=TLSRPTv1; rua=mailto:x@localhost", false, "mailto, one-label domain" },
			{ "v=TLSRPTv1; rua=mailto:x@-a.example", false, "mailto, label starts with -" },
			{ "v=TLSRPTv1; rua=mailto:x@a..example", false, "mailto, empty label" },
			{ "v=TLSRPTv1; rua=mailto:x y@a.example", false, "a space in the URI" },
			{ "v=TLSRPTv1; rua=mailto:x%4@a.example", false, "a short %-escape" },
			{ "v=TLSRPTv1; rua=mailto:x@a.example?subject=x", false, "mailto hfields" },
			{ "v=TLSRPTv1; rua=https://", false, "https without a host" },
			{ "v=TLSRPTv1; rua=https://r.example:0/", false, "port 0" },
			{ "v=TLSRPTv1; rua=https://r.example:65536/", false, "port over 65535" },
			{ "v=TLSRPTv1; rua=https://r.example:/", false, "empty port" },
			{ "v=TLSRPTv1; rua=https://r.example/a\"b", false, "a quote in the path" },
			{ "v=TLSRPTv1; rua=http://r.example/", false, "http: not https:" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example,", false, "empty URI after a comma" },
			{ "v=TLSRPTv1; rua=", false, "empty rua" },
			{ "v=TLSRPTv1; rua= mailto:a@b.example", false, "space after rua=" },
			{ "v=TLSRPTv1", false, "no rua" },
			{ "v=TLSRPTv1;", false, "only a delimiter" },
			{ "v=TLSRPTv1; ext=1", false, "an extension, no rua" },
			{ "v=TLSRPTv1; RUA=mailto:a@b.example", false, "rua is case-sensitive" },
			{ "v=TLSRPTv1 rua=mailto:a@b.example", false, "no ; after the version" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example; x", false, "a field without =" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example; _x=1", false, "extension name starts with _" },
			{ "v=TLSRPTv1; rua=mailto:a@b.example; x=a=b", false, "= in an extension value" },
			{ "v=tlsrptv1; rua=mailto:a@b.example", false, "version is case-sensitive" },
			{ " v=TLSRPTv1; rua=mailto:a@b.example", false, "leading space" },
		};
		size_t k;

		for (k = 0; k < sizeof(rpt) / sizeof(rpt[0]); k++)
			tap_ok(mailpol_tlsrpt_valid(rpt[k].t, strlen(rpt[k].t)) == rpt[k].ok,
			    "tlsrpt %s: %s", rpt[k].ok ? "valid" : "invalid", rpt[k].why);
	}
	{
		char big[MAILPOL_MAX_RECORD + 64];
		size_t bl;

		strcpy(big, "v=TLSRPTv1; rua=https://r.example/");
		bl = strlen(big);
		memset(big + bl, 'a', sizeof(big) - bl - 1);
		big[sizeof(big) - 1] = '\0';
		tap_ok(!mailpol_tlsrpt_valid(big, strlen(big)),
		    "tlsrpt: a record over MAILPOL_MAX_RECORD is invalid");
		tap_ok(mailpol_tlsrpt_valid(big, MAILPOL_MAX_RECORD),
		    "tlsrpt: the same at MAILPOL_MAX_RECORD bytes is valid");
	}
	{
		const char *r1[2] = { "v=TLSRPTv1; rua=mailto:a@b.example", "other" };
		size_t r1l[2] = { 34, 5 };
		const char *r2[2] = { "v=TLSRPTv1; rua=mailto:a@b.example",
			"v=TLSRPTv1; rua=mailto:c@b.example" };
		size_t r2l[2] = { 34, 34 };
		const char *r3[1] = { "hello" };
		size_t r3l[1] = { 5 };
		const char *r4[1] = { "v=TLSRPTv1; rua=mailto:nobody" };
		size_t r4l[1] = { 29 };

		tap_eq_i64(mailpol_tlsrpt(NULL, NULL, 0), MAILPOL_TLSRPT_ABSENT,
		    "tlsrpt set: no TXT is absent (null)");
		tap_eq_i64(mailpol_tlsrpt(r1, r1l, 2), MAILPOL_TLSRPT_VALID,
		    "tlsrpt set: other TXT ignored");
		tap_eq_i64(mailpol_tlsrpt(r2, r2l, 2), MAILPOL_TLSRPT_INVALID,
		    "tlsrpt set: two records are invalid (RFC 8460 3)");
		tap_eq_i64(mailpol_tlsrpt(r3, r3l, 1), MAILPOL_TLSRPT_INVALID,
		    "tlsrpt set: TXT without v=TLSRPTv1 is invalid");
		tap_eq_i64(mailpol_tlsrpt(r4, r4l, 1), MAILPOL_TLSRPT_INVALID,
		    "tlsrpt set: a malformed record");
	}

	/* MTA-STS TXT record (RFC 8461 3.1) */
	{
		static const struct { const char *t; bool ok; const char *why; } sts[] = {
			{ "v=STSv1; id=20160831085700Z", true, "the RFC's example" },
			{ "v=STSv1;id=1", true, "no spaces" },
			{ "v=STSv1; id=abc; ext=x;", true, "extension and trailing ;" },
			{ "v=STSv1; id=12345678901234567890123456789012", true, "id of 32" },
			{ "v=STSv1; id=123456789012345678901234567890123", false, "id of 33" },
			{ "v=STSv1; id=a-b", false, "id with -" },
			{ "v=STSv1; id=", false, "empty id" },
			{ "v=STSv1", false, "no id" },
			{ "v=STSv1; ext=1", false, "extension, no id" },
			{ "v=STSv1; id=1; id=2", false, "two ids" },
			{ "v=STSv10; id=1", false, "v=STSv10" },
		};
		const char *stwo[2] = { "v=STSv1; id=1", "v=STSv1; id=2" };
		size_t twol2[2] = { 13, 13 };
		const char *oth[2] = { "v=spf1 -all", "v=STSv1; id=2" };
		size_t othl[2] = { 11, 13 };
		size_t k;

		for (k = 0; k < sizeof(sts) / sizeof(sts[0]); k++) {
			size_t l = strlen(sts[k].t);

			tap_ok(mailpol_mta_sts_record(&sts[k].t, &l, 1) == sts[k].ok,
			    "mta-sts record %s: %s", sts[k].ok ? "valid" : "invalid",
			    sts[k].why);
		}
		tap_ok(!mailpol_mta_sts_record(stwo, twol2, 2),
		    "mta-sts record: two records are no policy (RFC 8461 3.1)");
		tap_ok(mailpol_mta_sts_record(oth, othl, 2),
		    "mta-sts record: other TXT ignored");
		tap_ok(!mailpol_mta_sts_record(NULL, NULL, 0),
		    "mta-sts record: no TXT");
	}
	return tap_done();
}
