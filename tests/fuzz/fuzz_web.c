/*
 * fuzz_web.c - libFuzzer target for the web parsers: the first byte picks
 * the parser (HTTP response head with every accessor; chunked body; HSTS,
 * CSP, XFO, nosniff, Referrer-Policy, redirect, RFC 3339, security.txt),
 * the rest is the input.  Any crash, leak, hang or sanitizer report is a
 * bug; so is a verdict outside its enum.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headers.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;
	struct http_response r;
	struct hsts h;
	struct csp c;
	char *out;
	const char *v;
	size_t vlen, olen;
	uint64_t cl;
	int64_t t;

	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if (http_response_parse(s, n, &r) == HTTP_PARSE_OK) {
			out = malloc(HTTP_MAX_HEAD + 1);
			if (r.status < 100 || r.status > 999 ||
			    r.head_len > n || r.nfields > HTTP_MAX_FIELDS)
				abort();
			http_response_join(&r, "content-security-policy", out,
			    HTTP_MAX_HEAD + 1);
			headers_csp_parse(out, strlen(out), &c);
			if (http_response_first(&r, "strict-transport-security",
			    &v, &vlen))
				headers_hsts_parse(v, vlen, &h);
			(void)http_response_content_length(&r, &cl);
			(void)http_response_is_chunked(&r);
			(void)http_response_media_type(&r, out, 64);
			if (http_response_first(&r, "location", &v, &vlen))
				(void)headers_redirects_https(r.status, v,
				    vlen, "a.example");
			free(out);
			http_response_fini(&r);
		}
		break;
	case 1:
		out = malloc(1024);
		olen = 0;
		(void)http_chunked_decode(s, n, out, 1024, &olen);
		if (olen > 1024)
			abort();
		free(out);
		break;
	case 2:
		if (headers_hsts_parse(s, n, &h) && h.max_age < 0)
			abort();
		headers_csp_parse(s, n, &c);
		(void)headers_xfo(s, n);
		(void)headers_xcto_nosniff(s, n);
		(void)headers_referrer_policy(s, n);
		(void)headers_rfc3339_parse(s, n, &t);
		break;
	default:
		if (headers_sectxt_judge(200, "text/plain", s, n, false,
		    1700000000) > SECTXT_INVALID)
			abort();
		break;
	}
	return 0;
}
