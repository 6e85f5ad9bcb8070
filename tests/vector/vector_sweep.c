/* The vector unit's differential sweeps (see vector_sweep.h). */
#include "vector_sweep.h"

#include <stdio.h>
#include <string.h>

#include "test_main.h"

static vsweep_compare_fn g_compare;
static uint64_t g_seed_shift;

void vsweep_use(vsweep_compare_fn compare, uint64_t seed_shift)
{
	g_compare = compare;
	g_seed_shift = seed_shift;
}

/* Run op with flags at every size and distribution; count the mismatching cases. */
static void sweep(uint32_t op, uint32_t flags, uint64_t seed)
{
	uint32_t bad = 0, runs = 0;

	CU_ASSERT_FATAL(g_compare != NULL);
	seed += 10 * g_seed_shift;
	for (uint32_t s = 0; s < VCASE_SWEEP_SIZES; s++) {
		for (uint32_t d = 0; d < VC_DIST_COUNT; d++) {
			struct vcase c;
			uint64_t sd;

			if (vcase_sweep_make(&c, op, flags, seed, s, d, &sd)) {
				printf("\n  op %u size %u: the builder made an invalid block\n", op, s);
				bad++;
				continue;
			}
			bad += (uint32_t)g_compare(&c, NULL, (int)d, sd);
			runs++;
			vcase_free(&c);
		}
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
	CU_ASSERT(runs == VCASE_SWEEP_SIZES * VC_DIST_COUNT);
}

/* One test function per sweep. */
#define SWEEP_TEST(name, op, flags, seed)	\
	static void name(void)			\
	{					\
		sweep(op, flags, seed);		\
	}

SWEEP_TEST(test_copy, FLLM_VECTOR_OP_COPY, 0, 1)
SWEEP_TEST(test_quant, FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT, 2)
SWEEP_TEST(test_dequant, FLLM_VECTOR_OP_DEQUANT, 0, 3)
SWEEP_TEST(test_rmsnorm, FLLM_VECTOR_OP_RMSNORM, 0, 4)
SWEEP_TEST(test_rmsnorm_quant, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, 5)
SWEEP_TEST(test_rope, FLLM_VECTOR_OP_ROPE, 0, 6)
SWEEP_TEST(test_silu_mul, FLLM_VECTOR_OP_SILU_MUL, 0, 7)
SWEEP_TEST(test_silu_mul_quant, FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT, 8)
SWEEP_TEST(test_add, FLLM_VECTOR_OP_ADD, 0, 9)

/* The largest row: n = 65536 of +-FLT_MAX (sum of squares at its bound, on-chip buffers full). */
static void test_largest_row(void)
{
	struct vcase c;

	CU_ASSERT_FATAL(g_compare != NULL);
	CU_ASSERT_FATAL(vcase_make(&c, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT,
				   FLLM_VECTOR_N_MAX, 1, 256, 0, VC_NORMAL, 0, 77) == 0);
	for (uint32_t i = 0; i < FLLM_VECTOR_N_MAX; i++) {
		uint32_t bits = 0x7f7fffffu | (i & 1u) << 31;	/* +-FLT_MAX */

		memcpy(c.mem + c.p.in_addr + 4ull * i, &bits, 4);
	}
	FLLM_ASSERT_EQ_U64(g_compare(&c, "n 65536 of +-FLT_MAX", VC_NORMAL, 77), 0);
	vcase_free(&c);
}

CU_TestInfo vsweep_tests[] = {
	{ "COPY", test_copy },
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
