/*
 * thrift_compact.c - Thrift compact protocol writer and bounded reader.
 *
 * Wire facts (Thrift compact protocol spec): integers are zigzag varints,
 * i8 a raw byte; a field header is (delta << 4 | type) when the field id
 * grows by 1..15, else the type byte then the id as a zigzag varint; bool
 * fields carry the value in the type (1 true, 2 false); a list header is
 * (count << 4 | elem) for count < 15, else (0xf0 | elem) then a varint
 * count; binary is a varint length then bytes; a struct ends with 0.
 */
#include <stdlib.h>
#include <string.h>

#include "thrift_compact.h"
#include "util.h"

/* Varints longer than this are malformed (10 bytes hold 64 bits). */
#define THRIFT_VARINT_MAX_BYTES 10

static void
w_reserve(struct thrift_writer *w, size_t n)
{
	if (w->cap - w->len >= n)
		return;
	size_t cap = w->cap ? w->cap : 256;
	while (cap - w->len < n)
		cap *= 2;
	w->buf = xrealloc(w->buf, cap);
	w->cap = cap;
}

static void
w_byte(struct thrift_writer *w, uint8_t b)
{
	w_reserve(w, 1);
	w->buf[w->len++] = b;
}

static void
w_bytes(struct thrift_writer *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	w_reserve(w, n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
w_varint(struct thrift_writer *w, uint64_t v)
{
	while (v >= 0x80) {
		w_byte(w, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	w_byte(w, (uint8_t)v);
}

static uint64_t
zigzag64(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void
thrift_writer_init(struct thrift_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void
thrift_writer_fini(struct thrift_writer *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void
thrift_writer_reset(struct thrift_writer *w)
{
	w->len = 0;
	w->depth = 0;
	w->last_fid[0] = 0;
}

static void
w_field_header(struct thrift_writer *w, int16_t fid, enum thrift_type type)
{
	int16_t last = w->last_fid[w->depth];
	int delta = fid - last;

	if (delta > 0 && delta <= 15)
		w_byte(w, (uint8_t)(delta << 4 | type));
	else {
		w_byte(w, (uint8_t)type);
		w_varint(w, zigzag64(fid));
	}
	w->last_fid[w->depth] = fid;
}

void
thrift_writer_field_bool(struct thrift_writer *w, int16_t fid, bool v)
{
	w_field_header(w, fid, v ? THRIFT_BOOL_TRUE : THRIFT_BOOL_FALSE);
}

void
thrift_writer_field_i32(struct thrift_writer *w, int16_t fid, int32_t v)
{
	w_field_header(w, fid, THRIFT_I32);
	w_varint(w, zigzag64(v));
}

void
thrift_writer_field_i64(struct thrift_writer *w, int16_t fid, int64_t v)
{
	w_field_header(w, fid, THRIFT_I64);
	w_varint(w, zigzag64(v));
}

void
thrift_writer_field_binary(struct thrift_writer *w, int16_t fid,
    const void *p, size_t n)
{
	w_field_header(w, fid, THRIFT_BINARY);
	w_varint(w, n);
	w_bytes(w, p, n);
}

void
thrift_writer_field_string(struct thrift_writer *w, int16_t fid,
    const char *s)
{
	thrift_writer_field_binary(w, fid, s, strlen(s));
}

void
thrift_writer_struct_begin(struct thrift_writer *w)
{
	/* Always-on: nesting is fixed by our own code, never by input. */
	if (w->depth + 1 >= THRIFT_MAX_DEPTH)
		abort();
	w->depth++;
	w->last_fid[w->depth] = 0;
}

void
thrift_writer_field_struct_begin(struct thrift_writer *w, int16_t fid)
{
	w_field_header(w, fid, THRIFT_STRUCT);
	thrift_writer_struct_begin(w);
}

void
thrift_writer_struct_end(struct thrift_writer *w)
{
	if (w->depth <= 0)
		abort();
	w_byte(w, THRIFT_STOP);
	w->depth--;
}

void
thrift_writer_field_list_begin(struct thrift_writer *w, int16_t fid,
    enum thrift_type elem, uint32_t count)
{
	w_field_header(w, fid, THRIFT_LIST);
	if (count < 15)
		w_byte(w, (uint8_t)(count << 4 | elem));
	else {
		w_byte(w, (uint8_t)(0xf0 | elem));
		w_varint(w, count);
	}
}

void
thrift_writer_elem_i32(struct thrift_writer *w, int32_t v)
{
	w_varint(w, zigzag64(v));
}

void
thrift_writer_elem_binary(struct thrift_writer *w, const void *p, size_t n)
{
	w_varint(w, n);
	w_bytes(w, p, n);
}

/* Reader. */

static int
r_fail(struct thrift_reader *r, const char *msg)
{
	if (r->error == NULL)
		r->error = msg;
	return -1;
}

void
thrift_reader_init(struct thrift_reader *r, const void *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->end = r->p + len;
}

size_t
thrift_reader_offset(const struct thrift_reader *r, const void *buf)
{
	return (size_t)(r->p - (const uint8_t *)buf);
}

static int
r_byte(struct thrift_reader *r, uint8_t *b)
{
	if (r->error)
		return -1;
	if (r->p >= r->end)
		return r_fail(r, "truncated thrift data");
	*b = *r->p++;
	return 0;
}

static int
r_varint(struct thrift_reader *r, uint64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < THRIFT_VARINT_MAX_BYTES; i++) {
		uint8_t b;
		if (r_byte(r, &b) < 0)
			return -1;
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return r_fail(r, "thrift varint too long");
}

static int64_t
unzigzag64(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

int
thrift_type_bool(enum thrift_type type)
{
	if (type == THRIFT_BOOL_TRUE)
		return 1;
	if (type == THRIFT_BOOL_FALSE)
		return 0;
	return -1;
}

int
thrift_reader_struct_begin(struct thrift_reader *r)
{
	if (r->error)
		return -1;
	if (r->depth + 1 >= THRIFT_MAX_DEPTH)
		return r_fail(r, "thrift structs nested too deep");
	r->depth++;
	r->last_fid[r->depth] = 0;
	return 0;
}

int
thrift_reader_field_next(struct thrift_reader *r, int16_t *fid,
    enum thrift_type *type)
{
	uint8_t b;

	if (r->depth <= 0)
		return r_fail(r, "thrift field outside a struct");
	if (r_byte(r, &b) < 0)
		return -1;
	if (b == THRIFT_STOP) {
		r->depth--;
		return 0;
	}
	*type = (enum thrift_type)(b & 0x0f);
	if (*type > THRIFT_STRUCT)
		return r_fail(r, "unknown thrift field type");
	if (b >> 4) {
		int id = r->last_fid[r->depth] + (b >> 4);
		if (id > INT16_MAX)
			return r_fail(r, "thrift field id out of range");
		*fid = (int16_t)id;
	} else {
		uint64_t v;
		if (r_varint(r, &v) < 0)
			return -1;
		int64_t id = unzigzag64(v);
		if (id < INT16_MIN || id > INT16_MAX)
			return r_fail(r, "thrift field id out of range");
		*fid = (int16_t)id;
	}
	r->last_fid[r->depth] = *fid;
	return 1;
}

int
thrift_reader_i64(struct thrift_reader *r, enum thrift_type type,
    int64_t *out)
{
	uint64_t v;

	if (type == THRIFT_I8) {
		uint8_t b;
		if (r_byte(r, &b) < 0)
			return -1;
		*out = (int8_t)b;
		return 0;
	}
	if (type != THRIFT_I16 && type != THRIFT_I32 && type != THRIFT_I64)
		return r_fail(r, "thrift field has the wrong type");
	if (r_varint(r, &v) < 0)
		return -1;
	*out = unzigzag64(v);
	return 0;
}

int
thrift_reader_i32(struct thrift_reader *r, enum thrift_type type,
    int32_t *out)
{
	int64_t v;

	if (thrift_reader_i64(r, type, &v) < 0)
		return -1;
	if (v < INT32_MIN || v > INT32_MAX)
		return r_fail(r, "thrift i32 out of range");
	*out = (int32_t)v;
	return 0;
}

int
thrift_reader_binary(struct thrift_reader *r, const uint8_t **p,
    uint32_t *len)
{
	uint64_t n;

	if (r_varint(r, &n) < 0)
		return -1;
	if (n > (uint64_t)(r->end - r->p))
		return r_fail(r, "thrift binary longer than the data");
	*p = r->p;
	*len = (uint32_t)n;
	r->p += n;
	return 0;
}

int
thrift_reader_list_begin(struct thrift_reader *r, enum thrift_type *elem,
    uint32_t *count)
{
	uint8_t b;
	uint64_t n;

	if (r_byte(r, &b) < 0)
		return -1;
	*elem = (enum thrift_type)(b & 0x0f);
	if (*elem > THRIFT_STRUCT)
		return r_fail(r, "unknown thrift list element type");
	n = b >> 4;
	if (n == 15 && r_varint(r, &n) < 0)
		return -1;
	/* Every element takes at least one byte. */
	if (n > (uint64_t)(r->end - r->p))
		return r_fail(r, "thrift list longer than the data");
	*count = (uint32_t)n;
	return 0;
}

static int
r_skip_depth(struct thrift_reader *r, enum thrift_type type, int depth)
{
	uint64_t v;
	uint8_t b;
	const uint8_t *p;
	uint32_t n;

	if (depth > THRIFT_MAX_DEPTH)
		return r_fail(r, "thrift values nested too deep");
	switch (type) {
	case THRIFT_BOOL_TRUE:
	case THRIFT_BOOL_FALSE:
		return 0; /* the value is in the field type */
	case THRIFT_I8:
		return r_byte(r, &b);
	case THRIFT_I16:
	case THRIFT_I32:
	case THRIFT_I64:
		return r_varint(r, &v);
	case THRIFT_DOUBLE:
		if (r->end - r->p < 8)
			return r_fail(r, "truncated thrift data");
		r->p += 8;
		return 0;
	case THRIFT_BINARY:
		return thrift_reader_binary(r, &p, &n);
	case THRIFT_LIST:
	case THRIFT_SET: {
		enum thrift_type elem;
		if (thrift_reader_list_begin(r, &elem, &n) < 0)
			return -1;
		for (uint32_t i = 0; i < n; i++) {
			/* Bools in lists are one byte each. */
			if (elem == THRIFT_BOOL_TRUE ||
			    elem == THRIFT_BOOL_FALSE) {
				if (r_byte(r, &b) < 0)
					return -1;
			} else if (r_skip_depth(r, elem, depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	case THRIFT_MAP: {
		if (r_varint(r, &v) < 0)
			return -1;
		if (v == 0)
			return 0;
		if (v > (uint64_t)(r->end - r->p))
			return r_fail(r, "thrift map longer than the data");
		if (r_byte(r, &b) < 0)
			return -1;
		enum thrift_type kt = (enum thrift_type)(b >> 4);
		enum thrift_type vt = (enum thrift_type)(b & 0x0f);
		for (uint64_t i = 0; i < v; i++)
			if (r_skip_depth(r, kt, depth + 1) < 0 ||
			    r_skip_depth(r, vt, depth + 1) < 0)
				return -1;
		return 0;
	}
	case THRIFT_STRUCT: {
		int16_t fid;
		enum thrift_type ft;
		int rc;
		if (thrift_reader_struct_begin(r) < 0)
			return -1;
		while ((rc = thrift_reader_field_next(r, &fid, &ft)) == 1)
			if (r_skip_depth(r, ft, depth + 1) < 0)
				return -1;
		return rc;
	}
	default:
		return r_fail(r, "unknown thrift type");
	}
}

int
thrift_reader_skip(struct thrift_reader *r, enum thrift_type type)
{
	return r_skip_depth(r, type, 0);
}
