/* The two starting points of the BCQ fit of one group: greedy and uniform. */
#include <math.h>

#include "bcq_internal.h"

/*
 * Squared error of a fit over w (n), through the value table of all 2^q
 * codes so that each value is computed exactly as the dequantizer does.
 */
double bcq_fit_sse(const float *w, uint32_t n, uint32_t planes, const struct bcq_fit *fit)
{
	float value[1u << FLLM_BCQ_PLANES_MAX];	/* (2^q) code -> w_hat */
	double sse = 0.0;

	for (unsigned c = 0; c < (1u << planes); c++)
		value[c] = bcq_code_value(fit->alpha, fit->z, planes, c);
	for (uint32_t k = 0; k < n; k++) {
		double d = (double)w[k] - value[fit->code[k]];

		sse += d * d;
	}
	return sse;
}

/* Smallest and largest of w (n), n >= 1; the weights are finite (checked). */
static void bcq_range(const float *w, uint32_t n, float *lo, float *hi)
{
	*lo = *hi = w[0];
	for (uint32_t k = 1; k < n; k++) {
		*lo = w[k] < *lo ? w[k] : *lo;
		*hi = w[k] > *hi ? w[k] : *hi;
	}
}

/*
 * Greedy binarization (Guo et al., "Network Sketching", 2017; the start used
 * by LUT-GEMM): take out the offset z (the mean or the mid-range), then for
 * each plane in turn b_i = sign(r), alpha_i = mean |r|, r -= alpha_i * b_i.
 * Sign of 0 is +1. The residual follows the fp32 alpha that is stored.
 */
void bcq_fit_greedy(const float *w, uint32_t n, uint32_t planes, int offset,
		    enum fllm_bcq_center center, struct bcq_fit *fit)
{
	double r[FLLM_BCQ_GROUP_MAX];	/* (n) residual */
	double z = 0.0;

	if (offset && center == FLLM_BCQ_CENTER_MIDRANGE) {
		float lo, hi;

		bcq_range(w, n, &lo, &hi);
		z = ((double)lo + hi) * 0.5;
	} else if (offset) {
		for (uint32_t k = 0; k < n; k++)
			z += w[k];
		z /= n;
	}
	fit->z = (float)z;
	for (uint32_t k = 0; k < n; k++) {
		r[k] = (double)w[k] - fit->z;
		fit->code[k] = 0;
	}
	for (uint32_t i = 0; i < planes; i++) {
		double s = 0.0;
		float a;

		for (uint32_t k = 0; k < n; k++)
			s += fabs(r[k]);
		a = (float)(s / n);
		fit->alpha[i] = a;
		for (uint32_t k = 0; k < n; k++) {
			if (r[k] >= 0.0) {
				fit->code[k] |= (uint8_t)(1u << i);
				r[k] -= a;
			} else {
				r[k] += a;
			}
		}
	}
	for (uint32_t i = planes; i < FLLM_BCQ_PLANES_MAX; i++)
		fit->alpha[i] = 0.0f;
	fit->sse = bcq_fit_sse(w, n, planes, fit);
}

/*
 * Uniform round-to-nearest written exactly as BCQ. With an offset it is
 * asymmetric: s = (max - min) / (2^q - 1), c = round((w - min) / s),
 * alpha_i = s * 2^(i-1), z = min + s * (2^q - 1) / 2, b_i = bit i of c.
 * Without an offset the grid is symmetric around 0: s = 2 max|w| / (2^q - 1)
 * and c = round(w / s + (2^q - 1) / 2).
 */
void bcq_fit_uniform(const float *w, uint32_t n, uint32_t planes, int offset,
		     struct bcq_fit *fit)
{
	const float levels = (float)((1u << planes) - 1);
	float lo, hi, s;

	bcq_range(w, n, &lo, &hi);
	if (!offset) {
		hi = fmaxf(fabsf(lo), fabsf(hi));
		lo = -hi;
	}
	s = (hi - lo) / levels;
	for (uint32_t k = 0; k < n; k++) {
		float c = s > 0.0f ? floorf((w[k] - lo) / s + 0.5f) : 0.0f;

		c = c < 0.0f ? 0.0f : c > levels ? levels : c;
		fit->code[k] = (uint8_t)c;
	}
	for (uint32_t i = 0; i < FLLM_BCQ_PLANES_MAX; i++)
		fit->alpha[i] = i < planes ? s * 0.5f * (float)(1u << i) : 0.0f;
	fit->z = offset ? lo + s * levels * 0.5f : 0.0f;
	fit->sse = bcq_fit_sse(w, n, planes, fit);
}
