/*
 * test_tlspolicy.c - the TLS policy scan's verdicts
 * (crawler/tlspolicy/tlspolicy.c) against docs/web.md, "TLS policy: the
 * rules": the set columns' spelling and order, each cipher suite class
 * from its IANA name, tls_kex_weak, and the NCSC-NL class fact by fact,
 * with the unmeasured facts that do and do not decide; the hand-written
 * ClientHello (crawler/tlspolicy/tlshello.c) and the reading of the
 * server's first answer, byte by byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "tlshello.h"
#include "tlspolicy.h"

static void
versions(unsigned set, const char *want, const char *want_min)
{
	char buf[TLSPOL_SET_STR_MAX];
	const char *min = tlspol_min_version_str(set);

	tlspol_versions_str(set, buf, sizeof(buf));
	tap_ok(strcmp(buf, want) == 0, "versions 0x%x: [%s] (got [%s])", set,
	    want, buf);
	tap_ok(want_min == NULL ? min == NULL : min != NULL &&
	    strcmp(min, want_min) == 0, "min version 0x%x: %s (got %s)", set,
	    want_min ? want_min : "null", min ? min : "null");
}

static void
weak(unsigned set, const char *want)
{
	char buf[TLSPOL_SET_STR_MAX];

	tlspol_weak_str(set, buf, sizeof(buf));
	tap_ok(strcmp(buf, want) == 0, "weak 0x%x: [%s] (got [%s])", set,
	    want, buf);
}

static void
suite(const char *name, unsigned want_weak, bool aead, bool rsa, bool dhe)
{
	struct tlspol_suite s = tlspol_suite_judge(name);

	tap_ok(s.weak == want_weak && s.aead == aead && s.static_rsa == rsa &&
	    s.dhe == dhe, "suite %s: weak 0x%x aead %d rsa %d dhe %d "
	    "(got 0x%x %d %d %d)", name ? name : "(null)", want_weak, aead,
	    rsa, dhe, s.weak, s.aead, s.static_rsa, s.dhe);
}

static void
kex(int dh, int rsa, int want)
{
	int got = tlspol_kex_weak(dh, rsa);

	tap_ok(got == want, "kex_weak dh %d rsa %d: %d (got %d)", dh, rsa,
	    want, got);
}

static void
ncsc(int v, int w, int dh, int rsa, int reneg, const char *want,
	const char *why)
{
	struct tlspol_facts f = { v, w, dh, rsa, reneg };
	const char *got = tlspol_ncsc_str(tlspol_ncsc_class(&f));

	tap_ok(want == NULL ? got == NULL : got != NULL &&
	    strcmp(got, want) == 0, "ncsc %s: %s (got %s)", why,
	    want ? want : "null", got ? got : "null");
}

/* A ServerHello record: version 0x0303, random, a session ID of sid
 * bytes, suite, compression method comp; returns its length. */
static size_t
server_hello_comp(uint8_t *b, size_t sid, uint16_t suite, uint8_t comp)
{
	size_t body = 2 + 32 + 1 + sid + 2 + 1, n = 0, i;

	b[n++] = 0x16; b[n++] = 0x03; b[n++] = 0x03;
	b[n++] = (uint8_t)((body + 4) >> 8); b[n++] = (uint8_t)(body + 4);
	b[n++] = 0x02; b[n++] = 0; b[n++] = (uint8_t)(body >> 8);
	b[n++] = (uint8_t)body;
	b[n++] = 0x03; b[n++] = 0x03;
	for (i = 0; i < 32; i++)
		b[n++] = (uint8_t)i;
	b[n++] = (uint8_t)sid;
	for (i = 0; i < sid; i++)
		b[n++] = 0xaa;
	b[n++] = (uint8_t)(suite >> 8); b[n++] = (uint8_t)suite;
	b[n++] = comp;
	return n;
}

/* The same with compression 0 (null). */
static size_t
server_hello(uint8_t *b, size_t sid, uint16_t suite)
{
	return server_hello_comp(b, sid, suite, 0);
}

/* The compression step's hello (RFC 3749) and the method a ServerHello
 * chose, prefix by prefix. */
static void
compression_tests(void)
{
	uint8_t rnd[32] = { 0 }, b[TLSHELLO_MAX_HELLO], p[TLSHELLO_MAX_HELLO];
	uint8_t sh[128], comp;
	uint16_t v, suite;
	uint8_t alert;
	size_t n, pn, c, shn, i;
	unsigned m;

	n = tlshello_build_deflate(b, sizeof(b), 0x0303, rnd, "www.example.nl",
	    tlshello_ordinary, tlshello_nordinary);
	pn = tlshello_build(p, sizeof(p), 0x0303, rnd, "www.example.nl",
	    tlshello_ordinary, tlshello_nordinary);
	c = 46 + 2 * tlshello_nordinary;	/* the methods' length byte */
	tap_ok(n > 0 && n == pn + 1, "deflate hello: one byte longer than "
	    "null only (%zu, %zu)", n, pn);
	tap_ok(n > 9 && ((size_t)b[3] << 8 | b[4]) == n - 5 &&
	    ((size_t)b[6] << 16 | (size_t)b[7] << 8 | b[8]) == n - 9,
	    "deflate hello: record and handshake lengths right");
	tap_ok(n > c + 2 && ((size_t)b[44] << 8 | b[45]) ==
	    2 * tlshello_nordinary && b[46] == 0xc0 && b[47] == 0x2b,
	    "deflate hello: the %zu ordinary suites, ECDHE-ECDSA AES-128-GCM "
	    "first", tlshello_nordinary);
	tap_ok(n > c + 2 && b[c] == 2 && b[c + 1] == 1 && b[c + 2] == 0,
	    "deflate hello: compression methods {1 DEFLATE, 0 null} (got %u: "
	    "%u %u)", b[c], b[c + 1], b[c + 2]);
	tap_ok(pn > c + 1 && p[c] == 1 && p[c + 1] == 0,
	    "null-only hello: compression methods {0} as before");
	tap_ok(n > c + 4 && ((size_t)b[c + 3] << 8 | b[c + 4]) == n - c - 5,
	    "deflate hello: the extensions' length right after the methods");
	tap_ok(memcmp(b + c + 3, p + c + 2, pn - c - 2) == 0,
	    "deflate hello: the extensions as in the null-only hello");
	tap_ok(tlshello_build_deflate(b, n - 1, 0x0303, rnd, "www.example.nl",
	    tlshello_ordinary, tlshello_nordinary) == 0,
	    "deflate hello: a buffer one byte short gives 0");
	tap_ok(tlshello_build_deflate(b, sizeof(b), 0x0303, rnd, NULL,
	    tlshello_ordinary, 0) == 0, "deflate hello: no suite gives 0");
	{
		uint16_t many[TLSHELLO_MAX_SUITES] = { 0 };
		char longname[254];

		memset(longname, 'a', 253);
		longname[253] = '\0';
		tap_ok(tlshello_build_deflate(b, sizeof(b), 0x0303, rnd,
		    longname, many, TLSHELLO_MAX_SUITES) > 0, "deflate hello: "
		    "the largest fits TLSHELLO_MAX_HELLO");
	}
	for (i = 0; i < tlshello_nordinary; i++)
		if (tlshello_ordinary[i] == 0x000a ||
		    tlshello_ordinary[i] == 0x0004)
			break;
	tap_ok(i == tlshello_nordinary && tlshello_nordinary <=
	    TLSHELLO_MAX_SUITES, "ordinary suites: none of 3DES or RC4, within "
	    "TLSHELLO_MAX_SUITES");

	for (m = 0; m <= 1; m++) {
		bool more_ok = true;
		size_t sid;

		for (sid = 0; sid <= 32; sid += 32) {
			shn = server_hello_comp(sh, sid, 0xc02f, (uint8_t)m);
			more_ok = true;
			for (i = 0; i < shn; i++)
				if (tlshello_parse(sh, i, &v, &suite, &comp,
				    &alert) != TLSHELLO_MORE)
					more_ok = false;
			tap_ok(more_ok, "ServerHello compression %u, session "
			    "ID %zu: every prefix up to %zu asks for more", m,
			    sid, shn - 1);
			comp = 0xee;
			tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp,
			    &alert) == TLSHELLO_SERVER_HELLO && comp == m &&
			    suite == 0xc02f && v == 0x0303, "ServerHello "
			    "compression %u, session ID %zu: decided at its "
			    "last byte, %zu (got %u)", m, sid, shn, comp);
		}
		tap_ok(shn == TLSHELLO_DECIDE_BYTES, "the longest "
		    "ServerHello's fixed part is TLSHELLO_DECIDE_BYTES (%zu)", shn);
	}
	/* The record ends after the suite: the method is in no record. */
	shn = server_hello_comp(sh, 32, 0xc02f, 1);
	sh[4] = (uint8_t)(sh[4] - 1);
	tap_ok(tlshello_parse(sh, shn - 1, &v, &suite, &comp, &alert) ==
	    TLSHELLO_GARBAGE, "a ServerHello cut before its compression "
	    "method by its record's end is garbage");
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_GARBAGE, "the same with the next record's byte: garbage");
}

static void
hello_tests(void)
{
	uint8_t rnd[32] = { 0 }, b[TLSHELLO_MAX_HELLO], sh[128];
	uint16_t many[TLSHELLO_MAX_SUITES + 1] = { 0 };
	uint16_t v = 0, suite = 0;
	uint8_t comp = 0, alert = 0;
	size_t n, i, shn;
	bool more_ok = true;
	char longname[300];

	n = tlshello_build(b, sizeof(b), 0x0303, rnd, "www.example.nl",
	    tlshello_3des, tlshello_n3des);
	tap_ok(n > 0 && b[0] == 0x16 && ((size_t)b[3] << 8 | b[4]) == n - 5,
	    "ClientHello: one handshake record, its length right (%zu)", n);
	tap_ok(n > 9 && b[5] == 0x01 && ((size_t)b[6] << 16 | (size_t)b[7] << 8 |
	    b[8]) == n - 9 && b[9] == 0x03 && b[10] == 0x03,
	    "ClientHello: client_hello of version 0x0303, its length right");
	tap_ok(n > 46 && b[43] == 0 && b[44] == 0 && b[45] == 8 &&
	    b[46] == 0x00 && b[47] == 0x0a, "ClientHello: the 4 3DES suites");
	tap_ok(memmem(b, n, "www.example.nl", 14) != NULL,
	    "ClientHello: SNI carried");
	tap_ok(memmem(b, n, "\xff\x01\x00\x01\x00", 5) != NULL,
	    "ClientHello: renegotiation_info (RFC 5746)");
	tap_ok(tlshello_build(b, n - 1, 0x0303, rnd, "www.example.nl",
	    tlshello_3des, tlshello_n3des) == 0, "ClientHello: a buffer one "
	    "byte short gives 0");
	tap_ok(tlshello_build(b, sizeof(b), 0x0303, rnd, NULL, many, 0) == 0,
	    "ClientHello: no suite gives 0");
	tap_ok(tlshello_build(b, sizeof(b), 0x0303, rnd, NULL, many,
	    TLSHELLO_MAX_SUITES + 1) == 0, "ClientHello: too many suites");
	memset(longname, 'a', 254);
	longname[254] = '\0';
	tap_ok(tlshello_build(b, sizeof(b), 0x0303, rnd, longname, many, 1) ==
	    0, "ClientHello: a 254-byte name refused");
	longname[253] = '\0';
	tap_ok(tlshello_build(b, sizeof(b), 0x0303, rnd, longname, many,
	    TLSHELLO_MAX_SUITES) > 0, "ClientHello: the largest fits "
	    "TLSHELLO_MAX_HELLO");

	/* the answer */
	shn = server_hello(sh, 32, 0x000a);
	tap_ok(shn == TLSHELLO_DECIDE_BYTES, "a full ServerHello (no "
	    "extensions) is TLSHELLO_DECIDE_BYTES, compression included "
	    "(%zu)", shn);
	comp = 0xee;
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_SERVER_HELLO && v == 0x0303 && suite == 0x000a &&
	    comp == 0, "ServerHello: version, suite and compression (0x%04x "
	    "0x%04x %u)", v, suite, comp);
	for (i = 0; i < TLSHELLO_DECIDE_BYTES; i++)
		if (tlshello_parse(sh, i, &v, &suite, &comp, &alert) !=
		    TLSHELLO_MORE)
			more_ok = false;
	tap_ok(more_ok, "ServerHello: every prefix shorter than the decision "
	    "asks for more");
	tap_ok(tlshello_parse(sh, TLSHELLO_DECIDE_BYTES, &v, &suite, &comp,
	    &alert) == TLSHELLO_SERVER_HELLO, "ServerHello: decided at "
	    "TLSHELLO_DECIDE_BYTES");
	shn = server_hello(sh, 0, 0xc012);
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_SERVER_HELLO && suite == 0xc012, "ServerHello without "
	    "a session ID");
	shn = server_hello(sh, 33, 0x000a);
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_GARBAGE, "ServerHello: a 33-byte session ID is garbage");
	shn = server_hello(sh, 0, 0x000a);
	sh[5] = 0x0b;
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_GARBAGE, "a Certificate first is garbage");
	shn = server_hello(sh, 0, 0x000a);
	sh[3] = 0; sh[4] = 0;
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_GARBAGE, "an empty record is garbage");
	shn = server_hello(sh, 0, 0x000a);
	sh[3] = 0; sh[4] = 10;
	tap_ok(tlshello_parse(sh, shn, &v, &suite, &comp, &alert) ==
	    TLSHELLO_GARBAGE, "a ServerHello cut by its record's end is "
	    "garbage");
	{
		const uint8_t al[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 40 };
		const uint8_t bad[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x03, 40 };

		tap_ok(tlshello_parse(al, sizeof(al), &v, &suite, &comp,
		    &alert) == TLSHELLO_ALERT && alert == 40, "alert handshake_failure");
		tap_ok(tlshello_parse(al, 6, &v, &suite, &comp, &alert) ==
		    TLSHELLO_MORE, "alert cut short: more");
		tap_ok(tlshello_parse(bad, sizeof(bad), &v, &suite, &comp,
		    &alert) == TLSHELLO_GARBAGE, "alert of level 3: garbage");
	}
	tap_ok(tlshello_parse((const uint8_t *)"HTTP/1.1 400", 12, &v, &suite,
	    &comp, &alert) == TLSHELLO_GARBAGE, "HTTP: garbage");
	tap_ok(tlshello_parse((const uint8_t *)"H", 1, &v, &suite, &comp,
	    &alert) == TLSHELLO_GARBAGE, "HTTP's first byte: garbage at once");
	tap_ok(tlshello_parse((const uint8_t *)"\x16\x02\x00\x00\x10", 5, &v,
	    &suite, &comp, &alert) == TLSHELLO_GARBAGE, "SSL 2 record version: "
	    "garbage");
}

int
main(void)
{
	char small[8];

	hello_tests();
	compression_tests();

	/* tls_versions: ascending, comma-separated, tls_version spelling */
	versions(0, "", NULL);
	versions(TLSPOL_V13, "TLSv1.3", "TLSv1.3");
	versions(TLSPOL_V12 | TLSPOL_V13, "TLSv1.2,TLSv1.3", "TLSv1.2");
	versions(TLSPOL_VERSIONS_ALL, "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3",
	    "TLSv1");
	versions(TLSPOL_V10 | TLSPOL_V12, "TLSv1,TLSv1.2", "TLSv1");
	versions(TLSPOL_V11, "TLSv1.1", "TLSv1.1");
	tap_ok(strlen("TLSv1,TLSv1.1,TLSv1.2,TLSv1.3") < TLSPOL_SET_STR_MAX,
	    "the longest versions text fits TLSPOL_SET_STR_MAX");
	/* a short buffer holds whole names only */
	tlspol_versions_str(TLSPOL_VERSIONS_ALL, small, sizeof(small));
	tap_ok(strcmp(small, "TLSv1") == 0, "short buffer: whole names (%s)",
	    small);

	/* tls_weak_ciphers: the fixed order */
	weak(0, "");
	weak(TLSPOL_WEAK_ALL, "3des,rc4,null,anon,export,cbc_only");
	weak(TLSPOL_WEAK_CBC_ONLY | TLSPOL_WEAK_3DES, "3des,cbc_only");
	weak(TLSPOL_WEAK_ANON | TLSPOL_WEAK_RC4, "rc4,anon");
	tap_ok(strlen("3des,rc4,null,anon,export,cbc_only") <
	    TLSPOL_SET_STR_MAX, "the longest weak text fits");

	/* cipher suites by IANA name */
	suite("TLS_AES_128_GCM_SHA256", 0, true, false, false);
	suite("TLS_CHACHA20_POLY1305_SHA256", 0, true, false, false);
	suite("TLS_AES_128_CCM_8_SHA256", 0, true, false, false);
	suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0, true, false, false);
	suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0, true, false,
	    false);
	suite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0, false, false,
	    false);
	suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0, true, false, true);
	suite("TLS_DHE_RSA_WITH_AES_256_CCM", 0, true, false, true);
	suite("TLS_RSA_WITH_AES_128_CBC_SHA", 0, false, true, false);
	suite("TLS_RSA_WITH_AES_256_GCM_SHA384", 0, true, true, false);
	suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", TLSPOL_WEAK_3DES, false, true,
	    false);
	suite("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", TLSPOL_WEAK_3DES, false,
	    false, false);
	suite("TLS_RSA_WITH_RC4_128_SHA", TLSPOL_WEAK_RC4, false, true, false);
	suite("TLS_ECDHE_RSA_WITH_RC4_128_SHA", TLSPOL_WEAK_RC4, false, false,
	    false);
	suite("TLS_RSA_WITH_NULL_SHA256", TLSPOL_WEAK_NULL, false, true,
	    false);
	suite("TLS_ECDHE_ECDSA_WITH_NULL_SHA", TLSPOL_WEAK_NULL, false, false,
	    false);
	suite("TLS_NULL_WITH_NULL_NULL", TLSPOL_WEAK_NULL | TLSPOL_WEAK_ANON,
	    false, false, false);
	suite("TLS_DH_anon_WITH_AES_128_GCM_SHA256", TLSPOL_WEAK_ANON, true,
	    false, true);
	suite("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", TLSPOL_WEAK_ANON, false,
	    false, false);
	suite("TLS_RSA_EXPORT_WITH_RC4_40_MD5",
	    TLSPOL_WEAK_EXPORT | TLSPOL_WEAK_RC4, false, true, false);
	suite("TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", TLSPOL_WEAK_EXPORT,
	    false, false, true);
	suite("TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
	    TLSPOL_WEAK_EXPORT | TLSPOL_WEAK_RC4 | TLSPOL_WEAK_ANON, false,
	    false, true);
	suite("TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
	    TLSPOL_WEAK_EXPORT | TLSPOL_WEAK_RC4, false, true, false);
	/* not static RSA: RSA with a pre-shared key, ECDHE-RSA */
	suite("TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", 0, true, false, false);
	/* names that are not a suite's: nothing */
	suite(NULL, 0, false, false, false);
	suite("", 0, false, false, false);
	suite("DES-CBC3-SHA", 0, false, false, false);
	suite("TLS_RSA_WITH_AES_128_GCM_SHA256_AND_A_NAME_FAR_TOO_LONG_TO_BE_A_SUITE",
	    0, false, false, false);
	/* a token, not a substring: "GCMX" is no GCM */
	suite("TLS_ECDHE_RSA_WITH_AES_128_GCMX_SHA256", 0, false, false,
	    false);

	/* tls_kex_weak */
	kex(0, 0, 0);
	kex(1024, 0, 1);
	kex(2047, 0, 1);
	kex(2048, 0, 0);
	kex(4096, 0, 0);
	kex(0, 1, 1);
	kex(4096, 1, 1);
	kex(-1, 0, -1);
	kex(0, -1, -1);
	kex(-1, 1, 1);		/* static RSA decides without the DH size */
	kex(1024, -1, 1);	/* a weak group decides without RSA */
	kex(-1, -1, -1);

	/* the NCSC-NL class, one fact at a time (all measured, clean) */
	ncsc(TLSPOL_V13, 0, 0, 0, 0, "good", "TLS 1.3 only");
	ncsc(TLSPOL_V12 | TLSPOL_V13, 0, 0, 0, 0, "sufficient",
	    "TLS 1.2 accepted (B1-1)");
	ncsc(TLSPOL_V11 | TLSPOL_V12, 0, 0, 0, 0, "phase_out",
	    "TLS 1.1 accepted (B1-1)");
	ncsc(TLSPOL_V10 | TLSPOL_V13, 0, 0, 0, 0, "phase_out",
	    "TLS 1.0 accepted (B1-1)");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_3DES, 0, 0, 0, "phase_out", "3DES");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_RC4, 0, 0, 0, "insufficient", "RC4");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_NULL, 0, 0, 0, "insufficient", "NULL");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_ANON, 0, 0, 0, "insufficient", "anon");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_EXPORT, 0, 0, 0, "insufficient",
	    "EXPORT");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_CBC_ONLY, 0, 0, 0, "sufficient",
	    "CBC only");
	ncsc(TLSPOL_V12, 0, 1024, 0, 0, "insufficient", "DH 1024 (table 10)");
	ncsc(TLSPOL_V12, 0, 2048, 0, 0, "phase_out", "DH 2048 (table 10)");
	ncsc(TLSPOL_V12, 0, 3072, 0, 0, "sufficient", "DH 3072 (table 10)");
	ncsc(TLSPOL_V13, 0, 4096, 0, 0, "sufficient",
	    "DH 4096 with TLS 1.3 only: DHE is sufficient");
	ncsc(TLSPOL_V12, 0, 0, 1, 0, "phase_out", "static RSA");
	ncsc(TLSPOL_V13, 0, 0, 0, 1, "sufficient",
	    "client renegotiation (B8-1)");
	/* the worst fact decides */
	ncsc(TLSPOL_VERSIONS_ALL, TLSPOL_WEAK_RC4 | TLSPOL_WEAK_3DES, 2048, 1,
	    1, "insufficient", "everything at once");
	/* unmeasured facts */
	ncsc(-1, 0, 0, 0, 0, NULL, "versions not measured");
	ncsc(0, 0, 0, 0, 0, NULL, "no version accepted");
	ncsc(TLSPOL_V13, -1, 0, 0, 0, NULL, "ciphers not measured");
	ncsc(TLSPOL_V13, 0, -1, 0, 0, NULL, "DH not measured");
	ncsc(TLSPOL_V13, 0, 0, -1, 0, NULL, "static RSA not measured");
	ncsc(TLSPOL_V13, 0, 0, 0, -1, NULL, "renegotiation not measured");
	ncsc(TLSPOL_V12, 0, 0, 0, -1, "sufficient",
	    "renegotiation not measured, 1.2 already sufficient");
	ncsc(TLSPOL_V10, 0, 0, -1, -1, "phase_out",
	    "RSA and renegotiation not measured, TLS 1.0 already phase_out");
	ncsc(TLSPOL_V12, TLSPOL_WEAK_RC4, -1, -1, -1, "insufficient",
	    "RC4 decides whatever was not measured");
	ncsc(TLSPOL_V10, 0, -1, 0, 0, NULL,
	    "DH not measured could still make phase_out insufficient");
	tap_ok(tlspol_ncsc_str(TLSPOL_NCSC_UNKNOWN) == NULL,
	    "unknown class is null");
	return tap_done();
}
