/*
 * smtpprobe.h - the SMTP probe of the mail stage: one (MX name, address)
 * measured on the crawl's loop: connect to port 25, the banner, EHLO,
 * STARTTLS when offered, the TLS handshake with the crawl's
 * measure-do-not-refuse context (tls.h; SNI the MX name), the TLS facts
 * (version, cert_verify against the MX name at the validation time, DANE
 * against a secure TLSA RRset), then QUIT.  No mail is ever sent: the
 * probe never says MAIL FROM.  Outcomes and bounds: docs/mail.md, "The
 * SMTP probe"; the outcome names are mail-contract's.
 *
 * Every phase has a named timeout, clipped to the caller's absolute
 * deadline; reply lines, lines per reply and the bytes read are bounded.
 * The address is checked against the blocklist and the opt-out list right
 * before connect(), and a slot of the per-address connection cap
 * (conncap.h) is held while connected.
 *
 * The probe reports through the callback given at start, once, from the
 * loop (never from inside smtpprobe_start), and knows nothing of jobs or
 * the scheduler.  smtpprobe_abort cancels it without a callback.
 */
#ifndef UPTAKE_CRAWLER_SMTPPROBE_H
#define UPTAKE_CRAWLER_SMTPPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

struct blocklist;
struct conncap;
struct loop;
struct optout;
struct tls_ctx;
struct tls_tlsa;

/* Bounds of one probe (docs/mail.md gives the reasons at length).  RFC
 * 5321 4.5.3.2 asks an MTA to wait minutes (5 for the greeting); a
 * measurement waits far less: a server that needs more is recorded as a
 * timeout. */
#define SMTP_PORT 25
#define SMTP_CONNECT_TIMEOUT_MS 5000	/* TCP connect, as the web probe */
#define SMTP_BANNER_TIMEOUT_MS 10000	/* connected .. whole greeting; a
					 * few servers delay it on purpose */
#define SMTP_COMMAND_TIMEOUT_MS 10000	/* command sent .. whole reply */
#define SMTP_HANDSHAKE_TIMEOUT_MS 5000	/* TLS handshake, as the web probe */
#define SMTP_QUIT_TIMEOUT_MS 1000	/* QUIT sent .. 221 or close: courtesy
					 * only, the result is already known */
#define SMTP_DEADLINE_MARGIN_MS 20	/* a phase clipped to the caller's
					 * deadline ends this much before it */
#define SMTP_MAX_READ 65536		/* bytes read before TLS over the whole
					 * session: a greeting, an EHLO reply
					 * and a STARTTLS reply take ~1 KB */
#define SMTP_MAX_NAME 255		/* MX and EHLO names (RFC 1035 2.3.4) */

/* One address's outcome (mail-contract.md). */
enum smtp_outcome {
	SMTP_TLS = 0,		/* STARTTLS offered, 2xx to it, handshake done */
	SMTP_NO_STARTTLS,	/* EHLO reply without STARTTLS */
	SMTP_STARTTLS_REFUSED,	/* non-2xx to STARTTLS */
	SMTP_TLS_FAILED,	/* handshake failed, or bytes after the reply */
	SMTP_CONNECT_FAILED,	/* refused, unreachable */
	SMTP_BANNER_REFUSED,	/* 4xx/5xx greeting (421 at connect) */
	SMTP_PROTOCOL,		/* malformed or oversized reply, dropped */
	SMTP_TIMEOUT,		/* a phase's bound or the deadline */
};

/* The DANE verdict of one address (outcome SMTP_TLS only). */
enum smtp_dane {
	SMTP_DANE_NONE = 0,	/* no secure TLSA, or none usable */
	SMTP_DANE_VALID,	/* a usable TLSA record matched the chain */
	SMTP_DANE_INVALID,	/* usable records, none matched */
};

/* Longest error text, NUL included: one line naming the host (up to
 * SMTP_MAX_NAME), the address and what happened (up to 200). */
#define SMTP_MAX_ERROR 512

struct smtp_result {
	enum smtp_outcome outcome;
	char tls_version[16];		/* "TLSv1.3"; "" unless SMTP_TLS */
	char cert_verify[24];		/* tls_verify_str(); "" unless TLS */
	enum smtp_dane dane;
	int code;			/* the last reply's code, 0 for none */
	uint32_t elapsed_ms;		/* start .. result */
	bool deadline_cut;		/* the caller's deadline ended it */
	/* Last, so that a result can be kept cut after its text
	 * (crawler/mail/mxcache.c keeps tens of thousands). */
	char error[SMTP_MAX_ERROR];	/* "" when outcome is tls or
					 * no_starttls without a remark */
};

struct smtp_ctx_options {
	struct loop *loop;
	struct tls_ctx *tls;		/* borrowed; DANE is enabled in it */
	const struct blocklist *blocklist;	/* borrowed, not NULL */
	const struct optout *optout;	/* borrowed, may be NULL */
	struct conncap *cap;		/* borrowed, may be NULL (no cap) */
	const char *ehlo_name;		/* the crawler's name, sent in EHLO */
	uint16_t port;			/* 0: SMTP_PORT (tests use others) */
	/* Phase bounds in ms; 0: the named default above (tests shorten
	 * them to stay quick). */
	uint32_t connect_ms, banner_ms, command_ms, handshake_ms, quit_ms;
};

struct smtp_ctx;
struct smtp_probe;

/* Counters of a crawl's probes, for the summary. */
struct smtp_stats {
	uint64_t started, outcome[SMTP_TIMEOUT + 1], blocked, aborted;
};

/*
 * The SMTP side of a crawl.  NULL with a reason in err (an EHLO name that
 * is empty or too long, DANE refused by OpenSSL).  Caller owns it; free it
 * after every probe ended or was aborted.
 */
struct smtp_ctx *smtp_ctx_new(const struct smtp_ctx_options *o, char *err,
	size_t errlen) __attribute__((warn_unused_result));
void smtp_ctx_free(struct smtp_ctx *c);
void smtp_ctx_stats(const struct smtp_ctx *c, struct smtp_stats *out);

/* What to probe.  Every pointer is borrowed for the call only. */
struct smtp_target {
	const char *mx;			/* MX host name (SNI, names, DANE) */
	struct netaddr addr;
	const struct tls_tlsa *tlsa;	/* _25._tcp.MX RRset, n records */
	size_t ntlsa;
	bool tlsa_secure;		/* the validator judged it secure */
	uint64_t deadline_us;		/* absolute, loop_now_us clock; 0 none */
};

/* The result, once; r is valid during the call only.  The probe is gone
 * when it is called (do not abort it). */
typedef void (*smtp_done_cb)(const struct smtp_result *r, void *arg);

/*
 * Start probing t.  Returns the probe, whose cb comes later from the loop;
 * or NULL when the address may not be contacted (blocklist, opt-out) or
 * is unusable, with why in err ("blocked: 127.0.0.0/8 loopback (RFC
 * 1122)"): not contacted is not measured, no outcome.
 */
struct smtp_probe *smtpprobe_start(struct smtp_ctx *c,
	const struct smtp_target *t, smtp_done_cb cb, void *arg, char *err,
	size_t errlen);

/* Cancel p (the domain's deadline, a signal): frees everything at once,
 * cb is never called.  p must not have called back. */
void smtpprobe_abort(struct smtp_probe *p);

/* The outcome's name in mail-contract.md ("tls", "no_starttls", ...). */
const char *smtp_outcome_str(enum smtp_outcome o);
/* "valid", "invalid", "none". */
const char *smtp_dane_str(enum smtp_dane d);

#endif
