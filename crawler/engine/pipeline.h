/*
 * pipeline.h - the order of a domain's stages and what each needs.
 *
 * One table in pipeline.c lists the stages (dns, addr, dnssec, web); a job
 * runs them in that order, skipping a stage whose probe is off or whose
 * input is missing.  A stage is started with the job and reports its end
 * by calling j->stage_done(j); no probe knows who runs it.  Adding a stage
 * is a module with a start function plus one entry in the table.
 * docs/architecture.md draws the path.
 */
#ifndef UPTAKE_CRAWLER_PIPELINE_H
#define UPTAKE_CRAWLER_PIPELINE_H

#include "job.h"

/*
 * Run j's stages; done(j) is called once when the row is complete (never
 * from inside this call: the first stage always waits for answers).
 */
void pipeline_start(struct job *j, job_done_cb done);
/*
 * Stop j's stage in progress (deadline, signal): it records what it saw
 * (a stage cut by the deadline: docs/web.md, docs/dnssec.md) and no
 * callback comes for j afterwards.  done is not called.
 */
void pipeline_abort(struct job *j);
/* Free what every stage holds (after done or abort). */
void pipeline_fini(struct job *j);
/* The stage's name ("dns", "addr", "dnssec", "web", "row"). */
const char *pipeline_stage_name(enum job_stage s);

#endif
