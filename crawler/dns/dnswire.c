/*
 * dnswire.c - the bounds-checked section walker over a reply's wire form
 * (dnswire.h; docs/dns.md, "Reading replies in place").
 */
#include "config.h"

#include <string.h>

#include "dnswire.h"

/* Field kinds of an rdata layout. */
enum field {
	F_END = 0,	/* no more fields */
	F_FIX,		/* n octets */
	F_NAME,		/* a domain name, compression followed */
	F_STR,		/* one character-string (length octet) */
	F_STRS,		/* character-strings to the end of the rdata */
	F_REST,		/* the rest of the rdata, any length */
};

struct layout {
	uint16_t type;
	struct {
		uint8_t kind;
		uint8_t n;
	} f[DNSWIRE_MAX_FIELDS];
};

#define FIX(n) { F_FIX, (n) }
#define NAME { F_NAME, 0 }
#define STR { F_STR, 0 }
#define STRS { F_STRS, 0 }
#define REST { F_REST, 0 }

/*
 * The rdata layouts the walker checks, the same fields in the same order
 * as ldns's descriptors (rr.c), fixed fields merged: the types a crawl
 * meets and every type whose rdata holds a name that ldns decompresses
 * and a crawl may meet.  Any other type's rdata is opaque.
 */
static const struct layout layouts[] = {
	{ 1, { FIX(4) } },				/* A */
	{ 2, { NAME } },				/* NS */
	{ 3, { NAME } },				/* MD */
	{ 4, { NAME } },				/* MF */
	{ 5, { NAME } },				/* CNAME */
	{ 6, { NAME, NAME, FIX(20) } },			/* SOA */
	{ 7, { NAME } },				/* MB */
	{ 8, { NAME } },				/* MG */
	{ 9, { NAME } },				/* MR */
	{ 12, { NAME } },				/* PTR */
	{ 13, { STR, STR } },				/* HINFO */
	{ 14, { NAME, NAME } },				/* MINFO */
	{ 15, { FIX(2), NAME } },			/* MX */
	{ 16, { STRS } },				/* TXT */
	{ 17, { NAME, NAME } },				/* RP */
	{ 18, { FIX(2), NAME } },			/* AFSDB */
	{ 21, { FIX(2), NAME } },			/* RT */
	{ 24, { FIX(18), NAME, REST } },		/* SIG */
	{ 26, { FIX(2), NAME, NAME } },			/* PX */
	{ 28, { FIX(16) } },				/* AAAA */
	{ 33, { FIX(6), NAME } },			/* SRV */
	{ 35, { FIX(4), STR, STR, STR, NAME } },	/* NAPTR */
	{ 36, { FIX(2), NAME } },			/* KX */
	{ 39, { NAME } },				/* DNAME */
	{ 43, { FIX(4), REST } },			/* DS */
	{ 44, { FIX(2), REST } },			/* SSHFP */
	{ 46, { FIX(18), NAME, REST } },		/* RRSIG */
	{ 47, { NAME, REST } },				/* NSEC */
	{ 48, { FIX(4), REST } },			/* DNSKEY */
	{ 50, { FIX(4), STR, STR, REST } },		/* NSEC3 */
	{ 51, { FIX(4), STR } },			/* NSEC3PARAM */
	{ 52, { FIX(3), REST } },			/* TLSA */
	{ 53, { FIX(3), REST } },			/* SMIMEA */
	{ 59, { FIX(4), REST } },			/* CDS */
	{ 60, { FIX(4), REST } },			/* CDNSKEY */
	{ 64, { FIX(2), NAME, REST } },			/* SVCB */
	{ 65, { FIX(2), NAME, REST } },			/* HTTPS */
	{ 99, { STRS } },				/* SPF */
	{ 108, { FIX(6) } },				/* EUI48 */
	{ 109, { FIX(8) } },				/* EUI64 */
	{ 256, { FIX(4), REST } },			/* URI */
	{ 257, { FIX(1), STR, REST } },			/* CAA */
};

#undef FIX
#undef NAME
#undef STR
#undef STRS
#undef REST

static const struct layout *
layout_of(uint16_t type)
{
	size_t lo = 0, hi = sizeof(layouts) / sizeof(layouts[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (layouts[mid].type == type)
			return &layouts[mid];
		if (layouts[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
dnswire_type_known(uint16_t type)
{
	return layout_of(type) != NULL;
}

const char *
dnswire_strerror(enum dnswire_err e)
{
	switch (e) {
	case DNSWIRE_OK:
		return "ok";
	case DNSWIRE_E_TOO_LONG:
		return "message longer than 65535 octets";
	case DNSWIRE_E_HEADER:
		return "message shorter than its 12-octet header";
	case DNSWIRE_E_COUNTS:
		return "section counts beyond the packet";
	case DNSWIRE_E_QUESTION:
		return "truncated question";
	case DNSWIRE_E_RR:
		return "truncated RR";
	case DNSWIRE_E_NAME_END:
		return "name runs past the end of the packet";
	case DNSWIRE_E_LABEL:
		return "label too long (or of a reserved type)";
	case DNSWIRE_E_NAME_LONG:
		return "name longer than 255 octets";
	case DNSWIRE_E_PTR_FORWARD:
		return "compression pointer forward (or a pointer loop)";
	case DNSWIRE_E_PTR_HEADER:
		return "compression pointer into the header";
	case DNSWIRE_E_PTR_JUMPS:
		return "too many compression pointers in one name";
	case DNSWIRE_E_RDATA:
		return "rdata fields do not fill rdlength";
	case DNSWIRE_E_RDATA_NAME:
		return "name in rdata runs past the rdata";
	}
	return "unknown error";
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Walk the name at off.  Before the first pointer the name must end by
 * end (the message, or the rdata holding it); a pointer must go to an
 * offset below the start of the labels it ends (so a name never loops)
 * and not into the header.  out (may be NULL) receives the name.
 */
enum dnswire_err
dnswire_name_read(const uint8_t *buf, size_t len, size_t off, size_t end,
	uint8_t *out, size_t *outlen, size_t *next)
{
	size_t pos = off, start = off, limit = end, total = 0, after = 0;
	unsigned jumps = 0;
	enum dnswire_err past = end < len ? DNSWIRE_E_RDATA_NAME :
	    DNSWIRE_E_NAME_END;

	if (end > len)
		return DNSWIRE_E_NAME_END;
	for (;;) {
		uint8_t c;

		if (pos >= limit)
			return past;
		c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 2 > limit)
				return past;
			target = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
			if (jumps == 0)
				after = pos + 2;
			if (target < DNSWIRE_HEADER_LEN)
				return DNSWIRE_E_PTR_HEADER;
			if (target >= start)
				return DNSWIRE_E_PTR_FORWARD;
			if (++jumps > DNSWIRE_MAX_JUMPS)
				return DNSWIRE_E_PTR_JUMPS;
			pos = start = target;
			/* after a jump the name lies in the message */
			limit = len;
			past = DNSWIRE_E_NAME_END;
			continue;
		}
		if (c > DNSWIRE_MAX_LABEL)
			return DNSWIRE_E_LABEL;
		if (pos + 1 + c > limit)
			return past;
		/* the label, and the root label still to come after it */
		if (total + 1 + c + (c > 0 ? 1 : 0) > DNSWIRE_MAX_NAME)
			return DNSWIRE_E_NAME_LONG;
		if (out != NULL)
			memcpy(out + total, buf + pos, (size_t)c + 1);
		total += (size_t)c + 1;
		pos += (size_t)c + 1;
		if (c == 0)
			break;
	}
	if (outlen != NULL)
		*outlen = total;
	if (next != NULL)
		*next = jumps > 0 ? after : pos;
	return DNSWIRE_OK;
}

/* Check rdata[off..off+rdlen) against type's layout (opaque: always). */
static enum dnswire_err
rdata_check(const uint8_t *buf, size_t len, uint16_t type, size_t off,
	size_t rdlen)
{
	const struct layout *l = layout_of(type);
	size_t pos = off, end = off + rdlen, next;
	unsigned k;
	enum dnswire_err e;

	/* empty rdata is accepted for any type (RFC 2136 2.4, and ldns) */
	if (l == NULL || rdlen == 0)
		return DNSWIRE_OK;
	for (k = 0; k < DNSWIRE_MAX_FIELDS && l->f[k].kind != F_END; k++) {
		switch (l->f[k].kind) {
		case F_FIX:
			if (end - pos < l->f[k].n)
				return DNSWIRE_E_RDATA;
			pos += l->f[k].n;
			break;
		case F_NAME:
			e = dnswire_name_read(buf, len, pos, end, NULL, NULL,
			    &next);
			if (e != DNSWIRE_OK)
				return e;
			pos = next;
			break;
		case F_STR:
			if (pos >= end || end - pos < (size_t)buf[pos] + 1)
				return DNSWIRE_E_RDATA;
			pos += (size_t)buf[pos] + 1;
			break;
		case F_STRS:
			while (pos < end) {
				if (end - pos < (size_t)buf[pos] + 1)
					return DNSWIRE_E_RDATA;
				pos += (size_t)buf[pos] + 1;
			}
			break;
		case F_REST:
			pos = end;
			break;
		}
	}
	return pos == end ? DNSWIRE_OK : DNSWIRE_E_RDATA;
}

/* Check the RR (or question) at *pos and move past it. */
static enum dnswire_err
rr_check(const uint8_t *buf, size_t len, enum dnswire_section s,
	size_t *pos)
{
	size_t next, rdlen;
	enum dnswire_err e;

	e = dnswire_name_read(buf, len, *pos, len, NULL, NULL, &next);
	if (e != DNSWIRE_OK)
		return e;
	if (s == DNSWIRE_QUESTION) {
		if (len - next < 4)
			return DNSWIRE_E_QUESTION;
		*pos = next + 4;
		return DNSWIRE_OK;
	}
	if (len - next < 10)
		return DNSWIRE_E_RR;
	rdlen = rd16(buf + next + 8);
	if (len - next - 10 < rdlen)
		return DNSWIRE_E_RR;
	e = rdata_check(buf, len, rd16(buf + next), next + 10, rdlen);
	if (e != DNSWIRE_OK)
		return e;
	*pos = next + 10 + rdlen;
	return DNSWIRE_OK;
}

enum dnswire_err
dnswire_parse(struct dnswire_msg *m, const uint8_t *buf, size_t len)
{
	size_t pos = DNSWIRE_HEADER_LEN, need;
	unsigned s, i;
	enum dnswire_err e;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	if (len > DNSWIRE_MAX_MSG)
		return DNSWIRE_E_TOO_LONG;
	if (len < DNSWIRE_HEADER_LEN)
		return DNSWIRE_E_HEADER;
	m->id = rd16(buf);
	m->flags = rd16(buf + 2);
	m->rcode = (uint8_t)(m->flags & 0x0f);
	for (s = 0; s < DNSWIRE_SECTIONS; s++)
		m->count[s] = rd16(buf + 4 + 2 * s);
	need = DNSWIRE_HEADER_LEN +
	    (size_t)m->count[DNSWIRE_QUESTION] * DNSWIRE_MIN_QUESTION +
	    ((size_t)m->count[DNSWIRE_ANSWER] + m->count[DNSWIRE_AUTHORITY] +
	    m->count[DNSWIRE_ADDITIONAL]) * DNSWIRE_MIN_RR;
	if (need > len) {
		m->err_off = 4;
		return DNSWIRE_E_COUNTS;
	}
	for (s = 0; s < DNSWIRE_SECTIONS; s++) {
		m->first[s] = (uint16_t)pos;
		for (i = 0; i < m->count[s]; i++) {
			m->err_off = pos;
			e = rr_check(buf, len, (enum dnswire_section)s, &pos);
			if (e != DNSWIRE_OK)
				return e;
		}
	}
	m->err_off = 0;
	m->end = (uint16_t)pos;
	return DNSWIRE_OK;
}

void
dnswire_iter_init(const struct dnswire_msg *m, struct dnswire_iter *it)
{
	it->pos = DNSWIRE_HEADER_LEN;
	it->section = DNSWIRE_QUESTION;
	it->left = m->count[DNSWIRE_QUESTION];
}

bool
dnswire_rr_next(const struct dnswire_msg *m, struct dnswire_iter *it,
	struct dnswire_rr *rr)
{
	size_t next;

	while (it->left == 0) {
		if (it->section + 1 >= DNSWIRE_SECTIONS)
			return false;
		it->section++;
		it->left = m->count[it->section];
	}
	/* checked by dnswire_parse: cannot fail on the same message */
	if (dnswire_name_read(m->buf, m->len, it->pos, m->len, NULL, NULL,
	    &next) != DNSWIRE_OK)
		return false;
	memset(rr, 0, sizeof(*rr));
	rr->section = it->section;
	rr->owner = (uint16_t)it->pos;
	rr->type = rd16(m->buf + next);
	rr->rclass = rd16(m->buf + next + 2);
	if (it->section == DNSWIRE_QUESTION) {
		it->pos = next + 4;
	} else {
		rr->ttl = rd32(m->buf + next + 4);
		rr->rdlen = rd16(m->buf + next + 8);
		rr->rdata = (uint16_t)(next + 10);
		it->pos = next + 10 + rr->rdlen;
	}
	it->left--;
	return true;
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

bool
dnswire_name_equal(const struct dnswire_msg *m, size_t off,
	const uint8_t *want, size_t wantlen)
{
	uint8_t name[DNSWIRE_MAX_NAME];
	size_t n, i;

	if (dnswire_name_read(m->buf, m->len, off, m->len, name, &n,
	    NULL) != DNSWIRE_OK || n != wantlen)
		return false;
	for (i = 0; i < n; i++)
		if (lower(name[i]) != lower(want[i]))
			return false;
	return true;
}

size_t
dnswire_rdata_expand(const struct dnswire_msg *m,
	const struct dnswire_rr *rr, uint8_t *out, size_t cap)
{
	const struct layout *l = layout_of(rr->type);
	size_t pos = rr->rdata, end = (size_t)rr->rdata + rr->rdlen, n = 0;
	size_t k, w, next;

	if (l == NULL || rr->rdlen == 0) {
		if (cap < rr->rdlen)
			return (size_t)-1;
		memcpy(out, m->buf + rr->rdata, rr->rdlen);
		return rr->rdlen;
	}
	for (k = 0; k < DNSWIRE_MAX_FIELDS && l->f[k].kind != F_END; k++) {
		if (l->f[k].kind == F_NAME) {
			uint8_t name[DNSWIRE_MAX_NAME];

			if (dnswire_name_read(m->buf, m->len, pos, end, name,
			    &w, &next) != DNSWIRE_OK)
				return (size_t)-1;
			if (cap - n < w)
				return (size_t)-1;
			memcpy(out + n, name, w);
			n += w;
			pos = next;
			continue;
		}
		switch (l->f[k].kind) {
		case F_FIX:
			w = l->f[k].n;
			break;
		case F_STR:
			w = (size_t)m->buf[pos] + 1;
			break;
		default:	/* F_STRS, F_REST */
			w = end - pos;
			break;
		}
		if (w > end - pos || cap - n < w)
			return (size_t)-1;
		memcpy(out + n, m->buf + pos, w);
		n += w;
		pos += w;
	}
	return n;
}

bool
dnswire_rdata_addr(const struct dnswire_msg *m, const struct dnswire_rr *rr,
	uint8_t *out, size_t *alen)
{
	if (!((rr->type == 1 && rr->rdlen == 4) ||
	    (rr->type == 28 && rr->rdlen == 16)))
		return false;
	memcpy(out, m->buf + rr->rdata, rr->rdlen);
	*alen = rr->rdlen;
	return true;
}

bool
dnswire_rdata_name(const struct dnswire_msg *m, const struct dnswire_rr *rr,
	uint8_t *out, size_t *outlen, uint16_t *pref)
{
	size_t skip = 0, end = (size_t)rr->rdata + rr->rdlen, next;

	switch (rr->type) {
	case 2: case 5: case 12: case 39:	/* NS CNAME PTR DNAME */
		break;
	case 15:				/* MX */
		skip = 2;
		break;
	default:
		return false;
	}
	if (rr->rdlen < skip + 1)
		return false;
	if (pref != NULL)
		*pref = skip ? rd16(m->buf + rr->rdata) : 0;
	return dnswire_name_read(m->buf, m->len, rr->rdata + skip, end, out,
	    outlen, &next) == DNSWIRE_OK && next == end;
}

bool
dnswire_rdata_txt(const struct dnswire_msg *m, const struct dnswire_rr *rr,
	uint8_t *out, size_t cap, size_t *outlen, bool *cut)
{
	size_t pos = rr->rdata, end = (size_t)rr->rdata + rr->rdlen, n = 0;
	bool was_cut = false;

	if (rr->type != 16 && rr->type != 99)
		return false;
	while (pos < end) {
		size_t w = m->buf[pos];

		if (end - pos - 1 < w)
			return false;
		if (cap - n < w) {
			was_cut = true;
			w = cap - n;
		}
		memcpy(out + n, m->buf + pos + 1, w);
		n += w;
		pos += (size_t)m->buf[pos] + 1;
	}
	*outlen = n;
	if (cut != NULL)
		*cut = was_cut;
	return true;
}

bool
dnswire_rdata_caa(const struct dnswire_msg *m, const struct dnswire_rr *rr,
	uint8_t *flags, const uint8_t **tag, size_t *taglen,
	const uint8_t **value, size_t *valuelen)
{
	const uint8_t *p = m->buf + rr->rdata;
	size_t tl;

	if (rr->type != 257 || rr->rdlen < 2)
		return false;
	tl = p[1];
	if ((size_t)rr->rdlen - 2 < tl)
		return false;
	*flags = p[0];
	*tag = p + 2;
	*taglen = tl;
	*value = p + 2 + tl;
	*valuelen = (size_t)rr->rdlen - 2 - tl;
	return true;
}
