/*
 * fllm serve: an OpenAI-compatible HTTP server with continuous batching
 * (docs/serve.md). Threads: libmicrohttpd runs one thread per connection,
 * which parses a request, tokenizes it and queues it; one engine thread owns
 * the fllm_context and advances every running request by one token per
 * fllm_context_step. Everything the two sides share (the queue, each
 * request's text and state, the metrics) is guarded by serve_server.mu.
 */
#ifndef FLLM_SERVE_SERVE_H
#define FLLM_SERVE_SERVE_H

#include <pthread.h>
#include <stdint.h>

#include "fllm/fllm_model.h"

struct serve_request;

enum serve_chat_template {
	SERVE_CHAT_LLAMA2,	/* [INST] ... [/INST], one BOS/EOS pair per turn */
	SERVE_CHAT_CHATML,	/* <|im_start|>role ... <|im_end|> */
	SERVE_CHAT_AUTO,	/* --chat-template auto: chosen from the model at start */
};

struct serve_config {
	const char *model_path;		/* NULL: the built-in synthetic model */
	const char *tok_path, *device, *host, *api_key;
	const char *model_name;		/* the id /v1/models lists */
	enum serve_chat_template chat;
	uint64_t port, max_batch, kv_mem, queue, threads;
	uint64_t max_conns;		/* connections at once; more are closed at once */
	uint64_t timeout;		/* seconds a client may stay silent; 0: no limit */
};

/* The HTTP statuses the server answers with, for the per-status counters. */
#define SERVE_STATUS_CODES { 200, 400, 401, 404, 405, 413, 429, 500, 503 }
#define SERVE_N_STATUS 9

struct serve_metrics {
	uint64_t requests[SERVE_N_STATUS];	/* by SERVE_STATUS_CODES */
	uint64_t prompt_tokens, tokens_generated;
	uint64_t cancelled;		/* requests whose client went away */
	uint64_t steps, step_seqs;	/* engine steps, sequences they advanced */
	uint32_t last_batch;		/* sequences in the latest step */
	uint32_t running;		/* sequences holding a slot */
	fllm_context_stats ctx;		/* the context's statistics after the latest step */
};

struct serve_server {
	const struct serve_config *cfg;
	fllm_model *model;
	fllm_tokenizer *tok;		/* encode: any thread; decode: the engine */
	fllm_context *ctx;		/* the engine thread's alone */
	uint32_t n_ctx, vocab;

	pthread_mutex_t mu;
	pthread_cond_t wake;		/* the engine: work queued or stopping */
	struct serve_request *head, *tail;	/* the queue, oldest first */
	uint32_t queued;
	int draining;			/* no new requests; engine ends when idle */
	int cancel_all;			/* a second signal: stop every request now */
	uint64_t next_id;
	struct serve_metrics m;
	pthread_t engine;
};

/* engine.c: start the engine thread; stop = drain (or cancel_all) and join. */
int serve_engine_start(struct serve_server *s);
void serve_engine_stop(struct serve_server *s, int cancel);

/* http.c: the libmicrohttpd daemon. */
struct serve_http;
int serve_http_start(struct serve_server *s, struct serve_http **out);
/* Stop accepting connections; in-flight ones go on. */
void serve_http_quiesce(struct serve_http *h);
/* Wait for the connections to end and free the daemon. */
void serve_http_stop(struct serve_http *h);

/* metrics.c */
void serve_metrics_count(struct serve_server *s, unsigned status);
/* Prometheus text exposition of s's metrics; malloc'd, NULL without memory. */
char *serve_metrics_render(struct serve_server *s);

/* Monotonic seconds. */
double serve_now(void);

#endif /* FLLM_SERVE_SERVE_H */
