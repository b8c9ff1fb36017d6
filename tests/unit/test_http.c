/*
 * test_http.c - the bounded HTTP/1.1 response parser (crawler/web/http.c),
 * and its resumable head search and chunked decoder fed one byte at a time
 * (issue 14 point 9): the same results, and no byte looked at twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

static enum http_parse
parse(const char *s, struct http_response *r)
{
	return http_response_parse(s, strlen(s), r);
}

/* A head of about 60000 bytes dripped one byte per call: the search never
 * goes back (pos stays within two bytes of the end, the LF CR LF it may
 * still have to judge) and finds what the one-shot search finds. */
static void
test_head_drip(void)
{
	size_t cap = 60000, n = 0, got, pos = 0, hl = 0, behind = 0;
	char *h = malloc(cap + 64);

	n += (size_t)sprintf(h, "HTTP/1.1 200 OK\r\n");
	while (n + 40 < cap)
		n += (size_t)sprintf(h + n, "X-Drip-%06zu: %021zu\r\n", n, n);
	n += (size_t)sprintf(h + n, "\r\nbody");
	for (got = 1; got <= n && hl == 0; got++) {
		hl = http_head_scan(h, got, &pos);
		if (hl == 0 && got - pos > behind)
			behind = got - pos;
	}
	tap_eq_i64((int64_t)hl, (int64_t)http_head_len(h, n),
	    "dripped head: the end found where the one-shot search finds it");
	tap_eq_i64((int64_t)hl, (int64_t)(n - 4), "dripped head: its length");
	tap_ok(behind <= 2, "dripped head: the search resumes where it "
	    "stopped (at most %zu bytes looked at again)", behind);
	/* bare LF heads, split between the LFs */
	pos = 0;
	tap_eq_i64((int64_t)http_head_scan("HTTP/1.1 200 OK\nA: b\n", 21, &pos),
	    0, "LF head: not yet");
	tap_eq_i64((int64_t)http_head_scan("HTTP/1.1 200 OK\nA: b\n\n", 22,
	    &pos), 22, "LF head: found on the next byte");
	pos = 0;
	tap_eq_i64((int64_t)http_head_scan("HTTP/1.1 200 OK\r\n\r", 18, &pos),
	    0, "CRLF CR: not yet");
	tap_eq_i64((int64_t)http_head_scan("HTTP/1.1 200 OK\r\n\r\n", 19,
	    &pos), 19, "CRLF CRLF: found");
	free(h);
}

/* A chunked body of small chunks with a long chunk-ext and a trailer,
 * dripped one byte per call and decoded in place: the one-shot result, and
 * the line search never goes back. */
static void
test_chunked_drip(void)
{
	size_t cap = 40000, n = 0, i, want = 0, got, behind = 0;
	char *in = malloc(cap), *copy = malloc(cap), *plain = malloc(cap);
	char *out = malloc(cap);
	struct http_chunked st;
	size_t olen = 0;
	int rc = 0, rc1;

	n += (size_t)sprintf(in + n, "5;%01000d\r\nhello\r\n", 0);
	for (i = 0; i < 1000; i++) {
		n += (size_t)sprintf(in + n, "a\r\n%010zu\r\n", i);
		want += 10;
	}
	n += (size_t)sprintf(in + n, "0\r\nX-Trailer: %0500d\r\n\r\n", 0);
	want += 5;
	rc1 = http_chunked_decode(in, n, out, cap, &olen);
	tap_eq_i64(rc1, 1, "chunked: one-shot complete");
	tap_eq_i64((int64_t)olen, (int64_t)want, "chunked: one-shot length");
	memset(&st, 0, sizeof(st));
	for (got = 1; got <= n; got++) {
		copy[got - 1] = in[got - 1];
		rc = http_chunked_feed(&st, copy, got, copy, cap);
		if (rc != 0)
			break;
		if (st.scan > st.pos && got - st.scan > behind)
			behind = got - st.scan;
	}
	tap_eq_i64(rc, 1, "chunked dripped: complete");
	tap_eq_i64((int64_t)got, (int64_t)n, "chunked dripped: complete at "
	    "its last byte");
	tap_ok(st.n == olen && memcmp(copy, out, olen) == 0,
	    "chunked dripped, in place: the one-shot bytes");
	tap_eq_i64((int64_t)behind, 0, "chunked dripped: a line's end is "
	    "searched from where the last search stopped");
	/* the state is final */
	tap_eq_i64(http_chunked_feed(&st, copy, n, copy, cap), 1,
	    "chunked: done stays done");
	memset(&st, 0, sizeof(st));
	tap_eq_i64(http_chunked_feed(&st, "zz\r\n", 4, plain, cap), -1,
	    "chunked: bad size");
	tap_eq_i64(http_chunked_feed(&st, "zz\r\n", 4, plain, cap), -1,
	    "chunked: bad stays bad");
	free(in);
	free(copy);
	free(plain);
	free(out);
}

int
main(void)
{
	struct http_response r;
	char buf[256], *big;
	const char *v;
	size_t vlen, n;
	uint64_t cl;
	char out[64];

	tap_eq_i64(parse("HTTP/1.1 200 OK\r\nA: b\r\n", &r), HTTP_PARSE_MORE,
	    "no blank line yet: more");
	tap_eq_i64(parse("HTTP/1.1 301 Moved\r\nLocation:  https://x/ \r\n"
	    "Set-Cookie: a\r\nset-cookie: b\r\n\r\nbody", &r), HTTP_PARSE_OK,
	    "complete head");
	tap_eq_i64(r.status, 301, "status");
	tap_ok(http_response_first(&r, "LOCATION", &v, &vlen) &&
	    vlen == 10 && memcmp(v, "https://x/", 10) == 0,
	    "case-insensitive name, OWS trimmed");
	tap_eq_i64(http_response_join(&r, "set-cookie", buf, sizeof(buf)), 2,
	    "repeated field counted");
	tap_eq_str(buf, "a, b", "repeated field joined with ', '");
	tap_eq_i64((int64_t)r.head_len, 20 + 24 + 15 + 15 + 2,
	    "head length through the blank line");
	http_response_fini(&r);

	tap_eq_i64(parse("HTTP/1.0 200 OK\n\n", &r), HTTP_PARSE_OK,
	    "bare LF line ends");
	http_response_fini(&r);
	tap_eq_i64(parse("HTTP/1.1 200\r\n\r\n", &r), HTTP_PARSE_OK,
	    "no reason phrase");
	http_response_fini(&r);
	tap_eq_i64(parse("HTTP/1.1 2000 OK\r\n\r\n", &r), HTTP_PARSE_BAD,
	    "four-digit status");
	tap_eq_i64(parse("HTTP/2 200 OK\r\n\r\n", &r), HTTP_PARSE_BAD,
	    "not HTTP/1.x");
	tap_eq_i64(parse("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n", &r),
	    HTTP_PARSE_BAD, "field line without a colon");
	tap_eq_i64(parse("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", &r),
	    HTTP_PARSE_BAD, "space in a field name");
	tap_eq_i64(parse("HTTP/1.1 200 OK\r\nA: one\r\n two\r\n\r\n", &r),
	    HTTP_PARSE_OK, "obs-fold accepted");
	tap_ok(http_response_first(&r, "a", &v, &vlen) && vlen == 9 &&
	    memcmp(v, "one   two", 9) == 0, "obs-fold replaced by SP");
	http_response_fini(&r);

	/* Limits. */
	big = malloc(HTTP_MAX_HEAD + 100);
	memset(big, 'a', HTTP_MAX_HEAD + 100);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	tap_eq_i64(http_response_parse(big, HTTP_MAX_HEAD + 100, &r),
	    HTTP_PARSE_TOO_LARGE, "endless line: too large");
	n = strlen("HTTP/1.1 200 OK\r\n");
	memcpy(big, "HTTP/1.1 200 OK\r\n", n);
	while (n + 5 < HTTP_MAX_HEAD) {
		memcpy(big + n, "A: b\n", 5);
		n += 5;
	}
	memcpy(big + n, "\n", 1);
	tap_eq_i64(http_response_parse(big, n + 1, &r), HTTP_PARSE_TOO_MANY,
	    "over HTTP_MAX_FIELDS fields");
	free(big);

	/* Content-Length, chunked, media type. */
	tap_eq_i64(parse("HTTP/1.1 200 OK\r\nContent-Length: 12, 12\r\n"
	    "Transfer-Encoding: gzip, chunked\r\n"
	    "Content-Type: Text/Plain ; charset=utf-8\r\n\r\n", &r),
	    HTTP_PARSE_OK, "framing fields");
	tap_ok(http_response_content_length(&r, &cl) == 1 && cl == 12,
	    "identical Content-Length list is one value");
	tap_ok(http_response_is_chunked(&r), "chunked last coding");
	tap_ok(http_response_media_type(&r, out, sizeof(out)) &&
	    strcmp(out, "text/plain") == 0, "media type lower-cased");
	http_response_fini(&r);
	tap_eq_i64(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n", &r), HTTP_PARSE_OK, "two lengths");
	tap_eq_i64(http_response_content_length(&r, &cl), -1,
	    "disagreeing Content-Length is malformed");
	http_response_fini(&r);

	n = 0;
	tap_eq_i64(http_chunked_decode("4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n",
	    33, out, sizeof(out), &n), 1, "chunked body complete");
	tap_ok(n == 7 && memcmp(out, "abcdefg", 7) == 0, "chunked decoded");
	tap_eq_i64(http_chunked_decode("4\r\nab", 5, out, sizeof(out), &n), 0,
	    "chunked body incomplete");
	tap_eq_i64(http_chunked_decode("zz\r\n", 4, out, sizeof(out), &n), -1,
	    "bad chunk size");
	tap_eq_i64(http_chunked_decode("ffffff\r\n", 8, out, sizeof(out), &n),
	    -1, "chunk over the cap");
	test_head_drip();
	test_chunked_drip();
	return tap_done();
}
