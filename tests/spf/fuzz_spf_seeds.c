/*
 * fuzz_spf_seeds.c - seeds for the SPF parser fuzzer (fuzz_spf.c): good
 * records and malformed ones, one per seed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"v=spf1 mx -all",
	"V=SPF1 a ~ALL",
	"v=spf1 include:_spf.example.com ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
	"v=spf1 redirect=_spf.example.com",
	"v=spf1 a:mail.example.com/24//64 mx//128 ptr:example.org ?all",
	"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
	"v=spf1 exp=explain.%{d} x-foo=%{c}%{t} -all",
	"v=spf1 include:%%.%_.%-.example.com",
	"v=spf1 frobnicate -all",
	"v=spf1 -all:foo",
	"v=spf1 ip4:192.0.2.1/33 ip6:::1/129",
	"v=spf1 include:%{d0}.example.com",
	"v=spf1 redirect=a.example redirect=b.example",
	"v=spf1",
	"v=spf10 -all",
	"v=spf1 a:\xff\x00 -all",
};

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	size_t n = sizeof(seeds) / sizeof(seeds[0]);

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(seeds[i]);

		if (i == n - 1)
			len = 16;	/* the NUL byte inside */
		(*out)[i].data = xmalloc(len ? len : 1);
		memcpy((*out)[i].data, seeds[i], len);
		(*out)[i].len = len;
	}
	return n;
}
