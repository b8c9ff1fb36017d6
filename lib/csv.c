/*
 * csv.c - the one CSV reader (csv.h): fields by RFC 4180, and the line
 * reader of the labelled-list files.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* A UTF-8 byte-order mark, skipped at the start of a file. */
#define CSV_BOM "\xef\xbb\xbf"
#define CSV_BOM_LEN 3

static const char *const error_names[] = {
	[CSV_OK] = "ok",
	[CSV_UNTERMINATED] = "unterminated quoted field",
	[CSV_AFTER_QUOTE] = "text after a closing quote",
	[CSV_QUOTE_IN_FIELD] = "quote inside an unquoted field",
	[CSV_TOO_MANY_FIELDS] = "too many fields",
};

const char *
csv_error_str(enum csv_error e)
{
	return (size_t)e < sizeof(error_names) / sizeof(error_names[0]) ?
	    error_names[e] : "?";
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int
csv_field_next(const char *rec, size_t len, size_t *pos, char *out,
    size_t outsz, bool *cut, enum csv_error *why)
{
	size_t p = *pos, o = 0, q;

	*cut = false;
	*why = CSV_OK;
	if (p > len)
		return 0;
#define PUT(c) do { \
		if (out != NULL && o + 1 < outsz) \
			out[o++] = (c); \
		else \
			*cut = true; \
	} while (0)
	q = p;
	while (q < len && is_blank(rec[q]))
		q++;
	if (q < len && rec[q] == '"') {
		p = q + 1;
		for (;;) {
			if (p >= len) {
				*why = CSV_UNTERMINATED;
				return -1;
			}
			if (rec[p] == '"') {
				if (p + 1 < len && rec[p + 1] == '"') {
					PUT('"');
					p += 2;
					continue;
				}
				p++;
				break;
			}
			PUT(rec[p]);
			p++;
		}
		while (p < len && is_blank(rec[p]))
			p++;
		if (p < len && rec[p] != ',') {
			*why = CSV_AFTER_QUOTE;
			return -1;
		}
	} else {
		while (p < len && rec[p] != ',') {
			if (rec[p] == '"') {
				*why = CSV_QUOTE_IN_FIELD;
				return -1;
			}
			PUT(rec[p]);
			p++;
		}
	}
#undef PUT
	if (out != NULL && outsz > 0)
		out[o] = '\0';
	*pos = p + 1; /* past the comma, or past the end */
	return 1;
}

int
csv_split(char *line, size_t len, char **f, int maxf, enum csv_error *why)
{
	size_t pos = 0;
	int n = 0;

	for (;;) {
		char *out = line + pos;
		bool cut;
		int rc;

		if (pos > len)
			return n;
		if (n == maxf) {
			*why = CSV_TOO_MANY_FIELDS;
			return -1;
		}
		/* In place: a field's value is never longer than its text. */
		rc = csv_field_next(line, len, &pos, out, len + 1 - (size_t)(out - line),
		    &cut, why);
		if (rc < 0)
			return -1;
		f[n++] = out;
	}
}

char *
csv_trim(char *s)
{
	char *e;

	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = '\0';
	return s;
}

void
csv_field_write(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

struct csv_file {
	FILE *fp;
	const char *name;	/* for messages: the path or <stdin> */
	char *line;
	size_t cap;
	unsigned long lineno;
	char *fields[CSV_MAX_FIELDS];
};

struct csv_file *
csv_file_open(const char *path, char *err, size_t errlen)
{
	struct csv_file *f;
	bool in = strcmp(path, "-") == 0;
	FILE *fp = in ? stdin : fopen(path, "r");

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->fp = fp;
	f->name = in ? "<stdin>" : path;
	return f;
}

void
csv_file_close(struct csv_file *f)
{
	if (f == NULL)
		return;
	if (f->fp != stdin)
		fclose(f->fp);
	free(f->line);
	free(f);
}

const char *
csv_file_name(const struct csv_file *f)
{
	return f->name;
}

unsigned long
csv_file_line(const struct csv_file *f)
{
	return f->lineno;
}

int
csv_file_next(struct csv_file *f, char ***fields, int *n, char *err,
    size_t errlen)
{
	ssize_t len;

	errno = 0;
	while ((len = getline(&f->line, &f->cap, f->fp)) >= 0) {
		char *s = f->line, *t;
		enum csv_error why;
		int k;

		f->lineno++;
		if (memchr(s, '\0', (size_t)len) != NULL) {
			snprintf(err, errlen, "%s:%lu: NUL byte (not a text "
			    "file)", f->name, f->lineno);
			return -1;
		}
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			s[--len] = '\0';
		if (f->lineno == 1 && len >= CSV_BOM_LEN &&
		    memcmp(s, CSV_BOM, CSV_BOM_LEN) == 0) {
			s += CSV_BOM_LEN;
			len -= CSV_BOM_LEN;
		}
		if (len > CSV_MAX_LINE) {
			snprintf(err, errlen, "%s:%lu: line longer than %d "
			    "bytes", f->name, f->lineno, CSV_MAX_LINE);
			return -1;
		}
		t = s;
		while (is_blank(*t))
			t++;
		if (*t == '\0' || *t == '#')
			continue;
		k = csv_split(s, (size_t)len, f->fields, CSV_MAX_FIELDS, &why);
		if (k < 0) {
			snprintf(err, errlen, "%s:%lu: %s", f->name,
			    f->lineno, csv_error_str(why));
			return -1;
		}
		*fields = f->fields;
		*n = k;
		return 1;
	}
	if (ferror(f->fp)) {
		snprintf(err, errlen, "%s: %s", f->name,
		    strerror(errno ? errno : EIO));
		return -2;
	}
	return 0;
}
