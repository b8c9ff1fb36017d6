/*
 * dmarc.c - the DMARC record parser (dmarc.h; RFC 7489 6.3, 6.4, 6.6.3).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "dmarc.h"
#include "util.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

bool
dmarc_is_record(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] != 'v')
		return false;
	i = 1;
	while (i < len && is_wsp(s[i]))
		i++;
	if (i >= len || s[i] != '=')
		return false;
	i++;
	while (i < len && is_wsp(s[i]))
		i++;
	/* 6.3: the value "MUST match precisely" (the ABNF gives octets). */
	if (len - i < 6 || strncmp(s + i, "DMARC1", 6) != 0)
		return false;
	i += 6;
	while (i < len && is_wsp(s[i]))
		i++;
	return i == len || s[i] == ';';
}

size_t
dmarc_select(const char *const *txt, const size_t *len, size_t n,
    size_t *which)
{
	size_t i, found = 0;

	for (i = 0; i < n; i++) {
		if (dmarc_is_record(txt[i], len[i])) {
			if (found++ == 0 && which != NULL)
				*which = i;
		}
	}
	return found > 2 ? 2 : found;
}

static enum dmarc_policy
policy_of(const char *v, size_t vl)
{
	if (ascii_ieq(v, vl, "none"))
		return DMARC_P_NONE;
	if (ascii_ieq(v, vl, "quarantine"))
		return DMARC_P_QUARANTINE;
	if (ascii_ieq(v, vl, "reject"))
		return DMARC_P_REJECT;
	return DMARC_P_UNSET;
}

/* pct: 1*3DIGIT, 0 to 100 (6.3). -1 when invalid. */
static int
pct_of(const char *v, size_t vl)
{
	int n = 0;
	size_t i;

	if (vl == 0 || vl > 3)
		return -1;
	for (i = 0; i < vl; i++) {
		if (!ascii_isdigit(v[i]))
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	return n <= 100 ? n : -1;
}

/* ri: 1*32DIGIT, a 32-bit unsigned count of seconds (6.3). */
static bool
ri_ok(const char *v, size_t vl)
{
	unsigned long long n = 0;
	size_t i;

	if (vl == 0 || vl > 32)
		return false;
	for (i = 0; i < vl; i++) {
		if (!ascii_isdigit(v[i]))
			return false;
		n = n * 10 + (unsigned)(v[i] - '0');
		if (n > 0xffffffffULL)
			return false;
	}
	return true;
}

/*
 * A list item *(*WSP ":" *WSP item), the shape of fo and rf (RFC 7489
 * 6.3): item(v, n) gives the length of the item v starts with, 0 when
 * there is none.
 */
static bool
colon_list(const char *v, size_t vl, size_t (*item)(const char *, size_t))
{
	size_t i = 0, k;

	for (;;) {
		k = item(v + i, vl - i);
		if (k == 0)
			return false;
		i += k;
		while (i < vl && is_wsp(v[i]))
			i++;
		if (i == vl)
			return true;
		if (v[i] != ':')
			return false;
		i++;
		while (i < vl && is_wsp(v[i]))
			i++;
	}
}

/* fo's item: "0" / "1" / "d" / "s". */
static size_t
fo_item(const char *v, size_t vl)
{
	return vl > 0 && (v[0] == '0' || v[0] == '1' || v[0] == 'd' ||
	    v[0] == 's') ? 1 : 0;
}

/* rf's item: a Keyword of ALPHA / DIGIT / "-" (RFC 5322's atext narrowed
 * to the IANA registry's names: "afrf"). */
static size_t
rf_item(const char *v, size_t vl)
{
	size_t i = 0;

	while (i < vl && (ascii_isalpha(v[i]) || ascii_isdigit(v[i]) ||
	    v[i] == '-'))
		i++;
	return i;
}

/* A host of a mailto: address: LDH labels separated by dots. */
static bool
host_ok(const char *h, size_t hl)
{
	size_t i, lab = 0;

	if (hl == 0 || hl > DMARC_MAX_HOST)
		return false;
	for (i = 0; i < hl; i++) {
		if (h[i] == '.') {
			if (lab == 0)
				return false;
			lab = 0;
		} else if (ascii_isalpha(h[i]) || ascii_isdigit(h[i]) || h[i] == '-' ||
		    h[i] == '_') {
			if (++lab > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

/*
 * One dmarc-uri (6.4): URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ].
 * The URI: scheme ":" then at least one octet of RFC 3986's characters
 * (",", "!" and ";" excluded: 6.4 says they MUST be encoded), "%" with
 * two hex digits; a mailto: URI needs local@host (RFC 6068).  Fills *u.
 */
static bool
uri_ok(const char *v, size_t vl, struct dmarc_uri *u)
{
	const char *bang = memchr(v, '!', vl);
	size_t ul = bang != NULL ? (size_t)(bang - v) : vl;
	size_t i, colon;

	memset(u, 0, sizeof(*u));
	if (bang != NULL) {
		size_t k = ul + 1, d = 0;

		while (k < vl && ascii_isdigit(v[k]))
			k++, d++;
		if (d == 0)
			return false;
		if (k < vl && (v[k] == 'k' || v[k] == 'm' || v[k] == 'g' ||
		    v[k] == 't'))
			k++;
		if (k != vl)
			return false;
	}
	if (ul == 0 || !ascii_isalpha(v[0]))
		return false;
	for (i = 1; i < ul && v[i] != ':'; i++)
		if (!ascii_isalpha(v[i]) && !ascii_isdigit(v[i]) && v[i] != '+' &&
		    v[i] != '-' && v[i] != '.')
			return false;
	if (i >= ul || i + 1 >= ul)
		return false;
	colon = i;
	for (i = colon + 1; i < ul; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '%') {
			if (i + 2 >= ul || !ascii_isxdigit(v[i + 1]) ||
			    !ascii_isxdigit(v[i + 2]))
				return false;
			i += 2;
		} else if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';' ||
		    c == '"' || c == '<' || c == '>' || c == '\\' ||
		    c == '^' || c == '`' || c == '{' || c == '|' || c == '}') {
			return false;
		}
	}
	if (colon == 6 && ascii_ieq(v, 6, "mailto")) {
		const char *at, *h;
		size_t hl, k;

		/* mailto:local@host[?hfields] */
		h = v + colon + 1;
		hl = ul - colon - 1;
		for (k = 0; k < hl && h[k] != '?'; k++)
			;
		hl = k;
		at = NULL;
		for (k = 0; k < hl; k++)
			if (h[k] == '@')
				at = h + k;
		if (at == NULL || at == h)
			return false;
		hl -= (size_t)(at + 1 - h);
		h = at + 1;
		if (!host_ok(h, hl))
			return false;
		u->mailto = true;
		for (k = 0; k < hl; k++)
			u->host[k] = (h[k] >= 'A' && h[k] <= 'Z') ?
			    (char)(h[k] - 'A' + 'a') : h[k];
		u->host[hl] = '\0';
	}
	return true;
}

/*
 * A rua/ruf value: dmarc-uri *(*WSP "," *WSP dmarc-uri).  Counts and
 * keeps the valid URIs; false when any is invalid.
 */
static bool
uris_parse(const char *v, size_t vl, struct dmarc_uri *out, unsigned *kept,
    unsigned *count)
{
	size_t i = 0;
	bool ok = true;

	*kept = *count = 0;
	while (i <= vl) {
		size_t s = i, e;
		struct dmarc_uri u;

		while (i < vl && v[i] != ',')
			i++;
		e = i;
		while (s < e && is_wsp(v[s]))
			s++;
		while (e > s && is_wsp(v[e - 1]))
			e--;
		if (uri_ok(v + s, e - s, &u)) {
			if (*kept < DMARC_MAX_URIS)
				out[(*kept)++] = u;
			if (*count < DMARC_MAX_URIS_COUNTED)
				(*count)++;
		} else {
			ok = false;
		}
		i++;			/* past "," (or the end) */
	}
	return ok;
}

static void
first(enum dmarc_error *err, enum dmarc_error e)
{
	if (*err == DMARC_OK)
		*err = e;
}

/* Tag names: ALPHA *(ALPHA / DIGIT / "_") (RFC 6376 3.2's tag-name). */
static bool
name_ok(const char *k, size_t kl)
{
	size_t i;

	if (kl == 0 || !ascii_isalpha(k[0]))
		return false;
	for (i = 1; i < kl; i++)
		if (!ascii_isalpha(k[i]) && !ascii_isdigit(k[i]) && k[i] != '_')
			return false;
	return true;
}

/* The state of one record's parse: what was seen, the first defect. */
struct dmarc_state {
	struct dmarc_record *r;
	enum dmarc_error err, p_err;
	bool seen_p, seen_sp, seen_pct, seen_adkim, seen_aspf, seen_rua;
	bool seen_ruf, sp_bad;
};

/* One tag k=v of the record (RFC 7489 6.3).  A tag given twice: the first
 * counts (RFC 7489 says nothing; opendmarc keeps the first too); other
 * tags are ignored (6.3). */
static void
tag_apply(struct dmarc_state *st, const char *k, size_t kl, const char *v,
    size_t vl)
{
	struct dmarc_record *r = st->r;

	if (ascii_ieq(k, kl, "p")) {
		if (st->seen_p)
			return;
		st->seen_p = true;
		r->p = policy_of(v, vl);
		if (r->p == DMARC_P_UNSET) {
			first(&st->err, DMARC_ERR_BAD_P);
			st->p_err = DMARC_ERR_BAD_P;
		}
	} else if (ascii_ieq(k, kl, "sp")) {
		if (st->seen_sp)
			return;
		st->seen_sp = true;
		r->sp = policy_of(v, vl);
		if (r->sp == DMARC_P_UNSET) {
			first(&st->err, DMARC_ERR_BAD_SP);
			st->sp_bad = true;
		}
	} else if (ascii_ieq(k, kl, "pct")) {
		int n = pct_of(v, vl);

		if (st->seen_pct)
			return;
		st->seen_pct = true;
		if (n < 0)
			first(&st->err, DMARC_ERR_BAD_PCT);
		else
			r->pct = n;
	} else if (ascii_ieq(k, kl, "adkim") || ascii_ieq(k, kl, "aspf")) {
		bool dk = kl == 5;
		bool *seen = dk ? &st->seen_adkim : &st->seen_aspf;

		if (*seen)
			return;
		*seen = true;
		if (vl == 1 && (v[0] == 'r' || v[0] == 's'))
			*(dk ? &r->adkim : &r->aspf) = v[0];
		else
			first(&st->err, dk ? DMARC_ERR_BAD_ADKIM :
			    DMARC_ERR_BAD_ASPF);
	} else if (ascii_ieq(k, kl, "rua")) {
		if (st->seen_rua)
			return;
		st->seen_rua = true;
		if (!uris_parse(v, vl, r->rua, &r->rua_kept, &r->nrua))
			first(&st->err, DMARC_ERR_BAD_RUA);
	} else if (ascii_ieq(k, kl, "ruf")) {
		if (st->seen_ruf)
			return;
		st->seen_ruf = true;
		if (!uris_parse(v, vl, r->ruf, &r->ruf_kept, &r->nruf))
			first(&st->err, DMARC_ERR_BAD_RUF);
	} else if (ascii_ieq(k, kl, "fo")) {
		if (!colon_list(v, vl, fo_item))
			first(&st->err, DMARC_ERR_BAD_FO);
	} else if (ascii_ieq(k, kl, "rf")) {
		if (!colon_list(v, vl, rf_item))
			first(&st->err, DMARC_ERR_BAD_RF);
	} else if (ascii_ieq(k, kl, "ri")) {
		if (!ri_ok(v, vl))
			first(&st->err, DMARC_ERR_BAD_RI);
	}
}

enum dmarc_error
dmarc_parse(const char *s, size_t len, struct dmarc_record *r)
{
	struct dmarc_state st;
	size_t i;

	memset(r, 0, sizeof(*r));
	memset(&st, 0, sizeof(st));
	st.r = r;
	r->pct = 100;
	r->adkim = r->aspf = 'r';
	if (len > DMARC_MAX_RECORD)
		return DMARC_ERR_TOO_LONG;
	if (!dmarc_is_record(s, len))
		return DMARC_ERR_NOT_DMARC;
	/* past the v= tag */
	for (i = 0; i < len && s[i] != ';'; i++)
		;
	while (i < len) {
		size_t ks, ke, vs, ve;

		i++;			/* past ";" */
		while (i < len && is_wsp(s[i]))
			i++;
		ks = i;
		while (i < len && s[i] != '=' && s[i] != ';')
			i++;
		ke = i;
		while (ke > ks && is_wsp(s[ke - 1]))
			ke--;
		if (i >= len || s[i] == ';') {
			if (ke > ks)	/* "tag" without "=": not ";;" */
				first(&st.err, DMARC_ERR_SYNTAX);
			continue;
		}
		i++;			/* past "=" */
		while (i < len && is_wsp(s[i]))
			i++;
		vs = i;
		while (i < len && s[i] != ';')
			i++;
		ve = i;
		while (ve > vs && is_wsp(s[ve - 1]))
			ve--;
		if (!name_ok(s + ks, ke - ks)) {
			first(&st.err, DMARC_ERR_SYNTAX);
			continue;
		}
		tag_apply(&st, s + ks, ke - ks, s + vs, ve - vs);
	}
	if (!st.seen_p) {
		st.p_err = DMARC_ERR_P_MISSING;
		/* The missing p is the record's defect, before any other. */
		st.err = DMARC_ERR_P_MISSING;
	}
	/* 6.6.3 step 6: a missing or invalid p, or an invalid sp. */
	if (st.p_err != DMARC_OK || st.sp_bad) {
		r->applies = r->nrua > 0;
		r->policy = r->applies ? DMARC_P_NONE : DMARC_P_UNSET;
		r->sub_policy = r->policy;
		return st.err;
	}
	r->applies = true;
	r->policy = r->p;
	r->sub_policy = r->sp != DMARC_P_UNSET ? r->sp : r->p;
	return st.err;
}

const char *
dmarc_error_str(enum dmarc_error e)
{
	switch (e) {
	case DMARC_OK:
		return NULL;
	case DMARC_ERR_NOT_DMARC:
		return "not_dmarc";
	case DMARC_ERR_TOO_LONG:
		return "too_long";
	case DMARC_ERR_SYNTAX:
		return "syntax";
	case DMARC_ERR_P_MISSING:
		return "p_missing";
	case DMARC_ERR_BAD_P:
		return "bad_p";
	case DMARC_ERR_BAD_SP:
		return "bad_sp";
	case DMARC_ERR_BAD_PCT:
		return "bad_pct";
	case DMARC_ERR_BAD_ADKIM:
		return "bad_adkim";
	case DMARC_ERR_BAD_ASPF:
		return "bad_aspf";
	case DMARC_ERR_BAD_RUA:
		return "bad_rua";
	case DMARC_ERR_BAD_RUF:
		return "bad_ruf";
	case DMARC_ERR_BAD_FO:
		return "bad_fo";
	case DMARC_ERR_BAD_RF:
		return "bad_rf";
	case DMARC_ERR_BAD_RI:
		return "bad_ri";
	case DMARC_ERR_MULTIPLE:
		return "multiple_records";
	}
	return NULL;
}

const char *
dmarc_policy_str(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE:
		return "none";
	case DMARC_P_QUARANTINE:
		return "quarantine";
	case DMARC_P_REJECT:
		return "reject";
	case DMARC_P_UNSET:
		break;
	}
	return NULL;
}
