/*
 * Alternating least-squares refinement of one group's BCQ fit (Xu et al.,
 * "Alternating Multi-bit Quantization for Recurrent Neural Networks",
 * ICLR 2018): with the signs fixed, (alpha, z) is a linear least-squares
 * problem; with (alpha, z) fixed, each weight takes the nearest of the 2^q
 * representable values. Neither step can raise the error.
 */
#include <string.h>

#include "bcq_internal.h"

#define BCQ_CODES (1u << FLLM_BCQ_PLANES_MAX)

/* The 2^q values of one (alpha, z), sorted, with their codes and midpoints. */
struct bcq_table {
	uint32_t size;			/* 2^q */
	float value[BCQ_CODES];		/* (size) ascending */
	uint8_t code[BCQ_CODES];	/* (size) code of value[j] */
	double mid[BCQ_CODES];		/* (size - 1) (value[j] + value[j + 1]) / 2, exact */
};

/*
 * Build the sorted table plane by plane: the partial sums of planes 0..i are
 * the merge of (sums of 0..i-1) - alpha_i and (sums of 0..i-1) + alpha_i,
 * both already sorted, so no sort is needed. The fp32 operations are those
 * of bcq_code_value, so every value equals what the dequantizer produces.
 */
static void bcq_table_build(const float *alpha, float z, uint32_t planes, struct bcq_table *t)
{
	float sum[BCQ_CODES], next[BCQ_CODES];
	uint8_t code[BCQ_CODES], next_code[BCQ_CODES];
	uint32_t len = 1;

	sum[0] = 0.0f;
	code[0] = 0;
	for (uint32_t i = 0; i < planes; i++) {
		uint32_t lo = 0, hi = 0, o = 0;
		uint8_t bit = (uint8_t)(1u << i);

		while (lo < len || hi < len) {
			float vlo = lo < len ? sum[lo] + -alpha[i] : 0.0f;
			float vhi = hi < len ? sum[hi] + alpha[i] : 0.0f;

			if (hi >= len || (lo < len && vlo <= vhi)) {
				next[o] = vlo;
				next_code[o++] = code[lo++];
			} else {
				next[o] = vhi;
				next_code[o++] = (uint8_t)(code[hi++] | bit);
			}
		}
		len *= 2;
		memcpy(sum, next, len * sizeof(float));
		memcpy(code, next_code, len);
	}
	t->size = len;
	for (uint32_t j = 0; j < len; j++) {
		t->value[j] = sum[j] + z;
		t->code[j] = code[j];
	}
	for (uint32_t j = 0; j + 1 < len; j++)
		t->mid[j] = ((double)t->value[j] + t->value[j + 1]) * 0.5;
}

/*
 * Give each weight of w (n) the code of its nearest table value (ties to the
 * lower value), by binary search on the midpoints. Returns the squared error;
 * *changed is set when some code differs from what code (n) held before.
 */
static double bcq_table_assign(const struct bcq_table *t, const float *w, uint32_t n,
			       uint8_t *code, int *changed)
{
	double sse = 0.0;

	*changed = 0;
	for (uint32_t k = 0; k < n; k++) {
		double x = w[k], d;
		uint32_t j = 0;

		/* j = number of midpoints below x; branch-free steps of size/2, size/4, .. */
		for (uint32_t step = t->size / 2; step; step /= 2)
			j += x > t->mid[j + step - 1] ? step : 0;
		if (code[k] != t->code[j]) {
			code[k] = t->code[j];
			*changed = 1;
		}
		d = x - t->value[j];
		sse += d * d;
	}
	return sse;
}

/*
 * Least-squares (alpha, z) for fixed signs. The normal equations are built
 * from a histogram of the codes, so the cost is O(n + distinct codes * q^2).
 * Unknowns: alpha_0..alpha_{q-1}, then z when offset.
 */
static void bcq_als_scales(const float *w, uint32_t n, uint32_t planes, int offset,
			   const uint8_t *code, float *alpha, float *z)
{
	enum { NV = FLLM_BCQ_PLANES_MAX + 1 };
	double count[BCQ_CODES], sum[BCQ_CODES];		/* (2^q) per code */
	double a[NV * NV] = { 0 }, b[NV] = { 0 }, x[NV];	/* (nv, nv), (nv), (nv) */
	uint32_t nv = planes + (offset ? 1 : 0);

	memset(count, 0, sizeof(double) << planes);
	memset(sum, 0, sizeof(double) << planes);
	for (uint32_t k = 0; k < n; k++) {
		count[code[k]] += 1.0;
		sum[code[k]] += w[k];
	}
	for (unsigned c = 0; c < (1u << planes); c++) {
		double s[NV];

		if (count[c] == 0.0)
			continue;
		for (uint32_t i = 0; i < planes; i++)
			s[i] = (c >> i) & 1 ? 1.0 : -1.0;
		s[planes] = 1.0;
		for (uint32_t i = 0; i < nv; i++) {
			b[i] += sum[c] * s[i];
			for (uint32_t j = 0; j <= i; j++)
				a[i * nv + j] += count[c] * s[i] * s[j];
		}
	}
	for (uint32_t i = 0; i < nv; i++)
		for (uint32_t j = i + 1; j < nv; j++)
			a[i * nv + j] = a[j * nv + i];
	bcq_lsq_solve(a, b, nv, x);
	for (uint32_t i = 0; i < planes; i++)
		alpha[i] = (float)x[i];
	*z = offset ? (float)x[planes] : 0.0f;
}

/*
 * Run up to `iterations` rounds of (scales, then nearest codes) from the
 * start in fit; stop early at a fixed point. fit ends as the best seen,
 * which is never worse than the start.
 */
void bcq_fit_refine(const float *w, uint32_t n, uint32_t planes, int offset,
		    uint32_t iterations, struct bcq_fit *fit)
{
	struct bcq_fit cur = *fit;
	struct bcq_table table;

	for (uint32_t it = 0; it < iterations; it++) {
		int changed;

		bcq_als_scales(w, n, planes, offset, cur.code, cur.alpha, &cur.z);
		bcq_table_build(cur.alpha, cur.z, planes, &table);
		cur.sse = bcq_table_assign(&table, w, n, cur.code, &changed);
		if (cur.sse < fit->sse)
			*fit = cur;
		if (!changed)
			break;
	}
}

/* Make every alpha >= 0 by flipping its plane's signs: same values, bit for bit. */
void bcq_fit_canonicalize(uint32_t n, uint32_t planes, struct bcq_fit *fit)
{
	for (uint32_t i = 0; i < planes; i++) {
		if (fit->alpha[i] == 0.0f) {
			fit->alpha[i] = 0.0f;
		} else if (fit->alpha[i] < 0.0f) {
			fit->alpha[i] = -fit->alpha[i];
			for (uint32_t k = 0; k < n; k++)
				fit->code[k] ^= (uint8_t)(1u << i);
		}
	}
}
