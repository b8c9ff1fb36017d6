/*
 * stats_math.c - the figures: Wilson score intervals, the Kish effective
 * sample size of weighted rates, the two-proportion z-test and
 * Benjamini-Hochberg adjusted p-values.  Formulas in docs/method.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

bool
stats_wilson(double k, double n, double z, double *lo, double *hi)
{
	if (!(n > 0)) {
		*lo = *hi = NAN;
		return false;
	}
	double p = k / n, z2 = z * z;
	double denom = 1 + z2 / n;
	double centre = p + z2 / (2 * n);
	double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	*lo = (centre - half) / denom;
	*hi = (centre + half) / denom;
	/* Rounding must not push the bounds past the rate or [0, 1]. */
	if (*lo < 0 || k <= 0)
		*lo = 0;
	if (*hi > 1 || k >= n)
		*hi = 1;
	if (*lo > p)
		*lo = p;
	if (*hi < p)
		*hi = p;
	return true;
}

bool
stats_count_rate(const struct stats_count *c, bool weighted, double *rate,
    double *lo, double *hi, double *neff)
{
	double ne;

	if (!weighted) {
		if (neff)
			*neff = (double)c->n;
		if (c->n == 0) {
			*rate = *lo = *hi = NAN;
			return false;
		}
		*rate = (double)c->k / (double)c->n;
		return stats_wilson((double)c->k, (double)c->n, STATS_Z95, lo,
		    hi);
	}
	if (!(c->wn > 0) || !(c->wn2 > 0)) {
		*rate = *lo = *hi = NAN;
		if (neff)
			*neff = 0;
		return false;
	}
	*rate = c->wk / c->wn;
	if (*rate > 1)
		*rate = 1;
	ne = c->wn * c->wn / c->wn2;
	if (neff)
		*neff = ne;
	return stats_wilson(*rate * ne, ne, STATS_Z95, lo, hi);
}

bool
stats_ztest(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2, double *z,
    double *p)
{
	if (n1 == 0 || n2 == 0) {
		*z = *p = NAN;
		return false;
	}
	double p1 = (double)k1 / (double)n1, p2 = (double)k2 / (double)n2;
	double pool = (double)(k1 + k2) / (double)(n1 + n2);
	double se = sqrt(pool * (1 - pool) *
	    (1.0 / (double)n1 + 1.0 / (double)n2));
	if (!(se > 0)) {
		/* Both rates 0 or both 1: no evidence of a change. */
		*z = 0;
		*p = 1;
		return true;
	}
	*z = (p2 - p1) / se;
	*p = erfc(fabs(*z) / sqrt(2.0));
	if (*p > 1)
		*p = 1;
	return true;
}

struct pidx {
	double p;
	size_t i;
};

static int
cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	if (x->p < y->p)
		return -1;
	if (x->p > y->p)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void
stats_bh(const double *p, size_t n, double *q)
{
	struct pidx *v = xcalloc(n ? n : 1, sizeof(*v));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		q[i] = NAN;
		if (!isnan(p[i]))
			v[m++] = (struct pidx){ p[i], i };
	}
	qsort(v, m, sizeof(*v), cmp_pidx);
	/* q_(j) = min over l >= j of p_(l) * m / l, capped at 1. */
	double run = 1;
	for (size_t j = m; j-- > 0;) {
		double t = v[j].p * (double)m / (double)(j + 1);
		if (t < run)
			run = t;
		q[v[j].i] = run;
	}
	free(v);
}

bool
stats_change_compute(const struct stats_group *a, const struct stats_group *b,
    size_t m, bool test, struct stats_change *c)
{
	c->r1 = c->r2 = c->z = c->p = c->q = NAN;
	c->n1 = a ? a->c[m].n : 0;
	c->n2 = b ? b->c[m].n : 0;
	c->tested = false;
	if (c->n1)
		c->r1 = (double)a->c[m].k / (double)c->n1;
	if (c->n2)
		c->r2 = (double)b->c[m].k / (double)c->n2;
	if (test && a && b)
		c->tested = stats_ztest(a->c[m].k, c->n1, b->c[m].k, c->n2,
		    &c->z, &c->p);
	return c->tested;
}

size_t
stats_change_adjust(struct stats_change *const *v, size_t n)
{
	double *p = xcalloc(n ? n : 1, sizeof(*p));
	double *q = xcalloc(n ? n : 1, sizeof(*q));
	size_t ntests = 0;

	for (size_t i = 0; i < n; i++)
		p[i] = v[i]->tested ? v[i]->p : NAN;
	stats_bh(p, n, q);
	for (size_t i = 0; i < n; i++) {
		v[i]->q = q[i];
		ntests += v[i]->tested;
	}
	free(p);
	free(q);
	return ntests;
}

bool
stats_change_significant(const struct stats_change *c, double alpha,
    bool adjusted)
{
	return c->tested && (adjusted ? c->q : c->p) < alpha;
}
