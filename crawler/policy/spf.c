/*
 * spf.c - the SPF record parser (spf.h): RFC 7208 section 12's grammar.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "spf.h"
#include "util.h"

bool
spf_is_record(const char *s, size_t len)
{
	return len >= 6 && ascii_ieq(s, 6, "v=spf1") &&
	    (len == 6 || s[6] == ' ');
}

const char *
spf_qual_str(enum spf_qual q)
{
	switch (q) {
	case SPF_QUAL_PASS:
		return "pass";
	case SPF_QUAL_FAIL:
		return "fail";
	case SPF_QUAL_SOFTFAIL:
		return "softfail";
	case SPF_QUAL_NEUTRAL:
		return "neutral";
	}
	return "neutral";
}

static const char *const mech_names[] = {
	[SPF_MECH_ALL] = "all",
	[SPF_MECH_INCLUDE] = "include",
	[SPF_MECH_A] = "a",
	[SPF_MECH_MX] = "mx",
	[SPF_MECH_PTR] = "ptr",
	[SPF_MECH_IP4] = "ip4",
	[SPF_MECH_IP6] = "ip6",
	[SPF_MECH_EXISTS] = "exists",
};
#define NMECH (sizeof(mech_names) / sizeof(mech_names[0]))

const char *
spf_mech_str(enum spf_mech m)
{
	return (size_t)m < NMECH ? mech_names[m] : "?";
}

/* The parse of one record: the text and the first fault. */
struct p {
	const char *s;
	const char *why;
	size_t where;
};

static bool
fault(struct p *p, size_t at, const char *why)
{
	p->why = why;
	p->where = at;
	return false;
}

/*
 * A macro-expand at s[i] (s[i] == '%'), RFC 7208 7.1: "%%", "%_", "%-",
 * or "%{" letter *DIGIT ["r"] *delimiter "}".  The letters c, r, t are
 * for exp= only (7.2).  *end is the index after it.
 */
static bool
macro_expand(struct p *p, size_t i, size_t e, bool exp, size_t *end,
	bool *braced)
{
	const char *s = p->s;
	size_t k, digits = 0;
	char l;

	if (i + 1 >= e)
		return fault(p, i, "'%' at the end of a macro string");
	if (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '-') {
		*end = i + 2;
		*braced = false;
		return true;
	}
	if (s[i + 1] != '{')
		return fault(p, i, "'%' not followed by '{', '%', '_' or '-'");
	k = i + 2;
	if (k >= e)
		return fault(p, i, "unterminated macro");
	l = ascii_lower(s[k]);
	if (strchr("slodiphv", l) == NULL &&
	    !(exp && strchr("crt", l) != NULL))
		return fault(p, k, "unknown macro letter");
	k++;
	/* Transformers: *DIGIT ["r"]; a number of labels of 1 to 128 (7.3:
	 * "nonzero"; 128 labels is the most a name can have). */
	while (k < e && ascii_isdigit(s[k])) {
		if (++digits > 3)
			return fault(p, k, "macro transformer too long");
		k++;
	}
	if (digits > 0) {
		unsigned v = 0;
		size_t d;

		for (d = k - digits; d < k; d++)
			v = v * 10 + (unsigned)(s[d] - '0');
		if (v == 0 || v > 128)
			return fault(p, k - digits,
			    "macro transformer not 1 to 128");
	}
	if (k < e && ascii_lower(s[k]) == 'r')
		k++;
	while (k < e && strchr(".-+,/_=", s[k]) != NULL && s[k] != '\0')
		k++;
	if (k >= e || s[k] != '}')
		return fault(p, k, "unterminated macro");
	*end = k + 1;
	*braced = true;
	return true;
}

/*
 * A macro-string s[b..e) (RFC 7208 7.1): macro-expands and macro-literals
 * (%x21-24 / %x26-7E).  *macro: a braced macro was seen; *last_lit: the
 * index where the trailing run of literals starts (e when the string ends
 * in a macro-expand).
 */
static bool
macro_string(struct p *p, size_t b, size_t e, bool exp, bool *macro,
	size_t *last_lit)
{
	const char *s = p->s;
	size_t i = b;

	*macro = false;
	*last_lit = b;
	while (i < e) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			size_t end;
			bool braced;

			if (!macro_expand(p, i, e, exp, &end, &braced))
				return false;
			if (braced)
				*macro = true;
			i = end;
			*last_lit = i;
			continue;
		}
		if (c < 0x21 || c > 0x7e)
			return fault(p, i, "character not allowed in a "
			    "macro string");
		i++;
	}
	return true;
}

/* toplabel (RFC 7208 7.1): alphanumerics and '-', not starting or ending
 * with '-', with at least one letter. */
static bool
toplabel(const char *s, size_t len)
{
	size_t i;
	bool alpha = false;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++) {
		if (ascii_isalpha(s[i]))
			alpha = true;
		else if (!ascii_isdigit(s[i]) && s[i] != '-')
			return false;
	}
	return alpha;
}

/*
 * A domain-spec s[b..e) (RFC 7208 7.1): a macro-string ending in "."
 * toplabel ["."] or in a macro-expand.
 */
static bool
domain_spec(struct p *p, size_t b, size_t e, struct spf_spec *out)
{
	const char *s = p->s;
	size_t last_lit, te, dot;
	bool macro;

	if (e == b)
		return fault(p, b, "empty domain-spec");
	if (e - b > SPF_MAX_DOMAIN_SPEC)
		return fault(p, b, "domain-spec over 255 bytes");
	if (!macro_string(p, b, e, false, &macro, &last_lit))
		return false;
	out->off = (uint16_t)b;
	out->len = (uint16_t)(e - b);
	out->macro = macro;
	if (last_lit == e)
		return true;		/* ends in a macro-expand */
	te = e;
	if (s[te - 1] == '.')
		te--;
	for (dot = te; dot > last_lit && s[dot - 1] != '.'; dot--)
		;
	if (dot == last_lit || !toplabel(s + dot, te - dot))
		return fault(p, b, "domain-spec does not end in a top label");
	return true;
}

/* A CIDR length of 1 to 3 digits without a leading zero, at most max. */
static bool
cidr_len(struct p *p, size_t b, size_t e, unsigned max)
{
	const char *s = p->s;
	unsigned v = 0;
	size_t i;

	if (e == b || e - b > 3 || (s[b] == '0' && e - b > 1))
		return fault(p, b, "malformed CIDR length");
	for (i = b; i < e; i++) {
		if (!ascii_isdigit(s[i]))
			return fault(p, i, "malformed CIDR length");
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return fault(p, b, "CIDR length out of range");
	return true;
}

/* dual-cidr-length s[b..e) (RFC 7208 5.6): ["/" v4] ["//" v6]. */
static bool
dual_cidr(struct p *p, size_t b, size_t e)
{
	const char *s = p->s;
	size_t i;

	if (b == e)
		return true;
	if (s[b] != '/')
		return fault(p, b, "expected a CIDR length");
	if (b + 1 < e && s[b + 1] == '/')
		return cidr_len(p, b + 2, e, 128);
	for (i = b + 1; i < e && s[i] != '/'; i++)
		;
	if (!cidr_len(p, b + 1, i, 32))
		return false;
	if (i == e)
		return true;
	if (i + 1 >= e || s[i + 1] != '/')
		return fault(p, i, "expected '//' before the IPv6 CIDR length");
	return cidr_len(p, i + 2, e, 128);
}

/* ip4:/ip6: network [ "/" length ], s[b..e) after the colon. */
static bool
ip_network(struct p *p, size_t b, size_t e, int af)
{
	/* The longest address text inet_pton reads (INET6_ADDRSTRLEN). */
	char buf[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	size_t i;

	for (i = b; i < e && p->s[i] != '/'; i++)
		;
	if (i == b || i - b >= sizeof(buf))
		return fault(p, b, "malformed IP network");
	memcpy(buf, p->s + b, i - b);
	buf[i - b] = '\0';
	if (inet_pton(af, buf, bin) != 1)
		return fault(p, b, "malformed IP network");
	if (i == e)
		return true;
	return cidr_len(p, i + 1, e, af == AF_INET ? 32 : 128);
}

/* One directive s[b..e): [qualifier] mechanism (RFC 7208 4.6.2, 5). */
static bool
directive(struct p *p, size_t b, size_t e, struct spf_term *t)
{
	const char *s = p->s;
	size_t n, m;

	t->qual = SPF_QUAL_PASS;
	switch (s[b]) {
	case '+':
		b++;
		break;
	case '-':
		t->qual = SPF_QUAL_FAIL;
		b++;
		break;
	case '~':
		t->qual = SPF_QUAL_SOFTFAIL;
		b++;
		break;
	case '?':
		t->qual = SPF_QUAL_NEUTRAL;
		b++;
		break;
	default:
		break;
	}
	for (n = b; n < e && s[n] != ':' && s[n] != '/'; n++)
		;
	for (m = 0; m < NMECH; m++)
		if (ascii_ieq(s + b, n - b, mech_names[m]))
			break;
	if (m == NMECH)
		return fault(p, b, "unknown mechanism");
	t->mech = (enum spf_mech)m;
	memset(&t->spec, 0, sizeof(t->spec));
	switch (t->mech) {
	case SPF_MECH_ALL:
		if (n != e)
			return fault(p, n, "'all' takes no argument");
		return true;
	case SPF_MECH_INCLUDE:
	case SPF_MECH_EXISTS:
		if (n == e || s[n] != ':')
			return fault(p, n, "mechanism needs ':' and a domain");
		return domain_spec(p, n + 1, e, &t->spec);
	case SPF_MECH_PTR:
		if (n == e)
			return true;
		if (s[n] != ':')
			return fault(p, n, "'ptr' takes no CIDR length");
		return domain_spec(p, n + 1, e, &t->spec);
	case SPF_MECH_A:
	case SPF_MECH_MX: {
		size_t c;

		if (n == e)
			return true;
		if (s[n] == '/')
			return dual_cidr(p, n, e);
		/* The domain-spec runs to the first '/': a CIDR length
		 * follows it (a literal '/' in a domain is not usable). */
		for (c = n + 1; c < e && s[c] != '/'; c++)
			;
		return domain_spec(p, n + 1, c, &t->spec) &&
		    dual_cidr(p, c, e);
	}
	case SPF_MECH_IP4:
	case SPF_MECH_IP6:
		if (n == e || s[n] != ':')
			return fault(p, n, "mechanism needs ':' and a network");
		return ip_network(p, n + 1, e,
		    t->mech == SPF_MECH_IP4 ? AF_INET : AF_INET6);
	}
	return fault(p, b, "unknown mechanism");
}

/*
 * A term s[b..e): a modifier when it starts with name "=" (RFC 7208
 * 4.6.1: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )), else a
 * directive.
 */
static bool
term(struct p *p, size_t b, size_t e, struct spf_record *r)
{
	const char *s = p->s;
	size_t n = b;
	bool macro;
	size_t last;

	if (ascii_isalpha(s[n])) {
		n++;
		while (n < e && (ascii_isalpha(s[n]) || ascii_isdigit(s[n]) ||
		    s[n] == '-' || s[n] == '_' || s[n] == '.'))
			n++;
	}
	if (n > b && n < e && s[n] == '=') {
		if (ascii_ieq(s + b, n - b, "redirect")) {
			if (r->have_redirect)
				return fault(p, b, "redirect= twice");
			r->have_redirect = true;
			return domain_spec(p, n + 1, e, &r->redirect);
		}
		if (ascii_ieq(s + b, n - b, "exp")) {
			struct spf_spec x;

			if (r->have_exp)
				return fault(p, b, "exp= twice");
			r->have_exp = true;
			return domain_spec(p, n + 1, e, &x);
		}
		return macro_string(p, n + 1, e, true, &macro, &last);
	}
	if (r->nterms >= SPF_MAX_TERMS)
		return fault(p, b, "too many terms");
	if (!directive(p, b, e, &r->term[r->nterms]))
		return false;
	r->nterms++;
	return true;
}

enum spf_parse
spf_parse(const char *s, size_t len, struct spf_record *r, const char **why,
	size_t *where)
{
	struct p p = { s, NULL, 0 };
	size_t i, b;

	if (!spf_is_record(s, len))
		return SPF_PARSE_NOT_SPF;
	r->nterms = 0;
	r->have_redirect = false;
	r->have_exp = false;
	memset(&r->redirect, 0, sizeof(r->redirect));
	if (len > SPF_MAX_RECORD) {
		fault(&p, SPF_MAX_RECORD, "record over 4096 bytes");
		goto bad;
	}
	for (i = 6; i < len;) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		for (b = i; i < len && s[i] != ' '; i++)
			;
		if (!term(&p, b, i, r))
			goto bad;
	}
	return SPF_PARSE_OK;
bad:
	if (why != NULL)
		*why = p.why;
	if (where != NULL)
		*where = p.where;
	return SPF_PARSE_SYNTAX;
}
