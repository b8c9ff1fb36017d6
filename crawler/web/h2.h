/*
 * h2.h - HTTP/2 on one connection of the web probe, through libnghttp2
 * (no framing of our own).  No I/O and no clock: the caller feeds what
 * the peer sent (h2_conn_recv) and writes what the session has to send
 * (h2_conn_pending), so the loop stays in webprobe.c.
 *
 * One request at a time.  The response of its stream is written into
 * the caller's buffer in the form of an HTTP/1.1 response ("HTTP/1.1 NNN
 * h2", one "name: value" line per field as the server sent it, an empty
 * line, then the body's bytes): the web probe then reads it with the
 * same bounded parser (http.h) and the same header code (headers.c) as
 * an HTTP/1.1 response, so a header becomes the same column over either
 * protocol (docs/web.md).  The bounds are the HTTP/1.1 parser's: a head
 * over HTTP_MAX_HEAD bytes or HTTP_MAX_FIELDS fields ends the session;
 * body bytes past the buffer's cap are dropped unread, as over HTTP/1.1.
 */
#ifndef UPTAKE_CRAWLER_WEB_H2_H
#define UPTAKE_CRAWLER_WEB_H2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CONTINUATION frames accepted after one HEADERS frame: a head within
 * HTTP_MAX_HEAD fits in a few frames of the 16 KiB default size; a long
 * run of them is the CONTINUATION flood (CVE-2024-27316 class). */
#define H2_MAX_CONTINUATIONS 8
/* SETTINGS entries accepted in one frame: RFC 9113 defines 6, a few more
 * for extensions; more is a flood. */
#define H2_MAX_SETTINGS 32
/* Our own frames (SETTINGS and PING acks) queued unsent before the
 * session gives up on the peer: a peer flooding SETTINGS or PING makes
 * us queue one ack each (nghttp2's own guard, its default 1000 lowered:
 * one page of a browser's connection never needs more than a few). */
#define H2_MAX_OUTBOUND_ACK 100
/* Our receive window per stream (SETTINGS_INITIAL_WINDOW_SIZE): what a
 * stream may send before we acknowledge, about the largest body we read
 * (WEB_SECTXT_MAX_BODY, WEB_KEEPALIVE_MAX_BODY). */
#define H2_WINDOW 65535

/* Why the session ended or the stream failed (h2_why_str). */
enum h2_why {
	H2_OK = 0,
	H2_HEAD_TOO_LARGE,	/* head over HTTP_MAX_HEAD bytes */
	H2_HEAD_TOO_MANY,	/* head over HTTP_MAX_FIELDS fields */
	H2_PROTOCOL,		/* nghttp2 refused the peer (see h2_conn_error) */
};

/* The response of the current request, written by the session. */
struct h2_resp {
	char *buf;		/* borrowed: the caller's buffer */
	size_t len, cap;
	size_t head_bytes;	/* of the head so far */
	unsigned nfields;
	bool started;		/* a HEADERS frame of the stream came */
	bool head_done;		/* the head's empty line is in buf */
	bool closed;		/* the stream ended (END_STREAM or reset) */
	uint32_t reset_code;	/* non-zero: the stream ended with this error */
	enum h2_why why;
};

struct h2_conn;

/* A client session with its preface and SETTINGS queued; NULL when
 * nghttp2 cannot allocate.  Free with h2_conn_free (NULL accepted). */
struct h2_conn *h2_conn_new(void);
void h2_conn_free(struct h2_conn *h);

/*
 * Submit GET path on a new stream; the response goes to *out (borrowed
 * until the stream is closed or the next request).  out->buf, cap set by
 * the caller, the rest zeroed here.  0, or -1 when the session cannot
 * take a new stream (the peer sent GOAWAY, or the session is over).
 */
int h2_conn_get(struct h2_conn *h, const char *host, const char *path,
	const char *user_agent, struct h2_resp *out);

/* Feed the peer's bytes.  0, or -1 when the session is over (the reason
 * in out->why and h2_conn_error). */
int h2_conn_recv(struct h2_conn *h, const uint8_t *data, size_t len);

/* The next bytes to send: their length with *data pointing into the
 * session (valid until the next call), 0 when none, -1 on error. */
long h2_conn_pending(struct h2_conn *h, const uint8_t **data);

/* True while a new stream can be opened (no GOAWAY, no error). */
bool h2_conn_usable(const struct h2_conn *h);

/* The last nghttp2 error of h, as text ("" when none); static storage. */
const char *h2_conn_error(const struct h2_conn *h);

/* Short text of an HTTP/2 error code (RST_STREAM, GOAWAY). */
const char *h2_code_str(uint32_t code);

#endif
