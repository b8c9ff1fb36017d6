/*
 * addr.c - the address stage: route, origin, ROV state, geo and ASN of a
 * domain's web addresses.  Column rules: docs/rpki.md.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "bgp.h"
#include "geo.h"
#include "log.h"
#include "rov.h"
#include "snapshot.h"
#include "util.h"
#include "vrp.h"

void
addr_lookup(const struct addr_ctx *c, const struct netaddr *v4,
	const struct netaddr *v6, struct addr_result *out)
{
	const struct netaddr *a[2] = { v4, v6 }, *probed;
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < 2; i++) {
		if (a[i] == NULL)
			continue;
		out->have[i] = true;
		if (c->bgp != NULL)
			rov_check(c->bgp, c->vrps, a[i], &out->rov[i]);
	}
	probed = v4 != NULL ? v4 : v6;
	if (probed == NULL)
		return;
	if (c->geoip != NULL)
		out->have_country = geo_country(c->geoip, probed, out->country);
	if (c->asn_db != NULL) {
		out->have_asn = geo_asn(c->asn_db, probed, &out->asn, out->org,
		    sizeof(out->org));
		out->have_org = out->have_asn && out->org[0] != '\0';
	}
}

void
addr_columns(const struct addr_ctx *c, const struct addr_result *r,
	enum lpm_af af, struct addr_columns *out)
{
	const struct rov_result *rv = &r->rov[af];

	memset(out, 0, sizeof(*out));
	if (!r->have[af] || c->bgp == NULL)
		return;
	if (rv->routed) {
		out->have_prefix = true;
		lpm_prefix_format(&rv->prefix, out->prefix,
		    sizeof(out->prefix));
		if (rv->has_origin) {
			out->have_origin = true;
			out->origin_asn = rv->origin;
		}
	}
	/* The state needs both the BGP table and the VRPs. */
	if (c->vrps != NULL) {
		out->have_rov = true;
		out->rov = rov_state_name(rv->state);
	}
}

void
addr_data_free(struct addr_data *d)
{
	bgp_table_free(d->bgp);
	vrp_set_free(d->vrps);
	geo_db_close(d->geoip);
	geo_db_close(d->asn_db);
	memset(d, 0, sizeof(*d));
}

/* Append to the warning about sources not given. */
static void
missing(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? "; " : "", what);
}

int
addr_data_load(struct addr_data *d, const struct addr_data_options *o,
	char *err, size_t errlen)
{
	char e[512], warn[512] = "";
	uint64_t t0;

	memset(d, 0, sizeof(*d));
	if (o->rpki && o->bgp != NULL) {
		t0 = now_monotonic_us();
		d->bgp = bgp_table_load(o->bgp, false, e, sizeof(e));
		if (d->bgp == NULL) {
			snprintf(err, errlen, "--bgp %s", e);
			goto fail;
		}
		d->bgp_s = (double)(now_monotonic_us() - t0) / 1e6;
	}
	if (o->rpki && o->vrps != NULL) {
		struct vrp_options vo;

		vrp_options_default(&vo);
		vo.now = o->now;
		if (o->rtr_timeout_s != 0)
			vo.rtr_timeout_s = o->rtr_timeout_s;
		t0 = now_monotonic_us();
		d->vrps = vrp_set_load(o->vrps, &vo, e, sizeof(e));
		if (d->vrps == NULL) {
			snprintf(err, errlen, "--vrps %s", e);
			goto fail;
		}
		d->vrps_s = (double)(now_monotonic_us() - t0) / 1e6;
	}
	if (o->geo && o->geoip != NULL) {
		d->geoip = geo_db_open(o->geoip, GEO_KIND_COUNTRY, e, sizeof(e));
		if (d->geoip == NULL) {
			snprintf(err, errlen, "--geoip %s", e);
			goto fail;
		}
	}
	if (o->geo && o->asn_db != NULL) {
		d->asn_db = geo_db_open(o->asn_db, GEO_KIND_ASN, e, sizeof(e));
		if (d->asn_db == NULL) {
			snprintf(err, errlen, "--asn-db %s", e);
			goto fail;
		}
	}
	if (o->rpki && o->bgp == NULL)
		missing(warn, sizeof(warn), "no --bgp: v4_*/v6_* columns null");
	else if (o->rpki && o->vrps == NULL)
		missing(warn, sizeof(warn), "no --vrps: v4_rov/v6_rov null");
	if (o->geo && o->geoip == NULL)
		missing(warn, sizeof(warn), "no --geoip: hosting_country null");
	if (o->geo && o->asn_db == NULL)
		missing(warn, sizeof(warn), "no --asn-db: hosting_asn and "
		    "hosting_as_org null");
	if (warn[0] != '\0')
		log_warn("addr", "%s", warn);
	d->ctx.bgp = d->bgp;
	d->ctx.vrps = d->vrps;
	d->ctx.geoip = d->geoip;
	d->ctx.asn_db = d->asn_db;
	return 0;
fail:
	addr_data_free(d);
	return -1;
}

static void
utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
addr_data_provenance(const struct addr_data *d,
	void (*fn)(void *arg, const char *key, const char *value), void *arg)
{
	char t[64];

	if (d->vrps != NULL) {
		fn(arg, SNAPSHOT_KEY_VRP_SOURCE, vrp_set_source(d->vrps));
		utc(vrp_set_time(d->vrps), t, sizeof(t));
		fn(arg, SNAPSHOT_KEY_VRP_TIME, t);
	}
	if (d->bgp != NULL) {
		fn(arg, SNAPSHOT_KEY_BGP_SOURCE, bgp_table_source(d->bgp));
		utc(bgp_table_time(d->bgp), t, sizeof(t));
		fn(arg, SNAPSHOT_KEY_BGP_TIME, t);
	}
	if (d->geoip != NULL) {
		fn(arg, SNAPSHOT_KEY_GEOIP_SOURCE, geo_db_path(d->geoip));
		utc(geo_db_build_time(d->geoip), t, sizeof(t));
		fn(arg, SNAPSHOT_KEY_GEOIP_BUILD, t);
	}
	if (d->asn_db != NULL) {
		fn(arg, SNAPSHOT_KEY_ASN_DB_SOURCE, geo_db_path(d->asn_db));
		utc(geo_db_build_time(d->asn_db), t, sizeof(t));
		fn(arg, SNAPSHOT_KEY_ASN_DB_BUILD, t);
	}
}

void
addr_data_summary(const struct addr_data *d, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (d->vrps != NULL) {
		const struct vrp_stats *s = vrp_set_stats(d->vrps);

		n = strlen(buf);
		snprintf(buf + n, len - n, "%svrps %s: %zu VRPs (bad %llu, "
		    "expired %llu) in %.1fs, %.1f MB", n ? "; " : "",
		    vrp_set_source(d->vrps), vrp_set_count(d->vrps),
		    (unsigned long long)s->bad, (unsigned long long)s->expired,
		    d->vrps_s, (double)vrp_set_memory(d->vrps) / 1e6);
	}
	if (d->bgp != NULL) {
		const struct bgp_stats *s = bgp_table_stats(d->bgp);

		n = strlen(buf);
		snprintf(buf + n, len - n, "%sbgp %s: %zu prefixes (bad lines "
		    "%llu) in %.1fs, %.1f MB", n ? "; " : "",
		    bgp_table_source(d->bgp), bgp_table_count(d->bgp),
		    (unsigned long long)s->bad, d->bgp_s,
		    (double)bgp_table_memory(d->bgp) / 1e6);
	}
	if (d->geoip != NULL) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%sgeoip %s (%s)", n ? "; " : "",
		    geo_db_path(d->geoip), geo_db_type(d->geoip));
	}
	if (d->asn_db != NULL) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%sasn-db %s (%s)", n ? "; " : "",
		    geo_db_path(d->asn_db), geo_db_type(d->asn_db));
	}
}
