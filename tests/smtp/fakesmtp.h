/*
 * fakesmtp.h - fake SMTP servers for the probe's tests: each a thread on
 * 127.0.0.x answering connections one at a time with blocking sockets,
 * in one of the behaviours below (a normal server, DANE set-ups through
 * its certificate chain, and the hostile peers of issue 16).  Test
 * certificates are made in memory (EC P-256) at test time.
 */
#ifndef UPTAKE_TESTS_SMTP_FAKESMTP_H
#define UPTAKE_TESTS_SMTP_FAKESMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

enum fake_mode {
	FAKE_NORMAL = 0,	/* STARTTLS offered, TLS, QUIT answered */
	FAKE_NO_STARTTLS,	/* EHLO reply without STARTTLS */
	FAKE_ENDLESS_BANNER,	/* "220 aaaa..." without a line end */
	FAKE_421,		/* 421 at connect, then close */
	FAKE_454,		/* STARTTLS answered 454 */
	FAKE_GARBAGE,		/* 220 to STARTTLS, then non-TLS bytes */
	FAKE_GARBAGE_SAME,	/* 220 and the garbage in one write */
	FAKE_TARPIT,		/* the greeting one byte per second */
	FAKE_DROP_EHLO,		/* close once EHLO came */
};

struct fake_srv;

/* Listen on ip (e.g. "127.0.0.1" or "::1"), port chosen by the kernel; ctx: the
 * server's TLS context (borrowed; NULL when the mode never does TLS). */
struct fake_srv *fake_srv_start(const char *ip, enum fake_mode mode,
	SSL_CTX *ctx);
/* The same on a given port (0: any). */
struct fake_srv *fake_srv_start_port(const char *ip, uint16_t port,
	enum fake_mode mode, SSL_CTX *ctx);
uint16_t fake_srv_port(const struct fake_srv *s);
/* Connections accepted so far. */
unsigned fake_srv_conns(struct fake_srv *s);
/* Stop the thread (after its current connection) and free. */
void fake_srv_stop(struct fake_srv *s);

/* Test PKI. */
EVP_PKEY *fake_key(void);
/* A certificate for cn (also its DNS SAN when dns) signed by ikey
 * (issuer NULL: self-signed), valid from a day ago for 30 days. */
X509 *fake_cert(EVP_PKEY *key, const char *cn, const char *dns, bool ca,
	X509 *issuer, EVP_PKEY *ikey);
/* A server context with leaf (and chain, may be NULL) and key. */
SSL_CTX *fake_server_ctx(X509 *leaf, EVP_PKEY *key, X509 *chain);
/* SHA-256 of the leaf's SubjectPublicKeyInfo (selector 1) or of the whole
 * certificate (selector 0) into out[32]. */
void fake_digest(X509 *c, int selector, uint8_t out[32]);

#endif
