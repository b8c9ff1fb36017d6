/*
 * list_plain.c - the plain format (one domain a line; list.h).
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

int
list_plain_next(struct list_reader *r, struct list_entry *e)
{
	for (;;) {
		struct line *ln;
		size_t len;
		int rc = list_ring_peek(r, 0, &ln);

		if (rc <= 0)
			return rc;
		list_ring_consume(r, 1);
		if (list_bad_physical(r, ln))
			continue;
		/* A comment starts at '#' at line start or after a blank. */
		len = ln->len;
		for (size_t i = 0; i < ln->len; i++) {
			if (ln->buf[i] == '#' &&
			    (i == 0 ||
			    list_is_blank((unsigned char)ln->buf[i - 1]))) {
				len = i;
				break;
			}
		}
		if (list_skip_line(ln->buf, len))
			continue;
		r->st.records++;
		if (list_yield(r, ln->buf, len, -1, ln->lineno, e, ln->buf, ln->len))
			return 1;
	}
}
