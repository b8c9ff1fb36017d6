/*
 * tlshello.h - a minimal hand-written TLS ClientHello and the reading of
 * the server's first answer (issue 17, point 1): for the cipher suites
 * Debian's OpenSSL cannot offer at all (3DES, RC4, EXPORT; tlsscan.h).
 * The scan needs only the server's choice: a ServerHello naming one of
 * the offered suites (accepted) or an alert (refused); no key exchange is
 * ever made, the connection is closed after the first answer.
 *
 * Pure functions over buffers (fuzzable): no I/O, no clock, no randomness
 * (the caller gives the 32 random bytes).
 */
#ifndef UPTAKE_CRAWLER_TLSHELLO_H
#define UPTAKE_CRAWLER_TLSHELLO_H

#include <stddef.h>
#include <stdint.h>

/* Suites one ClientHello offers at most (the scan offers a class's few
 * suites at a time). */
#define TLSHELLO_MAX_SUITES 64
/* Largest ClientHello built: the fixed part, 64 suites, a 253-byte name
 * and the fixed extensions fit in 512 bytes. */
#define TLSHELLO_MAX_HELLO 512
/* Bytes of the server's answer needed at most to decide: a record header
 * (5), the handshake header (4), version (2), random (32), session ID
 * (1 + 32), suite (2).  A reader stops there; more is never read. */
#define TLSHELLO_DECIDE_BYTES 78

/* The cipher suites of the classes OpenSSL cannot offer (IANA values). */
extern const uint16_t tlshello_3des[];
extern const size_t tlshello_n3des;
extern const uint16_t tlshello_rc4[];
extern const size_t tlshello_nrc4;
extern const uint16_t tlshello_export[];
extern const size_t tlshello_nexport;

/*
 * Build a ClientHello for version (0x0301 .. 0x0303) offering
 * suites[0..n), with SNI sni (NULL: none), the secure-renegotiation
 * signal, supported groups, point formats and signature algorithms, into
 * buf[0..cap).  Returns its length, 0 when n is 0 or over
 * TLSHELLO_MAX_SUITES, sni is longer than 253, or cap is too small.
 */
size_t tlshello_build(uint8_t *buf, size_t cap, uint16_t version,
	const uint8_t random[32], const char *sni, const uint16_t *suites,
	size_t n);

enum tlshello_reply {
	TLSHELLO_MORE,		/* not decided yet: read more */
	TLSHELLO_SERVER_HELLO,	/* *version and *suite set */
	TLSHELLO_ALERT,		/* *alert set: the description */
	TLSHELLO_GARBAGE,	/* not a TLS answer */
};

/* The server's answer buf[0..len) so far, judged: one of the above. */
enum tlshello_reply tlshello_parse(const uint8_t *buf, size_t len,
	uint16_t *version, uint16_t *suite, uint8_t *alert);

#endif
