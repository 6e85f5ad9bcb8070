/* Requests, their text and the queue (see request.h). */
#include "request.h"

#include <stdlib.h>
#include <string.h>

struct serve_request *serve_request_alloc(void)
{
	struct serve_request *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (pthread_cond_init(&r->cv, NULL)) {
		free(r);
		return NULL;
	}
	r->refs = 1;
	return r;
}

void serve_request_unref(struct serve_request *r)
{
	if (!r || --r->refs > 0)
		return;
	for (size_t i = 0; i < r->n_stop; i++)
		free(r->stop[i]);
	pthread_cond_destroy(&r->cv);
	free(r->ids);
	text_buf_free(&r->text);
	free(r);
}

size_t serve_utf8_complete(const char *text, size_t len)
{
	size_t i = len, back = 0;

	/* walk back over at most 3 continuation bytes to the lead byte */
	while (i > 0 && back < 4 && ((unsigned char)text[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return back ? 0 : len;
	{
		unsigned char lead = (unsigned char)text[i - 1];
		size_t need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;

		if (lead < 0x80 || back >= need)
			return len;
		return i - 1;
	}
}

/* Bytes at the end of the text that could start one of r's stop strings. */
static size_t req_stop_holdback(const struct serve_request *r)
{
	size_t hold = 0;

	for (size_t i = 0; i < r->n_stop; i++) {
		size_t sl = strlen(r->stop[i]);

		for (size_t k = sl - 1; k > hold; k--)
			if (k <= r->text.len &&
			    !memcmp(r->text.p + r->text.len - k, r->stop[i], k)) {
				hold = k;
				break;
			}
	}
	return hold;
}

/* The earliest stop string in the text, searching from `from`; its offset or -1. */
static long req_stop_find(const struct serve_request *r, size_t from)
{
	long best = -1;

	for (size_t i = 0; i < r->n_stop; i++) {
		size_t sl = strlen(r->stop[i]);

		for (size_t p = from; p + sl <= r->text.len; p++)
			if (!memcmp(r->text.p + p, r->stop[i], sl)) {
				if (best < 0 || (long)p < best)
					best = (long)p;
				break;
			}
	}
	return best;
}

int serve_request_push(struct serve_request *r, const char *piece, size_t len)
{
	size_t from = r->ready;
	long at;

	if (text_buf_append(&r->text, piece, len))
		return -1;
	r->n_gen++;
	at = req_stop_find(r, from);
	if (at >= 0) {
		r->text.len = (size_t)at;
		r->text.p[at] = '\0';
		serve_request_finish(r, "stop");
		return 0;
	}
	r->ready = serve_utf8_complete(r->text.p, r->text.len - req_stop_holdback(r));
	if (r->ready < from)
		r->ready = from;
	pthread_cond_signal(&r->cv);
	return 0;
}

void serve_request_finish(struct serve_request *r, const char *finish)
{
	if (r->finish)
		return;
	r->finish = finish;
	r->ready = r->text.len;
	pthread_cond_signal(&r->cv);
}

unsigned serve_queue_push(struct serve_server *s, struct serve_request *r)
{
	unsigned rc = 0;

	pthread_mutex_lock(&s->mu);
	if (s->draining) {
		rc = 503;
	} else if (s->queued >= s->cfg->queue + (s->cfg->max_batch - s->m.running)) {
		/* the engine admits up to its free sequences at its next round */
		rc = 429;
	} else {
		r->refs++;
		r->next = NULL;
		if (s->tail)
			s->tail->next = r;
		else
			s->head = r;
		s->tail = r;
		s->queued++;
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

struct serve_request *serve_queue_pop(struct serve_server *s)
{
	struct serve_request *r = s->head;

	if (!r)
		return NULL;
	s->head = r->next;
	if (!s->head)
		s->tail = NULL;
	s->queued--;
	r->next = NULL;
	return r;
}
