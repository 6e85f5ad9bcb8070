/* Parsing and checking completion requests (see parse.h). */
#include "parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int serve_prompt_append(const fllm_tokenizer *tok, struct serve_request *r, const char *text,
			size_t len, int bos)
{
	size_t n;
	int32_t *ids = realloc(r->ids, (r->n_ids + len + 2) * sizeof(*ids));

	if (!ids)
		return -1;
	r->ids = ids;
	if (fllm_tokenizer_encode(tok, text, len, bos ? FLLM_ENCODE_BOS : 0, ids + r->n_ids,
				  len + 2, &n))
		return -1;
	r->n_ids += n;
	return 0;
}

/* A number field in [min, max] into *out (absent: left alone); 0 or 400. */
static unsigned parse_number(const json_t *root, const char *key, double min, double max,
			     double *out, char *err, size_t err_size)
{
	const json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v)) {
		snprintf(err, err_size, "'%s' must be a number", key);
		return 400;
	}
	*out = json_number_value(v);
	if (!(*out >= min && *out <= max)) {
		snprintf(err, err_size, "'%s' is %g, it must be in [%g, %g]", key, *out, min, max);
		return 400;
	}
	return 0;
}

/* An integer field in [min, max]; 0 or 400. */
static unsigned parse_integer(const json_t *root, const char *key, json_int_t min,
			      json_int_t max, json_int_t *out, char *err, size_t err_size)
{
	const json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v)) {
		snprintf(err, err_size, "'%s' must be an integer", key);
		return 400;
	}
	*out = json_integer_value(v);
	if (*out < min || *out > max) {
		snprintf(err, err_size, "'%s' is %lld, it must be in [%lld, %lld]", key,
			 (long long)*out, (long long)min, (long long)max);
		return 400;
	}
	return 0;
}

/* One stop string into r; 0, 400 or 500. */
static unsigned parse_stop_one(const json_t *one, struct serve_request *r, char *err,
			       size_t err_size)
{
	if (!json_is_string(one) || !json_string_length(one)) {
		snprintf(err, err_size, "'stop' strings must be non-empty strings");
		return 400;
	}
	r->stop[r->n_stop] = strdup(json_string_value(one));
	if (!r->stop[r->n_stop])
		return 500;
	r->n_stop++;
	return 0;
}

/* "stop": a string or an array of at most SERVE_STOP_MAX strings, none empty. */
static unsigned parse_stop(const json_t *root, struct serve_request *r, char *err,
			   size_t err_size)
{
	const json_t *v = json_object_get(root, "stop"), *one;
	unsigned st = 0;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return parse_stop_one(v, r, err, err_size);
	if (!json_is_array(v) || json_array_size(v) > SERVE_STOP_MAX) {
		snprintf(err, err_size, "'stop' must be a string or an array of at most %d "
			 "strings", SERVE_STOP_MAX);
		return 400;
	}
	json_array_foreach(v, i, one) {
		st = parse_stop_one(one, r, err, err_size);
		if (st)
			break;
	}
	return st;
}

/* The sampling fields: temperature, top_p, seed, n. */
static unsigned parse_sampling(struct serve_server *s, const json_t *root,
			       struct serve_request *r, char *err, size_t err_size,
			       const char **param)
{
	double temp = 1.0, top_p = 1.0;
	json_int_t seed = -1, n = 1;
	unsigned st;

	*param = "temperature";
	if ((st = parse_number(root, "temperature", 0.0, 2.0, &temp, err, err_size)))
		return st;
	*param = "top_p";
	if ((st = parse_number(root, "top_p", 0.0, 1.0, &top_p, err, err_size)))
		return st;
	*param = "seed";
	if ((st = parse_integer(root, "seed", 0, INT64_MAX, &seed, err, err_size)))
		return st;
	*param = "n";
	if ((st = parse_integer(root, "n", 1, 1, &n, err, err_size)))
		return st;
	r->sp.temperature = (float)temp;
	r->sp.top_p = (float)top_p;
	if (seed >= 0) {
		r->sp.seed = (uint64_t)seed;
	} else {
		pthread_mutex_lock(&s->mu);
		r->sp.seed = (uint64_t)time(NULL) * 1000003u + s->next_id;
		pthread_mutex_unlock(&s->mu);
	}
	*param = NULL;
	return 0;
}

/* The prompt: "prompt" (a string) or "messages" (chat). */
static unsigned parse_prompt(struct serve_server *s, enum serve_api api, const json_t *root,
			     struct serve_request *r, char *err, size_t err_size,
			     const char **param)
{
	const json_t *v;

	if (api == SERVE_API_CHAT) {
		*param = "messages";
		v = json_object_get(root, "messages");
		if (!v) {
			snprintf(err, err_size, "'messages' is required");
			return 400;
		}
		return serve_chat_encode(s, v, r, err, err_size);
	}
	*param = "prompt";
	v = json_object_get(root, "prompt");
	if (!v) {
		snprintf(err, err_size, "'prompt' is required");
		return 400;
	}
	if (!json_is_string(v)) {
		snprintf(err, err_size, "'prompt' must be a string");
		return 400;
	}
	if (serve_prompt_append(s->tok, r, json_string_value(v), json_string_length(v), 1))
		return 500;
	if (!r->n_ids) {
		snprintf(err, err_size, "the tokenizer has no BOS token to start from");
		return 400;
	}
	return 0;
}

/* Fields that need the prompt's length: max_tokens against the context. */
static unsigned parse_lengths(const struct serve_server *s, const json_t *root,
			      struct serve_request *r, char *err, size_t err_size,
			      const char **param)
{
	json_int_t max = SERVE_MAX_TOKENS_DEFAULT;
	unsigned st;

	*param = "prompt";
	if (r->n_ids >= s->n_ctx) {
		snprintf(err, err_size, "the prompt is %zu tokens, the context holds %u "
			 "positions (and at least one must be left to generate)", r->n_ids,
			 s->n_ctx);
		return 400;
	}
	*param = "max_tokens";
	if ((st = parse_integer(root, "max_tokens", 1, s->n_ctx, &max, err, err_size)))
		return st;
	if (r->n_ids + (size_t)max > s->n_ctx) {
		snprintf(err, err_size, "max_tokens %lld plus the prompt's %zu tokens exceed the "
			 "context of %u positions", (long long)max, r->n_ids, s->n_ctx);
		return 400;
	}
	r->max_tokens = (uint32_t)max;
	*param = NULL;
	return 0;
}

/* "stream" must be a boolean. */
static unsigned parse_stream(const json_t *root, struct serve_request *r, char *err,
			     size_t err_size)
{
	const json_t *v = json_object_get(root, "stream");

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(err, err_size, "'stream' must be true or false");
		return 400;
	}
	r->stream = json_is_true(v);
	return 0;
}

unsigned serve_parse(struct serve_server *s, enum serve_api api, const char *body, size_t len,
		     struct serve_request **out, char *err, size_t err_size, const char **param)
{
	struct serve_request *r;
	json_error_t jerr;
	json_t *root;
	unsigned st;

	*param = NULL;
	*out = NULL;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, err_size, "malformed JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		return 400;
	}
	if (!json_is_object(root)) {
		snprintf(err, err_size, "the body must be a JSON object");
		json_decref(root);
		return 400;
	}
	r = serve_request_alloc();
	if (!r) {
		json_decref(root);
		return 500;
	}
	r->api = api;
	st = parse_stream(root, r, err, err_size);
	if (st)
		*param = "stream";
	if (!st)
		st = parse_sampling(s, root, r, err, err_size, param);
	if (!st) {
		st = parse_stop(root, r, err, err_size);
		*param = st ? "stop" : NULL;
	}
	if (!st)
		st = parse_prompt(s, api, root, r, err, err_size, param);
	if (!st)
		st = parse_lengths(s, root, r, err, err_size, param);
	json_decref(root);
	if (st) {
		if (st == 500)
			snprintf(err, err_size, "out of memory");
		pthread_mutex_lock(&s->mu);
		serve_request_unref(r);
		pthread_mutex_unlock(&s->mu);
		return st;
	}
	*param = NULL;
	*out = r;
	return 200;
}
