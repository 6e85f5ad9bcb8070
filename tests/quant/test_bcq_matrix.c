/* BCQ matrix objects: shapes, sign-bit packing, dequantization, error report. */
#include <math.h>
#include <string.h>

#include "fllm_bcq.h"
#include "test_main.h"

/* Shapes for K = 172 (short last group), M = 1, with and without offset. */
static void test_alloc_shapes(void)
{
	fllm_bcq *m = NULL;

	FLLM_ASSERT_STATUS(fllm_bcq_alloc(1, 172, 32, 3, 1, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_EQ_U64(m->groups, 6);
	FLLM_ASSERT_EQ_U64(m->row_bytes, 22);
	CU_ASSERT_PTR_NOT_NULL(m->alpha);
	CU_ASSERT_PTR_NOT_NULL(m->offset);
	CU_ASSERT_PTR_NOT_NULL(m->bits);
	fllm_bcq_free(m);

	FLLM_ASSERT_STATUS(fllm_bcq_alloc(64, 172, 256, 8, 0, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_EQ_U64(m->groups, 1);
	CU_ASSERT_PTR_NULL(m->offset);
	fllm_bcq_free(m);

	FLLM_ASSERT_STATUS(fllm_bcq_alloc(3, 1, 16, 1, 1, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_EQ_U64(m->groups, 1);
	FLLM_ASSERT_EQ_U64(m->row_bytes, 1);
	fllm_bcq_free(m);
	fllm_bcq_free(NULL);
}

/* Each bad size or parameter alone is rejected, with no output. */
static void test_alloc_invalid(void)
{
	static const uint32_t bad[][4] = {
		/* rows, cols, group, planes */
		{ 0, 64, 32, 3 }, { 4, 0, 32, 3 }, { 4, 64, 32, 0 }, { 4, 64, 32, 9 },
		{ 4, 64, 48, 3 }, { 4, 64, 8, 3 }, { 4, 64, 512, 3 }, { 4, 64, 0, 3 },
	};
	fllm_bcq *m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fllm_status st;

		m = (fllm_bcq *)&m;
		st = fllm_bcq_alloc(bad[i][0], bad[i][1], bad[i][2], bad[i][3], 1, &m);
		FLLM_ASSERT_STATUS(st, FLLM_E_INVALID_ARG);
		CU_ASSERT_PTR_NULL(m);
	}
}

/* Bit j of byte c of plane i of row r is input 8c + j; layout (M, q, ceil(K/8)). */
static void test_bit_packing(void)
{
	fllm_bcq *m = NULL;
	size_t total;

	FLLM_ASSERT_STATUS(fllm_bcq_alloc(2, 20, 16, 3, 1, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	FLLM_ASSERT_EQ_U64(m->row_bytes, 3);
	total = (size_t)2 * 3 * 3;
	fllm_bcq_bit_set(m, 1, 2, 13, 1);
	FLLM_ASSERT_EQ_U64(m->bits[(1 * 3 + 2) * 3 + 1], 1u << 5);
	CU_ASSERT_EQUAL(fllm_bcq_bit_get(m, 1, 2, 13), 1);
	CU_ASSERT_EQUAL(fllm_bcq_bit_get(m, 1, 2, 12), 0);
	CU_ASSERT_EQUAL(fllm_bcq_bit_get(m, 0, 2, 13), 0);
	fllm_bcq_bit_set(m, 0, 0, 19, 1);
	FLLM_ASSERT_EQ_U64(m->bits[2], 1u << 3);
	fllm_bcq_bit_set(m, 1, 2, 13, 0);
	FLLM_ASSERT_EQ_U64(m->bits[(1 * 3 + 2) * 3 + 1], 0);
	for (size_t i = 0; i < total; i++)
		if (i != 2)
			FLLM_ASSERT_EQ_U64(m->bits[i], 0);
	fllm_bcq_free(m);
}

/* w_hat = sum_i alpha_i * (+-1) + z, group by group, with a short last group. */
static void test_dequantize_formula(void)
{
	fllm_bcq *m = NULL;
	float out[2 * 20];	/* (2, 20) */
	float *offset;		/* (2, 2) */

	FLLM_ASSERT_STATUS(fllm_bcq_alloc(2, 20, 16, 2, 1, &m), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (uint32_t r = 0; r < 2; r++) {
		for (uint32_t gi = 0; gi < 2; gi++) {
			m->alpha[(r * 2 + gi) * 2 + 0] = 0.5f + (float)r;
			m->alpha[(r * 2 + gi) * 2 + 1] = 2.0f + (float)gi;
			m->offset[r * 2 + gi] = -0.25f * (float)(gi + 1);
		}
		for (uint32_t k = 0; k < 20; k++) {
			fllm_bcq_bit_set(m, r, 0, k, k & 1);
			fllm_bcq_bit_set(m, r, 1, k, (k >> 1) & 1);
		}
	}
	fllm_bcq_dequantize(m, out);
	for (uint32_t r = 0; r < 2; r++) {
		for (uint32_t k = 0; k < 20; k++) {
			uint32_t gi = k / 16;
			float e = ((k & 1) ? 1.0f : -1.0f) * (0.5f + (float)r) +
				  (((k >> 1) & 1) ? 1.0f : -1.0f) * (2.0f + (float)gi) -
				  0.25f * (float)(gi + 1);

			CU_ASSERT_EQUAL(out[r * 20 + k], e);
		}
	}
	offset = m->offset;	/* the same matrix read as one without offset */
	m->offset = NULL;
	fllm_bcq_dequantize_row(m, 0, out);
	CU_ASSERT_EQUAL(out[0], -0.5f - 2.0f);
	CU_ASSERT_EQUAL(out[19], 0.5f + 3.0f);
	m->offset = offset;
	fllm_bcq_free(m);
}

/* Relative Frobenius error, MSE and max error on hand-made vectors. */
static void test_error_compute(void)
{
	const float w[4] = { 3.0f, 0.0f, -4.0f, 0.0f };
	const float w_hat[4] = { 3.0f, 1.0f, -4.0f, -2.0f };
	fllm_bcq_error e;

	fllm_bcq_error_compute(w, w_hat, 4, &e);
	CU_ASSERT_DOUBLE_EQUAL(e.sse, 5.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(e.norm2, 25.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(e.rel, sqrt(5.0 / 25.0), 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(e.mse, 1.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(e.max_abs, 2.0, 1e-12);
	fllm_bcq_error_compute(w, w, 4, &e);
	CU_ASSERT_EQUAL(e.rel, 0.0);
}

static CU_TestInfo bcq_matrix_tests[] = {
	{ "alloc_shapes", test_alloc_shapes },
	{ "alloc_invalid", test_alloc_invalid },
	{ "bit_packing", test_bit_packing },
	{ "dequantize_formula", test_dequantize_formula },
	{ "error_compute", test_error_compute },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("bcq_matrix", NULL, NULL, bcq_matrix_tests);
}
