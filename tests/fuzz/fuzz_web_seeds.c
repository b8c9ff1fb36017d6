/*
 * fuzz_web_seeds.c - seeds for the web fuzzer: response heads (the core
 * world's header cases, hostile shapes), chunked bodies, header values,
 * security.txt files.  The first byte picks the parser (fuzz_web.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"\x00HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000; "
	"includeSubDomains; preload\r\nContent-Security-Policy: default-src "
	"'self'; frame-ancestors 'none'\r\nX-Frame-Options: DENY\r\n\r\n",
	"\x00HTTP/1.1 301 Moved\r\nLocation: https://a.example/\r\n"
	"Content-Length: 0\r\n\r\n",
	"\x00HTTP/1.0 200 OK\nA: b\n c\nTransfer-Encoding: chunked\n\n",
	"\x00HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
	"\x01" "4\r\nabcd\r\n0\r\nX: y\r\n\r\n",
	"\x01" "fffffffffffffff\r\n",
	"\x02max-age=\"31536000\"; includeSubDomains",
	"\x02max-age=10; max-age=20",
	"\x02script-src 'self', default-src 'unsafe-inline'",
	"\x02no-referrer, strict-origin, bogus-token",
	"\x02" "2023-11-15T00:13:20.5+02:00",
	"\x03# x\nContact: mailto:a@b\nExpires: 2030-01-01T00:00:00Z\n",
	"\x03" "Contact:\r\nExpires: 1999-12-31T23:59:60Z\r\nExpires: x\r\n",
};

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	size_t n = sizeof(seeds) / sizeof(seeds[0]);

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		/* seeds[i][0] may be NUL: the selector byte, then the text */
		size_t len = 1 + strlen(seeds[i] + 1);

		(*out)[i].data = xmalloc(len);
		memcpy((*out)[i].data, seeds[i], len);
		(*out)[i].len = len;
	}
	return n;
}
