/*
 * mailprobe.c - the mail stage (mailprobe.h).
 *
 * Two phases.  Names: for each chosen MX host, A, AAAA and (with the
 * validator) the _25._tcp TLSA RRset, and the validator's verdict on a
 * TLSA answer that has records.  Probes: one mxcache lookup per address
 * (the first MAIL_ADDRS_PER_FAMILY of each family); the shared probe
 * answers every domain that points at the same (name, address).
 *
 * In parallel, when the DNS stage found an MTA-STS record: the policy
 * host's A and AAAA, then the policy fetch (stsfetch.h) and its parse
 * (stspolicy.h), on a count of their own (sts_pending); the columns are
 * written when both sides are done.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "conncap.h"
#include "crawl.h"
#include "dnsanswer.h"
#include "dnssec.h"
#include "job.h"
#include "loop.h"
#include "mailprobe.h"
#include "mailsum.h"
#include "mxcache.h"
#include "query.h"
#include "row.h"
#include "schema.h"
#include "smtpprobe.h"
#include "stsfetch.h"
#include "stspolicy.h"
#include "tls.h"
#include "util.h"

/* The hosts tested are among those the DNS stage kept. */
_Static_assert(MAIL_MX_MAX_LIMIT <= JOB_MAX_HOSTS,
    "--mx-max cannot exceed the MX hosts of the job's facts");

/* TLSA records used per MX host: an RRset has one to four in practice
 * (a key rollover publishes two per usage). */
#define MAIL_MAX_TLSA 8

struct mail_ctx {
	struct crawl *c;
	struct tls_ctx *tls;
	struct conncap *cap;
	struct smtp_ctx *smtp;
	struct mxcache *cache;
	struct sts_fetch_ctx *sts;
	unsigned mx_max;
	uint64_t domains;		/* domains whose MX hosts were probed */
	uint64_t lookups;		/* (MX, address) results asked for */
	uint64_t blocked;		/* addresses not contacted */
};

enum mq_kind { MQ_A = 0, MQ_AAAA, MQ_TLSA, MQ_KINDS };

struct mhost;

struct mq {
	struct mhost *h;
	enum mq_kind kind;
	struct query *q;
};

/* One waiter for the result of one address. */
struct mw {
	struct mhost *h;
	size_t slot;			/* in h->res.r */
	struct mxcache_wait *w;
};

struct mhost {
	struct mail *m;
	char name[SMTP_MAX_NAME + 1];	/* lower case, no final dot */
	const ldns_rdf *rdf;		/* j->facts.mx[i].name */
	struct job_host *fact;		/* j->facts.mx[i] */
	struct mq q[MQ_KINDS];
	struct netaddr addr[MAIL_MAX_ADDRS];
	size_t naddr;
	bool answered;			/* A or AAAA answered NOERROR */
	ldns_pkt *tlsa_pkt;		/* kept: tlsa[].data points into it */
	struct tls_tlsa tlsa[MAIL_MAX_TLSA];
	size_t ntlsa;
	bool tlsa_secure;
	struct val_job *vj;
	struct val_job *avj;		/* on the A answer (the facts' verdict) */
	struct mw w[MAIL_MAX_ADDRS];
	struct mail_host res;
};

/* One of the policy host's address queries (A, AAAA). */
struct stsq {
	struct mail *m;
	bool v6;
	struct query *q;
};

struct mail {
	struct job *j;
	struct mail_ctx *ctx;
	struct mhost h[MAIL_MX_MAX_LIMIT];
	size_t nh;
	unsigned pending;		/* queries, validations, waiters */
	bool probing;			/* the second phase began */
	uint64_t t0;
	char note[SMTP_MAX_ERROR];	/* first failure before the probes */

	/* MTA-STS (docs/mail.md, "MTA-STS") */
	ldns_rdf *sts_rdf;		/* mta-sts.DOMAIN, owned */
	char sts_host[STS_MAX_HOST + 1];
	struct stsq sq[2];
	struct netaddr sts_addr[STS_MAX_ADDRS];	/* [0] IPv4, [1] IPv6 */
	bool sts_have[STS_MAX_ADDRS];
	struct sts_fetch *sf;
	unsigned sts_pending;		/* queries, the fetch */
	const char *sts_mode;		/* the column, NULL: null */
	int sts_match;			/* -1 null, 0, 1 */
	char sts_note[STS_MAX_ERROR];	/* why the policy was not had */
};

static void phase_end(struct mail *m);

/* --- the crawl's mail context ---------------------------------------- */

struct mail_ctx *
mail_ctx_new(struct crawl *c, const struct mail_ctx_options *o, char *err,
    size_t errlen)
{
	struct mail_ctx *m = xcalloc(1, sizeof(*m));
	struct smtp_ctx_options so;

	m->c = c;
	m->mx_max = o->mx_max;
	m->tls = tls_ctx_new(o->ca_file, (time_t)o->now, err, errlen);
	if (m->tls == NULL)
		goto fail;
	m->cap = conncap_new(o->max_per_addr);
	memset(&so, 0, sizeof(so));
	so.loop = c->loop;
	so.tls = m->tls;
	so.blocklist = o->blocklist;
	so.optout = o->optout;
	so.cap = m->cap;
	so.ehlo_name = o->ehlo_name;
	so.port = o->port;
	m->smtp = smtp_ctx_new(&so, err, errlen);
	if (m->smtp == NULL)
		goto fail;
	m->cache = mxcache_new(c->loop, m->smtp, 0);
	{
		struct sts_fetch_options fo;

		memset(&fo, 0, sizeof(fo));
		fo.loop = c->loop;
		fo.tls = m->tls;
		fo.blocklist = o->blocklist;
		fo.optout = o->optout;
		fo.cap = m->cap;
		fo.user_agent = c->cfg != NULL ? c->cfg->user_agent : NULL;
		fo.port = o->sts_port;
		m->sts = stsfetch_ctx_new(&fo);
	}
	return m;
fail:
	mail_ctx_free(m);
	return NULL;
}

void
mail_ctx_free(struct mail_ctx *m)
{
	if (m == NULL)
		return;
	mxcache_free(m->cache);
	stsfetch_ctx_free(m->sts);
	smtp_ctx_free(m->smtp);
	conncap_free(m->cap);
	tls_ctx_free(m->tls);
	free(m);
}

void
mail_ctx_summary(const struct mail_ctx *m, char *buf, size_t len)
{
	struct mxcache_stats cs;

	mxcache_stats(m->cache, &cs);
	snprintf(buf, len, "mail: %llu domains, %llu MX addresses asked, "
	    "%llu SMTP probes sent (%llu answered from earlier probes), "
	    "%llu addresses not contacted",
	    (unsigned long long)m->domains, (unsigned long long)m->lookups,
	    (unsigned long long)cs.probes,
	    (unsigned long long)(cs.cached + cs.joined),
	    (unsigned long long)m->blocked);
}

/* --- the first phase: names ---------------------------------------- */

/* The first failure before the probes: "mail: HOST: WHAT". */
static void
note(struct mail *m, const char *host, const char *what)
{
	if (m->note[0] == '\0')
		snprintf(m->note, sizeof(m->note), "mail: %.255s: %.200s",
		    host, what);
}

static void
add_addrs(struct mhost *h, const ldns_pkt *p, ldns_rr_type t)
{
	size_t room = MAIL_MAX_ADDRS - h->naddr;

	h->naddr += dnsanswer_addrs(p, h->rdf, t, &h->addr[h->naddr],
	    room < MAIL_ADDRS_PER_FAMILY ? room : MAIL_ADDRS_PER_FAMILY);
}

/* Keep the TLSA records of the answer (their data stays in p). */
static bool
take_tlsa(struct mhost *h, ldns_pkt *p)
{
	const ldns_rdf *qn = ldns_rr_owner(ldns_rr_list_rr(
	    ldns_pkt_question(p), 0));

	h->ntlsa = dnsanswer_tlsa(p, qn, h->tlsa, MAIL_MAX_TLSA);
	if (h->ntlsa == 0)
		return false;
	h->tlsa_pkt = p;
	return true;
}

static void
val_done(void *arg, const struct val_result *r)
{
	struct mhost *h = arg;
	struct mail *m = h->m;

	h->vj = NULL;
	h->tlsa_secure = r->status == VAL_SECURE;
	m->pending--;
	if (m->pending == 0)
		phase_end(m);		/* may free the job */
}

/* The verdict on the A answer: a fact for the servers stage (mx_dnssec). */
static void
a_val_done(void *arg, const struct val_result *r)
{
	struct mhost *h = arg;
	struct mail *m = h->m;

	h->avj = NULL;
	h->fact->have_a_verdict = true;
	h->fact->a_verdict = r->status;
	m->pending--;
	if (m->pending == 0)
		phase_end(m);		/* may free the job */
}

/* The A answer as facts: its first addresses, and its verdict asked. */
static void
a_facts(struct mhost *h, const ldns_pkt *p)
{
	struct mail *m = h->m;
	struct job *j = m->j;

	h->fact->have_a = true;
	h->fact->nv4addr += (unsigned)dnsanswer_addrs(p, h->rdf,
	    LDNS_RR_TYPE_A, &h->fact->v4addr[h->fact->nv4addr],
	    JOB_HOST_V4 - h->fact->nv4addr);
	if (j->crawl->val != NULL && (j->crawl->cfg->probes & PROBE_DNSSEC)) {
		m->pending++;
		h->avj = val_job_start(j->crawl->val, h->rdf, LDNS_RR_TYPE_A, p,
		    a_val_done, h);
		/* NULL: a_val_done was called already. */
	}
}

static bool
mq_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct mq *q = arg;
	struct mhost *h = q->h;
	struct mail *m = h->m;
	bool kept = false;

	q->q = NULL;
	/* This answer's count is held to the end: a verdict from the
	 * validator's cache comes inside val_job_start. */
	if (st != QUERY_OK) {
		note(m, h->name, st == QUERY_TIMEOUT ?
		    "address query timed out" : "address query failed");
	} else if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR ||
	    ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN) {
		if (q->kind == MQ_A)
			a_facts(h, p);	/* the servers stage's facts */
	}
	if (st == QUERY_OK && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR) {
		if (q->kind == MQ_TLSA) {
			kept = take_tlsa(h, p);
			if (kept && m->j->crawl->val != NULL) {
				const ldns_rr *qr = ldns_rr_list_rr(
				    ldns_pkt_question(p), 0);

				m->pending++;
				h->vj = val_job_start(m->j->crawl->val,
				    ldns_rr_owner(qr), LDNS_RR_TYPE_TLSA, p,
				    val_done, h);
				/* NULL: val_done was called already. */
			}
		} else {
			h->answered = true;
			add_addrs(h, p, q->kind == MQ_A ? LDNS_RR_TYPE_A :
			    LDNS_RR_TYPE_AAAA);
		}
	}
	if (--m->pending == 0)
		phase_end(m);		/* may free the job */
	return kept;
}

/* The lower-case text of an MX name, without the final dot. */
static void
host_name(const ldns_rdf *rdf, char *buf, size_t len)
{
	size_t i, n;

	n = strlen(dnsanswer_name_text(rdf, buf, len));
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
}

static void
ask(struct mhost *h, enum mq_kind kind, const ldns_rdf *name,
    ldns_rr_type t)
{
	struct mq *q = &h->q[kind];

	q->h = h;
	q->kind = kind;
	h->m->pending++;
	q->q = query_send(h->m->j->crawl->qe, name, t, mq_reply, q);
}

/* --- the second phase: probes ---------------------------------------- */

static void finish(struct mail *m);

/* Both sides are done (the MX probes, the MTA-STS policy): the row. */
static void
maybe_finish(struct mail *m)
{
	if (m->probing && m->pending == 0 && m->sts_pending == 0)
		finish(m);		/* may free the job */
}

static void
finish(struct mail *m)
{
	struct job *j = m->j;
	struct mail_host hosts[MAIL_MX_MAX_LIMIT];
	struct mail_summary s;
	uint64_t ms = (loop_now_us(j->crawl->loop) - m->t0) / 1000;
	size_t i;

	for (i = 0; i < m->nh; i++)
		hosts[i] = m->h[i].res;
	mail_summarize(hosts, m->nh, &s);
	row_set_i32(&j->row, SCHEMA_COL_MX_TESTED, s.tested);
	if (s.starttls != NULL)
		row_set_str(&j->row, SCHEMA_COL_MX_STARTTLS, s.starttls);
	if (s.tls_version != NULL)
		row_set_str(&j->row, SCHEMA_COL_MX_TLS_VERSION, s.tls_version);
	if (s.cert_verify != NULL)
		row_set_str(&j->row, SCHEMA_COL_MX_CERT_VERIFY, s.cert_verify);
	if (s.dane != NULL)
		row_set_str(&j->row, SCHEMA_COL_MX_DANE, s.dane);
	if (m->sts_mode != NULL)
		row_set_str(&j->row, SCHEMA_COL_MTA_STS_MODE, m->sts_mode);
	if (m->sts_match >= 0)
		row_set_bool(&j->row, SCHEMA_COL_MTA_STS_MX_MATCH,
		    m->sts_match == 1);
	if (m->note[0] != '\0')
		row_set_str(&j->row, SCHEMA_COL_MAIL_ERROR, m->note);
	else if (s.error[0] != '\0')
		row_set_str(&j->row, SCHEMA_COL_MAIL_ERROR, s.error);
	else if (m->sts_note[0] != '\0')
		row_set_str(&j->row, SCHEMA_COL_MAIL_ERROR, m->sts_note);
	row_set_i32(&j->row, SCHEMA_COL_MAIL_MS, ms > INT32_MAX ? INT32_MAX :
	    (int32_t)ms);
	j->stage_done(j);		/* may free j */
}

static void
probe_done(const struct smtp_result *r, void *arg)
{
	struct mw *w = arg;
	struct mhost *h = w->h;
	struct mail *m = h->m;

	w->w = NULL;
	h->res.r[w->slot] = *r;
	m->pending--;
	maybe_finish(m);		/* may free the job */
}

static void
start_probes(struct mail *m)
{
	struct mail_ctx *ctx = m->ctx;
	size_t i, a;

	m->probing = true;
	m->pending++;			/* held until every lookup is made */
	for (i = 0; i < m->nh; i++) {
		struct mhost *h = &m->h[i];

		h->res.name = h->name;
		h->res.no_address = h->naddr == 0;
		if (h->naddr == 0 && h->answered)
			note(m, h->name, "no address");
		for (a = 0; a < h->naddr; a++) {
			struct smtp_target t;
			struct mw *w = &h->w[h->res.naddr];
			char err[SMTP_MAX_ERROR];

			memset(&t, 0, sizeof(t));
			t.mx = h->name;
			t.addr = h->addr[a];
			t.tlsa = h->tlsa;
			t.ntlsa = h->ntlsa;
			t.tlsa_secure = h->tlsa_secure;
			t.deadline_us = m->j->deadline_at;
			w->h = h;
			w->slot = h->res.naddr;
			ctx->lookups++;
			/* Counted before the lookup: its answer comes from
			 * the loop, never from inside the call. */
			m->pending++;
			w->w = mxcache_lookup(ctx->cache, &t, probe_done, w,
			    err, sizeof(err));
			if (w->w == NULL) {
				m->pending--;
				ctx->blocked++;
				if (m->note[0] == '\0')
					snprintf(m->note, sizeof(m->note),
					    "mail: %.500s", err);
				continue;
			}
			h->res.naddr++;
		}
	}
	ctx->domains++;
	m->pending--;
	maybe_finish(m);		/* may free the job */
}

/* Every name answer and verdict is in. */
static void
phase_end(struct mail *m)
{
	if (!m->probing)
		start_probes(m);
	else
		maybe_finish(m);
}

/* --- MTA-STS: the policy host's addresses, the fetch, the parse ------- */

/* The policy could not be had: mode "unavailable", the reason kept. */
static void
sts_unavailable(struct mail *m, const char *why)
{
	m->sts_mode = "unavailable";
	if (m->sts_note[0] == '\0')
		snprintf(m->sts_note, sizeof(m->sts_note), "mta-sts: %.300s",
		    why);
}

/* The lower-case text of every MX host of the domain (not only the
 * tested ones: RFC 8461 4.1 applies to each MX a sender may use). */
static bool
sts_all_match(struct mail *m, const struct sts_policy *p, const char *body)
{
	const struct job_facts *f = &m->j->facts;
	char names[JOB_MAX_HOSTS][SMTP_MAX_NAME + 1];
	const char *hosts[JOB_MAX_HOSTS];
	size_t i, n = 0;

	for (i = 0; i < f->nmx && i < JOB_MAX_HOSTS; i++) {
		if (ldns_dname_label_count(f->mx[i].name) == 0)
			continue;	/* a null MX (RFC 7505) */
		host_name(f->mx[i].name, names[n], sizeof(names[n]));
		hosts[n] = names[n];
		n++;
	}
	return stspolicy_all_match(p, body, hosts, n);
}

static void
sts_fetch_done(const struct sts_fetch_result *r, void *arg)
{
	struct mail *m = arg;
	struct sts_policy p;

	m->sf = NULL;
	m->sts_pending--;
	if (r->status == STS_FETCH_DEADLINE) {
		/* The deadline came first: not measured (null). */
		snprintf(m->sts_note, sizeof(m->sts_note), "mta-sts: %.300s",
		    r->error);
	} else if (r->status != STS_FETCH_OK) {
		sts_unavailable(m, r->error);
	} else {
		m->sts_mode = stspolicy_column(true, r->body, r->len, &p);
		if (p.err != STS_OK)
			snprintf(m->sts_note, sizeof(m->sts_note), "mta-sts: "
			    "%.255s: policy invalid: %s (line %zu)",
			    m->sts_host, sts_error_str(p.err), p.err_line);
		else
			m->sts_match = sts_all_match(m, &p, r->body) ? 1 : 0;
	}
	maybe_finish(m);		/* may free the job */
}

/* Both address answers are in: fetch from IPv4 first, then IPv6. */
static void
sts_fetch_begin(struct mail *m)
{
	struct netaddr a[STS_MAX_ADDRS];
	char err[STS_MAX_ERROR];
	size_t n = 0, i;

	for (i = 0; i < STS_MAX_ADDRS; i++)
		if (m->sts_have[i])
			a[n++] = m->sts_addr[i];
	if (n == 0) {
		char why[STS_MAX_ERROR];

		snprintf(why, sizeof(why), "%.255s: no address", m->sts_host);
		sts_unavailable(m, why);
		return;
	}
	m->sf = stsfetch_start(m->ctx->sts, m->sts_host, a, n,
	    m->j->deadline_at, sts_fetch_done, m, err, sizeof(err));
	if (m->sf == NULL) {
		/* Not contacted (blocklist, opt-out): not measured. */
		snprintf(m->sts_note, sizeof(m->sts_note), "mta-sts: %.300s",
		    err);
		return;
	}
	m->sts_pending++;
}

static bool
sts_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct stsq *q = arg;
	struct mail *m = q->m;
	size_t slot = q->v6 ? 1 : 0;

	q->q = NULL;
	if (st == QUERY_OK && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR) {
		m->sts_have[slot] = dnsanswer_addrs(p, m->sts_rdf, q->v6 ?
		    LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, &m->sts_addr[slot],
		    1) == 1;
	}
	m->sts_pending--;
	if (m->sq[0].q == NULL && m->sq[1].q == NULL)
		sts_fetch_begin(m);
	maybe_finish(m);		/* may free the job */
	return false;
}

/* The domain has an MTA-STS record: ask for the policy host's addresses
 * (answers come from the loop). */
static void
sts_start(struct mail *m)
{
	struct job *j = m->j;
	size_t i;

	m->sts_rdf = dnsanswer_sub_name(j->apex, "mta-sts");
	if (m->sts_rdf == NULL) {
		sts_unavailable(m, "no policy host name");
		return;
	}
	host_name(m->sts_rdf, m->sts_host, sizeof(m->sts_host));
	for (i = 0; i < 2; i++) {
		m->sq[i].m = m;
		m->sq[i].v6 = i == 1;
		m->sts_pending++;
	}
	for (i = 0; i < 2; i++)
		m->sq[i].q = query_send(j->crawl->qe, m->sts_rdf, i == 1 ?
		    LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, sts_reply, &m->sq[i]);
}

/* --- the stage ---------------------------------------------------------- */

bool
mailprobe_wanted(const struct job *j)
{
	return j->crawl->mail != NULL && j->facts.dns == DNS_OUT_OK &&
	    j->facts.nmx > 0 && !j->crawl->stopping;
}

bool
mailprobe_start(struct job *j)
{
	struct mail_ctx *ctx = j->crawl->mail;
	uint16_t pref[JOB_MAX_HOSTS];
	size_t idx[JOB_MAX_HOSTS], n = 0, k, i;
	size_t map[JOB_MAX_HOSTS];
	struct mail *m;

	/* A null MX (RFC 7505: the root as the host) says no mail. */
	for (i = 0; i < j->facts.nmx; i++) {
		if (ldns_dname_label_count(j->facts.mx[i].name) == 0)
			continue;
		map[n] = i;
		pref[n++] = j->facts.mx[i].pref;
	}
	if (n == 0)
		return false;
	m = xcalloc(1, sizeof(*m));
	m->j = j;
	m->ctx = ctx;
	m->t0 = loop_now_us(j->crawl->loop);
	j->mail = m;
	/* TLS-RPT (RFC 8460 3): the DNS stage judged the _smtp._tls TXT;
	 * null without one, as every mail column without MX hosts. */
	if (j->facts.have_tlsrpt)
		row_set_bool(&j->row, SCHEMA_COL_TLSRPT_VALID,
		    j->facts.tlsrpt_valid);
	k = mail_select(pref, n, ctx->mx_max, idx);
	for (i = 0; i < k; i++) {
		struct mhost *h = &m->h[m->nh++];

		h->m = m;
		h->fact = &j->facts.mx[map[idx[i]]];
		h->rdf = h->fact->name;
		host_name(h->rdf, h->name, sizeof(h->name));
	}
	m->sts_match = -1;
	if (j->facts.mta_sts_record)
		sts_start(m);
	/* Every query is sent before any answer is handled: answers come
	 * from the loop. */
	for (i = 0; i < m->nh; i++) {
		struct mhost *h = &m->h[i];

		ask(h, MQ_A, h->rdf, LDNS_RR_TYPE_A);
		ask(h, MQ_AAAA, h->rdf, LDNS_RR_TYPE_AAAA);
		if (j->crawl->val != NULL &&
		    (j->crawl->cfg->probes & PROBE_DNSSEC)) {
			ldns_rdf *tlsa = dnsanswer_sub_name(h->rdf,
			    "_25._tcp");

			if (tlsa != NULL)
				ask(h, MQ_TLSA, tlsa, LDNS_RR_TYPE_TLSA);
			ldns_rdf_deep_free(tlsa);
		}
	}
	return true;
}

void
mailprobe_abort(struct job *j)
{
	struct mail *m = j->mail;
	size_t i, a;
	int k;

	if (m == NULL)
		return;
	for (i = 0; i < m->nh; i++) {
		struct mhost *h = &m->h[i];

		for (k = 0; k < MQ_KINDS; k++)
			if (h->q[k].q != NULL) {
				query_cancel(h->q[k].q);
				h->q[k].q = NULL;
			}
		if (h->vj != NULL) {
			val_job_cancel(h->vj);
			h->vj = NULL;
		}
		if (h->avj != NULL) {
			val_job_cancel(h->avj);
			h->avj = NULL;
		}
		for (a = 0; a < MAIL_MAX_ADDRS; a++)
			if (h->w[a].w != NULL) {
				mxcache_cancel(h->w[a].w);
				h->w[a].w = NULL;
			}
	}
	for (k = 0; k < 2; k++)
		if (m->sq[k].q != NULL) {
			query_cancel(m->sq[k].q);
			m->sq[k].q = NULL;
		}
	if (m->sf != NULL) {
		stsfetch_abort(m->sf);
		m->sf = NULL;
	}
	m->pending = 0;
	m->sts_pending = 0;
}

void
mailprobe_fini(struct job *j)
{
	struct mail *m = j->mail;
	size_t i;

	if (m == NULL)
		return;
	mailprobe_abort(j);
	for (i = 0; i < m->nh; i++)
		ldns_pkt_free(m->h[i].tlsa_pkt);
	ldns_rdf_deep_free(m->sts_rdf);
	free(m);
	j->mail = NULL;
}
