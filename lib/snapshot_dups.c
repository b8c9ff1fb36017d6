/*
 * snapshot_dups.c - duplicate (list, input_index) rows across parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parquet.h"
#include "snapshot.h"
#include "snapshot_dups.h"
#include "util.h"

/* Longest list name kept for the example (a name is a short label). */
#define EX_LIST_MAX 200

struct klist {
	char *name;
	size_t len;
	struct snapshot_done *set;	/* its input_index values seen (the
					 * resume's bitmap set, snapshot.h) */
};

struct keys {
	struct klist *l;
	size_t n;
	const uint8_t *last_p;	/* cache: the last list string seen */
	uint32_t last_len;
	size_t last;
	/* Looking for one key (the example's first holder). */
	bool watching, watch_hit;
	long watch_li;
	int64_t watch_ix;
};

int
snapshot_dedupe_parse(const char *arg, enum snapshot_dedupe *out)
{
	if (strcmp(arg, "refuse") == 0)
		*out = SNAPSHOT_DEDUPE_REFUSE;
	else if (strcmp(arg, "keep-first") == 0)
		*out = SNAPSHOT_DEDUPE_KEEP_FIRST;
	else
		return -1;
	return 0;
}

/* Index of list (p, len) in k, added if new; -1 past the bound. */
static long
keys_list(struct keys *k, const uint8_t *p, uint32_t len)
{
	if (k->n && p == k->last_p && len == k->last_len)
		return (long)k->last;
	for (size_t i = 0; i < k->n; i++)
		if (k->l[i].len == len && memcmp(k->l[i].name, p, len) == 0) {
			k->last_p = p;
			k->last_len = len;
			k->last = i;
			return (long)i;
		}
	if (k->n == SNAPSHOT_DUPS_MAX_LISTS)
		return -1;
	k->l = xreallocarray(k->l, k->n + 1, sizeof(*k->l));
	k->l[k->n].name = xstrndup((const char *)p, len);
	k->l[k->n].len = len;
	k->l[k->n].set = snapshot_done_new();
	k->last_p = p;
	k->last_len = len;
	k->last = k->n;
	return (long)k->n++;
}

static void
keys_free(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++) {
		snapshot_done_free(k->l[i].set);
		free(k->l[i].name);
	}
	free(k->l);
}

static void
drop_mark(struct snapshot_dups *d, size_t p, uint64_t row)
{
	size_t need = (size_t)(row / 8) + 1;

	if (need > d->drop_bytes[p]) {
		size_t cap = d->drop_bytes[p] ? d->drop_bytes[p] : 1024;
		while (cap < need)
			cap *= 2;
		d->drop[p] = xrealloc(d->drop[p], cap);
		memset(d->drop[p] + d->drop_bytes[p], 0,
		    cap - d->drop_bytes[p]);
		d->drop_bytes[p] = cap;
	}
	d->drop[p][row / 8] |= (uint8_t)(1u << (row % 8));
}

bool
snapshot_dups_is_dropped(const struct snapshot_dups *d, size_t p,
    uint64_t row)
{
	if (d == NULL || p >= d->nparts || d->drop[p] == NULL ||
	    row / 8 >= d->drop_bytes[p])
		return false;
	return (d->drop[p][row / 8] >> (row % 8)) & 1;
}

/*
 * Row row of part p has the key (list li, input_index ix; ls, ll the
 * list's bytes).  Watching: returns true when it is the watched key (the
 * scan stops).  undo: take back the key this row added.  Else add the key,
 * and when it was there mark the row a repeat (the first one kept as the
 * example).  Returns false but for the watched key.
 */
static bool
key_row(struct snapshot_dups *d, struct keys *k, size_t p, uint64_t row,
    long li, int64_t ix, const uint8_t *ls, uint32_t ll, bool undo)
{
	if (k->watching) {
		if (li == k->watch_li && ix == k->watch_ix) {
			k->watch_hit = true;
			return true;
		}
		return false;
	}
	if (undo) {
		if (!snapshot_dups_is_dropped(d, p, row))
			snapshot_done_remove(k->l[li].set, ix);
		return false;
	}
	/* ix is in range: add is false only when present. */
	if (snapshot_done_add(k->l[li].set, ix))
		return false;
	if (d->dropped_in[p]++ == 0)
		d->parts_with++;
	d->dropped++;
	drop_mark(d, p, row);
	if (!d->have_example) {
		d->have_example = true;
		d->ex_list = xstrndup((const char *)ls,
		    ll < EX_LIST_MAX ? ll : EX_LIST_MAX);
		d->ex_index = ix;
		d->ex_dup = p;
		d->ex_first = p;	/* until found earlier */
	}
	return false;
}

/*
 * Scan part p.  undo_rows == 0: add its keys, marking repeats.  Else take
 * back the keys its first undo_rows rows added (after a failed scan).
 * Returns 0; -1 with err (the part failed: *rows_ok rows were done);
 * -2 with err for too many lists.
 */
static int
scan_part(struct snapshot_dups *d, struct keys *k, size_t p,
    const char *path, uint64_t undo_rows, uint64_t *rows_ok, char *err,
    size_t errlen)
{
	struct parquet_reader *r = parquet_reader_open(path, err, errlen);
	uint64_t row = 0;
	int rc = 0;

	*rows_ok = 0;
	if (r == NULL)
		return -1;
	int ic = parquet_reader_column_find(r, "input_index");
	int lc = parquet_reader_column_find(r, "list");
	if (ic >= 0 && parquet_reader_column(r, (size_t)ic)->type !=
	    SCHEMA_TYPE_INT64)
		ic = -1;
	if (lc >= 0 && parquet_reader_column(r, (size_t)lc)->type !=
	    SCHEMA_TYPE_STRING)
		lc = -1;
	if (ic < 0) {
		/* No input_index: no keys (not an uptake part; the tools
		 * say so when they read it). */
		parquet_reader_free(r);
		return 0;
	}
	for (size_t g = 0; g < parquet_reader_row_group_count(r) && !rc; g++) {
		struct parquet_column_reader *ci, *cl = NULL;
		struct parquet_column_data vi = { 0 }, vl = { 0 };
		size_t pi = 0, pl = 0;
		size_t n = (size_t)parquet_reader_row_group_rows(r, g);
		ci = parquet_column_reader_new(r, g, (size_t)ic);
		if (ci && lc >= 0)
			cl = parquet_column_reader_new(r, g, (size_t)lc);
		if (ci == NULL || (lc >= 0 && cl == NULL)) {
			snprintf(err, errlen, "%s", parquet_reader_error(r));
			rc = -1;
		}
		for (size_t j = 0; j < n && !rc; j++, row++) {
			if (undo_rows && row >= undo_rows)
				break;
			if (pi >= vi.nrows) {
				pi = 0;
				if (parquet_column_reader_next(ci, SIZE_MAX,
				    &vi) <= 0) {
					rc = -1;
					break;
				}
			}
			if (cl && pl >= vl.nrows) {
				pl = 0;
				if (parquet_column_reader_next(cl, SIZE_MAX,
				    &vl) <= 0) {
					rc = -1;
					break;
				}
			}
			const uint8_t *ls = (const uint8_t *)"";
			uint32_t ll = 0;
			if (cl && vl.present[pl]) {
				ls = vl.str[pl];
				ll = vl.str_len[pl];
			}
			pl++;
			bool has = vi.present[pi];
			int64_t ix = vi.i64[pi++];
			if (!has || ix < 0 || ix >= SNAPSHOT_MAX_INPUT_INDEX)
				continue;
			long li = keys_list(k, ls, ll);
			if (li < 0) {
				snprintf(err, errlen, "%s: more than %d distinct lists (a snapshot holds a few)",
				    path, SNAPSHOT_DUPS_MAX_LISTS);
				rc = -2;
				break;
			}
			if (key_row(d, k, p, row, li, ix, ls, ll,
			    undo_rows != 0))
				break;
		}
		if (rc == -1 && parquet_reader_error(r)[0])
			snprintf(err, errlen, "%s", parquet_reader_error(r));
		parquet_column_reader_free(ci);
		parquet_column_reader_free(cl);
	}
	*rows_ok = row;
	parquet_reader_free(r);
	return rc;
}

/* Whether the part at path holds (list, ix) (the example's first part). */
static bool
part_holds(const char *path, const char *list, int64_t ix)
{
	struct snapshot_dups one;
	struct keys k;
	uint64_t ok;
	char err[8];

	memset(&one, 0, sizeof(one));
	memset(&k, 0, sizeof(k));
	one.nparts = 1;
	k.watching = true;
	k.watch_li = keys_list(&k, (const uint8_t *)list,
	    (uint32_t)strlen(list));
	k.watch_ix = ix;
	k.last_p = NULL;
	(void)scan_part(&one, &k, 0, path, 0, &ok, err, sizeof(err));
	keys_free(&k);
	return k.watch_hit;
}

int
snapshot_dups_scan(char *const *parts, size_t nparts,
    struct snapshot_dups *d, char *err, size_t errlen)
{
	struct keys k;
	char msg[1024];
	int rc = 0;

	memset(d, 0, sizeof(*d));
	memset(&k, 0, sizeof(k));
	d->nparts = nparts;
	d->dropped_in = xcalloc(nparts ? nparts : 1, sizeof(*d->dropped_in));
	d->drop = xcalloc(nparts ? nparts : 1, sizeof(*d->drop));
	d->drop_bytes = xcalloc(nparts ? nparts : 1, sizeof(*d->drop_bytes));
	d->error = xcalloc(nparts ? nparts : 1, sizeof(*d->error));
	for (size_t p = 0; p < nparts; p++) {
		uint64_t ok, ok2;
		int prc = scan_part(d, &k, p, parts[p], 0, &ok, msg,
		    sizeof(msg));
		if (prc == -2) {
			snprintf(err, errlen, "%s", msg);
			rc = -1;
			break;
		}
		if (prc < 0) {
			/* Left out: take back the keys it added. */
			if (ok > 0)
				(void)scan_part(d, &k, p, parts[p], ok, &ok2,
				    err, errlen);
			d->error[p] = xstrdup(msg);
			d->dropped -= d->dropped_in[p];
			if (d->dropped_in[p])
				d->parts_with--;
			d->dropped_in[p] = 0;
			free(d->drop[p]);
			d->drop[p] = NULL;
			d->drop_bytes[p] = 0;
			if (d->have_example && d->ex_dup == p) {
				d->have_example = false;
				free(d->ex_list);
				d->ex_list = NULL;
			}
		}
	}
	keys_free(&k);
	/* The example's first holder: the earliest part that holds the key
	 * (a part repeating a key of its own is its own first holder). */
	if (rc == 0 && d->have_example)
		for (size_t p = 0; p < d->ex_dup; p++)
			if (!d->error[p] && part_holds(parts[p], d->ex_list,
			    d->ex_index)) {
				d->ex_first = p;
				break;
			}
	return rc;
}

void
snapshot_dups_describe(const struct snapshot_dups *d, char *const *parts,
    char *buf, size_t len)
{
	if (!d->have_example) {
		snprintf(buf, len, "%llu duplicate rows (same list and input_index) in %zu part%s",
		    (unsigned long long)d->dropped, d->parts_with,
		    d->parts_with == 1 ? "" : "s");
		return;
	}
	if (d->ex_first == d->ex_dup)
		snprintf(buf, len, "%llu duplicate rows (same list and input_index) in %zu part%s, e.g. list '%s' input_index %lld twice in %s",
		    (unsigned long long)d->dropped, d->parts_with,
		    d->parts_with == 1 ? "" : "s", d->ex_list,
		    (long long)d->ex_index, parts[d->ex_dup]);
	else
		snprintf(buf, len, "%llu duplicate rows (same list and input_index) in %zu part%s, e.g. list '%s' input_index %lld in %s and again in %s",
		    (unsigned long long)d->dropped, d->parts_with,
		    d->parts_with == 1 ? "" : "s", d->ex_list,
		    (long long)d->ex_index, parts[d->ex_first],
		    parts[d->ex_dup]);
}

void
snapshot_dups_fini(struct snapshot_dups *d)
{
	for (size_t p = 0; p < d->nparts; p++) {
		free(d->drop[p]);
		free(d->error[p]);
	}
	free(d->drop);
	free(d->drop_bytes);
	free(d->dropped_in);
	free(d->error);
	free(d->ex_list);
	memset(d, 0, sizeof(*d));
}
