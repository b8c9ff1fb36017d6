/*
 * fuzz_mailpol_seeds.c - seeds for the mail-policy fuzzer: SPF, DMARC,
 * MTA-STS and TLS-RPT texts, good and malformed, several records per seed
 * separated by '\n' (fuzz_mailpol.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"v=spf1 mx -all",
	"V=SPF1 a ~ALL",
	"v=spf1 ?all\nv=spf1 +all",
	"v=spf1 include:_spf.example.com ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
	"v=spf1 redirect=_spf.example.com",
	"v=spf1 frobnicate -all",
	"v=spf1 -all:foo",
	"v=spf1  mx   -all  ",
	"v=spf1",
	"v=spf10 -all",
	"google-site-verification=x\nv=spf1 mx -all",
	"v=DMARC1; p=reject; rua=mailto:d@example.com",
	"v=DMARC1;p=quarantine;pct=50",
	"v = DMARC1 ; p = none",
	"v=DMARC1; p=bogus",
	"v=DMARC1; rua=mailto:x@y",
	"p=reject; v=DMARC1",
	"v=DMARC1; p=none\nv=DMARC1; p=reject",
	"v=DMARC1; p=",
	"v=DMARC1; p",
	"v=STSv1; id=20261205",
	"v=STSv10",
	"v=TLSRPTv1; rua=mailto:x@y",
	"v=TLSRPT",
	"v=TLSRPTv1; rua=mailto:a@b.example,https://r.example.nl:8443/x?y#z",
	"v=TLSRPTv1 ; rua=mailto:a%41@b.example ; ext=1;",
	"v=TLSRPTv1; rua=ftp://x.example/\nv=TLSRPTv1; rua=mailto:nobody",
	"v=STSv1; id=abc; ext=x;",
	"v=STSv1; id=1\nv=STSv1; id=2",
	"\n\n\n",
	"v=spf1 a:\xff\x00 -all",
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
