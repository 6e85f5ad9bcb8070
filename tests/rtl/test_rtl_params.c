/*
 * Parameter-block validation of the RTL unit (docs/numerics.md 6.1): each
 * case starts from a valid block and breaks one thing; the unit must give
 * the expected code, the same as the golden model, and write nothing.
 */
#include <inttypes.h>
#include <stdio.h>

#include "rtl_diff.h"
#include "rtl_tests.h"
#include "test_main.h"

/* Shape of every case: 3 slices, 2 tokens, offsets. */
static const struct lg_shape base_shape = { 20, 300, 32, 3, 1, 2, 3 };

enum brk {
	B_BYTES, B_ALIGN_BLOCK, B_ADDR_BLOCK, B_MAGIC, B_VERSION, B_FLAGS, B_RES0, B_RES,
	B_M0, B_MBIG, B_K0, B_KBIG, B_G, B_Q0, B_Q9, B_N0, B_N33, B_S0, B_S33, B_SM,
	B_UNUSED, B_ROWB, B_ACT_ALIGN, B_OUTS_ALIGN, B_SLICE_ALIGN, B_ACTS_SMALL,
	B_OUTS_SMALL, B_ACT_ADDR, B_SLICE_ADDR, B_STRIDE_HUGE, B_OUT_ACT, B_OUT_SLICE,
	B_OUT_BLOCK, B_COUNT
};

static const struct {
	const char *what;
	uint16_t want;
} cases[B_COUNT] = {
	[B_BYTES] = { "params_bytes 383", FLLM_CARD_ERR_SIZE },
	[B_ALIGN_BLOCK] = { "block at an odd address", FLLM_CARD_ERR_ALIGN },
	[B_ADDR_BLOCK] = { "block past card memory", FLLM_CARD_ERR_ADDR },
	[B_MAGIC] = { "magic", FLLM_CARD_ERR_PARAM },
	[B_VERSION] = { "version 2", FLLM_CARD_ERR_PARAM },
	[B_FLAGS] = { "unknown flag", FLLM_CARD_ERR_FLAGS },
	[B_RES0] = { "reserved0", FLLM_CARD_ERR_FLAGS },
	[B_RES] = { "reserved[5]", FLLM_CARD_ERR_FLAGS },
	[B_M0] = { "m = 0", FLLM_CARD_ERR_PARAM },
	[B_MBIG] = { "m = 2^24 + 1", FLLM_CARD_ERR_PARAM },
	[B_K0] = { "k = 0", FLLM_CARD_ERR_PARAM },
	[B_KBIG] = { "k = 65537", FLLM_CARD_ERR_PARAM },
	[B_G] = { "group 48", FLLM_CARD_ERR_PARAM },
	[B_Q0] = { "planes 0", FLLM_CARD_ERR_PARAM },
	[B_Q9] = { "planes 9", FLLM_CARD_ERR_PARAM },
	[B_N0] = { "n_tokens 0", FLLM_CARD_ERR_PARAM },
	[B_N33] = { "n_tokens 33", FLLM_CARD_ERR_PARAM },
	[B_S0] = { "slices 0", FLLM_CARD_ERR_PARAM },
	[B_S33] = { "slices 33", FLLM_CARD_ERR_PARAM },
	[B_SM] = { "slices > m", FLLM_CARD_ERR_PARAM },
	[B_UNUSED] = { "unused slice_addr set", FLLM_CARD_ERR_FLAGS },
	[B_ROWB] = { "row_bytes off by 64", FLLM_CARD_ERR_PARAM },
	[B_ACT_ALIGN] = { "act_addr + 32", FLLM_CARD_ERR_ALIGN },
	[B_OUTS_ALIGN] = { "out_stride + 4", FLLM_CARD_ERR_ALIGN },
	[B_SLICE_ALIGN] = { "slice_addr[1] + 16", FLLM_CARD_ERR_ALIGN },
	[B_ACTS_SMALL] = { "act_stride below act_bytes", FLLM_CARD_ERR_SIZE },
	[B_OUTS_SMALL] = { "out_stride below 4 m", FLLM_CARD_ERR_SIZE },
	[B_ACT_ADDR] = { "activations past memory", FLLM_CARD_ERR_ADDR },
	[B_SLICE_ADDR] = { "slice 2 past memory", FLLM_CARD_ERR_ADDR },
	[B_STRIDE_HUGE] = { "act_stride above memory", FLLM_CARD_ERR_ADDR },
	[B_OUT_ACT] = { "outputs over the activations", FLLM_CARD_ERR_PARAM },
	[B_OUT_SLICE] = { "outputs over slice 1", FLLM_CARD_ERR_PARAM },
	[B_OUT_BLOCK] = { "outputs over the parameter block", FLLM_CARD_ERR_PARAM },
};

/* Break one thing of c's block; returns the block's address and size to use. */
static void brk_apply(struct lg_case *c, enum brk b, uint64_t *params, uint64_t *bytes)
{
	struct fllm_lutgemm_params *p = &c->p;
	uint64_t top = c->mem_bytes - (c->mem_bytes % 64);

	*params = 0;
	*bytes = sizeof(*p);
	switch (b) {
	case B_BYTES: *bytes = 383; break;
	case B_ALIGN_BLOCK: *params = 8; break;
	case B_ADDR_BLOCK: *params = top; break;
	case B_MAGIC: p->magic ^= 1; break;
	case B_VERSION: p->version = 2; break;
	case B_FLAGS: p->flags |= 2; break;
	case B_RES0: p->reserved0 = 1; break;
	case B_RES: p->reserved[5] = 1ull << 40; break;
	case B_M0: p->m = 0; break;
	case B_MBIG: p->m = (1u << 24) + 1; break;
	case B_K0: p->k = 0; break;
	case B_KBIG: p->k = 65537; break;
	case B_G: p->group = 48; break;
	case B_Q0: p->planes = 0; break;
	case B_Q9: p->planes = 9; break;
	case B_N0: p->n_tokens = 0; break;
	case B_N33: p->n_tokens = 33; break;
	case B_S0: p->slices = 0; break;
	case B_S33: p->slices = 33; break;
	case B_SM: p->m = 2; break;
	case B_UNUSED: p->slice_addr[7] = 64; break;
	case B_ROWB: p->row_bytes += 64; break;
	case B_ACT_ALIGN: p->act_addr += 32; break;
	case B_OUTS_ALIGN: p->out_stride += 4; break;
	case B_SLICE_ALIGN: p->slice_addr[1] += 16; break;
	case B_ACTS_SMALL: p->act_stride = fllm_lutgemm_act_bytes(p->k, p->group) - 64; break;
	case B_OUTS_SMALL: p->out_stride = 0; break;
	case B_ACT_ADDR: p->act_addr = top - 64; break;
	case B_SLICE_ADDR: p->slice_addr[2] = top - 64; break;
	case B_STRIDE_HUGE: p->act_stride = top + 64; break;
	case B_OUT_ACT: p->out_addr = p->act_addr; break;
	case B_OUT_SLICE: p->out_addr = p->slice_addr[1]; break;
	case B_OUT_BLOCK: p->out_addr = 64; p->out_stride = fllm_lutgemm_align(4ull * p->m);
		p->n_tokens = 1; break;
	case B_COUNT: break;
	}
	lg_case_store_params(c);
}

/* Every case: expected code, golden model's code, nothing written. */
static void test_params_each(void)
{
	for (int b = 0; b < B_COUNT; b++) {
		struct lg_case c;
		uint64_t rng = 11, params, bytes;
		uint16_t st = 0;

		CU_ASSERT_FATAL(lg_case_init(&c, &base_shape, 500 + b) == 0);
		lg_case_randomize(&c, &rng);
		brk_apply(&c, (enum brk)b, &params, &bytes);
		CU_ASSERT(rtl_diff_at(&c, params, bytes, cases[b].what, &st, NULL) == 0);
		if (st != cases[b].want)
			fprintf(stderr, "  %s: unit %u, expected %u\n", cases[b].what, st,
				cases[b].want);
		FLLM_ASSERT_EQ_U64(st, cases[b].want);
		lg_case_free(&c);
	}
}

/* The valid block the cases start from is accepted (so each case breaks one thing). */
static void test_params_valid(void)
{
	struct lg_case c;
	uint64_t rng = 11;
	uint16_t st = 1;

	CU_ASSERT_FATAL(lg_case_init(&c, &base_shape, 499) == 0);
	lg_case_randomize(&c, &rng);
	CU_ASSERT(rtl_diff(&c, "valid", &st, NULL) == 0);
	FLLM_ASSERT_EQ_U64(st, FLLM_CARD_OK);
	lg_case_free(&c);
}

CU_TestInfo rtl_param_tests[] = {
	{ "the starting block is valid", test_params_valid },
	{ "each broken field: code, same as golden, nothing written", test_params_each },
	CU_TEST_INFO_NULL,
};
