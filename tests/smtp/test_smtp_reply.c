/*
 * test_smtp_reply.c - the SMTP reply parser (crawler/mail/smtp_reply.c):
 * single and multi-line replies, EHLO keywords, every error kind, the
 * line and line-count bounds at and past their edge, and the resumable
 * parse fed a byte at a time giving the same answer as the whole buffer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"
#include "tap.h"

static enum smtp_parse
parse_all(const char *s, size_t len, struct smtp_reply *r)
{
	smtp_reply_init(r);
	return smtp_reply_parse(s, len, r);
}

/* The same buffer revealed one byte more per call. */
static enum smtp_parse
parse_drip(const char *s, size_t len, struct smtp_reply *r)
{
	enum smtp_parse pr = SMTP_PARSE_MORE;
	size_t i;

	smtp_reply_init(r);
	for (i = 1; i <= len && pr == SMTP_PARSE_MORE; i++)
		pr = smtp_reply_parse(s, i, r);
	return pr;
}

static void
good(const char *name, const char *s, int code, unsigned lines, size_t len,
	unsigned flags, const char *text)
{
	struct smtp_reply r, d;
	enum smtp_parse pr = parse_all(s, strlen(s), &r);
	enum smtp_parse pd = parse_drip(s, strlen(s), &d);
	char t[256];

	tap_eq_i64(pr, SMTP_PARSE_DONE, name);
	tap_ok(pr == SMTP_PARSE_DONE && r.code == code && r.lines == lines &&
	    r.len == len && r.flags == flags,
	    "%s: code %d lines %u len %zu flags %u (got %d %u %zu %u)", name,
	    code, lines, len, flags, r.code, r.lines, r.len, r.flags);
	snprintf(t, sizeof(t), "%.*s", (int)r.text_len, s + r.text_off);
	tap_eq_str(t, text, name);
	tap_ok(pd == pr && d.code == r.code && d.lines == r.lines &&
	    d.len == r.len && d.flags == r.flags,
	    "%s: fed a byte at a time, the same reply", name);
}

static void
bad(const char *name, const char *s, size_t len, enum smtp_reply_err want)
{
	struct smtp_reply r, d;
	enum smtp_parse pr = parse_all(s, len, &r);
	enum smtp_parse pd = parse_drip(s, len, &d);

	tap_ok(pr == SMTP_PARSE_ERROR && r.err == want,
	    "%s: error %s (got %d, %s)", name, smtp_reply_err_str(want), pr,
	    smtp_reply_err_str(r.err));
	tap_ok(pd == SMTP_PARSE_ERROR && d.err == want,
	    "%s: fed a byte at a time, the same error", name);
}

static void
more(const char *name, const char *s)
{
	struct smtp_reply r;

	tap_eq_i64(parse_all(s, strlen(s), &r), SMTP_PARSE_MORE, name);
}

/* A line "250-" + fill to total bytes (LF included when lf). */
static char *
long_line(size_t total, bool lf, const char *after)
{
	char *b = malloc(total + strlen(after) + 1);

	memset(b, 'a', total);
	memcpy(b, "250 ", 4);
	if (lf)
		b[total - 1] = '\n';
	strcpy(b + total, after);
	return b;
}

static void
bounds(void)
{
	struct smtp_reply r;
	char *b, *p;
	size_t i, len;

	/* A line of exactly SMTP_MAX_LINE bytes, LF included: read. */
	b = long_line(SMTP_MAX_LINE, true, "");
	tap_eq_i64(parse_all(b, SMTP_MAX_LINE, &r), SMTP_PARSE_DONE,
	    "a line of SMTP_MAX_LINE bytes is read");
	tap_eq_i64((int64_t)r.len, SMTP_MAX_LINE, "and consumed whole");
	free(b);
	/* One byte more: refused, found without waiting for the LF. */
	b = long_line(SMTP_MAX_LINE + 1, true, "");
	bad("a line of SMTP_MAX_LINE + 1 bytes", b, SMTP_MAX_LINE + 1,
	    SMTP_REPLY_LINE_TOO_LONG);
	tap_eq_i64(parse_all(b, SMTP_MAX_LINE, &r), SMTP_PARSE_ERROR,
	    "an endless line fails once SMTP_MAX_LINE bytes came");
	tap_eq_i64(parse_all(b, SMTP_MAX_LINE - 1, &r), SMTP_PARSE_MORE,
	    "and waits before that");
	free(b);
	/* SMTP_MAX_LINES lines: read; one more: refused. */
	len = (SMTP_MAX_LINES + 1) * 10 + 1;
	b = calloc(1, len);
	for (p = b, i = 0; i < SMTP_MAX_LINES; i++)
		p += sprintf(p, "250%cline\r\n",
		    i + 1 == SMTP_MAX_LINES ? ' ' : '-');
	good("SMTP_MAX_LINES lines", b, 250, SMTP_MAX_LINES, strlen(b), 0,
	    "line");
	for (p = b, i = 0; i <= SMTP_MAX_LINES; i++)
		p += sprintf(p, "250%cline\r\n",
		    i == SMTP_MAX_LINES ? ' ' : '-');
	bad("SMTP_MAX_LINES + 1 lines", b, strlen(b),
	    SMTP_REPLY_TOO_MANY_LINES);
	free(b);
}

int
main(void)
{
	struct smtp_reply r;

	good("banner", "220 mx.example.se ESMTP Postfix\r\n", 220, 1, 33, 0,
	    "mx.example.se ESMTP Postfix");
	good("code alone", "250\r\n", 250, 1, 5, 0, "");
	good("bare LF", "220 hi\n", 220, 1, 7, 0, "hi");
	good("EHLO with STARTTLS",
	    "250-mx.example.se\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	    "250-STARTTLS\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n", 250, 6, 96,
	    SMTP_EXT_STARTTLS | SMTP_EXT_PIPELINING | SMTP_EXT_8BITMIME,
	    "mx.example.se");
	good("EHLO keyword in lower case", "250-mx\r\n250 starttls\r\n", 250,
	    2, 22, SMTP_EXT_STARTTLS, "mx");
	good("EHLO without STARTTLS", "250-mx\r\n250-STARTTLSX\r\n"
	    "250 XSTARTTLS\r\n", 250, 3, 38, 0, "mx");
	good("STARTTLS on the greeting line is no keyword",
	    "250 STARTTLS\r\n", 250, 1, 14, 0, "STARTTLS");
	good("STARTTLS with a parameter", "250-mx\r\n250 STARTTLS x\r\n",
	    250, 2, 24, SMTP_EXT_STARTTLS, "mx");
	good("421 at connect", "421 4.3.2 go away\r\n", 421, 1, 19, 0,
	    "4.3.2 go away");
	good("bytes after the reply are left", "220 a\r\n250 b\r\n", 220, 1,
	    7, 0, "a");
	good("454 to STARTTLS", "454 4.7.0 TLS not available\r\n", 454, 1,
	    29, 0, "4.7.0 TLS not available");

	more("empty", "");
	more("half a line", "220 mx.exa");
	more("a continuation line only", "250-mx\r\n");
	more("CR without LF", "220 hi\r");

	bad("letters for a code", "2x0 hi\r\n", 8, SMTP_REPLY_BAD_CODE);
	bad("code 600", "600 hi\r\n", 8, SMTP_REPLY_BAD_CODE);
	bad("code 260", "260 hi\r\n", 8, SMTP_REPLY_BAD_CODE);
	bad("two digits", "25\r\n", 4, SMTP_REPLY_BAD_CODE);
	bad("empty line", "\r\n", 2, SMTP_REPLY_BAD_CODE);
	bad("bad separator", "250xhi\r\n", 8, SMTP_REPLY_BAD_SEPARATOR);
	bad("codes differ", "250-a\r\n251 b\r\n", 14,
	    SMTP_REPLY_CODE_MISMATCH);
	bad("NUL byte", "220 a\0b\r\n", 9, SMTP_REPLY_NUL);
	bad("TLS bytes for a reply", "\x16\x03\x01\x02\x05hello\n", 11,
	    SMTP_REPLY_BAD_CODE);
	bounds();

	/* A parse that failed stays failed; a done one stays done. */
	smtp_reply_init(&r);
	smtp_reply_parse("2x0\r\n220 ok\r\n", 13, &r);
	tap_eq_i64(smtp_reply_parse("2x0\r\n220 ok\r\n", 13, &r),
	    SMTP_PARSE_ERROR, "an error is sticky");
	smtp_reply_init(&r);
	smtp_reply_parse("220 ok\r\n", 8, &r);
	tap_eq_i64(smtp_reply_parse("220 ok\r\n250 x\r\n", 15, &r),
	    SMTP_PARSE_DONE, "a done reply stays done");
	tap_eq_i64((int64_t)r.len, 8, "with its length");
	tap_ok(strcmp(smtp_reply_err_str(SMTP_REPLY_LINE_TOO_LONG),
	    "reply line over 2048 bytes") == 0, "error text names the bound");
	return tap_done();
}
