/*
 * fuzz_dns_seeds.c - seeds for the DNS fuzz targets: the replies of the
 * recorded core world (tests/replay/core.rpl, FUZZ_REPLAY_CORE) in wire
 * form, plus crafted shapes it lacks (a CNAME loop, a chain longer than
 * DNS_MAX_CNAME, TXT records split in many strings, one longer than
 * DNS_MAX_TXT_LEN joined, a foreign SOA).
 * Built with FUZZ_DNS_SEED_PREFIX (fuzz-validator), each seed starts with
 * the target's two selector bytes, one seed per selector value.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnsanswer.h"
#include "fuzz_seeds.h"
#include "replay.h"
#include "util.h"

/* Replies taken from the recording: every k-th, so that the seeds span its
 * names and types while the replay of all seeds stays under a second. */
#define FUZZ_DNS_MAX_SEEDS 96
/* Selector values the validator target tells apart (fuzz_validator.c). */
#define FUZZ_DNS_SELECTORS 4

static const char *const crafted[] = {
	/* a CNAME loop */
	";; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 0\n"
	";; flags: qr rd ra ; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 0\n"
	";; QUESTION SECTION:\n;; best.se.\tIN\tA\n\n;; ANSWER SECTION:\n"
	"best.se.\t60\tIN\tCNAME\twww.best.se.\n"
	"www.best.se.\t60\tIN\tCNAME\tbest.se.\n\n"
	";; AUTHORITY SECTION:\n\n;; ADDITIONAL SECTION:\n\n",
	/* a chain of 10 links, longer than DNS_MAX_CNAME */
	";; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 0\n"
	";; flags: qr rd ra ; QUERY: 1, ANSWER: 11, AUTHORITY: 0, ADDITIONAL: 0\n"
	";; QUESTION SECTION:\n;; best.se.\tIN\tTXT\n\n;; ANSWER SECTION:\n"
	"best.se.\t60\tIN\tCNAME\tc1.best.se.\n"
	"c1.best.se.\t60\tIN\tCNAME\tc2.best.se.\n"
	"c2.best.se.\t60\tIN\tCNAME\tc3.best.se.\n"
	"c3.best.se.\t60\tIN\tCNAME\tc4.best.se.\n"
	"c4.best.se.\t60\tIN\tCNAME\tc5.best.se.\n"
	"c5.best.se.\t60\tIN\tCNAME\tc6.best.se.\n"
	"c6.best.se.\t60\tIN\tCNAME\tc7.best.se.\n"
	"c7.best.se.\t60\tIN\tCNAME\tc8.best.se.\n"
	"c8.best.se.\t60\tIN\tCNAME\tc9.best.se.\n"
	"c9.best.se.\t60\tIN\tCNAME\tc10.best.se.\n"
	"c10.best.se.\t60\tIN\tTXT\t\"v=spf1 -all\"\n\n"
	";; AUTHORITY SECTION:\n\n;; ADDITIONAL SECTION:\n\n",
	/* TXT in many strings, two SPF records, DMARC */
	";; ->>HEADER<<- opcode: QUERY, rcode: NOERROR, id: 0\n"
	";; flags: qr rd ra ; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 0\n"
	";; QUESTION SECTION:\n;; _dmarc.best.se.\tIN\tTXT\n\n;; ANSWER SECTION:\n"
	"_dmarc.best.se.\t60\tIN\tTXT\t\"v=DMARC1;\" \" p=reject\" \"\" \"; rua=x\"\n"
	"_dmarc.best.se.\t60\tIN\tTXT\t\"v=spf1 \" \"include:x ~all\"\n"
	"_dmarc.best.se.\t60\tIN\tTXT\t\"v=STSv1; id=1\"\n\n"
	";; AUTHORITY SECTION:\n\n;; ADDITIONAL SECTION:\n\n",
	/* a negative answer from a zone above the apex, NSEC3 and NSEC */
	";; ->>HEADER<<- opcode: QUERY, rcode: NXDOMAIN, id: 0\n"
	";; flags: qr rd ra ; QUERY: 1, ANSWER: 0, AUTHORITY: 3, ADDITIONAL: 0\n"
	";; QUESTION SECTION:\n;; www.best.se.\tIN\tAAAA\n\n;; ANSWER SECTION:\n\n"
	";; AUTHORITY SECTION:\n"
	"se.\t300\tIN\tSOA\tns1.nic.se. hostmaster.se. 1 3600 600 86400 300\n"
	"j1ji4cb7j31u0uq9chp15ibgd55cnn6p.se.\t300\tIN\tNSEC3\t1 0 65535 - "
	"mjhk37pjgfmthm45piug6rd4donahjs1 NS DS RRSIG\n"
	"best.se.\t300\tIN\tNSEC\tzz.best.se. A RRSIG NSEC\n\n"
	";; ADDITIONAL SECTION:\n\n",
};

/* Character-strings of 255 bytes in the long TXT seed: their join is longer
 * than DNS_MAX_TXT_LEN, so the seed alone checks that the join is cut. */
#define FUZZ_DNS_LONG_TXT_STRINGS (DNS_MAX_TXT_LEN / 255 + 2)

static void push(struct fuzz_seed **out, size_t *n, size_t *cap,
	const ldns_pkt *p);

/* best.se TXT answered by one record joining to more than DNS_MAX_TXT_LEN. */
static void
push_long_txt(struct fuzz_seed **out, size_t *n, size_t *cap)
{
	size_t k, len = 0, sz = FUZZ_DNS_LONG_TXT_STRINGS * 258 + 64;
	char *text = xmalloc(sz);
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *q = NULL, *rr = NULL;

	len += (size_t)snprintf(text, sz, "best.se. 60 IN TXT");
	for (k = 0; k < FUZZ_DNS_LONG_TXT_STRINGS; k++) {
		text[len++] = ' ';
		text[len++] = '"';
		memset(text + len, 'a' + (int)(k % 26), 255);
		len += 255;
		text[len++] = '"';
	}
	text[len] = '\0';
	ldns_pkt_set_qr(p, true);
	if (ldns_rr_new_question_frm_str(&q, "best.se. IN TXT", NULL, NULL) ==
	    LDNS_STATUS_OK &&
	    ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) == LDNS_STATUS_OK) {
		ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
		push(out, n, cap, p);
	} else {
		fprintf(stderr, "fuzz seeds: the long TXT seed did not parse\n");
		ldns_rr_free(q);
		ldns_rr_free(rr);
	}
	ldns_pkt_free(p);
	free(text);
}

static void
push(struct fuzz_seed **out, size_t *n, size_t *cap, const ldns_pkt *p)
{
	uint8_t *wire = NULL;
	size_t len = 0, pre = 0, k;
	unsigned sel;

#ifdef FUZZ_DNS_SEED_PREFIX
	pre = 2;
#endif
	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
		return;
	for (sel = 0; sel < (pre ? FUZZ_DNS_SELECTORS : 1); sel++) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*out = xreallocarray(*out, *cap, sizeof(**out));
		}
		k = (*n)++;
		(*out)[k].data = xmalloc(len + pre);
		if (pre) {
			(*out)[k].data[0] = (uint8_t)sel;
			(*out)[k].data[1] = (uint8_t)(*n / FUZZ_DNS_SELECTORS);
		}
		memcpy((*out)[k].data + pre, wire, len);
		(*out)[k].len = len + pre;
	}
	free(wire);
}

size_t
fuzz_seeds_make(struct fuzz_seed **out)
{
	struct replay_file *f;
	char err[512];
	size_t n = 0, cap = 0, i, with = 0, step;
	bool ok;

	*out = NULL;
	f = replay_file_read(FUZZ_REPLAY_CORE, true, err, sizeof(err));
	if (f == NULL) {
		fprintf(stderr, "fuzz seeds: %s\n", err);
		return 0;
	}
	for (i = 0; i < f->n; i++)
		if (f->e[i].outcome == REPLAY_OK)
			with++;
	step = with / FUZZ_DNS_MAX_SEEDS + 1;
	for (i = 0; i < f->n; i += step) {
		const ldns_pkt *p = replay_entry_reply(&f->e[i], &ok, err,
		    sizeof(err));

		if (p != NULL)
			push(out, &n, &cap, p);
	}
	replay_file_free(f);
	for (i = 0; i < sizeof(crafted) / sizeof(crafted[0]); i++) {
		ldns_pkt *p = replay_pkt_parse(crafted[i], strlen(crafted[i]),
		    err, sizeof(err));

		if (p == NULL) {
			fprintf(stderr, "fuzz seeds: crafted %zu: %s\n", i, err);
			continue;
		}
		push(out, &n, &cap, p);
		ldns_pkt_free(p);
	}
	push_long_txt(out, &n, &cap);
	return n;
}
