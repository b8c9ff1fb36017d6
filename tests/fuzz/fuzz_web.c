/*
 * fuzz_web.c - libFuzzer target for the web parsers: the first byte picks
 * the parser (HTTP response head with every accessor; chunked body; HSTS,
 * CSP, XFO, nosniff, Referrer-Policy, redirect, RFC 3339, security.txt),
 * the rest is the input.  The head search and the chunked decoder are also
 * fed the input in pieces (as a dripping peer sends it, the piece sizes
 * drawn from the input) and must agree with the one-shot result, the
 * chunked one decoding in place.  Any crash, leak, hang or sanitizer report is a
 * bug; so is a verdict outside its enum.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cspgrade.h"
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
	case 0: {
		size_t pos = 0, got = 0, hl = http_head_len(s, n), hl2 = 0;

		/* the head search in pieces agrees with the one-shot one */
		while (got < n && hl2 == 0) {
			got += 1 + (size_t)(unsigned char)s[got] % 5;
			if (got > n)
				got = n;
			hl2 = http_head_scan(s, got, &pos);
			if (pos > got)
				abort();
		}
		if (hl2 != hl)
			abort();
	}
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
	case 1: {
		struct http_chunked st;
		char *inplace = malloc(n + 1);
		size_t got = 0, step = 1;
		int rc, rc2 = 0;

		out = malloc(1024);
		olen = 0;
		rc = http_chunked_decode(s, n, out, 1024, &olen);
		if (olen > 1024)
			abort();
		/* the same input in pieces, decoded in place */
		memset(&st, 0, sizeof(st));
		while (got < n) {
			size_t prev = got;

			/* new bytes are appended; what was decoded in place
			 * stays (as in the web probe's buffer) */
			step = 1 + (size_t)(unsigned char)s[got] % 7;
			got = got + step > n ? n : got + step;
			memcpy(inplace + prev, s + prev, got - prev);
			rc2 = http_chunked_feed(&st, inplace, got, inplace,
			    1024);
			if (rc2 != 0)
				break;
		}
		if (n == 0)
			rc2 = http_chunked_feed(&st, inplace, 0, inplace, 1024);
		if (rc2 != rc || st.n != olen || memcmp(inplace, out, olen) != 0)
			abort();
		free(inplace);
		free(out);
		break;
	}
	case 2:
		if (headers_hsts_parse(s, n, &h) && h.max_age < 0)
			abort();
		headers_csp_parse(s, n, &c);
		(void)headers_xfo(s, n);
		(void)headers_xcto_nosniff(s, n);
		(void)headers_referrer_policy(s, n);
		(void)headers_rfc3339_parse(s, n, &t);
		/* the CSP grade: a mask of the seven rules, names that fit */
		{
			unsigned f = csp_grade_failures(s, n, "example.se");
			char names[CSP_GRADE_NAMES_MAX];

			if (f & ~(unsigned)CSP_RULES_ALL)
				abort();
			csp_grade_names(f, names, sizeof(names));
			if (strlen(names) >= sizeof(names))
				abort();
		}
		break;
	default:
		if (headers_sectxt_judge(200, "text/plain", s, n, false,
		    1700000000) > SECTXT_INVALID)
			abort();
		break;
	}
	return 0;
}
