/*
 * shard.h - --shard K/N: this process crawls the domains whose hash falls
 * in slice K of N.  Shards are 0-based: K runs 0..N-1.
 *
 * Ownership: shard K of N owns a domain when
 *     SipHash-2-4(key, domain) mod N == K
 * where domain is the normal form (dname.h: lower case, A-labels, no
 * trailing dot) as the list reader yields it, and key is the 16 ASCII
 * bytes "uptake.shard.v1." (hash.h).  The function and key never change
 * between versions (a new one would be "v2" and a new option): shards of
 * one crawl run by different builds still split the list exactly.  Every
 * domain is owned by exactly one shard; input_index is assigned by the
 * list reader before the shard filter, so all shards agree on it.
 *
 * Where K and N come from, first match wins:
 *   1. --shard K/N.
 *   2. SLURM job arrays: SLURM_ARRAY_TASK_ID, with N from --shard-count,
 *      UPTAKE_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT.  Arrays may start
 *      at any index (--array=1-16 is common) and have a step
 *      (--array=0-30:2): K = (TASK_ID - SLURM_ARRAY_TASK_MIN) /
 *      SLURM_ARRAY_TASK_STEP (MIN 0 and STEP 1 when unset).  An array that
 *      is not an arithmetic range (--array=1,5,6), detected from
 *      SLURM_ARRAY_TASK_MAX, is refused: its tasks cannot name the slices.
 *   3. Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (0-based) with N
 *      from --shard-count or UPTAKE_SHARD_COUNT (set it to the Job's
 *      .spec.completions): the Job does not tell its size to the pod.
 * Both 2 and 3 set at once is an error, as is a count with no index.
 */
#ifndef UPTAKE_CRAWLER_SHARD_H
#define UPTAKE_CRAWLER_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most shards: a larger N is a typo, and it keeps K/N in 32 bits. */
#define SHARD_MAX_COUNT 1000000

struct shard {
	uint32_t index;		/* K, 0..count-1 */
	uint32_t count;		/* N >= 1 */
	const char *source;	/* "--shard", "SLURM_ARRAY_TASK_ID", ...;
				   static storage */
};

/* The environment variables the shard comes from; NULL when unset. */
struct shard_env {
	const char *slurm_task_id;	/* SLURM_ARRAY_TASK_ID */
	const char *slurm_task_count;	/* SLURM_ARRAY_TASK_COUNT */
	const char *slurm_task_min;	/* SLURM_ARRAY_TASK_MIN */
	const char *slurm_task_max;	/* SLURM_ARRAY_TASK_MAX */
	const char *slurm_task_step;	/* SLURM_ARRAY_TASK_STEP */
	const char *job_completion_index; /* JOB_COMPLETION_INDEX */
	const char *shard_count;	/* UPTAKE_SHARD_COUNT */
};

/* Fill env from getenv(); the strings are borrowed from the environment. */
void shard_env_get(struct shard_env *env);

/*
 * Parse "K/N".  Returns 0, or -1 with why in err (naming the value).
 */
int shard_parse(const char *spec, struct shard *out, char *err,
	size_t errlen);

/*
 * Decide the shard from --shard (arg, or NULL), --shard-count (count, or
 * NULL) and env.  Pure.  Returns 1 with *out set, 0 when no sharding is
 * asked for, -1 with one line in err naming the flag or variable.
 */
int shard_configure(const char *arg, const char *count,
	const struct shard_env *env, struct shard *out, char *err,
	size_t errlen);

/*
 * shard_configure with the process environment and no --shard-count.
 * Returns an owned shard, or NULL: with err set on error, with err ""
 * when no sharding is asked for.
 */
struct shard *shard_from_config(const char *arg, char *err, size_t errlen)
	__attribute__((warn_unused_result));
void shard_free(struct shard *s);

/* The stable 64-bit hash of a normal-form domain (above). */
uint64_t shard_hash(const char *domain);

/* True if s owns domain (normal form).  A NULL s owns everything. */
bool shard_owns(const struct shard *s, const char *domain);

/* "K/N" into buf. */
void shard_format(const struct shard *s, char *buf, size_t len);

#endif
