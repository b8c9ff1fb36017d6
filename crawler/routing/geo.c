/*
 * geo.c - MaxMind DB lookups for the geo columns.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <maxminddb.h>

#include "geo.h"
#include "log.h"
#include "lpm.h"
#include "util.h"

struct geo_db {
	MMDB_s mmdb;
	enum geo_kind kind;
	char *path;
	uint64_t errors;
};

static bool
type_fits(const char *type, enum geo_kind kind)
{
	if (type == NULL)
		return false;
	if (kind == GEO_KIND_ASN)
		return strcasestr(type, "ASN") != NULL;
	return strcasestr(type, "Country") != NULL ||
	    strcasestr(type, "City") != NULL;
}

struct geo_db *
geo_db_open(const char *path, enum geo_kind kind, char *err, size_t errlen)
{
	struct geo_db *db;
	int rc, gai = 0, mm = MMDB_SUCCESS;
	MMDB_lookup_result_s r;
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		snprintf(err, errlen, "%s: not a MaxMind DB file (%s)", path,
		    S_ISREG(st.st_mode) ? "empty" : "not a regular file");
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	rc = MMDB_open(path, MMDB_MODE_MMAP, &db->mmdb);
	if (rc != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: not a usable MaxMind DB file: %s",
		    path, rc == MMDB_IO_ERROR || rc == MMDB_FILE_OPEN_ERROR ?
		    strerror(errno) : MMDB_strerror(rc));
		free(db);
		return NULL;
	}
	db->kind = kind;
	db->path = xstrdup(path);
	/* Walk the tree once: a truncated or corrupt tree fails here. */
	r = MMDB_lookup_string(&db->mmdb, db->mmdb.metadata.ip_version == 6 ?
	    "::" : "0.0.0.0", &gai, &mm);
	if (gai != 0 || mm != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: corrupt MaxMind DB: %s", path,
		    gai != 0 ? "lookup failed" : MMDB_strerror(mm));
		geo_db_close(db);
		return NULL;
	}
	if (r.found_entry) {
		MMDB_entry_data_list_s *list = NULL;

		rc = MMDB_get_entry_data_list(&r.entry, &list);
		MMDB_free_entry_data_list(list);
		if (rc != MMDB_SUCCESS) {
			snprintf(err, errlen, "%s: corrupt MaxMind DB: %s",
			    path, MMDB_strerror(rc));
			geo_db_close(db);
			return NULL;
		}
	}
	if (!type_fits(db->mmdb.metadata.database_type, kind))
		log_warn("geo", "%s: database type \"%s\" is not a%s database",
		    path, db->mmdb.metadata.database_type != NULL ?
		    db->mmdb.metadata.database_type : "",
		    kind == GEO_KIND_ASN ? "n ASN" : " country or city");
	return db;
}

void
geo_db_close(struct geo_db *db)
{
	if (db == NULL)
		return;
	MMDB_close(&db->mmdb);
	free(db->path);
	free(db);
}

const char *
geo_db_path(const struct geo_db *db)
{
	return db->path;
}

time_t
geo_db_build_time(const struct geo_db *db)
{
	return (time_t)db->mmdb.metadata.build_epoch;
}

const char *
geo_db_type(const struct geo_db *db)
{
	return db->mmdb.metadata.database_type != NULL ?
	    db->mmdb.metadata.database_type : "";
}

uint64_t
geo_db_errors(const struct geo_db *db)
{
	return db->errors;
}

/* The record of addr; false when none (or on a lookup error, counted). */
static bool
lookup(struct geo_db *db, const struct netaddr *addr, MMDB_entry_s *e)
{
	struct sockaddr_storage ss;
	MMDB_lookup_result_s r;
	int mm = MMDB_SUCCESS;

	(void)netaddr_to_sockaddr(addr, 0, &ss);
	r = MMDB_lookup_sockaddr(&db->mmdb, (const struct sockaddr *)&ss, &mm);
	if (mm != MMDB_SUCCESS) {
		/* An IPv6 address in an IPv4-only database is not an error
		 * of the file. */
		if (mm != MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR &&
		    db->errors++ == 0)
			log_warn("geo", "%s: lookup failed: %s", db->path,
			    MMDB_strerror(mm));
		return false;
	}
	if (!r.found_entry)
		return false;
	*e = r.entry;
	return true;
}

static bool
get_string(struct geo_db *db, MMDB_entry_s *e, const char *const *path,
	MMDB_entry_data_s *d)
{
	int rc = MMDB_aget_value(e, d, path);

	if (rc != MMDB_SUCCESS) {
		if (rc != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR &&
		    rc != MMDB_INVALID_LOOKUP_PATH_ERROR && db->errors++ == 0)
			log_warn("geo", "%s: bad record: %s", db->path,
			    MMDB_strerror(rc));
		return false;
	}
	return d->has_data && d->type == MMDB_DATA_TYPE_UTF8_STRING;
}

bool
geo_country(struct geo_db *db, const struct netaddr *addr, char cc[3])
{
	static const char *const country[] = { "country", "iso_code", NULL };
	static const char *const reg[] = { "registered_country", "iso_code",
	    NULL };
	MMDB_entry_s e;
	MMDB_entry_data_s d;

	if (!lookup(db, addr, &e))
		return false;
	if (!get_string(db, &e, country, &d) || d.data_size != 2) {
		if (!get_string(db, &e, reg, &d) || d.data_size != 2)
			return false;
	}
	if (d.utf8_string[0] < 'A' || d.utf8_string[0] > 'Z' ||
	    d.utf8_string[1] < 'A' || d.utf8_string[1] > 'Z')
		return false;
	cc[0] = d.utf8_string[0];
	cc[1] = d.utf8_string[1];
	cc[2] = '\0';
	return true;
}

bool
geo_asn(struct geo_db *db, const struct netaddr *addr, uint32_t *asn,
	char *org, size_t orglen)
{
	static const char *const num[] = { "autonomous_system_number", NULL };
	static const char *const name[] = { "autonomous_system_organization",
	    NULL };
	MMDB_entry_s e;
	MMDB_entry_data_s d;
	size_t n;
	int rc;

	if (orglen > 0)
		org[0] = '\0';
	if (!lookup(db, addr, &e))
		return false;
	rc = MMDB_aget_value(&e, &d, num);
	if (rc != MMDB_SUCCESS || !d.has_data)
		return false;
	switch (d.type) {
	case MMDB_DATA_TYPE_UINT32:
		*asn = d.uint32;
		break;
	case MMDB_DATA_TYPE_UINT16:
		*asn = d.uint16;
		break;
	case MMDB_DATA_TYPE_UINT64:
		if (d.uint64 > UINT32_MAX)
			return false;
		*asn = (uint32_t)d.uint64;
		break;
	default:
		return false;
	}
	if (orglen > 0 && get_string(db, &e, name, &d)) {
		n = d.data_size;
		if (n > orglen - 1) {
			n = orglen - 1;
			/* do not cut a UTF-8 sequence */
			while (n > 0 && ((unsigned char)d.utf8_string[n] &
			    0xc0) == 0x80)
				n--;
		}
		if (n > 0)
			memcpy(org, d.utf8_string, n);
		org[n] = '\0';
		/* no NUL inside: cut at the first one */
		org[strnlen(org, n)] = '\0';
	}
	return true;
}
