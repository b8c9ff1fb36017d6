/*
 * schema.h - the one table of snapshot columns (schema v4).
 *
 * The snapshot writer, the reader's checks, `uptake-dump --schema` and
 * docs/snapshot-format.md all come from this table.  Changing a column's
 * name, type or meaning needs a SCHEMA_VERSION bump and a note in docs/.
 */
#ifndef UPTAKE_LIB_SCHEMA_H
#define UPTAKE_LIB_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* v2 (issue 16): the mail stage's columns, mx_tested .. mail_error and
 * mail_ms.  v3 (issue 18): servers, operators, DMARC and SPF evaluated.
 * v4 (issue 17): the TLS policy scan, IPv6 that works, graded headers.
 * Readers take parts of every earlier version (a column a part lacks is
 * null in its rows). */
#define SCHEMA_VERSION 4

/* Logical column types; each maps to one Parquet physical/logical pair. */
enum schema_type {
	SCHEMA_TYPE_INT32 = 0,	 /* INT32 */
	SCHEMA_TYPE_INT64,	 /* INT64 */
	SCHEMA_TYPE_BOOLEAN,	 /* BOOLEAN */
	SCHEMA_TYPE_STRING,	 /* BYTE_ARRAY, STRING (UTF-8) */
	SCHEMA_TYPE_TIMESTAMP_US, /* INT64, TIMESTAMP(MICROS, UTC) */
};

/* Column indexes of schema v4, in table order (the row layout). */
enum schema_col {
	SCHEMA_COL_INPUT_INDEX = 0,
	SCHEMA_COL_DOMAIN,
	SCHEMA_COL_LIST,
	SCHEMA_COL_PROBED_HOST,
	SCHEMA_COL_RANK,
	SCHEMA_COL_DNS_STATUS,
	SCHEMA_COL_NS_COUNT,
	SCHEMA_COL_A_COUNT,
	SCHEMA_COL_AAAA_COUNT,
	SCHEMA_COL_MX_COUNT,
	SCHEMA_COL_WEB_IPV4,
	SCHEMA_COL_WEB_IPV6,
	SCHEMA_COL_IPV6_WEB,
	SCHEMA_COL_IPV6_NS,
	SCHEMA_COL_IPV6_MX,
	SCHEMA_COL_CAA,
	SCHEMA_COL_HTTPS_RR,
	SCHEMA_COL_DNSSEC_STATUS,
	SCHEMA_COL_DNSSEC_REASON,
	SCHEMA_COL_DS_PRESENT,
	SCHEMA_COL_DNSKEY_ALGORITHMS,
	SCHEMA_COL_DS_DIGEST_TYPES,
	SCHEMA_COL_DENIAL,
	SCHEMA_COL_NSEC3_ITERATIONS,
	SCHEMA_COL_SIGNER_ZONE,
	SCHEMA_COL_V4_ORIGIN_ASN,
	SCHEMA_COL_V6_ORIGIN_ASN,
	SCHEMA_COL_V4_PREFIX,
	SCHEMA_COL_V6_PREFIX,
	SCHEMA_COL_V4_ROV,
	SCHEMA_COL_V6_ROV,
	SCHEMA_COL_HOSTING_COUNTRY,
	SCHEMA_COL_HOSTING_ASN,
	SCHEMA_COL_HOSTING_AS_ORG,
	SCHEMA_COL_TLS_STATUS,
	SCHEMA_COL_TLS_VERSION,
	SCHEMA_COL_TLS_CIPHER,
	SCHEMA_COL_TLS_GROUP,
	SCHEMA_COL_TLS_ALPN,
	SCHEMA_COL_OCSP_STAPLED,
	SCHEMA_COL_CERT_VERIFY,
	SCHEMA_COL_CERT_NOT_AFTER,
	SCHEMA_COL_CERT_DAYS_LEFT,
	SCHEMA_COL_CERT_KEY_BITS,
	SCHEMA_COL_CERT_KEY_TYPE,
	SCHEMA_COL_CERT_SIG_ALG,
	SCHEMA_COL_CERT_ISSUER_ORG,
	SCHEMA_COL_TLS_SCAN_STATUS,		/* the tlspolicy stage */
	SCHEMA_COL_TLS_SCAN_HANDSHAKES,
	SCHEMA_COL_TLS_VERSIONS,
	SCHEMA_COL_TLS_MIN_VERSION,
	SCHEMA_COL_TLS_WEAK_CIPHERS,
	SCHEMA_COL_TLS_DH_BITS,
	SCHEMA_COL_TLS_STATIC_RSA,
	SCHEMA_COL_TLS_KEX_WEAK,
	SCHEMA_COL_TLS_SERVER_ORDER,
	SCHEMA_COL_TLS_SECURE_RENEG,
	SCHEMA_COL_TLS_CLIENT_RENEG,
	SCHEMA_COL_TLS_COMPRESSION,
	SCHEMA_COL_TLS_NCSC_CLASS,
	SCHEMA_COL_TLS_0RTT,
	SCHEMA_COL_HTTP_STATUS,
	SCHEMA_COL_HSTS,
	SCHEMA_COL_HSTS_INCLUDE_SUBDOMAINS,
	SCHEMA_COL_HSTS_PRELOAD,
	SCHEMA_COL_HSTS_MAX_AGE,
	SCHEMA_COL_CSP,
	SCHEMA_COL_CSP_FRAME_ANCESTORS,
	SCHEMA_COL_CSP_UNSAFE_INLINE,
	SCHEMA_COL_CSP_GRADE,
	SCHEMA_COL_CSP_FAILURES,
	SCHEMA_COL_X_FRAME_OPTIONS,
	SCHEMA_COL_X_CONTENT_TYPE_OPTIONS,
	SCHEMA_COL_REFERRER_POLICY,
	SCHEMA_COL_REFERRER_POLICY_GRADE,
	SCHEMA_COL_PERMISSIONS_POLICY,
	SCHEMA_COL_HTTP_REDIRECTS_HTTPS,
	SCHEMA_COL_SECURITY_TXT,
	SCHEMA_COL_SECURITY_TXT_LOCATION,
	SCHEMA_COL_SECURITY_TXT_SIGNED,
	SCHEMA_COL_SECURITY_TXT_EXPIRES_FAR,
	SCHEMA_COL_IPV6_WEB_REACHABLE,		/* the web stage, IPv6 (docs/web.md) */
	SCHEMA_COL_IPV6_WEB_SAME,
	SCHEMA_COL_WEB_ADDRS_TESTED,
	SCHEMA_COL_WEB_ADDRS_REACHABLE,
	SCHEMA_COL_HSTS_PRELOADED,
	SCHEMA_COL_SPF,
	SCHEMA_COL_DMARC,
	SCHEMA_COL_MTA_STS,
	SCHEMA_COL_TLSRPT,
	SCHEMA_COL_DANE_MX,
	SCHEMA_COL_DANE_WEB,
	SCHEMA_COL_MX_TESTED,
	SCHEMA_COL_MX_STARTTLS,
	SCHEMA_COL_MX_TLS_VERSION,
	SCHEMA_COL_MX_CERT_VERIFY,
	SCHEMA_COL_MX_DANE,
	SCHEMA_COL_DANE_WEB_VALID,
	SCHEMA_COL_MTA_STS_MODE,
	SCHEMA_COL_MTA_STS_MX_MATCH,
	SCHEMA_COL_TLSRPT_VALID,
	SCHEMA_COL_MAIL_ERROR,
	SCHEMA_COL_NS_ROV,
	SCHEMA_COL_NS_ROV_ADDRS,
	SCHEMA_COL_MX_ROV,
	SCHEMA_COL_MX_ROV_ADDRS,
	SCHEMA_COL_WEB_ROV_ALL,
	SCHEMA_COL_WEB_ROV_ADDRS,
	SCHEMA_COL_NS_V6_COUNT,
	SCHEMA_COL_NS_V6_REACHABLE,
	SCHEMA_COL_NS_LAME,
	SCHEMA_COL_NS_ASN_COUNT,
	SCHEMA_COL_NS_OPERATOR,
	SCHEMA_COL_MX_OPERATOR,
	SCHEMA_COL_MX_DNSSEC,
	SCHEMA_COL_DMARC_SOURCE,
	SCHEMA_COL_DMARC_POLICY,
	SCHEMA_COL_DMARC_SP,
	SCHEMA_COL_DMARC_PCT,
	SCHEMA_COL_DMARC_ADKIM,
	SCHEMA_COL_DMARC_ASPF,
	SCHEMA_COL_DMARC_RUA,
	SCHEMA_COL_DMARC_RUF,
	SCHEMA_COL_DMARC_EXTERNAL,
	SCHEMA_COL_DMARC_ERROR,
	SCHEMA_COL_SPF_LOOKUPS,
	SCHEMA_COL_SPF_VOID_LOOKUPS,
	SCHEMA_COL_SPF_RESULT_ALL,
	SCHEMA_COL_SPF_ERROR,
	SCHEMA_COL_DKIM_HINT,
	SCHEMA_COL_CAA_ISSUE,
	SCHEMA_COL_CAA_IODEF,
	SCHEMA_COL_CAA_INHERITED,
	SCHEMA_COL_DNS_MS,
	SCHEMA_COL_TLS_MS,
	SCHEMA_COL_HTTP_MS,
	SCHEMA_COL_MAIL_MS,
	SCHEMA_COL_ERROR,
	SCHEMA_COL_COUNT
};

struct schema_column {
	const char *name;
	enum schema_type type;
	bool required;		 /* false: nullable (null = not measured) */
	const char *group;	 /* identity, dns, dnssec, rpki, geo, tls, ... */
	const char *description; /* one line, for --schema and the doc */
};

/*
 * One cell of a row.  present == false is null ("not measured").  Strings
 * are borrowed: they must stay valid until the call that takes the row
 * returns.  The member used follows the column's type: i32 (INT32), i64
 * (INT64 and TIMESTAMP_US, microseconds since the epoch, UTC), b
 * (BOOLEAN), str (STRING, UTF-8, not NUL-terminated).
 */
struct schema_value {
	bool present;
	union {
		int32_t i32;
		int64_t i64;
		bool b;
		struct {
			const char *ptr;
			size_t len;
		} str;
	} u;
};

/* Number of columns of schema v4 (SCHEMA_COL_COUNT). */
size_t schema_column_count(void);

/* Column i (i < schema_column_count()); NULL when out of range. */
const struct schema_column *schema_column_get(size_t i);

/* Index of the column named name, or -1. */
int schema_column_find(const char *name);

/* "INT32", "INT64", "BOOLEAN", "STRING", "TIMESTAMP" (static strings). */
const char *schema_type_name(enum schema_type type);

/* Parquet spelling, e.g. "BYTE_ARRAY (STRING)" (static strings). */
const char *schema_type_parquet_name(enum schema_type type);

#endif
