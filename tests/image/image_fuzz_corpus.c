/*
 * The image fuzz harness (tests/fuzz/fuzz_image.c) over a fixed corpus made
 * here from a valid image: every prefix, every single-byte change to 0x00
 * and 0xff in the headers and metadata, and 5000 seeded multi-byte flips.
 * The harness aborts on any wrong answer; reaching the end passes.
 */
#include <stdlib.h>
#include <string.h>

#include "image_fixture.h"
#include "test_main.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void test_corpus(void)
{
	struct fllm_image_desc d;
	uint64_t s = 0x2545f4914f6cdd1dull;
	size_t len, head = 2048;
	uint8_t *img, *copy;
	char err[256];

	image_fixture(&d, 3);
	CU_ASSERT_FATAL(fllm_image_build(&d, (void **)&img, &len, err, sizeof(err)) == 0);
	copy = malloc(len);
	CU_ASSERT_FATAL(copy != NULL);
	for (size_t n = 0; n <= len; n++) {
		memcpy(copy, img, n);
		LLVMFuzzerTestOneInput(copy, n);
	}
	for (size_t i = 0; i < len; i++) {
		if (i >= head && i + 256 < len)
			continue;	/* the XML in the middle: a few bytes are enough */
		for (int v = 0; v < 2; v++) {
			memcpy(copy, img, len);
			copy[i] = v ? 0xff : 0x00;
			LLVMFuzzerTestOneInput(copy, len);
		}
	}
	for (int i = 0; i < 5000; i++) {
		memcpy(copy, img, len);
		for (int k = 0; k < 1 + i % 8; k++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			copy[s % len] = (uint8_t)(s >> 56);
		}
		LLVMFuzzerTestOneInput(copy, len);
	}
	free(copy);
	free(img);
	CU_PASS("corpus done");
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "fixed corpus through the fuzz harness", test_corpus },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("image_fuzz_corpus", NULL, NULL, tests);
}
