/*
 * parquet_read.c - Parquet reader for flat files of the types in
 * schema.h: our own files and those of other writers (DuckDB, Arrow)
 * that stay in that subset.  Reads the footer at open, then the pages
 * of a column chunk one at a time as a column reader's rows are consumed.
 *
 * Every number from the file is checked before it is used: magic bytes,
 * footer length against the file size, chunk ranges against the data
 * area, page header and page sizes against the chunk, decompressed sizes
 * against the header, value counts against the row group, definition
 * levels against the page, dictionary indices against the dictionary; a
 * page declaring more than PARQUET_MAX_PAGE_BYTES or
 * PARQUET_MAX_PAGE_VALUES is refused before anything is allocated.
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

/*
 * Default bound on what one reader holds decoded at a time (pages,
 * dictionaries, values and levels of its open column readers; a whole
 * chunk for parquet_reader_read_column).  A tool streaming every column
 * of our files holds a few MiB; this stops a hostile file well before a
 * modest machine runs out, and still reads a whole DuckDB row group.
 */
#define PQ_DEFAULT_DECODE_LIMIT ((size_t)512 << 20)
/*
 * A column reader keeps page and read buffers up to this size between
 * pages; a bigger one is given back once its page is decoded, so that
 * many columns each holding one big page do not add up.
 */
#define PQ_HOLD_BYTES ((size_t)1 << 20)
/* First read for a page header; a longer one is read again up to the cap. */
#define PQ_HEADER_PROBE ((size_t)64 << 10)

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
	size_t held;		/* bytes held by column readers */
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

/* Decoding one column chunk, page by page. */

struct dict {
	bool have;
	uint32_t n;
	int64_t *num;		/* INT32/INT64 entries */
	uint8_t *b;		/* BOOLEAN entries */
	const uint8_t **str;	/* BYTE_ARRAY entries */
	uint32_t *str_len;
	uint8_t *buf;		/* the decoded dictionary page */
	size_t bytes;		/* held for it (charged) */
};

struct parquet_column_reader {
	struct parquet_reader *r;
	const struct rcol *col;
	int codec;
	size_t rg;
	uint64_t start, end;	/* the chunk in the file */
	uint64_t pos;		/* next page header */
	size_t nrows, row;	/* rows of the row group; rows decoded */
	struct dict dict;
	/* The current page, decoded: its values are pg's rows [0, pg.nrows). */
	struct parquet_column_data pg;
	size_t pg_cap;		/* rows the arrays of pg hold */
	size_t k;		/* next row of pg to hand out */
	uint8_t *pbuf;		/* decompressed page */
	size_t pbuf_cap;
	uint8_t *cbuf;		/* page header and compressed bytes (fd) */
	size_t cbuf_cap;
	bool keep;		/* keep every page buffer (whole chunk reads) */
	uint8_t **kept;
	size_t nkept, kept_cap;
	size_t held;		/* bytes charged to r->held */
	const uint32_t *rows;	/* rows of the present values of a page */
};

__attribute__((format(printf, 2, 3))) static int
cerr(struct parquet_column_reader *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rerr(c->r, "row group %zu, column '%s': %s", c->rg,
	    c->col->def.name, msg);
}

/* Count bytes held against the reader's decode limit. */
static int
charge(struct parquet_column_reader *c, size_t bytes)
{
	struct parquet_reader *r = c->r;

	if (bytes > r->decode_limit || r->held > r->decode_limit - bytes)
		return cerr(c, "decoded data exceeds the limit of %zu bytes",
		    r->decode_limit);
	r->held += bytes;
	c->held += bytes;
	return 0;
}

/* Grow *buf to at least n bytes, charged.  NULL when over the limit. */
static uint8_t *
grow(struct parquet_column_reader *c, uint8_t **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return *buf;
	if (charge(c, n - *cap) < 0)
		return NULL;
	*buf = xrealloc(*buf, n);
	*cap = n;
	return *buf;
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

/*
 * len bytes of the file at off: a pointer into the buffer of a memory
 * reader, else read into the column reader's buffer.  NULL on error.
 */
static const uint8_t *
chunk_view(struct parquet_column_reader *c, uint64_t off, size_t len)
{
	struct parquet_reader *r = c->r;

	if (r->fd < 0) {
		if (off > r->size || len > r->size - off) {
			rerr(r, "read of %zu bytes at offset %llu is past the end of the file (%llu bytes)",
			    len, (unsigned long long)off,
			    (unsigned long long)r->size);
			return NULL;
		}
		return r->mem + off;
	}
	if (grow(c, &c->cbuf, &c->cbuf_cap, len ? len : 1) == NULL)
		return NULL;
	if (rd_read(r, off, len, c->cbuf) < 0)
		return NULL;
	return c->cbuf;
}

/*
 * Decompress (or copy) a page section: into a new buffer for a
 * dictionary (dict true) or a kept page, else into the page buffer.
 */
static uint8_t *
page_buf(struct parquet_column_reader *c, const uint8_t *src, size_t clen,
    size_t ulen, bool compressed, bool dict)
{
	uint8_t *dst;

	if (!compressed && clen != ulen) {
		cerr(c, "uncompressed page of %zu bytes says %zu", clen, ulen);
		return NULL;
	}
	if (dict || c->keep) {
		if (charge(c, ulen ? ulen : 1) < 0)
			return NULL;
		dst = xmalloc(ulen ? ulen : 1);
		if (dict) {
			c->dict.buf = dst;
			c->dict.bytes += ulen ? ulen : 1;
		} else {
			if (c->nkept == c->kept_cap) {
				c->kept_cap = c->kept_cap ? c->kept_cap * 2 : 8;
				c->kept = xreallocarray(c->kept, c->kept_cap,
				    sizeof(*c->kept));
			}
			c->kept[c->nkept++] = dst;
		}
	} else if ((dst = grow(c, &c->pbuf, &c->pbuf_cap,
	    ulen ? ulen : 1)) == NULL)
		return NULL;
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
plain_decode(struct parquet_column_reader *c, const uint8_t *p, size_t len,
    size_t n,
    void (*put)(struct parquet_column_reader *, size_t, int64_t,
	const uint8_t *, uint32_t),
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
put_dict(struct parquet_column_reader *c, size_t i, int64_t v,
    const uint8_t *s, uint32_t sl)
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

/* Store one value at row of the page. */
static void
put_row(struct parquet_column_reader *c, size_t row, int64_t v,
    const uint8_t *s, uint32_t sl)
{
	struct parquet_column_data *d = &c->pg;

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
put_nth(struct parquet_column_reader *c, size_t k, int64_t v,
    const uint8_t *s, uint32_t sl)
{
	put_row(c, c->rows[k], v, s, sl);
}

static int
dict_page(struct parquet_column_reader *c, const struct pq_page_header *h,
    const uint8_t *body)
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
	if ((uint32_t)h->dict_num_values > PARQUET_MAX_PAGE_VALUES)
		return cerr(c, "dictionary of %d entries is above the limit of %u values per page",
		    h->dict_num_values, PARQUET_MAX_PAGE_VALUES);
	p = page_buf(c, body, (size_t)h->compressed_size,
	    (size_t)h->uncompressed_size, c->codec == PQ_CODEC_ZSTD, true);
	if (p == NULL)
		return -1;
	d->n = (uint32_t)h->dict_num_values;
	if (charge(c, (size_t)d->n * 16) < 0)
		return -1;
	d->bytes += (size_t)d->n * 16;
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

/* Values of one data page: nv rows, levels already in pg.present. */
static int
page_values(struct parquet_column_reader *c, int enc, const uint8_t *p,
    size_t len, size_t nv)
{
	struct parquet_column_data *d = &c->pg;
	size_t nn = 0;
	uint32_t *rows = scratch(c->r, nv ? nv : 1);

	for (size_t k = 0; k < nv; k++)
		if (d->present[k])
			rows[nn++] = (uint32_t)k;
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

/* Definition levels of nv rows (width 1) into pg.present. */
static int
levels(struct parquet_column_reader *c, const uint8_t *p, size_t len,
    size_t nv)
{
	uint32_t *lv = xreallocarray(NULL, nv ? nv : 1, sizeof(*lv));
	const char *e = NULL;

	if (pq_rle_decode(p, len, 1, lv, nv, &e) < 0) {
		free(lv);
		return cerr(c, "definition levels: %s", e);
	}
	for (size_t k = 0; k < nv; k++)
		c->pg.present[k] = (uint8_t)lv[k];
	free(lv);
	return 0;
}

static int
data_page(struct parquet_column_reader *c, const struct pq_page_header *h,
    const uint8_t *body, size_t nv)
{
	uint8_t *p;
	size_t len = (size_t)h->uncompressed_size;

	if (!h->has_data)
		return cerr(c, "data page without its header");
	p = page_buf(c, body, (size_t)h->compressed_size, len,
	    c->codec == PQ_CODEC_ZSTD, false);
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
		if (levels(c, p + 4, dl, nv) < 0)
			return -1;
		p += 4 + dl;
		len -= 4 + (size_t)dl;
	} else
		memset(c->pg.present, 1, nv);
	return page_values(c, h->encoding, p, len, nv);
}

static int
data_page_v2(struct parquet_column_reader *c, const struct pq_page_header *h,
    const uint8_t *body, size_t nv)
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
		if (levels(c, body, dl, nv) < 0)
			return -1;
	} else
		memset(c->pg.present, 1, nv);
	size_t nn = 0;
	for (size_t k = 0; k < nv; k++)
		nn += c->pg.present[k];
	if (h->num_nulls < 0 || (size_t)h->num_nulls != nv - nn)
		return cerr(c, "page says %d nulls, definition levels say %zu",
		    h->num_nulls, nv - nn);
	bool comp = h->is_compressed && c->codec == PQ_CODEC_ZSTD;
	uint8_t *p = page_buf(c, body + dl, clen - dl, ulen - dl, comp, false);
	if (p == NULL)
		return -1;
	return page_values(c, h->encoding, p, ulen - dl, nv);
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

/* Arrays of d for n rows (previous contents dropped). */
static void
data_arrays(struct parquet_column_data *d, size_t n)
{
	d->present = xreallocarray(d->present, n, 1);
	switch (d->type) {
	case SCHEMA_TYPE_INT32:
		d->i32 = xreallocarray(d->i32, n, sizeof(*d->i32));
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		d->i64 = xreallocarray(d->i64, n, sizeof(*d->i64));
		break;
	case SCHEMA_TYPE_BOOLEAN:
		d->b = xreallocarray(d->b, n, 1);
		break;
	case SCHEMA_TYPE_STRING:
		d->str = xreallocarray(d->str, n, sizeof(*d->str));
		d->str_len = xreallocarray(d->str_len, n, sizeof(*d->str_len));
		break;
	}
}

static void
buf_release(struct parquet_column_reader *c, uint8_t **buf, size_t *cap)
{
	free(*buf);
	*buf = NULL;
	c->r->held -= *cap;
	c->held -= *cap;
	*cap = 0;
}

/*
 * After a page is decoded: hold what its values need, not what the page
 * claimed.  Big read and page buffers go back (only PLAIN strings point
 * into the page); a big page whose strings use less than half of it has
 * them copied into a tight buffer.
 */
static void
page_release(struct parquet_column_reader *c)
{
	struct parquet_column_data *d = &c->pg;

	if (c->cbuf_cap > PQ_HOLD_BYTES)
		buf_release(c, &c->cbuf, &c->cbuf_cap);
	if (c->keep || c->pbuf_cap <= PQ_HOLD_BYTES)
		return;
	if (d->type != SCHEMA_TYPE_STRING) {
		buf_release(c, &c->pbuf, &c->pbuf_cap);
		return;
	}
	size_t used = 0;
	const uint8_t *lo = c->pbuf, *hi = c->pbuf + c->pbuf_cap;
	for (size_t k = 0; k < d->nrows; k++)
		if (d->present[k] && d->str[k] >= lo && d->str[k] < hi)
			used += d->str_len[k];
	if (used > c->pbuf_cap / 2)
		return;
	uint8_t *t = xmalloc(used ? used : 1), *q = t;
	for (size_t k = 0; k < d->nrows; k++)
		if (d->present[k] && d->str[k] >= lo && d->str[k] < hi) {
			memcpy(q, d->str[k], d->str_len[k]);
			d->str[k] = q;
			q += d->str_len[k];
		}
	buf_release(c, &c->pbuf, &c->pbuf_cap);
	/* The tight copy is the page buffer now (never over the limit:
	 * it is at most half of what was held). */
	c->pbuf = t;
	c->pbuf_cap = used ? used : 1;
	c->r->held += c->pbuf_cap;
	c->held += c->pbuf_cap;
}

/* Decode the next data page of the chunk into pg.  0 or -1. */
static int
next_page(struct parquet_column_reader *c)
{
	for (;;) {
		struct pq_page_header h;
		const char *e = NULL;
		if (c->pos >= c->end)
			return cerr(c, "column chunk ends after %zu of %zu values",
			    c->row, c->nrows);
		uint64_t rest = c->end - c->pos;
		size_t win = rest < PQ_HEADER_PROBE ? (size_t)rest :
		    PQ_HEADER_PROBE;
		const uint8_t *hb = chunk_view(c, c->pos, win);
		if (hb == NULL)
			return -1;
		long hl = pq_page_header_parse(hb, win, &h, &e);
		size_t most = rest < PARQUET_MAX_PAGE_HEADER_BYTES ?
		    (size_t)rest : PARQUET_MAX_PAGE_HEADER_BYTES;
		if (hl < 0 && win < most) {
			/* A header with large statistics: look further. */
			win = most;
			if ((hb = chunk_view(c, c->pos, win)) == NULL)
				return -1;
			hl = pq_page_header_parse(hb, win, &h, &e);
		}
		if (hl < 0)
			return cerr(c, "bad page header at offset %llu: %s",
			    (unsigned long long)c->pos, e);
		uint64_t at = c->pos;
		if (h.compressed_size < 0 ||
		    (uint64_t)h.compressed_size > rest - (uint64_t)hl)
			return cerr(c, "page at offset %llu: compressed size %d runs past the column chunk",
			    (unsigned long long)at, h.compressed_size);
		if (h.uncompressed_size < 0)
			return cerr(c, "page at offset %llu: uncompressed size %d out of range",
			    (unsigned long long)at, h.uncompressed_size);
		if ((uint32_t)h.uncompressed_size > PARQUET_MAX_PAGE_BYTES ||
		    (uint32_t)h.compressed_size > PARQUET_MAX_PAGE_BYTES)
			return cerr(c, "page at offset %llu declares %d bytes uncompressed, %d compressed: above the limit of %u bytes per page",
			    (unsigned long long)at, h.uncompressed_size,
			    h.compressed_size, PARQUET_MAX_PAGE_BYTES);
		const uint8_t *body;
		if ((size_t)hl + (size_t)h.compressed_size <= win)
			body = hb + hl;
		else if ((body = chunk_view(c, at + (uint64_t)hl,
		    (size_t)h.compressed_size)) == NULL)
			return -1;
		c->pos = at + (uint64_t)hl + (uint64_t)h.compressed_size;
		if (h.type == PQ_PAGE_DICTIONARY) {
			if (c->row > 0)
				return cerr(c, "dictionary page after data pages");
			if (dict_page(c, &h, body) < 0)
				return -1;
			continue;
		}
		if (h.type != PQ_PAGE_DATA && h.type != PQ_PAGE_DATA_V2) {
			if (h.type == PQ_PAGE_INDEX)
				continue;
			return cerr(c, "page type %d is not supported", h.type);
		}
		if (h.num_values < 0 ||
		    (size_t)h.num_values > c->nrows - c->row)
			return cerr(c, "page of %d values overruns the row group (%zu of %zu rows left)",
			    h.num_values, c->nrows - c->row, c->nrows);
		if ((uint32_t)h.num_values > PARQUET_MAX_PAGE_VALUES)
			return cerr(c, "page at offset %llu holds %d values: above the limit of %u values per page",
			    (unsigned long long)at, h.num_values,
			    PARQUET_MAX_PAGE_VALUES);
		size_t nv = (size_t)h.num_values;
		if (nv == 0)
			continue;
		if (nv > c->pg_cap) {
			size_t vs = 1 + value_size(c->pg.type);
			if (charge(c, (nv - c->pg_cap) * vs) < 0)
				return -1;
			data_arrays(&c->pg, nv);
			c->pg_cap = nv;
		}
		if (h.type == PQ_PAGE_DATA) {
			if (data_page(c, &h, body, nv) < 0)
				return -1;
		} else if (data_page_v2(c, &h, body, nv) < 0)
			return -1;
		c->pg.nrows = nv;
		c->k = 0;
		page_release(c);
		return 0;
	}
}

struct parquet_column_reader *
parquet_column_reader_new(struct parquet_reader *r, size_t rg, size_t col)
{
	struct parquet_column_reader *c;
	const struct pq_chunk_meta *m;

	r->err[0] = '\0';
	if (rg >= r->meta.nrgs || col >= r->ncols) {
		rerr(r, "no row group %zu, column %zu", rg, col);
		return NULL;
	}
	m = &r->meta.rgs[rg].chunks[col];
	c = xcalloc(1, sizeof(*c));
	c->r = r;
	c->col = &r->cols[col];
	c->codec = m->codec;
	c->rg = rg;
	c->nrows = (size_t)r->meta.rgs[rg].num_rows;
	c->pg.type = c->col->def.type;
	int64_t start = m->data_page_offset;
	if (m->dictionary_page_offset > 0 && m->dictionary_page_offset < start)
		start = m->dictionary_page_offset;
	/* check_row_groups proved the chunk lies in the data area. */
	c->start = (uint64_t)start;
	c->end = c->start + (uint64_t)m->total_compressed;
	c->pos = c->start;
	return c;
}

int
parquet_column_reader_next(struct parquet_column_reader *c, size_t max,
    struct parquet_column_data *out)
{
	memset(out, 0, sizeof(*out));
	out->type = c->pg.type;
	if (c->row >= c->nrows || max == 0)
		return 0;
	if (c->k >= c->pg.nrows && next_page(c) < 0)
		return -1;
	size_t n = c->pg.nrows - c->k;
	if (n > max)
		n = max;
	size_t k = c->k;
	out->nrows = n;
	out->present = c->pg.present + k;
	switch (out->type) {
	case SCHEMA_TYPE_INT32:
		out->i32 = c->pg.i32 + k;
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		out->i64 = c->pg.i64 + k;
		break;
	case SCHEMA_TYPE_BOOLEAN:
		out->b = c->pg.b + k;
		break;
	case SCHEMA_TYPE_STRING:
		out->str = c->pg.str + k;
		out->str_len = c->pg.str_len + k;
		break;
	}
	c->k += n;
	c->row += n;
	return (int)n;
}

void
parquet_column_reader_free(struct parquet_column_reader *c)
{
	if (c == NULL)
		return;
	c->r->held -= c->held;
	free(c->pg.present);
	free(c->pg.i32);
	free(c->pg.i64);
	free(c->pg.b);
	free(c->pg.str);
	free(c->pg.str_len);
	free(c->pbuf);
	free(c->cbuf);
	for (size_t i = 0; i < c->nkept; i++)
		free(c->kept[i]);
	free(c->kept);
	free(c->dict.num);
	free(c->dict.b);
	free(c->dict.str);
	free(c->dict.str_len);
	free(c->dict.buf);
	free(c);
}

/* Move an owned buffer into d->bufs. */
static void
data_take_buf(struct parquet_column_data *d, uint8_t *buf)
{
	if (d->nbufs == d->bufs_cap) {
		d->bufs_cap = d->bufs_cap ? d->bufs_cap * 2 : 8;
		d->bufs = xreallocarray(d->bufs, d->bufs_cap, sizeof(*d->bufs));
	}
	d->bufs[d->nbufs++] = buf;
}

int
parquet_reader_read_column(struct parquet_reader *r, size_t rg, size_t col,
    struct parquet_column_data *out)
{
	struct parquet_column_reader *c;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((c = parquet_column_reader_new(r, rg, col)) == NULL)
		return -1;
	c->keep = true;
	size_t nrows = c->nrows;
	size_t vs = 1 + value_size(c->pg.type);
	out->type = c->pg.type;
	if (charge(c, nrows * vs) < 0)
		goto out;
	data_arrays(out, nrows ? nrows : 1);
	memset(out->present, 0, nrows ? nrows : 1);
	size_t row = 0;
	while (row < nrows) {
		struct parquet_column_data v;
		int n = parquet_column_reader_next(c, nrows - row, &v);
		if (n <= 0) {
			if (n == 0)
				cerr(c, "column chunk ends after %zu of %zu values",
				    row, nrows);
			goto out;
		}
		memcpy(out->present + row, v.present, (size_t)n);
		switch (out->type) {
		case SCHEMA_TYPE_INT32:
			memcpy(out->i32 + row, v.i32, (size_t)n * 4);
			break;
		case SCHEMA_TYPE_INT64:
		case SCHEMA_TYPE_TIMESTAMP_US:
			memcpy(out->i64 + row, v.i64, (size_t)n * 8);
			break;
		case SCHEMA_TYPE_BOOLEAN:
			memcpy(out->b + row, v.b, (size_t)n);
			break;
		case SCHEMA_TYPE_STRING:
			memcpy(out->str + row, v.str,
			    (size_t)n * sizeof(*v.str));
			memcpy(out->str_len + row, v.str_len, (size_t)n * 4);
			break;
		}
		row += (size_t)n;
	}
	out->nrows = nrows;
	/* The strings point into the kept pages and the dictionary. */
	for (size_t i = 0; i < c->nkept; i++)
		data_take_buf(out, c->kept[i]);
	c->nkept = 0;
	if (c->dict.buf) {
		data_take_buf(out, c->dict.buf);
		c->dict.buf = NULL;
	}
	rc = 0;
out:
	parquet_column_reader_free(c);
	if (rc < 0)
		parquet_column_data_fini(out);
	return rc;
}
