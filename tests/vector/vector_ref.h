/*
 * An independent scalar reference of the vector unit, written from
 * docs/numerics.md "Vector unit" alone: libm frexp/ldexp for the fp32
 * fields, 128-bit integers for the exact steps, the C conversion
 * int64 -> float for the final rounding. It shares no code with hls/
 * except the host activation quantizer of section 2.1, which the doc names
 * as the quantizer the unit must reproduce.
 */
#ifndef FLLM_VECTOR_REF_H
#define FLLM_VECTOR_REF_H

#include <stdint.h>

#include "fllm_vector.h"

/*
 * Run the command p (already validated) on the memory image mem, writing
 * its outputs there. Returns the number of non-finite inputs replaced.
 */
uint64_t vref_run(const struct fllm_vector_params *p, uint8_t *mem /* card memory image */);

/* The doc's steps, for the hand-derived tests. */
uint64_t vref_isqrt(uint64_t u);
/* rsqrt(S * 2^f2 / n + eps) as r * 2^(-31 - e). */
void vref_rms_scale(uint64_t s, int32_t f2, uint32_t n, float eps, uint32_t *r, int32_t *e);
/* 2^(fr/2^24) in Q2.30. */
uint32_t vref_exp2_frac(uint32_t fr);
/* sigmoid(g) as r * 2^(-32 - sh). */
void vref_sigmoid(float g, uint64_t *r, uint32_t *sh);
float vref_add(float a, float b);
float vref_silu_mul(float g, float u);
void vref_rope_pair(float x0, float x1, int32_t c, int32_t s, float *y0, float *y1);

#endif /* FLLM_VECTOR_REF_H */
