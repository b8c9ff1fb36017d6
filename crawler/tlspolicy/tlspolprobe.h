/*
 * tlspolprobe.h - the tlspolicy stage of a domain job (issue 17, point 1):
 * what the web server accepts, not only what it negotiated with us.
 *
 * After the web stage, for a domain whose measured handshake completed,
 * the scan of tlspolscan.h against the same address and SNI name, through
 * the crawl-wide cache of tlspolcache.h (never twice against one address,
 * port and name), at most conns_per_addr scans at a time to one address
 * (conncap.h, the web stage's politeness bound).  Its result becomes the
 * tls_scan_* and tls_* policy columns (docs/web.md, "TLS policy").
 * Off by default: --probes ...,tlspolicy.
 */
#ifndef UPTAKE_CRAWLER_TLSPOLPROBE_H
#define UPTAKE_CRAWLER_TLSPOLPROBE_H

#include <stdbool.h>
#include <stddef.h>

struct crawl;
struct job;
struct tlspol_ctx;

/* A context for the crawl: its own TLS context (tlsscan_ctx_new), the
 * cache, the per-address cap.  NULL with err set on failure. */
struct tlspol_ctx *tlspol_ctx_new(struct crawl *c, unsigned max_per_addr,
	char *err, size_t errlen);
void tlspol_ctx_free(struct tlspol_ctx *t);
/* One line for the crawl's summary: scans, reused, ended early. */
void tlspol_ctx_summary(const struct tlspol_ctx *t, char *buf, size_t len);

bool tlspolprobe_wanted(const struct job *j);
/* true: the stage ends later through j->stage_done. */
bool tlspolprobe_start(struct job *j);
/* The domain's deadline: the stage's wait is dropped, its columns null. */
void tlspolprobe_abort(struct job *j);
void tlspolprobe_fini(struct job *j);

#endif
