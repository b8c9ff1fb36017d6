/*
 * test_bgp.c - BGP table loaders: CAIDA prefix2as lines (multi-origin
 * '_', AS sets ','), bgpdump -m RIB lines (origin = last AS of the path,
 * AS_SET and confederation endings, one line per peer), bad lines counted
 * with their number, and lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp.h"
#include "lpm.h"
#include "tap.h"
#include "util.h"

/* "prefix origins" of the match for addr, e.g. "10.0.0.0/8 1,2,set". */
static const char *
lookup(const struct bgp_table *t, const char *addr)
{
	static char buf[256];
	struct netaddr a;
	struct bgp_match m;
	size_t i, n;

	if (netaddr_parse(addr, strlen(addr), &a) != 0)
		return "(bad address)";
	if (!bgp_table_match(t, &a, &m))
		return "unrouted";
	lpm_prefix_format(&m.prefix, buf, sizeof(buf));
	for (i = 0; i < m.norigins; i++) {
		n = strlen(buf);
		if (m.origins[i] & BGP_ORIGIN_AS_SET)
			snprintf(buf + n, sizeof(buf) - n, "%sset",
			    i ? "," : " ");
		else
			snprintf(buf + n, sizeof(buf) - n, "%s%u",
			    i ? "," : " ", (unsigned)m.origins[i]);
	}
	return buf;
}

static int
line(struct bgp_table *t, const char *s, const char **why)
{
	*why = NULL;
	if (bgp_table_format(t) == BGP_FORMAT_PFX2AS)
		return bgp_pfx2as_line(t, s, strlen(s), why);
	return bgp_bgpdump_line(t, s, strlen(s), why);
}

static void
test_pfx2as(void)
{
	static const char *const good[] = {
		"192.0.2.0\t24\t64496",
		"198.51.100.160\t27\t64512_64513",
		"203.0.113.128\t26\t64514,64515",
		"203.0.113.0\t25\t64520_64521,64522",
		"2001:db8::\t32\t4200000001",
		"2001:db8:e00::\t48\t64512_64513",
		"2001:db8:e01::\t48\t64514,64515",
		"192.0.2.128 25 64497",		/* blanks instead of tabs */
		"198.51.100.0\t24\t1.10",	/* asdot */
		"",
		"# comment",
	};
	static const char *const bad[] = {
		"192.0.2.0\t24",
		"192.0.2.0\t24\t1\t2",
		"192.0.2.1\t24\t1",
		"192.0.2.0\t33\t1",
		"2001:db8::\t129\t1",
		"192.0.2\t24\t1",
		"192.0.2.0\t24\tAS1",
		"192.0.2.0\t24\t1__2",
		"192.0.2.0\t24\t1,",
		"192.0.2.0\t24\t4294967296",
		"192.0.2.0\t-1\t1",
	};
	struct bgp_table *t = bgp_table_new("t.pfx2as", BGP_FORMAT_PFX2AS);
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(line(t, good[i], &why) >= 0, "good: \"%s\"", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(line(t, bad[i], &why) < 0 && why != NULL,
		    "bad: \"%s\": %s", bad[i], why ? why : "");
	tap_eq_i64(line(t, "0.0.0.0\t0\t1", &why), 1, "default route skipped");
	bgp_table_build(t);
	tap_eq_str(lookup(t, "192.0.2.7"), "192.0.2.0/24 64496", "single origin");
	tap_eq_str(lookup(t, "192.0.2.200"), "192.0.2.128/25 64497",
	    "more specific wins");
	tap_eq_str(lookup(t, "198.51.100.170"),
	    "198.51.100.160/27 64512,64513", "multi-origin: both origins");
	tap_eq_str(lookup(t, "198.51.100.1"), "198.51.100.0/24 65546",
	    "asdot 1.10 = 65546");
	tap_eq_str(lookup(t, "203.0.113.130"), "203.0.113.128/26 set",
	    "AS set: origin NONE");
	tap_eq_str(lookup(t, "203.0.113.1"), "203.0.113.0/25 64520,set",
	    "MOAS with an AS set member");
	tap_eq_str(lookup(t, "2001:db8:e00::1"), "2001:db8:e00::/48 64512,64513",
	    "IPv6 multi-origin");
	tap_eq_str(lookup(t, "2001:db8:e01::1"), "2001:db8:e01::/48 set",
	    "IPv6 AS set");
	tap_eq_str(lookup(t, "2001:db8:1::1"), "2001:db8::/32 4200000001",
	    "IPv6 32-bit AS");
	tap_eq_str(lookup(t, "10.0.0.1"), "unrouted", "no route: unrouted");
	tap_eq_str(lookup(t, "2001:db9::1"), "unrouted", "no IPv6 route");
	tap_eq_i64((int64_t)bgp_table_count(t), 9, "9 prefixes");
	bgp_table_free(t);
}

static void
test_bgpdump(void)
{
	static const char *const good[] = {
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|192.0.2.0/24|64496|IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.241|64497|192.0.2.0/24|64497 64496|IGP|192.0.2.241|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|198.51.100.32/28|64496 64501 64501 64501|IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP2|1795878174|B|192.0.2.240|64496|203.0.113.128/26|64496 {64514,64515}|IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|198.51.100.160/27|64496 64512|IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.241|64497|198.51.100.160/27|64497 64499 64513|IGP|192.0.2.241|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|2001:db8::240|64496|2001:db8:e01::/48|64496 {64514,64515}|IGP|2001:db8::240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|2001:db8::240|64496|2001:db8:100::/48|64496 64500|IGP|2001:db8::240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|198.51.100.64/28||IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|198.51.100.96/28|64496 (65001 65002) 64503|IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|198.51.100.128/28|64496 (65001 65002)|IGP|192.0.2.240|0|0||NAG||",
		"TABLE_DUMP|1795878173|B|192.0.2.240|64496|198.51.100.144/28|64496 64504|IGP|192.0.2.240|0|0||NAG||",
	};
	static const char *const bad[] = {
		"BGP4MP|1795878173|A|192.0.2.240|64496|192.0.2.0/24|64496|IGP",
		"TABLE_DUMP2|1795878173|W|192.0.2.240|64496|192.0.2.0/24",
		"TABLE_DUMP2|1795878173|B|192.0.2.240|64496|192.0.2.0/24",
		"TABLE_DUMP2|x|B|192.0.2.240|64496|192.0.2.0/24|1|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|64496|192.0.2.1/24|1|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|x|192.0.2.0/24|1|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|1|192.0.2.0/24|1 x 2|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|1|192.0.2.0/24|1 {2,3|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|1|192.0.2.0/24|1 {}|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|1|192.0.2.0/24|1 2}|IGP",
		"TABLE_DUMP2|1|B|192.0.2.240|1|192.0.2.0/24|1 {2,3}4|IGP",
		"not a line",
	};
	struct bgp_table *t = bgp_table_new("t.rib", BGP_FORMAT_BGPDUMP);
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(line(t, good[i], &why) == 0, "good %zu: %s", i,
		    why ? why : "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(line(t, bad[i], &why) < 0 && why != NULL,
		    "bad %zu: %s", i, why ? why : "");
	tap_eq_i64(line(t, "TABLE_DUMP2|1|B|192.0.2.240|1|0.0.0.0/0|1 2|IGP",
	    &why), 1, "default route skipped");
	bgp_table_build(t);
	tap_eq_i64(bgp_table_time(t), 1795878174, "time: the newest record");
	tap_eq_str(lookup(t, "192.0.2.1"), "192.0.2.0/24 64496",
	    "two peers, one origin");
	tap_eq_str(lookup(t, "198.51.100.33"), "198.51.100.32/28 64501",
	    "prepended origin");
	tap_eq_str(lookup(t, "203.0.113.129"), "203.0.113.128/26 set",
	    "AS_SET at the end: origin NONE");
	tap_eq_str(lookup(t, "198.51.100.161"),
	    "198.51.100.160/27 64512,64513", "MOAS from two peers");
	tap_eq_str(lookup(t, "2001:db8:e01::9"), "2001:db8:e01::/48 set",
	    "IPv6 AS_SET");
	tap_eq_str(lookup(t, "2001:db8:100::1"), "2001:db8:100::/48 64500",
	    "IPv6 origin");
	tap_eq_str(lookup(t, "198.51.100.65"), "198.51.100.64/28 64496",
	    "empty path: the peer's own route");
	tap_eq_str(lookup(t, "198.51.100.97"), "198.51.100.96/28 64503",
	    "confederation inside the path");
	tap_eq_str(lookup(t, "198.51.100.129"), "198.51.100.128/28 set",
	    "confederation segment at the end: NONE");
	tap_eq_str(lookup(t, "198.51.100.145"), "198.51.100.144/28 64504",
	    "TABLE_DUMP (v1)");
	bgp_table_free(t);
}

static char *
write_tmp(const char *dir, const char *name, const char *text)
{
	char *p = xmalloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	sprintf(p, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static void
test_load(void)
{
	char dir[] = "/tmp/test_bgp.XXXXXX", err[512];
	char *p, *r, *b, *big;
	struct bgp_table *t;
	const struct bgp_stats *st;
	size_t i;
	FILE *f;

	if (!tap_ok(mkdtemp(dir) != NULL, "temp dir"))
		return;
	p = write_tmp(dir, "pfx2as", "# CAIDA\n192.0.2.0\t24\t1\n"
	    "192.0.2.1\t24\t1\n\n198.51.100.0\t24\t2_3\nbroken\n"
	    "2001:db8::\t32\t4\r\n");
	r = write_tmp(dir, "rib", "TABLE_DUMP2|1795878173|B|192.0.2.240|64496|"
	    "192.0.2.0/24|64496 1|IGP|192.0.2.240|0|0||NAG||\n"
	    "TABLE_DUMP2|1795878173|B|192.0.2.240|64496|192.0.2.0/24|64496 {1|"
	    "IGP|192.0.2.240|0|0||NAG||\n");
	b = write_tmp(dir, "bad", "junk\nmore junk here\n");
	t = bgp_table_load(p, true, err, sizeof(err));
	if (tap_ok(t != NULL, "load prefix2as file")) {
		st = bgp_table_stats(t);
		tap_ok(bgp_table_format(t) == BGP_FORMAT_PFX2AS, "  sniffed");
		tap_eq_i64((int64_t)st->entries, 3, "  3 entries");
		tap_eq_i64((int64_t)st->bad, 2, "  2 bad lines");
		tap_eq_i64((int64_t)st->bad_kept[0].line, 3, st->bad_kept[0].why);
		tap_eq_i64((int64_t)st->bad_kept[1].line, 6, st->bad_kept[1].why);
		tap_eq_i64((int64_t)st->lines, 7, "  7 lines");
		tap_eq_str(lookup(t, "2001:db8::1"), "2001:db8::/32 4",
		    "  CRLF line");
		tap_ok(bgp_table_time(t) > 0, "  time is the mtime");
	}
	bgp_table_free(t);
	t = bgp_table_load(r, true, err, sizeof(err));
	if (tap_ok(t != NULL, "load bgpdump file")) {
		st = bgp_table_stats(t);
		tap_ok(bgp_table_format(t) == BGP_FORMAT_BGPDUMP, "  sniffed");
		tap_eq_i64((int64_t)st->bad, 1, "  1 bad line");
		tap_eq_i64((int64_t)st->bad_kept[0].line, 2, st->bad_kept[0].why);
		tap_eq_i64(bgp_table_time(t), 1795878173, "  record time");
	}
	bgp_table_free(t);
	t = bgp_table_load(b, true, err, sizeof(err));
	tap_ok(t == NULL && strstr(err, "no valid prefix2as line") != NULL &&
	    strstr(err, "line 1") != NULL, "all bad: %s", err);
	t = bgp_table_load("/nonexistent/rib", true, err, sizeof(err));
	tap_ok(t == NULL && strstr(err, "/nonexistent/rib") != NULL,
	    "missing: %s", err);
	/* A line past BGP_MAX_LINE is bad, not a crash. */
	big = xmalloc(strlen(dir) + 8);
	sprintf(big, "%s/big", dir);
	f = fopen(big, "w");
	fputs("192.0.2.0\t24\t1\n192.0.2.0\t24\t", f);
	for (i = 0; i < BGP_MAX_LINE; i++)
		fputc('1', f);
	fputs("\n", f);
	fclose(f);
	t = bgp_table_load(big, true, err, sizeof(err));
	tap_ok(t != NULL && bgp_table_stats(t)->bad == 1 &&
	    bgp_table_stats(t)->bad_kept[0].line == 2, "line too long: bad");
	bgp_table_free(t);
	unlink(p);
	unlink(r);
	unlink(b);
	unlink(big);
	rmdir(dir);
	free(p);
	free(r);
	free(b);
	free(big);
}

int
main(void)
{
	test_pfx2as();
	test_bgpdump();
	test_load();
	return tap_done();
}
