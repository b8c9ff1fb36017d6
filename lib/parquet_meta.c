/*
 * parquet_meta.c - decode Parquet's Thrift footer (FileMetaData) and page
 * headers into our structs.  Pure over (buf, len); unknown fields are
 * skipped, every list is bounded.  Field ids follow parquet.thrift.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet.h"
#include "parquet_int.h"
#include "thrift_compact.h"
#include "util.h"

/* Column chunks over all row groups: bounds what a footer can allocate. */
#define PQ_MAX_TOTAL_CHUNKS (1u << 22)

struct meta_ctx {
	struct thrift_reader r;
	const char *err;
	size_t total_chunks;
};

static int
fail(struct meta_ctx *c, const char *msg)
{
	if (c->err == NULL)
		c->err = msg;
	return -1;
}

/* Read an int field of any integer type into an int32. */
static int
get_i32(struct meta_ctx *c, enum thrift_type t, int32_t *out)
{
	if (thrift_reader_i32(&c->r, t, out) < 0)
		return fail(c, c->r.error);
	return 0;
}

static int
get_i64(struct meta_ctx *c, enum thrift_type t, int64_t *out)
{
	if (thrift_reader_i64(&c->r, t, out) < 0)
		return fail(c, c->r.error);
	return 0;
}

static int
get_bool(struct meta_ctx *c, enum thrift_type t, bool *out)
{
	int v = thrift_type_bool(t);

	if (v < 0)
		return fail(c, "bool field has the wrong type");
	*out = v;
	return 0;
}

static int
get_str(struct meta_ctx *c, enum thrift_type t, char **out)
{
	const uint8_t *p;
	uint32_t n;

	if (t != THRIFT_BINARY)
		return fail(c, "string field has the wrong type");
	if (thrift_reader_binary(&c->r, &p, &n) < 0)
		return fail(c, c->r.error);
	if (memchr(p, 0, n) != NULL)
		return fail(c, "string holds a NUL byte");
	free(*out);
	*out = xstrndup((const char *)p, n);
	return 0;
}

static int
skip(struct meta_ctx *c, enum thrift_type t)
{
	if (thrift_reader_skip(&c->r, t) < 0)
		return fail(c, c->r.error);
	return 0;
}

static int
begin(struct meta_ctx *c, enum thrift_type t)
{
	if (t != THRIFT_STRUCT)
		return fail(c, "struct field has the wrong type");
	if (thrift_reader_struct_begin(&c->r) < 0)
		return fail(c, c->r.error);
	return 0;
}

/* Iterate fields: 1 with fid and t set, 0 at the end, -1 on error. */
static int
next(struct meta_ctx *c, int16_t *fid, enum thrift_type *t)
{
	int rc = thrift_reader_field_next(&c->r, fid, t);

	if (rc < 0)
		return fail(c, c->r.error);
	return rc;
}

static int
list_of(struct meta_ctx *c, enum thrift_type t, enum thrift_type want,
    uint32_t max, uint32_t *count)
{
	enum thrift_type elem;

	if (t != THRIFT_LIST)
		return fail(c, "list field has the wrong type");
	if (thrift_reader_list_begin(&c->r, &elem, count) < 0)
		return fail(c, c->r.error);
	if (*count > 0 && elem != want)
		return fail(c, "list has the wrong element type");
	if (*count > max)
		return fail(c, "list longer than this reader allows");
	return 0;
}

static int
parse_time_unit(struct meta_ctx *c, enum thrift_type t, int *unit)
{
	int16_t fid;
	enum thrift_type ft;
	int rc;

	if (begin(c, t) < 0)
		return -1;
	while ((rc = next(c, &fid, &ft)) == 1) {
		*unit = fid;
		if (skip(c, ft) < 0)
			return -1;
	}
	return rc;
}

static int
parse_logical(struct meta_ctx *c, enum thrift_type t, struct pq_schema_elem *e)
{
	int16_t fid, f2;
	enum thrift_type ft, t2;
	int rc, rc2;

	if (begin(c, t) < 0)
		return -1;
	while ((rc = next(c, &fid, &ft)) == 1) {
		e->logical = fid;
		if (fid != PQ_LT_TIMESTAMP && fid != PQ_LT_INTEGER) {
			if (skip(c, ft) < 0)
				return -1;
			continue;
		}
		if (begin(c, ft) < 0)
			return -1;
		while ((rc2 = next(c, &f2, &t2)) == 1) {
			int32_t v;
			if (fid == PQ_LT_TIMESTAMP && f2 == 1)
				rc2 = get_bool(c, t2, &e->ts_utc);
			else if (fid == PQ_LT_TIMESTAMP && f2 == 2)
				rc2 = parse_time_unit(c, t2, &e->ts_unit);
			else if (fid == PQ_LT_INTEGER && f2 == 1) {
				rc2 = get_i32(c, t2, &v);
				e->int_bits = v;
			} else if (fid == PQ_LT_INTEGER && f2 == 2)
				rc2 = get_bool(c, t2, &e->int_signed);
			else
				rc2 = skip(c, t2);
			if (rc2 < 0)
				return -1;
		}
		if (rc2 < 0)
			return -1;
	}
	return rc;
}

static int
parse_schema_elem(struct meta_ctx *c, struct pq_schema_elem *e)
{
	int16_t fid;
	enum thrift_type t;
	int rc;
	int32_t v;

	e->type = -1;
	e->repetition = -1;
	e->converted = -1;
	if (thrift_reader_struct_begin(&c->r) < 0)
		return fail(c, c->r.error);
	while ((rc = next(c, &fid, &t)) == 1) {
		switch (fid) {
		case 1:
			rc = get_i32(c, t, &v);
			e->type = v;
			break;
		case 3:
			rc = get_i32(c, t, &v);
			e->repetition = v;
			break;
		case 4:
			rc = get_str(c, t, &e->name);
			break;
		case 5:
			rc = get_i32(c, t, &e->num_children);
			break;
		case 6:
			rc = get_i32(c, t, &v);
			e->converted = v;
			break;
		case 10:
			rc = parse_logical(c, t, e);
			break;
		default:
			rc = skip(c, t);
		}
		if (rc < 0)
			return -1;
	}
	if (rc == 0 && e->name == NULL)
		return fail(c, "schema element without a name");
	return rc;
}

static int
parse_column_meta(struct meta_ctx *c, enum thrift_type t,
    struct pq_chunk_meta *m)
{
	int16_t fid;
	enum thrift_type ft;
	int rc;
	int32_t v;

	if (begin(c, t) < 0)
		return -1;
	m->has_meta = true;
	while ((rc = next(c, &fid, &ft)) == 1) {
		switch (fid) {
		case 1:
			rc = get_i32(c, ft, &v);
			m->type = v;
			break;
		case 4:
			rc = get_i32(c, ft, &v);
			m->codec = v;
			break;
		case 5:
			rc = get_i64(c, ft, &m->num_values);
			break;
		case 6:
			rc = get_i64(c, ft, &m->total_uncompressed);
			break;
		case 7:
			rc = get_i64(c, ft, &m->total_compressed);
			break;
		case 9:
			rc = get_i64(c, ft, &m->data_page_offset);
			break;
		case 11:
			rc = get_i64(c, ft, &m->dictionary_page_offset);
			break;
		default:
			rc = skip(c, ft);
		}
		if (rc < 0)
			return -1;
	}
	return rc;
}

static int
parse_chunk(struct meta_ctx *c, struct pq_chunk_meta *m)
{
	int16_t fid;
	enum thrift_type t;
	int rc;

	m->type = -1;
	m->codec = -1;
	m->num_values = -1;
	m->data_page_offset = -1;
	m->dictionary_page_offset = -1;
	if (thrift_reader_struct_begin(&c->r) < 0)
		return fail(c, c->r.error);
	while ((rc = next(c, &fid, &t)) == 1) {
		if (fid == 1) {
			m->has_file_path = true;
			rc = skip(c, t);
		} else if (fid == 3) {
			if (m->has_meta)
				return fail(c, "column chunk metadata twice");
			rc = parse_column_meta(c, t, m);
		} else
			rc = skip(c, t);
		if (rc < 0)
			return -1;
	}
	return rc;
}

static int
parse_row_group(struct meta_ctx *c, struct pq_row_group *g)
{
	int16_t fid;
	enum thrift_type t;
	int rc;
	uint32_t n;

	g->num_rows = -1;
	if (thrift_reader_struct_begin(&c->r) < 0)
		return fail(c, c->r.error);
	while ((rc = next(c, &fid, &t)) == 1) {
		if (fid == 1) {
			if (g->chunks != NULL)
				return fail(c, "row group columns twice");
			if (list_of(c, t, THRIFT_STRUCT, PARQUET_MAX_COLUMNS,
			    &n) < 0)
				return -1;
			if (n > PQ_MAX_TOTAL_CHUNKS - c->total_chunks)
				return fail(c, "too many column chunks");
			c->total_chunks += n;
			g->chunks = xcalloc(n ? n : 1, sizeof(*g->chunks));
			g->nchunks = n;
			for (uint32_t i = 0; i < n; i++)
				if (parse_chunk(c, &g->chunks[i]) < 0)
					return -1;
		} else if (fid == 3)
			rc = get_i64(c, t, &g->num_rows);
		else
			rc = skip(c, t);
		if (rc < 0)
			return -1;
	}
	return rc;
}

static int
parse_kv(struct meta_ctx *c, struct pq_kv *kv)
{
	int16_t fid;
	enum thrift_type t;
	int rc;

	if (thrift_reader_struct_begin(&c->r) < 0)
		return fail(c, c->r.error);
	while ((rc = next(c, &fid, &t)) == 1) {
		if (fid == 1)
			rc = get_str(c, t, &kv->key);
		else if (fid == 2)
			rc = get_str(c, t, &kv->value);
		else
			rc = skip(c, t);
		if (rc < 0)
			return -1;
	}
	if (rc == 0 && kv->key == NULL)
		return fail(c, "key/value pair without a key");
	return rc;
}

int
pq_file_meta_parse(const uint8_t *buf, size_t len, struct pq_file_meta *m,
    char *err, size_t errlen)
{
	struct meta_ctx c;
	int16_t fid;
	enum thrift_type t;
	int rc;
	uint32_t n;
	bool have_version = false, have_schema = false, have_rows = false,
	     have_rgs = false;

	memset(&c, 0, sizeof(c));
	thrift_reader_init(&c.r, buf, len);
	if (thrift_reader_struct_begin(&c.r) < 0) {
		fail(&c, c.r.error);
		goto out;
	}
	while ((rc = next(&c, &fid, &t)) == 1) {
		switch (fid) {
		case 1:
			rc = get_i32(&c, t, &m->version);
			have_version = true;
			break;
		case 2:
			if (have_schema) {
				rc = fail(&c, "schema twice");
				break;
			}
			have_schema = true;
			if (list_of(&c, t, THRIFT_STRUCT,
			    PARQUET_MAX_COLUMNS + 1, &n) < 0)
				goto out;
			m->elems = xcalloc(n ? n : 1, sizeof(*m->elems));
			m->nelems = n;
			for (uint32_t i = 0; i < n && rc >= 0; i++)
				rc = parse_schema_elem(&c, &m->elems[i]);
			break;
		case 3:
			rc = get_i64(&c, t, &m->num_rows);
			have_rows = true;
			break;
		case 4:
			if (have_rgs) {
				rc = fail(&c, "row groups twice");
				break;
			}
			have_rgs = true;
			if (list_of(&c, t, THRIFT_STRUCT,
			    PARQUET_MAX_ROW_GROUPS, &n) < 0)
				goto out;
			m->rgs = xcalloc(n ? n : 1, sizeof(*m->rgs));
			m->nrgs = n;
			for (uint32_t i = 0; i < n && rc >= 0; i++)
				rc = parse_row_group(&c, &m->rgs[i]);
			break;
		case 5:
			if (m->kvs != NULL) {
				rc = fail(&c, "key/value metadata twice");
				break;
			}
			if (list_of(&c, t, THRIFT_STRUCT, PARQUET_MAX_KV,
			    &n) < 0)
				goto out;
			m->kvs = xcalloc(n ? n : 1, sizeof(*m->kvs));
			m->nkvs = n;
			for (uint32_t i = 0; i < n && rc >= 0; i++)
				rc = parse_kv(&c, &m->kvs[i]);
			break;
		case 6:
			rc = get_str(&c, t, &m->created_by);
			break;
		default:
			rc = skip(&c, t);
		}
		if (rc < 0)
			goto out;
	}
	if (rc < 0)
		goto out;
	if (!have_version || !have_schema || !have_rows || !have_rgs)
		fail(&c, "footer lacks a required field (version, schema, num_rows or row_groups)");
out:
	if (c.err != NULL) {
		if (errlen)
			snprintf(err, errlen, "%s", c.err);
		return -1;
	}
	return 0;
}

void
pq_file_meta_free(struct pq_file_meta *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nelems; i++)
		free(m->elems[i].name);
	free(m->elems);
	for (size_t i = 0; i < m->nrgs; i++)
		free(m->rgs[i].chunks);
	free(m->rgs);
	for (size_t i = 0; i < m->nkvs; i++) {
		free(m->kvs[i].key);
		free(m->kvs[i].value);
	}
	free(m->kvs);
	free(m->created_by);
	memset(m, 0, sizeof(*m));
}

static int
parse_data_header(struct meta_ctx *c, enum thrift_type t,
    struct pq_page_header *h, bool v2)
{
	int16_t fid;
	enum thrift_type ft;
	int rc;
	int32_t v;

	if (begin(c, t) < 0)
		return -1;
	while ((rc = next(c, &fid, &ft)) == 1) {
		if (fid == 1)
			rc = get_i32(c, ft, &h->num_values);
		else if (!v2 && fid == 2) {
			rc = get_i32(c, ft, &v);
			h->encoding = v;
		} else if (!v2 && fid == 3) {
			rc = get_i32(c, ft, &v);
			h->def_encoding = v;
		} else if (!v2 && fid == 4) {
			rc = get_i32(c, ft, &v);
			h->rep_encoding = v;
		} else if (v2 && fid == 2)
			rc = get_i32(c, ft, &h->num_nulls);
		else if (v2 && fid == 3)
			rc = get_i32(c, ft, &h->num_rows);
		else if (v2 && fid == 4) {
			rc = get_i32(c, ft, &v);
			h->encoding = v;
		} else if (v2 && fid == 5)
			rc = get_i32(c, ft, &h->def_len);
		else if (v2 && fid == 6)
			rc = get_i32(c, ft, &h->rep_len);
		else if (v2 && fid == 7)
			rc = get_bool(c, ft, &h->is_compressed);
		else
			rc = skip(c, ft);
		if (rc < 0)
			return -1;
	}
	return rc;
}

static int
parse_dict_header(struct meta_ctx *c, enum thrift_type t,
    struct pq_page_header *h)
{
	int16_t fid;
	enum thrift_type ft;
	int rc;
	int32_t v;

	if (begin(c, t) < 0)
		return -1;
	while ((rc = next(c, &fid, &ft)) == 1) {
		if (fid == 1)
			rc = get_i32(c, ft, &h->dict_num_values);
		else if (fid == 2) {
			rc = get_i32(c, ft, &v);
			h->dict_encoding = v;
		} else
			rc = skip(c, ft);
		if (rc < 0)
			return -1;
	}
	return rc;
}

long
pq_page_header_parse(const uint8_t *buf, size_t len,
    struct pq_page_header *h, const char **err)
{
	struct meta_ctx c;
	int16_t fid;
	enum thrift_type t;
	int rc;
	int32_t v;
	bool have_type = false, have_u = false, have_c = false;

	memset(h, 0, sizeof(*h));
	h->type = -1;
	h->encoding = -1;
	h->def_encoding = -1;
	h->rep_encoding = -1;
	h->dict_encoding = -1;
	h->num_values = -1;
	h->dict_num_values = -1;
	h->is_compressed = true;
	memset(&c, 0, sizeof(c));
	thrift_reader_init(&c.r, buf, len);
	if (thrift_reader_struct_begin(&c.r) < 0) {
		fail(&c, c.r.error);
		goto out;
	}
	while ((rc = next(&c, &fid, &t)) == 1) {
		switch (fid) {
		case 1:
			rc = get_i32(&c, t, &v);
			h->type = v;
			have_type = true;
			break;
		case 2:
			rc = get_i32(&c, t, &h->uncompressed_size);
			have_u = true;
			break;
		case 3:
			rc = get_i32(&c, t, &h->compressed_size);
			have_c = true;
			break;
		case 5:
			if (h->has_data) {
				rc = fail(&c, "data page header twice");
				break;
			}
			h->has_data = true;
			rc = parse_data_header(&c, t, h, false);
			break;
		case 7:
			if (h->has_dict) {
				rc = fail(&c, "dictionary page header twice");
				break;
			}
			h->has_dict = true;
			rc = parse_dict_header(&c, t, h);
			break;
		case 8:
			if (h->has_data_v2) {
				rc = fail(&c, "data page v2 header twice");
				break;
			}
			h->has_data_v2 = true;
			rc = parse_data_header(&c, t, h, true);
			break;
		default:
			rc = skip(&c, t);
		}
		if (rc < 0)
			goto out;
	}
	if (rc < 0)
		goto out;
	if (!have_type || !have_u || !have_c)
		fail(&c, "page header lacks type or sizes");
out:
	if (c.err != NULL) {
		*err = c.err;
		return -1;
	}
	return (long)thrift_reader_offset(&c.r, buf);
}
