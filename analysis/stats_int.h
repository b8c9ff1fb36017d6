/*
 * stats_int.h - internals shared by the stats_*.c files: a string-keyed
 * hash map with its keys in an arena (group labels, meta domains).
 */
#ifndef UPTAKE_ANALYSIS_STATS_INT_H
#define UPTAKE_ANALYSIS_STATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct stats_strmap;

struct stats_strmap *stats_strmap_new(void);
void stats_strmap_free(struct stats_strmap *m);

/* Value slot of key[0..len), or NULL when absent. */
uint32_t *stats_strmap_get(const struct stats_strmap *m, const void *key,
	size_t len);

/*
 * Value slot of key, inserted (value 0) when absent; *inserted says
 * which.  The slot stays valid until the next insertion.
 */
uint32_t *stats_strmap_put(struct stats_strmap *m, const void *key,
	size_t len, bool *inserted);

/* A zeroed group with its count array. */
void stats_group_init(struct stats_group *g, size_t nkeys);
/* Free the groups of an embedded table. */
void stats_table_fini(struct stats_table *t);

#endif
