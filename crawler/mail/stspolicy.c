/*
 * stspolicy.c - the MTA-STS policy parser and MX match (stspolicy.h).
 *
 * RFC 8461 3.2's grammar, line by line:
 *
 *   sts-policy-record = sts-policy-field *WSP
 *                       *(sts-policy-term sts-policy-field *WSP)
 *                       [sts-policy-term]
 *   sts-policy-field  = name ":" *WSP value
 *   sts-policy-term   = LF / CRLF
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "mailpol.h"
#include "stspolicy.h"

/* Longest label and domain name (RFC 1035 2.3.4). */
#define STS_MAX_LABEL 63
#define STS_MAX_DOMAIN 253
/* Most digits of max_age (RFC 8461 3.2: 1*10(DIGIT)). */
#define STS_MAX_AGE_DIGITS 10

const char *
sts_mode_str(enum sts_mode m)
{
	switch (m) {
	case STS_MODE_ENFORCE:
		return "enforce";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_NONE:
		break;
	}
	return "none";
}

const char *
sts_error_str(enum sts_error e)
{
	switch (e) {
	case STS_OK:
		return "valid";
	case STS_ERR_LINE:
		return "a line is not \"name: value\"";
	case STS_ERR_LONG_LINE:
		return "a line over the length bound";
	case STS_ERR_CHAR:
		return "a control character in a value";
	case STS_ERR_VERSION:
		return "version missing or not STSv1";
	case STS_ERR_MODE:
		return "mode missing or not enforce, testing or none";
	case STS_ERR_MAX_AGE:
		return "max_age missing, malformed or over 31557600";
	case STS_ERR_MX:
		return "an mx value is not a domain or *.domain";
	case STS_ERR_NO_MX:
		return "no mx for mode enforce or testing";
	case STS_ERR_TOO_MANY_MX:
		return "too many mx lines";
	case STS_ERR_DUPLICATE:
		return "version, mode or max_age given twice";
	case STS_ERR_EMPTY:
		return "no field";
	}
	return "invalid";
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}


/* RFC 5321 Domain: sub-domain *("." sub-domain), sub-domain = Let-dig
 * [Ldh-str], with DNS's label and name lengths. */
static bool
domain_ok(const char *s, size_t len)
{
	size_t i, ls = 0;

	if (len == 0 || len > STS_MAX_DOMAIN)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (i == ls || i - ls > STS_MAX_LABEL ||
			    s[ls] == '-' || s[i - 1] == '-')
				return false;
			ls = i + 1;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

static bool
name_is(const char *n, size_t nl, const char *want)
{
	return nl == strlen(want) && memcmp(n, want, nl) == 0;
}

static bool
value_is(const char *v, size_t vl, const char *want)
{
	return vl == strlen(want) && memcmp(v, want, vl) == 0;
}

/* Judge one field; false with p->err set. */
static bool
field(struct sts_policy *p, const char *buf, const char *n, size_t nl,
    const char *v, size_t vl, unsigned *seen)
{
	size_t i;

	if (name_is(n, nl, "version")) {
		if (*seen & 1) {
			p->err = STS_ERR_DUPLICATE;
			return false;
		}
		*seen |= 1;
		if (!value_is(v, vl, "STSv1")) {
			p->err = STS_ERR_VERSION;
			return false;
		}
		return true;
	}
	if (name_is(n, nl, "mode")) {
		if (*seen & 2) {
			p->err = STS_ERR_DUPLICATE;
			return false;
		}
		*seen |= 2;
		if (value_is(v, vl, "enforce"))
			p->mode = STS_MODE_ENFORCE;
		else if (value_is(v, vl, "testing"))
			p->mode = STS_MODE_TESTING;
		else if (value_is(v, vl, "none"))
			p->mode = STS_MODE_NONE;
		else {
			p->err = STS_ERR_MODE;
			return false;
		}
		return true;
	}
	if (name_is(n, nl, "max_age")) {
		uint64_t a = 0;

		if (*seen & 4) {
			p->err = STS_ERR_DUPLICATE;
			return false;
		}
		*seen |= 4;
		if (vl == 0 || vl > STS_MAX_AGE_DIGITS) {
			p->err = STS_ERR_MAX_AGE;
			return false;
		}
		for (i = 0; i < vl; i++) {
			if (!isdigit((unsigned char)v[i])) {
				p->err = STS_ERR_MAX_AGE;
				return false;
			}
			a = a * 10 + (uint64_t)(v[i] - '0');
		}
		if (a > STS_MAX_AGE) {
			p->err = STS_ERR_MAX_AGE;
			return false;
		}
		p->max_age = (uint32_t)a;
		return true;
	}
	if (name_is(n, nl, "mx")) {
		size_t skip = vl >= 2 && v[0] == '*' && v[1] == '.' ? 2 : 0;

		if (!domain_ok(v + skip, vl - skip)) {
			p->err = STS_ERR_MX;
			return false;
		}
		if (p->nmx == STS_MAX_MX) {
			p->err = STS_ERR_TOO_MANY_MX;
			return false;
		}
		p->mx[p->nmx].off = (size_t)(v - buf);
		p->mx[p->nmx].len = vl;
		p->nmx++;
		return true;
	}
	/* An extension: a valid name and a non-empty value (checked for
	 * control characters by the caller); ignored (RFC 8461 3.2). */
	if (!mailpol_field_name_ok(n, nl) || vl == 0) {
		p->err = STS_ERR_LINE;
		return false;
	}
	return true;
}

bool
stspolicy_parse(const char *buf, size_t len, struct sts_policy *p)
{
	size_t i = 0, line = 0, nfields = 0;
	unsigned seen = 0;

	memset(p, 0, sizeof(*p));
	while (i < len) {
		size_t ls = i, le, ns, ne, vs, ve, k;

		line++;
		while (i < len && buf[i] != '\n' && i - ls <= STS_MAX_LINE)
			i++;
		le = i;
		if (i < len && buf[i] == '\n' && le > ls &&
		    buf[le - 1] == '\r')
			le--;		/* CRLF */
		if (le - ls > STS_MAX_LINE) {
			p->err = STS_ERR_LONG_LINE;
			goto bad;
		}
		if (i < len)
			i++;		/* past LF */
		if (le == ls)
			continue;	/* an empty line */
		ns = ls;
		ne = ns;
		while (ne < le && buf[ne] != ':')
			ne++;
		if (ne == le || ne == ns) {
			p->err = STS_ERR_LINE;
			goto bad;
		}
		vs = ne + 1;
		while (vs < le && is_wsp(buf[vs]))
			vs++;
		ve = le;
		while (ve > vs && is_wsp(buf[ve - 1]))
			ve--;
		for (k = ns; k < le; k++) {
			unsigned char c = (unsigned char)buf[k];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				p->err = STS_ERR_CHAR;
				goto bad;
			}
		}
		if (!field(p, buf, buf + ns, ne - ns, buf + vs, ve - vs,
		    &seen))
			goto bad;
		nfields++;
	}
	line = 0;
	if (nfields == 0)
		p->err = STS_ERR_EMPTY;
	else if (!(seen & 1))
		p->err = STS_ERR_VERSION;
	else if (!(seen & 2))
		p->err = STS_ERR_MODE;
	else if (!(seen & 4))
		p->err = STS_ERR_MAX_AGE;
	else if (p->mode != STS_MODE_NONE && p->nmx == 0)
		p->err = STS_ERR_NO_MX;
	if (p->err == STS_OK)
		return true;
bad:
	p->err_line = line;
	return false;
}

bool
stspolicy_mx_match(const char *pattern, size_t plen, const char *host,
    size_t hlen)
{
	size_t first;

	if (plen > 0 && pattern[plen - 1] == '.')
		plen--;
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (plen == 0 || hlen == 0)
		return false;
	if (plen >= 2 && pattern[0] == '*' && pattern[1] == '.') {
		/* One whole label, then exactly the suffix. */
		for (first = 0; first < hlen && host[first] != '.'; first++)
			;
		if (first == 0 || first == hlen)
			return false;
		return hlen - first - 1 == plen - 2 &&
		    strncasecmp(host + first + 1, pattern + 2, plen - 2) == 0;
	}
	return plen == hlen && strncasecmp(pattern, host, plen) == 0;
}

bool
stspolicy_all_match(const struct sts_policy *p, const char *buf,
    const char *const *hosts, size_t n)
{
	size_t i, k;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		bool ok = false;

		for (k = 0; k < p->nmx && !ok; k++)
			ok = stspolicy_mx_match(buf + p->mx[k].off,
			    p->mx[k].len, hosts[i], strlen(hosts[i]));
		if (!ok)
			return false;
	}
	return true;
}

const char *
stspolicy_column(bool fetched, const char *buf, size_t len,
    struct sts_policy *p)
{
	if (!fetched) {
		memset(p, 0, sizeof(*p));
		return "unavailable";
	}
	return stspolicy_parse(buf, len, p) ? sts_mode_str(p->mode) :
	    "invalid";
}
