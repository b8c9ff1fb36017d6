/*
 * scheduler.c - the scheduler: streams the list, keeps up to --concurrency
 * domains in flight, enforces the per-domain deadline, writes each
 * finished row to the snapshot, and stops cleanly on a signal.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "crawl.h"
#include "dnsprobe.h"
#include "dnssec.h"
#include "job.h"
#include "list.h"
#include "log.h"
#include "loop.h"
#include "optout.h"
#include "pipeline.h"
#include "scheduler.h"
#include "shard.h"
#include "snapshot.h"
#include "util.h"

/* Progress line refresh interval on a terminal. */
#define SCHED_PROGRESS_US 1000000

struct sched {
	struct crawl *c;
	struct list_reader *list;
	const struct optout *optout;
	const struct shard *shard;
	bool list_done;
	bool list_error;
	uint64_t limit;			/* --top, or 0: for progress */
	uint64_t t0;
	struct loop_timer *progress;
	struct loop_timer *kick;
};

static void fill(struct sched *s);

static void
job_free(struct job *j)
{
	pipeline_fini(j);
	loop_timer_free(j->deadline);
	row_fini(&j->row);
	ldns_rdf_deep_free(j->apex);
	free(j->domain);
	free(j);
}

static void
unlink_job(struct crawl *c, struct job *j)
{
	LIST_REMOVE(j, link);
	c->inflight--;
}

/* The summary's counts, from the job's facts. */
static void
count_outcome(struct crawl *c, const struct job_facts *f)
{
	switch (f->dns) {
	case DNS_OUT_OK:
		c->n.dns_ok++;
		break;
	case DNS_OUT_NXDOMAIN:
		c->n.dns_nxdomain++;
		break;
	case DNS_OUT_SERVFAIL:
		c->n.dns_servfail++;
		break;
	case DNS_OUT_NONE:		/* the deadline came first */
	case DNS_OUT_TIMEOUT:
		c->n.dns_timeout++;
		break;
	case DNS_OUT_REFUSED:
	case DNS_OUT_ERROR:
		c->n.dns_other++;
		break;
	}
	if (!f->have_dnssec)
		return;
	switch (f->dnssec) {
	case VAL_SECURE:
		c->n.secure++;
		break;
	case VAL_INSECURE:
		c->n.insecure++;
		break;
	case VAL_INDETERMINATE:
		c->n.indeterminate++;
		break;
	case VAL_BOGUS:
		c->n.bogus++;
		break;
	}
}

/* The row is complete (or the deadline passed): write it, free the job. */
static void
finish(struct job *j)
{
	struct crawl *c = j->crawl;
	uint64_t ms = (loop_now_us(c->loop) - j->t_start) / 1000;
	int rc;

	unlink_job(c, j);
	if (!row_is_set(&j->row, SCHEMA_COL_PROBED_HOST))
		row_set_str(&j->row, SCHEMA_COL_PROBED_HOST, j->domain);
	if (!row_is_set(&j->row, SCHEMA_COL_DNS_STATUS))
		row_set_str(&j->row, SCHEMA_COL_DNS_STATUS,
		    dnsprobe_outcome_str(j->facts.dns));
	/* dns_ms: set when the DNS stages ended (pipeline.c), else
	 * the time until the deadline. */
	if (!row_is_set(&j->row, SCHEMA_COL_DNS_MS))
		row_set_i32(&j->row, SCHEMA_COL_DNS_MS, ms > INT32_MAX ?
		    INT32_MAX : (int32_t)ms);
	count_outcome(c, &j->facts);
	rc = snapshot_writer_append(c->snap, j->row.v);
	if (rc != 0 && snapshot_writer_failure(c->snap) != NULL) {
		/* Nothing more can be written: stop probing (kick_cb);
		 * main says why. */
		c->stopping = true;
	} else if (rc != 0) {
		c->n.write_errors++;
		log_err("sched", "%s: row not written: %s", j->domain,
		    rc == -EEXIST ? "input_index already in the snapshot" :
		    strerror(-rc));
	}
	c->n.finished++;
	job_free(j);
	/* Start the next domains from the loop, not from deep inside a
	 * probe's callback. */
	if (!loop_timer_pending(c->sched->kick))
		loop_timer_start(c->sched->kick, 0);
}

/* The pipeline's last stage ended: the row is complete. */
static void
job_done(struct job *j)
{
	loop_timer_stop(j->deadline);
	finish(j);
}

/* Room for the deadline's error text and the first error before it. */
#define SCHED_ERROR_MAX 240

/*
 * The domain's deadline (--timeout) fell while a stage was under way: the
 * stage records what it saw (dns_status timeout; dnssec_status
 * indeterminate, no_response; tls_status timeout: webprobe_abort), a
 * stage never started stays null, and `error` names the deadline and the
 * stage, with the first error met before it.
 */
static void
deadline_cb(void *arg)
{
	struct job *j = arg;
	enum job_stage stage = j->stage;
	const struct schema_value *e = &j->row.v[SCHEMA_COL_ERROR];
	char msg[SCHED_ERROR_MAX];
	int n;

	j->crawl->n.deadline++;
	pipeline_abort(j);
	if (stage == JOB_DNSSEC && !j->facts.have_dnssec) {
		j->facts.have_dnssec = true;
		j->facts.dnssec = VAL_INDETERMINATE;
		row_set_str(&j->row, SCHEMA_COL_DNSSEC_STATUS,
		    val_status_str(VAL_INDETERMINATE));
		row_set_str(&j->row, SCHEMA_COL_DNSSEC_REASON,
		    val_reason_str(VAL_REASON_NO_RESPONSE));
	}
	n = snprintf(msg, sizeof(msg), "deadline: --timeout %u s reached in "
	    "the %s stage", j->crawl->cfg->timeout_s,
	    pipeline_stage_name(stage));
	if (e->present && n > 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, "; before it: %.*s",
		    (int)e->u.str.len, e->u.str.ptr);
	row_set_str(&j->row, SCHEMA_COL_ERROR, msg);
	finish(j);
}

static void
start_job(struct sched *s, const struct list_entry *e)
{
	struct crawl *c = s->c;
	struct job *j = xcalloc(1, sizeof(*j));

	j->crawl = c;
	j->input_index = (int64_t)e->index;
	j->rank = e->rank;
	j->domain = xstrdup(e->domain);
	j->apex = ldns_dname_new_frm_str(e->domain);
	row_init(&j->row);
	row_set_i64(&j->row, SCHEMA_COL_INPUT_INDEX, (int64_t)e->index);
	row_set_str(&j->row, SCHEMA_COL_DOMAIN, e->domain);
	row_set_str(&j->row, SCHEMA_COL_LIST, c->cfg->list_name);
	if (e->rank >= 0)
		row_set_i64(&j->row, SCHEMA_COL_RANK, e->rank);
	j->t_start = loop_now_us(c->loop);
	j->deadline = loop_timer_new(c->loop, deadline_cb, j);
	LIST_INSERT_HEAD(&c->jobs, j, link);
	c->inflight++;
	c->n.started++;
	if (j->apex == NULL) {
		/* The list reader checked the name; ldns refusing it is a bug. */
		row_set_str(&j->row, SCHEMA_COL_DNS_STATUS, "error");
		row_set_str(&j->row, SCHEMA_COL_ERROR, "name not accepted by ldns");
		finish(j);
		return;
	}
	j->deadline_at = j->t_start + (uint64_t)c->cfg->timeout_s * 1000000u;
	loop_timer_start(j->deadline, (uint64_t)c->cfg->timeout_s * 1000000u);
	pipeline_start(j, job_done);
}

static void
maybe_done(struct sched *s)
{
	if ((s->list_done || s->c->stopping) && s->c->inflight == 0)
		loop_break(s->c->loop);
}

static void
fill(struct sched *s)
{
	struct crawl *c = s->c;
	struct list_entry e;

	while (!s->list_done && !c->stopping &&
	    c->inflight < c->cfg->concurrency) {
		int r = list_next(s->list, &e);

		if (r <= 0) {
			s->list_done = true;
			if (r < 0)
				s->list_error = true;
			break;
		}
		if (c->cfg->limit && e.index >= c->cfg->limit) {
			s->list_done = true;
			break;
		}
		if (snapshot_writer_is_done(c->snap, (int64_t)e.index)) {
			c->n.skipped_done++;
			continue;
		}
		if (s->shard != NULL && !shard_owns(s->shard, e.domain)) {
			c->n.skipped_shard++;
			continue;
		}
		if (s->optout != NULL && optout_has_domain(s->optout, e.domain)) {
			c->n.skipped_optout++;
			continue;
		}
		start_job(s, &e);
	}
	maybe_done(s);
}

static void abandon_jobs(struct crawl *c);

static void
kick_cb(void *arg)
{
	struct sched *s = arg;

	/* The snapshot cannot be written (finish): end the jobs in flight. */
	if (s->c->stopping)
		abandon_jobs(s->c);
	fill(s);
}

/*
 * The share of the crawl behind us: of --top's names when it is set, else
 * of the list's bytes read (lib/list.h counts them as it reads, whatever
 * the format: a CSV's header, a zone's non-NS records), or -1 when the
 * list's size is unknown (a pipe).  The reader is ahead of the finished
 * domains by those in flight, which is close enough for an ETA.
 */
static double
progress_share(const struct sched *s, uint64_t done)
{
	struct list_stats ls;
	int64_t size;

	if (s->limit > 0)
		return (double)done / (double)s->limit;
	size = list_size(s->list);
	if (size <= 0)
		return -1;
	list_stats(s->list, &ls);
	return (double)ls.bytes / (double)size;
}

static void
progress_line(struct sched *s, bool final)
{
	struct crawl *c = s->c;
	double el = (double)(loop_now_us(c->loop) - s->t0) / 1e6;
	double rate = el > 0 ? (double)c->n.finished / el : 0;
	uint64_t done = c->n.finished + c->n.skipped_done +
	    c->n.skipped_shard + c->n.skipped_optout;
	double share = progress_share(s, done);
	char eta[32] = "-", pct[32] = "";

	if (share >= 0) {
		if (share > 1)
			share = 1;
		snprintf(pct, sizeof(pct), " (%.0f%%)", share * 100);
		if (!final && share > 0 && share < 1)
			snprintf(eta, sizeof(eta), "%.0fs",
			    el * (1 - share) / share);
	}
	fprintf(stderr, "\r%llu done%s, %.0f/s, ETA %s, in flight %u, "
	    "timeouts %llu, servfail %llu   ",
	    (unsigned long long)done, pct, rate, eta, c->inflight,
	    (unsigned long long)c->n.dns_timeout,
	    (unsigned long long)c->n.dns_servfail);
	if (final)
		fputc('\n', stderr);
}

static void
progress_cb(void *arg)
{
	struct sched *s = arg;

	progress_line(s, false);
	loop_timer_start(s->progress, SCHED_PROGRESS_US);
}

static void
signal_cb(int signo, void *arg)
{
	struct sched *s = arg;
	struct crawl *c = s->c;

	log_warn("sched", "signal %d: stopping; %u domains in flight abandoned, "
	    "finished rows kept (the snapshot is resumable)", signo, c->inflight);
	c->stopping = true;
	abandon_jobs(c);
	loop_break(c->loop);
}

/* Abandon every job in flight (a signal, or a snapshot that cannot be
 * written). */
static void
abandon_jobs(struct crawl *c)
{
	struct job *j;

	/*
	 * Always take the list's head afresh: aborting one job can complete
	 * others (a validation they waited for together settles, a freed
	 * connection slot lets a waiting job fail at once), and finish()
	 * unlinks and frees those, so a pointer to the next job kept across
	 * an abort may dangle.  The job is unlinked and marked done first,
	 * so that nothing completes it twice.
	 */
	while ((j = LIST_FIRST(&c->jobs)) != NULL) {
		unlink_job(c, j);
		loop_timer_stop(j->deadline);
		pipeline_abort(j);
		job_free(j);
	}
}

int
sched_run(struct crawl *c, struct list_reader *list,
	const struct optout *optout, const struct shard *shard)
{
	struct sched s;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.list = list;
	s.optout = optout;
	s.shard = shard;
	s.t0 = loop_now_us(c->loop);
	c->sched = &s;
	s.kick = loop_timer_new(c->loop, kick_cb, &s);
	loop_signal_add(c->loop, SIGINT, signal_cb, &s);
	loop_signal_add(c->loop, SIGTERM, signal_cb, &s);
	if (c->cfg->progress && isatty(STDERR_FILENO)) {
		s.limit = c->cfg->limit;
		s.progress = loop_timer_new(c->loop, progress_cb, &s);
		loop_timer_start(s.progress, SCHED_PROGRESS_US);
	}
	fill(&s);
	if (!(s.list_done && c->inflight == 0))
		loop_run(c->loop);
	if (s.progress != NULL) {
		progress_line(&s, true);
		loop_timer_free(s.progress);
	}
	loop_timer_free(s.kick);
	c->sched = NULL;
	if (c->stopping)
		return SCHED_INTERRUPTED;
	return s.list_error ? SCHED_LIST_ERROR : SCHED_OK;
}
