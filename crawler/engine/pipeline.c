/*
 * pipeline.c - the stages of a domain job, in order (pipeline.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "addrprobe.h"
#include "crawl.h"
#include "dnsanswer.h"
#include "dnspolicy.h"
#include "dnsprobe.h"
#include "job.h"
#include "loop.h"
#include "mailprobe.h"
#include "operators.h"
#include "pipeline.h"
#include "row.h"
#include "schema.h"
#include "spfprobe.h"
#include "serversprobe.h"
#include "tlspolprobe.h"
#include "webprobe.h"

struct stage {
	enum job_stage id;
	const char *name;
	/* NULL: always wanted.  Otherwise false skips the stage. */
	bool (*wanted)(const struct job *j);
	/* true: the stage ends later through j->stage_done(j). */
	bool (*start)(struct job *j);
};

static bool
addr_wanted(const struct job *j)
{
	return j->crawl->addr != NULL && j->facts.dns == DNS_OUT_OK;
}

static bool
addr_start(struct job *j)
{
	/* Route, origin, ROV, hosting country and AS of the web addresses:
	 * in-memory lookups, done at once. */
	addrprobe_run(j);
	return false;
}

static bool
web_wanted(const struct job *j)
{
	return j->crawl->web != NULL && !j->crawl->stopping;
}

/* The stages, in order.  Each reads what the stages before it put in the
 * job's facts (j->facts), never the row. */
static const struct stage stages[] = {
	{ JOB_DNS, "dns", NULL, dnsprobe_start },
	/* In memory, right after the DNS stage, so that a later stage's
	 * deadline does not take the DNS facts' operators with it. */
	{ JOB_OPERATORS, "operators", operators_wanted, operators_start },
	{ JOB_ADDR, "addr", addr_wanted, addr_start },
	{ JOB_DNSSEC, "dnssec", NULL, dnssecprobe_start },
	{ JOB_SPF, "spf", spfprobe_wanted, spfprobe_start },
	{ JOB_DNSPOLICY, "dnspolicy", dnspolicy_wanted, dnspolicy_start },
	{ JOB_WEB, "web", web_wanted, webprobe_start },
	/* After the web stage, whose handshake tells the address, the name
	 * and one version accepted. */
	{ JOB_TLSPOLICY, "tlspolicy", tlspolprobe_wanted, tlspolprobe_start },
	{ JOB_MAIL, "mail", mailprobe_wanted, mailprobe_start },
	/* Last: the MX and NS hosts' routes and depth, after the stages
	 * whose facts it reads. */
	{ JOB_SERVERS, "servers", serversprobe_wanted, serversprobe_start },
};
#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

const char *
pipeline_stage_name(enum job_stage s)
{
	size_t i;

	for (i = 0; i < NSTAGES; i++)
		if (stages[i].id == s)
			return stages[i].name;
	return "row";
}

/* dns_ms: the DNS and DNSSEC stages' time, set when they are behind. */
static void
dns_time(struct job *j)
{
	uint64_t ms;

	if (row_is_set(&j->row, SCHEMA_COL_DNS_MS))
		return;
	ms = (loop_now_us(j->crawl->loop) - j->t_start) / 1000;
	row_set_i32(&j->row, SCHEMA_COL_DNS_MS, ms > INT32_MAX ? INT32_MAX :
	    (int32_t)ms);
}

/* Start the stages from the one after j->stage, until one waits. */
static void
run(struct job *j, size_t next)
{
	for (; next < NSTAGES; next++) {
		const struct stage *s = &stages[next];

		if (s->wanted != NULL && !s->wanted(j))
			continue;
		if (s->id > JOB_DNSSEC)	/* not the spf stage's */
			dns_time(j);
		j->stage = s->id;
		if (s->start(j))
			return;
	}
	dns_time(j);
	j->stage = JOB_DONE;
	j->done(j);			/* may free j */
}

static void
stage_done(struct job *j)
{
	size_t i;

	for (i = 0; i < NSTAGES; i++)
		if (stages[i].id == j->stage)
			break;
	run(j, i + 1);
}

void
pipeline_start(struct job *j, job_done_cb done)
{
	j->done = done;
	j->stage_done = stage_done;
	run(j, 0);
}

/* After an abort: a stage's end is no longer news. */
static void
stage_ignored(struct job *j)
{
	(void)j;
}

void
pipeline_abort(struct job *j)
{
	/* No stage may end (and finish the job) inside the aborts. */
	j->stage = JOB_DONE;
	j->stage_done = stage_ignored;
	dnsprobe_abort(j);
	webprobe_abort(j);
	tlspolprobe_abort(j);
	mailprobe_abort(j);
	dnspolicy_abort(j);
	spfprobe_abort(j);
	serversprobe_abort(j);
}

void
pipeline_fini(struct job *j)
{
	serversprobe_fini(j);
	mailprobe_fini(j);
	tlspolprobe_fini(j);
	dnspolicy_fini(j);
	spfprobe_fini(j);
	webprobe_fini(j);
	dnsprobe_fini(j);
	job_facts_free(&j->facts);
}

void
job_probed_host(const struct job *j, char *buf, size_t len)
{
	if (j->facts.probed == NULL ||
	    dnsanswer_name_text(j->facts.probed, buf, len)[0] == '\0')
		snprintf(buf, len, "%s", j->domain);
}

void
job_facts_free(struct job_facts *f)
{
	unsigned i;

	ldns_rdf_deep_free(f->probed);
	f->probed = NULL;
	for (i = 0; i < f->nmx; i++)
		ldns_rdf_deep_free(f->mx[i].name);
	for (i = 0; i < f->nns; i++)
		ldns_rdf_deep_free(f->ns[i].name);
	for (i = 0; i < f->ntlsa_web; i++)
		free((void *)f->tlsa_web[i].data);
	f->nmx = f->nns = 0;
	f->ntlsa_web = 0;
	free(f->dmarc_text);
	f->dmarc_text = NULL;
	f->dmarc_count = 0;
	free(f->spf_text);
	f->spf_text = NULL;
	f->spf_count = 0;
}
