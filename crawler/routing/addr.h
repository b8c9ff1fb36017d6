/*
 * addr.h - the address stage of a domain: for its web addresses, the BGP
 * route and its origin, route origin validation, hosting country and AS.
 * Pure lookups in data loaded before the crawl; no I/O.
 */
#ifndef UPTAKE_CRAWLER_ADDR_H
#define UPTAKE_CRAWLER_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "geo.h"
#include "lpm.h"
#include "rov.h"

struct bgp_table;
struct vrp_set;

/* The data, each NULL when not loaded (its columns stay null). */
struct addr_ctx {
	const struct bgp_table *bgp;
	const struct vrp_set *vrps;
	struct geo_db *geoip;
	struct geo_db *asn_db;
};

struct addr_result {
	/* Per family (0: IPv4 web address, 1: IPv6): present, and the
	 * route and ROV state when a BGP table is loaded. */
	bool have[2];
	struct rov_result rov[2];
	bool have_country;
	char country[3];
	bool have_asn;
	uint32_t asn;
	bool have_org;
	char org[GEO_MAX_ORG_LEN];
};

/*
 * Look up the web addresses v4 and v6 (either NULL when the domain has
 * none in that family).  Geo and ASN are for the address probed: v4 when
 * present, else v6.
 */
void addr_lookup(const struct addr_ctx *c, const struct netaddr *v4,
	const struct netaddr *v6, struct addr_result *out);

/* The data of a crawl, loaded once before it starts. */
struct addr_data {
	struct addr_ctx ctx;		/* points at what is below */
	struct bgp_table *bgp;
	struct vrp_set *vrps;
	struct geo_db *geoip;
	struct geo_db *asn_db;
	double bgp_s, vrps_s;		/* load times */
};

struct addr_data_options {
	const char *vrps;	/* FILE or rtr://HOST:PORT, or NULL */
	const char *bgp;
	const char *geoip;
	const char *asn_db;
	bool rpki;		/* the rpki probe is on */
	bool geo;		/* the geo probe is on */
	time_t now;		/* validation time: VRPs expired by then are
				 * dropped; 0 keeps all */
	unsigned rtr_timeout_s;	/* 0: VRP_RTR_TIMEOUT_S */
};

/*
 * Load what o names for the probes that are on.  A source that cannot be
 * used is an error: -1 with one line naming the flag and the file (or
 * cache) in err, and d left empty.  Sources not given leave their columns
 * null; that is logged once as a warning.  Returns 0.
 */
int addr_data_load(struct addr_data *d, const struct addr_data_options *o,
	char *err, size_t errlen);
void addr_data_free(struct addr_data *d);
/* Provenance key/value pairs (SNAPSHOT_KEY_VRP_SOURCE, ...) of what was
 * loaded; fn is called once per pair. */
void addr_data_provenance(const struct addr_data *d,
	void (*fn)(void *arg, const char *key, const char *value), void *arg);
/* One line for the crawl summary: sources, counts, bad entries, load
 * times and sizes; "" when nothing was loaded. */
void addr_data_summary(const struct addr_data *d, char *buf, size_t len);

/* Columns of one family (schema v1): each false when the column is null.
 * *prefix is the matched prefix's text (LPM_PREFIX_STRLEN bytes). */
struct addr_columns {
	bool have_origin;
	int64_t origin_asn;
	bool have_prefix;
	char prefix[LPM_PREFIX_STRLEN];
	bool have_rov;
	const char *rov;
};
void addr_columns(const struct addr_ctx *c, const struct addr_result *r,
	enum lpm_af af, struct addr_columns *out);

#endif
