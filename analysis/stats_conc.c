/*
 * stats_conc.c - provider shares and the Herfindahl-Hirschman index of
 * each market under an operator key (stats.h, struct stats_conc;
 * docs/method.md, "Concentration index").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "stats_int.h"
#include "util.h"

/* Room for a market's labels, each with a length byte. */
#define CONC_KEYBUF (STATS_MAX_KEYS * (STATS_MAX_LABEL + 1))

/* The market labels of g (every key but the operator key), length
 * prefixed, into buf; returns the length. */
static size_t
market_key(const struct stats_conc *c, const struct stats_group *g,
    char *buf)
{
	size_t len = 0;

	for (size_t i = 0; i < c->nkeys; i++) {
		size_t l;

		if (i == c->opkey)
			continue;
		l = strlen(g->key[i]);
		if (l > STATS_MAX_LABEL)
			l = STATS_MAX_LABEL;
		buf[len++] = (char)l;
		memcpy(buf + len, g->key[i], l);
		len += l;
	}
	return len;
}

static bool
is_label(const char *s, const char *label)
{
	return strcmp(s, label) == 0;
}

/* Sort order of labels: as stats_table_sort ("other", "unknown" last). */
static int
label_rank(const char *s)
{
	if (is_label(s, STATS_LABEL_UNKNOWN))
		return 1;
	if (is_label(s, STATS_LABEL_OTHER))
		return 2;
	return 0;
}

static int
cmp_market(const void *a, const void *b, void *ctx)
{
	const struct stats_market *x = a, *y = b;
	const struct stats_conc *c = ctx;

	for (size_t i = 0; i < c->nkeys; i++) {
		int rx, ry, r;

		if (i == c->opkey)
			continue;
		rx = label_rank(x->key[i]);
		ry = label_rank(y->key[i]);
		if (rx != ry)
			return rx < ry ? -1 : 1;
		r = strcmp(x->key[i], y->key[i]);
		if (r != 0)
			return r;
	}
	return 0;
}

struct stats_conc *
stats_conc_new(const struct stats_table *t)
{
	struct stats_conc *c;
	size_t opkey = t->nkeys, cap = 0;
	char buf[CONC_KEYBUF];

	for (size_t i = 0; i < t->nkeys; i++)
		if (stats_key_is_operator(t->keys[i]))
			opkey = i;
	if (opkey == t->nkeys)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->opkey = opkey;
	c->nkeys = t->nkeys;
	c->ix = stats_strmap_new();
	/* Markets and their row counts. */
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct stats_group *g = &t->groups[i];
		size_t len = market_key(c, g, buf);
		bool ins;
		uint32_t *v = stats_strmap_put(c->ix, buf, len, &ins);
		struct stats_market *m;

		if (ins) {
			if (c->n == cap) {
				cap = cap ? cap * 2 : 16;
				c->m = xreallocarray(c->m, cap, sizeof(*c->m));
			}
			m = &c->m[c->n];
			memset(m, 0, sizeof(*m));
			for (size_t k = 0; k < t->nkeys; k++)
				if (k != opkey)
					m->key[k] = xstrdup(g->key[k]);
			*v = (uint32_t)c->n++;
		}
		m = &c->m[*v];
		if (is_label(g->key[opkey], STATS_LABEL_UNKNOWN))
			m->without_operator += g->rows;
		else {
			m->with_operator += g->rows;
			m->providers++;
		}
	}
	/* The index: the sum of the squared shares in percent. */
	for (size_t i = 0; i < c->n; i++) {
		c->m[i].hhi = c->m[i].with_operator > 0 ? 0 : NAN;
		c->m[i].top_share = c->m[i].with_operator > 0 ? 0 : NAN;
	}
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct stats_group *g = &t->groups[i];
		struct stats_market *m;
		double s;

		if (is_label(g->key[opkey], STATS_LABEL_UNKNOWN))
			continue;
		m = &c->m[*stats_strmap_get(c->ix, buf, market_key(c, g, buf))];
		s = (double)g->rows / (double)m->with_operator;
		m->hhi += (100.0 * s) * (100.0 * s);
		if (s > m->top_share)
			m->top_share = s;
	}
	/* Sorted, with the index rebuilt for the new order. */
	qsort_r(c->m, c->n, sizeof(*c->m), cmp_market, c);
	stats_strmap_free(c->ix);
	c->ix = stats_strmap_new();
	for (size_t i = 0; i < c->n; i++) {
		struct stats_group g;
		bool ins;

		memset(&g, 0, sizeof(g));
		for (size_t k = 0; k < c->nkeys; k++)
			g.key[k] = k == opkey ? (char *)"" : c->m[i].key[k];
		*stats_strmap_put(c->ix, buf, market_key(c, &g, buf), &ins) =
		    (uint32_t)i;
	}
	return c;
}

void
stats_conc_free(struct stats_conc *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->nkeys; k++)
			free(c->m[i].key[k]);
	free(c->m);
	stats_strmap_free(c->ix);
	free(c);
}

const struct stats_market *
stats_conc_market(const struct stats_conc *c, const struct stats_group *g)
{
	char buf[CONC_KEYBUF];
	uint32_t *v;

	if (c == NULL)
		return NULL;
	v = stats_strmap_get(c->ix, buf, market_key(c, g, buf));
	return v != NULL ? &c->m[*v] : NULL;
}

double
stats_conc_share(const struct stats_conc *c, const struct stats_group *g)
{
	const struct stats_market *m;

	if (c == NULL || is_label(g->key[c->opkey], STATS_LABEL_UNKNOWN) ||
	    is_label(g->key[c->opkey], STATS_LABEL_OTHER))
		return NAN;
	m = stats_conc_market(c, g);
	if (m == NULL || m->with_operator == 0)
		return NAN;
	return (double)g->rows / (double)m->with_operator;
}
