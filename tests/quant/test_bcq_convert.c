/*
 * Exact conversions: generic uniform codes, GGUF Q4_0 and Q8_0. The
 * reference dequantizers here are written from the ggml block layouts,
 * independently of runtime/quant.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_bcq.h"
#include "quant_rng.h"
#include "test_main.h"

/* A random finite fp16 pattern with exponent field in [lo_exp, hi_exp], random sign. */
static uint16_t random_half(struct quant_rng *rng, unsigned lo_exp, unsigned hi_exp)
{
	uint64_t r = quant_rng_u64(rng);
	unsigned exp = lo_exp + (unsigned)(r % (hi_exp - lo_exp + 1));

	return (uint16_t)(((r >> 20) & 1) << 15 | exp << 10 | ((r >> 32) & 0x3ff));
}

/* Count mismatches between w_ref (n) and the dequantized matrix; print the first. */
static size_t count_mismatches(const fllm_bcq *m, const float *w_ref)
{
	size_t n = (size_t)m->rows * m->cols, bad = 0;
	float *w_hat = malloc(n * sizeof(float));	/* (M, K) */

	CU_ASSERT_PTR_NOT_NULL_FATAL(w_hat);
	fllm_bcq_dequantize(m, w_hat);
	for (size_t i = 0; i < n; i++) {
		if (w_hat[i] != w_ref[i]) {
			if (!bad)
				fprintf(stderr, "element %zu: bcq %.9g, reference %.9g\n", i,
					(double)w_hat[i], (double)w_ref[i]);
			bad++;
		}
	}
	free(w_hat);
	return bad;
}

/* binary16 decoding on hand-picked patterns. */
static void test_half_to_float(void)
{
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0x3c00), 1.0f);
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0xc000), -2.0f);
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0x7bff), 65504.0f);
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0x0001), 0x1p-24f);
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0x03ff), 1023 * 0x1p-24f);
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0x0400), 0x1p-14f);
	CU_ASSERT_EQUAL(fllm_bcq_half_to_float(0x3555), 0x1.554p-2f);
	CU_ASSERT(signbit(fllm_bcq_half_to_float(0x8000)) && fllm_bcq_half_to_float(0x8000) == 0);
	CU_ASSERT(isinf(fllm_bcq_half_to_float(0x7c00)));
	CU_ASSERT(isnan(fllm_bcq_half_to_float(0x7e00)));
}

/*
 * Generic uniform codes, every q, K = 172 with g = 32 and K = 40 with g = 16,
 * fp16 scales of both signs, integer zero points in range: exact.
 */
static void test_from_uniform_exact(void)
{
	static const uint32_t shapes[][3] = { { 3, 172, 32 }, { 1, 40, 16 }, { 2, 300, 256 } };
	struct quant_rng rng = { 77 };

	for (uint32_t q = 1; q <= 8; q++) {
		for (size_t si = 0; si < 3; si++) {
			uint32_t rows = shapes[si][0], cols = shapes[si][1], g = shapes[si][2];
			uint32_t groups = (cols + g - 1) / g;
			uint8_t *codes = malloc((size_t)rows * cols);		/* (M, K) */
			float *scale = malloc((size_t)rows * groups * 4);	/* (M, G) */
			float *zero = malloc((size_t)rows * groups * 4);	/* (M, G) */
			float *w = malloc((size_t)rows * cols * 4);		/* (M, K) */
			fllm_bcq *m = NULL;

			CU_ASSERT_FATAL(codes && scale && zero && w);
			for (size_t i = 0; i < (size_t)rows * groups; i++) {
				scale[i] = fllm_bcq_half_to_float(random_half(&rng, 1, 30));
				zero[i] = (float)(quant_rng_u64(&rng) % (1u << q));
			}
			for (uint32_t r = 0; r < rows; r++) {
				for (uint32_t k = 0; k < cols; k++) {
					size_t i = (size_t)r * cols + k, s = r * groups + k / g;

					codes[i] = (uint8_t)(quant_rng_u64(&rng) % (1u << q));
					w[i] = scale[s] * ((float)codes[i] - zero[s]);
				}
			}
			FLLM_ASSERT_STATUS(fllm_bcq_from_uniform(codes, scale, zero, rows, cols, g,
								 q, &m), FLLM_OK);
			CU_ASSERT_PTR_NOT_NULL_FATAL(m);
			FLLM_ASSERT_EQ_U64(count_mismatches(m, w), 0);
			for (uint32_t r = 0; r < rows; r++)
				for (uint32_t i = 0; i < q; i++)
					for (uint32_t k = cols; k < m->row_bytes * 8; k++)
						CU_ASSERT_EQUAL(fllm_bcq_bit_get(m, r, i, k), 0);
			fllm_bcq_free(m);
			free(codes);
			free(scale);
			free(zero);
			free(w);
		}
	}
}

/* Arbitrary fp32 scales and fractional zero points: within fp32 rounding. */
static void test_from_uniform_rounding(void)
{
	struct quant_rng rng = { 5 };
	uint8_t codes[64];	/* (1, 64) */
	float scale[4], zero[4], w[64], w_hat[64];
	fllm_bcq *m = NULL;

	for (int i = 0; i < 4; i++) {
		scale[i] = (quant_rng_unit(&rng) - 0.5f) * 0.01f;
		zero[i] = quant_rng_unit(&rng) * 15.0f;
	}
	for (int k = 0; k < 64; k++) {
		codes[k] = (uint8_t)(quant_rng_u64(&rng) % 16);
		w[k] = scale[k / 16] * ((float)codes[k] - zero[k / 16]);
	}
	FLLM_ASSERT_STATUS(fllm_bcq_from_uniform(codes, scale, zero, 1, 64, 16, 4, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	fllm_bcq_dequantize(m, w_hat);
	for (int k = 0; k < 64; k++)
		CU_ASSERT(fabsf(w_hat[k] - w[k]) <= 1e-6f * fabsf(scale[k / 16]) * 16.0f);
	fllm_bcq_free(m);
}

/* Reference Q4_0 dequantization of blocks (rows, cols / 32) into w (rows, cols). */
static void ref_dequant_q4_0(const uint8_t *blocks, size_t n_blocks, float *w)
{
	for (size_t b = 0; b < n_blocks; b++) {
		const uint8_t *blk = blocks + b * 18;
		float d = fllm_bcq_half_to_float((uint16_t)(blk[0] | blk[1] << 8));

		for (int j = 0; j < 16; j++) {
			w[b * 32 + j] = d * (float)((blk[2 + j] & 15) - 8);
			w[b * 32 + j + 16] = d * (float)((blk[2 + j] >> 4) - 8);
		}
	}
}

/* Reference Q8_0 dequantization of blocks (rows, cols / 32) into w (rows, cols). */
static void ref_dequant_q8_0(const uint8_t *blocks, size_t n_blocks, float *w)
{
	for (size_t b = 0; b < n_blocks; b++) {
		const uint8_t *blk = blocks + b * 34;
		float d = fllm_bcq_half_to_float((uint16_t)(blk[0] | blk[1] << 8));

		for (int j = 0; j < 32; j++)
			w[b * 32 + j] = d * (float)(int8_t)blk[2 + j];
	}
}

/* Random blocks with finite fp16 scales of every kind (subnormal to 65504). */
static uint8_t *random_blocks(struct quant_rng *rng, size_t n_blocks, size_t block_bytes)
{
	uint8_t *blocks = malloc(n_blocks * block_bytes);

	CU_ASSERT_PTR_NOT_NULL_FATAL(blocks);
	for (size_t i = 0; i < n_blocks * block_bytes; i++)
		blocks[i] = (uint8_t)quant_rng_u64(rng);
	for (size_t b = 0; b < n_blocks; b++) {
		uint16_t d = random_half(rng, 0, 30);

		if (b == 1)
			d = 0x0001;	/* smallest subnormal */
		if (b == 2)
			d = 0xfbff;	/* -65504 */
		blocks[b * block_bytes] = (uint8_t)d;
		blocks[b * block_bytes + 1] = (uint8_t)(d >> 8);
	}
	return blocks;
}

/* GGUF Q4_0 and Q8_0 rows come back exactly as ggml dequantizes them. */
static void test_gguf_exact(void)
{
	struct quant_rng rng = { 2024 };
	const uint32_t rows = 7, cols = 96;
	size_t n_blocks = (size_t)rows * cols / 32;
	float w[7 * 96];	/* (7, 96) */
	uint8_t *q4 = random_blocks(&rng, n_blocks, 18);
	uint8_t *q8 = random_blocks(&rng, n_blocks, 34);
	fllm_bcq *m = NULL;

	FLLM_ASSERT_STATUS(fllm_bcq_from_q4_0(q4, n_blocks * 18, rows, cols, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_EQ_U64(m->planes, 4);
	FLLM_ASSERT_EQ_U64(m->group, 32);
	ref_dequant_q4_0(q4, n_blocks, w);
	FLLM_ASSERT_EQ_U64(count_mismatches(m, w), 0);
	fllm_bcq_free(m);

	FLLM_ASSERT_STATUS(fllm_bcq_from_q8_0(q8, n_blocks * 34, rows, cols, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_EQ_U64(m->planes, 8);
	ref_dequant_q8_0(q8, n_blocks, w);
	FLLM_ASSERT_EQ_U64(count_mismatches(m, w), 0);
	/* alpha_i = |d| * 2^(i-1): exact powers-of-two multiples of the scale. */
	for (int i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(m->alpha[i], fabsf(fllm_bcq_half_to_float(
					(uint16_t)(q8[0] | q8[1] << 8))) * ldexpf(1.0f, i - 1));
	fllm_bcq_free(m);
	free(q4);
	free(q8);
}

/* Bad sizes, codes and scales are rejected with no output. */
static void test_convert_invalid(void)
{
	uint8_t blocks[4 * 34] = { 0 };
	uint8_t codes[32] = { 0 };
	float scale[2] = { 1.0f, 1.0f }, zero[2] = { 0.0f, 0.0f };
	fllm_bcq *m;

#define EXPECT(call, status)                                                              \
	do {                                                                              \
		m = (fllm_bcq *)&m;                                                       \
		FLLM_ASSERT_STATUS(call, status);                                         \
		CU_ASSERT_PTR_NULL(m);                                                    \
	} while (0)

	EXPECT(fllm_bcq_from_q4_0(blocks, 2 * 18, 1, 48, &m), FLLM_E_INVALID_ARG);
	EXPECT(fllm_bcq_from_q4_0(blocks, 2 * 18 - 1, 1, 64, &m), FLLM_E_INVALID_ARG);
	EXPECT(fllm_bcq_from_q4_0(blocks, 3 * 18, 1, 64, &m), FLLM_E_INVALID_ARG);
	EXPECT(fllm_bcq_from_q8_0(blocks, 2 * 34, 0, 64, &m), FLLM_E_INVALID_ARG);
	EXPECT(fllm_bcq_from_q8_0(blocks, 2 * 34, 1, 0, &m), FLLM_E_INVALID_ARG);
	blocks[34] = 0x00;
	blocks[35] = 0x7e;	/* NaN scale in block 1 */
	EXPECT(fllm_bcq_from_q8_0(blocks, 2 * 34, 1, 64, &m), FLLM_E_FORMAT);
	blocks[35] = 0x7c;	/* +Inf */
	EXPECT(fllm_bcq_from_q8_0(blocks, 2 * 34, 1, 64, &m), FLLM_E_FORMAT);

	codes[5] = 8;		/* too big for q = 3 */
	EXPECT(fllm_bcq_from_uniform(codes, scale, zero, 1, 32, 16, 3, &m), FLLM_E_INVALID_ARG);
	codes[5] = 7;
	EXPECT(fllm_bcq_from_uniform(codes, scale, zero, 1, 32, 48, 3, &m), FLLM_E_INVALID_ARG);
	EXPECT(fllm_bcq_from_uniform(codes, scale, zero, 1, 32, 16, 9, &m), FLLM_E_INVALID_ARG);
	scale[1] = NAN;
	EXPECT(fllm_bcq_from_uniform(codes, scale, zero, 1, 32, 16, 3, &m), FLLM_E_INVALID_ARG);
	scale[1] = 1.0f;
	zero[0] = INFINITY;
	EXPECT(fllm_bcq_from_uniform(codes, scale, zero, 1, 32, 16, 3, &m), FLLM_E_INVALID_ARG);
	zero[0] = 0.0f;
	FLLM_ASSERT_STATUS(fllm_bcq_from_uniform(codes, scale, zero, 1, 32, 16, 3, &m), FLLM_OK);
	fllm_bcq_free(m);
#undef EXPECT
}

static CU_TestInfo bcq_convert_tests[] = {
	{ "half_to_float", test_half_to_float },
	{ "from_uniform_exact", test_from_uniform_exact },
	{ "from_uniform_rounding", test_from_uniform_rounding },
	{ "gguf_exact", test_gguf_exact },
	{ "convert_invalid", test_convert_invalid },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("bcq_convert", NULL, NULL, bcq_convert_tests);
}
