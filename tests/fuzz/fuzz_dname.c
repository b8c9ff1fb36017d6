/*
 * fuzz_dname.c - libFuzzer target for dname_normalize: whatever the
 * bytes, a name accepted comes out as a valid normal form (LDH, lengths,
 * at least two labels), normalising it again changes nothing, and it is
 * under each of its parents.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[DNAME_BUF_SIZE], again[DNAME_BUF_SIZE];
	enum dname_error e;
	size_t len;

	e = dname_normalize((const char *)data, size, out, sizeof(out));
	if ((unsigned)e >= DNAME_ERROR_COUNT)
		abort();
	if (e != DNAME_OK) {
		if (out[0] != '\0')
			abort();
		return 0;
	}
	len = strlen(out);
	if (len == 0 || len > DNAME_MAX_LEN || dname_label_count(out) < 2 ||
	    !dname_is_valid(out))
		abort();
	for (size_t i = 0; i < len; i++) {
		char c = out[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.'))
			abort();
	}
	if (dname_normalize(out, len, again, sizeof(again)) != DNAME_OK ||
	    strcmp(out, again) != 0)
		abort();
	for (const char *p = strchr(out, '.'); p != NULL;
	    p = strchr(p + 1, '.'))
		if (!dname_is_under(out, p + 1))
			abort();
	return 0;
}
