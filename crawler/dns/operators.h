/*
 * operators.h - who operates a domain's DNS and mail: ns_operator and
 * mx_operator, the registrable domain (lib/regdom.h, libpsl's ICANN
 * section) of its NS host names and of its MX host names.
 *
 * The rule (docs/method.md, "Operators"): each host name the DNS stage
 * kept (j->facts.ns[], j->facts.mx[]: at most JOB_MAX_HOSTS) is put in
 * normal form (lib/dname.h) and mapped to its registrable domain; the
 * operator is the registrable domain named by the most hosts, a tie
 * going to the first in byte order.  Names that are not host names
 * (the root of a null MX, RFC 7505; names dname.h rejects) are not
 * counted.  Null when no name is left, when the domain has no NS or MX
 * answer, or when its DNS stage did not end with an answer (the facts'
 * dns outcome is not ok).
 */
#ifndef UPTAKE_CRAWLER_DNS_OPERATORS_H
#define UPTAKE_CRAWLER_DNS_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>

struct job;
struct regdom;

/*
 * The operator of hosts[0..n) (normal-form host names, borrowed) by the
 * rule above, into out (outlen >= DNAME_BUF_SIZE).  Returns false (out
 * "") when n is 0.  Pure: no I/O.
 */
bool operators_pick(const struct regdom *rd, const char *const *hosts,
	size_t n, char *out, size_t outlen);

/* The pipeline's operators stage: wanted when the crawl has a suffix
 * list and the domain's DNS answered; writes ns_operator and
 * mx_operator from the facts, at once (returns false: no wait). */
bool operators_wanted(const struct job *j);
bool operators_start(struct job *j);

#endif
