/*
 * vrp_int.h - the VRP set's insides, shared by vrp.c and the format files
 * (vrp_json.c, vrp_csv.c, vrp_rtr.c).  Not for other modules.
 */
#ifndef UPTAKE_CRAWLER_VRP_INT_H
#define UPTAKE_CRAWLER_VRP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vrp.h"

struct lpm;

#define VRP_TA_NONE 0xfffe	/* no trust anchor given */
#define VRP_TA_OTHER 0xffff	/* past VRP_MAX_TA names */

struct vrp_set {
	char *source;
	enum vrp_format format;
	time_t time;
	struct lpm *t[2];	/* by enum lpm_af */
	char *ta[VRP_MAX_TA];
	size_t nta;
	struct vrp_stats stats;
};

/* Parse an AS number: "AS64496", "as64496" or "64496" (0..4294967295).
 * Returns 0 or -1. */
int vrp_asn_parse(const char *s, size_t len, uint32_t *out);
/* Parse "YYYY-MM-DDTHH:MM:SSZ" into *out.  Returns 0 or -1. */
int vrp_time_parse(const char *s, size_t len, time_t *out);

/* RTR (RFC 8210): the header every PDU starts with, the largest PDU
 * accepted (an Error Report carrying a PDU and its text, an ASPA list:
 * far above what a cache sends; larger is hostile or broken), the
 * highest version a PDU may carry (2: draft-ietf-sidrops-8210bis) and
 * the version our Reset Query asks for first (1, then 0 if refused). */
#define RTR_HEADER_LEN 8
#define RTR_MAX_PDU_LEN 65536
#define RTR_MAX_VERSION 2
#define RTR_CLIENT_VERSION 1

/* One RTR PDU as parsed; text points into the parsed buffer. */
struct vrp_rtr_pdu {
	uint8_t version, type;
	uint16_t session;	/* session id, or an Error Report's code */
	uint32_t len;		/* bytes of the whole PDU */
	/* IPv4 and IPv6 Prefix */
	bool announce;
	uint8_t af;		/* enum lpm_af */
	uint8_t plen, maxlen;
	uint8_t addr[16];
	uint32_t asn;
	/* Error Report */
	const char *text;
	size_t text_len;
};

/*
 * Parse the PDU at the start of buf[0..len).  Pure.  Returns its length
 * (> 0) with p filled, 0 when more bytes are needed, or -1 with why when
 * the bytes are not a PDU we accept (unknown type or version, a length
 * out of range or wrong for the type, an Error Report's lengths that do
 * not add up, a prefix length past the address).
 */
int vrp_rtr_pdu_parse(const uint8_t *buf, size_t len, struct vrp_rtr_pdu *p,
	const char **why);
/* RFC 8210 section 12 name of an Error Report code; static storage. */
const char *vrp_rtr_error_name(unsigned code);

/* Count a bad entry at line; keep and log the first ones. */
void vrp_bad(struct vrp_set *v, const struct vrp_options *o, uint64_t line,
	const char *why);

#endif
