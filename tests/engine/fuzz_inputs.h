/*
 * Small valid inputs for the loaders' robustness checks and the fuzzers'
 * seed corpus: a tiny GGUF model (F32 and Q4_0), a tiny llama2.c
 * checkpoint and a tokenizer.bin, all made by the test writers.
 */
#ifndef FLLM_TEST_FUZZ_INPUTS_H
#define FLLM_TEST_FUZZ_INPUTS_H

#include <stdint.h>

#include "bytebuf.h"

enum fuzz_input {
	FUZZ_GGUF_F32,
	FUZZ_GGUF_Q4_0,
	FUZZ_LLAMA2C,
	FUZZ_TOKBIN,
	FUZZ_INPUTS
};

/* The input's bytes into out (bb_free it) and a short name. */
void fuzz_input_make(enum fuzz_input which, struct bytebuf *out);
const char *fuzz_input_name(enum fuzz_input which);

/*
 * Push data through everything that reads outside input: as a model (then
 * its tokenizer, a context and one forward step) or as a tokenizer.bin
 * (then encoding and decoding). Returns 1 if it loaded, 0 if refused.
 */
int fuzz_exercise_model(const uint8_t *data, size_t size);
int fuzz_exercise_tokbin(const uint8_t *data, size_t size);

#endif /* FLLM_TEST_FUZZ_INPUTS_H */
