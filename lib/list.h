/*
 * list.h - streaming readers for the input lists of a crawl.
 *
 * Formats (docs/lists.md):
 *   tranco  "rank,domain" lines, no header (Tranco, Alexa, Umbrella, ...)
 *   plain   one domain per line; '#' starts a comment (at line start or
 *           after whitespace)
 *   csv     RFC 4180; a header line names a "domain" column and maybe a
 *           "rank" column (case-insensitive); other columns are ignored;
 *           quoted fields may hold commas, "" and line breaks
 *   zone    an RFC 1035 zone file, read record by record ($ORIGIN, $TTL,
 *           relative names, blank owners, parentheses, comments; each
 *           record parsed by ldns_rr_new_frm_str; $INCLUDE is not
 *           followed): the delegations, i.e. owners of NS records exactly
 *           one label below the zone apex (the owner of the first SOA, or
 *           the $ORIGIN in force if an NS record comes first), each once
 *   auto    detected from the file name (".zone") and its first lines
 *
 * The file is streamed: memory is a bounded line buffer plus the set of
 * names already yielded (below).  Lines are LF or CRLF terminated; a
 * UTF-8 byte-order mark is skipped; a UTF-16 one is refused at open.
 * Each name is normalised and checked by dname_normalize().  A line
 * longer than LIST_MAX_LINE, with a NUL byte, with a bad field or a bad
 * name is skipped, counted by reason and reported with its line number
 * (log group "list"; the first LIST_LOG_BAD_MAX individually, then one
 * line saying more were not shown); when the end is reached one summary
 * line gives the totals (warning if any line was bad, info otherwise).
 * Blank lines and comments are skipped silently.
 *
 * Duplicates are dropped, the first occurrence wins (in a ranked list the
 * best rank).  The reader keeps a set of the SipHash-2-4 (hash.h, fixed
 * key) of every name it yielded: 8 bytes per unique name in an open-
 * addressing table kept at most 70% full, so about 12-23 bytes per name
 * (1M names: 16 MiB; 10M: 128 MiB; a 150M-delegation TLD zone: 2 GiB).
 * Names themselves are not kept.  The price is that two different names
 * with the same 64-bit hash would make the second one be taken for a
 * duplicate: with n names the chance that this happens at all is about
 * n^2 / 2^65, i.e. 3e-8 for 1M names, 3e-6 for 10M, 6e-4 for 150M.
 * Keeping the names to verify would cost 3-5 times the memory for a risk
 * that small; the hash is fixed, so the outcome is at least deterministic.
 *
 * The SHA-256 of the bytes read is computed as the file is read, for the
 * snapshot's provenance (list_sha256_hex).
 */
#ifndef UPTAKE_LIB_LIST_H
#define UPTAKE_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"

/* Longest line (bytes, without its line end) read as data. */
#define LIST_MAX_LINE 4096
/* Bytes read from the file at a time; auto detection looks at the first. */
#define LIST_READ_CHUNK 65536
/* Data lines auto detection looks at (within the first chunk). */
#define LIST_DETECT_LINES 32
/* Physical lines one CSV record may span (quoted line breaks). */
#define LIST_CSV_MAX_SPAN 16
/* Lines one zone-file record may span inside parentheses. */
#define LIST_ZONE_MAX_SPAN 64
/* Bytes of one zone-file record, its lines joined (DNSKEY, long TXT fit). */
#define LIST_ZONE_MAX_RECORD 65536
/* Bad lines reported one by one before the reader goes quiet. */
#define LIST_LOG_BAD_MAX 20
/* Bytes of a bad line quoted (escaped) in its report. */
#define LIST_LOG_EXCERPT 60

enum list_format {
	LIST_FORMAT_AUTO = 0,
	LIST_FORMAT_TRANCO,
	LIST_FORMAT_PLAIN,
	LIST_FORMAT_CSV,
	LIST_FORMAT_ZONE,
};

/* Why a line was skipped.  Strings from list_bad_str(). */
enum list_bad {
	LIST_BAD_LINE_TOO_LONG = 0, /* "line_too_long" */
	LIST_BAD_NUL,		/* "nul_byte": binary data */
	LIST_BAD_FIELDS,	/* "bad_fields": no comma, too few columns,
				   bad quoting */
	LIST_BAD_RANK,		/* "bad_rank": not a number in 0..2^53 */
	LIST_BAD_NAME,		/* "bad_name": see bad_name_by[] */
	LIST_BAD_ZONE_SYNTAX,	/* "zone_syntax": ldns could not parse the
				   record, a bad directive, unbalanced ')' */
	LIST_BAD_ZONE_INCLUDE,	/* "zone_include": $INCLUDE is not followed */
	LIST_BAD_ZONE_SPAN,	/* "zone_span": '(' not closed within
				   LIST_ZONE_MAX_SPAN lines: only the first
				   line is skipped, the others read again */
	LIST_BAD_ZONE_NO_ORIGIN, /* "zone_no_origin": NS before SOA/$ORIGIN */
	LIST_BAD_COUNT
};

/* Largest rank accepted (exact in a double, for every analysis tool). */
#define LIST_MAX_RANK ((int64_t)1 << 53)

struct list_stats {
	uint64_t bytes;		/* bytes read from the file so far */
	uint64_t lines;		/* physical lines read */
	uint64_t records;	/* data lines or zone records (no blanks,
				   no comments) */
	uint64_t yielded;	/* names returned by list_next */
	uint64_t duplicates;	/* names dropped as already yielded */
	uint64_t bad;		/* lines skipped as bad: sum of bad_by[] */
	uint64_t bad_by[LIST_BAD_COUNT];
	uint64_t bad_name_by[DNAME_ERROR_COUNT]; /* LIST_BAD_NAME by reason */
	uint64_t zone_ns;	/* zone: NS records */
	uint64_t zone_other;	/* zone: NS records that are not delegations
				   (the apex's own, deeper or outside names) */
	uint64_t mapped;	/* names the map (list_set_map) changed */
};

struct list_entry {
	uint64_t index;	/* 0-based among yielded names: the input_index */
	int64_t rank;	/* from the list, -1 when it has none */
	uint64_t line;	/* line of the name (zone: where its record ends) */
	char domain[DNAME_BUF_SIZE]; /* normal form (dname.h) */
};

struct list_reader;

/* "auto", "tranco", ...; static storage. */
const char *list_format_str(enum list_format f);
/* Parse a --list-format value.  Returns 0, or -1 if unknown. */
int list_format_parse(const char *s, enum list_format *out);

/*
 * Open path ("-" for standard input) as a list of format fmt (AUTO:
 * detect).  Reads the first chunk (and a CSV header) at once, so that
 * unusable input fails here: returns NULL with one line naming the file
 * (and line) in err.  The caller owns the reader (list_close).
 */
struct list_reader *list_open(const char *path, enum list_format fmt,
	char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * The same over buf[0..len), borrowed until list_close; name is used in
 * messages (copied) and for ".zone" detection.  No I/O: for tests and
 * fuzzing.
 */
struct list_reader *list_open_mem(const void *buf, size_t len,
	const char *name, enum list_format fmt, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * Next name into *e (caller's).  Returns 1 with an entry, 0 at the end,
 * -1 on a read error (logged with the file's name; the reader stays
 * failed).
 * Deterministic: the same file gives the same entries and indices.
 */
int list_next(struct list_reader *r, struct list_entry *e)
	__attribute__((warn_unused_result));

/* The format in use (detected for AUTO). */
enum list_format list_format(const struct list_reader *r);
/* Counters so far, copied into *out. */
void list_stats(const struct list_reader *r, struct list_stats *out);
/* Size of the file in bytes if known (regular file), else -1. */
int64_t list_size(const struct list_reader *r);
/* "line_too_long", ...: the names in the log's totals. */
const char *list_bad_str(enum list_bad b);

/*
 * SHA-256 of the whole file as 64 lower-case hex digits and a NUL into
 * out.  If the reader is not at the end yet, the rest of the file is read
 * without being parsed, and list_next returns 0 from then on.  Returns 0,
 * or -1 on a read error.
 */
int list_sha256_hex(struct list_reader *r, char out[65]);

/*
 * A map applied to every name after normalisation and before the
 * duplicate check (e.g. hostname -> registrable domain, regdom.h): writes
 * the mapped name, in normal form, into out (outlen >= DNAME_BUF_SIZE)
 * and returns 0; a negative return makes the line bad (bad_name).
 */
typedef int (*list_map_cb)(void *arg, const char *name, char *out,
	size_t outlen);
/* Frees a map's argument. */
typedef void (*list_map_free_cb)(void *arg);

/*
 * Set the map of r (before the first list_next).  The reader owns arg
 * from then on and calls free_cb(arg) (when not NULL) from list_close.
 */
void list_set_map(struct list_reader *r, list_map_cb cb,
	list_map_free_cb free_cb, void *arg);

/* Close and free; accepts NULL. */
void list_close(struct list_reader *r);

#endif
