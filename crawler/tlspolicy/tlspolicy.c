/*
 * tlspolicy.c - the TLS policy scan's verdicts (tlspolicy.h); the rules
 * are docs/web.md's, "TLS policy: the rules".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tlspolicy.h"

/* Column spellings, in bit order. */
static const char *const version_names[] = {
	"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3",
};
static const char *const weak_names[] = {
	"3des", "rc4", "null", "anon", "export", "cbc_only",
};

/* The names of the set bits of set, in bit order, comma-separated. */
static void
set_str(unsigned set, const char *const *names, size_t n, char *buf,
	size_t len)
{
	size_t i, used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w;

		if ((set & (1u << i)) == 0)
			continue;
		w = snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? "," : "", names[i]);
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0';	/* whole names only */
			return;
		}
		used += (size_t)w;
	}
}

void
tlspol_versions_str(unsigned versions, char *buf, size_t len)
{
	set_str(versions, version_names, 4, buf, len);
}

const char *
tlspol_min_version_str(unsigned versions)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (versions & (1u << i))
			return version_names[i];
	return NULL;
}

void
tlspol_weak_str(unsigned weak, char *buf, size_t len)
{
	set_str(weak, weak_names, 6, buf, len);
}

/* True when token (between underscores) occurs in name. */
static bool
has_token(const char *name, const char *token)
{
	size_t tl = strlen(token);
	const char *p = name;

	while ((p = strstr(p, token)) != NULL) {
		bool start = p == name || p[-1] == '_';
		bool end = p[tl] == '\0' || p[tl] == '_';

		if (start && end)
			return true;
		p++;
	}
	return false;
}

struct tlspol_suite
tlspol_suite_judge(const char *iana)
{
	struct tlspol_suite s = { 0, false, false, false };
	const char *with;

	if (iana == NULL || strncmp(iana, "TLS_", 4) != 0 ||
	    strnlen(iana, TLSPOL_SUITE_NAME_MAX) >= TLSPOL_SUITE_NAME_MAX)
		return s;
	/* TLS 1.3 suites name no key exchange: TLS_AES_128_GCM_SHA256. */
	with = strstr(iana, "_WITH_");
	if (with != NULL) {
		size_t kl = (size_t)(with - iana);

		/* Key exchange: TLS_RSA_WITH_ is RSA key transport (RFC
		 * 5246 F.1.1.2), and so are its export variants. */
		s.static_rsa = (kl == 7 && strncmp(iana, "TLS_RSA", 7) == 0) ||
		    (kl == 14 && strncmp(iana, "TLS_RSA_EXPORT", 14) == 0) ||
		    (kl == 18 && strncmp(iana, "TLS_RSA_EXPORT1024", 18) == 0);
		s.dhe = strncmp(iana, "TLS_DHE_", 8) == 0 ||
		    strncmp(iana, "TLS_DH_anon_", 12) == 0;
		/* TLS_DH_anon_, TLS_ECDH_anon_: no authentication. */
		if (has_token(iana, "anon"))
			s.weak |= TLSPOL_WEAK_ANON;
		if (has_token(iana, "EXPORT") || has_token(iana, "EXPORT1024"))
			s.weak |= TLSPOL_WEAK_EXPORT;
		/* The bulk cipher, after _WITH_. */
		if (strncmp(with, "_WITH_3DES_", 11) == 0)
			s.weak |= TLSPOL_WEAK_3DES;
		if (strncmp(with, "_WITH_RC4_", 10) == 0)
			s.weak |= TLSPOL_WEAK_RC4;
		if (strncmp(with, "_WITH_NULL_", 11) == 0)
			s.weak |= TLSPOL_WEAK_NULL;
		/* TLS_NULL_WITH_NULL_NULL: nothing at all. */
		if (strncmp(iana, "TLS_NULL_", 9) == 0)
			s.weak |= TLSPOL_WEAK_NULL | TLSPOL_WEAK_ANON;
	}
	s.aead = has_token(iana, "GCM") || has_token(iana, "CCM") ||
	    strstr(iana, "_CHACHA20_POLY1305_") != NULL;
	return s;
}

int
tlspol_kex_weak(int dh_bits, int static_rsa)
{
	bool dh_weak = dh_bits > 0 && dh_bits < TLSPOL_DH_STRONG_BITS;

	if (dh_weak || static_rsa == 1)
		return 1;
	if (dh_bits < 0 || static_rsa < 0)
		return -1;
	return 0;
}

/* Raise *c to at least v. */
static void
worst(enum tlspol_ncsc *c, enum tlspol_ncsc v)
{
	if (v > *c)
		*c = v;
}

enum tlspol_ncsc
tlspol_ncsc_class(const struct tlspol_facts *f)
{
	enum tlspol_ncsc c = TLSPOL_NCSC_GOOD;
	/* The worst class an unmeasured fact could have given. */
	enum tlspol_ncsc unknown_max = TLSPOL_NCSC_GOOD;

	/* No version measured (or none accepted): no class. */
	if (f->versions <= 0)
		return TLSPOL_NCSC_UNKNOWN;
	/* B1-1: TLS 1.3 good, 1.2 sufficient, 1.1 and 1.0 phase out. */
	if (f->versions & (TLSPOL_V10 | TLSPOL_V11))
		worst(&c, TLSPOL_NCSC_PHASE_OUT);
	if (f->versions & TLSPOL_V12)
		worst(&c, TLSPOL_NCSC_SUFFICIENT);

	/* B2-1 to B2-4: the bulk ciphers. */
	if (f->weak < 0)
		worst(&unknown_max, TLSPOL_NCSC_INSUFFICIENT);
	else {
		if (f->weak & (TLSPOL_WEAK_RC4 | TLSPOL_WEAK_NULL |
		    TLSPOL_WEAK_ANON | TLSPOL_WEAK_EXPORT))
			worst(&c, TLSPOL_NCSC_INSUFFICIENT);
		if (f->weak & TLSPOL_WEAK_3DES)
			worst(&c, TLSPOL_NCSC_PHASE_OUT);
		if (f->weak & TLSPOL_WEAK_CBC_ONLY)
			worst(&c, TLSPOL_NCSC_SUFFICIENT);
	}

	/* B6-1 and table 10: the finite-field DH group. */
	if (f->dh_bits < 0)
		worst(&unknown_max, TLSPOL_NCSC_INSUFFICIENT);
	else if (f->dh_bits > 0) {
		if (f->dh_bits < TLSPOL_DH_STRONG_BITS)
			worst(&c, TLSPOL_NCSC_INSUFFICIENT);
		else if (f->dh_bits < TLSPOL_DH_SUFFICIENT_BITS)
			worst(&c, TLSPOL_NCSC_PHASE_OUT);
		else
			worst(&c, TLSPOL_NCSC_SUFFICIENT);
	}

	/* Key exchange by RSA key transport: phase out. */
	if (f->static_rsa < 0)
		worst(&unknown_max, TLSPOL_NCSC_PHASE_OUT);
	else if (f->static_rsa == 1)
		worst(&c, TLSPOL_NCSC_PHASE_OUT);

	/* B8-1: client-initiated renegotiation is sufficient (2.1). */
	if (f->client_reneg < 0)
		worst(&unknown_max, TLSPOL_NCSC_SUFFICIENT);
	else if (f->client_reneg == 1)
		worst(&c, TLSPOL_NCSC_SUFFICIENT);

	/* An unmeasured fact that could have made the class worse leaves
	 * it unknown; one that could not does not matter. */
	if (unknown_max > c)
		return TLSPOL_NCSC_UNKNOWN;
	return c;
}

const char *
tlspol_ncsc_str(enum tlspol_ncsc c)
{
	switch (c) {
	case TLSPOL_NCSC_GOOD:
		return "good";
	case TLSPOL_NCSC_SUFFICIENT:
		return "sufficient";
	case TLSPOL_NCSC_PHASE_OUT:
		return "phase_out";
	case TLSPOL_NCSC_INSUFFICIENT:
		return "insufficient";
	case TLSPOL_NCSC_UNKNOWN:
		break;
	}
	return NULL;
}
