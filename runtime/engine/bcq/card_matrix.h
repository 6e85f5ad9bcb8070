/*
 * A weight matrix in the LUT-GEMM unit's card layout (docs/numerics.md
 * section 5): BCQ row records of row_bytes each, split into `slices` slices
 * stored back to back, row r being record r / slices of slice r % slices.
 * Packages store matrices this way (package_format.h); the card executor
 * re-slices them for the card's memory channels at upload.
 */
#ifndef FLLM_ENGINE_CARD_MATRIX_H
#define FLLM_ENGINE_CARD_MATRIX_H

#include <stdint.h>

#include "engine_error.h"
#include "fllm/fllm_package.h"
#include "model.h"

struct card_matrix {
	uint32_t m, k;			/* rows (outputs), inputs */
	uint32_t group, planes;		/* g, q */
	uint32_t flags;			/* FLLM_LUTGEMM_F_* */
	uint32_t slices;		/* 1..32, <= m */
	uint32_t row_bytes;		/* fllm_lutgemm_row_bytes(k, group, planes) */
	const uint8_t *data;		/* (m, row_bytes) records, slice by slice */
	uint8_t *owned;			/* data when allocated here, else NULL */
};

/* The record of row r. */
const uint8_t *card_matrix_row(const struct card_matrix *cm, uint32_t r);
/* Bytes of the whole matrix (m * row_bytes). */
uint64_t card_matrix_bytes(const struct card_matrix *cm);
void card_matrix_release(struct card_matrix *cm);

/*
 * Check row record rec of cm's shape: reserved bytes, padding and the sign
 * bits of inputs >= k are 0, and so is zq without FLLM_LUTGEMM_F_OFFSET.
 * FLLM_E_FORMAT naming the first offending byte (what and where).
 */
fllm_status card_row_check(const struct card_matrix *cm, const uint8_t *rec, uint32_t r,
			   const char *name, struct fllm_err *err);

/*
 * The card's weights of row r as fp32: (sum_i +-a_i + zq) * 2^-(E_r + d),
 * exact (the integer weight has at most 19 bits). FLLM_E_FORMAT when an
 * exponent puts a weight outside the finite fp32 range.
 */
fllm_status card_row_dequant(const struct card_matrix *cm, uint32_t r, float *out /* (k) */,
			     const char *name, struct fllm_err *err);
/* card_row_dequant's check alone, in O(groups) for rows whose weights are
 * all far from the fp32 limits (tmp: k floats, used for the others). */
fllm_status card_row_finite(const struct card_matrix *cm, uint32_t r, float *tmp /* (k) */,
			    const char *name, struct fllm_err *err);

/*
 * Quantize weight w with q = p->bits, g = p->group into cm with p->slices
 * slices (fewer when w has fewer rows): GGUF Q4_0 / Q8_0 blocks are
 * converted exactly (q = 4 / 8) when g is 32 and p->bits is at least the
 * block's q; everything else goes through the BCQ quantizer from w's fp32
 * values. rep (optional) receives the report of the card weights against
 * w's fp32 values.
 */
fllm_status card_quantize(const struct fllm_weight *w, const char *name,
			  const fllm_quant_params *p, struct card_matrix *cm,
			  fllm_quant_report *rep, struct fllm_err *err);

/* Fill in the defaults of p (0 fields) and check it; FLLM_E_INVALID_ARG. */
fllm_status card_quant_params_resolve(const fllm_quant_params *in, fllm_quant_params *out,
				      struct fllm_err *err);

#endif /* FLLM_ENGINE_CARD_MATRIX_H */
