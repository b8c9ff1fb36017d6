/*
 * test_dmarc.c - the DMARC record parser (crawler/policy/dmarc.c): each
 * tag of RFC 7489 6.3, its defaults, the first defect named, 6.6.3 step 6
 * (a missing or invalid p or sp: p=none with a valid rua, else nothing),
 * the record choice at one name, and the dns stage's dmarc column that is
 * made from the same parser (mailpol_dmarc).
 */
#include <stdio.h>
#include <string.h>

#include "dmarc.h"
#include "mailpol.h"
#include "tap.h"

static struct dmarc_record r;

static const char *
err_of(const char *s)
{
	const char *e = dmarc_error_str(dmarc_parse(s, strlen(s), &r));

	return e != NULL ? e : "ok";
}

static const char *
pol(enum dmarc_policy p)
{
	const char *s = dmarc_policy_str(p);

	return s != NULL ? s : "unset";
}

static const char *
col(const char *a, const char *b)
{
	const char *t[2] = { a, b };
	size_t l[2] = { strlen(a), b != NULL ? strlen(b) : 0 };

	return mailpol_dmarc(t, l, b != NULL ? 2 : 1);
}

int
main(void)
{
	char big[DMARC_MAX_RECORD + 64];
	size_t which = 99;

	/* A full record. */
	tap_eq_str(err_of("v=DMARC1; p=reject; sp=quarantine; pct=50; "
	    "adkim=s; aspf=s; rua=mailto:a@Rep.Example.NET!10m, "
	    "https://x.example/r; ruf=mailto:f@example.org; fo=0:1:d:s; "
	    "rf=afrf; ri=3600"), "ok", "full record: no defect");
	tap_eq_str(pol(r.p), "reject", "full: p");
	tap_eq_str(pol(r.sp), "quarantine", "full: sp");
	tap_ok(r.applies, "full: applies");
	tap_eq_str(pol(r.policy), "reject", "full: policy");
	tap_eq_str(pol(r.sub_policy), "quarantine", "full: sub_policy = sp");
	tap_eq_i64(r.pct, 50, "full: pct");
	tap_eq_i64(r.adkim, 's', "full: adkim");
	tap_eq_i64(r.aspf, 's', "full: aspf");
	tap_eq_i64(r.nrua, 2, "full: two rua URIs");
	tap_eq_i64(r.nruf, 1, "full: one ruf URI");
	tap_ok(r.rua[0].mailto, "full: rua 1 is mailto");
	tap_eq_str(r.rua[0].host, "rep.example.net",
	    "full: rua host lower case, !size cut");
	tap_ok(!r.rua[1].mailto, "full: rua 2 is https");
	tap_eq_str(r.ruf[0].host, "example.org", "full: ruf host");

	/* Defaults. */
	tap_eq_str(err_of("v=DMARC1; p=none"), "ok", "minimal record");
	tap_eq_i64(r.pct, 100, "default pct 100");
	tap_eq_i64(r.adkim, 'r', "default adkim r");
	tap_eq_i64(r.aspf, 'r', "default aspf r");
	tap_eq_str(pol(r.sp), "unset", "no sp");
	tap_eq_str(pol(r.sub_policy), "none", "sub_policy = p without sp");
	tap_eq_i64(r.nrua, 0, "no rua");
	tap_eq_str(err_of("v = DMARC1 ;P = REJECT;"), "ok",
	    "spaces, upper-case tag and value, trailing ;");
	tap_eq_str(pol(r.policy), "reject", "upper case REJECT");
	tap_eq_str(err_of("v=DMARC1; p=none; foo=bar; x_1=2"), "ok",
	    "unknown tags ignored");
	tap_eq_str(err_of("v=DMARC1;; p=none ;"), "ok", "empty tag ignored");
	tap_eq_str(err_of("v=DMARC1; pct=20; p=quarantine"), "ok",
	    "p not second: accepted");
	tap_eq_str(err_of("v=DMARC1; p=reject; p=none"), "ok",
	    "p twice: no defect");
	tap_eq_str(pol(r.p), "reject", "p twice: the first counts");

	/* Not a record. */
	tap_eq_str(err_of("v=DMARC2; p=none"), "not_dmarc", "v=DMARC2");
	tap_eq_str(err_of("v=dmarc1; p=none"), "not_dmarc",
	    "v=dmarc1 (must match precisely)");
	tap_eq_str(err_of("p=none; v=DMARC1"), "not_dmarc", "v not first");
	tap_eq_str(err_of("v=DMARC1x; p=none"), "not_dmarc", "v=DMARC1x");
	tap_eq_str(err_of(""), "not_dmarc", "empty");
	memset(big, 'a', sizeof(big));
	memcpy(big, "v=DMARC1; p=none; x=", 20);
	tap_eq_i64(dmarc_parse(big, sizeof(big), &r), DMARC_ERR_TOO_LONG,
	    "longer than DMARC_MAX_RECORD: too_long");

	/* p and sp (6.6.3 step 6). */
	tap_eq_str(err_of("v=DMARC1; rua=mailto:d@example.com"), "p_missing",
	    "p missing");
	tap_ok(r.applies, "p missing with a valid rua: applies");
	tap_eq_str(pol(r.policy), "none", "... as p=none");
	tap_eq_str(err_of("v=DMARC1; pct=50"), "p_missing",
	    "p missing, no rua");
	tap_ok(!r.applies, "p missing, no rua: does not apply");
	tap_eq_str(pol(r.policy), "unset", "... no policy");
	tap_eq_str(err_of("v=DMARC1; pct=500"), "p_missing",
	    "p missing names itself before a bad pct");
	tap_eq_str(err_of("v=DMARC1; p=bogus"), "bad_p", "bad p");
	tap_ok(!r.applies, "bad p, no rua: does not apply");
	tap_eq_str(err_of("v=DMARC1; p=bogus; rua=mailto:d@x.example"),
	    "bad_p", "bad p with rua");
	tap_ok(r.applies && r.policy == DMARC_P_NONE, "... applies as none");
	tap_eq_str(err_of("v=DMARC1; p=reject; sp=never"), "bad_sp",
	    "bad sp");
	tap_ok(!r.applies, "bad sp, no rua: does not apply");
	tap_eq_str(err_of("v=DMARC1; p=reject; sp=never; "
	    "rua=mailto:a@b.example"), "bad_sp", "bad sp with rua");
	tap_ok(r.applies && r.policy == DMARC_P_NONE &&
	    r.sub_policy == DMARC_P_NONE, "... applies as p=none");
	tap_eq_str(err_of("v=DMARC1; p="), "bad_p", "p empty");
	tap_eq_str(err_of("v=DMARC1; p"), "p_missing", "p without =: missing");
	tap_eq_str(err_of("v=DMARC1; p=none; adkim"), "syntax",
	    "a tag without =");

	/* Other tags: the defect named, the default kept. */
	tap_eq_str(err_of("v=DMARC1; p=reject; pct=101"), "bad_pct",
	    "pct 101");
	tap_ok(r.applies && r.pct == 100 && r.policy == DMARC_P_REJECT,
	    "pct 101: default 100, the policy applies");
	tap_eq_str(err_of("v=DMARC1; p=reject; pct=0"), "ok", "pct 0");
	tap_eq_i64(r.pct, 0, "pct 0 kept");
	tap_eq_str(err_of("v=DMARC1; p=reject; pct=-1"), "bad_pct", "pct -1");
	tap_eq_str(err_of("v=DMARC1; p=reject; pct=1000"), "bad_pct",
	    "pct 4 digits");
	tap_eq_str(err_of("v=DMARC1; p=reject; pct="), "bad_pct", "pct empty");
	tap_eq_str(err_of("v=DMARC1; p=reject; adkim=x"), "bad_adkim",
	    "adkim x");
	tap_eq_i64(r.adkim, 'r', "adkim x: default r");
	tap_eq_str(err_of("v=DMARC1; p=reject; aspf=strict"), "bad_aspf",
	    "aspf strict");
	tap_eq_str(err_of("v=DMARC1; p=reject; fo=2"), "bad_fo", "fo 2");
	tap_eq_str(err_of("v=DMARC1; p=reject; fo=1 : d"), "ok",
	    "fo with spaces");
	tap_eq_str(err_of("v=DMARC1; p=reject; rf=afrf:iodef"), "ok", "rf");
	tap_eq_str(err_of("v=DMARC1; p=reject; rf=a f"), "bad_rf", "rf a f");
	tap_eq_str(err_of("v=DMARC1; p=reject; ri=86400"), "ok", "ri");
	tap_eq_str(err_of("v=DMARC1; p=reject; ri=4294967296"), "bad_ri",
	    "ri over 32 bits");
	tap_eq_str(err_of("v=DMARC1; p=reject; ri=1h"), "bad_ri", "ri 1h");
	tap_eq_str(err_of("v=DMARC1; p=reject; 1x=2"), "syntax",
	    "tag name starting with a digit");
	tap_eq_str(err_of("v=DMARC1; p=reject; pct=10; adkim=q"), "bad_adkim",
	    "the first defect in tag order ... ");
	tap_eq_str(err_of("v=DMARC1; p=reject; adkim=q; pct=999"), "bad_adkim",
	    "... whatever follows");

	/* rua / ruf URIs. */
	tap_eq_str(err_of("v=DMARC1; p=none; rua=d@example.com"), "bad_rua",
	    "rua without a scheme");
	tap_eq_i64(r.nrua, 0, "... not counted");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example,"
	    "mailto:nobody"), "bad_rua", "mailto without @host");
	tap_eq_i64(r.nrua, 1, "... the valid one counted");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example!"),
	    "bad_rua", "! without a size");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example!10x"),
	    "bad_rua", "size unit x");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example!5g"),
	    "ok", "size 5g");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a%40b@x.example"),
	    "ok", "percent-encoded local part");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example%4"),
	    "bad_rua", "truncated percent escape");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example,"),
	    "bad_rua", "trailing comma: an empty URI");
	tap_eq_str(err_of("v=DMARC1; p=none; rua="), "bad_rua", "rua empty");
	tap_eq_str(err_of("v=DMARC1; p=none; ruf=mailto:a@-"), "ok",
	    "ruf host of one LDH label");
	tap_eq_str(err_of("v=DMARC1; p=none; ruf=mailto:a@x..y"), "bad_ruf",
	    "ruf host with an empty label");
	tap_eq_str(err_of("v=DMARC1; p=none; rua=mailto:a@x.example?"
	    "subject=dmarc"), "ok", "mailto with hfields");
	tap_eq_str(r.rua[0].host, "x.example", "... host without hfields");
	{
		char many[2048];
		size_t n = 0;
		int k;

		n += (size_t)snprintf(many + n, sizeof(many) - n,
		    "v=DMARC1; p=none; rua=");
		for (k = 0; k < 20; k++)
			n += (size_t)snprintf(many + n, sizeof(many) - n,
			    "%smailto:r%d@h%d.example", k ? "," : "", k, k);
		tap_eq_str(err_of(many), "ok", "20 rua URIs");
		tap_eq_i64(r.nrua, 20, "... all counted");
		tap_eq_i64(r.rua_kept, DMARC_MAX_URIS, "... DMARC_MAX_URIS kept");
	}

	/* The choice at one name. */
	{
		const char *t[3] = { "v=spf1 -all", "v=DMARC1; p=none",
		    "v=DMARC1; p=reject" };
		size_t l[3] = { strlen(t[0]), strlen(t[1]), strlen(t[2]) };

		tap_eq_i64(dmarc_select(t, l, 1, &which), 0, "no DMARC record");
		tap_eq_i64(dmarc_select(t, l, 2, &which), 1, "one record");
		tap_eq_i64(which, 1, "... its index");
		tap_eq_i64(dmarc_select(t, l, 3, &which), 2, "two records");
	}

	/* The dns stage's dmarc column from the same parser. */
	tap_eq_str(col("v=DMARC1; p=reject", NULL), "reject", "column: reject");
	tap_eq_str(col("v=DMARC1; p=bogus", NULL), "invalid",
	    "column: bad p");
	tap_eq_str(col("v=DMARC1; rua=mailto:a@b.example", NULL), "invalid",
	    "column: no p");
	tap_eq_str(col("v=DMARC1; p=quarantine; pct=500", NULL), "quarantine",
	    "column: p whatever the other tags");
	tap_eq_str(col("v=DMARC1; p=none", "v=DMARC1; p=reject"), "invalid",
	    "column: two records");
	tap_eq_str(col("v=spf1 -all", NULL), "absent", "column: no record");

	/* Strings. */
	tap_eq_str(dmarc_error_str(DMARC_ERR_MULTIPLE), "multiple_records",
	    "multiple_records");
	tap_ok(dmarc_error_str(DMARC_OK) == NULL, "no defect: NULL");
	return tap_done();
}
