/*
 * replay.h - the replay file format: DNS queries and what they got, as
 * readable text (docs/replay.md).  The query engine's record mode
 * (query.c, UPTAKE_QUERY_RECORD=FILE) writes it; the replay engine
 * (query_replay.c) answers from it, so that the DNS probe and the
 * validator run from scripted answers, without a network.
 *
 * One entry:
 *
 *   ENTRY
 *   QUERY best.se. A            the question: name (any case) and type
 *   OUTCOME OK                  OK, TIMEOUT, ERROR, BAD_REPLY, TRUNCATED
 *   DELAY 20                    optional: milliseconds before the answer
 *   REPLY                       optional (OK, BAD_REPLY, TRUNCATED): the
 *   ;; ->>HEADER<<- ...         reply in ldns_pkt2str's presentation form,
 *   ;; flags: qr rd ra cd ; ... one RR per line under ";; ANSWER SECTION:"
 *   ...                         and the others
 *   WIRE 8180...                optional: the reply's wire form in hex,
 *                               used instead of the text when present
 *   END
 *
 * Lines starting with '#' outside a REPLY are comments.  Parsers here are
 * pure over their text, bounded, and report "file:line: reason".
 */
#ifndef UPTAKE_CRAWLER_REPLAY_H
#define UPTAKE_CRAWLER_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ldns/ldns.h>

/* Bounds of a replay file (the format is ours; these are far above what a
 * recorded crawl of a test world needs). */
#define REPLAY_MAX_LINE 65536		/* bytes of one line (a WIRE line of
					 * a 64 KiB TCP reply is 128 KiB:
					 * longer lines are refused) */
#define REPLAY_MAX_ENTRIES 200000	/* entries of one file */
#define REPLAY_MAX_DELAY_MS 60000	/* DELAY of one entry */

enum replay_outcome {
	REPLAY_OK = 0,		/* the reply is delivered (any rcode) */
	REPLAY_TIMEOUT,		/* no reply after every try */
	REPLAY_ERROR,		/* network error */
	REPLAY_BAD_REPLY,	/* malformed, or not for our question */
	REPLAY_TRUNCATED,	/* the reply had TC: the engine asks again
				 * (over TCP), answered by the next entry */
};

const char *replay_outcome_str(enum replay_outcome o);

struct replay_entry {
	char *name;		/* lower case, trailing dot */
	ldns_rr_type type;
	enum replay_outcome outcome;
	unsigned delay_ms;
	ldns_pkt *reply;	/* NULL without REPLY/WIRE, or not parsed
				 * yet (lazy: replay_entry_reply) */
	char *text;		/* lazy: the REPLY text or WIRE hex, until
				 * parsed */
	size_t text_len;
	bool wire;		/* text is the WIRE hex */
	unsigned text_line;	/* of REPLY or WIRE */
	unsigned line;		/* of ENTRY, for messages */
	const char *file;	/* borrowed from the replay_file */
};

struct replay_file {
	char *path;
	struct replay_entry *e;
	size_t n, cap;
};

/*
 * Read a replay file.  Returns NULL with "path:line: reason" in err.
 * Caller owns the result (replay_file_free, which accepts NULL).  lazy:
 * the replies are kept as text and parsed when first used
 * (replay_entry_reply), so that a large recording loads in a few
 * milliseconds; otherwise every reply is parsed (and checked) here.
 */
struct replay_file *replay_file_read(const char *path, bool lazy, char *err,
	size_t errlen) __attribute__((warn_unused_result));
/* The same over text already in memory (path names it in messages). */
struct replay_file *replay_file_parse(const char *path, const char *buf,
	size_t len, bool lazy, char *err, size_t errlen)
	__attribute__((warn_unused_result));
/*
 * The entry's reply, parsed now if it was not yet: NULL when the entry
 * has none, or (false in *ok) with "file:line: reason" in err when its
 * text does not parse.  Owned by the entry.
 */
const ldns_pkt *replay_entry_reply(struct replay_entry *e, bool *ok,
	char *err, size_t errlen);
void replay_file_free(struct replay_file *f);

/*
 * A packet from its presentation form (ldns_pkt2str output: header and
 * flags lines, sections, RRs one per line).  NULL with a reason in err.
 * Caller owns the packet (ldns_pkt_free).
 */
ldns_pkt *replay_pkt_parse(const char *text, size_t len, char *err,
	size_t errlen);

/*
 * Append one entry for (name, type) to f: the outcome and, when pkt is not
 * NULL, the reply in presentation form (its ID set to 0), plus its wire
 * form in hex when the text does not parse back to the same bytes.
 */
void replay_entry_write(FILE *f, const ldns_rdf *name, ldns_rr_type type,
	enum replay_outcome outcome, const ldns_pkt *pkt);

/* Lower-case "name." of an owner name (caller frees), NULL on error. */
char *replay_name_key(const ldns_rdf *name);

#endif
