/*
 * job.h - one domain in flight: its row and the state of its probes.
 */
#ifndef UPTAKE_CRAWLER_JOB_H
#define UPTAKE_CRAWLER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dnssec.h"
#include "row.h"

struct crawl;
struct query;
struct loop_timer;
struct dq;
struct web;

/* Bounds on the work of one domain's DNS probe. */
#define DNS_MAX_HOSTS 8		/* NS / MX hosts whose AAAA is asked */
#define DNS_MAX_QUERIES 48	/* queries one domain may have sent */
#define DNS_MAX_CNAME 8		/* CNAME links followed in one answer */
#define DNS_MAX_VAL 3		/* validations per domain */

enum job_stage {
	JOB_DNS = 0,
	JOB_DNSSEC,
	JOB_WEB,		/* webprobe.c: TLS, HTTPS, port 80 */
	JOB_DONE,
};

struct job {
	struct crawl *crawl;
	struct job *prev, *next;
	enum job_stage stage;
	int64_t input_index;
	int64_t rank;
	char *domain;
	ldns_rdf *apex;
	ldns_rdf *probed;		/* apex or www.apex */
	struct row row;
	uint64_t t_start;
	uint64_t deadline_at;		/* t_start + --timeout (loop us) */
	struct loop_timer *deadline;

	/* DNS */
	struct dq *dqs[DNS_MAX_QUERIES];
	unsigned ndq;
	unsigned pending;
	int apex_rcode;			/* of the apex A query, -1 not known */
	int apex_qstatus;		/* enum query_status of it */
	bool a_done, aaaa_done, www_sent, www_a_done, www_aaaa_done;
	bool host_followups_sent;
	int a_count, aaaa_count, www_a_count, www_aaaa_count;
	ldns_pkt *a_reply, *aaaa_reply, *www_a_reply, *www_aaaa_reply;
	ldns_pkt *tlsa_web_reply, *tlsa_mx_reply;
	ldns_pkt *ds_reply;		/* the parent's DS answer, when usable */
	bool https_apex, https_www;
	bool ns6, mx6;
	int ns_hosts_asked, mx_hosts_asked;
	char *first_mx;
	bool denial_seen;

	/* DNSSEC */
	bool parent_only;		/* the child failed: validate the DS
					 * answer alone (docs/dnssec.md) */
	struct val_job *vj[DNS_MAX_VAL];
	void *va[DNS_MAX_VAL];		/* the done argument of each vj */
	unsigned val_pending;
	enum val_status web_status;
	bool tlsa_web_secure, tlsa_mx_secure;

	/* Web (webprobe.c) */
	struct web *web;
};

#endif
