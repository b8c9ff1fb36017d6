/*
 * mailpol.h - classify the mail policy TXT records of a domain: SPF's
 * "all" qualifier (RFC 7208), DMARC's policy (RFC 7489), the MTA-STS
 * record (RFC 8461 3.1) and the TLS-RPT record (RFC 8460 3).  Pure functions
 * over the record texts (character-strings already joined).
 */
#ifndef UPTAKE_CRAWLER_MAILPOL_H
#define UPTAKE_CRAWLER_MAILPOL_H

#include <stdbool.h>
#include <stddef.h>

/* Longest record text looked at (RFC 7208 3.3: SPF is short in practice). */
#define MAILPOL_MAX_RECORD 4096

/*
 * The TXT records at the apex -> "absent" (no v=spf1 record), "fail" (-all),
 * "softfail" (~all), "neutral" (?all), "pass" (+all or all), "none" (no all
 * mechanism), "invalid" (more than one SPF record, RFC 7208 4.5; or an
 * unknown mechanism or malformed term).  Static string.
 */
const char *mailpol_spf(const char *const *txt, const size_t *len, size_t n);

/*
 * The TXT records at _dmarc.<domain> -> "absent" (no record starting
 * v=DMARC1), "none", "quarantine", "reject" (the p= tag), "invalid" (more
 * than one DMARC record, RFC 7489 6.6.3; p= missing or unknown).  Static.
 */
const char *mailpol_dmarc(const char *const *txt, const size_t *len, size_t n);

/* True when a TXT record at _mta-sts starts with v=STSv1 (RFC 8461 3.1). */
int mailpol_is_mta_sts(const char *txt, size_t len);
/* True when a TXT record at _smtp._tls starts with v=TLSRPTv1 (RFC 8460 3). */
int mailpol_is_tlsrpt(const char *txt, size_t len);

/*
 * The TXT records at _mta-sts.<domain> hold an MTA-STS record (RFC 8461
 * 3.1): exactly one record starts with "v=STSv1", and it is valid:
 * "v=STSv1" then ";"-separated fields, one of them id= of 1 to 32 letters
 * and digits, extensions name=value.  Several records, or one malformed:
 * false (the RFC: the domain has no policy).
 */
bool mailpol_mta_sts_record(const char *const *txt, const size_t *len,
	size_t n);

/* One TLS-RPT record (RFC 8460 3): "v=TLSRPTv1", then ";"-separated
 * fields (*WSP ";" *WSP), one of them rua= with one or more URIs
 * separated by "," (with optional WSP), each a mailto: address
 * (local@domain) or an https: URL (https://host[:port][/path...]); other
 * fields name=value (name 1 to 32 of ALPHA, DIGIT, "_", "-", "."; value
 * printable, no "=", ";" or space).  A trailing ";" is allowed. */
bool mailpol_tlsrpt_valid(const char *txt, size_t len);

/* The TLS-RPT verdict over the TXT records at _smtp._tls: */
enum mailpol_tlsrpt {
	MAILPOL_TLSRPT_ABSENT = 0,	/* no TXT record at all: null */
	MAILPOL_TLSRPT_VALID,		/* exactly one v=TLSRPTv1 record, valid */
	MAILPOL_TLSRPT_INVALID,		/* none, several (RFC 8460 3), or
					 * the one is malformed */
};
enum mailpol_tlsrpt mailpol_tlsrpt(const char *const *txt, const size_t *len,
	size_t n);

/*
 * A field name of the TLS-RPT and MTA-STS grammars (RFC 8460 3,
 * RFC 8461 3.2): (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".").
 */
bool mailpol_field_name_ok(const char *s, size_t len);

#endif
