/*
 * tls.c - the OpenSSL client context and the TLS and certificate columns
 * (tls.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "row.h"
#include "tls.h"
#include "util.h"

#define SECONDS_PER_DAY 86400

/* ALPN wire lists (RFC 7301 3.1): length-prefixed protocol names. */
static const unsigned char alpn_h2_http11[] = "\x02h2\x08http/1.1";
static const unsigned char alpn_http11[] = "\x08http/1.1";

struct tls_ctx {
	SSL_CTX *ssl;
	X509_STORE *store;		/* the roots cert_verify trusts */
	time_t now;
};

/* The SSL ex_data slot that points at the connection's tls_resume. */
static int resume_idx = -1;
/* The SSL ex_data slot that holds the bits of a DH group we refused. */
static int dh_refused_idx = -1;
/* OpenSSL's own security callback, which ours defers to for every other
 * question (at level 0 it allows all but a DH group of under 80 bits of
 * security, about 1024-bit: what the probe measured before this bound). */
static int (*default_security_cb)(const SSL *, const SSL_CTX *, int, int,
	int, void *, void *);

/*
 * The security callback: a server's ephemeral DH group over TLS_MAX_DH_BITS
 * is refused (noted in the connection for tls_refusal); everything else is
 * OpenSSL's default answer at the context's level (0: measure, do not
 * refuse).  Called at the ServerKeyExchange, before the client's key
 * generation.
 */
static int
security_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
	void *other, void *ex)
{
	if ((op & ~SSL_SECOP_PEER) == SSL_SECOP_TMP_DH && other != NULL &&
	    s != NULL) {
		int pbits = EVP_PKEY_get_bits((EVP_PKEY *)other);

		if (pbits > TLS_MAX_DH_BITS) {
			SSL_set_ex_data((SSL *)s, dh_refused_idx,
			    (void *)(intptr_t)pbits);
			return 0;
		}
	}
	return default_security_cb != NULL ? default_security_cb(s, ctx, op,
	    bits, nid, other, ex) : 1;
}

bool
tls_refusal(const SSL *ssl, char *buf, size_t len)
{
	intptr_t bits = ssl != NULL && dh_refused_idx >= 0 ?
	    (intptr_t)SSL_get_ex_data(ssl, dh_refused_idx) : 0;

	if (bits == 0)
		return false;
	snprintf(buf, len, "server DH group of %ld bits, over the %d-bit limit",
	    (long)bits, TLS_MAX_DH_BITS);
	return true;
}

/* OpenSSL's new-session callback: keep a copy of the newest resumable
 * session in the connection's tls_resume.  Returns 0: sess stays OpenSSL's. */
static int
new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	struct tls_resume *r = resume_idx >= 0 ?
	    SSL_get_ex_data(ssl, resume_idx) : NULL;

	SSL_SESSION *copy;

	if (r == NULL || SSL_SESSION_is_resumable(sess) != 1)
		return 0;
	/* A copy: sess is the connection's own, and OpenSSL marks it not
	 * resumable when the connection is freed without a close_notify
	 * sent, which is how we end every connection (we close as soon as
	 * we have what we measure; since TLS 1.1 that is no reason not to
	 * resume, RFC 5246 7.2.1). */
	copy = SSL_SESSION_dup(sess);
	if (copy == NULL)
		return 0;
	SSL_SESSION_free(r->sess);
	r->sess = copy;
	if (r->notify != NULL)
		r->notify(r->arg);
	return 0;
}

void
tls_resume_clear(struct tls_resume *r)
{
	SSL_SESSION_free(r->sess);
	r->sess = NULL;
}

struct tls_ctx *
tls_ctx_new(const char *ca_file, time_t now, char *err, size_t errlen)
{
	struct tls_ctx *t = xcalloc(1, sizeof(*t));
	char ebuf[256];

	t->now = now;
	t->ssl = SSL_CTX_new(TLS_client_method());
	if (t->ssl == NULL) {
		snprintf(err, errlen, "OpenSSL: cannot create a TLS context");
		goto fail;
	}
	/* Measure, do not refuse: every version OpenSSL has from TLS 1.0,
	 * security level 0 (RSA-1024, SHA-1 signatures, legacy versions),
	 * OpenSSL's default cipher suites and groups. */
	SSL_CTX_set_min_proto_version(t->ssl, TLS1_VERSION);
	SSL_CTX_set_max_proto_version(t->ssl, 0);
	SSL_CTX_set_security_level(t->ssl, 0);
	if (SSL_CTX_set_cipher_list(t->ssl, "DEFAULT:@SECLEVEL=0") != 1) {
		snprintf(err, errlen, "OpenSSL: cipher list refused");
		goto fail;
	}
	/* Bounded work: a DH group over TLS_MAX_DH_BITS is refused before
	 * its maths; the rest is OpenSSL's level-0 answer (tls.h). */
	if (dh_refused_idx < 0)
		dh_refused_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	default_security_cb = SSL_CTX_get_security_callback(t->ssl);
	SSL_CTX_set_security_callback(t->ssl, security_cb);
	/* The chain is verified after the handshake, on the side. */
	SSL_CTX_set_verify(t->ssl, SSL_VERIFY_NONE, NULL);
	/* No session cache in the context (it would grow with the list):
	 * each job keeps the session of its own host (struct tls_resume)
	 * and resumes it for its HTTP requests, so a domain costs one full
	 * handshake and one certificate parse, not three. */
	if (resume_idx < 0)
		resume_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	SSL_CTX_set_session_cache_mode(t->ssl, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(t->ssl, new_session_cb);
	SSL_CTX_set_mode(t->ssl, SSL_MODE_RELEASE_BUFFERS);

	t->store = X509_STORE_new();
	if (t->store == NULL) {
		snprintf(err, errlen, "OpenSSL: cannot create a store");
		goto fail;
	}
	if (ca_file != NULL) {
		if (X509_STORE_load_file(t->store, ca_file) != 1) {
			ERR_error_string_n(ERR_get_error(), ebuf, sizeof(ebuf));
			ERR_clear_error();
			snprintf(err, errlen, "%s: no certificate read (%s)",
			    ca_file, ebuf);
			goto fail;
		}
	} else if (X509_STORE_set_default_paths(t->store) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "OpenSSL: the system's default CA store "
		    "cannot be read");
		goto fail;
	}
	return t;
fail:
	tls_ctx_free(t);
	return NULL;
}

void
tls_ctx_free(struct tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ssl);
	X509_STORE_free(t->store);
	free(t);
}

static bool
is_ip_literal(const char *h)
{
	return strspn(h, "0123456789.") == strlen(h) || strchr(h, ':') != NULL;
}

SSL *
tls_ssl_new(struct tls_ctx *t, const char *host, bool alpn_h2,
	struct tls_resume *r)
{
	SSL *s = SSL_new(t->ssl);

	if (s == NULL)
		return NULL;
	if (r != NULL) {
		SSL_set_ex_data(s, resume_idx, r);
		if (r->sess != NULL)
			SSL_set_session(s, r->sess);
	}
	/* SNI carries a host name, never an address (RFC 6066 3). */
	if (host != NULL && !is_ip_literal(host))
		SSL_set_tlsext_host_name(s, host);
	if (alpn_h2)
		SSL_set_alpn_protos(s, alpn_h2_http11,
		    sizeof(alpn_h2_http11) - 1);
	else
		SSL_set_alpn_protos(s, alpn_http11, sizeof(alpn_http11) - 1);
	/* status_request: ask for a stapled OCSP response (RFC 6066 8). */
	SSL_set_tlsext_status_type(s, TLSEXT_STATUSTYPE_ocsp);
	return s;
}

bool
tls_is_h2(SSL *ssl)
{
	const unsigned char *p = NULL;
	unsigned int n = 0;

	SSL_get0_alpn_selected(ssl, &p, &n);
	return n == 2 && memcmp(p, "h2", 2) == 0;
}

const char *
tls_verify_str(long code)
{
	switch (code) {
	case X509_V_OK:
		return "ok";
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return "expired";
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return "not_yet_valid";
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return "self_signed";
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return "untrusted";
	case X509_V_ERR_HOSTNAME_MISMATCH:
		return "hostname_mismatch";
	default:
		return "other";
	}
}

const char *
tls_error_str(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();
	const char *r;

	ERR_clear_error();
	if (e == 0) {
		snprintf(buf, len, "connection closed");
		return buf;
	}
	r = ERR_reason_error_string(e);
	snprintf(buf, len, "%s", r != NULL ? r : "unknown OpenSSL error");
	return buf;
}

/*
 * The chain verified like SSL_get_verify_result would be with our store:
 * the served chain as untrusted certificates, the host name checked
 * (X509_VERIFY_PARAM_set1_host), at the validation time, purpose
 * ssl_server, no key-size limits, the first error stops it.
 */
static long
verify_chain(const struct tls_ctx *t, SSL *ssl, X509 *leaf, const char *host,
	bool dane)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *vc = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	long res = X509_V_ERR_UNSPECIFIED;
	int i, n;

	if (vc == NULL)
		return res;
	untrusted = sk_X509_new_null();
	n = chain != NULL ? sk_X509_num(chain) : 0;
	for (i = 0; i < n && i < TLS_MAX_CHAIN; i++)
		sk_X509_push(untrusted, sk_X509_value(chain, i));
	if (n > TLS_MAX_CHAIN)
		goto out;
	if (X509_STORE_CTX_init(vc, t->store, leaf, untrusted) != 1)
		goto out;
	X509_STORE_CTX_set_default(vc, "ssl_server");
	param = X509_STORE_CTX_get0_param(vc);
	X509_VERIFY_PARAM_set_time(param, t->now);
	X509_VERIFY_PARAM_set_auth_level(param, 0);
	X509_VERIFY_PARAM_set_depth(param, TLS_MAX_CHAIN);
	if (host != NULL && !is_ip_literal(host))
		X509_VERIFY_PARAM_set1_host(param, host, 0);
	/* As SSL_dane_enable does for its reference identifier. */
	if (dane)
		X509_VERIFY_PARAM_set_hostflags(param,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	else if (host != NULL)
		X509_VERIFY_PARAM_set1_ip_asc(param, host);
	/* DANE (RFC 7671): the TLSA records of ssl's DANE state decide, as
	 * in OpenSSL's own handshake-time check, but at our validation time
	 * and with our roots for the PKIX usages. */
	if (dane)
		X509_STORE_CTX_set0_dane(vc, SSL_get0_dane(ssl));
	(void)X509_verify_cert(vc);
	res = X509_STORE_CTX_get_error(vc);
out:
	X509_STORE_CTX_free(vc);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return res;
}

static void
record_cert(const struct tls_ctx *t, X509 *leaf, struct row *r)
{
	EVP_PKEY *pk = X509_get0_pubkey(leaf);
	const ASN1_TIME *na = X509_get0_notAfter(leaf);
	const X509_NAME *issuer = X509_get_issuer_name(leaf);
	struct tm tm;
	int idx, nid;

	if (na != NULL && ASN1_TIME_to_tm(na, &tm) == 1) {
		int64_t secs = (int64_t)timegm(&tm);
		int64_t diff = secs - (int64_t)t->now;
		int64_t days = diff / SECONDS_PER_DAY;

		/* floor, also for a certificate that has expired */
		if (diff % SECONDS_PER_DAY != 0 && diff < 0)
			days--;
		row_set_i64(r, SCHEMA_COL_CERT_NOT_AFTER, secs * 1000000);
		if (days > INT32_MAX)
			days = INT32_MAX;
		if (days < INT32_MIN)
			days = INT32_MIN;
		row_set_i32(r, SCHEMA_COL_CERT_DAYS_LEFT, (int32_t)days);
	}
	if (pk != NULL) {
		const char *type = NULL;

		switch (EVP_PKEY_get_base_id(pk)) {
		case EVP_PKEY_RSA:
		case EVP_PKEY_RSA_PSS:
			type = "rsa";
			break;
		case EVP_PKEY_EC:
			type = "ec";
			break;
		case EVP_PKEY_ED25519:
			type = "ed25519";
			break;
		case EVP_PKEY_ED448:
			type = "ed448";
			break;
		default:
			break;
		}
		row_set_str(r, SCHEMA_COL_CERT_KEY_TYPE, type);
		row_set_i32(r, SCHEMA_COL_CERT_KEY_BITS, EVP_PKEY_get_bits(pk));
	}
	nid = X509_get_signature_nid(leaf);
	if (nid != NID_undef)
		row_set_str(r, SCHEMA_COL_CERT_SIG_ALG, OBJ_nid2ln(nid));
	idx = issuer != NULL ? X509_NAME_get_index_by_NID(issuer,
	    NID_organizationName, -1) : -1;
	if (idx >= 0) {
		X509_NAME_ENTRY *e = X509_NAME_get_entry(issuer, idx);
		unsigned char *u = NULL;
		int len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));

		if (len >= 0)
			row_set_strn(r, SCHEMA_COL_CERT_ISSUER_ORG, (char *)u,
			    (size_t)len);
		OPENSSL_free(u);
	}
}

void
tls_record(const struct tls_ctx *t, SSL *ssl, const char *host,
	struct row *r)
{
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	const unsigned char *alpn = NULL, *ocsp = NULL;
	unsigned int alen = 0;
	long olen;
	int group;
	X509 *leaf;

	row_set_str(r, SCHEMA_COL_TLS_STATUS, "ok");
	row_set_str(r, SCHEMA_COL_TLS_VERSION, SSL_get_version(ssl));
	if (c != NULL)
		row_set_str(r, SCHEMA_COL_TLS_CIPHER, SSL_CIPHER_get_name(c));
	/* The IANA group name, lower case (x25519, secp256r1); none for
	 * RSA key transport or TLS 1.2 DHE with the server's parameters. */
	group = SSL_get_negotiated_group(ssl);
	if (group != 0 && group != NID_undef) {
		const char *g = SSL_group_to_name(ssl, group);

		if (g != NULL) {
			char low[64];
			size_t i;

			for (i = 0; g[i] != '\0' && i + 1 < sizeof(low); i++)
				low[i] = (char)(g[i] >= 'A' && g[i] <= 'Z' ?
				    g[i] + 32 : g[i]);
			low[i] = '\0';
			row_set_str(r, SCHEMA_COL_TLS_GROUP, low);
		}
	}
	SSL_get0_alpn_selected(ssl, &alpn, &alen);
	if (alen > 0)
		row_set_strn(r, SCHEMA_COL_TLS_ALPN, (const char *)alpn, alen);
	olen = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp);
	row_set_bool(r, SCHEMA_COL_OCSP_STAPLED, olen > 0 && ocsp != NULL);
	leaf = SSL_get0_peer_certificate(ssl);
	if (leaf == NULL) {
		/* Anonymous or PSK suites: nothing to judge. */
		row_set_str(r, SCHEMA_COL_CERT_VERIFY, "other");
		return;
	}
	row_set_str(r, SCHEMA_COL_CERT_VERIFY,
	    tls_verify_str(verify_chain(t, ssl, leaf, host, false)));
	record_cert(t, leaf, r);
}

long
tls_verify(const struct tls_ctx *t, SSL *ssl, const char *host, bool dane)
{
	X509 *leaf = SSL_get0_peer_certificate(ssl);

	if (leaf == NULL)
		return X509_V_ERR_UNSPECIFIED;
	return verify_chain(t, ssl, leaf, host, dane);
}

int
tls_ctx_dane_enable(struct tls_ctx *t)
{
	if (SSL_CTX_dane_enable(t->ssl) <= 0) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

int
tls_dane_set(SSL *ssl, const char *host, const struct tls_tlsa *rr,
	size_t n, bool smtp)
{
	int usable = 0;
	size_t i;

	if (SSL_dane_enable(ssl, host) <= 0) {
		ERR_clear_error();
		return -1;
	}
	/* DANE-EE binds the key to the name: neither the names nor the
	 * dates of the certificate count (RFC 7671 5.1, RFC 7672 3.1.1). */
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (i = 0; i < n; i++) {
		if (smtp && rr[i].usage <= 1)
			continue;
		/* 0: unusable (unknown parameter, wrong digest length),
		 * skipped as RFC 7671 4.1 says; < 0: OpenSSL's own error. */
		if (SSL_dane_tlsa_add(ssl, rr[i].usage, rr[i].selector,
		    rr[i].mtype, rr[i].data, rr[i].len) > 0)
			usable++;
	}
	ERR_clear_error();
	return usable;
}

const char *
tls_handshake_why(const SSL *ssl, unsigned long openssl_err,
    bool error_event, int sock_err, char *buf, size_t len)
{
	if (tls_refusal(ssl, buf, len))
		;	/* our own bound refused it (tls.h) */
	else if (openssl_err != 0)
		snprintf(buf, len, "%s",
		    ERR_reason_error_string(openssl_err) != NULL ?
		    ERR_reason_error_string(openssl_err) : "OpenSSL error");
	else if (error_event && sock_err != 0)
		snprintf(buf, len, "%s", strerror(sock_err));
	else
		snprintf(buf, len, "connection closed");
	ERR_clear_error();
	return buf;
}
