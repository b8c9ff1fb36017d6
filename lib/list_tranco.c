/*
 * list_tranco.c - the tranco format (rank,domain lines; list.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "list.h"
#include "list_int.h"
#include "log.h"
#include "util.h"

#define LOG_GROUP "list"

/* ---- tranco and plain ------------------------------------------------ */

int
list_tranco_next(struct list_reader *r, struct list_entry *e)
{
	for (;;) {
		struct line *ln;
		const char *comma, *dom, *rs;
		size_t dlen, rl;
		int64_t rank;
		bool first;
		int rc = list_ring_peek(r, 0, &ln);

		if (rc <= 0)
			return rc;
		list_ring_consume(r, 1);
		if (list_bad_physical(r, ln) || list_skip_line(ln->buf, ln->len))
			continue;
		first = r->tranco_first;
		r->tranco_first = false;
		comma = memchr(ln->buf, ',', ln->len);
		rs = ln->buf;
		rl = comma != NULL ? (size_t)(comma - ln->buf) : 0;
		list_trim(&rs, &rl);
		/* A header line "rank,domain" first is tolerated. */
		if (first && comma != NULL && rl == 4 &&
		    strncasecmp(rs, "rank", 4) == 0)
			continue;
		r->st.records++;
		if (comma == NULL) {
			list_bad_line(r, ln->lineno, LIST_BAD_FIELDS, 0,
			    "expected rank,domain", ln->buf, ln->len);
			continue;
		}
		if (list_parse_rank(rs, rl, &rank) < 0) {
			list_bad_line(r, ln->lineno, LIST_BAD_RANK, 0, NULL,
			    ln->buf, ln->len);
			continue;
		}
		dom = comma + 1;
		dlen = ln->len - (size_t)(dom - ln->buf);
		if (list_yield(r, dom, dlen, rank, ln->lineno, e, ln->buf, ln->len))
			return 1;
	}
}
