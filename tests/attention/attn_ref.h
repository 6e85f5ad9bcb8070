/*
 * An independent scalar reference of the attention unit, written from
 * docs/numerics.md "Attention unit" alone: libm frexpf for the fp32
 * fields, 128-bit integers for every exact step, all logits of a query
 * computed before its softmax, the 2^x table rebuilt with exp2l; the
 * input and final-rounding rules of tests/common/ref_fp32.h. It shares no
 * code with hls/.
 */
#ifndef FLLM_ATTN_REF_H
#define FLLM_ATTN_REF_H

#include <stdint.h>

#include "fllm_attention.h"

/*
 * Run the command p (already validated) on the memory image mem, writing
 * its outputs there. Returns the number of non-finite inputs replaced.
 */
uint64_t aref_run(const struct fllm_attention_params *p, uint8_t *mem /* card memory image */);

/* A.2 on d finite floats: int8 values and the scale m * 2^-e. */
void aref_quant(const float *x /* (d) */, uint32_t d, int8_t *q /* (d) */, uint16_t *m,
		int32_t *e);

/* A.4 weight 2^(u/2^24) in Q.22 for u <= 0. */
uint32_t aref_weight(int64_t u);

/* Largest |S| and |N| the reference met since the last reset (bounds of A.6). */
extern unsigned __int128 aref_peak_s, aref_peak_n;

#endif /* FLLM_ATTN_REF_H */
