/*
 * Parameter-block validation (docs/numerics.md "Attention unit:
 * validation"): each case starts from a valid command, breaks one field of
 * the block, a descriptor or a table, and expects the unit's code with card
 * memory left untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_bad.h"
#include "attn_case.h"
#include "attn_tests.h"
#include "fllm_cardpack.h"
#include "test_main.h"

/* Each broken command is rejected with its code, and memory is unchanged. */
static void test_each_field(void)
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < abad_count; i++) {
		const struct abad *b = &abad_cases[i];
		struct acase c;
		uint8_t *before;
		uint64_t nf = 7;
		enum fllm_card_err err;

		CU_ASSERT_FATAL(abad_make(&c, b->op) == 0);
		FLLM_ASSERT_STATUS(fllm_attention_params_check(&c.p, c.mem, c.mem_bytes, c.p_addr),
				   FLLM_CARD_OK);
		abad_apply(&c, b);
		before = malloc(c.mem_bytes);
		CU_ASSERT_FATAL(before != NULL);
		memcpy(before, c.mem, c.mem_bytes);
		err = fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), &nf);
		if (err != b->err || memcmp(before, c.mem, c.mem_bytes) || nf != 7) {
			printf("\n  %s: got %d want %d%s\n", b->what, err, b->err,
			       memcmp(before, c.mem, c.mem_bytes) ? ", memory changed" : "");
			bad++;
		}
		free(before);
		acase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* The valid commands run, and the block's own size, alignment and placement. */
static void test_block_placement(void)
{
	struct acase c;
	uint64_t nf;
	uint64_t sz = sizeof(struct fllm_attention_params);

	for (uint32_t op = FLLM_ATTN_OP_APPEND; op <= FLLM_ATTN_OP_COUNT; op++) {
		CU_ASSERT_FATAL(abad_make(&c, op == FLLM_ATTN_OP_COUNT ? ABAD_DECODE_QUANT : op) == 0);
		FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sz, &nf),
				   FLLM_CARD_OK);
		acase_free(&c);
	}
	CU_ASSERT_FATAL(abad_make(&c, FLLM_ATTN_OP_DECODE) == 0);
	FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sz - 64, &nf),
			   FLLM_CARD_ERR_SIZE);
	FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sz + 64, &nf),
			   FLLM_CARD_ERR_SIZE);
	FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr + 8, sz, &nf),
			   FLLM_CARD_ERR_ALIGN);
	FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.mem_bytes - 128, sz,
						   &nf), FLLM_CARD_ERR_ADDR);
	acase_free(&c);
}

/* The host's block builder: shapes outside the rules are refused, *p left alone. */
static void test_params_init(void)
{
	const uint32_t DEC = FLLM_ATTN_OP_DECODE;
	struct fllm_attention_params p, q;

	memset(&p, 0xa5, sizeof(p));
	q = p;
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, DEC, 0, 0, 12, 4, 2, 16, 1, 1, 1),
			   FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, DEC, 0, 0, 8, 3, 2, 16, 1, 1, 1),
			   FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, 9, 0, 0, 8, 4, 2, 16, 1, 1, 1),
			   FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, DEC, 2, 0, 8, 4, 2, 16, 1, 1, 1),
			   FLLM_CARD_ERR_FLAGS);
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, DEC, 1, 48, 8, 4, 2, 16, 1, 1, 1),
			   FLLM_CARD_ERR_PARAM);
	CU_ASSERT(memcmp(&p, &q, sizeof(p)) == 0);
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, DEC, 1, 64, 8, 4, 2, 16, 1, 1, 1),
			   FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(p.out_stride, 128);	/* record: 64 header + 32 xq -> 128 */
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, FLLM_ATTN_OP_PREFILL, 0, 0, 128, 32, 8,
						      16, 1, 512, 100), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(p.block_bytes, 2 * 8 * 16 * 128 + 8 * 8 * 16);
	FLLM_ASSERT_EQ_U64(p.q_stride, 4 * 32 * 128);
	FLLM_ASSERT_EQ_U64(p.scale_m, 0x8293edecu);
	FLLM_ASSERT_EQ_U64(p.scale_e, 34);
	FLLM_ASSERT_EQ_U64(p.k_stride, 0);
}

/*
 * Random corruptions of a valid command (1-3 random bytes of the block,
 * the descriptors or a table set to random values): the unit either
 * rejects it and leaves memory untouched, or accepts it and then agrees
 * with the reference bit for bit. Run under the sanitizers, this also
 * shows that no accepted command reads or writes outside memory.
 */
static void test_random_corruptions(void)
{
	uint64_t rng = 99;
	uint32_t bad = 0, accepted = 0;

	for (uint32_t i = 0; i < 600; i++) {
		uint32_t op = i % 4 == 3 ? ABAD_DECODE_QUANT : FLLM_ATTN_OP_APPEND + i % 4;
		uint32_t flips = 1 + (uint32_t)(fllm_rng_next(&rng) % 3);
		struct acase c;
		uint8_t *before;
		uint64_t nf = 7;
		enum fllm_card_err err;

		CU_ASSERT_FATAL(abad_make(&c, op) == 0);
		for (uint32_t f = 0; f < flips; f++) {
			uint64_t where = fllm_rng_next(&rng) % 3, at;

			if (where == 0)
				at = c.p_addr + fllm_rng_next(&rng) % sizeof(c.p);
			else if (where == 1)
				at = c.p.seq_addr + fllm_rng_next(&rng) % (32ull * c.n_seqs);
			else
				at = c.seq[0].table_addr + fllm_rng_next(&rng) % (4ull * c.seq[0].table_len);
			c.mem[at] = (uint8_t)(fllm_rng_next(&rng) % 4 == 0 ? 0 : fllm_rng_next(&rng));
		}
		memcpy(&c.p, c.mem + c.p_addr, sizeof(c.p));
		before = malloc(c.mem_bytes);
		CU_ASSERT_FATAL(before != NULL);
		memcpy(before, c.mem, c.mem_bytes);
		err = fllm_attention_params_check(&c.p, c.mem, c.mem_bytes, c.p_addr);
		if (err == FLLM_CARD_OK) {
			accepted++;
			bad += acase_compare(&c, "accepted corruption") != 0;
		} else {
			err = fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), &nf);
			bad += err == FLLM_CARD_OK || memcmp(before, c.mem, c.mem_bytes) || nf != 7;
		}
		free(before);
		acase_free(&c);
	}
	printf("\n  %u of 600 corrupted commands accepted ", accepted);
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static CU_TestInfo tests[] = {
	{ "each broken field: its code, memory untouched", test_each_field },
	{ "block size, alignment, placement", test_block_placement },
	{ "host block builder", test_params_init },
	{ "random corruptions: rejected untouched, or exact", test_random_corruptions },
	CU_TEST_INFO_NULL,
};

int at_register_params(void)
{
	return fllm_test_add_suite("attention: validation", NULL, NULL, tests);
}
