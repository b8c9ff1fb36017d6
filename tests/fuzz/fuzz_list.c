/*
 * fuzz_list.c - libFuzzer target for the list readers: the first byte
 * picks the format (auto, tranco, plain, csv, zone) and the name (".zone"
 * or not), the rest is the list.  Every name yielded must be a valid
 * normal form with consecutive indices, the counters must add up, and the
 * reader must end.  Rejected input is the expected outcome; any crash,
 * leak, hang or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "list.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum list_format fmts[] = { LIST_FORMAT_AUTO,
		LIST_FORMAT_TRANCO, LIST_FORMAT_PLAIN, LIST_FORMAT_CSV,
		LIST_FORMAT_ZONE };
	struct list_reader *r;
	struct list_entry e;
	struct list_stats st;
	char err[512], hex[65];
	uint64_t n = 0, bad = 0;
	int rc;

	log_set_level(LOG_LEVEL_ERR);
	if (size == 0)
		return 0;
	r = list_open_mem(data + 1, size - 1, data[0] & 8 ? "f.zone" : "f",
	    fmts[(data[0] & 7) % 5], err, sizeof(err));
	if (r == NULL)
		return 0;
	while ((rc = list_next(r, &e)) == 1) {
		if (e.index != n++ || !dname_is_valid(e.domain) ||
		    (e.rank < -1))
			abort();
	}
	list_stats(r, &st);
	for (int i = 0; i < LIST_BAD_COUNT; i++)
		bad += st.bad_by[i];
	if (rc != 0 || st.yielded != n || st.bad != bad ||
	    st.bytes != size - 1 || list_sha256_hex(r, hex) != 0 ||
	    strlen(hex) != 64)
		abort();
	list_close(r);
	return 0;
}
