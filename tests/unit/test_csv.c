/*
 * test_csv.c - the one CSV reader (lib/csv.h): quoting, CRLF, BOM,
 * embedded quotes, overlong lines, NUL bytes, too many fields.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "tap.h"

/* Split s; join the fields with '|' into out, or "ERR:reason". */
static void
split(const char *s, char *out, size_t outsz)
{
	char buf[256], *f[8];
	enum csv_error why;
	size_t len = strlen(s), o = 0;
	int n;

	memcpy(buf, s, len + 1);
	n = csv_split(buf, len, f, 8, &why);
	if (n < 0) {
		snprintf(out, outsz, "ERR:%s", csv_error_str(why));
		return;
	}
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? "|" : "",
		    f[i]);
}

static void
check_split(const char *in, const char *want)
{
	char got[512];

	split(in, got, sizeof(got));
	tap_eq_str(got, want, in);
}

/* Write data to a temporary file; returns its path (static buffer). */
static const char *
tmpfile_with(const void *data, size_t len)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_csv.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

/* Read the whole file: records joined by '/', errors as "E(line:why)". */
static void
read_all(const void *data, size_t len, char *out, size_t outsz)
{
	const char *path = tmpfile_with(data, len);
	char err[256];
	struct csv_file *f = csv_file_open(path, err, sizeof(err));
	char **fl;
	int n, rc;
	size_t o = 0;

	out[0] = '\0';
	while ((rc = csv_file_next(f, &fl, &n, err, sizeof(err))) != 0) {
		if (rc == -2)
			break;
		if (rc < 0) {
			/* err is "PATH:LINE: why": keep "LINE: why". */
			const char *p = err + strlen(path) + 1;
			o += (size_t)snprintf(out + o, outsz - o, "E(%s)/", p);
			continue;
		}
		for (int i = 0; i < n; i++)
			o += (size_t)snprintf(out + o, outsz - o, "%s%s",
			    i ? "|" : "", fl[i]);
		o += (size_t)snprintf(out + o, outsz - o, "/");
	}
	csv_file_close(f);
	unlink(path);
}

int
main(void)
{
	char got[2 * CSV_MAX_LINE];

	/* Fields and quoting. */
	check_split("a,b,c", "a|b|c");
	check_split("", "");
	check_split("a,", "a|");
	check_split(",", "|");
	check_split("\"a,b\",c", "a,b|c");
	check_split("\"say \"\"hi\"\"\",x", "say \"hi\"|x");
	check_split("\"\"", "");
	check_split("  \"q\"  ,b", "q|b");
	check_split(" a , b ", " a | b ");
	check_split("\"open,b", "ERR:unterminated quoted field");
	check_split("\"a\"x,b", "ERR:text after a closing quote");
	check_split("a\"b,c", "ERR:quote inside an unquoted field");
	check_split("1,2,3,4,5,6,7,8", "1|2|3|4|5|6|7|8");
	check_split("1,2,3,4,5,6,7,8,9", "ERR:too many fields");

	/* Field by field, with a short output buffer. */
	{
		const char *rec = "domain,\"a long field\"";
		char out[5];
		size_t pos = 0;
		bool cut;
		enum csv_error why;

		tap_eq_i64(csv_field_next(rec, strlen(rec), &pos, out,
		    sizeof(out), &cut, &why), 1, "field 1");
		tap_ok(cut && strcmp(out, "doma") == 0, "field 1 cut: %s", out);
		tap_eq_i64(csv_field_next(rec, strlen(rec), &pos, NULL, 0,
		    &cut, &why), 1, "field 2 skipped");
		tap_eq_i64(csv_field_next(rec, strlen(rec), &pos, out,
		    sizeof(out), &cut, &why), 0, "no field 3");
	}

	/* Line reader: CRLF, BOM, comments, blank lines. */
	{
		static const char data[] = "\xef\xbb\xbf" "domain,country\r\n"
		    "\r\n# comment\n  # indented comment\n"
		    "a.example,\"N,L\"\r\nb.example,DE";
		read_all(data, sizeof(data) - 1, got, sizeof(got));
		tap_eq_str(got, "domain|country/a.example|N,L/b.example|DE/",
		    "CRLF, BOM, comments");
	}
	/* A BOM only counts on line 1. */
	{
		static const char data[] = "a\n\xef\xbb\xbf" "b\n";
		read_all(data, sizeof(data) - 1, got, sizeof(got));
		tap_eq_str(got, "a/\xef\xbb\xbf" "b/", "BOM on line 2 kept");
	}
	/* NUL, bad quoting: reported with the line, reading goes on. */
	{
		static const char data[] = "a,b\nx\0y,z\n\"open\nc,d\n";
		read_all(data, sizeof(data) - 1, got, sizeof(got));
		tap_eq_str(got, "a|b/E(2: NUL byte (not a text file))/"
		    "E(3: unterminated quoted field)/c|d/", "NUL and quote");
	}
	/* Overlong line: CSV_MAX_LINE bytes pass, one more does not. */
	{
		size_t n = 2 * (CSV_MAX_LINE + 2) + 8;
		char *data = malloc(n), want[128];
		size_t o = 0;

		memset(data + o, 'x', CSV_MAX_LINE);
		o += CSV_MAX_LINE;
		data[o++] = '\n';
		memset(data + o, 'y', CSV_MAX_LINE + 1);
		o += CSV_MAX_LINE + 1;
		data[o++] = '\n';
		memcpy(data + o, "end\n", 4);
		o += 4;
		read_all(data, o, got, sizeof(got));
		tap_ok(strlen(got) == CSV_MAX_LINE + 1 + strlen(
		    "E(2: line longer than 4096 bytes)/end/"),
		    "longest line read, longer refused");
		snprintf(want, sizeof(want), "E(2: line longer than %d "
		    "bytes)/end/", CSV_MAX_LINE);
		tap_eq_str(got + CSV_MAX_LINE + 1, want, "overlong line");
		free(data);
	}
	/* Writing: quoted only when needed; reads back as written. */
	{
		char *buf = NULL, *f[4];
		size_t sz = 0;
		enum csv_error why;
		FILE *m = open_memstream(&buf, &sz);

		csv_field_write(m, "plain");
		fputc(',', m);
		csv_field_write(m, "a,\"b\"");
		fputc(',', m);
		csv_field_write(m, "");
		fclose(m);
		tap_eq_str(buf, "plain,\"a,\"\"b\"\"\",", "field written");
		tap_ok(csv_split(buf, sz, f, 4, &why) == 3 &&
		    strcmp(f[1], "a,\"b\"") == 0 && f[2][0] == '\0',
		    "written field reads back");
		free(buf);
	}
	/* A missing file names itself. */
	{
		char err[256];
		struct csv_file *f = csv_file_open("/nonexistent/x.csv", err,
		    sizeof(err));
		tap_ok(f == NULL, "missing file refused");
		tap_eq_str(err, "/nonexistent/x.csv: No such file or directory",
		    "missing file message");
	}
	return tap_done();
}
