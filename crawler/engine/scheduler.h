/*
 * scheduler.h - the crawl scheduler.
 */
#ifndef UPTAKE_CRAWLER_SCHEDULER_H
#define UPTAKE_CRAWLER_SCHEDULER_H

struct crawl;
struct list_reader;
struct optout;
struct shard;

enum {
	SCHED_OK = 0,
	SCHED_INTERRUPTED = 1,		/* SIGINT/SIGTERM */
	SCHED_LIST_ERROR = 2,		/* the list could not be read to its end */
};

/*
 * Crawl every entry of list (skipping those already in the snapshot, not
 * in this shard, or opted out) until the list ends or a signal stops it.
 * optout and shard may be NULL.
 */
int sched_run(struct crawl *c, struct list_reader *list,
	const struct optout *optout, const struct shard *shard);

#endif
