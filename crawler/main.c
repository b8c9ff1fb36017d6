/*
 * main.c - uptake-crawl: command line, start-up, summary.
 *
 * Start-up and configuration errors print one line naming the flag or file
 * and exit 2.  A completed crawl exits 0 (domain failures are data); an
 * interrupted one, or one stopped because the snapshot cannot be written
 * (one line says which file, which call, why), exits 3 with the snapshot
 * resumable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "addr.h"
#include "blocklist.h"
#include "conncap.h"
#include "crawl.h"
#include "dnspolicy.h"
#include "dnsprobe.h"
#include "dnssec.h"
#include "hstspreload.h"
#include "list.h"
#include "log.h"
#include "loop.h"
#include "mailprobe.h"
#include "tlspolprobe.h"
#include "mailsum.h"
#include "optout.h"
#include "query.h"
#include "regdom.h"
#include "scheduler.h"
#include "serversprobe.h"
#include "shard.h"
#include "snapshot.h"
#include "spfprobe.h"
#include "util.h"
#include "vrp.h"
#include "webprobe.h"

#define DEFAULT_TRUST_ANCHOR "/usr/share/dns/root.key"
#define DEFAULT_CONCURRENCY 200		/* a laptop on a home line */
#define DEFAULT_TIMEOUT_S 30
#define DEFAULT_QUERY_TIMEOUT_MS 2000
#define DEFAULT_QUERY_TRIES 3
#define DEFAULT_PART_ROWS 100000
#define MAX_CONCURRENCY 100000
#define DEFAULT_USER_AGENT \
	"uptake/" UPTAKE_VERSION " (security standards measurement; " \
	"+https://github.com/uptake-measurement/uptake)"

enum {
	OPT_LIST = 256, OPT_OUT, OPT_LIST_FORMAT, OPT_LIST_NAME, OPT_RESOLVER,
	OPT_TRUST_ANCHOR, OPT_VALIDATION_TIME, OPT_PROBES, OPT_CONCURRENCY,
	OPT_RATE, OPT_TIMEOUT, OPT_SHARD, OPT_OPT_OUT, OPT_ALLOW_PREFIX,
	OPT_USER_AGENT, OPT_PROGRESS, OPT_QUIET, OPT_TOP, OPT_PART_ROWS,
	OPT_QUERY_TIMEOUT, OPT_QUERY_TRIES, OPT_HELP, OPT_VERSION, OPT_VERBOSE,
	OPT_QUERIES_IN_FLIGHT, OPT_VRPS, OPT_BGP, OPT_GEOIP, OPT_ASN_DB,
	OPT_CA_FILE, OPT_CONNS_PER_ADDR,
	OPT_REGISTRABLE, OPT_RTR_WAIT, OPT_MX_MAX, OPT_EHLO_NAME, OPT_SMTP_PORT,
	OPT_HSTS_PRELOAD,
};

static const struct option long_opts[] = {
	{ "list", required_argument, NULL, OPT_LIST },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "list-format", required_argument, NULL, OPT_LIST_FORMAT },
	{ "list-name", required_argument, NULL, OPT_LIST_NAME },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR },
	{ "validation-time", required_argument, NULL, OPT_VALIDATION_TIME },
	{ "probes", required_argument, NULL, OPT_PROBES },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "query-timeout", required_argument, NULL, OPT_QUERY_TIMEOUT },
	{ "query-tries", required_argument, NULL, OPT_QUERY_TRIES },
	{ "queries-in-flight", required_argument, NULL, OPT_QUERIES_IN_FLIGHT },
	{ "vrps", required_argument, NULL, OPT_VRPS },
	{ "bgp", required_argument, NULL, OPT_BGP },
	{ "geoip", required_argument, NULL, OPT_GEOIP },
	{ "asn-db", required_argument, NULL, OPT_ASN_DB },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "hsts-preload", required_argument, NULL, OPT_HSTS_PRELOAD },
	{ "conns-per-addr", required_argument, NULL, OPT_CONNS_PER_ADDR },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "opt-out", required_argument, NULL, OPT_OPT_OUT },
	{ "allow-prefix", required_argument, NULL, OPT_ALLOW_PREFIX },
	{ "user-agent", required_argument, NULL, OPT_USER_AGENT },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "registrable", no_argument, NULL, OPT_REGISTRABLE },
	{ "rtr-wait", required_argument, NULL, OPT_RTR_WAIT },
	{ "mx-max", required_argument, NULL, OPT_MX_MAX },
	{ "ehlo-name", required_argument, NULL, OPT_EHLO_NAME },
	{ "smtp-port", required_argument, NULL, OPT_SMTP_PORT },
	{ "part-rows", required_argument, NULL, OPT_PART_ROWS },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: uptake-crawl --list FILE --out SNAPSHOT_DIR\n"
"         [--list-format auto|tranco|plain|csv|zone] [--list-name NAME] [--top N]\n"
"         [--registrable]\n"
"         [--resolver ADDR[:PORT][,ADDR...]] [--trust-anchor FILE]\n"
"         [--validation-time UNIX_SECONDS] [--probes dns,dnssec,...]\n"
"         [--concurrency N] [--rate QPS] [--timeout SECONDS]\n"
"         [--query-timeout MS] [--query-tries N] [--queries-in-flight N]\n"
"         [--shard K/N] [--vrps FILE|rtr://HOST:PORT] [--rtr-wait SECONDS]\n"
"         [--bgp FILE]\n"
"         [--geoip FILE] [--asn-db FILE] [--ca-file FILE] [--conns-per-addr N]\n"
"         [--hsts-preload FILE]\n"
"         [--opt-out FILE] [--allow-prefix CIDR[,CIDR...]] [--user-agent STRING]\n"
"         [--mx-max N] [--ehlo-name NAME] [--smtp-port PORT]\n"
"         [--part-rows N] [--progress|--quiet] [--verbose]\n"
"See docs/uptake-crawl.md.\n");
}

static uint64_t
num_arg(const char *flag, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_u64(s, strlen(s), max, &v) != 0 || v < min)
		fatal(2, "%s %s: expected a whole number in %llu..%llu", flag, s,
		    (unsigned long long)min, (unsigned long long)max);
	return v;
}

/* The probes by name, in canonical order (--probes, uptake.probes). */
static const struct {
	const char *name;
	unsigned bit;
} probe_names[] = {
	{ "dns", PROBE_DNS }, { "dnssec", PROBE_DNSSEC },
	{ "rpki", PROBE_RPKI }, { "geo", PROBE_GEO },
	{ "tls", PROBE_TLS }, { "http", PROBE_HTTP }, { "mail", PROBE_MAIL },
	{ "ns", PROBE_NS }, { "tlspolicy", PROBE_TLSPOLICY },
};
#define NPROBE_NAMES (sizeof(probe_names) / sizeof(probe_names[0]))

static unsigned
parse_probes(const char *s)
{
	unsigned out = 0;
	char *copy = xstrdup(s), *tok, *save = NULL;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			out |= PROBE_ALL;
			continue;
		}
		for (i = 0; i < NPROBE_NAMES; i++)
			if (strcmp(tok, probe_names[i].name) == 0)
				break;
		if (i == NPROBE_NAMES)
			fatal(2, "--probes: unknown probe '%s' (dns, dnssec, "
			    "rpki, geo, tls, http, mail, ns, tlspolicy)", tok);
		out |= probe_names[i].bit;
	}
	free(copy);
	if (out == 0)
		fatal(2, "--probes: empty");
	/* The TLS policy scan starts from the web stage's handshake. */
	if (out & PROBE_TLSPOLICY)
		out |= PROBE_TLS;
	/* DNS is needed by every other probe. */
	return out | PROBE_DNS;
}

static char *
join_argv(int argc, char **argv)
{
	size_t cap = 1, i, len = 0;
	char *s;

	for (i = 0; i < (size_t)argc; i++)
		cap += strlen(argv[i]) * 4 + 3;
	s = xmalloc(cap);
	s[0] = '\0';
	for (i = 0; i < (size_t)argc; i++) {
		const char *a = argv[i];
		bool plain = a[0] != '\0' && strspn(a,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-_./=:,+@%") == strlen(a);

		if (i > 0)
			s[len++] = ' ';
		if (plain) {
			len += (size_t)sprintf(s + len, "%s", a);
			continue;
		}
		s[len++] = '\'';
		for (; *a; a++) {
			if (*a == '\'')
				len += (size_t)sprintf(s + len, "'\\''");
			else
				s[len++] = *a;
		}
		s[len++] = '\'';
		s[len] = '\0';
	}
	s[len] = '\0';
	return s;
}

/*
 * SHA-256 of what fd in holds, as hex, read to its end; every chunk is
 * also written to fd out unless out is -1.  Returns 0, or -1 with errno.
 */
static int
sha256_fd(int in, int out, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int e;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		if (out >= 0 && write(out, buf, (size_t)n) != n)
			goto fail;
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	hex[2 * mdlen] = '\0';
	return 0;
fail:
	e = errno;
	EVP_MD_CTX_free(ctx);
	errno = e;
	return -1;
}

static int
sha256_file(const char *path, char hex[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, e;

	if (fd < 0)
		return -1;
	rc = sha256_fd(fd, -1, hex);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/*
 * --list -: standard input is copied to an unlinked temporary file (in
 * $TMPDIR, else /tmp) and hashed on the way, and that file becomes the
 * standard input the list reader reads: the checksum is known before the
 * first part is written, memory stays flat, and messages still name
 * standard input.  Returns 0, or -1 with errno set.
 */
static int
spool_stdin(char hex[65])
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd, e;

	snprintf(path, sizeof(path), "%s/uptake-list-XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	unlink(path);
	if (sha256_fd(STDIN_FILENO, fd, hex) != 0 ||
	    lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, STDIN_FILENO) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static void
rfc3339(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The probe set, canonical order: a resume must run the same. */
static void
probes_format(unsigned probes, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NPROBE_NAMES; i++)
		if (probes & probe_names[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? "," : "", probe_names[i].name);
}

static void
kv_set_cb(void *arg, const char *key, const char *value)
{
	snapshot_writer_kv_set(arg, key, value);
}

static const char *
basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s != NULL ? s + 1 : p;
}

int
main(int argc, char **argv)
{
	struct crawl_config cfg;
	struct crawl c;
	struct query_engine_options qo;
	struct val_ctx_options vo;
	struct snapshot_writer_options so;
	struct list_reader *list = NULL;
	struct optout *optout = NULL;
	struct shard *shard = NULL;
	struct regdom *psl = NULL;
	ldns_rr_list *anchors = NULL;
	struct addr_data addr;
	struct addr_data_options ao;
	char err[512], hex[65], tbuf[64], abuf[64], addr_summary[2048];
	time_t start;
	uint64_t t0;
	int opt, rc;
	bool verbose = false, registrable = false;
	enum list_format fmt;
	unsigned queries_in_flight = 0;
	unsigned conns_per_addr = CONNCAP_DEFAULT_MAX;
	unsigned rtr_wait = 0;	/* 0: VRP_RTR_TIMEOUT_S */
	struct blocklist *blocklist = NULL;
	struct web_ctx_options wo;
	const char *hsts_file = NULL;	/* --hsts-preload */
	struct hsts_preload *preload = NULL;
	struct mail_ctx_options mo;
	char web_summary[512] = "", mail_summary[512] = "";
	char host[256];
	unsigned smtp_port = 0;	/* 0: 25 */
	char *write_failure = NULL;	/* the snapshot could not be written */
	struct snapshot_writer *snap;
	struct query_stats qs;
	struct val_stats vs;
	struct list_stats ls;

	log_set_progname("uptake-crawl");
	memset(&cfg, 0, sizeof(cfg));
	cfg.list_format = "auto";
	cfg.probes = PROBE_ALL;
	cfg.concurrency = DEFAULT_CONCURRENCY;
	cfg.timeout_s = DEFAULT_TIMEOUT_S;
	cfg.query_timeout_ms = DEFAULT_QUERY_TIMEOUT_MS;
	cfg.query_tries = DEFAULT_QUERY_TRIES;
	cfg.part_rows = DEFAULT_PART_ROWS;
	cfg.trust_anchor = DEFAULT_TRUST_ANCHOR;
	cfg.user_agent = DEFAULT_USER_AGENT;
	cfg.validation_time = time(NULL);
	cfg.mx_max = MAIL_MX_MAX_DEFAULT;

	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_LIST: cfg.list_path = optarg; break;
		case OPT_OUT: cfg.out_dir = optarg; break;
		case OPT_LIST_FORMAT: cfg.list_format = optarg; break;
		case OPT_LIST_NAME: cfg.list_name = optarg; break;
		case OPT_RESOLVER: cfg.resolvers = optarg; break;
		case OPT_TRUST_ANCHOR: cfg.trust_anchor = optarg; break;
		case OPT_VALIDATION_TIME:
			cfg.validation_time = (time_t)num_arg("--validation-time",
			    optarg, 0, (uint64_t)1 << 40);
			break;
		case OPT_PROBES: cfg.probes = parse_probes(optarg); break;
		case OPT_CONCURRENCY:
			cfg.concurrency = (unsigned)num_arg("--concurrency",
			    optarg, 1, MAX_CONCURRENCY);
			break;
		case OPT_RATE:
			cfg.rate = (double)num_arg("--rate", optarg, 0, 10000000);
			break;
		case OPT_TIMEOUT:
			cfg.timeout_s = (unsigned)num_arg("--timeout", optarg, 1,
			    3600);
			break;
		case OPT_QUERY_TIMEOUT:
			cfg.query_timeout_ms = (unsigned)num_arg(
			    "--query-timeout", optarg, 10, 60000);
			break;
		case OPT_QUERY_TRIES:
			cfg.query_tries = (unsigned)num_arg("--query-tries",
			    optarg, 1, 10);
			break;
		case OPT_QUERIES_IN_FLIGHT:
			queries_in_flight = (unsigned)num_arg(
			    "--queries-in-flight", optarg, 1, 1000000);
			break;
		case OPT_SHARD: cfg.shard_arg = optarg; break;
		case OPT_OPT_OUT: cfg.opt_out = optarg; break;
		case OPT_ALLOW_PREFIX: cfg.allow_prefix = optarg; break;
		case OPT_USER_AGENT: cfg.user_agent = optarg; break;
		case OPT_TOP:
			cfg.limit = num_arg("--top", optarg, 1, UINT64_MAX);
			break;
		case OPT_PART_ROWS:
			cfg.part_rows = num_arg("--part-rows", optarg, 1,
			    100000000);
			break;
		case OPT_PROGRESS: cfg.progress = true; break;
		case OPT_QUIET: cfg.quiet = true; break;
		case OPT_VERBOSE: verbose = true; break;
		case OPT_VRPS: cfg.vrps = optarg; break;
		case OPT_BGP: cfg.bgp = optarg; break;
		case OPT_GEOIP: cfg.geoip = optarg; break;
		case OPT_ASN_DB: cfg.asn_db = optarg; break;
		case OPT_CA_FILE: cfg.ca_file = optarg; break;
		case OPT_HSTS_PRELOAD: hsts_file = optarg; break;
		case OPT_CONNS_PER_ADDR:
			conns_per_addr = (unsigned)num_arg("--conns-per-addr",
			    optarg, 1, 1000);
			break;
		case OPT_REGISTRABLE: registrable = true; break;
		case OPT_RTR_WAIT:
			rtr_wait = (unsigned)num_arg("--rtr-wait", optarg, 1,
			    VRP_RTR_MAX_TIMEOUT_S);
			break;
		case OPT_MX_MAX:
			cfg.mx_max = (unsigned)num_arg("--mx-max", optarg, 1,
			    MAIL_MX_MAX_LIMIT);
			break;
		case OPT_EHLO_NAME: cfg.ehlo_name = optarg; break;
		case OPT_SMTP_PORT:
			smtp_port = (unsigned)num_arg("--smtp-port", optarg, 1,
			    65535);
			break;
		case OPT_HELP: usage(stdout); return 0;
		case OPT_VERSION:
			printf("uptake-crawl %s\n", UPTAKE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		fatal(2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (cfg.list_path == NULL)
		fatal(2, "--list FILE is required");
	if (cfg.out_dir == NULL)
		fatal(2, "--out SNAPSHOT_DIR is required");
	if (cfg.list_name == NULL)
		cfg.list_name = strcmp(cfg.list_path, "-") == 0 ? "stdin" :
		    basename_of(cfg.list_path);
	if (verbose)
		log_set_level(LOG_LEVEL_INFO);
	cfg.command_line = join_argv(argc, argv);

	/* Input and configuration, all checked before any packet is sent. */
	/* The list's checksum goes into every part's provenance, so it is
	 * needed before the first part is written: one read of the file up
	 * front (list_sha256_hex would know it only at the end). */
	if (strcmp(cfg.list_path, "-") == 0 ? spool_stdin(hex) != 0 :
	    sha256_file(cfg.list_path, hex) != 0)
		fatal(2, "--list %s: %s", cfg.list_path, strerror(errno));
	if (list_format_parse(cfg.list_format, &fmt) != 0)
		fatal(2, "--list-format %s: expected auto, tranco, plain, csv "
		    "or zone", cfg.list_format);
	list = list_open(cfg.list_path, fmt, err, sizeof(err));
	if (list == NULL)
		fatal(2, "%s", err);
	if (registrable && regdom_attach(list, err, sizeof(err)) != 0)
		fatal(2, "--registrable: %s", err);
	if (cfg.opt_out != NULL) {
		optout = optout_load(cfg.opt_out, err, sizeof(err));
		if (optout == NULL)
			fatal(2, "--opt-out %s", err);
	}
	blocklist = blocklist_new(cfg.allow_prefix, err, sizeof(err));
	if (blocklist == NULL)
		fatal(2, "--allow-prefix %s", err);
	if (cfg.shard_arg != NULL || getenv("SLURM_ARRAY_TASK_ID") != NULL ||
	    getenv("JOB_COMPLETION_INDEX") != NULL) {
		shard = shard_from_config(cfg.shard_arg, err, sizeof(err));
		if (shard == NULL && err[0] != '\0')
			fatal(2, "%s", err);
	}
	if (cfg.probes & PROBE_DNSSEC) {
		anchors = val_anchors_read(cfg.trust_anchor, err, sizeof(err));
		if (anchors == NULL)
			fatal(2, "--trust-anchor %s: %s", cfg.trust_anchor, err);
	}

	/* The snapshot: its lock (one writer per shard) and the resume
	 * checks refuse a crawl before any slow start-up (an RTR cache). */
	snapshot_writer_options_default(&so);
	so.part_rows = cfg.part_rows;
	if (shard != NULL) {
		so.shard_k = shard->index;
		so.shard_n = shard->count;
	}
	snap = snapshot_writer_open(cfg.out_dir, &so, err, sizeof(err));
	if (snap == NULL)
		fatal(2, "--out %s: %s", cfg.out_dir, err);
	snapshot_writer_kv_set(snap, SNAPSHOT_KEY_LIST_NAME, cfg.list_name);
	snapshot_writer_kv_set(snap, SNAPSHOT_KEY_LIST_SHA256, hex);
	{
		char sb[64] = "0/1";	/* unsharded: the whole list */

		if (shard != NULL)
			shard_format(shard, sb, sizeof(sb));
		snapshot_writer_kv_set(snap, SNAPSHOT_KEY_SHARD, sb);
	}
	probes_format(cfg.probes, abuf, sizeof(abuf));
	snapshot_writer_kv_set(snap, SNAPSHOT_KEY_PROBES, abuf);
	if (snapshot_writer_check_resume(snap, err, sizeof(err)) != 0)
		fatal(2, "--out %s: resume refused: %s", cfg.out_dir, err);

	/* Routing and geo data: loaded once, before the first query. */
	memset(&ao, 0, sizeof(ao));
	ao.vrps = cfg.vrps;
	ao.bgp = cfg.bgp;
	ao.geoip = cfg.geoip;
	ao.asn_db = cfg.asn_db;
	ao.rpki = (cfg.probes & PROBE_RPKI) != 0;
	ao.geo = (cfg.probes & PROBE_GEO) != 0;
	ao.now = cfg.validation_time;
	ao.rtr_timeout_s = rtr_wait;
	if (addr_data_load(&addr, &ao, err, sizeof(err)) != 0)
		fatal(2, "%s", err);
	addr_data_summary(&addr, addr_summary, sizeof(addr_summary));
	if (addr_summary[0] != '\0')
		log_info("crawl", "%s", addr_summary);

	/* The Public Suffix List: the registrable domains of NS and MX hosts
	 * (ns_operator, mx_operator). */
	psl = regdom_new(NULL, err, sizeof(err));
	if (psl == NULL)
		fatal(2, "%s", err);

	memset(&c, 0, sizeof(c));
	c.cfg = &cfg;
	c.addr = &addr.ctx;
	c.regdom = psl;
	c.loop = loop_new(err, sizeof(err));
	if (c.loop == NULL)
		fatal(2, "%s", err);
	query_engine_options_default(&qo);
	qo.servers = cfg.resolvers;
	qo.timeout_ms = cfg.query_timeout_ms;
	qo.tries = cfg.query_tries;
	qo.rate = cfg.rate;
	if (queries_in_flight)
		qo.max_inflight = queries_in_flight;
	c.qe = query_engine_new(c.loop, &qo, err, sizeof(err));
	if (c.qe == NULL)
		fatal(2, "%s", err);
	/* SPF as check_host() evaluates it (the spf stage): its table of the
	 * names met, shared by the crawl's domains. */
	if (cfg.probes & PROBE_DNS)
		c.spf = spf_ctx_new(c.qe, 0);
	/* DMARC, the DKIM hint and the CAA tree (the dnspolicy stage): its
	 * cache of organisational domains' DMARC answers. */
	if (cfg.probes & PROBE_DNS)
		c.dnspolicy = dnspolicy_ctx_new();
	if (anchors != NULL) {
		val_ctx_options_default(&vo);
		vo.now = cfg.validation_time;
		c.val = val_ctx_new(anchors, &vo, dnsprobe_val_query, &c, err,
		    sizeof(err));
		if (c.val == NULL)
			fatal(2, "--trust-anchor %s: %s", cfg.trust_anchor, err);
	}

	/* TLS and HTTP: the CA store is read before the first packet. */
	if (cfg.probes & (PROBE_TLS | PROBE_HTTP)) {
		/* The HSTS preload list (hsts_preloaded): read once. */
		if (hsts_file != NULL && (cfg.probes & PROBE_HTTP)) {
			preload = hsts_preload_load(hsts_file, err,
			    sizeof(err));
			if (preload == NULL)
				fatal(2, "--hsts-preload %s: %s", hsts_file,
				    err);
			log_info("crawl", "--hsts-preload %s: %zu entries, "
			    "%zu force-https", hsts_file,
			    hsts_preload_entries(preload),
			    hsts_preload_count(preload));
		}
		memset(&wo, 0, sizeof(wo));
		wo.hsts_preload = preload;
		wo.ca_file = cfg.ca_file;
		wo.now = (int64_t)cfg.validation_time;
		wo.user_agent = cfg.user_agent;
		wo.max_per_addr = conns_per_addr;
		wo.blocklist = blocklist;
		wo.optout = optout;
		c.web = web_ctx_new(&c, &wo, err, sizeof(err));
		if (c.web == NULL)
			fatal(2, "--ca-file %s", err);
	}

	/* The TLS policy scan: its own TLS context, the crawl-wide cache. */
	if (cfg.probes & PROBE_TLSPOLICY) {
		c.tlspol = tlspol_ctx_new(&c, conns_per_addr, err,
		    sizeof(err));
		if (c.tlspol == NULL)
			fatal(2, "tlspolicy probe: %s", err);
	}

	/* Mail: its own TLS context (DANE on), the SMTP probe, the MX
	 * cache. */
	if (cfg.probes & PROBE_MAIL) {
		if (cfg.ehlo_name == NULL) {
			if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
				snprintf(host, sizeof(host), "localhost");
			host[sizeof(host) - 1] = '\0';
			cfg.ehlo_name = host;
		}
		memset(&mo, 0, sizeof(mo));
		mo.ca_file = cfg.ca_file;
		mo.now = (int64_t)cfg.validation_time;
		mo.ehlo_name = cfg.ehlo_name;
		mo.mx_max = cfg.mx_max;
		mo.max_per_addr = conns_per_addr;
		mo.blocklist = blocklist;
		mo.optout = optout;
		mo.port = (uint16_t)smtp_port;
		c.mail = mail_ctx_new(&c, &mo, err, sizeof(err));
		if (c.mail == NULL)
			fatal(2, "mail probe: %s", err);
	}

	/* The servers stage: NS and MX routes and depth; with the ns probe,
	 * SOA queries straight to the name servers (docs/operations.md). */
	{
		struct servers_ctx_options so2;

		memset(&so2, 0, sizeof(so2));
		so2.ns_probe = (cfg.probes & PROBE_NS) != 0;
		so2.blocklist = blocklist;
		so2.optout = optout;
		so2.timeout_ms = cfg.query_timeout_ms;
		so2.tries = cfg.query_tries;
		c.servers = servers_ctx_new(&c, &so2);
	}

	c.snap = snap;
	start = time(NULL);
	rfc3339(start, tbuf, sizeof(tbuf));
	rfc3339(cfg.validation_time, abuf, sizeof(abuf));
	snapshot_writer_kv_set(c.snap, SNAPSHOT_KEY_CRAWL_START, tbuf);
	snapshot_writer_kv_set(c.snap, SNAPSHOT_KEY_RESOLVER,
	    query_engine_servers(c.qe));
	if (anchors != NULL)
		snapshot_writer_kv_set(c.snap, SNAPSHOT_KEY_TRUST_ANCHOR,
		    cfg.trust_anchor);
	snapshot_writer_kv_set(c.snap, SNAPSHOT_KEY_VALIDATION_TIME, abuf);
	if (c.web != NULL)
		snapshot_writer_kv_set(c.snap, "uptake.ca_file",
		    cfg.ca_file != NULL ? cfg.ca_file : "system default");
	if (preload != NULL) {
		/* as --vrps: which list, and exactly which bytes */
		snapshot_writer_kv_set(c.snap, "uptake.hsts_preload_source",
		    hsts_file);
		snprintf(abuf, sizeof(abuf), "%llu", (unsigned long long)
		    hsts_preload_bytes(preload));
		snapshot_writer_kv_set(c.snap, "uptake.hsts_preload_bytes",
		    abuf);
		snapshot_writer_kv_set(c.snap, "uptake.hsts_preload_sha256",
		    hsts_preload_sha256(preload));
		snprintf(abuf, sizeof(abuf), "%zu", hsts_preload_count(preload));
		snapshot_writer_kv_set(c.snap, "uptake.hsts_preload_entries",
		    abuf);
	}
	if (c.mail != NULL) {
		snprintf(abuf, sizeof(abuf), "%u", cfg.mx_max);
		snapshot_writer_kv_set(c.snap, "uptake.mx_max", abuf);
		snapshot_writer_kv_set(c.snap, "uptake.ehlo_name",
		    cfg.ehlo_name);
	}
	snapshot_writer_kv_set(c.snap, SNAPSHOT_KEY_COMMAND_LINE,
	    cfg.command_line);
	addr_data_provenance(&addr, kv_set_cb, c.snap);

	t0 = now_monotonic_us();
	rc = sched_run(&c, list, optout, shard);

	rfc3339(time(NULL), tbuf, sizeof(tbuf));
	snapshot_writer_kv_set(c.snap, SNAPSHOT_KEY_CRAWL_END, tbuf);
	if (snapshot_writer_finish(c.snap) != 0 &&
	    snapshot_writer_failure(c.snap) == NULL)
		c.n.write_errors++;
	if (snapshot_writer_failure(c.snap) != NULL)
		write_failure = xstrdup(snapshot_writer_failure(c.snap));
	snapshot_writer_free(c.snap);
	c.snap = NULL;

	query_engine_stats(c.qe, &qs);
	memset(&vs, 0, sizeof(vs));
	if (c.val != NULL)
		val_ctx_stats(c.val, &vs);
	list_stats(list, &ls);
	{
		double el = (double)(now_monotonic_us() - t0) / 1e6;

		fprintf(stderr,
		    "uptake-crawl: %s: %llu domains in %.1fs (%.0f/s); dns ok %llu, "
		    "nxdomain %llu, servfail %llu, timeout %llu, other %llu; "
		    "dnssec secure %llu, insecure %llu, bogus %llu, "
		    "indeterminate %llu; deadline %llu; skipped: resume %llu, "
		    "shard %llu, opt-out %llu; list: bad lines %llu, "
		    "duplicates %llu; queries %llu (timeouts %llu, errors %llu, "
		    "bad replies %llu, truncated %llu); DNSKEY validations %llu, "
		    "key cache hits %llu; write errors %llu\n",
		    write_failure != NULL ? "stopped" :
		    rc == SCHED_INTERRUPTED ? "interrupted" : "done",
		    (unsigned long long)c.n.finished, el,
		    el > 0 ? (double)c.n.finished / el : 0.0,
		    (unsigned long long)c.n.dns_ok,
		    (unsigned long long)c.n.dns_nxdomain,
		    (unsigned long long)c.n.dns_servfail,
		    (unsigned long long)c.n.dns_timeout,
		    (unsigned long long)c.n.dns_other,
		    (unsigned long long)c.n.secure,
		    (unsigned long long)c.n.insecure,
		    (unsigned long long)c.n.bogus,
		    (unsigned long long)c.n.indeterminate,
		    (unsigned long long)c.n.deadline,
		    (unsigned long long)c.n.skipped_done,
		    (unsigned long long)c.n.skipped_shard,
		    (unsigned long long)c.n.skipped_optout,
		    (unsigned long long)ls.bad,
		    (unsigned long long)ls.duplicates,
		    (unsigned long long)qs.sent,
		    (unsigned long long)qs.timeouts,
		    (unsigned long long)qs.errors,
		    (unsigned long long)(qs.bad_replies + qs.mismatch_name +
		    qs.mismatch_type),
		    (unsigned long long)qs.truncated,
		    (unsigned long long)vs.dnskey_validations,
		    (unsigned long long)vs.key_cache_hits,
		    (unsigned long long)c.n.write_errors);
	}

	if (addr_summary[0] != '\0')
		fprintf(stderr, "uptake-crawl: data: %s\n", addr_summary);
	if (c.web != NULL) {
		web_ctx_summary(c.web, web_summary, sizeof(web_summary));
		fprintf(stderr, "uptake-crawl: %s\n", web_summary);
	}
	if (c.mail != NULL) {
		mail_ctx_summary(c.mail, mail_summary, sizeof(mail_summary));
		fprintf(stderr, "uptake-crawl: %s\n", mail_summary);
	}
	if (c.spf != NULL) {
		spf_ctx_summary(c.spf, mail_summary, sizeof(mail_summary));
		fprintf(stderr, "uptake-crawl: %s\n", mail_summary);
	}
	if (c.dnspolicy != NULL) {
		dnspolicy_ctx_summary(c.dnspolicy, mail_summary,
		    sizeof(mail_summary));
		fprintf(stderr, "uptake-crawl: %s\n", mail_summary);
	}
	if (c.tlspol != NULL) {
		tlspol_ctx_summary(c.tlspol, mail_summary,
		    sizeof(mail_summary));
		fprintf(stderr, "uptake-crawl: %s\n", mail_summary);
	}
	servers_ctx_summary(c.servers, mail_summary, sizeof(mail_summary));
	fprintf(stderr, "uptake-crawl: %s\n", mail_summary);

	servers_ctx_free(c.servers);
	tlspol_ctx_free(c.tlspol);
	mail_ctx_free(c.mail);
	spf_ctx_free(c.spf);
	dnspolicy_ctx_free(c.dnspolicy);
	web_ctx_free(c.web);
	hsts_preload_free(preload);
	val_ctx_free(c.val);
	regdom_free(psl);
	addr_data_free(&addr);
	query_engine_free(c.qe);
	dnsprobe_val_queries_free(&c);
	loop_free(c.loop);
	if (anchors != NULL)
		ldns_rr_list_deep_free(anchors);
	list_close(list);
	optout_free(optout);
	blocklist_free(blocklist);
	shard_free(shard);
	free(cfg.command_line);
	if (write_failure != NULL) {
		/* The one line an operator needs: why, and what is kept. */
		fprintf(stderr, "uptake-crawl: stopped: %s; the parts already "
		    "published are kept, rerun the same command to resume\n",
		    write_failure);
		free(write_failure);
		return 3;
	}
	if (rc == SCHED_INTERRUPTED)
		return 3;
	if (rc == SCHED_LIST_ERROR) {
		log_err("crawl", "%s: the list could not be read to its end",
		    cfg.list_path);
		return 2;
	}
	return c.n.write_errors ? 1 : 0;
}
