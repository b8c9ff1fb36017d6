/*
 * test_hstspreload.c - HSTS preload-list membership (crawler/web/
 * hstspreload.c): Chromium's JSON format with its // comment lines, the
 * include_subdomains rule of docs/web.md, and malformed files named.
 */
#include <string.h>

#include "hstspreload.h"
#include "tap.h"

#define S(x) (x), strlen(x)

static const char LIST[] =
    "// Copyright comment as in Chromium's file\n"
    "{\n"
    "  // The entries.\n"
    "  \"pinsets\": [],\n"
    "  \"entries\": [\n"
    "    { \"name\": \"pre.example\", \"policy\": \"custom\", "
    "\"mode\": \"force-https\" },\n"
    "    { \"name\": \"Parent.Example\", \"policy\": \"custom\", "
    "\"mode\": \"force-https\", \"include_subdomains\": true },\n"
    "    { \"name\": \"pinonly.example\", \"policy\": \"custom\", "
    "\"include_subdomains\": true },\n"
    "    // a comment between entries\n"
    "    { \"name\": \"other.example\", \"policy\": \"test\", "
    "\"mode\": \"force-https\", \"include_subdomains\": false }\n"
    "  ]\n"
    "}\n";

static void
bad(const char *text, const char *want, const char *what)
{
	char err[256] = "";
	struct hsts_preload *p = hsts_preload_parse(S(text), err, sizeof(err));

	tap_ok(p == NULL && strstr(err, want) != NULL, "%s: %s", what, err);
	hsts_preload_free(p);
}

int
main(void)
{
	char err[256] = "";
	struct hsts_preload *p = hsts_preload_parse(S(LIST), err, sizeof(err));

	if (!tap_ok(p != NULL, "the list parses (%s)", err))
		return tap_done();
	tap_eq_i64((int64_t)hsts_preload_entries(p), 4, "4 entries in the file");
	tap_eq_i64((int64_t)hsts_preload_count(p), 3, "3 of them force-https");
	tap_eq_i64((int64_t)strlen(hsts_preload_sha256(p)), 64, "a SHA-256");
	tap_ok(hsts_preload_has(p, "pre.example"), "listed");
	tap_ok(hsts_preload_has(p, "PRE.example."), "case and final dot");
	tap_ok(!hsts_preload_has(p, "www.pre.example"),
	    "below a listed name without include_subdomains: not");
	tap_ok(hsts_preload_has(p, "parent.example"), "parent listed");
	tap_ok(hsts_preload_has(p, "a.b.parent.example"),
	    "two labels below a parent with include_subdomains");
	tap_ok(!hsts_preload_has(p, "xparent.example"),
	    "a label suffix is not a parent");
	tap_ok(!hsts_preload_has(p, "pinonly.example"),
	    "an entry without mode force-https: not");
	tap_ok(!hsts_preload_has(p, "www.other.example"),
	    "include_subdomains false");
	tap_ok(!hsts_preload_has(p, "example"), "the parent's parent: not");
	tap_ok(!hsts_preload_has(p, ""), "empty host");
	hsts_preload_free(p);

	bad("{ \"entries\": [ }", "not JSON at line 1", "broken JSON");
	bad("[]", "no \"entries\" array", "not an object");
	bad("{ \"entries\": {} }", "no \"entries\" array", "entries not array");
	bad("{ \"entries\": [ { \"mode\": \"force-https\" } ] }",
	    "entry 0: no host name", "entry without a name");
	bad("{ \"entries\": [ { \"name\": \"a b\" } ] }",
	    "entry 0: no host name", "a name with a space");
	bad("{ \"entries\": [ { \"name\": \"a.example\", \"mode\": 1 } ] }",
	    "entry 0 (a.example): \"mode\" is not a string", "mode not text");
	bad("{ \"entries\": [ { \"name\": \"a.example\", "
	    "\"include_subdomains\": \"yes\" } ] }",
	    "\"include_subdomains\" is not true or false", "subdomains text");
	bad("{\n// x\n\"entries\": [\n1,\n] }", "not JSON at line 5",
	    "the JSON line counted with comment lines");
	p = hsts_preload_load("/nonexistent/hsts.json", err, sizeof(err));
	tap_ok(p == NULL && strstr(err, "No such file") != NULL,
	    "missing file: %s", err);
	return tap_done();
}
