/*
 * uptake-dump - show a snapshot: schema, row count, parts, provenance;
 * or its rows as CSV or JSON lines; or the schema v1 table of the code.
 *
 *   uptake-dump SNAPSHOT                  summary
 *   uptake-dump SNAPSHOT --csv|--jsonl [--columns a,b,c]
 *   uptake-dump --schema [--format text|md]
 *
 * SNAPSHOT is a snapshot directory or one Parquet file.  Rows stream one
 * page of each column at a time.  A part that cannot be read is reported on stderr
 * by name and the others are still dumped; the exit status is then 1.
 * Rows with the same list and input_index in two places are refused (exit
 * 1, naming the parts; the summary says how many) unless --dedupe
 * keep-first keeps the first of each in part order.
 * Nulls are empty CSV fields (an empty string is "") and JSON null.
 * Timestamps print as RFC 3339 UTC with microseconds.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "parquet.h"
#include "schema.h"
#include "snapshot.h"
#include "snapshot_dups.h"
#include "stats_cli.h"
#include "util.h"

enum dump_mode {
	DUMP_SUMMARY,
	DUMP_CSV,
	DUMP_JSONL,
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: uptake-dump SNAPSHOT [--csv | --jsonl] [--columns a,b,c]\n"
	    "                   [--dedupe refuse|keep-first]\n"
	    "       uptake-dump --schema [--format text|md]\n"
	    "SNAPSHOT is a snapshot directory (part-N.parquet files) or one Parquet file.\n");
}

static void
print_schema(const char *format)
{
	size_t n = schema_column_count();

	if (strcmp(format, "md") == 0) {
		printf("| column | type | Parquet type | nullable | group | description |\n");
		printf("| --- | --- | --- | --- | --- | --- |\n");
		for (size_t i = 0; i < n; i++) {
			const struct schema_column *c = schema_column_get(i);
			printf("| %s | %s | %s | %s | %s | ", c->name,
			    schema_type_name(c->type),
			    schema_type_parquet_name(c->type),
			    c->required ? "no" : "yes", c->group);
			for (const char *p = c->description; *p; p++) {
				if (*p == '|')
					fputs("\\|", stdout);
				else
					putchar(*p);
			}
			printf(" |\n");
		}
		return;
	}
	printf("# uptake snapshot schema v%d: %zu columns\n", SCHEMA_VERSION, n);
	for (size_t i = 0; i < n; i++) {
		const struct schema_column *c = schema_column_get(i);
		printf("%-24s %-9s %-8s %-8s %s\n", c->name,
		    schema_type_name(c->type),
		    c->required ? "required" : "nullable", c->group,
		    c->description);
	}
}

static void
format_ts(int64_t us, char *buf, size_t len)
{
	int64_t secs = us / 1000000, frac = us % 1000000;
	struct tm tm;

	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	time_t t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "%" PRId64, us);
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)frac);
}

static void
csv_string(const uint8_t *s, size_t n)
{
	bool quote = n == 0;

	for (size_t i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = true;
	if (!quote) {
		fwrite(s, 1, n, stdout);
		return;
	}
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			putchar('"');
		putchar(s[i]);
	}
	putchar('"');
}

/* Length of a valid UTF-8 sequence at s[0..n), or 0. */
static size_t
utf8_len(const uint8_t *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void
json_string(const uint8_t *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		if (c == '"' || c == '\\') {
			putchar('\\');
			putchar(c);
			i++;
		} else if (c == '\n') {
			fputs("\\n", stdout);
			i++;
		} else if (c == '\t') {
			fputs("\\t", stdout);
			i++;
		} else if (c == '\r') {
			fputs("\\r", stdout);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			printf("\\u%04x", c);
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);
			if (l == 0) {
				fputs("\\ufffd", stdout); /* invalid UTF-8 */
				i++;
			} else {
				fwrite(s + i, 1, l, stdout);
				i += l;
			}
		}
	}
	putchar('"');
}

static void
print_value(const struct parquet_column_data *d, size_t row,
    enum dump_mode mode)
{
	char buf[64];

	if (!d->present[row]) {
		if (mode == DUMP_JSONL)
			fputs("null", stdout);
		return;
	}
	switch (d->type) {
	case SCHEMA_TYPE_INT32:
		printf("%" PRId32, d->i32[row]);
		break;
	case SCHEMA_TYPE_INT64:
		printf("%" PRId64, d->i64[row]);
		break;
	case SCHEMA_TYPE_BOOLEAN:
		fputs(d->b[row] ? "true" : "false", stdout);
		break;
	case SCHEMA_TYPE_TIMESTAMP_US:
		format_ts(d->i64[row], buf, sizeof(buf));
		if (mode == DUMP_JSONL)
			printf("\"%s\"", buf);
		else
			fputs(buf, stdout);
		break;
	case SCHEMA_TYPE_STRING:
		if (mode == DUMP_JSONL)
			json_string(d->str[row], d->str_len[row]);
		else
			csv_string(d->str[row], d->str_len[row]);
		break;
	}
}

struct selection {
	char **names;
	size_t n;
};

static void
parse_columns(const char *arg, struct selection *sel)
{
	char *copy = xstrdup(arg), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t;
	    t = strtok_r(NULL, ",", &save)) {
		sel->names = xreallocarray(sel->names, sel->n + 1,
		    sizeof(*sel->names));
		sel->names[sel->n++] = xstrdup(t);
	}
	free(copy);
	if (sel->n == 0)
		fatal(2, "--columns: no column names given");
}

/* Column indexes of the selection in file r, or NULL with a message. */
static size_t *
resolve(struct parquet_reader *r, const char *path,
    const struct selection *sel, size_t *n)
{
	size_t *ix;

	if (sel->n == 0) {
		*n = parquet_reader_column_count(r);
		ix = xcalloc(*n ? *n : 1, sizeof(*ix));
		for (size_t i = 0; i < *n; i++)
			ix[i] = i;
		return ix;
	}
	ix = xcalloc(sel->n, sizeof(*ix));
	for (size_t i = 0; i < sel->n; i++) {
		int c = parquet_reader_column_find(r, sel->names[i]);
		if (c < 0) {
			fprintf(stderr, "uptake-dump: %s: no column '%s' (uptake-dump --schema lists them)\n",
			    path, sel->names[i]);
			free(ix);
			return NULL;
		}
		ix[i] = (size_t)c;
	}
	*n = sel->n;
	return ix;
}

static void
print_header(struct parquet_reader *r, const size_t *ix, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *name = parquet_reader_column(r, ix[i])->name;
		if (i)
			putchar(',');
		csv_string((const uint8_t *)name, strlen(name));
	}
	putchar('\n');
}

/* Rows of one part.  Returns 0, -1 (part unreadable), -2 (bad columns). */
static int
dump_rows(const char *path, enum dump_mode mode, const struct selection *sel,
    bool *header_done, const struct snapshot_dups *dups, size_t part)
{
	uint64_t prow = 0;	/* row of the part, for the duplicates */
	char err[600];
	struct parquet_reader *r = parquet_reader_open(path, err, sizeof(err));
	size_t n, *ix;
	int rc = 0;

	if (r == NULL) {
		fprintf(stderr, "uptake-dump: %s\n", err);
		return -1;
	}
	if ((ix = resolve(r, path, sel, &n)) == NULL) {
		parquet_reader_free(r);
		return -2;
	}
	if (mode == DUMP_CSV && !*header_done) {
		print_header(r, ix, n);
		*header_done = true;
	}
	/* One column reader per column: one page of each decoded at a time. */
	struct parquet_column_data *d = xcalloc(n ? n : 1, sizeof(*d));
	struct parquet_column_reader **cr = xcalloc(n ? n : 1, sizeof(*cr));
	size_t *pos = xcalloc(n ? n : 1, sizeof(*pos));
	for (size_t g = 0; g < parquet_reader_row_group_count(r) && !rc; g++) {
		for (size_t i = 0; i < n && !rc; i++) {
			memset(&d[i], 0, sizeof(d[i]));
			pos[i] = 0;
			if ((cr[i] = parquet_column_reader_new(r, g, ix[i])) ==
			    NULL)
				rc = -1;
		}
		size_t rows = rc ? 0 : (size_t)parquet_reader_row_group_rows(r, g);
		if (n == 0)
			prow += rows;
		for (size_t k = 0; k < rows && !rc; k++) {
			for (size_t i = 0; i < n; i++) {
				if (pos[i] < d[i].nrows)
					continue;
				pos[i] = 0;
				if (parquet_column_reader_next(cr[i], SIZE_MAX,
				    &d[i]) <= 0) {
					if (parquet_reader_error(r)[0] == '\0')
						snprintf(err, sizeof(err), "%s: row group %zu: column chunk ends early",
						    path, g);
					rc = -1;
					break;
				}
			}
			if (rc)
				break;
			if (snapshot_dups_is_dropped(dups, part, prow++)) {
				for (size_t i = 0; i < n; i++)
					pos[i]++;
				continue;
			}
			if (mode == DUMP_JSONL)
				putchar('{');
			for (size_t i = 0; i < n; i++) {
				if (i)
					putchar(',');
				if (mode == DUMP_JSONL) {
					const char *nm = parquet_reader_column(
					    r, ix[i])->name;
					json_string((const uint8_t *)nm,
					    strlen(nm));
					putchar(':');
				}
				print_value(&d[i], pos[i]++, mode);
			}
			fputs(mode == DUMP_JSONL ? "}\n" : "\n", stdout);
		}
		if (rc)
			fprintf(stderr, "uptake-dump: %s\n",
			    parquet_reader_error(r)[0] ? parquet_reader_error(r)
			    : err);
		for (size_t i = 0; i < n; i++) {
			parquet_column_reader_free(cr[i]);
			cr[i] = NULL;
		}
	}
	free(cr);
	free(pos);
	free(d);
	free(ix);
	parquet_reader_free(r);
	return rc;
}

struct kv_seen {
	char *key;
	char *value;
};

static int
summary(char **parts, int nparts, const char *snapshot,
    const struct snapshot_dups *dups, const char *dup_text)
{
	int64_t total = 0;
	int bad = 0, good = 0;
	struct kv_seen *seen = NULL;
	size_t nseen = 0;
	char err[600];
	struct parquet_reader *first = NULL;

	printf("snapshot: %s\n", snapshot);
	printf("parts: %d\n", nparts);
	for (int p = 0; p < nparts; p++) {
		struct stat st;
		struct parquet_reader *r = parquet_reader_open(parts[p], err,
		    sizeof(err));
		if (r == NULL) {
			fprintf(stderr, "uptake-dump: %s\n", err);
			printf("  %s: UNREADABLE\n", parts[p]);
			bad++;
			continue;
		}
		good++;
		stat(parts[p], &st);
		printf("  %s: %" PRId64 " rows, %zu row groups, %lld bytes\n",
		    parts[p], parquet_reader_rows(r),
		    parquet_reader_row_group_count(r), (long long)st.st_size);
		total += parquet_reader_rows(r);
		/* Provenance: all keys of the first part, then changes. */
		for (size_t i = 0; i < parquet_reader_kv_count(r); i++) {
			const char *k, *v;
			size_t j;
			parquet_reader_kv(r, i, &k, &v);
			for (j = 0; j < nseen; j++)
				if (strcmp(seen[j].key, k) == 0)
					break;
			if (j < nseen && strcmp(seen[j].value, v ? v : "") == 0)
				continue;
			if (j == nseen) {
				seen = xreallocarray(seen, nseen + 1,
				    sizeof(*seen));
				seen[nseen].key = xstrdup(k);
				seen[nseen].value = NULL;
				nseen++;
			}
			free(seen[j].value);
			seen[j].value = xstrdup(v ? v : "");
		}
		if (first == NULL)
			first = r;
		else
			parquet_reader_free(r);
	}
	if (dups->dropped && dup_text)
		printf("rows: %" PRId64 " (%s; %" PRIu64 " duplicate rows dropped: %s)\n",
		    total - (int64_t)dups->dropped,
		    bad ? "readable parts only" : "--dedupe keep-first",
		    dups->dropped, dup_text);
	else if (dups->dropped)
		printf("rows: %" PRId64 "%s, of which %" PRIu64 " DUPLICATE (same list and input_index)\n",
		    total, bad ? " (readable parts only)" : "", dups->dropped);
	else
		printf("rows: %" PRId64 "%s\n", total,
		    bad ? " (readable parts only)" : "");
	if (first) {
		printf("schema (%zu columns):\n",
		    parquet_reader_column_count(first));
		for (size_t i = 0; i < parquet_reader_column_count(first); i++) {
			const struct parquet_column_def *c =
			    parquet_reader_column(first, i);
			printf("  %-24s %-9s %s\n", c->name,
			    schema_type_name(c->type),
			    c->required ? "required" : "nullable");
		}
		const char *cb = parquet_reader_created_by(first);
		printf("created_by: %s\n", cb ? cb : "(none)");
		parquet_reader_free(first);
	}
	printf("provenance:%s\n", nseen ? "" : " (none)");
	for (size_t j = 0; j < nseen; j++) {
		printf("  %s: %s\n", seen[j].key, seen[j].value);
		free(seen[j].key);
		free(seen[j].value);
	}
	free(seen);
	if (bad)
		printf("unreadable parts: %d\n", bad);
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "jsonl", no_argument, NULL, 'j' },
		{ "columns", required_argument, NULL, 'C' },
		{ "schema", no_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "dedupe", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	/* Its -c and -f are not the shared ones: only --help, --version. */
	struct option *longopts = stats_cli_options("", own);
	enum dump_mode mode = DUMP_SUMMARY;
	struct selection sel = { NULL, 0 };
	const char *format = "text";
	bool schema = false;
	enum snapshot_dedupe dedupe = SNAPSHOT_DEDUPE_REFUSE;
	int ch;

	log_set_progname("uptake-dump");
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			mode = DUMP_CSV;
			break;
		case 'j':
			mode = DUMP_JSONL;
			break;
		case 'C':
			parse_columns(optarg, &sel);
			break;
		case 's':
			schema = true;
			break;
		case 'f':
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "md"))
				fatal(2, "--format: '%s' is not text or md",
				    format);
			break;
		case 'D':
			if (snapshot_dedupe_parse(optarg, &dedupe) < 0)
				fatal(2, "--dedupe: '%s' is not refuse or keep-first",
				    optarg);
			break;
		default:
			stats_cli_opt_other(ch, "uptake-dump", usage);
		}
	}
	free(longopts);
	if (schema) {
		if (optind != argc) {
			usage(stderr);
			return 2;
		}
		print_schema(format);
		return 0;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	const char *snap = argv[optind];
	char err[600], **parts;
	int n = snapshot_parts_list(snap, &parts, err, sizeof(err));
	if (n < 0)
		fatal(1, "%s", err);
	/* Duplicate (list, input_index) rows: refused before any output,
	 * or dropped after their first (--dedupe keep-first). */
	struct snapshot_dups dups;
	char dup_text[2048];
	if (snapshot_dups_scan(parts, (size_t)n, &dups, err, sizeof(err)) < 0)
		fatal(1, "%s", err);
	bool refused = dups.dropped && dedupe == SNAPSHOT_DEDUPE_REFUSE;
	if (dups.dropped) {
		snapshot_dups_describe(&dups, parts, dup_text, sizeof(dup_text));
		if (refused)
			fprintf(stderr, "uptake-dump: %s: %s: refusing to show them twice (--dedupe keep-first keeps the first of each, in part order)\n",
			    snap, dup_text);
		else
			fprintf(stderr, "uptake-dump: %s: --dedupe keep-first: dropped %s\n",
			    snap, dup_text);
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	int status = 0;
	if (mode == DUMP_SUMMARY) {
		status = summary(parts, n, snap, &dups,
		    refused ? NULL : dup_text);
		if (refused)
			status = 1;
	} else if (refused)
		status = 1;
	else {
		bool header_done = false;
		if (n == 0)
			fprintf(stderr, "uptake-dump: %s: no part-N.parquet files\n",
			    snap);
		for (int p = 0; p < n; p++) {
			int rc = dump_rows(parts[p], mode, &sel, &header_done,
			    &dups, (size_t)p);
			if (rc == -2) {
				status = 2;
				break;
			}
			if (rc < 0)
				status = 1;
		}
	}
	snapshot_dups_fini(&dups);
	snapshot_parts_free(parts);
	for (size_t i = 0; i < sel.n; i++)
		free(sel.names[i]);
	free(sel.names);
	if (fflush(stdout) != 0)
		status = 1;
	return status;
}
