/*
 * vrp.c - the VRP set: storage, loading from a file or an RTR cache,
 * covering-VRP lookup.  The formats are in vrp_json.c, vrp_csv.c and
 * vrp_rtr.c.
 *
 * A VRP is stored as one 64-bit item on its prefix in an lpm table per
 * family: AS number (32 bits), maxLength (8), trust anchor index (16).
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "lpm.h"
#include "util.h"
#include "vrp.h"
#include "vrp_int.h"

#define RTR_SCHEME "rtr://"

void
vrp_options_default(struct vrp_options *o)
{
	memset(o, 0, sizeof(*o));
	o->rtr_timeout_s = VRP_RTR_TIMEOUT_S;
}

struct vrp_set *
vrp_set_new(const char *name, enum vrp_format fmt)
{
	struct vrp_set *v = xcalloc(1, sizeof(*v));

	v->source = xstrdup(name);
	v->format = fmt;
	v->t[LPM_AF_V4] = lpm_new(LPM_AF_V4);
	v->t[LPM_AF_V6] = lpm_new(LPM_AF_V6);
	return v;
}

void
vrp_set_free(struct vrp_set *v)
{
	size_t i;

	if (v == NULL)
		return;
	lpm_free(v->t[LPM_AF_V4]);
	lpm_free(v->t[LPM_AF_V6]);
	for (i = 0; i < v->nta; i++)
		free(v->ta[i]);
	free(v->source);
	free(v);
}

/* The index of a trust anchor name, added when new; VRP_TA_OTHER when
 * the table is full. */
static uint16_t
ta_index(struct vrp_set *v, const char *ta, size_t len)
{
	size_t i;

	if (ta == NULL || len == 0)
		return VRP_TA_NONE;
	if (len > VRP_MAX_TA_LEN)
		len = VRP_MAX_TA_LEN;
	for (i = 0; i < v->nta; i++)
		if (strlen(v->ta[i]) == len && memcmp(v->ta[i], ta, len) == 0)
			return (uint16_t)i;
	if (v->nta == VRP_MAX_TA)
		return VRP_TA_OTHER;
	v->ta[v->nta] = xstrndup(ta, len);
	return (uint16_t)v->nta++;
}

int
vrp_set_add(struct vrp_set *v, const struct lpm_prefix *p, uint32_t asn,
	unsigned maxlen, const char *ta, size_t talen, const char **why)
{
	uint64_t item;

	if (maxlen < p->len) {
		*why = "maxLength shorter than the prefix";
		return -1;
	}
	if (maxlen > lpm_af_bits(p->af)) {
		*why = "maxLength longer than the address";
		return -1;
	}
	item = (uint64_t)asn | (uint64_t)maxlen << 32 |
	    (uint64_t)ta_index(v, ta, talen) << 40;
	if (lpm_add(v->t[p->af], p, item) != 0) {
		*why = "too many VRPs";
		return -1;
	}
	v->stats.added++;
	return 0;
}

void
vrp_set_build(struct vrp_set *v)
{
	lpm_build(v->t[LPM_AF_V4]);
	lpm_build(v->t[LPM_AF_V6]);
}

int
vrp_asn_parse(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (len >= 2 && (s[0] == 'A' || s[0] == 'a') &&
	    (s[1] == 'S' || s[1] == 's')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 10 || parse_u64(s, len, UINT32_MAX, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
vrp_time_parse(const char *s, size_t len, time_t *out)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm;
	size_t i;
	int f[6], k = 0, n = 0;

	if (len != sizeof(pat) - 1)
		return -1;
	for (i = 0; i < len; i++) {
		if (pat[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			n = n * 10 + (s[i] - '0');
		} else {
			if (s[i] != pat[i])
				return -1;
			f[k++] = n;
			n = 0;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60)
		return -1;
	*out = timegm(&tm);
	return 0;
}

void
vrp_bad(struct vrp_set *v, const struct vrp_options *o, uint64_t line,
	const char *why)
{
	v->stats.bad++;
	if (v->stats.nbad_kept < VRP_MAX_BAD_KEPT) {
		size_t i = v->stats.nbad_kept++;

		v->stats.bad_kept[i].line = line;
		snprintf(v->stats.bad_kept[i].why,
		    sizeof(v->stats.bad_kept[i].why), "%s", why);
		if (o == NULL || !o->quiet)
			log_warn("vrp", "%s:%llu: %s (entry skipped)",
			    v->source, (unsigned long long)line, why);
	}
}

/* Map a file read-only.  Returns 0 (with *len 0 and *buf NULL for an
 * empty file), or -1 with err. */
static int
file_map(const char *path, const char **buf, size_t *len, time_t *mtime,
	char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;

	*buf = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	*mtime = st.st_mtime;
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	(void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
	*buf = p;
	*len = (size_t)st.st_size;
	return 0;
}

/* Split "HOST:PORT" or "[V6]:PORT" after the scheme. */
static int
rtr_split(const char *s, char *host, size_t hostlen, char *port,
	size_t portlen)
{
	const char *colon, *h = s;
	size_t hl;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		hl = (size_t)(colon - s);
		if (memchr(s, ':', hl) != NULL)
			return -1;	/* bare IPv6: needs brackets */
	}
	if (hl == 0 || hl >= hostlen || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= portlen ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", colon + 1);
	return 0;
}

static struct vrp_set *
load_rtr(const char *source, const struct vrp_options *o, char *err,
	size_t errlen)
{
	char host[256], port[8];
	struct vrp_set *v;

	if (rtr_split(source + strlen(RTR_SCHEME), host, sizeof(host), port,
	    sizeof(port)) != 0) {
		snprintf(err, errlen, "%s: expected rtr://HOST:PORT "
		    "(rtr://[IPv6]:PORT)", source);
		return NULL;
	}
	v = vrp_set_new(source, VRP_FORMAT_RTR);
	if (vrp_rtr_fetch(v, host, port, o, err, errlen) != 0) {
		vrp_set_free(v);
		return NULL;
	}
	vrp_set_build(v);
	return v;
}

struct vrp_set *
vrp_set_load(const char *source, const struct vrp_options *o, char *err,
	size_t errlen)
{
	struct vrp_options def;
	struct vrp_set *v;
	const char *buf;
	size_t len, i;
	time_t mtime = 0;
	enum vrp_format fmt;
	int rc;

	if (o == NULL) {
		vrp_options_default(&def);
		o = &def;
	}
	if (strncmp(source, RTR_SCHEME, strlen(RTR_SCHEME)) == 0)
		return load_rtr(source, o, err, errlen);
	if (file_map(source, &buf, &len, &mtime, err, errlen) != 0)
		return NULL;
	for (i = 0; i < len && strchr(" \t\r\n", buf[i]) != NULL; i++)
		;
	if (i < len && buf[i] == '{')
		fmt = VRP_FORMAT_JSON;
	else
		fmt = VRP_FORMAT_CSV;
	v = vrp_set_new(source, fmt);
	v->time = mtime;
	if (fmt == VRP_FORMAT_JSON)
		rc = vrp_json_parse(v, buf, len, o, err, errlen);
	else
		rc = vrp_csv_parse(v, buf, len, o, err, errlen);
	if (buf != NULL)
		munmap((void *)buf, len);
	if (rc == 0 && v->stats.added == 0 && v->stats.bad > 0) {
		snprintf(err, errlen, "%s: no valid VRP (%llu bad entries, the "
		    "first at line %llu: %s)", source,
		    (unsigned long long)v->stats.bad,
		    (unsigned long long)v->stats.bad_kept[0].line,
		    v->stats.bad_kept[0].why);
		rc = -1;
	}
	if (rc != 0) {
		vrp_set_free(v);
		return NULL;
	}
	vrp_set_build(v);
	return v;
}

const char *
vrp_set_source(const struct vrp_set *v)
{
	return v->source;
}

enum vrp_format
vrp_set_format(const struct vrp_set *v)
{
	return v->format;
}

time_t
vrp_set_time(const struct vrp_set *v)
{
	return v->time;
}

void
vrp_set_set_time(struct vrp_set *v, time_t t)
{
	v->time = t;
}

const struct vrp_stats *
vrp_set_stats(const struct vrp_set *v)
{
	return &v->stats;
}

size_t
vrp_set_count(const struct vrp_set *v)
{
	return lpm_item_count(v->t[LPM_AF_V4]) +
	    lpm_item_count(v->t[LPM_AF_V6]);
}

size_t
vrp_set_memory(const struct vrp_set *v)
{
	return sizeof(*v) + lpm_memory(v->t[LPM_AF_V4]) +
	    lpm_memory(v->t[LPM_AF_V6]);
}

size_t
vrp_set_ta_count(const struct vrp_set *v)
{
	return v->nta;
}

const char *
vrp_set_ta_name(const struct vrp_set *v, size_t i)
{
	return i < v->nta ? v->ta[i] : NULL;
}

size_t
vrp_set_covering(const struct vrp_set *v, const struct lpm_prefix *route,
	bool (*fn)(void *arg, const struct lpm_prefix *vp, const struct vrp *vrp),
	void *arg)
{
	const struct lpm *t;
	uint32_t id;
	size_t seen = 0;

	if (route->af > LPM_AF_V6)
		return 0;
	t = v->t[route->af];
	/* Every prefix containing the route's first address, longest
	 * first; those no longer than the route contain all of it. */
	for (id = lpm_match(t, route); id != LPM_NONE; id = lpm_parent(t, id)) {
		struct lpm_prefix vp;
		const uint64_t *items;
		size_t n, i;

		if (lpm_len(t, id) > route->len)
			continue;
		lpm_get(t, id, &vp);
		items = lpm_items(t, id, &n);
		for (i = 0; i < n; i++) {
			struct vrp r;

			r.asn = (uint32_t)items[i];
			r.maxlen = (uint8_t)(items[i] >> 32);
			r.ta = (uint16_t)(items[i] >> 40);
			seen++;
			if (!fn(arg, &vp, &r))
				return seen;
		}
	}
	return seen;
}
