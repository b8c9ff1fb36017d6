/*
 * mailpol.h - classify the mail policy TXT records of a domain: SPF's
 * "all" qualifier (RFC 7208) and DMARC's policy (RFC 7489).  Pure functions
 * over the record texts (character-strings already joined).
 */
#ifndef UPTAKE_CRAWLER_MAILPOL_H
#define UPTAKE_CRAWLER_MAILPOL_H

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

#endif
