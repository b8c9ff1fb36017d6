/*
 * list_int.h - what the list reader's files share (lib/list.c: source,
 * lines, names; list_tranco.c, list_plain.c, list_csv.c, list_zone.c: one
 * format each).  Not for use outside lib/list*.c.
 */
#ifndef UPTAKE_LIB_LIST_INT_H
#define UPTAKE_LIB_LIST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "dname.h"
#include "list.h"

/* Look-ahead ring: the longer of a CSV record's and a zone record's span. */
#define RING_SLOTS (LIST_ZONE_MAX_SPAN > LIST_CSV_MAX_SPAN ? \
	LIST_ZONE_MAX_SPAN : LIST_CSV_MAX_SPAN)
/* A joined record: a CSV record, or a zone record with its lines joined. */
#define REC_SIZE (LIST_ZONE_MAX_RECORD > LIST_MAX_LINE ? \
	LIST_ZONE_MAX_RECORD + 1 : LIST_MAX_LINE + 1)

struct line {
	char *buf;		/* LIST_MAX_LINE + 1 bytes, allocated lazily */
	size_t len;
	uint64_t lineno;
	bool too_long;		/* > LIST_MAX_LINE: buf holds the start */
	bool nul;		/* holds a NUL byte */
};

struct hset {
	uint64_t *slots;	/* 0 = empty */
	size_t cap;		/* power of two */
	size_t count;
};

struct list_reader {
	char *name;
	enum list_format fmt;

	/* Source. */
	int fd;			/* -1: memory */
	const uint8_t *mem;
	size_t mem_len, mem_off;
	int64_t size;
	uint8_t *chunk;
	size_t chunk_len, chunk_off;
	bool src_eof;
	bool src_error;
	EVP_MD_CTX *md;
	bool md_final;
	unsigned char digest[32];

	/* Lines. */
	struct line ring[RING_SLOTS];
	size_t ring_head, ring_count;
	uint64_t lineno;
	char *rec;		/* REC_SIZE: a joined record */

	/* CSV columns (0-based), -1 when absent. */
	int csv_domain, csv_rank;
	bool tranco_first;	/* tranco: no data line seen yet (header?) */

	/* Zone. */
	uint32_t zttl;
	ldns_rdf *zorigin, *zprev, *zapex, *zlast;

	/* Names. */
	list_map_cb map;
	list_map_free_cb map_free;
	void *map_arg;
	struct hset seen;
	uint64_t next_index;
	struct list_stats st;

	bool done, failed, summary_logged;
	uint64_t logged;
	char err[512];
};

/* ---- list.c: messages ------------------------------------------------ */

/* Escape up to LIST_LOG_EXCERPT bytes of s for a log line. */
void list_excerpt(const char *s, size_t len, char *out, size_t outlen);
/* Count a bad line and log it (rate limited) with its text. */
void list_bad_line(struct list_reader *r, uint64_t lineno, enum list_bad why,
    enum dname_error name_err, const char *detail, const char *text,
    size_t len);
/* printf into err[errlen] (err may be NULL). */
void list_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- list.c: lines --------------------------------------------------- */

/* Line i ahead (0: the next) into *out.  Returns 1, 0 at the end, -1. */
int list_ring_peek(struct list_reader *r, size_t i, struct line **out);
/* Drop the next n lines of the ring. */
void list_ring_consume(struct list_reader *r, size_t n);

/* ---- list.c: small parsers and names --------------------------------- */

bool list_is_blank(unsigned char c);
/* Cut blanks at both ends of s[0..*len). */
void list_trim(const char **s, size_t *len);
/* True for a blank line or a '#' comment. */
bool list_skip_line(const char *s, size_t len);
/* Rank from s[0..len) (blanks around allowed).  Returns 0 or -1. */
int list_parse_rank(const char *s, size_t len, int64_t *out);
/*
 * Normalise raw[0..len) and fill e unless it is bad (reported with the
 * line text) or a duplicate.  Returns true if e was filled.
 */
bool list_yield(struct list_reader *r, const char *raw, size_t len,
    int64_t rank, uint64_t lineno, struct list_entry *e, const char *text,
    size_t textlen);
/* Report a line that is too long or binary; true if it was one. */
bool list_bad_physical(struct list_reader *r, const struct line *ln);

/* ---- the formats: each returns 1 with e filled, 0 at the end, -1 ------ */

int list_tranco_next(struct list_reader *r, struct list_entry *e);
int list_plain_next(struct list_reader *r, struct list_entry *e);
int list_csv_next(struct list_reader *r, struct list_entry *e);
int list_zone_next(struct list_reader *r, struct list_entry *e);
/* csv: read the header at open.  Returns 0, or -1 with err set. */
int list_csv_open(struct list_reader *r, char *err, size_t errlen);
/* csv: column number of the header field named name, or -1. */
int list_csv_find(const char *rec, size_t len, const char *name);

#endif
