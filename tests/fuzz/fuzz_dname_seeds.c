/*
 * fuzz_dname_seeds.c - seeds for the name fuzzer: ASCII names, A-labels
 * and U-labels, edge lengths, bad bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const char *const seeds[] = {
	"example.com", "Example.COM.", "  www.example.co.uk \r\n",
	"xn--bcher-kva.de", "Bücher.de", "faß.de", "пример.рф",
	"例え.テスト", "xn--mgbh0fb.xn--kgbechtv", "a-b--c.example",
	"-a.example", "a..b", "192.0.2.1", "xn--a.com", "\xf0\x9f\x92\xa9.la",
	"\xff\xfe.com", "under_score.example", "*.example.com",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.example",
	"e\xcc\x81xample.com", "xn--e1afmkfd.xn--p1ai.", "\xe3\x80\x82.com",
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
