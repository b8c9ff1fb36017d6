/*
 * test_mailsum.c - the mail stage's pure decisions (crawler/mail/mailsum.c):
 * which MX hosts are tested, and the domain's mail columns from the
 * results of the addresses probed (docs/mail.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mailsum.h"
#include "tap.h"

static void
select_case(const uint16_t *pref, size_t n, size_t max, const char *want,
	const char *name)
{
	size_t out[MAIL_MX_MAX_LIMIT], k, i;
	char got[64] = "";

	k = mail_select(pref, n, max, out);
	for (i = 0; i < k; i++) {
		char b[8];

		snprintf(b, sizeof(b), "%s%zu", i ? "," : "", out[i]);
		strncat(got, b, sizeof(got) - strlen(got) - 1);
	}
	tap_eq_str(got, want, name);
}

static void
res(struct smtp_result *r, enum smtp_outcome o, const char *ver,
	const char *verify, enum smtp_dane d, const char *err)
{
	memset(r, 0, sizeof(*r));
	r->outcome = o;
	snprintf(r->tls_version, sizeof(r->tls_version), "%s", ver);
	snprintf(r->cert_verify, sizeof(r->cert_verify), "%s", verify);
	r->dane = d;
	snprintf(r->error, sizeof(r->error), "%s", err);
}

static void
eq(const char *got, const char *want, const char *name)
{
	tap_eq_str(got != NULL ? got : "(null)", want != NULL ? want :
	    "(null)", name);
}

int
main(void)
{
	static const uint16_t p1[] = { 10, 10, 20 };
	static const uint16_t p2[] = { 5, 10, 10, 10, 20, 30 };
	static const uint16_t p3[] = { 10, 10, 10, 10, 10 };
	struct mail_host h[3];
	struct mail_summary s;

	select_case(p1, 3, 2, "0,2", "10 a, 10 b, 20 c, max 2: a and c");
	select_case(p1, 3, 4, "0,2,1", "max 4: every level, then b");
	select_case(p2, 6, 4, "0,1,4,5", "four levels, max 4: one each");
	select_case(p2, 6, 6, "0,1,4,5,2,3", "max 6: second round adds the "
	    "10s");
	select_case(p3, 5, 4, "0,1,2,3", "one level: in order");
	select_case(p1, 0, 4, "", "no host");
	select_case(p1, 3, 0, "", "max 0");

	/* One host, two addresses, both TLS. */
	memset(h, 0, sizeof(h));
	h[0].name = "mx1.example.se";
	h[0].naddr = 2;
	res(&h[0].r[0], SMTP_TLS, "TLSv1.3", "ok", SMTP_DANE_VALID, "");
	res(&h[0].r[1], SMTP_TLS, "TLSv1.2", "ok", SMTP_DANE_VALID, "");
	mail_summarize(h, 1, &s);
	tap_eq_i64(s.tested, 1, "tested 1");
	eq(s.starttls, "all", "all");
	eq(s.tls_version, "TLSv1.2", "lowest version");
	eq(s.cert_verify, "ok", "verify ok");
	eq(s.dane, "valid", "dane valid");
	eq(s.error, "", "no error");

	/* A second host without STARTTLS; the first's IPv6 side dead. */
	res(&h[0].r[1], SMTP_CONNECT_FAILED, "", "", SMTP_DANE_NONE,
	    "mx1.example.se [2001:db8::25]: connection refused");
	h[1].name = "mx2.example.se";
	h[1].naddr = 1;
	res(&h[1].r[0], SMTP_NO_STARTTLS, "", "", SMTP_DANE_NONE, "");
	mail_summarize(h, 2, &s);
	tap_eq_i64(s.tested, 2, "tested 2");
	eq(s.starttls, "some", "one of two hosts: some");
	eq(s.tls_version, "TLSv1.3", "version of the TLS address only");
	eq(s.dane, "valid", "dane over TLS addresses only");
	eq(s.error, "mail: mx1.example.se [2001:db8::25]: connection refused",
	    "first error kept");

	/* Worst verification, DANE partial. */
	res(&h[0].r[1], SMTP_TLS, "TLSv1.2", "self_signed", SMTP_DANE_INVALID,
	    "");
	res(&h[1].r[0], SMTP_TLS, "TLSv1.2", "expired", SMTP_DANE_NONE, "");
	mail_summarize(h, 2, &s);
	eq(s.starttls, "all", "all hosts TLS");
	eq(s.cert_verify, "self_signed", "worst: self_signed over expired");
	eq(s.dane, "partial", "one valid, one invalid: partial");

	/* No secure TLSA anywhere: none; one invalid only: invalid. */
	h[0].naddr = 1;
	res(&h[0].r[0], SMTP_TLS, "TLSv1.3", "ok", SMTP_DANE_NONE, "");
	mail_summarize(h, 2, &s);
	eq(s.dane, "none", "no TLSA: none");
	res(&h[0].r[0], SMTP_TLS, "TLSv1.3", "ok", SMTP_DANE_INVALID, "");
	mail_summarize(h, 2, &s);
	eq(s.dane, "invalid", "only a mismatch: invalid");

	/* Nothing answered: unreachable, TLS columns null. */
	res(&h[0].r[0], SMTP_BANNER_REFUSED, "", "", SMTP_DANE_NONE,
	    "mx1.example.se [192.0.2.25]: 421 at connect");
	res(&h[1].r[0], SMTP_TIMEOUT, "", "", SMTP_DANE_NONE,
	    "mx2.example.se [192.0.2.26]: no greeting within 10000 ms");
	mail_summarize(h, 2, &s);
	eq(s.starttls, "unreachable", "nothing answered: unreachable");
	eq(s.tls_version, NULL, "no version");
	eq(s.cert_verify, NULL, "no verify");
	eq(s.dane, "none", "no TLS: dane not applicable");

	/* Answered, none TLS: none; a refused STARTTLS counts as answered. */
	res(&h[0].r[0], SMTP_STARTTLS_REFUSED, "", "", SMTP_DANE_NONE,
	    "mx1.example.se [192.0.2.25]: 454 to STARTTLS");
	mail_summarize(h, 2, &s);
	eq(s.starttls, "none", "answered without TLS: none");
	eq(s.dane, "none", "no TLS: dane none");

	/* A host whose name has no address is not tested. */
	h[0].naddr = 0;
	h[0].no_address = true;
	h[1].naddr = 0;
	h[1].no_address = true;
	mail_summarize(h, 2, &s);
	tap_eq_i64(s.tested, 0, "no address: none tested");
	eq(s.starttls, NULL, "nothing tested: null");
	eq(s.error, "mail: mx1.example.se: no address", "error names the host");

	tap_eq_i64(mail_tls_rank("TLSv1"), 1, "TLSv1 rank");
	tap_eq_i64(mail_tls_rank("QUIC"), -1, "unknown version");
	tap_eq_i64(mail_verify_rank("other"), 6, "other is the worst");
	return tap_done();
}
