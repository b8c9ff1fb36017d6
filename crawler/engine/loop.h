/*
 * loop.h - the one event loop of a crawl (libevent underneath).
 *
 * Only this module includes the event2 headers: the rest of the crawler sees
 * timers, file descriptor watches and signal handlers.  Callbacks run on
 * the loop; nothing blocks it.
 */
#ifndef UPTAKE_CRAWLER_LOOP_H
#define UPTAKE_CRAWLER_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct loop_timer;
struct loop_fd;
struct event_base;

/* Returns NULL with a message in err when libevent cannot start. */
struct loop *loop_new(char *err, size_t errlen);
void loop_free(struct loop *l);

/* Run until loop_break() or until nothing is left to wait for. */
int loop_run(struct loop *l);
void loop_break(struct loop *l);

/* Monotonic time in microseconds (cached per loop iteration). */
uint64_t loop_now_us(struct loop *l);

/* The libevent base, for modules that need bufferevents (TLS). */
struct event_base *loop_event_base(struct loop *l);

typedef void (*loop_timer_cb)(void *arg);
struct loop_timer *loop_timer_new(struct loop *l, loop_timer_cb cb, void *arg);
/* (Re)arm to fire once after usec microseconds. */
void loop_timer_start(struct loop_timer *t, uint64_t usec);
void loop_timer_stop(struct loop_timer *t);
bool loop_timer_pending(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

typedef void (*loop_fd_cb)(int fd, bool readable, bool writable, void *arg);
struct loop_fd *loop_fd_new(struct loop *l, int fd, loop_fd_cb cb, void *arg);
/* Which readiness to wait for (both false: none). */
void loop_fd_want(struct loop_fd *w, bool read, bool write);
void loop_fd_free(struct loop_fd *w);

typedef void (*loop_signal_cb)(int signo, void *arg);
/* Handle signo on the loop (SIGINT, SIGTERM).  0 or -1. */
int loop_signal_add(struct loop *l, int signo, loop_signal_cb cb, void *arg);

#endif
