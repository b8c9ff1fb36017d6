/*
 * vrp_json.c - VRPs from rpki-client or Routinator JSON.
 *
 *   {"metadata": {"buildtime": "2026-11-28T15:02:53Z", ...},
 *    "roas": [{"asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24,
 *              "ta": "ripe", "expires": 1858950176}, ...], ...}
 *
 * Routinator writes "asn": "AS64496" and metadata "generated" (seconds).
 *
 * Memory: a real file holds ~800,000 VRPs; a jansson tree of all of it
 * would take several hundred MB.  So the top level and the "roas" array
 * are walked here (only to find where each value starts and ends), and
 * each value is decoded by jansson on its own slice and freed at once:
 * the peak is the input (mapped read-only) plus one element.  Keys other
 * than "metadata" and "roas" (aspas, bgpsec_keys, ...) are stepped over
 * without decoding.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lpm.h"
#include "vrp.h"
#include "vrp_int.h"

struct jscan {
	const char *buf;
	size_t len;
	size_t pos;
	/* line of line_pos, for messages */
	size_t line_pos;
	uint64_t line;
};

static void
skip_ws(struct jscan *s)
{
	while (s->pos < s->len && (s->buf[s->pos] == ' ' ||
	    s->buf[s->pos] == '\t' || s->buf[s->pos] == '\n' ||
	    s->buf[s->pos] == '\r'))
		s->pos++;
}

/* The line of byte pos (pos never goes back). */
static uint64_t
line_at(struct jscan *s, size_t pos)
{
	const char *p = s->buf + s->line_pos, *end = s->buf + pos;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		s->line++;
		p++;
	}
	s->line_pos = pos;
	return s->line;
}

/*
 * Step over one JSON value starting at s->pos: an object or array (to its
 * matching bracket, at most VRP_JSON_MAX_DEPTH deep), a string, or a
 * scalar (up to the next delimiter).  Only finds the end: jansson checks
 * the syntax of what is decoded.  Returns 0, or -1 at the end of input or
 * on mismatched brackets.
 */
static int
skip_value(struct jscan *s)
{
	char stack[VRP_JSON_MAX_DEPTH];
	size_t depth = 0;
	bool in_str = false;

	if (s->pos >= s->len)
		return -1;
	if (s->buf[s->pos] != '{' && s->buf[s->pos] != '[' &&
	    s->buf[s->pos] != '"') {
		while (s->pos < s->len && strchr(",]} \t\r\n",
		    s->buf[s->pos]) == NULL)
			s->pos++;
		return 0;
	}
	for (; s->pos < s->len; s->pos++) {
		char c = s->buf[s->pos];

		if (in_str) {
			if (c == '\\')
				s->pos++;
			else if (c == '"') {
				in_str = false;
				if (depth == 0) {
					s->pos++;
					return 0;
				}
			}
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			if (depth == VRP_JSON_MAX_DEPTH)
				return -1;
			stack[depth++] = c == '{' ? '}' : ']';
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != c)
				return -1;
			if (--depth == 0) {
				s->pos++;
				return 0;
			}
			break;
		default:
			break;
		}
	}
	return -1;
}

/* Decode the value at s->pos with jansson and step over it.  NULL with
 * err on a framing or syntax error. */
static json_t *
decode_value(struct jscan *s, size_t flags, json_error_t *jerr)
{
	size_t start = s->pos;

	if (skip_value(s) != 0) {
		snprintf(jerr->text, sizeof(jerr->text), "%s",
		    s->pos >= s->len ? "unexpected end of input" :
		    "unbalanced brackets");
		jerr->line = 1;
		return NULL;
	}
	return json_loadb(s->buf + start, s->pos - start,
	    JSON_DECODE_ANY | flags, jerr);
}

static bool
json_u32(const json_t *j, uint32_t *out)
{
	json_int_t n;

	if (!json_is_integer(j))
		return false;
	n = json_integer_value(j);
	if (n < 0 || n > (json_int_t)UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

/* One element of "roas". */
static void
roa_entry(struct vrp_set *v, const struct vrp_options *o, const json_t *e,
	uint64_t line)
{
	const json_t *jasn, *jpfx, *jmax, *jta, *jexp;
	struct lpm_prefix p;
	uint32_t asn, maxlen;
	const char *why = NULL;

	v->stats.entries++;
	if (!json_is_object(e)) {
		vrp_bad(v, o, line, "roas element is not an object");
		return;
	}
	jasn = json_object_get(e, "asn");
	jpfx = json_object_get(e, "prefix");
	jmax = json_object_get(e, "maxLength");
	jta = json_object_get(e, "ta");
	jexp = json_object_get(e, "expires");
	if (jasn == NULL) {
		vrp_bad(v, o, line, "no \"asn\"");
		return;
	}
	if (json_is_string(jasn) ? vrp_asn_parse(json_string_value(jasn),
	    json_string_length(jasn), &asn) != 0 : !json_u32(jasn, &asn)) {
		vrp_bad(v, o, line, "\"asn\" is not an AS number");
		return;
	}
	if (!json_is_string(jpfx) || lpm_prefix_parse(json_string_value(jpfx),
	    json_string_length(jpfx), &p) != 0) {
		vrp_bad(v, o, line, "\"prefix\" is not an IP prefix");
		return;
	}
	/* RFC 6482: without a maxLength only the prefix itself is allowed. */
	if (jmax == NULL)
		maxlen = p.len;
	else if (!json_u32(jmax, &maxlen) || maxlen > 128) {
		vrp_bad(v, o, line, "\"maxLength\" is not a prefix length");
		return;
	}
	if (jta != NULL && !json_is_string(jta)) {
		vrp_bad(v, o, line, "\"ta\" is not a string");
		return;
	}
	if (jexp != NULL) {
		if (!json_is_integer(jexp)) {
			vrp_bad(v, o, line, "\"expires\" is not a number");
			return;
		}
		if (o->now != 0 && json_integer_value(jexp) < (json_int_t)o->now) {
			v->stats.expired++;
			return;
		}
	}
	if (vrp_set_add(v, &p, asn, maxlen,
	    jta != NULL ? json_string_value(jta) : NULL,
	    jta != NULL ? json_string_length(jta) : 0, &why) != 0)
		vrp_bad(v, o, line, why);
}

static void
metadata(struct vrp_set *v, const json_t *m)
{
	const json_t *bt = json_object_get(m, "buildtime");
	const json_t *gen = json_object_get(m, "generated");
	time_t t;

	if (json_is_string(bt) && vrp_time_parse(json_string_value(bt),
	    json_string_length(bt), &t) == 0)
		v->time = t;
	else if (json_is_integer(gen) && json_integer_value(gen) > 0)
		v->time = (time_t)json_integer_value(gen);
}

static int
fail(struct vrp_set *v, struct jscan *s, size_t pos, uint64_t extra_line,
	const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%llu: %s", v->source,
	    (unsigned long long)(line_at(s, pos) + extra_line), what);
	return -1;
}

static int
roas_array(struct vrp_set *v, struct jscan *s, const struct vrp_options *o,
	char *err, size_t errlen)
{
	char msg[256];

	if (s->pos >= s->len || s->buf[s->pos] != '[')
		return fail(v, s, s->pos, 0, "\"roas\" is not an array", err,
		    errlen);
	s->pos++;
	skip_ws(s);
	if (s->pos < s->len && s->buf[s->pos] == ']') {
		s->pos++;
		return 0;
	}
	for (;;) {
		json_error_t jerr;
		size_t start;
		uint64_t line;
		json_t *e;

		skip_ws(s);
		start = s->pos;
		line = line_at(s, start);
		memset(&jerr, 0, sizeof(jerr));
		if (start < s->len && s->buf[start] == '{' &&
		    skip_value(s) == 0) {
			e = json_loadb(s->buf + start, s->pos - start,
			    JSON_REJECT_DUPLICATES, &jerr);
			if (e == NULL) {
				/* Framing holds: skip the element. */
				v->stats.entries++;
				snprintf(msg, sizeof(msg), "not JSON: %s",
				    jerr.text);
				vrp_bad(v, o, line + (uint64_t)(jerr.line > 0 ?
				    jerr.line - 1 : 0), msg);
			}
		} else {
			s->pos = start;
			e = decode_value(s, 0, &jerr);
			if (e == NULL) {
				snprintf(msg, sizeof(msg), "\"roas\": %s",
				    jerr.text);
				return fail(v, s, start, (uint64_t)(jerr.line >
				    0 ? jerr.line - 1 : 0), msg, err, errlen);
			}
		}
		if (e != NULL) {
			roa_entry(v, o, e, line);
			json_decref(e);
		}
		skip_ws(s);
		if (s->pos < s->len && s->buf[s->pos] == ',') {
			s->pos++;
			continue;
		}
		if (s->pos < s->len && s->buf[s->pos] == ']') {
			s->pos++;
			return 0;
		}
		return fail(v, s, s->pos, 0, s->pos >= s->len ?
		    "\"roas\": unexpected end of input" :
		    "\"roas\": expected ',' or ']'", err, errlen);
	}
}

int
vrp_json_parse(struct vrp_set *v, const char *buf, size_t len,
	const struct vrp_options *o, char *err, size_t errlen)
{
	struct jscan s;
	bool have_roas = false;
	char msg[256];

	memset(&s, 0, sizeof(s));
	s.buf = buf;
	s.len = len;
	s.line = 1;
	skip_ws(&s);
	if (s.pos >= len || buf[s.pos] != '{')
		return fail(v, &s, s.pos, 0, "not a JSON object", err, errlen);
	s.pos++;
	skip_ws(&s);
	if (s.pos < len && buf[s.pos] == '}') {
		s.pos++;
		goto out;
	}
	for (;;) {
		json_error_t jerr;
		json_t *key, *val;
		size_t kpos;
		const char *k;

		skip_ws(&s);
		kpos = s.pos;
		if (s.pos >= len || buf[s.pos] != '"')
			return fail(v, &s, s.pos, 0, "expected a key", err,
			    errlen);
		key = decode_value(&s, 0, &jerr);
		if (key == NULL || !json_is_string(key)) {
			json_decref(key);
			return fail(v, &s, kpos, 0, "bad key", err, errlen);
		}
		skip_ws(&s);
		if (s.pos >= len || buf[s.pos] != ':') {
			json_decref(key);
			return fail(v, &s, s.pos, 0, "expected ':'", err,
			    errlen);
		}
		s.pos++;
		skip_ws(&s);
		k = json_string_value(key);
		if (strcmp(k, "roas") == 0) {
			json_decref(key);
			if (have_roas)
				return fail(v, &s, s.pos, 0,
				    "second \"roas\" array", err, errlen);
			have_roas = true;
			if (roas_array(v, &s, o, err, errlen) != 0)
				return -1;
		} else if (strcmp(k, "metadata") == 0) {
			size_t vpos = s.pos;

			json_decref(key);
			val = decode_value(&s, 0, &jerr);
			if (val == NULL) {
				snprintf(msg, sizeof(msg), "\"metadata\": %s",
				    jerr.text);
				return fail(v, &s, vpos, (uint64_t)(jerr.line >
				    0 ? jerr.line - 1 : 0), msg, err, errlen);
			}
			metadata(v, val);
			json_decref(val);
		} else {
			size_t vpos = s.pos;

			json_decref(key);
			if (skip_value(&s) != 0)
				return fail(v, &s, vpos, 0, "unbalanced value",
				    err, errlen);
		}
		skip_ws(&s);
		if (s.pos < len && buf[s.pos] == ',') {
			s.pos++;
			continue;
		}
		if (s.pos < len && buf[s.pos] == '}') {
			s.pos++;
			break;
		}
		return fail(v, &s, s.pos, 0, s.pos >= len ?
		    "unexpected end of input" : "expected ',' or '}'", err,
		    errlen);
	}
out:
	skip_ws(&s);
	if (s.pos != len)
		return fail(v, &s, s.pos, 0, "data after the JSON object", err,
		    errlen);
	if (!have_roas)
		return fail(v, &s, s.pos, 0, "no \"roas\" array", err, errlen);
	return 0;
}
