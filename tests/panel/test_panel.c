/*
 * test_panel - McNemar's test of analysis/panel.c on counts whose values
 * were computed apart (Python: math.comb in fractions for the exact
 * binomial p, math.erfc for the chi-square one): the statistic, the
 * p-value, which method, and the boundary PANEL_EXACT_BELOW.
 */
#include <math.h>
#include <stdint.h>

#include "panel.h"
#include "tap.h"

static bool
near(double got, double want)
{
	return fabs(got - want) <= 1e-9 * fabs(want) || got == want;
}

static void
check(uint64_t b, uint64_t c, double stat, double p, bool exact)
{
	struct panel_mcnemar t;

	panel_mcnemar(b, c, &t);
	tap_ok(t.tested && near(t.stat, stat) && near(t.p, p) &&
	    t.exact == exact,
	    "b=%llu c=%llu: statistic %.10g (want %.10g), p %.10g (want "
	    "%.10g), %s", (unsigned long long)b, (unsigned long long)c,
	    t.stat, stat, t.p, p, t.exact ? "exact" : "chi2");
}

int
main(void)
{
	struct panel_mcnemar t;

	/* The hand-made case of tests/panel/panel_test.py. */
	check(7, 1, 3.125, 0.0703125, true);
	check(1, 7, 3.125, 0.0703125, true);
	/* b = c: no correction, statistic 0, p 1. */
	check(12, 12, 0, 1, true);
	check(0, 1, 0, 1, true);
	check(24, 0, 22.041666666666668, 1.1920928955078125e-07, true);
	check(13, 11, 0.041666666666666664, 0.8388197422027588, true);
	/* From b + c = 25 on: chi-square, 1 df. */
	check(20, 5, 7.84, 0.005110260660855864, false);
	check(30, 10, 9.025, 0.002663119259138554, false);
	check(100, 80, 2.0055555555555555, 0.15672386794511878, false);
	panel_mcnemar(0, 0, &t);
	tap_ok(!t.tested && isnan(t.stat) && isnan(t.p),
	    "b = c = 0: no test");
	/* The exact p for large n (lgamma sums) against fractions. */
	tap_ok(near(panel_binom_p(500, 480), 0.5439172374909197),
	    "exact p of 480 in 980: %.12g", panel_binom_p(500, 480));
	tap_ok(near(panel_binom_p(100, 80), 0.1565314695781511),
	    "exact p of 80 in 180: %.12g", panel_binom_p(100, 80));
	tap_ok(panel_binom_p(0, 0) == 1, "exact p of nothing: 1");
	return tap_done();
}
