/*
 * Plain scalar reference of FLLM_OP_LUTGEMM, written from docs/numerics.md
 * alone: it parses the records with its own offset arithmetic, rebuilds the
 * integer weights of each group and takes ordinary dot products (no tables),
 * accumulates in 128 bits, and converts to fp32 through long double.
 */
#ifndef FLLM_LUTGEMM_REF_H
#define FLLM_LUTGEMM_REF_H

#include <stdint.h>
#include "fllm_lutgemm.h"

/* Largest magnitudes the reference saw, to check the bounds of the doc. */
struct ref_peaks {
	uint64_t acc;		/* max |acc_G| */
	uint64_t prod;		/* max |p_G| */
	uint64_t yacc;		/* max |y_acc| (also of every partial sum) */
};

/* y[n][r] for the command described by p over card memory mem. */
void ref_lutgemm(const uint8_t *mem /* card memory, bytes */,
		 const struct fllm_lutgemm_params *p, float *y /* (n_tokens, m) */,
		 struct ref_peaks *peaks);

/* value * 2^-shift rounded as the doc says, computed with the FPU. */
float ref_to_f32(int64_t value, int64_t shift);

/* floor((p + 2^(s-1)) / 2^s), by division. */
int64_t ref_rshift_round(int64_t p, uint32_t s);

#endif /* FLLM_LUTGEMM_REF_H */
