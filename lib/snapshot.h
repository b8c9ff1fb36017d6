/*
 * snapshot.h - a snapshot is a directory of Parquet parts,
 * part-NNNNN.parquet, each holding rows of schema v1 (schema.h).
 *
 * A part is written to a hidden temporary file in the same directory
 * (.tmp-part-HOST-PID-XXXXXX), fsync'd, renamed to the first free part
 * name without replacing anything, and the directory is fsync'd: a part
 * exists whole or not at all.  Readers look only at regular files named
 * part-N.parquet (N <= SNAPSHOT_PART_MAX).
 * Writers remove temporary files whose writer is gone.  A restarted crawl
 * loads the input_index column of the existing parts (snapshot_done_*)
 * and skips those rows; the writer refuses an input_index twice.
 */
#ifndef UPTAKE_LIB_SNAPSHOT_H
#define UPTAKE_LIB_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parquet.h"
#include "schema.h"

/*
 * Provenance keys of a part's Parquet key/value metadata.  Times are
 * RFC 3339 UTC ("2025-01-31T12:00:00Z").  The writer sets the first two;
 * the crawler sets the others it knows.  Absent means not known.
 */
#define SNAPSHOT_KEY_SCHEMA_VERSION "uptake.schema_version" /* "1" */
#define SNAPSHOT_KEY_TOOL_VERSION "uptake.tool_version"	    /* "0.1.0" */
#define SNAPSHOT_KEY_CRAWL_START "uptake.crawl_start"
#define SNAPSHOT_KEY_CRAWL_END "uptake.crawl_end"	/* in the final part */
#define SNAPSHOT_KEY_LIST_NAME "uptake.list_name"
#define SNAPSHOT_KEY_LIST_SHA256 "uptake.list_sha256"	/* hex of the list file */
#define SNAPSHOT_KEY_RESOLVER "uptake.resolver"
#define SNAPSHOT_KEY_TRUST_ANCHOR "uptake.trust_anchor" /* file and key tags */
#define SNAPSHOT_KEY_VALIDATION_TIME "uptake.validation_time"
#define SNAPSHOT_KEY_VRP_SOURCE "uptake.vrp_source"
#define SNAPSHOT_KEY_VRP_TIME "uptake.vrp_time"
#define SNAPSHOT_KEY_BGP_SOURCE "uptake.bgp_source"
#define SNAPSHOT_KEY_BGP_TIME "uptake.bgp_time"
#define SNAPSHOT_KEY_GEOIP_SOURCE "uptake.geoip_source"
#define SNAPSHOT_KEY_GEOIP_BUILD "uptake.geoip_build"	/* mmdb build date */
#define SNAPSHOT_KEY_ASN_DB_SOURCE "uptake.asn_db_source"
#define SNAPSHOT_KEY_ASN_DB_BUILD "uptake.asn_db_build"
#define SNAPSHOT_KEY_SHARD "uptake.shard"		/* "K/N"; "0/1" unsharded */
#define SNAPSHOT_KEY_PROBES "uptake.probes"	/* "dns,dnssec,..." run */
#define SNAPSHOT_KEY_COMMAND_LINE "uptake.command_line"

/* Largest input_index a snapshot may hold (bounds the resume bitmap). */
#define SNAPSHOT_MAX_INPUT_INDEX ((int64_t)1 << 32)
/*
 * Largest part number: parts are part-00000.parquet .. part-999999.parquet.
 * One bound shared by the writer (which refuses to publish a part past it
 * rather than write a file the readers ignore) and the readers (which skip
 * a part-N.parquet name beyond it with a warning).  10^6 parts of the
 * default 100,000 rows hold 10^11 rows, far more than any list; the bound
 * keeps part numbers in a long and the directory listing finite.
 */
#define SNAPSHOT_PART_MAX 999999L
/* Parts a snapshot directory may hold (one per part number). */
#define SNAPSHOT_MAX_PARTS (SNAPSHOT_PART_MAX + 1)

/*
 * The parts of path: a directory (its part-N.parquet files in number
 * order) or one file.  In a directory only regular files are parts: a
 * FIFO, device, directory or symlink named like a part, or a part number
 * above SNAPSHOT_PART_MAX, is skipped with a warning (never opened).
 * *parts is a NULL-terminated array of owned paths.  Returns the count,
 * or -1 with "PATH: problem" in err.
 */
int snapshot_parts_list(const char *path, char ***parts, char *err,
	size_t errlen);
void snapshot_parts_free(char **parts);

/* True for a part file name (not a path): part-<digits>.parquet. */
bool snapshot_is_part_name(const char *name);

/* The set of input_index values present in a snapshot. */
struct snapshot_done;

/*
 * Read the input_index column of every part of dir (which may not exist
 * yet: an empty set), page by page (memory bounded by a page, whatever a
 * part claims).  A part that cannot be read is an error (the crawl cannot
 * know what it holds): returns -1 with the part and problem in err.
 */
int snapshot_done_load(const char *dir, struct snapshot_done **out,
	char *err, size_t errlen);
struct snapshot_done *snapshot_done_new(void);
bool snapshot_done_has(const struct snapshot_done *d, int64_t input_index);
/* Add; returns false if it was there already or is out of range. */
bool snapshot_done_add(struct snapshot_done *d, int64_t input_index);
/* Take input_index out of the set (absent or out of range: nothing). */
void snapshot_done_remove(struct snapshot_done *d, int64_t input_index);
uint64_t snapshot_done_count(const struct snapshot_done *d);
void snapshot_done_free(struct snapshot_done *d);

struct snapshot_writer_options {
	uint64_t part_rows;	/* rows per part (>= 1); default 100000 */
	/* This writer's shard K/N; shard_n 0 or 1: unsharded (0/1). */
	unsigned shard_k, shard_n;
	struct parquet_writer_options parquet;
};

void snapshot_writer_options_default(struct snapshot_writer_options *opt);

struct snapshot_writer;

/*
 * Open (creating if needed) snapshot directory dir for appending: takes
 * the writer lock of its shard (snapshot_lock_take), removes temporary
 * files of dead writers and loads the done set of the existing parts.
 * opt may be NULL (unsharded).  Returns NULL with the reason in err (for
 * a held lock: which process holds it).
 */
struct snapshot_writer *snapshot_writer_open(const char *dir,
	const struct snapshot_writer_options *opt, char *err, size_t errlen);

/*
 * One writer per shard of a directory, held until released or until the
 * process ends (however it ends).  Shard k/n (n >= 2) excludes another
 * writer of k/n, any unsharded writer and any writer of a shard of
 * another count; n 0 or 1 (unsharded) excludes every other writer.
 * Returns the lock, or NULL with "... is being written by pid P on host
 * H since T (shard K/N) ..." or the system's reason in err.
 */
struct snapshot_lock;
struct snapshot_lock *snapshot_lock_take(const char *dir, unsigned k,
	unsigned n, char *err, size_t errlen);
void snapshot_lock_release(struct snapshot_lock *l);

/*
 * The provenance keys that a resume must match: every part of the
 * directory must hold this crawl's values of these (absent counts as a
 * value), and its SNAPSHOT_KEY_SHARD must have this crawl's shard count
 * (parts of sibling shards K'/N are of the same crawl; absent is 0/1).
 */
#define SNAPSHOT_RESUME_KEYS { SNAPSHOT_KEY_SCHEMA_VERSION, \
	SNAPSHOT_KEY_LIST_SHA256, SNAPSHOT_KEY_LIST_NAME, SNAPSHOT_KEY_PROBES }

/*
 * Check the existing parts against the provenance set so far (call after
 * the snapshot_writer_kv_set calls, before the first append).  Reads only
 * the parts' footers.  Returns 0, or -1 with "PART: KEY is 'OLD', this
 * crawl's is 'NEW'" (or why a part could not be read) in err.
 */
int snapshot_writer_check_resume(const struct snapshot_writer *w, char *err,
	size_t errlen) __attribute__((warn_unused_result));

/*
 * Why the snapshot cannot be written any more, one line: "FILE: CALL:
 * reason" (write, fsync, rename, ...), or the part-number bound; NULL while
 * all is well.  Once set, every append fails at once (nothing more can be
 * published) and the caller should stop; the parts already published stay.
 */
const char *snapshot_writer_failure(const struct snapshot_writer *w);

/* Provenance for the parts written from now on (copied). */
void snapshot_writer_kv_set(struct snapshot_writer *w, const char *key,
	const char *value);

/* Whether input_index is in the snapshot (an existing part or appended). */
bool snapshot_writer_is_done(const struct snapshot_writer *w,
	int64_t input_index);

/*
 * Append a row of SCHEMA_COL_COUNT values.  Returns 0; -EEXIST when its
 * input_index is already in the snapshot (nothing written); -EINVAL for a
 * bad row; -errno when a part could not be written, now or before
 * (snapshot_writer_failure says why; the current part's rows are dropped
 * from the done set, to be crawled again by a resume).  Writes a part
 * every part_rows rows.
 */
int snapshot_writer_append(struct snapshot_writer *w,
	const struct schema_value *row) __attribute__((warn_unused_result));


/*
 * Finish the current part; if the directory holds no part at all, write
 * an empty one so the snapshot has its schema and provenance.  Returns 0
 * or -errno (snapshot_writer_failure says why).  w stays to be freed.
 */
int snapshot_writer_finish(struct snapshot_writer *w)
	__attribute__((warn_unused_result));

/* snapshot_writer_finish, then free w.  Returns 0 or -errno. */
int snapshot_writer_close(struct snapshot_writer *w)
	__attribute__((warn_unused_result));

/* Abandon the rows of the current part (removes its temporary file);
 * releases the lock.  Accepts NULL. */
void snapshot_writer_free(struct snapshot_writer *w);

#endif
