/*
 * addrprobe.h - the address stage of a domain job: once the DNS stage has
 * set web_ipv4/web_ipv6, fill the rpki and geo columns from the data
 * loaded at start-up (crawler/routing/addr.h).  No I/O, no waiting.
 */
#ifndef UPTAKE_CRAWLER_ADDRPROBE_H
#define UPTAKE_CRAWLER_ADDRPROBE_H

struct job;

/* Set v4_*, v6_* and hosting_* of j's row from its web addresses.  A
 * column whose data was not loaded (or whose probe is off) stays null. */
void addrprobe_run(struct job *j);

#endif
