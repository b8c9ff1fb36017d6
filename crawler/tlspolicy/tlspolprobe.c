/*
 * tlspolprobe.c - the tlspolicy stage of a domain job (tlspolprobe.h).
 *
 *   wanted: the probe asked for, the web stage's handshake completed
 *   start:  a slot of the address (conncap), then, from the loop, the
 *           cache's lookup of (address, 443, name), the web stage's
 *           version given so that the scan does not ask it again
 *   answer: the columns, the slot given back, the stage ended
 *
 * The domain's deadline drops the wait (the scan goes on for the others
 * asking the same key, tlspolcache.h) and leaves the columns null: not
 * measured.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conncap.h"
#include "crawl.h"
#include "job.h"
#include "loop.h"
#include "netaddr.h"
#include "row.h"
#include "schema.h"
#include "tlspolcache.h"
#include "tlspolicy.h"
#include "tlspolprobe.h"
#include "tlspolscan.h"
#include "tlsscan.h"
#include "util.h"

/* The port scanned: the web stage's HTTPS port. */
#define TLSPOL_PORT 443

struct tlspol_ctx {
	struct crawl *crawl;
	SSL_CTX *ssl;
	struct tlspol_cache *cache;
	struct conncap *cap;
	uint64_t domains, answered, ended_early;
};

struct tlspolprobe {
	struct job *job;
	struct tlspol_ctx *ctx;
	struct sockaddr_storage sa;	/* the address, for the cap */
	char host[256];			/* SNI: the web stage's */
	struct conncap_wait slot;
	struct loop_timer *timer;	/* the lookup, from the loop */
	struct tlspol_wait *wait;	/* the cache's answer to come */
};

struct tlspol_ctx *
tlspol_ctx_new(struct crawl *c, unsigned max_per_addr, char *err,
    size_t errlen)
{
	struct tlspol_ctx *t = xcalloc(1, sizeof(*t));

	t->crawl = c;
	t->ssl = tlsscan_ctx_new(err, errlen);
	if (t->ssl == NULL) {
		free(t);
		return NULL;
	}
	t->cache = tlspol_cache_new(c->loop, t->ssl, 0);
	t->cap = conncap_new(max_per_addr);
	return t;
}

void
tlspol_ctx_free(struct tlspol_ctx *t)
{
	if (t == NULL)
		return;
	tlspol_cache_free(t->cache);
	conncap_free(t->cap);
	tlsscan_ctx_free(t->ssl);
	free(t);
}

void
tlspol_ctx_summary(const struct tlspol_ctx *t, char *buf, size_t len)
{
	struct tlspol_cache_stats cs;

	tlspol_cache_stats(t->cache, &cs);
	snprintf(buf, len, "tlspolicy: %llu domains asked, %llu scans "
	    "(%llu answered from earlier scans, %llu beyond the cache's "
	    "bound), %llu answers of a scan ended early",
	    (unsigned long long)t->domains, (unsigned long long)cs.scans,
	    (unsigned long long)(cs.cached + cs.joined),
	    (unsigned long long)cs.uncached,
	    (unsigned long long)t->ended_early);
}

bool
tlspolprobe_wanted(const struct job *j)
{
	return j->crawl->tlspol != NULL && !j->crawl->stopping &&
	    j->facts.web_tls_ok;
}

/* The scan's result as the row's columns (docs/web.md, "TLS policy"):
 * each fact only when measured. */
static void
record(struct row *row, const struct tlspol_result *r)
{
	char set[TLSPOL_SET_STR_MAX];
	const char *s;
	int kex;

	row_set_str(row, SCHEMA_COL_TLS_SCAN_STATUS,
	    r->ended_early ? "ended_early" : "complete");
	row_set_i32(row, SCHEMA_COL_TLS_SCAN_HANDSHAKES,
	    (int32_t)r->handshakes);
	if (r->f.versions >= 0) {
		tlspol_versions_str((unsigned)r->f.versions, set, sizeof(set));
		row_set_str(row, SCHEMA_COL_TLS_VERSIONS, set);
		if ((s = tlspol_min_version_str((unsigned)r->f.versions)) !=
		    NULL)
			row_set_str(row, SCHEMA_COL_TLS_MIN_VERSION, s);
	}
	/* The set only when every class was asked: a partial one would
	 * read as "none of the others". */
	if (r->f.weak >= 0 && (r->weak_measured & TLSPOL_WEAK_ALL) ==
	    TLSPOL_WEAK_ALL) {
		tlspol_weak_str((unsigned)r->f.weak, set, sizeof(set));
		row_set_str(row, SCHEMA_COL_TLS_WEAK_CIPHERS, set);
	}
	if (r->f.dh_bits >= 0)
		row_set_i32(row, SCHEMA_COL_TLS_DH_BITS, r->f.dh_bits);
	if (r->f.static_rsa >= 0)
		row_set_bool(row, SCHEMA_COL_TLS_STATIC_RSA,
		    r->f.static_rsa != 0);
	if ((kex = tlspol_kex_weak(r->f.dh_bits, r->f.static_rsa)) >= 0)
		row_set_bool(row, SCHEMA_COL_TLS_KEX_WEAK, kex != 0);
	if (r->server_order >= 0)
		row_set_bool(row, SCHEMA_COL_TLS_SERVER_ORDER,
		    r->server_order != 0);
	if (r->secure_reneg >= 0)
		row_set_bool(row, SCHEMA_COL_TLS_SECURE_RENEG,
		    r->secure_reneg != 0);
	if (r->f.client_reneg >= 0)
		row_set_bool(row, SCHEMA_COL_TLS_CLIENT_RENEG,
		    r->f.client_reneg != 0);
	if (r->compression >= 0)
		row_set_bool(row, SCHEMA_COL_TLS_COMPRESSION,
		    r->compression != 0);
	if ((s = tlspol_ncsc_str(tlspol_result_class(r))) != NULL)
		row_set_str(row, SCHEMA_COL_TLS_NCSC_CLASS, s);
	if (r->ended_early) {
		char why[TLSPOL_WHY_MAX + 16];

		snprintf(why, sizeof(why), "tlspolicy: %s", r->why);
		row_set_str_once(row, SCHEMA_COL_ERROR, why);
	}
}

static void
answered(const struct tlspol_result *r, void *arg)
{
	struct tlspolprobe *p = arg;
	struct job *j = p->job;

	p->wait = NULL;
	p->ctx->answered++;
	if (r->ended_early)
		p->ctx->ended_early++;
	record(&j->row, r);
	/* Not the scan's (shared by every name of the address) but this
	 * domain's web handshake's: its session ticket. */
	if (j->facts.web_early_known)
		row_set_bool(&j->row, SCHEMA_COL_TLS_0RTT,
		    j->facts.web_early_data);
	conncap_release(p->ctx->cap, &p->slot);
	j->stage_done(j);		/* may free j */
}

/* From the loop: the slot is ours; ask the cache. */
static void
lookup(void *arg)
{
	struct tlspolprobe *p = arg;
	struct job *j = p->job;

	p->wait = tlspol_cache_lookup(p->ctx->cache,
	    &j->facts.web_tls_addr, TLSPOL_PORT, p->host,
	    j->facts.web_tls_version, answered, p);
	if (p->wait == NULL) {		/* a name no DNS name is */
		conncap_release(p->ctx->cap, &p->slot);
		j->stage_done(j);	/* may free j */
	}
}

static void
slot_granted(void *arg)
{
	struct tlspolprobe *p = arg;

	loop_timer_start(p->timer, 0);
}

bool
tlspolprobe_start(struct job *j)
{
	struct tlspolprobe *p = xcalloc(1, sizeof(*p));

	p->job = j;
	p->ctx = j->crawl->tlspol;
	p->ctx->domains++;
	j->tlspol = p;
	job_probed_host(j, p->host, sizeof(p->host));
	netaddr_to_sockaddr(&j->facts.web_tls_addr, TLSPOL_PORT, &p->sa);
	p->timer = loop_timer_new(j->crawl->loop, lookup, p);
	/* Always from the loop, so that stage_done never runs inside
	 * this call. */
	if (conncap_acquire(p->ctx->cap, (struct sockaddr *)&p->sa, &p->slot,
	    slot_granted, p))
		loop_timer_start(p->timer, 0);
	return true;
}

void
tlspolprobe_abort(struct job *j)
{
	struct tlspolprobe *p = j->tlspol;

	if (p == NULL)
		return;
	tlspol_cache_cancel(p->wait);
	p->wait = NULL;
	if (p->timer != NULL)
		loop_timer_stop(p->timer);
	conncap_release(p->ctx->cap, &p->slot);
}

void
tlspolprobe_fini(struct job *j)
{
	struct tlspolprobe *p = j->tlspol;

	if (p == NULL)
		return;
	tlspolprobe_abort(j);
	loop_timer_free(p->timer);
	free(p);
	j->tlspol = NULL;
}
