/*
 * test_snapshot.c - snapshot directories: parts written atomically,
 * resume from the input_index of existing parts, no input_index twice,
 * temporary files of dead writers ignored and removed, a corrupt part
 * reported by name while the others still read, and a crawl-like writer
 * killed with SIGKILL at random moments many times.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "schema.h"
#include "snapshot.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/test_snapshot.XXXXXX";

static const char *const statuses[] = { "ok", "nxdomain", "servfail",
	"timeout" };

/* A schema v1 row for input i; strings live in buf (>= 128 bytes). */
static void
make_row(int64_t i, struct schema_value *row, char *buf)
{
	memset(row, 0, SCHEMA_COL_COUNT * sizeof(*row));
	int n = snprintf(buf, 128, "d%lld.example", (long long)i);
	row[SCHEMA_COL_INPUT_INDEX].present = true;
	row[SCHEMA_COL_INPUT_INDEX].u.i64 = i;
	row[SCHEMA_COL_DOMAIN].present = true;
	row[SCHEMA_COL_DOMAIN].u.str.ptr = buf;
	row[SCHEMA_COL_DOMAIN].u.str.len = (size_t)n;
	row[SCHEMA_COL_RANK].present = i % 3 != 0;
	row[SCHEMA_COL_RANK].u.i64 = i + 1;
	row[SCHEMA_COL_DNS_STATUS].present = true;
	row[SCHEMA_COL_DNS_STATUS].u.str.ptr = statuses[i % 4];
	row[SCHEMA_COL_DNS_STATUS].u.str.len = strlen(statuses[i % 4]);
	row[SCHEMA_COL_NS_COUNT].present = i % 4 == 0;
	row[SCHEMA_COL_NS_COUNT].u.i32 = (int32_t)(i % 5);
	row[SCHEMA_COL_HSTS].present = i % 2 == 0;
	row[SCHEMA_COL_HSTS].u.b = i % 6 == 0;
	row[SCHEMA_COL_CERT_NOT_AFTER].present = i % 5 != 0;
	row[SCHEMA_COL_CERT_NOT_AFTER].u.i64 = 1767225600000000LL + i;
}

static void
small_options(struct snapshot_writer_options *o, uint64_t part_rows)
{
	snapshot_writer_options_default(o);
	o->part_rows = part_rows;
	o->parquet.row_group_rows = 64;
	o->parquet.zstd_level = 1;
}

/*
 * Read every part of dir: every value of every column decodes, the domain
 * matches the input_index, and no input_index appears twice.  Returns the
 * number of rows, or -1.
 */
static int64_t
check_snapshot(const char *dir, struct snapshot_done **out_done)
{
	char err[512], **parts;
	int n = snapshot_parts_list(dir, &parts, err, sizeof(err));
	struct snapshot_done *d = snapshot_done_new();
	int64_t rows = 0;
	char buf[128];

	if (n < 0) {
		tap_diag("%s", err);
		snapshot_done_free(d);
		return -1;
	}
	for (int p = 0; p < n && rows >= 0; p++) {
		struct parquet_reader *r = parquet_reader_open(parts[p], err,
		    sizeof(err));
		if (r == NULL) {
			tap_diag("torn or bad part: %s", err);
			rows = -1;
			break;
		}
		for (size_t g = 0; g < parquet_reader_row_group_count(r); g++) {
			struct parquet_column_data c[SCHEMA_COL_COUNT];
			memset(c, 0, sizeof(c));
			for (size_t k = 0; k < SCHEMA_COL_COUNT; k++)
				if (parquet_reader_read_column(r, g, k, &c[k]) < 0) {
					tap_diag("%s", parquet_reader_error(r));
					rows = -1;
				}
			for (size_t k = 0; rows >= 0 && k < c[0].nrows; k++) {
				int64_t ix = c[SCHEMA_COL_INPUT_INDEX].i64[k];
				int len = snprintf(buf, sizeof(buf),
				    "d%lld.example", (long long)ix);
				if (c[SCHEMA_COL_DOMAIN].str_len[k] != (uint32_t)len ||
				    memcmp(c[SCHEMA_COL_DOMAIN].str[k], buf,
				    (size_t)len) != 0) {
					tap_diag("%s: row of input_index %lld has the wrong domain",
					    parts[p], (long long)ix);
					rows = -1;
				} else if (!snapshot_done_add(d, ix)) {
					tap_diag("%s: input_index %lld twice",
					    parts[p], (long long)ix);
					rows = -1;
				} else
					rows++;
			}
			for (size_t k = 0; k < SCHEMA_COL_COUNT; k++)
				parquet_column_data_fini(&c[k]);
		}
		parquet_reader_free(r);
	}
	snapshot_parts_free(parts);
	if (out_done && rows >= 0)
		*out_done = d;
	else
		snapshot_done_free(d);
	return rows;
}

/* The crawl-like loop: resume, append what is not done, close. */
static int
crawl(const char *dir, int64_t n, uint64_t part_rows)
{
	struct snapshot_writer_options o;
	struct schema_value row[SCHEMA_COL_COUNT];
	char err[512], buf[128];
	struct snapshot_writer *w;

	small_options(&o, part_rows);
	w = snapshot_writer_open(dir, &o, err, sizeof(err));
	if (w == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_LIST_NAME, "test");
	for (int64_t i = 0; i < n; i++) {
		if (snapshot_writer_is_done(w, i))
			continue;
		make_row(i, row, buf);
		if (snapshot_writer_append(w, row) < 0) {
			snapshot_writer_free(w);
			return -1;
		}
	}
	return snapshot_writer_close(w);
}

static void
test_basic(void)
{
	char dir[300], err[512], buf[128], **parts;
	struct schema_value row[SCHEMA_COL_COUNT];
	struct snapshot_writer_options o;
	struct snapshot_done *d = NULL;

	snprintf(dir, sizeof(dir), "%s/basic", tmpdir);
	tap_ok(crawl(dir, 3500, 1000) == 0, "write 3500 rows");
	tap_eq_i64(snapshot_parts_list(dir, &parts, err, sizeof(err)), 4,
	    "4 parts of 1000");
	snapshot_parts_free(parts);
	tap_eq_i64(check_snapshot(dir, NULL), 3500, "all rows read back");
	tap_ok(snapshot_done_load(dir, &d, err, sizeof(err)) == 0 &&
	    snapshot_done_count(d) == 3500, "done set holds 3500");
	snapshot_done_free(d);

	small_options(&o, 1000);
	struct snapshot_writer *w = snapshot_writer_open(dir, &o, err,
	    sizeof(err));
	tap_ok(w != NULL, "reopen");
	make_row(17, row, buf);
	tap_eq_i64(snapshot_writer_append(w, row), -EEXIST,
	    "input_index of an earlier part refused");
	make_row(5000, row, buf);
	tap_eq_i64(snapshot_writer_append(w, row), 0, "new input_index");
	tap_eq_i64(snapshot_writer_append(w, row), -EEXIST,
	    "same input_index twice refused");
	row[SCHEMA_COL_DOMAIN].present = false;
	row[SCHEMA_COL_INPUT_INDEX].u.i64 = 5001;
	tap_eq_i64(snapshot_writer_append(w, row), -EINVAL,
	    "null domain refused");
	tap_ok(snapshot_writer_close(w) == 0, "close");
	tap_eq_i64(check_snapshot(dir, NULL), 3501, "3501 rows");
	tap_eq_i64(snapshot_parts_list(dir, &parts, err, sizeof(err)), 5,
	    "5 parts");
	tap_ok(strstr(parts[4], "part-00004.parquet") != NULL,
	    "new part numbered after the old: %s", parts[4]);
	struct parquet_reader *r = parquet_reader_open(parts[4], err,
	    sizeof(err));
	const char *sv = r ? parquet_reader_kv_get(r,
	    SNAPSHOT_KEY_SCHEMA_VERSION) : NULL;
	char want_sv[16];

	snprintf(want_sv, sizeof(want_sv), "%d", SCHEMA_VERSION);
	tap_ok(sv && strcmp(sv, want_sv) == 0, "schema version in metadata: "
	    "%s", sv ? sv : "(none)");
	parquet_reader_free(r);
	snapshot_parts_free(parts);

	/* An empty crawl still yields a readable part with the schema. */
	snprintf(dir, sizeof(dir), "%s/empty", tmpdir);
	tap_ok(crawl(dir, 0, 1000) == 0, "empty crawl");
	tap_eq_i64(snapshot_parts_list(dir, &parts, err, sizeof(err)), 1,
	    "one empty part");
	snapshot_parts_free(parts);
	tap_eq_i64(check_snapshot(dir, NULL), 0, "it reads, 0 rows");
}

static void
test_temps_and_corruption(void)
{
	char dir[300], path[1024], err[512], **parts;
	pid_t pid;
	int fd;

	snprintf(dir, sizeof(dir), "%s/temps", tmpdir);
	tap_ok(crawl(dir, 2000, 500) == 0, "write 4 parts");

	/* A temporary file of a dead writer on this host. */
	char host[256];
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = 0;
	for (char *p = host; *p; p++)
		if (*p == '/' || *p == '-')
			*p = '_';
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	snprintf(path, sizeof(path), "%s/.tmp-part-%s-%ld-abcdef", dir, host,
	    (long)pid);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (write(fd, "PAR1 torn", 9) < 0)
		tap_diag("write");
	close(fd);
	/* And a live one: ours, locked. */
	snprintf(path, sizeof(path), "%s/.tmp-part-%s-%ld-live00", dir, host,
	    (long)getpid());
	int live = open(path, O_WRONLY | O_CREAT, 0644);
	tap_ok(live >= 0 && flock(live, LOCK_EX) == 0, "live temp locked");
	tap_eq_i64(snapshot_parts_list(dir, &parts, err, sizeof(err)), 4,
	    "readers ignore temporary files");
	snapshot_parts_free(parts);
	tap_eq_i64(check_snapshot(dir, NULL), 2000, "rows intact");
	tap_ok(crawl(dir, 2500, 500) == 0, "resume writes the rest");
	snprintf(path, sizeof(path), "%s/.tmp-part-%s-%ld-abcdef", dir, host,
	    (long)pid);
	tap_ok(access(path, F_OK) != 0, "dead writer's temp removed");
	snprintf(path, sizeof(path), "%s/.tmp-part-%s-%ld-live00", dir, host,
	    (long)getpid());
	tap_ok(access(path, F_OK) == 0, "live writer's temp kept");
	close(live);
	unlink(path);
	tap_eq_i64(check_snapshot(dir, NULL), 2500, "2500 rows");

	/* Damage one part: its name in the error, others still read. */
	snprintf(path, sizeof(path), "%s/part-00001.parquet", dir);
	fd = open(path, O_WRONLY);
	tap_ok(fd >= 0 && ftruncate(fd, 100) == 0, "truncate part 1");
	close(fd);
	struct snapshot_done *d = NULL;
	tap_ok(snapshot_done_load(dir, &d, err, sizeof(err)) < 0 &&
	    strstr(err, "part-00001.parquet") != NULL,
	    "resume refuses a corrupt part by name: %s", err);
	int n = snapshot_parts_list(dir, &parts, err, sizeof(err));
	int good = 0;
	for (int i = 0; i < n; i++) {
		struct parquet_reader *r = parquet_reader_open(parts[i], err,
		    sizeof(err));
		good += r != NULL;
		parquet_reader_free(r);
	}
	tap_eq_i64(good, n - 1, "the other parts still open");
	snapshot_parts_free(parts);
}

static double
now_s(void)
{
	return (double)now_monotonic_us() / 1e6;
}

/*
 * Kill a crawl-like writer at random moments: each run resumes, so the
 * kill time is drawn over the time the remaining rows take.
 */
static void
test_sigkill(void)
{
	char dir[300], scratch[300];
	const int64_t total = 20000;
	const uint64_t part_rows = 250;
	int kills = 0, iterations = 60;
	bool whole = true;
	int64_t last = 0;
	unsigned seed = (unsigned)time(NULL);

	tap_diag("SIGKILL seed %u", seed);
	snprintf(dir, sizeof(dir), "%s/killed", tmpdir);
	snprintf(scratch, sizeof(scratch), "%s/timing", tmpdir);
	double t0 = now_s();
	crawl(scratch, total, part_rows);
	double full = now_s() - t0;
	tap_diag("an uninterrupted crawl of %lld rows takes %.3f s",
	    (long long)total, full);
	int round = 0;
	for (int it = 0; it < iterations; it++) {
		if (last == total) {
			/* The writer got through: start another snapshot. */
			snprintf(dir, sizeof(dir), "%s/killed-%d", tmpdir, ++round);
			last = 0;
		}
		pid_t pid = fork();
		int st = 0;
		if (pid == 0) {
			log_set_level(LOG_LEVEL_ERR);
			_exit(crawl(dir, total, part_rows) == 0 ? 0 : 1);
		}
		seed = seed * 1103515245u + 12345u;
		double left = full * (double)(total - last) / (double)total;
		useconds_t us = (useconds_t)((double)((seed >> 8) % 1000) /
		    1000.0 * (0.7 * left + 0.002) * 1e6);
		usleep(us);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		if (WIFSIGNALED(st))
			kills++;
		int64_t rows = check_snapshot(dir, NULL);
		if (rows < 0 || rows < last) {
			whole = false;
			break;
		}
		last = rows;
	}
	tap_ok(whole, "%d kills mid-crawl: only whole parts, no input_index twice, never fewer rows (%lld of %lld rows done)",
	    kills, (long long)last, (long long)total);
	tap_ok(kills >= iterations / 2, "most kills landed mid-crawl (%d of %d)",
	    kills, iterations);
	tap_ok(crawl(dir, total, part_rows) == 0, "final resume completes");
	struct snapshot_done *d = NULL;
	int64_t rows = check_snapshot(dir, &d);
	bool all = d != NULL;
	for (int64_t i = 0; all && i < total; i++)
		all = snapshot_done_has(d, i);
	tap_ok(rows == total && all, "every input_index exactly once (%lld rows)",
	    (long long)rows);
	snapshot_done_free(d);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	test_basic();
	test_temps_and_corruption();
	test_sigkill();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
	return tap_done();
}
