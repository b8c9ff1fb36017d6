/*
 * h2.c - HTTP/2 on one connection of the web probe, through libnghttp2
 * (h2.h).  The callbacks only write into the current response; every
 * decision is the caller's, after h2_conn_recv returns.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#include "h2.h"
#include "http.h"

struct h2_conn {
	nghttp2_session *s;
	struct h2_resp *out;		/* the current stream's response */
	int32_t stream;			/* its id, 0 when none */
	int err;			/* last nghttp2 error, 0 when none */
	bool goaway;			/* the peer sent GOAWAY */
};

/* Append n bytes to the response, dropping what is past its cap (the
 * body; a head past HTTP_MAX_HEAD has ended the session before). */
static void
out_add(struct h2_resp *o, const void *p, size_t n)
{
	size_t room = o->cap - o->len;

	if (n > room)
		n = room;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* Head bytes: counted against HTTP_MAX_HEAD as the HTTP/1.1 parser
 * counts them; over it, the session ends (no byte of it is stored). */
static int
head_add(struct h2_resp *o, const char *a, size_t alen, const char *b,
	size_t blen, const char *c, size_t clen)
{
	size_t n = alen + blen + clen;

	if (o->head_bytes + n > HTTP_MAX_HEAD ||
	    o->head_bytes + n > o->cap) {
		o->why = H2_HEAD_TOO_LARGE;
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	}
	out_add(o, a, alen);
	out_add(o, b, blen);
	out_add(o, c, clen);
	o->head_bytes += n;
	return 0;
}

static int
begin_headers_cb(nghttp2_session *s, const nghttp2_frame *f, void *arg)
{
	struct h2_conn *h = arg;

	(void)s;
	if (h->out != NULL && f->hd.stream_id == h->stream)
		h->out->started = true;
	return 0;
}

static int
header_cb(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
	size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
	void *arg)
{
	struct h2_conn *h = arg;
	struct h2_resp *o = h->out;
	char line[32];
	int n;

	(void)s;
	(void)flags;
	if (o == NULL || f->hd.stream_id != h->stream ||
	    f->hd.type != NGHTTP2_HEADERS || o->head_done)
		return 0;	/* trailers, or another stream: not read */
	if (namelen == 7 && memcmp(name, ":status", 7) == 0) {
		/* nghttp2 checked it: three digits, first in the block */
		if (valuelen != 3)
			return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
		n = snprintf(line, sizeof(line), "HTTP/1.1 %.3s h2\r\n",
		    (const char *)value);
		return head_add(o, line, (size_t)n, "", 0, "", 0);
	}
	if (namelen > 0 && name[0] == ':')
		return 0;
	if (++o->nfields > HTTP_MAX_FIELDS) {
		o->why = H2_HEAD_TOO_MANY;
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	}
	if (head_add(o, (const char *)name, namelen, ": ", 2,
	    (const char *)value, valuelen) != 0)
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	return head_add(o, "\r\n", 2, "", 0, "", 0);
}

static int
frame_recv_cb(nghttp2_session *s, const nghttp2_frame *f, void *arg)
{
	struct h2_conn *h = arg;
	struct h2_resp *o = h->out;

	(void)s;
	if (f->hd.type == NGHTTP2_GOAWAY)
		h->goaway = true;
	if (o == NULL || f->hd.stream_id != h->stream)
		return 0;
	if (f->hd.type == NGHTTP2_HEADERS && !o->head_done &&
	    f->headers.cat == NGHTTP2_HCAT_RESPONSE) {
		if (head_add(o, "\r\n", 2, "", 0, "", 0) != 0)
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		o->head_done = true;
	}
	return 0;
}

static int
data_chunk_cb(nghttp2_session *s, uint8_t flags, int32_t stream,
	const uint8_t *data, size_t len, void *arg)
{
	struct h2_conn *h = arg;

	(void)s;
	(void)flags;
	if (h->out != NULL && stream == h->stream && h->out->head_done)
		out_add(h->out, data, len);
	return 0;
}

static int
stream_close_cb(nghttp2_session *s, int32_t stream, uint32_t code,
	void *arg)
{
	struct h2_conn *h = arg;

	(void)s;
	if (h->out != NULL && stream == h->stream) {
		h->out->closed = true;
		h->out->reset_code = code;
	}
	return 0;
}

struct h2_conn *
h2_conn_new(void)
{
	struct h2_conn *h = calloc(1, sizeof(*h));
	nghttp2_session_callbacks *cb = NULL;
	nghttp2_option *opt = NULL;
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, H2_WINDOW },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, HTTP_MAX_HEAD },
	};
	int rc = -1;

	if (h == NULL || nghttp2_session_callbacks_new(&cb) != 0 ||
	    nghttp2_option_new(&opt) != 0)
		goto out;
	nghttp2_session_callbacks_set_on_begin_headers_callback(cb,
	    begin_headers_cb);
	nghttp2_session_callbacks_set_on_header_callback(cb, header_cb);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb,
	    frame_recv_cb);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb,
	    data_chunk_cb);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb,
	    stream_close_cb);
	nghttp2_option_set_max_continuations(opt, H2_MAX_CONTINUATIONS);
	nghttp2_option_set_max_settings(opt, H2_MAX_SETTINGS);
	nghttp2_option_set_max_outbound_ack(opt, H2_MAX_OUTBOUND_ACK);
	if (nghttp2_session_client_new2(&h->s, cb, h, opt) != 0)
		goto out;
	if (nghttp2_submit_settings(h->s, NGHTTP2_FLAG_NONE, iv,
	    sizeof(iv) / sizeof(iv[0])) != 0)
		goto out;
	rc = 0;
out:
	nghttp2_session_callbacks_del(cb);
	nghttp2_option_del(opt);
	if (rc != 0) {
		h2_conn_free(h);
		return NULL;
	}
	return h;
}

void
h2_conn_free(struct h2_conn *h)
{
	if (h == NULL)
		return;
	nghttp2_session_del(h->s);
	free(h);
}

static nghttp2_nv
nv(const char *name, const char *value)
{
	nghttp2_nv v = {
		(uint8_t *)(uintptr_t)name, (uint8_t *)(uintptr_t)value,
		strlen(name), strlen(value), NGHTTP2_NV_FLAG_NONE,
	};

	return v;
}

int
h2_conn_get(struct h2_conn *h, const char *host, const char *path,
	const char *user_agent, struct h2_resp *out)
{
	nghttp2_nv hdrs[6];
	int32_t id;

	if (!h2_conn_usable(h))
		return -1;
	hdrs[0] = nv(":method", "GET");
	hdrs[1] = nv(":scheme", "https");
	hdrs[2] = nv(":authority", host);
	hdrs[3] = nv(":path", path);
	hdrs[4] = nv("user-agent", user_agent);
	hdrs[5] = nv("accept", "*/*");
	out->len = 0;
	out->head_bytes = 0;
	out->nfields = 0;
	out->started = out->head_done = out->closed = false;
	out->reset_code = 0;
	out->why = H2_OK;
	/* The last request's stream, when still open (GET /'s body, not
	 * read): cancelled, so that it holds no window nor stream slot. */
	h->out = NULL;
	if (h->stream != 0 &&
	    nghttp2_session_find_stream(h->s, h->stream) != NULL)
		nghttp2_submit_rst_stream(h->s, NGHTTP2_FLAG_NONE, h->stream,
		    NGHTTP2_CANCEL);
	id = nghttp2_submit_request(h->s, NULL, hdrs, 6, NULL, NULL);
	if (id < 0) {
		h->err = id;
		return -1;
	}
	h->out = out;
	h->stream = id;
	return 0;
}

int
h2_conn_recv(struct h2_conn *h, const uint8_t *data, size_t len)
{
	ssize_t n = nghttp2_session_mem_recv(h->s, data, len);

	if (n < 0) {
		h->err = (int)n;
		if (h->out != NULL && h->out->why == H2_OK)
			h->out->why = H2_PROTOCOL;
		return -1;
	}
	return 0;
}

long
h2_conn_pending(struct h2_conn *h, const uint8_t **data)
{
	ssize_t n = nghttp2_session_mem_send(h->s, data);

	if (n < 0) {
		h->err = (int)n;
		return -1;
	}
	return (long)n;
}

bool
h2_conn_usable(const struct h2_conn *h)
{
	return h != NULL && h->err == 0 && !h->goaway &&
	    nghttp2_session_want_read(h->s);
}

const char *
h2_conn_error(const struct h2_conn *h)
{
	return h->err != 0 ? nghttp2_strerror(h->err) : "";
}

const char *
h2_code_str(uint32_t code)
{
	return nghttp2_http2_strerror(code);
}
