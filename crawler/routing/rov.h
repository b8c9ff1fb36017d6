/*
 * rov.h - route origin validation (RFC 6811) of the route that carries an
 * address: the longest BGP prefix covering it, with its origin AS(es),
 * checked against a VRP set.
 */
#ifndef UPTAKE_CRAWLER_ROV_H
#define UPTAKE_CRAWLER_ROV_H

#include <stdbool.h>
#include <stdint.h>

#include "lpm.h"

struct bgp_table;
struct vrp_set;

/* Ordered worst to best: with several origins the highest wins. */
enum rov_state {
	ROV_UNROUTED = 0,	/* no announcement covers the address */
	ROV_NOT_FOUND,		/* no VRP covers the route */
	ROV_INVALID_AS,		/* covered, no VRP for the origin AS */
	ROV_INVALID_LENGTH,	/* a VRP for the origin AS, maxLength too short */
	ROV_VALID,		/* a VRP for the origin AS allows this length */
};

/* The schema's text: "unrouted", "not_found", "invalid_as",
 * "invalid_length", "valid". */
const char *rov_state_name(enum rov_state s);

/*
 * RFC 6811 for one route: prefix and origin AS; origin_none for a route
 * whose AS path ends in an AS_SET (origin NONE, matching no VRP).  VRPs
 * for AS 0 cover but match no origin (RFC 6483 section 4).  Returns
 * ROV_NOT_FOUND, ROV_INVALID_AS, ROV_INVALID_LENGTH or ROV_VALID.
 */
enum rov_state rov_validate(const struct vrp_set *v,
	const struct lpm_prefix *route, uint32_t origin, bool origin_none);

struct rov_result {
	enum rov_state state;
	bool routed;			/* a BGP prefix covers the address */
	struct lpm_prefix prefix;	/* that prefix, when routed */
	bool has_origin;		/* false: unrouted, or only AS_SET origins */
	uint32_t origin;		/* the origin the state is for */
	unsigned norigins;		/* origins of the prefix (MOAS: > 1) */
	bool roa_covered;		/* a VRP covers the route */
};

/*
 * The route of addr in b, validated against v.  With several origins
 * (MOAS) each is validated and the best state kept (valid, then
 * invalid_length, then invalid_as); origin is the lowest AS number that
 * reaches it.  A NULL v validates nothing: state is ROV_NOT_FOUND for a
 * routed address (callers leave the ROV column null then).
 */
void rov_check(const struct bgp_table *b, const struct vrp_set *v,
	const struct netaddr *addr, struct rov_result *out);

#endif
