/*
 * test_schema.c - the schema v1 table: complete, unique names, lookups,
 * only input_index and domain required, enum order matching the names.
 */
#include <string.h>

#include "schema.h"
#include "tap.h"

int
main(void)
{
	size_t n = schema_column_count();
	bool unique = true, described = true, lookup = true;
	int required = 0;

	tap_eq_i64((int64_t)n, SCHEMA_COL_COUNT, "count matches the enum");
	tap_eq_i64((int64_t)n, 138, "138 columns in v4");
	for (size_t i = 0; i < n; i++) {
		const struct schema_column *c = schema_column_get(i);
		if (c == NULL || c->name == NULL) {
			tap_ok(false, "column %zu missing", i);
			return tap_done();
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->name, schema_column_get(j)->name) == 0)
				unique = false;
		if (!c->description || !*c->description || !c->group)
			described = false;
		if (schema_column_find(c->name) != (int)i)
			lookup = false;
		required += c->required;
	}
	tap_ok(unique, "names unique");
	tap_ok(described, "every column has a group and a description");
	tap_ok(lookup, "schema_column_find finds each");
	tap_eq_i64(required, 2, "two required columns");
	tap_ok(schema_column_get(SCHEMA_COL_INPUT_INDEX)->required &&
	    schema_column_get(SCHEMA_COL_DOMAIN)->required,
	    "input_index and domain are required");
	tap_eq_str(schema_column_get(SCHEMA_COL_DOMAIN)->name, "domain",
	    "SCHEMA_COL_DOMAIN");
	tap_eq_str(schema_column_get(SCHEMA_COL_CERT_NOT_AFTER)->name,
	    "cert_not_after", "SCHEMA_COL_CERT_NOT_AFTER");
	tap_ok(schema_column_get(SCHEMA_COL_CERT_NOT_AFTER)->type ==
	    SCHEMA_TYPE_TIMESTAMP_US, "cert_not_after is a timestamp");
	tap_eq_str(schema_column_get(SCHEMA_COL_ERROR)->name, "error",
	    "last column");
	tap_eq_str(schema_column_get(SCHEMA_COL_HSTS_MAX_AGE)->name,
	    "hsts_max_age", "SCHEMA_COL_HSTS_MAX_AGE");
	tap_ok(schema_column_find("tls_compression") ==
	    SCHEMA_COL_TLS_CLIENT_RENEG + 1 && schema_column_get(
	    SCHEMA_COL_TLS_CLIENT_RENEG + 1)->type == SCHEMA_TYPE_BOOLEAN &&
	    strcmp(schema_column_get(SCHEMA_COL_TLS_CLIENT_RENEG + 1)->group,
	    "tls") == 0, "tls_compression: a tls boolean right after "
	    "tls_client_reneg");
	tap_ok(schema_column_find("nope") == -1, "unknown name");
	tap_ok(schema_column_get(n) == NULL, "out of range");
	return tap_done();
}
