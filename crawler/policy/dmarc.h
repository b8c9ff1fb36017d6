/*
 * dmarc.h - the DMARC policy record (RFC 7489 6.3, 6.4) and the choice of
 * the record at one _dmarc name (6.6.3 steps 1-2, 5).  Pure functions over
 * the record texts (character-strings already joined): no I/O, no clock,
 * bounded; fuzzed (tests/dmarc/).  docs/email-auth.md, "DMARC".
 *
 * The one DMARC parser of the crawler: the dns stage's `dmarc` column
 * (mailpol_dmarc) and the dnspolicy stage's dmarc_* columns both use it.
 */
#ifndef UPTAKE_CRAWLER_POLICY_DMARC_H
#define UPTAKE_CRAWLER_POLICY_DMARC_H

#include <stdbool.h>
#include <stddef.h>

/* Longest record parsed: the DNS stage keeps TXT records up to this size
 * (dnsanswer.h DNS_MAX_TXT_LEN); real DMARC records are under 300 bytes.
 * A longer one is refused (too_long) rather than cut. */
#define DMARC_MAX_RECORD 4096
/* URIs kept per rua/ruf tag (counted up to DMARC_MAX_URIS_COUNTED): RFC
 * 7489 6.2 lets a receiver send to the first two only; real records list
 * one to three. */
#define DMARC_MAX_URIS 8
/* URIs counted per tag: the value is bounded by the record anyway. */
#define DMARC_MAX_URIS_COUNTED 1024
/* Longest host kept of a mailto: URI: a DNS name (RFC 1035 2.3.4). */
#define DMARC_MAX_HOST 253

enum dmarc_policy {
	DMARC_P_UNSET = 0,		/* absent or invalid */
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT,
};

/* Why a record (or a record set) is not as RFC 7489 6.3/6.4 says; the
 * first defect found, in tag order.  docs/email-auth.md lists each. */
enum dmarc_error {
	DMARC_OK = 0,
	DMARC_ERR_NOT_DMARC,		/* does not start v=DMARC1 (6.3 v) */
	DMARC_ERR_TOO_LONG,		/* over DMARC_MAX_RECORD */
	DMARC_ERR_SYNTAX,		/* a tag without "=", or a bad name */
	DMARC_ERR_P_MISSING,		/* no p= (6.3: REQUIRED) */
	DMARC_ERR_BAD_P,
	DMARC_ERR_BAD_SP,
	DMARC_ERR_BAD_PCT,		/* not 0-100 */
	DMARC_ERR_BAD_ADKIM,
	DMARC_ERR_BAD_ASPF,
	DMARC_ERR_BAD_RUA,		/* a URI that is not one (6.4) */
	DMARC_ERR_BAD_RUF,
	DMARC_ERR_BAD_FO,
	DMARC_ERR_BAD_RF,
	DMARC_ERR_BAD_RI,
	DMARC_ERR_MULTIPLE,		/* several records at the name (6.6.3) */
};

/* A reporting URI: its scheme is mailto: and its host. */
struct dmarc_uri {
	bool mailto;
	char host[DMARC_MAX_HOST + 1];	/* mailto: the part after "@",
					 * lower case; "" otherwise */
};

struct dmarc_record {
	enum dmarc_policy p;		/* p= as written (UNSET: missing/bad) */
	enum dmarc_policy sp;		/* sp= as written (UNSET: absent/bad) */
	/*
	 * The record's effect (6.6.3 step 6): applies is false when p= is
	 * missing or invalid, or sp= is invalid, and rua= holds no valid
	 * URI; with such a URI the record acts as p=none (policy NONE, sp
	 * UNSET).  Otherwise policy = p.
	 */
	bool applies;
	enum dmarc_policy policy;
	enum dmarc_policy sub_policy;	/* for subdomains: sp, else policy */
	int pct;			/* 0-100; 100 absent or invalid */
	char adkim, aspf;		/* 'r' or 's'; 'r' absent or invalid */
	unsigned nrua, nruf;		/* valid URIs (bounded as above) */
	struct dmarc_uri rua[DMARC_MAX_URIS], ruf[DMARC_MAX_URIS];
	unsigned rua_kept, ruf_kept;	/* of the above in rua[] / ruf[] */
};

/* True when the text is a DMARC record: starts "v" *WSP "=" *WSP
 * "DMARC1" *WSP (";" / end) (6.3 v, 6.6.3 step 2). */
bool dmarc_is_record(const char *s, size_t len);

/*
 * Choose the record at one _dmarc name (6.6.3 steps 2 and 5): returns how
 * many of the n texts are DMARC records (0, 1, or more: 2 means "several",
 * the policy discovery ends) and, with exactly one, its index in *which.
 */
size_t dmarc_select(const char *const *txt, const size_t *len, size_t n,
	size_t *which);

/*
 * Parse one DMARC record into *r (always filled, defaults where a tag is
 * absent or invalid).  Returns DMARC_OK or the first defect: unknown tags
 * are ignored (6.3); a defect in a tag other than p/sp leaves that tag at
 * its default (6.3: "discarded in favor of default values").
 */
enum dmarc_error dmarc_parse(const char *s, size_t len,
	struct dmarc_record *r);

/* "p_missing", "bad_pct", "multiple_records", ...; NULL for DMARC_OK. */
const char *dmarc_error_str(enum dmarc_error e);
/* "none", "quarantine", "reject"; NULL for DMARC_P_UNSET. */
const char *dmarc_policy_str(enum dmarc_policy p);

#endif
