/*
 * serversprobe.c - the servers stage (serversprobe.h).
 *
 * Two phases.  Names: each NS host's A (needed for its routes and the
 * direct queries) and each MX host's A (its routes; the validator's
 * verdict on that answer is mx_dnssec), through the resolver; the AAAA
 * of both come from the DNS stage's facts, and the A answer and its
 * verdict of the MX hosts the mail stage resolved from the mail stage's
 * facts (never asked twice).  Direct: with the ns probe, "APEX SOA" to
 * every NS address (nsquery.h).  Then the columns, from the pure
 * verdicts of serverssum.c.  The web addresses' routes need no
 * query: the DNS stage kept every address of the probed host.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "addr.h"
#include "bgp.h"
#include "crawl.h"
#include "dnsanswer.h"
#include "dnssec.h"
#include "job.h"
#include "nsquery.h"
#include "query.h"
#include "row.h"
#include "rov.h"
#include "schema.h"
#include "serversprobe.h"
#include "serverssum.h"
#include "util.h"

_Static_assert(JOB_HOST_V6 <= SERVERS_ADDRS_PER_FAMILY &&
    JOB_HOST_V4 <= SERVERS_ADDRS_PER_FAMILY,
    "the facts' addresses of a host fit the stage's");

/* Hosts of one domain: its NS and MX hosts as the facts keep them. */
#define SERVERS_MAX_HOSTS (2 * JOB_MAX_HOSTS)
/* Distinct addresses of one group (NS, MX): every host's, at most. */
#define SERVERS_GROUP_ADDRS (JOB_MAX_HOSTS * SERVERS_HOST_ADDRS)
/* Distinct origin ASes counted for ns_asn_count: one per route of each
 * address, MOAS routes more (bgp.h keeps BGP_MAX_ORIGINS per prefix). */
#define SERVERS_MAX_ASNS 256

struct servers_ctx {
	struct crawl *c;
	struct nsq_ctx *nsq;		/* NULL: the ns probe is off */
	uint64_t domains;		/* domains the stage ran for */
	uint64_t a_queries;		/* A queries through the resolver */
	uint64_t direct;		/* direct (address, zone) lookups */
};

struct servers;

/* One direct question's waiter. */
struct sw {
	struct shost *h;
	size_t slot;
	struct nsq_wait *w;
};

struct shost {
	struct servers *s;
	bool mx;
	const ldns_rdf *name;		/* the facts' */
	struct query *q;		/* its A */
	struct val_job *vj;
	bool a_known;			/* the A answer came: NOERROR, NXDOMAIN */
	bool from_mail;			/* ... to the mail stage (facts) */
	bool have_verdict;
	enum val_status verdict;
	struct netaddr addr[SERVERS_HOST_ADDRS];
	size_t naddr;
	enum ns_answer ans[SERVERS_HOST_ADDRS];
	struct sw w[SERVERS_HOST_ADDRS];
};

struct servers {
	struct job *j;
	struct servers_ctx *ctx;
	struct shost h[SERVERS_MAX_HOSTS];
	size_t nh;
	unsigned pending;		/* queries, validations, waiters */
	bool direct;			/* the second phase began */
};

/* --- the crawl's context ------------------------------------------------ */

struct servers_ctx *
servers_ctx_new(struct crawl *c, const struct servers_ctx_options *o)
{
	struct servers_ctx *s = xcalloc(1, sizeof(*s));

	s->c = c;
	if (o->ns_probe) {
		struct nsq_options no;

		memset(&no, 0, sizeof(no));
		no.loop = c->loop;
		no.blocklist = o->blocklist;
		no.optout = o->optout;
		no.timeout_ms = o->timeout_ms;
		no.tries = o->tries;
		no.port = o->port;
		s->nsq = nsq_new(&no);
	}
	return s;
}

void
servers_ctx_free(struct servers_ctx *s)
{
	if (s == NULL)
		return;
	nsq_free(s->nsq);
	free(s);
}

void
servers_ctx_summary(const struct servers_ctx *s, char *buf, size_t len)
{
	struct nsq_stats st;

	memset(&st, 0, sizeof(st));
	if (s->nsq != NULL)
		nsq_stats(s->nsq, &st);
	snprintf(buf, len, "servers: %llu domains, %llu A queries; name "
	    "servers asked directly: %llu (address, zone) lookups, %llu "
	    "queries sent, %llu replies, %llu silent, %llu answered from "
	    "earlier lookups, %llu not contacted",
	    (unsigned long long)s->domains, (unsigned long long)s->a_queries,
	    (unsigned long long)st.asked, (unsigned long long)st.sent,
	    (unsigned long long)st.replies, (unsigned long long)st.silent,
	    (unsigned long long)(st.cached + st.joined),
	    (unsigned long long)st.blocked);
}

/* --- the columns ---------------------------------------------------------- */

static bool
rov_data(const struct job *j)
{
	const struct addr_ctx *a = j->crawl->addr;

	return a != NULL && a->bgp != NULL && a->vrps != NULL;
}

/* Add a to set (n of them) unless there; false when it was there. */
static bool
addr_add(struct netaddr *set, size_t *n, size_t max, const struct netaddr *a)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (netaddr_equal(&set[i], a))
			return false;
	if (*n >= max)
		return false;
	set[(*n)++] = *a;
	return true;
}

/* ROV over the distinct addresses a[0..n): the two columns. */
static void
write_rov(struct job *j, const struct netaddr *a, size_t n,
	enum schema_col state, enum schema_col count)
{
	const struct addr_ctx *c = j->crawl->addr;
	struct rov_tally t;
	const char *text;
	size_t i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		struct rov_result r;

		rov_check(c->bgp, c->vrps, &a[i], &r);
		rov_tally_add(&t, r.routed ? r.state : ROV_UNROUTED);
	}
	text = rov_tally_text(&t);
	if (text == NULL)
		return;
	row_set_str(&j->row, state, text);
	row_set_i32(&j->row, count, (int32_t)t.addrs);
}

/* Distinct origin ASes of the routes of a[0..n) (AS_SET origins, which
 * name no AS, left out). */
static int32_t
asn_count(const struct bgp_table *b, const struct netaddr *a, size_t n)
{
	uint32_t asn[SERVERS_MAX_ASNS];
	size_t nasn = 0, i, k, x;

	for (i = 0; i < n; i++) {
		struct bgp_match m;

		if (!bgp_table_match(b, &a[i], &m))
			continue;
		for (k = 0; k < m.norigins; k++) {
			uint32_t o = (uint32_t)m.origins[k];

			if (m.origins[k] & BGP_ORIGIN_AS_SET)
				continue;
			for (x = 0; x < nasn && asn[x] != o; x++)
				;
			if (x == nasn && nasn < SERVERS_MAX_ASNS)
				asn[nasn++] = o;
		}
	}
	return (int32_t)nasn;
}

static void
write_columns(struct servers *s)
{
	struct job *j = s->j;
	struct netaddr ns[SERVERS_GROUP_ADDRS], mx[SERVERS_GROUP_ADDRS];
	struct ns_host_result nr[JOB_MAX_HOSTS];
	bool have[JOB_MAX_HOSTS];
	enum val_status v[JOB_MAX_HOSTS];
	size_t nns = 0, nmx = 0, nnr = 0, nv = 0, i, a;
	struct ns_counts cnt;

	for (i = 0; i < s->nh; i++) {
		const struct shost *h = &s->h[i];

		for (a = 0; a < h->naddr; a++)
			addr_add(h->mx ? mx : ns, h->mx ? &nmx : &nns,
			    SERVERS_GROUP_ADDRS, &h->addr[a]);
		if (h->mx) {
			have[nv] = h->have_verdict;
			v[nv++] = h->verdict;
			continue;
		}
		memset(&nr[nnr], 0, sizeof(nr[nnr]));
		nr[nnr].has_v6 = j->facts.ns[nnr].v6;
		nr[nnr].addrs_known = h->a_known;
		nr[nnr].naddr = h->naddr;
		for (a = 0; a < h->naddr; a++) {
			nr[nnr].v6[a] = h->addr[a].af == NETADDR_V6;
			nr[nnr].ans[a] = h->ans[a];
		}
		nnr++;
	}
	if (nnr > 0) {
		serverssum_ns(nr, nnr, s->ctx->nsq != NULL, &cnt);
		row_set_i32(&j->row, SCHEMA_COL_NS_V6_COUNT, cnt.v6_count);
		if (cnt.v6_reachable >= 0)
			row_set_i32(&j->row, SCHEMA_COL_NS_V6_REACHABLE,
			    cnt.v6_reachable);
		if (cnt.lame >= 0)
			row_set_i32(&j->row, SCHEMA_COL_NS_LAME, cnt.lame);
	}
	if (rov_data(j)) {
		write_rov(j, ns, nns, SCHEMA_COL_NS_ROV, SCHEMA_COL_NS_ROV_ADDRS);
		write_rov(j, mx, nmx, SCHEMA_COL_MX_ROV, SCHEMA_COL_MX_ROV_ADDRS);
	}
	if (j->crawl->addr != NULL && j->crawl->addr->bgp != NULL && nns > 0)
		row_set_i32(&j->row, SCHEMA_COL_NS_ASN_COUNT,
		    asn_count(j->crawl->addr->bgp, ns, nns));
	if (nv > 0 && j->crawl->val != NULL &&
	    (j->crawl->cfg->probes & PROBE_DNSSEC)) {
		int r = serverssum_mx_dnssec(have, v, nv);

		if (r >= 0)
			row_set_bool(&j->row, SCHEMA_COL_MX_DNSSEC, r == 1);
	}
}

/* Every address of the probed host: web_rov_all, at once. */
static void
web_rov(struct job *j)
{
	struct netaddr a[JOB_MAX_WEB_ADDRS];
	size_t n = 0, i;

	if (!rov_data(j))
		return;
	for (i = 0; i < j->facts.nweb_all; i++)
		addr_add(a, &n, JOB_MAX_WEB_ADDRS, &j->facts.web_all[i]);
	write_rov(j, a, n, SCHEMA_COL_WEB_ROV_ALL, SCHEMA_COL_WEB_ROV_ADDRS);
}

/* --- the second phase: the name servers, directly ------------------------ */

static void advance(struct servers *s);

static void
direct_done(void *arg, enum ns_answer r)
{
	struct sw *w = arg;
	struct servers *s = w->h->s;

	w->w = NULL;
	w->h->ans[w->slot] = r;
	s->pending--;
	advance(s);			/* may free the job */
}

/* true: answers will come. */
static bool
direct_start(struct servers *s)
{
	struct servers_ctx *ctx = s->ctx;
	size_t i, a;

	s->direct = true;
	if (ctx->nsq == NULL)
		return false;
	for (i = 0; i < s->nh; i++) {
		struct shost *h = &s->h[i];

		if (h->mx)
			continue;
		for (a = 0; a < h->naddr; a++) {
			struct sw *w = &h->w[a];

			w->h = h;
			w->slot = a;
			ctx->direct++;
			w->w = nsq_ask(ctx->nsq, &h->addr[a], s->j->apex,
			    direct_done, w);
			if (w->w != NULL)
				s->pending++;
		}
	}
	return s->pending > 0;
}

/* The count reached 0: the next phase, or the end. */
static void
advance(struct servers *s)
{
	struct job *j = s->j;

	if (s->pending > 0)
		return;
	if (!s->direct && direct_start(s))
		return;
	write_columns(s);
	j->stage_done(j);		/* may free j */
}

/* --- the first phase: A through the resolver ------------------------------- */

static void
val_done(void *arg, const struct val_result *r)
{
	struct shost *h = arg;
	struct servers *s = h->s;

	h->vj = NULL;
	h->have_verdict = true;
	h->verdict = r->status;
	s->pending--;
	advance(s);			/* may free the job */
}

static void
add_a(struct shost *h, const ldns_pkt *p)
{
	size_t room = SERVERS_HOST_ADDRS - h->naddr;

	h->naddr += dnsanswer_addrs(p, h->name, LDNS_RR_TYPE_A,
	    &h->addr[h->naddr], room < SERVERS_ADDRS_PER_FAMILY ? room :
	    SERVERS_ADDRS_PER_FAMILY);
}

static bool
a_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct shost *h = arg;
	struct servers *s = h->s;
	struct job *j = s->j;

	h->q = NULL;
	/* This answer's count is held to the end: a verdict from the
	 * validator's cache comes inside val_job_start. */
	if (st == QUERY_OK && (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR ||
	    ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN)) {
		h->a_known = true;
		add_a(h, p);
		if (h->mx && j->crawl->val != NULL &&
		    (j->crawl->cfg->probes & PROBE_DNSSEC)) {
			s->pending++;
			h->vj = val_job_start(j->crawl->val, h->name,
			    LDNS_RR_TYPE_A, p, val_done, h);
		}
	}
	s->pending--;
	advance(s);			/* may free the job */
	return false;
}

/* --- the stage ----------------------------------------------------------- */

bool
serversprobe_wanted(const struct job *j)
{
	return j->crawl->servers != NULL && j->facts.dns == DNS_OUT_OK &&
	    !j->crawl->stopping;
}

bool
serversprobe_start(struct job *j)
{
	struct servers_ctx *ctx = j->crawl->servers;
	const struct job_facts *f = &j->facts;
	bool rov = rov_data(j);
	bool bgp = j->crawl->addr != NULL && j->crawl->addr->bgp != NULL;
	bool val = j->crawl->val != NULL &&
	    (j->crawl->cfg->probes & PROBE_DNSSEC);
	bool ask_ns = rov || bgp || ctx->nsq != NULL, ask_mx = rov || val;
	struct servers *s;
	size_t i, k;

	web_rov(j);
	s = xcalloc(1, sizeof(*s));
	s->j = j;
	s->ctx = ctx;
	j->servers = s;
	ctx->domains++;
	for (i = 0; i < f->nns && i < JOB_MAX_HOSTS; i++) {
		struct shost *h = &s->h[s->nh++];

		h->s = s;
		h->name = f->ns[i].name;
		for (k = 0; k < f->ns[i].nv6addr; k++)
			h->addr[h->naddr++] = f->ns[i].v6addr[k];
	}
	for (i = 0; i < f->nmx && i < JOB_MAX_HOSTS; i++) {
		struct shost *h;

		if (ldns_dname_label_count(f->mx[i].name) == 0)
			continue;	/* a null MX (RFC 7505) */
		h = &s->h[s->nh++];
		h->s = s;
		h->mx = true;
		h->name = f->mx[i].name;
		for (k = 0; k < f->mx[i].nv6addr; k++)
			h->addr[h->naddr++] = f->mx[i].v6addr[k];
		if (f->mx[i].have_a) {
			/* The mail stage asked its A and validated it. */
			h->a_known = true;
			h->from_mail = true;
			for (k = 0; k < f->mx[i].nv4addr &&
			    k < SERVERS_ADDRS_PER_FAMILY; k++)
				h->addr[h->naddr++] = f->mx[i].v4addr[k];
			h->have_verdict = f->mx[i].have_a_verdict;
			h->verdict = f->mx[i].a_verdict;
		}
	}
	/* Every query is sent before any answer is handled: answers come
	 * from the loop. */
	for (i = 0; i < s->nh; i++) {
		struct shost *h = &s->h[i];

		if (!(h->mx ? ask_mx : ask_ns) || h->from_mail)
			continue;
		s->pending++;
		ctx->a_queries++;
		h->q = query_send(j->crawl->qe, h->name, LDNS_RR_TYPE_A,
		    a_reply, h);
	}
	if (s->pending > 0 || direct_start(s))
		return true;
	write_columns(s);
	return false;
}

void
serversprobe_abort(struct job *j)
{
	struct servers *s = j->servers;
	size_t i, a;

	if (s == NULL)
		return;
	for (i = 0; i < s->nh; i++) {
		struct shost *h = &s->h[i];

		if (h->q != NULL) {
			query_cancel(h->q);
			h->q = NULL;
		}
		if (h->vj != NULL) {
			val_job_cancel(h->vj);
			h->vj = NULL;
		}
		for (a = 0; a < SERVERS_HOST_ADDRS; a++)
			if (h->w[a].w != NULL) {
				nsq_cancel(h->w[a].w);
				h->w[a].w = NULL;
			}
	}
	s->pending = 0;
}

void
serversprobe_fini(struct job *j)
{
	if (j->servers == NULL)
		return;
	serversprobe_abort(j);
	free(j->servers);
	j->servers = NULL;
}
