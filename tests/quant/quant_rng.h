/*
 * Deterministic random numbers for the quantizer tests and tools: a
 * xorshift64* generator, uniform floats and a rough normal (sum of 4
 * uniforms, enough to give weight-like bell-shaped groups).
 */
#ifndef FLLM_QUANT_RNG_H
#define FLLM_QUANT_RNG_H

#include <stdint.h>

struct quant_rng {
	uint64_t s;
};

/* Next 64 random bits. */
static inline uint64_t quant_rng_u64(struct quant_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, 1). */
static inline float quant_rng_unit(struct quant_rng *r)
{
	return (float)(quant_rng_u64(r) >> 40) * 0x1p-24f;
}

/* Roughly normal, mean 0, standard deviation 1. */
static inline float quant_rng_normal(struct quant_rng *r)
{
	float s = 0.0f;

	for (int i = 0; i < 4; i++)
		s += quant_rng_unit(r);
	return (s - 2.0f) * 1.7320508f;
}

/* Fill w (n) with normal values times scale. */
static inline void quant_rng_fill(struct quant_rng *r, float *w, uint64_t n, float scale)
{
	for (uint64_t i = 0; i < n; i++)
		w[i] = quant_rng_normal(r) * scale;
}

#endif /* FLLM_QUANT_RNG_H */
