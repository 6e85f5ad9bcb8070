/*
 * fp32 -> card-form helpers the encoders share (docs/numerics.md "Weight
 * scales", "Activations", "Vector unit"): a finite value as mantissa and
 * exponent, the largest magnitude of a vector, and the rounding of a value
 * to a 16-bit mantissa with a common exponent. Exact integer arithmetic, so
 * every encoder rounds as the card does.
 */
#ifndef FLLM_CARDPACK_F32_H
#define FLLM_CARDPACK_F32_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fllm_card.h"

/* A finite nonzero |v| as m * 2^f with m in [2^23, 2^24). */
static inline void fllm_cardpack_f32_split(float v, uint32_t *m, int32_t *f)
{
	uint32_t bits, ef;

	memcpy(&bits, &v, sizeof(bits));
	ef = bits >> 23 & 0xffu;
	*m = bits & 0x7fffffu;
	if (ef) {
		*m |= 1u << 23;
		*f = (int32_t)ef - 150;
		return;
	}
	*f = -149;
	while (*m < (1u << 23)) {
		*m <<= 1;
		(*f)--;
	}
}

/*
 * round_half_away(v * 2^s) for finite v when the result fits 16 bits (the
 * caller's exponent guarantees |v| * 2^s < 32767.5, so m is shifted right).
 */
static inline int16_t fllm_cardpack_f32_to_mant(float v, int32_t s)
{
	uint32_t m, sh, r;
	int32_t f;

	if (v == 0.0f)
		return 0;
	fllm_cardpack_f32_split(v, &m, &f);
	sh = (uint32_t)(-(f + s));
	r = sh >= 25 ? 0 : (m + (1u << (sh - 1))) >> sh;
	return (int16_t)(v < 0 ? -(int32_t)r : (int32_t)r);
}

/* Largest e with round_half_away(|v| * 2^e) <= 32767, for v != 0. */
static inline int32_t fllm_cardpack_f32_mant_exp(float v)
{
	uint32_t m;
	int32_t f;

	fllm_cardpack_f32_split(v, &m, &f);
	return m < 16776960u ? -9 - f : -10 - f;
}

/* *amax = max |x[i]|; FLLM_CARD_ERR_PARAM (*amax unset) if a value is not finite. */
static inline enum fllm_card_err fllm_cardpack_f32_absmax(const float *x /* (n) */, uint32_t n,
							  float *amax)
{
	float v = 0.0f;

	for (uint32_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return FLLM_CARD_ERR_PARAM;
		if (fabsf(x[i]) > v)
			v = fabsf(x[i]);
	}
	*amax = v;
	return FLLM_CARD_OK;
}

#endif /* FLLM_CARDPACK_F32_H */
