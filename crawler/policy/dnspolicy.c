/*
 * dnspolicy.c - the dnspolicy stage (dnspolicy.h): DMARC with the
 * organisational domain's record, the DKIM hint, the CAA tree.
 *
 * Every query of the stage is sent at its start, in parallel: the
 * organisational domain's _dmarc TXT (when DOMAIN has no DMARC record and
 * the answer is not in the crawl's cache), _domainkey.DOMAIN's TXT, and
 * (when the apex has no CAA record) the CAA of every parent up to the TLD;
 * the columns are written when the last answer is in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "crawl.h"
#include "dmarc.h"
#include "dname.h"
#include "dnsanswer.h"
#include "dnspolicy.h"
#include "job.h"
#include "query.h"
#include "regdom.h"
#include "row.h"
#include "schema.h"
#include "util.h"

/* Parents of a name whose CAA sets are asked (RFC 8659 3 climbs to the
 * TLD): a name has at most 127 labels, a real one under ten; a deeper
 * name's CAA columns stay null rather than cost more queries. */
#define DNSPOLICY_MAX_PARENTS 16
/* Organisational domains whose _dmarc answer the crawl keeps (many
 * listed subdomains share one): 16,384 entries of a name and a record
 * text (at most DMARC_MAX_RECORD, about 100 bytes in practice); a full
 * cache keeps what it has and asks the resolver for the rest. */
#define DNSPOLICY_ORG_CACHE_MAX 16384
/* Hash buckets of that cache: a power of two, a quarter of its size. */
#define DNSPOLICY_ORG_BUCKETS 4096

/* --- the crawl's cache of organisational domains' DMARC answers ------ */

struct org_entry {
	struct org_entry *next;
	char *name;			/* the organisational domain */
	unsigned count;			/* DMARC records at _dmarc.NAME */
	char *text;			/* the one record (count == 1) */
	size_t len;
};

struct dnspolicy_ctx {
	struct org_entry *bucket[DNSPOLICY_ORG_BUCKETS];
	size_t entries;
	uint64_t org_asked;		/* _dmarc.ORG queries sent */
	uint64_t org_cached;		/* answered from the cache */
	uint64_t caa_asked;		/* parents' CAA queries */
};

static size_t
org_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (DNSPOLICY_ORG_BUCKETS - 1);
}

static const struct org_entry *
org_find(const struct dnspolicy_ctx *c, const char *name)
{
	const struct org_entry *e;

	for (e = c->bucket[org_hash(name)]; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void
org_put(struct dnspolicy_ctx *c, const char *name, unsigned count,
    const char *text, size_t len)
{
	struct org_entry *e;
	size_t b = org_hash(name);

	if (c->entries >= DNSPOLICY_ORG_CACHE_MAX || org_find(c, name) != NULL)
		return;
	e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(name);
	e->count = count;
	if (text != NULL) {
		e->text = xmalloc(len ? len : 1);
		memcpy(e->text, text, len);
		e->len = len;
	}
	e->next = c->bucket[b];
	c->bucket[b] = e;
	c->entries++;
}

struct dnspolicy_ctx *
dnspolicy_ctx_new(void)
{
	return xcalloc(1, sizeof(struct dnspolicy_ctx));
}

void
dnspolicy_ctx_free(struct dnspolicy_ctx *c)
{
	size_t b;

	if (c == NULL)
		return;
	for (b = 0; b < DNSPOLICY_ORG_BUCKETS; b++) {
		struct org_entry *e = c->bucket[b], *n;

		for (; e != NULL; e = n) {
			n = e->next;
			free(e->name);
			free(e->text);
			free(e);
		}
	}
	free(c);
}

void
dnspolicy_ctx_summary(const struct dnspolicy_ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "dnspolicy: %llu organisational _dmarc queries "
	    "(%llu answered from the cache of %zu), %llu parent CAA queries",
	    (unsigned long long)c->org_asked,
	    (unsigned long long)c->org_cached, c->entries,
	    (unsigned long long)c->caa_asked);
}

/* --- the DNS stage's facts ------------------------------------------- */

void
dnspolicy_dmarc_fact(struct job_facts *f, const struct dnsanswer_txts *t)
{
	size_t which = 0;

	f->dmarc_known = true;
	f->dmarc_count = (unsigned)dmarc_select((const char *const *)t->s,
	    t->len, t->n, &which);
	free(f->dmarc_text);
	f->dmarc_text = NULL;
	f->dmarc_len = 0;
	if (f->dmarc_count == 1) {
		f->dmarc_len = t->len[which];
		f->dmarc_text = xmalloc(f->dmarc_len ? f->dmarc_len : 1);
		memcpy(f->dmarc_text, t->s[which], f->dmarc_len);
	}
}

/* The CAA records answering qname in p (CNAMEs followed): how many, and
 * whether issue and iodef properties are among them. */
static unsigned
caa_scan(const ldns_pkt *p, const ldns_rdf *qname, bool *issue, bool *iodef)
{
	ldns_rr_list *l = dnsanswer_rrs(p, qname, LDNS_RR_TYPE_CAA, NULL);
	size_t i, n = ldns_rr_list_rr_count(l);

	*issue = *iodef = false;
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (dnsanswer_caa_tag_is(rr, "issue"))
			*issue = true;
		if (dnsanswer_caa_tag_is(rr, "iodef"))
			*iodef = true;
	}
	ldns_rr_list_free(l);
	return (unsigned)n;
}

void
dnspolicy_caa_fact(struct job_facts *f, const ldns_pkt *p,
    const ldns_rdf *qname)
{
	f->caa_known = true;
	f->caa_count = caa_scan(p, qname, &f->caa_issue, &f->caa_iodef);
}

/* --- the stage -------------------------------------------------------- */

enum dpq_kind { DPQ_ORG, DPQ_DKIM, DPQ_CAA };

struct dnspolicy;

struct dpq {
	struct dnspolicy *d;
	enum dpq_kind kind;
	unsigned idx;			/* DPQ_CAA: the parent, 0 closest */
	struct query *q;
};

/* A parent's CAA answer. */
struct caa_at {
	int state;			/* -1 failed, 0 no records, 1 records */
	bool issue, iodef;
};

struct dnspolicy {
	struct job *j;
	unsigned pending;
	struct dpq org, dkim, caa[DNSPOLICY_MAX_PARENTS];
	unsigned ncaa;			/* parents asked */
	bool caa_deep;			/* more parents than asked */
	char org_name[DNAME_BUF_SIZE];
	bool org_asked;
	int org_state;			/* -1 failed, 1 answered */
	unsigned org_count;
	char *org_text;			/* owned */
	size_t org_len;
	int dkim_state;			/* -1 failed, 0 NXDOMAIN, 1 NOERROR */
	struct caa_at at[DNSPOLICY_MAX_PARENTS];
};

bool
dnspolicy_wanted(const struct job *j)
{
	return j->crawl->dnspolicy != NULL && j->facts.dns == DNS_OUT_OK &&
	    !j->crawl->stopping;
}

static void
set_policy(struct row *row, enum schema_col col, enum dmarc_policy p)
{
	if (dmarc_policy_str(p) != NULL)
		row_set_str(row, col, dmarc_policy_str(p));
}

/* A mailto: destination outside DOMAIN's organisational domain (RFC 7489
 * 7.1).  Only the URIs kept (DMARC_MAX_URIS per tag) are looked at. */
static int
external(const struct job *j, const struct dmarc_record *r, const char *org)
{
	const struct regdom *rd = j->crawl->regdom;
	char h[DNAME_BUF_SIZE];
	unsigned i;
	int tag;

	if (rd == NULL)
		return -1;
	for (tag = 0; tag < 2; tag++) {
		const struct dmarc_uri *u = tag == 0 ? r->rua : r->ruf;
		unsigned n = tag == 0 ? r->rua_kept : r->ruf_kept;

		for (i = 0; i < n; i++) {
			if (!u[i].mailto)
				continue;
			regdom_map(rd, u[i].host, h, sizeof(h));
			if (strcmp(h, org) != 0)
				return 1;
		}
	}
	return 0;
}

/* The DMARC columns from the record that applies (RFC 7489 6.6.3). */
static void
write_dmarc(struct dnspolicy *d)
{
	struct job *j = d->j;
	const struct job_facts *f = &j->facts;
	struct row *row = &j->row;
	struct dmarc_record r;
	enum dmarc_error e;
	const char *text;
	size_t len;
	unsigned count;
	bool org;
	int ext;

	if (!f->dmarc_known)
		return;			/* the DNS stage's query failed */
	if (f->dmarc_count > 0) {
		org = false;
		count = f->dmarc_count;
		text = f->dmarc_text, len = f->dmarc_len;
	} else if (!d->org_asked) {
		if (d->org_name[0] == '\0')
			return;		/* no Public Suffix List */
		row_set_str(row, SCHEMA_COL_DMARC_SOURCE, "none");
		return;
	} else {
		if (d->org_state != 1)
			return;		/* the organisational query failed */
		org = true;
		count = d->org_count;
		text = d->org_text, len = d->org_len;
	}
	if (count == 0) {
		row_set_str(row, SCHEMA_COL_DMARC_SOURCE, "none");
		return;
	}
	row_set_str(row, SCHEMA_COL_DMARC_SOURCE, org ? "organisational" :
	    "domain");
	if (count > 1) {
		row_set_str(row, SCHEMA_COL_DMARC_ERROR,
		    dmarc_error_str(DMARC_ERR_MULTIPLE));
		return;
	}
	e = dmarc_parse(text, len, &r);
	if (e != DMARC_OK)
		row_set_str(row, SCHEMA_COL_DMARC_ERROR, dmarc_error_str(e));
	if (r.applies)
		set_policy(row, SCHEMA_COL_DMARC_POLICY, org ? r.sub_policy :
		    r.policy);
	set_policy(row, SCHEMA_COL_DMARC_SP, r.sp);
	row_set_i32(row, SCHEMA_COL_DMARC_PCT, r.pct);
	row_set_str(row, SCHEMA_COL_DMARC_ADKIM, r.adkim == 's' ? "s" : "r");
	row_set_str(row, SCHEMA_COL_DMARC_ASPF, r.aspf == 's' ? "s" : "r");
	row_set_i32(row, SCHEMA_COL_DMARC_RUA, (int32_t)r.nrua);
	row_set_i32(row, SCHEMA_COL_DMARC_RUF, (int32_t)r.nruf);
	if (d->org_name[0] != '\0' &&
	    (ext = external(j, &r, d->org_name)) >= 0)
		row_set_bool(row, SCHEMA_COL_DMARC_EXTERNAL, ext == 1);
}

/* The CAA columns: the apex's set, else the closest parent's. */
static void
write_caa(struct dnspolicy *d)
{
	const struct job_facts *f = &d->j->facts;
	struct row *row = &d->j->row;
	bool issue = false, iodef = false, inherited = false;
	unsigned i;

	if (!f->caa_known)
		return;
	if (f->caa_count > 0) {
		issue = f->caa_issue;
		iodef = f->caa_iodef;
	} else {
		if (d->caa_deep)
			return;
		for (i = 0; i < d->ncaa; i++) {
			if (d->at[i].state < 0)
				return;	/* a closer answer is not known */
			if (d->at[i].state == 1) {
				issue = d->at[i].issue;
				iodef = d->at[i].iodef;
				inherited = true;
				break;
			}
		}
	}
	row_set_bool(row, SCHEMA_COL_CAA_ISSUE, issue);
	row_set_bool(row, SCHEMA_COL_CAA_IODEF, iodef);
	row_set_bool(row, SCHEMA_COL_CAA_INHERITED, inherited);
}

static void
finish(struct dnspolicy *d)
{
	struct job *j = d->j;

	write_dmarc(d);
	if (d->dkim_state >= 0)
		row_set_str(&j->row, SCHEMA_COL_DKIM_HINT,
		    d->dkim_state == 1 ? "maybe" : "none");
	write_caa(d);
}

static bool
dpq_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct dpq *q = arg;
	struct dnspolicy *d = q->d;
	int rcode = st == QUERY_OK ? (int)ldns_pkt_get_rcode(p) : -1;
	bool ok = rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN;
	const ldns_rdf *qn = ok ? ldns_rr_owner(ldns_rr_list_rr(
	    ldns_pkt_question(p), 0)) : NULL;

	q->q = NULL;
	switch (q->kind) {
	case DPQ_ORG:
		d->org_state = ok ? 1 : -1;
		if (ok) {
			struct dnsanswer_txts t;
			size_t which = 0;

			dnsanswer_txts_load(&t, p, qn);
			d->org_count = (unsigned)dmarc_select(
			    (const char *const *)t.s, t.len, t.n, &which);
			if (d->org_count == 1) {
				d->org_len = t.len[which];
				d->org_text = xmalloc(d->org_len ? d->org_len :
				    1);
				memcpy(d->org_text, t.s[which], d->org_len);
			}
			dnsanswer_txts_free(&t);
			org_put(d->j->crawl->dnspolicy, d->org_name,
			    d->org_count, d->org_text, d->org_len);
		}
		break;
	case DPQ_DKIM:
		/* RFC 8020: NXDOMAIN means nothing exists below the name. */
		d->dkim_state = !ok ? -1 : rcode == LDNS_RCODE_NXDOMAIN ? 0 : 1;
		break;
	case DPQ_CAA: {
		struct caa_at *a = &d->at[q->idx];

		a->state = !ok ? -1 : caa_scan(p, qn, &a->issue,
		    &a->iodef) > 0 ? 1 : 0;
		break;
	}
	}
	if (--d->pending == 0) {
		finish(d);
		d->j->stage_done(d->j);	/* may free the job */
	}
	return false;
}

static void
ask(struct dnspolicy *d, struct dpq *q, enum dpq_kind kind, unsigned idx,
    const ldns_rdf *name, ldns_rr_type t)
{
	q->d = d;
	q->kind = kind;
	q->idx = idx;
	d->pending++;
	q->q = query_send(d->j->crawl->qe, name, t, dpq_reply, q);
}

/* The organisational domain's DMARC: from the cache or asked. */
static void
start_org(struct dnspolicy *d)
{
	struct job *j = d->j;
	struct dnspolicy_ctx *c = j->crawl->dnspolicy;
	const struct org_entry *e;
	ldns_rdf *name;
	char qn[DNAME_BUF_SIZE + 8];

	if (j->crawl->regdom == NULL)
		return;
	regdom_map(j->crawl->regdom, j->domain, d->org_name,
	    sizeof(d->org_name));
	if (!j->facts.dmarc_known || j->facts.dmarc_count > 0 ||
	    strcmp(d->org_name, j->domain) == 0)
		return;
	d->org_asked = true;
	if ((e = org_find(c, d->org_name)) != NULL) {
		c->org_cached++;
		d->org_state = 1;
		d->org_count = e->count;
		if (e->text != NULL) {
			d->org_len = e->len;
			d->org_text = xmalloc(e->len ? e->len : 1);
			memcpy(d->org_text, e->text, e->len);
		}
		return;
	}
	snprintf(qn, sizeof(qn), "_dmarc.%s.", d->org_name);
	if (ldns_str2rdf_dname(&name, qn) != LDNS_STATUS_OK) {
		d->org_state = -1;
		return;
	}
	c->org_asked++;
	ask(d, &d->org, DPQ_ORG, 0, name, LDNS_RR_TYPE_TXT);
	ldns_rdf_deep_free(name);
}

/* The parents' CAA sets, when the apex has none (RFC 8659 3). */
static void
start_caa(struct dnspolicy *d)
{
	struct job *j = d->j;
	ldns_rdf *name, *up;

	if (!j->facts.caa_known || j->facts.caa_count > 0)
		return;
	name = ldns_dname_left_chop(j->apex);
	while (name != NULL && ldns_dname_label_count(name) > 0) {
		if (d->ncaa == DNSPOLICY_MAX_PARENTS) {
			d->caa_deep = true;
			break;
		}
		j->crawl->dnspolicy->caa_asked++;
		ask(d, &d->caa[d->ncaa], DPQ_CAA, d->ncaa, name,
		    LDNS_RR_TYPE_CAA);
		d->ncaa++;
		up = ldns_dname_left_chop(name);
		ldns_rdf_deep_free(name);
		name = up;
	}
	ldns_rdf_deep_free(name);
}

bool
dnspolicy_start(struct job *j)
{
	struct dnspolicy *d = xcalloc(1, sizeof(*d));
	ldns_rdf *dk;

	d->j = j;
	d->dkim_state = -1;
	j->dnspolicy = d;
	d->pending++;			/* held while the queries are sent */
	start_org(d);
	dk = dnsanswer_sub_name(j->apex, "_domainkey");
	if (dk != NULL) {
		ask(d, &d->dkim, DPQ_DKIM, 0, dk, LDNS_RR_TYPE_TXT);
		ldns_rdf_deep_free(dk);
	}
	start_caa(d);
	if (--d->pending > 0)
		return true;
	finish(d);
	return false;
}

void
dnspolicy_abort(struct job *j)
{
	struct dnspolicy *d = j->dnspolicy;
	unsigned i;

	if (d == NULL)
		return;
	if (d->org.q != NULL)
		query_cancel(d->org.q);
	if (d->dkim.q != NULL)
		query_cancel(d->dkim.q);
	d->org.q = d->dkim.q = NULL;
	for (i = 0; i < d->ncaa; i++) {
		if (d->caa[i].q != NULL)
			query_cancel(d->caa[i].q);
		d->caa[i].q = NULL;
	}
}

void
dnspolicy_fini(struct job *j)
{
	struct dnspolicy *d = j->dnspolicy;

	if (d == NULL)
		return;
	dnspolicy_abort(j);
	free(d->org_text);
	free(d);
	j->dnspolicy = NULL;
}
