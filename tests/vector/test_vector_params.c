/*
 * Parameter-block validation (docs/numerics.md "Vector unit: validation"):
 * each case starts from a valid block, breaks one field, and expects the
 * unit's code with card memory left untouched.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "test_main.h"
#include "vector_bad.h"
#include "vector_case.h"
#include "vector_tests.h"

#define COPY FLLM_VECTOR_OP_COPY
#define NORM FLLM_VECTOR_OP_RMSNORM
#define ROPE FLLM_VECTOR_OP_ROPE
#define SILU FLLM_VECTOR_OP_SILU_MUL
#define VADD FLLM_VECTOR_OP_ADD
#define Q FLLM_VECTOR_F_QUANT

/* Each broken block is rejected with its code, and memory is unchanged. */
static void test_each_field(void)
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < vbad_count; i++) {
		const struct vbad *b = &vbad_cases[i];
		struct vcase c;
		uint8_t *before;
		uint64_t nf = 7;
		enum fllm_card_err err;

		CU_ASSERT_FATAL(vbad_make(&c, b->op, b->flags) == 0);
		/* the valid block passes */
		FLLM_ASSERT_STATUS(fllm_vector_params_check(&c.p, c.mem_bytes), FLLM_CARD_OK);
		before = vbad_break(&c, b);
		CU_ASSERT_FATAL(before != NULL);
		err = fllm_hls_vector_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), &nf);
		if (err != b->err || memcmp(before, c.mem, c.mem_bytes) || nf != 7) {
			printf("\n  %s: got %d want %d%s\n", b->what, err, b->err,
			       memcmp(before, c.mem, c.mem_bytes) ? ", memory changed" : "");
			bad++;
		}
		vbad_free(&c, before);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* The block's own size, alignment and placement. */
static void test_block_placement(void)
{
	struct vcase c;
	uint64_t nf;

	CU_ASSERT_FATAL(vbad_make(&c, FLLM_VECTOR_OP_COPY, 0) == 0);
	FLLM_ASSERT_STATUS(fllm_hls_vector_unit(c.mem, c.mem_bytes, 0, 127, &nf),
			   FLLM_CARD_ERR_SIZE);
	FLLM_ASSERT_STATUS(fllm_hls_vector_unit(c.mem, c.mem_bytes, 0, 129, &nf),
			   FLLM_CARD_ERR_SIZE);
	FLLM_ASSERT_STATUS(fllm_hls_vector_unit(c.mem, c.mem_bytes, 8, 128, &nf),
			   FLLM_CARD_ERR_ALIGN);
	FLLM_ASSERT_STATUS(fllm_hls_vector_unit(c.mem, c.mem_bytes, c.mem_bytes & ~63ull, 128,
						&nf), FLLM_CARD_ERR_ADDR);
	FLLM_ASSERT_STATUS(fllm_hls_vector_unit(c.mem, c.mem_bytes, ~63ull, 128, &nf),
			   FLLM_CARD_ERR_ADDR);
	FLLM_ASSERT_STATUS(fllm_hls_vector_unit(c.mem, c.mem_bytes, 0, 128, &nf), FLLM_CARD_OK);
	vcase_free(&c);
}

/* In place is allowed where the doc says so: the same region and stride as an fp32 input. */
static void test_in_place_ok(void)
{
	static const uint32_t ops[] = { COPY, NORM, ROPE, SILU, VADD };

	for (uint32_t i = 0; i < 5; i++) {
		struct vcase c;

		CU_ASSERT_FATAL(vcase_make(&c, ops[i], 0, 64, 3, 0, 8, VC_NORMAL, 1, 5 + i) == 0);
		FLLM_ASSERT_EQ_U64(c.p.out_addr, c.p.in_addr);
		FLLM_ASSERT_EQ_U64(vcase_compare(&c, "in place"), 0);
		vcase_free(&c);
	}
}

/* The builder refuses what the unit would refuse. */
static void test_params_init(void)
{
	struct fllm_vector_params p;

	memset(&p, 0x5a, sizeof(p));
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, 0, 0, 64, 1, 0), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, COPY, 4, 64, 1, 0), FLLM_CARD_ERR_FLAGS);
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, COPY, 256, 64, 1, 0), FLLM_CARD_ERR_FLAGS);
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, ROPE, Q, 64, 1, 32), FLLM_CARD_ERR_FLAGS);
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, COPY, Q, 64, 1, 24), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, COPY, 0, 0, 1, 0), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, COPY, 0, 64, 0, 0), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_EQ_U64(p.magic, 0x5a5a5a5a);	/* untouched */
	FLLM_ASSERT_STATUS(fllm_vector_params_init(&p, SILU, Q, 172, 2, 32), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(p.in_stride, 704);		/* 4 * 172 = 688 -> 704 */
	FLLM_ASSERT_EQ_U64(p.in2_stride, 704);
	FLLM_ASSERT_EQ_U64(p.out_stride, fllm_lutgemm_act_bytes(172, 32));
}

static CU_TestInfo tests[] = {
	{ "each bad field has its code, nothing written", test_each_field },
	{ "block size, alignment, placement", test_block_placement },
	{ "in place accepted", test_in_place_ok },
	{ "fllm_vector_params_init", test_params_init },
	CU_TEST_INFO_NULL,
};

int vt_register_params(void)
{
	return fllm_test_add_suite("vector: parameter block", NULL, NULL, tests);
}
