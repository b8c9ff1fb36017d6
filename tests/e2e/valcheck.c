/*
 * valcheck.c - the DNSSEC validator against the testbed, on its own.
 *
 * For each domain of $UPTAKE_TESTBED_STATE/truth.jsonl that resolves, ask
 * Unbound ($UPTAKE_RESOLVER, default 192.0.2.53) for the probed host's A
 * (AAAA when it has no IPv4 address) with CD and DO set, run the validator
 * on the reply with a synchronous query function (the queries it asks for
 * are answered one by one through the same resolver), and compare:
 *   - status and reason with the truth (dnssec_status, dnssec_reason),
 *   - status with Unbound's own verdict (asked without CD: AD set is
 *     secure, SERVFAIL bogus, an answer without AD insecure).
 * The trust anchor is STATE/root.key, the validation time STATE/world.time.
 * Output is TAP.  Run it inside the namespace:
 *   scripts/testbed run tests/worlds/core -- build/tests/valcheck
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <ldns/ldns.h>

#include "dnssec.h"
#include "util.h"

/* Queries in flight at once: the validator asks for one per job. */
#define QUEUE_MAX 256
#define LINE_MAX_LEN 65536

struct pending {
	struct val_job *job;
	uint32_t token;
	ldns_rdf *name;
	ldns_rr_type type;
};

static struct pending queue[QUEUE_MAX];
static size_t queue_len;
static ldns_resolver *res_cd;		/* CD + DO */
static ldns_resolver *res_plain;	/* DO only: Unbound validates */
static int tests_run, tests_failed;

static void
tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void
query_cb(void *arg, struct val_job *job, uint32_t token, const ldns_rdf *name,
    ldns_rr_type type)
{
	(void)arg;
	if (queue_len == QUEUE_MAX) {
		fprintf(stderr, "valcheck: query queue full\n");
		exit(2);
	}
	queue[queue_len].job = job;
	queue[queue_len].token = token;
	queue[queue_len].name = ldns_rdf_clone(name);
	queue[queue_len].type = type;
	queue_len++;
}

struct outcome {
	bool done;
	struct val_result r;
};

static void
done_cb(void *arg, const struct val_result *r)
{
	struct outcome *o = arg;

	o->done = true;
	o->r = *r;
}

static ldns_pkt *
ask(ldns_resolver *res, const ldns_rdf *name, ldns_rr_type type, bool cd)
{
	ldns_pkt *pkt = NULL;
	uint16_t flags = LDNS_RD | (cd ? LDNS_CD : 0);

	if (ldns_resolver_send(&pkt, res, name, type, LDNS_RR_CLASS_IN,
	    flags) != LDNS_STATUS_OK) {
		ldns_pkt_free(pkt);
		return NULL;
	}
	return pkt;
}

/* Answer the validator's queries until none is left. */
static void
pump(void)
{
	while (queue_len > 0) {
		struct pending p = queue[0];
		ldns_pkt *reply;

		memmove(queue, queue + 1, (queue_len - 1) * sizeof(queue[0]));
		queue_len--;
		reply = ask(res_cd, p.name, p.type, true);
		ldns_rdf_deep_free(p.name);
		val_job_deliver(p.job, p.token, reply);
		ldns_pkt_free(reply);
	}
}

static ldns_resolver *
resolver_new(const char *addr, bool cd)
{
	ldns_resolver *r = ldns_resolver_new();
	ldns_rdf *ns = ldns_rdf_new_frm_str(strchr(addr, ':') ?
	    LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, addr);
	struct timeval tv = {3, 0};

	if (r == NULL || ns == NULL) {
		fprintf(stderr, "valcheck: bad resolver address %s\n", addr);
		exit(2);
	}
	ldns_resolver_push_nameserver(r, ns);
	ldns_rdf_deep_free(ns);
	ldns_resolver_set_recursive(r, true);
	ldns_resolver_set_dnssec(r, true);
	ldns_resolver_set_dnssec_cd(r, cd);
	ldns_resolver_set_edns_udp_size(r, 1232);
	ldns_resolver_set_timeout(r, tv);
	ldns_resolver_set_retry(r, 2);
	return r;
}

static const char *
unbound_verdict(const ldns_rdf *name, ldns_rr_type type)
{
	ldns_pkt *p = ask(res_plain, name, type, false);
	const char *v = "no_answer";

	if (p == NULL)
		return v;
	if (ldns_pkt_get_rcode(p) == LDNS_RCODE_SERVFAIL)
		v = "bogus";
	else if (ldns_pkt_ad(p))
		v = "secure";
	else if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR ||
	    ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN)
		v = "insecure";
	ldns_pkt_free(p);
	return v;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static char *
read_file_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[256];

	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL) {
		fprintf(stderr, "valcheck: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

int
main(void)
{
	const char *state = getenv("UPTAKE_TESTBED_STATE");
	const char *resolver = getenv("UPTAKE_RESOLVER");
	char path[4096], err[512], *line, *t;
	struct val_ctx_options opt;
	struct val_stats st;
	struct val_ctx *ctx;
	ldns_rr_list *anchors;
	FILE *truth;
	unsigned agree_truth = 0, agree_unbound = 0, domains = 0;

	if (state == NULL) {
		fprintf(stderr, "valcheck: UPTAKE_TESTBED_STATE not set (run "
		    "inside scripts/testbed run)\n");
		return 2;
	}
	if (resolver == NULL)
		resolver = "192.0.2.53";
	res_cd = resolver_new(resolver, true);
	res_plain = resolver_new(resolver, false);

	snprintf(path, sizeof(path), "%s/root.key", state);
	anchors = val_anchors_read(path, err, sizeof(err));
	if (anchors == NULL) {
		fprintf(stderr, "valcheck: %s\n", err);
		return 2;
	}
	val_ctx_options_default(&opt);
	snprintf(path, sizeof(path), "%s/world.time", state);
	t = read_file_line(path);
	opt.now = (time_t)strtoll(t, NULL, 10);
	free(t);
	ctx = val_ctx_new(anchors, &opt, query_cb, NULL, err, sizeof(err));
	ldns_rr_list_deep_free(anchors);
	if (ctx == NULL) {
		fprintf(stderr, "valcheck: %s\n", err);
		return 2;
	}

	snprintf(path, sizeof(path), "%s/truth.jsonl", state);
	truth = fopen(path, "r");
	if (truth == NULL) {
		fprintf(stderr, "valcheck: cannot open %s\n", path);
		return 2;
	}
	line = xmalloc(LINE_MAX_LEN);
	while (fgets(line, LINE_MAX_LEN, truth) != NULL) {
		json_error_t jerr;
		json_t *row = json_loads(line, 0, &jerr);
		const char *host, *want_status, *want_reason;
		const char *ub, *got_reason;
		ldns_rr_type qtype;
		ldns_rdf *qname;
		ldns_pkt *reply;
		struct outcome o;

		if (row == NULL) {
			fprintf(stderr, "valcheck: truth: %s\n", jerr.text);
			return 2;
		}
		if (!str_eq(jstr(row, "dns_status"), "ok")) {
			json_decref(row);
			continue;
		}
		domains++;
		host = jstr(row, "probed_host");
		want_status = jstr(row, "dnssec_status");
		want_reason = jstr(row, "dnssec_reason");
		qtype = jstr(row, "web_ipv4") == NULL &&
		    jstr(row, "web_ipv6") != NULL ? LDNS_RR_TYPE_AAAA :
		    LDNS_RR_TYPE_A;
		qname = ldns_dname_new_frm_str(host ? host : ".");
		reply = ask(res_cd, qname, qtype, true);
		memset(&o, 0, sizeof(o));
		val_job_start(ctx, qname, qtype, reply, done_cb, &o);
		pump();
		ldns_pkt_free(reply);
		if (!o.done) {
			tap(false, "%s: validator did not finish", host);
			ldns_rdf_deep_free(qname);
			json_decref(row);
			continue;
		}
		got_reason = val_reason_str(o.r.reason);
		if (str_eq(val_status_str(o.r.status), want_status) &&
		    str_eq(got_reason, want_reason)) {
			agree_truth++;
			tap(true, "%s %s: %s %s", host,
			    qtype == LDNS_RR_TYPE_A ? "A" : "AAAA",
			    val_status_str(o.r.status), got_reason ? got_reason : "");
		} else {
			tap(false, "%s: got %s/%s, truth %s/%s", host,
			    val_status_str(o.r.status),
			    got_reason ? got_reason : "null",
			    want_status ? want_status : "null",
			    want_reason ? want_reason : "null");
		}
		ub = unbound_verdict(qname, qtype);
		if (str_eq(ub, val_status_str(o.r.status)))
			agree_unbound++;
		tap(str_eq(ub, val_status_str(o.r.status)),
		    "%s: Unbound says %s, we say %s", host, ub,
		    val_status_str(o.r.status));
		ldns_rdf_deep_free(qname);
		json_decref(row);
	}
	fclose(truth);
	free(line);

	val_ctx_stats(ctx, &st);
	printf("# %u domains: %u agree with the truth, %u with Unbound\n",
	    domains, agree_truth, agree_unbound);
	printf("# stats: jobs %llu queries %llu dnskey_validations %llu "
	    "cache hits %llu misses %llu signatures %llu\n",
	    (unsigned long long)st.jobs, (unsigned long long)st.queries,
	    (unsigned long long)st.dnskey_validations,
	    (unsigned long long)st.key_cache_hits,
	    (unsigned long long)st.key_cache_misses,
	    (unsigned long long)st.signatures_verified);
	/* Each zone's keys are validated once: at most one DNSKEY RRset per
	 * domain's zone, plus the root and the TLDs. */
	tap(domains > 0 && st.dnskey_validations <= domains + 12,
	    "DNSKEY validations %llu for %u domains (O(zones))",
	    (unsigned long long)st.dnskey_validations, domains);
	val_ctx_free(ctx);
	ldns_resolver_deep_free(res_cd);
	ldns_resolver_deep_free(res_plain);
	printf("1..%d\n", tests_run);
	return tests_failed ? 1 : 0;
}
