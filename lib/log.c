/*
 * log.c - diagnostics on stderr.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static enum log_level cur_level = LOG_LEVEL_WARN;
static const char *progname = "uptake";

static const char *const level_names[] = {
	[LOG_LEVEL_ERR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_set_level(enum log_level level)
{
	cur_level = level;
}

void
log_set_progname(const char *name)
{
	if (name != NULL)
		progname = name;
}

static void __attribute__((format(printf, 3, 0)))
log_vmsg(enum log_level level, const char *group, const char *fmt, va_list ap)
{
	if (level > cur_level)
		return;
	fprintf(stderr, "%s: %s: %s: ", progname, level_names[level],
	    group != NULL ? group : "-");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_msg(enum log_level level, const char *group, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, group, fmt, ap);
	va_end(ap);
}

void
fatal(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}
