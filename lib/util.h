/*
 * util.h - small utilities shared by every program: allocation that never
 * returns NULL (out of memory is fatal), bounded number parsing.
 */
#ifndef UPTAKE_LIB_UTIL_H
#define UPTAKE_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* Allocation: abort the program with a message on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray checks nmemb * size for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Parse a decimal integer from s[0..len) (no sign for the unsigned form),
 * rejecting empty input, junk and values outside [min, max].
 * Returns 0 and stores *out on success, -1 otherwise.
 */
int parse_i64(const char *s, size_t len, int64_t min, int64_t max,
	int64_t *out);
int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/*
 * ASCII case, as protocol tokens have it (HTTP field names, SMTP
 * keywords, DNS names): never the locale's.  ascii_lower maps A-Z only;
 * ascii_ieq is true when a[0..alen) equals the string b ignoring case.
 */
char ascii_lower(char c);
bool ascii_ieq(const char *a, size_t alen, const char *b);
/* ASCII character classes (RFC 5234's ALPHA, DIGIT, HEXDIG), never the
 * locale's. */
bool ascii_isalpha(char c);
bool ascii_isdigit(char c);
bool ascii_isxdigit(char c);

/* Monotonic clock in microseconds. */
uint64_t now_monotonic_us(void);

/*
 * Where to write the new content of the output file path: a temporary
 * name beside it (malloc'd), renamed over path once complete, so that a
 * reader never sees half a file; or NULL when path exists and is not a
 * regular file (/dev/null, /dev/stdout, a FIFO), which is written in
 * place: a rename over it would replace the device by a regular file.
 */
char *out_tmp_name(const char *path);

/*
 * Open the output file path for writing through out_tmp_name: *tmp is the
 * temporary name to rename over path when complete (NULL: written in
 * place).  Exits 1 with one line naming the file when it cannot be opened.
 */
FILE *out_open(const char *path, char **tmp);

#endif
