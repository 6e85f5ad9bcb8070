/*
 * Private helpers of the vector-unit files in hls/: fp32 input handling,
 * the per-element operations, the operand sizes each op uses, and the
 * field checks shared by the unit and the host-side block builder.
 */
#ifndef FLLM_VECTOR_INTERNAL_H
#define FLLM_VECTOR_INTERNAL_H

#include <stdint.h>
#include "fllm_vector.h"
#include "lutgemm_internal.h"

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

/* Bytes a region of rows rows of row_bytes, stride apart, spans (rows >= 1). */
static inline uint64_t fllm_vec_span(uint32_t rows, uint64_t stride, uint64_t row_bytes)
{
	return (uint64_t)(rows - 1) * stride + row_bytes;
}

/*
 * One operand region of a unit's parameter block: rows rows of row_bytes,
 * stride apart, from addr (a plain range: rows 1, stride 0). Only used
 * regions are checked; only strided ones (rows of a tensor) have their
 * stride checked against row_bytes. len is set by fllm_regions_place.
 */
struct fllm_region {
	uint64_t addr, stride, row_bytes, len;
	uint32_t rows;
	int used, strided;
};

/*
 * The placement checks the vector and attention units share, in their
 * order: every used address and stride a multiple of align (ALIGN), every
 * strided stride at least its row (SIZE), every used region inside a
 * memory of mem_bytes, checked without overflow (ADDR). Sets each len.
 */
static inline enum fllm_card_err fllm_regions_place(struct fllm_region *rg /* (n) */,
						    uint32_t n, uint64_t align,
						    uint64_t mem_bytes)
{
	for (uint32_t i = 0; i < n; i++)
		if (rg[i].used && (rg[i].addr % align || rg[i].stride % align))
			return FLLM_CARD_ERR_ALIGN;
	for (uint32_t i = 0; i < n; i++)
		if (rg[i].used && rg[i].strided && rg[i].stride < rg[i].row_bytes)
			return FLLM_CARD_ERR_SIZE;
	for (uint32_t i = 0; i < n; i++) {
		if (!rg[i].used)
			continue;
		/* a stride within memory keeps the span below 2^64 (rows <= 2^16) */
		if (rg[i].stride > mem_bytes)
			return FLLM_CARD_ERR_ADDR;
		rg[i].len = fllm_vec_span(rg[i].rows, rg[i].stride, rg[i].row_bytes);
		if (!fllm_lg_range_ok(rg[i].addr, rg[i].len, mem_bytes))
			return FLLM_CARD_ERR_ADDR;
	}
	return FLLM_CARD_OK;
}

/*
 * Checks 2-5 of docs/numerics.md "Vector unit: validation": everything
 * that does not depend on addresses (vector_params.c).
 */
enum fllm_card_err fllm_vec_check_fields(const struct fllm_vector_params *p);

#endif /* FLLM_VECTOR_INTERNAL_H */
