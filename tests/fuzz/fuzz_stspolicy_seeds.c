/*
 * fuzz_stspolicy_seeds.c - seeds for the MTA-STS policy fuzzer: valid
 * policies (LF, CRLF, mode none, extensions) and malformed ones.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
	"mx: *.example.net\r\nmax_age: 86400\r\n",
	"version: STSv1\nmode: testing\nmx: a.example\nmax_age: 604800\n"
	"mx1.example.com",
	"version: STSv1\nmode: none\nmax_age: 0",
	"max_age: 31557600\nversion:STSv1\nmode:\tenforce \nmx: *.a.example\n"
	"ext.x-1: value: with colons\n\n",
	"version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",
	"version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 99999999999\n",
	"version: STSv1\rmode: enforce\n",
	"<html><body>404</body></html>",
	"version: STSv1\nversion: STSv1\n",
	"",
};

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	size_t n = sizeof(seeds) / sizeof(seeds[0]);

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(seeds[i]);

		(*out)[i].data = xmalloc(len ? len : 1);
		memcpy((*out)[i].data, seeds[i], len);
		(*out)[i].len = len;
	}
	return n;
}
