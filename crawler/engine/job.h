/*
 * job.h - one domain in flight: its row and the state of its probes.
 */
#ifndef UPTAKE_CRAWLER_JOB_H
#define UPTAKE_CRAWLER_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <ldns/ldns.h>

#include "dnssec.h"
#include "netaddr.h"
#include "row.h"
#include "tlsa.h"

struct crawl;
struct job;
struct query;
struct loop_timer;
struct dns;
struct web;
struct mail;
struct dnspolicy;
struct spfeval;
struct servers;
struct tlspolprobe;

/* The stages of a domain, in pipeline order (crawler/engine/pipeline.c). */
enum job_stage {
	JOB_DNS = 0,		/* dnsprobe.c: the apex's records */
	JOB_OPERATORS,		/* operators.c: ns_operator, mx_operator */
	JOB_ADDR,		/* addrprobe.c: route, ROV, geo of the web addresses */
	JOB_DNSSEC,		/* dnsprobe.c: the validator's verdicts */
	JOB_SPF,		/* spfprobe.c: SPF as check_host() evaluates it */
	JOB_DNSPOLICY,		/* dnspolicy.c: DMARC, the DKIM hint, the CAA tree */
	JOB_WEB,		/* webprobe.c: TLS, HTTPS, port 80 */
	JOB_TLSPOLICY,		/* tlspolprobe.c: what the web server accepts */
	JOB_MAIL,		/* mailprobe.c: SMTP and STARTTLS of the MX */
	JOB_SERVERS,		/* serversprobe.c: routes and depth of the NS,
				 * MX and web servers */
	JOB_DONE,
};

/* The apex's DNS outcome: the row's dns_status, as the stages see it. */
enum dns_outcome {
	DNS_OUT_NONE = 0,	/* not known yet (the deadline: "timeout") */
	DNS_OUT_OK,
	DNS_OUT_NXDOMAIN,
	DNS_OUT_SERVFAIL,
	DNS_OUT_REFUSED,
	DNS_OUT_ERROR,		/* another rcode, or the query failed */
	DNS_OUT_TIMEOUT,
};

/* MX or NS hosts kept per domain, in preference order (MX) or answer
 * order (NS): the ones whose addresses the DNS stage asks for. */
#define JOB_MAX_HOSTS 8
/* TLSA records kept of the web host's RRset: one to four in practice (a
 * rollover publishes two per usage). */
#define JOB_MAX_TLSA 8

/* IPv6 addresses kept per NS or MX host (its AAAA answer), and every
 * address of the probed host (its A and AAAA answers): one to four per
 * family in practice; more add nothing to the routes measured. */
#define JOB_HOST_V6 4
#define JOB_HOST_V4 4
#define JOB_MAX_WEB_ADDRS 16

/* A host a domain depends on, as the DNS stage found it. */
struct job_host {
	ldns_rdf *name;			/* owned */
	uint16_t pref;			/* MX preference; 0 for NS */
	bool v6;			/* its AAAA answer had records */
	struct netaddr v6addr[JOB_HOST_V6];	/* the first of them */
	unsigned nv6addr;
	/* mail stage, for the MX hosts it resolved: their A answer came
	 * (NOERROR or NXDOMAIN), its first addresses, and the validator's
	 * verdict on it (the servers stage does not ask again) */
	bool have_a;
	struct netaddr v4addr[JOB_HOST_V4];
	unsigned nv4addr;
	bool have_a_verdict;
	enum val_status a_verdict;
};

/*
 * What the stages learn, typed, for the stages after them.  Each stage
 * reads these, never the row's text; the row is written as output.
 */
struct job_facts {
	/* dns stage */
	enum dns_outcome dns;
	ldns_rdf *probed;		/* the host probed (apex or www), owned;
					 * NULL until the apex resolved */
	bool have_web[2];		/* index enum netaddr_af */
	struct netaddr web[2];		/* the probed host's first A / AAAA */
	struct netaddr web_all[JOB_MAX_WEB_ADDRS];	/* ... every one */
	unsigned nweb_all;
	struct job_host mx[JOB_MAX_HOSTS];
	unsigned nmx;
	struct job_host ns[JOB_MAX_HOSTS];
	unsigned nns;
	/* dns stage: the mail policy records (mailpol.h), for the mail
	 * stage (docs/mail.md, "MTA-STS" and "TLS-RPT") */
	bool mta_sts_record;		/* _mta-sts: one valid v=STSv1 record */
	bool have_tlsrpt;		/* _smtp._tls has TXT records */
	bool tlsrpt_valid;		/* ... exactly one v=TLSRPTv1, valid */
	/* dns stage: _dmarc.DOMAIN's TXT answer and the apex's CAA answer,
	 * for the dnspolicy stage (dnspolicy.h) */
	bool dmarc_known;		/* the answer came (NOERROR, NXDOMAIN) */
	unsigned dmarc_count;		/* DMARC records in it (2: several) */
	char *dmarc_text;		/* the one record (dmarc_count 1), owned */
	size_t dmarc_len;
	bool caa_known;			/* the apex's CAA answer came */
	unsigned caa_count;		/* CAA records answering the apex */
	bool caa_issue, caa_iodef;	/* issue / iodef properties among them */
	/* dns stage: the apex's TXT answer for the spf stage (spfprobe.h) */
	bool spf_known;			/* the answer came (NOERROR, NXDOMAIN) */
	unsigned spf_count;		/* v=spf1 records in it */
	char *spf_text;			/* the one record (spf_count == 1), owned */
	size_t spf_len;
	/* dnssec stage: the verdict on the probed host's answer, and the
	 * probed host's _443._tcp TLSA RRset (data owned) with its own */
	bool have_dnssec;
	enum val_status dnssec;
	struct tls_tlsa tlsa_web[JOB_MAX_TLSA];
	size_t ntlsa_web;
	bool tlsa_web_secure;
	/* web stage: its measured handshake completed (tls_status ok), with
	 * whom and at which version, for the tlspolicy stage */
	bool web_tls_ok;
	struct netaddr web_tls_addr;
	int web_tls_version;		/* TLS1_VERSION .. TLS1_3_VERSION */
	/* ... and whether its TLS 1.3 session ticket allows early data
	 * (known: a ticket came, or the handshake was below TLS 1.3) */
	bool web_early_known, web_early_data;
};

/* Free what the facts own. */
void job_facts_free(struct job_facts *f);

/* The probed host's name as text (SNI and Host of the web stage): the DNS
 * stage's probed host, else the listed domain; into buf. */
void job_probed_host(const struct job *j, char *buf, size_t len);

/* Called when a job's row is complete (the pipeline's last stage ended). */
typedef void (*job_done_cb)(struct job *j);

struct job {
	struct crawl *crawl;
	LIST_ENTRY(job) link;		/* in c->jobs */
	enum job_stage stage;
	int64_t input_index;
	int64_t rank;
	char *domain;
	ldns_rdf *apex;
	struct row row;			/* the output, written once done */
	struct job_facts facts;
	uint64_t t_start;
	uint64_t deadline_at;		/* t_start + --timeout (loop us) */
	struct loop_timer *deadline;

	/* Pipeline (pipeline.c): the stage in progress reports its end by
	 * calling stage_done(j); done is the owner's, called once. */
	void (*stage_done)(struct job *j);
	job_done_cb done;

	/* Each stage's private state, owned by its module. */
	struct dns *dns;		/* dnsprobe.c: DNS and DNSSEC */
	struct web *web;		/* webprobe.c: TLS, HTTPS, port 80 */
	struct mail *mail;		/* mailprobe.c: the MX hosts */
	struct dnspolicy *dnspolicy;	/* dnspolicy.c */
	struct spfeval *spf;		/* spfprobe.c: the SPF evaluation */
	struct servers *servers;	/* serversprobe.c */
	struct tlspolprobe *tlspol;	/* tlspolprobe.c */
};

#endif
