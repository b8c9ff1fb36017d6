/*
 * tlspolscan.c - the TLS policy scan of one (address, name)
 * (tlspolscan.h): a plan of bounded handshakes, one at a time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "netaddr.h"
#include "tlshello.h"
#include "tlsscan.h"
#include "tlspolscan.h"
#include "util.h"

enum step {
	STEP_V13, STEP_V12, STEP_V11, STEP_V10,
	STEP_NULL, STEP_ANON, STEP_RSA, STEP_DHE, STEP_AEAD,
	STEP_ORDER_A, STEP_ORDER_B, STEP_ORDER_C, STEP_RENEG,
	STEP_3DES, STEP_RC4, STEP_EXPORT,	/* hand-written hellos */
	STEP_COMP,		/* hand-written: compression (RFC 3749) */
	STEP_END,
};

/* The OpenSSL cipher lists of the cipher steps (security level 0, so
 * that legacy suites are offered at all). */
#define LIST_NULL "eNULL:@SECLEVEL=0"
#define LIST_ANON "aNULL:!eNULL:@SECLEVEL=0"
/* Key exchange: every suite of it, NULL and anonymous ones included
 * (NULL-SHA256 is RSA key transport too, ADH a DH group). */
#define LIST_RSA "kRSA:@SECLEVEL=0"
#define LIST_DHE "kDHE:@SECLEVEL=0"
#define LIST_AEAD "AESGCM:CHACHA20:AESCCM:ARIAGCM:!aNULL:!eNULL:@SECLEVEL=0"

static const struct {
	int version;		/* 0: the legacy version of the scan */
	const char *ciphers;
	const char *name;
} steps[] = {
	[STEP_V13] = { TLS1_3_VERSION, NULL, "TLSv1.3" },
	[STEP_V12] = { TLS1_2_VERSION, NULL, "TLSv1.2" },
	[STEP_V11] = { TLS1_1_VERSION, NULL, "TLSv1.1" },
	[STEP_V10] = { TLS1_VERSION, NULL, "TLSv1" },
	[STEP_NULL] = { 0, LIST_NULL, "NULL" },
	[STEP_ANON] = { 0, LIST_ANON, "anon" },
	[STEP_RSA] = { 0, LIST_RSA, "static RSA" },
	[STEP_DHE] = { 0, LIST_DHE, "DHE" },
	[STEP_AEAD] = { TLS1_2_VERSION, LIST_AEAD, "AEAD" },
	[STEP_ORDER_A] = { 0, NULL, "order" },
	[STEP_ORDER_B] = { 0, NULL, "order, reversed" },
	[STEP_ORDER_C] = { 0, NULL, "order, without" },
	[STEP_RENEG] = { 0, NULL, "renegotiation" },
	[STEP_3DES] = { 0, NULL, "3DES" },
	[STEP_RC4] = { 0, NULL, "RC4" },
	[STEP_EXPORT] = { 0, NULL, "EXPORT" },
	[STEP_COMP] = { 0, NULL, "compression" },
};

static const unsigned step_bit[] = {
	[STEP_V13] = TLSPOL_V13, [STEP_V12] = TLSPOL_V12,
	[STEP_V11] = TLSPOL_V11, [STEP_V10] = TLSPOL_V10,
};

struct tlspol_scan {
	struct loop *loop;
	SSL_CTX *ctx;
	struct netaddr addr;
	uint16_t port;
	char *sni;
	int known;			/* version the web stage negotiated */
	int legacy;			/* newest accepted up to TLS 1.2 */
	/* The suite each version step chose (OpenSSL's name), for the
	 * order steps; then the one the order steps move last. */
	char chosen[4][TLSPOL_SUITE_NAME_MAX];
	char first[TLSPOL_SUITE_NAME_MAX];
	char list[2 * TLSPOL_SUITE_NAME_MAX + 64];
	enum step step;
	struct tlsscan *hs;		/* the handshake in flight */
	struct loop_timer *later;	/* to tell the end from the loop */
	struct tlspol_result res;
	tlspol_scan_cb cb;
	void *arg;
};

static void next(struct tlspol_scan *s);

static void
hs_done(const struct tlsscan_result *r, void *arg)
{
	struct tlspol_scan *s = arg;
	enum step st = s->step;
	bool yes = r->status == TLSSCAN_ACCEPTED;

	s->res.handshakes++;
	if (r->status == TLSSCAN_TIMEOUT || r->status == TLSSCAN_ERROR) {
		/* What this step and the rest would measure stays unknown. */
		s->res.ended_early = true;
		snprintf(s->res.why, sizeof(s->res.why), "%s probe: %s: %s",
		    steps[st].name, tlsscan_status_str(r->status), r->why);
		if (st <= STEP_V10)
			s->res.f.versions = -1;
		s->step = STEP_END;
		next(s);
		return;
	}
	switch (st) {
	case STEP_V13:
	case STEP_V12:
	case STEP_V11:
	case STEP_V10:
		if (yes) {
			s->res.f.versions |= (int)step_bit[st];
			memcpy(s->chosen[st], r->ossl_suite,
			    sizeof(s->chosen[st]));
		}
		break;
	case STEP_ORDER_A:
		/* Refused cannot be (the version was accepted): stop. */
		if (!yes) {
			s->step = STEP_ORDER_C;
			break;
		}
		memcpy(s->first, r->ossl_suite, sizeof(s->first));
		break;
	case STEP_ORDER_B:
		if (!yes)			/* cannot tell */
			s->step = STEP_ORDER_C;
		else if (strcmp(r->ossl_suite, s->first) != 0) {
			s->res.server_order = 0;	/* ours was followed */
			s->step = STEP_ORDER_C;		/* C not needed */
		}
		break;
	case STEP_ORDER_C:
		/* X chosen last too: its own order, if it has another. */
		s->res.server_order = yes ? 1 : -1;
		break;
	case STEP_NULL:
	case STEP_ANON: {
		unsigned bit = st == STEP_NULL ? TLSPOL_WEAK_NULL :
		    TLSPOL_WEAK_ANON;

		s->res.weak_measured |= bit;
		if (yes)
			s->res.f.weak |= (int)bit;
		break;
	}
	case STEP_RSA:
		s->res.f.static_rsa = yes;
		break;
	case STEP_DHE:
		s->res.f.dh_bits = yes ? r->dh_bits : 0;
		break;
	case STEP_AEAD:
		s->res.weak_measured |= TLSPOL_WEAK_CBC_ONLY;
		if (!yes)
			s->res.f.weak |= TLSPOL_WEAK_CBC_ONLY;
		break;
	case STEP_RENEG:
		if (yes) {
			s->res.secure_reneg = r->secure_reneg;
			s->res.f.client_reneg = r->reneg;
			if (r->reneg == 0)
				memcpy(s->res.reneg_why, r->why,
				    sizeof(s->res.reneg_why));
		}
		break;
	case STEP_3DES:
	case STEP_RC4:
	case STEP_EXPORT: {
		unsigned bit = st == STEP_3DES ? TLSPOL_WEAK_3DES :
		    st == STEP_RC4 ? TLSPOL_WEAK_RC4 : TLSPOL_WEAK_EXPORT;

		s->res.weak_measured |= bit;
		if (yes)
			s->res.f.weak |= (int)bit;
		break;
	}
	case STEP_COMP:
		/* Refused (no suite shared): not measured. */
		if (yes)
			s->res.compression = r->compression;
		break;
	case STEP_END:
		break;
	}
	s->step++;
	next(s);
}

/* The newest accepted version up to TLS 1.2, or 0. */
static int
legacy_version(int versions)
{
	if (versions & TLSPOL_V12)
		return TLS1_2_VERSION;
	if (versions & TLSPOL_V11)
		return TLS1_1_VERSION;
	if (versions & TLSPOL_V10)
		return TLS1_VERSION;
	return 0;
}

static void
end_cb(void *arg)
{
	struct tlspol_scan *s = arg;

	s->cb(&s->res, s->arg);		/* may free s */
}

/* Start the next step that can still tell something, or end. */
static void
next(struct tlspol_scan *s)
{
	int version;

	tlsscan_free(s->hs);
	s->hs = NULL;
	for (; s->step < STEP_END; s->step++) {
		if (s->step <= STEP_V10 && steps[s->step].version == s->known) {
			s->res.f.versions |= (int)step_bit[s->step];
			continue;
		}
		if (s->step == STEP_NULL) {
			s->legacy = legacy_version(s->res.f.versions);
			if (s->legacy == 0) {
				if (s->res.f.versions > 0) {
					/* TLS 1.3 alone: none of it exists. */
					s->res.f.weak = 0;
					s->res.weak_measured = TLSPOL_WEAK_ALL;
					s->res.f.dh_bits = 0;
					s->res.f.static_rsa = 0;
					s->res.f.client_reneg = 0;
					s->res.secure_reneg = -1;
					/* RFC 8446 4.1.2: null only. */
					s->res.compression = 0;
				}
				s->step = STEP_END;
				break;
			}
			/* Measured from here on. */
			s->res.f.weak = 0;
		}
		if (s->step == STEP_ORDER_A) {
			int vi = s->legacy == TLS1_2_VERSION ? STEP_V12 :
			    s->legacy == TLS1_1_VERSION ? STEP_V11 : STEP_V10;

			/* The version step's choice is the first offer's. */
			if (s->chosen[vi][0] != '\0') {
				memcpy(s->first, s->chosen[vi],
				    sizeof(s->first));
				continue;
			}
		}
		if (s->step == STEP_AEAD &&
		    (s->res.f.versions & TLSPOL_V12) == 0) {
			/* cbc_only is about TLS 1.2: no 1.2, no class. */
			s->res.weak_measured |= TLSPOL_WEAK_CBC_ONLY;
			continue;
		}
		break;
	}
	if (s->step >= STEP_END) {
		/* Told from the loop: next() runs inside tlsscan's callback
		 * and inside tlspol_scan_start. */
		loop_timer_start(s->later, 0);
		return;
	}
	version = steps[s->step].version ? steps[s->step].version : s->legacy;
	if (s->step >= STEP_ORDER_A && s->step <= STEP_ORDER_C) {
		if (s->step == STEP_ORDER_A) {
			s->hs = tlsscan_start(s->loop, s->ctx, &s->addr,
			    s->port, s->sni, version, NULL, hs_done, s);
			return;
		}
		/* OpenSSL's list syntax: -X deletes X, a later X adds it
		 * back at the end. */
		if (s->step == STEP_ORDER_B)
			snprintf(s->list, sizeof(s->list), "%s:-%s:%s:"
			    "@SECLEVEL=0", TLSSCAN_ALL_CIPHERS_BASE, s->first,
			    s->first);
		else
			snprintf(s->list, sizeof(s->list), "%s:-%s:"
			    "@SECLEVEL=0", TLSSCAN_ALL_CIPHERS_BASE, s->first);
		s->hs = tlsscan_start(s->loop, s->ctx, &s->addr, s->port,
		    s->sni, version, s->list, hs_done, s);
		return;
	}
	if (s->step >= STEP_3DES) {
		const uint16_t *suites = s->step == STEP_3DES ? tlshello_3des :
		    s->step == STEP_RC4 ? tlshello_rc4 :
		    s->step == STEP_EXPORT ? tlshello_export : tlshello_ordinary;
		size_t n = s->step == STEP_3DES ? tlshello_n3des :
		    s->step == STEP_RC4 ? tlshello_nrc4 :
		    s->step == STEP_EXPORT ? tlshello_nexport :
		    tlshello_nordinary;

		s->hs = tlsscan_start_raw(s->loop, &s->addr, s->port, s->sni,
		    version, suites, n, s->step == STEP_COMP, hs_done, s);
		if (s->hs == NULL) {	/* the hello cannot be built */
			s->step = STEP_END;
			loop_timer_start(s->later, 0);
		}
		return;
	}
	s->hs = tlsscan_start(s->loop, s->ctx, &s->addr, s->port, s->sni,
	    version, steps[s->step].ciphers, hs_done, s);
	if (s->step == STEP_RENEG)
		tlsscan_ask_reneg(s->hs);
}

struct tlspol_scan *
tlspol_scan_start(struct loop *l, SSL_CTX *ctx, const struct netaddr *addr,
	uint16_t port, const char *sni, int known_version, tlspol_scan_cb cb,
	void *arg)
{
	struct tlspol_scan *s = xcalloc(1, sizeof(*s));

	s->loop = l;
	s->ctx = ctx;
	s->addr = *addr;
	s->port = port;
	s->sni = sni != NULL ? xstrdup(sni) : NULL;
	s->known = known_version;
	s->cb = cb;
	s->arg = arg;
	s->later = loop_timer_new(l, end_cb, s);
	s->res.f.versions = 0;
	s->res.f.weak = -1;
	s->res.f.dh_bits = -1;
	s->res.f.static_rsa = -1;
	s->res.f.client_reneg = -1;	/* not measured yet */
	s->res.server_order = -1;
	s->res.secure_reneg = -1;
	s->res.compression = -1;
	s->step = STEP_V13;
	next(s);
	return s;
}

void
tlspol_scan_free(struct tlspol_scan *s)
{
	if (s == NULL)
		return;
	tlsscan_free(s->hs);
	loop_timer_free(s->later);
	free(s->sni);
	free(s);
}

enum tlspol_ncsc
tlspol_result_class(const struct tlspol_result *r)
{
	struct tlspol_facts f = r->f;
	const int decides = TLSPOL_WEAK_RC4 | TLSPOL_WEAK_NULL |
	    TLSPOL_WEAK_ANON | TLSPOL_WEAK_EXPORT;

	/* A class not asked (3DES, RC4, EXPORT) could make it worse,
	 * unless an accepted one already makes it insufficient. */
	if (f.weak >= 0 && (r->weak_measured & TLSPOL_WEAK_ALL) !=
	    TLSPOL_WEAK_ALL && (f.weak & decides) == 0)
		f.weak = -1;
	return tlspol_ncsc_class(&f);
}
