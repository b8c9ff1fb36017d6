/*
 * test_profile - the mandate profile and exceptions loaders (every error
 * with its file and line) and a requirement's verdicts, including
 * not_measured for absent and pending columns and null values; the
 * shipped profiles (data/profiles/) all load.
 *
 *   test_profile [PROFILE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "schema.h"
#include "tap.h"

static const char *const head =
    "# comment\n"
    "profile t\n"
    "version 1\n";

/* Parse head + body; true when it loaded. */
static struct profile *
load(const char *body, char *err, size_t errlen)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "%s%s", head, body);
	return profile_parse("t.conf", buf, strlen(buf), err, errlen);
}

/* body must fail with an error starting with want. */
static void
bad(const char *body, const char *want, const char *name)
{
	char err[800] = "";
	struct profile *p = load(body, err, sizeof(err));

	if (!tap_ok(p == NULL && strncmp(err, want, strlen(want)) == 0,
	    "error: %s", name))
		tap_diag("got '%s', want prefix '%s'", p ? "(loaded)" : err,
		    want);
	profile_free(p);
}

static void
test_errors(void)
{
	bad("require a | t | hsts IS TRUE | - | src | sec\n",
	    "t.conf:4: 6 fields, expected 7", "date field missing");
	bad("require a | t | hsts IS TRUE | - |  | sec | 2020-01-01\n",
	    "t.conf:4: empty source", "source missing");
	bad("require a | t | hsts IS TRUE | - | src |  | 2020-01-01\n",
	    "t.conf:4: empty section", "section missing");
	bad("require a | t | hsts IS TRUE | - | src | sec | \n",
	    "t.conf:4: empty effective date", "date empty");
	bad("require a | t | hsts IS TRUE | - | src | sec | 2020-02-30\n",
	    "t.conf:4: effective date '2020-02-30' is not a date",
	    "date that does not exist");
	bad("require a | t | hsts IS TRUE | - | src | sec | 2021-02-29\n",
	    "t.conf:4: effective date", "29 February of a common year");
	bad("\nrequire a | t | no_such_col IS TRUE | - | src | sec | 2020-01-01\n",
	    "t.conf:5: condition: offset 0: no column 'no_such_col'",
	    "unknown column in the condition");
	bad("require a | t | hsts IS TRUE | nope IS NULL | src | sec | 2020-01-01\n",
	    "t.conf:4: denominator: offset 0: no column 'nope'",
	    "unknown column in the denominator");
	bad("require a | t | hsts IS TRUE OR csp IS TRUE | - | src | sec | 2020-01-01\n",
	    "t.conf:4: condition: offset 13: OR outside parentheses",
	    "bad syntax");
	bad("require a | t | hsts = 'x' | - | src | sec | 2020-01-01\n",
	    "t.conf:4: condition: offset 5: comparison on 'hsts', which is not an integer or STRING column",
	    "type error");
	bad("require a | t | hsts IS TRUE | - | src | sec | 2020-01-01\n"
	    "require a | t | hsts IS TRUE | - | src | sec | 2020-01-01\n",
	    "t.conf:5: requirement a already on line 4", "duplicate id");
	bad("require A b | t | hsts IS TRUE | - | src | sec | 2020-01-01\n",
	    "t.conf:4: requirement id 'A b'", "bad id");
	bad("require a | t | hsts IS TRUE | - | s | s | 2020-01-01 | x\n",
	    "t.conf:4: more than 7 fields", "too many fields");
	bad("frobnicate\n", "t.conf:4: unknown line 'frobnicate'",
	    "unknown directive");
	bad("require a | t | UNMEASURED | hsts IS NULL | s | s | 2020-01-01\n",
	    "t.conf:4: an UNMEASURED requirement has no denominator",
	    "UNMEASURED with a denominator");
	bad("pending future_col FLOAT\n",
	    "t.conf:4: pending future_col: type 'FLOAT'", "pending type");
	bad("pending hsts STRING\n",
	    "t.conf:4: pending hsts STRING: schema v", "pending type clash");
	bad("pending x BOOLEAN\npending x BOOLEAN\n",
	    "t.conf:5: pending x declared twice", "pending twice");
	bad("require a | t | hsts IS TRUE | - | s | s | 2020-01-01\n"
	    "pending x BOOLEAN\n",
	    "t.conf:5: pending after the first requirement", "pending late");
	bad("profile u\n", "t.conf:4: profile given twice", "profile twice");
	bad("", "t.conf: no requirement", "no requirement");

	char err[300];
	const char *noname = "version 1\nrequire a | t | hsts IS TRUE | - | s | s | 2020-01-01\n";
	struct profile *p = profile_parse("n.conf", noname, strlen(noname), err,
	    sizeof(err));
	tap_ok(p == NULL && strcmp(err, "n.conf:2: require before the profile's name and version lines") == 0,
	    "error: require before the header (%s)", err);
	profile_free(p);
	const char *nover = "profile x\n";
	p = profile_parse("v.conf", nover, strlen(nover), err, sizeof(err));
	tap_ok(p == NULL && strcmp(err, "v.conf: no 'version TEXT' line") == 0,
	    "error: no version (%s)", err);
	profile_free(p);
	p = profile_load("/nonexistent/x.conf", err, sizeof(err));
	tap_ok(p == NULL && strstr(err, "/nonexistent/x.conf: ") == err,
	    "error: unreadable file names it (%s)", err);
	profile_free(p);
}

/* A row with every column null. */
static void
row_clear(struct schema_value *row)
{
	memset(row, 0, sizeof(*row) * SCHEMA_COL_COUNT);
}

static void
set_bool(struct schema_value *row, enum schema_col c, bool b)
{
	row[c].present = true;
	row[c].u.b = b;
}

static void
set_str(struct schema_value *row, enum schema_col c, const char *s)
{
	row[c].present = true;
	row[c].u.str.ptr = s;
	row[c].u.str.len = strlen(s);
}

static void
set_i64(struct schema_value *row, enum schema_col c, int64_t x)
{
	row[c].present = true;
	row[c].u.i64 = x;
}

static void
test_eval(void)
{
	char err[400];
	struct profile *p = load(
	    "pending future_col STRING\n"
	    "require hsts | HSTS a year | hsts IS TRUE AND hsts_max_age >= 31536000 | tls_status IS NOT NULL | s | s | 2018-12-31\n"
	    "require dnssec | DNSSEC | dnssec_status = 'secure' | - | s | s | 2017-12-31\n"
	    "require future | F | future_col = 'x' | - | s | s | 2020-01-01\n"
	    "require never | N | UNMEASURED | - | s | s | 2020-01-01\n",
	    err, sizeof(err));
	if (!tap_ok(p != NULL, "the evaluation profile loads")) {
		tap_diag("%s", err);
		return;
	}
	tap_eq_i64((int64_t)p->nreqs, 4, "four requirements");
	tap_eq_i64((int64_t)p->npending, 1, "one pending column");
	tap_eq_i64(p->reqs[0].line, 5, "requirement line numbers");
	tap_eq_str(p->reqs[1].date, "2017-12-31", "effective date kept");
	tap_ok(p->reqs[2].pending, "a requirement on a pending column is pending");

	bool has[SCHEMA_COL_COUNT];
	for (size_t i = 0; i < SCHEMA_COL_COUNT; i++)
		has[i] = true;
	struct schema_value row[SCHEMA_COL_COUNT];
	const struct profile_req *hsts = &p->reqs[0], *dnssec = &p->reqs[1];
	bool m0 = profile_req_measurable(hsts, has);
	bool m1 = profile_req_measurable(dnssec, has);
	tap_ok(m0 && m1, "measurable with every column");
	tap_ok(!profile_req_measurable(&p->reqs[2], has),
	    "pending column: never measurable");
	tap_ok(!profile_req_measurable(&p->reqs[3], has),
	    "UNMEASURED: never measurable");
	tap_eq_str(profile_verdict_name(profile_req_eval(&p->reqs[3], false,
	    row)), "not_measured", "UNMEASURED gives not_measured");

	row_clear(row);
	set_str(row, SCHEMA_COL_TLS_STATUS, "ok");
	set_bool(row, SCHEMA_COL_HSTS, true);
	set_i64(row, SCHEMA_COL_HSTS_MAX_AGE, 31536000);
	set_str(row, SCHEMA_COL_DNSSEC_STATUS, "secure");
	tap_eq_i64(profile_req_eval(hsts, m0, row), PROFILE_PASS, "hsts pass");
	tap_eq_i64(profile_req_eval(dnssec, m1, row), PROFILE_PASS,
	    "dnssec pass");
	set_i64(row, SCHEMA_COL_HSTS_MAX_AGE, 86400);
	tap_eq_i64(profile_req_eval(hsts, m0, row), PROFILE_FAIL,
	    "hsts short max-age fails");
	row[SCHEMA_COL_HSTS].present = false;
	row[SCHEMA_COL_HSTS_MAX_AGE].present = false;
	tap_eq_i64(profile_req_eval(hsts, m0, row), PROFILE_FAIL,
	    "explicit denominator: a null in the condition fails");
	row[SCHEMA_COL_TLS_STATUS].present = false;
	tap_eq_i64(profile_req_eval(hsts, m0, row), PROFILE_NOT_MEASURED,
	    "outside the explicit denominator: not_measured");
	set_str(row, SCHEMA_COL_DNSSEC_STATUS, "insecure");
	tap_eq_i64(profile_req_eval(dnssec, m1, row), PROFILE_FAIL,
	    "dnssec insecure fails");
	row[SCHEMA_COL_DNSSEC_STATUS].present = false;
	tap_eq_i64(profile_req_eval(dnssec, m1, row), PROFILE_NOT_MEASURED,
	    "default denominator: a null column is not_measured");

	has[SCHEMA_COL_HSTS_MAX_AGE] = false;
	tap_ok(!profile_req_measurable(hsts, has),
	    "a column the part lacks: not measurable");
	set_str(row, SCHEMA_COL_TLS_STATUS, "ok");
	set_bool(row, SCHEMA_COL_HSTS, false);
	tap_eq_i64(profile_req_eval(hsts, false, row), PROFILE_NOT_MEASURED,
	    "a column the part lacks: not_measured, never fail");

	/* Exceptions. */
	struct profile *ps[1] = { p };
	const char *ok =
	    "domain,requirement,justification,until\n"
	    "# comment\n"
	    "Example.NL.,hsts,\"migration, phase 2\",2026-06-30\n"
	    "example.nl,t:dnssec,registrar moves,2025-12-31\n";
	struct exc_list *x = exc_parse("x.csv", ok, strlen(ok), ps, 1, err,
	    sizeof(err));
	if (tap_ok(x != NULL, "exceptions load")) {
		tap_eq_i64((int64_t)x->n, 2, "two exceptions");
		const struct exc_entry *e = exc_find(x, "example.nl", p, hsts,
		    "2026-06-30");
		tap_ok(e != NULL && strcmp(e->justification,
		    "migration, phase 2") == 0,
		    "in force on its until date (normalised domain, quoted comma)");
		tap_ok(exc_find(x, "example.nl", p, hsts, "2026-07-01") == NULL,
		    "expired the day after");
		tap_ok(exc_find(x, "example.nl", p, dnssec, "2025-01-01") != NULL,
		    "PROFILE:ID form");
		tap_ok(exc_find(x, "other.nl", p, hsts, "2020-01-01") == NULL,
		    "other domain: none");
	} else {
		tap_diag("%s", err);
	}
	exc_free(x);

	static const struct {
		const char *text, *want, *name;
	} xbad[] = {
		{ "a.nl,hsts,why\n", "x.csv:1: 3 fields, expected 4",
		  "field count" },
		{ "a.nl,nope,why,2020-01-01\n",
		  "x.csv:1: requirement 'nope' is in no profile given",
		  "unknown requirement" },
		{ "a.nl,other:hsts,why,2020-01-01\n",
		  "x.csv:1: requirement 'other:hsts' is in no profile given",
		  "unknown profile" },
		{ "a.nl,hsts,,2020-01-01\n", "x.csv:1: empty justification",
		  "no justification" },
		{ "\n# c\na.nl,hsts,why,2020-13-01\n",
		  "x.csv:3: until '2020-13-01' is not a date", "bad date" },
		{ "a..nl,hsts,why,2020-01-01\n", "x.csv:1: 'a..nl' is not a domain name",
		  "bad domain" },
		{ "a.nl,hsts,\"why,2020-01-01\n", "x.csv:1: ", "bad quoting" },
		{ "a.nl,hsts,why,2020-01-01\nb.nl,hsts,w,2020-01-01\nA.nl,hsts,again,2021-01-01\n",
		  "x.csv:3: a.nl hsts already excepted on line 1", "duplicate" },
	};
	for (size_t i = 0; i < sizeof(xbad) / sizeof(xbad[0]); i++) {
		err[0] = '\0';
		x = exc_parse("x.csv", xbad[i].text, strlen(xbad[i].text), ps,
		    1, err, sizeof(err));
		if (!tap_ok(x == NULL && strncmp(err, xbad[i].want,
		    strlen(xbad[i].want)) == 0, "exceptions error: %s",
		    xbad[i].name))
			tap_diag("got '%s', want prefix '%s'", err, xbad[i].want);
		exc_free(x);
	}
	profile_free(p);
}

static void
test_dates(void)
{
	tap_ok(profile_date_valid("2024-02-29", 10), "leap day 2024");
	tap_ok(profile_date_valid("2000-02-29", 10), "leap day 2000");
	tap_ok(!profile_date_valid("1900-02-29", 10), "no leap day 1900");
	tap_ok(!profile_date_valid("2024-04-31", 10), "no 31 April");
	tap_ok(!profile_date_valid("2024-1-01", 9), "short form refused");
}

int
main(int argc, char **argv)
{
	test_errors();
	test_eval();
	test_dates();
	/* The shipped profiles load and cite every requirement. */
	for (int i = 1; i < argc; i++) {
		char err[800];
		struct profile *p = profile_load(argv[i], err, sizeof(err));
		if (!tap_ok(p != NULL, "shipped profile loads: %s", argv[i])) {
			tap_diag("%s", err);
			continue;
		}
		bool cited = p->nreqs > 0;
		for (size_t j = 0; j < p->nreqs; j++)
			cited &= p->reqs[j].source[0] && p->reqs[j].section[0] &&
			    profile_date_valid(p->reqs[j].date, 10);
		tap_ok(cited, "%s: %zu requirements, each cited and dated",
		    p->name, p->nreqs);
		profile_free(p);
	}
	return tap_done();
}
