/*
 * dnsprobe.c - the DNS and DNSSEC probe of one domain.
 *
 * Stage 1 asks, in parallel, the apex's A, AAAA, SOA, NS, MX, TXT, CAA,
 * HTTPS, DS and DNSKEY, and the TXT records of _dmarc, _mta-sts and
 * _smtp._tls.  As answers come in it asks what they make necessary: www's
 * A/AAAA/HTTPS when the apex has no address, the AAAA of every NS and MX
 * host (bounded), TLSA at _443._tcp of the probed host and at _25._tcp of
 * the first MX host.  Every reply is reduced to the facts the row needs as
 * it arrives, read in place by the wire walker (query_send_reply,
 * dnsanswer_w_*; docs/dns.md "Reading replies in place"); only the replies
 * the validator will look at are kept, and an ldns packet is built from
 * one only when the validator, the signer or the TLSA facts need it.
 * Stage 2 hands the probed host's address answer (or the negative answer
 * when it has none) and the TLSA answers to the DNSSEC validator.
 *
 * Columns rules: docs/testbed.md ("Ground-truth rules for DNS columns") and
 * docs/dnssec.md.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "crawl.h"
#include "dnsanswer.h"
#include "dnspolicy.h"
#include "dnsprobe.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "mailpol.h"
#include "query.h"
#include "spf.h"
#include "util.h"

enum dq_kind {
	DQ_A = 0,
	DQ_AAAA,
	DQ_SOA,
	DQ_NS,
	DQ_MX,
	DQ_TXT,
	DQ_CAA,
	DQ_HTTPS,
	DQ_DS,
	DQ_DNSKEY,
	DQ_DMARC,
	DQ_MTASTS,
	DQ_TLSRPT,
	DQ_WWW_A,
	DQ_WWW_AAAA,
	DQ_WWW_HTTPS,
	DQ_NS_AAAA,
	DQ_MX_AAAA,
	DQ_TLSA_WEB,
	DQ_TLSA_MX,
	DQ_NX,
};

/*
 * A name under the apex that should not exist: its negative answer shows
 * the zone's authenticated denial (NSEC or NSEC3, iterations) even when
 * every other name asked exists.
 */
#define DNS_DENIAL_PROBE_LABEL "uptake-denial-probe-7f3a"

/* Bounds on the work of one domain's DNS and DNSSEC stages. */
#define DNS_MAX_HOSTS 8		/* NS / MX hosts whose AAAA is asked */
#define DNS_MAX_QUERIES 48	/* queries one domain may have sent */
#define DNS_MAX_VAL 3		/* validations per domain: the web answer,
				 * the web and the MX TLSA */
/* MX records of one answer read for their hosts (DNS_MAX_HOSTS of them
 * are asked): far above a real zone's few, so none is skipped. */
#define DNS_MAX_MX_RRS 64

struct dq {
	struct job *job;
	enum dq_kind kind;
	struct query *q;
	bool done;
};

/* The DNS and DNSSEC stages' state of one job (j->dns). */
struct dns {
	ldns_rdf *probed;		/* apex or www.apex */
	struct dq *dqs[DNS_MAX_QUERIES];
	unsigned ndq;
	unsigned pending;
	int apex_rcode;			/* of the apex A query, -1 not known */
	int apex_qstatus;		/* enum query_status of it */
	bool a_done, aaaa_done, www_sent, www_a_done, www_aaaa_done;
	bool host_followups_sent;
	int a_count, aaaa_count, www_a_count, www_aaaa_count;
	struct query_reply *a_reply, *aaaa_reply, *www_a_reply,
	    *www_aaaa_reply;
	struct query_reply *tlsa_web_reply, *tlsa_mx_reply;
	int tlsa_web_count, tlsa_mx_count;	/* TLSA records in them */
	struct query_reply *ds_reply;	/* the parent's DS answer, when usable */
	struct query_reply *web;	/* the answer the verdict is about
					 * (one of the above), or NULL */
	bool https_apex, https_www;
	int ns_hosts_asked, mx_hosts_asked;
	bool denial_seen;

	/* DNSSEC */
	bool parent_only;		/* the child failed: validate the DS
					 * answer alone (docs/dnssec.md) */
	struct val_job *vj[DNS_MAX_VAL];
	void *va[DNS_MAX_VAL];		/* the done argument of each vj */
	unsigned val_pending;
	enum val_status web_status;
	bool tlsa_web_secure, tlsa_mx_secure;
	bool ds_present;		/* the DS answer had records */
};

static bool dq_reply(void *arg, enum query_status st,
	struct query_reply *r);
static void dns_stage_end(struct job *j);

/* The DNSSEC probe is on (--probes): its columns are measured. */
static bool
dnssec_on(const struct job *j)
{
	return (j->crawl->cfg->probes & PROBE_DNSSEC) != 0;
}

static void
job_error(struct job *j, const char *what)
{
	row_set_str_once(&j->row, SCHEMA_COL_ERROR, what);
}

static void
ask(struct job *j, enum dq_kind kind, const ldns_rdf *name, ldns_rr_type type)
{
	struct dq *d;

	if (j->dns->ndq >= DNS_MAX_QUERIES) {
		job_error(j, "dns: query budget exhausted");
		return;
	}
	d = xcalloc(1, sizeof(*d));
	d->job = j;
	d->kind = kind;
	j->dns->dqs[j->dns->ndq++] = d;
	j->dns->pending++;
	d->q = query_send_reply(j->crawl->qe, name, type, dq_reply, d);
}

/*
 * Denial records in the authority section of a negative answer from the
 * domain's own zone (docs/dnssec.md: `denial` never comes from a zone met
 * on the way).
 */
static void
scan_denial(struct job *j, const struct dnswire_msg *m)
{
	int iterations = 0;

	if (j->dns->denial_seen)
		return;
	switch (dnsanswer_w_denial_scan(m, ldns_rdf_data(j->apex),
	    ldns_rdf_size(j->apex), &iterations)) {
	case DNSANSWER_DENIAL_NSEC3:
		row_set_str(&j->row, SCHEMA_COL_DENIAL, "nsec3");
		row_set_i32(&j->row, SCHEMA_COL_NSEC3_ITERATIONS, iterations);
		j->dns->denial_seen = true;
		break;
	case DNSANSWER_DENIAL_NSEC:
		row_set_str(&j->row, SCHEMA_COL_DENIAL, "nsec");
		j->dns->denial_seen = true;
		break;
	case DNSANSWER_DENIAL_NONE:
		break;
	}
}

/* The apex A query's outcome. */
static enum dns_outcome
apex_outcome(enum query_status st, int rcode)
{
	if (st == QUERY_TIMEOUT)
		return DNS_OUT_TIMEOUT;
	if (st != QUERY_OK)
		return DNS_OUT_ERROR;
	switch (rcode) {
	case LDNS_RCODE_NOERROR:
		return DNS_OUT_OK;
	case LDNS_RCODE_NXDOMAIN:
		return DNS_OUT_NXDOMAIN;
	case LDNS_RCODE_SERVFAIL:
		return DNS_OUT_SERVFAIL;
	case LDNS_RCODE_REFUSED:
		return DNS_OUT_REFUSED;
	default:
		return DNS_OUT_ERROR;
	}
}

const char *
dnsprobe_outcome_str(enum dns_outcome o)
{
	switch (o) {
	case DNS_OUT_OK:
		return "ok";
	case DNS_OUT_NXDOMAIN:
		return "nxdomain";
	case DNS_OUT_SERVFAIL:
		return "servfail";
	case DNS_OUT_REFUSED:
		return "refused";
	case DNS_OUT_ERROR:
		return "error";
	case DNS_OUT_NONE:
	case DNS_OUT_TIMEOUT:
		break;
	}
	return "timeout";
}

/* Cancel the job's queries in flight, but the DS query if keep_ds. */
static void
cancel_all(struct job *j, bool keep_ds)
{
	unsigned i;

	for (i = 0; i < j->dns->ndq; i++) {
		struct dq *d = j->dns->dqs[i];

		if (keep_ds && d->kind == DQ_DS)
			continue;
		if (!d->done) {
			query_cancel(d->q);
			d->done = true;
			j->dns->pending--;
		}
	}
}

static void
host_followups(struct job *j)
{
	ldns_rdf *tlsa;

	if (j->dns->host_followups_sent)
		return;
	j->dns->host_followups_sent = true;
	/* DANE needs a secure TLSA answer: without the validator, no ask. */
	if (!dnssec_on(j) || j->crawl->val == NULL)
		return;
	tlsa = dnsanswer_sub_name(j->dns->probed, "_443._tcp");
	if (tlsa != NULL) {
		ask(j, DQ_TLSA_WEB, tlsa, LDNS_RR_TYPE_TLSA);
		ldns_rdf_deep_free(tlsa);
	}
}

/* Both apex address answers are in: probe the apex, or ask www. */
static void
apex_addresses_known(struct job *j)
{
	ldns_rdf *www;

	if (j->dns->a_count + j->dns->aaaa_count > 0) {
		host_followups(j);
		return;
	}
	www = dnsanswer_sub_name(j->apex, "www");
	if (www == NULL) {
		host_followups(j);
		return;
	}
	j->dns->www_sent = true;
	ask(j, DQ_WWW_A, www, LDNS_RR_TYPE_A);
	ask(j, DQ_WWW_AAAA, www, LDNS_RR_TYPE_AAAA);
	ask(j, DQ_WWW_HTTPS, www, LDNS_RR_TYPE_HTTPS);
	ldns_rdf_deep_free(www);
}

static void
www_known(struct job *j)
{
	if (j->dns->www_a_count + j->dns->www_aaaa_count > 0) {
		ldns_rdf_deep_free(j->dns->probed);
		j->dns->probed = dnsanswer_sub_name(j->apex, "www");
	}
	host_followups(j);
}

struct mxent {
	uint16_t pref;
	const ldns_rdf *host;
};

static int
mx_cmp(const void *a, const void *b)
{
	const struct mxent *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return ldns_dname_compare(x->host, y->host);
}

/* The hosts named qn (one name may be listed more than once) have AAAA:
 * the fact, with the first JOB_HOST_V6 addresses (the servers stage). */
static void
host_has_v6(struct job_host *h, unsigned n, const struct dnsanswer_wname *qn,
	const struct dnswire_msg *m)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!dnsanswer_wname_equal(ldns_rdf_data(h[i].name),
		    ldns_rdf_size(h[i].name), qn->b, qn->len))
			continue;
		h[i].v6 = true;
		h[i].nv6addr += (unsigned)dnsanswer_w_addrs(m, qn->b, qn->len,
		    LDNS_RR_TYPE_AAAA, &h[i].v6addr[h[i].nv6addr],
		    JOB_HOST_V6 - h[i].nv6addr);
	}
}

/* The name in an NS or MX record's rdata as an ldns name (the caller's),
 * or NULL when the record has none (empty rdata). */
static ldns_rdf *
rr_host(const struct dnswire_msg *m, const struct dnswire_rr *rr,
	uint16_t *pref)
{
	uint8_t name[DNSWIRE_MAX_NAME];
	size_t len = 0;

	if (!dnswire_rdata_name(m, rr, name, &len, pref))
		return NULL;
	return ldns_dname_new_frm_data((uint16_t)len, name);
}

static void
on_ns(struct job *j, const struct dnswire_msg *m)
{
	struct dnswire_rr rrs[DNS_MAX_HOSTS];
	size_t i, n = dnsanswer_w_rrs(m, ldns_rdf_data(j->apex),
	    ldns_rdf_size(j->apex), LDNS_RR_TYPE_NS, rrs, DNS_MAX_HOSTS);

	row_set_i32(&j->row, SCHEMA_COL_NS_COUNT, (int32_t)n);
	row_set_bool(&j->row, SCHEMA_COL_IPV6_NS, false);
	for (i = 0; i < n && (int)i < DNS_MAX_HOSTS; i++) {
		ldns_rdf *host = rr_host(m, &rrs[i], NULL);

		if (host == NULL)
			continue;
		j->dns->ns_hosts_asked++;
		if (j->facts.nns < JOB_MAX_HOSTS)
			j->facts.ns[j->facts.nns++].name =
			    ldns_rdf_clone(host);
		ask(j, DQ_NS_AAAA, host, LDNS_RR_TYPE_AAAA);
		ldns_rdf_deep_free(host);
	}
}

static void
on_mx(struct job *j, const struct dnswire_msg *msg)
{
	struct dnswire_rr rrs[DNS_MAX_MX_RRS];
	size_t i, n = dnsanswer_w_rrs(msg, ldns_rdf_data(j->apex),
	    ldns_rdf_size(j->apex), LDNS_RR_TYPE_MX, rrs, DNS_MAX_MX_RRS),
	    m = 0;
	struct mxent ent[DNS_MAX_HOSTS];

	row_set_i32(&j->row, SCHEMA_COL_MX_COUNT, (int32_t)n);
	for (i = 0; i < n && i < DNS_MAX_MX_RRS && m < DNS_MAX_HOSTS; i++) {
		ldns_rdf *host = rr_host(msg, &rrs[i], &ent[m].pref);

		if (host == NULL)
			continue;
		ent[m].host = host;
		m++;
	}
	if (m > 0) {
		ldns_rdf *tlsa;

		qsort(ent, m, sizeof(ent[0]), mx_cmp);
		row_set_bool(&j->row, SCHEMA_COL_IPV6_MX, false);
		for (i = 0; i < m; i++) {
			if (j->facts.nmx < JOB_MAX_HOSTS) {
				struct job_host *h =
				    &j->facts.mx[j->facts.nmx++];

				h->name = ldns_rdf_clone(ent[i].host);
				h->pref = ent[i].pref;
			}
			j->dns->mx_hosts_asked++;
			ask(j, DQ_MX_AAAA, ent[i].host, LDNS_RR_TYPE_AAAA);
		}
		tlsa = dnssec_on(j) && j->crawl->val != NULL ?
		    dnsanswer_sub_name(ent[0].host, "_25._tcp") : NULL;
		if (tlsa != NULL) {
			ask(j, DQ_TLSA_MX, tlsa, LDNS_RR_TYPE_TLSA);
			ldns_rdf_deep_free(tlsa);
		}
	}
	for (i = 0; i < m; i++)
		ldns_rdf_deep_free((ldns_rdf *)ent[i].host);
}

static void
on_txt_apex(struct job *j, const struct dnswire_msg *m)
{
	struct dnsanswer_txts t;

	size_t i;

	dnsanswer_w_txts_load(&t, m, ldns_rdf_data(j->apex),
	    ldns_rdf_size(j->apex));
	row_set_str(&j->row, SCHEMA_COL_SPF,
	    mailpol_spf((const char *const *)t.s, t.len, t.n));
	/* The fact for the spf stage: the v=spf1 records (RFC 7208 4.5). */
	j->facts.spf_known = true;
	for (i = 0; i < t.n; i++) {
		if (!spf_is_record(t.s[i], t.len[i]))
			continue;
		if (j->facts.spf_count++ == 0) {
			j->facts.spf_text = xmalloc(t.len[i] + 1);
			memcpy(j->facts.spf_text, t.s[i], t.len[i]);
			j->facts.spf_text[t.len[i]] = '\0';
			j->facts.spf_len = t.len[i];
		}
	}
	dnsanswer_txts_free(&t);
}

static void
on_txt_policy(struct job *j, const struct dnswire_msg *m,
	const struct dnsanswer_wname *qname, enum dq_kind kind)
{
	struct dnsanswer_txts t;
	size_t i;
	bool found = false;

	dnsanswer_w_txts_load(&t, m, qname->b, qname->len);
	if (kind == DQ_DMARC) {
		row_set_str(&j->row, SCHEMA_COL_DMARC,
		    mailpol_dmarc((const char *const *)t.s, t.len, t.n));
		dnspolicy_dmarc_fact(&j->facts, &t);
	} else {
		/* The facts for the mail stage, which writes mta_sts_mode and
		 * tlsrpt_valid (their null rules are the mail columns'). */
		if (kind == DQ_MTASTS) {
			j->facts.mta_sts_record = mailpol_mta_sts_record(
			    (const char *const *)t.s, t.len, t.n);
		} else {
			enum mailpol_tlsrpt v = mailpol_tlsrpt(
			    (const char *const *)t.s, t.len, t.n);

			j->facts.have_tlsrpt = v != MAILPOL_TLSRPT_ABSENT;
			j->facts.tlsrpt_valid = v == MAILPOL_TLSRPT_VALID;
		}
		for (i = 0; i < t.n; i++) {
			if (kind == DQ_MTASTS ?
			    mailpol_is_mta_sts(t.s[i], t.len[i]) :
			    mailpol_is_tlsrpt(t.s[i], t.len[i]))
				found = true;
		}
		row_set_bool(&j->row, kind == DQ_MTASTS ?
		    SCHEMA_COL_MTA_STS : SCHEMA_COL_TLSRPT, found);
	}
	dnsanswer_txts_free(&t);
}

/*
 * The sorted distinct values of the one-octet field at rdata index 2 of the
 * apex's records of type t (DS: digest type; DNSKEY: algorithm) into col,
 * which stays null without records.  Returns the number of records.
 */
static size_t
apex_field_list(struct job *j, const struct dnswire_msg *m, ldns_rr_type t,
	enum schema_col col)
{
	char buf[DNSANSWER_FIELD_LIST_LEN];
	size_t n = dnsanswer_w_field_list(m, ldns_rdf_data(j->apex),
	    ldns_rdf_size(j->apex), t, buf, sizeof(buf));

	if (n > 0)
		row_set_str(&j->row, col, buf);
	return n;
}

static const ldns_rdf *
dq_qname(const ldns_pkt *p)
{
	return ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0));
}

/*
 * The apex A's outcome is the domain's dns_status.  False when the apex
 * did not resolve: the other queries are cancelled then.
 */
static bool
on_apex_status(struct job *j, enum query_status st,
	const struct query_reply *r)
{
	j->dns->apex_qstatus = st;
	j->dns->apex_rcode = st == QUERY_OK ? (int)query_reply_msg(r)->rcode :
	    -1;
	j->facts.dns = apex_outcome(st, j->dns->apex_rcode);
	row_set_str(&j->row, SCHEMA_COL_DNS_STATUS,
	    dnsprobe_outcome_str(j->facts.dns));
	if (j->dns->apex_rcode == LDNS_RCODE_NOERROR)
		return true;
	if (st != QUERY_OK)
		job_error(j, st == QUERY_TIMEOUT ? "dns: apex A timed out" :
		    "dns: apex A failed");
	/* The name exists in its parent but its own servers failed (lame):
	 * the parent's DS answer is a fact of its own, so that query is
	 * left to finish. */
	cancel_all(j, j->dns->apex_rcode != LDNS_RCODE_NXDOMAIN);
	return false;
}

/* A query without a usable answer: its facts stay null; the stage goes
 * on. */
static void
on_failed(struct job *j, const struct dq *d, enum query_status st)
{
	if (st != QUERY_OK)
		job_error(j, st == QUERY_TIMEOUT ? "dns: timeout" :
		    "dns: query failed");
	switch (d->kind) {
	case DQ_AAAA:
		j->dns->aaaa_done = true;
		break;
	case DQ_WWW_A:
		j->dns->www_a_done = true;
		break;
	case DQ_WWW_AAAA:
		j->dns->www_aaaa_done = true;
		break;
	default:
		break;
	}
	if (d->kind == DQ_AAAA && j->dns->a_done)
		apex_addresses_known(j);
	if ((d->kind == DQ_WWW_A || d->kind == DQ_WWW_AAAA) &&
	    j->dns->www_a_done && j->dns->www_aaaa_done)
		www_known(j);
}

/*
 * A usable answer (NOERROR or NXDOMAIN): the facts and columns it gives,
 * read through the walker.  Returns true when the reply is kept (the
 * stage frees it).  One case per kind of query, in the order
 * dnsprobe_start asks them; the cases are short, so they stay one table
 * rather than one function each.
 */
static bool
on_answer(struct job *j, const struct dq *d, struct query_reply *r)
{
	const struct dnswire_msg *m = query_reply_msg(r);
	const uint8_t *apex = ldns_rdf_data(j->apex);
	size_t alen = ldns_rdf_size(j->apex);
	struct dnsanswer_wname qn;
	uint16_t qtype = 0;
	bool kept = false;

	/* The engine checked the question: one, the name and type asked. */
	if (!dnsanswer_w_question(m, &qn, &qtype))
		return false;
	switch (d->kind) {
	case DQ_A:
		j->dns->a_count = (int)dnsanswer_w_count(m, apex, alen,
		    LDNS_RR_TYPE_A);
		j->dns->a_reply = r;
		kept = true;
		j->dns->a_done = true;
		if (j->dns->aaaa_done)
			apex_addresses_known(j);
		break;
	case DQ_AAAA:
		j->dns->aaaa_count = (int)dnsanswer_w_count(m, apex, alen,
		    LDNS_RR_TYPE_AAAA);
		j->dns->aaaa_reply = r;
		kept = true;
		j->dns->aaaa_done = true;
		if (j->dns->a_done)
			apex_addresses_known(j);
		break;
	case DQ_WWW_A:
		j->dns->www_a_count = (int)dnsanswer_w_count(m, qn.b, qn.len,
		    LDNS_RR_TYPE_A);
		j->dns->www_a_reply = r;
		kept = true;
		j->dns->www_a_done = true;
		if (j->dns->www_aaaa_done)
			www_known(j);
		break;
	case DQ_WWW_AAAA:
		j->dns->www_aaaa_count = (int)dnsanswer_w_count(m, qn.b,
		    qn.len, LDNS_RR_TYPE_AAAA);
		j->dns->www_aaaa_reply = r;
		kept = true;
		j->dns->www_aaaa_done = true;
		if (j->dns->www_a_done)
			www_known(j);
		break;
	case DQ_SOA:
		break;
	case DQ_NS:
		on_ns(j, m);
		break;
	case DQ_MX:
		on_mx(j, m);
		break;
	case DQ_TXT:
		on_txt_apex(j, m);
		break;
	case DQ_CAA: {
		/* The facts dnspolicy_caa_fact gives from an ldns packet. */
		bool issue, iodef;
		size_t n = dnsanswer_w_caa(m, apex, alen, &issue, &iodef);

		row_set_bool(&j->row, SCHEMA_COL_CAA, n > 0);
		j->facts.caa_known = true;
		j->facts.caa_count = (unsigned)n;
		j->facts.caa_issue = issue;
		j->facts.caa_iodef = iodef;
		break;
	}
	case DQ_HTTPS:
		j->dns->https_apex = dnsanswer_w_count(m, apex, alen,
		    LDNS_RR_TYPE_HTTPS) > 0;
		break;
	case DQ_WWW_HTTPS:
		j->dns->https_www = dnsanswer_w_count(m, qn.b, qn.len,
		    LDNS_RR_TYPE_HTTPS) > 0;
		break;
	case DQ_DS:
		j->dns->ds_present = apex_field_list(j, m, LDNS_RR_TYPE_DS,
		    SCHEMA_COL_DS_DIGEST_TYPES) > 0;
		row_set_bool(&j->row, SCHEMA_COL_DS_PRESENT,
		    j->dns->ds_present);
		j->dns->ds_reply = r;
		kept = true;
		break;
	case DQ_DNSKEY:
		apex_field_list(j, m, LDNS_RR_TYPE_DNSKEY,
		    SCHEMA_COL_DNSKEY_ALGORITHMS);
		break;
	case DQ_DMARC:
	case DQ_MTASTS:
	case DQ_TLSRPT:
		on_txt_policy(j, m, &qn, d->kind);
		break;
	case DQ_NS_AAAA:
		if (dnsanswer_w_count(m, qn.b, qn.len, LDNS_RR_TYPE_AAAA) > 0) {
			host_has_v6(j->facts.ns, j->facts.nns, &qn, m);
			row_set_bool(&j->row, SCHEMA_COL_IPV6_NS, true);
		}
		break;
	case DQ_MX_AAAA:
		if (dnsanswer_w_count(m, qn.b, qn.len, LDNS_RR_TYPE_AAAA) > 0) {
			host_has_v6(j->facts.mx, j->facts.nmx, &qn, m);
			row_set_bool(&j->row, SCHEMA_COL_IPV6_MX, true);
		}
		break;
	case DQ_TLSA_WEB:
		j->dns->tlsa_web_reply = r;
		j->dns->tlsa_web_count = (int)dnsanswer_w_count(m, qn.b,
		    qn.len, LDNS_RR_TYPE_TLSA);
		kept = true;
		break;
	case DQ_TLSA_MX:
		j->dns->tlsa_mx_reply = r;
		j->dns->tlsa_mx_count = (int)dnsanswer_w_count(m, qn.b,
		    qn.len, LDNS_RR_TYPE_TLSA);
		kept = true;
		break;
	case DQ_NX:
		break;
	}
	/* Authenticated denial as served by the domain's own zone: from
	 * negative answers for names under the apex (not DS, which the
	 * parent answers, nor NS/MX hosts and the MX's TLSA, which may be
	 * elsewhere), and only when no CNAME led out (scan_denial). */
	if (d->kind != DQ_DS && d->kind != DQ_NS_AAAA &&
	    d->kind != DQ_MX_AAAA && d->kind != DQ_NS &&
	    d->kind != DQ_TLSA_MX) {
		if (dnssec_on(j) && dnsanswer_w_is_negative(m, qn.b, qn.len,
		    qtype))
			scan_denial(j, m);
	}
	return kept;
}

static bool
dq_reply(void *arg, enum query_status st, struct query_reply *r)
{
	struct dq *d = arg;
	struct job *j = d->job;
	bool kept = false;
	bool ok = st == QUERY_OK &&
	    (query_reply_msg(r)->rcode == LDNS_RCODE_NOERROR ||
	    query_reply_msg(r)->rcode == LDNS_RCODE_NXDOMAIN);

	d->done = true;
	j->dns->pending--;
	d->q = NULL;
	/* An apex that did not resolve cancelled the other queries. */
	if (d->kind != DQ_A || on_apex_status(j, st, r)) {
		if (ok)
			kept = on_answer(j, d, r);
		else
			on_failed(j, d, st);
	}
	if (j->dns->pending == 0 && j->stage == JOB_DNS)
		dns_stage_end(j);	/* may free j */
	return kept;
}

bool
dnsprobe_start(struct job *j)
{
	static const struct {
		enum dq_kind kind;
		const char *prefix;
		ldns_rr_type type;
	} apex_q[] = {
		{ DQ_A, NULL, LDNS_RR_TYPE_A },
		{ DQ_AAAA, NULL, LDNS_RR_TYPE_AAAA },
		{ DQ_SOA, NULL, LDNS_RR_TYPE_SOA },
		{ DQ_NS, NULL, LDNS_RR_TYPE_NS },
		{ DQ_MX, NULL, LDNS_RR_TYPE_MX },
		{ DQ_TXT, NULL, LDNS_RR_TYPE_TXT },
		{ DQ_CAA, NULL, LDNS_RR_TYPE_CAA },
		{ DQ_HTTPS, NULL, LDNS_RR_TYPE_HTTPS },
		{ DQ_DS, NULL, LDNS_RR_TYPE_DS },
		{ DQ_DNSKEY, NULL, LDNS_RR_TYPE_DNSKEY },
		{ DQ_DMARC, "_dmarc", LDNS_RR_TYPE_TXT },
		{ DQ_MTASTS, "_mta-sts", LDNS_RR_TYPE_TXT },
		{ DQ_TLSRPT, "_smtp._tls", LDNS_RR_TYPE_TXT },
		{ DQ_NX, DNS_DENIAL_PROBE_LABEL, LDNS_RR_TYPE_A },
	};
	size_t i;

	j->dns = xcalloc(1, sizeof(*j->dns));
	j->dns->apex_rcode = -1;
	j->dns->probed = ldns_rdf_clone(j->apex);
	for (i = 0; i < sizeof(apex_q) / sizeof(apex_q[0]); i++) {
		ldns_rdf *name;

		/* DS, DNSKEY and the denial probe fill only DNSSEC columns:
		 * not asked when that probe is left out. */
		if (!dnssec_on(j) && (apex_q[i].kind == DQ_DS ||
		    apex_q[i].kind == DQ_DNSKEY || apex_q[i].kind == DQ_NX))
			continue;
		name = apex_q[i].prefix != NULL ?
		    dnsanswer_sub_name(j->apex, apex_q[i].prefix) :
		    ldns_rdf_clone(j->apex);
		if (name == NULL)
			continue;
		ask(j, apex_q[i].kind, name, apex_q[i].type);
		ldns_rdf_deep_free(name);
	}
	return true;
}

/*
 * The signer of the RRSIGs over the record at the probed name itself: its
 * address RRset, or the CNAME there (whose target may be in another zone,
 * signed by other keys: that signer is not the domain's), or, for a
 * negative answer from the domain's own zone, over its SOA.
 */
static void
set_signer(struct job *j, const ldns_pkt *p, ldns_rr_type t)
{
	const ldns_rdf *qn = dq_qname(p);
	const ldns_rr_list *sec = ldns_pkt_answer(p);
	ldns_rr_type covered = t;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			/* No signed record at the name: a negative answer's
			 * SOA, when the zone answering is the domain's own. */
			for (i = 0; i < ldns_rr_list_rr_count(sec); i++)
				if (ldns_dname_compare(ldns_rr_owner(
				    ldns_rr_list_rr(sec, i)), qn) == 0)
					return;
			if ((qn = dnsanswer_negative_zone(p, j->apex)) == NULL)
				return;
			sec = ldns_pkt_authority(p);
			covered = LDNS_RR_TYPE_SOA;
		}
		for (i = 0; i < ldns_rr_list_rr_count(sec); i++) {
			ldns_rr *rr = ldns_rr_list_rr(sec, i);
			ldns_rr_type tc;
			ldns_rdf *signer;
			char s[DNSANSWER_NAME_TEXT];

			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
			    ldns_rr_rd_count(rr) < 8 ||
			    ldns_dname_compare(ldns_rr_owner(rr), qn) != 0)
				continue;
			tc = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
			if (tc != covered && !(pass == 0 &&
			    tc == LDNS_RR_TYPE_CNAME))
				continue;
			signer = ldns_rr_rrsig_signame(rr);
			dnsanswer_name_text(signer, s, sizeof(s));
			if (s[0] != '\0')
				row_set_str(&j->row, SCHEMA_COL_SIGNER_ZONE, s);
			return;
		}
	}
}

static void val_done(void *arg, const struct val_result *r);
static void dnssec_stage_end(struct job *j);

struct valarg {
	struct job *job;
	int which;		/* 0 web, 1 TLSA web, 2 TLSA MX */
};

/*
 * Validate reply r (its ldns packet, built here: the validator verifies
 * its RRsets with ldns).  A reply the walker accepted and ldns refuses
 * (docs/dns.md, "Where the walker and ldns differ") is not validated:
 * its verdict stays null (not measured).
 */
static void
start_val(struct job *j, int which, struct query_reply *r)
{
	const ldns_pkt *p = query_reply_pkt(r);
	struct valarg *va;
	const ldns_rr *q;
	struct val_job *vj;

	if (p == NULL || ldns_rr_list_rr_count(ldns_pkt_question(p)) < 1)
		return;
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	va = xcalloc(1, sizeof(*va));
	va->job = j;
	va->which = which;
	j->dns->val_pending++;
	j->dns->va[which] = va;
	vj = val_job_start(j->crawl->val, ldns_rr_owner(q),
	    ldns_rr_get_type(q), p, val_done, va);
	if (vj != NULL)
		j->dns->vj[which] = vj;
}

static void
val_done(void *arg, const struct val_result *r)
{
	struct valarg *va = arg;
	struct job *j = va->job;

	j->dns->vj[va->which] = NULL;
	j->dns->va[va->which] = NULL;
	j->dns->val_pending--;
	if (va->which == 0) {
		enum val_status st = r->status;
		enum val_reason rs = r->reason;

		if (j->dns->parent_only && st == VAL_SECURE) {
			/* The parent's DS answer is proven: no DS means an
			 * insecure delegation; a DS means keys that the
			 * child's servers did not give (docs/dnssec.md). */
			bool ds = j->dns->ds_present;

			st = ds ? VAL_INDETERMINATE : VAL_INSECURE;
			rs = ds ? VAL_REASON_NO_RESPONSE : VAL_REASON_NO_DS;
		}
		j->dns->web_status = st;
		j->facts.have_dnssec = true;
		j->facts.dnssec = st;
		row_set_str(&j->row, SCHEMA_COL_DNSSEC_STATUS,
		    val_status_str(st));
		row_set_str(&j->row, SCHEMA_COL_DNSSEC_REASON,
		    val_reason_str(rs));
	} else if (va->which == 1) {
		j->dns->tlsa_web_secure = r->status == VAL_SECURE;
	} else {
		j->dns->tlsa_mx_secure = r->status == VAL_SECURE;
	}
	free(va);
	if (j->dns->val_pending == 0 && j->stage == JOB_DNSSEC) {
		dnssec_stage_end(j);
		j->stage_done(j);	/* may free j */
	}
}

/* The web host's TLSA records, for the web stage's DANE check. */
static void
keep_tlsa_web(struct job *j, struct query_reply *r)
{
	struct tls_tlsa *t = j->facts.tlsa_web;
	/* The records' fields through ldns: a packet is built only for an
	 * answer that has TLSA records. */
	const ldns_pkt *p = j->dns->tlsa_web_count > 0 ? query_reply_pkt(r) :
	    NULL;
	size_t i, n = p != NULL ? dnsanswer_tlsa(p, dq_qname(p), t,
	    JOB_MAX_TLSA) : 0;

	/* The packet is freed with the DNS stage: the facts own copies. */
	for (i = 0; i < n; i++) {
		uint8_t *copy = xmalloc(t[i].len ? t[i].len : 1);

		memcpy(copy, t[i].data, t[i].len);
		t[i].data = copy;
	}
	j->facts.ntlsa_web = n;
	j->facts.tlsa_web_secure = j->dns->tlsa_web_secure;
}

/* Every verdict is in: the columns that need them. */
static void
dnssec_stage_end(struct job *j)
{
	/* DANE: a TLSA RRset that validates secure. */
	if (j->facts.nmx > 0 && j->dns->tlsa_mx_reply != NULL)
		row_set_bool(&j->row, SCHEMA_COL_DANE_MX,
		    j->dns->tlsa_mx_count > 0 && j->dns->tlsa_mx_secure);
	if (j->dns->tlsa_web_reply != NULL)
		keep_tlsa_web(j, j->dns->tlsa_web_reply);
	if ((j->facts.have_web[NETADDR_V4] || j->facts.have_web[NETADDR_V6]) &&
	    j->dns->tlsa_web_reply != NULL)
		row_set_bool(&j->row, SCHEMA_COL_DANE_WEB,
		    j->dns->tlsa_web_count > 0 && j->dns->tlsa_web_secure);
}

/* The addresses answering qname: the first one is the fact and its
 * column; every one (to JOB_MAX_WEB_ADDRS) goes to the servers stage's
 * web_rov_all. */
static void
set_first_addr(struct job *j, const struct query_reply *r,
	enum netaddr_af af, enum schema_col col)
{
	const struct dnswire_msg *m = query_reply_msg(r);
	struct netaddr a[JOB_MAX_WEB_ADDRS];
	struct dnsanswer_wname qn;
	uint16_t qt;
	size_t k, n = 0;
	char s[NETADDR_STRLEN];

	if (dnsanswer_w_question(m, &qn, &qt))
		n = dnsanswer_w_addrs(m, qn.b, qn.len, af == NETADDR_V4 ?
		    LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA, a, JOB_MAX_WEB_ADDRS);

	for (k = 0; k < n && j->facts.nweb_all < JOB_MAX_WEB_ADDRS; k++)
		j->facts.web_all[j->facts.nweb_all++] = a[k];
	if (n == 0)
		return;
	j->facts.web[af] = a[0];
	j->facts.have_web[af] = true;
	netaddr_format(&a[0], s, sizeof(s));
	row_set_str(&j->row, col, s);
}

static void
dns_stage_end(struct job *j)
{
	struct query_reply *pa, *p6, *web;
	int na, n6;
	bool use_www;
	char probed[DNSANSWER_NAME_TEXT];
	int c;

	if (j->dns->apex_rcode != LDNS_RCODE_NOERROR) {
		bool lame = j->dns->apex_rcode != LDNS_RCODE_NXDOMAIN;

		/* The domain did not resolve: nothing of its own zone was
		 * measured, even if some answers came in before the apex A's.
		 * What its parent says of it (DS, or its proven absence) is
		 * measured whatever the child does; a name that does not
		 * exist has no zone to describe. */
		for (c = 0; c < SCHEMA_COL_COUNT; c++) {
			switch (c) {
			case SCHEMA_COL_INPUT_INDEX:
			case SCHEMA_COL_DOMAIN:
			case SCHEMA_COL_LIST:
			case SCHEMA_COL_RANK:
			case SCHEMA_COL_DNS_STATUS:
			case SCHEMA_COL_ERROR:
				break;
			case SCHEMA_COL_DS_PRESENT:
			case SCHEMA_COL_DS_DIGEST_TYPES:
				if (lame)
					break;
				/* fall through */
			default:
				row_set_null(&j->row, (enum schema_col)c);
			}
		}
		/* The DNSSEC stage judges the parent's answer alone. */
		j->dns->parent_only = lame;
		j->stage_done(j);	/* may free j */
		return;
	}
	/* The apex resolved: the parent's DS answer was needed only for a
	 * verdict without the child (dnssecprobe_start). */
	query_reply_free(j->dns->ds_reply);
	j->dns->ds_reply = NULL;
	use_www = j->dns->www_sent && j->dns->www_a_count + j->dns->www_aaaa_count > 0;
	pa = use_www ? j->dns->www_a_reply : j->dns->a_reply;
	p6 = use_www ? j->dns->www_aaaa_reply : j->dns->aaaa_reply;
	na = use_www ? j->dns->www_a_count : j->dns->a_count;
	n6 = use_www ? j->dns->www_aaaa_count : j->dns->aaaa_count;

	j->facts.probed = ldns_rdf_clone(j->dns->probed);
	dnsanswer_name_text(j->dns->probed, probed, sizeof(probed));
	if (probed[0] != '\0')
		row_set_str(&j->row, SCHEMA_COL_PROBED_HOST, probed);
	if (pa != NULL) {
		row_set_i32(&j->row, SCHEMA_COL_A_COUNT, na);
		set_first_addr(j, pa, NETADDR_V4, SCHEMA_COL_WEB_IPV4);
	}
	if (p6 != NULL) {
		row_set_i32(&j->row, SCHEMA_COL_AAAA_COUNT, n6);
		row_set_bool(&j->row, SCHEMA_COL_IPV6_WEB, n6 > 0);
		set_first_addr(j, p6, NETADDR_V6, SCHEMA_COL_WEB_IPV6);
	}
	row_set_bool(&j->row, SCHEMA_COL_HTTPS_RR,
	    use_www ? j->dns->https_www : j->dns->https_apex);

	/* The answer the verdict is about: the probed host's addresses, or
	 * the negative answer for its A when it has none. */
	web = na > 0 ? pa : n6 > 0 ? p6 : j->dns->a_reply;
	j->dns->web = web;
	/* The signer is read through ldns: the validator needs this
	 * answer's packet anyway. */
	if (web != NULL && dnssec_on(j) && query_reply_pkt(web) != NULL)
		set_signer(j, query_reply_pkt(web), na > 0 ? LDNS_RR_TYPE_A :
		    n6 > 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A);
	j->stage_done(j);	/* may free j */
}


bool
dnssecprobe_start(struct job *j)
{
	struct dns *d = j->dns;

	if (d == NULL || !dnssec_on(j) || j->crawl->val == NULL)
		return false;
	/* Count all validations first, so that one finishing at once (a
	 * cache hit) does not end the stage early. */
	d->val_pending = 1;
	if (d->apex_rcode != LDNS_RCODE_NOERROR) {
		/* Lame: the verdict that follows from the parent's answer. */
		if (d->parent_only && d->ds_reply != NULL)
			start_val(j, 0, d->ds_reply);
	} else if (d->web != NULL) {
		start_val(j, 0, d->web);
		if (d->tlsa_web_reply != NULL && d->tlsa_web_count > 0)
			start_val(j, 1, d->tlsa_web_reply);
		if (d->tlsa_mx_reply != NULL && d->tlsa_mx_count > 0)
			start_val(j, 2, d->tlsa_mx_reply);
	}
	if (--d->val_pending > 0)
		return true;
	dnssec_stage_end(j);	/* every validation already done, or none */
	return false;
}

void
dnsprobe_abort(struct job *j)
{
	unsigned i;

	if (j->dns == NULL)
		return;
	cancel_all(j, false);
	for (i = 0; i < DNS_MAX_VAL; i++) {
		if (j->dns->vj[i] != NULL) {
			/* A cancelled job's done is never called: its
			 * argument is ours to free. */
			val_job_cancel(j->dns->vj[i]);
			j->dns->vj[i] = NULL;
			free(j->dns->va[i]);
			j->dns->va[i] = NULL;
		}
	}
}

void
dnsprobe_fini(struct job *j)
{
	unsigned i;

	if (j->dns == NULL)
		return;
	for (i = 0; i < j->dns->ndq; i++)
		free(j->dns->dqs[i]);
	j->dns->ndq = 0;
	query_reply_free(j->dns->a_reply);
	query_reply_free(j->dns->aaaa_reply);
	query_reply_free(j->dns->www_a_reply);
	query_reply_free(j->dns->www_aaaa_reply);
	query_reply_free(j->dns->tlsa_web_reply);
	query_reply_free(j->dns->tlsa_mx_reply);
	query_reply_free(j->dns->ds_reply);
	ldns_rdf_deep_free(j->dns->probed);
	free(j->dns);
	j->dns = NULL;
}

/* --- the validator's queries ---------------------------------------------- */

/*
 * The validator asks for DS and DNSKEY through the crawl's resolver engine,
 * like the probe's own queries.  Those still outstanding when the crawl
 * stops (a signal) are on c->vqs, so that dnsprobe_val_queries_free
 * releases them: the engine frees its queries without calling back.
 */
struct vq {
	struct crawl *c;
	struct val_job *vj;
	uint32_t token;
	LIST_ENTRY(vq) link;		/* in c->vqs */
};

static bool
vq_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct vq *v = arg;

	LIST_REMOVE(v, link);
	val_job_deliver(v->vj, v->token, st == QUERY_OK ? p : NULL);
	free(v);
	return false;
}

void
dnsprobe_val_query(void *arg, struct val_job *job, uint32_t token,
	const ldns_rdf *name, ldns_rr_type type)
{
	struct crawl *c = arg;
	struct vq *v = xcalloc(1, sizeof(*v));

	v->c = c;
	v->vj = job;
	v->token = token;
	LIST_INSERT_HEAD(&c->vqs, v, link);
	query_send(c->qe, name, type, vq_reply, v);
}

void
dnsprobe_val_queries_free(struct crawl *c)
{
	struct vq *v;

	while ((v = LIST_FIRST(&c->vqs)) != NULL) {
		LIST_REMOVE(v, link);
		free(v);
	}
}
