/*
 * test_replay_val.c - the DNSSEC validator alone (crawler/dnssec/dnssec.h),
 * its queries answered by the replay engine (crawler/engine/query_replay.c) from
 * the recorded core world and crafted overlays (docs/replay.md).
 *
 *   test_replay_val DIR      DIR: tests/replay
 *
 * For every domain of core.truth whose DNS resolved, the probed host's
 * address answer (A, else AAAA, else the negative A) is validated with a
 * cold cache and its status and reason must equal the truth.  Crafted
 * cases add what the core world lacks, so that every status and reason
 * of docs/dnssec.md's table is met; the test fails if one is not.  Also:
 * the replay format's parser (errors name file and line), an unmatched
 * query counted, and no query left unanswered.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <ldns/ldns.h>

#include "dnssec.h"
#include "log.h"
#include "loop.h"
#include "query.h"
#include "query_replay.h"
#include "replay.h"
#include "tap.h"
#include "util.h"

/* Paths built from DIR and a file name. */
#define PATH_MAX_LEN 4096
/* Reasons of enum val_reason (NONE .. WORK_LIMIT). */
#define REASONS (VAL_REASON_WORK_LIMIT + 1)

static const char *dir;
static time_t vtime;
static bool seen_reason[REASONS];
static bool seen_status[VAL_INDETERMINATE + 1];
/* core.rpl loaded once for the cases that use it alone. */
static struct loop *shared_loop;
static struct query_engine *shared_qe;

static char *
path_of(const char *name)
{
	static char buf[4][PATH_MAX_LEN];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* --- the validator's queries through the replay engine (as main.c) ---- */

struct run {
	struct loop *loop;
	struct query_engine *qe;
	struct val_ctx *val;
	bool done;
	enum val_status status;
	enum val_reason reason;
	unsigned outstanding;
};

struct vq {
	struct run *run;
	struct val_job *vj;
	uint32_t token;
};

static bool
vq_reply(void *arg, enum query_status st, ldns_pkt *p)
{
	struct vq *v = arg;

	v->run->outstanding--;
	val_job_deliver(v->vj, v->token, st == QUERY_OK ? p : NULL);
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
	r->outstanding++;
	query_send(r->qe, name, type, vq_reply, v);
}

static void
val_done(void *arg, const struct val_result *res)
{
	struct run *r = arg;

	r->done = true;
	if (getenv("REPLAY_DEBUG") != NULL)
		fprintf(stderr, "result: %s %s\n", val_status_str(res->status),
		    val_reason_str(res->reason));
	r->status = res->status;
	r->reason = res->reason;
}

static bool
answer_cb(void *arg, enum query_status st, ldns_pkt *p)
{
	struct run *r = arg;
	const ldns_rr *q;

	r->outstanding--;
	if (st != QUERY_OK) {
		tap_diag("the answer to validate did not come: %s",
		    query_status_str(st));
		return false;
	}
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	val_job_start(r->val, ldns_rr_owner(q), ldns_rr_get_type(q), p,
	    val_done, r);
	return false;
}

struct vcase {
	const char *label;
	const char *name;
	ldns_rr_type type;
	const char *files;	/* overlays before core.rpl, "" for none */
	const char *anchor;	/* file in DIR */
	unsigned max_queries;	/* 0: the default */
	const char *status, *reason;	/* reason NULL when secure */
};

/*
 * Validate (name, type) with a fresh context (cold cache) and engine;
 * status and reason must equal the case's.  Returns pass.
 */
static bool
run_case(const struct vcase *c)
{
	struct run r;
	struct query_engine_options qo;
	struct val_ctx_options vo;
	ldns_rr_list *anchors;
	char err[512], files[PATH_MAX_LEN * 2], unmatched[256];
	ldns_rdf *name = ldns_dname_new_frm_str(c->name);
	bool pass;

	memset(&r, 0, sizeof(r));
	if (c->files[0] == '\0' && shared_qe != NULL) {
		/* The recording alone: loaded once, rewound per case. */
		r.loop = shared_loop;
		r.qe = shared_qe;
		query_replay_rewind(r.qe);
	} else {
		r.loop = loop_new(err, sizeof(err));
		if (c->files[0] != '\0')
			snprintf(files, sizeof(files), "%s,%s",
			    path_of(c->files), path_of("core.rpl"));
		else
			snprintf(files, sizeof(files), "%s",
			    path_of("core.rpl"));
		query_engine_options_default(&qo);
		qo.servers = files;
		r.qe = query_engine_new(r.loop, &qo, err, sizeof(err));
	}
	if (r.qe == NULL) {
		tap_ok(false, "%s: replay engine: %s", c->label, err);
		exit(1);
	}
	anchors = val_anchors_read(path_of(c->anchor), err, sizeof(err));
	if (anchors == NULL) {
		tap_ok(false, "%s: anchor: %s", c->label, err);
		exit(1);
	}
	val_ctx_options_default(&vo);
	vo.now = vtime;
	if (c->max_queries)
		vo.max_queries_per_job = c->max_queries;
	r.val = val_ctx_new(anchors, &vo, val_query, &r, err, sizeof(err));
	ldns_rr_list_deep_free(anchors);
	if (r.val == NULL) {
		tap_ok(false, "%s: val_ctx_new: %s", c->label, err);
		exit(1);
	}
	r.outstanding++;
	query_send(r.qe, name, c->type, answer_cb, &r);
	loop_run(r.loop);

	pass = tap_ok(r.done, "%s: validation done", c->label);
	if (r.done) {
		const char *rs = val_reason_str(r.reason);

		pass &= tap_eq_str(val_status_str(r.status), c->status,
		    c->label);
		pass &= tap_eq_str(rs != NULL ? rs : "(null)",
		    c->reason != NULL ? c->reason : "(null)", c->label);
		if (pass) {
			seen_status[r.status] = true;
			seen_reason[r.reason] = true;
		}
	}
	pass &= tap_eq_i64((int64_t)query_replay_unmatched(r.qe, unmatched,
	    sizeof(unmatched)), 0, "every query answered by an entry");
	if (unmatched[0] != '\0')
		tap_diag("unmatched: %s", unmatched);
	pass &= tap_eq_i64(r.outstanding, 0, "no query outstanding at the end");
	val_ctx_free(r.val);
	if (r.qe != shared_qe) {
		query_engine_free(r.qe);
		loop_free(r.loop);
	}
	ldns_rdf_deep_free(name);
	return pass;
}

/* --- the core world: every resolved domain's verdict equals the truth -- */

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_int_t
jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static void
core_cases(void)
{
	FILE *f = fopen(path_of("core.truth"), "r");
	char line[8192], label[300];
	unsigned n = 0;

	if (!tap_ok(f != NULL, "core.truth opens"))
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		struct vcase c;
		const char *st;

		if (!tap_ok(o != NULL, "core.truth: JSON line"))
			continue;
		st = jstr(o, "dns_status");
		if (st == NULL || strcmp(st, "ok") != 0 ||
		    jstr(o, "dnssec_status") == NULL) {
			/* Not resolved (lame, nxdomain): the probe test
			 * covers the parent-only verdict. */
			json_decref(o);
			continue;
		}
		memset(&c, 0, sizeof(c));
		snprintf(label, sizeof(label), "core %s", jstr(o, "domain"));
		c.label = label;
		c.name = jstr(o, "probed_host");
		c.type = jint(o, "a_count") > 0 ? LDNS_RR_TYPE_A :
		    jint(o, "aaaa_count") > 0 ? LDNS_RR_TYPE_AAAA :
		    LDNS_RR_TYPE_A;
		c.files = "";
		c.anchor = "core.key";
		c.status = jstr(o, "dnssec_status");
		c.reason = jstr(o, "dnssec_reason");
		run_case(&c);
		n++;
		json_decref(o);
	}
	fclose(f);
	tap_ok(n >= 35, "core world: %u resolved domains validated", n);
}

/* --- crafted cases: what the core world lacks ------------------------- */

static const struct vcase crafted[] = {
	{ "unsupported_algorithm: the anchor's DS has digest type 200",
	  "best.se.", LDNS_RR_TYPE_A, "", "anchor-unsupported.key", 0,
	  "insecure", "unsupported_algorithm" },
	{ "no_trust_anchor: a .com name under an anchor for se. only",
	  "unsigned.com.", LDNS_RR_TYPE_A, "", "anchor-se.key", 0,
	  "indeterminate", "no_trust_anchor" },
	{ "work_limit: one query allowed per job",
	  "best.se.", LDNS_RR_TYPE_A, "", "core.key", 1,
	  "indeterminate", "work_limit" },
	{ "no_response: DNSKEY best.se. times out",
	  "best.se.", LDNS_RR_TYPE_A, "dnskey-timeout.rpl", "core.key", 0,
	  "indeterminate", "no_response" },
	{ "no_response: DNSKEY alg13-nsec3.de. SERVFAIL",
	  "alg13-nsec3.de.", LDNS_RR_TYPE_A, "dnskey-servfail.rpl",
	  "core.key", 0, "indeterminate", "no_response" },
	{ "denial_invalid: NXDOMAIN of best.se without its NSEC records",
	  "uptake-denial-probe-7f3a.best.se.", LDNS_RR_TYPE_A,
	  "denial-invalid.rpl", "core.key", 0, "bogus", "denial_invalid" },
	{ "secure NXDOMAIN: the same answer with its NSEC records",
	  "uptake-denial-probe-7f3a.best.se.", LDNS_RR_TYPE_A, "",
	  "core.key", 0, "secure", NULL },
	{ "slow keys: DNSKEY best.se. after 200 ms, still secure",
	  "best.se.", LDNS_RR_TYPE_A, "dnskey-slow.rpl", "core.key", 0,
	  "secure", NULL },
};

/* --- nsec3_iterations: a zone signed here, answers added in code ------ */

/*
 * Zone iter.test., signed in memory with NSEC3 at 151 iterations (RFC 9276
 * 3.2: above 150 is not computed) and anchored at its own DNSKEY; a NODATA
 * answer for its TXT is insecure, nsec3_iterations.
 */
#define ITER_ZONE "iter.test."
#define ITER_ITERATIONS 151

static void
iterations_case(void)
{
	ldns_key *k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256,
	    256);
	ldns_key_list *keys = ldns_key_list_new();
	ldns_rdf *apex = ldns_dname_new_frm_str(ITER_ZONE);
	ldns_dnssec_zone *dz = ldns_dnssec_zone_new();
	ldns_rr_list *added = ldns_rr_list_new();
	ldns_rr *rr, *dnskey;
	ldns_pkt *nodata = NULL, *keyans = NULL;
	struct run r;
	struct query_engine_options qo;
	struct val_ctx_options vo;
	ldns_rr_list *anchors = ldns_rr_list_new(), *all;
	char err[256] = "", unmatched[256];
	size_t i;
	uint8_t salt[1] = { 0xab };

	ldns_key_set_pubkey_owner(k, ldns_rdf_clone(apex));
	ldns_key_set_flags(k, 257);
	ldns_key_set_inception(k, (uint32_t)vtime - 86400);
	ldns_key_set_expiration(k, (uint32_t)vtime + 86400);
	dnskey = ldns_key2rr(k);
	ldns_key_set_keytag(k, ldns_calc_keytag(dnskey));
	ldns_key_list_push_key(keys, k);
	ldns_rr_new_frm_str(&rr, ITER_ZONE " 3600 IN SOA ns." ITER_ZONE
	    " h." ITER_ZONE " 1 3600 600 86400 300", 0, NULL, NULL);
	ldns_dnssec_zone_add_rr(dz, rr);
	ldns_rr_new_frm_str(&rr, ITER_ZONE " 3600 IN NS ns." ITER_ZONE, 0,
	    NULL, NULL);
	ldns_dnssec_zone_add_rr(dz, rr);
	ldns_rr_new_frm_str(&rr, "ns." ITER_ZONE " 3600 IN A 192.0.2.1", 0,
	    NULL, NULL);
	ldns_dnssec_zone_add_rr(dz, rr);
	ldns_dnssec_zone_add_rr(dz, ldns_rr_clone(dnskey));
	ldns_rr_list_push_rr(anchors, ldns_rr_clone(dnskey));
	if (!tap_ok(ldns_dnssec_zone_sign_nsec3(dz, added, keys,
	    ldns_dnssec_default_replace_signatures, NULL, LDNS_SHA1, 0,
	    ITER_ITERATIONS, sizeof(salt), salt) == LDNS_STATUS_OK,
	    "nsec3_iterations: zone signed with %d iterations",
	    ITER_ITERATIONS))
		goto out;

	/* The answers: DNSKEY (with RRSIG), and NODATA for TXT at the apex
	 * with the SOA, the apex's NSEC3 and their RRSIGs. */
	nodata = ldns_pkt_query_new(ldns_rdf_clone(apex), LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, LDNS_RD | LDNS_QR | LDNS_CD | LDNS_RA);
	keyans = ldns_pkt_query_new(ldns_rdf_clone(apex), LDNS_RR_TYPE_DNSKEY,
	    LDNS_RR_CLASS_IN, LDNS_RD | LDNS_QR | LDNS_CD | LDNS_RA);
	/* Every RR of the signed zone, to pick from: printed and read back,
	 * as tests/unit/test_dnssec.c does. */
	{
		char *text = NULL;
		size_t tlen = 0;
		FILE *mem = open_memstream(&text, &tlen);
		ldns_zone *z = NULL;

		ldns_dnssec_zone_print(mem, dz);
		fclose(mem);
		mem = fmemopen(text, tlen, "r");
		if (ldns_zone_new_frm_fp(&z, mem, apex, 3600,
		    LDNS_RR_CLASS_IN) != LDNS_STATUS_OK) {
			tap_ok(false, "nsec3_iterations: zone read back");
			exit(1);
		}
		fclose(mem);
		free(text);
		all = ldns_rr_list_clone(ldns_zone_rrs(z));
		ldns_rr_list_push_rr(all, ldns_rr_clone(ldns_zone_soa(z)));
		ldns_zone_deep_free(z);
	}
	for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
		ldns_rr *x = ldns_rr_list_rr(all, i);
		ldns_rr_type t = ldns_rr_get_type(x);
		ldns_rr_type cov = t == LDNS_RR_TYPE_RRSIG ?
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(x)) : t;
		ldns_rdf *h;
		bool match;

		if (cov == LDNS_RR_TYPE_DNSKEY) {
			ldns_pkt_push_rr(keyans, LDNS_SECTION_ANSWER,
			    ldns_rr_clone(x));
			continue;
		}
		if (cov == LDNS_RR_TYPE_SOA) {
			ldns_pkt_push_rr(nodata, LDNS_SECTION_AUTHORITY,
			    ldns_rr_clone(x));
			continue;
		}
		if (cov != LDNS_RR_TYPE_NSEC3)
			continue;
		/* The NSEC3 whose owner is the apex's hash. */
		h = ldns_nsec3_hash_name(apex, LDNS_SHA1, ITER_ITERATIONS,
		    sizeof(salt), salt);
		ldns_dname_cat(h, apex);
		match = ldns_dname_compare(ldns_rr_owner(x), h) == 0;
		ldns_rdf_deep_free(h);
		if (match)
			ldns_pkt_push_rr(nodata, LDNS_SECTION_AUTHORITY,
			    ldns_rr_clone(x));
	}
	ldns_pkt_set_edns_do(nodata, true);
	if (getenv("REPLAY_DEBUG") != NULL)
		ldns_pkt_print(stderr, nodata);
	ldns_pkt_set_edns_do(keyans, true);

	memset(&r, 0, sizeof(r));
	r.loop = loop_new(err, sizeof(err));
	query_engine_options_default(&qo);
	qo.servers = path_of("core.rpl");
	r.qe = query_engine_new(r.loop, &qo, err, sizeof(err));
	query_replay_add(r.qe, apex, LDNS_RR_TYPE_TXT, REPLAY_OK, 0, nodata);
	query_replay_add(r.qe, apex, LDNS_RR_TYPE_DNSKEY, REPLAY_OK, 0, keyans);
	val_ctx_options_default(&vo);
	vo.now = vtime;
	r.val = val_ctx_new(anchors, &vo, val_query, &r, err, sizeof(err));
	if (!tap_ok(r.val != NULL, "nsec3_iterations: context (%s)", err))
		goto out2;
	r.outstanding++;
	query_send(r.qe, apex, LDNS_RR_TYPE_TXT, answer_cb, &r);
	loop_run(r.loop);
	if (tap_ok(r.done, "nsec3_iterations: validation done")) {
		const char *rs = val_reason_str(r.reason);

		if (tap_eq_str(val_status_str(r.status), "insecure",
		    "nsec3_iterations: status") &
		    tap_eq_str(rs ? rs : "(null)", "nsec3_iterations",
		    "nsec3_iterations: reason")) {
			seen_status[r.status] = true;
			seen_reason[r.reason] = true;
		}
	}
	tap_eq_i64((int64_t)query_replay_unmatched(r.qe, unmatched,
	    sizeof(unmatched)), 0, "nsec3_iterations: every query answered");
	val_ctx_free(r.val);
out2:
	query_engine_free(r.qe);
	loop_free(r.loop);
	ldns_rr_list_deep_free(all);
out:
	ldns_pkt_free(nodata);
	ldns_pkt_free(keyans);
	ldns_rr_list_deep_free(anchors);
	ldns_rr_list_free(added);	/* the zone's own records */
	ldns_rr_free(dnskey);
	ldns_dnssec_zone_deep_free(dz);
	ldns_key_list_free(keys);
	ldns_rdf_deep_free(apex);
}

/* --- the format ------------------------------------------------------- */

static void
format_cases(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "ENTRY\nQUERY a.example. A\nOUTCOME OK\nEND\n",
		  "t.rpl:1: OUTCOME OK wants a REPLY" },
		{ "ENTRY\nQUERY a.example. A\nOUTCOME MAYBE\nEND\n",
		  "t.rpl:3: unknown outcome" },
		{ "QUERY a.example. A\n", "t.rpl:1: 'QUERY a.example. A' outside"
		  " an entry" },
		{ "ENTRY\nQUERY a.example. A\nOUTCOME TIMEOUT\n",
		  "t.rpl:3: the last entry has no END" },
		{ "ENTRY\nQUERY a.example. NOTATYPE\nEND\n",
		  "t.rpl:2: QUERY: unknown type NOTATYPE" },
		{ "ENTRY\nQUERY a.example. A\nDELAY 99999999\nEND\n",
		  "t.rpl:3: DELAY wants milliseconds" },
		{ "ENTRY\nQUERY a.example. A\nOUTCOME OK\nREPLY\n"
		  ";; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 0\n"
		  ";; ANSWER SECTION:\na.example. 60 IN A 999.1.1.1\nEND\n",
		  "t.rpl:4: reply line 3:" },
		{ "ENTRY\nQUERY a.example. A\nOUTCOME OK\nWIRE 8g\nEND\n",
		  "t.rpl:4: WIRE: not hex" },
	};
	size_t i;
	char err[256];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct replay_file *f;

		err[0] = '\0';
		f = replay_file_parse("t.rpl", bad[i].text,
		    strlen(bad[i].text), false, err, sizeof(err));
		tap_ok(f == NULL && strncmp(err, bad[i].want,
		    strlen(bad[i].want)) == 0, "format: refused with '%s' (%s)",
		    bad[i].want, err);
		replay_file_free(f);
	}
}

/* The outcome each query got, in the order of the replies. */
struct outs {
	enum query_status st[4];
	unsigned n;
};

static bool
out_cb(void *arg, enum query_status st, ldns_pkt *p)
{
	struct outs *o = arg;

	(void)p;
	if (o->n < 4)
		o->st[o->n] = st;
	o->n++;
	return false;
}

/*
 * Entries added in code: ERROR, BAD_REPLY, a reply for another name (the
 * engine checks the question as query.c does), and DELAY ordering the
 * answers (the later query answered first).
 */
static void
outcomes_added(void)
{
	char err[256];
	struct loop *l = loop_new(err, sizeof(err));
	struct query_engine_options qo;
	struct query_engine *e;
	struct query_stats st;
	struct outs o = { { 0 }, 0 };
	ldns_rdf *a = ldns_dname_new_frm_str("err.example.");
	ldns_rdf *b = ldns_dname_new_frm_str("bad.example.");
	ldns_rdf *c = ldns_dname_new_frm_str("other.example.");
	ldns_rdf *d = ldns_dname_new_frm_str("fast.example.");
	ldns_pkt *wrong = ldns_pkt_query_new(ldns_dname_new_frm_str(
	    "elsewhere.example."), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_QR);
	ldns_pkt *fine = ldns_pkt_query_new(ldns_rdf_clone(d), LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, LDNS_QR);

	query_engine_options_default(&qo);
	qo.servers = path_of("dnskey-timeout.rpl");
	e = query_engine_new(l, &qo, err, sizeof(err));
	query_replay_add(e, a, LDNS_RR_TYPE_A, REPLAY_ERROR, 30, NULL);
	query_replay_add(e, b, LDNS_RR_TYPE_A, REPLAY_BAD_REPLY, 20, NULL);
	query_replay_add(e, c, LDNS_RR_TYPE_A, REPLAY_OK, 10, wrong);
	query_replay_add(e, d, LDNS_RR_TYPE_A, REPLAY_OK, 0, fine);
	query_send(e, a, LDNS_RR_TYPE_A, out_cb, &o);
	query_send(e, b, LDNS_RR_TYPE_A, out_cb, &o);
	query_send(e, c, LDNS_RR_TYPE_A, out_cb, &o);
	tap_eq_i64(o.n, 0, "no answer inside query_send");
	query_send(e, d, LDNS_RR_TYPE_A, out_cb, &o);
	loop_run(l);
	tap_ok(o.n == 4 && o.st[0] == QUERY_OK && o.st[1] == QUERY_BAD_REPLY &&
	    o.st[2] == QUERY_BAD_REPLY && o.st[3] == QUERY_ERROR,
	    "added entries: by DELAY, ok, bad reply (another name), bad "
	    "reply, error");
	query_engine_stats(e, &st);
	tap_eq_i64((int64_t)st.mismatch_name, 1, "a reply for another name "
	    "counted as a name mismatch");
	tap_eq_i64((int64_t)st.inflight, 0, "nothing in flight at the end");
	query_engine_free(e);
	loop_free(l);
	ldns_pkt_free(wrong);
	ldns_pkt_free(fine);
	ldns_rdf_deep_free(a);
	ldns_rdf_deep_free(b);
	ldns_rdf_deep_free(c);
	ldns_rdf_deep_free(d);
}

/* Round trip: a recorded reply written by replay_entry_write and read back
 * gives the same wire bytes; an unmatched query is counted and named. */
static void
roundtrip_and_unmatched(void)
{
	char err[512], unmatched[256], *buf = NULL;
	struct replay_file *f = replay_file_read(path_of("core.rpl"), false, err,
	    sizeof(err));
	size_t len = 0, i, same = 0, n;
	FILE *mem;
	struct replay_file *g = NULL;

	if (!tap_ok(f != NULL, "core.rpl reads (%s)", f ? "" : err))
		return;
	mem = open_memstream(&buf, &len);
	for (i = 0; i < f->n; i++) {
		ldns_rdf *nm = ldns_dname_new_frm_str(f->e[i].name);

		replay_entry_write(mem, nm, f->e[i].type, f->e[i].outcome,
		    f->e[i].reply);
		ldns_rdf_deep_free(nm);
	}
	fclose(mem);
	g = replay_file_parse("rewritten", buf, len, false, err,
	    sizeof(err));
	n = g != NULL ? g->n : 0;
	for (i = 0; g != NULL && i < f->n && i < g->n; i++) {
		uint8_t *w1 = NULL, *w2 = NULL;
		size_t n1 = 0, n2 = 0;

		if (f->e[i].reply == NULL || g->e[i].reply == NULL) {
			same += f->e[i].reply == g->e[i].reply;
			continue;
		}
		ldns_pkt2wire(&w1, f->e[i].reply, &n1);
		ldns_pkt2wire(&w2, g->e[i].reply, &n2);
		same += n1 == n2 && memcmp(w1, w2, n1) == 0;
		free(w1);
		free(w2);
	}
	tap_ok(g != NULL && n == f->n && same == f->n,
	    "format: %zu recorded replies written and read back, %zu the same "
	    "bytes", f->n, same);
	tap_ok(strstr(buf, "\nWIRE ") == NULL,
	    "format: every recorded reply round-trips in presentation form");
	free(buf);
	replay_file_free(g);
	replay_file_free(f);

	{
		struct query_engine_options qo;
		struct loop *l = loop_new(err, sizeof(err));
		struct query_engine *e;
		struct run r;
		ldns_rdf *nm = ldns_dname_new_frm_str("not-recorded.example.");
		struct query_stats st;

		memset(&r, 0, sizeof(r));
		query_engine_options_default(&qo);
		qo.servers = path_of("core.rpl");
		e = query_engine_new(l, &qo, err, sizeof(err));
		r.qe = e;
		r.outstanding = 1;
		tap_diag("expected below: the engine's error line for "
		    "not-recorded.example. AAAA");
		query_send(e, nm, LDNS_RR_TYPE_AAAA, answer_cb, &r);
		loop_run(l);
		tap_eq_i64((int64_t)query_replay_unmatched(e, unmatched,
		    sizeof(unmatched)), 1, "an unmatched query is counted");
		tap_eq_str(unmatched, "not-recorded.example. AAAA",
		    "an unmatched query is named with its type");
		query_engine_stats(e, &st);
		tap_eq_i64((int64_t)st.errors, 1,
		    "an unmatched query is answered as an error");
		query_engine_free(e);
		loop_free(l);
		ldns_rdf_deep_free(nm);
	}
	outcomes_added();
}

int
main(int argc, char **argv)
{
	FILE *f;
	long long t = 0;
	size_t i;
	int k;

	if (argc != 2) {
		fprintf(stderr, "usage: test_replay_val DIR\n");
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

	format_cases();
	roundtrip_and_unmatched();
	{
		struct query_engine_options qo;
		char err[512];

		shared_loop = loop_new(err, sizeof(err));
		query_engine_options_default(&qo);
		qo.servers = path_of("core.rpl");
		shared_qe = query_engine_new(shared_loop, &qo, err,
		    sizeof(err));
		if (shared_qe == NULL) {
			tap_ok(false, "core.rpl: %s", err);
			return tap_done();
		}
	}
	core_cases();
	for (i = 0; i < sizeof(crafted) / sizeof(crafted[0]); i++)
		run_case(&crafted[i]);
	iterations_case();
	query_engine_free(shared_qe);
	loop_free(shared_loop);

	for (k = VAL_SECURE; k <= VAL_INDETERMINATE; k++)
		tap_ok(seen_status[k], "status %s met",
		    val_status_str((enum val_status)k));
	for (k = 0; k < REASONS; k++)
		tap_ok(seen_reason[k], "reason %s met",
		    k ? val_reason_str((enum val_reason)k) : "(none: secure)");
	return tap_done();
}
