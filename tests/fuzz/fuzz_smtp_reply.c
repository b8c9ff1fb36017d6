/*
 * fuzz_smtp_reply.c - libFuzzer target for the SMTP reply parser
 * (crawler/mail/smtp_reply.c): the bytes parsed as a session's replies one
 * after another, each reply parsed once whole and once revealed in pieces
 * (split points taken from the data), in an exact-size copy so that ASan
 * sees any read past its end.  Aborts when the two parses disagree, when a
 * reply claims more bytes than there are, or a bound is passed.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size ? size : 1);
	size_t off = 0, step = size ? (size_t)data[0] % 7 + 1 : 1;

	memcpy(buf, data, size);
	while (off <= size) {
		struct smtp_reply whole, piece;
		enum smtp_parse pw, pp = SMTP_PARSE_MORE;
		size_t n = size - off, i;

		smtp_reply_init(&whole);
		pw = smtp_reply_parse(buf + off, n, &whole);
		smtp_reply_init(&piece);
		for (i = 0; i < n && pp == SMTP_PARSE_MORE; ) {
			i = i + step < n ? i + step : n;
			pp = smtp_reply_parse(buf + off, i, &piece);
		}
		if (n == 0)
			pp = smtp_reply_parse(buf + off, 0, &piece);
		if (pw != pp)
			abort();
		if (pw == SMTP_PARSE_ERROR && whole.err != piece.err)
			abort();
		if (pw != SMTP_PARSE_DONE)
			break;
		if (whole.len == 0 || whole.len > n || whole.len != piece.len ||
		    whole.code != piece.code || whole.flags != piece.flags ||
		    whole.lines == 0 || whole.lines > SMTP_MAX_LINES ||
		    whole.code < 100 || whole.code > 559 ||
		    whole.text_off + whole.text_len > whole.len)
			abort();
		off += whole.len;
	}
	free(buf);
	return 0;
}
