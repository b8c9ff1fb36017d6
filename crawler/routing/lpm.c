/*
 * lpm.c - longest-prefix match: sorted elementary ranges with a 16-bit
 * index, and a parent link per prefix.
 *
 * Internally an address is a 128-bit key, left-aligned: an IPv4 address is
 * its 32 bits followed by 96 zero bits, so both families share the build.
 * The built table stores IPv4 keys in 32 bits and IPv6 keys in 128.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpm.h"
#include "util.h"

__extension__ typedef unsigned __int128 u128;

#define LPM_INDEX_BITS 16
#define LPM_INDEX_SIZE ((size_t)1 << LPM_INDEX_BITS)
#define LPM_STAGE_INITIAL 1024	/* staging entries before the first grow */

struct lpm_stage {
	u128 key;
	uint64_t item;
	uint8_t len;
};

/* A prefix: its key, parent, first item (the next node's first is the
 * end) and a copy of that item.  A node fits a cache line, and most
 * prefixes have one item, so walking the parent chain costs about one
 * miss per prefix. */
struct lpm_node4 {
	uint64_t item0;
	uint32_t key;
	uint32_t parent;
	uint32_t first;
	uint8_t len;
};

struct lpm_node6 {
	uint64_t hi, lo;
	uint64_t item0;
	uint32_t parent;
	uint32_t first;
	uint8_t len;
};

/* An elementary range: from start to the next range's start, covered by
 * owner (a node, or LPM_NONE).  Addresses before the first range have no
 * prefix. */
struct lpm_range4 {
	uint32_t start;
	uint32_t owner;
};

struct lpm_range6 {
	uint64_t hi, lo;
	uint32_t owner;
};

struct lpm {
	enum lpm_af af;
	bool built;

	/* Staging, before lpm_build. */
	struct lpm_stage *stage;
	size_t nstage, capstage;

	/* Prefixes in (address, length) order, plus one sentinel node whose
	 * first is the item count. */
	size_t npfx;
	struct lpm_node4 *node4;
	struct lpm_node6 *node6;
	uint64_t *items;
	size_t nitems;

	size_t nrange;
	struct lpm_range4 *range4;
	struct lpm_range6 *range6;
	/* index[k]: the first range whose start's top 16 bits are >= k. */
	uint32_t *index;
};

unsigned
lpm_af_bits(enum lpm_af af)
{
	return af == LPM_AF_V4 ? 32 : 128;
}

static u128
key_of(const struct lpm_prefix *p)
{
	u128 k = 0;
	unsigned i, n = p->af == LPM_AF_V4 ? 4 : 16;

	for (i = 0; i < 16; i++)
		k = (k << 8) | (i < n ? p->addr[i] : 0);
	return k;
}

static void
key_to(u128 k, enum lpm_af af, unsigned len, struct lpm_prefix *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->af = (uint8_t)af;
	out->len = (uint8_t)len;
	for (i = 15; i >= 0; i--) {
		if (af == LPM_AF_V6 || i < 4)
			out->addr[i] = (uint8_t)(k >> (8 * (15 - i)));
	}
}

/* The mask of the first len bits of a 128-bit key. */
static u128
key_mask(unsigned len)
{
	if (len == 0)
		return 0;
	return ~(u128)0 << (128 - len);
}

int
lpm_prefix_make(enum lpm_af af, const uint8_t *addr, unsigned plen,
	struct lpm_prefix *out)
{
	unsigned i, bytes = af == LPM_AF_V4 ? 4 : 16;

	if (plen > lpm_af_bits(af))
		return -1;
	memset(out, 0, sizeof(*out));
	out->af = (uint8_t)af;
	out->len = (uint8_t)plen;
	for (i = 0; i < bytes; i++) {
		unsigned have = plen > 8 * i ? plen - 8 * i : 0;

		if (have >= 8)
			out->addr[i] = addr[i];
		else if (have > 0)
			out->addr[i] = addr[i] & (uint8_t)(0xff << (8 - have));
	}
	return 0;
}

/* Parse an address from s[0..len) into out (length left at the maximum). */
static int
addr_parse(const char *s, size_t len, struct lpm_prefix *out)
{
	char buf[64];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (memchr(buf, ':', len) != NULL) {
		if (inet_pton(AF_INET6, buf, out->addr) != 1)
			return -1;
		out->af = LPM_AF_V6;
		out->len = 128;
	} else {
		if (inet_pton(AF_INET, buf, out->addr) != 1)
			return -1;
		out->af = LPM_AF_V4;
		out->len = 32;
	}
	return 0;
}

void
lpm_prefix_host(const struct netaddr *a, struct lpm_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->af = a->af;
	out->len = (uint8_t)(a->af == NETADDR_V4 ? 32 : 128);
	memcpy(out->addr, a->b, a->af == NETADDR_V4 ? 4 : 16);
}

int
lpm_prefix_parse(const char *s, size_t len, struct lpm_prefix *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen, llen;
	unsigned plen = 0, i;
	struct lpm_prefix p;

	if (slash == NULL)
		return -1;
	alen = (size_t)(slash - s);
	llen = len - alen - 1;
	if (llen == 0 || llen > 3)
		return -1;
	for (i = 0; i < llen; i++) {
		char c = slash[1 + i];

		if (c < '0' || c > '9')
			return -1;
		plen = plen * 10 + (unsigned)(c - '0');
	}
	if (llen > 1 && slash[1] == '0')
		return -1;	/* no leading zeros */
	if (addr_parse(s, alen, &p) != 0 || plen > lpm_af_bits(p.af))
		return -1;
	if ((key_of(&p) & ~key_mask(plen)) != 0)
		return -1;	/* host bits set */
	p.len = (uint8_t)plen;
	*out = p;
	return 0;
}

static void
addr_format(const struct lpm_prefix *p, char *buf, size_t len)
{
	if (inet_ntop(p->af == LPM_AF_V4 ? AF_INET : AF_INET6, p->addr, buf,
	    (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
}

void
lpm_prefix_format(const struct lpm_prefix *p, char *buf, size_t len)
{
	char a[LPM_PREFIX_STRLEN];

	addr_format(p, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, (unsigned)p->len);
}

bool
lpm_prefix_covers(const struct lpm_prefix *outer,
	const struct lpm_prefix *inner)
{
	if (outer->af != inner->af || outer->len > inner->len)
		return false;
	return ((key_of(outer) ^ key_of(inner)) & key_mask(outer->len)) == 0;
}

struct lpm *
lpm_new(enum lpm_af af)
{
	struct lpm *t = xcalloc(1, sizeof(*t));

	t->af = af;
	return t;
}

void
lpm_free(struct lpm *t)
{
	if (t == NULL)
		return;
	free(t->stage);
	free(t->node4);
	free(t->node6);
	free(t->items);
	free(t->range4);
	free(t->range6);
	free(t->index);
	free(t);
}

int
lpm_add(struct lpm *t, const struct lpm_prefix *p, uint64_t item)
{
	struct lpm_stage *e;

	if (t->built || p->af != t->af || p->len > lpm_af_bits(t->af) ||
	    t->nstage >= LPM_MAX_ENTRIES)
		return -1;
	if (t->nstage == t->capstage) {
		t->capstage = t->capstage ? t->capstage * 2 : LPM_STAGE_INITIAL;
		t->stage = xreallocarray(t->stage, t->capstage,
		    sizeof(*t->stage));
	}
	e = &t->stage[t->nstage++];
	e->key = key_of(p) & key_mask(p->len);
	e->len = p->len;
	e->item = item;
	return 0;
}

static int
stage_cmp(const void *a, const void *b)
{
	const struct lpm_stage *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return 0;
}

/* Range output of the build sweep. */
struct lpm_ranges {
	u128 *start;
	uint32_t *owner;
	size_t n, cap;
};

static void
range_emit(struct lpm_ranges *r, u128 start, uint32_t owner)
{
	if (r->n > 0 && r->start[r->n - 1] == start) {
		r->owner[r->n - 1] = owner;
		return;
	}
	if (r->n > 0 && r->owner[r->n - 1] == owner)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : LPM_STAGE_INITIAL;
		r->start = xreallocarray(r->start, r->cap, sizeof(*r->start));
		r->owner = xreallocarray(r->owner, r->cap, sizeof(*r->owner));
	}
	r->start[r->n] = start;
	r->owner[r->n] = owner;
	r->n++;
}

static u128
u128_of(uint64_t hi, uint64_t lo)
{
	return (u128)hi << 64 | lo;
}

static u128
pfx_key(const struct lpm *t, size_t i)
{
	if (t->af == LPM_AF_V4)
		return (u128)t->node4[i].key << 96;
	return u128_of(t->node6[i].hi, t->node6[i].lo);
}

static unsigned
pfx_len(const struct lpm *t, size_t i)
{
	return t->af == LPM_AF_V4 ? t->node4[i].len : t->node6[i].len;
}

static u128
pfx_end(const struct lpm *t, size_t i)
{
	return pfx_key(t, i) | ~key_mask(pfx_len(t, i));
}

static void
set_parent(struct lpm *t, size_t i, uint32_t parent)
{
	if (t->af == LPM_AF_V4)
		t->node4[i].parent = parent;
	else
		t->node6[i].parent = parent;
}

/* Pop the top of the stack, emitting the range after its end. */
static void
stack_pop(const struct lpm *t, uint32_t *stack, size_t *depth,
	struct lpm_ranges *r)
{
	uint32_t top = stack[--*depth];
	u128 end = pfx_end(t, top);

	if (end != ~(u128)0)
		range_emit(r, end + 1, *depth > 0 ? stack[*depth - 1] : LPM_NONE);
}

/* Sort the staging area into nodes and items, merging duplicates. */
static void
build_nodes(struct lpm *t)
{
	bool v4 = t->af == LPM_AF_V4;
	size_t i, n = 0;

	if (t->nstage > 0)
		qsort(t->stage, t->nstage, sizeof(*t->stage), stage_cmp);
	if (v4)
		t->node4 = xreallocarray(NULL, t->nstage + 1,
		    sizeof(*t->node4));
	else
		t->node6 = xreallocarray(NULL, t->nstage + 1,
		    sizeof(*t->node6));
	t->items = xreallocarray(NULL, t->nstage, sizeof(*t->items));
	for (i = 0; i < t->nstage; i++) {
		const struct lpm_stage *e = &t->stage[i];

		if (i == 0 || e->key != e[-1].key || e->len != e[-1].len) {
			if (v4) {
				memset(&t->node4[n], 0, sizeof(t->node4[n]));
				t->node4[n].key = (uint32_t)(e->key >> 96);
				t->node4[n].len = e->len;
				t->node4[n].first = (uint32_t)t->nitems;
				t->node4[n].item0 = e->item;
			} else {
				memset(&t->node6[n], 0, sizeof(t->node6[n]));
				t->node6[n].hi = (uint64_t)(e->key >> 64);
				t->node6[n].lo = (uint64_t)e->key;
				t->node6[n].len = e->len;
				t->node6[n].first = (uint32_t)t->nitems;
				t->node6[n].item0 = e->item;
			}
			n++;
		} else if (e->item == e[-1].item) {
			continue;
		}
		t->items[t->nitems++] = e->item;
	}
	/* The sentinel. */
	if (v4) {
		memset(&t->node4[n], 0, sizeof(t->node4[n]));
		t->node4[n].first = (uint32_t)t->nitems;
		t->node4 = xreallocarray(t->node4, n + 1, sizeof(*t->node4));
	} else {
		memset(&t->node6[n], 0, sizeof(t->node6[n]));
		t->node6[n].first = (uint32_t)t->nitems;
		t->node6 = xreallocarray(t->node6, n + 1, sizeof(*t->node6));
	}
	t->items = xreallocarray(t->items, t->nitems, sizeof(*t->items));
	t->npfx = n;
	free(t->stage);
	t->stage = NULL;
	t->nstage = t->capstage = 0;
}

static size_t
range_top16(const struct lpm *t, size_t i)
{
	return t->af == LPM_AF_V4 ? (size_t)(t->range4[i].start >> 16) :
	    (size_t)(t->range6[i].hi >> 48);
}

void
lpm_build(struct lpm *t)
{
	struct lpm_ranges r;
	uint32_t stack[129];
	size_t depth = 0, i, k;

	if (t->built)
		return;
	t->built = true;
	build_nodes(t);

	/* Parents and elementary ranges in one sweep: sorted by (address,
	 * length), a prefix comes after every prefix containing it, so the
	 * stack holds the chain of prefixes containing the current one. */
	memset(&r, 0, sizeof(r));
	for (i = 0; i < t->npfx; i++) {
		u128 key = pfx_key(t, i);

		while (depth > 0 && key > pfx_end(t, stack[depth - 1]))
			stack_pop(t, stack, &depth, &r);
		set_parent(t, i, depth > 0 ? stack[depth - 1] : LPM_NONE);
		stack[depth++] = (uint32_t)i;
		range_emit(&r, key, (uint32_t)i);
	}
	while (depth > 0)
		stack_pop(t, stack, &depth, &r);

	t->nrange = r.n;
	if (t->af == LPM_AF_V4) {
		t->range4 = xreallocarray(NULL, r.n ? r.n : 1,
		    sizeof(*t->range4));
		for (i = 0; i < r.n; i++) {
			t->range4[i].start = (uint32_t)(r.start[i] >> 96);
			t->range4[i].owner = r.owner[i];
		}
	} else {
		t->range6 = xreallocarray(NULL, r.n ? r.n : 1,
		    sizeof(*t->range6));
		for (i = 0; i < r.n; i++) {
			memset(&t->range6[i], 0, sizeof(t->range6[i]));
			t->range6[i].hi = (uint64_t)(r.start[i] >> 64);
			t->range6[i].lo = (uint64_t)r.start[i];
			t->range6[i].owner = r.owner[i];
		}
	}
	free(r.start);
	free(r.owner);
	t->index = xreallocarray(NULL, LPM_INDEX_SIZE + 1, sizeof(*t->index));
	for (k = 0, i = 0; k <= LPM_INDEX_SIZE; k++) {
		while (i < r.n && (k == LPM_INDEX_SIZE || range_top16(t, i) < k))
			i++;
		t->index[k] = (uint32_t)i;
	}
}

size_t
lpm_count(const struct lpm *t)
{
	return t->built ? t->npfx : 0;
}

size_t
lpm_item_count(const struct lpm *t)
{
	return t->nitems;
}

size_t
lpm_memory(const struct lpm *t)
{
	size_t node = t->af == LPM_AF_V4 ? sizeof(struct lpm_node4) :
	    sizeof(struct lpm_node6);
	size_t range = t->af == LPM_AF_V4 ? sizeof(struct lpm_range4) :
	    sizeof(struct lpm_range6);

	return sizeof(*t) + (t->built ? (t->npfx + 1) * node : 0) +
	    t->nitems * sizeof(uint64_t) + t->nrange * range +
	    (t->index != NULL ? (LPM_INDEX_SIZE + 1) * sizeof(uint32_t) : 0);
}

uint32_t
lpm_match(const struct lpm *t, const struct lpm_prefix *a)
{
	size_t lo, hi;

	if (!t->built || a->af != t->af || t->nrange == 0)
		return LPM_NONE;
	if (t->af == LPM_AF_V4) {
		uint32_t k = (uint32_t)a->addr[0] << 24 |
		    (uint32_t)a->addr[1] << 16 | (uint32_t)a->addr[2] << 8 |
		    a->addr[3];

		lo = t->index[k >> 16];
		hi = t->index[(k >> 16) + 1];
		/* The first range of [lo, hi) starting after k. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (t->range4[mid].start <= k)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* k lies in range lo - 1 (which may start in an earlier
		 * bucket). */
		return lo > 0 ? t->range4[lo - 1].owner : LPM_NONE;
	} else {
		u128 k = key_of(a);
		size_t b = (size_t)(k >> 112);

		lo = t->index[b];
		hi = t->index[b + 1];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (u128_of(t->range6[mid].hi, t->range6[mid].lo) <= k)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo > 0 ? t->range6[lo - 1].owner : LPM_NONE;
	}
}

uint32_t
lpm_parent(const struct lpm *t, uint32_t id)
{
	if (id >= t->npfx)
		return LPM_NONE;
	return t->af == LPM_AF_V4 ? t->node4[id].parent : t->node6[id].parent;
}

unsigned
lpm_len(const struct lpm *t, uint32_t id)
{
	return id < t->npfx ? pfx_len(t, id) : 0;
}

void
lpm_get(const struct lpm *t, uint32_t id, struct lpm_prefix *out)
{
	if (id >= t->npfx) {
		memset(out, 0, sizeof(*out));
		out->af = (uint8_t)t->af;
		return;
	}
	key_to(pfx_key(t, id), t->af, pfx_len(t, id), out);
}

const uint64_t *
lpm_items(const struct lpm *t, uint32_t id, size_t *n)
{
	uint32_t first, end;
	const uint64_t *item0;

	if (id >= t->npfx) {
		*n = 0;
		return NULL;
	}
	if (t->af == LPM_AF_V4) {
		first = t->node4[id].first;
		end = t->node4[id + 1].first;
		item0 = &t->node4[id].item0;
	} else {
		first = t->node6[id].first;
		end = t->node6[id + 1].first;
		item0 = &t->node6[id].item0;
	}
	*n = end - first;
	/* One item: the copy in the node, already in the cache. */
	return *n == 1 ? item0 : t->items + first;
}
