/*
 * fuzz_stspolicy.c - libFuzzer target for the MTA-STS policy parser and
 * MX match (crawler/mail/stspolicy.c): the bytes are a policy body (at
 * most STS_MAX_BODY, as the fetch reads) in an exact-size copy so that
 * ASan sees any read past its end.  No crash; a valid policy has a known
 * mode, max_age within the bound, mx patterns inside the buffer, each
 * matching itself when it has no wildcard, and mx unless mode none; the
 * body's last line as a host is matched against every pattern.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stspolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sts_policy p;
	char *buf;
	size_t i, hs;
	const char *host;

	if (size > STS_MAX_BODY)
		size = STS_MAX_BODY;
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (stspolicy_parse(buf, size, &p)) {
		if (p.err != STS_OK || p.err_line != 0 ||
		    p.max_age > STS_MAX_AGE || p.nmx > STS_MAX_MX ||
		    (p.mode != STS_MODE_NONE && p.nmx == 0))
			abort();
		if (p.mode != STS_MODE_NONE && p.mode != STS_MODE_TESTING &&
		    p.mode != STS_MODE_ENFORCE)
			abort();
		for (i = 0; i < p.nmx; i++) {
			const char *pt = buf + p.mx[i].off;

			if (p.mx[i].off + p.mx[i].len > size || p.mx[i].len == 0)
				abort();
			if (pt[0] != '*' && !stspolicy_mx_match(pt,
			    p.mx[i].len, pt, p.mx[i].len))
				abort();
		}
	} else if (p.err == STS_OK) {
		abort();
	}
	/* The last line as an MX host name, against every pattern. */
	for (hs = size; hs > 0 && buf[hs - 1] != '\n'; hs--)
		;
	host = buf + hs;
	for (i = 0; i < p.nmx; i++)
		(void)stspolicy_mx_match(buf + p.mx[i].off, p.mx[i].len, host,
		    size - hs);
	if (p.err == STS_OK)
		(void)stspolicy_all_match(&p, buf, &host, 0);
	free(buf);
	return 0;
}
