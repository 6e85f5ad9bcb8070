/* Small valid inputs and the loaders' exercise paths (see fuzz_inputs.h). */
#include "fuzz_inputs.h"

#include <stdlib.h>
#include <string.h>

#include "fllm/fllm_model.h"
#include "model.h"
#include "model_writer.h"
#include "tokenizer.h"

/* Smallest shapes that still have GQA; Q4_0 needs rows of 32. */
static struct tm_spec fuzz_spec(uint32_t dim)
{
	struct tm_spec s = tm_spec_shape(dim, 32, 2, 1);

	s.n_layers = 1;
	s.seq_len = 8;
	return s;
}

void fuzz_input_make(enum fuzz_input which, struct bytebuf *out)
{
	struct tm_spec s = fuzz_spec(which == FUZZ_GGUF_Q4_0 ? 32 : 16);
	struct tm_weights w;

	if (which == FUZZ_TOKBIN) {
		tm_write_tokbin(s.vocab, out);
		return;
	}
	if (which == FUZZ_GGUF_Q4_0)
		s.type = GW_T_Q4_0;
	tm_weights_make(&s, &w);
	if (which == FUZZ_LLAMA2C)
		tm_write_bin(&s, &w, out);
	else
		tm_write_gguf(&s, &w, out);
	tm_weights_free(&w);
}

const char *fuzz_input_name(enum fuzz_input which)
{
	static const char *const names[FUZZ_INPUTS] = { "gguf-f32", "gguf-q4_0", "llama2c",
							"tokbin" };

	return names[which];
}

/* Encode a text with every kind of character and decode every id. */
static void fuzz_tokenizer(const fllm_tokenizer *t)
{
	static const char text[] = "Hello, w\xc3\xb6rld \xe6\x97\xa5 \xf0\x9f\x99\x82\n\xff!";
	int32_t ids[64];
	size_t n;
	const char *p;
	size_t len;

	if (!fllm_tokenizer_encode(t, text, sizeof(text) - 1, FLLM_ENCODE_BOS, ids, 64, &n))
		for (size_t i = 1; i < n; i++)
			fllm_tokenizer_decode(t, ids[i - 1], ids[i], &p, &len);
	for (uint32_t id = 0; id < fllm_tokenizer_vocab_size(t); id++)
		fllm_tokenizer_decode(t, 1, (int32_t)id, &p, &len);
}

int fuzz_exercise_model(const uint8_t *data, size_t size)
{
	fllm_context_params cp = { .n_ctx = 2 };
	fllm_model *m;
	fllm_tokenizer *t;
	fllm_context *c;
	int32_t tok = 1;

	if (fllm_model_open_memory(data, size, &m, NULL))
		return 0;
	if (!fllm_tokenizer_from_model(m, &t, NULL, 0)) {
		fuzz_tokenizer(t);
		fllm_tokenizer_free(t);
	}
	if (!fllm_context_create(m, &cp, &c)) {
		fllm_context_eval(c, &tok, 1);
		fllm_context_free(c);
	}
	fllm_model_free(m);
	return 1;
}

int fuzz_exercise_tokbin(const uint8_t *data, size_t size)
{
	fllm_tokenizer *t;

	if (fllm_tokenizer_load_bin(data, size, 0, &t, NULL))
		return 0;
	fuzz_tokenizer(t);
	fllm_tokenizer_free(t);
	return 1;
}
