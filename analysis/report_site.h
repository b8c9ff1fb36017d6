/*
 * report_site.h - uptake-report --site DIR: a static site of the crawls
 * judged by mandate profiles (an index; a page per country, sector,
 * organisation and profile; a scorecard page and CSV per organisation),
 * offline (no script, no external asset, one CSS file of our own).
 *
 * site_data.c gathers the figures (every crawl read with comply_read, the
 * same verdicts as uptake-comply); report_site.c writes the pages.
 */
#ifndef UPTAKE_ANALYSIS_REPORT_SITE_H
#define UPTAKE_ANALYSIS_REPORT_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "comply_read.h"
#include "profile.h"
#include "report.h"
#include "snapshot.h"
#include "stats.h"

/* Longest file-name slug of a label, in bytes (before a "-N" added to
 * tell two labels apart): far over any real country, sector or
 * organisation name's useful part, far under NAME_MAX. */
#define SITE_SLUG_MAX 60
/* Bytes of one column value quoted in "what fails": a long header
 * value (a CSP, a policy) is cut here so that a scorecard stays legible. */
#define SITE_VALUE_MAX 120
/* Deadlines this many days before the first crawl or after the last
 * are not drawn on the profile's chart (listed under it instead): two
 * years keeps a chart over a few crawls readable. */
#define SITE_DEADLINE_SPAN_DAYS 730

struct site_input {
	const char *title;
	const struct report_crawl *crawls;	/* by date, the last is current */
	size_t ncrawls;
	struct profile *const *profiles;
	size_t np;
	const struct exc_list *exc;		/* NULL: none */
	const struct stats_meta *meta;		/* NULL: no sectors, no organisations */
	enum snapshot_dedupe dedupe;
	time_t generated;
};

enum site_kind { SITE_ALL = 0, SITE_COUNTRY, SITE_SECTOR, SITE_ORG,
	SITE_KINDS };

/* Figures of one group, one crawl, one profile. */
struct site_cell {
	uint64_t domains;	/* rows of the group */
	uint64_t n;		/* no requirement not_measured */
	uint64_t k;		/* every requirement pass or explained */
	uint64_t kx;		/* of k: at least one explained */
	uint64_t (*rc)[PROFILE_VERDICT_COUNT];	/* [nreqs]; NULL for orgs */
};

struct site_group {
	enum site_kind kind;
	char *label;
	char *slug;		/* [a-z0-9-]: the page's file name */
	struct site_cell *cell;	/* [ncrawls * np]: crawl c, profile i at c*np+i */
	/* Organisations, latest crawl: their domains (indices into
	 * site_data.d) and their main sector (the most frequent among
	 * its domains; a group index, SIZE_MAX when none). */
	size_t *dom;
	size_t ndom;
	size_t sector_g;
};

/* A domain of an organisation in the latest crawl: its verdicts. */
struct site_dom {
	char *domain;
	size_t org, country_g, sector_g;	/* group indices */
	unsigned char *v;	/* [nr]: enum profile_verdict per requirement */
	char **why;		/* [nr] or NULL: a failure's column values */
	const struct exc_entry **ex;	/* [nr] or NULL: an explained one's exception */
};

struct site_data {
	const struct site_input *in;
	size_t *roff;		/* [np + 1]: profile i's requirements at roff[i] */
	size_t nr;
	struct stats_strmap *ix;	/* kind + label -> group */
	struct site_group *g;	/* after site_gather: by kind, then label
				 * ("unknown" last) */
	size_t ng;
	size_t first[SITE_KINDS + 1];	/* groups of kind k: first[k]..first[k+1] */
	struct site_dom *d;
	size_t nd;
	char (*date)[11];	/* [ncrawls]: each crawl's date for exceptions */
	size_t cur;		/* the crawl being read */
};

/* Read every crawl of in (exits as uptake-comply on unreadable input). */
struct site_data *site_gather(const struct site_input *in);
void site_data_free(struct site_data *sd);

/* The cell of group g, crawl c, profile i. */
const struct site_cell *site_cell_get(const struct site_data *sd,
	const struct site_group *g, size_t c, size_t i);

/*
 * The label as a file-name slug into out (SITE_SLUG_MAX + 1 bytes):
 * ASCII letters (lower-cased) and digits kept, runs of anything else one
 * '-', no '-' at either end, cut at SITE_SLUG_MAX; "x" when nothing is
 * left.  Never '.', '/' or a byte that needs escaping.
 */
void site_slug(const char *label, char *out);

/* Rank of organisation g for profile i in the latest crawl among the
 * organisations of its main sector with n > 0 (1 = best share; ties
 * share a rank), and their number in *of; 0 when g has n = 0. */
size_t site_org_rank(const struct site_data *sd, const struct site_group *g,
	size_t i, size_t *of);

/* Write the site into dir (created if absent).  Returns 0, or -1 with
 * "PATH: problem" in err. */
int site_write(const char *dir, const struct site_data *sd, char *err,
	size_t errlen);

#endif
