/*
 * operators.c - ns_operator and mx_operator from the DNS stage's host
 * names (operators.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "dname.h"
#include "dnsanswer.h"
#include "job.h"
#include "operators.h"
#include "regdom.h"
#include "row.h"
#include "schema.h"

/*
 * Host names counted per domain and role: the DNS stage keeps at most
 * JOB_MAX_HOSTS of each; further names passed to operators_pick are not
 * counted (a bound on the stack arrays below).
 */
#define OPERATORS_MAX_HOSTS 16
_Static_assert(OPERATORS_MAX_HOSTS >= JOB_MAX_HOSTS,
    "operators_pick counts every host the DNS stage keeps");

static int
str_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

bool
operators_pick(const struct regdom *rd, const char *const *hosts, size_t n,
    char *out, size_t outlen)
{
	char dom[OPERATORS_MAX_HOSTS][DNAME_BUF_SIZE];
	size_t i, run, best = 0, besti = 0;

	if (outlen > 0)
		out[0] = '\0';
	if (n > OPERATORS_MAX_HOSTS)
		n = OPERATORS_MAX_HOSTS;
	if (n == 0 || outlen == 0)
		return false;
	for (i = 0; i < n; i++)
		regdom_map(rd, hosts[i], dom[i], sizeof(dom[i]));
	/* Sorted, equal domains are runs; the longest run wins, the first
	 * (smallest in byte order) of equally long ones. */
	qsort(dom, n, sizeof(dom[0]), str_cmp);
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && strcmp(dom[i], dom[i + run]) == 0;
		    run++)
			;
		if (run > best) {
			best = run;
			besti = i;
		}
	}
	snprintf(out, outlen, "%s", dom[besti]);
	return true;
}

/* The operator of hosts h[0..n) into the row's column c, or nothing (the
 * column stays null) when no host name is usable. */
static void
operator_write(struct job *j, const struct job_host *h, unsigned n,
    enum schema_col c)
{
	char text[DNSANSWER_NAME_TEXT];
	char norm[OPERATORS_MAX_HOSTS][DNAME_BUF_SIZE];
	const char *names[OPERATORS_MAX_HOSTS];
	char op[DNAME_BUF_SIZE];
	size_t m = 0;
	unsigned i;

	for (i = 0; i < n && m < OPERATORS_MAX_HOSTS; i++) {
		if (h[i].name == NULL || ldns_dname_label_count(h[i].name) == 0)
			continue;	/* "." (a null MX) names no host */
		dnsanswer_name_text(h[i].name, text, sizeof(text));
		if (dname_normalize(text, strlen(text), norm[m],
		    sizeof(norm[m])) != DNAME_OK)
			continue;	/* not a host name (escapes, "_") */
		names[m] = norm[m];
		m++;
	}
	if (operators_pick(j->crawl->regdom, names, m, op, sizeof(op)))
		row_set_str(&j->row, c, op);
}

bool
operators_wanted(const struct job *j)
{
	return j->crawl->regdom != NULL && j->facts.dns == DNS_OUT_OK;
}

bool
operators_start(struct job *j)
{
	operator_write(j, j->facts.ns, j->facts.nns, SCHEMA_COL_NS_OPERATOR);
	operator_write(j, j->facts.mx, j->facts.nmx, SCHEMA_COL_MX_OPERATOR);
	return false;
}
