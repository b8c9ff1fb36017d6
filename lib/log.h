/*
 * log.h - diagnostics on stderr.
 *
 * Measurement outcomes go into rows; these are for the operator.  The group
 * names the module ("parquet", "list", ...).  Messages are one line each.
 */
#ifndef UPTAKE_LIB_LOG_H
#define UPTAKE_LIB_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages above this level are dropped.  Default LOG_LEVEL_WARN. */
void log_set_level(enum log_level level);

/* Program name printed before each message; borrowed, must outlive use. */
void log_set_progname(const char *name);

void log_msg(enum log_level level, const char *group, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(group, ...)   log_msg(LOG_LEVEL_ERR, group, __VA_ARGS__)
#define log_warn(group, ...)  log_msg(LOG_LEVEL_WARN, group, __VA_ARGS__)
#define log_info(group, ...)  log_msg(LOG_LEVEL_INFO, group, __VA_ARGS__)
#define log_debug(group, ...) log_msg(LOG_LEVEL_DEBUG, group, __VA_ARGS__)

/* Print "progname: message" and exit(status).  For startup errors only. */
void fatal(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
