/*
 * test_list.c - list readers: each format, auto detection, normalisation,
 * duplicates, bad lines counted with their line numbers (a 10,000-byte
 * line, NUL bytes, binary junk, CRLF, BOM, bad CSV quoting, zone syntax
 * errors) while the other names are still read, the SHA-256, streaming
 * from files, determinism of the input index over a large list, and the
 * sample lists in tests/lists/ (path given as the first argument).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "list.h"
#include "log.h"
#include "tap.h"
#include "util.h"

#define MAX_GOT 64

struct got {
	int n;
	char domain[MAX_GOT][DNAME_BUF_SIZE];
	int64_t rank[MAX_GOT];
	uint64_t line[MAX_GOT];
	uint64_t index[MAX_GOT];
	struct list_stats st;
	enum list_format fmt;
	int rc;			/* last list_next */
	char err[512];		/* open error */
};

/*
 * tests/lists/, found from this file's path as the compiler saw it (meson
 * compiles "../tests/unit/test_list.c" from the build directory, where
 * the tests run), unless given as the first argument.
 */
static char lists_dir[1024];

/* Read buf[0..len) as fmt into g.  Returns false if open failed. */
static bool
read_mem(const char *buf, size_t len, const char *name,
    enum list_format fmt, struct got *g)
{
	struct list_reader *r;
	struct list_entry e;

	memset(g, 0, sizeof(*g));
	r = list_open_mem(buf, len, name, fmt, g->err, sizeof(g->err));
	if (r == NULL)
		return false;
	while ((g->rc = list_next(r, &e)) == 1) {
		if (g->n < MAX_GOT) {
			strcpy(g->domain[g->n], e.domain);
			g->rank[g->n] = e.rank;
			g->line[g->n] = e.line;
			g->index[g->n] = e.index;
		}
		g->n++;
	}
	list_stats(r, &g->st);
	g->fmt = list_format(r);
	list_close(r);
	return true;
}

static bool
read_str(const char *s, const char *name, enum list_format fmt,
    struct got *g)
{
	return read_mem(s, strlen(s), name, fmt, g);
}

/* The names in g, space-separated, for one comparison. */
static const char *
names(const struct got *g)
{
	static char buf[MAX_GOT * 32];
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < g->n && i < MAX_GOT; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
		    i ? " " : "", g->domain[i]);
	return buf;
}

static void
test_tranco(void)
{
	struct got g;
	const char *in =
	    "1,google.com\r\n"
	    "2,Example.COM.\n"
	    "3,bad_name.com\n"
	    "x,foo.com\n"
	    "4,google.com\n"
	    "\n"
	    "5, xn--bcher-kva.de \n"
	    "6\n"
	    "7,Bücher.de\n";

	tap_ok(read_str(in, "t.csv", LIST_FORMAT_AUTO, &g), "tranco opens");
	tap_eq_str(list_format_str(g.fmt), "tranco", "tranco detected");
	tap_eq_str(names(&g), "google.com example.com xn--bcher-kva.de",
	    "tranco names");
	tap_ok(g.rank[0] == 1 && g.rank[1] == 2 && g.rank[2] == 5,
	    "tranco ranks");
	tap_ok(g.line[0] == 1 && g.line[1] == 2 && g.line[2] == 7,
	    "tranco line numbers");
	tap_ok(g.index[0] == 0 && g.index[1] == 1 && g.index[2] == 2,
	    "indices count yielded names");
	tap_eq_i64((int64_t)g.st.duplicates, 2, "tranco duplicates (ASCII "
	    "and IDN)");
	tap_eq_i64((int64_t)g.st.bad, 3, "tranco bad lines");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_RANK], 1, "bad rank");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_FIELDS], 1, "no comma");
	tap_eq_i64((int64_t)g.st.bad_name_by[DNAME_BAD_CHAR], 1, "bad name");
	tap_eq_i64((int64_t)g.st.lines, 9, "lines counted");
	tap_eq_i64(g.rc, 0, "ends with 0");

	/* A header line is tolerated in an explicit tranco list. */
	read_str("rank,domain\n1,a.example\n", "t", LIST_FORMAT_TRANCO, &g);
	tap_ok(g.n == 1 && g.st.bad == 0, "tranco header tolerated");
	read_str("1,a.example\n99999999999999999999,b.example\n-1,c.example\n",
	    "t", LIST_FORMAT_TRANCO, &g);
	tap_ok(g.n == 1 && g.st.bad_by[LIST_BAD_RANK] == 2,
	    "rank out of range and negative rejected");
}

static void
test_plain(void)
{
	struct got g;
	const char *in =
	    "\xef\xbb\xbf# a comment\r\n"
	    "example.org\r\n"
	    "   \r\n"
	    "WWW.Example.org.   # trailing comment\r\n"
	    "exa#mple.org\r\n"
	    "пример.рф\r\n"
	    "xn--e1afmkfd.xn--p1ai\r\n"
	    "localhost\r\n"
	    "last.example";

	tap_ok(read_str(in, "p.txt", LIST_FORMAT_AUTO, &g), "plain opens");
	tap_eq_str(list_format_str(g.fmt), "plain", "plain detected");
	tap_eq_str(names(&g), "example.org www.example.org "
	    "xn--e1afmkfd.xn--p1ai last.example", "plain names (BOM, CRLF, "
	    "comments, IDN)");
	tap_ok(g.line[0] == 2 && g.line[1] == 4 && g.line[2] == 6 &&
	    g.line[3] == 9, "plain line numbers");
	tap_ok(g.rank[0] == -1, "no rank in a plain list");
	tap_eq_i64((int64_t)g.st.duplicates, 1, "U-label and A-label are one "
	    "name");
	tap_eq_i64((int64_t)g.st.bad_name_by[DNAME_BAD_CHAR], 1,
	    "'#' inside a word is not a comment");
	tap_eq_i64((int64_t)g.st.bad_name_by[DNAME_SINGLE_LABEL], 1,
	    "single label");
	tap_eq_i64((int64_t)g.st.records, 7, "records exclude blank and "
	    "comment lines");

	read_str("", "empty", LIST_FORMAT_AUTO, &g);
	tap_ok(g.n == 0 && g.rc == 0 && g.fmt == LIST_FORMAT_PLAIN,
	    "empty list: no names, plain");
	read_str("\n\n# only comments\n", "c", LIST_FORMAT_AUTO, &g);
	tap_ok(g.n == 0 && g.st.bad == 0, "comments only");
}

static void
test_csv(void)
{
	struct got g;
	const char *in =
	    "Organisation,\"Domain\",Rank,Notes\n"
	    "\"Ministry, of Things\",things.gov.example,3,\n"
	    "\"The \"\"Quoted\"\" Office\",\"quoted.example\",,x\n"
	    "\"Multi\nline\norganisation\",multi.example,7,\"a\nb\"\n"
	    "Short row\n"
	    "Bad,\"x\"y,1,\n"
	    "Rank bad,rb.example,seven,\n"
	    "\"unterminated,open.example,1,\n"
	    "After,after.example,9,\n";

	tap_ok(read_str(in, "gov.csv", LIST_FORMAT_AUTO, &g), "csv opens");
	tap_eq_str(list_format_str(g.fmt), "csv", "csv detected from header");
	tap_eq_str(names(&g), "things.gov.example quoted.example multi.example "
	    "after.example", "csv names");
	tap_ok(g.rank[0] == 3 && g.rank[1] == -1 && g.rank[2] == 7 &&
	    g.rank[3] == 9, "csv ranks (empty is none)");
	tap_ok(g.line[0] == 2 && g.line[1] == 3 && g.line[2] == 4 &&
	    g.line[3] == 12, "csv line numbers (a record's first line)");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_FIELDS], 3,
	    "short row, text after quote, unterminated quote");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_RANK], 1, "bad csv rank");

	tap_ok(!read_str("name,url\na,b.example\n", "x.csv", LIST_FORMAT_CSV,
	    &g), "csv without a domain column refused");
	tap_ok(strstr(g.err, "x.csv:1:") != NULL && strstr(g.err, "domain"),
	    "error names file:line and the column");
	tap_diag("%s", g.err);
	tap_ok(!read_str("", "e.csv", LIST_FORMAT_CSV, &g) &&
	    strstr(g.err, "header") != NULL, "empty csv refused");
	read_str("domain\nsolo.example\n", "one.csv", LIST_FORMAT_AUTO, &g);
	tap_ok(g.fmt == LIST_FORMAT_CSV && g.n == 1, "one-column csv");
	/* Header found after comments and blank lines, with a BOM. */
	read_str("\xef\xbb\xbf# source: somewhere\n\ndomain,rank\na.example,1\n",
	    "c.csv", LIST_FORMAT_CSV, &g);
	tap_ok(g.n == 1 && g.rank[0] == 1 && g.line[0] == 4,
	    "csv header after comments");
}

static void
test_detect(void)
{
	struct got g;

	read_str("rank,domain\n1,a.example\n", "x", LIST_FORMAT_AUTO, &g);
	tap_ok(g.fmt == LIST_FORMAT_CSV && g.rank[0] == 1,
	    "tranco with a header is csv");
	read_str("# t\n1,a.example\n2,b.example\njunk\n", "x",
	    LIST_FORMAT_AUTO, &g);
	tap_ok(g.fmt == LIST_FORMAT_TRANCO, "tranco by majority");
	read_str("a.example\nb.example\n1,c.example\n", "x", LIST_FORMAT_AUTO,
	    &g);
	tap_ok(g.fmt == LIST_FORMAT_PLAIN, "plain by majority");
	tap_ok(!read_str("a,b\nc,d\n", "x", LIST_FORMAT_AUTO, &g) &&
	    strstr(g.err, "--list-format") != NULL,
	    "commas without rank or header: an error naming --list-format");
	read_str("$ORIGIN example.\nfoo NS ns.foo\n", "x", LIST_FORMAT_AUTO,
	    &g);
	tap_ok(g.fmt == LIST_FORMAT_ZONE, "zone by $ORIGIN");
	read_str("; zone\nexample. 3600 IN SOA ns. h. 1 2 3 4 5\n", "x",
	    LIST_FORMAT_AUTO, &g);
	tap_ok(g.fmt == LIST_FORMAT_ZONE, "zone by SOA");
	read_str("foo.example. NS ns.\n", "com.zone", LIST_FORMAT_AUTO, &g);
	tap_ok(g.fmt == LIST_FORMAT_ZONE, "zone by .zone suffix");
	tap_ok(!read_str("\xff\xfe" "a\0.\0", "u16", LIST_FORMAT_AUTO, &g) &&
	    strstr(g.err, "UTF-16") != NULL, "UTF-16 refused");
	{
		enum list_format f;

		tap_ok(list_format_parse("zone", &f) == 0 &&
		    f == LIST_FORMAT_ZONE, "format parse");
		tap_ok(list_format_parse("xml", &f) < 0, "format parse unknown");
	}
}

/* Bad lines of every kind between good ones, in each line format. */
static void
test_hostile(void)
{
	struct got g;
	char *buf = xmalloc(64 * 1024);
	size_t o = 0;
	uint64_t rng = 12345;

#define ADD(s) do { memcpy(buf + o, s, sizeof(s) - 1); o += sizeof(s) - 1; \
	} while (0)
	ADD("good1.example\n");			/* 1 */
	memset(buf + o, 'a', 10000);		/* 2: 10,000 bytes */
	o += 10000;
	ADD("\n");
	ADD("good2.example\n");			/* 3 */
	ADD("nul\0byte.example\n");		/* 4 */
	for (int i = 0; i < 300; i++) {		/* 5: binary junk, no newline */
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		buf[o] = (char)(rng & 0xff);
		if (buf[o] == '\n')
			buf[o] = 'x';
		o++;
	}
	ADD("\n");
	ADD("\x80\x81\x82.example\n");		/* 6: not UTF-8 */
	ADD("good3.example\r\n");		/* 7 */
	memset(buf + o, 'b', LIST_MAX_LINE);	/* 8: exactly the limit */
	o += LIST_MAX_LINE;
	ADD("\n");
	memset(buf + o, 'c', LIST_MAX_LINE + 1); /* 9: one more */
	o += LIST_MAX_LINE + 1;
	ADD("\n");
	ADD("good4.example");			/* 10, no final newline */
#undef ADD
	tap_ok(read_mem(buf, o, "junk.txt", LIST_FORMAT_PLAIN, &g),
	    "junk list opens");
	tap_eq_str(names(&g), "good1.example good2.example good3.example "
	    "good4.example", "good names read around the junk");
	tap_ok(g.line[0] == 1 && g.line[1] == 3 && g.line[2] == 7 &&
	    g.line[3] == 10, "their line numbers");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_LINE_TOO_LONG], 2,
	    "10,000-byte line and limit+1 line too long");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_NUL], 1, "NUL byte line");
	tap_eq_i64((int64_t)g.st.bad_name_by[DNAME_TOO_LONG], 1,
	    "a line of exactly LIST_MAX_LINE is read (and is no name)");
	tap_eq_i64((int64_t)g.st.bad, 6, "six bad lines");
	tap_eq_i64((int64_t)g.st.lines, 10, "ten lines");

	/* The same junk in the other formats: no crash, good lines count. */
	read_mem(buf, o, "junk", LIST_FORMAT_TRANCO, &g);
	tap_ok(g.n == 0 && g.st.lines == 10, "junk as tranco");
	{
		static const char hdr[] = "domain\n";
		char *b2 = xmalloc(o + sizeof(hdr));

		memcpy(b2, hdr, sizeof(hdr) - 1);
		memcpy(b2 + sizeof(hdr) - 1, buf, o);
		read_mem(b2, o + sizeof(hdr) - 1, "junk", LIST_FORMAT_CSV, &g);
		tap_ok(g.n >= 3 && g.st.bad_by[LIST_BAD_LINE_TOO_LONG] == 2,
		    "junk as csv");
		free(b2);
	}
	read_mem(buf, o, "junk", LIST_FORMAT_ZONE, &g);
	tap_ok(g.rc == 0 && g.st.bad_by[LIST_BAD_LINE_TOO_LONG] == 2,
	    "junk as zone");
	free(buf);

	/* Many bad lines: all counted (the log goes quiet after a few). */
	{
		char *many = xmalloc(100 * 8);
		size_t m = 0;

		for (int i = 0; i < 100; i++)
			m += (size_t)sprintf(many + m, "bad_%02d\n", i);
		read_mem(many, m, "many", LIST_FORMAT_PLAIN, &g);
		tap_eq_i64((int64_t)g.st.bad, 100, "100 bad lines counted");
		free(many);
	}
	/* A CSV quote left open over more than LIST_CSV_MAX_SPAN lines. */
	{
		char *c = xmalloc(4096);
		size_t m = (size_t)sprintf(c, "domain,note\n"
		    "open.example,\"never closed\n");

		for (int i = 0; i < LIST_CSV_MAX_SPAN + 4; i++)
			m += (size_t)sprintf(c + m, "n%d.example,x\n", i);
		read_mem(c, m, "q.csv", LIST_FORMAT_CSV, &g);
		tap_eq_i64(g.n, LIST_CSV_MAX_SPAN + 4,
		    "lines after an open quote are read again");
		tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_FIELDS], 1,
		    "the open quote is one bad line");
		free(c);
	}
}

static void
test_zone(void)
{
	struct got g;
	const char *in =
	    "; a TLD zone\n"				/* 1 */
	    "$ORIGIN example.\n"			/* 2 */
	    "$TTL 1h\n"					/* 3 */
	    "@ IN SOA ns1 hostmaster ( 2024010101 ; serial\n"	/* 4 */
	    "    7200 3600 1209600 3600 )\n"		/* 5 */
	    "@ NS ns1\n"				/* 6 */
	    "@ NS ns2.example.\n"			/* 7 */
	    "ns1 A 192.0.2.1\n"				/* 8 */
	    "foo NS ns1.foo\n"				/* 9 */
	    "    NS ns2.foo\n"				/* 10 */
	    "ns1.foo A 192.0.2.2\n"			/* 11 */
	    "Bar 3600 IN NS ns.elsewhere.\n"		/* 12 */
	    "bar NS ns2.elsewhere.\n"			/* 13 */
	    "\n"					/* 14 */
	    "bad NS\n"					/* 15 */
	    "baz IN NS ns.baz ; a comment (\n"		/* 16 */
	    "sub.deep NS ns.x.\n"			/* 17 */
	    "foo NS again.\n"				/* 18 */
	    "txt TXT \"a ; b ( c\"\n"			/* 19 */
	    "broken ( NS x.\n"				/* 20 */
	    "qux NS ns.qux.\n"				/* 21 */
	    "xn--bcher-kva NS ns.b.\n"			/* 22 */
	    "xn--zz- NS ns.c.\n"			/* 23 */
	    "$INCLUDE other.zone\n"			/* 24 */
	    "under_score NS ns.\n"			/* 25 */
	    "other.test. NS ns.\n"			/* 26 */
	    "key DNSKEY 257 3 13 (\n"			/* 27 */
	    "   mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAe\n"
	    "   F48G7gUFGtklVzUCkOrjzGJRlNiYqKEw== )\n"	/* 29 */
	    "$ORIGIN sub\n"				/* 30: relative */
	    "x NS ns.\n"				/* 31: x.sub.example */
	    "$TTL forever\n"				/* 32 */
	    "last.example. NS ns.last.";		/* 33 */

	tap_ok(read_str(in, "example.zone", LIST_FORMAT_AUTO, &g),
	    "zone opens");
	tap_eq_str(names(&g), "foo.example bar.example baz.example "
	    "qux.example xn--bcher-kva.example last.example", "delegations, "
	    "each once");
	tap_ok(g.line[0] == 9 && g.line[1] == 12 && g.line[2] == 16 &&
	    g.line[3] == 21 && g.line[5] == 33, "record line numbers");
	tap_eq_i64((int64_t)g.st.duplicates, 1, "a delegation seen again "
	    "later is a duplicate");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_ZONE_SYNTAX], 2,
	    "'bad NS' and '$TTL forever'");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_ZONE_SPAN], 1,
	    "unclosed '(' reported once");
	tap_eq_i64((int64_t)g.st.bad_by[LIST_BAD_ZONE_INCLUDE], 1,
	    "$INCLUDE not followed");
	tap_eq_i64((int64_t)g.st.bad_name_by[DNAME_BAD_HYPHEN], 1,
	    "bad A-label owner");
	tap_eq_i64((int64_t)g.st.bad_name_by[DNAME_BAD_CHAR], 1,
	    "underscore owner");
	tap_eq_i64((int64_t)g.st.zone_other, 5, "apex NS x2, deeper x2, "
	    "outside x1 are not delegations");
	tap_eq_i64((int64_t)g.st.zone_ns, 16, "NS records counted");

	/* No SOA and no $ORIGIN: NS records cannot be placed. */
	read_str("a.example. NS ns.\n", "noorigin", LIST_FORMAT_ZONE, &g);
	tap_ok(g.n == 0 && g.st.bad_by[LIST_BAD_ZONE_NO_ORIGIN] == 1,
	    "NS before SOA/$ORIGIN reported");
	/* Without $ORIGIN the SOA gives the apex. */
	read_str("com. 86400 IN SOA a.gtld. n. 1 2 3 4 5\n"
	    "google.com. 172800 IN NS ns1.google.com.\n"
	    "google.com. 172800 IN NS ns2.google.com.\n"
	    "ns1.google.com. 172800 IN A 192.0.2.1\n",
	    "c", LIST_FORMAT_ZONE, &g);
	tap_eq_str(names(&g), "google.com", "CZDS-style absolute names");
}

/* SHA-256 of the bytes read, equal to OpenSSL's over the same bytes. */
static void
test_sha256(void)
{
	const char *in = "1,a.example\n2,b.example\n";
	unsigned char d[32];
	unsigned int dl;
	char want[65], got[65];
	struct list_reader *r;
	struct list_entry e;
	char err[256];
	int rc;

	EVP_Digest(in, strlen(in), d, &dl, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(want + 2 * i, "%02x", d[i]);
	r = list_open_mem(in, strlen(in), "s", LIST_FORMAT_AUTO, err,
	    sizeof(err));
	while ((rc = list_next(r, &e)) == 1)
		;
	tap_ok(list_sha256_hex(r, got) == 0, "sha256 after the end");
	tap_eq_str(got, want, "sha256 equals OpenSSL's");
	list_close(r);

	r = list_open_mem(in, strlen(in), "s", LIST_FORMAT_AUTO, err,
	    sizeof(err));
	rc = list_next(r, &e);
	tap_ok(rc == 1 && list_sha256_hex(r, got) == 0 &&
	    strcmp(got, want) == 0, "sha256 half way reads the rest");
	tap_eq_i64(list_next(r, &e), 0, "then the reader is at its end");
	list_close(r);
	tap_eq_str("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    (r = list_open_mem("", 0, "z", LIST_FORMAT_PLAIN, err,
	    sizeof(err)), list_sha256_hex(r, got), got), "sha256 of nothing");
	list_close(r);
}

/* A large list from a file: streaming, dedupe, same indices twice. */
static void
test_large_file(void)
{
	char path[] = "/tmp/test_list.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	const uint64_t n = 200000;
	uint64_t sum[2] = { 0, 0 }, cnt[2] = { 0, 0 };
	struct list_stats st;
	char err[512], hex[65];

	for (uint64_t i = 0; i < n; i++)
		fprintf(f, "%llu,d%llu.example\n", (unsigned long long)i + 1,
		    (unsigned long long)(i % 3 == 2 ? i - 1 : i));
	fclose(f);
	for (int pass = 0; pass < 2; pass++) {
		struct list_reader *r = list_open(path, LIST_FORMAT_AUTO, err,
		    sizeof(err));
		struct list_entry e;
		bool order = true;

		if (!tap_ok(r != NULL, "large list opens (pass %d)", pass)) {
			tap_diag("%s", err);
			break;
		}
		while (list_next(r, &e) == 1) {
			if (e.index != cnt[pass])
				order = false;
			sum[pass] += e.index * (uint64_t)e.rank;
			cnt[pass]++;
		}
		tap_ok(order, "indices are 0, 1, 2, ...");
		list_stats(r, &st);
		tap_eq_i64(list_size(r), (int64_t)st.bytes, "size known, all "
		    "bytes read");
		tap_ok(list_sha256_hex(r, hex) == 0, "sha256 of a file");
		list_close(r);
	}
	tap_eq_i64((int64_t)cnt[0], (int64_t)(n - n / 3), "duplicates dropped");
	tap_eq_i64((int64_t)st.duplicates, (int64_t)(n / 3),
	    "duplicates counted");
	tap_ok(sum[0] == sum[1] && cnt[0] == cnt[1],
	    "same index and rank for every name on a second read");
	unlink(path);

	tap_ok(list_open("/nonexistent/list.txt", LIST_FORMAT_AUTO, err,
	    sizeof(err)) == NULL && strstr(err, "/nonexistent/list.txt") &&
	    strstr(err, "No such file"), "missing file: error names it");
	tap_ok(list_open("/tmp", LIST_FORMAT_AUTO, err, sizeof(err)) == NULL &&
	    strstr(err, "directory"), "a directory is refused");
}

/* The sample lists of tests/lists/. */
static void
test_samples(void)
{
	static const struct {
		const char *file;
		enum list_format fmt;
		uint64_t yielded, bad;
	} samples[] = {
		{ "tranco-sample.csv", LIST_FORMAT_TRANCO, 8, 2 },
		{ "gov-sample.csv", LIST_FORMAT_CSV, 6, 2 },
		{ "plain-idn.txt", LIST_FORMAT_PLAIN, 7, 3 },
		{ "bad-mixed.txt", LIST_FORMAT_PLAIN, 5, 7 },
		{ "example.zone", LIST_FORMAT_ZONE, 5, 3 },
	};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char path[sizeof(lists_dir) + 64], err[512];
		struct list_reader *r;
		struct list_entry e;
		struct list_stats st;

		snprintf(path, sizeof(path), "%s/%s", lists_dir,
		    samples[i].file);
		r = list_open(path, LIST_FORMAT_AUTO, err, sizeof(err));
		if (!tap_ok(r != NULL, "%s opens", samples[i].file)) {
			tap_diag("%s", err);
			continue;
		}
		while (list_next(r, &e) == 1)
			;
		list_stats(r, &st);
		tap_eq_str(list_format_str(list_format(r)),
		    list_format_str(samples[i].fmt), "  format");
		tap_eq_i64((int64_t)st.yielded, (int64_t)samples[i].yielded,
		    "  names");
		tap_eq_i64((int64_t)st.bad, (int64_t)samples[i].bad,
		    "  bad lines");
		list_close(r);
	}
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		snprintf(lists_dir, sizeof(lists_dir), "%s", argv[1]);
	} else {
		const char *slash = strrchr(__FILE__, '/');
		int n = slash != NULL ? (int)(slash - __FILE__) : 1;

		if (snprintf(lists_dir, sizeof(lists_dir), "%.*s/../lists", n,
		    slash != NULL ? __FILE__ : ".") >= (int)sizeof(lists_dir))
			return 1;
	}
	/* Bad-line reports go to stderr; keep them (meson logs them). */
	test_tranco();
	test_plain();
	test_csv();
	test_detect();
	test_hostile();
	test_zone();
	test_sha256();
	test_large_file();
	test_samples();
	return tap_done();
}
