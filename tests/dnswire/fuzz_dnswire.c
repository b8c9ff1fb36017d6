/*
 * fuzz_dnswire.c - fuzz target for the wire walker (crawler/dns/dnswire.c):
 * any bytes -> dnswire_parse; for an accepted message, every RR through the
 * iterator and every rdata helper, with the walker's contract asserted:
 * the iterator yields exactly the counted RRs and ends where the check
 * ended, every view lies inside the buffer, every name read is at most
 * DNSWIRE_MAX_NAME octets, every expansion succeeds.  A refused message
 * names a reason and a place inside the buffer.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "dnswire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for the rdata of one RR with its names decompressed (each 2-octet
 * pointer grows to at most 255 octets). */
#define FUZZ_DNSWIRE_RDATA (65535 * 128)

static uint8_t expanded[FUZZ_DNSWIRE_RDATA];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnswire_msg m;
	struct dnswire_iter it;
	struct dnswire_rr rr;
	uint8_t name[DNSWIRE_MAX_NAME], txt[64];
	size_t n, total, seen = 0;
	enum dnswire_err e = dnswire_parse(&m, data, size);

	if (e != DNSWIRE_OK) {
		if (dnswire_strerror(e)[0] == '\0' ||
		    (m.err_off > size && size >= DNSWIRE_HEADER_LEN))
			abort();
		return 0;
	}
	total = (size_t)m.count[0] + m.count[1] + m.count[2] + m.count[3];
	dnswire_iter_init(&m, &it);
	while (dnswire_rr_next(&m, &it, &rr)) {
		const uint8_t *tag, *value;
		size_t tl, vl;
		uint8_t flags;
		uint16_t pref;
		bool cut;

		seen++;
		if (dnswire_name_read(data, size, rr.owner, size, name, &n,
		    NULL) != DNSWIRE_OK || n > DNSWIRE_MAX_NAME)
			abort();
		if ((size_t)rr.rdata + rr.rdlen > size)
			abort();
		if (rr.section == DNSWIRE_QUESTION)
			continue;
		if (dnswire_rdata_expand(&m, &rr, expanded,
		    sizeof(expanded)) == (size_t)-1)
			abort();
		if (dnswire_rdata_addr(&m, &rr, name, &n) && n != 4 && n != 16)
			abort();
		if (dnswire_rdata_name(&m, &rr, name, &n, &pref) &&
		    n > DNSWIRE_MAX_NAME)
			abort();
		if (dnswire_rdata_txt(&m, &rr, txt, sizeof(txt), &n, &cut) &&
		    n > sizeof(txt))
			abort();
		if (dnswire_rdata_caa(&m, &rr, &flags, &tag, &tl, &value,
		    &vl) && (tag < data || value + vl > data + size))
			abort();
	}
	if (seen != total || it.pos != m.end)
		abort();
	return 0;
}
