/*
 * Hand-derived cases of the attention unit's arithmetic steps
 * (docs/numerics.md "Attention unit"), for both the golden model's step
 * functions and the reference's, plus the host's softmax-constant encoder.
 */
#include <math.h>
#include <string.h>

#include "attn_ref.h"
#include "attn_tests.h"
#include "fllm_cardpack.h"
#include "ref_fp32.h"
#include "test_main.h"

/* A.2: the worked example: 1.0 and -0.5 in a row whose largest is 1.0. */
static void test_quant(void)
{
	float x[8] = { 1.0f, -0.5f, 0.0f, -0.0f, 1e-30f, -1.0f, 0.25f, 0.5f };
	uint32_t bits[8];
	int8_t q[8], rq[8];
	struct fllm_attention_qrow s;
	uint16_t rm;
	int32_t re;

	memcpy(bits, x, sizeof(x));
	fllm_attention_quant(bits, 8, q, &s);
	aref_quant(x, 8, rq, &rm, &re);
	FLLM_ASSERT_EQ_U64(s.e, 22);
	FLLM_ASSERT_EQ_U64(s.m, 33027);	/* ceil(2^23 / 254) */
	FLLM_ASSERT_EQ_U64((uint8_t)q[0], 127);
	FLLM_ASSERT_EQ_U64((uint8_t)q[1], (uint8_t)-63);	/* (2^24 + D) / 2D, D = 4 * 33027 */
	FLLM_ASSERT_EQ_U64(q[4], 0);
	FLLM_ASSERT_EQ_U64((uint8_t)q[5], (uint8_t)-127);
	FLLM_ASSERT_EQ_U64(rm, s.m);
	FLLM_ASSERT_EQ_U64(re, s.e);
	CU_ASSERT(memcmp(q, rq, 8) == 0);
	memset(bits, 0, sizeof(bits));
	fllm_attention_quant(bits, 8, q, &s);
	FLLM_ASSERT_EQ_U64(s.m, 0);
	FLLM_ASSERT_EQ_U64(s.e, 0);
}

/* A.4: weights at 0, -1/2, -1, -23, -24 (log2 units) and far below. */
static void test_weight(void)
{
	const int64_t one = (int64_t)1 << 24;
	const int64_t u[] = { 0, -one / 2, -one, -23 * one, -24 * one, -((int64_t)1 << 56), -1 };
	const uint32_t w[] = { 1u << 22, 2965821, 1u << 21, 1, 0, 0, 1u << 22 };

	for (uint32_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		FLLM_ASSERT_EQ_U64(fllm_attention_weight(u[i]), w[i]);
		FLLM_ASSERT_EQ_U64(aref_weight(u[i]), w[i]);
	}
	/* every fraction of one unit agrees with the reference */
	for (int64_t x = -2 * one; x <= 0; x += 997)
		if (fllm_attention_weight(x) != aref_weight(x))
			FLLM_ASSERT_EQ_U64(fllm_attention_weight(x), aref_weight(x));
}

/* A.3: rounding ties toward +inf, saturation of left shifts, far right shifts. */
static void test_logit(void)
{
	const int64_t zmax = (int64_t)1 << 54;

	FLLM_ASSERT_EQ_U64(fllm_attention_logit(3, 1, 1, 1), 2);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(-3, 1, 1, 1), (uint64_t)-1);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(1, 1, 1, -53), (uint64_t)1 << 53);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(3, 1, 1, -53), zmax);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(-1, 1, 1, -1000), (uint64_t)-zmax);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(1 << 22, 65535, 1 << 24, 62), 1);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(1 << 22, 65535, 1 << 24, 63), 0);
	FLLM_ASSERT_EQ_U64(fllm_attention_logit(1 << 22, 65535, 1 << 24, 0), zmax);
	FLLM_ASSERT_EQ_U64(fllm_attention_zceil(1), 1);
	FLLM_ASSERT_EQ_U64(fllm_attention_zceil(0), 0);
	FLLM_ASSERT_EQ_U64(fllm_attention_zceil(-(1 << 24)), (uint64_t)-1);
	FLLM_ASSERT_EQ_U64(fllm_attention_zceil(-(1 << 24) + 1), 0);
}

/* A.3: msq * scale_m cut to 24 bits. */
static void test_qfactor(void)
{
	uint64_t qm;
	int32_t qr;

	fllm_attention_qfactor(65535, 0xffffffffu, &qm, &qr);
	FLLM_ASSERT_EQ_U64(qr, 24);
	FLLM_ASSERT_EQ_U64(qm, 16776960);	/* (2^48 - 2^32 - 2^16 + 1 + 2^23) >> 24 */
	fllm_attention_qfactor(1, 0x80000000u, &qm, &qr);
	FLLM_ASSERT_EQ_U64(qr, 8);
	FLLM_ASSERT_EQ_U64(qm, 1u << 23);
	fllm_attention_qfactor(0, 0x80000000u, &qm, &qr);
	FLLM_ASSERT_EQ_U64(qm, 0);
	FLLM_ASSERT_EQ_U64(qr, 0);
}

/* A.5: one key of weight 2^22 and value 1 * 2^22: output 2.0 at S = 2^21. */
static void test_output(void)
{
	uint64_t r;
	int32_t sr;
	float y;
	uint32_t bits;

	fllm_attention_recip(1u << 21, &r, &sr);
	FLLM_ASSERT_EQ_U64(r, 1ull << 32);
	FLLM_ASSERT_EQ_U64(sr, (uint64_t)-9);
	FLLM_ASSERT_EQ_U64(fllm_attention_out(1 << 22, r, sr, 0), 0x40000000u);
	FLLM_ASSERT_EQ_U64(fllm_attention_out(-(1 << 22), r, sr, -1), 0xbf800000u);
	FLLM_ASSERT_EQ_U64(fllm_attention_out(0, r, sr, 5), 0);
	fllm_attention_recip(3, &r, &sr);	/* below the bound, still defined */
	fllm_attention_recip((1ull << 39) - 1, &r, &sr);
	FLLM_ASSERT_EQ_U64(r, (1ull << 31) + 1);
	FLLM_ASSERT_EQ_U64(sr, 8);
	y = ref_to_f32((1 << 24) + 1, 0);
	memcpy(&bits, &y, 4);
	FLLM_ASSERT_EQ_U64(bits, 0x4b800000u);
	y = ref_to_f32(1, 127);
	memcpy(&bits, &y, 4);
	FLLM_ASSERT_EQ_U64(bits, 0);
	y = ref_to_f32((1 << 25) - 1, -103);
	memcpy(&bits, &y, 4);
	FLLM_ASSERT_EQ_U64(bits, 0x7f7fffffu);
}

/* The host's softmax constant: log2(e) / sqrt(d) and an explicit scale. */
static void test_scale_encode(void)
{
	const uint32_t d[] = { 8, 64, 128, 256 };
	const uint32_t m[] = { 0x8293edecu, 0xb8aa3b29u, 0x8293edecu, 0xb8aa3b29u };
	const int32_t e[] = { 32, 34, 34, 35 };
	uint32_t cm;
	int32_t ce;

	for (uint32_t i = 0; i < 4; i++) {
		FLLM_ASSERT_STATUS(fllm_attention_scale_encode(d[i], 0.0, &cm, &ce), FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(cm, m[i]);
		FLLM_ASSERT_EQ_U64(ce, e[i]);
	}
	FLLM_ASSERT_STATUS(fllm_attention_scale_encode(8, 1.0 / M_LOG2E, &cm, &ce), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cm, 0x80000000u);
	FLLM_ASSERT_EQ_U64(ce, 31);
	FLLM_ASSERT_STATUS(fllm_attention_scale_encode(8, -1.0, &cm, &ce), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_attention_scale_encode(8, NAN, &cm, &ce), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_attention_scale_encode(8, 1e30, &cm, &ce), FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_STATUS(fllm_attention_scale_encode(8, 1e-12, &cm, &ce), FLLM_CARD_ERR_PARAM);
}

/* The cycle model's worked example: Llama-2-7B decode at context 4096 (A.11). */
static void test_cycles(void)
{
	struct fllm_attention_params p;
	struct fllm_attention_seq s = { 4095, 1, 0, 256, 0, 0 };
	uint8_t mem[64];

	memcpy(mem, &s, sizeof(s));
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, FLLM_ATTN_OP_DECODE, 0, 0, 128, 32, 32,
						      16, 1, 1, 256), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(fllm_attention_cycles(&p, mem), 256 + 540672 + 32 * (48 + 8));
	FLLM_ASSERT_STATUS(fllm_attention_params_init(&p, FLLM_ATTN_OP_APPEND, 0, 0, 8, 8, 4, 16,
						      1, 1, 1), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(fllm_attention_cycles(&p, mem), 256 + 4 * (2 * 1 + 2));
}

static CU_TestInfo tests[] = {
	{ "A.2 head-row quantizer", test_quant },
	{ "A.4 softmax weight", test_weight },
	{ "A.3 logit", test_logit },
	{ "A.3 query factor", test_qfactor },
	{ "A.5 reciprocal and output", test_output },
	{ "softmax constant encoder", test_scale_encode },
	{ "cycle model", test_cycles },
	CU_TEST_INFO_NULL,
};

int at_register_steps(void)
{
	return fllm_test_add_suite("attention: arithmetic steps", NULL, NULL, tests);
}
