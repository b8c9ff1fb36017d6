/*
 * cidr.c - addresses, prefixes and prefix sets (cidr.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"
#include "netaddr.h"
#include "util.h"

struct entry {
	uint64_t hi, lo;
	uint32_t tag;
	uint32_t seq;		/* insertion order: the first tag wins */
	uint8_t family;		/* 4 or 6 */
	uint8_t len;
};

struct group {
	uint8_t family;
	uint8_t len;
	size_t start, n;
};

struct cidr_set {
	struct entry *e;
	size_t n, cap;
	struct group *g;
	size_t ng;
	bool sealed;
};

static uint64_t
load_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void
store_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Keep the first len bits of hi:lo. */
static void
mask(uint64_t *hi, uint64_t *lo, unsigned len)
{
	if (len == 0) {
		*hi = 0;
		*lo = 0;
	} else if (len < 64) {
		*hi &= ~UINT64_C(0) << (64 - len);
		*lo = 0;
	} else if (len == 64) {
		*lo = 0;
	} else if (len < 128) {
		*lo &= ~UINT64_C(0) << (128 - len);
	}
}

static void
from_v4(const uint8_t b[4], struct cidr_addr *out)
{
	out->family = AF_INET;
	out->hi = (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 |
	    (uint64_t)b[2] << 40 | (uint64_t)b[3] << 32;
	out->lo = 0;
}

static void
from_v6(const uint8_t b[16], struct cidr_addr *out)
{
	out->family = AF_INET6;
	out->hi = load_be64(b);
	out->lo = load_be64(b + 8);
}

int
cidr_addr_parse(const char *s, size_t len, struct cidr_addr *out)
{
	struct netaddr a;

	if (netaddr_parse(s, len, &a) != 0)
		return -1;
	return cidr_addr_from_netaddr(&a, out);
}

int
cidr_addr_from_netaddr(const struct netaddr *a, struct cidr_addr *out)
{
	struct netaddr u;

	if (a == NULL || a->af > NETADDR_V6)
		return -1;
	/* The IPv4 address an IPv4-mapped one carries. */
	netaddr_unmap(a, &u);
	if (u.af == NETADDR_V4)
		from_v4(u.b, out);
	else
		from_v6(u.b, out);
	return 0;
}

static void
set_err(char *err, size_t errlen, const char *s, size_t len, const char *why)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "'%.*s': %s",
		    (int)(len > CIDR_MAX_TEXT ? CIDR_MAX_TEXT : len), s, why);
}

int
cidr_parse(const char *s, size_t len, struct cidr *out, char *err,
    size_t errlen)
{
	const char *slash;
	struct cidr_addr a;
	uint64_t plen, hi, lo;
	unsigned max;
	size_t alen;
	bool mapped_text = false;

	if (s == NULL || len == 0) {
		set_err(err, errlen, "", 0, "empty prefix");
		return -1;
	}
	if (len > CIDR_MAX_TEXT) {
		set_err(err, errlen, s, len, "too long for a prefix");
		return -1;
	}
	slash = memchr(s, '/', len);
	alen = slash != NULL ? (size_t)(slash - s) : len;
	if (cidr_addr_parse(s, alen, &a) < 0) {
		set_err(err, errlen, s, len, "not an IPv4 or IPv6 address");
		return -1;
	}
	/* Text with ':' that came out IPv4 was ::ffff:A.B.C.D. */
	mapped_text = a.family == AF_INET && memchr(s, ':', alen) != NULL;
	max = a.family == AF_INET && !mapped_text ? 32 : 128;
	if (slash == NULL) {
		plen = max;
	} else if (parse_u64(slash + 1, len - alen - 1, max, &plen) < 0) {
		char why[64];

		snprintf(why, sizeof(why), "prefix length must be 0..%u", max);
		set_err(err, errlen, s, len, why);
		return -1;
	}
	if (mapped_text) {
		if (plen < 96) {
			set_err(err, errlen, s, len, "an IPv4-mapped prefix "
			    "needs a length of 96..128");
			return -1;
		}
		plen -= 96;
	}
	hi = a.hi;
	lo = a.lo;
	mask(&hi, &lo, (unsigned)plen);
	if (hi != a.hi || lo != a.lo) {
		struct cidr net = { { a.family, hi, lo }, (unsigned)plen };
		char nb[CIDR_STRLEN], why[CIDR_STRLEN + 64];

		cidr_format(&net, nb, sizeof(nb));
		snprintf(why, sizeof(why), "bits set past the prefix length "
		    "(the network is %s)", nb);
		set_err(err, errlen, s, len, why);
		return -1;
	}
	out->addr = a;
	out->len = (unsigned)plen;
	return 0;
}

bool
cidr_contains(const struct cidr *p, const struct cidr_addr *a)
{
	uint64_t hi = a->hi, lo = a->lo;

	if (p->addr.family != a->family)
		return false;
	mask(&hi, &lo, p->len);
	return hi == p->addr.hi && lo == p->addr.lo;
}

void
cidr_addr_format(const struct cidr_addr *a, char *buf, size_t len)
{
	uint8_t b[16];

	if (len == 0)
		return;
	buf[0] = '\0';
	store_be64(b, a->hi);
	store_be64(b + 8, a->lo);
	if (a->family == AF_INET) {
		if (len >= INET_ADDRSTRLEN)
			inet_ntop(AF_INET, b, buf, (socklen_t)len);
	} else if (len >= INET6_ADDRSTRLEN) {
		inet_ntop(AF_INET6, b, buf, (socklen_t)len);
	}
}

void
cidr_format(const struct cidr *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	cidr_addr_format(&p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

/* ---- sets ------------------------------------------------------------ */

struct cidr_set *
cidr_set_new(void)
{
	return xcalloc(1, sizeof(struct cidr_set));
}

void
cidr_set_free(struct cidr_set *s)
{
	if (s == NULL)
		return;
	free(s->e);
	free(s->g);
	free(s);
}

int
cidr_set_add(struct cidr_set *s, const struct cidr *p, uint32_t tag)
{
	struct entry *e;

	if (s->sealed || s->n >= CIDR_SET_MAX)
		return -1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->e = xreallocarray(s->e, s->cap, sizeof(*s->e));
	}
	e = &s->e[s->n];
	e->hi = p->addr.hi;
	e->lo = p->addr.lo;
	e->tag = tag;
	e->seq = (uint32_t)s->n;
	e->family = p->addr.family == AF_INET ? 4 : 6;
	e->len = (uint8_t)p->len;
	s->n++;
	return 0;
}

/* Family, then longer prefixes first, then address, then insertion. */
static int
entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

void
cidr_set_seal(struct cidr_set *s)
{
	size_t i, o;

	if (s->sealed)
		return;
	s->sealed = true;
	if (s->n == 0)
		return;
	qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
	/* Duplicates: keep the first added. */
	for (i = 1, o = 1; i < s->n; i++) {
		const struct entry *p = &s->e[o - 1], *c = &s->e[i];

		if (c->family == p->family && c->len == p->len &&
		    c->hi == p->hi && c->lo == p->lo)
			continue;
		s->e[o++] = *c;
	}
	s->n = o;
	for (i = 0; i < s->n; i++) {
		if (s->ng == 0 || s->g[s->ng - 1].family != s->e[i].family ||
		    s->g[s->ng - 1].len != s->e[i].len) {
			s->g = xreallocarray(s->g, s->ng + 1, sizeof(*s->g));
			s->g[s->ng].family = s->e[i].family;
			s->g[s->ng].len = s->e[i].len;
			s->g[s->ng].start = i;
			s->g[s->ng].n = 0;
			s->ng++;
		}
		s->g[s->ng - 1].n++;
	}
}

size_t
cidr_set_count(const struct cidr_set *s)
{
	return s->n;
}

bool
cidr_set_match(const struct cidr_set *s, const struct cidr_addr *a,
    uint32_t *tag, struct cidr *out)
{
	uint8_t fam = a->family == AF_INET ? 4 : 6;

	if (!s->sealed || (a->family != AF_INET && a->family != AF_INET6))
		return false;
	/* Groups run from the longest prefixes down: the first hit wins. */
	for (size_t g = 0; g < s->ng; g++) {
		const struct group *gr = &s->g[g];
		uint64_t hi = a->hi, lo = a->lo;
		size_t lo_i = gr->start, hi_i = gr->start + gr->n;

		if (gr->family != fam)
			continue;
		mask(&hi, &lo, gr->len);
		while (lo_i < hi_i) {
			size_t mid = lo_i + (hi_i - lo_i) / 2;
			const struct entry *e = &s->e[mid];

			if (e->hi == hi && e->lo == lo) {
				if (tag != NULL)
					*tag = e->tag;
				if (out != NULL) {
					out->addr.family = a->family;
					out->addr.hi = e->hi;
					out->addr.lo = e->lo;
					out->len = e->len;
				}
				return true;
			}
			if (e->hi < hi || (e->hi == hi && e->lo < lo))
				lo_i = mid + 1;
			else
				hi_i = mid;
		}
	}
	return false;
}
