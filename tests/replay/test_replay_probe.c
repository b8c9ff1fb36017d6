/*
 * test_replay_probe.c - the DNS probe and the validator together
 * (crawler/dns/dnsprobe.c, addrprobe.c, mailpol.c, row.c, loop.c and the
 * DNSSEC modules), their queries answered by the replay engine
 * (crawler/engine/query_replay.c, linked instead of query.c) from the recorded
 * core world (docs/replay.md).  No root, no namespace, no network.
 *
 *   test_replay_probe DIR      DIR: tests/replay
 *
 * 1. Every core domain crawled at once: every probed_host, dns, dnssec and
 *    email column of core.truth equals the row (the rule of
 *    tests/e2e/compare.py: a column in the truth, null included, equals
 *    the row's), each job finished exactly once, no query unmatched.
 * 2. The apex A timing out, and a truncated apex A answered on the retry.
 * 3. Cancellation: a job aborted (pipeline_abort) while its validation
 *    waits, beside a job waiting for the same zone; then every job
 *    abandoned mid-validation as SIGTERM does.  No callback may touch an
 *    aborted job (ASan: it is freed at once) and nothing may leak (the
 *    ASan/UBSan pass of suite 'unit').
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <ldns/ldns.h>

#include "crawl.h"
#include "dnsprobe.h"
#include "dnssec.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "mailprobe.h"
#include "serversprobe.h"
#include "tlspolprobe.h"
#include "pipeline.h"
#include "query.h"
#include "query_replay.h"
#include "row.h"
#include "schema.h"
#include "tap.h"
#include "util.h"
#include "webprobe.h"

#define PATH_MAX_LEN 4096
/* Jobs one run holds (the core world has 44 domains). */
#define MAX_JOBS 128
/* When the cancellation tests abort: after the DNS stage (answers at
 * once), well before the slow DNSKEY answer (200 ms, cancel-*.rpl). */
#define CANCEL_AT_US 60000

static const char *dir;
static time_t vtime;

static char *
path_of(const char *name)
{
	static char buf[4][PATH_MAX_LEN];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* --- one crawl: the state the scheduler and main.c would hold --------- */

struct run {
	struct crawl_config cfg;
	struct crawl c;
	struct job *jobs[MAX_JOBS];
	unsigned finished[MAX_JOBS];	/* done calls (the row complete) */
	bool aborted[MAX_JOBS];
	size_t njobs;
	unsigned late_calls;		/* done on an aborted job */
};

/* The one run in progress, for job_done (a callback with the job only). */
static struct run *cur;

/* The web stage is not linked (no web context: the pipeline skips it). */
bool
webprobe_start(struct job *j)
{
	(void)j;
	return false;
}

void
webprobe_abort(struct job *j)
{
	(void)j;
}

void
webprobe_fini(struct job *j)
{
	(void)j;
}

/* Nor the mail stage (no mail context). */
bool
mailprobe_wanted(const struct job *j)
{
	(void)j;
	return false;
}

bool
mailprobe_start(struct job *j)
{
	(void)j;
	return false;
}

void
mailprobe_abort(struct job *j)
{
	(void)j;
}

void
mailprobe_fini(struct job *j)
{
	(void)j;
}

/* Nor the servers stage (no servers context). */
bool
serversprobe_wanted(const struct job *j)
{
	(void)j;
	return false;
}

bool
serversprobe_start(struct job *j)
{
	(void)j;
	return false;
}

void
serversprobe_abort(struct job *j)
{
	(void)j;
}

void
serversprobe_fini(struct job *j)
{
	(void)j;
}

/* Nor the tlspolicy stage (no web stage before it). */
bool
tlspolprobe_wanted(const struct job *j)
{
	(void)j;
	return false;
}

bool
tlspolprobe_start(struct job *j)
{
	(void)j;
	return false;
}

void
tlspolprobe_abort(struct job *j)
{
	(void)j;
}

void
tlspolprobe_fini(struct job *j)
{
	(void)j;
}

/* The pipeline's done callback: what the scheduler's would see. */
static void
job_done(struct job *j)
{
	size_t i;

	for (i = 0; i < cur->njobs; i++)
		if (cur->jobs[i] == j)
			break;
	if (i == cur->njobs || cur->aborted[i]) {
		cur->late_calls++;
		return;
	}
	cur->finished[i]++;
	/* What scheduler.c's finish() adds to every row. */
	if (!row_is_set(&j->row, SCHEMA_COL_PROBED_HOST))
		row_set_str(&j->row, SCHEMA_COL_PROBED_HOST, j->domain);
}

static void
run_init(struct run *r, const char *overlay)
{
	struct query_engine_options qo;
	struct val_ctx_options vo;
	ldns_rr_list *anchors;
	char err[512], files[PATH_MAX_LEN * 2];

	memset(r, 0, sizeof(*r));
	cur = r;
	r->cfg.probes = PROBE_DNS | PROBE_DNSSEC;
	r->cfg.list_name = "core";
	r->cfg.timeout_s = 30;
	r->cfg.validation_time = vtime;
	r->c.cfg = &r->cfg;
	r->c.loop = loop_new(err, sizeof(err));
	if (overlay != NULL)
		snprintf(files, sizeof(files), "%s,%s", path_of(overlay),
		    path_of("core.rpl"));
	else
		snprintf(files, sizeof(files), "%s", path_of("core.rpl"));
	query_engine_options_default(&qo);
	qo.servers = files;
	r->c.qe = query_engine_new(r->c.loop, &qo, err, sizeof(err));
	if (r->c.qe == NULL) {
		tap_ok(false, "replay engine: %s", err);
		exit(1);
	}
	anchors = val_anchors_read(path_of("core.key"), err, sizeof(err));
	if (anchors == NULL) {
		tap_ok(false, "anchor: %s", err);
		exit(1);
	}
	val_ctx_options_default(&vo);
	vo.now = vtime;
	r->c.val = val_ctx_new(anchors, &vo, dnsprobe_val_query, &r->c, err,
	    sizeof(err));
	ldns_rr_list_deep_free(anchors);
	if (r->c.val == NULL) {
		tap_ok(false, "val_ctx_new: %s", err);
		exit(1);
	}
}

/* A job as scheduler.c's start_job makes it (no deadline timer: the
 * replay answers long before any). */
static struct job *
job_start(struct run *r, int64_t index, const char *domain)
{
	struct job *j = xcalloc(1, sizeof(*j));

	if (r->njobs >= MAX_JOBS) {
		tap_ok(false, "more than %d jobs", MAX_JOBS);
		exit(1);
	}
	j->crawl = &r->c;
	j->input_index = index;
	j->rank = -1;
	j->domain = xstrdup(domain);
	j->apex = ldns_dname_new_frm_str(domain);
	row_init(&j->row);
	row_set_i64(&j->row, SCHEMA_COL_INPUT_INDEX, index);
	row_set_str(&j->row, SCHEMA_COL_DOMAIN, domain);
	row_set_str(&j->row, SCHEMA_COL_LIST, r->cfg.list_name);
	j->t_start = loop_now_us(r->c.loop);
	r->jobs[r->njobs++] = j;
	pipeline_start(j, job_done);
	return j;
}

static void
job_free(struct job *j)
{
	pipeline_fini(j);
	row_fini(&j->row);
	ldns_rdf_deep_free(j->apex);
	free(j->domain);
	free(j);
}

/* Abort job i as the scheduler's deadline and signal paths do: marked
 * done first (nothing may complete it inside the abort), then freed. */
static void
job_abort(struct run *r, size_t i)
{
	struct job *j = r->jobs[i];

	pipeline_abort(j);
	r->aborted[i] = true;
	job_free(j);
	r->jobs[i] = NULL;
}

static void
run_fini(struct run *r)
{
	size_t i;
	char unmatched[512];

	tap_eq_i64((int64_t)query_replay_unmatched(r->c.qe, unmatched,
	    sizeof(unmatched)), 0, "every query answered by an entry");
	if (unmatched[0] != '\0')
		tap_diag("unmatched: %s", unmatched);
	tap_eq_i64(r->late_calls, 0, "no completion of an aborted job");
	for (i = 0; i < r->njobs; i++)
		if (r->jobs[i] != NULL)
			job_free(r->jobs[i]);
	val_ctx_free(r->c.val);
	query_engine_free(r->c.qe);
	dnsprobe_val_queries_free(&r->c);
	loop_free(r->c.loop);
	cur = NULL;
}

/* --- comparing a row with the truth ----------------------------------- */

/* Column c of the row as JSON (null, string, integer, boolean). */
static json_t *
cell(const struct row *row, int c)
{
	const struct schema_value *v = &row->v[c];

	if (!v->present)
		return json_null();
	switch (schema_column_get((size_t)c)->type) {
	case SCHEMA_TYPE_INT32:
		return json_integer(v->u.i32);
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		return json_integer(v->u.i64);
	case SCHEMA_TYPE_BOOLEAN:
		return json_boolean(v->u.b);
	case SCHEMA_TYPE_STRING:
		return json_stringn(v->u.str.ptr, v->u.str.len);
	}
	return json_null();
}

/* Every column of want (but the identity keys) equals the row's. */
static unsigned
compare_row(const char *domain, const struct row *row, json_t *want)
{
	const char *key;
	json_t *val;
	unsigned bad = 0;

	json_object_foreach(want, key, val) {
		int c;
		json_t *got;
		char *gs, *ws;

		if (strcmp(key, "input_index") == 0 ||
		    strcmp(key, "domain") == 0)
			continue;
		c = schema_column_find(key);
		if (!tap_ok(c >= 0, "%s: column %s in the schema", domain,
		    key))
			continue;
		got = cell(row, c);
		gs = json_dumps(got, JSON_ENCODE_ANY);
		ws = json_dumps(val, JSON_ENCODE_ANY);
		if (!tap_eq_str(gs, ws, domain))
			bad++;
		else if (getenv("REPLAY_VERBOSE") != NULL)
			tap_diag("%s %s = %s", domain, key, gs);
		if (strcmp(gs, ws) != 0)
			tap_diag("%s: column %s", domain, key);
		free(gs);
		free(ws);
		json_decref(got);
	}
	return bad;
}

static json_t *
load_truth(void)
{
	FILE *f = fopen(path_of("core.truth"), "r");
	json_t *all = json_array();
	char line[8192];

	if (f == NULL) {
		tap_ok(false, "core.truth opens");
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);

		if (o == NULL) {
			tap_ok(false, "core.truth: %s", je.text);
			exit(1);
		}
		json_array_append_new(all, o);
	}
	fclose(f);
	return all;
}

static json_t *
truth_of(json_t *truth, const char *domain)
{
	size_t i;
	json_t *o;

	json_array_foreach(truth, i, o)
		if (strcmp(json_string_value(json_object_get(o, "domain")),
		    domain) == 0)
			return o;
	return NULL;
}

/* --- 1. the core world -------------------------------------------------- */

static void
core_world(json_t *truth)
{
	struct run r;
	size_t i;
	json_t *o;
	unsigned bad = 0, cols = 0;

	run_init(&r, NULL);
	json_array_foreach(truth, i, o)
		job_start(&r, json_integer_value(json_object_get(o,
		    "input_index")), json_string_value(json_object_get(o,
		    "domain")));
	loop_run(r.c.loop);
	json_array_foreach(truth, i, o) {
		const char *d = json_string_value(json_object_get(o, "domain"));

		if (!tap_eq_i64(r.finished[i], 1, "finished exactly once"))
			tap_diag("%s: finished %u times", d, r.finished[i]);
		if (r.finished[i] == 1)
			bad += compare_row(d, &r.jobs[i]->row, o);
		cols += (unsigned)json_object_size(o) - 2;
	}
	tap_ok(bad == 0, "core world: %zu domains, %u columns, %u differ from "
	    "the truth", json_array_size(truth), cols, bad);
	run_fini(&r);
}

/* --- 2. timeouts and truncation ----------------------------------------- */

static const char *
col_str(const struct row *row, enum schema_col c, char *buf, size_t len)
{
	const struct schema_value *v = &row->v[c];

	if (!v->present)
		return "(null)";
	snprintf(buf, len, "%.*s", (int)v->u.str.len, v->u.str.ptr);
	return buf;
}

static void
apex_timeout(void)
{
	struct run r;
	struct job *j;
	char b[256];

	run_init(&r, "apex-timeout.rpl");
	j = job_start(&r, 0, "best.se");
	loop_run(r.c.loop);
	tap_eq_i64(r.finished[0], 1, "apex A timeout: finished once");
	tap_eq_str(col_str(&j->row, SCHEMA_COL_DNS_STATUS, b, sizeof(b)),
	    "timeout", "apex A timeout: dns_status");
	tap_eq_str(col_str(&j->row, SCHEMA_COL_ERROR, b, sizeof(b)),
	    "dns: apex A timed out", "apex A timeout: error");
	tap_ok(!row_is_set(&j->row, SCHEMA_COL_A_COUNT) &&
	    !row_is_set(&j->row, SCHEMA_COL_NS_COUNT) &&
	    !row_is_set(&j->row, SCHEMA_COL_DENIAL),
	    "apex A timeout: the zone's own columns null");
	/* The parent's DS answer is a fact of its own (docs/dnssec.md):
	 * a DS, and keys the child did not give. */
	tap_ok(row_is_set(&j->row, SCHEMA_COL_DS_PRESENT) &&
	    j->row.v[SCHEMA_COL_DS_PRESENT].u.b, "apex A timeout: ds_present "
	    "from the parent");
	tap_eq_str(col_str(&j->row, SCHEMA_COL_DNSSEC_STATUS, b, sizeof(b)),
	    "indeterminate", "apex A timeout: dnssec_status");
	tap_eq_str(col_str(&j->row, SCHEMA_COL_DNSSEC_REASON, b, sizeof(b)),
	    "no_response", "apex A timeout: dnssec_reason");
	run_fini(&r);
}

static void
apex_truncated(json_t *truth)
{
	struct run r;
	struct query_stats st;

	run_init(&r, "apex-truncated.rpl");
	job_start(&r, 0, "best.se");
	loop_run(r.c.loop);
	tap_eq_i64(r.finished[0], 1, "truncated apex A: finished once");
	tap_eq_i64(compare_row("best.se (truncated, then whole)",
	    &r.jobs[0]->row, truth_of(truth, "best.se")), 0,
	    "truncated apex A: the row equals the truth");
	query_engine_stats(r.c.qe, &st);
	tap_eq_i64((int64_t)st.truncated, 1,
	    "truncated apex A: one truncated reply counted");
	run_fini(&r);
}

/* --- 3. cancellation ---------------------------------------------------- */

struct cancel_ctx {
	struct run *r;
	bool all;
	unsigned in_dnssec;		/* jobs in the DNSSEC stage at abort */
	unsigned aborted;
};

static void
cancel_cb(void *arg)
{
	struct cancel_ctx *cc = arg;
	struct run *r = cc->r;
	size_t i;

	for (i = 0; i < r->njobs; i++) {
		if (r->jobs[i] == NULL || (!cc->all && i > 0))
			continue;
		if (r->jobs[i]->stage == JOB_DNSSEC)
			cc->in_dnssec++;
		job_abort(r, i);
		cc->aborted++;
	}
}

static void
cancel_one(json_t *truth)
{
	struct run r;
	struct cancel_ctx cc = { &r, false, 0, 0 };
	struct loop_timer *t;
	char b[64];

	run_init(&r, "cancel-one.rpl");
	job_start(&r, 0, "best.se");
	job_start(&r, 1, "best.se");
	t = loop_timer_new(r.c.loop, cancel_cb, &cc);
	loop_timer_start(t, CANCEL_AT_US);
	loop_run(r.c.loop);
	tap_eq_i64(cc.in_dnssec, 1, "cancel one: the job was mid-validation");
	tap_eq_i64(r.finished[0], 0, "cancel one: the aborted job never "
	    "finishes");
	tap_eq_i64(r.finished[1], 1, "cancel one: the other job finishes");
	if (r.finished[1] == 1) {
		tap_eq_str(col_str(&r.jobs[1]->row, SCHEMA_COL_DNSSEC_STATUS, b,
		    sizeof(b)), "secure", "cancel one: the other job's zone "
		    "validation completed (secure)");
		tap_eq_i64(compare_row("best.se (beside a cancelled job)",
		    &r.jobs[1]->row, truth_of(truth, "best.se")), 0,
		    "cancel one: the other job's row equals the truth");
	}
	loop_timer_free(t);
	run_fini(&r);
}

static void
cancel_all(void)
{
	struct run r;
	struct cancel_ctx cc = { &r, true, 0, 0 };
	struct loop_timer *t;

	run_init(&r, "cancel-all.rpl");
	job_start(&r, 0, "best.se");
	job_start(&r, 1, "best.se");
	t = loop_timer_new(r.c.loop, cancel_cb, &cc);
	loop_timer_start(t, CANCEL_AT_US);
	loop_run(r.c.loop);
	tap_eq_i64(cc.in_dnssec, 2, "cancel all: both jobs were "
	    "mid-validation");
	tap_eq_i64(cc.aborted, 2, "cancel all: both aborted");
	tap_eq_i64(r.finished[0] + r.finished[1], 0,
	    "cancel all: no aborted job finishes");
	loop_timer_free(t);
	run_fini(&r);
}

int
main(int argc, char **argv)
{
	FILE *f;
	long long t = 0;
	json_t *truth;

	if (argc != 2) {
		fprintf(stderr, "usage: test_replay_probe DIR\n");
		return 2;
	}
	dir = argv[1];
	log_set_level(LOG_LEVEL_WARN);
	f = fopen(path_of("core.time"), "r");
	if (f == NULL || fscanf(f, "%lld", &t) != 1) {
		fprintf(stderr, "%s: no validation time\n",
		    path_of("core.time"));
		return 2;
	}
	fclose(f);
	vtime = (time_t)t;
	truth = load_truth();

	core_world(truth);
	apex_timeout();
	apex_truncated(truth);
	cancel_one(truth);
	cancel_all();

	json_decref(truth);
	return tap_done();
}
