/*
 * An independent, deliberately plain Llama forward pass for tests: its own
 * reader of the llama2.c checkpoint layout (models README), scalar loops,
 * no threads, no shared code with the engine. It is the yardstick the
 * engine's logits are compared with.
 */
#ifndef FLLM_TEST_REF_LLAMA_H
#define FLLM_TEST_REF_LLAMA_H

#include <stddef.h>
#include <stdint.h>

struct ref_llama;

/* Load a llama2.c checkpoint from memory (copied); NULL if malformed. */
struct ref_llama *ref_llama_load(const uint8_t *data, size_t size);
/* Load from a file; NULL if unreadable or malformed. */
struct ref_llama *ref_llama_load_file(const char *path);
void ref_llama_free(struct ref_llama *r);
uint32_t ref_llama_vocab(const struct ref_llama *r);
/* RoPE base (default 10000, the only one llama2.c files use). */
void ref_llama_set_theta(struct ref_llama *r, double theta);
/* Run token at pos (positions in order from 0); returns (vocab) logits. */
const float *ref_llama_forward(struct ref_llama *r, int token, int pos);

#endif /* FLLM_TEST_REF_LLAMA_H */
