/*
 * comply_read.c - reading snapshots for profile verdicts (comply_read.h):
 * moved out of uptake_comply.c so that uptake-report --site judges rows
 * with the same code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comply_read.h"
#include "log.h"
#include "parquet.h"
#include "snapshot.h"
#include "util.h"

const char *
comply_country_label(const struct schema_value *row, const char *meta_country,
    char *buf, size_t len)
{
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];

	/* As uptake-stats: --meta, then the ccTLD, then hosting. */
	if (meta_country && *meta_country)
		return meta_country;
	if (d->present) {
		const char *dot = memrchr(d->u.str.ptr, '.', d->u.str.len);
		const char *tld = dot ? dot + 1 : d->u.str.ptr;
		size_t tlen = d->u.str.len - (size_t)(tld - d->u.str.ptr);
		char t[64], cc[3];
		if (tlen < sizeof(t)) {
			memcpy(t, tld, tlen);
			t[tlen] = '\0';
			if (stats_cctld_country(t, tlen, cc)) {
				snprintf(buf, len, "%s", cc);
				return buf;
			}
		}
	}
	const struct schema_value *h = &row[SCHEMA_COL_HOSTING_COUNTRY];
	if (h->present && h->u.str.len > 0 && h->u.str.len < len) {
		memcpy(buf, h->u.str.ptr, h->u.str.len);
		buf[h->u.str.len] = '\0';
		return buf;
	}
	return STATS_LABEL_UNKNOWN;
}

/* The snapshot's date from part kv: validation_time, else crawl_start. */
static void
date_take(struct comply_reader *r, struct parquet_reader *pr)
{
	static const char *const keys[] = { SNAPSHOT_KEY_VALIDATION_TIME,
		SNAPSHOT_KEY_CRAWL_START };

	if (r->date[0])
		return;
	for (size_t i = 0; i < 2; i++) {
		const char *v = parquet_reader_kv_get(pr, keys[i]);
		if (v && strlen(v) >= 10 && profile_date_valid(v, 10)) {
			memcpy(r->date, v, 10);
			r->date[10] = '\0';
			r->date_from = keys[i];
			return;
		}
	}
}

static void
part_read(struct comply_reader *r, const char *path, size_t part,
    const struct snapshot_dups *dups)
{
	uint64_t prow = 0;	/* row of the part, across row groups */

	char err[1200];
	struct parquet_reader *pr = parquet_reader_open(path, err, sizeof(err));
	bool has[SCHEMA_COL_COUNT], need[SCHEMA_COL_COUNT];
	int pcol[SCHEMA_COL_COUNT];
	struct parquet_column_data cd[SCHEMA_COL_COUNT];
	struct schema_value row[SCHEMA_COL_COUNT];

	if (pr == NULL)
		fatal(1, "%s", err);
	date_take(r, pr);
	memset(need, 0, sizeof(need));
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		const struct schema_column *sc = schema_column_get(c);
		pcol[c] = parquet_reader_column_find(pr, sc->name);
		has[c] = pcol[c] >= 0 &&
		    parquet_reader_column(pr, (size_t)pcol[c])->type == sc->type;
	}
	need[SCHEMA_COL_DOMAIN] = need[SCHEMA_COL_LIST] =
	    need[SCHEMA_COL_INPUT_INDEX] = true;
	need[SCHEMA_COL_HOSTING_COUNTRY] = r->need_hosting;
	for (size_t i = 0; i < r->np; i++) {
		const struct profile *p = r->profiles[i];
		for (size_t j = 0; j < p->nreqs; j++) {
			const struct profile_req *q = &p->reqs[j];
			r->measurable[i][j] = profile_req_measurable(q, has);
			if (!r->measurable[i][j])
				continue;
			for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
				need[c] |= q->cols[c];
		}
	}
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
		need[c] &= has[c];
	memset(cd, 0, sizeof(cd));
	for (size_t rg = 0; rg < parquet_reader_row_group_count(pr); rg++) {
		size_t nrows = (size_t)parquet_reader_row_group_rows(pr, rg);
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
			if (!need[c])
				continue;
			parquet_column_data_fini(&cd[c]);
			memset(&cd[c], 0, sizeof(cd[c]));
			if (parquet_reader_read_column(pr, rg, (size_t)pcol[c],
			    &cd[c]) < 0)
				fatal(1, "%s", parquet_reader_error(pr));
			if (cd[c].nrows != nrows)
				fatal(1, "%s: row group %zu: column %s has %zu rows, not %zu",
				    path, rg, schema_column_get(c)->name,
				    cd[c].nrows, nrows);
		}
		for (size_t i = 0; i < nrows; i++, prow++) {
			if (dups && snapshot_dups_is_dropped(dups, part, prow))
				continue;
			for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
				if (need[c])
					parquet_column_data_get(&cd[c], i, &row[c]);
				else
					row[c].present = false;
			}
			r->rows++;
			r->row(r->ctx, r, row);
		}
	}
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
		parquet_column_data_fini(&cd[c]);
	parquet_reader_free(pr);
}

void
comply_read(struct comply_reader *cr, char *const *paths, size_t npaths)
{
	char err[1200];

	for (size_t i = 0; i < cr->np; i++)
		cr->measurable[i] = xcalloc(cr->profiles[i]->nreqs + 1,
		    sizeof(*cr->measurable[i]));
	/* Every part of every SNAPSHOT, in order: one crawl. */
	char **all = NULL;
	size_t nall = 0;
	for (size_t a = 0; a < npaths; a++) {
		char **parts;
		if (snapshot_parts_list(paths[a], &parts, err, sizeof(err)) < 0)
			fatal(1, "%s", err);
		for (char **p = parts; *p; p++) {
			all = xreallocarray(all, nall + 1, sizeof(*all));
			all[nall++] = xstrdup(*p);
		}
		snapshot_parts_free(parts);
	}
	/* The same (list, input_index) twice, as uptake-stats: refused
	 * unless --dedupe keep-first. */
	struct snapshot_dups dups;
	memset(&dups, 0, sizeof(dups));
	if (snapshot_dups_scan(all, nall, &dups, err, sizeof(err)) < 0)
		fatal(1, "%s", err);
	for (size_t i = 0; i < nall; i++)
		if (dups.error && dups.error[i])
			fatal(1, "%s", dups.error[i]);
	bool drop = false;
	if (dups.dropped) {
		char what[1200];
		snapshot_dups_describe(&dups, all, what, sizeof(what));
		if (cr->dedupe == SNAPSHOT_DEDUPE_REFUSE)
			fatal(1, "%s (--dedupe keep-first keeps the first of each)",
			    what);
		log_warn(cr->log_tag, "--dedupe keep-first: dropped %s", what);
		drop = true;
	}
	for (size_t i = 0; i < nall; i++)
		part_read(cr, all[i], i, drop ? &dups : NULL);
	snapshot_dups_fini(&dups);
	for (size_t i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	for (size_t i = 0; i < cr->np; i++) {
		free(cr->measurable[i]);
		cr->measurable[i] = NULL;
	}
}
