/*
 * optout.c - the opt-out list (optout.h).
 *
 * Domains live in an open-addressing set of owned strings (exact match);
 * a lookup tries the name and each parent on a label boundary, at most
 * 127 probes for a 253-character name.  Prefixes live in a cidr_set.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cidr.h"
#include "dname.h"
#include "hash.h"
#include "optout.h"
#include "util.h"

/* Key of the domain set's hash ("uptake-optout-v1"); any fixed key. */
static const uint8_t optout_key[HASH_KEY_LEN] = {
	'u', 'p', 't', 'a', 'k', 'e', '-', 'o',
	'p', 't', 'o', 'u', 't', '-', 'v', '1',
};

/* Domain set: initial slots (power of two), grown at half full. */
#define SET_INITIAL_SLOTS 64

struct optout {
	char **slots;		/* NULL = empty */
	size_t cap, count;
	struct cidr_set *prefixes;
};

static uint64_t
name_hash(const char *s, size_t len)
{
	return hash_siphash24(optout_key, s, len);
}

/* Slot of s[0..len) or of the empty slot where it would go. */
static size_t
find_slot(const struct optout *o, const char *s, size_t len)
{
	size_t i = (size_t)name_hash(s, len) & (o->cap - 1);

	while (o->slots[i] != NULL && (strlen(o->slots[i]) != len ||
	    memcmp(o->slots[i], s, len) != 0))
		i = (i + 1) & (o->cap - 1);
	return i;
}

static void
add_domain(struct optout *o, const char *name)
{
	size_t i, len = strlen(name);

	if ((o->count + 1) * 2 > o->cap) {
		char **old = o->slots;
		size_t oldcap = o->cap;

		o->cap = o->cap ? o->cap * 2 : SET_INITIAL_SLOTS;
		o->slots = xcalloc(o->cap, sizeof(*o->slots));
		for (size_t j = 0; j < oldcap; j++)
			if (old[j] != NULL)
				o->slots[find_slot(o, old[j],
				    strlen(old[j]))] = old[j];
		free(old);
	}
	i = find_slot(o, name, len);
	if (o->slots[i] != NULL)
		return; /* listed twice */
	o->slots[i] = xstrdup(name);
	o->count++;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parse one line (comment stripped, trimmed, non-empty). */
static int
parse_entry(struct optout *o, const char *s, size_t len, char *why,
    size_t whylen)
{
	struct cidr c;
	struct cidr_addr a;
	char name[DNAME_BUF_SIZE];
	enum dname_error de;

	if (memchr(s, ':', len) != NULL || memchr(s, '/', len) != NULL ||
	    cidr_addr_parse(s, len, &a) == 0) {
		if (cidr_parse(s, len, &c, why, whylen) < 0)
			return -1;
		if (cidr_set_add(o->prefixes, &c, 0) < 0) {
			snprintf(why, whylen, "too many prefixes (more than "
			    "%d)", CIDR_SET_MAX);
			return -1;
		}
		return 0;
	}
	if (memchr(s, '*', len) != NULL) {
		snprintf(why, whylen, "'%.*s': no wildcards: a domain already "
		    "covers every name below it", (int)len, s);
		return -1;
	}
	de = dname_normalize(s, len, name, sizeof(name));
	if (de != DNAME_OK) {
		snprintf(why, whylen, "'%.*s': not a domain name or prefix "
		    "(%s)", (int)(len > 80 ? 80 : len), s, dname_error_str(de));
		return -1;
	}
	add_domain(o, name);
	return 0;
}

struct optout *
optout_parse(const char *buf, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct optout *o = xcalloc(1, sizeof(*o));
	size_t pos = 0;
	uint64_t lineno = 0;
	char why[256];

	o->prefixes = cidr_set_new();
	if (name == NULL)
		name = "<opt-out>";
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - s) : len - pos;

		pos += l + 1;
		lineno++;
		if (l > OPTOUT_MAX_LINE) {
			snprintf(why, sizeof(why), "line longer than %d bytes",
			    OPTOUT_MAX_LINE);
			goto bad;
		}
		if (memchr(s, '\0', l) != NULL) {
			snprintf(why, sizeof(why), "NUL byte (binary data?)");
			goto bad;
		}
		for (size_t i = 0; i < l; i++) {
			if (s[i] == '#' && (i == 0 || is_blank(s[i - 1]))) {
				l = i;
				break;
			}
		}
		while (l > 0 && is_blank(*s)) {
			s++;
			l--;
		}
		while (l > 0 && is_blank(s[l - 1]))
			l--;
		if (l == 0)
			continue;
		if (parse_entry(o, s, l, why, sizeof(why)) < 0)
			goto bad;
	}
	cidr_set_seal(o->prefixes);
	return o;
bad:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s:%llu: %s", name,
		    (unsigned long long)lineno, why);
	optout_free(o);
	return NULL;
}

struct optout *
optout_load(const char *path, char *err, size_t errlen)
{
	struct optout *o = NULL;
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)sb.st_size > OPTOUT_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %u bytes", path,
		    OPTOUT_MAX_BYTES);
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: read error: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	o = optout_parse(buf, got, path, err, errlen);
out:
	free(buf);
	close(fd);
	return o;
}

void
optout_free(struct optout *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->cap; i++)
		free(o->slots[i]);
	free(o->slots);
	cidr_set_free(o->prefixes);
	free(o);
}

const char *
optout_match_domain(const struct optout *o, const char *domain)
{
	const char *p = domain;

	if (o == NULL || o->count == 0 || domain == NULL)
		return NULL;
	for (;;) {
		size_t i = find_slot(o, p, strlen(p));
		const char *dot;

		if (o->slots[i] != NULL)
			return o->slots[i];
		dot = strchr(p, '.');
		if (dot == NULL)
			return NULL;
		p = dot + 1;
	}
}

bool
optout_has_domain(const struct optout *o, const char *domain)
{
	return optout_match_domain(o, domain) != NULL;
}

bool
optout_has_addr(const struct optout *o, const struct netaddr *addr)
{
	struct cidr_addr a;

	if (o == NULL || cidr_addr_from_netaddr(addr, &a) < 0)
		return false;
	return cidr_set_match(o->prefixes, &a, NULL, NULL);
}

bool
optout_has_addr_text(const struct optout *o, const char *addr)
{
	struct cidr_addr a;

	if (o == NULL || addr == NULL ||
	    cidr_addr_parse(addr, strlen(addr), &a) < 0)
		return false;
	return cidr_set_match(o->prefixes, &a, NULL, NULL);
}

size_t
optout_domain_count(const struct optout *o)
{
	return o->count;
}

size_t
optout_prefix_count(const struct optout *o)
{
	return cidr_set_count(o->prefixes);
}
