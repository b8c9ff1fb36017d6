/*
 * tap.c - a tiny TAP producer for unit tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

#include "tap.h"

static int tap_count;
static int tap_failed;

static bool
tap_vok(bool cond, const char *fmt, va_list ap)
{
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

bool
tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

bool
tap_eq_i64(int64_t got, int64_t want, const char *name)
{
	if (!tap_ok(got == want, "%s", name)) {
		tap_diag("  got:  %" PRId64, got);
		tap_diag("  want: %" PRId64, want);
		return false;
	}
	return true;
}

bool
tap_eq_str(const char *got, const char *want, const char *name)
{
	bool same = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);

	if (!tap_ok(same, "%s", name)) {
		tap_diag("  got:  %s", got ? got : "(null)");
		tap_diag("  want: %s", want ? want : "(null)");
		return false;
	}
	return true;
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# %d of %d checks failed\n", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}
