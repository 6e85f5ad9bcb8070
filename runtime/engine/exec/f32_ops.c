/*
 * The fp32 executor's vector steps (f32_ops.h). Four-float vectors (GCC and
 * Clang vector extensions: SSE on x86-64, NEON or scalar code elsewhere)
 * with the lane orders the header states; the 4 x 4 transposed sums use SSE
 * shuffles where there are SSE registers and the same additions lane by
 * lane elsewhere. Only IEEE add, subtract, multiply and divide, never a
 * fused multiply-add (the build is ISO C, so nothing is contracted), so the
 * results are those of the scalar formulas in the stated order.
 */
#include <string.h>

#include "f32_ops.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define F32_AVX 1	/* f32_rows has an AVX path, chosen at run time */
#elif defined(__SSE__)
#include <xmmintrin.h>
#endif

typedef float f32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));

static inline f32x4 ld4(const float *p)
{
	f32x4 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void st4(float *p, f32x4 v)
{
	memcpy(p, &v, sizeof(v));
}

/* Lane r of the result: (v_r[0] + v_r[1]) + (v_r[2] + v_r[3]) for the four vectors v_0..v_3. */
static inline f32x4 sum4x4(f32x4 a, f32x4 b, f32x4 c, f32x4 d)
{
#if defined(__SSE__)
	__m128 t0 = _mm_unpacklo_ps((__m128)a, (__m128)b), t1 = _mm_unpackhi_ps((__m128)a, (__m128)b);
	__m128 t2 = _mm_unpacklo_ps((__m128)c, (__m128)d), t3 = _mm_unpackhi_ps((__m128)c, (__m128)d);
	/* (a0+a1, b0+b1, a2+a3, b2+b3) and the same for c, d */
	__m128 w0 = _mm_add_ps(_mm_movelh_ps(t0, t1), _mm_movehl_ps(t1, t0));
	__m128 w1 = _mm_add_ps(_mm_movelh_ps(t2, t3), _mm_movehl_ps(t3, t2));

	return (f32x4)_mm_add_ps(_mm_movelh_ps(w0, w1), _mm_movehl_ps(w1, w0));
#else
	f32x4 r = { (a[0] + a[1]) + (a[2] + a[3]), (b[0] + b[1]) + (b[2] + b[3]),
		    (c[0] + c[1]) + (c[2] + c[3]), (d[0] + d[1]) + (d[2] + d[3]) };

	return r;
#endif
}

static inline float sum4(f32x4 v)
{
	return (v[0] + v[1]) + (v[2] + v[3]);
}

static inline f32x4 splat4(float c)
{
	f32x4 v = { c, c, c, c };

	return v;
}

/* Lanes where m is set from a, the others from b. */
static inline f32x4 sel4(i32x4 m, f32x4 a, f32x4 b)
{
	return (f32x4)((m & (i32x4)a) | (~m & (i32x4)b));
}

/* The 8 lanes (lo, hi) of one row after i products, the tail added, reduced. */
static inline float dot_finish(f32x4 lo, f32x4 hi, const float *a, const float *b, uint32_t i,
			       uint32_t n)
{
	float s[8];

	memcpy(s, &lo, sizeof(lo));
	memcpy(s + 4, &hi, sizeof(hi));
	for (; i < n; i++)
		s[i & 7] += a[i] * b[i];
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

/* See f32_ops.h. */
float f32_dot(const float *a, const float *b, uint32_t n)
{
	f32x4 lo = { 0 }, hi = { 0 };
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		lo += ld4(a + i) * ld4(b + i);
		hi += ld4(a + i + 4) * ld4(b + i + 4);
	}
	return dot_finish(lo, hi, a, b, i, n);
}

/* See f32_ops.h. Eight accumulator chains hide the adds' latency. */
void f32_dot4(const float *w, uint32_t cols, const float *x, float *y)
{
	const float *w0 = w, *w1 = w + cols, *w2 = w + 2 * (size_t)cols, *w3 = w + 3 * (size_t)cols;
	f32x4 l0 = { 0 }, h0 = { 0 }, l1 = { 0 }, h1 = { 0 }, l2 = { 0 }, h2 = { 0 }, l3 = { 0 },
	      h3 = { 0 };
	uint32_t i = 0;

	for (; i + 8 <= cols; i += 8) {
		f32x4 xl = ld4(x + i), xh = ld4(x + i + 4);

		l0 += ld4(w0 + i) * xl;
		h0 += ld4(w0 + i + 4) * xh;
		l1 += ld4(w1 + i) * xl;
		h1 += ld4(w1 + i + 4) * xh;
		l2 += ld4(w2 + i) * xl;
		h2 += ld4(w2 + i + 4) * xh;
		l3 += ld4(w3 + i) * xl;
		h3 += ld4(w3 + i + 4) * xh;
	}
	if (i == cols) {
		/* lane j + lane j + 4, then (0+1)+(2+3): the order of dot_finish */
		st4(y, sum4x4(l0 + h0, l1 + h1, l2 + h2, l3 + h3));
		return;
	}
	y[0] = dot_finish(l0, h0, w0, x, i, cols);
	y[1] = dot_finish(l1, h1, w1, x, i, cols);
	y[2] = dot_finish(l2, h2, w2, x, i, cols);
	y[3] = dot_finish(l3, h3, w3, x, i, cols);
}

#if defined(F32_AVX)
/*
 * f32_dot4's arithmetic for 8 rows with AVX: one 8-float register per row
 * holds its 8 lanes (lane j: products i = j mod 8, in order of i), so the
 * products and sums are the two 4-float vectors' exactly; 8 rows give 8
 * accumulator chains. No FMA (target "avx" has none), so nothing fuses.
 */
__attribute__((target("avx"))) static void dot8_avx(const float *w, uint32_t cols,
						     const float *x, float *y)
{
	__m256 a[8];
	uint32_t i = 0;

	for (uint32_t r = 0; r < 8; r++)
		a[r] = _mm256_setzero_ps();
	for (; i + 8 <= cols; i += 8) {
		__m256 xv = _mm256_loadu_ps(x + i);

		for (uint32_t r = 0; r < 8; r++)
			a[r] = _mm256_add_ps(a[r],
					     _mm256_mul_ps(_mm256_loadu_ps(w + r * (size_t)cols + i), xv));
	}
	if (i == cols) {
		f32x4 v[8];

		for (uint32_t r = 0; r < 8; r++)
			v[r] = (f32x4)_mm_add_ps(_mm256_castps256_ps128(a[r]),
						 _mm256_extractf128_ps(a[r], 1));
		st4(y, sum4x4(v[0], v[1], v[2], v[3]));
		st4(y + 4, sum4x4(v[4], v[5], v[6], v[7]));
		return;
	}
	for (uint32_t r = 0; r < 8; r++)
		y[r] = dot_finish((f32x4)_mm256_castps256_ps128(a[r]),
				  (f32x4)_mm256_extractf128_ps(a[r], 1), w + r * (size_t)cols, x, i,
				  cols);
}
#endif

/* See f32_ops.h. */
void f32_rows(const float *w, uint32_t cols, const float *x, float *y, uint32_t r0, uint32_t r1)
{
	uint32_t r = r0;

#if defined(F32_AVX)
	if (__builtin_cpu_supports("avx"))
		for (; r + 8 <= r1; r += 8)
			dot8_avx(w + (size_t)r * cols, cols, x, y + r);
#endif
	for (; r + 4 <= r1; r += 4)
		f32_dot4(w + (size_t)r * cols, cols, x, y + r);
	for (; r < r1; r++)
		y[r] = f32_dot(w + (size_t)r * cols, x, cols);
}

/* The 4 lanes of q . k (lane j: products i = j mod 4, in order of i). */
static inline f32x4 dot_lanes(const float *q, const float *k, uint32_t hd)
{
	f32x4 a = { 0 };
	uint32_t i = 0;

	for (; i + 4 <= hd; i += 4)
		a += ld4(q + i) * ld4(k + i);
	for (; i < hd; i++)
		a[i & 3] += q[i] * k[i];
	return a;
}

/* See f32_ops.h. */
void f32_scores(const float *q, const float *k, size_t stride, uint32_t hd, uint32_t n,
		float scale, float *att)
{
	uint32_t t = 0;

	for (; t + 4 <= n; t += 4) {
		const float *kt = k + t * stride;
		f32x4 s = sum4x4(dot_lanes(q, kt, hd), dot_lanes(q, kt + stride, hd),
				 dot_lanes(q, kt + 2 * stride, hd), dot_lanes(q, kt + 3 * stride, hd));

		st4(att + t, s / scale);
	}
	for (; t < n; t++)
		att[t] = sum4(dot_lanes(q, k + t * stride, hd)) / scale;
}

/*
 * e^x, four lanes: x clamped to [-87, 88], n = nearest integer to x log2(e)
 * (the 1.5 * 2^23 trick), r = x - n ln2 in two steps (ln2 = C1 + C2, C1
 * exact in 9 bits so n C1 is exact), e^r by its Taylor polynomial of degree
 * 7 (|r| <= 0.35: truncation below 2^-27), times 2^n built in the exponent
 * bits. Results for x < -87 are 0, for x > 88 +Inf; NaN stays NaN.
 */
static inline f32x4 exp4(f32x4 x)
{
	const float c1 = 0.693359375f, c2 = -2.12194440e-4f, magic = 12582912.0f;
	i32x4 under = x < -87.0f, over = x > 88.0f, nan = x != x;
	/* NaN lanes go through as 0 (no out-of-range conversion), and come out as x */
	f32x4 xc = sel4(under | nan, splat4(-87.0f), sel4(over, splat4(88.0f), x));
	f32x4 n = (xc * 1.44269504f + magic) - magic;
	f32x4 r = (xc - n * c1) - n * c2;
	f32x4 p = r * (1.0f / 5040) + 1.0f / 720;
	i32x4 e;

	p = p * r + 1.0f / 120;
	p = p * r + 1.0f / 24;
	p = p * r + 1.0f / 6;
	p = p * r + 0.5f;
	p = p * r + 1.0f;
	p = p * r + 1.0f;
	e = (__builtin_convertvector(n, i32x4) + 127) << 23;
	p = p * (f32x4)e;
	p = sel4(under, splat4(0.0f), p);
	p = sel4(nan, x, p);
	return sel4(over, splat4(__builtin_inff()), p);
}

/* See f32_ops.h: exp4's lane, so the scalar tails round as the vectors do. */
float f32_exp(float x)
{
	return exp4(splat4(x))[0];
}

/* See f32_ops.h. */
void f32_softmax(float *x, uint32_t n)
{
	float max = x[0], lanes[4] = { 0 }, sum;
	f32x4 s = { 0 };
	uint32_t i = 0;

	if (n >= 4) {
		f32x4 m = ld4(x);

		for (i = 4; i + 4 <= n; i += 4) {
			f32x4 v = ld4(x + i);

#if defined(__SSE__)
			m = (f32x4)_mm_max_ps((__m128)v, (__m128)m);
#else
			m = sel4(v > m, v, m);
#endif
		}
		max = m[0];
		for (uint32_t j = 1; j < 4; j++)
			max = m[j] > max ? m[j] : max;
	}
	for (i = n & ~3u; i < n; i++)
		if (x[i] > max)
			max = x[i];
	for (i = 0; i + 4 <= n; i += 4) {
		f32x4 e = exp4(ld4(x + i) - max);

		st4(x + i, e);
		s += e;
	}
	memcpy(lanes, &s, sizeof(s));
	for (; i < n; i++) {
		x[i] = f32_exp(x[i] - max);
		lanes[i & 3] += x[i];
	}
	sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
	for (i = 0; i + 4 <= n; i += 4)
		st4(x + i, ld4(x + i) / sum);
	for (; i < n; i++)
		x[i] /= sum;
}

/* See f32_ops.h. */
void f32_weighted_sum(const float *att, const float *v, size_t stride, uint32_t hd, uint32_t n,
		      float *out)
{
	uint32_t j = 0;

	for (; j + 8 <= hd; j += 8) {
		f32x4 a0 = { 0 }, a1 = { 0 };

		for (uint32_t t = 0; t < n; t++) {
			a0 += att[t] * ld4(v + t * stride + j);
			a1 += att[t] * ld4(v + t * stride + j + 4);
		}
		st4(out + j, a0);
		st4(out + j + 4, a1);
	}
	for (; j + 4 <= hd; j += 4) {
		f32x4 a0 = { 0 };

		for (uint32_t t = 0; t < n; t++)
			a0 += att[t] * ld4(v + t * stride + j);
		st4(out + j, a0);
	}
	for (; j < hd; j++) {
		float a = 0.0f;

		for (uint32_t t = 0; t < n; t++)
			a += att[t] * v[t * stride + j];
		out[j] = a;
	}
}

/* See f32_ops.h. */
void f32_swiglu(float *g, const float *u, uint32_t n)
{
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4) {
		f32x4 val = ld4(g + i);

		val *= 1.0f / (1.0f + exp4(-val));
		st4(g + i, val * ld4(u + i));
	}
	for (; i < n; i++) {
		float val = g[i];

		val *= 1.0f / (1.0f + f32_exp(-val));
		g[i] = val * u[i];
	}
}
