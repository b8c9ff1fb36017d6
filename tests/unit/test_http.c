/*
 * test_http.c - the bounded HTTP/1.1 response parser (crawler/http.c).
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

static enum http_parse
parse(const char *s, struct http_response *r)
{
	return http_response_parse(s, strlen(s), r);
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
	return tap_done();
}
