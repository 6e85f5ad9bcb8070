/*
 * The whole path from fp32: BCQ weights packed by fllm_lutgemm_pack(),
 * activations quantized by fllm_lutgemm_act_quantize(), run on the unit.
 * The result approximates the fp32 GEMV of the dequantized weights, and
 * matches the real value of the card-form operands within the rounding the
 * doc allows. Also sanity checks of the cycle model.
 */
#include "lutgemm_tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "lutgemm_case.h"
#include "test_main.h"

#define SM 48
#define SK 172
#define SG 32
#define SQ 4
#define SN 3
#define SGROUPS ((SK + SG - 1) / SG)

static int16_t rd16(const uint8_t *b)
{
	return (int16_t)(uint16_t)(b[0] | b[1] << 8);
}

/* Real value of y[n][r] from the card-form operands, in long double. */
static long double exact_from_card(const struct lg_case *c, uint32_t r, uint32_t n,
				   const uint8_t *bits /* (m, q, k) */, long double *unit)
{
	const uint8_t *rec = c->mem + lg_case_row(c, r);
	const uint8_t *act = c->mem + lg_case_act(c, n);
	uint32_t xo = fllm_lutgemm_act_xq_offset(SK, SG);
	int32_t ex;
	long double y = 0;

	memcpy(&ex, act, 4);
	*unit = ldexpl(1.0L, -(rd16(rec) + ex));
	for (uint32_t grp = 0; grp < SGROUPS; grp++) {
		const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(SQ, grp);
		long double scale = ldexpl((uint16_t)rd16(act + 8 + 2 * grp), -ex) *
				    ldexpl(1.0L, -(rd16(rec) + se[0]));

		for (uint32_t k = grp * SG; k < SK && k < (grp + 1) * SG; k++) {
			long double w = rd16(se + 2);

			for (uint32_t i = 0; i < SQ; i++)
				w += rd16(se + 4 + 2 * i) *
				     (bits[((uint64_t)r * SQ + i) * SK + k] ? 1 : -1);
			y += scale * w * (int8_t)act[xo + k];
		}
	}
	return y;
}

static void test_fp32_path(void)
{
	static const struct lg_shape s = { SM, SK, SG, SQ, 1, SN, 3 };
	static float alpha[SM][SGROUPS][SQ], z[SM][SGROUPS], x[SN][SK];
	static uint8_t bits[SM * SQ * SK];	/* (m, q, k) */
	uint16_t msx[SGROUPS];
	int8_t xq[SGROUPS * SG];
	uint8_t *slice[3];
	double num = 0, den = 0;
	struct lg_case c;
	uint64_t rng = 2024;
	int32_t ex;

	CU_ASSERT_FATAL(lg_case_init(&c, &s, 55) == 0);
	for (uint32_t r = 0; r < SM; r++) {
		double sr = 0.01 + test_rng_unit(&rng);

		for (uint32_t grp = 0; grp < SGROUPS; grp++) {
			for (uint32_t i = 0; i < SQ; i++)
				alpha[r][grp][i] = (float)(sr * ldexp(0.75 + 0.5 * test_rng_unit(&rng),
								     -(int)i));
			z[r][grp] = (float)(sr * (test_rng_unit(&rng) - 0.5));
		}
	}
	for (uint32_t i = 0; i < SM * SQ * SK; i++)
		bits[i] = fllm_rng_next(&rng) & 1;
	for (uint32_t n = 0; n < SN; n++)
		for (uint32_t k = 0; k < SK; k++)
			x[n][k] = (float)(2 * test_rng_unit(&rng) - 1);
	for (uint32_t i = 0; i < 3; i++)
		slice[i] = c.mem + c.p.slice_addr[i];
	FLLM_ASSERT_STATUS(fllm_lutgemm_pack(SM, SK, SG, SQ, &alpha[0][0][0], &z[0][0], bits, 3,
					     slice), FLLM_CARD_OK);
	for (uint32_t n = 0; n < SN; n++) {
		FLLM_ASSERT_STATUS(fllm_lutgemm_act_quantize(SK, SG, x[n], &ex, msx, xq),
				   FLLM_CARD_OK);
		fllm_lutgemm_act_write(c.mem + lg_case_act(&c, n), SK, SG, ex, msx, xq);
	}
	FLLM_ASSERT_STATUS(fllm_hls_lutgemm_unit(c.mem, c.mem_bytes, 0, sizeof(c.p)),
			   FLLM_CARD_OK);
	for (uint32_t n = 0; n < SN; n++) {
		for (uint32_t r = 0; r < SM; r++) {
			double want = 0;
			long double exact, unit;
			float got;

			for (uint32_t k = 0; k < SK; k++) {
				double w = z[r][k / SG];

				for (uint32_t i = 0; i < SQ; i++)
					w += alpha[r][k / SG][i] *
					     (bits[((uint64_t)r * SQ + i) * SK + k] ? 1 : -1);
				want += w * x[n][k];
			}
			memcpy(&got, c.mem + c.p.out_addr + n * c.p.out_stride + 4 * r, 4);
			num += (got - want) * (got - want);
			den += want * want;
			/* card form: only the per-group shifts and the final rounding */
			exact = exact_from_card(&c, r, n, bits, &unit);
			if (fabsl(got - exact) > SGROUPS * unit / 2 +
						 fabsl(exact) * 0x1p-23L) {
				fprintf(stderr, "  y[%u][%u] = %.9g, card-form value %.12Lg\n",
					n, r, (double)got, exact);
				CU_FAIL("beyond the rounding the doc allows");
			}
		}
	}
	fprintf(stderr, "  relative error vs fp32 GEMV: %.3g\n", sqrt(num / den));
	CU_ASSERT(sqrt(num / den) < 2e-2);
	lg_case_free(&c);
}

/* A memory-bound shape costs its slowest slice's bursts plus fixed parts. */
static void test_cycles(void)
{
	struct fllm_lutgemm_params p = {
		.m = 4096, .k = 4096, .group = 128, .planes = 4, .n_tokens = 1, .slices = 32,
	};
	uint64_t one, many, per_slice;

	p.row_bytes = fllm_lutgemm_row_bytes(p.k, p.group, p.planes);
	FLLM_ASSERT_EQ_U64(p.row_bytes, 2496);	/* 448 header + 2048 planes */
	per_slice = 128ull * 2496 / 64;
	many = fllm_lutgemm_cycles(&p);
	FLLM_ASSERT_EQ_U64(fllm_lutgemm_act_bytes(p.k, p.group), 4224);	/* 128 + 4096 */
	FLLM_ASSERT_EQ_U64(many, FLLM_LUTGEMM_OVERHEAD_CYCLES + 4224 / 64 + per_slice +
			   4096 * 4 / 64);
	p.slices = 1;
	one = fllm_lutgemm_cycles(&p);
	CU_ASSERT(one > 20 * (many - FLLM_LUTGEMM_OVERHEAD_CYCLES));
	p.slices = 32;
	p.n_tokens = 32;
	CU_ASSERT(fllm_lutgemm_cycles(&p) > many);
}

CU_TestInfo lutgemm_sanity_tests[] = {
	{ "fp32 BCQ -> card -> fp32 GEMV", test_fp32_path },
	{ "cycle model", test_cycles },
	CU_TEST_INFO_NULL,
};
