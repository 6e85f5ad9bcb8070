/*
 * Loader robustness without libFuzzer: every truncation and many single-byte
 * corruptions of small valid GGUF, llama2.c and tokenizer.bin files go
 * through the loaders (and, when one loads, the tokenizer and a forward
 * step). Each must either be refused or load; under ASan/UBSan (CI) any
 * out-of-bounds read or undefined behaviour fails the run.
 */
#include <stdlib.h>

#include "engine_test.h"
#include "fuzz_inputs.h"

#define RANDOM_CORRUPTIONS 1500
#define HEAD_BYTES 2048		/* every byte of the first part is corrupted too */

static int exercise(enum fuzz_input which, const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);	/* exact size, so ASan sees overreads */
	int ok;

	memcpy(copy, data, size);
	ok = which == FUZZ_TOKBIN ? fuzz_exercise_tokbin(copy, size) :
				    fuzz_exercise_model(copy, size);
	free(copy);
	return ok;
}

static void check_input(enum fuzz_input which)
{
	struct bytebuf f;
	uint64_t rng = 0x1234567ull + which;
	size_t loaded = 0, refused = 0, cut_loaded = 0;

	fuzz_input_make(which, &f);
	FLLM_ASSERT_EQ_U64(exercise(which, f.data, f.len), 1);
	for (size_t n = 0; n < f.len; n++) {
		if (exercise(which, f.data, n))
			cut_loaded++;
	}
	/* a strict prefix never loads: GGUF sizes are exact up to the last
	 * tensor; llama2.c sizes must match exactly; tokenizer.bin records
	 * are counted (only a vocabulary of fewer tokens could load) */
	if (which != FUZZ_TOKBIN && which != FUZZ_GGUF_F32 && which != FUZZ_GGUF_Q4_0)
		FLLM_ASSERT_EQ_U64(cut_loaded, 0);
	for (size_t i = 0; i < HEAD_BYTES && i < f.len; i++) {
		uint8_t old = f.data[i];

		f.data[i] ^= 0xff;
		exercise(which, f.data, f.len) ? loaded++ : refused++;
		f.data[i] = old;
	}
	for (int k = 0; k < RANDOM_CORRUPTIONS; k++) {
		size_t pos;
		uint8_t old, x;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		pos = (size_t)(rng >> 33) % f.len;
		x = (uint8_t)(rng >> 25) | 1;
		old = f.data[pos];
		f.data[pos] ^= x;
		exercise(which, f.data, f.len) ? loaded++ : refused++;
		f.data[pos] = old;
	}
	printf("%s: %zu bytes; truncations: %zu of %zu loaded; corruptions: %zu loaded, %zu "
	       "refused\n", fuzz_input_name(which), f.len, cut_loaded, f.len, loaded, refused);
	CU_ASSERT(refused > 0);
	bb_free(&f);
	ET_EXPECT_NO_LEAKS();
}

static void test_gguf_f32(void)
{
	check_input(FUZZ_GGUF_F32);
}

static void test_gguf_q4_0(void)
{
	check_input(FUZZ_GGUF_Q4_0);
}

static void test_llama2c(void)
{
	check_input(FUZZ_LLAMA2C);
}

static void test_tokbin(void)
{
	check_input(FUZZ_TOKBIN);
}

static CU_TestInfo regress_tests[] = {
	{ "GGUF F32 truncations and corruptions", test_gguf_f32 },
	{ "GGUF Q4_0 truncations and corruptions", test_gguf_q4_0 },
	{ "llama2.c truncations and corruptions", test_llama2c },
	{ "tokenizer.bin truncations and corruptions", test_tokbin },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("loader robustness", NULL, NULL, regress_tests);
}
