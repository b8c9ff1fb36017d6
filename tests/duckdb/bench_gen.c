/*
 * bench_gen - write N synthetic schema v1 rows with realistic value
 * distributions (mostly repeated enums, skewed hosting and ASNs, some
 * unique strings, nulls where a probe could not run) into a snapshot
 * directory with our writer, and print the time and size.
 *
 *   bench_gen OUTDIR [ROWS [ZSTD_LEVEL [ROW_GROUP_ROWS]]]
 *
 * Used by scripts/bench-snapshot; deterministic (fixed seed).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parquet.h"
#include "snapshot.h"
#include "util.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Uniform in [0, n). */
static uint32_t
un(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* True with probability p. */
static bool
pr(double p)
{
	return (double)(rnd() >> 11) / 9007199254740992.0 < p;
}

/* Skewed pick in [0, n): small indexes much more likely. */
static uint32_t
skew(uint32_t n)
{
	double u = (double)(rnd() >> 11) / 9007199254740992.0;
	return (uint32_t)((double)n * u * u * u);
}

/* Pick from weighted choices. */
struct wc {
	const char *v;
	double w;
};

static const char *
pick(const struct wc *c, size_t n)
{
	double u = (double)(rnd() >> 11) / 9007199254740992.0, acc = 0;

	for (size_t i = 0; i < n; i++) {
		acc += c[i].w;
		if (u < acc)
			return c[i].v;
	}
	return c[n - 1].v;
}
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

static const struct wc dns_status[] = { { "ok", .93 }, { "nxdomain", .04 },
	{ "servfail", .015 }, { "timeout", .01 }, { "refused", .003 },
	{ "error", .002 } };
static const struct wc dnssec[] = { { "insecure", .895 }, { "secure", .085 },
	{ "indeterminate", .015 }, { "bogus", .005 } };
static const struct wc bogus_reason[] = { { "rrsig_expired", .4 },
	{ "ds_mismatch", .3 }, { "signature_invalid", .2 },
	{ "dnskey_missing", .1 } };
static const struct wc algs[] = { { "13", .55 }, { "8", .38 },
	{ "8,13", .03 }, { "15", .02 }, { "7", .02 } };
static const struct wc rov[] = { { "valid", .52 }, { "not_found", .45 },
	{ "invalid_length", .015 }, { "invalid_as", .01 },
	{ "unrouted", .005 } };
static const struct wc tls_status[] = { { "ok", .86 },
	{ "refused", .05 }, { "timeout", .04 }, { "handshake_failed", .03 },
	{ "no_address", .015 }, { "error", .005 } };
static const struct wc tls_version[] = { { "TLSv1.3", .72 },
	{ "TLSv1.2", .275 }, { "TLSv1.1", .003 }, { "TLSv1", .002 } };
static const struct wc cipher13[] = { { "TLS_AES_256_GCM_SHA384", .6 },
	{ "TLS_AES_128_GCM_SHA256", .3 },
	{ "TLS_CHACHA20_POLY1305_SHA256", .1 } };
static const struct wc cipher12[] = { { "ECDHE-RSA-AES256-GCM-SHA384", .4 },
	{ "ECDHE-ECDSA-AES128-GCM-SHA256", .3 },
	{ "ECDHE-RSA-AES128-GCM-SHA256", .2 },
	{ "ECDHE-RSA-CHACHA20-POLY1305", .1 } };
static const struct wc groups[] = { { "x25519", .8 }, { "secp256r1", .15 },
	{ "X25519MLKEM768", .05 } };
static const struct wc alpn[] = { { "h2", .8 }, { "http/1.1", .2 } };
static const struct wc verify[] = { { "ok", .93 }, { "hostname_mismatch", .03 },
	{ "expired", .015 }, { "self_signed", .015 }, { "untrusted", .01 } };
static const struct wc issuers[] = { { "Let's Encrypt", .55 },
	{ "Google Trust Services", .14 }, { "DigiCert Inc", .08 },
	{ "Sectigo Limited", .07 }, { "Amazon", .05 },
	{ "GlobalSign nv-sa", .03 }, { "ZeroSSL", .02 },
	{ "GoDaddy.com, Inc.", .02 }, { "Cloudflare, Inc.", .02 },
	{ "Microsoft Corporation", .01 }, { "Entrust, Inc.", .01 } };
static const struct wc sigalg[] = { { "ecdsa-with-SHA384", .45 },
	{ "sha256WithRSAEncryption", .5 }, { "ecdsa-with-SHA256", .05 } };
static const struct wc xfo[] = { { "absent", .55 }, { "sameorigin", .3 },
	{ "deny", .12 }, { "invalid", .03 } };
static const struct wc refpol[] = { { "absent", .6 },
	{ "strict-origin-when-cross-origin", .25 }, { "no-referrer", .04 },
	{ "same-origin", .04 }, { "origin", .02 },
	{ "no-referrer-when-downgrade", .03 }, { "unsafe-url", .02 } };
static const struct wc sectxt[] = { { "absent", .88 }, { "valid", .08 },
	{ "invalid", .04 } };
static const struct wc spf[] = { { "absent", .3 }, { "softfail", .35 },
	{ "fail", .2 }, { "neutral", .05 }, { "none", .06 }, { "pass", .01 },
	{ "invalid", .03 } };
static const struct wc dmarc[] = { { "absent", .5 }, { "none", .28 },
	{ "quarantine", .1 }, { "reject", .1 }, { "invalid", .02 } };
static const struct wc errors[] = { { "connection refused", .3 },
	{ "timeout", .4 }, { "tls: handshake failure", .2 },
	{ "http: malformed response", .1 } };
static const char *const tlds[] = { "com", "com", "com", "com", "net", "org",
	"de", "uk", "ru", "br", "jp", "fr", "it", "nl", "pl", "in", "au",
	"io", "ca", "es", "cn", "info", "se", "ch", "co" };
static const char *const countries[] = { "US", "DE", "NL", "FR", "GB", "RU",
	"JP", "CN", "SG", "CA", "IE", "BR", "IN", "AU", "PL", "IT", "ES", "SE",
	"CH", "FI", "KR", "HK", "UA", "CZ", "TR", "ZA", "AR", "MX", "ID", "VN" };
static const char *const syll[] = { "ka", "zo", "mi", "ra", "te", "lo", "pu",
	"ne", "shi", "ba", "do", "gu", "vi", "fe", "xo", "qua", "ly", "on",
	"ar", "in" };

#define S(col, s) do { \
	row[col].present = true; \
	row[col].u.str.ptr = (s); \
	row[col].u.str.len = strlen(s); \
} while (0)
#define I32(col, v) do { row[col].present = true; row[col].u.i32 = (v); } while (0)
#define I64(col, v) do { row[col].present = true; row[col].u.i64 = (v); } while (0)
#define B(col, v) do { row[col].present = true; row[col].u.b = (v); } while (0)

struct bufs {
	char domain[96], host[104], ip4[20], ip6[48], p4[24], p6[32],
	    org[48], signer[96];
};

static void
make_row(int64_t i, struct schema_value *row, struct bufs *b)
{
	memset(row, 0, SCHEMA_COL_COUNT * sizeof(*row));
	/* Domain: 2-4 syllables, a number sometimes, a TLD. */
	char *p = b->domain;
	int ns = 2 + (int)un(3);
	for (int k = 0; k < ns; k++)
		p += sprintf(p, "%s", syll[un(20)]);
	if (pr(0.5))
		p += sprintf(p, "%" PRId64, i % 100000);
	sprintf(p, ".%s", tlds[skew(25)]);
	I64(SCHEMA_COL_INPUT_INDEX, i);
	S(SCHEMA_COL_DOMAIN, b->domain);
	S(SCHEMA_COL_LIST, "tranco-top1m");
	I64(SCHEMA_COL_RANK, i + 1);
	const char *ds = PICK(dns_status);
	S(SCHEMA_COL_DNS_STATUS, ds);
	I32(SCHEMA_COL_DNS_MS, 5 + (int32_t)skew(900));
	if (strcmp(ds, "ok") != 0)
		return;
	bool www = pr(0.6);
	snprintf(b->host, sizeof(b->host), "%s%s", www ? "www." : "", b->domain);
	S(SCHEMA_COL_PROBED_HOST, b->host);
	I32(SCHEMA_COL_NS_COUNT, 2 + (int32_t)skew(6));
	I32(SCHEMA_COL_A_COUNT, 1 + (int32_t)skew(4));
	bool v6 = pr(0.42);
	I32(SCHEMA_COL_AAAA_COUNT, v6 ? 1 + (int32_t)skew(3) : 0);
	int32_t mx = pr(0.75) ? 1 + (int32_t)skew(5) : 0;
	I32(SCHEMA_COL_MX_COUNT, mx);
	/* Hosting: a skewed pool of networks. */
	uint32_t net = skew(40000);
	uint32_t asn = 13335 + net * 7 % 400000;
	sprintf(b->ip4, "%u.%u.%u.%u", 23 + net % 200, (net / 200) % 256,
	    un(256), 1 + un(254));
	sprintf(b->p4, "%u.%u.0.0/%u", 23 + net % 200, (net / 200) % 256,
	    16 + net % 9);
	S(SCHEMA_COL_WEB_IPV4, b->ip4);
	B(SCHEMA_COL_IPV6_WEB, v6);
	B(SCHEMA_COL_IPV6_NS, pr(0.7));
	if (mx)
		B(SCHEMA_COL_IPV6_MX, pr(0.35));
	B(SCHEMA_COL_CAA, pr(0.12));
	B(SCHEMA_COL_HTTPS_RR, pr(0.25));
	const char *sec = PICK(dnssec);
	S(SCHEMA_COL_DNSSEC_STATUS, sec);
	bool secure = strcmp(sec, "secure") == 0;
	if (!secure)
		S(SCHEMA_COL_DNSSEC_REASON, strcmp(sec, "bogus") == 0 ?
		    PICK(bogus_reason) : strcmp(sec, "insecure") == 0 ? "no_ds" :
		    "no_response");
	B(SCHEMA_COL_DS_PRESENT, secure || strcmp(sec, "bogus") == 0);
	if (secure) {
		S(SCHEMA_COL_DNSKEY_ALGORITHMS, PICK(algs));
		S(SCHEMA_COL_DS_DIGEST_TYPES, pr(0.9) ? "2" : "2,4");
		bool n3 = pr(0.6);
		S(SCHEMA_COL_DENIAL, n3 ? "nsec3" : "nsec");
		if (n3)
			I32(SCHEMA_COL_NSEC3_ITERATIONS, pr(0.7) ? 0 : pr(0.5) ? 1 : 10);
		snprintf(b->signer, sizeof(b->signer), "%s", b->domain);
		S(SCHEMA_COL_SIGNER_ZONE, b->signer);
	}
	I64(SCHEMA_COL_V4_ORIGIN_ASN, asn);
	S(SCHEMA_COL_V4_PREFIX, b->p4);
	S(SCHEMA_COL_V4_ROV, PICK(rov));
	if (v6) {
		sprintf(b->ip6, "2a%02x:%x:%x::%x", net % 256, net, un(65536),
		    1 + un(4096));
		sprintf(b->p6, "2a%02x:%x::/32", net % 256, net);
		S(SCHEMA_COL_WEB_IPV6, b->ip6);
		I64(SCHEMA_COL_V6_ORIGIN_ASN, asn);
		S(SCHEMA_COL_V6_PREFIX, b->p6);
		S(SCHEMA_COL_V6_ROV, PICK(rov));
	}
	S(SCHEMA_COL_HOSTING_COUNTRY, countries[skew(30)]);
	I64(SCHEMA_COL_HOSTING_ASN, asn);
	snprintf(b->org, sizeof(b->org), "Hosting Org %u", asn % 100000);
	S(SCHEMA_COL_HOSTING_AS_ORG, b->org);
	/* TLS. */
	const char *ts = PICK(tls_status);
	S(SCHEMA_COL_TLS_STATUS, ts);
	I32(SCHEMA_COL_TLS_MS, 10 + (int32_t)skew(1500));
	if (strcmp(ts, "ok") != 0) {
		S(SCHEMA_COL_ERROR, PICK(errors));
		return;
	}
	const char *tv = PICK(tls_version);
	S(SCHEMA_COL_TLS_VERSION, tv);
	S(SCHEMA_COL_TLS_CIPHER, strcmp(tv, "TLSv1.3") == 0 ? PICK(cipher13) :
	    PICK(cipher12));
	S(SCHEMA_COL_TLS_GROUP, PICK(groups));
	S(SCHEMA_COL_TLS_ALPN, PICK(alpn));
	B(SCHEMA_COL_OCSP_STAPLED, pr(0.3));
	S(SCHEMA_COL_CERT_VERIFY, PICK(verify));
	int32_t days = (int32_t)un(400) - 10;
	I64(SCHEMA_COL_CERT_NOT_AFTER, (1767225600LL + days * 86400LL +
	    un(86400)) * 1000000LL);
	I32(SCHEMA_COL_CERT_DAYS_LEFT, days);
	bool ec = pr(0.45);
	S(SCHEMA_COL_CERT_KEY_TYPE, ec ? "ec" : "rsa");
	I32(SCHEMA_COL_CERT_KEY_BITS, ec ? (pr(0.9) ? 256 : 384) :
	    (pr(0.85) ? 2048 : 4096));
	S(SCHEMA_COL_CERT_SIG_ALG, PICK(sigalg));
	S(SCHEMA_COL_CERT_ISSUER_ORG, PICK(issuers));
	/* HTTP. */
	static const int32_t codes[] = { 200, 200, 200, 200, 200, 200, 200,
		301, 302, 403, 404, 503, 200, 200, 308, 500 };
	I32(SCHEMA_COL_HTTP_STATUS, codes[un(16)]);
	I32(SCHEMA_COL_HTTP_MS, 20 + (int32_t)skew(3000));
	bool hsts = pr(0.35);
	B(SCHEMA_COL_HSTS, hsts);
	if (hsts) {
		static const int64_t ages[] = { 31536000, 63072000, 15552000,
			31536000, 300, 86400 };
		I64(SCHEMA_COL_HSTS_MAX_AGE, ages[un(6)]);
		B(SCHEMA_COL_HSTS_INCLUDE_SUBDOMAINS, pr(0.6));
		B(SCHEMA_COL_HSTS_PRELOAD, pr(0.3));
	}
	bool csp = pr(0.25);
	B(SCHEMA_COL_CSP, csp);
	if (csp) {
		B(SCHEMA_COL_CSP_FRAME_ANCESTORS, pr(0.4));
		B(SCHEMA_COL_CSP_UNSAFE_INLINE, pr(0.5));
	}
	S(SCHEMA_COL_X_FRAME_OPTIONS, PICK(xfo));
	B(SCHEMA_COL_X_CONTENT_TYPE_OPTIONS, pr(0.45));
	S(SCHEMA_COL_REFERRER_POLICY, PICK(refpol));
	B(SCHEMA_COL_PERMISSIONS_POLICY, pr(0.15));
	B(SCHEMA_COL_HTTP_REDIRECTS_HTTPS, pr(0.8));
	S(SCHEMA_COL_SECURITY_TXT, PICK(sectxt));
	S(SCHEMA_COL_SPF, PICK(spf));
	S(SCHEMA_COL_DMARC, PICK(dmarc));
	B(SCHEMA_COL_MTA_STS, pr(0.03));
	B(SCHEMA_COL_TLSRPT, pr(0.04));
	if (mx)
		B(SCHEMA_COL_DANE_MX, pr(0.01));
	B(SCHEMA_COL_DANE_WEB, pr(0.002));
}

int
main(int argc, char **argv)
{
	struct snapshot_writer_options o;
	struct schema_value row[SCHEMA_COL_COUNT];
	struct bufs b;
	char err[512];

	if (argc < 2) {
		fprintf(stderr, "usage: bench_gen OUTDIR [ROWS [ZSTD_LEVEL [ROW_GROUP_ROWS]]]\n");
		return 2;
	}
	int64_t rows = argc > 2 ? atoll(argv[2]) : 1000000;
	snapshot_writer_options_default(&o);
	o.part_rows = (uint64_t)rows + 1; /* one part */
	if (argc > 3)
		o.parquet.zstd_level = atoi(argv[3]);
	if (argc > 4)
		o.parquet.row_group_rows = (uint32_t)atoi(argv[4]);
	uint64_t t0 = now_monotonic_us();
	struct snapshot_writer *w = snapshot_writer_open(argv[1], &o, err,
	    sizeof(err));
	if (w == NULL) {
		fprintf(stderr, "bench_gen: %s\n", err);
		return 1;
	}
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_LIST_NAME, "synthetic");
	for (int64_t i = 0; i < rows; i++) {
		make_row(i, row, &b);
		if (snapshot_writer_append(w, row) < 0)
			return 1;
	}
	if (snapshot_writer_close(w) < 0)
		return 1;
	uint64_t t1 = now_monotonic_us();
	/* How many row groups the writer's bounds made (rows or bytes,
	 * whichever is reached first): the size depends on it. */
	char part[4096];
	snprintf(part, sizeof(part), "%s/part-00000.parquet", argv[1]);
	struct parquet_reader *r = parquet_reader_open(part, err, sizeof(err));
	if (r == NULL) {
		fprintf(stderr, "bench_gen: %s: %s\n", part, err);
		return 1;
	}
	size_t ngroups = parquet_reader_row_group_count(r);
	parquet_reader_free(r);
	printf("rows %" PRId64 " seconds %.3f zstd_level %d row_group_rows %u"
	    " row_group_bytes %zu row_groups %zu\n",
	    rows, (double)(t1 - t0) / 1e6, o.parquet.zstd_level,
	    o.parquet.row_group_rows, o.parquet.row_group_bytes, ngroups);
	return 0;
}
