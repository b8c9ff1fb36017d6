/*
 * fuzz_dmarc.c - libFuzzer target for the DMARC record parser
 * (crawler/policy/dmarc.c): the bytes are split at '\n' into at most
 * DNS_MAX_TXT record texts, each in an exact-size copy so that ASan sees
 * any read past its end; no crash, and every result within its bounds
 * (pct 0-100, adkim/aspf r|s, URI counts and hosts bounded and
 * terminated, a record that applies has a policy).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc.h"
#include "dnsanswer.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_uris(const struct dmarc_uri *u, unsigned kept, unsigned n)
{
	unsigned i;

	if (kept > DMARC_MAX_URIS || kept > n || n > DMARC_MAX_URIS_COUNTED)
		abort();
	for (i = 0; i < kept; i++)
		if (strlen(u[i].host) > DMARC_MAX_HOST ||
		    (u[i].mailto && u[i].host[0] == '\0'))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *txt[DNS_MAX_TXT];
	size_t len[DNS_MAX_TXT], n = 0, start = 0, i, which = 0, found;

	for (i = 0; i <= size && n < DNS_MAX_TXT; i++) {
		if (i == size || data[i] == '\n') {
			len[n] = i - start;
			txt[n] = xmalloc(len[n] ? len[n] : 1);
			memcpy(txt[n], data + start, len[n]);
			n++;
			start = i + 1;
		}
	}
	found = dmarc_select((const char *const *)txt, len, n, &which);
	if (found > 2 || (found == 1 && which >= n))
		abort();
	for (i = 0; i < n; i++) {
		struct dmarc_record r;
		enum dmarc_error e = dmarc_parse(txt[i], len[i], &r);

		if (e > DMARC_ERR_MULTIPLE || e == DMARC_ERR_MULTIPLE)
			abort();
		if (r.pct < 0 || r.pct > 100 ||
		    (r.adkim != 'r' && r.adkim != 's') ||
		    (r.aspf != 'r' && r.aspf != 's'))
			abort();
		if (r.applies != (r.policy != DMARC_P_UNSET))
			abort();
		if ((e == DMARC_OK) != (dmarc_error_str(e) == NULL))
			abort();
		check_uris(r.rua, r.rua_kept, r.nrua);
		check_uris(r.ruf, r.ruf_kept, r.nruf);
	}
	for (i = 0; i < n; i++)
		free(txt[i]);
	return 0;
}
