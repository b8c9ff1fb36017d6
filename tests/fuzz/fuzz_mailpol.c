/*
 * fuzz_mailpol.c - libFuzzer target for the mail-policy parsers
 * (crawler/mail/mailpol.c: SPF, DMARC, the MTA-STS and TLS-RPT
 * records and TLS-RPT's rua URIs): the bytes are split
 * at '\n' into at most DNS_MAX_TXT record texts (the probe's bound), each
 * handed as (pointer, length) in an exact-size copy so that ASan sees any
 * read past its end; no crash, and every verdict is one of mailpol.h's.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsanswer.h"
#include "mailpol.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const spf_verdicts[] = { "absent", "fail", "softfail",
	"neutral", "pass", "none", "invalid", NULL };
static const char *const dmarc_verdicts[] = { "absent", "none",
	"quarantine", "reject", "invalid", NULL };

static bool
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (s != NULL && strcmp(s, *set) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *txt[DNS_MAX_TXT];
	size_t len[DNS_MAX_TXT], n = 0, start = 0, i;

	for (i = 0; i <= size && n < DNS_MAX_TXT; i++) {
		if (i < size && data[i] != '\n')
			continue;
		len[n] = i - start;
		if (len[n] > DNS_MAX_TXT_LEN)
			len[n] = DNS_MAX_TXT_LEN;
		txt[n] = xmalloc(len[n] ? len[n] : 1);
		memcpy(txt[n], data + start, len[n]);
		n++;
		start = i + 1;
	}
	if (!one_of(mailpol_spf((const char *const *)txt, len, n),
	    spf_verdicts) ||
	    !one_of(mailpol_dmarc((const char *const *)txt, len, n),
	    dmarc_verdicts))
		abort();
	for (i = 0; i < n; i++) {
		int m = mailpol_is_mta_sts(txt[i], len[i]);
		int r = mailpol_is_tlsrpt(txt[i], len[i]);

		if ((m != 0 && m != 1) || (r != 0 && r != 1) || (m && r))
			abort();
		/* A valid TLS-RPT record is a TLS-RPT record; alone it is
		 * the set's verdict; a valid STS record starts v=STSv1. */
		if (mailpol_tlsrpt_valid(txt[i], len[i]) && !r)
			abort();
		if ((mailpol_tlsrpt((const char *const *)&txt[i], &len[i], 1) ==
		    MAILPOL_TLSRPT_VALID) != mailpol_tlsrpt_valid(txt[i], len[i]))
			abort();
		if (mailpol_mta_sts_record((const char *const *)&txt[i],
		    &len[i], 1) && !m)
			abort();
		/* Each record alone, as a name with one TXT record. */
		if (!one_of(mailpol_spf((const char *const *)&txt[i], &len[i],
		    1), spf_verdicts) ||
		    !one_of(mailpol_dmarc((const char *const *)&txt[i],
		    &len[i], 1), dmarc_verdicts))
			abort();
	}
	{
		enum mailpol_tlsrpt t = mailpol_tlsrpt(
		    (const char *const *)txt, len, n);

		if (t != MAILPOL_TLSRPT_ABSENT && t != MAILPOL_TLSRPT_VALID &&
		    t != MAILPOL_TLSRPT_INVALID)
			abort();
		(void)mailpol_mta_sts_record((const char *const *)txt, len, n);
	}
	for (i = 0; i < n; i++)
		free(txt[i]);
	return 0;
}
