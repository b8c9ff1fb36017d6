/*
 * list_zone.c - the zone format (list.h): records split as ldns's own
 * reader does, each parsed by ldns, the delegations kept (see list.c).
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

/* ---- zone ------------------------------------------------------------ */

struct zlex {
	int depth;	/* open parentheses */
	bool quoted;
	int prev;	/* previous character, as ldns keeps it */
};

/*
 * Append line s[0..len) to the record text in r->rec[*o..) the way ldns's
 * reader builds its token (parse.c, ldns_fget_token_l_st): parentheses
 * that are not escaped or quoted are dropped and counted, a ';' comment
 * (not escaped or quoted) is dropped, '\r' is a blank.  Returns 0, or -1
 * if the record would exceed LIST_ZONE_MAX_RECORD.
 */
static int
zone_append(struct list_reader *r, struct zlex *lx, const char *s, size_t len,
    size_t *o)
{
	bool com = false;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '\r')
			c = ' ';
		if ((c == '(' || c == ')') && lx->prev != '\\' && !lx->quoted) {
			if (!com)
				lx->depth += c == '(' ? 1 : -1;
			lx->prev = c;
			continue;
		}
		if (c == ';' && !lx->quoted && lx->prev != '\\')
			com = true;
		if (c == '"' && !com && lx->prev != '\\')
			lx->quoted = !lx->quoted;
		if (com) {
			lx->prev = c;
			continue;
		}
		if (*o + 1 >= LIST_ZONE_MAX_RECORD)
			return -1;
		r->rec[(*o)++] = (char)c;
		lx->prev = c == '\\' && lx->prev == '\\' ? 0 : c;
	}
	lx->prev = '\n';
	return 0;
}

/*
 * Next zone record into r->rec (NUL-terminated), *lineno its first line.
 * Returns 1 with a record, 2 after reporting a bad one, 0 at the end, -1.
 */
static int
zone_record(struct list_reader *r, uint64_t *lineno)
{
	struct zlex lx = { 0, false, '\n' };
	struct line *ln;
	size_t k = 0, o = 0;
	int rc;

	rc = list_ring_peek(r, 0, &ln);
	if (rc <= 0)
		return rc;
	*lineno = ln->lineno;
	if (list_bad_physical(r, ln)) {
		list_ring_consume(r, 1);
		return 2;
	}
	for (;;) {
		if (zone_append(r, &lx, ln->buf, ln->len, &o) < 0 ||
		    lx.depth < 0) {
			r->st.records++;
			list_bad_line(r, *lineno, LIST_BAD_ZONE_SYNTAX, 0,
			    lx.depth < 0 ? "unbalanced ')'" :
			    "record too long", ln->buf, ln->len);
			list_ring_consume(r, k + 1);
			return 2;
		}
		if (lx.depth == 0)
			break;
		/* In parentheses: the record goes on with the next line. */
		rc = k + 1 < LIST_ZONE_MAX_SPAN ? list_ring_peek(r, k + 1, &ln) : 0;
		if (rc < 0)
			return -1;
		if (rc == 0 || ln->too_long || ln->nul) {
			struct line *l0 = &r->ring[r->ring_head];

			r->st.records++;
			list_bad_line(r, *lineno, LIST_BAD_ZONE_SPAN, 0,
			    "'(' not closed", l0->buf, l0->len);
			list_ring_consume(r, 1);
			return 2;
		}
		k++;
		if (o + 1 < LIST_ZONE_MAX_RECORD)
			r->rec[o++] = ' ';
	}
	r->rec[o] = '\0';
	list_ring_consume(r, k + 1);
	return 1;
}

/* Directive "$NAME" followed by a blank at the start of s. */
static const char *
zone_directive(const char *s, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(s, name, n) != 0 || !isspace((unsigned char)s[n]))
		return NULL;
	s += n;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* $ORIGIN and $TTL; the rest of the line is trimmed (comments are gone). */
static void
zone_set(struct list_reader *r, uint64_t lineno, const char *dir,
    const char *arg)
{
	char v[LIST_MAX_LINE + 1];
	size_t n = strlen(arg);
	const char *end;

	while (n > 0 && isspace((unsigned char)arg[n - 1]))
		n--;
	if (n > LIST_MAX_LINE)
		n = LIST_MAX_LINE;
	memcpy(v, arg, n);
	v[n] = '\0';
	if (strcmp(dir, "$TTL") == 0) {
		r->zttl = ldns_str2period(v, &end);
		if (n == 0 || *end != '\0')
			list_bad_line(r, lineno, LIST_BAD_ZONE_SYNTAX, 0,
			    "bad $TTL", v, n);
		return;
	} else {
		ldns_rdf *o = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_DNAME, v);

		if (o == NULL) {
			list_bad_line(r, lineno, LIST_BAD_ZONE_SYNTAX, 0,
			    "bad $ORIGIN", v, n);
			return;
		}
		/* RFC 1035 5.1: a relative $ORIGIN is below the current one. */
		if (!ldns_dname_absolute(o) && r->zorigin != NULL &&
		    ldns_dname_cat(o, r->zorigin) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(o);
			list_bad_line(r, lineno, LIST_BAD_ZONE_SYNTAX, 0,
			    "bad $ORIGIN", v, n);
			return;
		}
		ldns_rdf_deep_free(r->zorigin);
		r->zorigin = o;
	}
}

/* An NS record: yield its owner if it is a new delegation. */
static bool
zone_ns(struct list_reader *r, ldns_rr *rr, uint64_t lineno,
    struct list_entry *e)
{
	ldns_rdf *owner = ldns_rr_owner(rr);
	char *s;
	bool got;

	r->st.zone_ns++;
	if (r->zapex == NULL) {
		if (r->zorigin == NULL) {
			list_bad_line(r, lineno, LIST_BAD_ZONE_NO_ORIGIN, 0,
			    "NS record before any SOA or $ORIGIN", NULL, 0);
			return false;
		}
		r->zapex = ldns_rdf_clone(r->zorigin);
	}
	if (ldns_dname_label_count(owner) !=
	    ldns_dname_label_count(r->zapex) + 1 ||
	    !ldns_dname_is_subdomain(owner, r->zapex)) {
		r->st.zone_other++;
		return false;
	}
	/* A delegation's NS records come together: look at it once. */
	if (r->zlast != NULL && ldns_dname_compare(owner, r->zlast) == 0)
		return false;
	ldns_rdf_deep_free(r->zlast);
	r->zlast = ldns_rdf_clone(owner);
	s = ldns_rdf2str(owner);
	if (s == NULL)
		fatal(1, "out of memory");
	got = list_yield(r, s, strlen(s), -1, lineno, e, s, strlen(s));
	free(s);
	return got;
}

int
list_zone_next(struct list_reader *r, struct list_entry *e)
{
	for (;;) {
		ldns_rr *rr = NULL;
		ldns_status s;
		uint64_t lineno = 0;
		const char *p, *arg;
		bool got = false;
		int rc = zone_record(r, &lineno);

		if (rc <= 0)
			return rc;
		if (rc == 2)
			continue;
		for (p = r->rec; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		if (r->rec[0] == '$') {
			if ((arg = zone_directive(r->rec, "$ORIGIN")) != NULL)
				zone_set(r, lineno, "$ORIGIN", arg);
			else if ((arg = zone_directive(r->rec, "$TTL")) != NULL)
				zone_set(r, lineno, "$TTL", arg);
			else if (strncmp(r->rec, "$INCLUDE", 8) == 0)
				list_bad_line(r, lineno, LIST_BAD_ZONE_INCLUDE, 0,
				    "not followed", r->rec, strlen(r->rec));
			else
				list_bad_line(r, lineno, LIST_BAD_ZONE_SYNTAX, 0,
				    "unknown directive", r->rec,
				    strlen(r->rec));
			continue;
		}
		r->st.records++;
		s = ldns_rr_new_frm_str(&rr, r->rec, r->zttl, r->zorigin,
		    &r->zprev);
		if (s != LDNS_STATUS_OK) {
			list_bad_line(r, lineno, LIST_BAD_ZONE_SYNTAX, 0,
			    ldns_get_errorstr_by_id(s), r->rec,
			    strlen(r->rec));
			continue;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
		    r->zapex == NULL)
			r->zapex = ldns_rdf_clone(ldns_rr_owner(rr));
		else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS)
			got = zone_ns(r, rr, lineno, e);
		ldns_rr_free(rr);
		if (got)
			return 1;
	}
}
