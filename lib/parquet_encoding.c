/*
 * parquet_encoding.c - byte buffer, the RLE/bit-packed hybrid of Parquet's
 * Encodings.md (used for definition levels, dictionary indices and RLE
 * booleans), and enum names for messages.
 *
 * Hybrid facts: a run starts with a ULEB128 header; low bit 0 is an RLE
 * run of (header >> 1) copies of one value stored in ceil(width / 8)
 * little-endian bytes; low bit 1 is a bit-packed run of (header >> 1)
 * groups of 8 values, packed LSB first, width bits each.
 */
#include <stdlib.h>
#include <string.h>

#include "parquet_int.h"
#include "util.h"

void
pq_buf_reserve(struct pq_buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			abort();
		cap *= 2;
	}
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void
pq_buf_add(struct pq_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	pq_buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
pq_buf_byte(struct pq_buf *b, uint8_t v)
{
	pq_buf_reserve(b, 1);
	b->p[b->len++] = v;
}

void
pq_buf_u32le(struct pq_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
		(uint8_t)(v >> 24) };
	pq_buf_add(b, x, 4);
}

void
pq_buf_free(struct pq_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int
pq_bit_width(uint32_t max_value)
{
	int w = 0;

	while (max_value) {
		w++;
		max_value >>= 1;
	}
	return w;
}

static void
put_uleb(struct pq_buf *out, uint64_t v)
{
	while (v >= 0x80) {
		pq_buf_byte(out, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	pq_buf_byte(out, (uint8_t)v);
}

/* Length of the run of equal values at vals[i], counting at most max. */
static size_t
run_length(const uint32_t *vals, size_t n, size_t i, size_t max)
{
	size_t r = 1;

	while (i + r < n && r < max && vals[i + r] == vals[i])
		r++;
	return r;
}

void
pq_rle_encode(struct pq_buf *out, const uint32_t *vals, size_t n,
    int bit_width)
{
	size_t vbytes = (size_t)(bit_width + 7) / 8;
	size_t i = 0;

	while (i < n) {
		size_t run = run_length(vals, n, i, SIZE_MAX);
		if (run >= 8 || bit_width == 0) {
			put_uleb(out, (uint64_t)run << 1);
			for (size_t k = 0; k < vbytes; k++)
				pq_buf_byte(out, (uint8_t)(vals[i] >> (8 * k)));
			i += run;
			continue;
		}
		/* Bit-packed groups of 8 until a long run starts. */
		size_t start = i, groups = 0;
		for (;;) {
			groups++;
			i += 8;
			if (i >= n) {
				i = n;
				break;
			}
			if (run_length(vals, n, i, 8) >= 8)
				break;
		}
		put_uleb(out, (uint64_t)groups << 1 | 1);
		pq_buf_reserve(out, groups * (size_t)bit_width);
		uint64_t acc = 0;
		int nbits = 0;
		for (size_t j = 0; j < groups * 8; j++) {
			uint64_t v = start + j < n ? vals[start + j] : 0;
			acc |= v << nbits;
			nbits += bit_width;
			while (nbits >= 8) {
				out->p[out->len++] = (uint8_t)acc;
				acc >>= 8;
				nbits -= 8;
			}
		}
	}
}

long
pq_rle_decode(const uint8_t *buf, size_t len, int bit_width, uint32_t *out,
    size_t n, const char **err)
{
	size_t pos = 0, got = 0;
	size_t vbytes = (size_t)(bit_width + 7) / 8;
	uint64_t mask;

	if (bit_width < 0 || bit_width > 32) {
		*err = "bit width above 32";
		return -1;
	}
	mask = ((uint64_t)1 << bit_width) - 1;
	while (got < n) {
		uint64_t hdr = 0;
		int shift = 0;
		for (;;) {
			if (pos >= len) {
				*err = "levels or indices truncated";
				return -1;
			}
			uint8_t b = buf[pos++];
			hdr |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				break;
			shift += 7;
			if (shift > 35) {
				*err = "run header too long";
				return -1;
			}
		}
		uint64_t count = hdr >> 1;
		if (count == 0) {
			*err = "empty run";
			return -1;
		}
		if (hdr & 1) {
			uint64_t nvals = count * 8;
			size_t take = nvals < n - got ? (size_t)nvals : n - got;
			size_t need = (take * (size_t)bit_width + 7) / 8;
			uint64_t full = count * (uint64_t)bit_width;
			if (need > len - pos) {
				*err = "bit-packed run truncated";
				return -1;
			}
			const uint8_t *p = buf + pos;
			uint64_t acc = 0;
			int nbits = 0;
			for (size_t j = 0; j < take; j++) {
				while (nbits < bit_width) {
					acc |= (uint64_t)*p++ << nbits;
					nbits += 8;
				}
				out[got + j] = (uint32_t)(acc & mask);
				acc >>= bit_width;
				nbits -= bit_width;
			}
			got += take;
			/* A final run may be cut short of its padding. */
			pos += full < len - pos ? (size_t)full : len - pos;
		} else {
			if (vbytes > len - pos) {
				*err = "RLE run truncated";
				return -1;
			}
			uint64_t v = 0;
			for (size_t k = 0; k < vbytes; k++)
				v |= (uint64_t)buf[pos + k] << (8 * k);
			pos += vbytes;
			if (v & ~mask) {
				*err = "RLE value wider than its bit width";
				return -1;
			}
			size_t take = count < n - got ? (size_t)count : n - got;
			for (size_t j = 0; j < take; j++)
				out[got + j] = (uint32_t)v;
			got += take;
		}
	}
	return (long)pos;
}

const char *
pq_type_name(int type)
{
	static const char *const names[] = { "BOOLEAN", "INT32", "INT64",
		"INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
		"FIXED_LEN_BYTE_ARRAY" };

	if (type < 0 || type > 7)
		return "unknown type";
	return names[type];
}

const char *
pq_codec_name(int codec)
{
	static const char *const names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP",
		"LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW" };

	if (codec < 0 || codec > 7)
		return "unknown codec";
	return names[codec];
}

const char *
pq_encoding_name(int enc)
{
	static const char *const names[] = { "PLAIN", "GROUP_VAR_INT",
		"PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
		"DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
		"RLE_DICTIONARY", "BYTE_STREAM_SPLIT" };

	if (enc < 0 || enc > 9)
		return "unknown encoding";
	return names[enc];
}
