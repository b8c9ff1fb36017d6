/*
 * rov.c - route origin validation, RFC 6811 section 2.
 *
 * For a route (prefix P of length L, origin AS O):
 *   - a VRP covers the route when it is of P's family, its prefix length
 *     is at most L and P's first bits equal its prefix;
 *   - a VRP matches when it covers the route, its AS is O and L is at most
 *     its maxLength;
 *   - valid: some VRP matches; invalid: some VRP covers but none matches;
 *     not found: no VRP covers.
 * Invalid is split, as RPKI dashboards do, into invalid_length (a covering
 * VRP has the origin AS but a maxLength below L: the origin is authorised,
 * the prefix too specific) and invalid_as (no covering VRP names O).
 * Neither an origin NONE (AS_SET) nor an AS 0 VRP ever matches.
 */
#include "config.h"

#include <string.h>

#include "bgp.h"
#include "lpm.h"
#include "rov.h"
#include "vrp.h"

const char *
rov_state_name(enum rov_state s)
{
	switch (s) {
	case ROV_UNROUTED:
		return "unrouted";
	case ROV_NOT_FOUND:
		return "not_found";
	case ROV_INVALID_AS:
		return "invalid_as";
	case ROV_INVALID_LENGTH:
		return "invalid_length";
	case ROV_VALID:
		return "valid";
	}
	return "unknown";
}

struct rov_walk {
	unsigned len;
	uint32_t origin;
	bool origin_none;
	bool covered;
	bool as_match;		/* a covering VRP names the origin */
	bool valid;
};

static bool
walk_cb(void *arg, const struct lpm_prefix *vp, const struct vrp *r)
{
	struct rov_walk *w = arg;

	(void)vp;
	w->covered = true;
	if (w->origin_none || r->asn == 0 || r->asn != w->origin)
		return true;
	w->as_match = true;
	if (w->len <= r->maxlen) {
		w->valid = true;
		return false;	/* nothing beats valid */
	}
	return true;
}

enum rov_state
rov_validate(const struct vrp_set *v, const struct lpm_prefix *route,
	uint32_t origin, bool origin_none)
{
	struct rov_walk w;

	memset(&w, 0, sizeof(w));
	w.len = route->len;
	w.origin = origin;
	w.origin_none = origin_none;
	vrp_set_covering(v, route, walk_cb, &w);
	if (w.valid)
		return ROV_VALID;
	if (w.as_match)
		return ROV_INVALID_LENGTH;
	if (w.covered)
		return ROV_INVALID_AS;
	return ROV_NOT_FOUND;
}

void
rov_check(const struct bgp_table *b, const struct vrp_set *v,
	const struct netaddr *addr, struct rov_result *out)
{
	struct bgp_match m;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->state = ROV_UNROUTED;
	if (b == NULL || !bgp_table_match(b, addr, &m))
		return;
	out->routed = true;
	out->prefix = m.prefix;
	out->norigins = (unsigned)m.norigins;
	out->state = ROV_NOT_FOUND;
	/* Origins are sorted: plain AS numbers (lowest first), then the
	 * AS_SET marker.  Keep the first origin reaching the best state. */
	for (i = 0; i < m.norigins; i++) {
		bool none = (m.origins[i] & BGP_ORIGIN_AS_SET) != 0;
		uint32_t asn = none ? 0 : (uint32_t)m.origins[i];
		enum rov_state s = v != NULL ?
		    rov_validate(v, &m.prefix, asn, none) : ROV_NOT_FOUND;

		if (i == 0 || s > out->state) {
			out->state = s;
			out->has_origin = !none;
			out->origin = asn;
		} else if (s == out->state && !out->has_origin && !none) {
			out->has_origin = true;
			out->origin = asn;
		}
	}
	out->roa_covered = out->state >= ROV_INVALID_AS;
}
