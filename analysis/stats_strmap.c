/*
 * stats_strmap.c - open-addressing hash map from byte strings to a
 * uint32 value.  Keys are copied into an arena of large chunks, so a map
 * of millions of domains costs a few allocations.
 */
#include <stdlib.h>
#include <string.h>

#include "stats_int.h"
#include "util.h"

#define ARENA_CHUNK (1u << 20)

struct slot {
	const uint8_t *key;	/* NULL: empty */
	uint32_t len;
	uint32_t value;
	uint64_t hash;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	uint8_t data[];
};

struct stats_strmap {
	struct slot *slots;
	size_t cap;		/* power of two */
	size_t count;
	struct chunk *chunks;
};

static uint64_t
stats_hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ull;

	/* FNV-1a, eight bytes at a time, then a final mix. */
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	while (len--)
		h = (h ^ *p++) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

struct stats_strmap *
stats_strmap_new(void)
{
	struct stats_strmap *m = xcalloc(1, sizeof(*m));

	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void
stats_strmap_free(struct stats_strmap *m)
{
	if (m == NULL)
		return;
	while (m->chunks) {
		struct chunk *c = m->chunks;
		m->chunks = c->next;
		free(c);
	}
	free(m->slots);
	free(m);
}

static const uint8_t *
arena_copy(struct stats_strmap *m, const void *key, size_t len)
{
	struct chunk *c = m->chunks;

	if (c == NULL || c->cap - c->used < len) {
		size_t cap = len > ARENA_CHUNK ? len : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = m->chunks;
		m->chunks = c;
	}
	uint8_t *p = c->data + c->used;
	if (len)
		memcpy(p, key, len);
	c->used += len;
	return p;
}

static struct slot *
find(const struct stats_strmap *m, const void *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;;) {
		struct slot *s = &m->slots[i];
		if (s->key == NULL)
			return s;
		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

static void
grow(struct stats_strmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap;

	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		size_t j = (size_t)old[i].hash & (m->cap - 1);
		while (m->slots[j].key != NULL)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

uint32_t *
stats_strmap_get(const struct stats_strmap *m, const void *key, size_t len)
{
	struct slot *s = find(m, key, len, stats_hash(key, len));

	return s->key ? &s->value : NULL;
}

uint32_t *
stats_strmap_put(struct stats_strmap *m, const void *key, size_t len,
    bool *inserted)
{
	uint64_t h = stats_hash(key, len);
	struct slot *s = find(m, key, len, h);

	*inserted = false;
	if (s->key)
		return &s->value;
	if ((m->count + 1) * 4 > m->cap * 3) {
		grow(m);
		s = find(m, key, len, h);
	}
	/* A non-NULL pointer even for the empty key. */
	s->key = len ? arena_copy(m, key, len) : (const uint8_t *)"";
	s->len = (uint32_t)len;
	s->hash = h;
	s->value = 0;
	m->count++;
	*inserted = true;
	return &s->value;
}
