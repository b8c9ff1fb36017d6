/*
 * smtp_reply.h - a bounded parser of SMTP replies (RFC 5321 4.2): one
 * reply, single-line ("250 text") or multi-line ("250-text" ... "250
 * text"), out of the bytes the server sent, with the EHLO keywords the
 * mail probe needs (STARTTLS, RFC 3207).
 *
 * Pure: no I/O, no clock, no allocation.  The parse is resumable so that a
 * reply dripped a byte per read costs linear time: the caller keeps the
 * struct smtp_reply between calls over the same growing buffer and each
 * call looks only at the bytes it has not seen.
 */
#ifndef UPTAKE_CRAWLER_SMTP_REPLY_H
#define UPTAKE_CRAWLER_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

/* The longest reply line RFC 5321 4.5.3.1.5 allows a server, CRLF
 * included; cited, not enforced (SMTP_MAX_LINE is). */
#define SMTP_RFC_REPLY_LINE 512
/* The longest reply line we read, CRLF included: four times the RFC's,
 * since a few servers send longer greetings and EHLO lines, and still
 * small enough that an endless line costs one small buffer. */
#define SMTP_MAX_LINE 2048
/* Lines of one reply: an EHLO reply has a greeting and one line per
 * extension, a dozen or two in practice; a greeting or a command reply
 * has one to a few. */
#define SMTP_MAX_LINES 64

enum smtp_parse {
	SMTP_PARSE_MORE = 0,	/* the reply is not complete yet */
	SMTP_PARSE_DONE,	/* a complete reply: code, len, lines, flags */
	SMTP_PARSE_ERROR,	/* malformed or over a bound: r->err */
};

enum smtp_reply_err {
	SMTP_REPLY_OK = 0,
	SMTP_REPLY_LINE_TOO_LONG,	/* a line over SMTP_MAX_LINE */
	SMTP_REPLY_TOO_MANY_LINES,	/* over SMTP_MAX_LINES */
	SMTP_REPLY_BAD_CODE,		/* not three digits [1-5][0-5][0-9] */
	SMTP_REPLY_BAD_SEPARATOR,	/* not SP, '-' or the line's end */
	SMTP_REPLY_CODE_MISMATCH,	/* a line's code differs (4.2.1) */
	SMTP_REPLY_NUL,			/* a NUL byte in a line */
};

/* EHLO keywords found on the lines after the greeting line (flags). */
#define SMTP_EXT_STARTTLS 0x1u	/* RFC 3207 */
#define SMTP_EXT_PIPELINING 0x2u	/* RFC 2920 */
#define SMTP_EXT_8BITMIME 0x4u	/* RFC 6152 */

/*
 * One reply.  Zero it (smtp_reply_init) before the first call for a reply;
 * the parse fields are private.  After SMTP_PARSE_DONE: code, lines, len
 * (bytes of the reply, the last line's end included: what to consume),
 * flags, and text/text_len (the first line's text after "ddd ", pointing
 * into the caller's buffer).
 */
struct smtp_reply {
	int code;
	unsigned lines;
	size_t len;
	unsigned flags;
	size_t text_off, text_len;	/* the first line's text in buf */
	enum smtp_reply_err err;
	/* parse state */
	size_t line_start;		/* offset of the current line */
	size_t scan;			/* searched for its end up to here */
};

void smtp_reply_init(struct smtp_reply *r);

/*
 * Parse one reply from buf[0..len) (the same buffer, grown, on each call
 * for one reply).  A line ends at LF, with or without a CR before it (RFC
 * 5321 asks for CRLF; a bare LF is accepted, as most clients do).  Bytes
 * after the reply's last line are not looked at.
 */
enum smtp_parse smtp_reply_parse(const char *buf, size_t len,
	struct smtp_reply *r);

/* A short name of an error kind ("reply line over 2048 bytes"); static. */
const char *smtp_reply_err_str(enum smtp_reply_err e);

#endif
