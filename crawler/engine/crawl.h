/*
 * crawl.h - the state of one crawl shared by the scheduler and the probes:
 * configuration (written once by main), the loop, the resolver engine, the
 * DNSSEC validator and the counters of the summary.
 */
#ifndef UPTAKE_CRAWLER_CRAWL_H
#define UPTAKE_CRAWLER_CRAWL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>

#include "dnssec.h"
#include "query.h"

struct addr_ctx;
struct loop;
struct snapshot_writer;
struct blocklist;
struct optout;
struct shard;
struct sched;
struct web_ctx;
struct mail_ctx;
struct dnspolicy_ctx;
struct regdom;
struct spf_ctx;
struct servers_ctx;
struct tlspol_ctx;

/* Probes selectable with --probes. */
enum probe {
	PROBE_DNS = 1 << 0,
	PROBE_DNSSEC = 1 << 1,
	PROBE_RPKI = 1 << 2,
	PROBE_GEO = 1 << 3,
	PROBE_TLS = 1 << 4,
	PROBE_HTTP = 1 << 5,
	PROBE_MAIL = 1 << 6,
	PROBE_NS = 1 << 7,	/* SOA queries straight to the NS hosts */
	/* What the web server accepts (tlspolprobe.h): up to 16 more
	 * handshakes per (address, name), so not in the default set. */
	PROBE_TLSPOLICY = 1 << 8,
};
/* The default set ("all"); PROBE_TLSPOLICY is asked for by name. */
#define PROBE_ALL (PROBE_DNS | PROBE_DNSSEC | PROBE_RPKI | PROBE_GEO | \
	PROBE_TLS | PROBE_HTTP | PROBE_MAIL | PROBE_NS)

struct crawl_config {
	const char *list_path;
	const char *list_format;	/* auto, tranco, plain, csv, zone */
	const char *list_name;
	const char *out_dir;
	const char *resolvers;		/* NULL: the system's */
	const char *trust_anchor;
	time_t validation_time;
	unsigned probes;
	unsigned concurrency;
	double rate;
	unsigned timeout_s;		/* per-domain deadline */
	unsigned query_timeout_ms;
	unsigned query_tries;
	uint64_t part_rows;
	const char *opt_out;
	const char *allow_prefix;
	const char *user_agent;
	const char *ca_file;		/* --ca-file: roots for cert_verify */
	const char *shard_arg;
	bool progress;
	bool quiet;
	uint64_t limit;			/* --top N: first N domains, 0: all */
	const char *vrps;		/* --vrps FILE or rtr://HOST:PORT */
	const char *bgp;		/* --bgp FILE */
	const char *geoip;		/* --geoip FILE */
	const char *asn_db;		/* --asn-db FILE */
	unsigned mx_max;		/* --mx-max: MX hosts tested */
	const char *ehlo_name;		/* --ehlo-name: our name in EHLO */
	char *command_line;
};

struct crawl_counters {
	uint64_t started;
	uint64_t finished;
	uint64_t skipped_done;		/* already in the snapshot (resume) */
	uint64_t skipped_shard;
	uint64_t skipped_optout;
	uint64_t deadline;		/* hit --timeout */
	uint64_t dns_ok, dns_nxdomain, dns_servfail, dns_timeout, dns_other;
	uint64_t secure, insecure, bogus, indeterminate;
	uint64_t write_errors;
};

struct crawl {
	const struct crawl_config *cfg;
	struct loop *loop;
	struct query_engine *qe;
	struct val_ctx *val;
	struct snapshot_writer *snap;
	struct crawl_counters n;
	LIST_HEAD(job_list, job) jobs;	/* in flight */
	unsigned inflight;
	bool stopping;			/* SIGINT/SIGTERM: abandon in-flight work */
	const struct addr_ctx *addr;	/* routing and geo data, or NULL */
	struct web_ctx *web;		/* TLS and HTTP probes, or NULL */
	struct mail_ctx *mail;		/* the mail probe, or NULL */
	struct dnspolicy_ctx *dnspolicy;	/* DMARC, DKIM hint, CAA tree
					 * (dnspolicy.h), or NULL */
	const struct regdom *regdom;	/* the Public Suffix List (registrable
					 * domains), or NULL */
	struct spf_ctx *spf;		/* the SPF table (spfprobe.h), or NULL */
	struct servers_ctx *servers;	/* the servers stage, or NULL */
	struct tlspol_ctx *tlspol;	/* the TLS policy scan, or NULL */
	struct sched *sched;		/* the scheduler running the crawl */
	LIST_HEAD(vq_list, vq) vqs;	/* validator queries outstanding
					 * (dnsprobe.c) */
};

#endif
