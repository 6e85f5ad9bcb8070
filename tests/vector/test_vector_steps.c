/*
 * Hand-derived cases of the vector unit's arithmetic steps
 * (docs/numerics.md "Vector unit"), each worked through the doc's steps by
 * hand; the expected numbers are in the comments' derivations. Each case
 * runs on the kernel's step and on the reference's.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_main.h"
#include "vector_case.h"
#include "vector_internal.h"
#include "vector_ref.h"
#include "vector_tests.h"

static uint32_t bits_of(float v)
{
	uint32_t b;

	memcpy(&b, &v, 4);
	return b;
}

static struct fllm_vector_f32 split(float v)
{
	struct fllm_vector_f32 s;
	uint64_t nf = 0;

	fllm_vector_f32_split(bits_of(v), &s, &nf);
	return s;
}

/* fp32 fields: normal, subnormal, Inf and NaN (both counted), zero. */
static void test_split(void)
{
	struct fllm_vector_f32 s;
	uint64_t nf = 0;

	fllm_vector_f32_split(0x3f800000u, &s, &nf);	/* 1.0 = 2^23 * 2^-23 */
	FLLM_ASSERT_EQ_U64(s.m, 1u << 23);
	FLLM_ASSERT_EQ_U64(s.f, (uint64_t)-23);
	fllm_vector_f32_split(0x00000001u, &s, &nf);	/* 2^-149 = 2^23 * 2^-172 */
	FLLM_ASSERT_EQ_U64(s.m, 1u << 23);
	FLLM_ASSERT_EQ_U64(s.f, (uint64_t)-172);
	fllm_vector_f32_split(0xff800000u, &s, &nf);	/* -Inf -> -FLT_MAX */
	FLLM_ASSERT_EQ_U64(s.neg, 1);
	FLLM_ASSERT_EQ_U64(s.m, 0xffffffu);
	FLLM_ASSERT_EQ_U64(s.f, 104);
	fllm_vector_f32_split(0xffc00001u, &s, &nf);	/* NaN -> +0 */
	FLLM_ASSERT_EQ_U64(s.neg, 0);
	FLLM_ASSERT_EQ_U64(s.m, 0);
	FLLM_ASSERT_EQ_U64(nf, 2);
	fllm_vector_f32_split(0x80000000u, &s, &nf);	/* -0: m = 0, not counted */
	FLLM_ASSERT_EQ_U64(s.m, 0);
	FLLM_ASSERT_EQ_U64(nf, 2);
}

/* floor(sqrt(u)) at the edges of its range. */
static void test_isqrt(void)
{
	static const struct {
		uint64_t u, want;
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 3, 1 }, { 4, 2 },
		{ 1ull << 62, 1ull << 31 },
		{ (1ull << 62) - 1, (1ull << 31) - 1 },
		{ 1ull << 63, 3037000499ull },			/* 2^31.5 = 3037000499.98 */
		{ ~0ull, 0xffffffffull },			/* (2^32-1)^2 < 2^64 - 1 */
	};

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FLLM_ASSERT_EQ_U64(fllm_vector_isqrt(cases[i].u), cases[i].want);
		FLLM_ASSERT_EQ_U64(vref_isqrt(cases[i].u), cases[i].want);
	}
}

/*
 * RMSNorm scale, r * 2^(-31-E):
 *  x = [1], eps 0: S = 2^46 at 2F = -46; k = 17, A = 2^63 at -63 -> 2^61 at
 *    -61; b = 0, E = 0, U = 2^62, isqrt 2^31, r = 2^31 (rsqrt = 1).
 *  x = [2]: 2F = -44, b = 2, E = 1, U = 2^62, r = 2^31 (rsqrt = 1/2).
 *  x = [2, 0] (n 2): A = 2^62 at -61 -> 2^61 at -60; b = 1 (odd), E = 0,
 *    U = 2^63, isqrt 3037000499, r = 1518500250 (1/sqrt 2).
 *  x = [1], eps 1.0: 2^61 + 2^61 at -61, b = 1, same r and E as [2, 0].
 *  x = [1, 0, 0] (n 3): A = floor(2^63 / 3) = 3074457345618258602 (62 bits)
 *    at -63, b = -2, E = -1, U = 2A, isqrt 2479700524, r = 1859775393
 *    (sqrt 3 = 1859775393 * 2^-30).
 */
static void test_rms_scale(void)
{
	static const struct {
		uint64_t s;
		int32_t f2;
		uint32_t n;
		float eps;
		uint32_t r;
		int32_t e;
	} cases[] = {
		{ 1ull << 46, -46, 1, 0.0f, 1u << 31, 0 },
		{ 1ull << 46, -44, 1, 0.0f, 1u << 31, 1 },
		{ 1ull << 46, -44, 2, 0.0f, 1518500250u, 0 },
		{ 1ull << 46, -46, 1, 1.0f, 1518500250u, 0 },
		{ 1ull << 46, -46, 3, 0.0f, 1859775393u, -1 },
	};

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t r, rr;
		int32_t e, er;

		fllm_vector_rms_scale(cases[i].s, cases[i].f2, cases[i].n, bits_of(cases[i].eps),
				      &r, &e);
		vref_rms_scale(cases[i].s, cases[i].f2, cases[i].n, cases[i].eps, &rr, &er);
		FLLM_ASSERT_EQ_U64(r, cases[i].r);
		FLLM_ASSERT_EQ_U64((int64_t)e, (int64_t)cases[i].e);
		FLLM_ASSERT_EQ_U64(rr, cases[i].r);
		FLLM_ASSERT_EQ_U64((int64_t)er, (int64_t)cases[i].e);
	}
}

/* The table is round_half_away(2^30 * 2^(j/256)), and no exact value is near a tie. */
static void test_exp2_table(void)
{
	uint32_t bad = 0;

	for (uint32_t j = 0; j <= FLLM_VECTOR_EXP2_SEGS; j++) {
		long double v = ldexpl(exp2l((long double)j / 256), 30);
		long double frac = v - floorl(v);
		uint32_t got = fllm_vector_exp2_table[j];

		if (got != (uint32_t)llroundl(v) || fabsl(frac - 0.5L) < 1e-3L) {
			printf("\n  entry %u: table %u exact %.6Lf\n", j, got, v);
			bad++;
		}
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

/*
 * 2^(fr/2^24): fr = 0 -> T[0] = 2^30; fr = 2^23 -> T[128] = 1518500250;
 * fr = 2^15 -> j 0, w 2^15: 2^30 + floor((2911209 * 2^15 + 2^15) / 2^16)
 * = 2^30 + 1455605; fr = 2^24 - 1 -> j 255, w 65535: 2141676973 +
 * floor((5806675 * 65535 + 32768) / 65536) = 2147483559.
 */
static void test_exp2_frac(void)
{
	static const uint32_t cases[][2] = {
		{ 0, 1u << 30 },
		{ 1u << 23, 1518500250u },
		{ 1u << 15, (1u << 30) + 1455605u },
		{ (1u << 24) - 1, 2147483559u },
	};

	for (uint32_t i = 0; i < 4; i++) {
		FLLM_ASSERT_EQ_U64(fllm_vector_exp2_frac(cases[i][0]), cases[i][1]);
		FLLM_ASSERT_EQ_U64(vref_exp2_frac(cases[i][0]), cases[i][1]);
	}
}

/*
 * sigmoid = R * 2^(-32-sh):
 *  g = 0: T = 0, P = 2^30, Dm = 2^31, R = 2^31, sh 0 (exactly 1/2).
 *  g = 100: G clamps to 2^30, T = -1549082005, I = -93, Dm = 2^30 + 0,
 *    R = 2^32, sh 0 (exactly 1).
 *  g = -100: T = 1549082005, I = 92, fr = 5578133, P = 1352032960,
 *    Dm = P, R = floor(2^62 / P) = 3410927214, sh 92.
 *  g = -1: G = 2^24, T = round(1549082005 / 64) = 24204406, I = 1,
 *    fr = 7427190 (j 113, w 21622), P = 1459367608, Dm = P + 2^29 =
 *    1996238520, R = 2310187871, sh 1 (0.26894126 vs 1/(1+e) = 0.26894142).
 */
static void test_sigmoid(void)
{
	static const struct {
		float g;
		uint64_t r;
		uint32_t sh;
	} cases[] = {
		{ 0.0f, 1ull << 31, 0 },
		{ 100.0f, 1ull << 32, 0 },
		{ -100.0f, 3410927214ull, 92 },
		{ -1.0f, 2310187871ull, 1 },
	};

	for (uint32_t i = 0; i < 4; i++) {
		struct fllm_vector_f32 g = split(cases[i].g);
		uint64_t r, rr;
		uint32_t sh, shr;

		fllm_vector_sigmoid(&g, &r, &sh);
		vref_sigmoid(cases[i].g, &rr, &shr);
		FLLM_ASSERT_EQ_U64(r, cases[i].r);
		FLLM_ASSERT_EQ_U64(sh, cases[i].sh);
		FLLM_ASSERT_EQ_U64(rr, cases[i].r);
		FLLM_ASSERT_EQ_U64(shr, cases[i].sh);
	}
}

/*
 * silu(g) * u: silu(-1) * 1: a1 = rshift_round(2^23 * 2310187871, 24) =
 * 1155093936 (tie up), acc = -a1 * 2^23 at shift 8 + 1 + 23 + 23 = 55;
 * 24 bits: 1155093936 / 128 = 9024171.375 -> -9024171 * 2^-25 = 0xbe89b2ab.
 * silu(100) * 2 = 200 exactly (sigmoid 1); silu(0) * 5 = +0.
 */
static void test_silu_mul(void)
{
	static const struct {
		float g, u;
		uint32_t want;
	} cases[] = {
		{ -1.0f, 1.0f, 0xbe89b2abu },
		{ 100.0f, 2.0f, 0x43480000u },
		{ 0.0f, 5.0f, 0 },
		{ -0.0f, -5.0f, 0 },
	};

	for (uint32_t i = 0; i < 4; i++) {
		struct fllm_vector_f32 g = split(cases[i].g), u = split(cases[i].u);

		FLLM_ASSERT_EQ_U64(fllm_vec_silu_mul(&g, &u), cases[i].want);
		FLLM_ASSERT_EQ_U64(bits_of(vref_silu_mul(cases[i].g, cases[i].u)), cases[i].want);
	}
}

/*
 * a + b: ties to even (1 + 2^-24 -> 1; 1 + 3 * 2^-24 -> 1 + 2^-22), b far
 * below a's last place (1 + 2^-60 -> 1), cancellation to +0, overflow
 * saturating, a result below FLT_MIN flushed to +0, -0 + -0 = +0.
 */
static void test_add(void)
{
	static const struct {
		float a, b;
		uint32_t want;
	} cases[] = {
		{ 1.0f, 0x1p-24f, 0x3f800000u },
		{ 1.0f, 0x3p-24f, 0x3f800002u },
		{ 1.0f, 0x1p-60f, 0x3f800000u },
		{ -0x1p-60f, 1.0f, 0x3f800000u },
		{ 1.0f, -1.0f, 0 },
		{ FLT_MAX, FLT_MAX, 0x7f7fffffu },
		{ -FLT_MAX, -0x1p103f, 0xff7fffffu },
		{ 0x1p-126f, -0x1p-127f, 0 },
		{ -0.0f, -0.0f, 0 },
	};

	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fllm_vector_f32 a = split(cases[i].a), b = split(cases[i].b);

		FLLM_ASSERT_EQ_U64(fllm_vec_add(&a, &b), cases[i].want);
		FLLM_ASSERT_EQ_U64(bits_of(vref_add(cases[i].a, cases[i].b)), cases[i].want);
	}
}

/* ADD is IEEE binary32 addition (nearest-even) wherever the sum is normal. */
static void test_add_is_ieee(void)
{
	uint64_t rng = 12345;
	uint32_t bad = 0, checked = 0;

	for (uint32_t i = 0; i < 200000; i++) {
		uint32_t ba = (uint32_t)fllm_rng_next(&rng), bb = (uint32_t)fllm_rng_next(&rng);
		volatile float a, b, s;
		struct fllm_vector_f32 sa, sb;
		uint64_t nf = 0;

		if (i % 2)	/* close exponents: the interesting roundings */
			bb = (bb & 0x807fffffu) | (ba & 0x7f800000u);
		memcpy((float *)&a, &ba, 4);
		memcpy((float *)&b, &bb, 4);
		s = a + b;
		if (!isfinite(a) || !isfinite(b) || !isnormal(s))
			continue;
		fllm_vector_f32_split(ba, &sa, &nf);
		fllm_vector_f32_split(bb, &sb, &nf);
		checked++;
		if (fllm_vec_add(&sa, &sb) != bits_of(s) && bad++ == 0)
			printf("\n  %a + %a: unit 0x%08x C 0x%08x\n", (double)a, (double)b,
			       fllm_vec_add(&sa, &sb), bits_of(s));
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
	CU_ASSERT(checked > 100000);
}

/* RoPE: (c, s) = (1, 0) is the identity, (0, 1) maps (x0, x1) to (-x1, x0); c clamps. */
static void test_rope_pair(void)
{
	static const struct {
		int32_t c, s;
		float x0, x1, y0, y1;
	} cases[] = {
		{ 1 << 30, 0, 1.5f, -3.0f, 1.5f, -3.0f },
		{ 0, 1 << 30, 1.5f, -3.0f, 3.0f, 1.5f },
		{ INT32_MAX, 0, 0x1.fffffep+100f, 0x1p-20f, 0x1.fffffep+100f, 0.0f },
		{ -(1 << 30), 0, 0.0f, 2.0f, 0.0f, -2.0f },
	};

	for (uint32_t i = 0; i < 4; i++) {
		struct fllm_vector_f32 a = split(cases[i].x0), b = split(cases[i].x1);
		uint32_t y0, y1;
		float r0, r1;

		fllm_vec_rope_pair(&a, &b, cases[i].c, cases[i].s, &y0, &y1);
		vref_rope_pair(cases[i].x0, cases[i].x1, cases[i].c, cases[i].s, &r0, &r1);
		FLLM_ASSERT_EQ_U64(y0, bits_of(cases[i].y0));
		FLLM_ASSERT_EQ_U64(y1, bits_of(cases[i].y1));
		FLLM_ASSERT_EQ_U64(bits_of(r0), bits_of(cases[i].y0));
		FLLM_ASSERT_EQ_U64(bits_of(r1), bits_of(cases[i].y1));
	}
}

static CU_TestInfo tests[] = {
	{ "fp32 split and sanitizing", test_split },
	{ "isqrt", test_isqrt },
	{ "RMSNorm scale (rsqrt)", test_rms_scale },
	{ "2^x table", test_exp2_table },
	{ "2^x interpolation", test_exp2_frac },
	{ "sigmoid", test_sigmoid },
	{ "silu * up", test_silu_mul },
	{ "add: rounding, saturation, flush", test_add },
	{ "add == IEEE binary32 add", test_add_is_ieee },
	{ "rope pair", test_rope_pair },
	CU_TEST_INFO_NULL,
};

int vt_register_steps(void)
{
	return fllm_test_add_suite("vector: arithmetic steps", NULL, NULL, tests);
}
