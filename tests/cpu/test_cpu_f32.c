/*
 * The fp32 kernels: GEMV (every variant, 1 and 2 threads, and the plain
 * reference) and the dequantize-then-multiply baseline, each against a
 * double-precision dot product within the error bound of fp32 summation;
 * row dequantization exactly against the record fields read here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_case.h"
#include "cpu_tests.h"
#include "test_main.h"

/*
 * |got - exact| <= (k + 2) * 2^-24 * sum |w x| (+ the smallest normal):
 * the bound of recursive fp32 summation, which blocked and pairwise orders
 * also meet. Prints both values when it fails.
 */
static int close_enough(const char *what, uint32_t r, uint32_t n, float got, double exact,
			double abs_sum, uint32_t k)
{
	double tol = (k + 2) * 0x1p-24 * abs_sum + 0x1p-126;

	if (fabs((double)got - exact) <= tol)
		return 1;
	fprintf(stderr, "\n  %s: row %u token %u: got %.9g, exact %.17g, tolerance %.3g\n", what,
		r, n, (double)got, exact, tol);
	return 0;
}

/* GEMV of one random shape on every context and the reference. */
static void check_f32_shape(uint32_t m, uint32_t k, uint32_t n, uint64_t seed)
{
	size_t ws = k + 3, xs = k + 1, ys = m + 2;
	float *w = malloc(m * ws * sizeof(*w)), *x = malloc(n * xs * sizeof(*x));
	float *y = malloc(n * ys * sizeof(*y));
	double *exact = malloc((size_t)n * m * sizeof(*exact));
	double *abs_sum = malloc((size_t)n * m * sizeof(*abs_sum));
	uint64_t st = seed;

	CU_ASSERT_FATAL(w && x && y && exact && abs_sum);
	for (size_t i = 0; i < m * ws; i++)
		w[i] = test_rng_f32_signed(&st);
	for (size_t i = 0; i < n * xs; i++)
		x[i] = test_rng_f32_signed(&st) * 4.0f;
	for (uint32_t t = 0; t < n; t++) {
		for (uint32_t r = 0; r < m; r++) {
			double s = 0, a = 0;

			for (uint32_t i = 0; i < k; i++) {
				s += (double)w[r * ws + i] * x[t * xs + i];
				a += fabs((double)w[r * ws + i] * x[t * xs + i]);
			}
			exact[(size_t)t * m + r] = s;
			abs_sum[(size_t)t * m + r] = a;
		}
	}
	for (int isa = 0; isa < FLLM_CPU_ISA_COUNT; isa++) {
		for (uint32_t th = 1; th <= CPU_TEST_THREADS; th++) {
			fllm_cpu_ctx *ctx = isa ? cpu_test_ctx((enum fllm_cpu_isa)isa, th) : NULL;
			int ok = 1;

			if (isa == 0 && th > 1)
				continue;
			if (isa && !ctx)
				continue;
			if (ctx)
				FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, m, k, w, ws, n, x, xs, y,
								     ys), FLLM_OK);
			else
				fllm_cpu_gemv_f32_ref(m, k, w, ws, n, x, xs, y, ys);
			for (uint32_t t = 0; t < n && ok; t++)
				for (uint32_t r = 0; r < m && ok; r++)
					ok = close_enough(isa ? fllm_cpu_isa_name(
						(enum fllm_cpu_isa)isa) : "reference", r, t,
						y[t * ys + r], exact[(size_t)t * m + r],
						abs_sum[(size_t)t * m + r], k);
			CU_ASSERT(ok);
		}
	}
	free(w);
	free(x);
	free(y);
	free(exact);
	free(abs_sum);
}

/* Lengths around every vector width and unroll step, and batches. */
static void test_f32_gemv(void)
{
	static const uint32_t ks[] = { 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 172, 1000,
					4099 };

	for (uint32_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
		check_f32_shape(1 + i * 7, ks[i], i % 3 == 0 ? 1 : i % 3 == 1 ? 3 : 32, 10 + i);
}

/* The real weight of (row r, input kk) from the record, in double, read here independently. */
static double record_weight(const struct cpu_case *c, uint32_t r, uint32_t kk)
{
	uint32_t q = c->s.q, g = c->s.g, grp = kk / g, j = kk % g;
	const uint8_t *rec = c->slice[r % c->s.slices] + (size_t)(r / c->s.slices) * c->row_bytes;
	const uint8_t *se = rec + 4 + grp * (4 + 2 * q);
	const uint8_t *pl = rec + fllm_lutgemm_row_planes_offset(c->s.k, g, q) +
			    (size_t)grp * q * (g / 8);
	int e = (int16_t)(rec[0] | rec[1] << 8);
	int d = se[0] > 62 ? 62 : se[0];
	long wi = c->s.flags ? (int16_t)(se[2] | se[3] << 8) : 0;

	for (uint32_t i = 0; i < q; i++) {
		long a = (int16_t)(se[4 + 2 * i] | se[5 + 2 * i] << 8);

		wi += (pl[i * (g / 8) + j / 8] >> (j % 8) & 1) ? a : -a;
	}
	return ldexp((double)wi, -(e + d));
}

/* Rows dequantize to the record's values, each rounded once to fp32. */
static void test_dequant_row(void)
{
	struct cpu_shape s = { 9, 300, 64, 5, FLLM_LUTGEMM_F_OFFSET, 1, 2 };
	fllm_cpu_lutgemm_weights w;
	struct cpu_case c;
	float row[300];

	CU_ASSERT_EQUAL_FATAL(cpu_case_init(&c, &s, CPU_FILL_FP32, 77), 0);
	cpu_case_weights(&c, &w);
	for (uint32_t r = 0; r < s.m; r++) {
		fllm_cpu_dequant_row(&w, r, row);
		for (uint32_t kk = 0; kk < s.k; kk++) {
			float want = (float)record_weight(&c, r, kk);

			if (memcmp(&row[kk], &want, 4)) {
				fprintf(stderr, "\n  row %u input %u: got %.9g want %.9g\n", r, kk,
					(double)row[kk], (double)want);
				CU_FAIL("dequantized weight differs");
				break;
			}
		}
	}
	cpu_case_free(&c);
}

/* The naive baseline against the double dot product of the record's weights and x. */
static void test_dequant_gemv(void)
{
	struct cpu_shape s = { 40, 1000, 128, 3, FLLM_LUTGEMM_F_OFFSET, 5, 3 };
	fllm_cpu_lutgemm_weights w;
	struct cpu_case c;
	float y[5 * 40];

	CU_ASSERT_EQUAL_FATAL(cpu_case_init(&c, &s, CPU_FILL_FP32, 78), 0);
	cpu_case_weights(&c, &w);
	for (int isa = FLLM_CPU_ISA_PORTABLE; isa < FLLM_CPU_ISA_COUNT; isa++) {
		for (uint32_t th = 1; th <= CPU_TEST_THREADS; th++) {
			fllm_cpu_ctx *ctx = cpu_test_ctx((enum fllm_cpu_isa)isa, th);
			int ok = 1;

			if (!ctx)
				continue;
			FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, s.n, c.xf, s.k, y, s.m),
					   FLLM_OK);
			for (uint32_t t = 0; t < s.n && ok; t++) {
				for (uint32_t r = 0; r < s.m && ok; r++) {
					double e = 0, a = 0;

					for (uint32_t kk = 0; kk < s.k; kk++) {
						double p = record_weight(&c, r, kk) *
							   c.xf[(size_t)t * s.k + kk];

						e += p;
						a += fabs(p);
					}
					/* weights rounded to fp32 once: one more unit per term */
					ok = close_enough("dequant", r, t, y[t * s.m + r], e, a,
							  s.k + 1);
				}
			}
			CU_ASSERT(ok);
		}
	}
	cpu_case_free(&c);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), cpu_test_ctx_count());
}

static CU_TestInfo f32_tests[] = {
	{ "fp32 gemv vs double", test_f32_gemv },
	{ "dequantize a row", test_dequant_row },
	{ "dequant gemv vs double", test_dequant_gemv },
	CU_TEST_INFO_NULL,
};

/* Add this file's suite. */
int cpu_test_register_f32(void)
{
	return fllm_test_add_suite("cpu fp32 kernels", cpu_test_ctx_init, cpu_test_ctx_fini,
				   f32_tests);
}
