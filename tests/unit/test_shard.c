/*
 * test_shard.c - sharding: SipHash-2-4 against the paper's vectors, the
 * shard hash pinned (it must never change), K/N parsing, SLURM and
 * Kubernetes environments, and exact coverage: over 100,000 names every
 * name is owned by exactly one of N shards, with balanced slices.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "shard.h"
#include "tap.h"

static void
test_siphash(void)
{
	/* Aumasson and Bernstein, SipHash, appendix A and vectors.h: key
	 * 00..0f, message 00..n-1. */
	static const struct {
		size_t n;
		uint64_t want;
	} v[] = {
		{ 0, UINT64_C(0x726fdb47dd0e0e31) },
		{ 1, UINT64_C(0x74f839c593dc67fd) },
		{ 8, UINT64_C(0x93f5f5799a932462) },
		{ 15, UINT64_C(0xa129ca6149be45e5) },
		{ 16, UINT64_C(0x3f2acc7f57c29bdb) },
	};
	uint8_t key[16], msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t h = hash_siphash24(key, msg, v[i].n);

		if (!tap_ok(h == v[i].want, "SipHash-2-4 vector, %zu bytes",
		    v[i].n))
			tap_diag("  got %016" PRIx64, h);
	}
}

/*
 * Pinned: these values are the contract of --shard.  If this test fails
 * the hash changed, and shards of one crawl run by different versions
 * would no longer split the list exactly.  Do not "fix" the numbers.  They
 * were cross-checked with an independent Python SipHash (docs/lists.md).
 */
static void
test_pinned(void)
{
	static const struct {
		const char *domain;
		uint64_t hash;
		unsigned shard_of_16;
	} pin[] = {
		{ "example.com", UINT64_C(0x888790a02c18499a), 10 },
		{ "google.com", UINT64_C(0xef3cbdad9e4139f7), 7 },
		{ "xn--bcher-kva.de", UINT64_C(0x05b4f87a5c31b098), 8 },
		{ "a.b.c.d.example.org", UINT64_C(0x1abfe9b9b4b23f14), 4 },
		{ "gov.uk", UINT64_C(0x05dad6202cb9673d), 13 },
	};

	for (size_t i = 0; i < sizeof(pin) / sizeof(pin[0]); i++) {
		uint64_t h = shard_hash(pin[i].domain);
		struct shard s = { pin[i].shard_of_16, 16, "test" };

		if (!tap_ok(h == pin[i].hash, "pinned hash of %s",
		    pin[i].domain))
			tap_diag("  got UINT64_C(0x%016" PRIx64 "), shard %u of "
			    "16", h, (unsigned)(h % 16));
		tap_ok(shard_owns(&s, pin[i].domain), "  shard %u/16 owns it",
		    pin[i].shard_of_16);
	}
}

static void
test_parse(void)
{
	struct shard s;
	char err[256], buf[32];
	static const char *const bad[] = { "", "3", "1/", "/4", "4/4", "5/4",
		"0/0", "-1/4", "1/4x", "a/b", "0/1000001", "1 /4" };

	tap_ok(shard_parse("0/4", &s, err, sizeof(err)) == 0 &&
	    s.index == 0 && s.count == 4, "0/4");
	tap_ok(shard_parse("3/4", &s, err, sizeof(err)) == 0 &&
	    s.index == 3, "3/4");
	tap_ok(shard_parse("0/1", &s, err, sizeof(err)) == 0, "0/1");
	shard_format(&s, buf, sizeof(buf));
	tap_eq_str(buf, "0/1", "format");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(shard_parse(bad[i], &s, err, sizeof(err)) < 0 &&
		    strstr(err, "--shard") != NULL, "'%s' refused: %s",
		    bad[i], err);
	shard_parse("4/4", &s, err, sizeof(err));
	tap_ok(strstr(err, "0..3") && strstr(err, "from 0"),
	    "K = N explains 0-based: %s", err);
}

static void
test_env(void)
{
	struct shard s;
	struct shard_env env;
	char err[512];
	int rc;

#define RESET() memset(&env, 0, sizeof(env))
	RESET();
	tap_eq_i64(shard_configure(NULL, NULL, &env, &s, err, sizeof(err)), 0,
	    "nothing set: no sharding");
	tap_eq_i64(shard_configure(NULL, NULL, NULL, &s, err, sizeof(err)), 0,
	    "NULL env: no sharding");

	/* --array=0-9 */
	env.slurm_task_id = "3";
	env.slurm_task_count = "10";
	env.slurm_task_min = "0";
	env.slurm_task_max = "9";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 3 && s.count == 10 &&
	    strcmp(s.source, "SLURM_ARRAY_TASK_ID") == 0, "SLURM 0-based");
	/* --array=1-10: task 1 is shard 0, task 10 is shard 9. */
	env.slurm_task_min = "1";
	env.slurm_task_max = "10";
	env.slurm_task_id = "1";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 0 && s.count == 10, "SLURM 1-based: "
	    "first task");
	env.slurm_task_id = "10";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 9, "SLURM 1-based: last task");
	/* --array=0-30:10 -> 0, 10, 20, 30 */
	RESET();
	env.slurm_task_id = "20";
	env.slurm_task_count = "4";
	env.slurm_task_min = "0";
	env.slurm_task_max = "30";
	env.slurm_task_step = "10";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 2 && s.count == 4, "SLURM with a step");
	/* --array=1,5,6: not a range */
	RESET();
	env.slurm_task_id = "5";
	env.slurm_task_count = "3";
	env.slurm_task_min = "1";
	env.slurm_task_max = "6";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc < 0 && strstr(err, "--shard K/N"), "SLURM index list "
	    "refused: %s", err);
	/* Old SLURM: no COUNT, MIN/MAX give it. */
	RESET();
	env.slurm_task_id = "2";
	env.slurm_task_min = "0";
	env.slurm_task_max = "4";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 2 && s.count == 5, "SLURM without COUNT");
	/* Only the ID. */
	RESET();
	env.slurm_task_id = "2";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc < 0 && strstr(err, "UPTAKE_SHARD_COUNT"), "SLURM ID alone: "
	    "%s", err);
	env.shard_count = "8";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 2 && s.count == 8,
	    "SLURM ID with UPTAKE_SHARD_COUNT");
	rc = shard_configure(NULL, "4", &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.count == 4, "--shard-count wins over the env");
	env.slurm_task_id = "9";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc < 0 && strstr(err, "only 8 shards"), "index past the "
	    "count: %s", err);
	env.slurm_task_id = "x";
	tap_ok(shard_configure(NULL, NULL, &env, &s, err, sizeof(err)) < 0 &&
	    strstr(err, "SLURM_ARRAY_TASK_ID=x"), "bad SLURM id: %s", err);

	/* Kubernetes Indexed Job. */
	RESET();
	env.job_completion_index = "0";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc < 0 && strstr(err, ".spec.completions"), "K8s without a "
	    "count: %s", err);
	env.shard_count = "5";
	env.job_completion_index = "4";
	rc = shard_configure(NULL, NULL, &env, &s, err, sizeof(err));
	tap_ok(rc == 1 && s.index == 4 && s.count == 5 &&
	    strcmp(s.source, "JOB_COMPLETION_INDEX") == 0, "K8s index 4 of 5");
	env.job_completion_index = "5";
	tap_ok(shard_configure(NULL, NULL, &env, &s, err, sizeof(err)) < 0,
	    "K8s index out of range: %s", err);
	env.shard_count = "0";
	env.job_completion_index = "0";
	tap_ok(shard_configure(NULL, NULL, &env, &s, err, sizeof(err)) < 0 &&
	    strstr(err, "UPTAKE_SHARD_COUNT=0"), "count 0 refused: %s", err);

	/* Conflicts. */
	RESET();
	env.job_completion_index = "1";
	env.slurm_task_id = "1";
	tap_ok(shard_configure(NULL, NULL, &env, &s, err, sizeof(err)) < 0 &&
	    strstr(err, "both"), "SLURM and K8s at once: %s", err);
	tap_ok(shard_configure("1/2", NULL, &env, &s, err, sizeof(err)) == 1 &&
	    s.index == 1 && s.count == 2 && strcmp(s.source, "--shard") == 0,
	    "--shard wins over the environment");
	tap_ok(shard_configure("1/2", "4", &env, &s, err, sizeof(err)) < 0,
	    "--shard with --shard-count refused: %s", err);
	RESET();
	tap_ok(shard_configure(NULL, "4", &env, &s, err, sizeof(err)) < 0,
	    "--shard-count without an index refused: %s", err);
#undef RESET
	{
		struct shard *p = shard_from_config("2/3", err, sizeof(err));

		tap_ok(p != NULL && p->index == 2 && p->count == 3,
		    "shard_from_config with --shard");
		shard_free(p);
		p = shard_from_config("9/3", err, sizeof(err));
		tap_ok(p == NULL && err[0] != '\0', "shard_from_config error");
		shard_free(NULL);
	}
}

/* Every name owned by exactly one shard; slices balanced. */
static void
test_coverage(void)
{
	static const unsigned ns[] = { 1, 2, 3, 7, 16, 100 };
	const unsigned names = 100000;
	char (*dom)[40] = malloc((size_t)names * sizeof(*dom));
	unsigned *owners = calloc(names, sizeof(*owners));

	for (unsigned i = 0; i < names; i++)
		snprintf(dom[i], sizeof(dom[i]), "%s%u.%s", i % 5 ? "site" :
		    "www.shop", i, i % 3 ? "example" : "co.uk");
	for (size_t t = 0; t < sizeof(ns) / sizeof(ns[0]); t++) {
		unsigned n = ns[t], min = names, max = 0;
		bool exact = true;

		memset(owners, 0, names * sizeof(*owners));
		for (unsigned k = 0; k < n; k++) {
			struct shard s = { k, n, "test" };
			unsigned got = 0;

			for (unsigned i = 0; i < names; i++) {
				if (shard_owns(&s, dom[i])) {
					owners[i]++;
					got++;
				}
			}
			if (got < min)
				min = got;
			if (got > max)
				max = got;
		}
		for (unsigned i = 0; i < names; i++)
			if (owners[i] != 1)
				exact = false;
		tap_ok(exact, "N=%u: every name owned by exactly one shard", n);
		{
			/*
			 * Each slice is about Binomial(names, 1/N): within 5%
			 * of the mean, or 5 standard deviations where 5% is
			 * less than that (N=100: 1,000 names a slice).
			 */
			double mean = (double)names / n;
			double sd = sqrt(mean * (1 - 1.0 / n));
			double tol = 0.05 * mean > 5 * sd ? 0.05 * mean : 5 * sd;
			double dev = max - mean > mean - min ? max - mean :
			    mean - min;

			tap_ok(dev <= tol, "N=%u: slices %u..%u, worst %.1f%% "
			    "off the mean (limit %.1f%%)", n, min, max,
			    100 * dev / mean, 100 * tol / mean);
		}
	}
	tap_ok(shard_owns(NULL, "anything.example"), "no shard owns all");
	free(dom);
	free(owners);
}

int
main(void)
{
	test_siphash();
	test_pinned();
	test_parse();
	test_env();
	test_coverage();
	return tap_done();
}
