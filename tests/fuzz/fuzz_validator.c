/*
 * fuzz_validator.c - libFuzzer target for the DNSSEC validator
 * (crawler/dnssec/dnssec.h) fed hostile packets through the replay engine
 * (crawler/engine/query_replay.c) over the recorded core world
 * (FUZZ_REPLAY_DIR/core.rpl, its trust anchor core.key and time
 * core.time, as tests/replay/test_replay_val.c).
 *
 * Input: a selector byte, a domain byte, then a DNS message in wire form.
 * The selector says which answer of one validation the message stands for:
 *   0  the answer to validate (domain A), handed to val_job_start;
 *   1  the domain's DNSKEY reply,  2  its DS reply,
 *   3  its parent zone's (the TLD's) DNSKEY reply;
 * for 1-3 the answer to validate and every other reply come from the
 * recording, and the one (name, type) gets the fuzzer's message instead of
 * the recorded one, delivered when the engine answers it.  No crash, no
 * leak (ASan/LSan), and every job ends with a verdict (a status of
 * enum val_status) with no query left outstanding: the validator's work is
 * bounded (max_queries_per_job) whatever the replies say.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnssec.h"
#include "log.h"
#include "loop.h"
#include "query.h"
#include "query_replay.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Paths built from FUZZ_REPLAY_DIR and a file name. */
#define FUZZ_PATH_LEN 4096

/* Domains of the core world, secure over NSEC and NSEC3 (the one at www
 * answers the apex A negatively), and insecure. */
static const char *const domains[] = {
	"best.se.", "alg13-nsec3.de.", "ed25519.fr.", "www-only.fr.",
	"ds-sha384.com.", "unsigned.com.",
};
#define NDOMAINS (sizeof(domains) / sizeof(domains[0]))

enum sel {
	SEL_ANSWER = 0,
	SEL_DNSKEY,
	SEL_DS,
	SEL_PARENT_DNSKEY,
	SEL_COUNT,
};

static struct loop *loop;
static struct query_engine *qe;
static ldns_rr_list *anchors;
static time_t vtime;
/* Verdicts reached, per status and selector, printed at exit (TAP
 * comments): the mutations must reach the validator, not only the parser. */
static unsigned long verdicts[VAL_INDETERMINATE + 1][SEL_COUNT];

static void
report(void)
{
	static const char *const sel_name[SEL_COUNT] = { "answer", "dnskey",
		"ds", "parent-dnskey" };
	int st, k;

	for (k = 0; k < SEL_COUNT; k++) {
		printf("# %s replaced:", sel_name[k]);
		for (st = 0; st <= VAL_INDETERMINATE; st++)
			printf(" %s %lu", val_status_str((enum val_status)st),
			    verdicts[st][k]);
		printf("\n");
	}
}

struct run {
	struct val_ctx *val;
	const ldns_pkt *hostile;	/* borrowed for the run */
	ldns_rdf *target;		/* (target, ttype) gets hostile */
	ldns_rr_type ttype;
	bool done;
	enum val_status status;
	unsigned outstanding;
};

struct vq {
	struct run *run;
	struct val_job *vj;
	uint32_t token;
	bool swap;			/* deliver run->hostile instead */
};

static bool
vq_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct vq *v = arg;

	v->run->outstanding--;
	val_job_deliver(v->vj, v->token, v->swap ? v->run->hostile :
	    st == QUERY_OK ? p : NULL);
	free(v);
	return false;
}

static void
val_query(void *arg, struct val_job *job, uint32_t token, const ldns_rdf *name,
	ldns_rr_type type)
{
	struct run *r = arg;
	struct vq *v = xcalloc(1, sizeof(*v));

	v->run = r;
	v->vj = job;
	v->token = token;
	v->swap = r->target != NULL && type == r->ttype &&
	    ldns_dname_compare(name, r->target) == 0;
	r->outstanding++;
	query_send(qe, name, type, vq_reply, v);
}

static void
val_done(void *arg, const struct val_result *res)
{
	struct run *r = arg;

	r->done = true;
	r->status = res->status;
}

static bool
answer_cb(void *arg, enum query_status st, ldns_pkt *p)
{
	struct run *r = arg;
	const ldns_rr *q;

	r->outstanding--;
	if (st != QUERY_OK || ldns_rr_list_rr_count(ldns_pkt_question(p)) == 0)
		abort();	/* the recording answers every domain's A */
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	val_job_start(r->val, ldns_rr_owner(q), ldns_rr_get_type(q), p,
	    val_done, r);
	return false;
}

static void
setup(void)
{
	char err[512], path[FUZZ_PATH_LEN];
	struct query_engine_options qo;
	long long t;
	FILE *f;

	log_set_level(LOG_LEVEL_ERR);
	loop = loop_new(err, sizeof(err));
	if (loop == NULL)
		fatal(1, "fuzz-validator: loop: %s", err);
	snprintf(path, sizeof(path), "%s/core.rpl", FUZZ_REPLAY_DIR);
	query_engine_options_default(&qo);
	qo.servers = path;
	qe = query_engine_new(loop, &qo, err, sizeof(err));
	if (qe == NULL)
		fatal(1, "fuzz-validator: replay engine: %s", err);
	snprintf(path, sizeof(path), "%s/core.key", FUZZ_REPLAY_DIR);
	anchors = val_anchors_read(path, err, sizeof(err));
	if (anchors == NULL)
		fatal(1, "fuzz-validator: anchor: %s", err);
	snprintf(path, sizeof(path), "%s/core.time", FUZZ_REPLAY_DIR);
	f = fopen(path, "r");
	if (f == NULL || fscanf(f, "%lld", &t) != 1)
		fatal(1, "fuzz-validator: %s: no validation time", path);
	fclose(f);
	vtime = (time_t)t;
	atexit(report);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	struct val_ctx_options vo;
	ldns_pkt *hostile = NULL;
	ldns_rdf *name;
	enum sel sel;
	char err[512];

	if (loop == NULL)
		setup();
	if (size < 2)
		return 0;
	sel = (enum sel)(data[0] % SEL_COUNT);
	name = ldns_dname_new_frm_str(domains[data[1] % NDOMAINS]);
	if (ldns_wire2pkt(&hostile, data + 2, size - 2) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(name);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.hostile = hostile;
	switch (sel) {
	case SEL_DNSKEY:
		r.target = ldns_rdf_clone(name);
		r.ttype = LDNS_RR_TYPE_DNSKEY;
		break;
	case SEL_DS:
		r.target = ldns_rdf_clone(name);
		r.ttype = LDNS_RR_TYPE_DS;
		break;
	case SEL_PARENT_DNSKEY:
		r.target = ldns_dname_left_chop(name);
		r.ttype = LDNS_RR_TYPE_DNSKEY;
		break;
	case SEL_ANSWER:
	case SEL_COUNT:
		break;
	}
	val_ctx_options_default(&vo);
	vo.now = vtime;
	r.val = val_ctx_new(anchors, &vo, val_query, &r, err, sizeof(err));
	if (r.val == NULL)
		fatal(1, "fuzz-validator: val_ctx_new: %s", err);
	query_replay_rewind(qe);
	if (sel == SEL_ANSWER) {
		val_job_start(r.val, name, LDNS_RR_TYPE_A, hostile, val_done,
		    &r);
	} else {
		r.outstanding++;
		query_send(qe, name, LDNS_RR_TYPE_A, answer_cb, &r);
	}
	loop_run(loop);
	/* Every job ends with a verdict, nothing left in flight. */
	if (!r.done || r.outstanding != 0 || (unsigned)r.status >
	    VAL_INDETERMINATE)
		abort();
	verdicts[r.status][sel]++;
	val_ctx_free(r.val);
	ldns_rdf_deep_free(r.target);
	ldns_rdf_deep_free(name);
	ldns_pkt_free(hostile);
	return 0;
}
