/*
 * comply_read.h - reading snapshots for profile verdicts, shared by
 * uptake-comply and uptake-report --site: every part of every snapshot
 * as one crawl (duplicate rows refused or dropped as uptake-stats does),
 * the snapshot's date for exceptions, which requirements each part can
 * measure, and the country label of a row.
 */
#ifndef UPTAKE_ANALYSIS_COMPLY_READ_H
#define UPTAKE_ANALYSIS_COMPLY_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "schema.h"
#include "snapshot_dups.h"
#include "stats.h"

#define COMPLY_MAX_PROFILES 16	/* --profile given more often is a mistake */

struct comply_reader {
	/* Set by the caller. */
	struct profile *const *profiles;
	size_t np;
	bool need_hosting;	/* read hosting_country (country labels) */
	enum snapshot_dedupe dedupe;
	const char *log_tag;	/* "comply", "report": for the dedupe note */
	/* Called for every row kept, in part order; row[SCHEMA_COL_COUNT],
	 * columns not read are not present. */
	void (*row)(void *ctx, const struct comply_reader *cr,
	    const struct schema_value *row);
	void *ctx;
	/* Set while reading: measurable[i][j], requirement j of profile i
	 * on the current part (profile_req_measurable). */
	bool *measurable[COMPLY_MAX_PROFILES];
	/* Set by comply_read: the snapshot's date from the first part with
	 * uptake.validation_time, else uptake.crawl_start ("" when none),
	 * and the key it came from. */
	char date[11];
	const char *date_from;
	uint64_t rows;
};

/*
 * Read every part of paths[0..npaths) (snapshot directories or files)
 * as one crawl, calling cr->row for each row.  Exits (status 1) naming
 * the file when a part cannot be read or rows are duplicated under
 * SNAPSHOT_DEDUPE_REFUSE, as uptake-comply always has.
 */
void comply_read(struct comply_reader *cr, char *const *paths,
	size_t npaths);

/*
 * Country label of a row as uptake-stats gives it: meta_country when
 * non-empty (NULL: the domain is not in --meta), then the domain's
 * ccTLD, then hosting_country, else STATS_LABEL_UNKNOWN.  buf (len
 * bytes) may hold the result.
 */
const char *comply_country_label(const struct schema_value *row,
	const char *meta_country, char *buf, size_t len);

#endif
