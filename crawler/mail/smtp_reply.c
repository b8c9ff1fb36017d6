/*
 * smtp_reply.c - the bounded SMTP reply parser (smtp_reply.h).
 *
 * RFC 5321 4.2:
 *   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                Reply-code [ SP textstring ] CRLF
 *   Reply-code = %x32-35 %x30-35 %x30-39
 * (we accept a first digit of 1 too: 4.2.1 defines 1yz, unused in SMTP
 * but harmless to read).  EHLO lines (4.1.1.1): ehlo-keyword *( SP
 * ehlo-param ), the keyword case-insensitive.
 */
#include "config.h"

#include <string.h>

#include "smtp_reply.h"
#include "util.h"

/* A bound's value in a message, from the constant itself. */
#define STR_(x) #x
#define STR(x) STR_(x)

void
smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
}

const char *
smtp_reply_err_str(enum smtp_reply_err e)
{
	switch (e) {
	case SMTP_REPLY_OK:
		return "ok";
	case SMTP_REPLY_LINE_TOO_LONG:
		return "reply line over " STR(SMTP_MAX_LINE) " bytes";
	case SMTP_REPLY_TOO_MANY_LINES:
		return "reply over " STR(SMTP_MAX_LINES) " lines";
	case SMTP_REPLY_BAD_CODE:
		return "malformed reply code";
	case SMTP_REPLY_BAD_SEPARATOR:
		return "malformed reply line";
	case SMTP_REPLY_CODE_MISMATCH:
		return "reply lines with different codes";
	case SMTP_REPLY_NUL:
		return "NUL byte in a reply";
	}
	return "malformed reply";
}


/* The EHLO keyword of an extension line's text. */
static unsigned
ehlo_flag(const char *t, size_t n)
{
	size_t k = 0;

	while (k < n && t[k] != ' ')
		k++;
	if (ascii_ieq(t, k, "starttls"))
		return SMTP_EXT_STARTTLS;
	if (ascii_ieq(t, k, "pipelining"))
		return SMTP_EXT_PIPELINING;
	if (ascii_ieq(t, k, "8bitmime"))
		return SMTP_EXT_8BITMIME;
	return 0;
}

static enum smtp_parse
fail(struct smtp_reply *r, enum smtp_reply_err e)
{
	r->err = e;
	return SMTP_PARSE_ERROR;
}

/*
 * One complete line s[0..n) (its terminator removed).  Returns
 * SMTP_PARSE_DONE for the reply's last line, SMTP_PARSE_MORE for a
 * continuation line, or an error.
 */
static enum smtp_parse
one_line(struct smtp_reply *r, const char *s, size_t n, size_t off)
{
	int code;

	if (memchr(s, '\0', n) != NULL)
		return fail(r, SMTP_REPLY_NUL);
	if (n < 3 || s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '5' ||
	    s[2] < '0' || s[2] > '9')
		return fail(r, SMTP_REPLY_BAD_CODE);
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (n > 3 && s[3] != ' ' && s[3] != '-')
		return fail(r, SMTP_REPLY_BAD_SEPARATOR);
	if (++r->lines > SMTP_MAX_LINES)
		return fail(r, SMTP_REPLY_TOO_MANY_LINES);
	if (r->lines == 1) {
		r->code = code;
		r->text_off = off + (n > 4 ? 4 : n);
		r->text_len = n > 4 ? n - 4 : 0;
	} else if (code != r->code) {
		return fail(r, SMTP_REPLY_CODE_MISMATCH);
	} else if (n > 4) {
		r->flags |= ehlo_flag(s + 4, n - 4);
	}
	return n > 3 && s[3] == '-' ? SMTP_PARSE_MORE : SMTP_PARSE_DONE;
}

enum smtp_parse
smtp_reply_parse(const char *buf, size_t len, struct smtp_reply *r)
{
	if (r->err != SMTP_REPLY_OK)
		return SMTP_PARSE_ERROR;
	if (r->len != 0)
		return SMTP_PARSE_DONE;
	for (;;) {
		const char *lf;
		size_t start = r->line_start, end, n;
		enum smtp_parse pr;

		if (r->scan < start)
			r->scan = start;
		/* Look for the line's end only within the line bound. */
		end = len;
		if (end - start > SMTP_MAX_LINE)
			end = start + SMTP_MAX_LINE;
		lf = r->scan < end ? memchr(buf + r->scan, '\n',
		    end - r->scan) : NULL;
		if (lf == NULL) {
			r->scan = end;
			if (end - start >= SMTP_MAX_LINE)
				return fail(r, SMTP_REPLY_LINE_TOO_LONG);
			return SMTP_PARSE_MORE;
		}
		n = (size_t)(lf - (buf + start));	/* without the LF */
		r->line_start = start + n + 1;
		r->scan = r->line_start;
		if (n > 0 && buf[start + n - 1] == '\r')
			n--;
		pr = one_line(r, buf + start, n, start);
		if (pr == SMTP_PARSE_DONE)
			r->len = r->line_start;
		if (pr != SMTP_PARSE_MORE)
			return pr;
	}
}
