/*
 * test_dnswire.c - the wire walker (crawler/dns/dnswire.c) against crafted
 * malformed replies (one per error it names), and a differential test
 * against ldns_wire2pkt: every reply of every capture in tests/replay
 * (*.rpl, in wire form as ldns_pkt2wire writes it, names compressed) and
 * DNSWIRE_TEST_MUTANTS seeded random mutations of them go to both; they
 * must agree on accept/reject and, for accepted ones, on the header and the
 * RR list (owner, type, class, TTL, rdata with its names decompressed).
 *
 * Where they legitimately differ the test names the class and counts it
 * (docs/dns.md, "Reading replies in place"):
 *   lax-pointer   ldns follows a pointer forward, into its own name or
 *                 into the header (anything but offset 0); the walker
 *                 refuses pointers that do not go back to an earlier name
 *   lax-rdata     ldns reads rdata field by field until rdlength is used,
 *                 accepting missing trailing fields, and when its fields
 *                 end before rdlength (or a name in rdata runs past it) it
 *                 reads the next RR from where its fields ended; the
 *                 walker wants the fields to fill rdlength exactly
 *   opaque-type   the RR's type has no layout in the walker's table, so
 *                 its rdata is opaque to the walker while ldns parses it
 *                 by its descriptor (and may refuse it, or misread it)
 * Anything else is a failure.
 *
 * For every reply both accept alike, the DNS probe's extraction
 * (crawler/dns/dnsanswer.h: counts with CNAMEs followed, addresses, NS and
 * MX names and preferences, TXT joined, DS/DNSKEY field lists, CAA tags,
 * negative answer, the zone that served it and its denial) is computed
 * through the walker (dnsanswer_w_*) and through ldns (dnsanswer_*) and
 * must be the same, column for column (issue 20 point 2, slice 2).
 *
 *   test_dnswire REPLAY_DIR [MUTANTS [SEED]]
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "dnsanswer.h"
#include "dnswire.h"
#include "replay.h"
#include "tap.h"
#include "util.h"

/* Mutants fed to both parsers by default: enough for every error class of
 * the walker to occur many times, under a second without sanitizers. */
#define DNSWIRE_TEST_MUTANTS 50000
/* The default seed: a failure reproduces. */
#define DNSWIRE_TEST_SEED 20261206u
/* Room for a mutant: a seed may grow by DNSWIRE_TEST_GROW inserted bytes. */
#define DNSWIRE_TEST_GROW 64
/* Rdata after decompression: 65535 octets of rdata, each name in it
 * growing from 2 octets (a pointer) to at most 255. */
#define DNSWIRE_TEST_RDATA (65535 * 128)

static uint64_t rng;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct seed {
	uint8_t *data;
	size_t len;
};

static struct seed *seeds;
static size_t nseeds, capseeds;

static void
seed_push(const ldns_pkt *p)
{
	uint8_t *wire = NULL;
	size_t len = 0;

	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		return;
	if (nseeds == capseeds) {
		capseeds = capseeds ? capseeds * 2 : 256;
		seeds = xreallocarray(seeds, capseeds, sizeof(*seeds));
	}
	seeds[nseeds].data = wire;
	seeds[nseeds].len = len;
	nseeds++;
}

static size_t
read_captures(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t files = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name), i;
		char path[4096], err[512];
		struct replay_file *f;

		if (n < 5 || strcmp(de->d_name + n - 4, ".rpl") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = replay_file_read(path, true, err, sizeof(err));
		if (!tap_ok(f != NULL, "capture %s reads", de->d_name)) {
			tap_diag("%s", err);
			continue;
		}
		files++;
		for (i = 0; i < f->n; i++) {
			bool ok;
			const ldns_pkt *p = replay_entry_reply(&f->e[i], &ok,
			    err, sizeof(err));

			if (p != NULL)
				seed_push(p);
		}
		replay_file_free(f);
	}
	closedir(d);
	return files;
}

/* Classes of outcome, counted. */
enum cls {
	C_BOTH_ACCEPT,
	C_BOTH_REJECT,
	C_LAX_POINTER,
	C_LAX_RDATA,
	C_OPAQUE_TYPE,
	C_FAIL,
	C_N
};
static const char *const cls_name[C_N] = { "both accept (equal)",
	"both reject", "lax-pointer", "lax-rdata", "opaque-type", "FAIL" };

/* Does ldns parse type t by fields (some field not "the rest")? */
static bool
ldns_structured(uint16_t t)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(t);
	size_t k, max;

	if (d == NULL)
		return false;
	max = ldns_rr_descriptor_maximum(d);
	for (k = 0; k < max && k < 16; k++) {
		switch (ldns_rr_descriptor_field_type(d, k)) {
		case LDNS_RDF_TYPE_B64:
		case LDNS_RDF_TYPE_HEX:
		case LDNS_RDF_TYPE_NSEC:
		case LDNS_RDF_TYPE_UNKNOWN:
		case LDNS_RDF_TYPE_NONE:
		case LDNS_RDF_TYPE_APL:
		case LDNS_RDF_TYPE_SERVICE:
		case LDNS_RDF_TYPE_LOC:
		case LDNS_RDF_TYPE_WKS:
		case LDNS_RDF_TYPE_NSAP:
		case LDNS_RDF_TYPE_ATMA:
		case LDNS_RDF_TYPE_LONG_STR:
			break;
		default:
			return true;
		}
	}
	return false;
}

/* Does the walker's RR list of m hold an RR of a type it keeps opaque and
 * ldns parses by fields?  The RRs are read without dnswire_parse's check,
 * as far as they go. */
static bool
has_opaque_structured(const uint8_t *w, size_t len)
{
	size_t pos = DNSWIRE_HEADER_LEN, next;
	unsigned s, i;

	if (len < DNSWIRE_HEADER_LEN)
		return false;
	for (s = 0; s < DNSWIRE_SECTIONS; s++) {
		unsigned n = (unsigned)w[4 + 2 * s] << 8 | w[5 + 2 * s];

		for (i = 0; i < n; i++) {
			uint16_t t;

			if (dnswire_name_read(w, len, pos, len, NULL, NULL,
			    &next) != DNSWIRE_OK || len - next < 4)
				return false;
			t = (uint16_t)(w[next] << 8 | w[next + 1]);
			if (s == 0) {
				pos = next + 4;
				continue;
			}
			if (len - next < 10)
				return false;
			if (!dnswire_type_known(t) && ldns_structured(t))
				return true;
			pos = next + 10 + (size_t)(w[next + 8] << 8 |
			    w[next + 9]);
			if (pos > len)
				return false;
		}
	}
	return false;
}

static uint8_t *rdbuf;

/* Compare one walker RR with one ldns RR; a reason in why on mismatch. */
static bool
rr_equal(const struct dnswire_msg *m, const struct dnswire_rr *a,
	const ldns_rr *b, char *why, size_t whylen)
{
	uint8_t owner[DNSWIRE_MAX_NAME];
	size_t on, n, k, off = 0;
	const ldns_rdf *o = ldns_rr_owner(b);

	if (dnswire_name_read(m->buf, m->len, a->owner, m->len, owner, &on,
	    NULL) != DNSWIRE_OK) {
		snprintf(why, whylen, "owner at %u unreadable", a->owner);
		return false;
	}
	if (o == NULL || ldns_rdf_size(o) != on ||
	    memcmp(ldns_rdf_data(o), owner, on) != 0) {
		snprintf(why, whylen, "owner differs at %u", a->owner);
		return false;
	}
	if (a->type != ldns_rr_get_type(b) ||
	    a->rclass != ldns_rr_get_class(b)) {
		snprintf(why, whylen, "type/class %u/%u vs %u/%u", a->type,
		    a->rclass, ldns_rr_get_type(b), ldns_rr_get_class(b));
		return false;
	}
	if (a->section == DNSWIRE_QUESTION)
		return true;
	if (a->ttl != ldns_rr_ttl(b)) {
		snprintf(why, whylen, "TTL %u vs %u", a->ttl, ldns_rr_ttl(b));
		return false;
	}
	n = dnswire_rdata_expand(m, a, rdbuf, DNSWIRE_TEST_RDATA);
	if (n == (size_t)-1) {
		snprintf(why, whylen, "rdata of type %u does not expand",
		    a->type);
		return false;
	}
	for (k = 0; k < ldns_rr_rd_count(b); k++) {
		const ldns_rdf *r = ldns_rr_rdf(b, k);

		if (off + ldns_rdf_size(r) > n ||
		    memcmp(rdbuf + off, ldns_rdf_data(r),
		    ldns_rdf_size(r)) != 0) {
			snprintf(why, whylen, "type %u rdata field %zu "
			    "differs", a->type, k);
			return false;
		}
		off += ldns_rdf_size(r);
	}
	if (off != n) {
		snprintf(why, whylen, "type %u rdata %zu vs %zu octets",
		    a->type, n, off);
		return false;
	}
	return true;
}

/* Both accepted: the same header and RR lists? */
static bool
same(const struct dnswire_msg *m, const ldns_pkt *p, char *why,
	size_t whylen)
{
	const ldns_rr_list *l[DNSWIRE_SECTIONS] = { ldns_pkt_question(p),
		ldns_pkt_answer(p), ldns_pkt_authority(p),
		ldns_pkt_additional(p) };
	size_t at[DNSWIRE_SECTIONS] = { 0 }, opts = 0;
	struct dnswire_iter it;
	struct dnswire_rr rr, opt = { 0 }, tsig = { 0 };
	bool have_opt = false, have_tsig = false;
	unsigned s;
	uint16_t f = m->flags;

	if (m->id != ldns_pkt_id(p) || !!(f & DNSWIRE_FLAG_QR) !=
	    ldns_pkt_qr(p) || !!(f & DNSWIRE_FLAG_AA) != ldns_pkt_aa(p) ||
	    !!(f & DNSWIRE_FLAG_TC) != ldns_pkt_tc(p) ||
	    !!(f & DNSWIRE_FLAG_RD) != ldns_pkt_rd(p) ||
	    !!(f & DNSWIRE_FLAG_RA) != ldns_pkt_ra(p) ||
	    !!(f & DNSWIRE_FLAG_AD) != ldns_pkt_ad(p) ||
	    !!(f & DNSWIRE_FLAG_CD) != ldns_pkt_cd(p) ||
	    ((f >> 11) & 0xf) != ldns_pkt_get_opcode(p) ||
	    m->rcode != ldns_pkt_get_rcode(p)) {
		snprintf(why, whylen, "header differs");
		return false;
	}
	dnswire_iter_init(m, &it);
	while (dnswire_rr_next(m, &it, &rr)) {
		s = rr.section;
		/* ldns takes OPT and TSIG out of the additional section */
		if (s == DNSWIRE_ADDITIONAL && rr.type == LDNS_RR_TYPE_OPT) {
			opt = rr;
			have_opt = true;
			opts++;
			continue;
		}
		if (s == DNSWIRE_ADDITIONAL && rr.type == LDNS_RR_TYPE_TSIG) {
			tsig = rr;
			have_tsig = true;
			continue;
		}
		if (at[s] >= ldns_rr_list_rr_count(l[s])) {
			snprintf(why, whylen, "section %u: walker has more RRs",
			    s);
			return false;
		}
		if (!rr_equal(m, &rr, ldns_rr_list_rr(l[s], at[s]), why,
		    whylen))
			return false;
		at[s]++;
	}
	for (s = 0; s < DNSWIRE_SECTIONS; s++)
		if (at[s] != ldns_rr_list_rr_count(l[s])) {
			snprintf(why, whylen, "section %u: %zu vs %zu RRs", s,
			    at[s], ldns_rr_list_rr_count(l[s]));
			return false;
		}
	if (have_opt != (opts > 0)) {
		snprintf(why, whylen, "OPT count");
		return false;
	}
	if (have_opt && ldns_pkt_edns_udp_size(p) != opt.rclass) {
		snprintf(why, whylen, "EDNS size %u vs %u", opt.rclass,
		    ldns_pkt_edns_udp_size(p));
		return false;
	}
	if (have_tsig != (ldns_pkt_tsig(p) != NULL) || (have_tsig &&
	    !rr_equal(m, &tsig, ldns_pkt_tsig(p), why, whylen))) {
		if (have_tsig != (ldns_pkt_tsig(p) != NULL))
			snprintf(why, whylen, "TSIG presence differs");
		return false;
	}
	return true;
}

/* Extractions compared, and those that differed. */
static size_t probe_checked, probe_diff;

/* The types the probe counts (dnsprobe.c asks these). */
static const uint16_t probe_types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA,
	LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_MX, LDNS_RR_TYPE_TXT,
	LDNS_RR_TYPE_CAA, LDNS_RR_TYPE_HTTPS, LDNS_RR_TYPE_DS,
	LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_TLSA, LDNS_RR_TYPE_CNAME };
/* Addresses compared per answer: above the probe's JOB_MAX_WEB_ADDRS. */
#define PROBE_TEST_ADDRS 64

/* The extraction at one name (qname, or the apex for the apex's own
 * records and the denial) through both; false with why on a difference. */
static bool
probe_same_at(const struct dnswire_msg *m, const ldns_pkt *p,
	const ldns_rdf *qn, uint16_t qtype, char *why, size_t whylen)
{
	const uint8_t *qb = ldns_rdf_data(qn);
	size_t ql = ldns_rdf_size(qn), i, k;

	for (i = 0; i < sizeof(probe_types) / sizeof(probe_types[0]); i++) {
		size_t a = dnsanswer_count(p, qn, probe_types[i]);
		size_t b = dnsanswer_w_count(m, qb, ql, probe_types[i]);

		if (a != b) {
			snprintf(why, whylen, "count of type %u: %zu vs %zu",
			    probe_types[i], a, b);
			return false;
		}
	}
	for (i = 0; i < 2; i++) {
		uint16_t t = i ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
		struct netaddr a[PROBE_TEST_ADDRS], b[PROBE_TEST_ADDRS];
		size_t na = dnsanswer_addrs(p, qn, t, a, PROBE_TEST_ADDRS);
		size_t nb = dnsanswer_w_addrs(m, qb, ql, t, b,
		    PROBE_TEST_ADDRS);

		if (na != nb) {
			snprintf(why, whylen, "addresses %u: %zu vs %zu", t,
			    na, nb);
			return false;
		}
		for (k = 0; k < na; k++) {
			char sa[NETADDR_STRLEN], sb[NETADDR_STRLEN];

			netaddr_format(&a[k], sa, sizeof(sa));
			netaddr_format(&b[k], sb, sizeof(sb));
			if (a[k].af != b[k].af || strcmp(sa, sb) != 0) {
				snprintf(why, whylen, "address %zu differs", k);
				return false;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		/* NS and MX hosts as on_ns / on_mx read them. */
		uint16_t t = i ? LDNS_RR_TYPE_MX : LDNS_RR_TYPE_NS;
		ldns_rr_list *l = dnsanswer_rrs(p, qn, t, NULL);
		struct dnswire_rr rrs[64];
		size_t n = ldns_rr_list_rr_count(l);
		size_t nw = dnsanswer_w_rrs(m, qb, ql, t, rrs, 64);
		bool ok = n == nw;

		for (k = 0; ok && k < n && k < 64; k++) {
			const ldns_rr *rr = ldns_rr_list_rr(l, k);
			size_t need = i ? 2 : 1;
			bool hl = ldns_rr_rd_count(rr) >= need;
			uint8_t name[DNSWIRE_MAX_NAME];
			size_t nl = 0;
			uint16_t pref = 0;
			bool hw = dnswire_rdata_name(m, &rrs[k], name, &nl,
			    &pref);
			const ldns_rdf *rn = hl ? ldns_rr_rdf(rr, need - 1) :
			    NULL;

			if (hl != hw || (hl && (ldns_rdf_size(rn) != nl ||
			    memcmp(ldns_rdf_data(rn), name, nl) != 0 ||
			    (i && ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) !=
			    pref))))
				ok = false;
		}
		ldns_rr_list_free(l);
		if (!ok) {
			snprintf(why, whylen, "%s hosts differ", i ? "MX" :
			    "NS");
			return false;
		}
	}
	{
		struct dnsanswer_txts a, b;
		bool ok;

		dnsanswer_txts_load(&a, p, qn);
		dnsanswer_w_txts_load(&b, m, qb, ql);
		ok = a.n == b.n;
		for (k = 0; ok && k < a.n; k++)
			ok = a.len[k] == b.len[k] &&
			    memcmp(a.s[k], b.s[k], a.len[k]) == 0;
		dnsanswer_txts_free(&a);
		dnsanswer_txts_free(&b);
		if (!ok) {
			snprintf(why, whylen, "TXT differs");
			return false;
		}
	}
	for (i = 0; i < 2; i++) {
		uint16_t t = i ? LDNS_RR_TYPE_DNSKEY : LDNS_RR_TYPE_DS;
		char a[DNSANSWER_FIELD_LIST_LEN] = "", b[DNSANSWER_FIELD_LIST_LEN] = "";
		size_t na = dnsanswer_field_list(p, qn, t, a, sizeof(a));
		size_t nb = dnsanswer_w_field_list(m, qb, ql, t, b, sizeof(b));

		if (na != nb || strcmp(a, b) != 0) {
			snprintf(why, whylen, "field list %u: %zu '%s' vs %zu "
			    "'%s'", t, na, a, nb, b);
			return false;
		}
	}
	{
		ldns_rr_list *l = dnsanswer_rrs(p, qn, LDNS_RR_TYPE_CAA, NULL);
		bool ia = false, oa = false, ib, ob;
		size_t n = ldns_rr_list_rr_count(l);
		size_t nw = dnsanswer_w_caa(m, qb, ql, &ib, &ob);

		for (k = 0; k < n; k++) {
			ia |= dnsanswer_caa_tag_is(ldns_rr_list_rr(l, k), "issue");
			oa |= dnsanswer_caa_tag_is(ldns_rr_list_rr(l, k), "iodef");
		}
		ldns_rr_list_free(l);
		if (n != nw || ia != ib || oa != ob) {
			snprintf(why, whylen, "CAA differs");
			return false;
		}
	}
	if (dnsanswer_is_negative(p, qn, qtype) !=
	    dnsanswer_w_is_negative(m, qb, ql, qtype)) {
		snprintf(why, whylen, "negative differs");
		return false;
	}
	{
		const ldns_rdf *za = dnsanswer_negative_zone(p, qn);
		struct dnsanswer_wname zb;
		bool hb = dnsanswer_w_negative_zone(m, qb, ql, &zb);
		int ita = -1, itb = -1;
		enum dnsanswer_denial da = dnsanswer_denial_scan(p, qn, &ita);
		enum dnsanswer_denial db = dnsanswer_w_denial_scan(m, qb, ql,
		    &itb);

		if ((za != NULL) != hb || (hb && (ldns_rdf_size(za) != zb.len ||
		    memcmp(ldns_rdf_data(za), zb.b, zb.len) != 0))) {
			snprintf(why, whylen, "negative zone differs");
			return false;
		}
		if (da != db || ita != itb) {
			snprintf(why, whylen, "denial %d/%d vs %d/%d", da, ita,
			    db, itb);
			return false;
		}
	}
	return true;
}

/* The extraction at the question's name and at its parent (the apex of a
 * _dmarc or www name). */
static bool
probe_same(const struct dnswire_msg *m, const ldns_pkt *p, char *why,
	size_t whylen)
{
	const ldns_rr_list *q = ldns_pkt_question(p);
	struct dnsanswer_wname wq;
	uint16_t wt = 0;
	const ldns_rr *qr;
	ldns_rdf *parent;
	bool ok;

	probe_checked++;
	if (ldns_rr_list_rr_count(q) < 1) {
		if (dnsanswer_w_question(m, &wq, &wt)) {
			snprintf(why, whylen, "question differs");
			return false;
		}
		return true;
	}
	qr = ldns_rr_list_rr(q, 0);
	if (!dnsanswer_w_question(m, &wq, &wt) ||
	    wt != ldns_rr_get_type(qr) ||
	    wq.len != ldns_rdf_size(ldns_rr_owner(qr)) ||
	    memcmp(wq.b, ldns_rdf_data(ldns_rr_owner(qr)), wq.len) != 0) {
		snprintf(why, whylen, "question differs");
		return false;
	}
	if (!probe_same_at(m, p, ldns_rr_owner(qr), wt, why, whylen))
		return false;
	parent = ldns_dname_left_chop(ldns_rr_owner(qr));
	ok = parent == NULL || probe_same_at(m, p, parent, wt, why, whylen);
	ldns_rdf_deep_free(parent);
	return ok;
}

static enum cls
classify(const uint8_t *w, size_t len, char *why, size_t whylen)
{
	struct dnswire_msg m;
	enum dnswire_err e = dnswire_parse(&m, w, len);
	ldns_pkt *p = NULL;
	ldns_status st = ldns_wire2pkt(&p, w, len);
	enum cls c;

	why[0] = '\0';
	if (e != DNSWIRE_OK && st != LDNS_STATUS_OK) {
		c = C_BOTH_REJECT;
	} else if (e == DNSWIRE_OK && st == LDNS_STATUS_OK) {
		if (same(&m, p, why, whylen)) {
			c = C_BOTH_ACCEPT;
			if (!probe_same(&m, p, why, whylen)) {
				probe_diff++;
				c = C_FAIL;
			}
		}
		else if (has_opaque_structured(w, len))
			c = C_OPAQUE_TYPE;
		else
			c = C_FAIL;
	} else if (e != DNSWIRE_OK) {
		switch (e) {
		case DNSWIRE_E_PTR_FORWARD:
		case DNSWIRE_E_PTR_HEADER:
		case DNSWIRE_E_PTR_JUMPS:
			c = C_LAX_POINTER;
			break;
		case DNSWIRE_E_RDATA:
		case DNSWIRE_E_RDATA_NAME:
			c = C_LAX_RDATA;
			break;
		default:
			c = C_FAIL;
			snprintf(why, whylen, "walker refuses (%s at %zu), "
			    "ldns accepts", dnswire_strerror(e), m.err_off);
		}
	} else {
		c = has_opaque_structured(w, len) ? C_OPAQUE_TYPE : C_FAIL;
		if (c == C_FAIL)
			snprintf(why, whylen, "walker accepts, ldns refuses "
			    "(%s)", ldns_get_errorstr_by_id(st));
	}
	ldns_pkt_free(p);
	return c;
}

static size_t
mutate(uint8_t *b, size_t len, size_t cap)
{
	int n = 1 + (int)(next_rand() % 4);

	for (int k = 0; k < n && len > 0; k++) {
		size_t at = next_rand() % len;

		switch (next_rand() % 6) {
		case 0:
			b[at] ^= (uint8_t)(1u << (next_rand() % 8));
			break;
		case 1:
			b[at] = (uint8_t)next_rand();
			break;
		case 2:	/* a compression pointer somewhere */
			if (at + 1 < len) {
				b[at] = (uint8_t)(0xc0 | (next_rand() % 2));
				b[at + 1] = (uint8_t)next_rand();
			}
			break;
		case 3:	/* truncate */
			len = at;
			break;
		case 4:	/* insert a byte */
			if (len < cap) {
				memmove(b + at + 1, b + at, len - at);
				b[at] = (uint8_t)next_rand();
				len++;
			}
			break;
		case 5:	/* a small number in a 16-bit field (count,
			 * rdlength, type) */
			if (at + 1 < len) {
				b[at] = 0;
				b[at + 1] = (uint8_t)(next_rand() % 70);
			}
			break;
		}
	}
	return len;
}

/* One crafted message: bytes, and the error the walker must give. */
struct crafted {
	const char *name;
	const uint8_t *w;
	size_t len;
	enum dnswire_err want;
};

#define HDR(qd, an) 0, 1, 0x81, 0x80, 0, qd, 0, an, 0, 0, 0, 0
#define Q_BEST 4, 'b', 'e', 's', 't', 2, 's', 'e', 0, 0, 1, 0, 1

static const uint8_t c_ok[] = { HDR(1, 2), Q_BEST,
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'w', 'w', 'w', 0xc0, 12,
	0xc0, 37, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };
static const uint8_t c_header[] = { 0, 1, 0x81, 0x80, 0, 1 };
static const uint8_t c_counts[] = { HDR(1, 9), Q_BEST };
static const uint8_t c_question[] = { HDR(1, 0), 4, 'b', 'e', 's', 't',
	2, 's', 'e', 0, 0, 1, 0 };
static const uint8_t c_rr[] = { HDR(1, 1), Q_BEST,
	0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2 };
static const uint8_t c_name_end[] = { HDR(1, 0), 4, 'b', 'e', 's', 't',
	9, 's', 'e', 0, 0, 1, 0, 1 };
static const uint8_t c_label[] = { HDR(1, 0), 0x40, 'b', 'e', 's', 't',
	0, 0, 1, 0, 1, 0, 0, 0 };
static const uint8_t c_fwd[] = { HDR(1, 1), Q_BEST,
	0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1, 0 };
static const uint8_t c_self[] = { HDR(1, 1), Q_BEST,
	0xc0, 25, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };
static const uint8_t c_hdrptr[] = { HDR(1, 1), Q_BEST,
	0xc0, 2, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };
static const uint8_t c_rdata[] = { HDR(1, 1), Q_BEST,
	0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 5, 192, 0, 2, 1, 9 };
static const uint8_t c_rdata_name[] = { HDR(1, 1), Q_BEST,
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 3, 'w', 'w', 'w', 0 };

/* A CAA record with an empty value: ldns makes two rdata fields of it,
 * and dnspolicy.c's tag check wants three (the walker must agree). */
static const uint8_t c_caa_empty[] = { HDR(1, 1), 1, 'a', 0, 1, 1, 0, 1,
	0xc0, 12, 1, 1, 0, 1, 0, 0, 0, 0, 0, 7, 0, 5, 'i', 's', 's', 'u',
	'e' };

static void
test_probe_crafted(void)
{
	struct dnswire_msg m;
	ldns_pkt *p = NULL;
	char why[256] = "";

	if (dnswire_parse(&m, c_caa_empty, sizeof(c_caa_empty)) !=
	    DNSWIRE_OK || ldns_wire2pkt(&p, c_caa_empty,
	    sizeof(c_caa_empty)) != LDNS_STATUS_OK) {
		tap_ok(false, "CAA with an empty value: both parse");
		ldns_pkt_free(p);
		return;
	}
	tap_ok(probe_same(&m, p, why, sizeof(why)),
	    "CAA with an empty value: the same extraction (%s)", why);
	ldns_pkt_free(p);
}

static void
test_crafted(void)
{
	static const struct crafted c[] = {
		{ "a CNAME and an A, compressed", c_ok, sizeof(c_ok),
		  DNSWIRE_OK },
		{ "short header", c_header, sizeof(c_header),
		  DNSWIRE_E_HEADER },
		{ "counts beyond the packet", c_counts, sizeof(c_counts),
		  DNSWIRE_E_COUNTS },
		{ "truncated question", c_question, sizeof(c_question),
		  DNSWIRE_E_QUESTION },
		{ "truncated RR", c_rr, sizeof(c_rr), DNSWIRE_E_RR },
		{ "label past the end", c_name_end, sizeof(c_name_end),
		  DNSWIRE_E_NAME_END },
		{ "reserved label type 0x40", c_label, sizeof(c_label),
		  DNSWIRE_E_LABEL },
		{ "pointer forward", c_fwd, sizeof(c_fwd),
		  DNSWIRE_E_PTR_FORWARD },
		{ "pointer to itself (a loop)", c_self, sizeof(c_self),
		  DNSWIRE_E_PTR_FORWARD },
		{ "pointer into the header", c_hdrptr, sizeof(c_hdrptr),
		  DNSWIRE_E_PTR_HEADER },
		{ "A with 5 octets", c_rdata, sizeof(c_rdata),
		  DNSWIRE_E_RDATA },
		{ "CNAME target past its rdata", c_rdata_name,
		  sizeof(c_rdata_name), DNSWIRE_E_RDATA_NAME },
	};
	struct dnswire_msg m;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		enum dnswire_err e = dnswire_parse(&m, c[i].w, c[i].len);

		tap_ok(e == c[i].want, "crafted: %s: %s", c[i].name,
		    dnswire_strerror(e));
	}
}

/* A name of 255 octets is read, one of 256 refused; a chain of backward
 * pointers longer than DNSWIRE_MAX_JUMPS is refused. */
static void
test_bounds(void)
{
	uint8_t w[1024], name[DNSWIRE_MAX_NAME];
	size_t n = DNSWIRE_HEADER_LEN, k, len;
	struct dnswire_msg m;

	memset(w, 0, sizeof(w));
	w[5] = 1;	/* QDCOUNT */
	/* 3 labels of 63 and one of 62: 64*3 + 63 + 1 = 256; of 61: 255 */
	for (k = 0; k < 3; k++) {
		w[n++] = 63;
		memset(w + n, 'a', 63);
		n += 63;
	}
	w[n++] = 61;
	memset(w + n, 'b', 61);
	n += 61;
	w[n++] = 0;
	n += 4;
	tap_ok(dnswire_parse(&m, w, n) == DNSWIRE_OK &&
	    dnswire_name_read(w, n, 12, n, name, &len, NULL) == DNSWIRE_OK &&
	    len == DNSWIRE_MAX_NAME, "a name of 255 octets is read");
	memmove(w + 12 + 3 * 64 + 1, w + 12 + 3 * 64, n - (12 + 3 * 64));
	w[12 + 3 * 64] = 62;
	tap_ok(dnswire_parse(&m, w, n + 1) == DNSWIRE_E_NAME_LONG,
	    "a name of 256 octets is refused");

	/* question "a." at 12, then pointers each to the one before */
	memset(w, 0, sizeof(w));
	w[5] = 1;
	w[7] = 1;
	n = DNSWIRE_HEADER_LEN;
	w[n++] = 1;
	w[n++] = 'a';
	w[n++] = 0;
	n += 4;
	/* an A RR whose owner is at the end of a chain of pointers is
	 * written past them: the chain sits in the question's trailing
	 * octets, so it is reached only through the owner's pointer */
	{
		size_t chain = n, prev = 12;

		w[7] = 0;	/* no answer: the chain hangs off the owner */
		for (k = 0; k < DNSWIRE_MAX_JUMPS + 1; k++) {
			w[n] = (uint8_t)(0xc0 | prev >> 8);
			w[n + 1] = (uint8_t)prev;
			prev = n;
			n += 2;
		}
		(void)chain;
		tap_ok(dnswire_name_read(w, n, prev, n, NULL, NULL, NULL) ==
		    DNSWIRE_E_PTR_JUMPS, "%d backward pointers are refused",
		    DNSWIRE_MAX_JUMPS + 1);
		tap_ok(dnswire_name_read(w, n, n - 4, n, name, &len,
		    NULL) == DNSWIRE_OK && len == 3,
		    "%d backward pointers are followed",
		    DNSWIRE_MAX_JUMPS);
	}
}

/* The rdata helpers over the crafted CNAME + A reply. */
static void
test_helpers(void)
{
	static const uint8_t www[] = { 3, 'w', 'w', 'w', 4, 'b', 'e', 's',
		't', 2, 's', 'e', 0 };
	static const uint8_t best_up[] = { 4, 'B', 'E', 'S', 'T', 2, 's', 'E',
		0 };
	struct dnswire_msg m;
	struct dnswire_iter it;
	struct dnswire_rr rr;
	uint8_t out[DNSWIRE_MAX_NAME];
	size_t len = 0;
	bool cname = false, a = false;

	if (!tap_ok(dnswire_parse(&m, c_ok, sizeof(c_ok)) == DNSWIRE_OK,
	    "helpers: the reply parses"))
		return;
	dnswire_iter_init(&m, &it);
	while (dnswire_rr_next(&m, &it, &rr)) {
		if (rr.section == DNSWIRE_QUESTION)
			tap_ok(dnswire_name_equal(&m, rr.owner, best_up,
			    sizeof(best_up)), "helpers: qname equals BEST.sE.");
		else if (rr.type == 5)
			cname = dnswire_rdata_name(&m, &rr, out, &len, NULL) &&
			    len == sizeof(www) && memcmp(out, www, len) == 0;
		else if (rr.type == 1)
			a = dnswire_rdata_addr(&m, &rr, out, &len) &&
			    len == 4 && out[0] == 192 && out[3] == 1 &&
			    dnswire_name_equal(&m, rr.owner, www, sizeof(www));
	}
	tap_ok(cname, "helpers: the CNAME target, decompressed");
	tap_ok(a, "helpers: the A address, at www.best.se.");
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/replay";
	size_t mutants = argc > 2 ? strtoul(argv[2], NULL, 10) :
	    DNSWIRE_TEST_MUTANTS;
	unsigned long seedv = argc > 3 ? strtoul(argv[3], NULL, 10) :
	    DNSWIRE_TEST_SEED;
	size_t count[C_N] = { 0 }, i, fails = 0, files;
	char why[256];
	uint8_t *buf;

	test_crafted();
	test_bounds();
	test_helpers();
	test_probe_crafted();
	probe_checked = probe_diff = 0;

	rdbuf = xmalloc(DNSWIRE_TEST_RDATA);
	files = read_captures(dir);
	tap_ok(files > 0 && nseeds > 0, "%zu replies from %zu captures",
	    nseeds, files);
	for (i = 0; i < nseeds; i++) {
		enum cls c = classify(seeds[i].data, seeds[i].len, why,
		    sizeof(why));

		count[c]++;
		if (c != C_BOTH_ACCEPT && fails++ < 10)
			tap_diag("capture reply %zu: %s %s", i, cls_name[c],
			    why);
	}
	tap_ok(count[C_BOTH_ACCEPT] == nseeds,
	    "every captured reply: both accept, same extraction (%zu/%zu)",
	    count[C_BOTH_ACCEPT], nseeds);
	tap_ok(probe_checked == nseeds && probe_diff == 0,
	    "every captured reply: the DNS probe's extraction through the "
	    "walker equals it through ldns (%zu compared, %zu differ)",
	    probe_checked, probe_diff);
	probe_checked = probe_diff = 0;

	memset(count, 0, sizeof(count));
	rng = (uint64_t)seedv * 0x9e3779b97f4a7c15ull + 1;
	buf = xmalloc(DNSWIRE_MAX_MSG + DNSWIRE_TEST_GROW);
	fails = 0;
	for (i = 0; i < mutants && nseeds > 0; i++) {
		const struct seed *s = &seeds[next_rand() % nseeds];
		size_t len;
		enum cls c;

		memcpy(buf, s->data, s->len);
		len = mutate(buf, s->len, s->len + DNSWIRE_TEST_GROW);
		c = classify(buf, len, why, sizeof(why));
		count[c]++;
		if (c == C_FAIL && fails++ < 10)
			tap_diag("mutant %zu (seed %lu): %s", i, seedv, why);
	}
	for (i = 0; i < C_N; i++)
		tap_diag("mutants: %-20s %zu", cls_name[i], count[i]);
	tap_ok(count[C_FAIL] == 0, "%zu mutants: no disagreement outside "
	    "the named classes (%zu)", mutants, count[C_FAIL]);
	tap_ok(probe_diff == 0 && probe_checked == count[C_BOTH_ACCEPT],
	    "mutants both accept alike: the DNS probe's extraction through "
	    "the walker equals it through ldns (%zu compared, %zu differ)",
	    probe_checked, probe_diff);
	tap_ok(count[C_BOTH_ACCEPT] > mutants / 10 &&
	    count[C_BOTH_REJECT] > mutants / 100,
	    "mutants exercise both sides (%zu equal, %zu both refused)",
	    count[C_BOTH_ACCEPT], count[C_BOTH_REJECT]);

	for (i = 0; i < nseeds; i++)
		free(seeds[i].data);
	free(seeds);
	free(buf);
	free(rdbuf);
	return tap_done();
}
