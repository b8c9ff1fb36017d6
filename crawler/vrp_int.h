/*
 * vrp_int.h - the VRP set's insides, shared by vrp.c and the format files
 * (vrp_json.c, vrp_csv.c, vrp_rtr.c).  Not for other modules.
 */
#ifndef UPTAKE_CRAWLER_VRP_INT_H
#define UPTAKE_CRAWLER_VRP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vrp.h"

struct lpm;

#define VRP_TA_NONE 0xfffe	/* no trust anchor given */
#define VRP_TA_OTHER 0xffff	/* past VRP_MAX_TA names */

struct vrp_set {
	char *source;
	enum vrp_format format;
	time_t time;
	struct lpm *t[2];	/* by enum lpm_af */
	char *ta[VRP_MAX_TA];
	size_t nta;
	struct vrp_stats stats;
};

/* Parse an AS number: "AS64496", "as64496" or "64496" (0..4294967295).
 * Returns 0 or -1. */
int vrp_asn_parse(const char *s, size_t len, uint32_t *out);
/* Parse "YYYY-MM-DDTHH:MM:SSZ" into *out.  Returns 0 or -1. */
int vrp_time_parse(const char *s, size_t len, time_t *out);

/* Count a bad entry at line; keep and log the first ones. */
void vrp_bad(struct vrp_set *v, const struct vrp_options *o, uint64_t line,
	const char *why);

#endif
