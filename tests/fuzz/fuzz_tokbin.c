/*
 * libFuzzer harness: any bytes as a llama2.c tokenizer.bin, then encoding
 * and decoding with it when it loads (see fuzz_model.c for the build).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_exercise_tokbin(data, size);
	return 0;
}
