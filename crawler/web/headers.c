/*
 * headers.c - header and security.txt verdicts (headers.h).
 */
#include "config.h"

#include <string.h>

#include "headers.h"
#include "util.h"

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII whitespace (Infra): what CSP splits directive tokens on. */
static bool
is_ascii_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


/* Trim OWS from both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_ows((*s)[*n - 1]))
		(*n)--;
}

/* --- Strict-Transport-Security (RFC 6797 6.1) --------------------------- */

struct hsts_dir {
	const char *name;
	size_t name_len;
	bool has_value;
	const char *value;		/* unquoted token; NULL when quoted */
	size_t value_len;
	bool quoted;
	char qbuf[24];			/* a quoted value, unescaped (prefix) */
	size_t qlen;
};

/*
 * One directive at v[*ip] (not OWS, not ';'): a token name, then maybe
 * "=" and a token or a quoted string, and the OWS after it, into x;
 * *ip moves past it.  Returns false when it is not one.
 */
static bool
hsts_dir_read(const char *v, size_t n, size_t *ip, struct hsts_dir *x)
{
	size_t i = *ip, j = i;

	while (j < n && is_tchar((unsigned char)v[j]))
		j++;
	if (j == i)
		return false;
	memset(x, 0, sizeof(*x));
	x->name = v + i;
	x->name_len = j - i;
	i = j;
	while (i < n && is_ows(v[i]))
		i++;
	if (i < n && v[i] == '=') {
		i++;
		while (i < n && is_ows(v[i]))
			i++;
		x->has_value = true;
		if (i < n && v[i] == '"') {
			x->quoted = true;
			i++;
			while (i < n && v[i] != '"') {
				if (v[i] == '\\' && i + 1 < n)
					i++;
				if (x->qlen < sizeof(x->qbuf))
					x->qbuf[x->qlen] = v[i];
				x->qlen++;
				i++;
			}
			if (i >= n)
				return false;
			i++;
		} else {
			j = i;
			while (j < n && is_tchar((unsigned char)v[j]))
				j++;
			if (j == i)
				return false;
			x->value = v + i;
			x->value_len = j - i;
			i = j;
		}
		while (i < n && is_ows(v[i]))
			i++;
	}
	*ip = i;
	return true;
}

/* Each directive name at most once (RFC 6797 6.1, 6.1.1). */
static bool
hsts_names_unique(const struct hsts_dir *d, size_t nd)
{
	for (size_t k = 0; k < nd; k++)
		for (size_t m = k + 1; m < nd; m++) {
			size_t a;
			bool same = d[k].name_len == d[m].name_len;

			for (a = 0; same && a < d[k].name_len; a++)
				same = ascii_lower(d[k].name[a]) ==
				    ascii_lower(d[m].name[a]);
			if (same)
				return false;
		}
	return true;
}

bool
headers_hsts_parse(const char *v, size_t n, struct hsts *out)
{
	struct hsts_dir d[HEADERS_HSTS_MAX_DIRECTIVES];
	size_t i = 0, nd = 0, k;
	const char *age = NULL;
	size_t age_len = 0;
	int64_t val = 0;

	memset(out, 0, sizeof(*out));
	if (v == NULL)
		return false;
	for (;;) {
		while (i < n && is_ows(v[i]))
			i++;
		if (i < n && v[i] != ';') {
			if (nd == HEADERS_HSTS_MAX_DIRECTIVES ||
			    !hsts_dir_read(v, n, &i, &d[nd++]))
				return false;
		}
		if (i >= n)
			break;
		if (v[i] != ';')
			return false;
		i++;
	}
	if (!hsts_names_unique(d, nd))
		return false;
	for (k = 0; k < nd; k++) {
		if (ascii_ieq(d[k].name, d[k].name_len, "max-age")) {
			if (!d[k].has_value)
				return false;
			if (d[k].quoted) {
				if (d[k].qlen > sizeof(d[k].qbuf))
					return false;
				age = d[k].qbuf;
				age_len = d[k].qlen;
			} else {
				age = d[k].value;
				age_len = d[k].value_len;
			}
		} else if (ascii_ieq(d[k].name, d[k].name_len, "includesubdomains")) {
			if (d[k].has_value)
				return false;
			out->include_subdomains = true;
		} else if (ascii_ieq(d[k].name, d[k].name_len, "preload")) {
			if (d[k].has_value)
				return false;
			out->preload = true;
		}
	}
	/* max-age = delta-seconds = 1*DIGIT, at most 2^63 - 1. */
	if (age == NULL || age_len == 0)
		goto bad;
	for (k = 0; k < age_len; k++) {
		int dg = age[k] - '0';

		if (dg < 0 || dg > 9)
			goto bad;
		if (val > (INT64_MAX - dg) / 10)
			goto bad;
		val = val * 10 + dg;
	}
	out->valid = true;
	out->max_age = val;
	return true;
bad:
	memset(out, 0, sizeof(*out));
	return false;
}

/* --- Content-Security-Policy (CSP3 2.2.1, 2.2.2) -------------------------- */

/* The next token of [s, e) split on ASCII whitespace; false at the end. */
static bool
ws_token(const char **p, const char *e, const char **t, size_t *tlen)
{
	const char *s = *p;

	while (s < e && is_ascii_ws(*s))
		s++;
	if (s == e) {
		*p = s;
		return false;
	}
	*t = s;
	while (s < e && !is_ascii_ws(*s))
		s++;
	*tlen = (size_t)(s - *t);
	*p = s;
	return true;
}

static bool
has_unsafe_inline(const char *s, const char *e)
{
	const char *t;
	size_t tl;

	while (ws_token(&s, e, &t, &tl))
		if (ascii_ieq(t, tl, "'unsafe-inline'"))
			return true;
	return false;
}

static void
csp_policy(const char *s, const char *e, struct csp *out)
{
	const char *script = NULL, *script_e = NULL;
	const char *def = NULL, *def_e = NULL;
	bool seen_script = false, seen_def = false;

	while (s < e) {
		const char *d = s, *de, *p, *t;
		size_t tl;

		while (s < e && *s != ';')
			s++;
		de = s;
		if (s < e)
			s++;
		p = d;
		if (!ws_token(&p, de, &t, &tl))
			continue;
		/* Only a directive's first occurrence counts. */
		if (ascii_ieq(t, tl, "frame-ancestors")) {
			out->frame_ancestors = true;
		} else if (ascii_ieq(t, tl, "script-src") && !seen_script) {
			seen_script = true;
			script = p;
			script_e = de;
		} else if (ascii_ieq(t, tl, "default-src") && !seen_def) {
			seen_def = true;
			def = p;
			def_e = de;
		}
	}
	if (seen_script) {
		if (has_unsafe_inline(script, script_e))
			out->unsafe_inline = true;
	} else if (seen_def) {
		if (has_unsafe_inline(def, def_e))
			out->unsafe_inline = true;
	}
}

void
headers_csp_parse(const char *v, size_t n, struct csp *out)
{
	const char *s = v, *e = v + n;

	memset(out, 0, sizeof(*out));
	if (v == NULL)
		return;
	while (s <= e) {
		const char *p = s;

		while (s < e && *s != ',')
			s++;
		csp_policy(p, s, out);
		s++;
	}
}

/* --- X-Frame-Options, X-Content-Type-Options, Referrer-Policy ------------ */

const char *
headers_xfo(const char *v, size_t n)
{
	const char *s = v, *e = v + n;
	bool deny = true, same = true;

	if (v == NULL)
		return "absent";
	while (s <= e) {
		const char *p = s;
		size_t len;

		while (s < e && *s != ',')
			s++;
		len = (size_t)(s - p);
		trim(&p, &len);
		if (!ascii_ieq(p, len, "deny"))
			deny = false;
		if (!ascii_ieq(p, len, "sameorigin"))
			same = false;
		s++;
	}
	return deny ? "deny" : same ? "sameorigin" : "invalid";
}

bool
headers_xcto_nosniff(const char *v, size_t n)
{
	size_t len = 0;

	if (v == NULL)
		return false;
	while (len < n && v[len] != ',')
		len++;
	trim(&v, &len);
	return ascii_ieq(v, len, "nosniff");
}

static const char *const referrer_policies[] = {
	"no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
	"strict-origin", "origin-when-cross-origin",
	"strict-origin-when-cross-origin", "unsafe-url",
};

const char *
headers_referrer_policy(const char *v, size_t n)
{
	const char *s = v, *e = v + n, *policy = "absent";
	size_t i;

	if (v == NULL)
		return "absent";
	while (s <= e) {
		const char *p = s;
		size_t len;

		while (s < e && *s != ',')
			s++;
		len = (size_t)(s - p);
		trim(&p, &len);
		for (i = 0; i < sizeof(referrer_policies) /
		    sizeof(referrer_policies[0]); i++)
			if (ascii_ieq(p, len, referrer_policies[i]))
				policy = referrer_policies[i];
		s++;
	}
	return policy;
}

/* --- port 80 redirect ----------------------------------------------------- */

bool
headers_redirects_https(int status, const char *loc, size_t n,
	const char *host)
{
	const char *a, *e, *h, *he, *at;
	size_t hlen = strlen(host), i;

	if (status != 301 && status != 302 && status != 303 && status != 307 &&
	    status != 308)
		return false;
	if (loc == NULL)
		return false;
	trim(&loc, &n);
	if (n < 8 || !ascii_ieq(loc, 8, "https://"))
		return false;
	a = loc + 8;
	e = loc + n;
	for (he = a; he < e && *he != '/' && *he != '?' && *he != '#'; he++)
		;
	/* authority = [ userinfo "@" ] host [ ":" port ] */
	h = a;
	for (at = a; at < he; at++)
		if (*at == '@')
			h = at + 1;
	e = he;
	if (h < e && *h == '[') {
		const char *rb = memchr(h, ']', (size_t)(e - h));

		if (rb == NULL)
			return false;
		he = rb + 1;
	} else {
		for (he = h; he < e && *he != ':'; he++)
			;
	}
	if (he < e) {
		/* ":" port: empty, or 443 */
		const char *p = he + 1;
		size_t plen = (size_t)(e - p);

		if (*he != ':')
			return false;
		if (plen != 0 && !(plen == 3 && memcmp(p, "443", 3) == 0))
			return false;
	}
	if (he > h && he[-1] == '.')
		he--;
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if ((size_t)(he - h) != hlen || hlen == 0)
		return false;
	for (i = 0; i < hlen; i++)
		if (ascii_lower(h[i]) != ascii_lower(host[i]))
			return false;
	return true;
}

/* --- security.txt (RFC 9116) ---------------------------------------------- */

static bool
digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
headers_rfc3339_parse(const char *s, size_t n, int64_t *out)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	size_t i = 19;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	/* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
	if (n < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || se > 60)
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return false;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i < 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		i += 6;
	} else {
		return false;
	}
	if (i != n)
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    sign * (oh * 3600 + om * 60);
	return true;
}

static bool
line_is(const char *l, size_t n, const char *what)
{
	return n == strlen(what) && memcmp(l, what, n) == 0;
}

#define PGP_BEGIN_SIGNED "-----BEGIN PGP SIGNED MESSAGE-----"
#define PGP_BEGIN_SIG "-----BEGIN PGP SIGNATURE-----"
#define PGP_END_SIG "-----END PGP SIGNATURE-----"

/* Where a line of a security.txt stands in an OpenPGP cleartext frame. */
enum sectxt_part {
	PART_PLAIN,	/* an unsigned file: every line is text */
	PART_ARMOR,	/* "Hash:" lines up to the empty line */
	PART_TEXT,	/* the signed text (dash-escaped) */
	PART_SIG,	/* the signature block */
	PART_AFTER,	/* after its end: not read */
};

void
headers_sectxt_examine(int status, const char *media_type, const char *body,
	size_t len, bool truncated, int64_t now, struct sectxt_facts *out)
{
	size_t pos = 0, lines = 0;
	bool contact = false, ok = true, exp_ok = false;
	int expires = 0;
	int64_t exp_t = 0;
	enum sectxt_part part = PART_PLAIN;

	out->verdict = SECTXT_ABSENT;
	out->is_signed = false;
	out->expires_far = -1;
	if (status != 200)
		return;
	if (media_type == NULL || strcmp(media_type, "text/plain") != 0 ||
	    truncated)
		ok = false;
	while (pos < len && lines++ < HEADERS_SECTXT_MAX_LINES) {
		const char *l = body + pos, *c, *v;
		size_t ll = 0, nl, vl;

		while (pos + ll < len && body[pos + ll] != '\n')
			ll++;
		pos += ll + 1;
		if (ll > 0 && l[ll - 1] == '\r')
			ll--;
		if (lines == 1 && line_is(l, ll, PGP_BEGIN_SIGNED)) {
			part = PART_ARMOR;
			continue;
		}
		if (part == PART_ARMOR) {
			if (ll == 0)
				part = PART_TEXT;
			continue;
		}
		if (part == PART_TEXT && line_is(l, ll, PGP_BEGIN_SIG)) {
			part = PART_SIG;
			continue;
		}
		if (part == PART_SIG) {
			if (line_is(l, ll, PGP_END_SIG))
				part = PART_AFTER;
			continue;
		}
		if (part == PART_AFTER)
			continue;
		if (part == PART_TEXT && ll >= 2 && l[0] == '-' && l[1] == ' ') {
			/* RFC 4880 7.1: dash-escaped text */
			l += 2;
			ll -= 2;
		}
		if (ll == 0 || l[0] == '#')
			continue;
		c = memchr(l, ':', ll);
		if (c == NULL)
			continue;
		nl = (size_t)(c - l);
		v = c + 1;
		vl = ll - nl - 1;
		trim(&l, &nl);
		trim(&v, &vl);
		if (ascii_ieq(l, nl, "contact")) {
			if (vl > 0)
				contact = true;
		} else if (ascii_ieq(l, nl, "expires")) {
			expires++;
			exp_ok = headers_rfc3339_parse(v, vl, &exp_t);
			if (!exp_ok || exp_t <= now)
				ok = false;
		}
	}
	if (part == PART_AFTER)
		out->is_signed = true;
	else if (part != PART_PLAIN)
		ok = false;	/* a frame begun and not closed */
	if (!contact || expires != 1)
		ok = false;
	if (expires == 1 && exp_ok)
		out->expires_far = exp_t - now > HEADERS_SECTXT_FAR_S ? 1 : 0;
	out->verdict = ok ? SECTXT_VALID : SECTXT_INVALID;
}

enum sectxt
headers_sectxt_judge(int status, const char *media_type, const char *body,
	size_t len, bool truncated, int64_t now)
{
	struct sectxt_facts f;

	headers_sectxt_examine(status, media_type, body, len, truncated, now,
	    &f);
	return f.verdict;
}

bool
headers_sectxt_redirect(int status, const char *loc, size_t n,
	const char *host, char *path, size_t cap)
{
	const char *p, *e;
	size_t i, plen;

	if (status != 301 && status != 302 && status != 303 && status != 307 &&
	    status != 308)
		return false;
	if (loc == NULL || cap == 0)
		return false;
	trim(&loc, &n);
	if (n >= 1 && loc[0] == '/' && !(n >= 2 && loc[1] == '/')) {
		p = loc;
	} else if (headers_redirects_https(status, loc, n, host)) {
		/* the authority ends at the first '/', '?' or '#' */
		for (p = loc + 8; p < loc + n && *p != '/' && *p != '?' &&
		    *p != '#'; p++)
			;
	} else {
		return false;
	}
	for (e = p; e < loc + n && *e != '#'; e++)
		;
	plen = (size_t)(e - p);
	if (plen > HEADERS_SECTXT_MAX_PATH || plen + 2 > cap)
		return false;
	for (i = 0; i < plen; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			return false;
	if (plen == 0 || p[0] != '/') {
		path[0] = '/';	/* "https://host" or "https://host?q" */
		memcpy(path + 1, p, plen);
		path[plen + 1] = '\0';
	} else {
		memcpy(path, p, plen);
		path[plen] = '\0';
	}
	return true;
}

const char *
headers_sectxt_str(enum sectxt s)
{
	switch (s) {
	case SECTXT_ABSENT:
		return "absent";
	case SECTXT_VALID:
		return "valid";
	case SECTXT_INVALID:
		return "invalid";
	}
	return "invalid";
}
