/*
 * test_mxcache.c - the per-crawl cache of SMTP results
 * (crawler/mail/mxcache.c) against fake servers on 127.0.0.1-3: 1000
 * lookups of 3 keys start exactly 3 probes (and the servers see exactly 3
 * connections), every waiter is answered once, from the loop; cancelled
 * waiters are not, and the others are unaffected; done keys answer from
 * the table; the name is case-insensitive; the entry bound evicts the
 * oldest done key or runs a probe uncached; a result answered from the
 * table equals the probe's, field by field and with its error text (the
 * table keeps results cut after that text); freeing with probes in flight
 * calls nobody back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocklist.h"
#include "fakesmtp.h"
#include "loop.h"
#include "mxcache.h"
#include "netaddr.h"
#include "smtpprobe.h"
#include "tap.h"
#include "tls.h"

#define NLOOKUP 1000
#define NKEY 3

static struct loop *lp;
static unsigned answered[2 * NLOOKUP + 16];
static unsigned nanswer, want, bad_outcome;
static bool in_lookup;
static unsigned reentrant;

static void
done_cb(const struct smtp_result *r, void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;

	if (in_lookup)
		reentrant++;
	answered[i]++;
	nanswer++;
	if (r->outcome != SMTP_TLS)
		bad_outcome++;
	if (nanswer == want)
		loop_break(lp);
}

static void safety_cb(void *arg);
static struct smtp_target target(const char *mx, const char *ip);

/* kept[0]: the probe's own answer; kept[1]: the table's. */
static struct smtp_result kept[2];
static unsigned nkept;

static void
keep_cb(const struct smtp_result *r, void *arg)
{
	(void)arg;
	if (nkept < 2)
		kept[nkept] = *r;
	nkept++;
	loop_break(lp);
}

static bool
result_same(const struct smtp_result *a, const struct smtp_result *b)
{
	return a->outcome == b->outcome &&
	    strcmp(a->tls_version, b->tls_version) == 0 &&
	    strcmp(a->cert_verify, b->cert_verify) == 0 &&
	    a->dane == b->dane && a->code == b->code &&
	    a->elapsed_ms == b->elapsed_ms &&
	    a->deadline_cut == b->deadline_cut &&
	    strcmp(a->error, b->error) == 0;
}

/* A key whose probe ends with an error text (nothing listens at ip):
 * the table's answer equals the probe's. */
static void
check_kept(struct smtp_ctx *smtp, const char *ip)
{
	struct mxcache *c = mxcache_new(lp, smtp, 0);
	struct smtp_target t = target("refused.test", ip);
	struct loop_timer *safety = loop_timer_new(lp, safety_cb, NULL);
	char err[256];

	nkept = 0;
	loop_timer_start(safety, 30u * 1000000);
	if (mxcache_lookup(c, &t, keep_cb, NULL, err, sizeof(err)) != NULL)
		loop_run(lp);
	if (mxcache_lookup(c, &t, keep_cb, NULL, err, sizeof(err)) != NULL &&
	    nkept == 1)
		loop_run(lp);
	loop_timer_free(safety);
	tap_ok(nkept == 2 && kept[0].error[0] != '\0',
	    "a refused key: answered twice, with an error text (\"%s\")",
	    kept[0].error);
	tap_ok(nkept == 2 && result_same(&kept[0], &kept[1]),
	    "the table's answer equals the probe's, field by field");
	mxcache_free(c);
}

static void
safety_cb(void *arg)
{
	(void)arg;
	tap_diag("safety timer: the loop did not finish");
	loop_break(lp);
}

static void
quiet_cb(void *arg)
{
	(void)arg;
	loop_break(lp);
}

static void
run_until(unsigned n)
{
	struct loop_timer *t = loop_timer_new(lp, safety_cb, NULL);

	want = n;
	loop_timer_start(t, 30u * 1000000);
	if (nanswer < want)
		loop_run(lp);
	loop_timer_free(t);
}

static struct smtp_target
target(const char *mx, const char *ip)
{
	struct smtp_target t = { .mx = mx };

	netaddr_parse(ip, strlen(ip), &t.addr);
	return t;
}

static struct mxcache_wait *
lookup(struct mxcache *c, const char *mx, const char *ip, size_t i)
{
	struct smtp_target t = target(mx, ip);
	char err[256];
	struct mxcache_wait *w;

	in_lookup = true;
	w = mxcache_lookup(c, &t, done_cb, (void *)(uintptr_t)i, err,
	    sizeof(err));
	in_lookup = false;
	if (w == NULL)
		tap_diag("lookup %zu refused: %s", i, err);
	return w;
}

static const char *const names[NKEY] = { "mx1.test", "mx2.test",
	"mx3.test" };
static const char *const upper[NKEY] = { "MX1.Test", "Mx2.TEST",
	"mx3.tesT" };
static const char *const ips[NKEY] = { "127.0.0.1", "127.0.0.2",
	"127.0.0.3" };

int
main(void)
{
	char err[256];
	EVP_PKEY *k = fake_key();
	X509 *cert = fake_cert(k, "mx.test", "mx.test", false, NULL, NULL);
	SSL_CTX *sctx = fake_server_ctx(cert, k, NULL);
	struct fake_srv *srv[NKEY];
	struct blocklist *bl;
	struct tls_ctx *tls;
	struct smtp_ctx *smtp;
	struct mxcache *c;
	struct mxcache_wait *w[2 * NLOOKUP];
	struct mxcache_stats st;
	unsigned i, conns, missing, twice;
	uint16_t port;
	bool cancelled[2 * NLOOKUP] = { false };

	lp = loop_new(err, sizeof(err));
	bl = blocklist_new("127.0.0.0/8", err, sizeof(err));
	tls = tls_ctx_new(NULL, time(NULL), err, sizeof(err));
	srv[0] = fake_srv_start("127.0.0.1", FAKE_NORMAL, sctx);
	port = fake_srv_port(srv[0]);
	srv[1] = fake_srv_start_port("127.0.0.2", port, FAKE_NORMAL, sctx);
	srv[2] = fake_srv_start_port("127.0.0.3", port, FAKE_NORMAL, sctx);
	{
		struct smtp_ctx_options o = { .loop = lp, .tls = tls,
			.blocklist = bl, .ehlo_name = "crawler.test",
			.port = port };

		smtp = smtp_ctx_new(&o, err, sizeof(err));
	}
	if (lp == NULL || bl == NULL || tls == NULL || smtp == NULL) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}

	/* 1000 lookups of 3 keys (names in varied case): 3 probes. */
	c = mxcache_new(lp, smtp, 0);
	for (i = 0; i < NLOOKUP; i++)
		w[i] = lookup(c, (i / NKEY) % 2 ? upper[i % NKEY] :
		    names[i % NKEY], ips[i % NKEY], i);
	mxcache_stats(c, &st);
	tap_eq_i64((int64_t)st.probes, NKEY, "1000 lookups of 3 keys: 3 "
	    "probes started");
	tap_eq_i64((int64_t)st.joined, NLOOKUP - NKEY, "the others joined "
	    "a probe in flight");
	tap_eq_i64((int64_t)st.entries, NKEY, "3 keys held");
	tap_eq_i64(nanswer, 0, "nobody answered inside a lookup");
	/* Cancel three waiters, one of them a probe's first asker. */
	mxcache_cancel(w[0]);
	mxcache_cancel(w[500]);
	mxcache_cancel(w[998]);
	cancelled[0] = cancelled[500] = cancelled[998] = true;
	run_until(NLOOKUP - 3);
	for (i = 0, missing = 0, twice = 0; i < NLOOKUP; i++) {
		if (!cancelled[i] && answered[i] != 1)
			missing++;
		if (cancelled[i] && answered[i] != 0)
			twice++;
	}
	tap_eq_i64(missing, 0, "every waiter answered exactly once");
	tap_eq_i64(twice, 0, "no cancelled waiter answered");
	tap_eq_i64(bad_outcome, 0, "every answer is the probe's (tls)");
	tap_eq_i64(reentrant, 0, "no answer from inside mxcache_lookup");
	for (i = 0, conns = 0; i < NKEY; i++)
		conns += fake_srv_conns(srv[i]);
	tap_eq_i64(conns, NKEY, "the servers saw exactly 3 connections");
	mxcache_stats(c, &st);
	tap_eq_i64((int64_t)st.waiting, 0, "no waiter left");

	/* 1000 more: all from the table, from the loop, no probe. */
	for (i = NLOOKUP; i < 2 * NLOOKUP; i++)
		w[i] = lookup(c, names[i % NKEY], ips[i % NKEY], i);
	tap_eq_i64(nanswer, NLOOKUP - 3, "done keys: no answer inside lookup");
	mxcache_cancel(w[NLOOKUP + 7]);
	cancelled[NLOOKUP + 7] = true;
	run_until(2 * NLOOKUP - 4);
	for (i = NLOOKUP, missing = 0, twice = 0; i < 2 * NLOOKUP; i++) {
		if (!cancelled[i] && answered[i] != 1)
			missing++;
		if (cancelled[i] && answered[i] != 0)
			twice++;
	}
	tap_eq_i64(missing, 0, "done keys: every waiter answered once");
	tap_eq_i64(twice, 0, "done keys: the cancelled one was not");
	mxcache_stats(c, &st);
	tap_eq_i64((int64_t)st.probes, NKEY, "still 3 probes");
	tap_eq_i64((int64_t)st.cached, NLOOKUP, "1000 served from the table");
	for (i = 0, conns = 0; i < NKEY; i++)
		conns += fake_srv_conns(srv[i]);
	tap_eq_i64(conns, NKEY, "still 3 connections");
	/* A blocked address: refused at once, no waiter. */
	{
		struct blocklist *strict = blocklist_new(NULL, err,
		    sizeof(err));
		struct smtp_ctx_options o = { .loop = lp, .tls = tls,
			.blocklist = strict, .ehlo_name = "crawler.test" };
		struct smtp_ctx *s2 = smtp_ctx_new(&o, err, sizeof(err));
		struct mxcache *c2 = mxcache_new(lp, s2, 0);

		tap_ok(lookup(c2, "mx1.test", "127.0.0.1", 2 * NLOOKUP) ==
		    NULL, "blocked address: no waiter");
		mxcache_stats(c2, &st);
		tap_ok(st.refused == 1 && st.probes == 0 && st.entries == 0,
		    "blocked address: counted, no probe, no key");
		mxcache_free(c2);
		smtp_ctx_free(s2);
		blocklist_free(strict);
	}
	mxcache_free(c);

	/* The bound: 2 keys.  Two done keys; a third and a fourth evict
	 * them, oldest first; a fifth while both held keys are in flight
	 * runs uncached; an evicted key is probed again. */
	nanswer = 0;
	memset(answered, 0, sizeof(answered));
	c = mxcache_new(lp, smtp, 2);
	lookup(c, "mx1.test", "127.0.0.1", 0);
	run_until(1);
	lookup(c, "mx2.test", "127.0.0.2", 1);
	run_until(2);
	lookup(c, "mx3.test", "127.0.0.3", 2);
	mxcache_stats(c, &st);
	tap_ok(st.evicted == 1 && st.entries == 2 && st.probes == 3,
	    "bound 2: a third key evicts the oldest done one");
	lookup(c, "mx4.test", "127.0.0.1", 3);
	lookup(c, "mx5.test", "127.0.0.2", 4);
	mxcache_stats(c, &st);
	tap_ok(st.evicted == 2 && st.entries == 2 && st.uncached == 1 &&
	    st.probes == 5, "bound 2, both keys in flight: the next runs "
	    "uncached (evicted %llu entries %llu uncached %llu)",
	    (unsigned long long)st.evicted, (unsigned long long)st.entries,
	    (unsigned long long)st.uncached);
	run_until(5);
	tap_eq_i64(nanswer, 5, "bound: every waiter answered");
	lookup(c, "mx2.test", "127.0.0.2", 5);
	mxcache_stats(c, &st);
	tap_eq_i64((int64_t)st.probes, 6, "an evicted key is probed again");
	run_until(6);
	lookup(c, "mx5.test", "127.0.0.2", 6);
	mxcache_stats(c, &st);
	tap_eq_i64((int64_t)st.probes, 7, "an uncached key is probed again");
	run_until(7);
	/* Freed with a probe in flight and waiters: no callback, no leak. */
	check_kept(smtp, "127.0.0.9");
	lookup(c, "mx8.test", "127.0.0.1", 10);
	lookup(c, "mx8.test", "127.0.0.1", 11);
	lookup(c, "mx9.test", "127.0.0.3", 12);
	lookup(c, "mx9.test", "127.0.0.3", 13);
	lookup(c, "mx5.test", "127.0.0.2", 14);
	mxcache_free(c);
	{
		/* A while on the loop, for any late callback to show. */
		struct loop_timer *t = loop_timer_new(lp, quiet_cb, NULL);

		loop_timer_start(t, 300000);
		want = 0;
		loop_run(lp);
		loop_timer_free(t);
	}
	tap_ok(answered[10] == 0 && answered[11] == 0 && answered[12] == 0 &&
	    answered[13] == 0 && answered[14] == 0,
	    "mxcache_free: nobody called back");

	for (i = 0; i < NKEY; i++)
		fake_srv_stop(srv[i]);
	smtp_ctx_free(smtp);
	tls_ctx_free(tls);
	blocklist_free(bl);
	loop_free(lp);
	SSL_CTX_free(sctx);
	X509_free(cert);
	EVP_PKEY_free(k);
	return tap_done();
}
