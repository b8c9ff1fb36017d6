/*
 * stats_table.c - tables of groups after counting: folding small groups
 * into "other", rolling up to fewer keys, sorting, lookup.  All counts
 * are sums, so folding and rolling up are exact.
 */
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_int.h"
#include "util.h"

void
stats_group_init(struct stats_group *g, size_t nkeys)
{
	memset(g, 0, sizeof(*g));
	g->c = xcalloc(metric_count(), sizeof(*g->c));
	(void)nkeys;
}

static void
stats_group_fini(struct stats_group *g, size_t nkeys)
{
	for (size_t i = 0; i < nkeys; i++)
		free(g->key[i]);
	free(g->c);
	memset(g, 0, sizeof(*g));
}

/* Add the counts of src to dst. */
static void
stats_group_add(struct stats_group *dst, const struct stats_group *src)
{
	dst->rows += src->rows;
	for (size_t s = 0; s < STATS_CSRC_COUNT; s++)
		dst->csrc[s] += src->csrc[s];
	for (size_t m = 0; m < metric_count(); m++) {
		struct stats_count *d = &dst->c[m];
		const struct stats_count *s = &src->c[m];
		d->n += s->n;
		d->k += s->k;
		d->wn += s->wn;
		d->wk += s->wk;
		d->wn2 += s->wn2;
	}
}

static bool
all_other(const struct stats_group *g, size_t nkeys)
{
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(g->key[i], STATS_LABEL_OTHER) != 0)
			return false;
	return true;
}

void
stats_table_fold_if(struct stats_table *t,
    bool (*fold)(const struct stats_group *g, void *ctx), void *ctx)
{
	struct stats_group other;
	size_t w = 0, nfold = 0;

	stats_group_init(&other, t->nkeys);
	for (size_t i = 0; i < t->ngroups; i++) {
		struct stats_group *g = &t->groups[i];
		bool f = fold(g, ctx);
		if (f || all_other(g, t->nkeys)) {
			stats_group_add(&other, g);
			nfold += f;
			stats_group_fini(g, t->nkeys);
			continue;
		}
		t->groups[w++] = *g;
	}
	t->ngroups = w;
	if (other.rows == 0 && nfold == 0) {
		stats_group_fini(&other, t->nkeys);
		return;
	}
	for (size_t i = 0; i < t->nkeys; i++)
		other.key[i] = xstrdup(STATS_LABEL_OTHER);
	t->groups = xreallocarray(t->groups, t->ngroups + 1,
	    sizeof(*t->groups));
	t->groups[t->ngroups++] = other;
}

static bool
fold_small(const struct stats_group *g, void *ctx)
{
	return g->rows < *(const uint64_t *)ctx;
}

void
stats_table_fold(struct stats_table *t, uint64_t min_n)
{
	if (min_n <= 1)
		return;
	stats_table_fold_if(t, fold_small, &min_n);
}

struct stats_table *
stats_table_rollup(const struct stats_table *t, const size_t *keep,
    size_t nkeep)
{
	struct stats_table *o = xcalloc(1, sizeof(*o));
	struct stats_strmap *ix = stats_strmap_new();
	size_t cap = 0;

	o->nkeys = nkeep;
	for (size_t j = 0; j < nkeep; j++)
		o->keys[j] = t->keys[keep[j]];
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct stats_group *g = &t->groups[i];
		char buf[STATS_MAX_KEYS * (STATS_MAX_LABEL + 2)];
		size_t len = 0;
		for (size_t j = 0; j < nkeep; j++) {
			const char *l = g->key[keep[j]];
			size_t ll = strlen(l);
			if (ll > STATS_MAX_LABEL)
				ll = STATS_MAX_LABEL;
			buf[len++] = (char)ll;
			memcpy(buf + len, l, ll);
			len += ll;
		}
		bool ins;
		uint32_t *v = stats_strmap_put(ix, buf, len, &ins);
		if (ins) {
			if (o->ngroups == cap) {
				cap = cap ? cap * 2 : 16;
				o->groups = xreallocarray(o->groups, cap,
				    sizeof(*o->groups));
			}
			struct stats_group *ng = &o->groups[o->ngroups];
			stats_group_init(ng, nkeep);
			for (size_t j = 0; j < nkeep; j++)
				ng->key[j] = xstrdup(g->key[keep[j]]);
			*v = (uint32_t)o->ngroups++;
		}
		stats_group_add(&o->groups[*v], g);
	}
	stats_strmap_free(ix);
	return o;
}

/* Rank of a label in sorting: data values, then other, then unknown. */
static int
label_rank(const char *s)
{
	if (strcmp(s, STATS_LABEL_UNKNOWN) == 0)
		return 2;
	if (strcmp(s, STATS_LABEL_OTHER) == 0)
		return 1;
	return 0;
}

static int
cmp_group(const void *a, const void *b, void *ctx)
{
	const struct stats_group *x = a, *y = b;
	size_t nkeys = *(const size_t *)ctx;

	for (size_t i = 0; i < nkeys; i++) {
		int rx = label_rank(x->key[i]), ry = label_rank(y->key[i]);
		if (rx != ry)
			return rx - ry;
		int c = strcmp(x->key[i], y->key[i]);
		if (c)
			return c;
	}
	return 0;
}

void
stats_table_sort(struct stats_table *t)
{
	if (t->ngroups < 2)
		return;
	qsort_r(t->groups, t->ngroups, sizeof(*t->groups), cmp_group,
	    &t->nkeys);
}

const struct stats_group *
stats_table_find(const struct stats_table *t, const char *const *key)
{
	for (size_t i = 0; i < t->ngroups; i++) {
		size_t j;
		for (j = 0; j < t->nkeys; j++)
			if (strcmp(t->groups[i].key[j], key[j]) != 0)
				break;
		if (j == t->nkeys)
			return &t->groups[i];
	}
	return NULL;
}

void
stats_table_fini(struct stats_table *t)
{
	for (size_t i = 0; i < t->ngroups; i++)
		stats_group_fini(&t->groups[i], t->nkeys);
	free(t->groups);
	memset(t, 0, sizeof(*t));
}

void
stats_table_free(struct stats_table *t)
{
	if (t == NULL)
		return;
	stats_table_fini(t);
	free(t);
}
