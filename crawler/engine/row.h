/*
 * row.h - one snapshot row under construction: a value per schema column,
 * null until a probe measures it.  Strings are copied into the row's own
 * storage, freed with it.
 */
#ifndef UPTAKE_CRAWLER_ROW_H
#define UPTAKE_CRAWLER_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

struct row_chunk;

struct row {
	struct schema_value v[SCHEMA_COL_COUNT];
	struct row_chunk *chunks;
};

void row_init(struct row *r);
/* Free the strings and make every column null again. */
void row_fini(struct row *r);

void row_set_null(struct row *r, enum schema_col c);
void row_set_i32(struct row *r, enum schema_col c, int32_t v);
void row_set_i64(struct row *r, enum schema_col c, int64_t v);
void row_set_bool(struct row *r, enum schema_col c, bool v);
/* Copies s[0..len); a NULL s sets null. */
void row_set_strn(struct row *r, enum schema_col c, const char *s, size_t len);
void row_set_str(struct row *r, enum schema_col c, const char *s);
/* Set only when the column is still null (first error wins). */
void row_set_str_once(struct row *r, enum schema_col c, const char *s);
bool row_is_set(const struct row *r, enum schema_col c);

#endif
