/*
 * test_smtpprobe.c - the SMTP probe (crawler/mail/smtpprobe.c) against the
 * fake servers of fakesmtp.c on 127.0.0.1: STARTTLS with a certificate of
 * a test CA, no STARTTLS, DANE-EE 3 1 1 on a self-signed certificate, a
 * TLSA that does not match, DANE-TA 2 0 1, TLSA not secure and PKIX-only
 * TLSA (not applicable); the hostile peers of issue 16 (an endless
 * greeting line, 421 at connect, STARTTLS answered 454, garbage after
 * STARTTLS, a tarpit, a drop after EHLO), a refused connect, a blocked
 * address, the caller's deadline and an abort.  Each case asserts the
 * outcome, the error text and the time bound.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "blocklist.h"
#include "conncap.h"
#include "fakesmtp.h"
#include "loop.h"
#include "netaddr.h"
#include "smtpprobe.h"
#include "tap.h"
#include "tls.h"

/* Scheduling slack over a named bound in the time checks. */
#define SLACK_MS 1500

static struct loop *lp;
static struct blocklist *bl;
static struct tls_ctx *tls;
static struct smtp_ctx *sctx;
static struct smtp_result got;
static int ncalls;

static void
done_cb(const struct smtp_result *r, void *arg)
{
	(void)arg;
	got = *r;
	ncalls++;
	loop_break(lp);
}

static struct conncap *ctx_cap;		/* for the next ctx_for */
static uint32_t ctx_connect_ms;

static struct smtp_ctx *
ctx_for(uint16_t port)
{
	struct smtp_ctx_options o = {
		.loop = lp, .tls = tls, .blocklist = bl,
		.ehlo_name = "crawler.uptake.test", .port = port,
		.cap = ctx_cap, .connect_ms = ctx_connect_ms,
	};
	char err[256];
	struct smtp_ctx *c = smtp_ctx_new(&o, err, sizeof(err));

	if (c == NULL) {
		fprintf(stderr, "smtp_ctx_new: %s\n", err);
		exit(1);
	}
	return c;
}

/* Probe mx at ip:port (127.0.0.1 unless probe_ip says); the result in
 * got. */
static const char *probe_ip = "127.0.0.1";

static bool
probe(uint16_t port, const char *mx, const struct tls_tlsa *rr, size_t n,
	bool secure, uint64_t deadline_ms)
{
	struct smtp_target t = { .mx = mx, .tlsa = rr, .ntlsa = n,
		.tlsa_secure = secure };
	char err[256];
	struct smtp_probe *p;

	netaddr_parse(probe_ip, strlen(probe_ip), &t.addr);
	if (deadline_ms != 0)
		t.deadline_us = loop_now_us(lp) + deadline_ms * 1000;
	sctx = ctx_for(port);
	memset(&got, 0, sizeof(got));
	ncalls = 0;
	p = smtpprobe_start(sctx, &t, done_cb, NULL, err, sizeof(err));
	if (!tap_ok(p != NULL, "%s: probe started (%s)", mx,
	    p != NULL ? "" : err)) {
		smtp_ctx_free(sctx);
		return false;
	}
	tap_eq_i64(ncalls, 0, "no callback from inside start");
	loop_run(lp);
	tap_eq_i64(ncalls, 1, "one callback");
	smtp_ctx_free(sctx);
	tap_diag("%s: %s in %u ms: %s", mx, smtp_outcome_str(got.outcome),
	    got.elapsed_ms, got.error);
	return true;
}

static void
check(const char *name, enum smtp_outcome o, const char *error,
	uint32_t bound_ms)
{
	tap_eq_str(smtp_outcome_str(got.outcome), smtp_outcome_str(o), name);
	tap_eq_str(got.error, error, name);
	tap_ok(got.elapsed_ms <= bound_ms + SLACK_MS,
	    "%s: within %u ms + slack (took %u ms)", name, bound_ms,
	    got.elapsed_ms);
}

static void
hostile(enum fake_mode mode, const char *name, enum smtp_outcome o,
	const char *error, uint32_t bound_ms, uint32_t min_ms)
{
	struct fake_srv *s = fake_srv_start("127.0.0.1", mode, NULL);

	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 0)) {
		check(name, o, error, bound_ms);
		tap_ok(got.elapsed_ms + 50 >= min_ms, "%s: took at least %u "
		    "ms (%u)", name, min_ms, got.elapsed_ms);
		tap_ok(!got.deadline_cut, "%s: not cut by a deadline", name);
		tap_eq_str(got.tls_version, "", "no TLS version");
	}
	fake_srv_stop(s);
}

static void
abort_cb(void *arg)
{
	smtpprobe_abort(arg);
	loop_break(lp);
}

int
main(void)
{
	char err[256], cafile[] = "/tmp/smtp-ca-XXXXXX";
	EVP_PKEY *cakey = fake_key(), *ca2key = fake_key(), *k = fake_key(),
	    *sskey = fake_key(), *takey = fake_key();
	X509 *ca = fake_cert(cakey, "uptake test CA", NULL, true, NULL, NULL);
	X509 *leaf = fake_cert(k, "mx.test", "mx.test", false, ca, cakey);
	X509 *ss = fake_cert(sskey, "not-the-mx.invalid", "not-the-mx.invalid",
	    false, NULL, NULL);
	X509 *ca2 = fake_cert(ca2key, "private mail CA", NULL, true, NULL,
	    NULL);
	X509 *taleaf = fake_cert(takey, "mx.test", "mx.test", false, ca2,
	    ca2key);
	SSL_CTX *s_pkix = fake_server_ctx(leaf, k, ca);
	SSL_CTX *s_pkix12 = fake_server_ctx(leaf, k, ca);
	SSL_CTX *s_ss = fake_server_ctx(ss, sskey, NULL);
	SSL_CTX *s_ta = fake_server_ctx(taleaf, takey, ca2);
	uint8_t d_ss[32], d_bad[32], d_ca2[32], d_leaf[32];
	struct tls_tlsa ee = { 3, 1, 1, d_ss, 32 }, bad = { 3, 1, 1, d_bad, 32 };
	struct tls_tlsa ta = { 2, 0, 1, d_ca2, 32 };
	struct tls_tlsa pkix_ee = { 1, 1, 1, d_leaf, 32 };
	struct tls_tlsa two[2];
	struct fake_srv *s;
	int fd = mkstemp(cafile);
	FILE *f = fdopen(fd, "w");

	PEM_write_X509(f, ca);
	fclose(f);
	lp = loop_new(err, sizeof(err));
	bl = blocklist_new("127.0.0.0/8,::1/128", err, sizeof(err));
	tls = tls_ctx_new(cafile, time(NULL), err, sizeof(err));
	if (lp == NULL || bl == NULL || tls == NULL) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	fake_digest(ss, 1, d_ss);
	memcpy(d_bad, d_ss, 32);
	d_bad[0] ^= 0xff;
	fake_digest(ca2, 0, d_ca2);
	fake_digest(leaf, 1, d_leaf);

	/* STARTTLS, a certificate of the trusted test CA. */
	s = fake_srv_start("127.0.0.1", FAKE_NORMAL, s_pkix);
	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 0)) {
		check("starttls", SMTP_TLS, "", 1000);
		tap_eq_str(got.tls_version, "TLSv1.3", "starttls: version");
		tap_eq_str(got.cert_verify, "ok", "starttls: cert_verify");
		tap_eq_str(smtp_dane_str(got.dane), "none", "starttls: no DANE");
	}
	/* The same server under another MX name: hostname_mismatch. */
	if (probe(fake_srv_port(s), "mx2.test", NULL, 0, false, 0)) {
		check("starttls, other name", SMTP_TLS, "", 1000);
		tap_eq_str(got.cert_verify, "hostname_mismatch",
		    "other name: cert_verify");
	}
	/* PKIX-EE(1) is unusable for SMTP (RFC 7672 3.1.3): not applicable
	 * even though it matches. */
	if (probe(fake_srv_port(s), "mx.test", &pkix_ee, 1, true, 0)) {
		check("PKIX-EE only", SMTP_TLS, "", 1000);
		tap_eq_str(smtp_dane_str(got.dane), "none",
		    "PKIX-EE only: DANE not applicable");
	}
	fake_srv_stop(s);
	/* A server of TLS 1.2 at most: the version as negotiated. */
	SSL_CTX_set_max_proto_version(s_pkix12, TLS1_2_VERSION);
	s = fake_srv_start("127.0.0.1", FAKE_NORMAL, s_pkix12);
	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 0)) {
		check("TLS 1.2 server", SMTP_TLS, "", 1000);
		tap_eq_str(got.tls_version, "TLSv1.2", "TLS 1.2 server: version");
		tap_eq_str(got.cert_verify, "ok", "TLS 1.2 server: cert_verify");
	}
	fake_srv_stop(s);

	/* No STARTTLS in the EHLO reply. */
	s = fake_srv_start("127.0.0.1", FAKE_NO_STARTTLS, NULL);
	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 0)) {
		check("no starttls", SMTP_NO_STARTTLS,
		    "mx.test [127.0.0.1]: no STARTTLS in the EHLO reply", 1000);
		tap_eq_i64(got.code, 250, "no starttls: last code 250");
	}
	fake_srv_stop(s);

	/* Self-signed, another name, DANE-EE 3 1 1 matching: DANE valid
	 * (names and dates ignored, RFC 7672 3.1.1), PKIX self_signed. */
	s = fake_srv_start("127.0.0.1", FAKE_NORMAL, s_ss);
	if (probe(fake_srv_port(s), "mx.test", &ee, 1, true, 0)) {
		check("DANE-EE", SMTP_TLS, "", 1000);
		tap_eq_str(smtp_dane_str(got.dane), "valid", "DANE-EE: valid");
		tap_eq_str(got.cert_verify, "self_signed",
		    "DANE-EE: cert_verify self_signed");
	}
	if (probe(fake_srv_port(s), "mx.test", &bad, 1, true, 0)) {
		check("TLSA mismatch", SMTP_TLS, "", 1000);
		tap_eq_str(smtp_dane_str(got.dane), "invalid",
		    "TLSA mismatch: invalid");
	}
	two[0] = bad;
	two[1] = ee;
	if (probe(fake_srv_port(s), "mx.test", two, 2, true, 0))
		tap_eq_str(smtp_dane_str(got.dane), "valid",
		    "one of two TLSA records matches: valid");
	if (probe(fake_srv_port(s), "mx.test", &ee, 1, false, 0))
		tap_eq_str(smtp_dane_str(got.dane), "none",
		    "matching TLSA, not secure: not applicable");
	fake_srv_stop(s);

	/* DANE-TA 2 0 1: a private CA, sent in the chain. */
	s = fake_srv_start("127.0.0.1", FAKE_NORMAL, s_ta);
	if (probe(fake_srv_port(s), "mx.test", &ta, 1, true, 0)) {
		check("DANE-TA", SMTP_TLS, "", 1000);
		tap_eq_str(smtp_dane_str(got.dane), "valid", "DANE-TA: valid");
		tap_eq_str(got.cert_verify, "untrusted",
		    "DANE-TA: cert_verify untrusted");
	}
	/* DANE-TA checks the name (RFC 7672 3.2.2). */
	if (probe(fake_srv_port(s), "mx2.test", &ta, 1, true, 0))
		tap_eq_str(smtp_dane_str(got.dane), "invalid",
		    "DANE-TA, name not in the certificate: invalid");
	fake_srv_stop(s);

	/* Hostile peers. */
	hostile(FAKE_ENDLESS_BANNER, "endless banner", SMTP_PROTOCOL,
	    "mx.test [127.0.0.1]: the greeting: reply line over 2048 bytes",
	    500, 0);
	hostile(FAKE_421, "421 at connect", SMTP_BANNER_REFUSED,
	    "mx.test [127.0.0.1]: 421 at connect", 500, 0);
	hostile(FAKE_454, "STARTTLS 454", SMTP_STARTTLS_REFUSED,
	    "mx.test [127.0.0.1]: STARTTLS answered 454", 500, 0);
	hostile(FAKE_GARBAGE_SAME, "garbage with the 220", SMTP_TLS_FAILED,
	    "mx.test [127.0.0.1]: 9 bytes after the STARTTLS reply, before "
	    "TLS", 500, 0);
	hostile(FAKE_DROP_EHLO, "drop after EHLO", SMTP_PROTOCOL,
	    "mx.test [127.0.0.1]: connection closed while waiting for the "
	    "EHLO reply", 500, 0);
	/* Garbage after the 220: the handshake fails on it. */
	s = fake_srv_start("127.0.0.1", FAKE_GARBAGE, NULL);
	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 0)) {
		tap_eq_str(smtp_outcome_str(got.outcome), "tls_failed",
		    "garbage after STARTTLS");
		tap_ok(strncmp(got.error, "mx.test [127.0.0.1]: TLS handshake "
		    "failed: ", 41) == 0, "garbage: error %s", got.error);
		tap_ok(got.elapsed_ms <= 500 + SLACK_MS, "garbage: quick");
	}
	fake_srv_stop(s);
	/* The tarpit: the greeting's bound, SMTP_BANNER_TIMEOUT_MS. */
	hostile(FAKE_TARPIT, "tarpit", SMTP_TIMEOUT,
	    "mx.test [127.0.0.1]: the greeting not complete within 10000 ms",
	    SMTP_BANNER_TIMEOUT_MS, SMTP_BANNER_TIMEOUT_MS);
	/* The tarpit with the caller's deadline 1500 ms away. */
	s = fake_srv_start("127.0.0.1", FAKE_TARPIT, NULL);
	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 1500)) {
		check("tarpit, deadline", SMTP_TIMEOUT,
		    "mx.test [127.0.0.1]: the greeting cut by the deadline",
		    1500 - SLACK_MS);
		tap_ok(got.elapsed_ms >= 1400, "deadline: not before it (%u)",
		    got.elapsed_ms);
		tap_ok(got.deadline_cut, "deadline: deadline_cut");
	}
	/* Abort while the tarpit drips: no callback, nothing left. */
	{
		struct smtp_target t = { .mx = "mx.test" };
		struct smtp_probe *p;
		struct loop_timer *tm;

		netaddr_parse("127.0.0.1", 9, &t.addr);
		sctx = ctx_for(fake_srv_port(s));
		ncalls = 0;
		p = smtpprobe_start(sctx, &t, done_cb, NULL, err, sizeof(err));
		tm = loop_timer_new(lp, abort_cb, p);
		loop_timer_start(tm, 300000);
		loop_run(lp);
		tap_eq_i64(ncalls, 0, "abort: no callback");
		loop_timer_free(tm);
		smtp_ctx_free(sctx);
	}
	fake_srv_stop(s);

	/* IPv6: the same probe on ::1. */
	s = fake_srv_start("::1", FAKE_NORMAL, s_pkix);
	probe_ip = "::1";
	if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 0)) {
		check("IPv6", SMTP_TLS, "", 1000);
		tap_eq_str(got.cert_verify, "ok", "IPv6: cert_verify");
	}
	probe_ip = "127.0.0.1";
	fake_srv_stop(s);

	/* The per-address cap (1 here): a second probe of a busy address
	 * waits for the slot; the caller's deadline ends the wait. */
	s = fake_srv_start("127.0.0.1", FAKE_TARPIT, NULL);
	{
		struct conncap *cap = conncap_new(1);
		struct smtp_target t = { .mx = "mx.test" };
		struct smtp_probe *first;
		struct smtp_ctx *first_ctx;
		uint64_t held, waiting, waits;

		netaddr_parse("127.0.0.1", 9, &t.addr);
		ctx_cap = cap;
		first_ctx = ctx_for(fake_srv_port(s));
		first = smtpprobe_start(first_ctx, &t, done_cb, NULL, err,
		    sizeof(err));
		if (probe(fake_srv_port(s), "mx.test", NULL, 0, false, 700)) {
			check("slot wait, deadline", SMTP_TIMEOUT,
			    "mx.test [127.0.0.1]: wait for a connection slot "
			    "cut by the deadline", 700 - SLACK_MS + 100);
			tap_ok(got.deadline_cut, "slot wait: deadline_cut");
		}
		conncap_stats(cap, &held, &waiting, &waits);
		tap_ok(held == 1 && waiting == 0 && waits == 1,
		    "the first probe holds the slot, the second waited once "
		    "and left the queue");
		smtpprobe_abort(first);
		smtp_ctx_free(first_ctx);
		conncap_stats(cap, &held, &waiting, &waits);
		tap_ok(held == 0 && waiting == 0, "abort gives the slot back");
		ctx_cap = NULL;
		conncap_free(cap);
	}
	fake_srv_stop(s);

	/* A connect that never completes: a listener whose accept queue is
	 * full drops the SYN.  The bound is shortened to 1000 ms here (the
	 * option; SMTP_CONNECT_TIMEOUT_MS is 5000). */
	{
		int lfd = socket(AF_INET, SOCK_STREAM, 0);
		int fill[4];
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sin);
		size_t i;

		sin.sin_addr.s_addr = htonl(0x7f000001);
		bind(lfd, (struct sockaddr *)&sin, sizeof(sin));
		listen(lfd, 0);
		getsockname(lfd, (struct sockaddr *)&sin, &sl);
		for (i = 0; i < 4; i++) {
			fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
			    0);
			connect(fill[i], (struct sockaddr *)&sin, sizeof(sin));
		}
		usleep(100000);
		ctx_connect_ms = 1000;
		if (probe(ntohs(sin.sin_port), "mx.test", NULL, 0, false, 0))
			check("connect timeout", SMTP_TIMEOUT,
			    "mx.test [127.0.0.1]: connect not complete within "
			    "1000 ms", 1000);
		ctx_connect_ms = 0;
		for (i = 0; i < 4; i++)
			close(fill[i]);
		close(lfd);
	}

	/* A closed port: connect refused. */
	{
		int lfd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sin);
		uint16_t port;

		sin.sin_addr.s_addr = htonl(0x7f000001);
		bind(lfd, (struct sockaddr *)&sin, sizeof(sin));
		getsockname(lfd, (struct sockaddr *)&sin, &sl);
		port = ntohs(sin.sin_port);
		close(lfd);	/* bound, never listening, now free */
		if (probe(port, "mx.test", NULL, 0, false, 0))
			check("connect refused", SMTP_CONNECT_FAILED,
			    "mx.test [127.0.0.1]: connect: Connection refused",
			    500);
	}
	/* A blocked address: not contacted, no probe. */
	{
		struct blocklist *strict = blocklist_new(NULL, err, sizeof(err));
		struct smtp_ctx_options o = { .loop = lp, .tls = tls,
			.blocklist = strict, .ehlo_name = "crawler.test" };
		struct smtp_target t = { .mx = "mx.test" };
		struct smtp_ctx *c = smtp_ctx_new(&o, err, sizeof(err));

		netaddr_parse("127.0.0.1", 9, &t.addr);
		tap_ok(smtpprobe_start(c, &t, done_cb, NULL, err,
		    sizeof(err)) == NULL, "blocked: not started");
		tap_eq_str(err, "mx.test [127.0.0.1]: blocked: 127.0.0.0/8 "
		    "loopback (RFC 1122)", "blocked: why");
		smtp_ctx_free(c);
		blocklist_free(strict);
		o.ehlo_name = "bad name\r\nMAIL FROM:<x>";
		tap_ok(smtp_ctx_new(&o, err, sizeof(err)) == NULL,
		    "an EHLO name with CRLF is refused");
	}

	unlink(cafile);
	tls_ctx_free(tls);
	blocklist_free(bl);
	loop_free(lp);
	SSL_CTX_free(s_pkix);
	SSL_CTX_free(s_pkix12);
	SSL_CTX_free(s_ss);
	SSL_CTX_free(s_ta);
	X509_free(ca);
	X509_free(leaf);
	X509_free(ss);
	X509_free(ca2);
	X509_free(taleaf);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(ca2key);
	EVP_PKEY_free(k);
	EVP_PKEY_free(sskey);
	EVP_PKEY_free(takey);
	return tap_done();
}
