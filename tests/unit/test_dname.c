/*
 * test_dname.c - domain name normalisation and checks: case, dots and
 * whitespace, LDH rules and lengths, IDNs as U-labels and A-labels,
 * label-boundary suffix matching.
 */
#include <stdio.h>
#include <string.h>

#include "dname.h"
#include "tap.h"

struct ncase {
	const char *in;
	enum dname_error want;
	const char *out;	/* normal form when want is DNAME_OK */
};

static const struct ncase cases[] = {
	{ "example.com", DNAME_OK, "example.com" },
	{ "Example.COM", DNAME_OK, "example.com" },
	{ "example.com.", DNAME_OK, "example.com" },
	{ "  example.com \t\r\n", DNAME_OK, "example.com" },
	{ "www.example.co.uk", DNAME_OK, "www.example.co.uk" },
	{ "a-b.example", DNAME_OK, "a-b.example" },
	{ "ab--cd.example", DNAME_OK, "ab--cd.example" },
	{ "123.example", DNAME_OK, "123.example" },
	{ "xn--bcher-kva.de", DNAME_OK, "xn--bcher-kva.de" },
	{ "XN--BCHER-KVA.DE", DNAME_OK, "xn--bcher-kva.de" },
	{ "Bücher.de", DNAME_OK, "xn--bcher-kva.de" },
	{ "BÜCHER.DE.", DNAME_OK, "xn--bcher-kva.de" },
	{ "faß.de", DNAME_OK, "xn--fa-hia.de" },
	{ "пример.рф", DNAME_OK, "xn--e1afmkfd.xn--p1ai" },
	{ "xn--e1afmkfd.xn--p1ai", DNAME_OK, "xn--e1afmkfd.xn--p1ai" },
	{ "例え.テスト", DNAME_OK, "xn--r8jz45g.xn--zckzah" },
	{ "", DNAME_EMPTY, NULL },
	{ "   ", DNAME_EMPTY, NULL },
	{ ".", DNAME_EMPTY, NULL },
	{ "com", DNAME_SINGLE_LABEL, NULL },
	{ "localhost.", DNAME_SINGLE_LABEL, NULL },
	{ "a..b", DNAME_EMPTY_LABEL, NULL },
	{ ".example.com", DNAME_EMPTY_LABEL, NULL },
	{ "example.com..", DNAME_EMPTY_LABEL, NULL },
	{ "-a.example", DNAME_BAD_HYPHEN, NULL },
	{ "a-.example", DNAME_BAD_HYPHEN, NULL },
	{ "example.-com", DNAME_BAD_HYPHEN, NULL },
	{ "under_score.example", DNAME_BAD_CHAR, NULL },
	{ "*.example.com", DNAME_BAD_CHAR, NULL },
	{ "exa mple.com", DNAME_BAD_CHAR, NULL },
	{ "https://example.com/", DNAME_BAD_CHAR, NULL },
	{ "example.com,1", DNAME_BAD_CHAR, NULL },
	{ "a\tb.com", DNAME_BAD_CHAR, NULL },
	{ "192.0.2.1", DNAME_NUMERIC_TLD, NULL },
	{ "example.123", DNAME_NUMERIC_TLD, NULL },
	{ "xn--zz-.com", DNAME_BAD_HYPHEN, NULL },
	{ "xn--.com", DNAME_BAD_HYPHEN, NULL },
	{ "xn--abc.com", DNAME_BAD_IDN, NULL },
	{ "xn--a.com", DNAME_BAD_IDN, NULL },
	{ "xn--ls8h.la", DNAME_BAD_IDN, NULL },	/* an emoji: not IDNA2008 */
	{ "\xf0\x9f\x92\xa9.la", DNAME_BAD_IDN, NULL },
	{ "\xff\xfe.com", DNAME_BAD_IDN, NULL },	/* not UTF-8 */
	{ "caf\xc3.com", DNAME_BAD_IDN, NULL },	/* truncated UTF-8 */
};

/* s with its control bytes and backslashes as C escapes: a TAP test name
 * must stay on one line (an input with CR LF split it). */
static const char *
escaped(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (; *s != '\0' && n + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", ch);
		else
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return buf;
}

static void
test_cases(void)
{
	char out[DNAME_BUF_SIZE], name[4 * DNAME_BUF_SIZE];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ncase *c = &cases[i];
		enum dname_error e = dname_normalize(c->in, strlen(c->in), out,
		    sizeof(out));

		if (!tap_ok(e == c->want, "\"%s\" -> %s",
		    escaped(c->in, name, sizeof(name)),
		    dname_error_str(c->want)))
			tap_diag("  got %s", dname_error_str(e));
		if (c->want == DNAME_OK)
			tap_eq_str(out, c->out, "  normal form");
		else
			tap_ok(out[0] == '\0', "  output empty on error");
	}
}

static void
test_lengths(void)
{
	char in[600], out[DNAME_BUF_SIZE], label[70];
	size_t n;

	/* 63-character label: fine; 64: too long. */
	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(in, sizeof(in), "%s.example", label);
	tap_ok(dname_normalize(in, strlen(in), out, sizeof(out)) == DNAME_OK,
	    "label of 63");
	snprintf(in, sizeof(in), "%sa.example", label);
	tap_ok(dname_normalize(in, strlen(in), out, sizeof(out)) ==
	    DNAME_LABEL_TOO_LONG, "label of 64");

	/* 63+1+63+1+63+1+61 = 253 characters: fine; one more: too long. */
	n = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(in + n, label, 63);
		in[n + 63] = '.';
		n += 64;
	}
	memset(in + n, 'b', 61);
	n += 61;
	in[n] = '\0';
	tap_eq_i64((int64_t)strlen(in), 253, "built a 253-character name");
	tap_ok(dname_normalize(in, n, out, sizeof(out)) == DNAME_OK &&
	    strlen(out) == 253, "name of 253");
	in[n] = '.';
	tap_ok(dname_normalize(in, n + 1, out, sizeof(out)) == DNAME_OK,
	    "name of 253 plus the root dot");
	in[n] = 'b';
	tap_ok(dname_normalize(in, n + 1, out, sizeof(out)) == DNAME_TOO_LONG,
	    "name of 254");

	/* Input length bound. */
	{
		static char big[DNAME_MAX_INPUT + 10];

		memset(big, 'a', sizeof(big));
		big[5] = '.';
		tap_ok(dname_normalize(big, sizeof(big), out, sizeof(out)) ==
		    DNAME_TOO_LONG, "input above DNAME_MAX_INPUT");
	}
	/* Output buffer too small is refused, not overrun. */
	tap_ok(dname_normalize("example.com", 11, out, 10) == DNAME_TOO_LONG,
	    "short output buffer refused");
	/* Embedded NUL. */
	tap_ok(dname_normalize("exa\0mple.com", 12, out, sizeof(out)) ==
	    DNAME_BAD_CHAR, "NUL byte");
}

static void
test_helpers(void)
{
	tap_ok(dname_is_valid("example.com"), "is_valid normal form");
	tap_ok(!dname_is_valid("Example.com"), "is_valid: not normal form");
	tap_ok(!dname_is_valid("example.com."), "is_valid: trailing dot");
	tap_ok(dname_is_under("a.example.com", "example.com"), "under: child");
	tap_ok(dname_is_under("example.com", "example.com"), "under: itself");
	tap_ok(!dname_is_under("badexample.com", "example.com"),
	    "under: not on a label boundary");
	tap_ok(!dname_is_under("com", "example.com"), "under: parent");
	tap_ok(!dname_is_under("example.com", ""), "under: empty parent");
	tap_eq_i64(dname_label_count("a.b.c"), 3, "label count");
	tap_eq_i64(dname_label_count(""), 0, "label count empty");
	tap_eq_str(dname_error_str(DNAME_BAD_IDN), "bad_idn", "error string");
	tap_eq_str(dname_error_str((enum dname_error)99), "unknown",
	    "error string out of range");
}

/* Normal forms are fixed points. */
static void
test_idempotent(void)
{
	char out[DNAME_BUF_SIZE], again[DNAME_BUF_SIZE];
	bool ok = true;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].want != DNAME_OK)
			continue;
		if (dname_normalize(cases[i].in, strlen(cases[i].in), out,
		    sizeof(out)) != DNAME_OK ||
		    dname_normalize(out, strlen(out), again, sizeof(again)) !=
		    DNAME_OK || strcmp(out, again) != 0)
			ok = false;
	}
	tap_ok(ok, "normalising a normal form changes nothing");
}

int
main(void)
{
	test_cases();
	test_lengths();
	test_helpers();
	test_idempotent();
	return tap_done();
}
