/*
 * serverssum.h - the servers stage's verdicts (serversprobe.c), pure:
 * a name server's reply to an SOA query for the zone, the worst RFC 6811
 * state over a set of addresses, and the NS hosts' counts
 * (docs/method.md, "Name and mail servers").
 */
#ifndef UPTAKE_CRAWLER_SERVERSSUM_H
#define UPTAKE_CRAWLER_SERVERSSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dnssec.h"
#include "rov.h"

/* Addresses kept per host and family: a host has one to four per family
 * in practice; more add no information about its routes or its zone. */
#define SERVERS_ADDRS_PER_FAMILY 4
#define SERVERS_HOST_ADDRS (2 * SERVERS_ADDRS_PER_FAMILY)

/* What one name-server address said to "APEX SOA" asked directly. */
enum ns_answer {
	NS_ANS_UNKNOWN = 0,	/* not asked (blocked, opted out, deadline) */
	NS_ANS_AUTH,		/* NOERROR, AA, the zone's SOA in the answer */
	NS_ANS_NOT_AUTH,	/* any other reply (REFUSED, no AA, ...) */
	NS_ANS_SILENT,		/* no reply after every try, or unreachable */
};

/*
 * The verdict on a reply p to an SOA query for zone sent to a name server
 * (RFC 1034 4.3.1, RFC 1912 2.8 "lame"): NS_ANS_AUTH when the rcode is
 * NOERROR, AA is set and the answer section holds an SOA owned by zone;
 * a truncated reply (TC) that is NOERROR with AA counts as authoritative
 * (the server claims the zone; the SOA did not fit).  Else NS_ANS_NOT_AUTH.
 */
enum ns_answer serverssum_judge(const ldns_pkt *p, const ldns_rdf *zone);

/* The worst ROV state over addresses (docs/method.md): invalid_as >
 * invalid_length > not_found > valid over the routed ones; unrouted only
 * when none is routed. */
struct rov_tally {
	unsigned addrs;			/* looked up (routed or not) */
	unsigned routed;
	enum rov_state worst;		/* over the routed, when routed > 0 */
};
void rov_tally_add(struct rov_tally *t, enum rov_state s);
/* The column's text, NULL when no address was looked up. */
const char *rov_tally_text(const struct rov_tally *t);

/* One NS host as the stage saw it. */
struct ns_host_result {
	bool has_v6;			/* its AAAA answer had records */
	bool addrs_known;		/* its address answers came (A: any
					 * rcode but a failure) */
	size_t naddr;
	bool v6[SERVERS_HOST_ADDRS];	/* address i is IPv6 */
	enum ns_answer ans[SERVERS_HOST_ADDRS];
};

/* The NS counts; -1: null (not measured). */
struct ns_counts {
	int32_t v6_count;		/* hosts with AAAA */
	int32_t v6_reachable;		/* ... one of whose IPv6 addresses
					 * answered authoritatively */
	int32_t lame;			/* hosts none of whose addresses
					 * answered authoritatively */
};

/*
 * Count over n hosts.  asked: the direct queries were made (the ns
 * probe); otherwise v6_reachable and lame are null.  A host none of whose
 * addresses answered authoritatively is lame when every address was asked
 * and its addresses are known (a host without any address is lame: no
 * server answers for it); with an address not asked or its address
 * answer failed, the count is null.  Likewise v6_reachable.
 */
void serverssum_ns(const struct ns_host_result *h, size_t n, bool asked,
	struct ns_counts *out);

/*
 * mx_dnssec from the validator's verdicts on each MX host's address
 * answer (have[i] false: no verdict): 0 false when one is insecure or
 * bogus, 1 true when every one of n > 0 is secure, -1 null otherwise.
 */
int serverssum_mx_dnssec(const bool *have, const enum val_status *v,
	size_t n);

#endif
