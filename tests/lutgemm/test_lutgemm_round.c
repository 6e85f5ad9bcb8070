/*
 * The rounding steps of docs/numerics.md on hand-derived cases: the shift
 * with rounding, the final fp32 conversion (ties, carry, flush, saturation),
 * the weight-scale encoder and the activation quantizer. Each conversion
 * case is checked in the kernel's helper and in the reference.
 */
#include "lutgemm_tests.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"
#include "lutgemm_ref.h"
#include "test_main.h"

static uint32_t f32_bits(float f)
{
	uint32_t b;

	memcpy(&b, &f, 4);
	return b;
}

static void test_rshift_round(void)
{
	static const struct {
		int64_t p;
		uint32_t s;
		int64_t want;
	} cases[] = {
		{ 5, 1, 3 },		/* 2.5 -> 3: ties toward +inf */
		{ -5, 1, -2 },		/* -2.5 -> -2 */
		{ 1, 1, 1 },		/* 0.5 -> 1 */
		{ -1, 1, 0 },		/* -0.5 -> 0 */
		{ 6, 2, 2 },		/* 1.5 -> 2 */
		{ -6, 2, -1 },		/* -1.5 -> -1 */
		{ 7, 2, 2 },		/* 1.75 -> 2 */
		{ -7, 2, -2 },		/* -1.75 -> -2 */
		{ -9, 2, -2 },		/* -2.25 -> -2 */
		{ 123456789, 0, 123456789 },
		{ -123456789, 0, -123456789 },
		{ (int64_t)1 << 50, 62, 0 },
		{ -((int64_t)1 << 50), 62, 0 },
		{ (int64_t)3 << 40, 41, 2 },	/* 1.5 -> 2 */
		{ -((int64_t)3 << 40), 41, -1 },	/* -1.5 -> -1 */
	};

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t p = cases[i].p;

		FLLM_ASSERT_EQ_U64(fllm_lutgemm_rshift_round(p, cases[i].s), cases[i].want);
		FLLM_ASSERT_EQ_U64(ref_rshift_round(p, cases[i].s), cases[i].want);
	}
}

static void test_to_f32(void)
{
	static const struct {
		int64_t acc;
		int64_t shift;
		uint32_t want;
	} cases[] = {
		{ 0, 0, 0x00000000 },
		{ 0, -500, 0x00000000 },
		{ 1, 0, 0x3f800000 },
		{ -1, 0, 0xbf800000 },
		{ 3, 1, 0x3fc00000 },			/* 1.5 */
		{ (1 << 24) + 1, 0, 0x4b800000 },	/* tie, even below */
		{ (1 << 24) + 3, 0, 0x4b800002 },	/* tie, even above */
		{ -((1 << 24) + 1), 0, 0xcb800000 },
		{ (1 << 25) + 3, 0, 0x4c000001 },	/* 3/4 ulp: up */
		{ (1 << 25) + 1, 0, 0x4c000000 },	/* 1/4 ulp: down */
		{ (1 << 25) - 1, 0, 0x4c000000 },	/* tie carries to 2^25 */
		{ INT64_MAX, 0, 0x5f000000 },		/* 2^63 */
		{ INT64_MIN, 0, 0xdf000000 },
		{ 1, 126, 0x00800000 },			/* FLT_MIN */
		{ -1, 126, 0x00000000 + 0x80800000 },
		{ 1, 127, 0x00000000 },			/* below FLT_MIN: +0 */
		{ -1, 127, 0x00000000 },		/* flushed negatives are +0 too */
		{ (1 << 24) - 1, 150, 0x00000000 },	/* exact, just below FLT_MIN */
		{ (1 << 25) - 1, 151, 0x00800000 },	/* rounds up to FLT_MIN first */
		{ (1 << 24) - 1, -104, 0x7f7fffff },	/* FLT_MAX exactly */
		{ (1 << 25) - 1, -103, 0x7f7fffff },	/* rounds to 2^128: saturate */
		{ 1, -127, 0x7f000000 },		/* 2^127 */
		{ 1, -128, 0x7f7fffff },
		{ -1, -200, 0xff7fffff },
		{ 1, (int64_t)1 << 40, 0x00000000 },
		{ -1, -((int64_t)1 << 40), 0xff7fffff },
		{ 12345, 3, 0x44c0e400 },		/* 1543.125 */
	};

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FLLM_ASSERT_EQ_U64(f32_bits(fllm_lutgemm_to_f32(cases[i].acc, cases[i].shift)),
				   cases[i].want);
		FLLM_ASSERT_EQ_U64(f32_bits(ref_to_f32(cases[i].acc, cases[i].shift)),
				   cases[i].want);
	}
}

/* The helper and the reference agree on many random values and shifts. */
static void test_to_f32_random(void)
{
	uint64_t z = 12345;

	for (uint32_t i = 0; i < 200000; i++) {
		int64_t acc, shift;

		z = z * 6364136223846793005ull + 1442695040888963407ull;
		acc = (int64_t)z >> (z % 64);
		shift = (int64_t)(z >> 40) % 260 - 130;
		if (f32_bits(fllm_lutgemm_to_f32(acc, shift)) !=
		    f32_bits(ref_to_f32(acc, shift))) {
			FLLM_ASSERT_EQ_U64(f32_bits(fllm_lutgemm_to_f32(acc, shift)),
					   f32_bits(ref_to_f32(acc, shift)));
			break;
		}
	}
}

/* One group of q = 2 alphas (plus z) -> expected E_r, d, zq, a. */
static void check_scales(uint32_t groups, const float *alpha, const float *z, int16_t want_e,
			 const uint8_t *want_d, const int16_t *want_zq, const int16_t *want_a)
{
	int16_t e, zq[4], a[8];
	uint8_t d[4];

	FLLM_ASSERT_STATUS(fllm_lutgemm_scales_encode(groups, 2, alpha, z, &e, d, zq, a),
			   FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(e, want_e);
	for (uint32_t grp = 0; grp < groups; grp++) {
		FLLM_ASSERT_EQ_U64(d[grp], want_d[grp]);
		FLLM_ASSERT_EQ_U64(zq[grp], want_zq[grp]);
		FLLM_ASSERT_EQ_U64(a[2 * grp], want_a[2 * grp]);
		FLLM_ASSERT_EQ_U64(a[2 * grp + 1], want_a[2 * grp + 1]);
	}
}

static void test_scales_encode(void)
{
	/* 1.0 -> exponent 14, mantissa 16384; 2.5 * 2^-14 -> 2.5 -> 3 (away) */
	check_scales(1, (const float[]){ 1.0f, -2.5f / 16384 }, NULL, 14, (const uint8_t[]){ 0 },
		     (const int16_t[]){ 0 }, (const int16_t[]){ 16384, -3 });
	/* 32767.496 stays at exponent 0; 32767.5 would round to 32768: exponent -1 */
	check_scales(1, (const float[]){ 32767.49609375f, 1.5f }, NULL, 0,
		     (const uint8_t[]){ 0 }, (const int16_t[]){ 0 },
		     (const int16_t[]){ 32767, 2 });
	check_scales(1, (const float[]){ 32767.5f, 1.5f }, NULL, -1, (const uint8_t[]){ 0 },
		     (const int16_t[]){ 0 }, (const int16_t[]){ 16384, 1 });
	/* group 1 is 2^-10 of group 0: d = 10; group 2 is zero; group 3 is clamped at 62 */
	check_scales(4, (const float[]){ 1.0f, 0.5f, 0x1p-10f, -0x1p-11f, 0, 0, 0x3p-70f, 0 },
		     NULL, 14, (const uint8_t[]){ 0, 10, 0, 62 }, (const int16_t[]){ 0, 0, 0, 0 },
		     (const int16_t[]){ 16384, 8192, 16384, -8192, 0, 0, 192, 0 });
	/* offsets take part in the exponent */
	check_scales(1, (const float[]){ 0.25f, 0.125f }, (const float[]){ -0.5f }, 15,
		     (const uint8_t[]){ 0 }, (const int16_t[]){ -16384 },
		     (const int16_t[]){ 8192, 4096 });
	/* all zero: E_r = 0 */
	check_scales(2, (const float[]){ 0, 0, 0, -0.0f }, (const float[]){ 0, 0 }, 0,
		     (const uint8_t[]){ 0, 0 }, (const int16_t[]){ 0, 0 },
		     (const int16_t[]){ 0, 0, 0, 0 });
	/* the ends of the fp32 range: E_r = 163 and -114 */
	check_scales(1, (const float[]){ 0x1p-149f, 0 }, NULL, 163, (const uint8_t[]){ 0 },
		     (const int16_t[]){ 0 }, (const int16_t[]){ 16384, 0 });
	check_scales(1, (const float[]){ FLT_MAX, -FLT_MAX }, NULL, -114, (const uint8_t[]){ 0 },
		     (const int16_t[]){ 0 }, (const int16_t[]){ 16384, -16384 });
}

static void test_scales_reject(void)
{
	float alpha[2] = { 1.0f, NAN }, z = INFINITY;
	int16_t e = 7, zq = 7, a[2] = { 7, 7 };
	uint8_t d = 7;

	FLLM_ASSERT_STATUS(fllm_lutgemm_scales_encode(1, 2, alpha, NULL, &e, &d, &zq, a),
			   FLLM_CARD_ERR_PARAM);
	alpha[1] = 2.0f;
	FLLM_ASSERT_STATUS(fllm_lutgemm_scales_encode(1, 2, alpha, &z, &e, &d, &zq, a),
			   FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_EQ_U64(e, 7);	/* nothing written */
	FLLM_ASSERT_EQ_U64(d, 7);
	FLLM_ASSERT_EQ_U64(a[0], 7);
}

static void test_act_quantize(void)
{
	float x[20] = { 127.0f, -1.0f, 0.5f, 1.5f, -2.5f, 126.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0x1p-10f, -0x1p-30f, 0, 0 };
	uint16_t msx[2];
	int8_t xq[32];
	int32_t ex;

	memset(xq, 0x55, sizeof(xq));
	FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(20, 16, x, &ex, msx, xq), FLLM_CARD_OK);
	/* 127 = (127 << 17) * 2^-17, significand above 16645890: ex = -2 + 17 */
	FLLM_ASSERT_EQ_U64(ex, 15);
	FLLM_ASSERT_EQ_U64(msx[0], 32768);	/* ceil(127 * 2^15 / 127) */
	FLLM_ASSERT_EQ_U64(xq[0], 127);
	FLLM_ASSERT_EQ_U64(xq[1], (uint64_t)-1);
	FLLM_ASSERT_EQ_U64(xq[2], 1);		/* 0.5 -> 1 (away) */
	FLLM_ASSERT_EQ_U64(xq[3], 2);		/* 1.5 -> 2 */
	FLLM_ASSERT_EQ_U64(xq[4], (uint64_t)-3);	/* -2.5 -> -3 */
	FLLM_ASSERT_EQ_U64(xq[5], 127);		/* 126.5 -> 127 */
	/* group 1: msx = ceil(2^-10 * 2^15 / 127) = 1; xq = round(32 / 1) */
	FLLM_ASSERT_EQ_U64(msx[1], 1);
	FLLM_ASSERT_EQ_U64(xq[16], 32);
	FLLM_ASSERT_EQ_U64(xq[17], 0);		/* 2^-15 of a step */
	for (uint32_t k = 18; k < 32; k++)
		FLLM_ASSERT_EQ_U64(xq[k], 0);	/* padding */

	/* 1.0: ex = -1 + 23, msx = ceil(2^22 / 127) = 33027, xq = round(126.996) */
	x[0] = 1.0f;
	memset(x + 1, 0, sizeof(x) - sizeof(x[0]));
	x[16] = 0x1p-10f;
	FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(20, 16, x, &ex, msx, xq), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(ex, 22);
	FLLM_ASSERT_EQ_U64(msx[0], 33027);
	FLLM_ASSERT_EQ_U64(xq[0], 127);
	FLLM_ASSERT_EQ_U64(msx[1], 33);		/* ceil(4096 / 127) */
	FLLM_ASSERT_EQ_U64(xq[16], 124);	/* round(4096 / 33) */

	/* all zero */
	memset(x, 0, sizeof(x));
	FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(20, 16, x, &ex, msx, xq), FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(ex, 0);
	FLLM_ASSERT_EQ_U64(msx[0], 0);
	FLLM_ASSERT_EQ_U64(msx[1], 0);

	/* non-finite input: rejected, nothing written */
	x[3] = -INFINITY;
	ex = 99;
	FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(20, 16, x, &ex, msx, xq),
			   FLLM_CARD_ERR_PARAM);
	FLLM_ASSERT_EQ_U64(ex, 99);
}

/* Quantized activations reconstruct x within half a step, and never clip. */
static void test_act_quantize_random(void)
{
	static float x[1000];
	static int8_t xq[1024];
	uint16_t msx[64];
	int32_t ex;
	uint64_t z = 99;

	for (uint32_t i = 0; i < 1000; i++) {
		z = z * 6364136223846793005ull + 1442695040888963407ull;
		x[i] = ldexpf((float)((int64_t)(z >> 11) - (1ll << 52)) / 0x1p52f,
			      (int)(z % 24) - 12);
	}
	FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(1000, 16, x, &ex, msx, xq), FLLM_CARD_OK);
	for (uint32_t i = 0; i < 1000; i++) {
		double step = ldexp(msx[i / 16], -ex);
		double err = fabs((double)x[i] - xq[i] * step);

		CU_ASSERT(xq[i] >= -127 && xq[i] <= 127);
		if (err > step / 2) {
			FLLM_ASSERT_EQ_U64(i, ~0ull);
			break;
		}
	}
}

CU_TestInfo lutgemm_round_tests[] = {
	{ "rshift_round hand cases", test_rshift_round },
	{ "to_f32 ties, carry, flush, saturation", test_to_f32 },
	{ "to_f32 helper == reference, random", test_to_f32_random },
	{ "weight scales to card form", test_scales_encode },
	{ "weight scales reject non-finite", test_scales_reject },
	{ "activation quantizer hand cases", test_act_quantize },
	{ "activation quantizer half-step error", test_act_quantize_random },
	CU_TEST_INFO_NULL,
};
