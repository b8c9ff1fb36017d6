/*
 * parquet_int.h - internals shared by parquet_*.c: Parquet's enum values
 * (parquet.thrift), a growable byte buffer, the RLE/bit-packed hybrid,
 * and the decoded footer.  Not for use outside lib/parquet_*.c.
 */
#ifndef UPTAKE_LIB_PARQUET_INT_H
#define UPTAKE_LIB_PARQUET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "parquet: values are copied as little-endian host integers"
#endif

/* parquet.thrift enum Type */
enum pq_type {
	PQ_BOOLEAN = 0,
	PQ_INT32 = 1,
	PQ_INT64 = 2,
	PQ_INT96 = 3,
	PQ_FLOAT = 4,
	PQ_DOUBLE = 5,
	PQ_BYTE_ARRAY = 6,
	PQ_FIXED_LEN_BYTE_ARRAY = 7,
};

/* ConvertedType values we write or accept. */
enum pq_converted {
	PQ_CT_UTF8 = 0,
	PQ_CT_ENUM = 4,
	PQ_CT_TIMESTAMP_MICROS = 10,
	PQ_CT_INT_8 = 15,
	PQ_CT_INT_16 = 16,
	PQ_CT_INT_32 = 17,
	PQ_CT_INT_64 = 18,
	PQ_CT_JSON = 19,
};

/* LogicalType union field ids. */
enum pq_logical {
	PQ_LT_NONE = 0,
	PQ_LT_STRING = 1,
	PQ_LT_MAP = 2,
	PQ_LT_LIST = 3,
	PQ_LT_ENUM = 4,
	PQ_LT_DECIMAL = 5,
	PQ_LT_DATE = 6,
	PQ_LT_TIME = 7,
	PQ_LT_TIMESTAMP = 8,
	PQ_LT_INTEGER = 10,
	PQ_LT_UNKNOWN = 11,
	PQ_LT_JSON = 12,
	PQ_LT_BSON = 13,
	PQ_LT_UUID = 14,
};

enum pq_repetition {
	PQ_REQUIRED = 0,
	PQ_OPTIONAL = 1,
	PQ_REPEATED = 2,
};

enum pq_codec {
	PQ_CODEC_UNCOMPRESSED = 0,
	PQ_CODEC_SNAPPY = 1,
	PQ_CODEC_GZIP = 2,
	PQ_CODEC_LZO = 3,
	PQ_CODEC_BROTLI = 4,
	PQ_CODEC_LZ4 = 5,
	PQ_CODEC_ZSTD = 6,
	PQ_CODEC_LZ4_RAW = 7,
};

enum pq_encoding {
	PQ_ENC_PLAIN = 0,
	PQ_ENC_PLAIN_DICTIONARY = 2,
	PQ_ENC_RLE = 3,
	PQ_ENC_BIT_PACKED = 4,
	PQ_ENC_DELTA_BINARY_PACKED = 5,
	PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
	PQ_ENC_DELTA_BYTE_ARRAY = 7,
	PQ_ENC_RLE_DICTIONARY = 8,
	PQ_ENC_BYTE_STREAM_SPLIT = 9,
};

enum pq_page_type {
	PQ_PAGE_DATA = 0,
	PQ_PAGE_INDEX = 1,
	PQ_PAGE_DICTIONARY = 2,
	PQ_PAGE_DATA_V2 = 3,
};

/* Names for messages ("?" when unknown). */
const char *pq_type_name(int type);
const char *pq_codec_name(int codec);
const char *pq_encoding_name(int enc);

/* Growable byte buffer; out of memory is fatal. */
struct pq_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

void pq_buf_reserve(struct pq_buf *b, size_t n);
void pq_buf_add(struct pq_buf *b, const void *p, size_t n);
void pq_buf_byte(struct pq_buf *b, uint8_t v);
void pq_buf_u32le(struct pq_buf *b, uint32_t v);
void pq_buf_free(struct pq_buf *b);

/* Smallest bit width holding max_value (0 for 0). */
int pq_bit_width(uint32_t max_value);

/*
 * Append vals[0..n) to out in the RLE/bit-packed hybrid at bit_width
 * (0..32), without a length prefix.
 */
void pq_rle_encode(struct pq_buf *out, const uint32_t *vals, size_t n,
	int bit_width);

/*
 * Decode exactly n values of bit_width (0..32) from buf[0..len) into out.
 * Returns bytes consumed, or -1 with *err set to a static message.
 */
long pq_rle_decode(const uint8_t *buf, size_t len, int bit_width,
	uint32_t *out, size_t n, const char **err);

/* Decoded footer. */
struct pq_schema_elem {
	char *name;
	int type;		/* enum pq_type, -1 when absent */
	int repetition;		/* enum pq_repetition, -1 when absent */
	int32_t num_children;
	int converted;		/* -1 when absent */
	int logical;		/* enum pq_logical */
	bool ts_utc;		/* TIMESTAMP: isAdjustedToUTC */
	int ts_unit;		/* TIMESTAMP: 1 millis, 2 micros, 3 nanos */
	int int_bits;		/* INTEGER: bitWidth */
	bool int_signed;	/* INTEGER: isSigned */
};

struct pq_chunk_meta {
	int type;
	int codec;
	int64_t num_values;
	int64_t total_uncompressed;
	int64_t total_compressed;
	int64_t data_page_offset;
	int64_t dictionary_page_offset; /* -1 when absent */
	bool has_meta;
	bool has_file_path;
};

struct pq_row_group {
	int64_t num_rows;
	struct pq_chunk_meta *chunks;
	size_t nchunks;
};

struct pq_kv {
	char *key;
	char *value; /* NULL when absent */
};

struct pq_file_meta {
	int32_t version;
	struct pq_schema_elem *elems;
	size_t nelems;
	int64_t num_rows;
	struct pq_row_group *rgs;
	size_t nrgs;
	struct pq_kv *kvs;
	size_t nkvs;
	char *created_by;
};

/*
 * Parse a FileMetaData from buf[0..len) into *m (zeroed on entry).
 * Returns 0, or -1 with a message in err.  Bounds: PARQUET_MAX_*.
 * Only parses; semantic checks are the reader's.
 */
int pq_file_meta_parse(const uint8_t *buf, size_t len,
	struct pq_file_meta *m, char *err, size_t errlen);
void pq_file_meta_free(struct pq_file_meta *m);

/* Page header fields we use. */
struct pq_page_header {
	int type;
	int32_t uncompressed_size;
	int32_t compressed_size;
	/* DATA_PAGE and DATA_PAGE_V2 */
	int32_t num_values;
	int encoding;
	int def_encoding;
	int rep_encoding;
	/* DATA_PAGE_V2 */
	int32_t num_nulls;
	int32_t num_rows;
	int32_t def_len;
	int32_t rep_len;
	bool is_compressed;
	/* DICTIONARY_PAGE */
	int32_t dict_num_values;
	int dict_encoding;
	bool has_data;
	bool has_data_v2;
	bool has_dict;
};

/*
 * Parse a PageHeader at buf[0..len).  Returns header bytes consumed, or -1
 * with a static message in *err.
 */
long pq_page_header_parse(const uint8_t *buf, size_t len,
	struct pq_page_header *h, const char **err);

#endif
