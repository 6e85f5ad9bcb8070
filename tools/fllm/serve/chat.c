/*
 * Chat messages to prompt tokens. Two documented templates are built in
 * (docs/serve.md), chosen by --chat-template or, with auto (the default),
 * by the model's own Jinja template (GGUF tokenizer.chat_template), which
 * is not interpreted, only recognised: Llama-2's
 *   <s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {assistant} </s><s>[INST] ...
 * with BOS and EOS as tokens (also the fallback), and ChatML
 *   <s><|im_start|>{role}\n{content}<|im_end|>\n ... <|im_start|>assistant\n
 * which also stops at "<|im_end|>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "text_buf.h"

static int chat_adds(struct text_buf *b, const char *s)
{
	return text_buf_append(b, s, strlen(s));
}

/* Every message an object with a known role and a string content. */
static unsigned chat_check(const json_t *messages, char *err, size_t err_size)
{
	const json_t *m;
	size_t i;

	if (!json_is_array(messages) || !json_array_size(messages)) {
		snprintf(err, err_size, "'messages' must be a non-empty array");
		return 400;
	}
	json_array_foreach(messages, i, m) {
		const json_t *role = json_object_get(m, "role");
		const json_t *content = json_object_get(m, "content");
		const char *rs = json_string_value(role);

		if (!json_is_object(m) || !rs || (strcmp(rs, "system") && strcmp(rs, "user") &&
						  strcmp(rs, "assistant"))) {
			snprintf(err, err_size, "messages[%zu]: 'role' must be \"system\", "
				 "\"user\" or \"assistant\"", i);
			return 400;
		}
		if (!json_is_string(content)) {
			snprintf(err, err_size, "messages[%zu]: 'content' must be a string", i);
			return 400;
		}
	}
	return 0;
}

/* Llama-2: one BOS ... [/INST] turn per user message, assistant replies end in EOS. */
static int chat_llama2(const struct serve_server *s, const json_t *messages,
		       struct serve_request *r)
{
	struct text_buf b = { 0 };
	const char *sys = NULL;
	const json_t *m;
	size_t i;
	int rc = 0;

	json_array_foreach(messages, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		const char *text = json_string_value(json_object_get(m, "content"));

		if (!strcmp(role, "system")) {
			sys = text;
			continue;
		}
		b.len = 0;
		if (!strcmp(role, "assistant")) {
			rc = chat_adds(&b, " ") || chat_adds(&b, text) || chat_adds(&b, " ");
			rc = rc || serve_prompt_append(s->tok, r, b.p, b.len, 0);
			if (!rc && fllm_tokenizer_eos(s->tok) >= 0) {
				int32_t *ids = realloc(r->ids, (r->n_ids + 1) * sizeof(*ids));

				rc = !ids;
				if (ids) {
					r->ids = ids;
					ids[r->n_ids++] = fllm_tokenizer_eos(s->tok);
				}
			}
		} else {
			rc = chat_adds(&b, "[INST] ");
			if (sys)
				rc = rc || chat_adds(&b, "<<SYS>>\n") || chat_adds(&b, sys) ||
				     chat_adds(&b, "\n<</SYS>>\n\n");
			sys = NULL;
			rc = rc || chat_adds(&b, text) || chat_adds(&b, " [/INST]");
			rc = rc || serve_prompt_append(s->tok, r, b.p, b.len, 1);
		}
		if (rc)
			break;
	}
	text_buf_free(&b);
	return rc;
}

/* ChatML: one text, BOS first. */
static int chat_chatml(const struct serve_server *s, const json_t *messages,
		       struct serve_request *r)
{
	struct text_buf b = { 0 };
	const json_t *m;
	size_t i;
	int rc = 0;

	json_array_foreach(messages, i, m) {
		rc = rc || chat_adds(&b, "<|im_start|>") ||
		     chat_adds(&b, json_string_value(json_object_get(m, "role"))) ||
		     chat_adds(&b, "\n") ||
		     chat_adds(&b, json_string_value(json_object_get(m, "content"))) ||
		     chat_adds(&b, "<|im_end|>\n");
	}
	rc = rc || chat_adds(&b, "<|im_start|>assistant\n");
	rc = rc || serve_prompt_append(s->tok, r, b.p, b.len, 1);
	text_buf_free(&b);
	if (!rc) {
		r->stop[r->n_stop] = strdup("<|im_end|>");
		rc = !r->stop[r->n_stop];
		r->n_stop += !rc;
	}
	return rc;
}

/* 1 if the n bytes at s contain the string w. */
static int chat_has(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, w, k))
			return 1;
	return 0;
}

/* See parse.h. */
enum serve_chat_template serve_chat_pick(const fllm_model *model, const char **why)
{
	const char *t;
	size_t n;

	if (fllm_model_meta_string(model, "tokenizer.chat_template", &t, &n)) {
		*why = "the model has no chat template: the Llama-2 form";
		return SERVE_CHAT_LLAMA2;
	}
	if (chat_has(t, n, "<|im_start|>")) {
		*why = "the model's chat template is ChatML";
		return SERVE_CHAT_CHATML;
	}
	*why = chat_has(t, n, "[INST]") ? "the model's chat template is Llama-2's" :
					  "the model's chat template is neither ChatML nor "
					  "Llama-2's: the Llama-2 form";
	return SERVE_CHAT_LLAMA2;
}

unsigned serve_chat_encode(const struct serve_server *s, const json_t *messages,
			   struct serve_request *r, char *err, size_t err_size)
{
	unsigned st = chat_check(messages, err, err_size);
	int rc;

	if (st)
		return st;
	if (s->cfg->chat == SERVE_CHAT_CHATML)
		rc = chat_chatml(s, messages, r);
	else
		rc = chat_llama2(s, messages, r);
	if (rc)
		return 500;
	if (!r->n_ids) {
		snprintf(err, err_size, "'messages' hold no user message");
		return 400;
	}
	return 0;
}
