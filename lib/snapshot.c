/*
 * snapshot.c - snapshot directories: listing parts, the done set for
 * resume, and the part writer with atomic publication.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "snapshot.h"
#include "util.h"

#define TMP_PREFIX ".tmp-part-"
/* A write failure's line: a path (PATH_MAX) and the reason. */
#define SNAPSHOT_FAILURE_BYTES (4096 + 256)
/* A dead writer's temporary file from another host is removed after this. */
#define TMP_STALE_SECONDS 3600
/* Bits per leaf of the done bitmap (2^20 bits = 128 KiB). */
#define DONE_LEAF_BITS 20
#define DONE_LEAVES (SNAPSHOT_MAX_INPUT_INDEX >> DONE_LEAF_BITS)

bool
snapshot_is_part_name(const char *name)
{
	size_t n = strlen(name);
	long num = 0;

	if (n < 5 + 1 + 8 || strncmp(name, "part-", 5) != 0 ||
	    strcmp(name + n - 8, ".parquet") != 0 || n - 8 - 5 > 9)
		return false;
	for (size_t i = 5; i < n - 8; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		num = num * 10 + (name[i] - '0');
	}
	return num <= SNAPSHOT_PART_MAX;
}

/* What a non-regular file is, for the warning that skips it. */
static const char *
file_kind(mode_t m)
{
	if (S_ISLNK(m))
		return "a symlink";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* A name like a part past SNAPSHOT_PART_MAX (warned about, never read). */
static bool
part_name_past_max(const char *name)
{
	size_t n = strlen(name);

	if (n < 5 + 1 + 8 || strncmp(name, "part-", 5) != 0 ||
	    strcmp(name + n - 8, ".parquet") != 0)
		return false;
	for (size_t i = 5; i < n - 8; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return !snapshot_is_part_name(name);
}

static long
part_number(const char *name)
{
	return strtol(name + 5, NULL, 10);
}

static int
cmp_parts(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/');
	const char *y = strrchr(*(char *const *)b, '/');
	long nx = part_number(x + 1), ny = part_number(y + 1);

	return nx < ny ? -1 : nx > ny;
}

int
snapshot_parts_list(const char *path, char ***parts, char *err,
    size_t errlen)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*parts = NULL;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		v = xcalloc(2, sizeof(*v));
		v[0] = xstrdup(path);
		*parts = v;
		return 1;
	}
	if ((d = opendir(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!snapshot_is_part_name(de->d_name)) {
			if (part_name_past_max(de->d_name))
				log_warn("snapshot", "%s/%s: part number above %ld (SNAPSHOT_PART_MAX), skipped",
				    path, de->d_name, SNAPSHOT_PART_MAX);
			continue;
		}
		/* Only regular files: a FIFO would block every reader, a
		 * symlink could pull in another dataset. */
		struct stat ls;
		if (fstatat(dirfd(d), de->d_name, &ls,
		    AT_SYMLINK_NOFOLLOW) < 0) {
			log_warn("snapshot", "%s/%s: %s, skipped", path,
			    de->d_name, strerror(errno));
			continue;
		}
		if (!S_ISREG(ls.st_mode)) {
			log_warn("snapshot", "%s/%s: %s, not a regular file: skipped",
			    path, de->d_name, file_kind(ls.st_mode));
			continue;
		}
		if (n + 1 >= cap) {
			if (n >= SNAPSHOT_MAX_PARTS) {
				snprintf(err, errlen, "%s: more than %ld parts",
				    path, SNAPSHOT_MAX_PARTS);
				closedir(d);
				snapshot_parts_free(v);
				return -1;
			}
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		v[n] = xmalloc(len);
		snprintf(v[n], len, "%s/%s", path, de->d_name);
		v[++n] = NULL;
	}
	closedir(d);
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_parts);
	*parts = v;
	return (int)n;
}

void
snapshot_parts_free(char **parts)
{
	if (parts == NULL)
		return;
	for (size_t i = 0; parts[i]; i++)
		free(parts[i]);
	free(parts);
}

/* The done set: a two-level bitmap, leaves allocated on first use. */
struct snapshot_done {
	uint64_t *leaves[DONE_LEAVES];
	uint64_t count;
};

struct snapshot_done *
snapshot_done_new(void)
{
	return xcalloc(1, sizeof(struct snapshot_done));
}

bool
snapshot_done_has(const struct snapshot_done *d, int64_t i)
{
	if (i < 0 || i >= SNAPSHOT_MAX_INPUT_INDEX)
		return false;
	const uint64_t *leaf = d->leaves[i >> DONE_LEAF_BITS];
	if (leaf == NULL)
		return false;
	uint64_t bit = (uint64_t)i & ((1u << DONE_LEAF_BITS) - 1);
	return (leaf[bit / 64] >> (bit % 64)) & 1;
}

bool
snapshot_done_add(struct snapshot_done *d, int64_t i)
{
	if (i < 0 || i >= SNAPSHOT_MAX_INPUT_INDEX)
		return false;
	uint64_t **leaf = &d->leaves[i >> DONE_LEAF_BITS];
	if (*leaf == NULL)
		*leaf = xcalloc((1u << DONE_LEAF_BITS) / 64, sizeof(uint64_t));
	uint64_t bit = (uint64_t)i & ((1u << DONE_LEAF_BITS) - 1);
	uint64_t m = (uint64_t)1 << (bit % 64);
	if ((*leaf)[bit / 64] & m)
		return false;
	(*leaf)[bit / 64] |= m;
	d->count++;
	return true;
}

void
snapshot_done_remove(struct snapshot_done *d, int64_t i)
{
	if (i < 0 || i >= SNAPSHOT_MAX_INPUT_INDEX)
		return;
	uint64_t *leaf = d->leaves[i >> DONE_LEAF_BITS];
	uint64_t bit = (uint64_t)i & ((1u << DONE_LEAF_BITS) - 1);
	uint64_t m = (uint64_t)1 << (bit % 64);

	if (leaf && (leaf[bit / 64] & m)) {
		leaf[bit / 64] &= ~m;
		d->count--;
	}
}

uint64_t
snapshot_done_count(const struct snapshot_done *d)
{
	return d->count;
}

void
snapshot_done_free(struct snapshot_done *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < DONE_LEAVES; i++)
		free(d->leaves[i]);
	free(d);
}

/* Add the input_index column of one part; duplicates are warned about. */
static int
done_add_part(struct snapshot_done *d, const char *path, char *err,
    size_t errlen)
{
	struct parquet_reader *r = parquet_reader_open(path, err, errlen);
	int col, rc = 0;
	uint64_t dups = 0;

	if (r == NULL)
		return -1;
	col = parquet_reader_column_find(r, "input_index");
	if (col < 0 || parquet_reader_column(r, (size_t)col)->type !=
	    SCHEMA_TYPE_INT64) {
		snprintf(err, errlen, "%s: no INT64 input_index column", path);
		parquet_reader_free(r);
		return -1;
	}
	/* Page by page: memory bounded by a page, whatever the part claims. */
	for (size_t g = 0; g < parquet_reader_row_group_count(r) && !rc; g++) {
		struct parquet_column_reader *cr =
		    parquet_column_reader_new(r, g, (size_t)col);
		struct parquet_column_data cd;
		int n;
		if (cr == NULL) {
			snprintf(err, errlen, "%s", parquet_reader_error(r));
			rc = -1;
			break;
		}
		while (rc == 0 &&
		    (n = parquet_column_reader_next(cr, SIZE_MAX, &cd)) != 0) {
			if (n < 0) {
				snprintf(err, errlen, "%s",
				    parquet_reader_error(r));
				rc = -1;
				break;
			}
			for (size_t k = 0; k < cd.nrows; k++) {
				if (!cd.present[k] || cd.i64[k] < 0 ||
				    cd.i64[k] >= SNAPSHOT_MAX_INPUT_INDEX) {
					snprintf(err, errlen, "%s: input_index out of range in row group %zu",
					    path, g);
					rc = -1;
					break;
				}
				if (!snapshot_done_add(d, cd.i64[k]))
					dups++;
			}
		}
		parquet_column_reader_free(cr);
	}
	if (dups)
		log_warn("snapshot", "%s: %llu input_index values already in earlier parts",
		    path, (unsigned long long)dups);
	parquet_reader_free(r);
	return rc;
}

int
snapshot_done_load(const char *dir, struct snapshot_done **out, char *err,
    size_t errlen)
{
	struct snapshot_done *d = snapshot_done_new();
	char **parts = NULL;
	struct stat st;

	*out = NULL;
	if (stat(dir, &st) < 0 && errno == ENOENT) {
		*out = d;
		return 0;
	}
	if (snapshot_parts_list(dir, &parts, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; parts[i]; i++)
		if (done_add_part(d, parts[i], err, errlen) < 0)
			goto fail;
	snapshot_parts_free(parts);
	*out = d;
	return 0;
fail:
	snapshot_parts_free(parts);
	snapshot_done_free(d);
	return -1;
}

/* Writer. */

struct snapshot_kv {
	char *key;
	char *value;
};

struct snapshot_writer {
	char *dir;
	int dirfd;
	struct snapshot_writer_options opt;
	struct parquet_column_def cols[SCHEMA_COL_COUNT];
	struct snapshot_done *done;
	struct snapshot_kv *kvs;
	size_t nkvs;
	long next_part;		/* first part number to try */
	/* Current part. */
	struct parquet_writer *pw;
	int fd;
	char *tmp;		/* path of the temporary file */
	int64_t *pending;	/* input_index values of the current part */
	size_t npending;
	size_t pending_cap;
	uint64_t rows;
	uint64_t parts;
	bool any_part;		/* the directory holds a part */
	struct snapshot_lock *lock;
	/* Sticky: the snapshot cannot be written any more, and why. */
	int fail_rc;
	char failure[SNAPSHOT_FAILURE_BYTES];
};

/* Record the first failure: nothing more is published after it. */
static void __attribute__((format(printf, 3, 4)))
fail_set(struct snapshot_writer *w, int rc, const char *fmt, ...)
{
	va_list ap;

	if (w->fail_rc != 0)
		return;
	w->fail_rc = rc < 0 ? rc : -EIO;
	va_start(ap, fmt);
	vsnprintf(w->failure, sizeof(w->failure), fmt, ap);
	va_end(ap);
}

const char *
snapshot_writer_failure(const struct snapshot_writer *w)
{
	return w->fail_rc != 0 ? w->failure : NULL;
}

void
snapshot_writer_options_default(struct snapshot_writer_options *opt)
{
	opt->part_rows = 100000;
	opt->shard_k = 0;
	opt->shard_n = 0;
	parquet_writer_options_default(&opt->parquet);
}

/* Remove temporary files whose writer is gone. */
static void
clean_temps(struct snapshot_writer *w)
{
	DIR *d = fdopendir(dup(w->dirfd));
	struct dirent *de;
	char host[256];

	if (d == NULL)
		return;
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
			continue;
		int fd = openat(w->dirfd, de->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* A live writer holds an exclusive lock on its file. */
		bool dead = flock(fd, LOCK_EX | LOCK_NB) == 0;
		if (dead) {
			/* Name: .tmp-part-HOST-PID-XXXXXX.  The lock is taken
			 * right after creation; a writer on this host whose
			 * process still exists may be in that instant. */
			const char *s = de->d_name + strlen(TMP_PREFIX);
			const char *dash = strrchr(s, '-');
			struct stat st;
			size_t hl = strlen(host);
			if (dash && dash > s && strncmp(s, host, hl) == 0 &&
			    s[hl] == '-') {
				long pid = strtol(s + hl + 1, NULL, 10);
				if (pid > 0 && pid != getpid() &&
				    kill((pid_t)pid, 0) == 0)
					dead = false;
			} else if (fstat(fd, &st) == 0 &&
			    time(NULL) - st.st_mtime < TMP_STALE_SECONDS)
				dead = false;
		}
		if (dead && unlinkat(w->dirfd, de->d_name, 0) == 0)
			log_info("snapshot", "%s/%s: removed a dead writer's temporary file",
			    w->dir, de->d_name);
		close(fd);
	}
	closedir(d);
}

struct snapshot_writer *
snapshot_writer_open(const char *dir, const struct snapshot_writer_options *opt,
    char *err, size_t errlen)
{
	struct snapshot_writer *w;
	char **parts = NULL;
	int n;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create snapshot directory: %s",
		    dir, strerror(errno));
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->dir = xstrdup(dir);
	w->fd = -1;
	w->dirfd = -1;
	if (opt)
		w->opt = *opt;
	else
		snapshot_writer_options_default(&w->opt);
	if (w->opt.part_rows == 0)
		w->opt.part_rows = 100000;
	w->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	/* Before anything is read or removed: one writer per shard. */
	w->lock = snapshot_lock_take(dir, w->opt.shard_k, w->opt.shard_n,
	    err, errlen);
	if (w->lock == NULL)
		goto fail;
	for (size_t i = 0; i < SCHEMA_COL_COUNT; i++) {
		const struct schema_column *c = schema_column_get(i);
		w->cols[i].name = c->name;
		w->cols[i].type = c->type;
		w->cols[i].required = c->required;
	}
	clean_temps(w);
	if (snapshot_done_load(dir, &w->done, err, errlen) < 0)
		goto fail;
	if ((n = snapshot_parts_list(dir, &parts, err, errlen)) < 0)
		goto fail;
	if (n > 0) {
		w->any_part = true;
		w->next_part = part_number(strrchr(parts[n - 1], '/') + 1) + 1;
	}
	snapshot_parts_free(parts);
	char v[32];
	snprintf(v, sizeof(v), "%d", SCHEMA_VERSION);
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_SCHEMA_VERSION, v);
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_TOOL_VERSION, UPTAKE_VERSION);
	return w;
fail:
	snapshot_writer_free(w);
	return NULL;
}

void
snapshot_writer_kv_set(struct snapshot_writer *w, const char *key,
    const char *value)
{
	for (size_t i = 0; i < w->nkvs; i++)
		if (strcmp(w->kvs[i].key, key) == 0) {
			free(w->kvs[i].value);
			w->kvs[i].value = xstrdup(value ? value : "");
			return;
		}
	w->kvs = xreallocarray(w->kvs, w->nkvs + 1, sizeof(*w->kvs));
	w->kvs[w->nkvs].key = xstrdup(key);
	w->kvs[w->nkvs].value = xstrdup(value ? value : "");
	w->nkvs++;
}

static const char *
kv_get(const struct snapshot_writer *w, const char *key)
{
	for (size_t i = 0; i < w->nkvs; i++)
		if (strcmp(w->kvs[i].key, key) == 0)
			return w->kvs[i].value;
	return NULL;
}

/* N of a "K/N" shard value (absent: unsharded, 1), or 0 when malformed. */
static unsigned long
shard_count(const char *v)
{
	unsigned long k, n;
	char tail;

	if (v == NULL)
		return 1;
	if (sscanf(v, "%lu/%lu%c", &k, &n, &tail) != 2 || k >= n)
		return 0;
	return n;
}

int
snapshot_writer_check_resume(const struct snapshot_writer *w, char *err,
    size_t errlen)
{
	static const char *const keys[] = SNAPSHOT_RESUME_KEYS;
	const char *mine = kv_get(w, SNAPSHOT_KEY_SHARD);
	char **parts = NULL;
	int n, rc = 0;

	if ((n = snapshot_parts_list(w->dir, &parts, err, errlen)) < 0)
		return -1;
	for (int i = 0; i < n && rc == 0; i++) {
		const char *part = strrchr(parts[i], '/') + 1;
		struct parquet_reader *r = parquet_reader_open(parts[i], err,
		    errlen);
		const char *key = NULL, *old = NULL, *new = NULL;

		if (r == NULL) {
			/* err names the part: a resume cannot check it. */
			rc = -1;
			break;
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			old = parquet_reader_kv_get(r, keys[k]);
			new = kv_get(w, keys[k]);
			if ((old == NULL) != (new == NULL) ||
			    (old != NULL && strcmp(old, new) != 0)) {
				key = keys[k];
				break;
			}
		}
		if (key == NULL) {
			/* Sibling shards K'/N of the same crawl are welcome. */
			old = parquet_reader_kv_get(r, SNAPSHOT_KEY_SHARD);
			if (shard_count(old) != shard_count(mine) ||
			    shard_count(old) == 0) {
				key = SNAPSHOT_KEY_SHARD;
				old = old != NULL ? old : "0/1";
				new = mine != NULL ? mine : "0/1";
			}
		}
		if (key != NULL) {
			snprintf(err, errlen, "%s: %s is '%s', this crawl's is "
			    "'%s': the directory holds another crawl (resume "
			    "with the same list, list name, probes and shard "
			    "count, or use a new --out)", part, key,
			    old != NULL ? old : "(absent)",
			    new != NULL ? new : "(absent)");
			rc = -1;
		}
		parquet_reader_free(r);
	}
	snapshot_parts_free(parts);
	return rc;
}

bool
snapshot_writer_is_done(const struct snapshot_writer *w, int64_t input_index)
{
	return snapshot_done_has(w->done, input_index);
}

static void part_abandon(struct snapshot_writer *w);

static int
part_begin(struct snapshot_writer *w)
{
	char host[64], name[160];
	size_t len;

	if (w->fail_rc != 0)
		return w->fail_rc;
	if (w->next_part > SNAPSHOT_PART_MAX) {
		/* Readers ignore a part past the bound: write none. */
		fail_set(w, -EFBIG, "%s: no part number left after part-%ld "
		    "(SNAPSHOT_PART_MAX)", w->dir, (long)SNAPSHOT_PART_MAX);
		return w->fail_rc;
	}
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	for (char *p = host; *p; p++)
		if (*p == '/' || *p == '-')
			*p = '_';
	snprintf(name, sizeof(name), TMP_PREFIX "%s-%ld-XXXXXX", host,
	    (long)getpid());
	len = strlen(w->dir) + strlen(name) + 2;
	w->tmp = xmalloc(len);
	snprintf(w->tmp, len, "%s/%s", w->dir, name);
	w->fd = mkostemp(w->tmp, O_CLOEXEC);
	if (w->fd < 0 || flock(w->fd, LOCK_EX) < 0) {
		int e = errno;
		fail_set(w, -e, "%s: %s: %s", w->tmp, w->fd < 0 ? "open" :
		    "flock", strerror(e));
		if (w->fd >= 0) {
			close(w->fd);
			unlink(w->tmp);
		}
		w->fd = -1;
		free(w->tmp);
		w->tmp = NULL;
		return -e;
	}
	fchmod(w->fd, 0644);
	w->pw = parquet_writer_new(w->fd, w->tmp, w->cols, SCHEMA_COL_COUNT,
	    &w->opt.parquet);
	if (w->pw == NULL) {
		fail_set(w, -EINVAL, "%s: the Parquet writer refused the schema",
		    w->tmp);
		part_abandon(w);
		return w->fail_rc;
	}
	for (size_t i = 0; i < w->nkvs; i++)
		parquet_writer_kv_set(w->pw, w->kvs[i].key, w->kvs[i].value);
	return 0;
}

/* Drop the current part: its rows are not in the snapshot after all. */
static void
part_abandon(struct snapshot_writer *w)
{
	for (size_t i = 0; i < w->npending; i++)
		snapshot_done_remove(w->done, w->pending[i]);
	w->rows -= w->npending;
	w->npending = 0;
	parquet_writer_free(w->pw);
	w->pw = NULL;
	if (w->fd >= 0) {
		unlink(w->tmp);
		close(w->fd);
	}
	w->fd = -1;
	free(w->tmp);
	w->tmp = NULL;
}

/*
 * Close, fsync, publish under the first free part name, fsync the dir.
 * A failure before the rename drops the part (its rows will be crawled
 * again); a failure of the directory's fsync leaves it published.  Either
 * is sticky (fail_set): nothing more is written.
 */
static int
part_finish(struct snapshot_writer *w)
{
	char name[64];
	const char *base = strrchr(w->tmp, '/') + 1;
	int rc;

	for (size_t i = 0; i < w->nkvs; i++)
		parquet_writer_kv_set(w->pw, w->kvs[i].key, w->kvs[i].value);
	if ((rc = parquet_writer_close(w->pw)) < 0) {
		fail_set(w, rc, "%s", parquet_writer_error(w->pw));
		goto fail;
	}
	if (fsync(w->fd) < 0) {
		rc = -errno;
		fail_set(w, rc, "%s: fsync: %s", w->tmp, strerror(errno));
		goto fail;
	}
	for (;;) {
		if (w->next_part > SNAPSHOT_PART_MAX) {
			rc = -EFBIG;
			fail_set(w, rc, "%s: no part number left after part-%ld "
			    "(SNAPSHOT_PART_MAX)", w->dir,
			    (long)SNAPSHOT_PART_MAX);
			goto fail;
		}
		snprintf(name, sizeof(name), "part-%05ld.parquet",
		    w->next_part);
		if (renameat2(w->dirfd, base, w->dirfd, name,
		    RENAME_NOREPLACE) == 0)
			break;
		if (errno == EEXIST) {
			/* Another writer (shard) took this number. */
			w->next_part++;
			continue;
		}
		if (errno == EINVAL || errno == ENOSYS) {
			/* No RENAME_NOREPLACE here: link fails on EEXIST too. */
			if (linkat(w->dirfd, base, w->dirfd, name, 0) == 0) {
				unlinkat(w->dirfd, base, 0);
				break;
			}
			if (errno == EEXIST) {
				w->next_part++;
				continue;
			}
		}
		rc = -errno;
		fail_set(w, rc, "%s: rename to %s: %s", w->tmp, name,
		    strerror(errno));
		goto fail;
	}
	w->next_part++;
	rc = 0;
	if (fsync(w->dirfd) < 0) {
		/* The part is published; only its durability is in doubt. */
		rc = -errno;
		fail_set(w, rc, "%s: fsync of the directory after publishing "
		    "%s: %s (that part is published)", w->dir, name,
		    strerror(errno));
	}
	parquet_writer_free(w->pw);
	w->pw = NULL;
	close(w->fd);
	w->fd = -1;
	free(w->tmp);
	w->tmp = NULL;
	w->npending = 0;
	w->parts++;
	w->any_part = true;
	return rc;
fail:
	/* The part's rows are lost, never half-written. */
	part_abandon(w);
	return rc;
}

/* Finish the current part now (nothing when it is empty).  0 or -errno. */
static int
snapshot_writer_roll(struct snapshot_writer *w)
{
	if (w->pw == NULL)
		return 0;
	return part_finish(w);
}

int
snapshot_writer_append(struct snapshot_writer *w,
    const struct schema_value *row)
{
	const struct schema_value *ix = &row[SCHEMA_COL_INPUT_INDEX];
	int rc;

	if (!ix->present || ix->u.i64 < 0 ||
	    ix->u.i64 >= SNAPSHOT_MAX_INPUT_INDEX)
		return -EINVAL;
	if (w->fail_rc != 0)
		return w->fail_rc;
	if (snapshot_done_has(w->done, ix->u.i64))
		return -EEXIST;
	if (w->pw == NULL && (rc = part_begin(w)) < 0)
		return rc;
	if ((rc = parquet_writer_append(w->pw, row)) < 0) {
		if (rc != -EINVAL) {
			fail_set(w, rc, "%s", parquet_writer_error(w->pw));
			part_abandon(w);
		}
		return rc;
	}
	snapshot_done_add(w->done, ix->u.i64);
	if (w->npending == w->pending_cap) {
		w->pending_cap = w->pending_cap ? w->pending_cap * 2 : 1024;
		w->pending = xreallocarray(w->pending, w->pending_cap,
		    sizeof(*w->pending));
	}
	w->pending[w->npending++] = ix->u.i64;
	w->rows++;
	if (parquet_writer_rows(w->pw) >= w->opt.part_rows)
		return part_finish(w);
	return 0;
}

int
snapshot_writer_finish(struct snapshot_writer *w)
{
	int rc = 0;

	if (w->fail_rc != 0) {
		if (w->pw != NULL || w->fd >= 0)
			part_abandon(w);
		return w->fail_rc;
	}
	if (w->pw == NULL && !w->any_part)
		rc = part_begin(w);
	if (rc == 0)
		rc = snapshot_writer_roll(w);
	return rc;
}

int
snapshot_writer_close(struct snapshot_writer *w)
{
	int rc = snapshot_writer_finish(w);

	snapshot_writer_free(w);
	return rc;
}

void
snapshot_writer_free(struct snapshot_writer *w)
{
	if (w == NULL)
		return;
	if (w->pw != NULL || w->fd >= 0)
		part_abandon(w);
	else
		w->npending = 0;
	if (w->dirfd >= 0)
		close(w->dirfd);
	snapshot_lock_release(w->lock);
	snapshot_done_free(w->done);
	for (size_t i = 0; i < w->nkvs; i++) {
		free(w->kvs[i].key);
		free(w->kvs[i].value);
	}
	free(w->kvs);
	free(w->pending);
	free(w->dir);
	free(w);
}
