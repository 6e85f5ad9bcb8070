/*
 * Parameter-block validation: each test starts from a valid command, breaks
 * one field, and expects its error code with card memory left untouched.
 */
#include "lutgemm_tests.h"

#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "lutgemm_case.h"
#include "test_main.h"

static const struct lg_shape valid_shape = { 10, 172, 32, 3, 1, 2, 3 };

/* Apply one change to a valid command and check the unit's answer. */
static void expect(void (*breakit)(struct lg_case *c, uint64_t *addr, uint64_t *bytes),
		   enum fllm_card_err want)
{
	struct lg_case c;
	uint64_t addr = 0, bytes = sizeof(c.p);
	uint8_t *before;

	CU_ASSERT_FATAL(lg_case_init(&c, &valid_shape, 31337) == 0);
	breakit(&c, &addr, &bytes);
	lg_case_store_params(&c);
	if (addr) {	/* the block moved: copy it there */
		CU_ASSERT_FATAL(addr <= c.mem_bytes);
		if (addr + sizeof(c.p) <= c.mem_bytes)
			memcpy(c.mem + addr, &c.p, sizeof(c.p));
	}
	before = malloc(c.mem_bytes);
	CU_ASSERT_FATAL(before != NULL);
	memcpy(before, c.mem, c.mem_bytes);
	FLLM_ASSERT_STATUS(fllm_hls_lutgemm_unit(c.mem, c.mem_bytes, addr, bytes), want);
	if (want != FLLM_CARD_OK)
		CU_ASSERT(memcmp(before, c.mem, c.mem_bytes) == 0);
	free(before);
	lg_case_free(&c);
}

#define BREAK(name, stmt)                                                                 \
	static void brk_##name(struct lg_case *c, uint64_t *addr, uint64_t *bytes)        \
	{                                                                                 \
		(void)c;                                                                  \
		(void)addr;                                                               \
		(void)bytes;                                                              \
		stmt;                                                                     \
	}

BREAK(none, )
BREAK(bytes_short, *bytes = sizeof(c->p) - 1)
BREAK(bytes_long, *bytes = sizeof(c->p) + 64)
BREAK(addr_misaligned, *addr = 32)
BREAK(addr_outside, *addr = c->mem_bytes / 64 * 64)
BREAK(magic, c->p.magic ^= 1)
BREAK(version, c->p.version = 2)
BREAK(flags, c->p.flags |= 2)
BREAK(reserved0, c->p.reserved0 = 1)
BREAK(reserved, c->p.reserved[7] = 1)
BREAK(unused_slice, c->p.slice_addr[3] = 64)
BREAK(m_zero, c->p.m = 0)
BREAK(m_big, c->p.m = FLLM_LUTGEMM_M_MAX + 1)
BREAK(k_zero, c->p.k = 0)
BREAK(k_big, c->p.k = FLLM_LUTGEMM_K_MAX + 1)
BREAK(g_8, c->p.group = 8)
BREAK(g_48, c->p.group = 48)
BREAK(g_512, c->p.group = 512)
BREAK(q_zero, c->p.planes = 0)
BREAK(q_9, c->p.planes = 9)
BREAK(n_zero, c->p.n_tokens = 0)
BREAK(n_33, c->p.n_tokens = 33)
BREAK(slices_zero, c->p.slices = 0)
BREAK(slices_33, c->p.slices = 33)
BREAK(slices_above_m, c->p.m = 2)
BREAK(row_bytes, c->p.row_bytes += 64)
BREAK(act_misaligned, c->p.act_addr += 8)
BREAK(out_misaligned, c->p.out_addr += 4)
BREAK(act_stride_misaligned, c->p.act_stride += 8)
BREAK(out_stride_misaligned, c->p.out_stride += 4)
BREAK(slice_misaligned, c->p.slice_addr[2] += 16)
BREAK(act_stride_small, c->p.act_stride = fllm_lutgemm_act_bytes(c->p.k, c->p.group) - 64)
BREAK(out_stride_small, c->p.out_stride = 0)
BREAK(act_outside, c->p.act_addr = c->mem_bytes / 64 * 64)
BREAK(out_outside, c->p.out_addr = c->mem_bytes / 64 * 64 - 64)
BREAK(slice_outside, c->p.slice_addr[1] = c->mem_bytes / 64 * 64 - 64)
BREAK(act_stride_huge, c->p.act_stride = 1ull << 63)
BREAK(out_addr_wraps, c->p.out_addr = ~63ull)
BREAK(out_on_slice, c->p.out_addr = c->p.slice_addr[1])
BREAK(out_on_act, c->p.out_addr = c->p.act_addr + 64)
BREAK(out_on_params, c->p.out_addr = 0)

static void test_valid(void) { expect(brk_none, FLLM_CARD_OK); }

static void test_block(void)
{
	expect(brk_bytes_short, FLLM_CARD_ERR_SIZE);
	expect(brk_bytes_long, FLLM_CARD_ERR_SIZE);
	expect(brk_addr_misaligned, FLLM_CARD_ERR_ALIGN);
	expect(brk_addr_outside, FLLM_CARD_ERR_ADDR);
	expect(brk_magic, FLLM_CARD_ERR_PARAM);
	expect(brk_version, FLLM_CARD_ERR_PARAM);
}

static void test_reserved(void)
{
	expect(brk_flags, FLLM_CARD_ERR_FLAGS);
	expect(brk_reserved0, FLLM_CARD_ERR_FLAGS);
	expect(brk_reserved, FLLM_CARD_ERR_FLAGS);
	expect(brk_unused_slice, FLLM_CARD_ERR_FLAGS);
}

static void test_shape(void)
{
	expect(brk_m_zero, FLLM_CARD_ERR_PARAM);
	expect(brk_m_big, FLLM_CARD_ERR_PARAM);
	expect(brk_k_zero, FLLM_CARD_ERR_PARAM);
	expect(brk_k_big, FLLM_CARD_ERR_PARAM);
	expect(brk_g_8, FLLM_CARD_ERR_PARAM);
	expect(brk_g_48, FLLM_CARD_ERR_PARAM);
	expect(brk_g_512, FLLM_CARD_ERR_PARAM);
	expect(brk_q_zero, FLLM_CARD_ERR_PARAM);
	expect(brk_q_9, FLLM_CARD_ERR_PARAM);
	expect(brk_n_zero, FLLM_CARD_ERR_PARAM);
	expect(brk_n_33, FLLM_CARD_ERR_PARAM);
	expect(brk_slices_zero, FLLM_CARD_ERR_PARAM);
	expect(brk_slices_33, FLLM_CARD_ERR_PARAM);
	expect(brk_slices_above_m, FLLM_CARD_ERR_PARAM);
	expect(brk_row_bytes, FLLM_CARD_ERR_PARAM);
}

static void test_memory(void)
{
	expect(brk_act_misaligned, FLLM_CARD_ERR_ALIGN);
	expect(brk_out_misaligned, FLLM_CARD_ERR_ALIGN);
	expect(brk_act_stride_misaligned, FLLM_CARD_ERR_ALIGN);
	expect(brk_out_stride_misaligned, FLLM_CARD_ERR_ALIGN);
	expect(brk_slice_misaligned, FLLM_CARD_ERR_ALIGN);
	expect(brk_act_stride_small, FLLM_CARD_ERR_SIZE);
	expect(brk_out_stride_small, FLLM_CARD_ERR_SIZE);
	expect(brk_act_outside, FLLM_CARD_ERR_ADDR);
	expect(brk_out_outside, FLLM_CARD_ERR_ADDR);
	expect(brk_slice_outside, FLLM_CARD_ERR_ADDR);
	expect(brk_act_stride_huge, FLLM_CARD_ERR_ADDR);
	expect(brk_out_addr_wraps, FLLM_CARD_ERR_ADDR);
	expect(brk_out_on_slice, FLLM_CARD_ERR_PARAM);
	expect(brk_out_on_act, FLLM_CARD_ERR_PARAM);
	expect(brk_out_on_params, FLLM_CARD_ERR_PARAM);
}

/* fllm_lutgemm_params_init on a valid shape, then one bad argument at a time. */
static void test_params_init(void)
{
	static const struct {
		uint32_t m, k, g, q, flags, n, slices;
		enum fllm_card_err want;
	} bad[] = {
		{ 0, 172, 32, 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 0, 32, 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, FLLM_LUTGEMM_K_MAX + 1, 32, 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 48, 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 0, 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 65536 + 32, 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 9, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 256 + 3, 1, 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 3, 2, 2, 1, FLLM_CARD_ERR_FLAGS },
		{ 10, 172, 32, 3, 256 + 1, 2, 1, FLLM_CARD_ERR_FLAGS },
		{ 10, 172, 32, 3, 1, 0, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 3, 1, 33, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 3, 1, 65536 + 2, 1, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 3, 1, 2, 11, FLLM_CARD_ERR_PARAM },
		{ 10, 172, 32, 3, 1, 2, 0, FLLM_CARD_ERR_PARAM },
	};
	struct fllm_lutgemm_params p, keep;

	FLLM_ASSERT_STATUS(fllm_lutgemm_params_init(&p, 10, 172, 32, 3, FLLM_LUTGEMM_F_OFFSET, 2,
						    3), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(p.magic, FLLM_LUTGEMM_MAGIC);
	FLLM_ASSERT_EQ_U64(p.version, FLLM_LUTGEMM_VERSION);
	FLLM_ASSERT_EQ_U64(p.m, 10);
	FLLM_ASSERT_EQ_U64(p.k, 172);
	FLLM_ASSERT_EQ_U64(p.group, 32);
	FLLM_ASSERT_EQ_U64(p.planes, 3);
	FLLM_ASSERT_EQ_U64(p.flags, FLLM_LUTGEMM_F_OFFSET);
	FLLM_ASSERT_EQ_U64(p.n_tokens, 2);
	FLLM_ASSERT_EQ_U64(p.slices, 3);
	/* 6 groups: header 4 + 6 * 10 = 64, planes 6 * 3 * 4 = 72 -> 64 + 128 */
	FLLM_ASSERT_EQ_U64(p.row_bytes, 192);
	FLLM_ASSERT_EQ_U64(p.act_stride, 64 + 192);	/* msx 8 + 12 -> 64, xq 192 */
	FLLM_ASSERT_EQ_U64(p.out_stride, 64);		/* 40 bytes -> 64 */
	FLLM_ASSERT_EQ_U64(p.act_addr | p.out_addr | p.slice_addr[0] | p.reserved0, 0);
	/* addresses set, the block passes the unit's check */
	p.act_addr = 4096;
	p.out_addr = 8192;
	for (uint32_t s = 0; s < 3; s++)
		p.slice_addr[s] = 16384 + 4096 * s;
	FLLM_ASSERT_STATUS(fllm_lutgemm_params_check(&p, 1 << 20), FLLM_CARD_OK);
	keep = p;
	for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FLLM_ASSERT_STATUS(fllm_lutgemm_params_init(&p, bad[i].m, bad[i].k, bad[i].g,
							    bad[i].q, bad[i].flags, bad[i].n,
							    bad[i].slices), bad[i].want);
		CU_ASSERT(memcmp(&p, &keep, sizeof(p)) == 0);
	}
}

CU_TestInfo lutgemm_param_tests[] = {
	{ "fllm_lutgemm_params_init", test_params_init },
	{ "valid block runs", test_valid },
	{ "block size, alignment, magic, version", test_block },
	{ "reserved fields and flags", test_reserved },
	{ "shape fields", test_shape },
	{ "addresses, strides, ranges, overlap", test_memory },
	CU_TEST_INFO_NULL,
};
