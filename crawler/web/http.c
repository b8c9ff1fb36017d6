/*
 * http.c - the bounded HTTP/1.1 response parser (http.h).
 *
 * Lenient where browsers are (bare LF line ends, any reason phrase, obs-fold
 * replaced by SP as RFC 9112 5.2 tells a user agent), strict where leniency
 * would hide a hostile peer (a field line without a colon, a name with
 * bytes that are not tchar, a status that is not three digits).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "util.h"

static bool
is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}


size_t
http_head_scan(const char *buf, size_t len, size_t *pos)
{
	size_t i = *pos;

	/* The head ends at the first empty line: LF LF or LF CR LF.  An LF
	 * too near the end to judge stops the scan there. */
	while (i < len) {
		const char *lf = memchr(buf + i, '\n', len - i);

		if (lf == NULL) {
			i = len;
			break;
		}
		i = (size_t)(lf - buf);
		if (i + 1 >= len)
			break;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r') {
			if (i + 2 >= len)
				break;
			if (buf[i + 2] == '\n')
				return i + 3;
		}
		i++;
	}
	*pos = i;
	return 0;
}

size_t
http_head_len(const char *buf, size_t len)
{
	size_t pos = 0;

	return http_head_scan(buf, len, &pos);
}

const char *
http_parse_str(enum http_parse p)
{
	switch (p) {
	case HTTP_PARSE_OK:
		return "ok";
	case HTTP_PARSE_MORE:
		return "incomplete response head";
	case HTTP_PARSE_TOO_LARGE:
		return "response head over 65536 bytes";
	case HTTP_PARSE_TOO_MANY:
		return "over 256 header fields";
	case HTTP_PARSE_BAD:
		return "malformed response head";
	}
	return "?";
}

/* End of the line starting at p (the LF, or end); *next after it. */
static size_t
line_end(const char *s, size_t pos, size_t end, size_t *next)
{
	size_t i = pos;

	while (i < end && s[i] != '\n')
		i++;
	*next = i < end ? i + 1 : end;
	if (i > pos && s[i - 1] == '\r')
		return i - 1;
	return i;
}

enum http_parse
http_response_parse(const char *buf, size_t len, struct http_response *r)
{
	size_t hl, pos, next, e, i, first, nf = 0;
	char *s;
	enum http_parse rc = HTTP_PARSE_BAD;

	memset(r, 0, sizeof(*r));
	if (len > HTTP_MAX_HEAD)
		len = HTTP_MAX_HEAD;
	hl = http_head_len(buf, len);
	if (hl == 0)
		return len >= HTTP_MAX_HEAD ? HTTP_PARSE_TOO_LARGE :
		    HTTP_PARSE_MORE;
	s = xmalloc(hl);
	memcpy(s, buf, hl);
	/* obs-fold (a line starting with SP/HT continues the previous one):
	 * the line break and the fold become spaces (RFC 9112 5.2). */
	for (i = 1; i + 1 < hl; i++) {
		if (s[i] == '\n' && is_ows(s[i + 1]) && i > 0) {
			s[i] = ' ';
			if (s[i - 1] == '\r')
				s[i - 1] = ' ';
		}
	}
	/* Status line: HTTP/1.x SP 3DIGIT [SP reason]. */
	e = line_end(s, 0, hl, &next);
	if (e < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' ||
	    s[7] > '9' || s[8] != ' ')
		goto out;
	for (i = 9; i < 12; i++)
		if (s[i] < '0' || s[i] > '9')
			goto out;
	if (e > 12 && s[12] != ' ')
		goto out;
	r->minor = s[7] - '0';
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (r->status < 100)
		goto out;
	first = next;
	/* Count the field lines first: one allocation of the right size. */
	for (pos = next; pos < hl; pos = next) {
		e = line_end(s, pos, hl, &next);
		if (e == pos)
			break;
		if (++nf > HTTP_MAX_FIELDS) {
			rc = HTTP_PARSE_TOO_MANY;
			goto out;
		}
	}
	r->fields = xcalloc(nf ? nf : 1, sizeof(*r->fields));
	for (pos = first; pos < hl; pos = next) {
		struct http_field *f;
		size_t c, vs, ve;

		e = line_end(s, pos, hl, &next);
		if (e == pos)
			break;
		for (c = pos; c < e && is_tchar((unsigned char)s[c]); c++)
			;
		if (c == pos || c == e || s[c] != ':')
			goto out;
		vs = c + 1;
		ve = e;
		while (vs < ve && is_ows(s[vs]))
			vs++;
		while (ve > vs && is_ows(s[ve - 1]))
			ve--;
		f = &r->fields[r->nfields++];
		f->name = s + pos;
		f->name_len = c - pos;
		f->value = s + vs;
		f->value_len = ve - vs;
	}
	r->head_len = hl;
	r->copy = s;
	return HTTP_PARSE_OK;
out:
	free(r->fields);
	free(s);
	memset(r, 0, sizeof(*r));
	return rc;
}

void
http_response_fini(struct http_response *r)
{
	if (r == NULL)
		return;
	free(r->fields);
	free(r->copy);
	memset(r, 0, sizeof(*r));
}

bool
http_response_first(const struct http_response *r, const char *name,
	const char **v, size_t *vlen)
{
	unsigned i;

	for (i = 0; i < r->nfields; i++) {
		if (ascii_ieq(r->fields[i].name, r->fields[i].name_len, name)) {
			*v = r->fields[i].value;
			*vlen = r->fields[i].value_len;
			return true;
		}
	}
	return false;
}

unsigned
http_response_join(const struct http_response *r, const char *name,
	char *out, size_t cap)
{
	unsigned i, n = 0;
	size_t len = 0;

	if (cap == 0)
		return 0;
	for (i = 0; i < r->nfields; i++) {
		const struct http_field *f = &r->fields[i];
		size_t k;

		if (!ascii_ieq(f->name, f->name_len, name))
			continue;
		if (n++ > 0) {
			for (k = 0; k < 2 && len + 1 < cap; k++)
				out[len++] = ", "[k];
		}
		k = f->value_len;
		if (k > cap - 1 - len)
			k = cap - 1 - len;
		memcpy(out + len, f->value, k);
		len += k;
	}
	out[len] = '\0';
	return n;
}

int
http_response_content_length(const struct http_response *r, uint64_t *out)
{
	unsigned i;
	bool seen = false;
	uint64_t v = 0;

	for (i = 0; i < r->nfields; i++) {
		const struct http_field *f = &r->fields[i];
		const char *p = f->value, *end = f->value + f->value_len;

		if (!ascii_ieq(f->name, f->name_len, "content-length"))
			continue;
		/* A list of identical values is one value (RFC 9112 6.3). */
		while (p < end) {
			const char *q = p;
			uint64_t x;

			while (q < end && *q != ',')
				q++;
			while (p < q && is_ows(*p))
				p++;
			{
				const char *t = q;

				while (t > p && is_ows(t[-1]))
					t--;
				if (parse_u64(p, (size_t)(t - p),
				    (uint64_t)1 << 62, &x) != 0)
					return -1;
			}
			if (seen && x != v)
				return -1;
			v = x;
			seen = true;
			p = q < end ? q + 1 : end;
		}
	}
	if (!seen)
		return 0;
	*out = v;
	return 1;
}

bool
http_response_is_chunked(const struct http_response *r)
{
	char buf[1024];
	size_t n, e;

	if (http_response_join(r, "transfer-encoding", buf, sizeof(buf)) == 0)
		return false;
	n = strlen(buf);
	while (n > 0 && (is_ows(buf[n - 1]) || buf[n - 1] == ','))
		n--;
	e = n;
	while (n > 0 && buf[n - 1] != ',')
		n--;
	while (n < e && is_ows(buf[n]))
		n++;
	return ascii_ieq(buf + n, e - n, "chunked");
}

bool
http_response_media_type(const struct http_response *r, char *out,
	size_t cap)
{
	const char *v;
	size_t vlen, i, n = 0;

	if (cap == 0 || !http_response_first(r, "content-type", &v, &vlen))
		return false;
	for (i = 0; i < vlen && v[i] != ';' && v[i] != ','; i++)
		;
	while (i > 0 && is_ows(v[i - 1]))
		i--;
	for (size_t k = 0; k < i && n + 1 < cap; k++)
		if (n > 0 || !is_ows(v[k]))
			out[n++] = ascii_lower(v[k]);
	out[n] = '\0';
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum chunk_state {
	CHUNK_SIZE = 0,		/* at a chunk-size line */
	CHUNK_DATA,		/* in a chunk's data */
	CHUNK_DATA_END,		/* at the CRLF after the data */
	CHUNK_DATA_LF,		/* at its LF, the CR seen */
	CHUNK_TRAILER,		/* at a trailer field line or the end */
	CHUNK_DONE,
	CHUNK_BAD,
};

/* The LF of the line at st->pos, searched from st->scan on: its offset, or
 * len when it has not arrived (st->scan then remembers how far we looked). */
static size_t
chunk_line_lf(struct http_chunked *st, const char *buf, size_t len)
{
	size_t from = st->scan > st->pos ? st->scan : st->pos;
	const char *lf = from < len ? memchr(buf + from, '\n', len - from) :
	    NULL;

	if (lf == NULL) {
		st->scan = len;
		return len;
	}
	return (size_t)(lf - buf);
}

int
http_chunked_feed(struct http_chunked *st, const char *buf, size_t len,
	char *out, size_t cap)
{
	for (;;) {
		switch ((enum chunk_state)st->state) {
		case CHUNK_SIZE: {
			/* chunk-size [ chunk-ext ] CRLF: at most 15 hex digits
			 * are looked at again when the line is incomplete. */
			uint64_t size = 0;
			size_t i = st->pos, digits = 0, lf;

			if (st->chunks >= HTTP_MAX_CHUNKS)
				goto bad;
			while (i < len && hexval(buf[i]) >= 0) {
				if (++digits > 15)
					goto bad;
				size = size * 16 + (uint64_t)hexval(buf[i++]);
			}
			if (i >= len)
				return 0;
			if (digits == 0)
				goto bad;
			lf = chunk_line_lf(st, buf, len);
			if (lf == len)
				return 0;
			st->chunks++;
			st->pos = st->scan = lf + 1;
			if (size == 0) {
				st->state = CHUNK_TRAILER;
				break;
			}
			if (size > cap - st->n)
				goto bad;
			st->left = size;
			st->state = CHUNK_DATA;
			break;
		}
		case CHUNK_DATA: {
			size_t k = len - st->pos;

			if (k > st->left)
				k = (size_t)st->left;
			memmove(out + st->n, buf + st->pos, k);
			st->n += k;
			st->pos += k;
			st->left -= k;
			if (st->left > 0)
				return 0;
			st->state = CHUNK_DATA_END;
			break;
		}
		case CHUNK_DATA_END:
			if (st->pos >= len)
				return 0;
			if (buf[st->pos] == '\r') {
				st->pos++;
				st->state = CHUNK_DATA_LF;
				break;
			}
			/* FALLTHROUGH */
		case CHUNK_DATA_LF:
			if (st->pos >= len)
				return 0;
			if (buf[st->pos] != '\n')
				goto bad;
			st->pos++;
			st->scan = st->pos;
			st->state = CHUNK_SIZE;
			break;
		case CHUNK_TRAILER: {
			/* trailer-section CRLF: field lines to the empty one. */
			size_t lf = chunk_line_lf(st, buf, len), e;

			if (lf == len)
				return 0;
			e = lf > st->pos && buf[lf - 1] == '\r' ? lf - 1 : lf;
			if (e == st->pos) {
				st->pos = lf + 1;
				st->state = CHUNK_DONE;
				return 1;
			}
			st->pos = st->scan = lf + 1;
			break;
		}
		case CHUNK_DONE:
			return 1;
		case CHUNK_BAD:
		default:
			return -1;
		}
	}
bad:
	st->state = CHUNK_BAD;
	return -1;
}

int
http_chunked_decode(const char *buf, size_t len, char *out, size_t cap,
	size_t *outlen)
{
	struct http_chunked st;
	int rc;

	memset(&st, 0, sizeof(st));
	rc = http_chunked_feed(&st, buf, len, out, cap);
	*outlen = st.n;
	return rc;
}
