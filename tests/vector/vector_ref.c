/* The vector unit's scalar reference, from docs/numerics.md alone (see vector_ref.h). */
#include "vector_ref.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "ref_fp32.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* One fp32 value as the doc splits it: sign, m in [2^23, 2^24) or 0, f. */
struct rsplit {
	int neg;
	uint64_t m;
	int f;
};

/* |v| = m * 2^f by frexpf (exact, subnormals included). */
static struct rsplit rsplit(float v)
{
	struct rsplit s = { signbit(v) != 0, 0, 0 };
	int e;
	float fr;

	if (v == 0.0f)
		return s;
	fr = frexpf(fabsf(v), &e);
	s.m = (uint64_t)ldexpf(fr, 24);
	s.f = e - 24;
	return s;
}

static void wr_f32(uint8_t *mem, uint64_t addr, float v)
{
	memcpy(mem + addr, &v, 4);
}

/* round_half_away(m / 2^t) for m >= 0. */
static u128 rha(u128 m, int t)
{
	if (t <= 0)
		return m << -t;
	if (t >= 126)
		return 0;
	return (2 * m + ((u128)1 << t)) >> (t + 1);
}

/* floor(a / 2^s), s >= 0. */
static s128 floor_shift(s128 a, int s)
{
	s128 d = (s128)1 << s;

	if (a >= 0)
		return a / d;
	return -((-a + d - 1) / d);
}

/* floor((p + 2^(s-1)) / 2^s): nearest, ties up. */
static s128 rshift_round(s128 p, int s)
{
	if (s == 0)
		return p;
	return floor_shift(p + ((s128)1 << (s - 1)), s);
}

/* floor(b / 2) for any sign. */
static int floor_half(int b)
{
	return b >= 0 ? b / 2 : -((-b + 1) / 2);
}

/* Largest r with r^2 <= u, by bisection. */
uint64_t vref_isqrt(uint64_t u)
{
	uint64_t lo = 0, hi = 1ull << 32;

	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if ((u128)mid * mid <= u)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* x * 2^p with x cut (truncated) to 62 bits, top bit 61. */
static void to62(u128 x, int p, u128 *m, int *q)
{
	while (x >= (u128)1 << 62) {
		x >>= 1;
		p++;
	}
	while (x < (u128)1 << 61) {
		x <<= 1;
		p--;
	}
	*m = x;
	*q = p;
}

void vref_rms_scale(uint64_t s, int32_t f2, uint32_t n, float eps, uint32_t *r, int32_t *e)
{
	struct rsplit es = rsplit(eps);
	u128 a, ma, me = 0, m, u;
	int k = 0, qa, qe = 0, p, len = 0, b;

	while (((u128)s << (k + 1)) < ((u128)1 << 64))
		k++;
	a = ((u128)s << k) / n;
	to62(a, f2 - k, &ma, &qa);
	p = qa;
	if (es.m) {
		to62(es.m, es.f, &me, &qe);
		p = qe > p ? qe : p;
	}
	m = (p - qa >= 128 ? 0 : ma >> (p - qa)) + (es.m && p - qe < 128 ? me >> (p - qe) : 0);
	while (((u128)1 << len) <= m)
		len++;
	b = len - 1 + p;
	*e = floor_half(b);
	/* U in [2^62, 2^64): value = U * 2^(2E - 62) */
	u = m << (62 + (b - 2 * *e) - (len - 1));
	*r = (uint32_t)(((u128)1 << 62) / vref_isqrt((uint64_t)u));
}

/* The doc's 2^x table: round_half_away(2^30 * 2^(j/256)) from exp2l. */
static uint32_t exp2_entry(uint32_t j)
{
	return (uint32_t)llroundl(ldexpl(exp2l((long double)j / 256), 30));
}

uint32_t vref_exp2_frac(uint32_t fr)
{
	uint32_t j = fr / 65536, w = fr % 65536;
	uint64_t lo = exp2_entry(j), hi = exp2_entry(j + 1);

	return (uint32_t)(lo + ((hi - lo) * w + 32768) / 65536);
}

void vref_sigmoid(float g, uint64_t *r, uint32_t *sh)
{
	long double gq = roundl(ldexpl(fabsl((long double)g), 24));	/* half away */
	s128 t, i, dm;
	int64_t gi;

	if (gq > (long double)(1 << 30))
		gq = (long double)(1 << 30);
	gi = (int64_t)gq;
	if (g < 0)
		gi = -gi;
	t = rshift_round(-(s128)gi * 1549082005, 30);
	i = floor_shift(t, 24);
	if (i >= 0) {
		dm = vref_exp2_frac((uint32_t)(t - i * (1 << 24))) +
		     (s128)rha((u128)1 << 30, (int)i);
		*sh = (uint32_t)i;
	} else {
		dm = (1 << 30) + (s128)rha(vref_exp2_frac((uint32_t)(t - i * (1 << 24))), (int)-i);
		*sh = 0;
	}
	*r = (uint64_t)(((u128)1 << 62) / (u128)dm);
}

/* Exact sum rounded to 24 bits (double rounding through binary64 is innocuous for +). */
float vref_add(float a, float b)
{
	double s = (double)a + (double)b, fr, mant;
	int e;

	if (s == 0.0)
		return 0.0f;
	fr = frexp(fabs(s), &e);
	mant = nearbyint(ldexp(fr, 24));	/* nearest-even in the default mode */
	if (mant == 16777216.0) {
		mant = 8388608.0;
		e++;
	}
	if (e - 1 < -126)
		return 0.0f;
	if (e - 1 > 127)
		return copysignf(FLT_MAX, (float)s);
	return (float)copysign(ldexp(mant, e - 24), s);
}

float vref_silu_mul(float g, float u)
{
	struct rsplit sg = rsplit(g), su = rsplit(u);
	uint64_t r;
	uint32_t sh;
	s128 a1, acc;

	if (sg.m == 0 || su.m == 0)
		return 0.0f;
	vref_sigmoid(g, &r, &sh);
	a1 = rshift_round((s128)sg.m * r, 24);
	acc = a1 * (s128)su.m;
	if (sg.neg != su.neg)
		acc = -acc;
	return ref_to_f32((int64_t)acc, 8 + (int64_t)sh - sg.f - su.f);
}

void vref_rope_pair(float x0, float x1, int32_t c, int32_t s, float *y0, float *y1)
{
	struct rsplit a = rsplit(x0), b = rsplit(x1);
	s128 cq = c, sq = s, v0, v1;
	int fe;

	cq = cq > (1 << 30) ? (1 << 30) : cq < -(1 << 30) ? -(1 << 30) : cq;
	sq = sq > (1 << 30) ? (1 << 30) : sq < -(1 << 30) ? -(1 << 30) : sq;
	if (!a.m && !b.m) {
		*y0 = 0.0f;
		*y1 = 0.0f;
		return;
	}
	fe = !a.m ? b.f : !b.m ? a.f : (a.f > b.f ? a.f : b.f);
	/* mantissas at exponent F - 7: exact left shifts or round half away */
	v0 = a.m ? (s128)rha(a.m, fe - a.f - 7) : 0;
	v1 = b.m ? (s128)rha(b.m, fe - b.f - 7) : 0;
	if (a.neg)
		v0 = -v0;
	if (b.neg)
		v1 = -v1;
	*y0 = ref_to_f32((int64_t)(v0 * cq - v1 * sq), 37 - (int64_t)fe);
	*y1 = ref_to_f32((int64_t)(v0 * sq + v1 * cq), 37 - (int64_t)fe);
}

/* RMSNorm of one row x into y. */
static void ref_rmsnorm(const struct fllm_vector_params *p, const uint8_t *mem,
			const float *x /* (n) */, float *y /* (n) */)
{
	int32_t ew, e;
	int fmax = 0, any = 0;
	u128 s = 0;
	uint32_t r;
	float eps;

	for (uint32_t i = 0; i < p->n; i++) {
		struct rsplit v = rsplit(x[i]);

		if (v.m && (!any || v.f > fmax))
			fmax = v.f;
		any |= v.m != 0;
	}
	if (!any) {
		memset(y, 0, p->n * sizeof(*y));
		return;
	}
	for (uint32_t i = 0; i < p->n; i++) {
		struct rsplit v = rsplit(x[i]);
		u128 a = v.m ? rha(v.m, fmax - v.f) : 0;

		s += a * a;
	}
	if (s >> 64)
		abort();	/* the doc's bound says this cannot happen */
	memcpy(&eps, &p->eps, 4);
	vref_rms_scale((uint64_t)s, 2 * fmax, p->n, eps, &r, &e);
	memcpy(&ew, mem + p->weight_addr, 4);
	for (uint32_t i = 0; i < p->n; i++) {
		struct rsplit v = rsplit(x[i]);
		int16_t wm;
		s128 c, acc;

		memcpy(&wm, mem + p->weight_addr + 64 + 2ull * i, 2);
		c = rshift_round((s128)r * wm, 15);
		acc = (s128)v.m * c;
		if (v.neg)
			acc = -acc;
		y[i] = ref_to_f32((int64_t)acc, 16 + (int64_t)e + ew - v.f);
	}
}

/* Compute row r into y (n). */
static void ref_row(const struct fllm_vector_params *p, const uint8_t *mem, uint32_t r,
		    float *x /* (n) */, float *y /* (n) */, uint64_t *nf)
{
	uint64_t in = p->in_addr + r * p->in_stride, in2 = p->in2_addr + r * p->in2_stride;

	if (p->op == FLLM_VECTOR_OP_DEQUANT) {
		uint32_t xo = fllm_lutgemm_act_xq_offset(p->n, p->group);
		int32_t ex;

		memcpy(&ex, mem + in, 4);
		for (uint32_t k = 0; k < p->n; k++) {
			uint16_t msx;

			memcpy(&msx, mem + in + 8 + 2 * (k / p->group), 2);
			y[k] = ref_to_f32((int64_t)(int8_t)mem[in + xo + k] * msx, ex);
		}
		return;
	}
	for (uint32_t i = 0; i < p->n; i++)
		x[i] = ref_f32_input(mem, in + 4ull * i, nf);
	switch (p->op) {
	case FLLM_VECTOR_OP_COPY:
		memcpy(y, x, p->n * sizeof(*y));
		break;
	case FLLM_VECTOR_OP_RMSNORM:
		ref_rmsnorm(p, mem, x, y);
		break;
	case FLLM_VECTOR_OP_ROPE: {
		uint64_t row = p->table_addr + ((uint64_t)p->pos + r) *
			       fllm_lutgemm_align(4ull * p->head_dim);

		for (uint32_t i = 0; i < p->n; i += 2) {
			uint32_t pair = (i % p->head_dim) / 2;
			int32_t c, s;

			memcpy(&c, mem + row + 8ull * pair, 4);
			memcpy(&s, mem + row + 8ull * pair + 4, 4);
			vref_rope_pair(x[i], x[i + 1], c, s, &y[i], &y[i + 1]);
		}
		break;
	}
	case FLLM_VECTOR_OP_SILU_MUL:
	case FLLM_VECTOR_OP_ADD:
		for (uint32_t i = 0; i < p->n; i++) {
			float b = ref_f32_input(mem, in2 + 4ull * i, nf);

			y[i] = p->op == FLLM_VECTOR_OP_ADD ? vref_add(x[i], b) :
				vref_silu_mul(x[i], b);
		}
		break;
	default:
		abort();
	}
}

uint64_t vref_run(const struct fllm_vector_params *p, uint8_t *mem /* card memory image */)
{
	uint32_t groups = p->group ? fllm_lutgemm_groups(p->n, p->group) : 0;
	float *x = malloc(p->n * sizeof(*x));		/* (n) */
	float *y = malloc(p->n * sizeof(*y));		/* (n) */
	uint16_t *msx = malloc((groups + 1) * sizeof(*msx));	/* (groups) */
	int8_t *xq = malloc((size_t)groups * p->group + 1);	/* (groups * g) */
	uint64_t nf = 0;

	if (!x || !y || !msx || !xq)
		abort();
	for (uint32_t r = 0; r < p->rows; r++) {
		uint64_t out = p->out_addr + r * p->out_stride;

		ref_row(p, mem, r, x, y, &nf);
		if (p->flags & FLLM_VECTOR_F_QUANT) {
			int32_t ex;

			if (fllm_lutgemm_act_quantize(p->n, p->group, y, &ex, msx, xq) !=
			    FLLM_CARD_OK)
				abort();
			fllm_lutgemm_act_write(mem + out, p->n, p->group, ex, msx, xq);
		} else {
			for (uint32_t i = 0; i < p->n; i++)
				wr_f32(mem, out + 4ull * i, y[i]);
		}
	}
	free(x);
	free(y);
	free(msx);
	free(xq);
	return nf;
}
