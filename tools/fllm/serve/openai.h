/*
 * The OpenAI-shaped JSON documents the server sends: completions and chat
 * completions (whole or as stream chunks), the model list, and errors.
 * Each returns a malloc'd NUL-terminated string, NULL without memory.
 */
#ifndef FLLM_SERVE_OPENAI_H
#define FLLM_SERVE_OPENAI_H

#include <stddef.h>

#include "request.h"
#include "serve.h"

/* {"error": {"message", "type", "param", "code"}}; param may be NULL. */
char *serve_openai_error(unsigned status, const char *message, const char *param);
/* The whole response of a finished request (text, finish_reason, usage). */
char *serve_openai_response(const struct serve_server *s, const struct serve_request *r);
/* One stream chunk holding text[0..len) and, when not NULL, the finish reason
 * and the usage (the last chunk); first: a chat chunk also carries the
 * assistant role. */
char *serve_openai_chunk(const struct serve_server *s, const struct serve_request *r,
			 const char *text, size_t len, const char *finish, int first);
/* GET /v1/models. */
char *serve_openai_models(const struct serve_server *s);

#endif /* FLLM_SERVE_OPENAI_H */
