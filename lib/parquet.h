/*
 * parquet.h - our own Apache Parquet writer and reader, for the subset
 * snapshots use: a flat schema of INT32, INT64, BOOLEAN, BYTE_ARRAY
 * (STRING) and INT64 TIMESTAMP(MICROS) columns, required or optional;
 * PLAIN and dictionary encodings; definition levels in the RLE/bit-packed
 * hybrid; ZSTD (or uncompressed) pages; data pages v1 written, v1 and v2
 * read; a Thrift compact footer with statistics and key/value metadata.
 *
 * The writer buffers one row group in memory.  The reader streams: a
 * column reader decodes one page at a time as its rows are consumed, so
 * its memory is bounded by a page (PARQUET_MAX_PAGE_BYTES and
 * PARQUET_MAX_PAGE_VALUES), whatever the file claims.  Every size, count and offset read from a file
 * is checked before use; a bad file yields an error that names the file
 * and what is wrong.
 */
#ifndef UPTAKE_LIB_PARQUET_H
#define UPTAKE_LIB_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Limits of the reader (a file beyond them is rejected, not truncated). */
#define PARQUET_MAX_FOOTER_BYTES (64u << 20)	/* footer metadata */
#define PARQUET_MAX_COLUMNS 4096		/* leaf columns */
#define PARQUET_MAX_ROW_GROUPS 1000000
#define PARQUET_MAX_KV 4096			/* key/value pairs */
/*
 * One page, either declared size (compressed or uncompressed).  Our writer
 * and DuckDB write pages of about 1 MiB; a page declaring more is refused
 * before anything is allocated for it (a 2 KB ZSTD page of zeros can claim
 * 512 MiB).
 */
#define PARQUET_MAX_PAGE_BYTES (16u << 20)
/*
 * Values (rows) of one data page or entries of one dictionary page: the
 * decoded arrays of a page are at most 13 bytes a value (27 MiB here).
 * pyarrow writes row groups of up to 1Mi rows, in pages of fewer.
 */
#define PARQUET_MAX_PAGE_VALUES (2u << 20)
/* One page header (Thrift, with its statistics). */
#define PARQUET_MAX_PAGE_HEADER_BYTES (1u << 20)
#define PARQUET_MAX_CHUNK_BYTES (1024u << 20)	/* one column chunk, on disk */
#define PARQUET_MAX_ROW_GROUP_ROWS (64u << 20)	/* rows in one row group */

/* One column of a file's flat schema. */
struct parquet_column_def {
	const char *name;
	enum schema_type type;
	bool required;
};

struct parquet_writer_options {
	uint32_t row_group_rows;  /* rows per row group (>= 1) */
	/* A row group is cut early when the values it holds in memory reach
	 * this many bytes (0: PARQUET_ROW_GROUP_BYTES); see below. */
	size_t row_group_bytes;
	size_t page_bytes;	  /* target encoded value bytes per data page */
	size_t dict_max_bytes;	  /* a bigger string dictionary falls back to PLAIN */
	int zstd_level;		  /* ZSTD level; 0 writes uncompressed pages */
	const char *created_by;	  /* footer created_by; NULL: "uptake version X" */
};

/*
 * A row group is held in memory until it is written.  What it holds is
 * counted as a byte per column and row (its null flag), each number's or
 * boolean's width, and for a string 12 bytes (its offset and length) plus
 * its bytes; when that reaches row_group_bytes the group is written, so
 * a wide row (the crawler's full-probe row counts some 1.3 KB) bounds the
 * memory, not the row count: parquet-mr cuts its row groups by size the
 * same way.  32 MiB: about 25,000 of the crawler's rows, some 40 MB of
 * memory with the arrays' slack; a 100,000-row part of them is 18% larger
 * on disk than as one row group (docs/performance.md, "Memory").
 */
#define PARQUET_ROW_GROUP_BYTES (32u << 20)

/* Defaults: 131072-row groups of at most PARQUET_ROW_GROUP_BYTES, 1 MiB
 * pages, 1 MiB dictionaries, level 9. */
void parquet_writer_options_default(struct parquet_writer_options *opt);

struct parquet_writer;

/*
 * Start a file on fd (open for writing at offset 0; the caller keeps
 * owning fd and closes it).  name is used in messages.  cols and their
 * names are copied.  opt may be NULL for defaults.  Returns NULL and logs
 * when the schema or options are unusable or the first write fails.
 */
struct parquet_writer *parquet_writer_new(int fd, const char *name,
	const struct parquet_column_def *cols, size_t ncols,
	const struct parquet_writer_options *opt);

/* Set footer key/value metadata (copied; a key set twice keeps the last). */
void parquet_writer_kv_set(struct parquet_writer *w, const char *key,
	const char *value);

/*
 * Append one row: row[i] is the value of column i.  Returns 0, -EINVAL
 * for a null in a required column or a string longer than half of
 * PARQUET_MAX_PAGE_BYTES (no readable page could hold it; the row is
 * refused, the writer stays usable),
 * or -errno when writing a full row group failed (the writer is then
 * unusable).
 */
int parquet_writer_append(struct parquet_writer *w,
	const struct schema_value *row) __attribute__((warn_unused_result));

/* Rows appended so far. */
uint64_t parquet_writer_rows(const struct parquet_writer *w);

/*
 * Write the last row group and the footer.  Does not fsync or close fd.
 * Returns 0 or -errno.
 */
int parquet_writer_close(struct parquet_writer *w)
	__attribute__((warn_unused_result));

/*
 * Why the writer failed: "NAME: write: reason" (a failed write(2), not
 * logged) or the page/footer/compression problem (logged); "" when it has
 * not failed.  Borrowed from w.
 */
const char *parquet_writer_error(const struct parquet_writer *w);

/* Free (accepts NULL); does not close fd. */
void parquet_writer_free(struct parquet_writer *w);

/* Reader. */

struct parquet_reader;

/* Decoded values of one column chunk; filled by parquet_reader_read_column. */
struct parquet_column_data {
	enum schema_type type;
	size_t nrows;
	uint8_t *present;	/* [nrows] 1 value, 0 null */
	int32_t *i32;		/* [nrows] for INT32 */
	int64_t *i64;		/* [nrows] for INT64 and TIMESTAMP_US */
	uint8_t *b;		/* [nrows] for BOOLEAN */
	const uint8_t **str;	/* [nrows] for STRING; into bufs */
	uint32_t *str_len;	/* [nrows] */
	/* Owned page buffers the strings point into. */
	uint8_t **bufs;
	size_t nbufs;
	size_t bufs_cap;
};

/* Free the arrays (accepts a zeroed or already-finished struct). */
void parquet_column_data_fini(struct parquet_column_data *d);

/* Row i of d as a value (strings borrowed from d). */
void parquet_column_data_get(const struct parquet_column_data *d, size_t i,
	struct schema_value *out);

/*
 * Open a file and read its footer.  On failure returns NULL and writes
 * "PATH: problem" into err (errlen bytes, may be 0).
 */
struct parquet_reader *parquet_reader_open(const char *path, char *err,
	size_t errlen);

/* The same over a buffer (borrowed for the reader's life); name for messages. */
struct parquet_reader *parquet_reader_open_mem(const void *buf, size_t len,
	const char *name, char *err, size_t errlen);

void parquet_reader_free(struct parquet_reader *r);

/*
 * Bound what the reader holds decoded at once (pages, dictionaries,
 * values and levels of its column readers, or the whole chunk of one
 * parquet_reader_read_column); default 512 MiB.  Fuzzers and tests set
 * less.
 */
void parquet_reader_set_decode_limit(struct parquet_reader *r, size_t bytes);

size_t parquet_reader_column_count(const struct parquet_reader *r);
/* Column i (borrowed); NULL when out of range. */
const struct parquet_column_def *parquet_reader_column(
	const struct parquet_reader *r, size_t i);
/* Index of the column named name, or -1. */
int parquet_reader_column_find(const struct parquet_reader *r,
	const char *name);

int64_t parquet_reader_rows(const struct parquet_reader *r);
size_t parquet_reader_row_group_count(const struct parquet_reader *r);
int64_t parquet_reader_row_group_rows(const struct parquet_reader *r,
	size_t rg);

size_t parquet_reader_kv_count(const struct parquet_reader *r);
/* Pair i, borrowed; value may be NULL (absent). Returns 0 or -1. */
int parquet_reader_kv(const struct parquet_reader *r, size_t i,
	const char **key, const char **value);
/* Value of key or NULL. */
const char *parquet_reader_kv_get(const struct parquet_reader *r,
	const char *key);
/* created_by of the footer, or NULL. */
const char *parquet_reader_created_by(const struct parquet_reader *r);

/*
 * Streaming: the rows of column col of row group rg, page by page.
 * Returns NULL with parquet_reader_error() when rg or col is out of range.
 * Column readers of one reader may be open at once (not across threads).
 */
struct parquet_column_reader;
struct parquet_column_reader *parquet_column_reader_new(
	struct parquet_reader *r, size_t rg, size_t col);

/*
 * The next rows, at most max and never past the end of the current page:
 * *out is a view (its arrays borrowed from the column reader, valid until
 * the next call or the free; do not finish it).  Returns the number of
 * rows (> 0), 0 when the row group is done, or -1 with
 * parquet_reader_error() naming file, row group, column and page offset.
 */
int parquet_column_reader_next(struct parquet_column_reader *cr, size_t max,
	struct parquet_column_data *out) __attribute__((warn_unused_result));

void parquet_column_reader_free(struct parquet_column_reader *cr);

/*
 * Decode a whole column chunk into *out (which must be zeroed or
 * finished; the caller finishes it): memory proportional to the chunk, so
 * for tests and small files; tools stream with parquet_column_reader_*.  Returns 0, or -1 with
 * parquet_reader_error() saying "NAME: row group R, column 'c': problem".
 */
int parquet_reader_read_column(struct parquet_reader *r, size_t rg,
	size_t col, struct parquet_column_data *out)
	__attribute__((warn_unused_result));

/* The last error message (never NULL; "" when none). */
const char *parquet_reader_error(const struct parquet_reader *r);

#endif
