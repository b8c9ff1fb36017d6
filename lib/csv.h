/*
 * csv.h - the one CSV reader: RFC 4180 fields, and a line reader for the
 * labelled-list files (uptake-stats --meta, uptake-lists).
 *
 * Quoting rules, the same everywhere (the list reader's csv format too):
 *   - fields are separated by ','; a field may be quoted with '"', and
 *     inside quotes "" stands for one quote and ',' is plain text;
 *   - blanks (space, tab) around a quoted field are tolerated;
 *   - a quote that does not close, text after a closing quote, or a quote
 *     inside an unquoted field is an error.
 * The line reader (csv_file_*) strips CR LF, skips a UTF-8 byte-order mark
 * on the first line, skips blank lines and lines starting with '#', and
 * refuses NUL bytes, lines over CSV_MAX_LINE bytes and records of more
 * than CSV_MAX_FIELDS fields.  Its quoted fields hold no line breaks (the
 * list reader joins lines itself: lib/list_csv.c).
 */
#ifndef UPTAKE_LIB_CSV_H
#define UPTAKE_LIB_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest line (bytes, without its line break): the list reader's limit. */
#define CSV_MAX_LINE 4096
/* Fields of one record: the labelled lists have 3 or 4, room for notes. */
#define CSV_MAX_FIELDS 64

enum csv_error {
	CSV_OK,
	CSV_UNTERMINATED,	/* a quoted field does not close */
	CSV_AFTER_QUOTE,	/* text after a closing quote */
	CSV_QUOTE_IN_FIELD,	/* a quote inside an unquoted field */
	CSV_TOO_MANY_FIELDS,	/* more than the caller's maximum */
};

/* A short static text for e ("unterminated quoted field", ...). */
const char *csv_error_str(enum csv_error e);

/*
 * Next field of the record rec[0..len) from *pos (start with 0).  The
 * unquoted value goes into out (outsz bytes, NUL-terminated; out may be
 * NULL, and may point into rec at or before rec + *pos: the value is never
 * longer than its text); a longer value is cut and *cut set.  Returns 1
 * and moves *pos past the field's comma, 0 when the record has no more
 * fields, -1 with *why for bad quoting.  Pure: no I/O.
 */
int csv_field_next(const char *rec, size_t len, size_t *pos, char *out,
    size_t outsz, bool *cut, enum csv_error *why);

/*
 * Split line[0..len) (NUL at line[len]) in place into at most maxf
 * fields, f[i] pointing into line.  Returns the count, or -1 with *why.
 */
int csv_split(char *line, size_t len, char **f, int maxf,
    enum csv_error *why);

/* Blanks (space, tab) at both ends of s cut off in place; returns s+k. */
char *csv_trim(char *s);

/* Write s to f as one CSV field: quoted ("" for ") when it holds a
 * comma, quote or line break, as it is otherwise. */
void csv_field_write(FILE *f, const char *s);

struct csv_file;

/*
 * Open path for reading ("-": standard input, named <stdin>).  Returns the
 * reader, or NULL with "PATH: reason" in err.  The caller frees it with
 * csv_file_close.
 */
struct csv_file *csv_file_open(const char *path, char *err, size_t errlen);
void csv_file_close(struct csv_file *f);

/*
 * Next record, skipping blank and comment lines.  Returns 1 with *fields
 * (owned by f, valid until the next call; fields are not trimmed) and *n,
 * 0 at the end, -1 for a bad line with "PATH:LINE: reason" in err (the
 * next call goes on with the following line), -2 for a read error with
 * "PATH: reason".
 */
int csv_file_next(struct csv_file *f, char ***fields, int *n, char *err,
    size_t errlen);

/* The file's name in messages: its path, or <stdin> for "-". */
const char *csv_file_name(const struct csv_file *f);

/* Line number (1-based) of the last line read. */
unsigned long csv_file_line(const struct csv_file *f);

#endif
