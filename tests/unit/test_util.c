/*
 * test_util.c - bounded number parsing and allocation helpers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"

static void
test_parse_u64(void)
{
	uint64_t v = 0;

	tap_ok(parse_u64("0", 1, 10, &v) == 0 && v == 0, "u64 zero");
	tap_ok(parse_u64("10", 2, 10, &v) == 0 && v == 10, "u64 at max");
	tap_ok(parse_u64("11", 2, 10, &v) == -1, "u64 above max");
	tap_ok(parse_u64("", 0, 10, &v) == -1, "u64 empty");
	tap_ok(parse_u64("1a", 2, 100, &v) == -1, "u64 junk");
	tap_ok(parse_u64("18446744073709551615", 20, UINT64_MAX, &v) == 0 &&
	    v == UINT64_MAX, "u64 max value");
	tap_ok(parse_u64("18446744073709551616", 20, UINT64_MAX, &v) == -1,
	    "u64 overflow");
}

static void
test_parse_i64(void)
{
	int64_t v = 0;

	tap_ok(parse_i64("-5", 2, -10, 10, &v) == 0 && v == -5, "i64 negative");
	tap_ok(parse_i64("+7", 2, -10, 10, &v) == 0 && v == 7, "i64 plus sign");
	tap_ok(parse_i64("-11", 3, -10, 10, &v) == -1, "i64 below min");
	tap_ok(parse_i64("-9223372036854775808", 20, INT64_MIN, INT64_MAX,
	    &v) == 0 && v == INT64_MIN, "i64 min value");
	tap_ok(parse_i64("9223372036854775808", 19, INT64_MIN, INT64_MAX,
	    &v) == -1, "i64 overflow");
	tap_ok(parse_i64("-", 1, -10, 10, &v) == -1, "i64 sign only");
}

static void
test_strings(void)
{
	char *s = xstrndup("abcdef", 3);

	tap_eq_str(s, "abc", "xstrndup truncates");
	free(s);
	s = xstrdup("");
	tap_eq_str(s, "", "xstrdup empty");
	free(s);
}

int
main(void)
{
	test_parse_u64();
	test_parse_i64();
	test_strings();
	return tap_done();
}
