/*
 * faultfs.c - an LD_PRELOAD shim that makes file-system calls fail, for
 * the snapshot writer's fault-injection tests (tests/writer/faults.py).
 *
 * Driven by the environment:
 *   FAULTFS_CALL   which call fails: write, fsync, fdatasync, rename
 *                  (rename, renameat, renameat2 and linkat count as one)
 *   FAULTFS_PATH   fnmatch(3) pattern the call's file must match (the
 *                  path of the descriptor for write/fsync/fdatasync, the
 *                  source path for rename); default "*"
 *   FAULTFS_NTH    the matching call that fails first, 1-based; default 1
 *   FAULTFS_ERRNO  ENOSPC, EIO or EDQUOT; default ENOSPC
 *   FAULTFS_LOG    when set, a file to which each injected fault appends
 *                  one line "CALL PATH"
 * Every matching call from the Nth on fails (a full disk stays full).
 * Calls that do not match pass through untouched.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Longest path the shim resolves (/proc/self/fd/N link target). */
#define FAULTFS_PATH_MAX 4096

/* The next definition of name (libc's, or a sanitizer's interceptor). */
#define REAL(name) \
	static __typeof__(&name) real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static atomic_long matches;

static bool
call_is(const char *call)
{
	const char *c = getenv("FAULTFS_CALL");

	return c != NULL && strcmp(c, call) == 0;
}

static int
fault_errno(void)
{
	const char *e = getenv("FAULTFS_ERRNO");

	if (e == NULL || strcmp(e, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(e, "EIO") == 0)
		return EIO;
	if (strcmp(e, "EDQUOT") == 0)
		return EDQUOT;
	return ENOSPC;
}

static void
note(const char *call, const char *path)
{
	const char *log = getenv("FAULTFS_LOG");
	int saved = errno;

	if (log != NULL) {
		REAL(write);
		char line[FAULTFS_PATH_MAX + 32];
		int fd, n;

		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			n = snprintf(line, sizeof(line), "%s %s\n", call, path);
			if (n > 0 && real_write(fd, line, (size_t)n) < 0)
				(void)0;
			close(fd);
		}
	}
	errno = saved;
}

/* Whether this call on path fails (counting the matching calls). */
static bool
should_fail(const char *call, const char *path)
{
	const char *pat = getenv("FAULTFS_PATH");
	const char *nth = getenv("FAULTFS_NTH");
	long n = nth != NULL ? strtol(nth, NULL, 10) : 1;

	if (!call_is(call) || path == NULL)
		return false;
	if (pat != NULL && fnmatch(pat, path, 0) != 0)
		return false;
	if (atomic_fetch_add(&matches, 1) + 1 < n)
		return false;
	note(call, path);
	return true;
}

static const char *
fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;
	int saved = errno;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	errno = saved;
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* Source path of a *at call, made absolute from dirfd when relative. */
static const char *
at_path(int dirfd, const char *p, char *buf, size_t len)
{
	char dir[FAULTFS_PATH_MAX];

	if (p[0] == '/' || dirfd == AT_FDCWD)
		return p;
	if (fd_path(dirfd, dir, sizeof(dir)) == NULL)
		return p;
	if ((size_t)snprintf(buf, len, "%s/%s", dir, p) >= len)
		return p;
	return buf;
}

ssize_t
write(int fd, const void *p, size_t n)
{
	char buf[FAULTFS_PATH_MAX];

	REAL(write);
	if (call_is("write") && should_fail("write", fd_path(fd, buf,
	    sizeof(buf)))) {
		errno = fault_errno();
		return -1;
	}
	return real_write(fd, p, n);
}

int
fsync(int fd)
{
	char buf[FAULTFS_PATH_MAX];

	REAL(fsync);
	if (call_is("fsync") && should_fail("fsync", fd_path(fd, buf,
	    sizeof(buf)))) {
		errno = fault_errno();
		return -1;
	}
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	char buf[FAULTFS_PATH_MAX];

	REAL(fdatasync);
	if (call_is("fdatasync") && should_fail("fdatasync", fd_path(fd, buf,
	    sizeof(buf)))) {
		errno = fault_errno();
		return -1;
	}
	return real_fdatasync(fd);
}

int
rename(const char *from, const char *to)
{
	REAL(rename);
	if (should_fail("rename", from)) {
		errno = fault_errno();
		return -1;
	}
	return real_rename(from, to);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	char buf[FAULTFS_PATH_MAX];

	REAL(renameat);
	if (should_fail("rename", at_path(fd1, from, buf, sizeof(buf)))) {
		errno = fault_errno();
		return -1;
	}
	return real_renameat(fd1, from, fd2, to);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned int flags)
{
	char buf[FAULTFS_PATH_MAX];

	REAL(renameat2);
	if (should_fail("rename", at_path(fd1, from, buf, sizeof(buf)))) {
		errno = fault_errno();
		return -1;
	}
	return real_renameat2(fd1, from, fd2, to, flags);
}

int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	char buf[FAULTFS_PATH_MAX];

	REAL(linkat);
	if (should_fail("rename", at_path(fd1, from, buf, sizeof(buf)))) {
		errno = fault_errno();
		return -1;
	}
	return real_linkat(fd1, from, fd2, to, flags);
}
