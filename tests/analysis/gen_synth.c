/*
 * gen_synth - a synthetic snapshot for the analysis tests and benchmark,
 * written with the snapshot writer, and the --meta CSV that goes with it.
 *
 *   gen_synth OUTDIR ROWS [options]
 *     --meta FILE        write domain,country,sector for most domains
 *     --seed N           random seed (default 1)
 *     --part-rows N      rows per part (default 100000, as the crawler)
 *     --start N          first input_index (default 0: shards use others)
 *     --date YYYY-MM-DD  uptake.crawl_start (default 2026-01-05)
 *     --improve X        adoption probabilities times (1 + X) (trends)
 *     --drop COL[,COL]   write the parts without these columns (an older
 *                        schema), with the Parquet writer directly
 *     --level N          ZSTD level (default: the writer's)
 *     --kv KEY=VALUE     set the snapshot key KEY to VALUE after the
 *                        defaults (repeatable; not with --drop): hostile
 *                        metadata for the report's escaping test
 *                        (tests/hardening/report_hostile.py)
 *
 * Rows follow schema v1's null rules (docs/testbed*.md): a domain that
 * does not resolve has null DNS, DNSSEC, mail and web columns and
 * tls_status no_address; a failed TLS handshake leaves the TLS and HTTP
 * columns null; no HTTPS response leaves the header columns null; HSTS
 * and CSP details are null when the header is absent; MX-only columns
 * are null without MX; and a few rows have dns_status null (DNS probe
 * not run).  Adoption differs by country and sector, so reports have
 * something to say.  Deterministic for a seed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parquet.h"
#include "snapshot.h"
#include "util.h"

static uint64_t rng;		/* outcomes: adoption draws */
static uint64_t seed_base;

/* A row's identity (country, sector, TLD, labels) depends only on the
 * seed and its index, so crawls with other --improve or --date values
 * hold the same domains with the same labels. */
static uint64_t id_state;

static double
id01(void)
{
	id_state += 0x9e3779b97f4a7c15ull;
	uint64_t z = id_state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
u01(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static bool
pr(double p)
{
	return u01() < p;
}

static uint32_t
un(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static double improve;

/* Probability of adoption: a base level times the standard's ease. */
static bool
adopt(double level, double ease)
{
	double p = level * ease * (1 + improve);
	return pr(p > 0.98 ? 0.98 : p);
}

struct country {
	const char *cc, *tld;
	double level, weight;
};

static const struct country countries[] = {
	{ "SE", "se", 0.85, 3 }, { "NL", "nl", 0.80, 5 },
	{ "DE", "de", 0.65, 12 }, { "FR", "fr", 0.55, 8 },
	{ "US", "us", 0.50, 30 }, { "GB", "uk", 0.60, 9 },
	{ "JP", "jp", 0.40, 8 }, { "BR", "br", 0.30, 7 },
	{ "IT", "it", 0.35, 6 }, { "IN", "in", 0.30, 6 },
	{ "PL", "pl", 0.45, 4 }, { "GR", "gr", 0.20, 2 },
};
#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

static const struct {
	const char *name;
	double mult;
} sectors[] = { { "government", 1.10 }, { "finance", 1.15 },
	{ "health", 0.80 }, { "education", 0.90 }, { "telecom", 1.00 },
	{ "retail", 0.75 } };
#define NSECTORS (sizeof(sectors) / sizeof(sectors[0]))

static const char *const generic_tlds[] = { "com", "com", "com", "net", "org",
	"io" };
static const char *const syll[] = { "ka", "zo", "mi", "ra", "te", "lo", "pu",
	"ne", "shi", "ba", "do", "gu", "vi", "fe", "xo", "qua", "ly", "on",
	"ar", "in" };

struct wc {
	const char *v;
	double w;
};

static const char *
pick(const struct wc *c, size_t n)
{
	double u = u01(), acc = 0;

	for (size_t i = 0; i < n; i++) {
		acc += c[i].w;
		if (u < acc)
			return c[i].v;
	}
	return c[n - 1].v;
}
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

static const struct wc dns_fail[] = { { "nxdomain", .55 }, { "servfail", .2 },
	{ "timeout", .15 }, { "refused", .06 }, { "error", .04 } };
static const struct wc bogus_reason[] = { { "rrsig_expired", .4 },
	{ "ds_mismatch", .3 }, { "signature_invalid", .2 },
	{ "dnskey_missing", .1 } };
static const struct wc rov_bad[] = { { "invalid_as", .6 },
	{ "invalid_length", .4 } };
static const struct wc tls_fail[] = { { "refused", .4 }, { "timeout", .3 },
	{ "handshake_failed", .25 }, { "error", .05 } };
static const struct wc verify_bad[] = { { "hostname_mismatch", .4 },
	{ "expired", .25 }, { "self_signed", .15 }, { "untrusted", .15 },
	{ "not_yet_valid", .03 }, { "other", .02 } };
static const struct wc xfo_other[] = { { "absent", .85 }, { "invalid", .15 } };
static const struct wc ref_good[] = {
	{ "strict-origin-when-cross-origin", .6 }, { "no-referrer", .12 },
	{ "same-origin", .12 }, { "strict-origin", .08 }, { "origin", .05 },
	{ "origin-when-cross-origin", .03 } };
static const struct wc ref_bad[] = { { "absent", .85 },
	{ "no-referrer-when-downgrade", .1 }, { "unsafe-url", .05 } };
static const struct wc spf_other[] = { { "absent", .35 }, { "softfail", .4 },
	{ "neutral", .08 }, { "none", .08 }, { "pass", .02 },
	{ "invalid", .07 } };
static const struct wc dmarc_other[] = { { "absent", .55 }, { "none", .4 },
	{ "invalid", .05 } };
static const struct wc sectxt_other[] = { { "absent", .8 },
	{ "invalid", .2 } };
static const struct wc issuers[] = { { "Let's Encrypt", .6 },
	{ "Google Trust Services", .15 }, { "DigiCert Inc", .1 },
	{ "Sectigo Limited", .1 }, { "Amazon", .05 } };

/* Each macro evaluates its value once: values are often random draws. */
#define S(col, s) do { \
	const char *s_ = (s); \
	row[col].present = true; \
	row[col].u.str.ptr = s_; \
	row[col].u.str.len = strlen(s_); \
} while (0)
#define I32(col, v) do { row[col].present = true; row[col].u.i32 = (v); } while (0)
#define I64(col, v) do { row[col].present = true; row[col].u.i64 = (v); } while (0)
#define B(col, v) do { row[col].present = true; row[col].u.b = (v); } while (0)

struct bufs {
	char domain[96], host[104], ip4[20], ip6[48], p4[24], p6[32], org[48];
	char nsop[104], mxop[104];
};

static const struct country *
pick_country(void)
{
	double total = 0, u;

	for (size_t i = 0; i < NCOUNTRIES; i++)
		total += countries[i].weight;
	u = id01() * total;
	for (size_t i = 0; i < NCOUNTRIES; i++) {
		if (u < countries[i].weight)
			return &countries[i];
		u -= countries[i].weight;
	}
	return &countries[NCOUNTRIES - 1];
}

/*
 * The mail stage's columns (schema v2), from a random stream of their own
 * so that every other column is what it was before they existed.
 */
static void
mail_columns(struct schema_value *row, int64_t i, double lv, bool ds)
{
	static const struct wc reach[] = { { "all", .6 }, { "some", .1 },
		{ "none", .15 }, { "unreachable", .15 } };
	static const struct wc ver[] = { { "TLSv1.3", .6 }, { "TLSv1.2", .35 },
		{ "TLSv1", .05 } };
	static const struct wc verify[] = { { "ok", .7 },
		{ "self_signed", .12 }, { "hostname_mismatch", .1 },
		{ "expired", .05 }, { "untrusted", .03 } };
	static const struct wc sts[] = { { "enforce", .4 }, { "testing", .3 },
		{ "none", .1 }, { "invalid", .1 }, { "unavailable", .1 } };
	uint64_t saved = rng;
	const char *st;

	/* xorshift: any state but zero. */
	rng = (seed_base ^ ((uint64_t)i * 0x94d049bb133111ebull)) | 1;
	I32(SCHEMA_COL_MX_TESTED, 1 + (int32_t)un(3));
	st = PICK(reach);
	S(SCHEMA_COL_MX_STARTTLS, st);
	if (strcmp(st, "all") == 0 || strcmp(st, "some") == 0) {
		S(SCHEMA_COL_MX_TLS_VERSION, PICK(ver));
		S(SCHEMA_COL_MX_CERT_VERIFY, PICK(verify));
	}
	S(SCHEMA_COL_MX_DANE, ds && strcmp(st, "unreachable") != 0 &&
	    adopt(lv, 0.3) ? (pr(0.9) ? "valid" : pr(0.5) ? "invalid" :
	    "partial") : "none");
	if (adopt(lv, 0.15)) {
		const char *m = PICK(sts);

		S(SCHEMA_COL_MTA_STS_MODE, m);
		if (strcmp(m, "invalid") != 0 && strcmp(m, "unavailable") != 0)
			B(SCHEMA_COL_MTA_STS_MX_MATCH, pr(0.9));
	}
	if (adopt(lv, 0.15))
		B(SCHEMA_COL_TLSRPT_VALID, pr(0.85));
	I32(SCHEMA_COL_MAIL_MS, 5 + (int32_t)un(3000));
	rng = saved;
}

/*
 * Who operates the DNS and mail (schema v3, ns_operator and mx_operator),
 * concentrated as reality is: a few global providers hold most domains, a
 * national one per country a good share, the rest use one of a long tail
 * of small providers or run their own (the domain itself: a few percent
 * only, as each is a group of its own and the SQL tests count groups).  A random
 * stream of their own, so that every other column is what it was.
 */
static const struct wc ns_global[] = { { "bigdns.com", .30 },
	{ "cloudns.net", .14 }, { "hostco.net", .06 }, { "NATIONAL", .18 },
	{ "SELF", .03 }, { "TAIL", .27 }, { "NULL", .02 } };
static const struct wc mx_global[] = { { "bigmail.com", .36 },
	{ "webmail.net", .22 }, { "NATIONAL", .12 }, { "SELF", .04 },
	{ "TAIL", .24 }, { "NULL", .02 } };
/* Small providers in the long tail. */
#define SYNTH_TAIL_PROVIDERS 300

static void
operator_columns(struct schema_value *row, int64_t i,
    const struct country *c, bool mx, struct bufs *b)
{
	uint64_t saved = rng;

	rng = (seed_base ^ ((uint64_t)i * 0xa0761d6478bd642full)) | 1;
	for (int role = 0; role < 2; role++) {
		const char *v;
		char *out = role ? b->mxop : b->nsop;
		size_t len = role ? sizeof(b->mxop) : sizeof(b->nsop);

		if (role && !mx)
			break;
		v = role ? PICK(mx_global) : PICK(ns_global);
		if (strcmp(v, "NULL") == 0)
			continue;	/* the NS or MX answer did not come */
		if (strcmp(v, "NATIONAL") == 0)
			snprintf(out, len, "%s-%s.%s", role ? "mail" : "dns",
			    c->tld, strcmp(c->tld, "uk") == 0 ? "co.uk" :
			    c->tld);
		else if (strcmp(v, "SELF") == 0)
			snprintf(out, len, "%s", b->domain);
		else if (strcmp(v, "TAIL") == 0)
			snprintf(out, len, "tail%u.net",
			    un(SYNTH_TAIL_PROVIDERS));
		else
			snprintf(out, len, "%s", v);
		S(role ? SCHEMA_COL_MX_OPERATOR : SCHEMA_COL_NS_OPERATOR, out);
	}
	rng = saved;
}

static void
make_row(int64_t i, struct schema_value *row, struct bufs *b, FILE *meta)
{
	id_state = seed_base ^ ((uint64_t)i * 0xd1b54a32d192ed03ull);
	const struct country *c = pick_country();
	size_t sec = (size_t)(id01() * NSECTORS);
	double lv = c->level * sectors[sec].mult;

	memset(row, 0, SCHEMA_COL_COUNT * sizeof(*row));
	/* Unique domain: syllables from the index, the index, a TLD. */
	char *p = b->domain;
	uint64_t h = (uint64_t)i * 0x9e3779b97f4a7c15ull;
	for (int k = 0; k < 2 + (int)(h >> 62); k++)
		p += sprintf(p, "%s", syll[(h >> (8 * k)) % 20]);
	const char *tld;
	if (strcmp(c->cc, "US") == 0 || id01() < 0.35)
		tld = generic_tlds[(size_t)(id01() * 6)];
	else
		tld = c->tld;
	if (strcmp(tld, "uk") == 0)
		sprintf(p, "%" PRId64 ".co.uk", i);
	else
		sprintf(p, "%" PRId64 ".%s", i, tld);
	bool labelled = id01() < 0.85, no_cc = id01() < 0.02,
	    no_sec = id01() < 0.02;
	if (meta && labelled) {
		/* The list's own labels: most domains; a few without a
		 * country or a sector. */
		fprintf(meta, "%s,%s,%s\n", b->domain, no_cc ? "" : c->cc,
		    no_sec ? "" : sectors[sec].name);
	}
	I64(SCHEMA_COL_INPUT_INDEX, i);
	S(SCHEMA_COL_DOMAIN, b->domain);
	bool gov = i % 10 == 3;
	S(SCHEMA_COL_LIST, gov ? "synthetic-gov" : "synthetic-top");
	if (!gov)
		I64(SCHEMA_COL_RANK, i + 1);
	I32(SCHEMA_COL_DNS_MS, 3 + (int32_t)un(400));
	if (pr(0.002))
		return;		/* DNS probe not run: everything null */
	bool ok = !pr(0.07);
	S(SCHEMA_COL_DNS_STATUS, ok ? "ok" : PICK(dns_fail));
	if (!ok) {
		S(SCHEMA_COL_TLS_STATUS, "no_address");
		S(SCHEMA_COL_ERROR, "dns: no answer");
		return;
	}
	bool www = pr(0.5);
	snprintf(b->host, sizeof(b->host), "%s%s", www ? "www." : "",
	    b->domain);
	S(SCHEMA_COL_PROBED_HOST, b->host);
	I32(SCHEMA_COL_NS_COUNT, 1 + (int32_t)un(4));
	bool has4 = !pr(0.03), has6 = adopt(lv, 0.7);
	if (!has4 && pr(0.5))
		has6 = false;	/* no web host at all */
	I32(SCHEMA_COL_A_COUNT, has4 ? 1 + (int32_t)un(3) : 0);
	I32(SCHEMA_COL_AAAA_COUNT, has6 ? 1 + (int32_t)un(2) : 0);
	int32_t mx = pr(0.75) ? 1 + (int32_t)un(4) : 0;
	I32(SCHEMA_COL_MX_COUNT, mx);
	uint32_t net = un(5000);
	if (has4) {
		sprintf(b->ip4, "%u.%u.%u.%u", 20 + net % 200, net / 200,
		    un(256), 1 + un(254));
		S(SCHEMA_COL_WEB_IPV4, b->ip4);
	}
	if (has6) {
		sprintf(b->ip6, "2a%02x:%x::%x", net % 256, net, 1 + un(4096));
		S(SCHEMA_COL_WEB_IPV6, b->ip6);
	}
	B(SCHEMA_COL_IPV6_WEB, has6);
	B(SCHEMA_COL_IPV6_NS, adopt(lv, 0.9));
	if (mx)
		B(SCHEMA_COL_IPV6_MX, adopt(lv, 0.5));
	B(SCHEMA_COL_CAA, adopt(lv, 0.4));
	B(SCHEMA_COL_HTTPS_RR, adopt(lv, 0.3));
	/* DNSSEC. */
	bool ds = adopt(lv, 0.7);
	const char *sec_st = "insecure";
	if (pr(0.01))
		sec_st = "indeterminate";
	else if (ds && pr(0.03))
		sec_st = "bogus";
	else if (ds)
		sec_st = "secure";
	S(SCHEMA_COL_DNSSEC_STATUS, sec_st);
	if (strcmp(sec_st, "secure") != 0)
		S(SCHEMA_COL_DNSSEC_REASON,
		    strcmp(sec_st, "bogus") == 0 ? PICK(bogus_reason) :
		    strcmp(sec_st, "insecure") == 0 ? "no_ds" : "no_response");
	if (strcmp(sec_st, "indeterminate") != 0)
		B(SCHEMA_COL_DS_PRESENT, ds);
	if (ds) {
		S(SCHEMA_COL_DNSKEY_ALGORITHMS, pr(0.6) ? "13" : "8");
		S(SCHEMA_COL_DS_DIGEST_TYPES, "2");
		bool n3 = pr(0.5);
		S(SCHEMA_COL_DENIAL, n3 ? "nsec3" : "nsec");
		if (n3)
			I32(SCHEMA_COL_NSEC3_ITERATIONS, pr(0.8) ? 0 : 10);
		S(SCHEMA_COL_SIGNER_ZONE, b->domain);
	}
	/* RPKI per family. */
	for (int fam = 0; fam < 2; fam++) {
		bool has = fam ? has6 : has4;
		if (!has)
			continue;
		enum schema_col rov = fam ? SCHEMA_COL_V6_ROV : SCHEMA_COL_V4_ROV;
		if (pr(0.01)) {
			S(rov, "unrouted");
			continue;
		}
		if (fam) {
			sprintf(b->p6, "2a%02x:%x::/32", net % 256, net);
			S(SCHEMA_COL_V6_PREFIX, b->p6);
			I64(SCHEMA_COL_V6_ORIGIN_ASN, 64500 + net);
		} else {
			sprintf(b->p4, "%u.%u.0.0/16", 20 + net % 200, net / 200);
			S(SCHEMA_COL_V4_PREFIX, b->p4);
			I64(SCHEMA_COL_V4_ORIGIN_ASN, 64500 + net);
		}
		if (pr(0.02))
			S(rov, PICK(rov_bad));
		else
			S(rov, adopt(lv, 0.9) ? "valid" : "not_found");
	}
	if ((has4 || has6) && !pr(0.01)) {
		const char *hc = pr(0.7) ? c->cc : pr(0.6) ? "US" : "NL";
		S(SCHEMA_COL_HOSTING_COUNTRY, hc);
		I64(SCHEMA_COL_HOSTING_ASN, 64500 + net % 700);
		snprintf(b->org, sizeof(b->org), "Hosting %u", net % 700);
		S(SCHEMA_COL_HOSTING_AS_ORG, b->org);
	}
	/* Email. */
	S(SCHEMA_COL_SPF, adopt(lv, 0.6) ? "fail" : PICK(spf_other));
	S(SCHEMA_COL_DMARC, adopt(lv, 0.55) ? (pr(0.5) ? "reject" :
	    "quarantine") : PICK(dmarc_other));
	B(SCHEMA_COL_MTA_STS, adopt(lv, 0.15));
	B(SCHEMA_COL_TLSRPT, adopt(lv, 0.15));
	if (mx)
		B(SCHEMA_COL_DANE_MX, ds && adopt(lv, 0.3));
	if (has4 || has6)
		B(SCHEMA_COL_DANE_WEB, ds && adopt(lv, 0.05));
	if (mx)
		mail_columns(row, i, lv, ds);
	operator_columns(row, i, c, mx > 0, b);
	/* TLS. */
	if (!has4 && !has6) {
		S(SCHEMA_COL_TLS_STATUS, "no_address");
		return;
	}
	I32(SCHEMA_COL_TLS_MS, 10 + (int32_t)un(900));
	if (pr(0.1)) {
		const char *ts = PICK(tls_fail);
		S(SCHEMA_COL_TLS_STATUS, ts);
		S(SCHEMA_COL_ERROR, ts);
		if (strcmp(ts, "refused") == 0 && pr(0.8))
			B(SCHEMA_COL_HTTP_REDIRECTS_HTTPS, false);
		return;
	}
	S(SCHEMA_COL_TLS_STATUS, "ok");
	const char *ver = adopt(lv, 1.2) ? "TLSv1.3" : pr(0.02) ?
	    (pr(0.5) ? "TLSv1" : "TLSv1.1") : "TLSv1.2";
	S(SCHEMA_COL_TLS_VERSION, ver);
	S(SCHEMA_COL_TLS_CIPHER, strcmp(ver, "TLSv1.3") == 0 ?
	    "TLS_AES_256_GCM_SHA384" : "ECDHE-RSA-AES128-GCM-SHA256");
	if (pr(0.97))
		S(SCHEMA_COL_TLS_GROUP, pr(0.8) ? "x25519" : "secp256r1");
	if (pr(0.9))
		S(SCHEMA_COL_TLS_ALPN, pr(0.8) ? "h2" : "http/1.1");
	B(SCHEMA_COL_OCSP_STAPLED, adopt(lv, 0.4));
	S(SCHEMA_COL_CERT_VERIFY, adopt(lv, 1.4) ? "ok" : PICK(verify_bad));
	int32_t days = (int32_t)un(400) - 10;
	I64(SCHEMA_COL_CERT_NOT_AFTER, (1767225600LL + days * 86400LL) *
	    1000000LL);
	I32(SCHEMA_COL_CERT_DAYS_LEFT, days);
	bool ec = pr(0.5);
	S(SCHEMA_COL_CERT_KEY_TYPE, ec ? "ec" : "rsa");
	I32(SCHEMA_COL_CERT_KEY_BITS, ec ? 256 : 2048);
	S(SCHEMA_COL_CERT_SIG_ALG, ec ? "ecdsa-with-SHA256" :
	    "sha256WithRSAEncryption");
	if (pr(0.97))
		S(SCHEMA_COL_CERT_ISSUER_ORG, PICK(issuers));
	if (pr(0.95))
		B(SCHEMA_COL_HTTP_REDIRECTS_HTTPS, adopt(lv, 1.2));
	if (pr(0.03))
		return;		/* handshake, but no HTTP response */
	static const int32_t codes[] = { 200, 200, 200, 200, 200, 301, 302,
		403, 404, 503 };
	I32(SCHEMA_COL_HTTP_STATUS, codes[un(10)]);
	I32(SCHEMA_COL_HTTP_MS, 20 + (int32_t)un(2000));
	bool hsts = adopt(lv, 0.8);
	B(SCHEMA_COL_HSTS, hsts);
	if (hsts) {
		static const int64_t ages[] = { 31536000, 63072000, 15552000,
			300, 86400, 31536000 };
		I64(SCHEMA_COL_HSTS_MAX_AGE, ages[un(6)]);
		B(SCHEMA_COL_HSTS_INCLUDE_SUBDOMAINS, pr(0.6));
		B(SCHEMA_COL_HSTS_PRELOAD, pr(0.35));
	}
	bool csp = adopt(lv, 0.45);
	B(SCHEMA_COL_CSP, csp);
	if (csp) {
		B(SCHEMA_COL_CSP_FRAME_ANCESTORS, pr(0.45));
		B(SCHEMA_COL_CSP_UNSAFE_INLINE, pr(0.5));
	}
	S(SCHEMA_COL_X_FRAME_OPTIONS, adopt(lv, 0.8) ?
	    (pr(0.7) ? "sameorigin" : "deny") : PICK(xfo_other));
	B(SCHEMA_COL_X_CONTENT_TYPE_OPTIONS, adopt(lv, 0.85));
	S(SCHEMA_COL_REFERRER_POLICY, adopt(lv, 0.55) ? PICK(ref_good) :
	    PICK(ref_bad));
	B(SCHEMA_COL_PERMISSIONS_POLICY, adopt(lv, 0.3));
	if (pr(0.98))
		S(SCHEMA_COL_SECURITY_TXT, adopt(lv, 0.2) ? "valid" :
		    PICK(sectxt_other));
}

/* The same rows without some columns: an older schema's snapshot. */
struct dropper {
	bool drop[SCHEMA_COL_COUNT];
	struct parquet_column_def cols[SCHEMA_COL_COUNT];
	size_t ncols;
	const char *dir;
	uint64_t part_rows, rows_in_part;
	int part;
	FILE *fp;
	struct parquet_writer *w;
	const char *date;
};

static int
dropper_roll(struct dropper *d)
{
	char path[4096];

	if (d->w) {
		if (parquet_writer_close(d->w) < 0)
			return -1;
		parquet_writer_free(d->w);
		fclose(d->fp);
		d->w = NULL;
	}
	snprintf(path, sizeof(path), "%s/part-%05d.parquet", d->dir, d->part++);
	d->fp = fopen(path, "w");
	if (d->fp == NULL)
		return -1;
	d->w = parquet_writer_new(fileno(d->fp), path, d->cols, d->ncols, NULL);
	if (d->w == NULL)
		return -1;
	parquet_writer_kv_set(d->w, SNAPSHOT_KEY_SCHEMA_VERSION, "0");
	parquet_writer_kv_set(d->w, SNAPSHOT_KEY_CRAWL_START, d->date);
	parquet_writer_kv_set(d->w, SNAPSHOT_KEY_LIST_NAME, "synthetic");
	d->rows_in_part = 0;
	return 0;
}

int
main(int argc, char **argv)
{
	struct snapshot_writer_options o;
	struct schema_value row[SCHEMA_COL_COUNT], sub[SCHEMA_COL_COUNT];
	struct bufs b;
	struct dropper dr;
	char err[512], date[64];
	const char *meta_path = NULL, *day = "2026-01-05", *drop = NULL;
	uint64_t seed = 1, part_rows = 100000;
	int64_t start = 0;
	int level = -1;
	const char *kvs[64];
	size_t nkv = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_synth OUTDIR ROWS [--meta FILE] [--seed N] [--part-rows N] [--start N] [--date YYYY-MM-DD] [--improve X] [--drop COL,...] [--level N] [--kv KEY=VALUE]...\n");
		return 2;
	}
	const char *dir = argv[1];
	int64_t rows = atoll(argv[2]);
	for (int i = 3; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (strcmp(k, "--meta") == 0)
			meta_path = v;
		else if (strcmp(k, "--seed") == 0)
			seed = strtoull(v, NULL, 10);
		else if (strcmp(k, "--part-rows") == 0)
			part_rows = strtoull(v, NULL, 10);
		else if (strcmp(k, "--start") == 0)
			start = atoll(v);
		else if (strcmp(k, "--date") == 0)
			day = v;
		else if (strcmp(k, "--improve") == 0)
			improve = atof(v);
		else if (strcmp(k, "--drop") == 0)
			drop = v;
		else if (strcmp(k, "--level") == 0)
			level = atoi(v);
		else if (strcmp(k, "--kv") == 0 && strchr(v, '=') != NULL &&
		    nkv < sizeof(kvs) / sizeof(kvs[0]))
			kvs[nkv++] = v;
		else {
			fprintf(stderr, "gen_synth: unknown option %s\n", k);
			return 2;
		}
	}
	rng = 0x2545f4914f6cdd1dull ^ (seed * 0x9e3779b97f4a7c15ull) ^
	    (uint64_t)(improve * 1e6);
	seed_base = seed * 0x94d049bb133111ebull;
	if (rng == 0)
		rng = 1;
	snprintf(date, sizeof(date), "%sT06:00:00Z", day);
	FILE *meta = NULL;
	if (meta_path) {
		meta = fopen(meta_path, "w");
		if (meta == NULL) {
			perror(meta_path);
			return 1;
		}
		fputs("domain,country,sector\n", meta);
	}

	struct snapshot_writer *w = NULL;
	memset(&dr, 0, sizeof(dr));
	if (drop) {
		char *copy = xstrdup(drop), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t;
		    t = strtok_r(NULL, ",", &save)) {
			int c = schema_column_find(t);
			if (c < 0) {
				fprintf(stderr, "gen_synth: no column %s\n", t);
				return 2;
			}
			dr.drop[c] = true;
		}
		free(copy);
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
			if (dr.drop[c])
				continue;
			const struct schema_column *sc = schema_column_get(c);
			dr.cols[dr.ncols++] = (struct parquet_column_def){
				sc->name, sc->type, sc->required };
		}
		dr.dir = dir;
		dr.part_rows = part_rows;
		dr.date = date;
		mkdir(dir, 0777);
		if (dropper_roll(&dr) < 0) {
			fprintf(stderr, "gen_synth: cannot write %s\n", dir);
			return 1;
		}
	} else {
		snapshot_writer_options_default(&o);
		o.part_rows = part_rows;
		if (level >= 0)
			o.parquet.zstd_level = level;
		w = snapshot_writer_open(dir, &o, err, sizeof(err));
		if (w == NULL) {
			fprintf(stderr, "gen_synth: %s\n", err);
			return 1;
		}
		snapshot_writer_kv_set(w, SNAPSHOT_KEY_CRAWL_START, date);
		snapshot_writer_kv_set(w, SNAPSHOT_KEY_LIST_NAME, "synthetic");
		snapshot_writer_kv_set(w, SNAPSHOT_KEY_RESOLVER, "192.0.2.53 (synthetic)");
		snapshot_writer_kv_set(w, SNAPSHOT_KEY_COMMAND_LINE, "gen_synth");
		for (size_t k = 0; k < nkv; k++) {
			char *key = xstrndup(kvs[k], (size_t)(strchr(kvs[k],
			    '=') - kvs[k]));

			snapshot_writer_kv_set(w, key, strchr(kvs[k], '=') + 1);
			free(key);
		}
	}
	for (int64_t i = start; i < start + rows; i++) {
		make_row(i, row, &b, meta);
		if (w) {
			if (i == start + rows - 1)
				snapshot_writer_kv_set(w, SNAPSHOT_KEY_CRAWL_END,
				    date);
			if (snapshot_writer_append(w, row) < 0)
				return 1;
			continue;
		}
		size_t k = 0;
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
			if (!dr.drop[c])
				sub[k++] = row[c];
		if (dr.rows_in_part == dr.part_rows && dropper_roll(&dr) < 0)
			return 1;
		if (parquet_writer_append(dr.w, sub) < 0)
			return 1;
		dr.rows_in_part++;
	}
	if (w && snapshot_writer_close(w) < 0)
		return 1;
	if (dr.w) {
		if (parquet_writer_close(dr.w) < 0)
			return 1;
		parquet_writer_free(dr.w);
		fclose(dr.fp);
	}
	if (meta && fclose(meta) != 0)
		return 1;
	return 0;
}
