/*
 * geo.h - hosting country and AS of an address from MaxMind DB files
 * (libmaxminddb): a country or city database (GeoLite2, DB-IP lite) for
 * --geoip, an ASN database (GeoLite2-ASN layout) for --asn-db.
 */
#ifndef UPTAKE_CRAWLER_GEO_H
#define UPTAKE_CRAWLER_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lpm.h"

#define GEO_MAX_ORG_LEN 256	/* bytes of an AS organisation kept */

enum geo_kind {
	GEO_KIND_COUNTRY = 0,	/* country.iso_code, registered_country.iso_code */
	GEO_KIND_ASN,		/* autonomous_system_number, _organization */
};

struct geo_db;

/*
 * Open a database (memory-mapped) and check it: a file libmaxminddb
 * rejects, or whose search tree cannot be walked, fails with a one-line
 * reason in err.  A database type that does not look like the kind (no
 * "Country"/"City", no "ASN") is only logged.  Caller owns the result.
 */
struct geo_db *geo_db_open(const char *path, enum geo_kind kind, char *err,
	size_t errlen);
void geo_db_close(struct geo_db *db);

/* Provenance: the path, the build time (metadata build_epoch) and the
 * database type (e.g. "GeoLite2-Country"). */
const char *geo_db_path(const struct geo_db *db);
time_t geo_db_build_time(const struct geo_db *db);
const char *geo_db_type(const struct geo_db *db);
/* Lookups that failed inside the database (corrupt data section). */
uint64_t geo_db_errors(const struct geo_db *db);

/*
 * The ISO 3166-1 alpha-2 code of addr: country.iso_code, or
 * registered_country.iso_code when the record has no country.  Returns
 * true with cc set (NUL-terminated), false when there is no record or no
 * code.
 */
bool geo_country(struct geo_db *db, const struct netaddr *addr,
	char cc[3]);

/*
 * The AS of addr.  Returns true with *asn set when the record has an
 * autonomous_system_number; org gets autonomous_system_organization
 * (UTF-8, cut at orglen - 1 bytes on a character boundary), or "" when
 * absent.
 */
bool geo_asn(struct geo_db *db, const struct netaddr *addr, uint32_t *asn,
	char *org, size_t orglen);

#endif
