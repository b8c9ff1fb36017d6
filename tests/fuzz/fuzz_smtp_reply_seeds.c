/*
 * fuzz_smtp_reply_seeds.c - seeds for the SMTP reply fuzzer: sessions of
 * replies as servers send them (banners, EHLO replies with and without
 * STARTTLS, refusals), and malformed ones (fuzz_smtp_reply.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"220 mx.example.se ESMTP Postfix\r\n",
	"220-mx.example.se ESMTP\r\n220 no UCE\r\n",
	"220 mx ESMTP\r\n250-mx\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	"250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
	"250 SMTPUTF8\r\n220 2.0.0 Ready to start TLS\r\n",
	"220 mx\r\n250-mx\r\n250 8BITMIME\r\n221 bye\r\n",
	"421 4.3.2 Service not available\r\n",
	"554 no\r\n",
	"220 mx\r\n250-mx\r\n250 STARTTLS\r\n454 4.7.0 TLS not available\r\n",
	"220 mx\r\n250-mx\r\n250 starttls\r\n220 go\r\n\x16\x03\x03garbage",
	"220 mx\n250-a\n250 b\n",
	"250-a\r\n251 b\r\n",
	"2x0 hi\r\n",
	"250\r\n",
	"250 a\0b\r\n",
	"220 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};
static const size_t seed_len[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10,
	0 };

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	size_t n = sizeof(seeds) / sizeof(seeds[0]);

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		size_t len = seed_len[i] ? seed_len[i] : strlen(seeds[i]);

		(*out)[i].data = xmalloc(len ? len : 1);
		memcpy((*out)[i].data, seeds[i], len);
		(*out)[i].len = len;
	}
	return n;
}
