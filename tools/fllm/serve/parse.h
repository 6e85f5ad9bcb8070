/*
 * Request bodies of /v1/completions and /v1/chat/completions: parsed with
 * Jansson, every field checked, the prompt tokenized (chat messages through
 * the chat template), and the whole checked against the context's size.
 */
#ifndef FLLM_SERVE_PARSE_H
#define FLLM_SERVE_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "request.h"
#include "serve.h"

#define SERVE_MAX_TOKENS_DEFAULT 16u	/* OpenAI's default for completions */

/*
 * A request from body[0..len): 200 and *out, or the HTTP status (400, 500)
 * with one line in err naming the problem and, when one field is to blame,
 * *param naming it (else NULL).
 */
unsigned serve_parse(struct serve_server *s, enum serve_api api, const char *body, size_t len,
		     struct serve_request **out, char *err, size_t err_size, const char **param);

/*
 * The chat messages (an array of {role, content}) as prompt tokens through
 * the configured template; adds the template's end-of-turn text to r's
 * stop strings. 0, or 400 / 500 with err set.
 */
/*
 * The template for the model's own (GGUF tokenizer.chat_template): ChatML
 * when it uses <|im_start|>, else Llama-2's; *why says where that came from
 * (for the log).
 */
enum serve_chat_template serve_chat_pick(const fllm_model *model, const char **why);

unsigned serve_chat_encode(const struct serve_server *s, const json_t *messages,
			   struct serve_request *r, char *err, size_t err_size);

/* Append the tokens of text[0..len) (with BOS when bos) to r's prompt; 0 or -1. */
int serve_prompt_append(const fllm_tokenizer *tok, struct serve_request *r, const char *text,
			size_t len, int bos);

#endif /* FLLM_SERVE_PARSE_H */
