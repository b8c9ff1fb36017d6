/*
 * loop.c - the event loop bridge (libevent).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "loop.h"
#include "util.h"

#define LOOP_MAX_SIGNALS 4

struct loop_sig {
	struct event *ev;
	loop_signal_cb cb;
	void *arg;
};

struct loop {
	struct event_base *base;
	struct loop_sig sigs[LOOP_MAX_SIGNALS];
	int nsigs;
};

struct loop_timer {
	struct loop *loop;
	struct event *ev;
	loop_timer_cb cb;
	void *arg;
};

struct loop_fd {
	struct loop *loop;
	struct event *ev;
	int fd;
	bool want_read, want_write;
	loop_fd_cb cb;
	void *arg;
};

struct loop *
loop_new(char *err, size_t errlen)
{
	struct loop *l = xcalloc(1, sizeof(*l));
	struct event_config *cfg = event_config_new();

	if (cfg == NULL) {
		snprintf(err, errlen, "libevent: cannot allocate a configuration");
		free(l);
		return NULL;
	}
	/* One thread; we never need libevent's locking. */
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	l->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (l->base == NULL) {
		snprintf(err, errlen, "libevent: cannot create an event base");
		free(l);
		return NULL;
	}
	return l;
}

void
loop_free(struct loop *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nsigs; i++)
		event_free(l->sigs[i].ev);
	event_base_free(l->base);
	free(l);
}

int
loop_run(struct loop *l)
{
	return event_base_dispatch(l->base);
}

void
loop_break(struct loop *l)
{
	event_base_loopbreak(l->base);
}

uint64_t
loop_now_us(struct loop *l)
{
	(void)l;
	return now_monotonic_us();
}

struct event_base *
loop_event_base(struct loop *l)
{
	return l->base;
}

static void
timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct loop_timer *t = arg;

	(void)fd;
	(void)what;
	t->cb(t->arg);
}

struct loop_timer *
loop_timer_new(struct loop *l, loop_timer_cb cb, void *arg)
{
	struct loop_timer *t = xcalloc(1, sizeof(*t));

	t->loop = l;
	t->cb = cb;
	t->arg = arg;
	t->ev = evtimer_new(l->base, timer_fire, t);
	if (t->ev == NULL) {
		fprintf(stderr, "libevent: cannot create a timer\n");
		abort();
	}
	return t;
}

void
loop_timer_start(struct loop_timer *t, uint64_t usec)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(usec / 1000000u);
	tv.tv_usec = (suseconds_t)(usec % 1000000u);
	evtimer_add(t->ev, &tv);
}

void
loop_timer_stop(struct loop_timer *t)
{
	evtimer_del(t->ev);
}

bool
loop_timer_pending(const struct loop_timer *t)
{
	return evtimer_pending(t->ev, NULL) != 0;
}

void
loop_timer_free(struct loop_timer *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}

static void
fd_fire(evutil_socket_t fd, short what, void *arg)
{
	struct loop_fd *w = arg;

	w->cb((int)fd, (what & EV_READ) != 0, (what & EV_WRITE) != 0,
	    w->arg);
}

struct loop_fd *
loop_fd_new(struct loop *l, int fd, loop_fd_cb cb, void *arg)
{
	struct loop_fd *w = xcalloc(1, sizeof(*w));

	w->loop = l;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	return w;
}

void
loop_fd_want(struct loop_fd *w, bool read, bool write)
{
	short what = EV_PERSIST;

	if (w->ev != NULL && w->want_read == read && w->want_write == write)
		return;
	if (w->ev != NULL) {
		event_free(w->ev);
		w->ev = NULL;
	}
	w->want_read = read;
	w->want_write = write;
	if (!read && !write)
		return;
	if (read)
		what |= EV_READ;
	if (write)
		what |= EV_WRITE;
	w->ev = event_new(w->loop->base, w->fd, what, fd_fire, w);
	if (w->ev == NULL || event_add(w->ev, NULL) != 0) {
		fprintf(stderr, "libevent: cannot watch fd %d\n", w->fd);
		abort();
	}
}

void
loop_fd_free(struct loop_fd *w)
{
	if (w == NULL)
		return;
	if (w->ev != NULL)
		event_free(w->ev);
	free(w);
}

static void
signal_fire(evutil_socket_t fd, short what, void *arg)
{
	struct loop_sig *s = arg;

	(void)what;
	s->cb((int)fd, s->arg);
}

int
loop_signal_add(struct loop *l, int signo, loop_signal_cb cb, void *arg)
{
	struct loop_sig *s;

	if (l->nsigs >= LOOP_MAX_SIGNALS)
		return -1;
	s = &l->sigs[l->nsigs];
	s->cb = cb;
	s->arg = arg;
	s->ev = evsignal_new(l->base, signo, signal_fire, s);
	if (s->ev == NULL || event_add(s->ev, NULL) != 0)
		return -1;
	l->nsigs++;
	return 0;
}
