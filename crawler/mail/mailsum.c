/*
 * mailsum.c - MX host choice and the mail columns (mailsum.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mailsum.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* TLS versions as SSL_get_version names them, lowest first. */
static const char *const tls_names[] = { "SSLv3", "TLSv1", "TLSv1.1",
	"TLSv1.2", "TLSv1.3" };
/* cert_verify values (tls.c), best first; a domain is judged by its
 * worst. */
static const char *const verify_names[] = { "ok", "not_yet_valid",
	"expired", "untrusted", "self_signed", "hostname_mismatch", "other" };

static int
rank(const char *const *names, size_t n, const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

size_t
mail_select(const uint16_t *pref, size_t n, size_t max, size_t *out)
{
	size_t k = 0, round;

	/* Round r takes the r-th host of every level, levels in order. */
	for (round = 0; k < max; round++) {
		bool any = false;
		size_t s = 0;

		while (s < n && k < max) {
			size_t e = s;

			while (e < n && pref[e] == pref[s])
				e++;
			if (round < e - s) {
				out[k++] = s + round;
				any = true;
			}
			s = e;
		}
		if (!any)
			break;
	}
	return k;
}

int
mail_tls_rank(const char *v)
{
	return rank(tls_names, NELEM(tls_names), v);
}

int
mail_verify_rank(const char *v)
{
	return rank(verify_names, NELEM(verify_names), v);
}

/* Got past the greeting: the server spoke SMTP with us. */
static bool
answered(enum smtp_outcome o)
{
	return o == SMTP_TLS || o == SMTP_NO_STARTTLS ||
	    o == SMTP_STARTTLS_REFUSED || o == SMTP_TLS_FAILED;
}

static void
first_error(struct mail_summary *out, const struct mail_host *h,
	const struct smtp_result *r)
{
	if (out->error[0] != '\0')
		return;
	if (r == NULL)
		snprintf(out->error, sizeof(out->error), "mail: %s: no address",
		    h->name);
	else if (r->error[0] != '\0')
		snprintf(out->error, sizeof(out->error), "mail: %s", r->error);
}

void
mail_summarize(const struct mail_host *h, size_t n, struct mail_summary *out)
{
	size_t hosts_answered = 0, hosts_tls = 0, hosts_some_tls = 0;
	size_t dane_have = 0, dane_valid = 0;
	int low_tls = -1, worst_verify = -1;
	size_t i, a;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		size_t ans = 0, tls = 0;

		if (h[i].naddr == 0 && h[i].no_address)
			first_error(out, &h[i], NULL);
		if (h[i].naddr > 0)
			out->tested++;
		for (a = 0; a < h[i].naddr; a++) {
			const struct smtp_result *r = &h[i].r[a];
			int t, v;

			if (r->outcome != SMTP_TLS)
				first_error(out, &h[i], r);
			if (!answered(r->outcome))
				continue;
			ans++;
			if (r->outcome != SMTP_TLS)
				continue;
			tls++;
			t = mail_tls_rank(r->tls_version);
			if (t >= 0 && (low_tls < 0 || t < low_tls))
				low_tls = t;
			v = mail_verify_rank(r->cert_verify);
			if (v > worst_verify)
				worst_verify = v;
			if (r->dane != SMTP_DANE_NONE) {
				dane_have++;
				if (r->dane == SMTP_DANE_VALID)
					dane_valid++;
			}
		}
		if (ans > 0) {
			hosts_answered++;
			if (tls == ans)
				hosts_tls++;
			if (tls > 0)
				hosts_some_tls++;
		}
	}
	if (out->tested == 0)
		return;
	if (hosts_answered == 0)
		out->starttls = "unreachable";
	else if (hosts_tls == hosts_answered)
		out->starttls = "all";
	else if (hosts_some_tls == 0)
		out->starttls = "none";
	else
		out->starttls = "some";
	if (low_tls >= 0)
		out->tls_version = tls_names[low_tls];
	if (worst_verify >= 0)
		out->cert_verify = verify_names[worst_verify];
	out->dane = dane_have == 0 ? "none" :
	    dane_valid == dane_have ? "valid" :
	    dane_valid == 0 ? "invalid" : "partial";
}
