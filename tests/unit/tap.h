/*
 * tap.h - a tiny TAP producer for unit tests (meson runs them with
 * protocol 'tap').  Each check prints "ok N - name" or "not ok N - name";
 * tap_done() prints the plan and returns the exit status.
 */
#ifndef UPTAKE_TESTS_UNIT_TAP_H
#define UPTAKE_TESTS_UNIT_TAP_H

#include <stdbool.h>
#include <stdint.h>

/* Record one check; returns cond so callers can stop early. */
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Compare and print both values on mismatch. */
bool tap_eq_i64(int64_t got, int64_t want, const char *name);
bool tap_eq_str(const char *got, const char *want, const char *name);
/* Print a diagnostic line ("# ..."). */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan; returns 0 when every check passed, 1 otherwise. */
int tap_done(void);

#endif
