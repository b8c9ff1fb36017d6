/*
 * tlspolscan.h - the TLS policy scan of one (address, name): the plan of
 * handshakes (tlsscan.h) and what they add up to (tlspolicy.h).
 *
 * The plan, in order, each handshake only when it can still tell
 * something (docs/web.md, "TLS policy: the rules"):
 *   1. versions: TLS 1.3, 1.2, 1.1, 1.0 each alone, the one the web stage
 *      negotiated skipped (it is accepted);
 *   2. at the newest accepted version up to TLS 1.2 (none: no step 2,
 *      and with a version accepted, TLS 1.3 alone, nothing weak: TLS 1.3
 *      has no such suites, key exchange or renegotiation):
 *      NULL suites only, anonymous suites only, static RSA key exchange
 *      only, finite-field DHE only (its group size), and under TLS 1.2
 *      the AEAD suites only (refused: cbc_only); the server's order: the
 *      suite X it chose from our full list offered again with X last
 *      (X again: its own order, unless X is the only suite it shares,
 *      which a third offer without X tells); one handshake that then
 *      renegotiates from our side (tls_client_reneg) and tells whether
 *      the server signalled RFC 5746 (tls_secure_reneg); then the
 *      hand-written
 *      hellos of tlshello.h offering the 3DES, the RC4 and the EXPORT
 *      suites (OpenSSL has none of them); last, one hand-written hello
 *      offering the ordinary suites with compression DEFLATE and null
 *      (tls_compression, RFC 3749; OpenSSL's client offers none; TLS
 *      1.3 alone: no compression, RFC 8446 4.1.2).
 * The first handshake that times out or is not TLS ends the scan: what it
 * and the rest would have measured stays unknown (null), so a hostile
 * server costs at most one TLSSCAN_TIMEOUT_MS more than a clean one.
 */
#ifndef UPTAKE_CRAWLER_TLSPOLSCAN_H
#define UPTAKE_CRAWLER_TLSPOLSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tlspolicy.h"
#include "tlsscan.h"

struct loop;
struct netaddr;

/* Handshakes of one scan at most: 4 versions, 5 cipher offers, 3 order
 * offers and 1 renegotiation through OpenSSL, 4 hand-written hellos (3DES,
 * RC4, EXPORT, compression). */
#define TLSPOL_MAX_HANDSHAKES 17

/* Longest text of why a scan ended early: the step's name, the outcome
 * and the handshake's own reason (TLSSCAN_WHY_MAX). */
#define TLSPOL_WHY_MAX (TLSSCAN_WHY_MAX + 64)

struct tlspol_result {
	struct tlspol_facts f;	/* -1 fields: not measured */
	unsigned weak_measured;	/* the classes of f.weak that were asked */
	int server_order;	/* tls_server_order: 1 the server's, 0 ours,
				 * -1 not measured (one suite shared) */
	int secure_reneg;	/* tls_secure_reneg (RFC 5746): 1, 0, -1
				 * not measured or TLS 1.3 alone */
	char reneg_why[TLSSCAN_WHY_MAX];  /* why client_reneg is 0 */
	int compression;	/* tls_compression (RFC 3749): 1 DEFLATE
				 * chosen, 0 null (or TLS 1.3 alone), -1 not
				 * measured (refused, no version, ended
				 * early) */
	unsigned handshakes;	/* made, connect failures included */
	bool ended_early;	/* a timeout or non-TLS answer ended it */
	char why[TLSPOL_WHY_MAX];	/* what ended it early */
};

struct tlspol_scan;
typedef void (*tlspol_scan_cb)(const struct tlspol_result *r, void *arg);

/*
 * Scan addr:port with SNI sni (NULL: none).  known_version: the version
 * the web stage's handshake negotiated (TLS1_VERSION .. TLS1_3_VERSION),
 * or 0.  cb is called once, later, unless tlspol_scan_free comes first;
 * the scan may be freed inside cb.
 */
struct tlspol_scan *tlspol_scan_start(struct loop *l, SSL_CTX *ctx,
	const struct netaddr *addr, uint16_t port, const char *sni,
	int known_version, tlspol_scan_cb cb, void *arg);
void tlspol_scan_free(struct tlspol_scan *s);

/* tls_ncsc_class of a scan's result: the classes not asked count as not
 * measured (so the class is null unless the facts measured decide it). */
enum tlspol_ncsc tlspol_result_class(const struct tlspol_result *r);

#endif
