/*
 * thrift_compact.h - Thrift compact protocol, the encoding of Parquet's
 * footer and page headers.  Only what Parquet uses: structs, lists,
 * bool, i8/i16/i32/i64, double (skipped), binary.
 *
 * The writer appends to a growable buffer (out of memory is fatal).  The
 * reader is a bounds-checked cursor over (buf, len): it never reads past
 * len, limits nesting depth and list sizes, and reports the first error.
 */
#ifndef UPTAKE_LIB_THRIFT_COMPACT_H
#define UPTAKE_LIB_THRIFT_COMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compact protocol type codes (field and element types). */
enum thrift_type {
	THRIFT_STOP = 0,
	THRIFT_BOOL_TRUE = 1,
	THRIFT_BOOL_FALSE = 2,
	THRIFT_I8 = 3,
	THRIFT_I16 = 4,
	THRIFT_I32 = 5,
	THRIFT_I64 = 6,
	THRIFT_DOUBLE = 7,
	THRIFT_BINARY = 8,
	THRIFT_LIST = 9,
	THRIFT_SET = 10,
	THRIFT_MAP = 11,
	THRIFT_STRUCT = 12,
};

/* Deepest struct/list nesting either side accepts. */
#define THRIFT_MAX_DEPTH 32

struct thrift_writer {
	uint8_t *buf;
	size_t len;
	size_t cap;
	int depth;
	int16_t last_fid[THRIFT_MAX_DEPTH];
};

/* Start empty; fini frees the buffer. */
void thrift_writer_init(struct thrift_writer *w);
void thrift_writer_fini(struct thrift_writer *w);
/* Forget the contents, keep the buffer. */
void thrift_writer_reset(struct thrift_writer *w);

/* Fields of the current struct, in increasing field id order. */
void thrift_writer_field_bool(struct thrift_writer *w, int16_t fid, bool v);
void thrift_writer_field_i32(struct thrift_writer *w, int16_t fid, int32_t v);
void thrift_writer_field_i64(struct thrift_writer *w, int16_t fid, int64_t v);
void thrift_writer_field_binary(struct thrift_writer *w, int16_t fid,
	const void *p, size_t n);
void thrift_writer_field_string(struct thrift_writer *w, int16_t fid,
	const char *s);
/* A struct field: begin, its fields, end. */
void thrift_writer_field_struct_begin(struct thrift_writer *w, int16_t fid);
/* A list field header; then write count elements with the _elem_ calls. */
void thrift_writer_field_list_begin(struct thrift_writer *w, int16_t fid,
	enum thrift_type elem, uint32_t count);
void thrift_writer_elem_i32(struct thrift_writer *w, int32_t v);
void thrift_writer_elem_binary(struct thrift_writer *w, const void *p,
	size_t n);
/* A struct element of a list (or the top-level struct): begin ... end. */
void thrift_writer_struct_begin(struct thrift_writer *w);
/* Ends the struct begun last (writes the stop byte). */
void thrift_writer_struct_end(struct thrift_writer *w);

struct thrift_reader {
	const uint8_t *p;
	const uint8_t *end;
	int depth;
	int16_t last_fid[THRIFT_MAX_DEPTH];
	const char *error; /* first error, static string; NULL while fine */
};

/* Read from buf[0..len); borrowed for the reader's life. */
void thrift_reader_init(struct thrift_reader *r, const void *buf,
	size_t len);
/* Bytes consumed so far. */
size_t thrift_reader_offset(const struct thrift_reader *r,
	const void *buf);

/*
 * Enter a struct (the top-level one, a struct field or a struct list
 * element).  Then call field_next until it returns 0: it returns 1 with the
 * field id and type of the next field, 0 at the struct's stop byte (the
 * struct is left), -1 on error.  Each field must be read or skipped.
 */
int thrift_reader_struct_begin(struct thrift_reader *r);
int thrift_reader_field_next(struct thrift_reader *r, int16_t *fid,
	enum thrift_type *type);

/* Values; each returns 0 or -1 (error recorded).  Bools of a field come
 * from the field type: use thrift_type_bool(). */
int thrift_reader_i32(struct thrift_reader *r, enum thrift_type type,
	int32_t *out);
int thrift_reader_i64(struct thrift_reader *r, enum thrift_type type,
	int64_t *out);
int thrift_reader_binary(struct thrift_reader *r, const uint8_t **p,
	uint32_t *len);
/* List header: element type and count (count <= bytes remaining). */
int thrift_reader_list_begin(struct thrift_reader *r, enum thrift_type *elem,
	uint32_t *count);
/* Skip a value of the given type (a whole field, list or struct). */
int thrift_reader_skip(struct thrift_reader *r, enum thrift_type type);

/* A bool field's value: 1 true, 0 false, -1 not a bool type. */
int thrift_type_bool(enum thrift_type type);

#endif
