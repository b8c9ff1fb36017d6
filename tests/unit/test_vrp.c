/*
 * test_vrp.c - VRP loaders: rpki-client and Routinator JSON (AS numbers as
 * numbers and as "AS123" strings), CSV with 4 and 5 columns, bad entries
 * counted with their line, unusable input rejected with file:line, an RTR
 * cache that is not there, the RTR PDU parser on good and hostile bytes,
 * and a cache that speaks only version 0 after an Error Report.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lpm.h"
#include "tap.h"
#include "util.h"
#include "vrp.h"
#include "vrp_int.h"

static struct vrp_options opts;

static struct vrp_set *
json(const char *text, int *rc, char *err, size_t errlen)
{
	struct vrp_set *v = vrp_set_new("t.json", VRP_FORMAT_JSON);

	*rc = vrp_json_parse(v, text, strlen(text), &opts, err, errlen);
	vrp_set_build(v);
	return v;
}

static struct vrp_set *
csv(const char *text, int *rc, char *err, size_t errlen)
{
	struct vrp_set *v = vrp_set_new("t.csv", VRP_FORMAT_CSV);

	*rc = vrp_csv_parse(v, text, strlen(text), &opts, err, errlen);
	vrp_set_build(v);
	return v;
}

struct collect {
	char buf[512];
};

static bool
collect_cb(void *arg, const struct lpm_prefix *vp, const struct vrp *r)
{
	struct collect *c = arg;
	char p[LPM_PREFIX_STRLEN];
	size_t n = strlen(c->buf);

	lpm_prefix_format(vp, p, sizeof(p));
	snprintf(c->buf + n, sizeof(c->buf) - n, "%s%s-%u-AS%u",
	    n ? " " : "", p, (unsigned)r->maxlen, r->asn);
	return true;
}

/* The VRPs covering route, as "prefix-maxlen-ASn" longest first. */
static const char *
covering(const struct vrp_set *v, const char *route)
{
	static struct collect c;
	struct lpm_prefix p;

	c.buf[0] = '\0';
	if (lpm_prefix_parse(route, strlen(route), &p) != 0)
		return "(bad route)";
	vrp_set_covering(v, &p, collect_cb, &c);
	return c.buf;
}

static void
test_json(void)
{
	static const char rpki_client[] =
	    "{\n"
	    "\t\"metadata\": {\"buildmachine\": \"x\", \"buildtime\": "
	    "\"2026-11-28T15:02:53Z\", \"roas\": 3},\n"
	    "\t\"roas\": [\n"
	    "\t\t{\"asn\": 64496, \"prefix\": \"192.0.2.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"ripe\", \"expires\": 1858950176},\n"
	    "\t\t{\"asn\": 4200000001, \"prefix\": \"2001:db8::/32\", "
	    "\"maxLength\": 48, \"ta\": \"apnic\", \"expires\": 1858950176},\n"
	    "\t\t{\"asn\": 0, \"prefix\": \"203.0.113.0/24\", "
	    "\"maxLength\": 32, \"ta\": \"ripe\", \"expires\": 1858950176}\n"
	    "\t],\n"
	    "\t\"bgpsec_keys\": [], \"aspas\": [{\"customer\": 1, "
	    "\"note\": \"]}\\\"[{\"}], \"nonfunc_cas\": []\n"
	    "}\n";
	static const char routinator[] =
	    "{\"metadata\": {\"generated\": 1795878173, \"generatedTime\": "
	    "\"2026-11-28T15:02:53Z\"},\n"
	    " \"roas\": [{\"asn\": \"AS64496\", \"prefix\": \"192.0.2.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"ripe\"},\n"
	    "  {\"asn\": \"as64497\", \"prefix\": \"198.51.100.0/24\", "
	    "\"maxLength\": 28, \"ta\": \"ripe\"},\n"
	    "  {\"asn\": \"64498\", \"prefix\": \"2001:db8:1::/48\", "
	    "\"maxLength\": 48, \"ta\": \"ripe\"}]}";
	static const char escaped[] =
	    "{\"ro\\u0061s\": [{\"prefix\": \"192.0.2.0/24\", \"asn\": 1}]}";
	static const char bad[] =
	    "{\"roas\": [\n"
	    "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24},\n"
	    "{\"asn\": 1, \"prefix\": \"192.0.2.1/24\", \"maxLength\": 24},\n"
	    "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 23},\n"
	    "{\"asn\": 4294967296, \"prefix\": \"192.0.2.0/24\", "
	    "\"maxLength\": 24},\n"
	    "{\"asn\": \"ASx\", \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24},\n"
	    "{\"asn\": 1, \"maxLength\": 24},\n"
	    "[1, 2],\n"
	    "{\"asn\": 1, \"asn\": 2, \"prefix\": \"192.0.2.0/24\"},\n"
	    "{\"asn\": 1, \"prefix\": \"2001:db8::/32\", \"maxLength\": 129},\n"
	    "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"expires\": 100},\n"
	    "{\"asn\": 1, \"prefix\": \"198.51.100.0/24\", \"maxLength\": 24, "
	    "\"expires\": \"soon\"}\n"
	    "]}\n";
	static const uint64_t bad_lines[] = { 3, 4, 5, 6, 7, 8, 9, 10 };
	struct vrp_set *v;
	char err[512];
	int rc;
	size_t i;

	v = json(rpki_client, &rc, err, sizeof(err));
	tap_ok(rc == 0, "rpki-client JSON parses");
	tap_eq_i64((int64_t)vrp_set_count(v), 3, "  3 VRPs");
	tap_eq_i64(vrp_set_time(v), 1795878173, "  buildtime");
	tap_eq_i64((int64_t)vrp_set_stats(v)->bad, 0, "  no bad entry");
	tap_eq_i64((int64_t)vrp_set_ta_count(v), 2, "  two TAs");
	tap_eq_str(covering(v, "192.0.2.128/25"), "192.0.2.0/24-24-AS64496",
	    "  covering a /25");
	tap_eq_str(covering(v, "2001:db8:5::/48"), "2001:db8::/32-48-AS4200000001",
	    "  32-bit AS number");
	tap_eq_str(covering(v, "203.0.113.7/32"), "203.0.113.0/24-32-AS0",
	    "  AS0 VRP kept");
	tap_eq_str(covering(v, "192.0.2.0/23"), "", "  a /23 is not covered");
	vrp_set_free(v);

	v = json(routinator, &rc, err, sizeof(err));
	tap_ok(rc == 0, "Routinator JSON (\"AS64496\" strings) parses");
	tap_eq_i64((int64_t)vrp_set_count(v), 3, "  3 VRPs");
	tap_eq_i64(vrp_set_time(v), 1795878173, "  generated");
	tap_eq_str(covering(v, "198.51.100.16/28"), "198.51.100.0/24-28-AS64497",
	    "  lower-case \"as\" prefix");
	tap_eq_str(covering(v, "2001:db8:1::/48"), "2001:db8:1::/48-48-AS64498",
	    "  bare number in a string");
	vrp_set_free(v);

	v = json(escaped, &rc, err, sizeof(err));
	tap_ok(rc == 0 && vrp_set_count(v) == 1, "escaped key decoded by "
	    "jansson; no maxLength means the prefix length");
	tap_eq_str(covering(v, "192.0.2.0/24"), "192.0.2.0/24-24-AS1",
	    "  maxLength defaults to 24");
	vrp_set_free(v);

	opts.now = 1000;
	v = json(bad, &rc, err, sizeof(err));
	opts.now = 0;
	tap_ok(rc == 0, "bad entries do not fail the file");
	tap_eq_i64((int64_t)vrp_set_count(v), 1, "  one good VRP");
	tap_eq_i64((int64_t)vrp_set_stats(v)->expired, 1, "  one expired");
	tap_eq_i64((int64_t)vrp_set_stats(v)->bad, 9, "  nine bad");
	tap_eq_i64((int64_t)vrp_set_stats(v)->entries, 11, "  eleven entries");
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
		tap_eq_i64((int64_t)vrp_set_stats(v)->bad_kept[i].line,
		    (int64_t)bad_lines[i], vrp_set_stats(v)->bad_kept[i].why);
	vrp_set_free(v);

	v = json("{\"roas\": [\n{\"asn\": 1, \"prefix\": \"192.0.2.0/24\"},\n"
	    "{\"asn\": 1, \"prefix\": \"192.0.2.0/2", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "t.json:3:") != NULL,
	    "truncated file: error at line 3 (%s)", err);
	vrp_set_free(v);
	v = json("[1, 2]", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "t.json:1: not a JSON object") != NULL,
	    "array: %s", err);
	vrp_set_free(v);
	v = json("{\"metadata\": {}}", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "no \"roas\"") != NULL, "no roas: %s",
	    err);
	vrp_set_free(v);
	v = json("{\"roas\": []} x", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "data after") != NULL, "trailing: %s",
	    err);
	vrp_set_free(v);
	v = json("{\"roas\": [] \"x\": 1}", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "expected ','") != NULL,
	    "missing comma: %s", err);
	v = (vrp_set_free(v), json("{\"roas\": [{\"asn\": 1, \"prefix\": "
	    "\"192.0.2.0/24\"} {}]}", &rc, err, sizeof(err)));
	tap_ok(rc != 0, "missing comma between elements: %s", err);
	vrp_set_free(v);
	v = json("{\"roas\": {}}", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "not an array") != NULL,
	    "roas not an array: %s", err);
	vrp_set_free(v);
	v = json("{\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]], \"roas\": []}", &rc, err, sizeof(err));
	tap_ok(rc != 0, "nesting past the bound: %s", err);
	vrp_set_free(v);
}

static void
test_csv(void)
{
	static const char routinator[] =
	    "ASN,IP Prefix,Max Length,Trust Anchor\n"
	    "AS64496,192.0.2.0/24,24,ripe\n"
	    "AS4200000001,2001:db8::/32,48,apnic\n"
	    "64497,198.51.100.0/24,26,arin\n";
	static const char rpki_client[] =
	    "ASN,IP Prefix,Max Length,Trust Anchor,Expires\r\n"
	    "AS64496,192.0.2.0/24,24,ripe,1858950176\r\n"
	    "AS64497,198.51.100.0/24,24,ripe,100\r\n"
	    "\r\n"
	    "AS64498,2001:db8::/32,32,ripe,1858950176\r\n";
	static const char bad[] =
	    "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n"
	    "AS1,192.0.2.0/24,24,ta,1858950176\n"
	    "AS1,192.0.2.0/24,24\n"
	    "ASX,192.0.2.0/24,24,ta,1\n"
	    "AS1,192.0.2.1/24,24,ta,1\n"
	    "AS1,192.0.2.0/24,16,ta,1\n"
	    "AS1,192.0.2.0/24,33,ta,1\n"
	    "AS1,192.0.2.0/24,24,ta,tomorrow\n"
	    "AS1,192.0.2.0/24,24,ta,1,2,3,4,5,6\n";
	struct vrp_set *v;
	char err[512];
	int rc;

	v = csv(routinator, &rc, err, sizeof(err));
	tap_ok(rc == 0, "Routinator CSV (4 columns) parses");
	tap_eq_i64((int64_t)vrp_set_count(v), 3, "  3 VRPs");
	tap_eq_str(covering(v, "198.51.100.64/26"), "198.51.100.0/24-26-AS64497",
	    "  ASN without \"AS\"");
	tap_eq_i64((int64_t)vrp_set_ta_count(v), 3, "  three TAs");
	vrp_set_free(v);

	opts.now = 1000;
	v = csv(rpki_client, &rc, err, sizeof(err));
	opts.now = 0;
	tap_ok(rc == 0, "rpki-client CSV (5 columns, CRLF) parses");
	tap_eq_i64((int64_t)vrp_set_count(v), 2, "  2 VRPs");
	tap_eq_i64((int64_t)vrp_set_stats(v)->expired, 1, "  1 expired");
	vrp_set_free(v);

	v = csv(bad, &rc, err, sizeof(err));
	tap_ok(rc == 0, "bad CSV lines do not fail the file");
	tap_eq_i64((int64_t)vrp_set_count(v), 1, "  one good VRP");
	tap_eq_i64((int64_t)vrp_set_stats(v)->bad, 7, "  seven bad");
	tap_eq_i64((int64_t)vrp_set_stats(v)->bad_kept[0].line, 3,
	    vrp_set_stats(v)->bad_kept[0].why);
	tap_eq_i64((int64_t)vrp_set_stats(v)->bad_kept[6].line, 9,
	    vrp_set_stats(v)->bad_kept[6].why);
	vrp_set_free(v);

	v = csv("prefix,asn\n10.0.0.0/8,1\n", &rc, err, sizeof(err));
	tap_ok(rc != 0 && strstr(err, "t.csv:1: not a VRP file") != NULL,
	    "no header: %s", err);
	vrp_set_free(v);
	v = csv("", &rc, err, sizeof(err));
	tap_ok(rc != 0, "empty: %s", err);
	vrp_set_free(v);
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
	char dir[] = "/tmp/test_vrp.XXXXXX", err[512];
	char *j, *c, *b, *e;
	struct vrp_set *v;
	struct stat st;

	if (!tap_ok(mkdtemp(dir) != NULL, "temp dir"))
		return;
	j = write_tmp(dir, "v.json", "  \n{\"roas\": [{\"asn\": \"AS1\", "
	    "\"prefix\": \"10.0.0.0/8\", \"maxLength\": 8, \"ta\": \"x\"}]}\n");
	c = write_tmp(dir, "v.csv", "ASN,IP Prefix,Max Length,Trust Anchor\n"
	    "AS1,10.0.0.0/8,8,x\n");
	b = write_tmp(dir, "bad.csv", "ASN,IP Prefix,Max Length,Trust Anchor\n"
	    "AS1,10.0.0.1/8,8,x\nAS1\n");
	e = write_tmp(dir, "empty", "");

	v = vrp_set_load(j, &opts, err, sizeof(err));
	tap_ok(v != NULL && vrp_set_format(v) == VRP_FORMAT_JSON &&
	    vrp_set_count(v) == 1, "load JSON file (sniffed)");
	stat(j, &st);
	tap_ok(v != NULL && vrp_set_time(v) == st.st_mtime,
	    "  no metadata: time is the mtime");
	tap_ok(v != NULL && strcmp(vrp_set_source(v), j) == 0, "  source");
	tap_ok(v != NULL && vrp_set_memory(v) > 0, "  memory %zu bytes",
	    v != NULL ? vrp_set_memory(v) : 0);
	vrp_set_free(v);
	v = vrp_set_load(c, &opts, err, sizeof(err));
	tap_ok(v != NULL && vrp_set_format(v) == VRP_FORMAT_CSV &&
	    vrp_set_count(v) == 1, "load CSV file (sniffed)");
	vrp_set_free(v);
	v = vrp_set_load(b, &opts, err, sizeof(err));
	tap_ok(v == NULL && strstr(err, "no valid VRP") != NULL &&
	    strstr(err, "line 2") != NULL, "all bad: %s", err);
	vrp_set_free(v);
	v = vrp_set_load(e, &opts, err, sizeof(err));
	tap_ok(v == NULL, "empty file: %s", err);
	v = vrp_set_load("/nonexistent/vrps.json", &opts, err, sizeof(err));
	tap_ok(v == NULL && strstr(err, "/nonexistent/vrps.json") != NULL,
	    "missing file: %s", err);
	v = vrp_set_load(dir, &opts, err, sizeof(err));
	tap_ok(v == NULL, "a directory: %s", err);
	unlink(j);
	unlink(c);
	unlink(b);
	unlink(e);
	rmdir(dir);
	free(j);
	free(c);
	free(b);
	free(e);
}

static void
test_rtr(void)
{
	static const char *const bad[] = {
		"rtr://", "rtr://host", "rtr://host:", "rtr://host:0",
		"rtr://host:65536", "rtr://host:x", "rtr://::1:323",
		"rtr://[::1]", "rtr://[::1:323",
	};
	struct vrp_options o = opts;
	char err[512];
	struct vrp_set *v;
	uint64_t t0;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = vrp_set_load(bad[i], &o, err, sizeof(err));
		tap_ok(v == NULL && strstr(err, "expected rtr://") != NULL,
		    "%s: %s", bad[i], err);
	}
	/* Nothing listens on port 1 of the loopback: refused at once. */
	o.rtr_timeout_s = 5;
	t0 = now_monotonic_us();
	v = vrp_set_load("rtr://127.0.0.1:1", &o, err, sizeof(err));
	tap_ok(v == NULL && strstr(err, "rtr://127.0.0.1:1") != NULL,
	    "refused cache: %s", err);
	tap_ok(now_monotonic_us() - t0 < 6000000, "  within the timeout");
	vrp_set_free(v);

	/* A cache that accepts the connection and never answers: the
	 * deadline, then a clean stop. */
	{
		struct sockaddr_in sin;
		socklen_t sl = sizeof(sin);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		char src[64];

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (!tap_ok(fd >= 0 && bind(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) == 0 && listen(fd, 4) == 0 &&
		    getsockname(fd, (struct sockaddr *)&sin, &sl) == 0,
		    "silent listener")) {
			if (fd >= 0)
				close(fd);
			return;
		}
		snprintf(src, sizeof(src), "rtr://127.0.0.1:%u",
		    (unsigned)ntohs(sin.sin_port));
		o.rtr_timeout_s = 2;
		t0 = now_monotonic_us();
		v = vrp_set_load(src, &o, err, sizeof(err));
		tap_ok(v == NULL && strstr(err, "within 2 s") != NULL,
		    "silent cache: %s", err);
		tap_ok(now_monotonic_us() - t0 < 4000000, "  after the deadline "
		    "(%.1f s)", (double)(now_monotonic_us() - t0) / 1e6);
		vrp_set_free(v);
		close(fd);
	}
}

/* Big-endian helpers for building PDUs. */
static size_t
put_hdr(uint8_t *b, uint8_t ver, uint8_t type, uint16_t sess, uint32_t len)
{
	b[0] = ver;
	b[1] = type;
	b[2] = (uint8_t)(sess >> 8);
	b[3] = (uint8_t)sess;
	b[4] = (uint8_t)(len >> 24);
	b[5] = (uint8_t)(len >> 16);
	b[6] = (uint8_t)(len >> 8);
	b[7] = (uint8_t)len;
	return 8;
}

static void
put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* An IPv4 Prefix PDU for 10.n.0.0/16-24 AS 64496+n at b; its length. */
static size_t
pdu_v4(uint8_t *b, uint8_t ver, unsigned n, bool announce)
{
	put_hdr(b, ver, 4, 0, 20);
	b[8] = announce ? 1 : 0;
	b[9] = 16;
	b[10] = 24;
	b[11] = 0;
	b[12] = 10;
	b[13] = (uint8_t)n;
	b[14] = b[15] = 0;
	put32(b + 16, 64496 + n);
	return 20;
}

static void
test_rtr_pdu(void)
{
	uint8_t b[256];
	struct vrp_rtr_pdu p;
	const char *why = NULL;
	size_t n;
	int rc;

	put_hdr(b, 1, 3, 7, 8);
	tap_ok(vrp_rtr_pdu_parse(b, 8, &p, &why) == 8 && p.type == 3 &&
	    p.session == 7, "Cache Response");
	tap_ok(vrp_rtr_pdu_parse(b, 7, &p, &why) == 0, "  7 bytes: need more");
	n = pdu_v4(b, 1, 5, true);
	rc = vrp_rtr_pdu_parse(b, n, &p, &why);
	tap_ok(rc == 20 && p.announce && p.plen == 16 && p.maxlen == 24 &&
	    p.asn == 64501 && p.addr[0] == 10 && p.addr[1] == 5 &&
	    p.af == LPM_AF_V4, "IPv4 Prefix");
	tap_ok(vrp_rtr_pdu_parse(b, 19, &p, &why) == 0, "  19 bytes: need more");
	b[9] = 33;
	tap_ok(vrp_rtr_pdu_parse(b, n, &p, &why) < 0, "  /33: rejected (%s)",
	    why);
	memset(b, 0, sizeof(b));
	put_hdr(b, 1, 6, 0, 32);
	b[8] = 1;
	b[9] = 48;
	b[10] = 64;
	b[12] = 0x20;
	b[13] = 0x01;
	put32(b + 28, 4200000000u);
	tap_ok(vrp_rtr_pdu_parse(b, 32, &p, &why) == 32 && p.af == LPM_AF_V6 &&
	    p.plen == 48 && p.maxlen == 64 && p.asn == 4200000000u &&
	    p.addr[0] == 0x20, "IPv6 Prefix");
	put_hdr(b, 1, 7, 0, 24);
	tap_ok(vrp_rtr_pdu_parse(b, 24, &p, &why) == 24, "End of Data, v1: 24");
	put_hdr(b, 0, 7, 0, 12);
	tap_ok(vrp_rtr_pdu_parse(b, 12, &p, &why) == 12, "End of Data, v0: 12");
	put_hdr(b, 1, 7, 0, 12);
	tap_ok(vrp_rtr_pdu_parse(b, 12, &p, &why) < 0, "End of Data, v1 of 12 "
	    "bytes: rejected");
	/* Error Report: no encapsulated PDU, a text. */
	put_hdr(b, 1, 10, 2, 16 + 5);
	put32(b + 8, 0);
	put32(b + 12, 5);
	memcpy(b + 16, "hello", 5);
	rc = vrp_rtr_pdu_parse(b, 21, &p, &why);
	tap_ok(rc == 21 && p.session == 2 && p.text_len == 5 &&
	    memcmp(p.text, "hello", 5) == 0, "Error Report with its text");
	tap_eq_str(vrp_rtr_error_name(p.session), "No Data Available",
	    "  code 2's name");
	put32(b + 12, 6);
	tap_ok(vrp_rtr_pdu_parse(b, 21, &p, &why) < 0, "  text length past "
	    "the PDU: rejected (%s)", why);
	put32(b + 8, 0xfffffff0u);
	tap_ok(vrp_rtr_pdu_parse(b, 21, &p, &why) < 0, "  encapsulated length "
	    "past the PDU: rejected (%s)", why);
	/* Framing. */
	put_hdr(b, 1, 3, 0, 4);
	tap_ok(vrp_rtr_pdu_parse(b, 8, &p, &why) < 0, "length below the header");
	put_hdr(b, 1, 9, 0, RTR_MAX_PDU_LEN + 1);
	tap_ok(vrp_rtr_pdu_parse(b, 8, &p, &why) < 0, "length above the limit, "
	    "rejected before it is read");
	put_hdr(b, 3, 3, 0, 8);
	tap_ok(vrp_rtr_pdu_parse(b, 8, &p, &why) < 0, "version 3: rejected");
	put_hdr(b, 1, 5, 0, 8);
	tap_ok(vrp_rtr_pdu_parse(b, 8, &p, &why) < 0, "type 5: rejected");
	put_hdr(b, 1, 9, 0, 40);
	tap_ok(vrp_rtr_pdu_parse(b, 40, &p, &why) == 40, "Router Key: stepped "
	    "over");
	/* Every truncation of a good stream asks for more, never fails. */
	{
		uint8_t s[64];
		size_t k, len = 0;
		bool fine = true;

		len += put_hdr(s, 1, 3, 0, 8);
		len += pdu_v4(s + len, 1, 1, true);
		len += put_hdr(s + len, 1, 7, 0, 24);
		memset(s + len, 0, 16);
		len += 16;
		fine &= vrp_rtr_pdu_parse(s + 28, len - 28, &p, &why) == 24;
		for (k = 0; k < 8; k++)
			fine &= vrp_rtr_pdu_parse(s, k, &p, &why) == 0;
		for (k = 8; k < 28; k++)
			fine &= vrp_rtr_pdu_parse(s + 8, k - 8, &p, &why) == 0;
		tap_ok(fine, "truncated PDUs: 0 (need more)");
	}
}

/*
 * A cache that speaks only version 0: it answers a version 1 Reset Query
 * with Error Report 4 (Unsupported Protocol Version) and closes; a
 * version 0 one with a set of three VRPs, a withdrawal and End of Data.
 */
static void
v0_cache(int lfd)
{
	for (int k = 0; k < 2; k++) {
		uint8_t q[8], out[256];
		size_t n = 0;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0 || read(fd, q, 8) != 8)
			_exit(1);
		if (q[0] != 0) {
			n += put_hdr(out, 0, 10, 4, 16);
			put32(out + 8, 0);
			put32(out + 12, 0);
			n = 16;
		} else {
			n += put_hdr(out + n, 0, 3, 1, 8);
			for (unsigned i = 0; i < 3; i++)
				n += pdu_v4(out + n, 0, i, true);
			n += pdu_v4(out + n, 0, 9, false);
			n += put_hdr(out + n, 0, 7, 1, 12);
			put32(out + n, 42);	/* serial */
			n += 4;
		}
		if (write(fd, out, n) != (ssize_t)n)
			_exit(1);
		close(fd);
	}
	_exit(0);
}

static void
test_rtr_v0(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct vrp_options o = opts;
	struct vrp_set *v;
	char src[64], err[512];
	int lfd = socket(AF_INET, SOCK_STREAM, 0), st = 0;
	pid_t pid;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!tap_ok(lfd >= 0 && bind(lfd, (struct sockaddr *)&sin,
	    sizeof(sin)) == 0 && listen(lfd, 4) == 0 &&
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == 0,
	    "version-0 cache listens"))
		return;
	pid = fork();
	if (pid == 0)
		v0_cache(lfd);
	close(lfd);
	snprintf(src, sizeof(src), "rtr://127.0.0.1:%u",
	    (unsigned)ntohs(sin.sin_port));
	o.rtr_timeout_s = 10;
	v = vrp_set_load(src, &o, err, sizeof(err));
	tap_ok(v != NULL, "version 0 after Unsupported Protocol Version: "
	    "loaded%s%s", v == NULL ? ": " : "", v == NULL ? err : "");
	if (v != NULL) {
		tap_eq_i64((int64_t)vrp_set_count(v), 3, "  three VRPs");
		tap_eq_i64((int64_t)vrp_set_stats(v)->bad, 1, "  the withdrawal "
		    "counted bad");
	}
	vrp_set_free(v);
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "  the cache saw both "
	    "queries");
}

int
main(void)
{
	vrp_options_default(&opts);
	opts.quiet = true;
	test_json();
	test_csv();
	test_load();
	test_rtr();
	test_rtr_pdu();
	test_rtr_v0();
	return tap_done();
}
