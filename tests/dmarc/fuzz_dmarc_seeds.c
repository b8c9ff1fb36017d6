/*
 * fuzz_dmarc_seeds.c - seeds for the DMARC parser's fuzz target: records
 * good and malformed, several per seed separated by '\n'.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=s; "
	    "rua=mailto:a@rep.example.net!10m, https://x.example/r; "
	    "ruf=mailto:f@example.org; fo=0:1:d:s; rf=afrf; ri=3600",
	"v=DMARC1;p=quarantine;pct=50",
	"v = DMARC1 ; p = none ;",
	"v=DMARC1; p=bogus; rua=mailto:x@y.example",
	"v=DMARC1; rua=mailto:x@y",
	"p=reject; v=DMARC1",
	"v=DMARC1; p=none\nv=DMARC1; p=reject",
	"v=DMARC1; p=",
	"v=DMARC1; p",
	"v=DMARC1; p=none; rua=mailto:a%40b@x.example!5g,mailto:",
	"v=DMARC1; p=none; ri=99999999999999999999999999999999; fo=1 : d",
	"v=DMARC1; p=none; rua=mailto:a@x.example?subject=y; rf=a:b-c",
	"v=DMARC1; p=reject; sp=never; pct=101; adkim=x; aspf=strict",
	"v=spf1 -all\nv=DMARC1; p=none; 1x=2;;;",
	"v=DMARC1; p=none; rua=mailto:a@x..y!,,",
	"\n\n\n",
	"v=DMARC1; p=none; rua=mailto:\xff@\x00",
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
