/*
 * Private pieces of the BCQ quantizer: the per-group fit (one row's group of
 * n <= 256 real inputs, never padding) and the small least-squares solver.
 */
#ifndef FLLM_BCQ_INTERNAL_H
#define FLLM_BCQ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fllm_bcq.h"

/* 1 when g is an allowed group size. */
int bcq_group_valid(uint32_t group);

/* One group's BCQ code: w_hat[k] = sum_i alpha[i] * (bit i of code[k] ? 1 : -1) + z. */
struct bcq_fit {
	float alpha[FLLM_BCQ_PLANES_MAX];	/* (q) plane scales */
	float z;				/* offset, 0 without offset */
	double sse;				/* squared error over the group */
	uint8_t code[FLLM_BCQ_GROUP_MAX];	/* (n) bit i = sign of plane i, 1 = +1 */
};

/* Value of one code, with the same fp32 operations as fllm_bcq_dequantize_row. */
float bcq_code_value(const float *alpha, float z, uint32_t planes, unsigned code);

/* Squared error of fit over w (n). */
double bcq_fit_sse(const float *w, uint32_t n, uint32_t planes, const struct bcq_fit *fit);

/* Greedy residual binarization of w (n), after taking out z (when offset). */
void bcq_fit_greedy(const float *w, uint32_t n, uint32_t planes, int offset,
		    enum fllm_bcq_center center, struct bcq_fit *fit);

/* Uniform round-to-nearest of w (n) as BCQ: asymmetric with offset, else symmetric. */
void bcq_fit_uniform(const float *w, uint32_t n, uint32_t planes, int offset,
		     struct bcq_fit *fit);

/* Alternating least-squares rounds on fit (in: a start, out: the best seen). */
void bcq_fit_refine(const float *w, uint32_t n, uint32_t planes, int offset,
		    uint32_t iterations, struct bcq_fit *fit);

/* Flip planes with negative alpha so that every alpha >= 0 (w_hat unchanged). */
void bcq_fit_canonicalize(uint32_t n, uint32_t planes, struct bcq_fit *fit);

/*
 * Least squares through the normal equations: a (n, n) symmetric positive
 * semi-definite, row-major, b (n); x (n) gets a solution. Columns that are
 * (numerically) dependent on earlier ones get 0, which still minimises the
 * residual. n <= FLLM_BCQ_PLANES_MAX + 1.
 */
void bcq_lsq_solve(const double *a, const double *b, uint32_t n, double *x);

/*
 * Store a uniform group w = s * (c - zp) exactly as BCQ with offset at
 * (row, group index gi) of m: code (n) values in [0, 2^q - 1]. A negative s
 * is folded into the codes so that every alpha is >= 0.
 */
void bcq_store_uniform_group(fllm_bcq *m, uint32_t row, uint32_t gi, const uint8_t *code,
			     uint32_t n, float s, float zp);

#endif /* FLLM_BCQ_INTERNAL_H */
