/*
 * fuzz_spf.c - libFuzzer target for the SPF record parser
 * (crawler/policy/spf.c): the bytes, prefixed with "v=spf1 " when they do
 * not start with it (so that mutations reach the terms), are handed as
 * (pointer, length) in an exact-size copy so that ASan sees any read past
 * its end; no crash, and a parsed record is consistent: every
 * domain-spec inside the text and at most SPF_MAX_DOMAIN_SPEC bytes,
 * every term a known mechanism and qualifier, a fault named with an
 * offset inside the text.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spf.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct spf_record rec;

static void
spec_check(const struct spf_spec *sp, size_t len)
{
	if (sp->len > SPF_MAX_DOMAIN_SPEC || (size_t)sp->off + sp->len > len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pre[] = "v=spf1 ";
	size_t plen = size >= 6 && memcmp(data, "v=spf1", 6) == 0 ? 0 :
	    sizeof(pre) - 1;
	size_t len = plen + size, where = 0, i;
	const char *why = NULL;
	char *s = xmalloc(len ? len : 1);
	enum spf_parse r;

	memcpy(s, pre, plen);
	if (size > 0)
		memcpy(s + plen, data, size);
	r = spf_parse(s, len, &rec, &why, &where);
	switch (r) {
	case SPF_PARSE_OK:
		if (rec.nterms > SPF_MAX_TERMS)
			abort();
		for (i = 0; i < rec.nterms; i++) {
			if ((unsigned)rec.term[i].mech > SPF_MECH_EXISTS ||
			    (unsigned)rec.term[i].qual > SPF_QUAL_NEUTRAL)
				abort();
			spec_check(&rec.term[i].spec, len);
		}
		if (rec.have_redirect)
			spec_check(&rec.redirect, len);
		break;
	case SPF_PARSE_SYNTAX:
		if (why == NULL || where > len)
			abort();
		break;
	case SPF_PARSE_NOT_SPF:
		if (spf_is_record(s, len))
			abort();
		break;
	default:
		abort();
	}
	free(s);
	return 0;
}
