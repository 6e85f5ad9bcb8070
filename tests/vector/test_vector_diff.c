/*
 * Differential tests: random commands of every op, size and input
 * distribution, run by the hls kernel and by the reference on copies of
 * one card-memory image; the images must agree byte for byte.
 */
#include <stdio.h>

#include "test_main.h"
#include "vector_case.h"
#include "vector_tests.h"

/* Run op with flags at every size and distribution; count the mismatching cases. */
static void sweep(uint32_t op, uint32_t flags, uint64_t seed)
{
	uint32_t bad = 0, runs = 0;

	for (uint32_t s = 0; s < VCASE_SWEEP_SIZES; s++) {
		for (uint32_t d = 0; d < VC_DIST_COUNT; d++) {
			struct vcase c;
			char what[96];
			uint64_t sd;

			if (vcase_sweep_make(&c, op, flags, seed, s, d, &sd)) {
				printf("\n  op %u size %u: the builder made an invalid block\n", op, s);
				bad++;
				continue;
			}
			snprintf(what, sizeof(what), "op %u flags %u n %u dist %u seed %llu", op,
				 flags, c.p.n, d, (unsigned long long)sd);
			bad += (uint32_t)vcase_compare(&c, what);
			runs++;
			vcase_free(&c);
		}
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
	CU_ASSERT(runs == VCASE_SWEEP_SIZES * VC_DIST_COUNT);
}

static void test_copy(void)
{
	sweep(FLLM_VECTOR_OP_COPY, 0, 1);
}

static void test_quant(void)
{
	sweep(FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT, 2);
}

static void test_dequant(void)
{
	sweep(FLLM_VECTOR_OP_DEQUANT, 0, 3);
}

static void test_rmsnorm(void)
{
	sweep(FLLM_VECTOR_OP_RMSNORM, 0, 4);
}

static void test_rmsnorm_quant(void)
{
	sweep(FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, 5);
}

static void test_rope(void)
{
	sweep(FLLM_VECTOR_OP_ROPE, 0, 6);
}

static void test_silu_mul(void)
{
	sweep(FLLM_VECTOR_OP_SILU_MUL, 0, 7);
}

static void test_silu_mul_quant(void)
{
	sweep(FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT, 8);
}

static void test_add(void)
{
	sweep(FLLM_VECTOR_OP_ADD, 0, 9);
}

/* The largest row: n = 65536 with values near FLT_MAX (sum of squares at its bound). */
static void test_largest_row(void)
{
	struct vcase c;

	CU_ASSERT_FATAL(vcase_make(&c, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT,
				   FLLM_VECTOR_N_MAX, 1, 256, 0, VC_NORMAL, 0, 77) == 0);
	for (uint32_t i = 0; i < FLLM_VECTOR_N_MAX; i++) {
		uint32_t bits = 0x7f7fffffu | (i & 1u) << 31;	/* +-FLT_MAX */

		memcpy(c.mem + c.p.in_addr + 4ull * i, &bits, 4);
	}
	FLLM_ASSERT_EQ_U64(vcase_compare(&c, "n 65536 of +-FLT_MAX"), 0);
	vcase_free(&c);
}

static CU_TestInfo tests[] = {
	{ "COPY: kernel == reference", test_copy },
	{ "COPY + F_QUANT (quantize)", test_quant },
	{ "DEQUANT", test_dequant },
	{ "RMSNORM", test_rmsnorm },
	{ "RMSNORM + F_QUANT", test_rmsnorm_quant },
	{ "ROPE", test_rope },
	{ "SILU_MUL", test_silu_mul },
	{ "SILU_MUL + F_QUANT", test_silu_mul_quant },
	{ "ADD", test_add },
	{ "largest row at FLT_MAX", test_largest_row },
	CU_TEST_INFO_NULL,
};

int vt_register_diff(void)
{
	return fllm_test_add_suite("vector: kernel vs reference", NULL, NULL, tests);
}
