/*
 * test_stspolicy.c - the MTA-STS policy parser and MX match
 * (crawler/mail/stspolicy.c, RFC 8461 3.2 and 4.1): every rule, LF and
 * CRLF, malformed policies, the line and mx bounds at and past their edge.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stspolicy.h"
#include "tap.h"
#include "util.h"

static void
parse_ok(const char *body, enum sts_mode mode, uint32_t max_age, size_t nmx,
	const char *name)
{
	struct sts_policy p;
	bool ok = stspolicy_parse(body, strlen(body), &p);

	tap_ok(ok, "%s: valid (%s)", name, ok ? "" : sts_error_str(p.err));
	tap_eq_str(sts_mode_str(p.mode), sts_mode_str(mode), name);
	tap_eq_i64(p.max_age, max_age, name);
	tap_eq_i64((int64_t)p.nmx, (int64_t)nmx, name);
}

static void
parse_bad(const char *body, size_t len, enum sts_error e, size_t line,
	const char *name)
{
	struct sts_policy p;

	tap_ok(!stspolicy_parse(body, len, &p), "%s: invalid", name);
	tap_eq_str(sts_error_str(p.err), sts_error_str(e), name);
	tap_eq_i64((int64_t)p.err_line, (int64_t)line, name);
}

static void
bad(const char *body, enum sts_error e, size_t line, const char *name)
{
	parse_bad(body, strlen(body), e, line, name);
}

static bool
match(const char *pat, const char *host)
{
	return stspolicy_mx_match(pat, strlen(pat), host, strlen(host));
}

int
main(void)
{
	struct sts_policy p;
	char *big;
	size_t i, n;

	/* Valid policies. */
	parse_ok("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
	    "mx: *.example.net\r\nmax_age: 86400\r\n", STS_MODE_ENFORCE,
	    86400, 2, "CRLF, the RFC's example");
	parse_ok("version: STSv1\nmode: testing\nmx: mx.example.com\n"
	    "max_age: 604800\n", STS_MODE_TESTING, 604800, 1, "LF");
	parse_ok("version: STSv1\nmode: testing\nmx: mx.example.com\n"
	    "max_age: 604800", STS_MODE_TESTING, 604800, 1,
	    "no terminator on the last line");
	parse_ok("version: STSv1\nmode: none\nmax_age: 0\n", STS_MODE_NONE, 0,
	    0, "mode none needs no mx");
	parse_ok("max_age: 31557600\r\nmx: a.example\r\nmode: enforce\r\n"
	    "version: STSv1\r\n", STS_MODE_ENFORCE, 31557600, 1,
	    "any order, max_age at its maximum");
	parse_ok("version:STSv1\nmode:\t enforce \t\nmx: a.example\n"
	    "max_age: 1\n", STS_MODE_ENFORCE, 1, 1,
	    "WSP after the colon and at the end");
	parse_ok("version: STSv1\nmode: enforce\nmx: a.example\n"
	    "max_age: 1\nfoo.bar-1_x: any value, even: colons\n",
	    STS_MODE_ENFORCE, 1, 1, "an extension field is ignored");
	parse_ok("version: STSv1\n\nmode: enforce\r\n\r\nmx: a.example\n"
	    "max_age: 1\n\n", STS_MODE_ENFORCE, 1, 1,
	    "empty lines skipped, LF and CRLF mixed");
	parse_ok("version: STSv1\nmode: enforce\nmx: A.Example\n"
	    "max_age: 0000000001\n", STS_MODE_ENFORCE, 1, 1,
	    "max_age of 10 digits");

	/* Invalid ones: every rule. */
	bad("", STS_ERR_EMPTY, 0, "empty body");
	bad("\n\r\n", STS_ERR_EMPTY, 0, "only empty lines");
	bad("mode: enforce\nmx: a.example\nmax_age: 1\n", STS_ERR_VERSION, 0,
	    "no version");
	bad("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_VERSION, 1, "version STSv2");
	bad("version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_VERSION, 1, "the version value is case-sensitive");
	bad("Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_VERSION, 0, "field names are case-sensitive");
	bad("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_MODE, 2, "mode strict (the testbed's invalid policy)");
	bad("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_MODE, 2, "mode value case-sensitive");
	bad("version: STSv1\nmx: a.example\nmax_age: 1\n", STS_ERR_MODE, 0,
	    "no mode");
	bad("version: STSv1\nmode: enforce\nmx: a.example\n", STS_ERR_MAX_AGE,
	    0, "no max_age");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
	    STS_ERR_MAX_AGE, 4, "max_age over 31557600");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 00000000001\n",
	    STS_ERR_MAX_AGE, 4, "max_age of 11 digits");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
	    STS_ERR_MAX_AGE, 4, "negative max_age");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1 d\n",
	    STS_ERR_MAX_AGE, 4, "max_age with a unit");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age:\n",
	    STS_ERR_MAX_AGE, 4, "empty max_age");
	bad("version: STSv1\nmode: enforce\nmax_age: 1\n", STS_ERR_NO_MX, 0,
	    "enforce without mx");
	bad("version: STSv1\nmode: testing\nmax_age: 1\n", STS_ERR_NO_MX, 0,
	    "testing without mx");
	bad("version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n",
	    STS_ERR_MX, 3, "two wildcards");
	bad("version: STSv1\nmode: enforce\nmx: mx*.example\nmax_age: 1\n",
	    STS_ERR_MX, 3, "a partial wildcard");
	bad("version: STSv1\nmode: enforce\nmx: *example.com\nmax_age: 1\n",
	    STS_ERR_MX, 3, "* without a dot");
	bad("version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n",
	    STS_ERR_MX, 3, "an empty label");
	bad("version: STSv1\nmode: enforce\nmx: a.example.\nmax_age: 1\n",
	    STS_ERR_MX, 3, "a final dot");
	bad("version: STSv1\nmode: enforce\nmx: -a.example\nmax_age: 1\n",
	    STS_ERR_MX, 3, "a label starting with -");
	bad("version: STSv1\nmode: enforce\nmx: a_b.example\nmax_age: 1\n",
	    STS_ERR_MX, 3, "an underscore");
	bad("version: STSv1\nmode: enforce\nmx:\nmax_age: 1\n",
	    STS_ERR_MX, 3, "an empty mx");
	bad("version: STSv1\nmode: enforce\nmx: a.example b.example\n"
	    "max_age: 1\n", STS_ERR_MX, 3, "two names on one mx line");
	bad("version: STSv1\nversion: STSv1\nmode: enforce\nmx: a.example\n"
	    "max_age: 1\n", STS_ERR_DUPLICATE, 2, "version twice");
	bad("version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\n"
	    "max_age: 1\n", STS_ERR_DUPLICATE, 3, "mode twice");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"
	    "max_age: 2\n", STS_ERR_DUPLICATE, 5, "max_age twice");
	bad("version: STSv1\nmode enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_LINE, 2, "a line without a colon");
	bad("version: STSv1\n: enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_LINE, 2, "an empty field name");
	bad("version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_LINE, 1, "a space before the colon");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"
	    "_x: y\n", STS_ERR_LINE, 5, "an extension name starting with _");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"
	    "x:\n", STS_ERR_LINE, 5, "an extension without a value");
	bad("version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 1\n",
	    STS_ERR_CHAR, 1, "a bare CR");
	bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"
	    "x: a\x01" "b\n", STS_ERR_CHAR, 5, "a control character");
	bad("<html><body>Not here</body></html>\n", STS_ERR_LINE, 1,
	    "an HTML page served with 200");
	parse_bad("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"
	    "x: a\0b\n", 61, STS_ERR_CHAR, 5, "a NUL byte");

	/* The line bound: STS_MAX_LINE bytes (terminator excluded) pass,
	 * one more does not, with LF and with CRLF. */
	big = xmalloc(STS_MAX_LINE + 256);
	for (int crlf = 0; crlf < 2; crlf++) {
		for (int over = 0; over < 2; over++) {
			char name[80];

			n = (size_t)sprintf(big, "version: STSv1\nmode: none\n"
			    "max_age: 1\n");
			{
				size_t ls = n;

				n += (size_t)sprintf(big + n, "x: ");
				while (n - ls < (size_t)STS_MAX_LINE + (size_t)over)
					big[n++] = 'a';
			}
			if (crlf)
				big[n++] = '\r';
			big[n++] = '\n';
			snprintf(name, sizeof(name), "a line of %d bytes, %s",
			    STS_MAX_LINE + over, crlf ? "CRLF" : "LF");
			if (!over)
				tap_ok(stspolicy_parse(big, n, &p), "%s: valid",
				    name);
			else
				parse_bad(big, n, STS_ERR_LONG_LINE, 4, name);
		}
	}
	/* An endless line (64 KiB without a line end). */
	big = xrealloc(big, STS_MAX_BODY);
	memset(big, 'a', STS_MAX_BODY);
	memcpy(big, "x: ", 3);
	parse_bad(big, STS_MAX_BODY, STS_ERR_LONG_LINE, 1,
	    "a 64 KiB line without a line end");
	free(big);

	/* The mx bound. */
	big = xmalloc((STS_MAX_MX + 2) * 32 + 128);
	for (int over = 0; over < 2; over++) {
		n = (size_t)sprintf(big, "version: STSv1\nmode: enforce\n"
		    "max_age: 1\n");
		for (i = 0; i < (size_t)STS_MAX_MX + (size_t)over; i++)
			n += (size_t)sprintf(big + n, "mx: mx%zu.example\n", i);
		if (!over)
			tap_ok(stspolicy_parse(big, n, &p) && p.nmx == STS_MAX_MX,
			    "%d mx lines: valid", STS_MAX_MX);
		else
			parse_bad(big, n, STS_ERR_TOO_MANY_MX, STS_MAX_MX + 4,
			    "one mx line over STS_MAX_MX");
	}
	free(big);

	/* RFC 8461 4.1: the match. */
	tap_ok(match("mx1.example.com", "mx1.example.com"), "match: exact");
	tap_ok(match("MX1.Example.COM", "mx1.example.com."), "match: case, "
	    "final dot of the host");
	tap_ok(!match("mx1.example.com", "mx2.example.com"), "match: other host");
	tap_ok(match("*.example.com", "mx1.example.com"),
	    "match: wildcard, one label");
	tap_ok(!match("*.example.com", "a.mx1.example.com"),
	    "match: wildcard is exactly one label");
	tap_ok(!match("*.example.com", "example.com"),
	    "match: wildcard needs a label");
	tap_ok(!match("*.net", "mx1.mailprov.net"),
	    "match: *.net does not match mx1.mailprov.net");
	tap_ok(match("*.mailprov.net", "mx2.mailprov.net"),
	    "match: *.mailprov.net matches mx2.mailprov.net");
	tap_ok(!match("*.other-provider.net", "mx2.mailprov.net"),
	    "match: another provider's wildcard");
	tap_ok(!match("*.example.com", "mx1xexample.com"),
	    "match: the suffix starts at a dot");
	tap_ok(!match("example.com", "mx.example.com"),
	    "match: no implicit wildcard");
	tap_ok(!match("", "mx.example.com"), "match: empty pattern");

	{
		const char *body = "version: STSv1\nmode: enforce\n"
		    "mx: mx1.mailprov.net\nmx: *.backup.example\nmax_age: 1\n";
		const char *h2[2] = { "mx1.mailprov.net", "b.backup.example" };
		const char *h3[3] = { "mx1.mailprov.net", "b.backup.example",
			"mx2.mailprov.net" };

		tap_ok(stspolicy_parse(body, strlen(body), &p), "all: parsed");
		tap_ok(stspolicy_all_match(&p, body, h2, 2), "all: every host "
		    "matches a pattern");
		tap_ok(!stspolicy_all_match(&p, body, h3, 3),
		    "all: one host of three matches none");
		tap_ok(!stspolicy_all_match(&p, body, h2, 0), "all: no host");
	}

	/* The column of a fetch. */
	tap_eq_str(stspolicy_column(false, NULL, 0, &p), "unavailable",
	    "column: not fetched");
	{
		const char *none = "version: STSv1\nmode: none\nmax_age: 5\n";
		const char *strict = "version: STSv1\nmode: strict\n"
		    "max_age: 5\n";

		tap_eq_str(stspolicy_column(true, none, strlen(none), &p),
		    "none", "column: mode none");
		tap_eq_str(stspolicy_column(true, strict, strlen(strict), &p),
		    "invalid", "column: invalid");
	}
	return tap_done();
}
