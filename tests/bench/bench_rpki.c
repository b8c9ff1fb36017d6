/*
 * bench_rpki.c - the address modules at Internet scale (scripts/bench-rpki).
 *
 *   bench_rpki gen DIR NVRPS NPREFIXES   write vrps.json, vrps.csv,
 *                                        pfx2as.txt, rib.txt
 *   bench_rpki load FILE vrps|bgp        load once: time, size, peak RSS
 *   bench_rpki tree FILE                 jansson's whole-tree load, for
 *                                        comparison: time, peak RSS
 *   bench_rpki lookup DIR NLOOKUPS       load vrps.json and pfx2as.txt,
 *                                        then time LPM and LPM + ROV
 *
 * Each command prints one line of "key value" pairs for the script.
 * Synthetic data, shaped like the real tables: IPv4 prefixes mostly /24
 * and /22-/23, IPv6 mostly /32-/48, 2% multi-origin, 10% 32-bit AS
 * numbers.  Half the announced prefixes get a VRP of their own (mostly
 * matching, some for another AS or with too short a maxLength, some
 * covering aggregates with maxLength), the rest of the VRPs are random:
 * roughly the coverage of the real tables.  Lookups are addresses inside
 * announced prefixes (80%) and random ones (20%).
 */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "bgp.h"
#include "lpm.h"
#include "rov.h"
#include "util.h"
#include "vrp.h"

#define V6_SHARE 5		/* one prefix in V6_SHARE is IPv6 */
#define MOAS_SHARE 50		/* one BGP prefix in MOAS_SHARE has 2 origins */
#define LOOKUP_SET 1000000	/* distinct addresses looked up, cycled */
#define ROUTED_SHARE 80		/* percent of lookups inside a route */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long
peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* CPU time of this process in microseconds: on a shared machine the
 * wall clock also counts the time other processes had the CPU. */
static uint64_t
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static long
rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;

	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * 4;
}

/* IPv4 lengths: /24 60%, /22-/23 15%, /16-/21 23%, /12-/15 2%, and one
 * route in 5,000 /8-/11 (a real table has a few hundred of those). */
static unsigned
v4_len(bool vrp)
{
	unsigned r = (unsigned)(next() % 100);

	if (r < 60)
		return 24;
	if (r < 75)
		return 23 - (unsigned)(next() % 2);
	if (r < 98)
		return 16 + (unsigned)(next() % 6);
	if (!vrp && next() % 100 == 0)
		return 8 + (unsigned)(next() % 4);
	return 12 + (unsigned)(next() % 4);
}

static unsigned
v6_len(void)
{
	unsigned r = (unsigned)(next() % 100);

	if (r < 45)
		return 48;
	if (r < 70)
		return 32;
	return 29 + (unsigned)(next() % 20);
}

/* A random prefix in the unicast space. */
static void
random_prefix_of(bool v6, bool vrp, struct lpm_prefix *p)
{
	uint8_t a[16];
	unsigned i;

	for (i = 0; i < 16; i++)
		a[i] = (uint8_t)next();
	if (v6) {
		a[0] = 0x20 + (uint8_t)(next() % 12);
		lpm_prefix_make(LPM_AF_V6, a, v6_len(), p);
	} else {
		a[0] = 1 + (uint8_t)(next() % 223);
		lpm_prefix_make(LPM_AF_V4, a, v4_len(vrp), p);
	}
}

static void
random_prefix(bool v6, struct lpm_prefix *p)
{
	random_prefix_of(v6, false, p);
}

static uint32_t
random_asn(void)
{
	return next() % 10 == 0 ? 4200000000u + (uint32_t)(next() % 1000000) :
	    1 + (uint32_t)(next() % 400000);
}

static void
put_vrp(FILE *js, FILE *cs, const struct lpm_prefix *p, unsigned maxlen,
	uint32_t asn, bool last)
{
	static const char *const tas[] = { "afrinic", "apnic", "arin",
	    "lacnic", "ripe" };
	const char *ta = tas[next() % 5];
	char s[LPM_PREFIX_STRLEN];

	lpm_prefix_format(p, s, sizeof(s));
	fprintf(js, "\t\t{ \"asn\": %u, \"prefix\": \"%s\", \"maxLength\": "
	    "%u, \"ta\": \"%s\", \"expires\": 1893456000 }%s\n", asn, s,
	    maxlen, ta, last ? "" : ",");
	fprintf(cs, "AS%u,%s,%u,%s,1893456000\n", asn, s, maxlen, ta);
}

static int
gen(const char *dir, unsigned long nvrps, unsigned long npfx)
{
	char path[4096];
	FILE *js, *cs, *px, *rb;
	unsigned long i, nv = 0;

	snprintf(path, sizeof(path), "%s/vrps.json", dir);
	js = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/vrps.csv", dir);
	cs = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/pfx2as.txt", dir);
	px = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/rib.txt", dir);
	rb = fopen(path, "w");
	if (js == NULL || cs == NULL || px == NULL || rb == NULL) {
		fprintf(stderr, "bench_rpki: cannot write in %s\n", dir);
		return 1;
	}
	fprintf(js, "{\n\t\"metadata\": {\"buildmachine\": \"bench\", "
	    "\"buildtime\": \"2026-01-01T00:00:00Z\", \"vrps\": %lu},\n"
	    "\t\"roas\": [\n", nvrps);
	fprintf(cs, "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n");
	for (i = 0; i < npfx; i++) {
		struct lpm_prefix p, agg;
		char a[LPM_PREFIX_STRLEN], s[LPM_PREFIX_STRLEN];
		uint32_t o1 = random_asn(), o2 = random_asn();
		bool moas = next() % MOAS_SHARE == 0;
		unsigned r = (unsigned)(next() % 100), bits;

		random_prefix(next() % V6_SHARE == 0, &p);
		bits = lpm_af_bits((enum lpm_af)p.af);
		{
			struct netaddr na;

			(void)netaddr_from_bytes(p.addr, p.af == LPM_AF_V4 ?
			    4 : 16, &na);
			netaddr_format(&na, a, sizeof(a));
		}
		lpm_prefix_format(&p, s, sizeof(s));
		if (moas)
			fprintf(px, "%s\t%u\t%u_%u\n", a, p.len, o1, o2);
		else
			fprintf(px, "%s\t%u\t%u\n", a, p.len, o1);
		fprintf(rb, "TABLE_DUMP2|1767225600|B|192.0.2.1|64496|%s|"
		    "64496 3356 %u|IGP|192.0.2.1|0|0||NAG||\n", s, o1);
		if (moas)
			fprintf(rb, "TABLE_DUMP2|1767225600|B|192.0.2.2|64497|"
			    "%s|64497 174 %u|IGP|192.0.2.2|0|0||NAG||\n", s,
			    o2);
		if (r >= 50 || nv >= nvrps)
			continue;
		if (r < 40)		/* valid */
			put_vrp(js, cs, &p, p.len, o1, ++nv == nvrps);
		else if (r < 43)	/* invalid: another AS */
			put_vrp(js, cs, &p, p.len, random_asn(), ++nv == nvrps);
		else if (r < 45 && p.len > 8) {	/* invalid length */
			lpm_prefix_make((enum lpm_af)p.af, p.addr, p.len - 1,
			    &agg);
			put_vrp(js, cs, &agg, p.len - 1, o1, ++nv == nvrps);
		} else if (p.len >= (bits == 32 ? 16 : 36)) {
			/* an aggregate with maxLength */
			lpm_prefix_make((enum lpm_af)p.af, p.addr, p.len - 4,
			    &agg);
			put_vrp(js, cs, &agg, bits < p.len + 4u ? bits :
			    p.len + 4u, o1, ++nv == nvrps);
		}
	}
	while (nv < nvrps) {
		struct lpm_prefix p;
		unsigned maxlen, bits;

		random_prefix_of(next() % V6_SHARE == 0, true, &p);
		bits = lpm_af_bits((enum lpm_af)p.af);
		maxlen = p.len;
		if (next() % 4 == 0)
			maxlen += (unsigned)(next() % 9);
		if (maxlen > bits)
			maxlen = bits;
		put_vrp(js, cs, &p, maxlen, random_asn(), ++nv == nvrps);
	}
	fprintf(js, "\t],\n\t\"bgpsec_keys\": [],\n\t\"aspas\": []\n}\n");
	fclose(js);
	fclose(cs);
	fclose(px);
	fclose(rb);
	printf("generated vrps %lu prefixes %lu\n", nvrps, npfx);
	return 0;
}

static int
load(const char *file, const char *kind)
{
	char err[512];
	long rss0 = rss_kb();
	uint64_t t0 = now_monotonic_us();
	double el;

	if (strcmp(kind, "vrps") == 0) {
		struct vrp_options o;
		struct vrp_set *v;

		vrp_options_default(&o);
		v = vrp_set_load(file, &o, err, sizeof(err));
		el = (double)(now_monotonic_us() - t0) / 1e6;
		if (v == NULL) {
			fprintf(stderr, "bench_rpki: %s\n", err);
			return 1;
		}
		printf("seconds %.3f entries %zu bad %llu struct_bytes %zu "
		    "rss_delta_kb %ld peak_rss_kb %ld\n", el, vrp_set_count(v),
		    (unsigned long long)vrp_set_stats(v)->bad,
		    vrp_set_memory(v), rss_kb() - rss0, peak_rss_kb());
		vrp_set_free(v);
	} else {
		struct bgp_table *b = bgp_table_load(file, false, err,
		    sizeof(err));

		el = (double)(now_monotonic_us() - t0) / 1e6;
		if (b == NULL) {
			fprintf(stderr, "bench_rpki: %s\n", err);
			return 1;
		}
		printf("seconds %.3f entries %zu bad %llu struct_bytes %zu "
		    "rss_delta_kb %ld peak_rss_kb %ld\n", el,
		    bgp_table_count(b),
		    (unsigned long long)bgp_table_stats(b)->bad,
		    bgp_table_memory(b), rss_kb() - rss0, peak_rss_kb());
		bgp_table_free(b);
	}
	return 0;
}

static int
tree(const char *file)
{
	json_error_t e;
	uint64_t t0 = now_monotonic_us();
	json_t *j = json_load_file(file, 0, &e);
	double el = (double)(now_monotonic_us() - t0) / 1e6;

	if (j == NULL) {
		fprintf(stderr, "bench_rpki: %s: %s\n", file, e.text);
		return 1;
	}
	printf("seconds %.3f peak_rss_kb %ld\n", el, peak_rss_kb());
	json_decref(j);
	return 0;
}

static bool
count_cb(void *arg, const struct lpm_prefix *vp, const struct vrp *r)
{
	(void)arg;
	(void)vp;
	(void)r;
	return true;
}

static int
lookup(const char *dir, unsigned long n)
{
	char path[4096], err[512];
	struct vrp_options o;
	struct vrp_set *v;
	struct bgp_table *b;
	struct netaddr *addrs;
	uint64_t t0, c0, sum = 0, states[ROV_VALID + 1];
	double lpm_s, rov_s, lpm_cpu, rov_cpu;
	unsigned long i, nset, routed = 0, covering = 0;
	char line[256];
	FILE *f;

	vrp_options_default(&o);
	snprintf(path, sizeof(path), "%s/vrps.json", dir);
	v = vrp_set_load(path, &o, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/pfx2as.txt", dir);
	b = bgp_table_load(path, false, err, sizeof(err));
	if (v == NULL || b == NULL) {
		fprintf(stderr, "bench_rpki: %s\n", err);
		return 1;
	}
	/* Addresses: inside announced prefixes (a web server's address is
	 * routed), and random ones, some of them unrouted. */
	addrs = xreallocarray(NULL, LOOKUP_SET, sizeof(*addrs));
	f = fopen(path, "r");
	for (i = 0; i < LOOKUP_SET && f != NULL &&
	    fgets(line, sizeof(line), f) != NULL; i++) {
		char *t1 = strchr(line, '\t');
		struct netaddr *a = &addrs[i];
		unsigned k, len;

		if (next() % 100 >= ROUTED_SHARE || t1 == NULL ||
		    netaddr_parse(line, (size_t)(t1 - line), a) != 0) {
			struct lpm_prefix rp;

			random_prefix(next() % V6_SHARE == 0, &rp);
			(void)netaddr_from_bytes(rp.addr, rp.af == LPM_AF_V4 ?
			    4 : 16, a);
		} else {
			/* random host bits past the prefix length */
			len = (unsigned)strtoul(t1 + 1, NULL, 10);
			for (k = len; k < lpm_af_bits((enum lpm_af)a->af); k++)
				if (next() & 1)
					a->b[k / 8] |= (uint8_t)(0x80 >>
					    (k % 8));
		}
	}
	if (f != NULL)
		fclose(f);
	nset = i;
	if (nset == 0) {
		fprintf(stderr, "bench_rpki: %s: no prefix\n", path);
		return 1;
	}
	t0 = now_monotonic_us();
	c0 = cpu_us();
	for (i = 0; i < n; i++) {
		struct bgp_match m;

		if (bgp_table_match(b, &addrs[i % nset], &m))
			sum += m.prefix.len;
	}
	lpm_s = (double)(now_monotonic_us() - t0) / 1e6;
	lpm_cpu = (double)(cpu_us() - c0) / 1e6;
	memset(states, 0, sizeof(states));
	t0 = now_monotonic_us();
	c0 = cpu_us();
	for (i = 0; i < n; i++) {
		struct rov_result r;

		rov_check(b, v, &addrs[i % nset], &r);
		states[r.state]++;
	}
	rov_s = (double)(now_monotonic_us() - t0) / 1e6;
	rov_cpu = (double)(cpu_us() - c0) / 1e6;
	/* VRPs covering the routes looked up, on average. */
	for (i = 0; i < nset; i++) {
		struct bgp_match m;

		if (bgp_table_match(b, &addrs[i], &m)) {
			routed++;
			covering += vrp_set_covering(v, &m.prefix, count_cb,
			    NULL);
		}
	}
	printf("lookups %lu lpm_seconds %.3f lpm_ns %.1f lpm_cpu_ns %.1f "
	    "rov_seconds %.3f rov_ns %.1f rov_cpu_ns %.1f unrouted %.4f "
	    "not_found %.4f invalid_as %.4f invalid_length %.4f valid %.4f "
	    "covering_avg %.2f checksum %llu peak_rss_kb %ld\n",
	    n, lpm_s, lpm_s * 1e9 / (double)n, lpm_cpu * 1e9 / (double)n,
	    rov_s, rov_s * 1e9 / (double)n, rov_cpu * 1e9 / (double)n,
	    (double)states[ROV_UNROUTED] / (double)n,
	    (double)states[ROV_NOT_FOUND] / (double)n,
	    (double)states[ROV_INVALID_AS] / (double)n,
	    (double)states[ROV_INVALID_LENGTH] / (double)n,
	    (double)states[ROV_VALID] / (double)n,
	    routed ? (double)covering / (double)routed : 0.0,
	    (unsigned long long)sum,
	    peak_rss_kb());
	free(addrs);
	vrp_set_free(v);
	bgp_table_free(b);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], strtoul(argv[3], NULL, 10),
		    strtoul(argv[4], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "load") == 0)
		return load(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "tree") == 0)
		return tree(argv[2]);
	if (argc == 4 && strcmp(argv[1], "lookup") == 0)
		return lookup(argv[2], strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: bench_rpki gen DIR NVRPS NPREFIXES | "
	    "load FILE vrps|bgp | tree FILE | lookup DIR NLOOKUPS\n");
	return 2;
}
