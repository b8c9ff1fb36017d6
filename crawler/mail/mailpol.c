/*
 * mailpol.c - SPF and DMARC classification.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

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

static bool
is_dmarc(const char *s, size_t len)
{
	size_t i = 0;

	/* "v" *WSP "=" *WSP "DMARC1" *WSP (";" / end), RFC 7489 6.4 */
	if (len == 0 || s[0] != 'v')
		return false;
	i = 1;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= len || s[i] != '=')
		return false;
	i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i < 6 || strncmp(s + i, "DMARC1", 6) != 0)
		return false;
	i += 6;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == len || s[i] == ';';
}

static const char *
dmarc_one(const char *s, size_t len)
{
	size_t i = 0;

	if (len > MAILPOL_MAX_RECORD)
		len = MAILPOL_MAX_RECORD;
	/* skip the v= tag */
	while (i < len && s[i] != ';')
		i++;
	while (i < len) {
		size_t ks, ke, vs, ve;

		i++;		/* past ';' */
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		ks = i;
		while (i < len && s[i] != '=' && s[i] != ';')
			i++;
		if (i >= len || s[i] != '=')
			continue;
		ke = i;
		while (ke > ks && (s[ke - 1] == ' ' || s[ke - 1] == '\t'))
			ke--;
		i++;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		vs = i;
		while (i < len && s[i] != ';')
			i++;
		ve = i;
		while (ve > vs && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
			ve--;
		if (ke - ks == 1 && (s[ks] == 'p' || s[ks] == 'P')) {
			size_t vl = ve - vs;

			if (vl == 4 && strncasecmp(s + vs, "none", 4) == 0)
				return "none";
			if (vl == 10 && strncasecmp(s + vs, "quarantine", 10) == 0)
				return "quarantine";
			if (vl == 6 && strncasecmp(s + vs, "reject", 6) == 0)
				return "reject";
			return "invalid";
		}
	}
	return "invalid";
}

const char *
mailpol_dmarc(const char *const *txt, const size_t *len, size_t n)
{
	size_t i, found = 0, which = 0;

	for (i = 0; i < n; i++) {
		if (is_dmarc(txt[i], len[i])) {
			found++;
			which = i;
		}
	}
	if (found == 0)
		return "absent";
	if (found > 1)
		return "invalid";
	return dmarc_one(txt[which], len[which]);
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
