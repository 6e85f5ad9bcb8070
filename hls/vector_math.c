/*
 * Scalar steps of the vector unit (docs/numerics.md "Vector unit"): fp32
 * input splitting, the RMSNorm scale (mean of squares, integer square root,
 * integer division), 2^x by table and interpolation, and the sigmoid.
 * Integer arithmetic only, so RTL can match it bit for bit.
 */
#include "vector_internal.h"

/* Split fp32 bits into sign, 24-bit mantissa and exponent (see fllm_vector.h). */
void fllm_vector_f32_split(uint32_t bits, struct fllm_vector_f32 *v, uint64_t *nonfinite)
{
	uint32_t e, frac;

	bits = fllm_vec_sanitize(bits, nonfinite);
	e = bits >> 23 & 0xffu;
	frac = bits & 0x7fffffu;
	v->neg = bits >> 31;
	if (e == 0 && frac == 0) {
		v->m = 0;
		v->f = 0;
	} else if (e == 0) {
		/* subnormal frac * 2^-149: move the top bit to bit 23 */
		uint32_t sh = (uint32_t)__builtin_clz(frac) - 8;

		v->m = frac << sh;
		v->f = -149 - (int32_t)sh;
	} else {
		v->m = frac | 1u << 23;
		v->f = (int32_t)e - 150;
	}
}

/* floor(sqrt(u)) by the digit-by-digit (restoring) method, two bits per step. */
uint32_t fllm_vector_isqrt(uint64_t u)
{
	uint64_t rem = 0, root = 0;

	for (uint32_t i = 0; i < 32; i++) {
#pragma HLS PIPELINE II=1
		uint64_t trial;

		rem = rem << 2 | u >> 62;
		u <<= 2;
		root <<= 1;
		trial = root << 1 | 1;
		if (rem >= trial) {
			rem -= trial;
			root |= 1;
		}
	}
	return (uint32_t)root;
}

/* x (> 0) * 2^p as a 62-bit mantissa (top bit 61) and exponent; bits below are dropped. */
static void norm62(uint64_t x, int32_t p, uint64_t *m, int32_t *q)
{
	int32_t len = 64 - __builtin_clzll(x);

	if (len > 62) {
		*m = x >> (len - 62);
		*q = p + (len - 62);
	} else {
		*m = x << (62 - len);
		*q = p - (62 - len);
	}
}

/* x >> t, 0 for t >= 64. */
static uint64_t shr(uint64_t x, int32_t t)
{
	return t >= 64 ? 0 : x >> t;
}

/*
 * RMSNorm scale: mean square A = floor((S << k) / n) * 2^(2F - k) with S
 * normalized to bit 63, plus eps, both cut to 62-bit mantissas and added at
 * the larger exponent (truncating); then rsqrt as floor(2^62 / isqrt(U)) with
 * U the sum's mantissa placed so that its exponent is even.
 */
void fllm_vector_rms_scale(uint64_t s, int32_t f2, uint32_t n, uint32_t eps_bits, uint32_t *r,
			   int32_t *e)
{
	struct fllm_vector_f32 ev;
	uint64_t ignored = 0, a, ma, me = 0, m, u;
	int32_t k = __builtin_clzll(s), qa, qe = 0, p, len, b;

	a = (s << k) / n;
	norm62(a, f2 - k, &ma, &qa);
	fllm_vector_f32_split(eps_bits, &ev, &ignored);
	p = qa;
	if (ev.m) {
		norm62(ev.m, ev.f, &me, &qe);
		if (qe > p)
			p = qe;
	}
	m = shr(ma, p - qa) + (ev.m ? shr(me, p - qe) : 0);
	len = 64 - __builtin_clzll(m);
	b = len - 1 + p;
	*e = (b - (b & 1)) / 2;
	u = m << (63 - len + (b & 1));
	*r = (uint32_t)(((uint64_t)1 << 62) / fllm_vector_isqrt(u));
}

/* 2^(fr / 2^24): table entry j = fr >> 16 plus the interpolated step (16-bit weight). */
uint32_t fllm_vector_exp2_frac(uint32_t fr)
{
	return fllm_vec_exp2_frac(fr);
}

/*
 * sigmoid(g) = 1 / (1 + 2^T), T = -g * log2(e) in Q.24 from g clamped to
 * |g| <= 64 in Q.24; 2^T = 2^(T mod 1) * 2^floor(T); the denominator as a
 * mantissa Dm in [2^30, 3 * 2^30) and the reciprocal by one division.
 */
void fllm_vector_sigmoid(const struct fllm_vector_f32 *g, uint64_t *r, uint32_t *sh)
{
	int32_t e = g->f + 24;
	int64_t gq, t, i;
	uint64_t mag, dm;
	uint32_t fr, p;

	if (g->m == 0)
		mag = 0;
	else if (e >= 7)
		mag = FLLM_VECTOR_SILU_GMAX_Q24;
	else if (e >= 0)
		mag = (uint64_t)g->m << e;
	else
		mag = fllm_vec_rha(g->m, (uint32_t)-e);
	gq = g->neg ? -(int64_t)mag : (int64_t)mag;
	t = fllm_lutgemm_rshift_round(-gq * FLLM_VECTOR_LOG2E_Q30, 30);
	fr = (uint32_t)(t & 0xffffff);
	i = (t - fr) / (1 << 24);
	p = fllm_vec_exp2_frac(fr);
	if (i >= 0) {
		dm = p + fllm_vec_rha(FLLM_VECTOR_Q30, (uint32_t)i);
		*sh = (uint32_t)i;
	} else {
		dm = FLLM_VECTOR_Q30 + fllm_vec_rha(p, (uint32_t)-i);
		*sh = 0;
	}
	*r = ((uint64_t)1 << 62) / dm;
}
