/*
 * list_csv.c - the csv format (list.h): records through lib/csv.h's
 * field reader, joined over quoted line breaks.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "csv.h"
#include "list.h"
#include "list_int.h"
#include "log.h"
#include "util.h"

#define LOG_GROUP "list"

/* The CSV format reads lines as long as every other CSV reader does. */
_Static_assert(LIST_MAX_LINE == CSV_MAX_LINE, "one CSV line limit");

/* Longest CSV header field name looked at. */
#define CSV_MAX_HEADER_NAME 64
/* Rank field buffer (digits and blanks). */
#define RANK_BUF 32

/*
 * Column col of rec into out.  Returns 1 if found, 0 if the record has
 * fewer columns, -1 for bad quoting.
 */
static int
csv_column(const char *rec, size_t len, int col, char *out, size_t outsz,
    bool *cut, enum csv_error *why)
{
	size_t pos = 0;
	int rc;

	for (int c = 0;; c++) {
		rc = csv_field_next(rec, len, &pos, c == col ? out : NULL,
		    c == col ? outsz : 0, cut, why);
		if (rc <= 0)
			return rc;
		if (c == col)
			return 1;
	}
}

/* Column number of the header field named name (case-insensitive), or -1. */
int
list_csv_find(const char *rec, size_t len, const char *name)
{
	char field[CSV_MAX_HEADER_NAME];
	size_t pos = 0, nl = strlen(name);
	bool cut;
	enum csv_error why;

	for (int c = 0;; c++) {
		const char *f = field;
		size_t fl;

		if (csv_field_next(rec, len, &pos, field, sizeof(field),
		    &cut, &why) <= 0)
			return -1;
		fl = strlen(field);
		list_trim(&f, &fl);
		if (!cut && fl == nl && strncasecmp(f, name, nl) == 0)
			return c;
	}
}

/* Number of '"' in s[0..len), modulo 2. */
static int
quote_parity(const char *s, size_t len)
{
	int p = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '"')
			p ^= 1;
	return p;
}

/* ---- csv ------------------------------------------------------------- */

/*
 * Next CSV record: one line, or several while a quote is open.  On 1,
 * *first is its first line (too long or binary: the caller reports it)
 * and *rec, *len the record (the line's buffer or r->rec).  A quote that
 * does not close within LIST_CSV_MAX_SPAN lines, LIST_MAX_LINE bytes or
 * the file sets *unterminated: only the first line is consumed, the next
 * ones are read again as records of their own.
 */
static int
csv_record(struct list_reader *r, struct line **first, const char **rec,
    size_t *len, bool *unterminated)
{
	struct line *l0, *lk;
	size_t k = 0, total;
	int par, rc;

	*unterminated = false;
	rc = list_ring_peek(r, 0, &l0);
	if (rc <= 0)
		return rc;
	*first = l0;
	*rec = l0->buf;
	*len = l0->len;
	if (l0->too_long || l0->nul) {
		list_ring_consume(r, 1);
		return 1;
	}
	par = quote_parity(l0->buf, l0->len);
	total = l0->len;
	while (par) {
		rc = k + 1 < LIST_CSV_MAX_SPAN ? list_ring_peek(r, k + 1, &lk) : 0;
		if (rc < 0)
			return -1;
		if (rc == 0 || lk->too_long || lk->nul ||
		    total + 1 + lk->len > LIST_MAX_LINE) {
			*unterminated = true;
			list_ring_consume(r, 1);
			return 1;
		}
		total += 1 + lk->len;
		par ^= quote_parity(lk->buf, lk->len);
		k++;
	}
	if (k > 0) {
		size_t o = 0;

		for (size_t i = 0; i <= k; i++) {
			struct line *li = &r->ring[(r->ring_head + i) %
			    RING_SLOTS];

			if (i > 0)
				r->rec[o++] = '\n';
			memcpy(r->rec + o, li->buf, li->len);
			o += li->len;
		}
		r->rec[o] = '\0';
		*rec = r->rec;
		*len = o;
	}
	list_ring_consume(r, k + 1);
	return 1;
}

int
list_csv_next(struct list_reader *r, struct list_entry *e)
{
	for (;;) {
		struct line *first;
		const char *rec;
		size_t len;
		bool unterminated, cut;
		enum csv_error why;
		char dom[DNAME_MAX_INPUT + 2], rank_s[RANK_BUF];
		int64_t rank = -1;
		int rc = csv_record(r, &first, &rec, &len, &unterminated);

		if (rc <= 0)
			return rc;
		if (list_bad_physical(r, first) || list_skip_line(rec, len))
			continue;
		r->st.records++;
		if (unterminated) {
			list_bad_line(r, first->lineno, LIST_BAD_FIELDS, 0,
			    csv_error_str(CSV_UNTERMINATED), rec, len);
			continue;
		}
		rc = csv_column(rec, len, r->csv_domain, dom, sizeof(dom),
		    &cut, &why);
		if (rc <= 0) {
			list_bad_line(r, first->lineno, LIST_BAD_FIELDS, 0,
			    rc < 0 ? csv_error_str(why) : "no domain column",
			    rec, len);
			continue;
		}
		if (cut) {
			list_bad_line(r, first->lineno, LIST_BAD_NAME,
			    DNAME_TOO_LONG, NULL, rec, len);
			continue;
		}
		if (r->csv_rank >= 0 && csv_column(rec, len, r->csv_rank,
		    rank_s, sizeof(rank_s), &cut, &why) == 1) {
			const char *s = rank_s;
			size_t sl = strlen(rank_s);

			list_trim(&s, &sl);
			/* An empty rank is no rank. */
			if (sl > 0 && (cut || list_parse_rank(s, sl, &rank) < 0)) {
				list_bad_line(r, first->lineno, LIST_BAD_RANK, 0,
				    NULL, rec, len);
				continue;
			}
		}
		if (list_yield(r, dom, strlen(dom), rank, first->lineno, e, rec,
		    len))
			return 1;
	}
}

/* Read the header (first line not blank or a comment) at open. */
int
list_csv_open(struct list_reader *r, char *err, size_t errlen)
{
	for (;;) {
		struct line *first;
		const char *rec;
		size_t len;
		bool unterminated;
		char ex[LIST_LOG_EXCERPT * 4 + 8];
		int rc = csv_record(r, &first, &rec, &len, &unterminated);

		if (rc < 0) {
			list_set_err(err, errlen, "%s", r->err);
			return -1;
		}
		if (rc == 0) {
			list_set_err(err, errlen, "%s: csv list without a header "
			    "line", r->name);
			return -1;
		}
		if (first->too_long || first->nul || unterminated) {
			list_set_err(err, errlen, "%s:%llu: csv header is %s",
			    r->name, (unsigned long long)first->lineno,
			    first->too_long ? "too long" : first->nul ?
			    "binary" : "not terminated (open quote)");
			return -1;
		}
		if (list_skip_line(rec, len))
			continue;
		r->csv_domain = list_csv_find(rec, len, "domain");
		r->csv_rank = list_csv_find(rec, len, "rank");
		if (r->csv_domain >= 0)
			return 0;
		list_excerpt(rec, len, ex, sizeof(ex));
		list_set_err(err, errlen, "%s:%llu: csv header names no 'domain' "
		    "column: \"%s\"", r->name,
		    (unsigned long long)first->lineno, ex);
		return -1;
	}
}
