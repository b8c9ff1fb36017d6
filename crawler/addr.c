/*
 * addr.c - the address stage: route, origin, ROV state, geo and ASN of a
 * domain's web addresses.  Column rules: docs/rpki.md.
 */
#include "config.h"

#include <string.h>

#include "addr.h"
#include "bgp.h"
#include "geo.h"
#include "rov.h"
#include "vrp.h"

void
addr_lookup(const struct addr_ctx *c, const struct lpm_prefix *v4,
	const struct lpm_prefix *v6, struct addr_result *out)
{
	const struct lpm_prefix *a[2] = { v4, v6 }, *probed;
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
