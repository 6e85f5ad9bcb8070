/*
 * One completion request as the HTTP thread hands it to the engine, and the
 * queue between them. Fields above "shared" are written before the request
 * is queued and only read afterwards; the shared ones are guarded by
 * serve_server.mu, and cv wakes the HTTP thread waiting for text.
 */
#ifndef FLLM_SERVE_REQUEST_H
#define FLLM_SERVE_REQUEST_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm_model.h"
#include "serve.h"
#include "text_buf.h"

#define SERVE_STOP_MAX 4	/* stop strings per request, as OpenAI allows */

enum serve_api {
	SERVE_API_COMPLETION,	/* /v1/completions */
	SERVE_API_CHAT,		/* /v1/chat/completions */
};

struct serve_request {
	enum serve_api api;
	int stream;			/* server-sent events */
	int32_t *ids;			/* (n_ids) prompt tokens, BOS first */
	size_t n_ids;
	uint32_t max_tokens;
	fllm_sampler_params sp;
	char *stop[SERVE_STOP_MAX + 1];	/* (n_stop) NUL-terminated, not empty; one
					 * more for the chat template's own */
	size_t n_stop;
	char id[48];			/* "cmpl-N" / "chatcmpl-N" */
	long long created;		/* Unix seconds */
	double t_queued, t_first;	/* serve_now() at queueing, first token */

	/* shared, under serve_server.mu */
	struct text_buf text;		/* generated text, a stop string cut off */
	size_t ready;			/* bytes of text that may go out (no partial
					 * UTF-8 character, no possible stop prefix) */
	uint32_t n_gen;			/* tokens generated */
	const char *finish;		/* NULL while running, else "stop", "length",
					 * "cancelled" or "error" */
	int gone;			/* the client went away: engine drops it */
	int refs;			/* the HTTP thread, the engine */
	struct serve_request *next;	/* queue link */
	pthread_cond_t cv;
};

struct serve_request *serve_request_alloc(void);
/* Drop one reference (under mu); the last frees the request. */
void serve_request_unref(struct serve_request *r);

/*
 * Append a generated piece (under mu): cuts the text at a stop string and
 * sets finish "stop" when one appears, and moves `ready` to what may go out.
 */
int serve_request_push(struct serve_request *r, const char *piece, size_t len);
/* End the request (under mu): finish reason, every byte ready, waiter woken. */
void serve_request_finish(struct serve_request *r, const char *finish);

/* Queue r (takes a reference): 0, or 429 when the queue is full (more
 * waiting than --queue beyond the free sequences) and 503 while the server
 * drains. Takes mu itself. */
unsigned serve_queue_push(struct serve_server *s, struct serve_request *r);
/* Oldest queued request (under mu), or NULL. */
struct serve_request *serve_queue_pop(struct serve_server *s);

/* Length of the longest prefix of text[0..len) that does not end inside a
 * UTF-8 character. */
size_t serve_utf8_complete(const char *text, size_t len);

#endif /* FLLM_SERVE_REQUEST_H */
