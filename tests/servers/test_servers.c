/*
 * test_servers.c - the servers stage's pure verdicts (serverssum.c) and
 * its direct queries (nsquery.c) against a small name server on
 * 127.0.0.1 that runs on the same loop: an authoritative answer, a
 * refusal, an answer without AA, an answer for another zone's SOA,
 * silence (every try), a reply with a wrong ID before the right one, an
 * oversized datagram, the cache (asked once per (address, zone)),
 * joining a question in flight, cancellation, and the blocklist.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "blocklist.h"
#include "loop.h"
#include "nsquery.h"
#include "rov.h"
#include "serverssum.h"
#include "tap.h"
#include "util.h"

/* The per-try timeout here: a silent zone costs it twice. */
#define TEST_TIMEOUT_MS 200

/* --- serverssum -------------------------------------------------------- */

static ldns_pkt *
pkt(ldns_pkt_rcode rc, bool aa, bool tc, const char *soa_owner)
{
	ldns_pkt *p = ldns_pkt_new();

	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_tc(p, tc);
	ldns_pkt_set_rcode(p, (uint8_t)rc);
	if (soa_owner != NULL) {
		ldns_rr *rr = NULL;
		char line[256];

		snprintf(line, sizeof(line), "%s 3600 IN SOA ns1.%s "
		    "host.%s 1 3600 600 86400 300", soa_owner, soa_owner,
		    soa_owner);
		ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	return p;
}

static void
test_judge(void)
{
	ldns_rdf *zone = ldns_dname_new_frm_str("Example.NL.");
	struct { ldns_pkt_rcode rc; bool aa, tc; const char *soa;
	    enum ns_answer want; const char *name; } c[] = {
		{ LDNS_RCODE_NOERROR, true, false, "example.nl.", NS_ANS_AUTH,
		    "NOERROR AA with the zone's SOA: authoritative" },
		{ LDNS_RCODE_NOERROR, true, false, "EXAMPLE.nl.", NS_ANS_AUTH,
		    "the SOA owner compared without case" },
		{ LDNS_RCODE_NOERROR, false, false, "example.nl.",
		    NS_ANS_NOT_AUTH, "no AA (a cache's answer): not" },
		{ LDNS_RCODE_REFUSED, false, false, NULL, NS_ANS_NOT_AUTH,
		    "REFUSED: not" },
		{ LDNS_RCODE_SERVFAIL, true, false, NULL, NS_ANS_NOT_AUTH,
		    "SERVFAIL with AA: not" },
		{ LDNS_RCODE_NOERROR, true, false, "nl.", NS_ANS_NOT_AUTH,
		    "the parent's SOA: not" },
		{ LDNS_RCODE_NOERROR, true, false, NULL, NS_ANS_NOT_AUTH,
		    "AA NOERROR without an SOA (NODATA): not" },
		{ LDNS_RCODE_NOERROR, true, true, NULL, NS_ANS_AUTH,
		    "truncated, AA NOERROR: the server claims the zone" },
		{ LDNS_RCODE_NXDOMAIN, true, false, NULL, NS_ANS_NOT_AUTH,
		    "NXDOMAIN for its own apex: not" },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ldns_pkt *p = pkt(c[i].rc, c[i].aa, c[i].tc, c[i].soa);

		tap_eq_i64(serverssum_judge(p, zone), c[i].want, c[i].name);
		ldns_pkt_free(p);
	}
	tap_eq_i64(serverssum_judge(NULL, zone), NS_ANS_NOT_AUTH,
	    "no packet: not");
	ldns_rdf_deep_free(zone);
}

static void
test_rov(void)
{
	struct rov_tally t;

	memset(&t, 0, sizeof(t));
	tap_ok(rov_tally_text(&t) == NULL, "no address: null");
	rov_tally_add(&t, ROV_UNROUTED);
	tap_eq_str(rov_tally_text(&t), "unrouted", "only unrouted: unrouted");
	rov_tally_add(&t, ROV_VALID);
	tap_eq_str(rov_tally_text(&t), "valid",
	    "unrouted and valid: valid (the worst over the routed)");
	rov_tally_add(&t, ROV_NOT_FOUND);
	tap_eq_str(rov_tally_text(&t), "not_found", "not_found > valid");
	rov_tally_add(&t, ROV_VALID);
	tap_eq_str(rov_tally_text(&t), "not_found", "a valid after: kept");
	rov_tally_add(&t, ROV_INVALID_LENGTH);
	tap_eq_str(rov_tally_text(&t), "invalid_length",
	    "invalid_length > not_found");
	rov_tally_add(&t, ROV_INVALID_AS);
	tap_eq_str(rov_tally_text(&t), "invalid_as",
	    "invalid_as > invalid_length");
	rov_tally_add(&t, ROV_INVALID_LENGTH);
	tap_eq_str(rov_tally_text(&t), "invalid_as", "invalid_as stays");
	tap_eq_i64(t.addrs, 7, "addresses counted, routed or not");
	tap_eq_i64(t.routed, 6, "routed counted");
	memset(&t, 0, sizeof(t));
	rov_tally_add(&t, ROV_INVALID_AS);
	rov_tally_add(&t, ROV_INVALID_LENGTH);
	tap_eq_str(rov_tally_text(&t), "invalid_as",
	    "invalid_as first, invalid_length after: invalid_as");
}

static void
test_ns_counts(void)
{
	struct ns_host_result h[3];
	struct ns_counts c;

	memset(h, 0, sizeof(h));
	/* ns1: v4 and v6 both answer. */
	h[0].has_v6 = true;
	h[0].addrs_known = true;
	h[0].naddr = 2;
	h[0].v6[1] = true;
	h[0].ans[0] = h[0].ans[1] = NS_ANS_AUTH;
	/* ns2: v4 answers, v6 silent. */
	h[1].has_v6 = true;
	h[1].addrs_known = true;
	h[1].naddr = 2;
	h[1].v6[1] = true;
	h[1].ans[0] = NS_ANS_AUTH;
	h[1].ans[1] = NS_ANS_SILENT;
	/* ns3: v4 only, refuses. */
	h[2].addrs_known = true;
	h[2].naddr = 1;
	h[2].ans[0] = NS_ANS_NOT_AUTH;
	serverssum_ns(h, 3, true, &c);
	tap_eq_i64(c.v6_count, 2, "ns_v6_count: hosts with AAAA");
	tap_eq_i64(c.v6_reachable, 1, "ns_v6_reachable: the v6 one answering");
	tap_eq_i64(c.lame, 1, "ns_lame: the refusing host");

	serverssum_ns(h, 3, false, &c);
	tap_eq_i64(c.v6_count, 2, "ns probe off: ns_v6_count still");
	tap_ok(c.v6_reachable == -1 && c.lame == -1,
	    "ns probe off: reachable and lame null");

	h[2].ans[0] = NS_ANS_UNKNOWN;
	serverssum_ns(h, 3, true, &c);
	tap_ok(c.lame == -1, "a host not asked (blocked): ns_lame null");
	tap_eq_i64(c.v6_reachable, 1, "... ns_v6_reachable still known");

	h[2].ans[0] = NS_ANS_AUTH;
	h[1].ans[1] = NS_ANS_UNKNOWN;
	serverssum_ns(h, 3, true, &c);
	tap_eq_i64(c.lame, 0, "ns2's v4 answered: not lame");
	tap_ok(c.v6_reachable == -1,
	    "ns2's v6 not asked and no other v6 answer: reachable null");

	memset(h, 0, sizeof(h));
	h[0].addrs_known = true;	/* no address at all */
	h[1].addrs_known = false;	/* its A query failed */
	h[1].naddr = 0;
	serverssum_ns(h, 1, true, &c);
	tap_eq_i64(c.lame, 1, "a host without any address: lame");
	serverssum_ns(h + 1, 1, true, &c);
	tap_ok(c.lame == -1, "a host whose A failed: null");
	h[1].naddr = 1;
	h[1].ans[0] = NS_ANS_AUTH;
	serverssum_ns(h + 1, 1, true, &c);
	tap_eq_i64(c.lame, 0, "A failed but its AAAA address answered: 0");
}

static void
test_mx_dnssec(void)
{
	bool have[3] = { true, true, true };
	enum val_status v[3] = { VAL_SECURE, VAL_SECURE, VAL_SECURE };

	tap_eq_i64(serverssum_mx_dnssec(have, v, 3), 1, "all secure: true");
	v[1] = VAL_INSECURE;
	tap_eq_i64(serverssum_mx_dnssec(have, v, 3), 0, "one insecure: false");
	v[1] = VAL_BOGUS;
	tap_eq_i64(serverssum_mx_dnssec(have, v, 3), 0, "one bogus: false");
	v[1] = VAL_INDETERMINATE;
	tap_eq_i64(serverssum_mx_dnssec(have, v, 3), -1,
	    "one indeterminate, others secure: null");
	v[1] = VAL_SECURE;
	have[2] = false;
	tap_eq_i64(serverssum_mx_dnssec(have, v, 3), -1,
	    "one without a verdict: null");
	v[0] = VAL_BOGUS;
	tap_eq_i64(serverssum_mx_dnssec(have, v, 3), 0,
	    "one without a verdict, one bogus: false");
	tap_eq_i64(serverssum_mx_dnssec(have, v, 0), -1, "no MX host: null");
}

/* --- nsquery against a name server on the loop --------------------------- */

struct server {
	int fd;
	struct loop_fd *w;
	unsigned queries[8];		/* by zone index */
	struct sockaddr_in sin;
};

enum { Z_AUTH, Z_REFUSED, Z_NOAA, Z_PARENT, Z_SILENT, Z_BADID, Z_HUGE,
	Z_JOIN, NZONES };
static const char *const zones[NZONES] = {
	"auth.test.", "refused.test.", "noaa.test.", "parent.test.",
	"silent.test.", "badid.test.", "huge.test.", "join.test.",
};

static void
send_pkt(struct server *s, ldns_pkt *p, const struct sockaddr_in *to)
{
	uint8_t *wire = NULL;
	size_t len = 0;

	if (ldns_pkt2wire(&wire, p, &len) == LDNS_STATUS_OK)
		sendto(s->fd, wire, len, 0, (const struct sockaddr *)to,
		    sizeof(*to));
	free(wire);
}

static void
server_read(int fd, bool readable, bool writable, void *arg)
{
	struct server *s = arg;
	uint8_t buf[1024];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n;
	ldns_pkt *q = NULL, *p;
	const ldns_rr *qr;
	char *name;
	int k;

	(void)readable;
	(void)writable;
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
		return;
	qr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	name = ldns_rdf2str(ldns_rr_owner(qr));
	for (k = 0; k < NZONES && strcasecmp(name, zones[k]) != 0; k++)
		;
	free(name);
	tap_ok(!ldns_pkt_rd(q) && ldns_rr_get_type(qr) == LDNS_RR_TYPE_SOA &&
	    ldns_pkt_arcount(q) == 0, "query %s: SOA, no RD, no EDNS",
	    k < NZONES ? zones[k] : "?");
	if (k == NZONES) {
		ldns_pkt_free(q);
		return;
	}
	s->queries[k]++;
	if (k == Z_SILENT) {
		ldns_pkt_free(q);
		return;
	}
	p = pkt(k == Z_REFUSED ? LDNS_RCODE_REFUSED : LDNS_RCODE_NOERROR,
	    k != Z_NOAA && k != Z_REFUSED, false,
	    k == Z_REFUSED ? NULL : k == Z_PARENT ? "test." : zones[k]);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, ldns_rr_clone(qr));
	if (k == Z_BADID) {
		/* A reply with another ID first: dropped, not taken. */
		ldns_pkt_set_id(p, (uint16_t)(ldns_pkt_id(q) + 1));
		ldns_pkt_set_aa(p, false);
		send_pkt(s, p, &from);
		ldns_pkt_set_aa(p, true);
	}
	if (k == Z_HUGE) {
		uint8_t big[5000];

		memset(big, 0, sizeof(big));
		big[0] = (uint8_t)(ldns_pkt_id(q) >> 8);
		big[1] = (uint8_t)ldns_pkt_id(q);
		sendto(s->fd, big, sizeof(big), 0,
		    (const struct sockaddr *)&from, sizeof(from));
		ldns_pkt_free(p);
		ldns_pkt_free(q);
		return;
	}
	ldns_pkt_set_id(p, ldns_pkt_id(q));
	send_pkt(s, p, &from);
	ldns_pkt_free(p);
	ldns_pkt_free(q);
}

struct ask {
	const char *what;
	enum ns_answer got;
	bool done;
	unsigned *left;
	struct loop *loop;
};

static void
ask_done(void *arg, enum ns_answer a)
{
	struct ask *x = arg;

	x->got = a;
	x->done = true;
	if (--*x->left == 0)
		loop_break(x->loop);
}

static void
never(void *arg, enum ns_answer a)
{
	(void)a;
	tap_ok(false, "a cancelled waiter was called (%s)", (const char *)arg);
}

static void
test_nsquery(void)
{
	char err[256];
	struct loop *l = loop_new(err, sizeof(err));
	struct server s;
	struct nsq_options o;
	struct nsq_ctx *c;
	struct netaddr a;
	struct ask x[NZONES + 2];
	struct nsq_wait *w, *cw;
	struct nsq_stats st;
	socklen_t sl = sizeof(s.sin);
	unsigned left = 0;
	ldns_rdf *z[NZONES];
	int k;

	memset(&s, 0, sizeof(s));
	s.fd = socket(AF_INET, SOCK_DGRAM, 0);
	s.sin.sin_family = AF_INET;
	s.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s.fd, (struct sockaddr *)&s.sin, sizeof(s.sin));
	getsockname(s.fd, (struct sockaddr *)&s.sin, &sl);
	s.w = loop_fd_new(l, s.fd, server_read, &s);
	loop_fd_want(s.w, true, false);

	memset(&o, 0, sizeof(o));
	o.loop = l;
	o.timeout_ms = TEST_TIMEOUT_MS;
	o.tries = 2;
	o.port = ntohs(s.sin.sin_port);
	c = nsq_new(&o);
	netaddr_parse("127.0.0.1", 9, &a);
	for (k = 0; k < NZONES; k++)
		z[k] = ldns_dname_new_frm_str(zones[k]);
	memset(x, 0, sizeof(x));
	for (k = 0; k < NZONES; k++) {
		x[k].what = zones[k];
		x[k].left = &left;
		x[k].loop = l;
		left++;
		w = nsq_ask(c, &a, z[k], ask_done, &x[k]);
		tap_ok(w != NULL, "asked %s", zones[k]);
		tap_ok(!x[k].done, "%s: no answer inside nsq_ask", zones[k]);
	}
	/* The same question again while in flight: joined. */
	x[NZONES].left = &left;
	x[NZONES].loop = l;
	left++;
	nsq_ask(c, &a, z[Z_JOIN], ask_done, &x[NZONES]);
	/* A waiter cancelled before the answer: never called. */
	cw = nsq_ask(c, &a, z[Z_AUTH], never, "cancelled");
	nsq_cancel(cw);
	loop_run(l);
	tap_eq_i64(x[Z_AUTH].got, NS_ANS_AUTH, "auth: authoritative");
	tap_eq_i64(x[Z_REFUSED].got, NS_ANS_NOT_AUTH, "refused: not");
	tap_eq_i64(x[Z_NOAA].got, NS_ANS_NOT_AUTH, "no AA: not");
	tap_eq_i64(x[Z_PARENT].got, NS_ANS_NOT_AUTH, "the parent's SOA: not");
	tap_eq_i64(x[Z_SILENT].got, NS_ANS_SILENT, "silent: no answer");
	tap_eq_i64(s.queries[Z_SILENT], 2, "silent: asked twice (tries 2)");
	tap_eq_i64(x[Z_BADID].got, NS_ANS_AUTH,
	    "a reply with a wrong ID dropped, the right one taken");
	tap_eq_i64(x[Z_HUGE].got, NS_ANS_SILENT,
	    "a datagram above the read bound dropped: no answer");
	tap_ok(x[Z_JOIN].got == NS_ANS_AUTH && x[NZONES].got == NS_ANS_AUTH,
	    "join: both waiters answered");
	tap_eq_i64(s.queries[Z_JOIN], 1, "join: one query on the wire");

	/* Asked again: the kept result, no datagram. */
	left = 1;
	memset(&x[NZONES + 1], 0, sizeof(x[0]));
	x[NZONES + 1].left = &left;
	x[NZONES + 1].loop = l;
	{
		ldns_rdf *upper = ldns_dname_new_frm_str("AUTH.test.");

		w = nsq_ask(c, &a, upper, ask_done, &x[NZONES + 1]);
		ldns_rdf_deep_free(upper);	/* nsq_ask copies it */
	}
	tap_ok(w != NULL && !x[NZONES + 1].done,
	    "cached: still answered from the loop");
	loop_run(l);
	tap_eq_i64(x[NZONES + 1].got, NS_ANS_AUTH, "cached: the same verdict");
	tap_eq_i64(s.queries[Z_AUTH], 1,
	    "cached: auth.test asked once for three waiters (any case)");
	nsq_stats(c, &st);
	tap_eq_i64((int64_t)st.cached, 1, "stats: one answered from the table");
	tap_eq_i64((int64_t)st.joined, 2, "stats: two joined in flight");
	tap_ok(st.dropped >= 2, "stats: the wrong ID and the huge datagram "
	    "dropped (%llu)", (unsigned long long)st.dropped);
	nsq_free(c);

	/* The special-purpose blocklist: loopback is never contacted. */
	{
		struct blocklist *bl = blocklist_new(NULL, err, sizeof(err));

		o.blocklist = bl;
		c = nsq_new(&o);
		w = nsq_ask(c, &a, z[Z_AUTH], never, "blocked");
		tap_ok(w == NULL, "blocked address: not asked");
		nsq_stats(c, &st);
		tap_eq_i64((int64_t)st.blocked, 1, "stats: one blocked");
		tap_eq_i64((int64_t)st.sent, 0, "stats: nothing sent");
		nsq_free(c);
		blocklist_free(bl);
	}
	for (k = 0; k < NZONES; k++)
		ldns_rdf_deep_free(z[k]);
	loop_fd_free(s.w);
	close(s.fd);
	loop_free(l);
}

/* The wire form: ID, no flag, one question, no OPT. */
static void
test_wire(void)
{
	ldns_rdf *z = ldns_dname_new_frm_str("example.nl.");
	uint8_t *w;
	size_t len;
	static const uint8_t want[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 2, 'n', 'l', 0,
		0, 6, 0, 1,
	};

	tap_ok(nsq_wire(z, 0x1234, &w, &len), "wire built");
	tap_ok(len == sizeof(want) && memcmp(w, want, len) == 0,
	    "wire: ID, no RD, QDCOUNT 1, example.nl SOA IN, no OPT");
	free(w);
	ldns_rdf_deep_free(z);
}

int
main(void)
{
	test_judge();
	test_rov();
	test_ns_counts();
	test_mx_dnssec();
	test_wire();
	test_nsquery();
	return tap_done();
}
