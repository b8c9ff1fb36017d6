/*
 * dnsprobe.h - the DNS and DNSSEC probe of one domain (job.h).
 */
#ifndef UPTAKE_CRAWLER_DNSPROBE_H
#define UPTAKE_CRAWLER_DNSPROBE_H

struct job;

/* Send the apex queries; dnsprobe_finished(j) is called when the DNS and
 * DNSSEC columns are complete (never from inside this call). */
void dnsprobe_start(struct job *j);
/* Cancel outstanding queries and validations (deadline, shutdown). */
void dnsprobe_abort(struct job *j);
/* Free what the probe holds. */
void dnsprobe_fini(struct job *j);

/* Implemented by the scheduler. */
void dnsprobe_finished(struct job *j);

#endif
