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
struct job;
struct query;
struct loop_timer;
struct dns;
struct web;

/* The stages of a domain, in pipeline order (crawler/engine/pipeline.c). */
enum job_stage {
	JOB_DNS = 0,		/* dnsprobe.c: the apex's records */
	JOB_ADDR,		/* addrprobe.c: route, ROV, geo of the web addresses */
	JOB_DNSSEC,		/* dnsprobe.c: the validator's verdicts */
	JOB_WEB,		/* webprobe.c: TLS, HTTPS, port 80 */
	JOB_DONE,
};

/* Called when a job's row is complete (the pipeline's last stage ended). */
typedef void (*job_done_cb)(struct job *j);

struct job {
	struct crawl *crawl;
	struct job *prev, *next;
	enum job_stage stage;
	int64_t input_index;
	int64_t rank;
	char *domain;
	ldns_rdf *apex;
	struct row row;
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
};

#endif
