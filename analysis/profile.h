/*
 * profile.h - mandate profiles (data/profiles/NAME.conf) and the exceptions
 * of "comply or explain": what uptake-comply judges a domain by.
 *
 * A profile is a named, versioned list of requirements; each requirement
 * is a condition over a row's columns in the metric table's language
 * (metrics.h), an optional denominator (the rows where the requirement is
 * measured), and its citation: source document, section and effective
 * date.  The file format is in docs/analysis.md, "Profiles".  Parsers are
 * pure over (buf, len); errors name the file and line.
 *
 * A domain's verdict on a requirement (profile_verdict):
 *   not_measured  a column of the requirement is not in the snapshot part
 *                 (or not in this build's schema: a "pending" column, or
 *                 the requirement is UNMEASURED), or the row is outside
 *                 the denominator (by default: a column the condition
 *                 reads is null);
 *   pass          the condition holds;
 *   explained     it does not, and an exception for the domain and the
 *                 requirement runs until a date on or after the
 *                 snapshot's date;
 *   fail          otherwise.
 */
#ifndef UPTAKE_ANALYSIS_PROFILE_H
#define UPTAKE_ANALYSIS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "schema.h"

/* Bounds of a profile file, far above the shipped ones. */
#define PROFILE_MAX_BYTES (1u << 20)	/* one file */
#define PROFILE_MAX_LINE 4096		/* one line, newline excluded */
#define PROFILE_MAX_REQS 64		/* requirements of one profile */
#define PROFILE_MAX_PENDING 32		/* pending column declarations */
#define PROFILE_MAX_ID 48		/* bytes of a profile or requirement id */
#define PROFILE_MAX_FIELD 512		/* bytes of a title, source, section */
#define PROFILE_FIELDS 7		/* fields of a requirement line */

/* Bounds of an exceptions file. */
#define EXC_MAX_BYTES (64u << 20)	/* one file */
#define EXC_MAX_ENTRIES 1000000		/* lines */
#define EXC_MAX_JUSTIFICATION 1024	/* bytes of one justification */

enum profile_verdict {
	PROFILE_PASS = 0,
	PROFILE_FAIL,
	PROFILE_EXPLAINED,
	PROFILE_NOT_MEASURED,
	PROFILE_VERDICT_COUNT
};

/* "pass", "fail", "explained", "not_measured". */
const char *profile_verdict_name(enum profile_verdict v);

struct profile_req {
	char *id;		/* [a-z0-9_.-], unique in its profile */
	char *title;
	char *cond_text;	/* as written; NULL for UNMEASURED */
	char *den_text;		/* NULL: the default denominator */
	char *source, *section;
	char date[11];		/* effective date, YYYY-MM-DD */
	unsigned line;		/* line in the file */
	bool unmeasured;	/* UNMEASURED: never measured by uptake */
	bool has_den;
	struct metric_expr cond;
	struct metric_expr den;
	/* Columns read: [SCHEMA_COL_COUNT + npending]; the condition's
	 * alone in cond_cols (the default denominator: all of them not
	 * null). */
	bool *cols;
	bool *cond_cols;
	bool pending;		/* reads a column this build does not have */
};

struct profile {
	char *path;		/* for messages */
	char *name;		/* "profile NAME" */
	char *version;		/* "version TEXT" */
	char *title;		/* "title TEXT" */
	size_t npending;
	struct metric_extra_col pending[PROFILE_MAX_PENDING]; /* names owned */
	size_t nreqs;
	struct profile_req reqs[PROFILE_MAX_REQS];
};

/*
 * Parse a profile from buf[0..len); path names it in messages.  Returns
 * an owned profile, or NULL with "PATH:LINE: problem" in err.
 */
struct profile *profile_parse(const char *path, const char *buf, size_t len,
	char *err, size_t errlen);

/* Read path (at most PROFILE_MAX_BYTES) and parse it. */
struct profile *profile_load(const char *path, char *err, size_t errlen);

void profile_free(struct profile *p);

/*
 * Whether requirement r can be measured on a part whose columns are
 * has[SCHEMA_COL_COUNT] (true: the part has the column).
 */
bool profile_req_measurable(const struct profile_req *r, const bool *has);

/*
 * The verdict of r for row[SCHEMA_COL_COUNT], before exceptions (pass,
 * fail or not_measured); measurable from profile_req_measurable.
 */
enum profile_verdict profile_req_eval(const struct profile_req *r,
	bool measurable, const struct schema_value *row);

/* Exceptions. */

struct exc_entry {
	char *domain;		/* normal form (lib/dname.h) */
	char *profile;		/* NULL: any profile with the id */
	char *req;
	char *justification;
	char until[11];		/* YYYY-MM-DD, inclusive */
	unsigned line;
};

struct exc_list {
	char *path;
	struct exc_entry *e;	/* sorted by domain */
	size_t n;
};

/*
 * Parse an exceptions CSV from buf[0..len): lines domain,requirement,
 * justification,until (an optional header line naming them, '#'
 * comments and blank lines skipped).  requirement is ID or PROFILE:ID and
 * must name a requirement of profiles[0..nprofiles).  Returns an owned
 * list, or NULL with "PATH:LINE: problem" in err.
 */
struct exc_list *exc_parse(const char *path, const char *buf, size_t len,
	struct profile *const *profiles, size_t nprofiles, char *err,
	size_t errlen);

/* Read path (at most EXC_MAX_BYTES) and parse it. */
struct exc_list *exc_load(const char *path, struct profile *const *profiles,
	size_t nprofiles, char *err, size_t errlen);

void exc_free(struct exc_list *x);

/*
 * The exception for domain (normal form) and requirement r of profile p
 * in force on date (YYYY-MM-DD: until >= date), or NULL.
 */
const struct exc_entry *exc_find(const struct exc_list *x,
	const char *domain, const struct profile *p,
	const struct profile_req *r, const char *date);

/* Whether s is a date YYYY-MM-DD that exists (proleptic Gregorian). */
bool profile_date_valid(const char *s, size_t len);

#endif
