/*
 * row.c - row assembly with per-row string storage.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "row.h"
#include "util.h"

#define ROW_CHUNK_SIZE 1024

struct row_chunk {
	struct row_chunk *next;
	size_t used, cap;
	char data[];
};

void
row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
}

void
row_fini(struct row *r)
{
	struct row_chunk *c, *next;

	for (c = r->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	row_init(r);
}

static char *
row_alloc(struct row *r, size_t n)
{
	struct row_chunk *c = r->chunks;

	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ROW_CHUNK_SIZE ? n : ROW_CHUNK_SIZE;

		c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = r->chunks;
		r->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

void
row_set_null(struct row *r, enum schema_col c)
{
	memset(&r->v[c], 0, sizeof(r->v[c]));
}

void
row_set_i32(struct row *r, enum schema_col c, int32_t v)
{
	r->v[c].present = true;
	r->v[c].u.i32 = v;
}

void
row_set_i64(struct row *r, enum schema_col c, int64_t v)
{
	r->v[c].present = true;
	r->v[c].u.i64 = v;
}

void
row_set_bool(struct row *r, enum schema_col c, bool v)
{
	r->v[c].present = true;
	r->v[c].u.b = v;
}

void
row_set_strn(struct row *r, enum schema_col c, const char *s, size_t len)
{
	char *p;

	if (s == NULL) {
		row_set_null(r, c);
		return;
	}
	p = row_alloc(r, len ? len : 1);
	memcpy(p, s, len);
	r->v[c].present = true;
	r->v[c].u.str.ptr = p;
	r->v[c].u.str.len = len;
}

void
row_set_str(struct row *r, enum schema_col c, const char *s)
{
	row_set_strn(r, c, s, s != NULL ? strlen(s) : 0);
}

void
row_set_str_once(struct row *r, enum schema_col c, const char *s)
{
	if (!r->v[c].present)
		row_set_str(r, c, s);
}

bool
row_is_set(const struct row *r, enum schema_col c)
{
	return r->v[c].present;
}
