/*
 * dname.c - normalise and check domain names (dname.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "dname.h"

static const char *const error_names[DNAME_ERROR_COUNT] = {
	[DNAME_OK] = "ok",
	[DNAME_EMPTY] = "empty",
	[DNAME_TOO_LONG] = "too_long",
	[DNAME_LABEL_TOO_LONG] = "label_too_long",
	[DNAME_EMPTY_LABEL] = "empty_label",
	[DNAME_BAD_CHAR] = "bad_char",
	[DNAME_BAD_HYPHEN] = "bad_hyphen",
	[DNAME_SINGLE_LABEL] = "single_label",
	[DNAME_NUMERIC_TLD] = "numeric_tld",
	[DNAME_BAD_IDN] = "bad_idn",
};

const char *
dname_error_str(enum dname_error e)
{
	if ((unsigned)e >= DNAME_ERROR_COUNT)
		return "unknown";
	return error_names[e];
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

static bool
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/*
 * A-labels of name (NUL-terminated, lower case, LDH): valid if libidn2's
 * IDNA2008 lookup (which decodes each A-label and encodes it again) gives
 * back the same name.
 */
static bool
alabels_valid(const char *name)
{
	uint8_t *out = NULL;
	bool ok;
	int rc;

	rc = idn2_lookup_u8((const uint8_t *)name, &out,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	ok = rc == IDN2_OK && out != NULL && strcmp((char *)out, name) == 0;
	idn2_free(out);
	return ok;
}

/*
 * Check a lower-case ASCII name of len characters (no trailing dot) in
 * place.  check_alabels: verify "xn--" labels with libidn2 (not needed on
 * libidn2's own output).
 */
static enum dname_error
check_ascii(const char *name, size_t len, bool check_alabels)
{
	size_t start = 0, last = 0, i;
	int labels = 0;
	bool has_alabel = false, numeric;

	if (len == 0)
		return DNAME_EMPTY;
	if (len > DNAME_MAX_LEN)
		return DNAME_TOO_LONG;
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '.') {
			if (!is_ldh((unsigned char)name[i]))
				return DNAME_BAD_CHAR;
			continue;
		}
		if (i == start)
			return DNAME_EMPTY_LABEL;
		if (i - start > DNAME_MAX_LABEL)
			return DNAME_LABEL_TOO_LONG;
		if (name[start] == '-' || name[i - 1] == '-')
			return DNAME_BAD_HYPHEN;
		if (i - start >= 4 && memcmp(name + start, "xn--", 4) == 0)
			has_alabel = true;
		labels++;
		last = start;
		start = i + 1;
	}
	if (labels < 2)
		return DNAME_SINGLE_LABEL;
	numeric = true;
	for (i = last; i < len; i++) {
		if (name[i] < '0' || name[i] > '9') {
			numeric = false;
			break;
		}
	}
	if (numeric)
		return DNAME_NUMERIC_TLD;
	if (has_alabel && check_alabels && !alabels_valid(name))
		return DNAME_BAD_IDN;
	return DNAME_OK;
}

/* UTF-8 input: convert with libidn2, then check the result as ASCII. */
static enum dname_error
normalize_idn(const char *in, size_t len, char *out, size_t outlen)
{
	char tmp[DNAME_MAX_INPUT + 1];
	uint8_t *res = NULL;
	enum dname_error e;
	size_t rlen;
	int rc;

	memcpy(tmp, in, len);
	tmp[len] = '\0';
	rc = idn2_lookup_u8((const uint8_t *)tmp, &res,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK || res == NULL) {
		idn2_free(res);
		if (rc == IDN2_TOO_BIG_DOMAIN)
			return DNAME_TOO_LONG;
		if (rc == IDN2_TOO_BIG_LABEL)
			return DNAME_LABEL_TOO_LONG;
		return DNAME_BAD_IDN;
	}
	rlen = strlen((char *)res);
	/* libidn2 maps a trailing ideographic full stop to a dot. */
	if (rlen > 0 && res[rlen - 1] == '.')
		rlen--;
	if (rlen > DNAME_MAX_LEN || rlen >= outlen) {
		idn2_free(res);
		return rlen == 0 ? DNAME_EMPTY : DNAME_TOO_LONG;
	}
	for (size_t i = 0; i < rlen; i++) {
		unsigned char c = res[i];

		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[rlen] = '\0';
	idn2_free(res);
	e = check_ascii(out, rlen, false);
	if (e != DNAME_OK)
		out[0] = '\0';
	return e;
}

enum dname_error
dname_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	size_t s = 0, e = len, i;
	bool high = false;
	enum dname_error err;

	if (outlen == 0)
		return DNAME_TOO_LONG;
	out[0] = '\0';
	if (outlen < DNAME_BUF_SIZE)
		return DNAME_TOO_LONG;
	if (in == NULL)
		return DNAME_EMPTY;
	while (s < e && is_space((unsigned char)in[s]))
		s++;
	while (e > s && is_space((unsigned char)in[e - 1]))
		e--;
	if (e > s && in[e - 1] == '.')
		e--;
	if (s == e)
		return DNAME_EMPTY;
	if (e - s > DNAME_MAX_INPUT)
		return DNAME_TOO_LONG;
	for (i = s; i < e; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c == 0x7f)
			return DNAME_BAD_CHAR;
		if (c >= 0x80)
			high = true;
	}
	if (high)
		return normalize_idn(in + s, e - s, out, outlen);
	if (e - s > DNAME_MAX_LEN)
		return DNAME_TOO_LONG;
	for (i = s; i < e; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i - s] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[e - s] = '\0';
	err = check_ascii(out, e - s, true);
	if (err != DNAME_OK)
		out[0] = '\0';
	return err;
}

bool
dname_is_valid(const char *name)
{
	char buf[DNAME_BUF_SIZE];

	if (name == NULL)
		return false;
	return dname_normalize(name, strlen(name), buf, sizeof(buf)) ==
	    DNAME_OK && strcmp(buf, name) == 0;
}

bool
dname_is_under(const char *name, const char *parent)
{
	size_t nl = strlen(name), pl = strlen(parent);

	if (pl == 0 || nl < pl)
		return false;
	if (nl == pl)
		return memcmp(name, parent, pl) == 0;
	return name[nl - pl - 1] == '.' &&
	    memcmp(name + nl - pl, parent, pl) == 0;
}

int
dname_label_count(const char *name)
{
	int n = 0;

	if (name == NULL || *name == '\0')
		return 0;
	for (n = 1; *name != '\0'; name++)
		if (*name == '.')
			n++;
	return n;
}
