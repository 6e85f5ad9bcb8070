/*
 * libFuzzer harness: any bytes as a model file (GGUF or llama2.c, chosen by
 * magic as fllm_model_open does), then its tokenizer, a context and one
 * forward step when it loads. Built with clang -fsanitize=fuzzer,address,
 * undefined by run_fuzz.sh; seeds from fuzz_seeds.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_exercise_model(data, size);
	return 0;
}
