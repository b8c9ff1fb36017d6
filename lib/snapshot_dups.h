/*
 * snapshot_dups.h - duplicate rows across the parts of a snapshot (or of
 * several snapshots read together): rows with the same list and
 * input_index.  A copied part, a crawl run twice into one directory or
 * two directories of the same crawl given together would count every
 * such domain twice; the analysis tools refuse them by default and, when
 * asked (--dedupe keep-first), keep the first in part order and say how
 * many they dropped.
 */
#ifndef UPTAKE_LIB_SNAPSHOT_DUPS_H
#define UPTAKE_LIB_SNAPSHOT_DUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a reader does with duplicate rows (--dedupe refuse|keep-first). */
enum snapshot_dedupe {
	SNAPSHOT_DEDUPE_REFUSE,		/* default: refuse, naming them */
	SNAPSHOT_DEDUPE_KEEP_FIRST,	/* keep the first in part order */
};

/* Usage text shared by the tools' --help. */
#define SNAPSHOT_DEDUPE_USAGE "--dedupe refuse|keep-first"

/*
 * Distinct list names the key set takes (its bitmap costs 32 KiB per list
 * plus 128 KiB per million input_index values touched).  A snapshot holds
 * one list, a combined crawl a few.
 */
#define SNAPSHOT_DUPS_MAX_LISTS 256

/* "refuse" or "keep-first" into *out: 0, or -1 for anything else. */
int snapshot_dedupe_parse(const char *arg, enum snapshot_dedupe *out);

struct snapshot_dups {
	size_t nparts;
	uint64_t dropped;	/* rows whose key an earlier row holds */
	size_t parts_with;	/* parts holding such a row */
	uint64_t *dropped_in;	/* [nparts] such rows per part */
	uint8_t **drop;		/* [nparts] bitmap of those rows; NULL: none */
	size_t *drop_bytes;	/* [nparts] bytes of drop[p] */
	char **error;		/* [nparts] why a part was not scanned, or NULL */
	/* The first duplicate met: its key, the part that holds it first and
	 * the part that repeats it. */
	bool have_example;
	char *ex_list;
	int64_t ex_index;
	size_t ex_first, ex_dup;
};

/*
 * Read the list and input_index columns of parts[0..nparts) in that order,
 * page by page, and find the rows whose (list, input_index) an earlier
 * row holds.  A null or missing list is the list ""; a row without an
 * input_index is never a duplicate.  A part that cannot be opened or
 * decoded is left out of the key set (error[p] says why; the tools report
 * unreadable parts their own way).  Memory: a bitmap of input_index per
 * list and one bit per dropped row's part row.  Returns 0, or -1 with the
 * reason in err (too many lists).  Free with snapshot_dups_fini.
 */
int snapshot_dups_scan(char *const *parts, size_t nparts,
	struct snapshot_dups *out, char *err, size_t errlen);

/* Whether row (0-based, across the part's row groups) of part is dropped. */
bool snapshot_dups_is_dropped(const struct snapshot_dups *d, size_t part,
	uint64_t row);

/*
 * One line describing the duplicates: "N duplicate rows (same list and
 * input_index) in K parts, e.g. list 'L' input_index I in PART and again
 * in PART".
 */
void snapshot_dups_describe(const struct snapshot_dups *d,
	char *const *parts, char *buf, size_t len);

void snapshot_dups_fini(struct snapshot_dups *d);

#endif
