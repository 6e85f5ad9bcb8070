/*
 * Per-element operations of the vector unit (docs/numerics.md "Vector
 * unit"): each takes split fp32 inputs, computes an exact integer product
 * or sum, and rounds once with fllm_lutgemm_to_f32.
 */
#include "vector_internal.h"

/*
 * y = x * rsqrt * w: c = rshift_round(r * wm, 15) (|c| <= 2^31), then
 * acc = +-m * c (|acc| < 2^55) at exponent f - 16 - E - ew.
 */
uint32_t fllm_vec_norm_elem(const struct fllm_vector_f32 *x, uint32_t r, int32_t e, int32_t ew,
			    int16_t wm)
{
	int64_t c = fllm_lutgemm_rshift_round((int64_t)r * wm, 15);

	return fllm_vec_to_bits(fllm_vec_signed(x) * c, (int64_t)16 + e + ew - x->f);
}

/* Mantissa m at exponent f moved to exponent fe - 7 (fe >= f): exact or rounded half away. */
static int64_t align7(const struct fllm_vector_f32 *v, int32_t fe)
{
	uint32_t t = (uint32_t)(fe - v->f);
	uint64_t a = t <= 7 ? (uint64_t)v->m << (7 - t) : fllm_vec_rha(v->m, t - 7);

	return v->neg ? -(int64_t)a : (int64_t)a;
}

/* Clamp a table entry to [-2^30, 2^30]. */
static int64_t clamp_q30(int32_t v)
{
	if (v > FLLM_VECTOR_Q30)
		return FLLM_VECTOR_Q30;
	if (v < -FLLM_VECTOR_Q30)
		return -FLLM_VECTOR_Q30;
	return v;
}

/*
 * Rotate (x0, x1) by (c, s): both aligned to the pair's larger exponent F
 * with 7 guard bits (|a| < 2^31), products exact (|P| < 2^62), exponent
 * F - 37.
 */
void fllm_vec_rope_pair(const struct fllm_vector_f32 *x0, const struct fllm_vector_f32 *x1,
			int32_t c, int32_t s, uint32_t *y0, uint32_t *y1)
{
	int64_t cq = clamp_q30(c), sq = clamp_q30(s), a0, a1;
	int32_t fe;

	if (x0->m == 0 && x1->m == 0) {
		*y0 = 0;
		*y1 = 0;
		return;
	}
	if (x0->m == 0)
		fe = x1->f;
	else if (x1->m == 0)
		fe = x0->f;
	else
		fe = x0->f > x1->f ? x0->f : x1->f;
	a0 = x0->m ? align7(x0, fe) : 0;
	a1 = x1->m ? align7(x1, fe) : 0;
	*y0 = fllm_vec_to_bits(a0 * cq - a1 * sq, (int64_t)37 - fe);
	*y1 = fllm_vec_to_bits(a0 * sq + a1 * cq, (int64_t)37 - fe);
}

/*
 * h = g * sigmoid(g) * u: a1 = rshift_round(m_g * R, 24) (<= 2^32), then
 * acc = +-a1 * m_u (< 2^56) at exponent f_g + f_u - 8 - sh.
 */
uint32_t fllm_vec_silu_mul(const struct fllm_vector_f32 *g, const struct fllm_vector_f32 *u)
{
	uint64_t r;
	uint32_t sh;
	int64_t a1, acc;

	if (g->m == 0 || u->m == 0)
		return 0;
	fllm_vector_sigmoid(g, &r, &sh);
	a1 = fllm_lutgemm_rshift_round((int64_t)((uint64_t)g->m * r), 24);
	acc = a1 * (int64_t)u->m;
	if (g->neg != u->neg)
		acc = -acc;
	return fllm_vec_to_bits(acc, (int64_t)8 + sh - g->f - u->f);
}

/*
 * a + b exactly, rounded once: with fa >= fb and d = fa - fb, the exact sum
 * (m_a << d) +- m_b for d <= 32 (< 2^57); for d > 32 |b| is below 2^-8 of
 * a's last place, too little to move a rounding to 24 bits: the result is a.
 */
uint32_t fllm_vec_add(const struct fllm_vector_f32 *a, const struct fllm_vector_f32 *b)
{
	const struct fllm_vector_f32 *hi = a, *lo = b;
	int64_t acc;
	int32_t d;

	if (a->m == 0 && b->m == 0)
		return 0;
	if (hi->m == 0 || (lo->m != 0 && lo->f > hi->f)) {
		hi = b;
		lo = a;
	}
	if (lo->m == 0)
		return fllm_vec_to_bits(fllm_vec_signed(hi), -(int64_t)hi->f);
	d = hi->f - lo->f;
	if (d > 32)
		return fllm_vec_to_bits(fllm_vec_signed(hi), -(int64_t)hi->f);
	acc = fllm_vec_signed(hi) * ((int64_t)1 << d) + fllm_vec_signed(lo);
	return fllm_vec_to_bits(acc, -(int64_t)lo->f);
}
