/*
 * profile.c - load mandate profiles and exceptions files (profile.h),
 * and judge a row by a requirement.  The parsers are pure over the text;
 * profile_load and exc_load only read the file first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "dname.h"
#include "profile.h"
#include "util.h"

const char *
profile_verdict_name(enum profile_verdict v)
{
	static const char *const names[] = { "pass", "fail", "explained",
		"not_measured" };

	return v < PROFILE_VERDICT_COUNT ? names[v] : "?";
}

/* The condition text of a requirement uptake cannot measure at all. */
#define PROFILE_UNMEASURED "UNMEASURED"

bool
profile_date_valid(const char *s, size_t len)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int64_t y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !ascii_isdigit(s[i]))
			return false;
	if (parse_i64(s, 4, 1900, 9999, &y) < 0 ||
	    parse_i64(s + 5, 2, 1, 12, &m) < 0 ||
	    parse_i64(s + 8, 2, 1, 31, &d) < 0)
		return false;
	if (d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return false;
	return true;
}

/* Whether s[0..len) is a non-empty id of [a-z0-9_.-]. */
static bool
id_valid(const char *s, size_t len)
{
	if (len == 0 || len > PROFILE_MAX_ID)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || ascii_isdigit(c) || c == '_' ||
		    c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* s without leading and trailing blanks, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

struct pctx {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int
pfail(struct pctx *c, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->line)
		snprintf(c->err, c->errlen, "%s:%u: %s", c->path, c->line, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	return -1;
}

static int
type_parse(const char *s, enum schema_type *t)
{
	static const struct {
		const char *name;
		enum schema_type t;
	} types[] = { { "BOOLEAN", SCHEMA_TYPE_BOOLEAN },
		{ "STRING", SCHEMA_TYPE_STRING },
		{ "INT32", SCHEMA_TYPE_INT32 },
		{ "INT64", SCHEMA_TYPE_INT64 } };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(s, types[i].name) == 0) {
			*t = types[i].t;
			return 0;
		}
	return -1;
}

/* "pending NAME TYPE": a column this build's schema may not have yet. */
static int
parse_pending(struct pctx *c, struct profile *p, char *rest)
{
	char *name = strtok(rest, " \t"), *type = strtok(NULL, " \t");
	enum schema_type t;
	int col;

	if (name == NULL || type == NULL || strtok(NULL, " \t") != NULL)
		return pfail(c, "expected 'pending COLUMN TYPE'");
	if (type_parse(type, &t) < 0)
		return pfail(c, "pending %s: type '%s' is not BOOLEAN, STRING, INT32 or INT64",
		    name, type);
	if (!id_valid(name, strlen(name)))
		return pfail(c, "pending: '%s' is not a column name", name);
	if ((col = schema_column_find(name)) >= 0) {
		/* The column has landed: the schema's own must agree. */
		if (schema_column_get((size_t)col)->type != t)
			return pfail(c, "pending %s %s: schema v%d has it as %s",
			    name, type, SCHEMA_VERSION,
			    schema_type_name(schema_column_get((size_t)col)->type));
		return 0;
	}
	for (size_t i = 0; i < p->npending; i++)
		if (strcmp(p->pending[i].name, name) == 0)
			return pfail(c, "pending %s declared twice", name);
	if (p->npending == PROFILE_MAX_PENDING)
		return pfail(c, "more than %d pending columns",
		    PROFILE_MAX_PENDING);
	p->pending[p->npending].name = xstrdup(name);
	p->pending[p->npending].type = t;
	p->npending++;
	return 0;
}

/* Parse one condition field into e, marking its columns in cols. */
static int
parse_cond(struct pctx *c, struct profile *p, const char *what,
    const char *text, struct metric_expr *e, bool *cols)
{
	char msg[300];

	if (metric_expr_parse_extra(text, p->pending, p->npending, e, msg,
	    sizeof(msg)) < 0)
		return pfail(c, "%s: %s", what, msg);
	metric_expr_columns(e, cols);
	return 0;
}

/* "require ID | TITLE | CONDITION | DENOMINATOR | SOURCE | SECTION | DATE" */
static int
parse_require(struct pctx *c, struct profile *p, char *rest)
{
	static const char *const names[PROFILE_FIELDS] = { "id", "title",
		"condition", "denominator", "source", "section",
		"effective date" };
	char *f[PROFILE_FIELDS];
	size_t nf = 0;
	char *s = rest;
	size_t ncols = SCHEMA_COL_COUNT + p->npending;

	for (;;) {
		char *bar = strchr(s, '|');
		if (nf == PROFILE_FIELDS)
			return pfail(c, "more than %d fields separated by '|' (id | title | condition | denominator | source | section | date)",
			    PROFILE_FIELDS);
		if (bar)
			*bar = '\0';
		f[nf++] = trim(s);
		if (bar == NULL)
			break;
		s = bar + 1;
	}
	if (nf < PROFILE_FIELDS)
		return pfail(c, "%zu fields, expected %d: id | title | condition | denominator | source | section | date (missing: %s)",
		    nf, PROFILE_FIELDS, names[nf]);
	for (size_t i = 0; i < PROFILE_FIELDS; i++) {
		if (f[i][0] == '\0')
			return pfail(c, "empty %s%s", names[i],
			    i >= 4 ? " (a requirement cites its source, section and effective date)" : "");
		if (i != 2 && i != 3 && strlen(f[i]) > PROFILE_MAX_FIELD)
			return pfail(c, "%s longer than %d bytes", names[i],
			    PROFILE_MAX_FIELD);
	}
	if (!id_valid(f[0], strlen(f[0])))
		return pfail(c, "requirement id '%.60s' is not 1 to %d characters of a-z 0-9 _ . -",
		    f[0], PROFILE_MAX_ID);
	for (size_t i = 0; i < p->nreqs; i++)
		if (strcmp(p->reqs[i].id, f[0]) == 0)
			return pfail(c, "requirement %s already on line %u",
			    f[0], p->reqs[i].line);
	if (!profile_date_valid(f[6], strlen(f[6])))
		return pfail(c, "effective date '%.40s' is not a date YYYY-MM-DD",
		    f[6]);
	if (p->nreqs == PROFILE_MAX_REQS)
		return pfail(c, "more than %d requirements", PROFILE_MAX_REQS);

	struct profile_req *r = &p->reqs[p->nreqs];
	memset(r, 0, sizeof(*r));
	r->line = c->line;
	r->cols = xcalloc(ncols, sizeof(*r->cols));
	r->cond_cols = xcalloc(ncols, sizeof(*r->cond_cols));
	p->nreqs++;	/* freed with the profile from here on */
	r->id = xstrdup(f[0]);
	r->title = xstrdup(f[1]);
	r->source = xstrdup(f[4]);
	r->section = xstrdup(f[5]);
	memcpy(r->date, f[6], 10);
	if (strcmp(f[2], PROFILE_UNMEASURED) == 0) {
		if (strcmp(f[3], "-") != 0)
			return pfail(c, "an UNMEASURED requirement has no denominator (write -)");
		r->unmeasured = true;
		return 0;
	}
	r->cond_text = xstrdup(f[2]);
	if (parse_cond(c, p, "condition", f[2], &r->cond, r->cond_cols) < 0)
		return -1;
	memcpy(r->cols, r->cond_cols, ncols * sizeof(*r->cols));
	if (strcmp(f[3], "-") != 0) {
		r->den_text = xstrdup(f[3]);
		r->has_den = true;
		if (parse_cond(c, p, "denominator", f[3], &r->den,
		    r->cols) < 0)
			return -1;
	}
	for (size_t i = SCHEMA_COL_COUNT; i < ncols; i++)
		if (r->cols[i])
			r->pending = true;
	return 0;
}

/* "KEY VALUE" header lines: profile, version, title. */
static int
parse_header(struct pctx *c, char **slot, const char *key, char *rest,
    bool is_id)
{
	rest = trim(rest);
	if (*slot)
		return pfail(c, "%s given twice", key);
	if (*rest == '\0')
		return pfail(c, "%s without a value", key);
	if (is_id && !id_valid(rest, strlen(rest)))
		return pfail(c, "profile name '%.60s' is not 1 to %d characters of a-z 0-9 _ . -",
		    rest, PROFILE_MAX_ID);
	if (strlen(rest) > PROFILE_MAX_FIELD)
		return pfail(c, "%s longer than %d bytes", key,
		    PROFILE_MAX_FIELD);
	*slot = xstrdup(rest);
	return 0;
}

static int
parse_line(struct pctx *c, struct profile *p, char *s)
{
	char *sp;
	size_t kw;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q < ' ' && *q != '\t')
			return pfail(c, "control character");
	sp = s + strcspn(s, " \t");
	kw = (size_t)(sp - s);
	if (*sp)
		*sp++ = '\0';
	if (strcmp(s, "profile") == 0)
		return parse_header(c, &p->name, "profile", sp, true);
	if (strcmp(s, "version") == 0)
		return parse_header(c, &p->version, "version", sp, false);
	if (strcmp(s, "title") == 0)
		return parse_header(c, &p->title, "title", sp, false);
	if (strcmp(s, "pending") == 0) {
		if (p->nreqs)
			return pfail(c, "pending after the first requirement (declare columns first)");
		return parse_pending(c, p, sp);
	}
	if (strcmp(s, "require") == 0) {
		if (p->name == NULL || p->version == NULL)
			return pfail(c, "require before the profile's name and version lines");
		return parse_require(c, p, sp);
	}
	(void)kw;
	return pfail(c, "unknown line '%.40s' (expected profile, version, title, pending or require)",
	    s);
}

struct profile *
profile_parse(const char *path, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct pctx c = { .path = path, .err = err, .errlen = errlen };
	struct profile *p = xcalloc(1, sizeof(*p));
	char *line = xmalloc(PROFILE_MAX_LINE + 1);
	size_t pos = 0;

	p->path = xstrdup(path);
	if (len > PROFILE_MAX_BYTES) {
		pfail(&c, "larger than %u bytes", PROFILE_MAX_BYTES);
		goto fail;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		c.line++;
		if (l && buf[pos + l - 1] == '\r')
			l--;
		if (l > PROFILE_MAX_LINE) {
			pfail(&c, "line longer than %d bytes", PROFILE_MAX_LINE);
			goto fail;
		}
		if (memchr(buf + pos, '\0', l) != NULL) {
			pfail(&c, "NUL byte");
			goto fail;
		}
		memcpy(line, buf + pos, l);
		line[l] = '\0';
		if (parse_line(&c, p, line) < 0)
			goto fail;
		pos += (nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos);
	}
	c.line = 0;
	if (p->name == NULL) {
		pfail(&c, "no 'profile NAME' line");
		goto fail;
	}
	if (p->version == NULL) {
		pfail(&c, "no 'version TEXT' line");
		goto fail;
	}
	if (p->nreqs == 0) {
		pfail(&c, "no requirement");
		goto fail;
	}
	free(line);
	return p;
fail:
	free(line);
	profile_free(p);
	return NULL;
}

/* Read a whole file of at most max bytes into *out (NUL-terminated). */
static int
read_file(const char *path, size_t max, char **out, size_t *len, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *b;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	b = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				snprintf(err, errlen, "%s: larger than %zu bytes",
				    path, max);
				free(b);
				fclose(f);
				return -1;
			}
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(b);
		fclose(f);
		return -1;
	}
	fclose(f);
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

struct profile *
profile_load(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	struct profile *p;

	if (read_file(path, PROFILE_MAX_BYTES, &buf, &len, err, errlen) < 0)
		return NULL;
	p = profile_parse(path, buf, len, err, errlen);
	free(buf);
	return p;
}

void
profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nreqs; i++) {
		struct profile_req *r = &p->reqs[i];
		free(r->id);
		free(r->title);
		free(r->cond_text);
		free(r->den_text);
		free(r->source);
		free(r->section);
		metric_expr_fini(&r->cond);
		metric_expr_fini(&r->den);
		free(r->cols);
		free(r->cond_cols);
	}
	for (size_t i = 0; i < p->npending; i++)
		free((char *)p->pending[i].name);
	free(p->path);
	free(p->name);
	free(p->version);
	free(p->title);
	free(p);
}

bool
profile_req_measurable(const struct profile_req *r, const bool *has)
{
	if (r->unmeasured || r->pending)
		return false;
	for (size_t i = 0; i < SCHEMA_COL_COUNT; i++)
		if (r->cols[i] && !has[i])
			return false;
	return true;
}

enum profile_verdict
profile_req_eval(const struct profile_req *r, bool measurable,
    const struct schema_value *row)
{
	if (!measurable)
		return PROFILE_NOT_MEASURED;
	if (r->has_den) {
		if (!metric_expr_eval(&r->den, row))
			return PROFILE_NOT_MEASURED;
	} else {
		for (size_t i = 0; i < SCHEMA_COL_COUNT; i++)
			if (r->cond_cols[i] && !row[i].present)
				return PROFILE_NOT_MEASURED;
	}
	return metric_expr_eval(&r->cond, row) ? PROFILE_PASS : PROFILE_FAIL;
}

/* Exceptions. */

static int
exc_cmp(const void *a, const void *b)
{
	const struct exc_entry *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static void
exc_entries_free(struct exc_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].domain);
		free(e[i].profile);
		free(e[i].req);
		free(e[i].justification);
	}
	free(e);
}

/* Whether the requirement field names a requirement of the profiles. */
static bool
exc_req_known(const char *prof, const char *id,
    struct profile *const *profiles, size_t np)
{
	for (size_t i = 0; i < np; i++) {
		if (prof && strcmp(prof, profiles[i]->name) != 0)
			continue;
		for (size_t j = 0; j < profiles[i]->nreqs; j++)
			if (strcmp(profiles[i]->reqs[j].id, id) == 0)
				return true;
	}
	return false;
}

/* One data line's fields into e; false with why. */
static bool
exc_fields(char **f, struct profile *const *profiles, size_t np,
    struct exc_entry *e, char *why, size_t whylen)
{
	char dom[DNAME_BUF_SIZE];
	enum dname_error de;
	const char *colon;

	for (int i = 0; i < 4; i++)
		f[i] = csv_trim(f[i]);
	for (const char *q = f[0]; *q; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f) {
			snprintf(why, whylen, "domain with a space or control character");
			return false;
		}
	de = dname_normalize(f[0], strlen(f[0]), dom, sizeof(dom));
	if (de != DNAME_OK) {
		snprintf(why, whylen, "'%.80s' is not a domain name (%s)", f[0],
		    dname_error_str(de));
		return false;
	}
	colon = strchr(f[1], ':');
	const char *id = colon ? colon + 1 : f[1];
	size_t plen = colon ? (size_t)(colon - f[1]) : 0;
	if ((colon && !id_valid(f[1], plen)) || !id_valid(id, strlen(id))) {
		snprintf(why, whylen, "requirement '%.80s' is not ID or PROFILE:ID",
		    f[1]);
		return false;
	}
	char *prof = colon ? xstrndup(f[1], plen) : NULL;
	if (!exc_req_known(prof, id, profiles, np)) {
		snprintf(why, whylen, "requirement '%.80s' is in no profile given",
		    f[1]);
		free(prof);
		return false;
	}
	if (f[2][0] == '\0') {
		snprintf(why, whylen, "empty justification (comply or explain: the explanation is the point)");
		free(prof);
		return false;
	}
	if (strlen(f[2]) > EXC_MAX_JUSTIFICATION) {
		snprintf(why, whylen, "justification longer than %d bytes",
		    EXC_MAX_JUSTIFICATION);
		free(prof);
		return false;
	}
	if (!profile_date_valid(f[3], strlen(f[3]))) {
		snprintf(why, whylen, "until '%.40s' is not a date YYYY-MM-DD",
		    f[3]);
		free(prof);
		return false;
	}
	e->domain = xstrdup(dom);
	e->profile = prof;
	e->req = xstrdup(id);
	e->justification = xstrdup(f[2]);
	memcpy(e->until, f[3], 10);
	e->until[10] = '\0';
	return true;
}

struct exc_list *
exc_parse(const char *path, const char *buf, size_t len,
    struct profile *const *profiles, size_t np, char *err, size_t errlen)
{
	struct exc_list *x = xcalloc(1, sizeof(*x));
	size_t cap = 0, pos = 0;
	unsigned line = 0;
	bool first = true;
	char *copy = xmalloc(CSV_MAX_LINE + 1);

	x->path = xstrdup(path);
	if (len > EXC_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes", path,
		    EXC_MAX_BYTES);
		goto fail;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *s = buf + pos;
		char *f[CSV_MAX_FIELDS];
		enum csv_error why;
		char w[300];
		int n;

		line++;
		pos += l + (nl != NULL);
		if (l && s[l - 1] == '\r')
			l--;
		if (line == 1 && l >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			l -= 3;
		}
		if (l > CSV_MAX_LINE) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes",
			    path, line, CSV_MAX_LINE);
			goto fail;
		}
		if (memchr(s, '\0', l) != NULL) {
			snprintf(err, errlen, "%s:%u: NUL byte", path, line);
			goto fail;
		}
		memcpy(copy, s, l);
		copy[l] = '\0';
		if (*csv_trim(copy) == '\0' || *csv_trim(copy) == '#')
			continue;
		n = csv_split(copy, l, f, CSV_MAX_FIELDS, &why);
		if (n < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, line,
			    csv_error_str(why));
			goto fail;
		}
		if (first) {
			first = false;
			if (n == 4 && strcmp(csv_trim(f[0]), "domain") == 0 &&
			    strcmp(csv_trim(f[1]), "requirement") == 0 &&
			    strcmp(csv_trim(f[2]), "justification") == 0 &&
			    strcmp(csv_trim(f[3]), "until") == 0)
				continue;
		}
		if (n != 4) {
			snprintf(err, errlen, "%s:%u: %d fields, expected 4 (domain,requirement,justification,until)",
			    path, line, n);
			goto fail;
		}
		if (x->n == EXC_MAX_ENTRIES) {
			snprintf(err, errlen, "%s:%u: more than %d exceptions",
			    path, line, EXC_MAX_ENTRIES);
			goto fail;
		}
		if (x->n == cap) {
			cap = cap ? cap * 2 : 64;
			x->e = xreallocarray(x->e, cap, sizeof(*x->e));
		}
		memset(&x->e[x->n], 0, sizeof(x->e[x->n]));
		if (!exc_fields(f, profiles, np, &x->e[x->n], w, sizeof(w))) {
			snprintf(err, errlen, "%s:%u: %s", path, line, w);
			goto fail;
		}
		x->e[x->n].line = line;
		x->n++;
	}
	free(copy);
	qsort(x->e, x->n, sizeof(*x->e), exc_cmp);
	/* One exception per (domain, requirement): entries of a domain are
	 * adjacent now, in line order. */
	for (size_t i = 0; i < x->n; i++)
		for (size_t j = i + 1; j < x->n &&
		    strcmp(x->e[i].domain, x->e[j].domain) == 0; j++) {
			const struct exc_entry *a = &x->e[i], *b = &x->e[j];
			if (strcmp(a->req, b->req) == 0 &&
			    (a->profile == NULL) == (b->profile == NULL) &&
			    (a->profile == NULL ||
			    strcmp(a->profile, b->profile) == 0)) {
				snprintf(err, errlen, "%s:%u: %s %s already excepted on line %u",
				    path, b->line, b->domain, b->req, a->line);
				exc_free(x);
				return NULL;
			}
		}
	return x;
fail:
	free(copy);
	exc_free(x);
	return NULL;
}

struct exc_list *
exc_load(const char *path, struct profile *const *profiles, size_t np,
    char *err, size_t errlen)
{
	char *buf;
	size_t len;
	struct exc_list *x;

	if (read_file(path, EXC_MAX_BYTES, &buf, &len, err, errlen) < 0)
		return NULL;
	x = exc_parse(path, buf, len, profiles, np, err, errlen);
	free(buf);
	return x;
}

void
exc_free(struct exc_list *x)
{
	if (x == NULL)
		return;
	exc_entries_free(x->e, x->n);
	free(x->path);
	free(x);
}

const struct exc_entry *
exc_find(const struct exc_list *x, const char *domain,
    const struct profile *p, const struct profile_req *r, const char *date)
{
	size_t lo = 0, hi;

	if (x == NULL)
		return NULL;
	hi = x->n;
	while (lo < hi) {	/* the first entry of domain */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->e[mid].domain, domain) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < x->n && strcmp(x->e[i].domain, domain) == 0;
	    i++) {
		const struct exc_entry *e = &x->e[i];
		if (strcmp(e->req, r->id) != 0)
			continue;
		if (e->profile && strcmp(e->profile, p->name) != 0)
			continue;
		if (strcmp(e->until, date) >= 0)
			return e;
	}
	return NULL;
}
