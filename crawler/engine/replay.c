/*
 * replay.c - the replay file format (replay.h, docs/replay.md): reading
 * entries and packets in presentation form, and writing them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <ldns/ldns.h>

#include "replay.h"
#include "util.h"

/* Bytes of a replay file read at once (a recorded test world is a few
 * hundred KB; the crafted cases a few KB). */
#define REPLAY_MAX_FILE (64 * 1024 * 1024)
/* Bytes of a QUERY line's name field (LDNS_MAX_DOMAINLEN octets at 4
 * characters each, and the NUL; "%1023s" below). */
#define REPLAY_NAME_TEXT 1024

const char *
replay_outcome_str(enum replay_outcome o)
{
	switch (o) {
	case REPLAY_OK:
		return "OK";
	case REPLAY_TIMEOUT:
		return "TIMEOUT";
	case REPLAY_ERROR:
		return "ERROR";
	case REPLAY_BAD_REPLY:
		return "BAD_REPLY";
	case REPLAY_TRUNCATED:
		return "TRUNCATED";
	}
	return "?";
}

static bool
outcome_parse(const char *s, enum replay_outcome *out)
{
	static const enum replay_outcome all[] = { REPLAY_OK, REPLAY_TIMEOUT,
	    REPLAY_ERROR, REPLAY_BAD_REPLY, REPLAY_TRUNCATED };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, replay_outcome_str(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	return false;
}

char *
replay_name_key(const ldns_rdf *name)
{
	char *s = ldns_rdf2str(name);
	char *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* One line of buf from *pos: start and length without the newline. */
static bool
next_line(const char *buf, size_t len, size_t *pos, const char **line,
	size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*n = nl != NULL ? (size_t)(nl - *line) : len - *pos;
	*pos += *n + (nl != NULL ? 1 : 0);
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return true;
}

static bool
starts(const char *line, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(line, prefix, k) == 0;
}

/* The flags line: ";; flags: qr aa tc rd ra ad cd ; QUERY: ..." */
static void
set_flags(ldns_pkt *p, const char *s)
{
	const char *end = strchr(s, ';');
	char word[8];

	if (end == NULL)
		end = s + strlen(s);
	while (s < end) {
		size_t k = 0;

		while (s < end && isspace((unsigned char)*s))
			s++;
		while (s < end && !isspace((unsigned char)*s) &&
		    k < sizeof(word) - 1)
			word[k++] = *s++;
		while (s < end && !isspace((unsigned char)*s))
			s++;
		word[k] = '\0';
		if (strcmp(word, "qr") == 0)
			ldns_pkt_set_qr(p, true);
		else if (strcmp(word, "aa") == 0)
			ldns_pkt_set_aa(p, true);
		else if (strcmp(word, "tc") == 0)
			ldns_pkt_set_tc(p, true);
		else if (strcmp(word, "rd") == 0)
			ldns_pkt_set_rd(p, true);
		else if (strcmp(word, "ra") == 0)
			ldns_pkt_set_ra(p, true);
		else if (strcmp(word, "ad") == 0)
			ldns_pkt_set_ad(p, true);
		else if (strcmp(word, "cd") == 0)
			ldns_pkt_set_cd(p, true);
	}
}

/* ";; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 0" */
static bool
set_header(ldns_pkt *p, const char *s)
{
	const char *r = strstr(s, "rcode: ");
	char word[16];
	size_t k = 0;
	ldns_lookup_table *lt;

	if (r == NULL)
		return false;
	r += strlen("rcode: ");
	while (r[k] != '\0' && r[k] != ',' && k < sizeof(word) - 1) {
		word[k] = r[k];
		k++;
	}
	word[k] = '\0';
	lt = ldns_lookup_by_name(ldns_rcodes, word);
	if (lt == NULL)
		return false;
	ldns_pkt_set_rcode(p, (uint8_t)lt->id);
	return true;
}

/* ";; EDNS: version 0; flags: do ; udp: 1232" */
static void
set_edns(ldns_pkt *p, const char *s)
{
	const char *u = strstr(s, "udp: ");
	const char *f = strstr(s, "flags:");

	if (u != NULL)
		ldns_pkt_set_edns_udp_size(p, (uint16_t)atoi(u + 5));
	if (f != NULL && strstr(f, " do ") != NULL)
		ldns_pkt_set_edns_do(p, true);
}

ldns_pkt *
replay_pkt_parse(const char *text, size_t len, char *err, size_t errlen)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_pkt_section sec = LDNS_SECTION_ANY;
	size_t pos = 0, n;
	const char *line;
	char *buf = xmalloc(REPLAY_MAX_LINE + 1);
	unsigned lineno = 0;
	bool header = false;

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		free(buf);
		return NULL;
	}
	while (next_line(text, len, &pos, &line, &n)) {
		ldns_rr *rr = NULL;
		ldns_status st;
		char *s;

		lineno++;
		if (n > REPLAY_MAX_LINE) {
			snprintf(err, errlen, "reply line %u: longer than %d "
			    "bytes", lineno, REPLAY_MAX_LINE);
			goto fail;
		}
		memcpy(buf, line, n);
		buf[n] = '\0';
		s = buf;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			continue;
		if (strncmp(s, ";; ->>HEADER<<-", 15) == 0) {
			if (!set_header(p, s)) {
				snprintf(err, errlen, "reply line %u: no rcode "
				    "in the header line", lineno);
				goto fail;
			}
			header = true;
			continue;
		}
		if (strncmp(s, ";; flags:", 9) == 0) {
			set_flags(p, s + 9);
			continue;
		}
		if (strncmp(s, ";; EDNS:", 8) == 0) {
			set_edns(p, s + 8);
			continue;
		}
		if (strcmp(s, ";; QUESTION SECTION:") == 0) {
			sec = LDNS_SECTION_QUESTION;
			continue;
		}
		if (strcmp(s, ";; ANSWER SECTION:") == 0) {
			sec = LDNS_SECTION_ANSWER;
			continue;
		}
		if (strcmp(s, ";; AUTHORITY SECTION:") == 0) {
			sec = LDNS_SECTION_AUTHORITY;
			continue;
		}
		if (strcmp(s, ";; ADDITIONAL SECTION:") == 0) {
			sec = LDNS_SECTION_ADDITIONAL;
			continue;
		}
		if (sec == LDNS_SECTION_QUESTION && strncmp(s, ";;", 2) == 0) {
			s += 2;
			while (isspace((unsigned char)*s))
				s++;
			st = ldns_rr_new_question_frm_str(&rr, s, NULL, NULL);
		} else if (*s == ';') {
			continue;	/* a comment ldns printed */
		} else if (sec == LDNS_SECTION_ANY ||
		    sec == LDNS_SECTION_QUESTION) {
			snprintf(err, errlen, "reply line %u: a record outside "
			    "the answer, authority and additional sections",
			    lineno);
			goto fail;
		} else {
			st = ldns_rr_new_frm_str(&rr, s, 0, NULL, NULL);
		}
		if (st != LDNS_STATUS_OK) {
			snprintf(err, errlen, "reply line %u: %s", lineno,
			    ldns_get_errorstr_by_id(st));
			goto fail;
		}
		ldns_pkt_push_rr(p, sec, rr);
	}
	if (!header) {
		snprintf(err, errlen, "reply without a ;; ->>HEADER<<- line");
		goto fail;
	}
	free(buf);
	return p;
fail:
	free(buf);
	ldns_pkt_free(p);
	return NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static ldns_pkt *
wire_parse(const char *s, size_t n, char *err, size_t errlen)
{
	uint8_t *w;
	size_t i, k = 0;
	ldns_pkt *p = NULL;
	ldns_status st;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n % 2 != 0 || n / 2 > LDNS_MAX_PACKETLEN) {
		snprintf(err, errlen, "WIRE: odd length or above %d bytes",
		    LDNS_MAX_PACKETLEN);
		return NULL;
	}
	w = xmalloc(n / 2 + 1);
	for (i = 0; i < n; i += 2) {
		int hi = hexval((unsigned char)s[i]);
		int lo = hexval((unsigned char)s[i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "WIRE: not hex");
			free(w);
			return NULL;
		}
		w[k++] = (uint8_t)(hi << 4 | lo);
	}
	st = ldns_wire2pkt(&p, w, k);
	free(w);
	if (st != LDNS_STATUS_OK) {
		snprintf(err, errlen, "WIRE: %s", ldns_get_errorstr_by_id(st));
		return NULL;
	}
	return p;
}

static void
entry_fini(struct replay_entry *e)
{
	free(e->name);
	free(e->text);
	ldns_pkt_free(e->reply);
}

const ldns_pkt *
replay_entry_reply(struct replay_entry *e, bool *ok, char *err, size_t errlen)
{
	char msg[256];

	*ok = true;
	if (e->reply != NULL || e->text == NULL)
		return e->reply;
	e->reply = e->wire ? wire_parse(e->text, e->text_len, msg,
	    sizeof(msg)) : replay_pkt_parse(e->text, e->text_len, msg,
	    sizeof(msg));
	if (e->reply == NULL) {
		*ok = false;
		snprintf(err, errlen, "%s:%u: %s", e->file ? e->file : "?",
		    e->text_line, msg);
		return NULL;
	}
	free(e->text);
	e->text = NULL;
	return e->reply;
}

void
replay_file_free(struct replay_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		entry_fini(&f->e[i]);
	free(f->e);
	free(f->path);
	free(f);
}

/* "QUERY name type" into e. */
static bool
query_line(struct replay_entry *e, const char *s, char *err, size_t errlen)
{
	/* A name in presentation form: 255 octets, each at most 4 chars
	 * ("\\ddd"); the sscanf width below is this minus one. */
	char name[REPLAY_NAME_TEXT], type[32];
	ldns_rdf *d;

	if (sscanf(s, "%1023s %31s", name, type) != 2) {
		snprintf(err, errlen, "QUERY wants a name and a type");
		return false;
	}
	e->type = ldns_get_rr_type_by_name(type);
	if (e->type == 0) {
		snprintf(err, errlen, "QUERY: unknown type %.20s", type);
		return false;
	}
	d = ldns_dname_new_frm_str(name);
	if (d == NULL) {
		snprintf(err, errlen, "QUERY: bad name %.100s", name);
		return false;
	}
	e->name = replay_name_key(d);
	ldns_rdf_deep_free(d);
	return e->name != NULL;
}

/* Where the text of the entry being read stands, set as its lines come. */
struct entry_text {
	bool have_reply;	/* a REPLY block was seen */
	size_t reply_at, reply_end;	/* its bytes in the buffer */
	unsigned reply_line;
	const char *wire;	/* a WIRE line's hex, or NULL */
	size_t wire_len;
	unsigned wire_line;
};

/* "ENTRY": a new entry at the end of f, or NULL (err set) when full. */
static struct replay_entry *
entry_open(struct replay_file *f, unsigned lineno, char *err, size_t errlen)
{
	struct replay_entry *e;

	if (f->n >= REPLAY_MAX_ENTRIES) {
		snprintf(err, errlen, "%s:%u: more than %d entries", f->path,
		    lineno, REPLAY_MAX_ENTRIES);
		return NULL;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->e = xreallocarray(f->e, f->cap, sizeof(*f->e));
	}
	e = &f->e[f->n++];
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	return e;
}

/* "DELAY ms" into e. */
static bool
delay_line(struct replay_entry *e, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > REPLAY_MAX_DELAY_MS)
		return false;
	e->delay_ms = (unsigned)v;
	return true;
}

/*
 * "END": give e its text (the WIRE line, else the REPLY block of buf),
 * parse it now unless lazy, and check that the entry is whole.  Returns
 * false with err set.
 */
static bool
entry_close(struct replay_entry *e, const struct entry_text *t,
	const char *path, const char *buf, bool lazy, char *err, size_t errlen)
{
	if (e->name == NULL) {
		snprintf(err, errlen, "%s:%u: entry without QUERY", path,
		    e->line);
		return false;
	}
	if (t->wire != NULL) {
		e->wire = true;
		e->text = xstrndup(t->wire, t->wire_len);
		e->text_len = t->wire_len;
		e->text_line = t->wire_line;
	} else if (t->have_reply) {
		e->text = xstrndup(buf + t->reply_at,
		    t->reply_end - t->reply_at);
		e->text_len = t->reply_end - t->reply_at;
		e->text_line = t->reply_line;
	}
	if (!lazy && e->text != NULL) {
		bool ok;

		e->file = path;
		replay_entry_reply(e, &ok, err, errlen);
		if (!ok)
			return false;
	}
	if (e->text == NULL && e->reply == NULL &&
	    (e->outcome == REPLAY_OK || e->outcome == REPLAY_TRUNCATED)) {
		snprintf(err, errlen, "%s:%u: OUTCOME %s wants a REPLY", path,
		    e->line, replay_outcome_str(e->outcome));
		return false;
	}
	return true;
}

struct replay_file *
replay_file_parse(const char *path, const char *buf, size_t len, bool lazy,
	char *err, size_t errlen)
{
	struct replay_file *f = xcalloc(1, sizeof(*f));
	struct replay_entry *e = NULL;
	struct entry_text t;
	size_t pos = 0, n;
	const char *line;
	char *s = xmalloc(REPLAY_MAX_LINE + 1), msg[256];
	unsigned lineno = 0;
	bool in_reply = false;

	memset(&t, 0, sizeof(t));
	f->path = xstrdup(path);
	while (next_line(buf, len, &pos, &line, &n)) {
		lineno++;
		if (n > REPLAY_MAX_LINE) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes",
			    path, lineno, REPLAY_MAX_LINE);
			goto fail;
		}
		if (in_reply) {
			if (starts(line, n, "WIRE ") || starts(line, n, "END")) {
				in_reply = false;
				t.reply_end = (size_t)(line - buf);
			} else
				continue;
		}
		memcpy(s, line, n);
		s[n] = '\0';
		if (s[0] == '#' || s[strspn(s, " \t")] == '\0')
			continue;
		if (strcmp(s, "ENTRY") == 0) {
			if (e != NULL) {
				snprintf(err, errlen, "%s:%u: ENTRY inside an "
				    "entry (END missing)", path, lineno);
				goto fail;
			}
			if ((e = entry_open(f, lineno, err, errlen)) == NULL)
				goto fail;
			t.have_reply = false;
			t.wire = NULL;
			continue;
		}
		if (e == NULL) {
			snprintf(err, errlen, "%s:%u: '%.40s' outside an entry",
			    path, lineno, s);
			goto fail;
		}
		if (strncmp(s, "QUERY ", 6) == 0) {
			if (!query_line(e, s + 6, msg, sizeof(msg))) {
				snprintf(err, errlen, "%s:%u: %s", path, lineno,
				    msg);
				goto fail;
			}
		} else if (strncmp(s, "OUTCOME ", 8) == 0) {
			if (!outcome_parse(s + 8, &e->outcome)) {
				snprintf(err, errlen, "%s:%u: unknown outcome "
				    "'%.20s' (OK, TIMEOUT, ERROR, BAD_REPLY, "
				    "TRUNCATED)", path, lineno, s + 8);
				goto fail;
			}
		} else if (strncmp(s, "DELAY ", 6) == 0) {
			if (!delay_line(e, s + 6)) {
				snprintf(err, errlen, "%s:%u: DELAY wants "
				    "milliseconds, 0 to %d", path, lineno,
				    REPLAY_MAX_DELAY_MS);
				goto fail;
			}
		} else if (strcmp(s, "REPLY") == 0) {
			in_reply = true;
			t.have_reply = true;
			t.reply_at = pos;
			t.reply_line = lineno;
		} else if (strncmp(s, "WIRE ", 5) == 0) {
			t.wire = line + 5;
			t.wire_len = n - 5;
			t.wire_line = lineno;
		} else if (strcmp(s, "END") == 0) {
			if (!entry_close(e, &t, path, buf, lazy, err, errlen))
				goto fail;
			e = NULL;
		} else {
			snprintf(err, errlen, "%s:%u: unknown line '%.40s'",
			    path, lineno, s);
			goto fail;
		}
	}
	if (e != NULL || in_reply) {
		snprintf(err, errlen, "%s:%u: the last entry has no END", path,
		    lineno);
		goto fail;
	}
	for (n = 0; n < f->n; n++)
		f->e[n].file = f->path;
	free(s);
	return f;
fail:
	free(s);
	replay_file_free(f);
	return NULL;
}

struct replay_file *
replay_file_read(const char *path, bool lazy, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	char *buf;
	size_t len;
	struct replay_file *f;

	if (fp == NULL || fstat(fileno(fp), &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > REPLAY_MAX_FILE) {
		snprintf(err, errlen, "%s: not a regular file of at most %d "
		    "bytes", path, REPLAY_MAX_FILE);
		fclose(fp);
		return NULL;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	len = fread(buf, 1, (size_t)sb.st_size, fp);
	if (ferror(fp) || len != (size_t)sb.st_size) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	f = replay_file_parse(path, buf, len, lazy, err, errlen);
	free(buf);
	return f;
}

void
replay_entry_write(FILE *f, const ldns_rdf *name, ldns_rr_type type,
	enum replay_outcome outcome, const ldns_pkt *pkt)
{
	char *key = replay_name_key(name);
	char *tname = ldns_rr_type2str(type);

	fprintf(f, "ENTRY\nQUERY %s %s\nOUTCOME %s\n", key ? key : ".",
	    tname ? tname : "TYPE0", replay_outcome_str(outcome));
	if (pkt != NULL) {
		ldns_pkt *c = ldns_pkt_clone(pkt);
		char *text = NULL, perr[128];
		uint8_t *w1 = NULL, *w2 = NULL;
		size_t n1 = 0, n2 = 0, i;
		ldns_pkt *back = NULL;

		if (c != NULL) {
			ldns_pkt_set_id(c, 0);
			ldns_pkt_set_querytime(c, 0);
			ldns_rdf_deep_free(ldns_pkt_answerfrom(c));
			ldns_pkt_set_answerfrom(c, NULL);
			ldns_pkt_set_timestamp(c, (struct timeval){ 0, 0 });
			text = ldns_pkt2str(c);
		}
		if (text != NULL) {
			fprintf(f, "REPLY\n%s", text);
			back = replay_pkt_parse(text, strlen(text), perr,
			    sizeof(perr));
		}
		if (c != NULL && ldns_pkt2wire(&w1, c, &n1) == LDNS_STATUS_OK &&
		    (back == NULL || ldns_pkt2wire(&w2, back, &n2) !=
		    LDNS_STATUS_OK || n1 != n2 || memcmp(w1, w2, n1) != 0)) {
			/* The text does not give these bytes back: the
			 * replay uses the wire form. */
			fprintf(f, "WIRE ");
			for (i = 0; i < n1; i++)
				fprintf(f, "%02x", w1[i]);
			fprintf(f, "\n");
		}
		free(w1);
		free(w2);
		ldns_pkt_free(back);
		free(text);
		ldns_pkt_free(c);
	}
	fprintf(f, "END\n\n");
	fflush(f);
	free(tname);
	free(key);
}
