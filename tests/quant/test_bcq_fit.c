/* One group's fit: greedy and uniform starts, ALS refinement, the LS solver. */
#include <math.h>
#include <string.h>

#include "bcq_internal.h"
#include "quant_rng.h"
#include "test_main.h"

/* Exactly 2-level groups come back exact from the greedy start (q = 1). */
static void test_greedy_two_level(void)
{
	float w[32];	/* (32) */
	struct bcq_fit fit;

	for (int k = 0; k < 32; k++)
		w[k] = (k * 7) % 2 ? 0.75f : -1.25f;
	bcq_fit_greedy(w, 32, 1, 1, FLLM_BCQ_CENTER_MEAN, &fit);
	CU_ASSERT_EQUAL(fit.sse, 0.0);
	CU_ASSERT_EQUAL(fit.z, -0.25f);
	CU_ASSERT_EQUAL(fit.alpha[0], 1.0f);
	for (int k = 0; k < 32; k++)
		CU_ASSERT_EQUAL(fit.code[k], w[k] > 0.0f ? 1 : 0);

	/* Unequal counts: the mid-range centre is exact, the mean needs ALS. */
	for (int k = 0; k < 32; k++)
		w[k] = k % 4 == 0 ? 0.75f : -1.25f;
	bcq_fit_greedy(w, 32, 1, 1, FLLM_BCQ_CENTER_MIDRANGE, &fit);
	CU_ASSERT_EQUAL(fit.sse, 0.0);
	bcq_fit_greedy(w, 32, 1, 1, FLLM_BCQ_CENTER_MEAN, &fit);
	CU_ASSERT(fit.sse > 0.0);
	bcq_fit_refine(w, 32, 1, 1, 5, &fit);
	CU_ASSERT_DOUBLE_EQUAL(fit.sse, 0.0, 1e-12);

	/* Without an offset a symmetric 2-level group is exact too. */
	for (int k = 0; k < 16; k++)
		w[k] = k % 3 ? 0.5f : -0.5f;
	bcq_fit_greedy(w, 16, 1, 0, FLLM_BCQ_CENTER_MEAN, &fit);
	CU_ASSERT_EQUAL(fit.sse, 0.0);
	CU_ASSERT_EQUAL(fit.z, 0.0f);
}

/* An exactly uniform group (min and max present) comes back exact, codes and all. */
static void test_uniform_exact(void)
{
	struct quant_rng rng = { 0x1234 };
	float w[64];		/* (64) */
	uint8_t c[64];		/* (64) the codes w was made from */
	struct bcq_fit fit;

	for (uint32_t q = 1; q <= 8; q++) {
		unsigned levels = (1u << q) - 1;

		for (int k = 0; k < 64; k++) {
			c[k] = (uint8_t)(k == 0 ? 0 : k == 1 ? levels :
				quant_rng_u64(&rng) % (levels + 1));
			w[k] = -1.5f + 0.125f * (float)c[k];
		}
		bcq_fit_uniform(w, 64, q, 1, &fit);
		CU_ASSERT_EQUAL(fit.sse, 0.0);
		CU_ASSERT_EQUAL(memcmp(fit.code, c, 64), 0);
		CU_ASSERT_EQUAL(fit.alpha[0], 0.0625f);
		/* ALS keeps an exact fit exact. */
		bcq_fit_refine(w, 64, q, 1, 10, &fit);
		CU_ASSERT_EQUAL(fit.sse, 0.0);
	}
	/* A constant group: both starts exact. */
	for (int k = 0; k < 20; k++)
		w[k] = 0.3f;
	bcq_fit_uniform(w, 20, 3, 1, &fit);
	CU_ASSERT_EQUAL(fit.sse, 0.0);
	bcq_fit_greedy(w, 20, 3, 1, FLLM_BCQ_CENTER_MEAN, &fit);
	CU_ASSERT_EQUAL(fit.sse, 0.0);
	bcq_fit_refine(w, 20, 3, 1, 10, &fit);
	CU_ASSERT_EQUAL(fit.sse, 0.0);
}

/* Brute force: the smallest |w - value| over all 2^q codes of fit. */
static double nearest_dist(const struct bcq_fit *fit, uint32_t q, float w)
{
	double best = INFINITY;

	for (unsigned c = 0; c < (1u << q); c++) {
		double d = fabs((double)w - bcq_code_value(fit->alpha, fit->z, q, c));

		if (d < best)
			best = d;
	}
	return best;
}

/*
 * ALS is never worse than its start, for both starts, every q, with and
 * without offset, full and short groups; after it every weight holds its
 * nearest value and the reported sse matches a recount.
 */
static void test_refine_never_worse(void)
{
	static const uint32_t sizes[] = { 16, 12, 128, 256, 1, 3 };
	struct quant_rng rng = { 42 };
	float w[256];	/* (n) */

	for (uint32_t q = 1; q <= 8; q++) {
		for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			uint32_t n = sizes[si];

			for (int offset = 0; offset < 2; offset++) {
				for (int start = 0; start < 2; start++) {
					struct bcq_fit fit;
					double before;

					quant_rng_fill(&rng, w, n, 0.1f);
					w[0] += 0.05f;	/* skew it a little */
					if (start)
						bcq_fit_uniform(w, n, q, offset, &fit);
					else
						bcq_fit_greedy(w, n, q, offset,
							       FLLM_BCQ_CENTER_MEAN, &fit);
					before = fit.sse;
					CU_ASSERT_DOUBLE_EQUAL(bcq_fit_sse(w, n, q, &fit), before,
							       1e-12);
					bcq_fit_refine(w, n, q, offset, 20, &fit);
					CU_ASSERT(fit.sse <= before);
					CU_ASSERT_EQUAL(bcq_fit_sse(w, n, q, &fit), fit.sse);
					if (before > 0.0 && fit.sse < before) {
						for (uint32_t k = 0; k < n; k++) {
							double d = fabs((double)w[k] -
							    bcq_code_value(fit.alpha, fit.z, q,
									   fit.code[k]));

							CU_ASSERT(d <= nearest_dist(&fit, q,
										    w[k]));
						}
					}
				}
			}
		}
	}
}

/* Canonical form: every alpha >= 0 and the values unchanged bit for bit. */
static void test_canonicalize(void)
{
	struct bcq_fit fit = { .alpha = { -0.5f, 0.25f, -2.0f }, .z = 0.125f };
	float before[8];

	for (int k = 0; k < 8; k++) {
		fit.code[k] = (uint8_t)k;
		before[k] = bcq_code_value(fit.alpha, fit.z, 3, (unsigned)k);
	}
	bcq_fit_canonicalize(8, 3, &fit);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(fit.alpha[i] >= 0.0f);
	for (int k = 0; k < 8; k++)
		CU_ASSERT_EQUAL(bcq_code_value(fit.alpha, fit.z, 3, fit.code[k]), before[k]);
}

/* The solver: a regular system exactly, a singular one with a least-squares answer. */
static void test_lsq_solve(void)
{
	/* A = [[4, 2], [2, 3]], x = (1, -2): b = A x = (0, -4). */
	const double a2[4] = { 4, 2, 2, 3 }, b2[2] = { 0, -4 };
	/* Columns s0 = s1 = (1, 1, -1), s2 = ones: A = S^T S, b = S^T y, y = (3, 3, 1). */
	const double a3[9] = { 3, 3, 1, 3, 3, 1, 1, 1, 3 }, b3[3] = { 5, 5, 7 };
	double x[3];

	bcq_lsq_solve(a2, b2, 2, x);
	CU_ASSERT_DOUBLE_EQUAL(x[0], 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(x[1], -2.0, 1e-12);

	bcq_lsq_solve(a3, b3, 3, x);
	CU_ASSERT(isfinite(x[0]) && isfinite(x[1]) && isfinite(x[2]));
	CU_ASSERT_EQUAL(x[1], 0.0);
	/* The fit y_hat = (x0 + x1) s0 + x2 reproduces y = (3, 3, 1) exactly. */
	CU_ASSERT_DOUBLE_EQUAL(x[0] + x[1] + x[2], 3.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(-(x[0] + x[1]) + x[2], 1.0, 1e-9);
}

static CU_TestInfo bcq_fit_tests[] = {
	{ "greedy_two_level", test_greedy_two_level },
	{ "uniform_exact", test_uniform_exact },
	{ "refine_never_worse", test_refine_never_worse },
	{ "canonicalize", test_canonicalize },
	{ "lsq_solve", test_lsq_solve },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("bcq_fit", NULL, NULL, bcq_fit_tests);
}
