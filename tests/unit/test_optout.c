/*
 * test_optout.c - the opt-out list: domains cover their subdomains on
 * label boundaries only, prefixes of both families, comments, CRLF, BOM,
 * IDNs, and every bad line is an error naming file and line.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netaddr.h"
#include "optout.h"
#include "tap.h"

static void
test_good(void)
{
	const char *in =
	    "\xef\xbb\xbf# opt-out requests\r\n"
	    "example.com\r\n"
	    "Opted.Example.ORG.   # asked 2024-05-01\r\n"
	    "\r\n"
	    "   \t\n"
	    "bücher.de\n"
	    "example.com\n"
	    "192.0.2.0/24\n"
	    "198.51.100.7\n"
	    "2001:db8:42::/48\n"
	    "::ffff:203.0.113.0/120\n"
	    "deep.sub.example.net";
	char err[256];
	struct optout *o = optout_parse(in, strlen(in), "opt.txt", err,
	    sizeof(err));
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct netaddr na;

	if (!tap_ok(o != NULL, "opt-out list parses")) {
		tap_diag("%s", err);
		return;
	}
	tap_eq_i64((int64_t)optout_domain_count(o), 4, "four domains (one "
	    "twice)");
	tap_eq_i64((int64_t)optout_prefix_count(o), 4, "four prefixes");
	tap_ok(optout_has_domain(o, "example.com"), "the domain itself");
	tap_ok(optout_has_domain(o, "www.example.com"), "a subdomain");
	tap_ok(optout_has_domain(o, "a.b.c.example.com"), "a deep subdomain");
	tap_eq_str(optout_match_domain(o, "a.b.example.com"), "example.com",
	    "the matching entry");
	tap_ok(!optout_has_domain(o, "badexample.com"),
	    "not a suffix on a label boundary");
	tap_ok(!optout_has_domain(o, "example.co"), "other name");
	tap_ok(!optout_has_domain(o, "com"), "not the parent");
	tap_ok(optout_has_domain(o, "opted.example.org"), "normalised entry");
	tap_ok(!optout_has_domain(o, "example.org"), "parent not opted out");
	tap_ok(optout_has_domain(o, "shop.xn--bcher-kva.de"),
	    "IDN entry as A-label");
	tap_ok(optout_has_domain(o, "x.deep.sub.example.net") &&
	    !optout_has_domain(o, "sub.example.net"), "deep entry");
	tap_ok(optout_has_addr_text(o, "192.0.2.99") &&
	    !optout_has_addr_text(o, "192.0.3.1"), "IPv4 prefix");
	tap_ok(optout_has_addr_text(o, "198.51.100.7") &&
	    !optout_has_addr_text(o, "198.51.100.8"), "a host");
	tap_ok(optout_has_addr_text(o, "2001:db8:42:1::1") &&
	    !optout_has_addr_text(o, "2001:db8:43::1"), "IPv6 prefix");
	tap_ok(optout_has_addr_text(o, "203.0.113.77"),
	    "IPv4-mapped prefix is an IPv4 prefix");
	tap_ok(!optout_has_addr_text(o, "junk"), "junk address: no match");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	tap_ok(netaddr_from_sockaddr((struct sockaddr *)&sin, &na) == 0 &&
	    optout_has_addr(o, &na), "sockaddr_in");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &sin6.sin6_addr);
	tap_ok(netaddr_from_sockaddr((struct sockaddr *)&sin6, &na) == 0 &&
	    optout_has_addr(o, &na), "IPv4-mapped sockaddr_in6");
	optout_free(o);

	o = optout_parse("", 0, "empty", err, sizeof(err));
	tap_ok(o != NULL && !optout_has_domain(o, "example.com") &&
	    !optout_has_addr_text(o, "192.0.2.1"), "empty list");
	optout_free(o);
	optout_free(NULL);
	tap_ok(!optout_has_domain(NULL, "example.com"), "NULL list");
}

static void
test_bad(void)
{
	static const struct {
		const char *in, *want;
	} bad[] = {
		{ "ok.example\nlocalhost\n", "opt.txt:2: 'localhost'" },
		{ "*.example.com\n", "opt.txt:1: '*.example.com': no wildcards" },
		{ "a\nb.example\n\nunder_score.example\n", "opt.txt:1:" },
		{ "ok.example\n\n\nunder_score.example\n", "opt.txt:4:" },
		{ "10.0.0.1/8\n", "opt.txt:1: '10.0.0.1/8': bits set" },
		{ "2001:db8::/129\n", "opt.txt:1:" },
		{ "192.0.2.0/24 # ok\n10/8\n", "opt.txt:2: '10/8'" },
		{ "example.com extra\n", "opt.txt:1:" },
		{ "nul\0.example\n", "opt.txt:1: NUL byte" },
		{ "https://example.com/\n", "opt.txt:1:" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i].in);
		struct optout *o;

		if (i == 8)
			len = 13;
		o = optout_parse(bad[i].in, len, "opt.txt", err, sizeof(err));
		if (!tap_ok(o == NULL && strncmp(err, bad[i].want,
		    strlen(bad[i].want)) == 0, "bad opt-out line: %s",
		    bad[i].want))
			tap_diag("  got: %s", o ? "(accepted)" : err);
		optout_free(o);
	}
	{
		char *big = malloc(OPTOUT_MAX_LINE + 10);
		struct optout *o;

		memset(big, 'a', OPTOUT_MAX_LINE + 9);
		big[OPTOUT_MAX_LINE + 9] = '\n';
		o = optout_parse(big, OPTOUT_MAX_LINE + 10, "opt.txt", err,
		    sizeof(err));
		tap_ok(o == NULL && strstr(err, "opt.txt:1: line longer"),
		    "overlong line: %s", err);
		free(big);
	}
}

static void
test_file(void)
{
	char path[] = "/tmp/test_optout.XXXXXX";
	int fd = mkstemp(path);
	char err[512];
	struct optout *o;
	static const char body[] = "example.com\n192.0.2.0/24\n";

	if (write(fd, body, sizeof(body) - 1) != (ssize_t)sizeof(body) - 1)
		tap_ok(false, "write temp file");
	close(fd);
	o = optout_load(path, err, sizeof(err));
	tap_ok(o != NULL && optout_has_domain(o, "a.example.com") &&
	    optout_has_addr_text(o, "192.0.2.3"), "optout_load reads a file");
	optout_free(o);
	fd = open(path, O_WRONLY | O_APPEND);
	if (write(fd, "bad line\n", 9) != 9)
		tap_ok(false, "append");
	close(fd);
	o = optout_load(path, err, sizeof(err));
	tap_ok(o == NULL && strstr(err, path) != NULL &&
	    strstr(err, ":3:") != NULL, "file error names path:line: %s", err);
	unlink(path);
	o = optout_load("/nonexistent/optout", err, sizeof(err));
	tap_ok(o == NULL && strstr(err, "/nonexistent/optout: No such file"),
	    "missing file: %s", err);
	o = optout_load("/tmp", err, sizeof(err));
	tap_ok(o == NULL && strstr(err, "not a regular file"),
	    "a directory: %s", err);
}

int
main(void)
{
	test_good();
	test_bad();
	test_file();
	return tap_done();
}
