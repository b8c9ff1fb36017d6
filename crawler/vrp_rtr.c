/*
 * vrp_rtr.c - VRPs from an RTR cache (RFC 8210, RFC 6810) through librtr.
 *
 * librtr runs a thread per connection and keeps the VRPs in its own
 * prefix table.  We start it, wait until the connection manager reports
 * the first End of Data (the group is "established"), copy the table into
 * our set, and stop it: the crawl itself never talks RTR, so the set is
 * the snapshot of the cache at start-up, like a file.  A transport or
 * protocol error before that first sync, or no sync by the deadline, is a
 * start-up error.
 *
 * librtr sends without MSG_NOSIGNAL: a cache that closes the connection
 * could kill the process with SIGPIPE.  Its threads are started with
 * SIGPIPE blocked (they inherit our mask), so a send fails with EPIPE.
 *
 * Debian's librtr is built with its debug log on (a line on stderr for
 * every state change and PDU, from its own threads), so stderr points at
 * /dev/null while the client runs, unless the log level is debug.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rtrlib/rtrlib.h>

#include "log.h"
#include "lpm.h"
#include "util.h"
#include "vrp.h"
#include "vrp_int.h"

/* Intervals handed to librtr (seconds).  We disconnect after the first
 * sync, so only the retry interval matters: librtr's minimum, so that a
 * cache answering "no data yet" is asked again within our deadline. */
#define RTR_REFRESH_S 3600
#define RTR_EXPIRE_S 7200
#define RTR_RETRY_S 1

struct rtr_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool synced;
	bool failed;
	enum rtr_socket_state state;	/* of the socket, last seen */
};

struct rtr_copy {
	struct vrp_set *v;
	const struct vrp_options *o;
	uint64_t n;
};

static void
status_cb(const struct rtr_mgr_group *g, enum rtr_mgr_status st,
	const struct rtr_socket *rs, void *data)
{
	struct rtr_wait *w = data;

	(void)g;
	pthread_mutex_lock(&w->mu);
	if (rs != NULL && !w->failed)
		w->state = rs->state;
	if (st == RTR_MGR_ESTABLISHED)
		w->synced = true;
	/* Before the first sync, a failed connection or a fatal protocol
	 * error ends the wait; "no data available" is retried. */
	if (st == RTR_MGR_ERROR && !w->synced && rs != NULL &&
	    (rs->state == RTR_ERROR_TRANSPORT || rs->state == RTR_ERROR_FATAL))
		w->failed = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* librtr keeps IPv4 addresses as one host-order word and IPv6 addresses
 * as four host-order words, most significant first. */
static void
record_prefix(const struct pfx_record *r, struct lpm_prefix *p)
{
	uint8_t a[16];
	unsigned i;

	memset(a, 0, sizeof(a));
	if (r->prefix.ver == LRTR_IPV4) {
		uint32_t x = htonl(r->prefix.u.addr4.addr);

		memcpy(a, &x, 4);
		(void)lpm_prefix_make(LPM_AF_V4, a, r->min_len, p);
	} else {
		for (i = 0; i < 4; i++) {
			uint32_t x = htonl(r->prefix.u.addr6.addr[i]);

			memcpy(a + 4 * i, &x, 4);
		}
		(void)lpm_prefix_make(LPM_AF_V6, a, r->min_len, p);
	}
}

static void
copy_cb(const struct pfx_record *r, void *data)
{
	struct rtr_copy *c = data;
	struct lpm_prefix p;
	const char *why = NULL;

	c->n++;
	c->v->stats.entries++;
	if (r->min_len > (r->prefix.ver == LRTR_IPV4 ? 32 : 128)) {
		vrp_bad(c->v, c->o, c->n, "prefix length out of range");
		return;
	}
	record_prefix(r, &p);
	if (vrp_set_add(c->v, &p, r->asn, r->max_len, NULL, 0, &why) != 0)
		vrp_bad(c->v, c->o, c->n, why);
}

/*
 * librtr 0.8's rtr_mgr_stop() cancels and joins the socket's thread while
 * holding the manager's mutex.  A thread that is just then waiting for
 * that mutex (it takes it after a state change, e.g. right after a failed
 * connect or the first sync) never reaches a cancellation point, and both
 * threads wait for ever.  So the thread is cancelled and joined here
 * first, without the mutex: it honours cancellation only where it sleeps
 * or waits for the cache, never inside the mutex.  rtr_mgr_stop() then
 * finds no thread and only marks the socket shut down.
 */
static void
rtr_thread_stop(struct rtr_socket *rs)
{
	if (rs->thread_id != 0) {
		pthread_cancel(rs->thread_id);
		pthread_join(rs->thread_id, NULL);
		rs->thread_id = 0;
	}
	if (rs->tr_socket != NULL && rs->tr_socket->close_fp != NULL)
		rs->tr_socket->close_fp(rs->tr_socket->socket);
}

/* Point stderr at /dev/null; returns the saved descriptor or -1. */
static int
stderr_mute(void)
{
	int saved, null;

	if (log_get_level() >= LOG_LEVEL_DEBUG)
		return -1;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved < 0 || null < 0 || dup2(null, STDERR_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		saved = -1;
	}
	if (null >= 0)
		close(null);
	return saved;
}

static void
stderr_restore(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static const char *
state_name(enum rtr_socket_state s)
{
	const char *n = rtr_state_to_str(s);

	return n != NULL ? n : "unknown";
}

int
vrp_rtr_fetch(struct vrp_set *v, const char *host, const char *port,
	const struct vrp_options *o, char *err, size_t errlen)
{
	struct tr_tcp_config tcfg;
	struct tr_socket *tr = xcalloc(1, sizeof(*tr));
	struct rtr_socket *rs = xcalloc(1, sizeof(*rs));
	struct rtr_socket **socks = xcalloc(1, sizeof(*socks));
	struct rtr_mgr_group group;
	struct rtr_mgr_config *conf = NULL;
	struct rtr_wait w;
	struct rtr_copy c;
	pthread_condattr_t ca;
	sigset_t pipe_set, saved_mask;
	struct timespec deadline;
	unsigned timeout = o->rtr_timeout_s;
	int rc = -1, saved_stderr;

	if (timeout == 0 || timeout > VRP_RTR_MAX_TIMEOUT_S)
		timeout = VRP_RTR_TIMEOUT_S;
	memset(&w, 0, sizeof(w));
	w.state = RTR_CLOSED;
	pthread_mutex_init(&w.mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cv, &ca);
	pthread_condattr_destroy(&ca);

	memset(&tcfg, 0, sizeof(tcfg));
	tcfg.host = (char *)host;
	tcfg.port = (char *)port;
	tcfg.connect_timeout = timeout;
	if (tr_tcp_init(&tcfg, tr) != TR_SUCCESS) {
		snprintf(err, errlen, "%s: cannot set up the RTR transport",
		    v->source);
		free(tr);
		free(rs);
		free(socks);
		goto out_sync;
	}
	rs->tr_socket = tr;
	socks[0] = rs;
	memset(&group, 0, sizeof(group));
	group.sockets = socks;
	group.sockets_len = 1;
	group.preference = 1;
	if (rtr_mgr_init(&conf, &group, 1, RTR_REFRESH_S, RTR_EXPIRE_S,
	    RTR_RETRY_S, NULL, NULL, status_cb, &w) != RTR_SUCCESS) {
		snprintf(err, errlen, "%s: cannot set up the RTR client",
		    v->source);
		if (tr->free_fp != NULL)
			tr->free_fp(tr);
		free(tr);
		free(rs);
		free(socks);
		goto out_sync;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	saved_stderr = stderr_mute();
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &saved_mask);
	if (rtr_mgr_start(conf) != RTR_SUCCESS) {
		snprintf(err, errlen, "%s: cannot start the RTR client",
		    v->source);
		goto out;
	}
	pthread_mutex_lock(&w.mu);
	while (!w.synced && !w.failed) {
		if (pthread_cond_timedwait(&w.cv, &w.mu, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&w.mu);
	if (!w.synced) {
		if (w.failed)
			snprintf(err, errlen, "%s: %s (%s)", v->source,
			    w.state == RTR_ERROR_TRANSPORT ?
			    "cannot connect to the RTR cache" :
			    "the RTR cache failed", state_name(w.state));
		else
			snprintf(err, errlen, "%s: no complete VRP set from "
			    "the RTR cache within %u s (state: %s)", v->source,
			    timeout, state_name(w.state));
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.v = v;
	c.o = o;
	rtr_mgr_for_each_ipv4_record(conf, copy_cb, &c);
	rtr_mgr_for_each_ipv6_record(conf, copy_cb, &c);
	v->time = time(NULL);
	rc = 0;
out:
	rtr_thread_stop(rs);
	rtr_mgr_stop(conf);
	rtr_mgr_free(conf);
	pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
	stderr_restore(saved_stderr);
	free(rs);
	free(socks);
	free(tr);
out_sync:
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return rc;
}
