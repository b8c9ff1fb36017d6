/*
 * list.c - streaming list readers (list.h): the source, lines, names and
 * the duplicate set, format detection, open and close.
 *
 * Layers, bottom up:
 *   source   bytes from a file descriptor or a memory buffer, in chunks of
 *            LIST_READ_CHUNK, hashed (SHA-256) as they are read
 *   lines    physical lines in a ring of LIST_MAX_LINE buffers, so that a
 *            record can look ahead over quoted line breaks (CSV) or open
 *            parentheses (zone) and give the lines back when the quote or
 *            parenthesis never closes
 *   formats  one file each (list_int.h between them): list_tranco.c,
 *            list_plain.c and list_csv.c parse a record; list_zone.c
 *            splits the file into records as ldns's own reader does
 *            (parentheses, quotes, ';' comments), gives each record to
 *            ldns (ldns_rr_new_frm_str) and keeps the delegations
 *   names    dname_normalize, then the duplicate set
 *
 * Why the zone reader does not call ldns_rr_new_frm_fp_l: that function
 * reads a parenthesised record into a buffer that grows without bound (an
 * unclosed '(' swallows the rest of a multi-gigabyte zone), and its line
 * counter runs on past the blank lines after a record, so error reports
 * would name the wrong line.  Splitting records here keeps every bound
 * and names the first line of each record; ldns still parses each one.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "hash.h"
#include "list.h"
#include "list_int.h"
#include "log.h"
#include "util.h"

#define LOG_GROUP "list"

/* Key of the duplicate set's hash ("uptake-dedupe-v1"): fixed, see list.h. */
static const uint8_t dedupe_key[HASH_KEY_LEN] = {
	'u', 'p', 't', 'a', 'k', 'e', '-', 'd',
	'e', 'd', 'u', 'p', 'e', '-', 'v', '1',
};

/* Duplicate set: initial slots (a power of two); grown at 70% full. */
#define SET_INITIAL_SLOTS 1024

static const char *const format_names[] = {
	[LIST_FORMAT_AUTO] = "auto",
	[LIST_FORMAT_TRANCO] = "tranco",
	[LIST_FORMAT_PLAIN] = "plain",
	[LIST_FORMAT_CSV] = "csv",
	[LIST_FORMAT_ZONE] = "zone",
};

static const char *const bad_names[LIST_BAD_COUNT] = {
	[LIST_BAD_LINE_TOO_LONG] = "line_too_long",
	[LIST_BAD_NUL] = "nul_byte",
	[LIST_BAD_FIELDS] = "bad_fields",
	[LIST_BAD_RANK] = "bad_rank",
	[LIST_BAD_NAME] = "bad_name",
	[LIST_BAD_ZONE_SYNTAX] = "zone_syntax",
	[LIST_BAD_ZONE_INCLUDE] = "zone_include",
	[LIST_BAD_ZONE_SPAN] = "zone_span",
	[LIST_BAD_ZONE_NO_ORIGIN] = "zone_no_origin",
};


const char *
list_format_str(enum list_format f)
{
	if ((unsigned)f > LIST_FORMAT_ZONE)
		return "unknown";
	return format_names[f];
}

int
list_format_parse(const char *s, enum list_format *out)
{
	for (unsigned i = 0; i <= LIST_FORMAT_ZONE; i++) {
		if (s != NULL && strcmp(s, format_names[i]) == 0) {
			*out = (enum list_format)i;
			return 0;
		}
	}
	return -1;
}

const char *
list_bad_str(enum list_bad b)
{
	if ((unsigned)b >= LIST_BAD_COUNT)
		return "unknown";
	return bad_names[b];
}

/* ---- duplicate set -------------------------------------------------- */

static void
hset_insert_raw(uint64_t *slots, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (slots[i] != 0)
		i = (i + 1) & (cap - 1);
	slots[i] = h;
}

/* Add h; returns false if it was present. */
static bool
hset_add(struct hset *s, uint64_t h)
{
	size_t i;

	if (h == 0)
		h = 1;
	if (s->slots == NULL) {
		s->cap = SET_INITIAL_SLOTS;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
	}
	for (i = (size_t)h & (s->cap - 1); s->slots[i] != 0;
	    i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i] == h)
			return false;
	}
	if ((s->count + 1) * 10 > s->cap * 7) {
		size_t ncap = s->cap * 2;
		uint64_t *ns = xcalloc(ncap, sizeof(*ns));

		for (size_t j = 0; j < s->cap; j++)
			if (s->slots[j] != 0)
				hset_insert_raw(ns, ncap, s->slots[j]);
		free(s->slots);
		s->slots = ns;
		s->cap = ncap;
		hset_insert_raw(s->slots, s->cap, h);
	} else {
		s->slots[i] = h;
	}
	s->count++;
	return true;
}

/* ---- messages -------------------------------------------------------- */

/* Escape up to LIST_LOG_EXCERPT bytes of s for a log line. */
void
list_excerpt(const char *s, size_t len, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < len && i < LIST_LOG_EXCERPT && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/*
 * Count a bad line and report it (the first LIST_LOG_BAD_MAX).  detail
 * and text may be NULL.
 */
void
list_bad_line(struct list_reader *r, uint64_t lineno, enum list_bad why,
    enum dname_error name_why, const char *detail, const char *text,
    size_t len)
{
	char ex[LIST_LOG_EXCERPT * 4 + 8];
	const char *reason = list_bad_str(why);

	r->st.bad++;
	r->st.bad_by[why]++;
	if (why == LIST_BAD_NAME) {
		r->st.bad_name_by[name_why]++;
		reason = dname_error_str(name_why);
	}
	r->logged++;
	if (r->logged > LIST_LOG_BAD_MAX + 1)
		return;
	if (r->logged == LIST_LOG_BAD_MAX + 1) {
		log_warn(LOG_GROUP, "%s: more bad lines not shown; totals at "
		    "the end", r->name);
		return;
	}
	if (text != NULL) {
		list_excerpt(text, len, ex, sizeof(ex));
		log_warn(LOG_GROUP, "%s:%llu: %s%s%s: \"%s\"", r->name,
		    (unsigned long long)lineno, reason, detail ? ": " : "",
		    detail ? detail : "", ex);
	} else {
		log_warn(LOG_GROUP, "%s:%llu: %s%s%s", r->name,
		    (unsigned long long)lineno, reason, detail ? ": " : "",
		    detail ? detail : "");
	}
}

void
list_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- source ---------------------------------------------------------- */

/*
 * Read into chunk[at..LIST_READ_CHUNK), hash and count what came.  Returns
 * the bytes read, 0 at the end, -1 on error (r->err set).
 */
static ssize_t
src_read(struct list_reader *r, size_t at)
{
	ssize_t n;

	if (r->src_eof)
		return 0;
	if (r->src_error)
		return -1;
	if (r->fd < 0) {
		size_t take = r->mem_len - r->mem_off;

		if (take > LIST_READ_CHUNK - at)
			take = LIST_READ_CHUNK - at;
		memcpy(r->chunk + at, r->mem + r->mem_off, take);
		r->mem_off += take;
		n = (ssize_t)take;
	} else {
		do {
			n = read(r->fd, r->chunk + at, LIST_READ_CHUNK - at);
		} while (n < 0 && errno == EINTR);
		if (n < 0) {
			r->src_error = true;
			list_set_err(r->err, sizeof(r->err), "%s: read error: %s",
			    r->name, strerror(errno));
			return -1;
		}
	}
	if (n == 0) {
		r->src_eof = true;
		return 0;
	}
	r->st.bytes += (uint64_t)n;
	if (EVP_DigestUpdate(r->md, r->chunk + at, (size_t)n) != 1)
		abort(); /* fails only on a broken context */
	return n;
}

/* Next chunk.  Returns bytes read, 0 at the end, -1 on error. */
static ssize_t
src_fill(struct list_reader *r)
{
	ssize_t n;

	r->chunk_off = 0;
	r->chunk_len = 0;
	n = src_read(r, 0);
	if (n > 0)
		r->chunk_len = (size_t)n;
	return n;
}

/* Fill the first chunk completely, or to the end: for detection. */
static int
src_prime(struct list_reader *r)
{
	r->chunk_off = 0;
	r->chunk_len = 0;
	while (r->chunk_len < LIST_READ_CHUNK) {
		ssize_t n = src_read(r, r->chunk_len);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		r->chunk_len += (size_t)n;
	}
	return 0;
}

/* ---- lines ----------------------------------------------------------- */

/* Read one physical line into ln.  Returns 1, 0 at the end, -1 on error. */
static int
read_line(struct list_reader *r, struct line *ln)
{
	bool any = false;

	if (ln->buf == NULL)
		ln->buf = xmalloc(LIST_MAX_LINE + 1);
	ln->len = 0;
	ln->too_long = false;
	ln->nul = false;
	for (;;) {
		const uint8_t *p, *nl;
		size_t avail, seg, room;

		if (r->chunk_off == r->chunk_len) {
			ssize_t n = src_fill(r);

			if (n < 0)
				return -1;
			if (n == 0) {
				if (!any)
					return 0;
				break;
			}
		}
		any = true;
		p = r->chunk + r->chunk_off;
		avail = r->chunk_len - r->chunk_off;
		nl = memchr(p, '\n', avail);
		seg = nl != NULL ? (size_t)(nl - p) : avail;
		/* Keep what fits: an overlong line's start, for reports. */
		room = LIST_MAX_LINE - ln->len;
		if (seg > room)
			ln->too_long = true;
		memcpy(ln->buf + ln->len, p, seg < room ? seg : room);
		ln->len += seg < room ? seg : room;
		r->chunk_off += seg;
		if (nl != NULL) {
			r->chunk_off++;
			break;
		}
	}
	ln->lineno = ++r->lineno;
	r->st.lines++;
	if (!ln->too_long && ln->len > 0 && ln->buf[ln->len - 1] == '\r')
		ln->len--;
	if (ln->lineno == 1 && ln->len >= 3 &&
	    memcmp(ln->buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(ln->buf, ln->buf + 3, ln->len - 3);
		ln->len -= 3;
	}
	ln->nul = memchr(ln->buf, '\0', ln->len) != NULL;
	ln->buf[ln->len] = '\0';
	return 1;
}

/* The i-th line ahead (0: next).  Returns 1, 0 if the file ends first, -1. */
int
list_ring_peek(struct list_reader *r, size_t i, struct line **out)
{
	if (i >= RING_SLOTS)
		return 0;
	while (r->ring_count <= i) {
		struct line *ln = &r->ring[(r->ring_head + r->ring_count) %
		    RING_SLOTS];
		int rc = read_line(r, ln);

		if (rc <= 0)
			return rc;
		r->ring_count++;
	}
	*out = &r->ring[(r->ring_head + i) % RING_SLOTS];
	return 1;
}

/*
 * Drop n lines from the front.  Their buffers stay valid until the next
 * ring_peek that reads a line.
 */
void
list_ring_consume(struct list_reader *r, size_t n)
{
	r->ring_head = (r->ring_head + n) % RING_SLOTS;
	r->ring_count -= n;
	if (r->ring_count == 0)
		r->ring_head = 0;
}

/* ---- small parsers --------------------------------------------------- */

bool
list_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void
list_trim(const char **s, size_t *len)
{
	while (*len > 0 && list_is_blank((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && list_is_blank((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* True for a blank line or a '#' comment line. */
bool
list_skip_line(const char *s, size_t len)
{
	list_trim(&s, &len);
	return len == 0 || s[0] == '#';
}

/* Rank from s[0..len) (blanks around allowed).  Returns 0 or -1. */
int
list_parse_rank(const char *s, size_t len, int64_t *out)
{
	list_trim(&s, &len);
	return parse_i64(s, len, 0, LIST_MAX_RANK, out);
}

/* ---- names ----------------------------------------------------------- */

/*
 * Normalise raw[0..len) and fill e unless it is bad (reported with the
 * line text) or a duplicate.  Returns true if e was filled.
 */
bool
list_yield(struct list_reader *r, const char *raw, size_t len, int64_t rank,
    uint64_t lineno, struct list_entry *e, const char *text, size_t textlen)
{
	enum dname_error de;

	de = dname_normalize(raw, len, e->domain, sizeof(e->domain));
	if (de != DNAME_OK) {
		list_bad_line(r, lineno, LIST_BAD_NAME, de, NULL, text, textlen);
		return false;
	}
	if (r->map != NULL) {
		char mapped[DNAME_BUF_SIZE];

		if (r->map(r->map_arg, e->domain, mapped, sizeof(mapped)) < 0 ||
		    !dname_is_valid(mapped)) {
			list_bad_line(r, lineno, LIST_BAD_NAME, DNAME_EMPTY,
			    "mapping failed", text, textlen);
			return false;
		}
		if (strcmp(mapped, e->domain) != 0) {
			r->st.mapped++;
			memcpy(e->domain, mapped, strlen(mapped) + 1);
		}
	}
	if (!hset_add(&r->seen, hash_siphash24(dedupe_key, e->domain,
	    strlen(e->domain)))) {
		r->st.duplicates++;
		log_debug(LOG_GROUP, "%s:%llu: duplicate %s", r->name,
		    (unsigned long long)lineno, e->domain);
		return false;
	}
	e->index = r->next_index++;
	e->rank = rank;
	e->line = lineno;
	r->st.yielded++;
	return true;
}

/*
 * Report a line that is too long or binary; returns true if it was one.
 * Such lines count as records (they may have held data).
 */
bool
list_bad_physical(struct list_reader *r, const struct line *ln)
{
	if (ln->too_long) {
		r->st.records++;
		list_bad_line(r, ln->lineno, LIST_BAD_LINE_TOO_LONG, 0, NULL,
		    ln->buf, ln->len);
		return true;
	}
	if (ln->nul) {
		r->st.records++;
		list_bad_line(r, ln->lineno, LIST_BAD_NUL, 0, NULL, ln->buf,
		    ln->len);
		return true;
	}
	return false;
}

/* ---- detection ------------------------------------------------------- */

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t sl = strlen(s), xl = strlen(suffix);

	return sl >= xl && strcasecmp(s + sl - xl, suffix) == 0;
}

/* A zone-file line: a directive, or an SOA or NS record. */
static bool
zone_like(const char *s, size_t len)
{
	size_t pos = 0;

	if (len > 0 && s[0] == '$')
		return true;
	if (memchr(s, ',', len) != NULL)
		return false;
	for (int tok = 0; tok < 5 && pos < len; tok++) {
		size_t st;

		while (pos < len && list_is_blank((unsigned char)s[pos]))
			pos++;
		st = pos;
		while (pos < len && !list_is_blank((unsigned char)s[pos]))
			pos++;
		if (tok > 0 && ((pos - st == 3 &&
		    strncasecmp(s + st, "SOA", 3) == 0) ||
		    (pos - st == 2 && strncasecmp(s + st, "NS", 2) == 0)))
			return true;
	}
	return false;
}

/* "digits," at the start (blanks allowed). */
static bool
tranco_like(const char *s, size_t len)
{
	size_t i = 0, d;

	while (i < len && list_is_blank((unsigned char)s[i]))
		i++;
	d = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d)
		return false;
	while (i < len && list_is_blank((unsigned char)s[i]))
		i++;
	return i < len && s[i] == ',';
}

/*
 * Detect the format from the name and the first chunk buf[0..len) (which
 * is the whole file if at_eof).  Pure.  Returns 0, or -1 with the reason
 * in err.  Rules, first match wins: a ".zone" name; a directive or an SOA
 * or NS record among the first data lines (zone); a first data line
 * naming a "domain" column (csv); at least half of the first data lines
 * starting with "digits," (tranco); at least half with a comma (an error:
 * no way to tell); else plain.
 */
static int
detect(const char *name, const char *buf, size_t len, bool at_eof,
    enum list_format *out, char *err, size_t errlen)
{
	size_t pos = 0;
	int data = 0, tranco = 0, comma = 0;

	if (has_suffix(name, ".zone")) {
		*out = LIST_FORMAT_ZONE;
		return 0;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && data < LIST_DETECT_LINES) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		const char *s = buf + pos;
		size_t l;

		if (nl == NULL && !at_eof)
			break; /* a partial line: not looked at */
		l = nl != NULL ? (size_t)(nl - s) : len - pos;
		pos += l + 1;
		if (l > LIST_MAX_LINE)
			continue;
		list_trim(&s, &l);
		if (l == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (zone_like(s, l)) {
			*out = LIST_FORMAT_ZONE;
			return 0;
		}
		if (data == 0 && list_csv_find(s, l, "domain") >= 0) {
			*out = LIST_FORMAT_CSV;
			return 0;
		}
		data++;
		tranco += tranco_like(s, l);
		comma += memchr(s, ',', l) != NULL;
	}
	if (data > 0 && tranco * 2 >= data) {
		*out = LIST_FORMAT_TRANCO;
		return 0;
	}
	if (data > 0 && comma * 2 >= data) {
		list_set_err(err, errlen, "%s: cannot tell the list format: its "
		    "lines have commas but neither a leading rank (tranco) nor "
		    "a header naming a 'domain' column (csv); use "
		    "--list-format", name);
		return -1;
	}
	*out = LIST_FORMAT_PLAIN;
	return 0;
}

/* ---- open/close ------------------------------------------------------ */

static struct list_reader *
reader_new(const char *name)
{
	struct list_reader *r = xcalloc(1, sizeof(*r));

	r->name = xstrdup(name);
	r->fd = -1;
	r->size = -1;
	r->csv_domain = -1;
	r->csv_rank = -1;
	r->tranco_first = true;
	r->zttl = 3600;
	r->chunk = xmalloc(LIST_READ_CHUNK);
	r->rec = xmalloc(REC_SIZE);
	r->md = EVP_MD_CTX_new();
	if (r->md == NULL || EVP_DigestInit_ex(r->md, EVP_sha256(), NULL) != 1)
		fatal(1, "OpenSSL: cannot set up SHA-256");
	return r;
}

static struct list_reader *
reader_start(struct list_reader *r, enum list_format fmt, char *err,
    size_t errlen)
{
	if (src_prime(r) < 0) {
		list_set_err(err, errlen, "%s", r->err);
		goto fail;
	}
	if (r->chunk_len >= 2 &&
	    ((r->chunk[0] == 0xff && r->chunk[1] == 0xfe) ||
	    (r->chunk[0] == 0xfe && r->chunk[1] == 0xff))) {
		list_set_err(err, errlen, "%s: UTF-16 text (byte-order mark): "
		    "convert the list to UTF-8", r->name);
		goto fail;
	}
	if (fmt == LIST_FORMAT_AUTO &&
	    detect(r->name, (const char *)r->chunk, r->chunk_len, r->src_eof,
	    &fmt, err, errlen) < 0)
		goto fail;
	if (fmt == LIST_FORMAT_AUTO || (unsigned)fmt > LIST_FORMAT_ZONE) {
		list_set_err(err, errlen, "%s: unknown list format", r->name);
		goto fail;
	}
	r->fmt = fmt;
	if (fmt == LIST_FORMAT_CSV && list_csv_open(r, err, errlen) < 0)
		goto fail;
	log_debug(LOG_GROUP, "%s: %s list", r->name, list_format_str(fmt));
	return r;
fail:
	list_close(r);
	return NULL;
}

struct list_reader *
list_open(const char *path, enum list_format fmt, char *err, size_t errlen)
{
	struct list_reader *r;
	struct stat sb;
	bool is_stdin;
	int fd;

	if (path == NULL) {
		list_set_err(err, errlen, "no list given");
		return NULL;
	}
	is_stdin = strcmp(path, "-") == 0;
	fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		list_set_err(err, errlen, "%s: %s", is_stdin ? "standard input" :
		    path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) < 0) {
		list_set_err(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(sb.st_mode)) {
		list_set_err(err, errlen, "%s: is a directory", path);
		close(fd);
		return NULL;
	}
	r = reader_new(is_stdin ? "<stdin>" : path);
	r->fd = fd;
	if (S_ISREG(sb.st_mode))
		r->size = (int64_t)sb.st_size;
	return reader_start(r, fmt, err, errlen);
}

struct list_reader *
list_open_mem(const void *buf, size_t len, const char *name,
    enum list_format fmt, char *err, size_t errlen)
{
	struct list_reader *r = reader_new(name != NULL ? name : "<memory>");

	r->mem = buf;
	r->mem_len = buf != NULL ? len : 0;
	r->size = (int64_t)r->mem_len;
	return reader_start(r, fmt, err, errlen);
}

/* One line of totals for the log (the crawl's summary); into buf. */
static void list_summary(const struct list_reader *r, char *buf, size_t len);

static void
report_summary(struct list_reader *r)
{
	char buf[1024];

	if (r->summary_logged)
		return;
	r->summary_logged = true;
	list_summary(r, buf, sizeof(buf));
	if (r->st.bad > 0)
		log_warn(LOG_GROUP, "%s", buf);
	else
		log_info(LOG_GROUP, "%s", buf);
}

int
list_next(struct list_reader *r, struct list_entry *e)
{
	int rc;

	if (r->failed)
		return -1;
	if (r->done)
		return 0;
	switch (r->fmt) {
	case LIST_FORMAT_TRANCO:
		rc = list_tranco_next(r, e);
		break;
	case LIST_FORMAT_PLAIN:
		rc = list_plain_next(r, e);
		break;
	case LIST_FORMAT_CSV:
		rc = list_csv_next(r, e);
		break;
	case LIST_FORMAT_ZONE:
		rc = list_zone_next(r, e);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc == 0) {
		r->done = true;
		report_summary(r);
	} else if (rc < 0) {
		r->failed = true;
		if (r->err[0] == '\0')
			list_set_err(r->err, sizeof(r->err), "%s: read error",
			    r->name);
		log_err(LOG_GROUP, "%s", r->err);
	}
	return rc;
}

enum list_format
list_format(const struct list_reader *r)
{
	return r->fmt;
}

void
list_stats(const struct list_reader *r, struct list_stats *out)
{
	*out = r->st;
}

int64_t
list_size(const struct list_reader *r)
{
	return r->size;
}

/* Append to buf at *o; false when it no longer fits. */
static bool
sum_add(char *buf, size_t len, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool
sum_add(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *o) {
		*o = len;
		return false;
	}
	*o += (size_t)n;
	return true;
}

static void
list_summary(const struct list_reader *r, char *buf, size_t len)
{
	const struct list_stats *st = &r->st;
	size_t o = 0;
	bool any = false;

	if (len == 0)
		return;
	buf[0] = '\0';
	sum_add(buf, len, &o, "%s: %s list, %llu lines, %llu domains, %llu "
	    "duplicates, %llu bad lines", r->name, list_format_str(r->fmt),
	    (unsigned long long)st->lines, (unsigned long long)st->yielded,
	    (unsigned long long)st->duplicates, (unsigned long long)st->bad);
	for (int b = 0; b < LIST_BAD_COUNT; b++) {
		if (st->bad_by[b] == 0)
			continue;
		if (b != LIST_BAD_NAME) {
			sum_add(buf, len, &o, "%s%s %llu", any ? ", " : " (",
			    list_bad_str(b), (unsigned long long)st->bad_by[b]);
			any = true;
			continue;
		}
		for (int d = 1; d < DNAME_ERROR_COUNT; d++) {
			if (st->bad_name_by[d] == 0)
				continue;
			sum_add(buf, len, &o, "%s%s %llu", any ? ", " : " (",
			    dname_error_str(d),
			    (unsigned long long)st->bad_name_by[d]);
			any = true;
		}
	}
	if (any)
		sum_add(buf, len, &o, ")");
	if (st->mapped > 0)
		sum_add(buf, len, &o, "; %llu names mapped",
		    (unsigned long long)st->mapped);
	if (r->fmt == LIST_FORMAT_ZONE)
		sum_add(buf, len, &o, "; %llu NS records, %llu not "
		    "delegations", (unsigned long long)st->zone_ns,
		    (unsigned long long)st->zone_other);
}

int
list_sha256_hex(struct list_reader *r, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned int dlen = 0;

	out[0] = '\0';
	if (!r->md_final) {
		if (!r->done || !r->src_eof) {
			/* Read the rest, not parsed: the reader is done. */
			for (;;) {
				ssize_t n = src_fill(r);

				if (n < 0)
					return -1;
				if (n == 0)
					break;
			}
			r->ring_count = 0;
			r->done = true;
		}
		if (EVP_DigestFinal_ex(r->md, r->digest, &dlen) != 1 ||
		    dlen != sizeof(r->digest))
			return -1;
		r->md_final = true;
	}
	for (size_t i = 0; i < sizeof(r->digest); i++) {
		out[2 * i] = hex[r->digest[i] >> 4];
		out[2 * i + 1] = hex[r->digest[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

void
list_set_map(struct list_reader *r, list_map_cb cb, list_map_free_cb free_cb,
    void *arg)
{
	if (r->map_free != NULL)
		r->map_free(r->map_arg);
	r->map = cb;
	r->map_free = free_cb;
	r->map_arg = arg;
}

void
list_close(struct list_reader *r)
{
	if (r == NULL)
		return;
	if (r->map_free != NULL)
		r->map_free(r->map_arg);
	ldns_rdf_deep_free(r->zorigin);
	ldns_rdf_deep_free(r->zprev);
	ldns_rdf_deep_free(r->zapex);
	ldns_rdf_deep_free(r->zlast);
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < RING_SLOTS; i++)
		free(r->ring[i].buf);
	free(r->rec);
	free(r->chunk);
	free(r->seen.slots);
	EVP_MD_CTX_free(r->md);
	free(r->name);
	free(r);
}
