/*
 * tlsa.h - a TLSA record (RFC 6698 2.1) as the stages pass it: the DNS
 * stage's facts (the web host's _443._tcp RRset), the mail stage (each MX
 * host's _25._tcp RRset) and the TLS side that matches it (tls.h).
 */
#ifndef UPTAKE_CRAWLER_TLSA_H
#define UPTAKE_CRAWLER_TLSA_H

#include <stddef.h>
#include <stdint.h>

struct tls_tlsa {
	uint8_t usage, selector, mtype;
	const uint8_t *data;		/* borrowed, or owned by the holder */
	size_t len;
};

#endif
