/*
 * hstspreload.h - HSTS preload-list membership (the hsts_preloaded column,
 * docs/web.md): Chromium's transport_security_state_static.json, given as
 * --hsts-preload FILE, read once at start-up.
 *
 * The file is a JSON object whose "entries" array holds objects with
 * "name", "mode" ("force-https" for HSTS) and "include_subdomains"; its
 * "//" comment lines (a line whose first non-blank characters are "//")
 * are dropped before jansson parses it.  Only entries with mode
 * force-https count; the others (pinning only) are skipped.
 */
#ifndef UPTAKE_CRAWLER_HSTSPRELOAD_H
#define UPTAKE_CRAWLER_HSTSPRELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of the file (Chromium's was about 15 MB and 160,000 entries in
 * 2024: room to grow tenfold, and a file past it is not that list). */
#define HSTS_PRELOAD_MAX_BYTES (256u << 20)
#define HSTS_PRELOAD_MAX_ENTRIES 2000000u
/* A name longer than a DNS name (253 characters) is no host. */
#define HSTS_PRELOAD_MAX_NAME 253

struct hsts_preload;

/*
 * Parse a list from buf (len bytes; comment lines are dropped in a copy).
 * NULL with one line in err saying what is wrong (and where: the JSON
 * line, the entry's index).  Caller frees with hsts_preload_free.
 */
struct hsts_preload *hsts_preload_parse(const char *buf, size_t len,
	char *err, size_t errlen);
/* Read and parse path; err names nothing but the fault (the caller names
 * the flag and the file). */
struct hsts_preload *hsts_preload_load(const char *path, char *err,
	size_t errlen);
void hsts_preload_free(struct hsts_preload *p);

/*
 * host (case-insensitive, trailing dot ignored) is preloaded: listed with
 * mode force-https, or below a listed force-https name whose
 * include_subdomains is true.
 */
bool hsts_preload_has(const struct hsts_preload *p, const char *host);

/* Entries kept (force-https), entries in the file, bytes read, and the
 * file's SHA-256 in hex (65 bytes): for the summary and provenance. */
size_t hsts_preload_count(const struct hsts_preload *p);
size_t hsts_preload_entries(const struct hsts_preload *p);
uint64_t hsts_preload_bytes(const struct hsts_preload *p);
const char *hsts_preload_sha256(const struct hsts_preload *p);

#endif
