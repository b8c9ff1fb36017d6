/*
 * test_geo.c - MaxMind DB files that are not usable fail at open with a
 * message naming the file.  Lookups in real databases are checked by
 * addr-truth (tests/e2e/addrcheck.c) on the testbed's geo.mmdb/asn.mmdb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo.h"
#include "tap.h"

static void
bad_file(const char *name, const unsigned char *data, size_t len)
{
	char path[] = "/tmp/test_geo.XXXXXX", err[512];
	int fd = mkstemp(path);
	struct geo_db *db;

	if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t)len)) {
		tap_ok(false, "%s: temp file", name);
		return;
	}
	close(fd);
	err[0] = '\0';
	db = geo_db_open(path, GEO_KIND_COUNTRY, err, sizeof(err));
	tap_ok(db == NULL && strstr(err, path) != NULL, "%s: %s", name, err);
	geo_db_close(db);
	unlink(path);
}

int
main(void)
{
	static const unsigned char marker[] = "\xab\xcd\xefMaxMind.com";
	unsigned char buf[4096];
	char err[512];
	size_t i;

	tap_ok(geo_db_open("/nonexistent/geo.mmdb", GEO_KIND_COUNTRY, err,
	    sizeof(err)) == NULL && strstr(err, "/nonexistent/geo.mmdb") !=
	    NULL, "missing file: %s", err);
	bad_file("empty file", NULL, 0);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	bad_file("random bytes", buf, sizeof(buf));
	/* The metadata marker followed by junk instead of a map. */
	memcpy(buf + sizeof(buf) - 64, marker, sizeof(marker) - 1);
	bad_file("marker and junk metadata", buf, sizeof(buf));
	geo_db_close(NULL);
	tap_ok(true, "close(NULL)");
	return tap_done();
}
