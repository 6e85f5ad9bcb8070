/* OpenAI response documents (see openai.h), written with Jansson. */
#include "openai.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Bytes of the UTF-8 character starting at p[0..len), 0 when it is not one. */
static size_t openai_utf8_char(const char *p, size_t len)
{
	unsigned char c = (unsigned char)p[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 :
		   c >= 0xf0 && c < 0xf5 ? 4 : 0;
	json_t *one;

	if (n <= 1 || n > len)
		return n > len ? 0 : n;
	one = json_stringn(p, n);	/* Jansson's own check: overlongs, surrogates */
	json_decref(one);
	return one ? n : 0;
}

/*
 * A JSON string of text[0..len): the model may emit byte tokens that do not
 * form UTF-8, and JSON strings must be, so each invalid byte becomes U+FFFD.
 */
static json_t *openai_text(const char *text, size_t len)
{
	json_t *v = json_stringn(text, len);
	char *clean;
	size_t o = 0;

	if (v || !len)
		return v ? v : json_string("");
	clean = malloc(len * 3 + 1);
	if (!clean)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = openai_utf8_char(text + i, len - i);

		if (n) {
			memcpy(clean + o, text + i, n);
			o += n;
			i += n;
		} else {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	v = json_stringn(clean, o);
	free(clean);
	return v;
}

/* Serialize and free root. */
static char *openai_dump(json_t *root)
{
	char *s = root ? json_dumps(root, JSON_COMPACT) : NULL;

	json_decref(root);
	return s;
}

char *serve_openai_error(unsigned status, const char *message, const char *param)
{
	const char *type = status == 401 ? "authentication_error" :
			   status == 429 ? "rate_limit_error" :
			   status >= 500 ? "server_error" : "invalid_request_error";

	return openai_dump(json_pack("{s:{s:s,s:s,s:s?,s:i}}", "error", "message", message,
				     "type", type, "param", param, "code", (int)status));
}

/* The fields every completion document starts with. */
static json_t *openai_head(const struct serve_server *s, const struct serve_request *r,
			   int chunk)
{
	const char *object = r->api == SERVE_API_CHAT ?
			     (chunk ? "chat.completion.chunk" : "chat.completion") :
			     "text_completion";

	return json_pack("{s:s,s:s,s:I,s:s}", "id", r->id, "object", object, "created",
			 (json_int_t)r->created, "model", s->cfg->model_name);
}

/* One choice: text as "text" or as a chat message / delta. */
static json_t *openai_choice(const struct serve_request *r, json_t *text, const char *finish,
			     int chunk, int first)
{
	json_t *c;

	if (r->api == SERVE_API_CHAT) {
		json_t *msg = first || !chunk ?
			      json_pack("{s:s,s:o}", "role", "assistant", "content", text) :
			      json_pack("{s:o}", "content", text);

		c = json_pack("{s:i,s:o}", "index", 0, chunk ? "delta" : "message", msg);
	} else {
		c = json_pack("{s:o,s:i,s:n}", "text", text, "index", 0, "logprobs");
	}
	if (c)
		json_object_set_new(c, "finish_reason", finish ? json_string(finish) :
								  json_null());
	return c;
}

/* "usage": prompt, completion and total tokens. */
static void openai_usage(json_t *root, const struct serve_request *r)
{
	if (root)
		json_object_set_new(root, "usage", json_pack("{s:I,s:I,s:I}", "prompt_tokens",
			(json_int_t)r->n_ids, "completion_tokens", (json_int_t)r->n_gen,
			"total_tokens", (json_int_t)(r->n_ids + r->n_gen)));
}

char *serve_openai_response(const struct serve_server *s, const struct serve_request *r)
{
	json_t *root = openai_head(s, r, 0);
	json_t *choice = openai_choice(r, openai_text(r->text.p ? r->text.p : "", r->text.len),
				       r->finish, 0, 1);

	if (root)
		json_object_set_new(root, "choices", json_pack("[o]", choice));
	openai_usage(root, r);
	return openai_dump(root);
}

char *serve_openai_chunk(const struct serve_server *s, const struct serve_request *r,
			 const char *text, size_t len, const char *finish, int first)
{
	json_t *root = openai_head(s, r, 1);

	if (root)
		json_object_set_new(root, "choices", json_pack("[o]", openai_choice(
			r, openai_text(text, len), finish, 1, first)));
	if (finish)
		openai_usage(root, r);
	return openai_dump(root);
}

char *serve_openai_models(const struct serve_server *s)
{
	return openai_dump(json_pack("{s:s,s:[{s:s,s:s,s:I,s:s}]}", "object", "list", "data",
				     "id", s->cfg->model_name, "object", "model", "created",
				     (json_int_t)0, "owned_by", "fllm"));
}
