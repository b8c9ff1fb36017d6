/*
 * tlsscan.h - one bounded TLS handshake of the TLS policy scan (issue 17,
 * point 1): a client that offers exactly one protocol version (minimum =
 * maximum) and a given cipher list, at security level 0 so that legacy
 * servers are measured, completes or fails the handshake, reports what the
 * server chose and closes.  No application data is ever sent.
 *
 * Bounded in time (TLSSCAN_TIMEOUT_MS from the connect) and in size (the
 * server's handshake messages: TLSSCAN_MAX_HANDSHAKE_BYTES, OpenSSL's
 * max_cert_list; a DH group over TLS_MAX_DH_BITS is refused before any
 * work, as the web stage does).  Driven by the crawl's loop (loop.h); the
 * callback never runs from inside tlsscan_start.
 */
#ifndef UPTAKE_CRAWLER_TLSSCAN_H
#define UPTAKE_CRAWLER_TLSSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tlspolicy.h"

struct loop;
struct netaddr;

/* The whole handshake, connect included, as the web stage's own
 * handshake timeout (5 s): a server that stalls costs no more than that. */
#define TLSSCAN_TIMEOUT_MS 5000
/* Largest handshake message (the certificate chain, in practice) a server
 * may send: 64 KiB, the web stage's chains are far below it and a hostile
 * server cannot make us buffer more (OpenSSL's max_cert_list). */
#define TLSSCAN_MAX_HANDSHAKE_BYTES (64 * 1024)
/* The list offered below TLS 1.3 when the caller names none, without
 * its level: every cipher this OpenSSL has. */
#define TLSSCAN_ALL_CIPHERS_BASE "ALL:COMPLEMENTOFALL"

/* Longest reason text kept. */
#define TLSSCAN_WHY_MAX 128

enum tlsscan_status {
	TLSSCAN_ACCEPTED,	/* the handshake completed at that version */
	TLSSCAN_REFUSED,	/* the server said no: an alert, or a close
				 * after our ClientHello */
	TLSSCAN_TIMEOUT,	/* TLSSCAN_TIMEOUT_MS passed */
	TLSSCAN_ERROR,		/* connect failed, or the server's bytes
				 * were not TLS (garbage) */
};

struct tlsscan_result {
	enum tlsscan_status status;
	unsigned suite_id;		/* the suite's IANA value (raw hello) */
	int version;			/* negotiated, e.g. TLS1_2_VERSION */
	char suite[TLSPOL_SUITE_NAME_MAX];  /* IANA name; "" if none */
	char ossl_suite[TLSPOL_SUITE_NAME_MAX];  /* OpenSSL's name of it */
	int secure_reneg;	/* RFC 5746 signalled: 1, 0; -1 TLS 1.3 or
				 * not accepted */
	int reneg;		/* after tlsscan_ask_reneg: the client's
				 * renegotiation completed 1, refused (alert
				 * or close) 0; -1 not asked */
	int dh_bits;			/* finite-field DH group; 0 none */
	int compression;	/* raw hello accepted: the compression method
				 * the ServerHello chose (0 null, 1 DEFLATE);
				 * -1 otherwise */
	char why[TLSSCAN_WHY_MAX];	/* for refused, timeout, error */
};

/* The scan's client context: one per crawl.  NULL with err on failure;
 * free with tlsscan_ctx_free (accepts NULL). */
SSL_CTX *tlsscan_ctx_new(char *err, size_t errlen);
void tlsscan_ctx_free(SSL_CTX *ctx);

struct tlsscan;
typedef void (*tlsscan_cb)(const struct tlsscan_result *r, void *arg);

/*
 * Start one handshake to addr:port with SNI sni (NULL: none), offering
 * only version (TLS1_VERSION .. TLS1_3_VERSION) and, below TLS 1.3, the
 * OpenSSL cipher list ciphers (NULL: every cipher OpenSSL has, at level
 * 0).  cb is called once, later, unless tlsscan_free comes first.  Returns
 * NULL only when out of memory.  The caller frees the scan (tlsscan_free,
 * allowed inside cb).
 */
struct tlsscan *tlsscan_start(struct loop *l, SSL_CTX *ctx,
	const struct netaddr *addr, uint16_t port, const char *sni,
	int version, const char *ciphers, tlsscan_cb cb, void *arg);
void tlsscan_free(struct tlsscan *s);

/*
 * The same, with the hand-written ClientHello of tlshello.h instead of
 * OpenSSL: version (0x0301 .. 0x0303) and suites[0..n) offered (copied),
 * with compression methods DEFLATE and null when deflate (RFC 3749), null
 * alone otherwise; accepted when the server's ServerHello chooses one of
 * the suites and of the methods (suite_id, version, compression), refused
 * on an alert or a close, error on anything else (a suite or a method not
 * offered included).  Bounded by TLSSCAN_TIMEOUT_MS and by
 * TLSHELLO_DECIDE_BYTES read.  NULL only when the hello cannot be built
 * (no suite, too many, a name too long).
 */
struct tlsscan *tlsscan_start_raw(struct loop *l, const struct netaddr *addr,
	uint16_t port, const char *sni, int version, const uint16_t *suites,
	size_t n, bool deflate, tlsscan_cb cb, void *arg);

/* Before the loop runs again after tlsscan_start: once the handshake
 * is accepted (below TLS 1.3), renegotiate from the client side (RFC 5246
 * 7.4.1.1) and report it in reneg; the status stays that of the first
 * handshake unless the renegotiation times out (TLSSCAN_TIMEOUT: the same
 * bound covers both). */
void tlsscan_ask_reneg(struct tlsscan *s);

/* "accepted", "refused", "timeout", "error"; static storage. */
const char *tlsscan_status_str(enum tlsscan_status s);

#endif
