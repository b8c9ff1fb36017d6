/*
 * test_replay_record.c - the real query engine's record mode
 * (crawler/engine/query.c, UPTAKE_QUERY_RECORD=FILE; docs/replay.md) against a
 * small responder on 127.0.0.1 that runs on the same loop: an answer, a
 * silence (timeout), a truncated answer (asked again over TCP, where
 * nothing listens: an error), and an answer that comes after its query
 * was cancelled.  The file must read back (strictly) as those entries,
 * each reply the same bytes as the one sent.  One more query goes through
 * query_send_reply (issue 20 point 2): its reply comes as the bytes sent,
 * the walker's view of them, and an ldns packet built once on request.
 *
 *   test_replay_record TMPDIR
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "loop.h"
#include "query.h"
#include "replay.h"
#include "tap.h"
#include "util.h"

/* The engine's per-try timeout here: the silent name costs this once. */
#define RECORD_TIMEOUT_MS 300

struct responder {
	int fd;
	struct loop_fd *w;
	unsigned queries;
	ldns_pkt *sent[8];		/* the replies sent, by name below */
};

static const char *const names[] = {
	"answer.example.", "silent.example.", "tc.example.",
	"cancelled.example.", "wire.example.",
};
/* The names above, and the index of the one asked with query_send_reply. */
#define NNAMES 5
#define WIRE_NAME 4

/* The reply to q for name index k (NULL: stay silent). */
static ldns_pkt *
reply_for(const ldns_pkt *q, int k)
{
	ldns_pkt *p;
	ldns_rr *rr = NULL;
	const ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	char line[256];

	if (k == 1)
		return NULL;
	p = ldns_pkt_new();
	ldns_pkt_set_id(p, ldns_pkt_id(q));
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_cd(p, true);
	ldns_pkt_set_tc(p, k == 2);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, ldns_rr_clone(qr));
	snprintf(line, sizeof(line), "%s 300 IN A 192.0.2.%d", names[k],
	    k + 1);
	ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	ldns_rr_new_frm_str(&rr, "example. 300 IN NS ns.example.", 0, NULL,
	    NULL);
	ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, true);
	return p;
}

static void
on_query(int fd, bool readable, bool writable, void *arg)
{
	struct responder *r = arg;
	uint8_t buf[LDNS_MAX_PACKETLEN];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;
	ldns_pkt *q = NULL, *p;
	char *qn;
	int k;

	(void)writable;
	if (!readable)
		return;
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
		return;
	r->queries++;
	qn = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(q),
	    0)));
	for (k = 0; k < NNAMES; k++)
		if (qn != NULL && strcmp(qn, names[k]) == 0)
			break;
	free(qn);
	if (k < NNAMES && (p = reply_for(q, k)) != NULL) {
		uint8_t *w = NULL;
		size_t wl = 0;

		if (ldns_pkt2wire(&w, p, &wl) == LDNS_STATUS_OK)
			(void)sendto(fd, w, wl, 0, (struct sockaddr *)&from,
			    flen);
		free(w);
		ldns_pkt_free(r->sent[k]);
		r->sent[k] = p;
	}
	ldns_pkt_free(q);
}

struct outcome {
	bool called;
	enum query_status st;
	struct query_reply *reply;	/* query_send_reply's, kept */
	const ldns_pkt *pkt1, *pkt2;	/* query_reply_pkt, twice */
};

static bool
got_wire(void *arg, enum query_status st, struct query_reply *r)
{
	struct outcome *o = arg;

	o->called = true;
	o->st = st;
	if (r == NULL)
		return false;
	o->reply = r;
	o->pkt1 = query_reply_pkt(r);
	o->pkt2 = query_reply_pkt(r);
	return true;			/* kept: freed by the test */
}

static bool
got(void *arg, enum query_status st, ldns_pkt *p)
{
	struct outcome *o = arg;

	(void)p;
	o->called = true;
	o->st = st;
	return false;
}

static struct loop *the_loop;
static struct loop_timer *stop;
static unsigned stop_ticks;

/* Every STOP_TICK_MS: stop once the three callbacks came (and the
 * cancelled query's answer with them), or after STOP_MAX_TICKS. */
#define STOP_TICK_MS 50
#define STOP_MAX_TICKS 100

static void
stop_cb(void *arg)
{
	struct outcome *o = arg;

	if ((o[0].called && o[1].called && o[2].called &&
	    o[WIRE_NAME].called) ||
	    ++stop_ticks >= STOP_MAX_TICKS)
		loop_break(the_loop);
	else
		loop_timer_start(stop, STOP_TICK_MS * 1000);
}

/* Wire bytes of p with ID 0 (the recorder writes IDs as 0). */
static bool
same_reply(const ldns_pkt *a, const ldns_pkt *b)
{
	ldns_pkt *ca = ldns_pkt_clone(a), *cb = ldns_pkt_clone(b);
	uint8_t *wa = NULL, *wb = NULL;
	size_t na = 0, nb = 0;
	bool same;

	ldns_pkt_set_id(ca, 0);
	ldns_pkt_set_id(cb, 0);
	ldns_pkt2wire(&wa, ca, &na);
	ldns_pkt2wire(&wb, cb, &nb);
	same = na == nb && na > 0 && memcmp(wa, wb, na) == 0;
	free(wa);
	free(wb);
	ldns_pkt_free(ca);
	ldns_pkt_free(cb);
	return same;
}

int
main(int argc, char **argv)
{
	struct responder r;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct query_engine_options qo;
	struct query_engine *e;
	struct outcome out[NNAMES];
	struct query *qs[NNAMES];
	struct replay_file *f;
	char err[512], path[4096], servers[64];
	int k;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: test_replay_record TMPDIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/record-test.rpl", argv[1]);
	unlink(path);
	setenv("UPTAKE_QUERY_RECORD", path, 1);

	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(out));
	the_loop = loop_new(err, sizeof(err));
	r.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (r.fd < 0 || bind(r.fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(r.fd, (struct sockaddr *)&sin, &slen) != 0) {
		tap_ok(false, "responder on 127.0.0.1: %s", strerror(errno));
		return tap_done();
	}
	r.w = loop_fd_new(the_loop, r.fd, on_query, &r);
	loop_fd_want(r.w, true, false);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u",
	    (unsigned)ntohs(sin.sin_port));

	query_engine_options_default(&qo);
	qo.servers = servers;
	qo.timeout_ms = RECORD_TIMEOUT_MS;
	qo.tries = 1;
	e = query_engine_new(the_loop, &qo, err, sizeof(err));
	if (!tap_ok(e != NULL, "engine in record mode (%s)", e ? "" : err))
		return tap_done();
	for (k = 0; k < NNAMES; k++) {
		ldns_rdf *n = ldns_dname_new_frm_str(names[k]);

		qs[k] = k == WIRE_NAME ? query_send_reply(e, n, LDNS_RR_TYPE_A,
		    got_wire, &out[k]) :
		    query_send(e, n, LDNS_RR_TYPE_A, got, &out[k]);
		ldns_rdf_deep_free(n);
	}
	query_cancel(qs[3]);	/* its answer still comes, and is recorded */
	stop = loop_timer_new(the_loop, stop_cb, out);
	loop_timer_start(stop, STOP_TICK_MS * 1000);
	loop_run(the_loop);

	tap_ok(out[0].called && out[0].st == QUERY_OK, "answer: ok");
	tap_ok(out[1].called && out[1].st == QUERY_TIMEOUT, "silent: timeout");
	tap_ok(out[2].called && out[2].st == QUERY_ERROR,
	    "truncated, then TCP refused: error");
	tap_ok(!out[3].called, "cancelled: no callback");
	tap_ok(out[WIRE_NAME].called && out[WIRE_NAME].st == QUERY_OK &&
	    out[WIRE_NAME].reply != NULL, "query_send_reply: ok, a reply");
	if (out[WIRE_NAME].reply != NULL) {
		const struct query_reply *wr = out[WIRE_NAME].reply;
		const struct dnswire_msg *m = query_reply_msg(wr);
		uint8_t *w = NULL;
		size_t wl = 0, gl = 0;
		const uint8_t *g = query_reply_wire(wr, &gl);

		tap_ok(r.sent[WIRE_NAME] != NULL &&
		    ldns_pkt2wire(&w, r.sent[WIRE_NAME], &wl) ==
		    LDNS_STATUS_OK && wl == gl && memcmp(w, g, gl) == 0,
		    "query_send_reply: the bytes the responder sent");
		free(w);
		tap_ok(m->buf == g && m->len == gl &&
		    m->count[DNSWIRE_QUESTION] == 1 &&
		    m->count[DNSWIRE_ANSWER] == 1 &&
		    m->count[DNSWIRE_AUTHORITY] == 1, "the walker's view of them");
		tap_ok(out[WIRE_NAME].pkt1 != NULL &&
		    out[WIRE_NAME].pkt1 == out[WIRE_NAME].pkt2,
		    "query_reply_pkt: built once, the same packet again");
		tap_ok(out[WIRE_NAME].pkt1 != NULL &&
		    r.sent[WIRE_NAME] != NULL &&
		    same_reply(out[WIRE_NAME].pkt1, r.sent[WIRE_NAME]),
		    "query_reply_pkt: the packet sent");
	}
	query_engine_free(e);		/* closes the file */
	/* A kept reply outlives its engine. */
	query_reply_free(out[WIRE_NAME].reply);
	loop_timer_free(stop);
	loop_fd_free(r.w);
	close(r.fd);
	loop_free(the_loop);

	f = replay_file_read(path, false, err, sizeof(err));
	if (!tap_ok(f != NULL, "the recording reads back strictly (%s)",
	    f ? "" : err))
		goto out;
	{
		static const struct {
			const char *name;
			enum replay_outcome o;
			int reply;	/* index of the reply sent, -1 none */
		} want[] = {
			{ "answer.example.", REPLAY_OK, 0 },
			{ "cancelled.example.", REPLAY_OK, 3 },
			{ "tc.example.", REPLAY_TRUNCATED, 2 },
			{ "tc.example.", REPLAY_ERROR, -1 },
			{ "silent.example.", REPLAY_TIMEOUT, -1 },
			{ "wire.example.", REPLAY_OK, WIRE_NAME },
		};
		bool found[6] = { false };

		tap_eq_i64((int64_t)f->n, 6, "six entries recorded");
		for (i = 0; i < f->n; i++) {
			size_t w;

			for (w = 0; w < 6; w++) {
				if (found[w] || strcmp(f->e[i].name,
				    want[w].name) != 0 || f->e[i].outcome !=
				    want[w].o || f->e[i].type != LDNS_RR_TYPE_A)
					continue;
				if (want[w].reply < 0 ? f->e[i].reply == NULL :
				    f->e[i].reply != NULL &&
				    r.sent[want[w].reply] != NULL &&
				    same_reply(f->e[i].reply,
				    r.sent[want[w].reply])) {
					found[w] = true;
					break;
				}
			}
		}
		for (i = 0; i < 6; i++)
			tap_ok(found[i], "recorded: %s %s%s", want[i].name,
			    replay_outcome_str(want[i].o), want[i].reply >= 0 ?
			    ", the reply's bytes" : "");
	}
	replay_file_free(f);
out:
	for (k = 0; k < 8; k++)
		ldns_pkt_free(r.sent[k]);
	unlink(path);
	return tap_done();
}
