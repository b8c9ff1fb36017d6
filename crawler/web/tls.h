/*
 * tls.h - the TLS side of the web probe: one OpenSSL client context for the
 * crawl, configured to measure rather than to refuse (every version from
 * TLS 1.0 to 1.3, security level 0, no verification during the handshake),
 * and the judgement of a completed handshake into the row's tls_* and
 * cert_* columns.  Verification happens after the handshake, on the side,
 * against --ca-file (or the system store) at the crawl's validation time,
 * so that a certificate problem is recorded and the HTTP probes still run.
 * The column rules are in docs/web.md.
 *
 * No I/O here: webprobe.c drives the handshake through bufferevent_openssl.
 */
#ifndef UPTAKE_CRAWLER_TLS_H
#define UPTAKE_CRAWLER_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>

#include "tlsa.h"

struct row;

/* Longest certificate chain a server may send that we verify (leaf
 * included); OpenSSL's own default limit is 100. */
#define TLS_MAX_CHAIN 10

/*
 * Largest finite-field Diffie-Hellman modulus, in bits, that a TLS 1.2
 * server may make the probe compute with: 8192, the largest group of
 * RFC 7919 (ffdhe8192) and of any server configuration seen in use.  A
 * client's cost grows with the cube of the modulus size (key generation and
 * the shared secret are two modular powers with an exponent as long as the
 * modulus when the server sends no subgroup order, as TLS 1.2 never does):
 * a 10000-bit group, OpenSSL's own ceiling (OPENSSL_DH_MAX_MODULUS_BITS),
 * costs about 0.7 s of CPU per handshake, a hostile peer's cheap way to
 * stall the crawl's one thread.  A larger group is refused before any of
 * that maths (OpenSSL's security callback, at the ServerKeyExchange):
 * tls_status handshake_failed, the error names the size.  Every other
 * legacy parameter stays measurable (security level 0).
 */
#define TLS_MAX_DH_BITS 8192

struct tls_ctx;

/*
 * ca_file: PEM bundle of the roots to trust, or NULL for the system's
 * default store.  now: the validation time.  Returns NULL with a reason in
 * err.  The caller owns the result (tls_ctx_free).
 */
struct tls_ctx *tls_ctx_new(const char *ca_file, time_t now, char *err,
	size_t errlen) __attribute__((warn_unused_result));
void tls_ctx_free(struct tls_ctx *t);

/*
 * One job's TLS session, for resuming it on the job's later connections to
 * the same host and address (the HTTP requests after the measured
 * handshake).  A session is never shared between jobs: every domain's first
 * handshake is a full one, with the certificate sent and judged.
 *
 * sess: the newest resumable session the server gave (a TLS 1.2 ticket or
 * session ID at the handshake, a TLS 1.3 NewSessionTicket after it), or
 * NULL.  notify (may be NULL) is called with arg when one arrives, from
 * inside OpenSSL's read: it must not free the connection.
 */
struct tls_resume {
	SSL_SESSION *sess;
	void (*notify)(void *arg);
	void *arg;
};

/* Drop the session held, if any. */
void tls_resume_clear(struct tls_resume *r);

/*
 * A client SSL for host (SNI; NULL for none, e.g. an address literal).
 * alpn_h2: offer h2 and http/1.1 (the TLS measurement) or http/1.1 only
 * (the HTTP requests).  r (may be NULL): resume r->sess when set, and keep
 * the sessions the server gives in r; r must outlive the SSL.  The caller
 * owns the SSL (SSL_free, or the bufferevent that takes it).
 */
SSL *tls_ssl_new(struct tls_ctx *t, const char *host, bool alpn_h2,
	struct tls_resume *r);

/* True when the server selected h2 by ALPN. */
bool tls_is_h2(SSL *ssl);

/* Record the tls_* and cert_* columns of a completed handshake of ssl to
 * host in r. */
void tls_record(const struct tls_ctx *t, SSL *ssl, const char *host,
	struct row *r);

/*
 * The served chain of ssl's completed handshake verified on the side, as
 * tls_record does for cert_verify: against the context's roots, host name
 * host, at the validation time.  With dane, OpenSSL's DANE state of ssl
 * (tls_dane_set) takes part: X509_V_OK then means a usable TLSA record
 * matched by RFC 7671's rules (X509_V_ERR_DANE_NO_MATCH: none did).
 * Returns an X509_V_* code (tls_verify_str names it).
 */
long tls_verify(const struct tls_ctx *t, SSL *ssl, const char *host,
	bool dane);


/* Turn on OpenSSL's DANE support in the context (once; idempotent).  It
 * changes nothing for a connection without tls_dane_set.  0 or -1. */
int tls_ctx_dane_enable(struct tls_ctx *t);

/*
 * Before the handshake: DANE for ssl with base name host (RFC 7671 and
 * OpenSSL's SSL_dane_enable), each of rr[0..n) added when usable
 * (SSL_dane_tlsa_add: a known usage, selector and matching type, a digest
 * of the right length); with smtp, usages PKIX-TA(0) and PKIX-EE(1) are
 * unusable (RFC 7672 3.1.3).  A DANE-EE(3) match skips the name check for
 * web and mail alike (RFC 7671 5.1, RFC 7672 3.1.1; OpenSSL's
 * DANE_FLAG_NO_DANE_EE_NAMECHECKS).  The handshake itself never fails on
 * DANE (the context does not verify); tls_verify(..., true) judges after.
 * Returns the number of usable records (0: DANE does not apply), -1 when
 * OpenSSL refused (tls_ctx_dane_enable not called).
 */
int tls_dane_set(SSL *ssl, const char *host, const struct tls_tlsa *rr,
	size_t n, bool smtp);

/* The cert_verify value of an X509_V_ERR_* code ("ok", "expired", ...);
 * static storage. */
const char *tls_verify_str(long code);

/* Why the last handshake failed, from OpenSSL's error queue (cleared) or
 * errno; into buf, e.g. "tlsv1 alert unrecognized name". */
const char *tls_error_str(char *buf, size_t len);

/*
 * True when ssl's handshake was refused by the probe's own bounds (a DH
 * group over TLS_MAX_DH_BITS), with why in buf, e.g. "server DH group of
 * 10000 bits, over the 8192-bit limit"; false otherwise (buf untouched).
 */
bool tls_refusal(const SSL *ssl, char *buf, size_t len);

/*
 * Why a handshake on ssl ended in an error or end-of-stream event, into
 * buf: the probe's own refusal (tls_refusal), else OpenSSL's reason for
 * openssl_err (the connection's, e.g. bufferevent_get_openssl_error), else
 * the socket error sock_err when the event was an error, else "connection
 * closed".  Clears OpenSSL's error queue.  Returns buf.
 */
const char *tls_handshake_why(const SSL *ssl, unsigned long openssl_err,
	bool error_event, int sock_err, char *buf, size_t len);

#endif
