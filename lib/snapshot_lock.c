/*
 * snapshot_lock.c - one writer per shard of a snapshot directory.
 *
 * Open file description locks (fcntl F_OFD_SETLK), which the kernel drops
 * when the process ends however it ends (kill -9 included), and which
 * conflict between two descriptors of one process too:
 *   - a writer of shard K/N holds a read lock on DIR/.lock and a write
 *     lock on DIR/.lock-K-of-N;
 *   - an unsharded writer (0/1) holds a write lock on DIR/.lock, so it
 *     excludes every other writer and every other writer excludes it;
 *   - a writer of K/N also refuses when a writer of a shard of another
 *     count M != N is alive (its shards would overlap ours).
 * The holder of a write lock writes "pid P on host H since T (shard K/N)"
 * into its lock file, so that a refused writer can name it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snapshot.h"
#include "util.h"

#define LOCK_ALL ".lock"
#define LOCK_SHARD_FMT ".lock-%u-of-%u"
/* The holder's line in a lock file: pid, host, time, shard. */
#define LOCK_INFO_BYTES 512

struct snapshot_lock {
	int all_fd;		/* DIR/.lock */
	int shard_fd;		/* DIR/.lock-K-of-N, or -1 when unsharded */
};

static int
lock_fd(int fd, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_OFD_SETLK, &fl);
}

/* Whether another descriptor holds a lock on fd's file that excludes a
 * write lock (a live writer). */
static bool
lock_held(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return false;
	return fl.l_type != F_UNLCK;
}

/* The holder's line from a lock file, or a placeholder. */
static void
lock_info_read(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n <= 0) {
		snprintf(buf, len, "a process that has not said who it is yet");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static void
lock_info_write(int fd, unsigned k, unsigned n)
{
	char host[256], line[LOCK_INFO_BYTES], t[32];
	time_t now = time(NULL);
	struct tm tm;
	int len;

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	len = snprintf(line, sizeof(line), "pid %ld on host %s since %s "
	    "(shard %u/%u)\n", (long)getpid(), host, t, k, n);
	if (len < 0 || (size_t)len >= sizeof(line))
		len = (int)strlen(line);
	/* Best effort: the lock is what excludes, the line only informs. */
	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)len, 0) < 0)
		(void)0;
}

static int
lock_open(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		snprintf(err, errlen, "%s: cannot open the writer lock: %s",
		    path, strerror(errno));
	return fd;
}

/*
 * A live writer of a shard of another count than n, or (n == 0) of any
 * shard: its line into who.  Returns true when one was found.
 */
static bool
other_shard_writer(const char *dir, unsigned n, char *who, size_t wholen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		unsigned k2, n2;
		char tail;
		int fd;

		if (sscanf(de->d_name, LOCK_SHARD_FMT "%c", &k2, &n2,
		    &tail) != 2 || (n != 0 && n2 == n))
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC |
		    O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (lock_held(fd)) {
			lock_info_read(fd, who, wholen);
			found = true;
		}
		close(fd);
	}
	closedir(d);
	return found;
}

struct snapshot_lock *
snapshot_lock_take(const char *dir, unsigned k, unsigned n, char *err,
    size_t errlen)
{
	struct snapshot_lock *l = xcalloc(1, sizeof(*l));
	char who[LOCK_INFO_BYTES], name[64];

	l->shard_fd = -1;
	l->all_fd = -1;
	if (n >= 2 && k >= n) {
		snprintf(err, errlen, "%s: shard %u/%u: K must be below N", dir,
		    k, n);
		goto fail;
	}
	if ((l->all_fd = lock_open(dir, LOCK_ALL, err, errlen)) < 0)
		goto fail;
	if (n <= 1) {
		/* Unsharded (or 0/1): alone in the directory. */
		if (lock_fd(l->all_fd, F_WRLCK) < 0) {
			if (errno != EAGAIN && errno != EACCES) {
				snprintf(err, errlen, "%s/" LOCK_ALL ": lock: %s",
				    dir, strerror(errno));
				goto fail;
			}
			if (!other_shard_writer(dir, 0, who, sizeof(who)))
				lock_info_read(l->all_fd, who, sizeof(who));
			snprintf(err, errlen, "%s is being written by %s; an "
			    "unsharded crawl must be the directory's only writer",
			    dir, who);
			goto fail;
		}
		lock_info_write(l->all_fd, 0, 1);
		return l;
	}
	if (lock_fd(l->all_fd, F_RDLCK) < 0) {
		if (errno != EAGAIN && errno != EACCES) {
			snprintf(err, errlen, "%s/" LOCK_ALL ": lock: %s", dir,
			    strerror(errno));
			goto fail;
		}
		lock_info_read(l->all_fd, who, sizeof(who));
		snprintf(err, errlen, "%s is being written by %s (unsharded); "
		    "shard %u/%u must wait for it to end", dir, who, k, n);
		goto fail;
	}
	snprintf(name, sizeof(name), LOCK_SHARD_FMT, k, n);
	if ((l->shard_fd = lock_open(dir, name, err, errlen)) < 0)
		goto fail;
	if (lock_fd(l->shard_fd, F_WRLCK) < 0) {
		if (errno != EAGAIN && errno != EACCES) {
			snprintf(err, errlen, "%s/%s: lock: %s", dir, name,
			    strerror(errno));
			goto fail;
		}
		lock_info_read(l->shard_fd, who, sizeof(who));
		snprintf(err, errlen, "shard %u/%u of %s is being written by %s; "
		    "one writer per shard", k, n, dir, who);
		goto fail;
	}
	lock_info_write(l->shard_fd, k, n);
	/* After our own lock: of two writers starting together, the later
	 * one to look sees the other. */
	if (other_shard_writer(dir, n, who, sizeof(who))) {
		snprintf(err, errlen, "%s is being written by %s; shard %u/%u "
		    "would overlap its shards", dir, who, k, n);
		goto fail;
	}
	return l;
fail:
	snapshot_lock_release(l);
	return NULL;
}

void
snapshot_lock_release(struct snapshot_lock *l)
{
	if (l == NULL)
		return;
	/* Closing the descriptors drops their locks. */
	if (l->shard_fd >= 0)
		close(l->shard_fd);
	if (l->all_fd >= 0)
		close(l->all_fd);
	free(l);
}
