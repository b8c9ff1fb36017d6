/*
 * fuzz_rpki_seeds.c - seeds for the routing parser fuzzer: first byte the
 * parser (0 VRP JSON, 1 VRP CSV, 2 prefix2as, 3 bgpdump; fuzz_rpki.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_seeds.h"
#include "util.h"

static const struct {
	char sel;
	const char *text;
} seeds[] = {
	{ 0, "{\"metadata\": {\"buildtime\": \"2026-11-28T15:02:53Z\"},\n"
	    "\"roas\": [{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"ripe\", \"expires\": 1858950176},\n"
	    "{\"asn\": \"AS0\", \"prefix\": \"2001:db8::/32\", \"maxLength\": "
	    "128},\n{\"asn\": 1, \"prefix\": \"10.0.0.1/8\"}, [1], \"x\"],\n"
	    "\"aspas\": [{\"a\": \"]}\\\"\"}], \"bgpsec_keys\": []}\n" },
	{ 0, "{\"roas\": [{\"asn\": 1, \"asn\": 2}, {\"prefix\": "
	    "\"198.51.100.0/24\", \"asn\": 4294967295, \"maxLength\": 32}]}" },
	{ 1, "ASN,IP Prefix,Max Length,Trust Anchor,Expires\r\n"
	    "AS64496,192.0.2.0/24,24,ripe,1858950176\r\n"
	    "64497,2001:db8::/32,48,apnic,1\r\nAS1,10.0.0.0/8\n,,,,\n" },
	{ 1, "ASN,IP Prefix,Max Length,Trust Anchor\n"
	    "AS0,198.51.100.0/24,32,x\nAS1,0.0.0.0/0,32,y\n" },
	{ 2, "192.0.2.0\t24\t64496\n198.51.100.0\t24\t64512_64513\n"
	    "203.0.113.0\t25\t64520_64521,64522\n2001:db8::\t32\t1.10\n"
	    "# c\n0.0.0.0\t0\t1\n192.0.2.1\t24\t1\n" },
	{ 3, "TABLE_DUMP2|1795878173|B|192.0.2.240|64496|192.0.2.0/24|"
	    "64496 64500|IGP|192.0.2.240|0|0||NAG||\n"
	    "TABLE_DUMP2|1795878173|B|192.0.2.241|64497|192.0.2.0/24|"
	    "64497 (65001 65002) {64514,64515}|IGP|192.0.2.241|0|0||NAG||\n"
	    "TABLE_DUMP|1|B|2001:db8::1|1|2001:db8::/32||IGP\n"
	    "BGP4MP|1|A|192.0.2.1|1|192.0.2.0/24|1|IGP\n" },
};

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	size_t n = sizeof(seeds) / sizeof(seeds[0]);

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(seeds[i].text);

		(*out)[i].data = xmalloc(len + 1);
		(*out)[i].data[0] = (uint8_t)seeds[i].sel;
		memcpy((*out)[i].data + 1, seeds[i].text, len);
		(*out)[i].len = len + 1;
	}
	return n;
}
