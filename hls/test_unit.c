/*
 * The test compute unit in Vitis-HLS C: FILL and CHECK stream a pattern over
 * a card-memory range, one 64-bit word per loop iteration (pipelined at II=1,
 * widened to 512-bit bursts by the tool). SPIN has no datapath here: the
 * synthesized unit counts cycles, which the cycle model accounts for.
 */
#include "fllm_hls_test.h"
#include "fllm_pattern.h"

/* Write the pattern over words [first, first + words). */
static void test_fill(uint64_t *mem /* card memory as 64-bit words */, uint64_t first,
		      uint64_t words, uint32_t pattern, uint64_t seed)
{
	for (uint64_t i = 0; i < words; i++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=67108864
		mem[first + i] = fllm_pattern_word(pattern, seed, i, (first + i) * 8);
	}
}

/* Count words in [first, first + words) that differ from the pattern. */
static uint64_t test_check(const uint64_t *mem /* card memory as 64-bit words */,
			   uint64_t first, uint64_t words, uint32_t pattern, uint64_t seed)
{
	uint64_t bad = 0;

	for (uint64_t i = 0; i < words; i++) {
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min=1 max=67108864
		bad += mem[first + i] != fllm_pattern_word(pattern, seed, i, (first + i) * 8);
	}
	return bad;
}

/* HLS top: decode the argument block and run one operation. */
void fllm_hls_test_unit(uint64_t *mem /* (mem_size / 8) card memory as 64-bit words */,
			const struct fllm_cmd_test *args, uint64_t *result)
{
#pragma HLS INTERFACE m_axi port=mem offset=slave bundle=gmem max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=args bundle=control
#pragma HLS INTERFACE s_axilite port=result bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
	uint64_t first = args->addr / 8;
	uint64_t words = args->bytes / 8;
	uint32_t pattern = (uint32_t)args->pattern;

	*result = 0;
	switch (args->op) {
	case FLLM_TEST_FILL:
		test_fill(mem, first, words, pattern, args->seed);
		break;
	case FLLM_TEST_CHECK:
		*result = test_check(mem, first, words, pattern, args->seed);
		break;
	default:
		break;
	}
}
