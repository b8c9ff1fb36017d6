/*
 * addrcheck.c - the address modules (VRPs, BGP, ROV, geo) against a
 * testbed world's ground truth, without the crawler.
 *
 *   addrcheck [--state DIR] [--vrps SOURCE]... [--bgp FILE]...
 *             [--rtr-unreachable rtr://HOST:PORT]
 *
 * DIR (default $UPTAKE_TESTBED_STATE) holds truth.jsonl and routing/.
 * Without --vrps, every VRP file of routing/ is tried (rpki-client JSON,
 * Routinator JSON, Routinator CSV, rpki-client CSV); without --bgp, both
 * pfx2as.txt and rib.txt.  For each combination and each domain, the
 * v4_*, v6_* and hosting_* columns computed from web_ipv4/web_ipv6 must
 * equal the truth.  --rtr-unreachable checks that a cache that is not
 * there is a clear error within the timeout.  TAP output.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "addr.h"
#include "bgp.h"
#include "geo.h"
#include "log.h"
#include "lpm.h"
#include "tap.h"
#include "util.h"
#include "vrp.h"

#define MAX_SOURCES 8
#define UNREACHABLE_TIMEOUT_S 5

static const char *const vrp_files[] = {
	"vrps.json", "vrps-routinator.json", "vrps.csv", "vrps-rpki-client.csv",
};
static const char *const bgp_files[] = { "pfx2as.txt", "rib.txt" };

static char *
path_in(const char *state, const char *file)
{
	size_t n = strlen(state) + strlen(file) + 16;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/routing/%s", state, file);
	return p;
}

static json_t *
computed(const struct addr_ctx *c, const json_t *truth)
{
	const json_t *w4 = json_object_get(truth, "web_ipv4");
	const json_t *w6 = json_object_get(truth, "web_ipv6");
	struct netaddr a4, a6;
	const struct netaddr *p4 = NULL, *p6 = NULL;
	struct addr_result r;
	json_t *o = json_object();
	int af;

	if (json_is_string(w4) && netaddr_parse(json_string_value(w4),
	    json_string_length(w4), &a4) == 0)
		p4 = &a4;
	if (json_is_string(w6) && netaddr_parse(json_string_value(w6),
	    json_string_length(w6), &a6) == 0)
		p6 = &a6;
	addr_lookup(c, p4, p6, &r);
	for (af = 0; af < 2; af++) {
		struct addr_columns col;
		char k[32];
		const char *fam = af == 0 ? "v4" : "v6";

		addr_columns(c, &r, (enum lpm_af)af, &col);
		snprintf(k, sizeof(k), "%s_origin_asn", fam);
		json_object_set_new(o, k, col.have_origin ?
		    json_integer(col.origin_asn) : json_null());
		snprintf(k, sizeof(k), "%s_prefix", fam);
		json_object_set_new(o, k, col.have_prefix ?
		    json_string(col.prefix) : json_null());
		snprintf(k, sizeof(k), "%s_rov", fam);
		json_object_set_new(o, k, col.have_rov ?
		    json_string(col.rov) : json_null());
	}
	json_object_set_new(o, "hosting_country", r.have_country ?
	    json_string(r.country) : json_null());
	json_object_set_new(o, "hosting_asn", r.have_asn ?
	    json_integer(r.asn) : json_null());
	json_object_set_new(o, "hosting_as_org", r.have_org ?
	    json_string(r.org) : json_null());
	return o;
}

static void
compare_all(const char *label, const struct addr_ctx *c, json_t *truth)
{
	size_t i;
	json_t *t;

	json_array_foreach(truth, i, t) {
		json_t *got = computed(c, t);
		const char *k;
		json_t *v;
		bool ok = true;

		json_object_foreach(got, k, v) {
			json_t *want = json_object_get(t, k);

			if (want == NULL)
				want = json_null();
			if (!json_equal(v, want)) {
				char *gs = json_dumps(v, JSON_ENCODE_ANY);
				char *ws = json_dumps(want, JSON_ENCODE_ANY);

				tap_diag("%s: %s: %s = %s, truth %s", label,
				    json_string_value(json_object_get(t,
				    "domain")), k, gs, ws);
				free(gs);
				free(ws);
				ok = false;
			}
		}
		tap_ok(ok, "%s: %s", label,
		    json_string_value(json_object_get(t, "domain")));
		json_decref(got);
	}
}

static json_t *
read_truth(const char *state)
{
	size_t n = strlen(state) + 32;
	char *p = xmalloc(n), *line = NULL;
	size_t cap = 0;
	json_t *arr = json_array();
	FILE *f;

	snprintf(p, n, "%s/truth.jsonl", state);
	f = fopen(p, "r");
	if (f == NULL) {
		fprintf(stderr, "addrcheck: %s: cannot open\n", p);
		exit(2);
	}
	while (getline(&line, &cap, f) > 0) {
		json_error_t e;
		json_t *o = json_loads(line, 0, &e);

		if (o == NULL) {
			fprintf(stderr, "addrcheck: %s:%d: %s\n", p, e.line,
			    e.text);
			exit(2);
		}
		json_array_append_new(arr, o);
	}
	free(line);
	fclose(f);
	free(p);
	return arr;
}

/* Damaged copies of a good database fail at open. */
static void
check_corrupt(const char *good)
{
	static const char *const what[] = { "truncated to half",
	    "search tree overwritten" };
	char path[] = "/tmp/addrcheck.XXXXXX", err[512];
	unsigned char *buf;
	size_t len, n;
	FILE *f = fopen(good, "rb");
	int k;

	if (f == NULL)
		return;
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	buf = xmalloc(len);
	n = fread(buf, 1, len, f);
	fclose(f);
	for (k = 0; k < 2 && n == len; k++) {
		int fd = mkstemp(path);
		struct geo_db *db;
		size_t wlen = len;

		if (k == 0)
			wlen = len / 2;
		else
			memset(buf, 0xff, len / 4);
		if (fd < 0 || write(fd, buf, wlen) != (ssize_t)wlen) {
			tap_ok(false, "write %s", path);
			continue;
		}
		close(fd);
		db = geo_db_open(path, GEO_KIND_COUNTRY, err, sizeof(err));
		tap_ok(db == NULL, "geo.mmdb %s: refused at open", what[k]);
		if (db == NULL)
			tap_diag("%s", err);
		geo_db_close(db);
		unlink(path);
		strcpy(path, "/tmp/addrcheck.XXXXXX");
	}
	free(buf);
}

static void
check_unreachable(const char *src)
{
	struct vrp_options o;
	char err[512];
	struct vrp_set *v;
	uint64_t t0 = now_monotonic_us();
	double el;

	vrp_options_default(&o);
	o.rtr_timeout_s = UNREACHABLE_TIMEOUT_S;
	v = vrp_set_load(src, &o, err, sizeof(err));
	el = (double)(now_monotonic_us() - t0) / 1e6;
	tap_ok(v == NULL, "%s: load fails", src);
	if (v == NULL) {
		tap_diag("error: %s (after %.1f s)", err, el);
		tap_ok(strstr(err, src) != NULL, "the error names the cache");
	}
	tap_ok(el < UNREACHABLE_TIMEOUT_S + 2, "within the timeout (%.1f s)",
	    el);
	vrp_set_free(v);
}

int
main(int argc, char **argv)
{
	const char *state = getenv("UPTAKE_TESTBED_STATE");
	const char *vsrc[MAX_SOURCES], *bsrc[MAX_SOURCES];
	char *owned[2 * MAX_SOURCES + 2];
	size_t nv = 0, nb = 0, nown = 0, i, j;
	const char *unreachable = NULL;
	struct addr_ctx c;
	json_t *truth;
	char err[512];
	int k;

	log_set_progname("addrcheck");
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--state") == 0 && k + 1 < argc)
			state = argv[++k];
		else if (strcmp(argv[k], "--vrps") == 0 && k + 1 < argc &&
		    nv < MAX_SOURCES)
			vsrc[nv++] = argv[++k];
		else if (strcmp(argv[k], "--bgp") == 0 && k + 1 < argc &&
		    nb < MAX_SOURCES)
			bsrc[nb++] = argv[++k];
		else if (strcmp(argv[k], "--rtr-unreachable") == 0 &&
		    k + 1 < argc)
			unreachable = argv[++k];
		else {
			fprintf(stderr, "usage: addrcheck [--state DIR] "
			    "[--vrps SOURCE]... [--bgp FILE]... "
			    "[--rtr-unreachable rtr://HOST:PORT]\n");
			return 2;
		}
	}
	if (state == NULL) {
		fprintf(stderr, "addrcheck: no --state and UPTAKE_TESTBED_STATE "
		    "not set\n");
		return 2;
	}
	if (nv == 0)
		for (i = 0; i < sizeof(vrp_files) / sizeof(vrp_files[0]); i++)
			vsrc[nv++] = owned[nown++] = path_in(state,
			    vrp_files[i]);
	if (nb == 0)
		for (i = 0; i < sizeof(bgp_files) / sizeof(bgp_files[0]); i++)
			bsrc[nb++] = owned[nown++] = path_in(state,
			    bgp_files[i]);
	owned[nown] = path_in(state, "geo.mmdb");
	memset(&c, 0, sizeof(c));
	c.geoip = geo_db_open(owned[nown], GEO_KIND_COUNTRY, err, sizeof(err));
	if (!tap_ok(c.geoip != NULL, "open geo.mmdb"))
		tap_diag("%s", err);
	check_corrupt(owned[nown]);
	free(owned[nown]);
	owned[nown] = path_in(state, "asn.mmdb");
	c.asn_db = geo_db_open(owned[nown], GEO_KIND_ASN, err, sizeof(err));
	if (!tap_ok(c.asn_db != NULL, "open asn.mmdb"))
		tap_diag("%s", err);
	free(owned[nown]);
	if (c.geoip != NULL && c.asn_db != NULL)
		tap_ok(geo_db_build_time(c.geoip) > 0 &&
		    geo_db_build_time(c.asn_db) > 0, "build times %lld, %lld",
		    (long long)geo_db_build_time(c.geoip),
		    (long long)geo_db_build_time(c.asn_db));
	truth = read_truth(state);

	for (i = 0; i < nv; i++) {
		struct vrp_options o;
		struct vrp_set *v;

		vrp_options_default(&o);
		o.now = time(NULL);
		v = vrp_set_load(vsrc[i], &o, err, sizeof(err));
		if (!tap_ok(v != NULL, "load %s", vsrc[i])) {
			tap_diag("%s", err);
			continue;
		}
		tap_ok(vrp_set_stats(v)->bad == 0 && vrp_set_count(v) > 0,
		    "%s: %zu VRPs, no bad entry, time %lld", vsrc[i],
		    vrp_set_count(v), (long long)vrp_set_time(v));
		for (j = 0; j < nb; j++) {
			struct bgp_table *b = bgp_table_load(bsrc[j], false,
			    err, sizeof(err));
			char label[512];

			if (!tap_ok(b != NULL, "load %s", bsrc[j])) {
				tap_diag("%s", err);
				continue;
			}
			c.bgp = b;
			c.vrps = v;
			snprintf(label, sizeof(label), "%s + %s",
			    strrchr(vsrc[i], '/') ? strrchr(vsrc[i], '/') + 1 :
			    vsrc[i], strrchr(bsrc[j], '/') ?
			    strrchr(bsrc[j], '/') + 1 : bsrc[j]);
			compare_all(label, &c, truth);
			c.bgp = NULL;
			c.vrps = NULL;
			bgp_table_free(b);
		}
		vrp_set_free(v);
	}
	if (unreachable != NULL)
		check_unreachable(unreachable);

	json_decref(truth);
	geo_db_close(c.geoip);
	geo_db_close(c.asn_db);
	for (i = 0; i < nown; i++)
		free(owned[i]);
	return tap_done();
}
