/*
 * http.h - a bounded HTTP/1.1 response parser: status line, header fields,
 * chunked bodies.  Pure functions over (buf, len): no I/O, no clock, so they
 * can be fuzzed (tests/fuzz/fuzz_http.c).  What the web probe reads from a
 * peer is hostile: every count and length has a cap, and a response that
 * does not fit is an error the probe records, never a crash.
 *
 * Header names are matched case-insensitively (RFC 9110 5.1).  A field sent
 * several times is one value, the values joined with ", " in order
 * (RFC 9110 5.3, as browsers combine them); a caller that wants only the
 * first (Strict-Transport-Security, RFC 6797 8.1) asks for it.
 */
#ifndef UPTAKE_CRAWLER_HTTP_H
#define UPTAKE_CRAWLER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest response head read (status line, fields, blank line): 64 KiB,
 * four times what common servers send at most (nginx 4x8k, Apache 8k per
 * line) and what browsers accept before giving up on a site. */
#define HTTP_MAX_HEAD 65536
/* Most header fields in one response; browsers allow a few hundred. */
#define HTTP_MAX_FIELDS 256
/* Most chunks of one chunked body we walk (a body of 1-byte chunks is
 * hostile, not informative). */
#define HTTP_MAX_CHUNKS 4096

enum http_parse {
	HTTP_PARSE_OK = 0,
	HTTP_PARSE_MORE = 1,		/* no complete head in buf yet */
	HTTP_PARSE_TOO_LARGE = -1,	/* head over HTTP_MAX_HEAD bytes */
	HTTP_PARSE_TOO_MANY = -2,	/* over HTTP_MAX_FIELDS fields */
	HTTP_PARSE_BAD = -3,		/* not an HTTP/1.x response head */
};

struct http_field {
	const char *name;		/* into the response's own copy */
	size_t name_len;
	const char *value;		/* OWS trimmed, obs-fold replaced */
	size_t value_len;
};

struct http_response {
	int status;			/* 100..999 */
	int minor;			/* HTTP/1.minor */
	size_t head_len;		/* bytes of buf the head took */
	unsigned nfields;
	struct http_field *fields;	/* owned */
	char *copy;			/* owned: the head, obs-folds made SP */
};

/*
 * Length of the head at the start of buf (through its empty line, CRLF or
 * bare LF), or 0 when buf does not hold a complete head yet.
 */
size_t http_head_len(const char *buf, size_t len);

/*
 * The same, resumable, for a head that arrives in pieces: *pos (0 at the
 * start of a response) is where the search resumes, and is advanced past
 * every byte that cannot begin the end of the head.  Called again with the
 * same buf grown, it looks only at what it has not judged yet, so a head
 * dripped one byte per read costs linear time, not quadratic.
 */
size_t http_head_scan(const char *buf, size_t len, size_t *pos);

/*
 * Parse the response head at the start of buf[0..len).  On HTTP_PARSE_OK r
 * holds the status and fields (free with http_response_fini); otherwise r
 * holds nothing to free.  buf is borrowed for the call.
 */
enum http_parse http_response_parse(const char *buf, size_t len,
	struct http_response *r) __attribute__((warn_unused_result));
void http_response_fini(struct http_response *r);

/* Short text for an enum http_parse value ("response head over 65536
 * bytes"); static storage. */
const char *http_parse_str(enum http_parse p);

/*
 * The first field named name (case-insensitive): true with *v, *vlen
 * pointing into r; false when absent.
 */
bool http_response_first(const struct http_response *r, const char *name,
	const char **v, size_t *vlen);

/*
 * Every field named name joined with ", " into out (NUL-terminated,
 * truncated at cap - 1; HTTP_MAX_HEAD + 1 is always enough).  Returns the
 * number of fields found (0: absent, out is "").
 */
unsigned http_response_join(const struct http_response *r, const char *name,
	char *out, size_t cap);

/*
 * Content-Length of r: 1 with *out set; 0 when absent; -1 when malformed
 * or when several values disagree (RFC 9112 6.3).
 */
int http_response_content_length(const struct http_response *r,
	uint64_t *out);
/* True when the last transfer coding is chunked (RFC 9112 6.1). */
bool http_response_is_chunked(const struct http_response *r);

/*
 * The media type of Content-Type (before any ';', trimmed, lower-cased)
 * into out (NUL-terminated, truncated at cap - 1).  False when absent.
 */
bool http_response_media_type(const struct http_response *r, char *out,
	size_t cap);

/*
 * Decode the chunked body at the start of buf[0..len) (RFC 9112 7.1) into
 * out[0..cap).  Returns 1 when the last chunk was seen (trailers are
 * skipped), 0 when more input is needed, -1 when malformed, over cap bytes
 * or over HTTP_MAX_CHUNKS chunks.  *outlen: the decoded bytes so far.
 */
int http_chunked_decode(const char *buf, size_t len, char *out, size_t cap,
	size_t *outlen);

/*
 * The same decoder, resumable for a body that arrives in pieces.  Zero the
 * state at the start of a body; then call http_chunked_feed with buf
 * holding the whole body received so far (the same bytes, grown).  Each
 * call consumes only what earlier calls did not (a body dripped one byte
 * per read costs linear time) and appends to out[0..cap); st->n is the
 * decoded length.  out may be buf itself (decoded in place: out[0..n) never
 * overtakes the input consumed).  Returns 1, 0 or -1 as http_chunked_decode;
 * after 1 or -1 the state is final.
 */
struct http_chunked {
	size_t pos;			/* input consumed */
	size_t scan;			/* line end search resumes here */
	size_t n;			/* decoded bytes in out */
	uint64_t left;			/* data bytes left of this chunk */
	unsigned chunks;		/* size lines begun */
	int state;			/* http.c's enum chunk_state */
};

int http_chunked_feed(struct http_chunked *st, const char *buf, size_t len,
	char *out, size_t cap);

#endif
