/*
 * gen_panel - a small snapshot with the rows a test writes out: the panel
 * tests (tests/panel/panel_test.py) plant transitions domain by domain.
 *
 *   gen_panel OUTDIR ROWS.csv [--date YYYY-MM-DD] [--list NAME]
 *             [--list-sha256 HEX]
 *
 * ROWS.csv has a header of schema column names (domain first, any others
 * in any order); every other column is null.  An empty field is null;
 * BOOLEAN fields are true or false, integer fields decimal.  input_index
 * is the data line's number (from 0) unless the file has that column.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "log.h"
#include "schema.h"
#include "snapshot.h"
#include "util.h"

static void
usage(void)
{
	fprintf(stderr, "usage: gen_panel OUTDIR ROWS.csv [--date YYYY-MM-DD] "
	    "[--list NAME] [--list-sha256 HEX]\n");
	exit(2);
}

/* Field f into v as column c's type; false when it does not parse. */
static bool
parse_value(const char *f, enum schema_type t, struct schema_value *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	if (f[0] == '\0')
		return true;
	v->present = true;
	switch (t) {
	case SCHEMA_TYPE_BOOLEAN:
		if (strcmp(f, "true") && strcmp(f, "false"))
			return false;
		v->u.b = strcmp(f, "true") == 0;
		return true;
	case SCHEMA_TYPE_INT32:
		errno = 0;
		v->u.i32 = (int32_t)strtol(f, &end, 10);
		return errno == 0 && *end == '\0';
	case SCHEMA_TYPE_INT64:
	case SCHEMA_TYPE_TIMESTAMP_US:
		errno = 0;
		v->u.i64 = strtoll(f, &end, 10);
		return errno == 0 && *end == '\0';
	case SCHEMA_TYPE_STRING:
		v->u.str.ptr = f;
		v->u.str.len = strlen(f);
		return true;
	}
	return false;
}

int
main(int argc, char **argv)
{
	const char *date = "2026-01-05", *list = "panel", *sha = NULL;
	char err[600];

	if (argc < 3)
		usage();
	for (int i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--date") == 0)
			date = argv[++i];
		else if (strcmp(argv[i], "--list") == 0)
			list = argv[++i];
		else if (strcmp(argv[i], "--list-sha256") == 0)
			sha = argv[++i];
		else
			usage();
	}
	struct csv_file *cf = csv_file_open(argv[2], err, sizeof(err));
	if (cf == NULL)
		fatal(1, "%s", err);
	struct snapshot_writer_options o;
	snapshot_writer_options_default(&o);
	struct snapshot_writer *w = snapshot_writer_open(argv[1], &o, err,
	    sizeof(err));
	if (w == NULL)
		fatal(1, "%s", err);
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_CRAWL_START, date);
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_LIST_NAME, list);
	if (sha)
		snapshot_writer_kv_set(w, SNAPSHOT_KEY_LIST_SHA256, sha);
	snapshot_writer_kv_set(w, SNAPSHOT_KEY_COMMAND_LINE, "gen_panel");

	int cols[CSV_MAX_FIELDS], ncols = -1, n, rc;
	char **f;
	int64_t line = 0;
	bool have_index = false;
	while ((rc = csv_file_next(cf, &f, &n, err, sizeof(err))) != 0) {
		if (rc < 0)
			fatal(1, "%s", err);
		if (ncols < 0) {
			for (int i = 0; i < n; i++) {
				cols[i] = schema_column_find(f[i]);
				if (cols[i] < 0)
					fatal(1, "%s: no column '%s' in the schema",
					    argv[2], f[i]);
				have_index |= cols[i] == SCHEMA_COL_INPUT_INDEX;
			}
			ncols = n;
			continue;
		}
		if (n != ncols)
			fatal(1, "%s:%lu: %d fields, the header has %d", argv[2],
			    csv_file_line(cf), n, ncols);
		struct schema_value row[SCHEMA_COL_COUNT];
		memset(row, 0, sizeof(row));
		if (!have_index) {
			row[SCHEMA_COL_INPUT_INDEX].present = true;
			row[SCHEMA_COL_INPUT_INDEX].u.i64 = line;
		}
		for (int i = 0; i < n; i++)
			if (!parse_value(f[i], schema_column_get(
			    (size_t)cols[i])->type, &row[cols[i]]))
				fatal(1, "%s:%lu: '%s' is not a %s", argv[2],
				    csv_file_line(cf), f[i], schema_type_name(
				    schema_column_get((size_t)cols[i])->type));
		if (snapshot_writer_append(w, row) < 0)
			fatal(1, "%s:%lu: the row was not written: %s", argv[2],
			    csv_file_line(cf), snapshot_writer_failure(w) ?
			    snapshot_writer_failure(w) : "a bad row");
		line++;
	}
	csv_file_close(cf);
	if (snapshot_writer_close(w) < 0)
		fatal(1, "%s: closing the snapshot failed", argv[1]);
	return 0;
}
