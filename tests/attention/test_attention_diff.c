/*
 * The golden model against the reference, bit for bit on whole card
 * images: APPEND, DECODE with several sequences at different positions,
 * causal PREFILL chunks, APPEND followed by DECODE, GQA ratios 1-8, head
 * dims 8-256, every block size, contexts from 1 to 65536 (the last at the
 * extremes of the bounds of docs/numerics.md A.6).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_case.h"
#include "attn_ref.h"
#include "attn_tests.h"
#include "test_main.h"

static const uint32_t dims[] = { 8, 64, 128, 256 };
static const uint32_t ratios[] = { 1, 2, 4, 8 };
static const uint32_t ctxs[] = { 1, 15, 16, 17, 100, 1000 };

/* A shape for case i: head dim, GQA ratio, kv heads 1-2, a block size. */
static struct acase_shape shape_of(uint32_t i, uint64_t *rng)
{
	struct acase_shape sh;

	sh.head_dim = dims[i % 4];
	sh.n_kv_heads = 1 + (uint32_t)(fllm_rng_next(rng) % 2);
	sh.n_heads = sh.n_kv_heads * ratios[(i / 4) % 4];
	sh.block_tokens = 16u << (fllm_rng_next(rng) % 5);
	return sh;
}

/* The random inputs of one case besides its shape. */
struct draw {
	uint32_t ns, pos[3], n[3];
	enum acase_fill fill;
	double sigma;
	uint64_t seed;
};

/*
 * Build the case (op, with F_QUANT records of group g unless g is 0),
 * compare kernel and reference, print the case on a difference. Returns
 * 1 for a difference.
 */
static uint32_t check_one(const struct acase_shape *sh, uint32_t op, uint32_t g,
			  const struct draw *dr)
{
	static const char *const names[] = { "", "APPEND", "DECODE", "PREFILL" };
	struct acase c;
	char what[160];
	int len, bad;

	CU_ASSERT_FATAL(acase_make(&c, op, sh, dr->ns, dr->pos, dr->n, dr->fill, dr->sigma,
				   dr->seed) == 0);
	if (g)
		CU_ASSERT_FATAL(acase_set_op_quant(&c, op, g) == 0);
	len = snprintf(what, sizeof(what), "%s g %u d %u heads %u kv %u block %u, pos+n:",
		       names[op], g, sh->head_dim, sh->n_heads, sh->n_kv_heads, sh->block_tokens);
	for (uint32_t s = 0; s < dr->ns && len > 0 && len < 140; s++)
		len += snprintf(what + len, sizeof(what) - (size_t)len, " %u+%u", dr->pos[s],
				dr->n[s]);
	bad = acase_compare(&c, what) != 0;
	acase_free(&c);
	return (uint32_t)bad;
}

/* APPEND of 1-3 sequences, raw and quantized pools, odd head dims too. */
static void test_append(void)
{
	uint64_t rng = 11;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 24; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		struct draw dr = { 1 + (uint32_t)(fllm_rng_next(&rng) % 3), { 0 }, { 0 },
				   i % 2 ? AC_RAW : AC_NORMAL, 1.0 + (double)(i % 5), 100 + i };

		if (i % 3 == 2)
			sh.head_dim = 8 * (1 + (uint32_t)(fllm_rng_next(&rng) % 32));
		for (uint32_t s = 0; s < dr.ns; s++) {
			dr.pos[s] = (uint32_t)(fllm_rng_next(&rng) % 300);
			dr.n[s] = 1 + (uint32_t)(fllm_rng_next(&rng) % 40);
		}
		bad += check_one(&sh, FLLM_ATTN_OP_APPEND, 0, &dr);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* DECODE: 3 sequences at contexts from the list, every dim and GQA ratio. */
static void test_decode(void)
{
	uint64_t rng = 22;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 16; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		struct draw dr = { 3, { 0 }, { 1, 1, 1 }, (enum acase_fill)(i % AC_FILL_COUNT), 1.0,
				   200 + i };

		for (uint32_t s = 0; s < 3; s++)
			dr.pos[s] = ctxs[(i + 2 * s) % 6] - 1;
		bad += check_one(&sh, FLLM_ATTN_OP_DECODE, 0, &dr);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* PREFILL: chunks of 1-40 tokens at positions 0-120, causal. */
static void test_prefill(void)
{
	uint64_t rng = 33;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 16; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		struct draw dr = { 1, { (uint32_t)(fllm_rng_next(&rng) % 121) * (i % 4 != 0) },
				   { 1 + (uint32_t)(fllm_rng_next(&rng) % 40) },
				   (enum acase_fill)(i % AC_FILL_COUNT), 1.0, 300 + i };

		if (sh.head_dim == 256)
			dr.n[0] = 1 + dr.n[0] % 8;
		bad += check_one(&sh, FLLM_ATTN_OP_PREFILL, 0, &dr);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* APPEND of the new tokens, then DECODE or PREFILL over them, both against the reference. */
static void test_append_then_attend(void)
{
	uint64_t rng = 44;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 8; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		uint32_t op = i % 2 ? FLLM_ATTN_OP_DECODE : FLLM_ATTN_OP_PREFILL;
		uint32_t ns = op == FLLM_ATTN_OP_DECODE ? 4 : 1, pos[4], n[4];
		struct acase c;

		for (uint32_t s = 0; s < ns; s++) {
			pos[s] = (uint32_t)(fllm_rng_next(&rng) % 70);
			n[s] = op == FLLM_ATTN_OP_DECODE ? 1 : 1 + (uint32_t)(fllm_rng_next(&rng) % 20);
		}
		CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_APPEND, &sh, ns, pos, n, AC_NORMAL, 2.0,
					   400 + i) == 0);
		bad += acase_compare(&c, "APPEND before attending") != 0;
		CU_ASSERT_FATAL(acase_set_op(&c, op) == 0);
		bad += acase_compare(&c, "attending after APPEND") != 0;
		acase_free(&c);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* F_QUANT: DECODE and PREFILL writing activation records of every group size. */
static void test_quant(void)
{
	uint64_t rng = 55;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 16; i++) {
		struct acase_shape sh = shape_of(i, &rng);
		uint32_t op = i % 2 ? FLLM_ATTN_OP_DECODE : FLLM_ATTN_OP_PREFILL;
		struct draw dr = { op == FLLM_ATTN_OP_DECODE ? 3 : 1, { 0 }, { 0 },
				   (enum acase_fill)(i % AC_FILL_COUNT), 1.0, 800 + i };

		for (uint32_t s = 0; s < dr.ns; s++) {
			dr.pos[s] = (uint32_t)(fllm_rng_next(&rng) % 200);
			dr.n[s] = op == FLLM_ATTN_OP_DECODE ? 1 : 1 + (uint32_t)(fllm_rng_next(&rng) % 12);
		}
		bad += check_one(&sh, op, 16u << (i % 5), &dr);
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/* One sequence at context 4096, Llama-like head dim 128, GQA 4. */
static void test_long_context(void)
{
	struct acase_shape sh = { 128, 4, 1, 64 };
	uint32_t pos = 4095, n = 1;
	struct acase c;

	CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_DECODE, &sh, 1, &pos, &n, AC_NORMAL, 1.0,
				   500) == 0);
	FLLM_ASSERT_EQ_U64(acase_compare(&c, "DECODE ctx 4096"), 0);
	acase_free(&c);
}

/*
 * Context 65536 at the bounds: every key 0 (all logits equal, every weight
 * 2^22), every value -128 with mantissa 65535, so S = 2^38 and |N| is
 * 65536 * 2^22 * 65535 * 128, just below 2^61; then random data.
 */
static void test_context_65536(void)
{
	struct acase_shape sh = { 8, 1, 1, 256 };
	uint32_t pos = 65535, n = 1, idx, b = sh.block_tokens, d = sh.head_dim;
	struct acase c;

	CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_DECODE, &sh, 1, &pos, &n, AC_NORMAL, 1.0,
				   600) == 0);
	FLLM_ASSERT_EQ_U64(acase_compare(&c, "DECODE ctx 65536 random"), 0);
	for (uint32_t t = 0; t <= pos; t++) {
		uint64_t blk;
		uint16_t m = 65535;
		int16_t e = 0;

		memcpy(&idx, c.mem + c.seq[0].table_addr + 4ull * (t / b), 4);
		blk = c.p.kv_base + (uint64_t)idx * c.p.block_bytes;
		memset(c.mem + blk + fllm_attention_k_offset(1, b, d, 0, t % b), 0, d);
		memset(c.mem + blk + fllm_attention_v_offset(1, b, d, 0, t % b), 0x80, d);
		memcpy(c.mem + blk + fllm_attention_vs_offset(1, b, d, 0, t % b), &m, 2);
		memcpy(c.mem + blk + fllm_attention_vs_offset(1, b, d, 0, t % b) + 2, &e, 2);
	}
	aref_peak_s = aref_peak_n = 0;
	FLLM_ASSERT_EQ_U64(acase_compare(&c, "DECODE ctx 65536 at the bounds"), 0);
	printf("\n  ctx 65536 peaks: S = 2^%.3f, |N| = 2^%.3f (bounds 2^39, 2^62) ",
	       log2((double)aref_peak_s), log2((double)aref_peak_n));
	FLLM_ASSERT_EQ_U64(aref_peak_s, (uint64_t)1 << 38);
	FLLM_ASSERT_EQ_U64(aref_peak_n < ((unsigned __int128)1 << 61), 1);
	FLLM_ASSERT_EQ_U64(aref_peak_n, 65536ull * (1ull << 22) * 65535 * 128);
	acase_free(&c);
}

/*
 * A PREFILL chunk equals DECODE of each of its tokens alone: token i of a
 * chunk at pos sees exactly keys 0..pos+i (causal masking).
 */
static void test_prefill_is_decodes(void)
{
	struct acase_shape sh = { 64, 8, 2, 32 };
	uint32_t pos = 37, n = 21, bad = 0;
	uint64_t nf, row_bytes = 4ull * sh.n_heads * sh.head_dim;
	struct acase c;
	uint8_t *chunk = malloc(row_bytes * n);

	CU_ASSERT_FATAL(chunk != NULL);
	CU_ASSERT_FATAL(acase_make(&c, FLLM_ATTN_OP_PREFILL, &sh, 1, &pos, &n, AC_NORMAL, 1.5,
				   700) == 0);
	FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), &nf),
			   FLLM_CARD_OK);
	for (uint32_t i = 0; i < n; i++)
		memcpy(chunk + i * row_bytes, c.mem + c.out + (c.seq[0].row + i) * c.out_stride,
		       row_bytes);
	c.p.op = FLLM_ATTN_OP_DECODE;
	for (uint32_t i = 0; i < n; i++) {
		struct fllm_attention_seq one = c.seq[0];
		uint64_t out = c.out + (c.seq[0].row + i) * c.out_stride;

		one.pos = pos + i;
		one.n_tokens = 1;
		one.row = c.seq[0].row + i;
		memcpy(c.mem + c.p.seq_addr, &one, sizeof(one));
		acase_store_params(&c);
		memset(c.mem + out, 0, row_bytes);
		FLLM_ASSERT_STATUS(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p),
							   &nf), FLLM_CARD_OK);
		bad += memcmp(c.mem + out, chunk + i * row_bytes, row_bytes) != 0;
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
	free(chunk);
	acase_free(&c);
}

static CU_TestInfo tests[] = {
	{ "APPEND: kernel == reference", test_append },
	{ "DECODE: 3 sequences, GQA 1-8, dims 8-256", test_decode },
	{ "PREFILL: causal chunks", test_prefill },
	{ "APPEND then DECODE / PREFILL", test_append_then_attend },
	{ "PREFILL chunk == DECODE of each token", test_prefill_is_decodes },
	{ "F_QUANT: activation records", test_quant },
	{ "context 4096", test_long_context },
	{ "context 65536 at the bounds", test_context_65536 },
	CU_TEST_INFO_NULL,
};

int at_register_diff(void)
{
	return fllm_test_add_suite("attention: kernel vs reference", NULL, NULL, tests);
}
