/*
 * mailsum.h - the mail stage's decisions that need no network: which MX
 * hosts to test, and the domain's mail columns from the results of the
 * addresses probed.  Pure; the rules are docs/mail.md's.
 */
#ifndef UPTAKE_CRAWLER_MAILSUM_H
#define UPTAKE_CRAWLER_MAILSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smtpprobe.h"

/* --mx-max's default: MX hosts tested per domain. */
#define MAIL_MX_MAX_DEFAULT 4
/* Its largest value: the DNS stage keeps this many MX hosts. */
#define MAIL_MX_MAX_LIMIT 8
/* Addresses probed per MX host: the first two of each family (a host
 * with more is a pool behind one name, measured by its first ones). */
#define MAIL_ADDRS_PER_FAMILY 2
#define MAIL_MAX_ADDRS (2 * MAIL_ADDRS_PER_FAMILY)

/*
 * Choose up to max of n MX hosts, given their preferences in ascending
 * order (the DNS stage's order): every preference level is covered before
 * a second host of one level (a domain with MX 10 a, 10 b, 20 c and max 2
 * tests a and c).  Writes the chosen indexes, in the order chosen, to out
 * (room for max); returns how many.
 */
size_t mail_select(const uint16_t *pref, size_t n, size_t max, size_t *out);

/* What one tested MX host gave. */
struct mail_host {
	const char *name;		/* for the error text */
	size_t naddr;			/* addresses probed (results below) */
	struct smtp_result r[MAIL_MAX_ADDRS];
	bool no_address;		/* it resolved to no address at all */
};

/* The domain's mail columns; a NULL string is a null column. */
struct mail_summary {
	int32_t tested;			/* mx_tested */
	const char *starttls;		/* mx_starttls */
	const char *tls_version;	/* mx_tls_version (static) */
	const char *cert_verify;	/* mx_cert_verify (static) */
	const char *dane;		/* mx_dane */
	char error[SMTP_MAX_ERROR];	/* first failure, "" for none */
};

/*
 * Summarise n tested hosts.  A host answered when one of its addresses
 * got past the greeting (outcome tls, no_starttls, starttls_refused or
 * tls_failed); it completed STARTTLS when every address that answered
 * did (outcome tls).  mx_starttls: all, some or none over the hosts that
 * answered; unreachable when none did.  The TLS columns are over the
 * addresses with outcome tls: the lowest version and the worst
 * verification.  DANE, whenever a host was tested: valid (every address
 * with outcome tls and a secure TLSA matched it), invalid (none did),
 * partial, or none (no such address: not applicable).
 */
void mail_summarize(const struct mail_host *h, size_t n,
	struct mail_summary *out);

/* Rank of a TLS version name ("SSLv3" 0 .. "TLSv1.3" 4); -1 unknown. */
int mail_tls_rank(const char *version);
/* Rank of a cert_verify value, 0 ok .. 6 other (the worst); -1 unknown. */
int mail_verify_rank(const char *verify);

#endif
