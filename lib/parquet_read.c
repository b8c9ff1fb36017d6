/*
 * parquet_read.c - Parquet reader for flat files of the types in
 * schema.h: our own files and those of other writers (DuckDB, Arrow)
 * that stay in that subset.  Reads the footer at open, then one column
 * chunk at a time on request.
 *
 * Every number from the file is checked before it is used: magic bytes,
 * footer length against the file size, chunk ranges against the data
 * area, page header and page sizes against the chunk, decompressed sizes
 * against the header, value counts against the row group, definition
 * levels against the page, dictionary indices against the dictionary.
 * What we do not support (nested columns, other codecs or encodings,
 * other logical types) is rejected with a message that says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "parquet.h"
#include "parquet_int.h"
#include "util.h"

/* Default bound on one decoded column chunk (values, levels and pages). */
#define PQ_DEFAULT_DECODE_LIMIT ((size_t)2048 << 20)

struct rcol {
	struct parquet_column_def def;
	int ptype;
};

struct parquet_reader {
	char *name;
	int fd;			/* -1 for a buffer */
	const uint8_t *mem;
	uint64_t size;
	uint64_t data_end;	/* end of the column chunk area */
	struct pq_file_meta meta;
	struct rcol *cols;
	size_t ncols;
	ZSTD_DCtx *dctx;
	uint32_t *scratch;
	size_t scratch_cap;
	size_t decode_limit;
	char err[512];
};

__attribute__((format(printf, 2, 3))) static int
rerr(struct parquet_reader *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof(r->err), "%s: %s", r->name, msg);
	return -1;
}

static int
rd_read(struct parquet_reader *r, uint64_t off, size_t len, void *dst)
{
	if (off > r->size || len > r->size - off)
		return rerr(r, "read of %zu bytes at offset %llu is past the end of the file (%llu bytes)",
		    len, (unsigned long long)off,
		    (unsigned long long)r->size);
	if (r->fd < 0) {
		memcpy(dst, r->mem + off, len);
		return 0;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(r->fd, (uint8_t *)dst + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rerr(r, "read: %s", strerror(errno));
		if (n == 0)
			return rerr(r, "file shrank while reading (truncated)");
		done += (size_t)n;
	}
	return 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Map a leaf schema element to our types, or say why not. */
static int
leaf_type(const struct pq_schema_elem *e, enum schema_type *st,
    const char **why)
{
	int lt = e->logical, ct = e->converted;

	switch (e->type) {
	case PQ_BOOLEAN:
		*st = SCHEMA_TYPE_BOOLEAN;
		return 0;
	case PQ_INT32:
		if ((lt == PQ_LT_NONE || (lt == PQ_LT_INTEGER && e->int_signed))
		    && (ct == -1 || ct == PQ_CT_INT_8 || ct == PQ_CT_INT_16 ||
		    ct == PQ_CT_INT_32)) {
			*st = SCHEMA_TYPE_INT32;
			return 0;
		}
		*why = "INT32 with a logical type other than a signed integer (DATE, DECIMAL, TIME or unsigned)";
		return -1;
	case PQ_INT64:
		if (lt == PQ_LT_TIMESTAMP || ct == PQ_CT_TIMESTAMP_MICROS) {
			if (lt == PQ_LT_TIMESTAMP && e->ts_unit != 2) {
				*why = "TIMESTAMP in a unit other than MICROS";
				return -1;
			}
			*st = SCHEMA_TYPE_TIMESTAMP_US;
			return 0;
		}
		if ((lt == PQ_LT_NONE || (lt == PQ_LT_INTEGER && e->int_signed))
		    && (ct == -1 || ct == PQ_CT_INT_64)) {
			*st = SCHEMA_TYPE_INT64;
			return 0;
		}
		*why = "INT64 with a logical type other than a signed integer or TIMESTAMP(MICROS)";
		return -1;
	case PQ_BYTE_ARRAY:
		if (lt == PQ_LT_STRING || lt == PQ_LT_ENUM ||
		    lt == PQ_LT_JSON || ct == PQ_CT_UTF8 || ct == PQ_CT_ENUM ||
		    ct == PQ_CT_JSON) {
			*st = SCHEMA_TYPE_STRING;
			return 0;
		}
		*why = "BYTE_ARRAY without a STRING annotation (binary data)";
		return -1;
	default:
		*why = NULL;
		return -1;
	}
}

static int
check_schema(struct parquet_reader *r)
{
	const struct pq_file_meta *m = &r->meta;

	if (m->nelems < 1)
		return rerr(r, "footer: empty schema");
	if (m->elems[0].num_children < 0 ||
	    (size_t)m->elems[0].num_children != m->nelems - 1) {
		for (size_t i = 1; i < m->nelems; i++)
			if (m->elems[i].num_children > 0)
				return rerr(r, "column '%s' is a group: nested schemas are not supported",
				    m->elems[i].name);
		return rerr(r, "footer: schema root has %d children but %zu elements follow",
		    m->elems[0].num_children, m->nelems - 1);
	}
	r->ncols = m->nelems - 1;
	r->cols = xcalloc(r->ncols ? r->ncols : 1, sizeof(*r->cols));
	for (size_t i = 0; i < r->ncols; i++) {
		const struct pq_schema_elem *e = &m->elems[i + 1];
		const char *why = NULL;
		enum schema_type st;
		if (e->num_children > 0)
			return rerr(r, "column '%s' is a group: nested schemas are not supported",
			    e->name);
		if (e->type < 0)
			return rerr(r, "footer: column '%s' has no physical type",
			    e->name);
		if (e->repetition == PQ_REPEATED)
			return rerr(r, "column '%s' is repeated: lists are not supported",
			    e->name);
		if (e->repetition != PQ_REQUIRED &&
		    e->repetition != PQ_OPTIONAL)
			return rerr(r, "footer: column '%s' has repetition type %d",
			    e->name, e->repetition);
		if (leaf_type(e, &st, &why) < 0) {
			if (why)
				return rerr(r, "column '%s': %s is not supported",
				    e->name, why);
			return rerr(r, "column '%s': physical type %s is not supported (only INT32, INT64, BOOLEAN, BYTE_ARRAY)",
			    e->name, pq_type_name(e->type));
		}
		r->cols[i].def.name = e->name;
		r->cols[i].def.type = st;
		r->cols[i].def.required = e->repetition == PQ_REQUIRED;
		r->cols[i].ptype = e->type;
	}
	return 0;
}

static int
check_row_groups(struct parquet_reader *r)
{
	const struct pq_file_meta *m = &r->meta;
	int64_t total = 0;

	if (m->num_rows < 0)
		return rerr(r, "footer: negative row count");
	for (size_t g = 0; g < m->nrgs; g++) {
		const struct pq_row_group *rg = &m->rgs[g];
		if (rg->num_rows < 0 ||
		    rg->num_rows > (int64_t)PARQUET_MAX_ROW_GROUP_ROWS)
			return rerr(r, "row group %zu: row count %lld out of range",
			    g, (long long)rg->num_rows);
		total += rg->num_rows;
		if (rg->nchunks != r->ncols)
			return rerr(r, "row group %zu: %zu column chunks for %zu columns",
			    g, rg->nchunks, r->ncols);
		for (size_t i = 0; i < rg->nchunks; i++) {
			const struct pq_chunk_meta *c = &rg->chunks[i];
			const char *nm = r->cols[i].def.name;
			if (!c->has_meta)
				return rerr(r, "row group %zu, column '%s': no column metadata",
				    g, nm);
			if (c->has_file_path)
				return rerr(r, "row group %zu, column '%s': data in another file is not supported",
				    g, nm);
			if (c->type != r->cols[i].ptype)
				return rerr(r, "row group %zu, column '%s': chunk type %s differs from schema type %s",
				    g, nm, pq_type_name(c->type),
				    pq_type_name(r->cols[i].ptype));
			if (c->codec != PQ_CODEC_UNCOMPRESSED &&
			    c->codec != PQ_CODEC_ZSTD)
				return rerr(r, "row group %zu, column '%s': codec %s is not supported (only ZSTD and UNCOMPRESSED)",
				    g, nm, pq_codec_name(c->codec));
			if (c->num_values != rg->num_rows)
				return rerr(r, "row group %zu, column '%s': %lld values for %lld rows",
				    g, nm, (long long)c->num_values,
				    (long long)rg->num_rows);
			int64_t start = c->data_page_offset;
			if (c->dictionary_page_offset > 0 &&
			    c->dictionary_page_offset < start)
				start = c->dictionary_page_offset;
			if (c->total_compressed < 0 ||
			    c->total_compressed > (int64_t)PARQUET_MAX_CHUNK_BYTES)
				return rerr(r, "row group %zu, column '%s': chunk size %lld out of range",
				    g, nm, (long long)c->total_compressed);
			if (start < 4 || (uint64_t)start > r->data_end ||
			    (uint64_t)c->total_compressed >
			    r->data_end - (uint64_t)start)
				return rerr(r, "row group %zu, column '%s': chunk at offset %lld, %lld bytes, lies outside the data (%llu bytes; truncated file?)",
				    g, nm, (long long)start,
				    (long long)c->total_compressed,
				    (unsigned long long)r->data_end);
		}
	}
	if (total != m->num_rows)
		return rerr(r, "footer: row groups hold %lld rows, file says %lld",
		    (long long)total, (long long)m->num_rows);
	return 0;
}

static int
reader_load(struct parquet_reader *r)
{
	uint8_t head[4], tail[8];
	char msg[256];

	if (r->size < 12)
		return rerr(r, "file of %llu bytes is too short for Parquet (truncated?)",
		    (unsigned long long)r->size);
	if (rd_read(r, 0, 4, head) < 0 || rd_read(r, r->size - 8, 8, tail) < 0)
		return -1;
	if (memcmp(head, "PAR1", 4) != 0)
		return rerr(r, "not a Parquet file (no PAR1 magic at the start)");
	if (memcmp(tail + 4, "PARE", 4) == 0)
		return rerr(r, "encrypted Parquet is not supported");
	if (memcmp(tail + 4, "PAR1", 4) != 0)
		return rerr(r, "no PAR1 magic at the end: the file is truncated or not Parquet");
	uint32_t flen = le32(tail);
	if (flen > r->size - 12)
		return rerr(r, "footer length %u exceeds the file size %llu (truncated or corrupt)",
		    flen, (unsigned long long)r->size);
	if (flen > PARQUET_MAX_FOOTER_BYTES)
		return rerr(r, "footer length %u is above the limit of %u bytes",
		    flen, PARQUET_MAX_FOOTER_BYTES);
	r->data_end = r->size - 8 - flen;
	uint8_t *fbuf = xmalloc(flen ? flen : 1);
	if (rd_read(r, r->data_end, flen, fbuf) < 0) {
		free(fbuf);
		return -1;
	}
	int rc = pq_file_meta_parse(fbuf, flen, &r->meta, msg, sizeof(msg));
	free(fbuf);
	if (rc < 0)
		return rerr(r, "corrupt footer: %s", msg);
	if (check_schema(r) < 0 || check_row_groups(r) < 0)
		return -1;
	return 0;
}

static struct parquet_reader *
reader_new(const char *name)
{
	struct parquet_reader *r = xcalloc(1, sizeof(*r));

	r->name = xstrdup(name);
	r->fd = -1;
	r->decode_limit = PQ_DEFAULT_DECODE_LIMIT;
	return r;
}

static struct parquet_reader *
reader_finish_open(struct parquet_reader *r, char *err, size_t errlen)
{
	if (reader_load(r) < 0) {
		if (errlen)
			snprintf(err, errlen, "%s", r->err);
		parquet_reader_free(r);
		return NULL;
	}
	r->dctx = ZSTD_createDCtx();
	if (r->dctx == NULL)
		abort();
	return r;
}

struct parquet_reader *
parquet_reader_open(const char *path, char *err, size_t errlen)
{
	struct parquet_reader *r;
	struct stat st;
	/* O_NONBLOCK: a FIFO named like a part must not block the open. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		if (errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	r = reader_new(path);
	r->fd = fd;
	r->size = (uint64_t)st.st_size;
	return reader_finish_open(r, err, errlen);
}

struct parquet_reader *
parquet_reader_open_mem(const void *buf, size_t len, const char *name,
    char *err, size_t errlen)
{
	struct parquet_reader *r = reader_new(name);

	r->mem = buf;
	r->size = len;
	return reader_finish_open(r, err, errlen);
}

void
parquet_reader_set_decode_limit(struct parquet_reader *r, size_t bytes)
{
	r->decode_limit = bytes;
}

void
parquet_reader_free(struct parquet_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	pq_file_meta_free(&r->meta);
	free(r->cols);
	ZSTD_freeDCtx(r->dctx);
	free(r->scratch);
	free(r->name);
	free(r);
}

size_t
parquet_reader_column_count(const struct parquet_reader *r)
{
	return r->ncols;
}

const struct parquet_column_def *
parquet_reader_column(const struct parquet_reader *r, size_t i)
{
	return i < r->ncols ? &r->cols[i].def : NULL;
}

int
parquet_reader_column_find(const struct parquet_reader *r, const char *name)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (strcmp(r->cols[i].def.name, name) == 0)
			return (int)i;
	return -1;
}

int64_t
parquet_reader_rows(const struct parquet_reader *r)
{
	return r->meta.num_rows;
}

size_t
parquet_reader_row_group_count(const struct parquet_reader *r)
{
	return r->meta.nrgs;
}

int64_t
parquet_reader_row_group_rows(const struct parquet_reader *r, size_t rg)
{
	return rg < r->meta.nrgs ? r->meta.rgs[rg].num_rows : -1;
}

size_t
parquet_reader_kv_count(const struct parquet_reader *r)
{
	return r->meta.nkvs;
}

int
parquet_reader_kv(const struct parquet_reader *r, size_t i, const char **key,
    const char **value)
{
	if (i >= r->meta.nkvs)
		return -1;
	*key = r->meta.kvs[i].key;
	*value = r->meta.kvs[i].value;
	return 0;
}

const char *
parquet_reader_kv_get(const struct parquet_reader *r, const char *key)
{
	for (size_t i = 0; i < r->meta.nkvs; i++)
		if (strcmp(r->meta.kvs[i].key, key) == 0)
			return r->meta.kvs[i].value;
	return NULL;
}

const char *
parquet_reader_created_by(const struct parquet_reader *r)
{
	return r->meta.created_by;
}

const char *
parquet_reader_error(const struct parquet_reader *r)
{
	return r->err;
}

void
parquet_column_data_fini(struct parquet_column_data *d)
{
	free(d->present);
	free(d->i32);
	free(d->i64);
	free(d->b);
	free(d->str);
	free(d->str_len);
	for (size_t i = 0; i < d->nbufs; i++)
		free(d->bufs[i]);
	free(d->bufs);
	memset(d, 0, sizeof(*d));
}

void
parquet_column_data_get(const struct parquet_column_data *d, size_t i,
    struct schema_value *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= d->nrows || !d->present[i])
		return;
	out->present = true;
	switch (d->type) {
	case SCHEMA_TYPE_INT32:
		out->u.i32 = d->i32[i];
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		out->u.i64 = d->i64[i];
		break;
	case SCHEMA_TYPE_BOOLEAN:
		out->u.b = d->b[i];
		break;
	case SCHEMA_TYPE_STRING:
		out->u.str.ptr = (const char *)d->str[i];
		out->u.str.len = d->str_len[i];
		break;
	}
}

/* Decoding one column chunk. */

struct dict {
	bool have;
	uint32_t n;
	int64_t *num;		/* INT32/INT64 entries */
	uint8_t *b;		/* BOOLEAN entries */
	const uint8_t **str;	/* BYTE_ARRAY entries */
	uint32_t *str_len;
};

struct cctx {
	struct parquet_reader *r;
	struct parquet_column_data *out;
	const struct rcol *col;
	int codec;
	size_t rg;
	size_t used;		/* decoded bytes, against decode_limit */
	struct dict dict;
	const uint32_t *rows;	/* rows of the present values of a page */
};

__attribute__((format(printf, 2, 3))) static int
cerr(struct cctx *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rerr(c->r, "row group %zu, column '%s': %s", c->rg,
	    c->col->def.name, msg);
}

static int
charge(struct cctx *c, size_t bytes)
{
	if (bytes > c->r->decode_limit - c->used)
		return cerr(c, "decoded data exceeds the limit of %zu bytes",
		    c->r->decode_limit);
	c->used += bytes;
	return 0;
}

static uint32_t *
scratch(struct parquet_reader *r, size_t n)
{
	if (n > r->scratch_cap) {
		r->scratch = xreallocarray(r->scratch, n, sizeof(uint32_t));
		r->scratch_cap = n;
	}
	return r->scratch;
}

/* Decompress (or copy) a page section into a buffer owned by out. */
static uint8_t *
page_buf(struct cctx *c, const uint8_t *src, size_t clen, size_t ulen,
    bool compressed)
{
	struct parquet_column_data *d = c->out;
	uint8_t *dst;

	if (charge(c, ulen) < 0)
		return NULL;
	if (!compressed && clen != ulen) {
		cerr(c, "uncompressed page of %zu bytes says %zu", clen, ulen);
		return NULL;
	}
	dst = xmalloc(ulen ? ulen : 1);
	if (d->nbufs == d->bufs_cap) {
		d->bufs_cap = d->bufs_cap ? d->bufs_cap * 2 : 8;
		d->bufs = xreallocarray(d->bufs, d->bufs_cap, sizeof(*d->bufs));
	}
	d->bufs[d->nbufs++] = dst;
	if (!compressed) {
		memcpy(dst, src, ulen);
		return dst;
	}
	size_t n = ZSTD_decompressDCtx(c->r->dctx, dst, ulen, src, clen);
	if (ZSTD_isError(n)) {
		cerr(c, "ZSTD page does not decompress: %s",
		    ZSTD_getErrorName(n));
		return NULL;
	}
	if (n != ulen) {
		cerr(c, "page decompressed to %zu bytes, header says %zu", n,
		    ulen);
		return NULL;
	}
	return dst;
}

/*
 * PLAIN values: n of them from p[0..len), handed one by one to put (as
 * int64, bool or string).  Returns bytes used or -1.
 */
static long
plain_decode(struct cctx *c, const uint8_t *p, size_t len, size_t n,
    void (*put)(struct cctx *, size_t, int64_t, const uint8_t *, uint32_t),
    size_t base)
{
	size_t pos = 0;

	switch (c->col->ptype) {
	case PQ_INT32:
		if (n > len / 4)
			return cerr(c, "PLAIN INT32 values truncated");
		for (size_t i = 0; i < n; i++) {
			int32_t v;
			memcpy(&v, p + 4 * i, 4);
			put(c, base + i, v, NULL, 0);
		}
		return (long)(4 * n);
	case PQ_INT64:
		if (n > len / 8)
			return cerr(c, "PLAIN INT64 values truncated");
		for (size_t i = 0; i < n; i++) {
			int64_t v;
			memcpy(&v, p + 8 * i, 8);
			put(c, base + i, v, NULL, 0);
		}
		return (long)(8 * n);
	case PQ_BOOLEAN:
		if ((n + 7) / 8 > len)
			return cerr(c, "PLAIN BOOLEAN values truncated");
		for (size_t i = 0; i < n; i++)
			put(c, base + i, (p[i / 8] >> (i % 8)) & 1, NULL, 0);
		return (long)((n + 7) / 8);
	case PQ_BYTE_ARRAY:
		for (size_t i = 0; i < n; i++) {
			if (len - pos < 4)
				return cerr(c, "PLAIN string length truncated");
			uint32_t sl = le32(p + pos);
			pos += 4;
			if (sl > len - pos)
				return cerr(c, "PLAIN string of %u bytes runs past its page",
				    sl);
			put(c, base + i, 0, p + pos, sl);
			pos += sl;
		}
		return (long)pos;
	}
	return cerr(c, "unsupported physical type");
}

static void
put_dict(struct cctx *c, size_t i, int64_t v, const uint8_t *s, uint32_t sl)
{
	struct dict *d = &c->dict;

	if (d->num)
		d->num[i] = v;
	else if (d->b)
		d->b[i] = (uint8_t)v;
	else {
		d->str[i] = s;
		d->str_len[i] = sl;
	}
}

/* Store one value at row. */
static void
put_row(struct cctx *c, size_t row, int64_t v, const uint8_t *s, uint32_t sl)
{
	struct parquet_column_data *d = c->out;

	switch (d->type) {
	case SCHEMA_TYPE_INT32:
		d->i32[row] = (int32_t)v;
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		d->i64[row] = v;
		break;
	case SCHEMA_TYPE_BOOLEAN:
		d->b[row] = (uint8_t)v;
		break;
	case SCHEMA_TYPE_STRING:
		d->str[row] = s;
		d->str_len[row] = sl;
		break;
	}
}

/* Value k of a page goes to row c->rows[k]. */
static void
put_nth(struct cctx *c, size_t k, int64_t v, const uint8_t *s, uint32_t sl)
{
	put_row(c, c->rows[k], v, s, sl);
}

static int
dict_page(struct cctx *c, const struct pq_page_header *h, const uint8_t *body)
{
	struct dict *d = &c->dict;
	uint8_t *p;

	if (!h->has_dict)
		return cerr(c, "dictionary page without its header");
	if (d->have)
		return cerr(c, "second dictionary page");
	if (h->dict_encoding != PQ_ENC_PLAIN &&
	    h->dict_encoding != PQ_ENC_PLAIN_DICTIONARY)
		return cerr(c, "dictionary page encoding %s is not supported",
		    pq_encoding_name(h->dict_encoding));
	if (h->dict_num_values < 0 ||
	    (uint64_t)h->dict_num_values >
	    (uint64_t)h->uncompressed_size * 8 + 8)
		return cerr(c, "dictionary of %d entries does not fit its page",
		    h->dict_num_values);
	p = page_buf(c, body, (size_t)h->compressed_size,
	    (size_t)h->uncompressed_size, c->codec == PQ_CODEC_ZSTD);
	if (p == NULL)
		return -1;
	d->n = (uint32_t)h->dict_num_values;
	if (charge(c, (size_t)d->n * 16) < 0)
		return -1;
	if (c->col->ptype == PQ_BYTE_ARRAY) {
		d->str = xcalloc(d->n ? d->n : 1, sizeof(*d->str));
		d->str_len = xcalloc(d->n ? d->n : 1, sizeof(*d->str_len));
	} else if (c->col->ptype == PQ_BOOLEAN)
		d->b = xcalloc(d->n ? d->n : 1, 1);
	else
		d->num = xcalloc(d->n ? d->n : 1, sizeof(*d->num));
	d->have = true;
	if (plain_decode(c, p, (size_t)h->uncompressed_size, d->n, put_dict,
	    0) < 0)
		return -1;
	return 0;
}

/* Values of one data page: nv rows from row0, levels already in present. */
static int
page_values(struct cctx *c, int enc, const uint8_t *p, size_t len,
    size_t row0, size_t nv)
{
	struct parquet_column_data *d = c->out;
	size_t nn = 0;
	uint32_t *rows = scratch(c->r, nv ? nv : 1);

	for (size_t k = 0; k < nv; k++)
		if (d->present[row0 + k])
			rows[nn++] = (uint32_t)(row0 + k);
	if (nn == 0)
		return 0;
	if (enc == PQ_ENC_PLAIN) {
		c->rows = rows;
		return plain_decode(c, p, len, nn, put_nth, 0) < 0 ? -1 : 0;
	}
	if (enc == PQ_ENC_RLE) {
		if (c->col->ptype != PQ_BOOLEAN)
			return cerr(c, "RLE values for a non-boolean column are not supported");
		if (len < 4)
			return cerr(c, "RLE boolean length truncated");
		uint32_t rl = le32(p);
		if (rl > len - 4)
			return cerr(c, "RLE boolean section runs past its page");
		uint32_t *v = xreallocarray(NULL, nn, sizeof(*v));
		const char *e = NULL;
		if (pq_rle_decode(p + 4, rl, 1, v, nn, &e) < 0) {
			free(v);
			return cerr(c, "RLE booleans: %s", e);
		}
		for (size_t k = 0; k < nn; k++)
			d->b[rows[k]] = (uint8_t)v[k];
		free(v);
		return 0;
	}
	if (enc == PQ_ENC_RLE_DICTIONARY || enc == PQ_ENC_PLAIN_DICTIONARY) {
		const struct dict *dc = &c->dict;
		const char *e = NULL;
		if (!dc->have)
			return cerr(c, "dictionary-encoded page without a dictionary page");
		if (len < 1)
			return cerr(c, "dictionary indices truncated");
		int bw = p[0];
		if (bw > 32)
			return cerr(c, "dictionary index bit width %d", bw);
		uint32_t *ix = xreallocarray(NULL, nn, sizeof(*ix));
		if (pq_rle_decode(p + 1, len - 1, bw, ix, nn, &e) < 0) {
			free(ix);
			return cerr(c, "dictionary indices: %s", e);
		}
		for (size_t k = 0; k < nn; k++) {
			uint32_t i = ix[k];
			if (i >= dc->n) {
				free(ix);
				return cerr(c, "dictionary index %u out of range (%u entries)",
				    i, dc->n);
			}
			if (dc->num)
				put_row(c, rows[k], dc->num[i], NULL, 0);
			else if (dc->b)
				put_row(c, rows[k], dc->b[i], NULL, 0);
			else
				put_row(c, rows[k], 0, dc->str[i],
				    dc->str_len[i]);
		}
		free(ix);
		return 0;
	}
	return cerr(c, "value encoding %s is not supported",
	    pq_encoding_name(enc));
}

/* Definition levels of nv rows from row0 (width 1) into present. */
static int
levels(struct cctx *c, const uint8_t *p, size_t len, size_t row0, size_t nv)
{
	uint32_t *lv = xreallocarray(NULL, nv ? nv : 1, sizeof(*lv));
	const char *e = NULL;

	if (pq_rle_decode(p, len, 1, lv, nv, &e) < 0) {
		free(lv);
		return cerr(c, "definition levels: %s", e);
	}
	for (size_t k = 0; k < nv; k++)
		c->out->present[row0 + k] = (uint8_t)lv[k];
	free(lv);
	return 0;
}

static int
data_page(struct cctx *c, const struct pq_page_header *h, const uint8_t *body,
    size_t row0, size_t nv)
{
	uint8_t *p;
	size_t len = (size_t)h->uncompressed_size;

	if (!h->has_data)
		return cerr(c, "data page without its header");
	p = page_buf(c, body, (size_t)h->compressed_size, len,
	    c->codec == PQ_CODEC_ZSTD);
	if (p == NULL)
		return -1;
	if (!c->col->def.required) {
		if (h->def_encoding != PQ_ENC_RLE)
			return cerr(c, "definition level encoding %s is not supported",
			    pq_encoding_name(h->def_encoding));
		if (len < 4)
			return cerr(c, "definition levels truncated");
		uint32_t dl = le32(p);
		if (dl > len - 4)
			return cerr(c, "definition levels (%u bytes) run past the page (%zu bytes)",
			    dl, len);
		if (levels(c, p + 4, dl, row0, nv) < 0)
			return -1;
		p += 4 + dl;
		len -= 4 + (size_t)dl;
	} else
		memset(c->out->present + row0, 1, nv);
	return page_values(c, h->encoding, p, len, row0, nv);
}

static int
data_page_v2(struct cctx *c, const struct pq_page_header *h,
    const uint8_t *body, size_t row0, size_t nv)
{
	size_t clen = (size_t)h->compressed_size;
	size_t ulen = (size_t)h->uncompressed_size;

	if (!h->has_data_v2)
		return cerr(c, "data page v2 without its header");
	if (h->rep_len != 0)
		return cerr(c, "repetition levels in a flat column");
	if (h->def_len < 0 || (size_t)h->def_len > clen ||
	    (size_t)h->def_len > ulen)
		return cerr(c, "definition levels length %d out of range",
		    h->def_len);
	size_t dl = (size_t)h->def_len;
	if (!c->col->def.required) {
		if (levels(c, body, dl, row0, nv) < 0)
			return -1;
	} else
		memset(c->out->present + row0, 1, nv);
	size_t nn = 0;
	for (size_t k = 0; k < nv; k++)
		nn += c->out->present[row0 + k];
	if (h->num_nulls < 0 || (size_t)h->num_nulls != nv - nn)
		return cerr(c, "page says %d nulls, definition levels say %zu",
		    h->num_nulls, nv - nn);
	bool comp = h->is_compressed && c->codec == PQ_CODEC_ZSTD;
	uint8_t *p = page_buf(c, body + dl, clen - dl, ulen - dl, comp);
	if (p == NULL)
		return -1;
	return page_values(c, h->encoding, p, ulen - dl, row0, nv);
}

static size_t
value_size(enum schema_type t)
{
	switch (t) {
	case SCHEMA_TYPE_INT32:
		return 4;
	case SCHEMA_TYPE_BOOLEAN:
		return 1;
	case SCHEMA_TYPE_STRING:
		return sizeof(uint8_t *) + 4;
	default:
		return 8;
	}
}

int
parquet_reader_read_column(struct parquet_reader *r, size_t rg, size_t col,
    struct parquet_column_data *out)
{
	struct cctx c;
	const struct pq_chunk_meta *m;
	uint8_t *buf = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	r->err[0] = '\0';
	if (rg >= r->meta.nrgs || col >= r->ncols)
		return rerr(r, "no row group %zu, column %zu", rg, col);
	m = &r->meta.rgs[rg].chunks[col];
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.out = out;
	c.col = &r->cols[col];
	c.codec = m->codec;
	c.rg = rg;

	size_t nrows = (size_t)r->meta.rgs[rg].num_rows;
	out->type = c.col->def.type;
	out->nrows = nrows;
	if (charge(&c, nrows * (1 + value_size(out->type))) < 0)
		return -1;
	size_t alloc = nrows ? nrows : 1;
	out->present = xcalloc(alloc, 1);
	switch (out->type) {
	case SCHEMA_TYPE_INT32:
		out->i32 = xcalloc(alloc, sizeof(*out->i32));
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		out->i64 = xcalloc(alloc, sizeof(*out->i64));
		break;
	case SCHEMA_TYPE_BOOLEAN:
		out->b = xcalloc(alloc, 1);
		break;
	case SCHEMA_TYPE_STRING:
		out->str = xcalloc(alloc, sizeof(*out->str));
		out->str_len = xcalloc(alloc, sizeof(*out->str_len));
		break;
	}
	if (nrows == 0)
		return 0;

	int64_t start = m->data_page_offset;
	if (m->dictionary_page_offset > 0 && m->dictionary_page_offset < start)
		start = m->dictionary_page_offset;
	size_t len = (size_t)m->total_compressed;
	buf = xmalloc(len ? len : 1);
	if (rd_read(r, (uint64_t)start, len, buf) < 0)
		goto out;

	size_t pos = 0, row = 0;
	while (row < nrows) {
		struct pq_page_header h;
		const char *e = NULL;
		if (pos >= len) {
			cerr(&c, "column chunk ends after %zu of %zu values",
			    row, nrows);
			goto out;
		}
		long hl = pq_page_header_parse(buf + pos, len - pos, &h, &e);
		if (hl < 0) {
			cerr(&c, "bad page header at offset %lld: %s",
			    (long long)start + (long long)pos, e);
			goto out;
		}
		pos += (size_t)hl;
		if (h.compressed_size < 0 ||
		    (size_t)h.compressed_size > len - pos) {
			cerr(&c, "page at offset %lld: compressed size %d runs past the column chunk",
			    (long long)start + (long long)pos,
			    h.compressed_size);
			goto out;
		}
		if (h.uncompressed_size < 0 ||
		    (uint32_t)h.uncompressed_size > PARQUET_MAX_PAGE_BYTES) {
			cerr(&c, "page at offset %lld: uncompressed size %d out of range",
			    (long long)start + (long long)pos,
			    h.uncompressed_size);
			goto out;
		}
		const uint8_t *body = buf + pos;
		pos += (size_t)h.compressed_size;
		if (h.type == PQ_PAGE_DICTIONARY) {
			if (row > 0) {
				cerr(&c, "dictionary page after data pages");
				goto out;
			}
			if (dict_page(&c, &h, body) < 0)
				goto out;
			continue;
		}
		if (h.type != PQ_PAGE_DATA && h.type != PQ_PAGE_DATA_V2) {
			if (h.type == PQ_PAGE_INDEX)
				continue;
			cerr(&c, "page type %d is not supported", h.type);
			goto out;
		}
		if (h.num_values < 0 || (size_t)h.num_values > nrows - row) {
			cerr(&c, "page of %d values overruns the row group (%zu of %zu rows left)",
			    h.num_values, nrows - row, nrows);
			goto out;
		}
		size_t nv = (size_t)h.num_values;
		if (h.type == PQ_PAGE_DATA) {
			if (data_page(&c, &h, body, row, nv) < 0)
				goto out;
		} else if (data_page_v2(&c, &h, body, row, nv) < 0)
			goto out;
		row += nv;
	}
	rc = 0;
out:
	free(buf);
	free(c.dict.num);
	free(c.dict.b);
	free(c.dict.str);
	free(c.dict.str_len);
	if (rc < 0)
		parquet_column_data_fini(out);
	return rc;
}
