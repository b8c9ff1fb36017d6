/*
 * mailpol.c - SPF and DMARC classification; the MTA-STS and TLS-RPT
 * records' syntax.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "dmarc.h"
#include "mailpol.h"

static bool
prefix_ci(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && strncasecmp(s, p, n) == 0;
}

/* A record is SPF when it is "v=spf1" alone or followed by a space. */
static bool
is_spf(const char *s, size_t len)
{
	return prefix_ci(s, len, "v=spf1") && (len == 6 || s[6] == ' ');
}

static const char *const spf_mechanisms[] = {
	"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists", NULL,
};

static bool
known_mechanism(const char *name, size_t len)
{
	size_t i;

	for (i = 0; spf_mechanisms[i] != NULL; i++)
		if (strlen(spf_mechanisms[i]) == len &&
		    strncasecmp(spf_mechanisms[i], name, len) == 0)
			return true;
	return false;
}

/* A modifier: name "=" ... with name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
static bool
is_modifier(const char *t, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)t[0]))
		return false;
	for (i = 1; i < len; i++) {
		if (t[i] == '=')
			return true;
		if (!isalnum((unsigned char)t[i]) && t[i] != '-' &&
		    t[i] != '_' && t[i] != '.')
			return false;
	}
	return false;
}

static const char *
spf_one(const char *s, size_t len)
{
	const char *result = "none";
	size_t i = 6;

	if (len > MAILPOL_MAX_RECORD)
		len = MAILPOL_MAX_RECORD;
	while (i < len) {
		size_t start, tlen, nlen;
		const char *t;
		char q = '+';

		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		t = s + start;
		tlen = i - start;
		if (is_modifier(t, tlen))
			continue;
		if (t[0] == '+' || t[0] == '-' || t[0] == '~' || t[0] == '?') {
			q = t[0];
			t++;
			tlen--;
		}
		nlen = 0;
		while (nlen < tlen && t[nlen] != ':' && t[nlen] != '/')
			nlen++;
		if (!known_mechanism(t, nlen))
			return "invalid";
		if (nlen == 3 && strncasecmp(t, "all", 3) == 0) {
			if (tlen != 3)
				return "invalid";
			switch (q) {
			case '-':
				result = "fail";
				break;
			case '~':
				result = "softfail";
				break;
			case '?':
				result = "neutral";
				break;
			default:
				result = "pass";
				break;
			}
		}
	}
	return result;
}

const char *
mailpol_spf(const char *const *txt, const size_t *len, size_t n)
{
	size_t i, found = 0, which = 0;

	for (i = 0; i < n; i++) {
		if (is_spf(txt[i], len[i])) {
			found++;
			which = i;
		}
	}
	if (found == 0)
		return "absent";
	if (found > 1)
		return "invalid";
	return spf_one(txt[which], len[which]);
}

/* The dmarc column: the p= tag of the one record at _dmarc (the parser
 * is dmarc.c's, the same as the dnspolicy stage's). */
const char *
mailpol_dmarc(const char *const *txt, const size_t *len, size_t n)
{
	struct dmarc_record r;
	size_t which = 0;
	size_t found = dmarc_select(txt, len, n, &which);

	if (found == 0)
		return "absent";
	if (found > 1)
		return "invalid";
	(void)dmarc_parse(txt[which], len[which], &r);
	return r.p != DMARC_P_UNSET ? dmarc_policy_str(r.p) : "invalid";
}

int
mailpol_is_mta_sts(const char *txt, size_t len)
{
	return len >= 7 && strncmp(txt, "v=STSv1", 7) == 0 &&
	    (len == 7 || txt[7] == ';' || txt[7] == ' ');
}

int
mailpol_is_tlsrpt(const char *txt, size_t len)
{
	return len >= 10 && strncmp(txt, "v=TLSRPTv1", 10) == 0 &&
	    (len == 10 || txt[10] == ';' || txt[10] == ' ');
}

/* --- MTA-STS record (RFC 8461 3.1) and TLS-RPT record (RFC 8460 3) --- */

/* Longest field name of both grammars: (ALPHA / DIGIT) *31(...). */
#define MAILPOL_MAX_FIELD_NAME 32
/* Longest id= of an MTA-STS record (RFC 8461 3.1: 1*32(ALPHA / DIGIT)). */
#define MAILPOL_MAX_STS_ID 32
/* Longest host name in a rua URI (RFC 1035 2.3.4), and label. */
#define MAILPOL_MAX_HOST 253
#define MAILPOL_MAX_LABEL 63
/* Longest local part of a mailto: address (RFC 5321 4.5.3.1.1). */
#define MAILPOL_MAX_LOCAL 64

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

bool
mailpol_field_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MAILPOL_MAX_FIELD_NAME ||
	    !isalnum((unsigned char)s[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

/* An extension value: 1*(%x21-3A / %x3C / %x3E-7E), both grammars. */
static bool
ext_value_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == ';' || c == '=')
			return false;
	}
	return true;
}

/*
 * Walk the fields after the version tag v (at the start of s):
 * 1*(*WSP ";" *WSP field) [*WSP ";" *WSP].  field(name, value) judges
 * each; returns false as soon as one is malformed or refused.
 */
static bool
walk_fields(const char *s, size_t len, size_t vlen,
    bool (*field)(const char *n, size_t nl, const char *v, size_t vl,
    void *arg), void *arg)
{
	size_t i = vlen, nfields = 0;

	for (;;) {
		size_t ns, ne, vs, ve;

		while (i < len && is_wsp(s[i]))
			i++;
		if (i == len)
			return nfields > 0;
		if (s[i] != ';')
			return false;
		i++;
		while (i < len && is_wsp(s[i]))
			i++;
		if (i == len)
			return nfields > 0;	/* a trailing delimiter */
		ns = i;
		while (i < len && s[i] != '=' && s[i] != ';' && !is_wsp(s[i]))
			i++;
		ne = i;
		if (i == len || s[i] != '=')
			return false;
		i++;
		vs = i;
		while (i < len && s[i] != ';')
			i++;
		ve = i;
		while (ve > vs && is_wsp(s[ve - 1]))
			ve--;
		if (!mailpol_field_name_ok(s + ns, ne - ns) ||
		    !field(s + ns, ne - ns, s + vs, ve - vs, arg))
			return false;
		nfields++;
	}
}

static bool
name_is(const char *n, size_t nl, const char *want)
{
	return nl == strlen(want) && memcmp(n, want, nl) == 0;
}

static bool
sts_field(const char *n, size_t nl, const char *v, size_t vl, void *arg)
{
	bool *have_id = arg;
	size_t i;

	if (!name_is(n, nl, "id"))
		return ext_value_ok(v, vl);
	if (*have_id || vl == 0 || vl > MAILPOL_MAX_STS_ID)
		return false;
	for (i = 0; i < vl; i++)
		if (!isalnum((unsigned char)v[i]))
			return false;
	*have_id = true;
	return true;
}

static bool
sts_record_valid(const char *s, size_t len)
{
	bool have_id = false;

	if (len > MAILPOL_MAX_RECORD)
		return false;
	return walk_fields(s, len, 7, sts_field, &have_id) && have_id;
}

bool
mailpol_mta_sts_record(const char *const *txt, const size_t *len, size_t n)
{
	size_t i, found = 0, which = 0;

	for (i = 0; i < n; i++)
		if (mailpol_is_mta_sts(txt[i], len[i])) {
			found++;
			which = i;
		}
	return found == 1 && sts_record_valid(txt[which], len[which]);
}

/* A host name: labels of letters, digits and '-' (not first or last),
 * at least two of them (a report address is never a bare TLD). */
static bool
host_ok(const char *s, size_t len)
{
	size_t i, lstart = 0, labels = 0;

	if (len == 0 || len > MAILPOL_MAX_HOST)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t ll = i - lstart;

			if (ll == 0 || ll > MAILPOL_MAX_LABEL ||
			    s[lstart] == '-' || s[i - 1] == '-')
				return false;
			labels++;
			lstart = i + 1;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	}
	return labels >= 2;
}

/* "%" HEXDIG HEXDIG at s[i]. */
static bool
pct_ok(const char *s, size_t len, size_t i)
{
	return i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
	    isxdigit((unsigned char)s[i + 2]);
}

/* mailto:local@domain (RFC 6068 2 with one addr-spec, no hfields): local
 * of atext and "." or %-escapes, domain a host name. */
static bool
mailto_ok(const char *s, size_t len)
{
	static const char atext[] = "!#$&'*+-/=^_`{|}~.";
	size_t i, at;

	for (at = 0; at < len && s[at] != '@'; at++)
		;
	if (at == 0 || at == len || at > MAILPOL_MAX_LOCAL * 3)
		return false;
	for (i = 0; i < at; i++) {
		if (s[i] == '%') {
			if (!pct_ok(s, at, i))
				return false;
			i += 2;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && strchr(atext, s[i]) == NULL)
			return false;
	}
	return host_ok(s + at + 1, len - at - 1);
}

/* https://host[:port][/path][?query][#fragment] (RFC 3986 3, RFC 9110
 * 4.2.2): a host name, a port of 1 to 5 digits up to 65535, the rest of
 * RFC 3986's path, query and fragment characters (",", ";" and spaces
 * excepted: they delimit the record's fields and URIs). */
static bool
https_ok(const char *s, size_t len)
{
	static const char uric[] = "-._~!$&'()*+=:@/?#";
	size_t i = 0, h, p;

	while (i < len && s[i] != ':' && s[i] != '/' && s[i] != '?' &&
	    s[i] != '#')
		i++;
	if (!host_ok(s, i))
		return false;
	if (i < len && s[i] == ':') {
		unsigned long port = 0;

		p = ++i;
		while (i < len && isdigit((unsigned char)s[i]) && i - p < 6)
			port = port * 10 + (unsigned long)(s[i++] - '0');
		if (i == p || i - p > 5 || port == 0 || port > 65535)
			return false;
	}
	if (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
		return false;
	for (h = i; h < len; h++) {
		if (s[h] == '%') {
			if (!pct_ok(s, len, h))
				return false;
			h += 2;
			continue;
		}
		if (!isalnum((unsigned char)s[h]) && strchr(uric, s[h]) == NULL)
			return false;
	}
	return true;
}

/* One rua URI: a mailto: or an https: URI (scheme case-insensitive,
 * RFC 3986 3.1). */
static bool
rua_uri_ok(const char *s, size_t len)
{
	if (len > 7 && strncasecmp(s, "mailto:", 7) == 0)
		return mailto_ok(s + 7, len - 7);
	if (len > 8 && strncasecmp(s, "https://", 8) == 0)
		return https_ok(s + 8, len - 8);
	return false;
}

/* tlsrpt-rua: a URI, then *(*WSP "," *WSP URI). */
static bool
rua_ok(const char *v, size_t vl)
{
	size_t i = 0;

	for (;;) {
		size_t us = i, ue;

		while (i < vl && v[i] != ',' && !is_wsp(v[i]))
			i++;
		ue = i;
		if (!rua_uri_ok(v + us, ue - us))
			return false;
		while (i < vl && is_wsp(v[i]))
			i++;
		if (i == vl)
			return true;
		if (v[i] != ',')
			return false;
		i++;
		while (i < vl && is_wsp(v[i]))
			i++;
	}
}

static bool
tlsrpt_field(const char *n, size_t nl, const char *v, size_t vl, void *arg)
{
	bool *have_rua = arg;

	if (!name_is(n, nl, "rua"))
		return ext_value_ok(v, vl);
	*have_rua = true;
	return rua_ok(v, vl);
}

bool
mailpol_tlsrpt_valid(const char *txt, size_t len)
{
	bool have_rua = false;

	if (len > MAILPOL_MAX_RECORD || !mailpol_is_tlsrpt(txt, len))
		return false;
	return walk_fields(txt, len, 10, tlsrpt_field, &have_rua) && have_rua;
}

enum mailpol_tlsrpt
mailpol_tlsrpt(const char *const *txt, const size_t *len, size_t n)
{
	size_t i, found = 0, which = 0;

	if (n == 0)
		return MAILPOL_TLSRPT_ABSENT;
	for (i = 0; i < n; i++)
		if (mailpol_is_tlsrpt(txt[i], len[i])) {
			found++;
			which = i;
		}
	if (found != 1)
		return MAILPOL_TLSRPT_INVALID;
	return mailpol_tlsrpt_valid(txt[which], len[which]) ?
	    MAILPOL_TLSRPT_VALID : MAILPOL_TLSRPT_INVALID;
}
