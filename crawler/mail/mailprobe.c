/*
 * mailprobe.c - the mail stage (mailprobe.h).
 *
 * Two phases.  Names: for each chosen MX host, A, AAAA and (with the
 * validator) the _25._tcp TLSA RRset, and the validator's verdict on a
 * TLSA answer that has records.  Probes: one mxcache lookup per address
 * (the first MAIL_ADDRS_PER_FAMILY of each family); the shared probe
 * answers every domain that points at the same (name, address).
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
#include "tls.h"
#include "util.h"

/* TLSA records used per MX host: an RRset has one to four in practice
 * (a key rollover publishes two per usage). */
#define MAIL_MAX_TLSA 8

struct mail_ctx {
	struct crawl *c;
	struct tls_ctx *tls;
	struct conncap *cap;
	struct smtp_ctx *smtp;
	struct mxcache *cache;
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
	struct mq q[MQ_KINDS];
	struct netaddr addr[MAIL_MAX_ADDRS];
	size_t naddr;
	bool answered;			/* A or AAAA answered NOERROR */
	ldns_pkt *tlsa_pkt;		/* kept: tlsa[].data points into it */
	struct tls_tlsa tlsa[MAIL_MAX_TLSA];
	size_t ntlsa;
	bool tlsa_secure;
	struct val_job *vj;
	struct mw w[MAIL_MAX_ADDRS];
	struct mail_host res;
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
	ldns_rr_list *l = dnsanswer_rrs(p, h->rdf, t, NULL);
	size_t i, n = ldns_rr_list_rr_count(l), taken = 0;

	for (i = 0; i < n && taken < MAIL_ADDRS_PER_FAMILY &&
	    h->naddr < MAIL_MAX_ADDRS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		const ldns_rdf *rd = ldns_rr_rd_count(rr) > 0 ?
		    ldns_rr_rdf(rr, 0) : NULL;

		if (rd != NULL && netaddr_from_bytes(ldns_rdf_data(rd),
		    ldns_rdf_size(rd), &h->addr[h->naddr]) == 0)
			h->naddr++, taken++;
	}
	ldns_rr_list_free(l);
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
	} else if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR) {
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
	char *s = ldns_rdf2str(rdf);
	size_t i, n;

	snprintf(buf, len, "%s", s != NULL ? s : "");
	free(s);
	n = strlen(buf);
	if (n > 1 && buf[n - 1] == '.')
		buf[--n] = '\0';
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
	if (m->note[0] != '\0')
		row_set_str(&j->row, SCHEMA_COL_MAIL_ERROR, m->note);
	else if (s.error[0] != '\0')
		row_set_str(&j->row, SCHEMA_COL_MAIL_ERROR, s.error);
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
	if (m->pending == 0)
		finish(m);		/* may free the job */
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
	if (m->pending == 0)
		finish(m);		/* may free the job */
}

/* Every name answer and verdict is in. */
static void
phase_end(struct mail *m)
{
	if (!m->probing)
		start_probes(m);
	else
		finish(m);
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
		h->rdf = j->facts.mx[map[idx[i]]].name;
		host_name(h->rdf, h->name, sizeof(h->name));
	}
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
		for (a = 0; a < MAIL_MAX_ADDRS; a++)
			if (h->w[a].w != NULL) {
				mxcache_cancel(h->w[a].w);
				h->w[a].w = NULL;
			}
	}
	m->pending = 0;
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
	free(m);
	j->mail = NULL;
}
