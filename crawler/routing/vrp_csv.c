/*
 * vrp_csv.c - VRPs from CSV as Routinator and rpki-client write it:
 *
 *   ASN,IP Prefix,Max Length,Trust Anchor
 *   AS64496,192.0.2.0/24,24,ripe
 *
 * rpki-client adds a fifth column, Expires (seconds since the epoch).
 * The header is required (it tells the format apart from other CSV); the
 * ASN may be written with or without "AS"; CRLF line ends are accepted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lpm.h"
#include "util.h"
#include "vrp.h"
#include "vrp_int.h"

#define CSV_MIN_COLS 4
#define CSV_MAX_COLS 8		/* columns looked at; more is a bad line */

struct field {
	const char *s;
	size_t len;
};

/* Split line[0..len) at commas into at most CSV_MAX_COLS fields; returns
 * the count, or CSV_MAX_COLS + 1 when there are more. */
static size_t
split(const char *line, size_t len, struct field *f)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && line[i] != ',')
			continue;
		if (n == CSV_MAX_COLS)
			return CSV_MAX_COLS + 1;
		f[n].s = line + start;
		f[n].len = i - start;
		/* Trim blanks around a field. */
		while (f[n].len > 0 && (f[n].s[0] == ' ' || f[n].s[0] == '\t')) {
			f[n].s++;
			f[n].len--;
		}
		while (f[n].len > 0 && (f[n].s[f[n].len - 1] == ' ' ||
		    f[n].s[f[n].len - 1] == '\t'))
			f[n].len--;
		n++;
		start = i + 1;
	}
	return n;
}

static bool
field_is(const struct field *f, const char *name)
{
	return f->len == strlen(name) && strncasecmp(f->s, name, f->len) == 0;
}

static void
csv_entry(struct vrp_set *v, const struct vrp_options *o, const char *line,
	size_t len, uint64_t lineno, int expires_col)
{
	struct field f[CSV_MAX_COLS];
	struct lpm_prefix p;
	uint32_t asn;
	uint64_t maxlen, exp;
	size_t n = split(line, len, f);
	const char *why = NULL;

	v->stats.entries++;
	if (n < CSV_MIN_COLS || n > CSV_MAX_COLS) {
		vrp_bad(v, o, lineno, "expected 4 or 5 comma-separated columns");
		return;
	}
	if (vrp_asn_parse(f[0].s, f[0].len, &asn) != 0) {
		vrp_bad(v, o, lineno, "ASN is not an AS number");
		return;
	}
	if (lpm_prefix_parse(f[1].s, f[1].len, &p) != 0) {
		vrp_bad(v, o, lineno, "IP Prefix is not an IP prefix");
		return;
	}
	if (parse_u64(f[2].s, f[2].len, 128, &maxlen) != 0) {
		vrp_bad(v, o, lineno, "Max Length is not a prefix length");
		return;
	}
	if (expires_col >= 0 && (size_t)expires_col < n) {
		if (parse_u64(f[expires_col].s, f[expires_col].len, INT64_MAX,
		    &exp) != 0) {
			vrp_bad(v, o, lineno, "Expires is not a number");
			return;
		}
		if (o->now != 0 && (int64_t)exp < (int64_t)o->now) {
			v->stats.expired++;
			return;
		}
	}
	if (vrp_set_add(v, &p, asn, (unsigned)maxlen, f[3].s, f[3].len,
	    &why) != 0)
		vrp_bad(v, o, lineno, why);
}

int
vrp_csv_parse(struct vrp_set *v, const char *buf, size_t len,
	const struct vrp_options *o, char *err, size_t errlen)
{
	size_t pos = 0;
	uint64_t lineno = 0;
	bool header = false;
	int expires_col = -1;

	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - line) : len - pos;

		pos += ll + (nl != NULL);
		lineno++;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			continue;
		if (ll > VRP_MAX_LINE) {
			if (!header)
				break;
			v->stats.entries++;
			vrp_bad(v, o, lineno, "line too long");
			continue;
		}
		if (!header) {
			struct field f[CSV_MAX_COLS];
			size_t n = split(line, ll, f), i;

			if (n < CSV_MIN_COLS || n > CSV_MAX_COLS ||
			    !field_is(&f[0], "ASN") ||
			    !field_is(&f[1], "IP Prefix") ||
			    !field_is(&f[2], "Max Length") ||
			    !field_is(&f[3], "Trust Anchor"))
				break;
			for (i = CSV_MIN_COLS; i < n; i++)
				if (field_is(&f[i], "Expires"))
					expires_col = (int)i;
			header = true;
			continue;
		}
		csv_entry(v, o, line, ll, lineno, expires_col);
	}
	if (!header) {
		snprintf(err, errlen, "%s:%llu: not a VRP file: expected JSON "
		    "or a CSV header \"ASN,IP Prefix,Max Length,Trust Anchor\"",
		    v->source, (unsigned long long)(lineno ? lineno : 1));
		return -1;
	}
	return 0;
}
