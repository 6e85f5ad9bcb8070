/*
 * Streamed answers: server-sent events from a libmicrohttpd response
 * callback that blocks, on the connection's own thread, until the engine
 * has more text. A client that goes away makes libmicrohttpd free the
 * response, which marks the request gone; the engine drops it at its next
 * token.
 */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

#include "openai.h"
#include "text_buf.h"

/* A streamed response: the events waiting to go out, then the request's text. */
struct stream_state {
	struct serve_server *s;
	struct serve_request *r;
	struct text_buf out;		/* events, sent up to off */
	size_t off;
	size_t sent;			/* bytes of r->text already in events */
	int first, done;
};

/* Append "data: JSON\n\n" (json freed) to the stream's pending bytes; 0 or -1. */
static int stream_event(struct stream_state *st, char *json)
{
	int rc = json ? text_buf_printf(&st->out, "data: %s\n\n", json) : -1;

	free(json);
	return rc;
}

/* Wait for the next text or the end, and turn it into events (mu not held). */
static int stream_fill(struct stream_state *st)
{
	struct serve_request *r = st->r;
	struct serve_server *s = st->s;
	int rc = 0;

	st->out.len = st->off = 0;
	pthread_mutex_lock(&s->mu);
	while (st->sent == r->ready && !r->finish)
		pthread_cond_wait(&r->cv, &s->mu);
	if (st->sent < r->ready) {
		rc = stream_event(st, serve_openai_chunk(s, r, r->text.p + st->sent,
						       r->ready - st->sent, NULL, st->first));
		st->sent = r->ready;
		st->first = 0;
	}
	if (!rc && r->finish && st->sent == r->text.len) {
		rc = stream_event(st, serve_openai_chunk(s, r, "", 0, r->finish, st->first));
		st->done = 1;
	}
	pthread_mutex_unlock(&s->mu);
	if (!rc && st->done)
		rc = text_buf_append(&st->out, "data: [DONE]\n\n", 14);
	return rc;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_state *st = cls;
	size_t n;

	if (st->off == st->out.len) {
		if (st->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (stream_fill(st))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (st->off == st->out.len)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = st->out.len - st->off < max ? st->out.len - st->off : max;
	memcpy(buf, st->out.p + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

/* The response is gone (sent, or the client went away): drop the request. */
static void stream_free(void *cls)
{
	struct stream_state *st = cls;

	pthread_mutex_lock(&st->s->mu);
	if (!st->r->finish)
		st->r->gone = 1;
	serve_request_unref(st->r);
	pthread_mutex_unlock(&st->s->mu);
	text_buf_free(&st->out);
	free(st);
}

/* See stream.h. */
enum MHD_Result serve_stream_start(struct serve_server *s, struct MHD_Connection *c,
				   struct serve_request *r)
{
	struct stream_state *st = calloc(1, sizeof(*st));
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!st)
		goto err_unref;
	st->s = s;
	st->r = r;
	st->first = 1;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st,
						 stream_free);
	if (!resp) {
		free(st);
		goto err_unref;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	serve_metrics_count(s, 200);
	return ret;
err_unref:
	pthread_mutex_lock(&s->mu);
	r->gone = 1;
	serve_request_unref(r);
	pthread_mutex_unlock(&s->mu);
	return MHD_NO;
}

