/*
 * fuzz_list_seeds.c - seeds for the list reader fuzzer: each format with
 * its hostile cases (quotes, parentheses, comments, directives, IDNs,
 * CRLF, BOM, NUL), first byte the format selector (fuzz_list.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const struct {
	char sel;
	const char *text;
	size_t len;		/* 0: strlen */
} seeds[] = {
	{ 0, "1,google.com\r\n2,Example.COM.\n3,bad_name\nx,foo.com\n", 0 },
	{ 1, "rank,domain\n1,a.example\n99999999999999999999,b.example\n", 0 },
	{ 2, "\xef\xbb\xbf# c\r\nexample.org # x\r\nBücher.de\nxn--bcher-kva.de\n"
	    "пример.рф\n\xff\xfe.com\nlocalhost\n", 0 },
	{ 2, "a.example\n\0nul.example\nb.example", 32 },
	{ 3, "Org,\"Domain\",Rank\n\"A, B\",a.example,1\n\"Q \"\"x\"\"\",b.example,"
	    "\n\"multi\nline\",c.example,3\n\"open,d.example,4\nx,\"y\"z,5\n", 0 },
	{ 0, "domain\none.example\n", 0 },
	{ 4, "$ORIGIN example.\n$TTL 1h\n@ IN SOA ns h ( 1 2\n 3 4 5 ) ; c\n"
	    "@ NS ns\nfoo NS ns.foo\n NS ns2.foo\nbar NS ns.x.\nbad NS\n"
	    "txt TXT \"a ; ( b\"\nbroken ( NS x.\n$INCLUDE x\nq\\(x NS y.\n"
	    "$ORIGIN sub\nz NS w.\n", 0 },
	{ 8, "com. 1 IN SOA a. b. 1 2 3 4 5\ngoogle.com. 1 IN NS ns.\n", 0 },
	{ 4, "a.example. NS ns.\n) x\n((((((((( a NS b.\n", 0 },
};

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	size_t n = sizeof(seeds) / sizeof(seeds[0]);

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		size_t len = seeds[i].len ? seeds[i].len :
		    strlen(seeds[i].text);

		(*out)[i].data = xmalloc(len + 1);
		(*out)[i].data[0] = (uint8_t)seeds[i].sel;
		memcpy((*out)[i].data + 1, seeds[i].text, len);
		(*out)[i].len = len + 1;
	}
	return n;
}
