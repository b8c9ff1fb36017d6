/*
 * cspgrade.c - Content-Security-Policy and Referrer-Policy graded
 * (cspgrade.h).  The rules and their sources are in docs/web.md, "Header
 * quality"; CSP's syntax is CSP3 (W3C Content Security Policy Level 3):
 * policies split on ",", directives on ";", tokens on ASCII whitespace,
 * names and keywords compared without case, a directive's first
 * occurrence in a policy the one that counts (CSP3 2.2.1).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cspgrade.h"
#include "util.h"

/* A token of a source list. */
struct tok {
	const char *s;
	size_t n;
};

/* The directives the rules read, by index. */
enum {
	D_DEFAULT, D_SCRIPT, D_OBJECT, D_FRAME_ANCESTORS, D_BASE_URI,
	D_FORM_ACTION, D_COUNT
};
static const char *const dnames[D_COUNT] = {
	"default-src", "script-src", "object-src", "frame-ancestors",
	"base-uri", "form-action",
};

/* One policy: for each directive read, whether present and its value. */
struct policy {
	bool have[D_COUNT];
	const char *v[D_COUNT], *ve[D_COUNT];
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* The next whitespace-separated token of [*p, e); false at the end. */
static bool
next_tok(const char **p, const char *e, struct tok *t)
{
	const char *s = *p;

	while (s < e && is_ws(*s))
		s++;
	if (s == e) {
		*p = s;
		return false;
	}
	t->s = s;
	while (s < e && !is_ws(*s))
		s++;
	t->n = (size_t)(s - t->s);
	*p = s;
	return true;
}

static bool
tok_is(const struct tok *t, const char *kw)
{
	return ascii_ieq(t->s, t->n, kw);
}

static bool
tok_prefix(const struct tok *t, const char *pre)
{
	size_t n = strlen(pre);

	return t->n > n && ascii_ieq(t->s, n, pre);
}

/* 'nonce-...' or a hash source ('sha256-', 'sha384-', 'sha512-'). */
static bool
tok_nonce_or_hash(const struct tok *t)
{
	return tok_prefix(t, "'nonce-") || tok_prefix(t, "'sha256-") ||
	    tok_prefix(t, "'sha384-") || tok_prefix(t, "'sha512-");
}

/*
 * A host-source's host (CSP3 2.3.1: [scheme "://"] host [port] [path]),
 * and whether it had a scheme, which goes to *scheme ("" when none).
 * False for keywords and scheme-sources ("https:").
 */
static bool
tok_host(const struct tok *t, struct tok *host, struct tok *scheme)
{
	const char *s = t->s, *e = t->s + t->n, *p;

	if (t->n == 0 || *s == '\'')
		return false;
	scheme->s = s;
	scheme->n = 0;
	for (p = s; p + 2 < e; p++)
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			scheme->n = (size_t)(p - s);
			s = p + 3;
			break;
		}
	if (scheme->n == 0 && e > s && e[-1] == ':')
		return false;		/* a scheme-source */
	host->s = s;
	while (s < e && *s != ':' && *s != '/')
		s++;
	host->n = (size_t)(s - host->s);
	return host->n > 0;
}

/* The host is site or a name under it ("*." allowed in front). */
static bool
host_of_site(struct tok h, const char *site)
{
	size_t sl = strlen(site);

	if (h.n > 2 && h.s[0] == '*' && h.s[1] == '.') {
		h.s += 2;
		h.n -= 2;
	}
	if (h.n > 0 && h.s[h.n - 1] == '.')
		h.n--;			/* a final dot names the same host */
	if (ascii_ieq(h.s, h.n, site))
		return true;
	return h.n > sl + 1 && h.s[h.n - sl - 1] == '.' &&
	    ascii_ieq(h.s + h.n - sl, sl, site);
}

/* A source that lets anything in: "*", a host "*" with any scheme, or
 * the schemes http: and data: (a scheme-source matches every host). */
static bool
tok_open(const struct tok *t, bool data_too)
{
	struct tok h, sch;

	if (tok_is(t, "*") || tok_is(t, "http:"))
		return true;
	if (data_too && tok_is(t, "data:"))
		return true;
	if (!tok_host(t, &h, &sch))
		return false;
	if (h.n == 1 && h.s[0] == '*')
		return true;
	return sch.n > 0 && ascii_ieq(sch.s, sch.n, "http");
}

/* default-src is 'none' alone, or 'self' with no host but the site's own
 * (https or no scheme) and no scheme-source; other keywords are judged by
 * the script rules. */
static bool
rule_default_src(const struct policy *p, const char *site)
{
	const char *s = p->v[D_DEFAULT], *e = p->ve[D_DEFAULT];
	struct tok t, h, sch;
	bool self = false, none = false;
	unsigned n = 0;

	if (!p->have[D_DEFAULT])
		return false;
	while (next_tok(&s, e, &t)) {
		n++;
		if (tok_is(&t, "'none'")) {
			none = true;
		} else if (tok_is(&t, "'self'")) {
			self = true;
		} else if (t.s[0] == '\'') {
			/* another keyword, a nonce or a hash: no host; the
			 * unsafe ones are the script rules' business */
			continue;
		} else if (tok_host(&t, &h, &sch)) {
			if (sch.n > 0 && !ascii_ieq(sch.s, sch.n, "https"))
				return false;
			if (!host_of_site(h, site))
				return false;
		} else {
			return false;
		}
	}
	return (none && n == 1) || self;
}

/* The effective script source list: script-src, else default-src. */
static bool
script_list(const struct policy *p, const char **s, const char **e)
{
	int d = p->have[D_SCRIPT] ? D_SCRIPT :
	    p->have[D_DEFAULT] ? D_DEFAULT : -1;

	if (d < 0)
		return false;
	*s = p->v[d];
	*e = p->ve[d];
	return true;
}

/* What one script source list allows. */
struct script_facts {
	bool unsafe_inline, unsafe_eval, nonce_or_hash, strict_dynamic, open;
};

static void
script_scan(const char *s, const char *e, struct script_facts *f)
{
	struct tok t;

	memset(f, 0, sizeof(*f));
	while (next_tok(&s, e, &t)) {
		if (tok_is(&t, "'unsafe-inline'"))
			f->unsafe_inline = true;
		else if (tok_is(&t, "'unsafe-eval'"))
			f->unsafe_eval = true;
		else if (tok_is(&t, "'strict-dynamic'"))
			f->strict_dynamic = true;
		else if (tok_nonce_or_hash(&t))
			f->nonce_or_hash = true;
		else if (tok_open(&t, true))
			f->open = true;
	}
}

/* No source in [s, e) lets everything in. */
static bool
list_closed(const char *s, const char *e, bool data_too)
{
	struct tok t;

	while (next_tok(&s, e, &t))
		if (tok_open(&t, data_too))
			return false;
	return true;
}

/* The rules one policy meets. */
static unsigned
policy_rules(const struct policy *p, const char *site)
{
	unsigned ok = 0;
	const char *s, *e;
	static const struct {
		int d;
		unsigned rule;
	} set_rules[] = {
		{ D_FRAME_ANCESTORS, CSP_RULE_FRAME_ANCESTORS },
		{ D_BASE_URI, CSP_RULE_BASE_URI },
		{ D_FORM_ACTION, CSP_RULE_FORM_ACTION },
	};
	size_t i;

	if (rule_default_src(p, site))
		ok |= CSP_RULE_DEFAULT_SRC;
	if (script_list(p, &s, &e)) {
		struct script_facts f;
		int od = p->have[D_OBJECT] ? D_OBJECT : D_DEFAULT;

		script_scan(s, e, &f);
		/* CSP3: a nonce or hash makes browsers ignore
		 * 'unsafe-inline' ("Does a source list allow all inline
		 * behavior"); 'strict-dynamic' with one makes them ignore
		 * host and scheme sources (8.2). */
		if (!f.unsafe_inline || f.nonce_or_hash)
			ok |= CSP_RULE_UNSAFE_INLINE;
		if (!f.unsafe_eval)
			ok |= CSP_RULE_UNSAFE_EVAL;
		if ((!f.open || (f.strict_dynamic && f.nonce_or_hash)) &&
		    (!p->have[od] || list_closed(p->v[od], p->ve[od], true)))
			ok |= CSP_RULE_SCRIPT_SOURCES;
	}
	for (i = 0; i < sizeof(set_rules) / sizeof(set_rules[0]); i++) {
		int d = set_rules[i].d;

		if (p->have[d] && list_closed(p->v[d], p->ve[d], false))
			ok |= set_rules[i].rule;
	}
	return ok;
}

/* Read the directives of the policy [s, e). */
static void
policy_read(const char *s, const char *e, struct policy *p)
{
	unsigned n = 0;

	memset(p, 0, sizeof(*p));
	while (s < e && n < CSP_GRADE_MAX_DIRECTIVES) {
		const char *d = s, *de, *q;
		struct tok name;
		int i;

		while (s < e && *s != ';')
			s++;
		de = s;
		if (s < e)
			s++;
		q = d;
		if (!next_tok(&q, de, &name))
			continue;
		n++;
		for (i = 0; i < D_COUNT; i++)
			if (tok_is(&name, dnames[i]) && !p->have[i]) {
				p->have[i] = true;
				p->v[i] = q;
				p->ve[i] = de;
			}
	}
}

unsigned
csp_grade_failures(const char *v, size_t len, const char *site)
{
	const char *s = v, *e = v + len;
	unsigned ok = 0, n = 0;

	if (v == NULL)
		return CSP_RULES_ALL;
	while (s <= e && n < CSP_GRADE_MAX_POLICIES) {
		const char *p = s;
		struct policy pol;

		while (s < e && *s != ',')
			s++;
		policy_read(p, s, &pol);
		ok |= policy_rules(&pol, site);
		n++;
		s++;
	}
	return CSP_RULES_ALL & ~ok;
}

const char *
csp_grade_str(unsigned failures)
{
	if (failures == 0)
		return "good";
	return (failures & CSP_RULES_SCRIPT) ? "bad" : "sufficient";
}

void
csp_grade_names(unsigned failures, char *buf, size_t size)
{
	static const char *const names[] = {
		"default-src", "unsafe-inline", "unsafe-eval", "script-sources",
		"frame-ancestors", "base-uri", "form-action",
	};
	size_t i, off = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int w;

		if (!(failures & (1u << i)))
			continue;
		w = snprintf(buf + off, size - off, "%s%s", off ? "," : "",
		    names[i]);
		if (w < 0 || (size_t)w >= size - off)
			return;
		off += (size_t)w;
	}
}

const char *
referrer_grade(const char *policy)
{
	static const char *const good[] = { "no-referrer", "same-origin" };
	static const char *const sufficient[] = {
		"strict-origin", "strict-origin-when-cross-origin",
	};
	size_t i;

	if (policy == NULL || strcmp(policy, "absent") == 0)
		return "absent";
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (strcmp(policy, good[i]) == 0)
			return "good";
	for (i = 0; i < sizeof(sufficient) / sizeof(sufficient[0]); i++)
		if (strcmp(policy, sufficient[i]) == 0)
			return "sufficient";
	return "bad";
}
