/*
 * fuzz_rpki.c - libFuzzer target for the routing parsers: the first byte
 * picks the parser (VRP JSON, VRP CSV, prefix2as lines, bgpdump lines),
 * the rest is the input.  What parses is built and looked up (longest
 * match, covering VRPs, RFC 6811), and the counters must add up.
 * Rejected input is the expected outcome; any crash, leak, hang or
 * sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "log.h"
#include "lpm.h"
#include "rov.h"
#include "vrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const probes[] = {
	"192.0.2.1", "198.51.100.77", "10.0.0.0", "255.255.255.255",
	"0.0.0.0", "2001:db8::1", "2001:db8:ffff::", "::", "ffff::1",
};

static void
lookups(const struct bgp_table *b, const struct vrp_set *v)
{
	size_t i;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct netaddr a;
		struct rov_result r;

		if (netaddr_parse(probes[i], strlen(probes[i]), &a) != 0)
			abort();
		rov_check(b, v, &a, &r);
		if (r.routed != (r.state != ROV_UNROUTED))
			abort();
		if (v != NULL) {
			struct lpm_prefix p;

			(void)lpm_prefix_make((enum lpm_af)a.af, a.b,
			    a.af == LPM_AF_V4 ? 24 : 48, &p);
			(void)rov_validate(v, &p, 64496, false);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;
	struct vrp_options o;
	char err[512];

	log_set_level(LOG_LEVEL_ERR);
	if (size == 0)
		return 0;
	vrp_options_default(&o);
	o.quiet = true;
	o.now = 1000000000;
	if ((data[0] & 3) < 2) {
		struct vrp_set *v = vrp_set_new("fuzz", (data[0] & 3) ?
		    VRP_FORMAT_CSV : VRP_FORMAT_JSON);
		const struct vrp_stats *st;
		int rc = (data[0] & 3) ? vrp_csv_parse(v, buf, len, &o, err,
		    sizeof(err)) : vrp_json_parse(v, buf, len, &o, err,
		    sizeof(err));

		vrp_set_build(v);
		st = vrp_set_stats(v);
		if (st->added + st->bad + st->expired != st->entries &&
		    rc == 0)
			abort();
		if (vrp_set_count(v) > st->added)
			abort();
		lookups(NULL, v);
		vrp_set_free(v);
	} else {
		struct bgp_table *b = bgp_table_new("fuzz", (data[0] & 3) == 2 ?
		    BGP_FORMAT_PFX2AS : BGP_FORMAT_BGPDUMP);
		size_t pos = 0;

		while (pos < len) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			size_t ll = nl != NULL ? (size_t)(nl - buf - pos) :
			    len - pos;
			const char *why = NULL;
			int rc = (data[0] & 3) == 2 ?
			    bgp_pfx2as_line(b, buf + pos, ll, &why) :
			    bgp_bgpdump_line(b, buf + pos, ll, &why);

			if (rc < 0 && why == NULL)
				abort();
			pos += ll + 1;
		}
		bgp_table_build(b);
		lookups(b, NULL);
		bgp_table_free(b);
	}
	return 0;
}
