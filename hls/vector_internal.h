/*
 * Private helpers of the vector-unit files in hls/: fp32 input handling,
 * the per-element operations, the operand sizes each op uses, and the
 * field checks shared by the unit and the host-side block builder.
 */
#ifndef FLLM_VECTOR_INTERNAL_H
#define FLLM_VECTOR_INTERNAL_H

#include <stdint.h>
#include "fllm_vector.h"
#include "unit_regions.h"

/* fp32 bits as the unit uses them: finite values unchanged, Inf -> +-FLT_MAX, NaN -> +0. */
static inline uint32_t fllm_vec_sanitize(uint32_t bits, uint64_t *nonfinite)
{
	if ((bits & 0x7f800000u) != 0x7f800000u)
		return bits;
	(*nonfinite)++;
	if (bits & 0x007fffffu)
		return 0;
	return (bits & 0x80000000u) | 0x7f7fffffu;
}

/* round_half_away(m * 2^-t) for m >= 0, t >= 0: (m + 2^(t-1)) >> t, 0 for t >= 63. */
static inline uint64_t fllm_vec_rha(uint64_t m, uint32_t t)
{
	if (t == 0)
		return m;
	if (t >= 63)
		return 0;
	return (m + ((uint64_t)1 << (t - 1))) >> t;
}

/* fllm_vector_exp2_frac (2^(fr / 2^24) in Q2.30), inline for the datapaths that use it per element. */
static inline uint32_t fllm_vec_exp2_frac(uint32_t fr)
{
	uint32_t j = fr >> 16, w = fr & 0xffffu;
	uint64_t lo = fllm_vector_exp2_table[j];
	uint64_t step = fllm_vector_exp2_table[j + 1] - lo;

	return (uint32_t)(lo + ((step * w + 0x8000u) >> 16));
}

/* The value v split as fllm_vector_f32 as a signed mantissa. */
static inline int64_t fllm_vec_signed(const struct fllm_vector_f32 *v)
{
	return v->neg ? -(int64_t)v->m : (int64_t)v->m;
}

/* fp32 bits of fllm_lutgemm_to_f32(acc, shift). */
static inline uint32_t fllm_vec_to_bits(int64_t acc, int64_t shift)
{
	float y = fllm_lutgemm_to_f32(acc, shift);
	uint32_t bits;

	__builtin_memcpy(&bits, &y, sizeof(bits));
	return bits;
}

/* Per-element operations (vector_elem.c), fp32 bits in and out. */
uint32_t fllm_vec_norm_elem(const struct fllm_vector_f32 *x, uint32_t r, int32_t e, int32_t ew,
			    int16_t wm);
void fllm_vec_rope_pair(const struct fllm_vector_f32 *x0, const struct fllm_vector_f32 *x1,
			int32_t c, int32_t s, uint32_t *y0, uint32_t *y1);
uint32_t fllm_vec_silu_mul(const struct fllm_vector_f32 *g, const struct fllm_vector_f32 *u);
uint32_t fllm_vec_add(const struct fllm_vector_f32 *a, const struct fllm_vector_f32 *b);

/*
 * Quantize y (n fp32 bits, finite) with gmax (per group max |y| bits) into
 * the activation record at card address rec (vector_quant.c).
 */
void fllm_vec_quant_store(uint8_t *mem /* card memory */, uint64_t rec,
			  const uint32_t *y /* (n) */, const uint32_t *gmax /* (groups) */,
			  uint32_t n, uint32_t g);

/*
 * Steps of the quantizer of docs/numerics.md section 2.1 (vector_quant.c,
 * also the attention unit's): the token exponent from the largest
 * magnitude A = m * 2^f (ex = -1 - f, or -2 - f when m > 65535 * 254), the
 * group scale ceil(m / (127 * 2^s)) and the rounded magnitude
 * round_half_away(m / (msx * 2^s)), s = -(f + ex) >= 1.
 */
static inline int32_t fllm_vec_quant_ex(const struct fllm_vector_f32 *amax)
{
	return amax->m <= 16645890u ? -1 - amax->f : -2 - amax->f;
}
uint16_t fllm_vec_quant_scale(uint32_t m, uint32_t s);
uint32_t fllm_vec_quant_mag(uint32_t m, uint32_t s, uint32_t msx);

/*
 * The unit's whole parameter step: the block's placement, a copy of it in
 * *p, its fields and addresses, and the outputs clear of the block
 * (vector.c; the host's fast twin, runtime/cpu, runs the same step).
 */
enum fllm_card_err fllm_vector_fetch_params(const uint8_t *mem /* card memory */,
					    uint64_t mem_bytes, uint64_t params,
					    uint64_t params_bytes, struct fllm_vector_params *p);

/*
 * Checks 2-5 of docs/numerics.md "Vector unit: validation": everything
 * that does not depend on addresses (vector_params.c).
 */
enum fllm_card_err fllm_vec_check_fields(const struct fllm_vector_params *p);

#endif /* FLLM_VECTOR_INTERNAL_H */
