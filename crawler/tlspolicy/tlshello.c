/*
 * tlshello.c - a minimal ClientHello and the server's first answer
 * (tlshello.h).  Wire formats: RFC 5246 6.2.1 (records), 7.4.1.2
 * (ClientHello), 7.4.1.3 (ServerHello), 7.2 (alerts); RFC 3749 2
 * (compression method DEFLATE, 1); RFC 6066 3 (SNI);
 * RFC 5746 3.3 (renegotiation_info); RFC 8422 5.1 (groups, point
 * formats); RFC 5246 7.4.1.4.1 (signature_algorithms).
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "tlshello.h"

/* TLS_RSA_WITH_3DES_EDE_CBC_SHA, TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA,
 * TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA */
const uint16_t tlshello_3des[] = { 0x000a, 0x0016, 0xc012, 0xc008 };
const size_t tlshello_n3des = sizeof(tlshello_3des) / sizeof(uint16_t);
/* TLS_RSA_WITH_RC4_128_MD5, _SHA, TLS_ECDHE_RSA_WITH_RC4_128_SHA,
 * TLS_ECDHE_ECDSA_WITH_RC4_128_SHA */
const uint16_t tlshello_rc4[] = { 0x0004, 0x0005, 0xc011, 0xc007 };
const size_t tlshello_nrc4 = sizeof(tlshello_rc4) / sizeof(uint16_t);
/* TLS_RSA_EXPORT_WITH_RC4_40_MD5, _RC2_CBC_40_MD5, _DES40_CBC_SHA,
 * TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA */
const uint16_t tlshello_export[] = { 0x0003, 0x0006, 0x0008, 0x0014 };
const size_t tlshello_nexport = sizeof(tlshello_export) / sizeof(uint16_t);
/* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, _256_GCM_SHA384,
 * _128_CBC_SHA256, _256_CBC_SHA384, _128_CBC_SHA, _256_CBC_SHA; the same
 * for TLS_ECDHE_RSA_, TLS_DHE_RSA_ (_128_CBC_SHA256, _256_CBC_SHA256) and
 * TLS_RSA_ (likewise). */
const uint16_t tlshello_ordinary[] = {
	0xc02b, 0xc02c, 0xc023, 0xc024, 0xc009, 0xc00a,
	0xc02f, 0xc030, 0xc027, 0xc028, 0xc013, 0xc014,
	0x009e, 0x009f, 0x0067, 0x006b, 0x0033, 0x0039,
	0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035,
};
const size_t tlshello_nordinary = sizeof(tlshello_ordinary) /
    sizeof(uint16_t);

/* Longest host name in SNI (a DNS name's text without the final dot). */
#define SNI_MAX 253

/* A bounded writer over buf[0..cap). */
struct w {
	uint8_t *b;
	size_t cap, n;
	int bad;
};

static void
put8(struct w *w, unsigned v)
{
	if (w->n >= w->cap) {
		w->bad = 1;
		return;
	}
	w->b[w->n++] = (uint8_t)v;
}

static void
put16(struct w *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v & 0xff);
}

static void
put_bytes(struct w *w, const void *p, size_t len)
{
	if (w->cap - w->n < len || w->n > w->cap) {
		w->bad = 1;
		return;
	}
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

/* Write a length of width bytes at pos for what follows it up to now. */
static void
patch_len(struct w *w, size_t pos, int width)
{
	size_t len = w->n - pos - (size_t)width;
	int i;

	if (w->bad)
		return;
	for (i = width - 1; i >= 0; i--) {
		w->b[pos + (size_t)i] = (uint8_t)(len & 0xff);
		len >>= 8;
	}
}

/* The ClientHello, offering compression DEFLATE and null when deflate,
 * null alone otherwise. */
static size_t
build(uint8_t *buf, size_t cap, uint16_t version, const uint8_t random[32],
	const char *sni, const uint16_t *suites, size_t n, bool deflate)
{
	static const uint16_t groups[] = { 0x001d, 0x0017, 0x0018, 0x0019 };
	static const uint16_t sigalgs[] = { 0x0401, 0x0501, 0x0601, 0x0403,
	    0x0503, 0x0804, 0x0805, 0x0201, 0x0203 };
	struct w w = { buf, cap, 0, 0 };
	size_t i, rec, hs, ext, l, snilen = sni != NULL ? strlen(sni) : 0;

	if (n == 0 || n > TLSHELLO_MAX_SUITES || snilen > SNI_MAX)
		return 0;
	put8(&w, 0x16);			/* handshake record */
	put16(&w, 0x0301);		/* record version, as clients send */
	rec = w.n;
	put16(&w, 0);
	hs = w.n;
	put8(&w, 0x01);			/* client_hello */
	put8(&w, 0);
	put16(&w, 0);			/* 24-bit length */
	put16(&w, version);
	put_bytes(&w, random, 32);
	put8(&w, 0);			/* no session ID */
	put16(&w, (unsigned)(n * 2));
	for (i = 0; i < n; i++)
		put16(&w, suites[i]);
	if (deflate) {
		put8(&w, 2);
		put8(&w, 1);		/* compression: DEFLATE, */
		put8(&w, 0);		/* null */
	} else {
		put8(&w, 1);
		put8(&w, 0);		/* compression: null only */
	}
	ext = w.n;
	put16(&w, 0);
	if (snilen > 0) {
		put16(&w, 0x0000);	/* server_name */
		put16(&w, (unsigned)(snilen + 5));
		put16(&w, (unsigned)(snilen + 3));
		put8(&w, 0);		/* host_name */
		put16(&w, (unsigned)snilen);
		put_bytes(&w, sni, snilen);
	}
	put16(&w, 0x000a);		/* supported_groups */
	put16(&w, (unsigned)(2 + sizeof(groups)));
	put16(&w, (unsigned)sizeof(groups));
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		put16(&w, groups[i]);
	put16(&w, 0x000b);		/* ec_point_formats: uncompressed */
	put16(&w, 2);
	put8(&w, 1);
	put8(&w, 0);
	put16(&w, 0x000d);		/* signature_algorithms */
	put16(&w, (unsigned)(2 + sizeof(sigalgs)));
	put16(&w, (unsigned)sizeof(sigalgs));
	for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		put16(&w, sigalgs[i]);
	put16(&w, 0xff01);		/* renegotiation_info, empty */
	put16(&w, 1);
	put8(&w, 0);
	if (w.bad)
		return 0;
	patch_len(&w, ext, 2);
	l = w.n - hs - 4;		/* the handshake body */
	buf[hs + 1] = (uint8_t)(l >> 16);
	buf[hs + 2] = (uint8_t)(l >> 8);
	buf[hs + 3] = (uint8_t)l;
	patch_len(&w, rec, 2);
	return w.n;
}

size_t
tlshello_build(uint8_t *buf, size_t cap, uint16_t version,
	const uint8_t random[32], const char *sni, const uint16_t *suites,
	size_t n)
{
	return build(buf, cap, version, random, sni, suites, n, false);
}

size_t
tlshello_build_deflate(uint8_t *buf, size_t cap, uint16_t version,
	const uint8_t random[32], const char *sni, const uint16_t *suites,
	size_t n)
{
	return build(buf, cap, version, random, sni, suites, n, true);
}

enum tlshello_reply
tlshello_parse(const uint8_t *buf, size_t len, uint16_t *version,
	uint16_t *suite, uint8_t *compression, uint8_t *alert)
{
	size_t rlen, hlen, sid;
	const uint8_t *p;

	if (len < 5)
		return len > 0 && buf[0] != 0x16 && buf[0] != 0x15 ?
		    TLSHELLO_GARBAGE : TLSHELLO_MORE;
	if ((buf[0] != 0x16 && buf[0] != 0x15) || buf[1] != 0x03)
		return TLSHELLO_GARBAGE;
	rlen = (size_t)buf[3] << 8 | buf[4];
	/* RFC 5246 6.2.1: at most 2^14 bytes of plaintext. */
	if (rlen == 0 || rlen > 16384)
		return TLSHELLO_GARBAGE;
	p = buf + 5;
	len -= 5;
	if (buf[0] == 0x15) {
		if (rlen < 2)
			return TLSHELLO_GARBAGE;
		if (len < 2)
			return TLSHELLO_MORE;
		if (p[0] != 1 && p[0] != 2)	/* warning, fatal */
			return TLSHELLO_GARBAGE;
		*alert = p[1];
		return TLSHELLO_ALERT;
	}
	if (len > rlen)
		len = rlen;		/* this record only */
	if (len < 4)
		return rlen < 4 ? TLSHELLO_GARBAGE : TLSHELLO_MORE;
	if (p[0] != 0x02)		/* server_hello */
		return TLSHELLO_GARBAGE;
	hlen = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	/* version, random, session ID length, suite, compression. */
	if (hlen < 2 + 32 + 1 + 2 + 1)
		return TLSHELLO_GARBAGE;
	if (len < 4 + 2 + 32 + 1)
		return rlen < 4 + 2 + 32 + 1 ? TLSHELLO_GARBAGE : TLSHELLO_MORE;
	sid = p[4 + 2 + 32];
	if (sid > 32 || hlen < 2 + 32 + 1 + sid + 2 + 1)
		return TLSHELLO_GARBAGE;
	/* The fixed part ends with the compression method. */
	if (len < 4 + 2 + 32 + 1 + sid + 2 + 1)
		return rlen < 4 + 2 + 32 + 1 + sid + 2 + 1 ? TLSHELLO_GARBAGE :
		    TLSHELLO_MORE;
	*version = (uint16_t)(p[4] << 8 | p[5]);
	if (p[4] != 0x03)
		return TLSHELLO_GARBAGE;
	*suite = (uint16_t)(p[4 + 2 + 32 + 1 + sid] << 8 |
	    p[4 + 2 + 32 + 1 + sid + 1]);
	*compression = p[4 + 2 + 32 + 1 + sid + 2];
	return TLSHELLO_SERVER_HELLO;
}
