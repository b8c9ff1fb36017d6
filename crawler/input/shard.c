/*
 * shard.c - deterministic hash slices of the input list (shard.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "shard.h"
#include "util.h"

/* "uptake.shard.v1.": fixed forever (shard.h). */
static const uint8_t shard_key[HASH_KEY_LEN] = {
	'u', 'p', 't', 'a', 'k', 'e', '.', 's',
	'h', 'a', 'r', 'd', '.', 'v', '1', '.',
};

/* Largest SLURM array index we accept (SLURM's MaxArraySize is 4M). */
#define SHARD_MAX_TASK_ID UINT32_MAX

void
shard_env_get(struct shard_env *env)
{
	env->slurm_task_id = getenv("SLURM_ARRAY_TASK_ID");
	env->slurm_task_count = getenv("SLURM_ARRAY_TASK_COUNT");
	env->slurm_task_min = getenv("SLURM_ARRAY_TASK_MIN");
	env->slurm_task_max = getenv("SLURM_ARRAY_TASK_MAX");
	env->slurm_task_step = getenv("SLURM_ARRAY_TASK_STEP");
	env->job_completion_index = getenv("JOB_COMPLETION_INDEX");
	env->shard_count = getenv("UPTAKE_SHARD_COUNT");
}

static int
num(const char *s, uint64_t max, uint64_t *out)
{
	if (s == NULL)
		return -1;
	return parse_u64(s, strlen(s), max, out);
}

int
shard_parse(const char *spec, struct shard *out, char *err, size_t errlen)
{
	const char *slash = spec != NULL ? strchr(spec, '/') : NULL;
	uint64_t k, n;

	if (slash == NULL ||
	    parse_u64(spec, (size_t)(slash - spec), UINT32_MAX, &k) < 0 ||
	    num(slash + 1, UINT32_MAX, &n) < 0) {
		snprintf(err, errlen, "--shard %s: expected K/N, e.g. 0/4 "
		    "(shards are numbered from 0)", spec ? spec : "");
		return -1;
	}
	if (n < 1 || n > SHARD_MAX_COUNT) {
		snprintf(err, errlen, "--shard %s: N must be 1..%d", spec,
		    SHARD_MAX_COUNT);
		return -1;
	}
	if (k >= n) {
		snprintf(err, errlen, "--shard %s: K must be 0..%llu (shards "
		    "are numbered from 0)", spec, (unsigned long long)n - 1);
		return -1;
	}
	out->index = (uint32_t)k;
	out->count = (uint32_t)n;
	out->source = "--shard";
	return 0;
}

/* N from --shard-count, else UPTAKE_SHARD_COUNT, else fallback (may be
 * NULL).  Returns 0 with *n, 1 when none is given, -1 on a bad value. */
static int
shard_count(const char *count, const struct shard_env *env,
    const char *fallback, const char *fallback_name, uint64_t *n,
    char *err, size_t errlen)
{
	const char *v = count, *name = "--shard-count";

	if (v == NULL) {
		v = env->shard_count;
		name = "UPTAKE_SHARD_COUNT";
	}
	if (v == NULL) {
		v = fallback;
		name = fallback_name;
	}
	if (v == NULL)
		return 1;
	if (num(v, SHARD_MAX_COUNT, n) < 0 || *n < 1) {
		snprintf(err, errlen, "%s=%s: expected a shard count 1..%d",
		    name, v, SHARD_MAX_COUNT);
		return -1;
	}
	return 0;
}

static int
from_slurm(const char *count, const struct shard_env *env, struct shard *out,
    char *err, size_t errlen)
{
	uint64_t id, min = 0, step = 1, max = 0, n, k;
	int rc;

	if (num(env->slurm_task_id, SHARD_MAX_TASK_ID, &id) < 0) {
		snprintf(err, errlen, "SLURM_ARRAY_TASK_ID=%s: not an array "
		    "index", env->slurm_task_id);
		return -1;
	}
	if (env->slurm_task_min != NULL &&
	    num(env->slurm_task_min, SHARD_MAX_TASK_ID, &min) < 0) {
		snprintf(err, errlen, "SLURM_ARRAY_TASK_MIN=%s: not an array "
		    "index", env->slurm_task_min);
		return -1;
	}
	if (env->slurm_task_step != NULL &&
	    (num(env->slurm_task_step, SHARD_MAX_TASK_ID, &step) < 0 ||
	    step == 0)) {
		snprintf(err, errlen, "SLURM_ARRAY_TASK_STEP=%s: not a step",
		    env->slurm_task_step);
		return -1;
	}
	if (id < min || (id - min) % step != 0) {
		snprintf(err, errlen, "SLURM_ARRAY_TASK_ID=%llu is not in the "
		    "array %llu, %llu+%llu, ...: pass --shard K/N",
		    (unsigned long long)id, (unsigned long long)min,
		    (unsigned long long)min, (unsigned long long)step);
		return -1;
	}
	k = (id - min) / step;
	/* A range min..max:step has (max - min) / step + 1 tasks. */
	if (env->slurm_task_max != NULL) {
		uint64_t tasks;

		if (num(env->slurm_task_max, SHARD_MAX_TASK_ID, &max) < 0 ||
		    max < min) {
			snprintf(err, errlen, "SLURM_ARRAY_TASK_MAX=%s: not an "
			    "array index above SLURM_ARRAY_TASK_MIN",
			    env->slurm_task_max);
			return -1;
		}
		tasks = (max - min) / step + 1;
		if (env->slurm_task_count != NULL &&
		    (num(env->slurm_task_count, SHARD_MAX_TASK_ID, &n) < 0 ||
		    n != tasks || (max - min) % step != 0)) {
			snprintf(err, errlen, "SLURM array %s-%s:%s with %s "
			    "tasks is not a range of consecutive indices "
			    "(e.g. --array=1,5,6): use --array=0-N-1 or "
			    "pass --shard K/N", env->slurm_task_min ?
			    env->slurm_task_min : "0", env->slurm_task_max,
			    env->slurm_task_step ? env->slurm_task_step : "1",
			    env->slurm_task_count);
			return -1;
		}
	}
	rc = shard_count(count, env, env->slurm_task_count,
	    "SLURM_ARRAY_TASK_COUNT", &n, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (env->slurm_task_max == NULL) {
			snprintf(err, errlen, "SLURM_ARRAY_TASK_ID is set but "
			    "not SLURM_ARRAY_TASK_COUNT: set "
			    "UPTAKE_SHARD_COUNT or pass --shard K/N");
			return -1;
		}
		n = (max - min) / step + 1;
	}
	if (n > SHARD_MAX_COUNT || k >= n) {
		snprintf(err, errlen, "SLURM_ARRAY_TASK_ID=%llu is shard %llu, "
		    "but there are only %llu shards (array from %llu, step "
		    "%llu)", (unsigned long long)id, (unsigned long long)k,
		    (unsigned long long)n, (unsigned long long)min,
		    (unsigned long long)step);
		return -1;
	}
	out->index = (uint32_t)k;
	out->count = (uint32_t)n;
	out->source = "SLURM_ARRAY_TASK_ID";
	return 1;
}

static int
from_k8s(const char *count, const struct shard_env *env, struct shard *out,
    char *err, size_t errlen)
{
	uint64_t k, n;
	int rc;

	if (num(env->job_completion_index, UINT32_MAX, &k) < 0) {
		snprintf(err, errlen, "JOB_COMPLETION_INDEX=%s: not an index",
		    env->job_completion_index);
		return -1;
	}
	rc = shard_count(count, env, NULL, NULL, &n, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(err, errlen, "JOB_COMPLETION_INDEX is set but the "
		    "shard count is not: set UPTAKE_SHARD_COUNT (or pass "
		    "--shard-count) to the Job's .spec.completions");
		return -1;
	}
	if (k >= n) {
		snprintf(err, errlen, "JOB_COMPLETION_INDEX=%llu: must be "
		    "0..%llu for %llu shards", (unsigned long long)k,
		    (unsigned long long)n - 1, (unsigned long long)n);
		return -1;
	}
	out->index = (uint32_t)k;
	out->count = (uint32_t)n;
	out->source = "JOB_COMPLETION_INDEX";
	return 1;
}

int
shard_configure(const char *arg, const char *count,
    const struct shard_env *env, struct shard *out, char *err, size_t errlen)
{
	static const struct shard_env none;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (env == NULL)
		env = &none;
	if (arg != NULL) {
		if (count != NULL) {
			snprintf(err, errlen, "--shard-count goes with an "
			    "index from SLURM or Kubernetes, not with --shard "
			    "K/N");
			return -1;
		}
		return shard_parse(arg, out, err, errlen) < 0 ? -1 : 1;
	}
	if (env->slurm_task_id != NULL && env->job_completion_index != NULL) {
		snprintf(err, errlen, "both SLURM_ARRAY_TASK_ID and "
		    "JOB_COMPLETION_INDEX are set: pass --shard K/N");
		return -1;
	}
	if (env->slurm_task_id != NULL)
		return from_slurm(count, env, out, err, errlen);
	if (env->job_completion_index != NULL)
		return from_k8s(count, env, out, err, errlen);
	if (count != NULL) {
		snprintf(err, errlen, "--shard-count %s without a shard index "
		    "(SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)", count);
		return -1;
	}
	return 0;
}

struct shard *
shard_from_config(const char *arg, char *err, size_t errlen)
{
	struct shard_env env;
	struct shard s, *out;

	shard_env_get(&env);
	if (shard_configure(arg, NULL, &env, &s, err, errlen) <= 0)
		return NULL;
	out = xmalloc(sizeof(*out));
	*out = s;
	return out;
}

void
shard_free(struct shard *s)
{
	free(s);
}

uint64_t
shard_hash(const char *domain)
{
	return hash_siphash24(shard_key, domain, strlen(domain));
}

bool
shard_owns(const struct shard *s, const char *domain)
{
	if (s == NULL || s->count <= 1)
		return true;
	return shard_hash(domain) % s->count == s->index;
}

void
shard_format(const struct shard *s, char *buf, size_t len)
{
	snprintf(buf, len, "%u/%u", (unsigned)s->index, (unsigned)s->count);
}
