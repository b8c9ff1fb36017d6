/*
 * parquet_write.c - Parquet writer: one row group buffered in memory,
 * then written column by column as a dictionary page (strings, when the
 * dictionary stays under its bound) and data pages v1, each ZSTD
 * compressed, then the Thrift compact footer.
 *
 * Layout facts (parquet-format): the file is "PAR1", column chunks, the
 * FileMetaData, its 4-byte little-endian length, "PAR1".  A v1 data page
 * holds the definition levels (4-byte length, then the RLE/bit-packed
 * hybrid at width 1) and the values; the whole page is compressed.  PLAIN
 * is little-endian for ints, LSB-first bits for booleans, a 4-byte length
 * then bytes for BYTE_ARRAY.  RLE_DICTIONARY pages hold one byte of bit
 * width then the hybrid-encoded indices of the non-null values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "config.h"
#include "log.h"
#include "parquet.h"
#include "parquet_int.h"
#include "thrift_compact.h"
#include "util.h"

/*
 * Every page must be one the readers take (PARQUET_MAX_PAGE_BYTES and
 * PARQUET_MAX_PAGE_VALUES, lib/parquet.h).  A data page holds less than
 * page_bytes of values before its last one, plus that one and its levels;
 * a dictionary page at most dict_max_bytes.  So both targets are capped at
 * a quarter of the page cap, and a string at half of it: a page stays
 * under the cap whatever the options and values.
 */
#define PQ_MAX_PAGE_TARGET (PARQUET_MAX_PAGE_BYTES / 4)
/* Longest string value accepted (a longer one's row is refused). */
#define PQ_MAX_STRING_BYTES (PARQUET_MAX_PAGE_BYTES / 2)
/* Flush the output buffer at this size. */
#define PQ_OUT_FLUSH_BYTES (1u << 20)
/* Strings longer than this get no min/max statistics. */
#define PQ_STATS_MAX_STRING 256
/* A write error's message: the file's path (PATH_MAX) and the reason. */
#define PQ_WRITER_ERR_BYTES (4096 + 256)

struct wcol {
	char *name;
	enum schema_type type;
	bool required;
	uint8_t *present;	/* [row in group] */
	size_t present_cap;
	/* Non-null values, compacted. */
	void *vals;		/* int32_t, int64_t or uint8_t */
	size_t nvals;
	size_t vcap;
	uint64_t *soff;		/* strings: offset into sdata */
	uint32_t *slen;
	struct pq_buf sdata;
};

struct chunk_out {
	int64_t num_values;
	int64_t null_count;
	int64_t total_uncompressed;
	int64_t total_compressed;
	int64_t data_page_offset;
	int64_t dictionary_page_offset; /* -1: none */
	bool has_minmax;
	uint8_t *min;
	uint8_t *max;
	uint32_t min_len;
	uint32_t max_len;
};

struct rg_out {
	int64_t num_rows;
	int64_t file_offset;
	int64_t total_byte_size;
	int64_t total_compressed;
	struct chunk_out *chunks;
};

struct parquet_writer {
	int fd;
	char *name;
	struct parquet_writer_options opt;
	char *created_by;
	struct wcol *cols;
	size_t ncols;
	size_t rg_rows;
	size_t buffered_bytes;
	uint64_t rows;
	uint64_t offset;	/* bytes written or buffered */
	struct pq_buf out;
	ZSTD_CCtx *cctx;
	struct pq_buf page;	/* page being built */
	struct pq_buf levels;	/* encoded levels or indices */
	struct pq_buf comp;	/* compressed page */
	struct thrift_writer tw;
	uint32_t *tmp32;
	size_t tmp32_cap;
	struct rg_out *rgs;
	size_t nrgs;
	size_t rgs_cap;
	struct pq_kv *kvs;
	size_t nkvs;
	int err;		/* sticky -errno */
	char errmsg[PQ_WRITER_ERR_BYTES]; /* why err is set */
};

void
parquet_writer_options_default(struct parquet_writer_options *opt)
{
	opt->row_group_rows = 131072;
	opt->row_group_bytes = PARQUET_ROW_GROUP_BYTES;
	opt->page_bytes = 1u << 20;
	opt->dict_max_bytes = 1u << 20;
	opt->zstd_level = 9;
	opt->created_by = NULL;
}

static int
out_flush(struct parquet_writer *w)
{
	size_t done = 0;

	while (done < w->out.len) {
		ssize_t n = write(w->fd, w->out.p + done, w->out.len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Said by the caller (parquet_writer_error), once. */
			w->err = -errno;
			snprintf(w->errmsg, sizeof(w->errmsg), "%s: write: %s",
			    w->name, strerror(errno));
			return w->err;
		}
		done += (size_t)n;
	}
	w->out.len = 0;
	return 0;
}

static int
out_add(struct parquet_writer *w, const void *p, size_t n)
{
	pq_buf_add(&w->out, p, n);
	w->offset += n;
	if (w->out.len >= PQ_OUT_FLUSH_BYTES)
		return out_flush(w);
	return 0;
}

struct parquet_writer *
parquet_writer_new(int fd, const char *name,
    const struct parquet_column_def *cols, size_t ncols,
    const struct parquet_writer_options *opt)
{
	struct parquet_writer *w;

	if (ncols == 0 || ncols > PARQUET_MAX_COLUMNS) {
		log_err("parquet", "%s: %zu columns (1..%u allowed)", name,
		    ncols, PARQUET_MAX_COLUMNS);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->name = xstrdup(name);
	if (opt)
		w->opt = *opt;
	else
		parquet_writer_options_default(&w->opt);
	if (w->opt.row_group_rows == 0 ||
	    w->opt.row_group_rows > PARQUET_MAX_ROW_GROUP_ROWS)
		w->opt.row_group_rows = 131072;
	if (w->opt.row_group_bytes == 0)
		w->opt.row_group_bytes = PARQUET_ROW_GROUP_BYTES;
	if (w->opt.page_bytes == 0)
		w->opt.page_bytes = 1u << 20;
	if (w->opt.page_bytes > PQ_MAX_PAGE_TARGET)
		w->opt.page_bytes = PQ_MAX_PAGE_TARGET;
	if (w->opt.dict_max_bytes > PQ_MAX_PAGE_TARGET)
		w->opt.dict_max_bytes = PQ_MAX_PAGE_TARGET;
	if (w->opt.created_by)
		w->created_by = xstrdup(w->opt.created_by);
	else {
		char buf[64];
		snprintf(buf, sizeof(buf), "uptake version %s",
		    UPTAKE_VERSION);
		w->created_by = xstrdup(buf);
	}
	w->opt.created_by = NULL;
	w->cols = xcalloc(ncols, sizeof(*w->cols));
	w->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		w->cols[i].name = xstrdup(cols[i].name);
		w->cols[i].type = cols[i].type;
		w->cols[i].required = cols[i].required;
		/* Never a NULL arena, even when every string is empty. */
		pq_buf_reserve(&w->cols[i].sdata, 1);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cols[i].name, cols[j].name) == 0) {
				log_err("parquet", "%s: column '%s' twice",
				    name, cols[i].name);
				parquet_writer_free(w);
				return NULL;
			}
	}
	if (w->opt.zstd_level > 0) {
		w->cctx = ZSTD_createCCtx();
		if (w->cctx == NULL)
			abort();
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
		    w->opt.zstd_level);
		/* 4 bytes per page buy detection of damaged page data. */
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	}
	thrift_writer_init(&w->tw);
	if (out_add(w, "PAR1", 4) < 0) {
		parquet_writer_free(w);
		return NULL;
	}
	return w;
}

void
parquet_writer_kv_set(struct parquet_writer *w, const char *key,
    const char *value)
{
	for (size_t i = 0; i < w->nkvs; i++)
		if (strcmp(w->kvs[i].key, key) == 0) {
			free(w->kvs[i].value);
			w->kvs[i].value = value ? xstrdup(value) : NULL;
			return;
		}
	w->kvs = xreallocarray(w->kvs, w->nkvs + 1, sizeof(*w->kvs));
	w->kvs[w->nkvs].key = xstrdup(key);
	w->kvs[w->nkvs].value = value ? xstrdup(value) : NULL;
	w->nkvs++;
}

uint64_t
parquet_writer_rows(const struct parquet_writer *w)
{
	return w->rows;
}

static size_t
type_size(enum schema_type t)
{
	switch (t) {
	case SCHEMA_TYPE_INT32:
		return 4;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		return 8;
	case SCHEMA_TYPE_BOOLEAN:
		return 1;
	case SCHEMA_TYPE_STRING:
		return 0;
	}
	return 0;
}

/* Store v as row's value of c.  Returns the bytes it adds to the group
 * by the rule of PARQUET_ROW_GROUP_BYTES (lib/parquet.h). */
static size_t
col_push(struct wcol *c, size_t row, const struct schema_value *v)
{
	if (row >= c->present_cap) {
		c->present_cap = c->present_cap ? c->present_cap * 2 : 1024;
		c->present = xrealloc(c->present, c->present_cap);
	}
	c->present[row] = v->present;
	if (!v->present)
		return 1;
	if (c->nvals >= c->vcap) {
		c->vcap = c->vcap ? c->vcap * 2 : 1024;
		if (c->type == SCHEMA_TYPE_STRING) {
			c->soff = xreallocarray(c->soff, c->vcap,
			    sizeof(*c->soff));
			c->slen = xreallocarray(c->slen, c->vcap,
			    sizeof(*c->slen));
		} else
			c->vals = xreallocarray(c->vals, c->vcap,
			    type_size(c->type));
	}
	switch (c->type) {
	case SCHEMA_TYPE_INT32:
		((int32_t *)c->vals)[c->nvals] = v->u.i32;
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		((int64_t *)c->vals)[c->nvals] = v->u.i64;
		break;
	case SCHEMA_TYPE_BOOLEAN:
		((uint8_t *)c->vals)[c->nvals] = v->u.b ? 1 : 0;
		break;
	case SCHEMA_TYPE_STRING:
		c->soff[c->nvals] = c->sdata.len;
		c->slen[c->nvals] = (uint32_t)v->u.str.len;
		pq_buf_add(&c->sdata, v->u.str.ptr, v->u.str.len);
		c->nvals++;
		return 1 + sizeof(*c->soff) + sizeof(*c->slen) + v->u.str.len;
	}
	c->nvals++;
	return 1 + type_size(c->type);
}

static uint32_t *
tmp32(struct parquet_writer *w, size_t n)
{
	if (n > w->tmp32_cap) {
		w->tmp32_cap = n;
		w->tmp32 = xreallocarray(w->tmp32, n, sizeof(uint32_t));
	}
	return w->tmp32;
}

/* Compress w->page and write it with its header; account in co. */
static int
write_page(struct parquet_writer *w, struct chunk_out *co,
    enum pq_page_type type, int32_t num_values, enum pq_encoding enc)
{
	const uint8_t *body = w->page.p;
	size_t ulen = w->page.len, clen = ulen;

	if (ulen > PARQUET_MAX_PAGE_BYTES) {
		snprintf(w->errmsg, sizeof(w->errmsg),
		    "%s: page of %zu bytes is too large", w->name, ulen);
		log_err("parquet", "%s", w->errmsg);
		return w->err = -EFBIG;
	}
	if (w->cctx) {
		size_t bound = ZSTD_compressBound(ulen);
		w->comp.len = 0;
		pq_buf_reserve(&w->comp, bound);
		clen = ZSTD_compress2(w->cctx, w->comp.p, bound, w->page.p,
		    ulen);
		if (ZSTD_isError(clen)) {
			snprintf(w->errmsg, sizeof(w->errmsg), "%s: zstd: %s",
			    w->name, ZSTD_getErrorName(clen));
			log_err("parquet", "%s", w->errmsg);
			return w->err = -EIO;
		}
		body = w->comp.p;
	}
	thrift_writer_reset(&w->tw);
	thrift_writer_struct_begin(&w->tw);
	thrift_writer_field_i32(&w->tw, 1, type);
	thrift_writer_field_i32(&w->tw, 2, (int32_t)ulen);
	thrift_writer_field_i32(&w->tw, 3, (int32_t)clen);
	if (type == PQ_PAGE_DATA) {
		thrift_writer_field_struct_begin(&w->tw, 5);
		thrift_writer_field_i32(&w->tw, 1, num_values);
		thrift_writer_field_i32(&w->tw, 2, enc);
		thrift_writer_field_i32(&w->tw, 3, PQ_ENC_RLE);
		thrift_writer_field_i32(&w->tw, 4, PQ_ENC_RLE);
		thrift_writer_struct_end(&w->tw);
	} else {
		thrift_writer_field_struct_begin(&w->tw, 7);
		thrift_writer_field_i32(&w->tw, 1, num_values);
		thrift_writer_field_i32(&w->tw, 2, enc);
		thrift_writer_struct_end(&w->tw);
	}
	thrift_writer_struct_end(&w->tw);
	co->total_uncompressed += (int64_t)(w->tw.len + ulen);
	co->total_compressed += (int64_t)(w->tw.len + clen);
	if (out_add(w, w->tw.buf, w->tw.len) < 0 || out_add(w, body, clen) < 0)
		return w->err;
	return 0;
}

static uint64_t
hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * Dictionary of the column's strings: idx[i] gets the entry of value i,
 * *entries the value index of each entry.  Returns false (no dictionary)
 * when its PLAIN size would exceed dict_max_bytes.
 */
static bool
build_dict(struct parquet_writer *w, struct wcol *c, uint32_t *idx,
    uint32_t **entries, uint32_t *nentries)
{
	size_t cap = 16, bytes = 0;
	uint32_t *table, *ent, n = 0;

	while (cap < c->nvals * 2)
		cap *= 2;
	table = xcalloc(cap, sizeof(*table));
	ent = xreallocarray(NULL, c->nvals ? c->nvals : 1, sizeof(*ent));
	for (size_t i = 0; i < c->nvals; i++) {
		const uint8_t *s = c->sdata.p + c->soff[i];
		uint32_t len = c->slen[i];
		size_t h = (size_t)hash_bytes(s, len) & (cap - 1);
		for (;;) {
			uint32_t e = table[h];
			if (e == 0) {
				bytes += 4 + (size_t)len;
				if (bytes > w->opt.dict_max_bytes) {
					free(table);
					free(ent);
					return false;
				}
				ent[n] = (uint32_t)i;
				table[h] = ++n;
				idx[i] = n - 1;
				break;
			}
			uint32_t j = ent[e - 1];
			if (c->slen[j] == len &&
			    memcmp(c->sdata.p + c->soff[j], s, len) == 0) {
				idx[i] = e - 1;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
	}
	free(table);
	*entries = ent;
	*nentries = n;
	return true;
}

static int
bytes_cmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static void
set_minmax(struct chunk_out *co, const void *min, uint32_t min_len,
    const void *max, uint32_t max_len)
{
	co->has_minmax = true;
	co->min = xmalloc(min_len ? min_len : 1);
	co->max = xmalloc(max_len ? max_len : 1);
	if (min_len)
		memcpy(co->min, min, min_len);
	if (max_len)
		memcpy(co->max, max, max_len);
	co->min_len = min_len;
	co->max_len = max_len;
}

static void
col_stats(struct wcol *c, struct chunk_out *co, const uint32_t *entries,
    uint32_t nentries)
{
	if (c->nvals == 0)
		return;
	switch (c->type) {
	case SCHEMA_TYPE_INT32: {
		const int32_t *v = c->vals;
		int32_t lo = v[0], hi = v[0];
		for (size_t i = 1; i < c->nvals; i++) {
			if (v[i] < lo)
				lo = v[i];
			if (v[i] > hi)
				hi = v[i];
		}
		set_minmax(co, &lo, 4, &hi, 4);
		break;
	}
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US: {
		const int64_t *v = c->vals;
		int64_t lo = v[0], hi = v[0];
		for (size_t i = 1; i < c->nvals; i++) {
			if (v[i] < lo)
				lo = v[i];
			if (v[i] > hi)
				hi = v[i];
		}
		set_minmax(co, &lo, 8, &hi, 8);
		break;
	}
	case SCHEMA_TYPE_BOOLEAN: {
		const uint8_t *v = c->vals;
		uint8_t lo = 1, hi = 0;
		for (size_t i = 0; i < c->nvals; i++) {
			lo &= v[i];
			hi |= v[i];
		}
		set_minmax(co, &lo, 1, &hi, 1);
		break;
	}
	case SCHEMA_TYPE_STRING: {
		size_t n = entries ? nentries : c->nvals;
		size_t lo = 0, hi = 0;
		for (size_t k = 0; k < n; k++) {
			size_t i = entries ? entries[k] : k;
			const uint8_t *s = c->sdata.p + c->soff[i];
			if (c->slen[i] > PQ_STATS_MAX_STRING)
				return;
			if (k == 0) {
				lo = hi = i;
				continue;
			}
			if (bytes_cmp(s, c->slen[i], c->sdata.p + c->soff[lo],
			    c->slen[lo]) < 0)
				lo = i;
			if (bytes_cmp(s, c->slen[i], c->sdata.p + c->soff[hi],
			    c->slen[hi]) > 0)
				hi = i;
		}
		set_minmax(co, c->sdata.p + c->soff[lo], c->slen[lo],
		    c->sdata.p + c->soff[hi], c->slen[hi]);
		break;
	}
	}
}

/* PLAIN-encode values [v0, v1) of c into w->page. */
static void
plain_values(struct parquet_writer *w, struct wcol *c, size_t v0, size_t v1)
{
	size_t n = v1 - v0;

	if (n == 0)
		return;
	switch (c->type) {
	case SCHEMA_TYPE_INT32:
		pq_buf_add(&w->page, (const int32_t *)c->vals + v0, 4 * n);
		break;
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		pq_buf_add(&w->page, (const int64_t *)c->vals + v0, 8 * n);
		break;
	case SCHEMA_TYPE_BOOLEAN: {
		const uint8_t *v = c->vals;
		size_t nb = (n + 7) / 8;
		pq_buf_reserve(&w->page, nb);
		uint8_t *p = w->page.p + w->page.len;
		memset(p, 0, nb);
		for (size_t i = 0; i < n; i++)
			p[i / 8] |= (uint8_t)(v[v0 + i] << (i % 8));
		w->page.len += nb;
		break;
	}
	case SCHEMA_TYPE_STRING:
		for (size_t i = v0; i < v1; i++) {
			pq_buf_u32le(&w->page, c->slen[i]);
			pq_buf_add(&w->page, c->sdata.p + c->soff[i],
			    c->slen[i]);
		}
		break;
	}
}

/* Write column c of the current row group; fill co. */
static int
flush_column(struct parquet_writer *w, struct wcol *c, struct chunk_out *co,
    size_t nrows)
{
	uint32_t *idx = NULL, *entries = NULL, nentries = 0;
	bool dict = false;
	int bw = 0, rc = 0;

	co->num_values = (int64_t)nrows;
	co->null_count = (int64_t)(nrows - c->nvals);
	co->dictionary_page_offset = -1;
	if (c->type == SCHEMA_TYPE_STRING && c->nvals > 0) {
		idx = xreallocarray(NULL, c->nvals, sizeof(*idx));
		dict = build_dict(w, c, idx, &entries, &nentries);
	}
	col_stats(c, co, dict ? entries : NULL, nentries);
	if (dict) {
		co->dictionary_page_offset = (int64_t)w->offset;
		w->page.len = 0;
		for (uint32_t k = 0; k < nentries; k++) {
			uint32_t i = entries[k];
			pq_buf_u32le(&w->page, c->slen[i]);
			pq_buf_add(&w->page, c->sdata.p + c->soff[i],
			    c->slen[i]);
		}
		if ((rc = write_page(w, co, PQ_PAGE_DICTIONARY,
		    (int32_t)nentries, PQ_ENC_PLAIN)) < 0)
			goto out;
		bw = pq_bit_width(nentries - 1);
		if (bw == 0)
			bw = 1;
	}
	co->data_page_offset = (int64_t)w->offset;

	/* Data pages: cut when the estimated encoded values reach page_bytes. */
	size_t r = 0, v = 0;
	uint64_t limit_bits = (uint64_t)w->opt.page_bytes * 8;
	while (r < nrows) {
		size_t r1 = r, v1 = v;
		uint64_t bits = 0;
		while (r1 < nrows && bits < limit_bits &&
		    r1 - r < PARQUET_MAX_PAGE_VALUES) {
			if (c->present[r1]) {
				if (dict)
					bits += (uint64_t)bw;
				else if (c->type == SCHEMA_TYPE_STRING)
					bits += 8 * (4 + (uint64_t)c->slen[v1]);
				else if (c->type == SCHEMA_TYPE_BOOLEAN)
					bits += 1;
				else
					bits += 8 * type_size(c->type);
				v1++;
			}
			bits += c->required ? 0 : 1;
			r1++;
		}
		w->page.len = 0;
		if (!c->required) {
			uint32_t *lv = tmp32(w, r1 - r);
			for (size_t k = r; k < r1; k++)
				lv[k - r] = c->present[k];
			w->levels.len = 0;
			pq_rle_encode(&w->levels, lv, r1 - r, 1);
			pq_buf_u32le(&w->page, (uint32_t)w->levels.len);
			pq_buf_add(&w->page, w->levels.p, w->levels.len);
		}
		if (dict) {
			pq_buf_byte(&w->page, (uint8_t)bw);
			pq_rle_encode(&w->page, idx + v, v1 - v, bw);
		} else
			plain_values(w, c, v, v1);
		if ((rc = write_page(w, co, PQ_PAGE_DATA, (int32_t)(r1 - r),
		    dict ? PQ_ENC_RLE_DICTIONARY : PQ_ENC_PLAIN)) < 0)
			goto out;
		r = r1;
		v = v1;
	}
out:
	free(idx);
	free(entries);
	return rc;
}

static int
flush_row_group(struct parquet_writer *w)
{
	struct rg_out *g;
	int rc;

	if (w->rg_rows == 0)
		return 0;
	if (w->nrgs == w->rgs_cap) {
		w->rgs_cap = w->rgs_cap ? w->rgs_cap * 2 : 8;
		w->rgs = xreallocarray(w->rgs, w->rgs_cap, sizeof(*w->rgs));
	}
	g = &w->rgs[w->nrgs++];
	memset(g, 0, sizeof(*g));
	g->num_rows = (int64_t)w->rg_rows;
	g->file_offset = (int64_t)w->offset;
	g->chunks = xcalloc(w->ncols, sizeof(*g->chunks));
	for (size_t i = 0; i < w->ncols; i++) {
		struct wcol *c = &w->cols[i];
		if ((rc = flush_column(w, c, &g->chunks[i], w->rg_rows)) < 0)
			return rc;
		g->total_byte_size += g->chunks[i].total_uncompressed;
		g->total_compressed += g->chunks[i].total_compressed;
		c->nvals = 0;
		c->sdata.len = 0;
	}
	w->rg_rows = 0;
	w->buffered_bytes = 0;
	return 0;
}

int
parquet_writer_append(struct parquet_writer *w, const struct schema_value *row)
{
	if (w->err)
		return w->err;
	for (size_t i = 0; i < w->ncols; i++) {
		if (!row[i].present && w->cols[i].required) {
			log_err("parquet", "%s: null in required column '%s'",
			    w->name, w->cols[i].name);
			return -EINVAL;
		}
		if (row[i].present && w->cols[i].type == SCHEMA_TYPE_STRING &&
		    row[i].u.str.len > PQ_MAX_STRING_BYTES) {
			log_err("parquet", "%s: column '%s': string of %zu bytes is too long",
			    w->name, w->cols[i].name, row[i].u.str.len);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < w->ncols; i++)
		w->buffered_bytes += col_push(&w->cols[i], w->rg_rows, &row[i]);
	w->rg_rows++;
	w->rows++;
	if (w->rg_rows >= w->opt.row_group_rows ||
	    w->buffered_bytes >= w->opt.row_group_bytes)
		return flush_row_group(w);
	return 0;
}

static void
footer_schema(struct parquet_writer *w, struct thrift_writer *t)
{
	thrift_writer_field_list_begin(t, 2, THRIFT_STRUCT,
	    (uint32_t)w->ncols + 1);
	thrift_writer_struct_begin(t);
	thrift_writer_field_string(t, 4, "schema");
	thrift_writer_field_i32(t, 5, (int32_t)w->ncols);
	thrift_writer_struct_end(t);
	for (size_t i = 0; i < w->ncols; i++) {
		const struct wcol *c = &w->cols[i];
		int ptype = PQ_INT32;
		thrift_writer_struct_begin(t);
		switch (c->type) {
		case SCHEMA_TYPE_INT32:
			ptype = PQ_INT32;
			break;
		case SCHEMA_TYPE_INT64:
		case SCHEMA_TYPE_TIMESTAMP_US:
			ptype = PQ_INT64;
			break;
		case SCHEMA_TYPE_BOOLEAN:
			ptype = PQ_BOOLEAN;
			break;
		case SCHEMA_TYPE_STRING:
			ptype = PQ_BYTE_ARRAY;
			break;
		}
		thrift_writer_field_i32(t, 1, ptype);
		thrift_writer_field_i32(t, 3,
		    c->required ? PQ_REQUIRED : PQ_OPTIONAL);
		thrift_writer_field_string(t, 4, c->name);
		if (c->type == SCHEMA_TYPE_STRING) {
			thrift_writer_field_i32(t, 6, PQ_CT_UTF8);
			thrift_writer_field_struct_begin(t, 10);
			thrift_writer_field_struct_begin(t, PQ_LT_STRING);
			thrift_writer_struct_end(t);
			thrift_writer_struct_end(t);
		} else if (c->type == SCHEMA_TYPE_TIMESTAMP_US) {
			thrift_writer_field_i32(t, 6, PQ_CT_TIMESTAMP_MICROS);
			thrift_writer_field_struct_begin(t, 10);
			thrift_writer_field_struct_begin(t, PQ_LT_TIMESTAMP);
			thrift_writer_field_bool(t, 1, true);
			thrift_writer_field_struct_begin(t, 2);
			thrift_writer_field_struct_begin(t, 2); /* MICROS */
			thrift_writer_struct_end(t);
			thrift_writer_struct_end(t);
			thrift_writer_struct_end(t);
			thrift_writer_struct_end(t);
		}
		thrift_writer_struct_end(t);
	}
}

static void
footer_chunk(struct parquet_writer *w, struct thrift_writer *t,
    const struct wcol *c, const struct chunk_out *co)
{
	bool dict = co->dictionary_page_offset >= 0;
	int ptype = c->type == SCHEMA_TYPE_INT32 ? PQ_INT32 :
	    c->type == SCHEMA_TYPE_BOOLEAN ? PQ_BOOLEAN :
	    c->type == SCHEMA_TYPE_STRING ? PQ_BYTE_ARRAY : PQ_INT64;

	thrift_writer_struct_begin(t);
	thrift_writer_field_i64(t, 2, dict ? co->dictionary_page_offset :
	    co->data_page_offset);
	thrift_writer_field_struct_begin(t, 3);
	thrift_writer_field_i32(t, 1, ptype);
	if (dict) {
		thrift_writer_field_list_begin(t, 2, THRIFT_I32, 3);
		thrift_writer_elem_i32(t, PQ_ENC_PLAIN);
		thrift_writer_elem_i32(t, PQ_ENC_RLE);
		thrift_writer_elem_i32(t, PQ_ENC_RLE_DICTIONARY);
	} else {
		thrift_writer_field_list_begin(t, 2, THRIFT_I32, 2);
		thrift_writer_elem_i32(t, PQ_ENC_PLAIN);
		thrift_writer_elem_i32(t, PQ_ENC_RLE);
	}
	thrift_writer_field_list_begin(t, 3, THRIFT_BINARY, 1);
	thrift_writer_elem_binary(t, c->name, strlen(c->name));
	thrift_writer_field_i32(t, 4, w->cctx ? PQ_CODEC_ZSTD :
	    PQ_CODEC_UNCOMPRESSED);
	thrift_writer_field_i64(t, 5, co->num_values);
	thrift_writer_field_i64(t, 6, co->total_uncompressed);
	thrift_writer_field_i64(t, 7, co->total_compressed);
	thrift_writer_field_i64(t, 9, co->data_page_offset);
	if (dict)
		thrift_writer_field_i64(t, 11, co->dictionary_page_offset);
	thrift_writer_field_struct_begin(t, 12);
	thrift_writer_field_i64(t, 3, co->null_count);
	if (co->has_minmax) {
		thrift_writer_field_binary(t, 5, co->max, co->max_len);
		thrift_writer_field_binary(t, 6, co->min, co->min_len);
		thrift_writer_field_bool(t, 7, true);
		thrift_writer_field_bool(t, 8, true);
	}
	thrift_writer_struct_end(t);
	thrift_writer_struct_end(t);
	thrift_writer_struct_end(t);
}

static int
write_footer(struct parquet_writer *w)
{
	struct thrift_writer *t = &w->tw;
	uint8_t tail[8];

	thrift_writer_reset(t);
	thrift_writer_struct_begin(t);
	thrift_writer_field_i32(t, 1, 1);
	footer_schema(w, t);
	thrift_writer_field_i64(t, 3, (int64_t)w->rows);
	thrift_writer_field_list_begin(t, 4, THRIFT_STRUCT, (uint32_t)w->nrgs);
	for (size_t g = 0; g < w->nrgs; g++) {
		const struct rg_out *rg = &w->rgs[g];
		thrift_writer_struct_begin(t);
		thrift_writer_field_list_begin(t, 1, THRIFT_STRUCT,
		    (uint32_t)w->ncols);
		for (size_t i = 0; i < w->ncols; i++)
			footer_chunk(w, t, &w->cols[i], &rg->chunks[i]);
		thrift_writer_field_i64(t, 2, rg->total_byte_size);
		thrift_writer_field_i64(t, 3, rg->num_rows);
		thrift_writer_field_i64(t, 5, rg->file_offset);
		thrift_writer_field_i64(t, 6, rg->total_compressed);
		thrift_writer_struct_end(t);
	}
	if (w->nkvs > 0) {
		thrift_writer_field_list_begin(t, 5, THRIFT_STRUCT,
		    (uint32_t)w->nkvs);
		for (size_t i = 0; i < w->nkvs; i++) {
			thrift_writer_struct_begin(t);
			thrift_writer_field_string(t, 1, w->kvs[i].key);
			if (w->kvs[i].value)
				thrift_writer_field_string(t, 2,
				    w->kvs[i].value);
			thrift_writer_struct_end(t);
		}
	}
	thrift_writer_field_string(t, 6, w->created_by);
	thrift_writer_field_list_begin(t, 7, THRIFT_STRUCT, (uint32_t)w->ncols);
	for (size_t i = 0; i < w->ncols; i++) {
		thrift_writer_struct_begin(t);
		thrift_writer_field_struct_begin(t, 1); /* TYPE_ORDER */
		thrift_writer_struct_end(t);
		thrift_writer_struct_end(t);
	}
	thrift_writer_struct_end(t);
	if (t->len > PARQUET_MAX_FOOTER_BYTES) {
		snprintf(w->errmsg, sizeof(w->errmsg),
		    "%s: footer of %zu bytes is too large", w->name, t->len);
		log_err("parquet", "%s", w->errmsg);
		return w->err = -EFBIG;
	}
	uint32_t n = (uint32_t)t->len;
	tail[0] = (uint8_t)n;
	tail[1] = (uint8_t)(n >> 8);
	tail[2] = (uint8_t)(n >> 16);
	tail[3] = (uint8_t)(n >> 24);
	memcpy(tail + 4, "PAR1", 4);
	if (out_add(w, t->buf, t->len) < 0 || out_add(w, tail, 8) < 0)
		return w->err;
	return out_flush(w);
}

int
parquet_writer_close(struct parquet_writer *w)
{
	int rc;

	if (w->err)
		return w->err;
	if ((rc = flush_row_group(w)) < 0)
		return rc;
	return write_footer(w);
}

const char *
parquet_writer_error(const struct parquet_writer *w)
{
	return w->errmsg;
}

void
parquet_writer_free(struct parquet_writer *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->ncols; i++) {
		struct wcol *c = &w->cols[i];
		free(c->name);
		free(c->present);
		free(c->vals);
		free(c->soff);
		free(c->slen);
		pq_buf_free(&c->sdata);
	}
	free(w->cols);
	for (size_t g = 0; g < w->nrgs; g++) {
		for (size_t i = 0; i < w->ncols; i++) {
			free(w->rgs[g].chunks[i].min);
			free(w->rgs[g].chunks[i].max);
		}
		free(w->rgs[g].chunks);
	}
	free(w->rgs);
	for (size_t i = 0; i < w->nkvs; i++) {
		free(w->kvs[i].key);
		free(w->kvs[i].value);
	}
	free(w->kvs);
	ZSTD_freeCCtx(w->cctx);
	pq_buf_free(&w->out);
	pq_buf_free(&w->page);
	pq_buf_free(&w->levels);
	pq_buf_free(&w->comp);
	thrift_writer_fini(&w->tw);
	free(w->tmp32);
	free(w->created_by);
	free(w->name);
	free(w);
}
