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
/* Largest ClientHello built: the fixed part (compression methods DEFLATE
 * and null at most), 64 suites, a 253-byte name and the fixed extensions
 * fit in 512 bytes. */
#define TLSHELLO_MAX_HELLO 512
/* Bytes of the server's answer needed at most to decide: a record header
 * (5), the handshake header (4), version (2), random (32), session ID
 * (1 + 32), suite (2) and the compression method (1): the ServerHello's
 * fixed part, read to its last byte because the compression step
 * (tlshello_build_deflate) needs the method chosen (RFC 5246 7.4.1.3).
 * A reader stops there; the extensions and more are never read. */
#define TLSHELLO_DECIDE_BYTES 79

/* The cipher suites of the classes OpenSSL cannot offer (IANA values). */
extern const uint16_t tlshello_3des[];
extern const size_t tlshello_n3des;
extern const uint16_t tlshello_rc4[];
extern const size_t tlshello_nrc4;
extern const uint16_t tlshello_export[];
extern const size_t tlshello_nexport;
/* The ordinary suites OpenSSL servers share, for the compression step:
 * ECDHE (ECDSA, RSA), DHE-RSA and static RSA key exchange with AES-128 and
 * AES-256 in GCM and CBC (IANA values). */
extern const uint16_t tlshello_ordinary[];
extern const size_t tlshello_nordinary;

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

/* The same, offering the compression methods DEFLATE (1) and null (0), in
 * that order (RFC 3749 2; RFC 5246 7.4.1.2 requires null among them)
 * instead of null alone: one byte longer. */
size_t tlshello_build_deflate(uint8_t *buf, size_t cap, uint16_t version,
	const uint8_t random[32], const char *sni, const uint16_t *suites,
	size_t n);

enum tlshello_reply {
	TLSHELLO_MORE,		/* not decided yet: read more */
	TLSHELLO_SERVER_HELLO,	/* *version, *suite, *compression set */
	TLSHELLO_ALERT,		/* *alert set: the description */
	TLSHELLO_GARBAGE,	/* not a TLS answer */
};

/* The server's answer buf[0..len) so far, judged: one of the above.  A
 * ServerHello is decided at its compression method (the method chosen in
 * *compression: 0 null, 1 DEFLATE, ...); one cut before it by the end of
 * its record is garbage. */
enum tlshello_reply tlshello_parse(const uint8_t *buf, size_t len,
	uint16_t *version, uint16_t *suite, uint8_t *compression,
	uint8_t *alert);

#endif
