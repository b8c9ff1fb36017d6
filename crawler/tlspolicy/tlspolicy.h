/*
 * tlspolicy.h - the TLS policy scan's verdicts (issue 17, point 1): pure
 * functions from what the scan's handshakes saw (which versions a server
 * accepted, which cipher suites it chose, the DH group size, static RSA key
 * exchange) to the column values and the NCSC-NL class (docs/web.md, "TLS
 * policy: the rules").  No I/O, no OpenSSL: the cipher suite is judged by
 * its IANA name (OpenSSL's SSL_CIPHER_standard_name), so the rules are
 * tested without a handshake.
 */
#ifndef UPTAKE_CRAWLER_TLSPOLICY_H
#define UPTAKE_CRAWLER_TLSPOLICY_H

#include <stdbool.h>
#include <stddef.h>

/* The versions the scan asks for, one bit each (SSLv3 and SSLv2 are not
 * measured: Debian's OpenSSL has neither; docs/web.md). */
enum tlspol_version {
	TLSPOL_V10 = 1 << 0,
	TLSPOL_V11 = 1 << 1,
	TLSPOL_V12 = 1 << 2,
	TLSPOL_V13 = 1 << 3,
};
#define TLSPOL_VERSIONS_ALL 0x0f

/* The weak cipher classes of tls_weak_ciphers, one bit each, in the
 * column's fixed order. */
enum tlspol_weak {
	TLSPOL_WEAK_3DES = 1 << 0,
	TLSPOL_WEAK_RC4 = 1 << 1,
	TLSPOL_WEAK_NULL = 1 << 2,	/* no encryption */
	TLSPOL_WEAK_ANON = 1 << 3,	/* no authentication (aNULL) */
	TLSPOL_WEAK_EXPORT = 1 << 4,
	TLSPOL_WEAK_CBC_ONLY = 1 << 5,	/* TLS 1.2 accepted, no AEAD suite */
};
#define TLSPOL_WEAK_ALL 0x3f

/* Longest text of tls_versions ("TLSv1,TLSv1.1,TLSv1.2,TLSv1.3") and of
 * tls_weak_ciphers ("3des,rc4,null,anon,export,cbc_only"), NUL included. */
#define TLSPOL_SET_STR_MAX 40

/* Longest IANA cipher suite name judged (the longest registered is 49
 * characters); a longer one is judged as unknown (class 0, not AEAD). */
#define TLSPOL_SUITE_NAME_MAX 64

/* What one chosen cipher suite is, from its IANA name. */
struct tlspol_suite {
	unsigned weak;		/* enum tlspol_weak bits (never CBC_ONLY) */
	bool aead;		/* GCM, CCM or ChaCha20-Poly1305 */
	bool static_rsa;	/* TLS_RSA_WITH_*: RSA key transport */
	bool dhe;		/* TLS_DHE_* or TLS_DH_anon_*: finite-field DH */
};

/* Judge the IANA cipher suite name (e.g. "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
 * "TLS_AES_128_GCM_SHA256"); NULL or unknown: all zero. */
struct tlspol_suite tlspol_suite_judge(const char *iana_name);

/* tls_versions: the set in ascending order, comma-separated, spelled as
 * tls_version ("TLSv1", "TLSv1.1", ...), into buf (at least
 * TLSPOL_SET_STR_MAX bytes); "" for the empty set. */
void tlspol_versions_str(unsigned versions, char *buf, size_t len);

/* tls_min_version: the oldest version of the set, or NULL when empty;
 * static storage. */
const char *tlspol_min_version_str(unsigned versions);

/* tls_weak_ciphers: the classes in enum order, comma-separated, into buf
 * (at least TLSPOL_SET_STR_MAX bytes); "" for none. */
void tlspol_weak_str(unsigned weak, char *buf, size_t len);

/*
 * tls_kex_weak: 1 when a finite-field DH group under TLSPOL_DH_STRONG_BITS
 * was chosen or static RSA key exchange was accepted; 0 when neither, with
 * both measured; -1 (null) when one is unknown and the other does not
 * decide.  dh_bits: the group size when DHE was chosen, 0 when DHE was not
 * chosen, -1 not measured.  static_rsa: 1 accepted, 0 refused, -1 not
 * measured.
 */
int tlspol_kex_weak(int dh_bits, int static_rsa);

/* The smallest finite-field DH group not judged weak (NCSC-NL 2.1, B6-1
 * and table 10: ffdhe2048 is phase-out, smaller groups are not listed). */
#define TLSPOL_DH_STRONG_BITS 2048
/* The smallest group NCSC-NL 2.1 (table 10) calls sufficient (ffdhe3072). */
#define TLSPOL_DH_SUFFICIENT_BITS 3072

/* The NCSC-NL classes, best first (a server's class is its worst fact). */
enum tlspol_ncsc {
	TLSPOL_NCSC_UNKNOWN = -1,	/* null: a deciding fact not measured */
	TLSPOL_NCSC_GOOD = 0,
	TLSPOL_NCSC_SUFFICIENT,
	TLSPOL_NCSC_PHASE_OUT,
	TLSPOL_NCSC_INSUFFICIENT,
};

/* The facts the class is made from; -1 in an int field: not measured. */
struct tlspol_facts {
	int versions;		/* enum tlspol_version bits, -1 unknown */
	int weak;		/* enum tlspol_weak bits, -1 unknown */
	int dh_bits;		/* as tlspol_kex_weak */
	int static_rsa;		/* as tlspol_kex_weak */
	int client_reneg;	/* client-initiated renegotiation accepted */
};

/* The class of f by the rules of docs/web.md ("tls_ncsc_class"). */
enum tlspol_ncsc tlspol_ncsc_class(const struct tlspol_facts *f);

/* "good", "sufficient", "phase_out", "insufficient"; NULL for unknown. */
const char *tlspol_ncsc_str(enum tlspol_ncsc c);

#endif
