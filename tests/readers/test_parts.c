/*
 * test_parts.c - only regular part files are read (issue 14 point 5): a
 * FIFO, a directory, a device and a symlink named like a part are skipped
 * with a warning and never opened blocking; a part number above
 * SNAPSHOT_PART_MAX is not a part.  Listing, the resume's done set and
 * the reader itself are checked, each under an alarm so that a hang fails
 * the test instead of stalling the suite.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "log.h"
#include "parquet.h"
#include "snapshot.h"
#include "tap.h"
#include "util.h"

/* A reader that opens a FIFO blocks forever; this turns it into a failure. */
#define HANG_SECONDS 20

static char tmpdir[] = "/tmp/test_parts.XXXXXX";

static void
on_alarm(int sig)
{
	static const char msg[] =
	    "not ok - a reader blocked (opened a FIFO named like a part?)\n";
	(void)sig;
	write(1, msg, sizeof(msg) - 1);
	_exit(1);
}

/* Write rows [from, from+n) as one snapshot part into dir. */
static void
write_part(const char *dir, int64_t from, int64_t n)
{
	struct snapshot_writer_options o;
	struct schema_value row[SCHEMA_COL_COUNT];
	char err[512];

	snapshot_writer_options_default(&o);
	o.parquet.zstd_level = 1;
	struct snapshot_writer *w = snapshot_writer_open(dir, &o, err,
	    sizeof(err));
	if (w == NULL) {
		tap_diag("writer: %s", err);
		exit(1);
	}
	for (int64_t i = from; i < from + n; i++) {
		memset(row, 0, sizeof(row));
		row[SCHEMA_COL_INPUT_INDEX].present = true;
		row[SCHEMA_COL_INPUT_INDEX].u.i64 = i;
		row[SCHEMA_COL_DOMAIN].present = true;
		row[SCHEMA_COL_DOMAIN].u.str.ptr = "example.org";
		row[SCHEMA_COL_DOMAIN].u.str.len = 11;
		if (snapshot_writer_append(w, row) != 0)
			exit(1);
	}
	if (snapshot_writer_close(w) != 0)
		exit(1);
}

static void
path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/snap/%s", tmpdir, name);
}

int
main(void)
{
	char p[600], q[600], err[600], **parts = NULL;
	struct snapshot_done *done = NULL;

	log_set_level(LOG_LEVEL_ERR);
	signal(SIGALRM, on_alarm);
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	snprintf(p, sizeof(p), "%s/snap", tmpdir);
	write_part(p, 0, 10);
	/* An outside part with other rows, the target of a symlink. */
	snprintf(q, sizeof(q), "%s/outside", tmpdir);
	write_part(q, 100, 10);

	path_of(p, sizeof(p), "part-00001.parquet");
	tap_ok(mkfifo(p, 0600) == 0, "mkfifo part-00001.parquet");
	path_of(p, sizeof(p), "part-00002.parquet");
	snprintf(q, sizeof(q), "%s/outside/part-00000.parquet", tmpdir);
	tap_ok(symlink(q, p) == 0, "symlink part-00002.parquet");
	path_of(p, sizeof(p), "part-00003.parquet");
	tap_ok(mkdir(p, 0700) == 0, "directory part-00003.parquet");
	path_of(p, sizeof(p), "part-00004.parquet");
	bool dev = mknod(p, S_IFCHR | 0600, makedev(1, 3)) == 0;
	if (!dev)
		tap_diag("no device node (%s): that case is not checked",
		    strerror(errno));
	/* A regular file numbered past SNAPSHOT_PART_MAX. */
	char nm[64];
	snprintf(nm, sizeof(nm), "part-%ld.parquet", SNAPSHOT_PART_MAX + 1);
	path_of(p, sizeof(p), nm);
	snprintf(q, sizeof(q), "%s/outside/part-00000.parquet", tmpdir);
	tap_ok(link(q, p) == 0, "hard link part-%ld.parquet",
	    SNAPSHOT_PART_MAX + 1);
	tap_ok(!snapshot_is_part_name(strrchr(p, '/') + 1),
	    "a number past SNAPSHOT_PART_MAX is not a part name");
	snprintf(nm, sizeof(nm), "part-%ld.parquet", SNAPSHOT_PART_MAX);
	tap_ok(snapshot_is_part_name(nm), "SNAPSHOT_PART_MAX is a part name");

	alarm(HANG_SECONDS);
	snprintf(p, sizeof(p), "%s/snap", tmpdir);
	int n = snapshot_parts_list(p, &parts, err, sizeof(err));
	tap_eq_i64(n, 1, "only the regular part is listed");
	if (n >= 1)
		tap_ok(strstr(parts[0], "/part-00000.parquet") != NULL,
		    "listed: %s", parts[0]);
	snapshot_parts_free(parts);

	int rc = snapshot_done_load(p, &done, err, sizeof(err));
	tap_ok(rc == 0, "resume loads the done set without blocking%s%s",
	    rc ? ": " : "", rc ? err : "");
	if (done) {
		tap_eq_i64((int64_t)snapshot_done_count(done), 10,
		    "done set holds the regular part's rows only");
		tap_ok(!snapshot_done_has(done, 100),
		    "rows of the symlinked part are not taken");
	}
	snapshot_done_free(done);

	/* The reader itself, given a FIFO or a directory by path. */
	path_of(p, sizeof(p), "part-00001.parquet");
	struct parquet_reader *r = parquet_reader_open(p, err, sizeof(err));
	tap_ok(r == NULL && strstr(err, "not a regular file"),
	    "opening the FIFO fails at once: %s", r ? "(opened)" : err);
	parquet_reader_free(r);
	if (dev) {
		path_of(p, sizeof(p), "part-00004.parquet");
		r = parquet_reader_open(p, err, sizeof(err));
		tap_ok(r == NULL && strstr(err, "not a regular file"),
		    "opening the device fails: %s", r ? "(opened)" : err);
		parquet_reader_free(r);
	}
	alarm(0);

	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
