/*
 * bgp.c - BGP tables from CAIDA prefix2as files and bgpdump RIB lines.
 *
 * prefix2as (CAIDA's RouteViews Prefix-to-AS dataset): one line per
 * prefix, "ADDRESS TAB LENGTH TAB ORIGINS".  ORIGINS is one AS, or several
 * joined by '_' when peers saw different origins (a multi-origin prefix,
 * MOAS), and an origin that is an AS set is its members joined by ','.
 *
 * bgpdump -m (one line per RIB entry, i.e. per prefix and peer):
 *   TABLE_DUMP2|TIME|B|PEER IP|PEER AS|PREFIX|AS PATH|ORIGIN|NEXT HOP|...
 * The path is ASes separated by blanks, an AS_SET written {a,b}, and
 * confederation segments (a b) and [a,b].  The origin AS is the last AS of
 * a path whose last segment is an AS_SEQUENCE; an AS_SET or confederation
 * segment at the end gives the origin NONE (RFC 6811 section 2); an empty
 * path is a route the peer originated itself (its AS).  The origins of a
 * prefix are the union over its lines (peers).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "log.h"
#include "lpm.h"
#include "util.h"

#define BGPDUMP_MIN_FIELDS 7	/* up to and including the AS path */

struct bgp_table {
	char *source;
	enum bgp_format format;
	time_t time;
	struct lpm *t[2];
	struct bgp_stats stats;
	/* The last prefix added and its origins (see BGP_RECENT_ORIGINS). */
	struct lpm_prefix last;
	uint64_t recent[BGP_RECENT_ORIGINS];
	size_t nrecent;
};

struct bgp_table *
bgp_table_new(const char *name, enum bgp_format fmt)
{
	struct bgp_table *t = xcalloc(1, sizeof(*t));

	t->source = xstrdup(name);
	t->format = fmt;
	t->t[LPM_AF_V4] = lpm_new(LPM_AF_V4);
	t->t[LPM_AF_V6] = lpm_new(LPM_AF_V6);
	t->last.len = 0xff;	/* matches no prefix */
	return t;
}

void
bgp_table_free(struct bgp_table *t)
{
	if (t == NULL)
		return;
	lpm_free(t->t[LPM_AF_V4]);
	lpm_free(t->t[LPM_AF_V6]);
	free(t->source);
	free(t);
}

static int
add(struct bgp_table *t, const struct lpm_prefix *p, uint64_t origin,
	const char **why)
{
	size_t i;

	if (p->len == t->last.len && p->af == t->last.af &&
	    memcmp(p->addr, t->last.addr, sizeof(p->addr)) == 0) {
		for (i = 0; i < t->nrecent; i++)
			if (t->recent[i] == origin)
				return 0;
	} else {
		t->last = *p;
		t->nrecent = 0;
	}
	if (lpm_add(t->t[p->af], p, origin) != 0) {
		*why = "too many prefixes";
		return -1;
	}
	if (t->nrecent < BGP_RECENT_ORIGINS)
		t->recent[t->nrecent++] = origin;
	return 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse an AS number: asplain, or asdot "X.Y" (RFC 5396). */
static int
asn_parse(const char *s, size_t len, uint32_t *out)
{
	const char *dot = memchr(s, '.', len);
	uint64_t hi, lo;

	if (dot == NULL) {
		if (len == 0 || len > 10 || parse_u64(s, len, UINT32_MAX, &lo))
			return -1;
		*out = (uint32_t)lo;
		return 0;
	}
	if (parse_u64(s, (size_t)(dot - s), 65535, &hi) != 0 ||
	    parse_u64(dot + 1, len - (size_t)(dot - s) - 1, 65535, &lo) != 0)
		return -1;
	*out = (uint32_t)(hi << 16 | lo);
	return 0;
}

/* Every member of a ','-separated AS set is an AS number. */
static bool
valid_set(const char *s, size_t len)
{
	size_t start = 0, i;
	uint32_t asn;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (asn_parse(s + start, i - start, &asn) != 0)
			return false;
		start = i + 1;
	}
	return true;
}

int
bgp_pfx2as_line(struct bgp_table *t, const char *line, size_t len,
	const char **why)
{
	const char *f[3];
	size_t fl[3], n = 0, i = 0, start, k, norig = 0;
	struct netaddr a;
	struct lpm_prefix p;
	uint64_t plen;

	while (i < len && is_blank(line[i]))
		i++;
	if (i == len || line[i] == '#')
		return 2;
	while (i < len) {
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		if (n == 3) {
			*why = "more than 3 fields";
			return -1;
		}
		f[n] = line + start;
		fl[n++] = i - start;
		while (i < len && is_blank(line[i]))
			i++;
	}
	if (n != 3) {
		*why = "expected PREFIX TAB LENGTH TAB ORIGINS";
		return -1;
	}
	if (netaddr_parse(f[0], fl[0], &a) != 0) {
		*why = "not an IP address";
		return -1;
	}
	if (parse_u64(f[1], fl[1], lpm_af_bits(a.af), &plen) != 0) {
		*why = "not a prefix length";
		return -1;
	}
	(void)lpm_prefix_make(a.af, a.b, (unsigned)plen, &p);
	if (memcmp(p.addr, a.b, sizeof(p.addr)) != 0) {
		*why = "address has bits set past the prefix length";
		return -1;
	}
	/* Check every origin before adding any. */
	for (start = 0, k = 0; k <= fl[2]; k++) {
		uint32_t asn;

		if (k < fl[2] && f[2][k] != '_')
			continue;
		if (++norig > BGP_MAX_ORIGINS) {
			*why = "too many origins";
			return -1;
		}
		if (memchr(f[2] + start, ',', k - start) != NULL ?
		    !valid_set(f[2] + start, k - start) :
		    asn_parse(f[2] + start, k - start, &asn) != 0) {
			*why = "origin is not an AS number or AS set";
			return -1;
		}
		start = k + 1;
	}
	if (p.len == 0)
		return 1;
	for (start = 0, k = 0; k <= fl[2]; k++) {
		uint32_t asn = 0;
		uint64_t item;

		if (k < fl[2] && f[2][k] != '_')
			continue;
		if (memchr(f[2] + start, ',', k - start) != NULL)
			item = BGP_ORIGIN_AS_SET;
		else {
			(void)asn_parse(f[2] + start, k - start, &asn);
			item = asn;
		}
		if (add(t, &p, item, why) != 0)
			return -1;
		start = k + 1;
	}
	return 0;
}

/*
 * The origin of an AS path (see the top of the file).  Returns 0 with
 * *origin set (BGP_ORIGIN_AS_SET for NONE), 1 for an empty path, -1 when
 * the path is malformed.
 */
static int
path_origin(const char *s, size_t len, uint64_t *origin)
{
	size_t i = 0, start;
	const char *last = NULL;
	size_t lastlen = 0;
	char open = 0;

	/* Tokens are separated by blanks outside brackets. */
	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		start = i;
		open = 0;
		for (; i < len; i++) {
			char c = s[i];

			if (open == 0 && c == ' ')
				break;
			if (c == '{' || c == '(' || c == '[') {
				if (open != 0 || i != start)
					return -1;
				open = c == '{' ? '}' : c == '(' ? ')' : ']';
			} else if (c == '}' || c == ')' || c == ']') {
				if (c != open)
					return -1;
				open = 0;
				if (i + 1 < len && s[i + 1] != ' ')
					return -1;
			} else if (!(c >= '0' && c <= '9') && c != ',' &&
			    c != '.' && c != ' ') {
				return -1;
			}
		}
		if (open != 0)
			return -1;
		last = s + start;
		lastlen = i - start;
		if (last[0] == '{' || last[0] == '[') {
			if (lastlen < 3 || !valid_set(last + 1, lastlen - 2))
				return -1;
		} else if (last[0] == '(') {
			/* a confederation sequence: blank-separated */
			size_t j, st = 1;
			uint32_t asn;

			for (j = 1; j < lastlen; j++) {
				if (last[j] != ' ' && last[j] != ')')
					continue;
				if (j > st && asn_parse(last + st, j - st, &asn))
					return -1;
				st = j + 1;
			}
		} else {
			uint32_t asn;

			if (asn_parse(last, lastlen, &asn) != 0)
				return -1;
		}
	}
	if (last == NULL)
		return 1;
	if (last[0] == '{' || last[0] == '(' || last[0] == '[') {
		*origin = BGP_ORIGIN_AS_SET;
	} else {
		uint32_t asn;

		(void)asn_parse(last, lastlen, &asn);
		*origin = asn;
	}
	return 0;
}

int
bgp_bgpdump_line(struct bgp_table *t, const char *line, size_t len,
	const char **why)
{
	const char *f[BGPDUMP_MIN_FIELDS];
	size_t fl[BGPDUMP_MIN_FIELDS], n = 0, i, start = 0;
	struct lpm_prefix p;
	uint64_t origin, ts;
	uint32_t peer_as;
	int rc;

	for (i = 0; i < len && is_blank(line[i]); i++)
		;
	if (i == len || line[i] == '#')
		return 2;
	for (i = 0; i <= len && n < BGPDUMP_MIN_FIELDS; i++) {
		if (i < len && line[i] != '|')
			continue;
		f[n] = line + start;
		fl[n++] = i - start;
		start = i + 1;
	}
	if (n < BGPDUMP_MIN_FIELDS) {
		*why = "expected TABLE_DUMP2|TIME|B|PEER|PEER AS|PREFIX|AS PATH|...";
		return -1;
	}
	if (!((fl[0] == 11 && memcmp(f[0], "TABLE_DUMP2", 11) == 0) ||
	    (fl[0] == 10 && memcmp(f[0], "TABLE_DUMP", 10) == 0)) ||
	    fl[2] != 1 || f[2][0] != 'B') {
		*why = "not a RIB entry (TABLE_DUMP2|...|B|...)";
		return -1;
	}
	if (parse_u64(f[1], fl[1], INT64_MAX, &ts) != 0) {
		*why = "time is not a number";
		return -1;
	}
	if (asn_parse(f[4], fl[4], &peer_as) != 0) {
		*why = "peer AS is not an AS number";
		return -1;
	}
	if (lpm_prefix_parse(f[5], fl[5], &p) != 0) {
		*why = "not an IP prefix";
		return -1;
	}
	rc = path_origin(f[6], fl[6], &origin);
	if (rc < 0) {
		*why = "malformed AS path";
		return -1;
	}
	if (rc == 1)
		origin = peer_as;
	if ((time_t)ts > t->time)
		t->time = (time_t)ts;
	if (p.len == 0)
		return 1;
	return add(t, &p, origin, why);
}

void
bgp_table_build(struct bgp_table *t)
{
	lpm_build(t->t[LPM_AF_V4]);
	lpm_build(t->t[LPM_AF_V6]);
}

static void
bad_line(struct bgp_table *t, bool quiet, uint64_t line, const char *why)
{
	t->stats.bad++;
	if (t->stats.nbad_kept < BGP_MAX_BAD_KEPT) {
		size_t i = t->stats.nbad_kept++;

		t->stats.bad_kept[i].line = line;
		snprintf(t->stats.bad_kept[i].why,
		    sizeof(t->stats.bad_kept[i].why), "%s", why);
		if (!quiet)
			log_warn("bgp", "%s:%llu: %s (line skipped)", t->source,
			    (unsigned long long)line, why);
	}
}

/* The format of the first data line. */
static enum bgp_format
sniff(FILE *f)
{
	char buf[256];
	enum bgp_format fmt = BGP_FORMAT_PFX2AS;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		char *p = buf + strspn(buf, " \t");

		if (*p == '\n' || *p == '\0' || *p == '#' || *p == '\r')
			continue;
		if (strncmp(p, "TABLE_DUMP", 10) == 0 || strchr(p, '|') != NULL)
			fmt = BGP_FORMAT_BGPDUMP;
		break;
	}
	rewind(f);
	return fmt;
}

struct bgp_table *
bgp_table_load(const char *path, bool quiet, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct bgp_table *t;
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	enum bgp_format fmt;

	if (f == NULL || fstat(fileno(f), &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return NULL;
	}
	fmt = sniff(f);
	t = bgp_table_new(path, fmt);
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t len = (size_t)n;
		const char *why = NULL;
		int rc;

		t->stats.lines++;
		if (line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > BGP_MAX_LINE) {
			bad_line(t, quiet, t->stats.lines, "line too long");
			continue;
		}
		rc = fmt == BGP_FORMAT_PFX2AS ?
		    bgp_pfx2as_line(t, line, len, &why) :
		    bgp_bgpdump_line(t, line, len, &why);
		if (rc < 0)
			bad_line(t, quiet, t->stats.lines, why);
		else if (rc == 1)
			t->stats.skipped++;
		else if (rc == 0)
			t->stats.entries++;
	}
	free(line);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path,
		    strerror(errno));
		fclose(f);
		bgp_table_free(t);
		return NULL;
	}
	fclose(f);
	if (t->stats.entries == 0 && t->stats.bad > 0) {
		snprintf(err, errlen, "%s: no valid %s line (%llu bad, the "
		    "first at line %llu: %s)", path, fmt == BGP_FORMAT_PFX2AS ?
		    "prefix2as" : "bgpdump", (unsigned long long)t->stats.bad,
		    (unsigned long long)t->stats.bad_kept[0].line,
		    t->stats.bad_kept[0].why);
		bgp_table_free(t);
		return NULL;
	}
	if (fmt == BGP_FORMAT_PFX2AS || t->time == 0)
		t->time = st.st_mtime;
	bgp_table_build(t);
	return t;
}

bool
bgp_table_match(const struct bgp_table *t, const struct netaddr *addr,
	struct bgp_match *m)
{
	const struct lpm *l;
	struct lpm_prefix host;
	uint32_t id;

	if (addr->af > LPM_AF_V6)
		return false;
	l = t->t[addr->af];
	lpm_prefix_host(addr, &host);
	id = lpm_match(l, &host);
	if (id == LPM_NONE)
		return false;
	lpm_get(l, id, &m->prefix);
	m->origins = lpm_items(l, id, &m->norigins);
	return true;
}

const char *
bgp_table_source(const struct bgp_table *t)
{
	return t->source;
}

enum bgp_format
bgp_table_format(const struct bgp_table *t)
{
	return t->format;
}

time_t
bgp_table_time(const struct bgp_table *t)
{
	return t->time;
}

const struct bgp_stats *
bgp_table_stats(const struct bgp_table *t)
{
	return &t->stats;
}

size_t
bgp_table_count(const struct bgp_table *t)
{
	return lpm_count(t->t[LPM_AF_V4]) + lpm_count(t->t[LPM_AF_V6]);
}

size_t
bgp_table_memory(const struct bgp_table *t)
{
	return sizeof(*t) + lpm_memory(t->t[LPM_AF_V4]) +
	    lpm_memory(t->t[LPM_AF_V6]);
}
