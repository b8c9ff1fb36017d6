/*
 * metrics_expr.c - parse and evaluate the conditions of the metric table
 * (the SQL subset of metrics.h).  The parser is a pure function over the
 * text with fixed bounds; the table is its only input in practice, and the
 * unit test parses every entry and a set of malformed conditions.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metrics.h"
#include "util.h"

enum tok_kind {
	TOK_END = 0,
	TOK_IDENT,	/* column name or keyword */
	TOK_STRING,	/* 'text' */
	TOK_NUMBER,	/* [-]digits */
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_COMMA,
	TOK_OP,		/* = <> < <= > >= */
	TOK_BAD,
};

struct lexer {
	const char *s;
	size_t pos;
	enum tok_kind kind;
	size_t start, len;	/* of the current token in s */
	char *err;
	size_t errlen;
	bool failed;
	const struct metric_extra_col *extra;	/* columns beyond schema.h */
	size_t nextra;
};

__attribute__((format(printf, 2, 3))) static int
perr(struct lexer *lx, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (lx->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lx->errlen)
		snprintf(lx->err, lx->errlen, "offset %zu: %s", lx->start, msg);
	lx->failed = true;
	return -1;
}

static void
next(struct lexer *lx)
{
	const char *s = lx->s;
	size_t p = lx->pos;

	while (s[p] == ' ' || s[p] == '\t' || s[p] == '\n')
		p++;
	lx->start = p;
	if (s[p] == '\0') {
		lx->kind = TOK_END;
		lx->len = 0;
	} else if (isalpha((unsigned char)s[p]) || s[p] == '_') {
		size_t q = p;
		while (isalnum((unsigned char)s[q]) || s[q] == '_')
			q++;
		lx->kind = TOK_IDENT;
		lx->len = q - p;
	} else if (isdigit((unsigned char)s[p]) ||
	    (s[p] == '-' && isdigit((unsigned char)s[p + 1]))) {
		size_t q = p + 1;
		while (isdigit((unsigned char)s[q]))
			q++;
		lx->kind = TOK_NUMBER;
		lx->len = q - p;
	} else if (s[p] == '\'') {
		size_t q = p + 1;
		while (s[q] != '\0' && s[q] != '\'')
			q++;
		if (s[q] != '\'') {
			lx->kind = TOK_BAD;
			lx->len = q - p;
		} else {
			lx->kind = TOK_STRING;
			lx->len = q + 1 - p;
		}
	} else if (s[p] == '(' || s[p] == ')' || s[p] == ',') {
		lx->kind = s[p] == '(' ? TOK_LPAREN : s[p] == ')' ? TOK_RPAREN :
		    TOK_COMMA;
		lx->len = 1;
	} else if (s[p] == '=') {
		lx->kind = TOK_OP;
		lx->len = 1;
	} else if (s[p] == '<' || s[p] == '>') {
		lx->kind = TOK_OP;
		lx->len = (s[p + 1] == '=' || (s[p] == '<' && s[p + 1] == '>')) ?
		    2 : 1;
	} else {
		lx->kind = TOK_BAD;
		lx->len = 1;
	}
	lx->pos = lx->start + lx->len;
}

/* Whether the current token is the keyword kw (case-insensitive). */
static bool
is_kw(const struct lexer *lx, const char *kw)
{
	return lx->kind == TOK_IDENT && strlen(kw) == lx->len &&
	    strncasecmp(lx->s + lx->start, kw, lx->len) == 0;
}

static bool
is_op(const struct lexer *lx, const char *op)
{
	return lx->kind == TOK_OP && strlen(op) == lx->len &&
	    strncmp(lx->s + lx->start, op, lx->len) == 0;
}

static int
expect_kw(struct lexer *lx, const char *kw)
{
	if (!is_kw(lx, kw))
		return perr(lx, "expected %s", kw);
	next(lx);
	return 0;
}

static void
atom_fini(struct metric_atom *a)
{
	for (size_t i = 0; i < a->nstrs; i++)
		free(a->strs[i]);
	a->nstrs = 0;
}

static int
parse_string(struct lexer *lx, struct metric_atom *a)
{
	if (lx->kind != TOK_STRING)
		return perr(lx, "expected a quoted string for STRING column");
	if (a->nstrs == METRIC_MAX_STRS)
		return perr(lx, "more than %d values in one IN list",
		    METRIC_MAX_STRS);
	a->lens[a->nstrs] = lx->len - 2;
	a->strs[a->nstrs] = xstrndup(lx->s + lx->start + 1, lx->len - 2);
	a->nstrs++;
	next(lx);
	return 0;
}

/* "IS [NOT] NULL", "IS TRUE", "IS FALSE" after column name (of type). */
static int
parse_is(struct lexer *lx, struct metric_atom *a, enum schema_type type,
    const char *name)
{
	next(lx);
	if (is_kw(lx, "NOT")) {
		next(lx);
		a->op = METRIC_OP_NOT_NULL;
		return expect_kw(lx, "NULL");
	}
	if (is_kw(lx, "NULL")) {
		a->op = METRIC_OP_IS_NULL;
		next(lx);
		return 0;
	}
	if (is_kw(lx, "TRUE") || is_kw(lx, "FALSE")) {
		if (type != SCHEMA_TYPE_BOOLEAN)
			return perr(lx, "IS TRUE/FALSE on '%s', which is not BOOLEAN",
			    name);
		a->op = is_kw(lx, "TRUE") ? METRIC_OP_IS_TRUE :
		    METRIC_OP_IS_FALSE;
		next(lx);
		return 0;
	}
	return perr(lx, "expected NULL, NOT NULL, TRUE or FALSE after IS");
}

/* "[NOT] IN ('a', 'b', ...)" after column name (a STRING one if is_str). */
static int
parse_in(struct lexer *lx, struct metric_atom *a, bool is_str,
    const char *name)
{
	bool neg = is_kw(lx, "NOT");

	if (neg) {
		next(lx);
		if (!is_kw(lx, "IN"))
			return perr(lx, "expected IN after NOT");
	}
	if (!is_str)
		return perr(lx, "IN on '%s', which is not STRING", name);
	next(lx);
	if (lx->kind != TOK_LPAREN)
		return perr(lx, "expected ( after IN");
	next(lx);
	a->op = neg ? METRIC_OP_NOT_IN : METRIC_OP_IN;
	for (;;) {
		if (parse_string(lx, a) < 0)
			return -1;
		if (lx->kind == TOK_RPAREN)
			break;
		if (lx->kind != TOK_COMMA)
			return perr(lx, "expected , or ) in IN list");
		next(lx);
	}
	next(lx);
	return 0;
}

static int
parse_atom(struct lexer *lx, struct metric_atom *a)
{
	char name[64];
	int col;

	memset(a, 0, sizeof(*a));
	if (lx->kind != TOK_IDENT)
		return perr(lx, "expected a column name");
	if (lx->len >= sizeof(name))
		return perr(lx, "column name too long");
	memcpy(name, lx->s + lx->start, lx->len);
	name[lx->len] = '\0';
	enum schema_type type;
	if ((col = schema_column_find(name)) >= 0) {
		type = schema_column_get((size_t)col)->type;
	} else {
		size_t i;
		for (i = 0; i < lx->nextra; i++)
			if (strcmp(lx->extra[i].name, name) == 0)
				break;
		if (i == lx->nextra)
			return perr(lx, "no column '%s' in schema v%d", name,
			    SCHEMA_VERSION);
		col = (int)(SCHEMA_COL_COUNT + i);
		type = lx->extra[i].type;
	}
	a->col = (enum schema_col)col;
	bool is_str = type == SCHEMA_TYPE_STRING;
	bool is_int = type == SCHEMA_TYPE_INT32 || type == SCHEMA_TYPE_INT64;
	next(lx);

	if (is_kw(lx, "IS"))
		return parse_is(lx, a, type, name);
	if (is_kw(lx, "NOT") || is_kw(lx, "IN"))
		return parse_in(lx, a, is_str, name);
	if (lx->kind != TOK_OP)
		return perr(lx, "expected IS, IN, NOT IN or a comparison after '%s'",
		    name);
	if (is_str) {
		if (!is_op(lx, "=") && !is_op(lx, "<>"))
			return perr(lx, "only = and <> compare STRING column '%s'",
			    name);
		a->op = is_op(lx, "=") ? METRIC_OP_IN : METRIC_OP_NOT_IN;
		next(lx);
		return parse_string(lx, a);
	}
	if (!is_int)
		return perr(lx, "comparison on '%s', which is not an integer or STRING column",
		    name);
	static const struct {
		const char *s;
		enum metric_op op;
	} ops[] = { { "=", METRIC_OP_EQ }, { "<>", METRIC_OP_NE },
		{ "<", METRIC_OP_LT }, { "<=", METRIC_OP_LE },
		{ ">", METRIC_OP_GT }, { ">=", METRIC_OP_GE } };
	size_t i;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (is_op(lx, ops[i].s))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return perr(lx, "unknown comparison");
	a->op = ops[i].op;
	next(lx);
	if (lx->kind != TOK_NUMBER)
		return perr(lx, "expected an integer after the comparison");
	if (parse_i64(lx->s + lx->start, lx->len, INT64_MIN, INT64_MAX,
	    &a->num) < 0)
		return perr(lx, "integer out of range");
	next(lx);
	return 0;
}

static int
parse_clause(struct lexer *lx, struct metric_clause *c)
{
	c->natoms = 0;
	if (lx->kind != TOK_LPAREN) {
		if (parse_atom(lx, &c->atoms[0]) < 0) {
			atom_fini(&c->atoms[0]);
			return -1;
		}
		c->natoms = 1;
		return 0;
	}
	next(lx);
	for (;;) {
		if (c->natoms == METRIC_MAX_ALT)
			return perr(lx, "more than %d alternatives joined by OR",
			    METRIC_MAX_ALT);
		if (parse_atom(lx, &c->atoms[c->natoms]) < 0) {
			atom_fini(&c->atoms[c->natoms]);
			return -1;
		}
		c->natoms++;
		if (lx->kind == TOK_RPAREN)
			break;
		if (!is_kw(lx, "OR"))
			return perr(lx, "expected OR or ) in a parenthesised clause");
		next(lx);
	}
	next(lx);
	return 0;
}

int
metric_expr_parse(const char *text, struct metric_expr *out, char *err,
    size_t errlen)
{
	return metric_expr_parse_extra(text, NULL, 0, out, err, errlen);
}

int
metric_expr_parse_extra(const char *text,
    const struct metric_extra_col *extra, size_t nextra,
    struct metric_expr *out, char *err, size_t errlen)
{
	struct lexer lx = { .s = text, .err = err, .errlen = errlen,
		.extra = extra, .nextra = nextra };

	memset(out, 0, sizeof(*out));
	if (strlen(text) > METRIC_MAX_TEXT) {
		if (errlen)
			snprintf(err, errlen, "condition longer than %d bytes",
			    METRIC_MAX_TEXT);
		return -1;
	}
	next(&lx);
	for (;;) {
		if (out->nclauses == METRIC_MAX_CLAUSES) {
			perr(&lx, "more than %d clauses joined by AND",
			    METRIC_MAX_CLAUSES);
			break;
		}
		if (parse_clause(&lx, &out->clauses[out->nclauses]) < 0) {
			out->nclauses++;
			break;
		}
		out->nclauses++;
		if (lx.kind == TOK_END)
			return 0;
		if (!is_kw(&lx, "AND")) {
			perr(&lx, is_kw(&lx, "OR") ?
			    "OR outside parentheses (write (a OR b))" :
			    "expected AND or the end");
			break;
		}
		next(&lx);
	}
	metric_expr_fini(out);
	return -1;
}

void
metric_expr_fini(struct metric_expr *e)
{
	for (size_t i = 0; i < e->nclauses; i++)
		for (size_t j = 0; j < e->clauses[i].natoms; j++)
			atom_fini(&e->clauses[i].atoms[j]);
	memset(e, 0, sizeof(*e));
}

/* Value of one atom for a cell of its column. */
static bool
metric_atom_eval(const struct metric_atom *a, const struct schema_value *v)
{
	int64_t x;

	switch (a->op) {
	case METRIC_OP_IS_NULL:
		return !v->present;
	case METRIC_OP_NOT_NULL:
		return v->present;
	case METRIC_OP_IS_TRUE:
		return v->present && v->u.b;
	case METRIC_OP_IS_FALSE:
		return v->present && !v->u.b;
	case METRIC_OP_IN:
	case METRIC_OP_NOT_IN:
		if (!v->present)
			return false;
		for (size_t i = 0; i < a->nstrs; i++)
			if (v->u.str.len == a->lens[i] &&
			    memcmp(v->u.str.ptr, a->strs[i], a->lens[i]) == 0)
				return a->op == METRIC_OP_IN;
		return a->op == METRIC_OP_NOT_IN;
	default:
		break;
	}
	if (!v->present)
		return false;
	x = schema_column_get(a->col)->type == SCHEMA_TYPE_INT32 ?
	    v->u.i32 : v->u.i64;
	switch (a->op) {
	case METRIC_OP_EQ:
		return x == a->num;
	case METRIC_OP_NE:
		return x != a->num;
	case METRIC_OP_LT:
		return x < a->num;
	case METRIC_OP_LE:
		return x <= a->num;
	case METRIC_OP_GT:
		return x > a->num;
	case METRIC_OP_GE:
		return x >= a->num;
	default:
		return false;
	}
}

bool
metric_expr_eval(const struct metric_expr *e, const struct schema_value *row)
{
	for (size_t i = 0; i < e->nclauses; i++) {
		const struct metric_clause *c = &e->clauses[i];
		bool any = false;
		for (size_t j = 0; j < c->natoms && !any; j++)
			any = metric_atom_eval(&c->atoms[j],
			    &row[c->atoms[j].col]);
		if (!any)
			return false;
	}
	return true;
}

void
metric_expr_columns(const struct metric_expr *e, bool *used)
{
	for (size_t i = 0; i < e->nclauses; i++)
		for (size_t j = 0; j < e->clauses[i].natoms; j++)
			used[e->clauses[i].atoms[j].col] = true;
}

struct metric_def *
metric_defs_new(char *err, size_t errlen)
{
	size_t n = metric_count();
	struct metric_def *defs = xcalloc(n, sizeof(*defs));
	char msg[256];

	for (size_t i = 0; i < n; i++) {
		const struct metric *m = metric_get(i);
		defs[i].m = m;
		if (metric_expr_parse(m->den, &defs[i].den, msg,
		    sizeof(msg)) < 0) {
			snprintf(err, errlen, "metric %s: denominator: %s",
			    m->name, msg);
			metric_defs_free(defs);
			return NULL;
		}
		if (metric_expr_parse(m->num, &defs[i].num, msg,
		    sizeof(msg)) < 0) {
			snprintf(err, errlen, "metric %s: numerator: %s",
			    m->name, msg);
			metric_defs_free(defs);
			return NULL;
		}
		metric_expr_columns(&defs[i].den, defs[i].cols);
		metric_expr_columns(&defs[i].num, defs[i].cols);
	}
	return defs;
}

void
metric_defs_free(struct metric_def *defs)
{
	if (defs == NULL)
		return;
	for (size_t i = 0; i < metric_count(); i++) {
		metric_expr_fini(&defs[i].den);
		metric_expr_fini(&defs[i].num);
	}
	free(defs);
}

void
metric_def_eval(const struct metric_def *d, const struct schema_value *row,
    bool *in_n, bool *in_k)
{
	*in_n = metric_expr_eval(&d->den, row);
	*in_k = *in_n && metric_expr_eval(&d->num, row);
}
