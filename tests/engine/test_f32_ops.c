/*
 * The fp32 executor's vector steps (runtime/engine/exec/f32_ops.c): each
 * gives, bit for bit, the scalar formula in the order its header states
 * (whatever path ran: AVX rows, SSE rows, four positions at a time, the
 * four-lane e^x), for sizes around every vector width, and f32_exp is
 * within 2 ulp of e^x in double precision over its whole range.
 */
#include <math.h>
#include <stdlib.h>

#include "engine_test.h"
#include "f32_ops.h"
#include "test_rng.h"

#define MAXN 260

/* Bitwise equality of two float arrays; prints the first difference. */
static int same_bits(const char *what, uint32_t a1, uint32_t a2, const float *got,
		     const float *want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (memcmp(&got[i], &want[i], sizeof(float))) {
			printf("\n  %s (%u, %u): [%u] %.9g, the scalar order gives %.9g\n", what, a1,
			       a2, i, (double)got[i], (double)want[i]);
			return 0;
		}
	return 1;
}

static void fill(float *x, uint32_t n, float scale, uint64_t *seed)
{
	for (uint32_t i = 0; i < n; i++)
		x[i] = scale * test_rng_f32_signed(seed);
}

/* The 8-lane dot product of f32_ops.h, one product at a time. */
static float ref_dot8(const float *a, const float *b, uint32_t n)
{
	float s[8] = { 0 };

	for (uint32_t i = 0; i < n; i++)
		s[i & 7] += a[i] * b[i];
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

/* The 4-lane dot product of f32_scores. */
static float ref_dot4(const float *a, const float *b, uint32_t n)
{
	float s[4] = { 0 };

	for (uint32_t i = 0; i < n; i++)
		s[i & 3] += a[i] * b[i];
	return (s[0] + s[1]) + (s[2] + s[3]);
}

/* Rows through f32_rows (every row range) and f32_dot4 against one row at a time. */
static void test_rows(void)
{
	static const uint32_t cols[] = { 1, 3, 7, 8, 9, 16, 63, 64, 172, 173, 256 };
	static float w[19 * 256], x[256], y[19], want[19];
	uint64_t seed = 17;

	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		uint32_t k = cols[c];

		fill(w, 19 * k, 1.0f, &seed);
		fill(x, k, 1.0f, &seed);
		for (uint32_t r = 0; r < 19; r++)
			want[r] = ref_dot8(w + r * k, x, k);
		for (uint32_t r0 = 0; r0 < 4; r0++) {
			memset(y, 0, sizeof(y));
			f32_rows(w, k, x, y, r0, 19);
			CU_ASSERT(same_bits("f32_rows cols, r0", k, r0, y + r0, want + r0, 19 - r0));
		}
		f32_dot4(w, k, x, y);
		CU_ASSERT(same_bits("f32_dot4 cols", k, 0, y, want, 4));
		y[0] = f32_dot(w + 5 * k, x, k);
		CU_ASSERT(same_bits("f32_dot cols", k, 0, y, want + 5, 1));
	}
}

/* Scores, softmax and the weighted sum against their scalar orders. */
static void test_attention_steps(void)
{
	static const uint32_t hds[] = { 1, 3, 4, 6, 8, 12, 64 };
	static float q[64], k[MAXN * 80], att[MAXN], want[MAXN], out[64], wout[64];
	uint64_t seed = 99;

	for (size_t h = 0; h < sizeof(hds) / sizeof(hds[0]); h++) {
		uint32_t hd = hds[h], stride = hd + 16;	/* rows of a wider kv_dim */
		float scale = sqrtf((float)hd);

		fill(q, hd, 2.0f, &seed);
		fill(k, MAXN * stride, 2.0f, &seed);
		for (uint32_t n = 1; n <= MAXN; n += n < 20 ? 1 : 37) {
			float mx, lanes[4] = { 0 }, sum;

			f32_scores(q, k, stride, hd, n, scale, att);
			for (uint32_t t = 0; t < n; t++)
				want[t] = ref_dot4(q, k + t * stride, hd) / scale;
			CU_ASSERT(same_bits("f32_scores hd, n", hd, n, att, want, n));
			/* softmax: max, f32_exp, lanes t mod 4, (0+1)+(2+3), divided */
			f32_softmax(att, n);
			mx = want[0];
			for (uint32_t t = 1; t < n; t++)
				mx = want[t] > mx ? want[t] : mx;
			for (uint32_t t = 0; t < n; t++) {
				want[t] = f32_exp(want[t] - mx);
				lanes[t & 3] += want[t];
			}
			sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
			for (uint32_t t = 0; t < n; t++)
				want[t] /= sum;
			CU_ASSERT(same_bits("f32_softmax hd, n", hd, n, att, want, n));
			f32_weighted_sum(att, k, stride, hd, n, out);
			for (uint32_t j = 0; j < hd; j++) {
				wout[j] = 0.0f;
				for (uint32_t t = 0; t < n; t++)
					wout[j] += att[t] * k[t * stride + j];
			}
			CU_ASSERT(same_bits("f32_weighted_sum hd, n", hd, n, out, wout, hd));
		}
	}
}

/* SwiGLU's four lanes against f32_exp one at a time, and against expf. */
static void test_swiglu(void)
{
	static float g[MAXN], u[MAXN], want[MAXN];
	uint64_t seed = 5;

	for (uint32_t n = 1; n <= MAXN; n += n < 20 ? 1 : 41) {
		double worst = 0.0;

		fill(g, n, 30.0f, &seed);
		fill(u, n, 3.0f, &seed);
		g[0] = n & 1 ? 100.0f : -100.0f;	/* e^-g overflows or underflows */
		for (uint32_t i = 0; i < n; i++) {
			float val = g[i];

			val *= 1.0f / (1.0f + f32_exp(-val));
			want[i] = val * u[i];
			val = g[i] / (1.0f + expf(-g[i])) * u[i];
			worst = fmax(worst, fabs((double)want[i] - val) / fmax(1e-3, fabs(val)));
		}
		f32_swiglu(g, u, n);
		CU_ASSERT(same_bits("f32_swiglu n", n, 0, g, want, n));
		if (worst > 1e-6)
			printf("\n  f32_swiglu n = %u: %.3g from the expf formula\n", n, worst);
		CU_ASSERT(worst <= 1e-6);
	}
}

/* f32_exp within 2 ulp of e^x over [-87, 88]; the ends and specials exact. */
static void test_exp(void)
{
	double worst = 0.0, at = 0.0;

	for (int32_t i = -870000; i <= 880000; i++) {
		float x = (float)i * 1e-4f;
		double e = exp((double)x), y = f32_exp(x);
		double ulp = ldexp(1.0, ilogb(e) - 23);	/* of the exact result, normal range */
		double err = fabs(y - e) / ulp;

		if (e < 0x1p-126)
			continue;	/* the subnormal range may flush */
		if (err > worst) {
			worst = err;
			at = x;
		}
	}
	printf("\n  f32_exp: worst %.3f ulp at x = %.4f\n", worst, at);
	CU_ASSERT(worst <= 2.0);
	CU_ASSERT(f32_exp(0.0f) == 1.0f);
	CU_ASSERT(f32_exp(-INFINITY) == 0.0f);
	CU_ASSERT(f32_exp(-90.0f) == 0.0f);
	CU_ASSERT(isinf(f32_exp(INFINITY)) && f32_exp(INFINITY) > 0);
	CU_ASSERT(isinf(f32_exp(89.0f)));
	CU_ASSERT(isnan(f32_exp(NAN)));
}

static CU_TestInfo f32_tests[] = {
	{ "matmul rows: every path the scalar order", test_rows },
	{ "attention scores, softmax, weighted sums", test_attention_steps },
	{ "SwiGLU", test_swiglu },
	{ "e^x within 2 ulp", test_exp },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("f32_ops", NULL, NULL, f32_tests);
}
