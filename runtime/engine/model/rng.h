/*
 * The engine's pseudo-random numbers: SplitMix64 (Steele, Lea, Flood,
 * "Fast splittable pseudorandom number generators", 2014). Small, fast and
 * fully determined by its seed on every platform.
 */
#ifndef FLLM_ENGINE_RNG_H
#define FLLM_ENGINE_RNG_H

#include <stdint.h>

static inline uint64_t fllm_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 24 random bits (every value exact in fp32). */
static inline float fllm_rng_f32(uint64_t *state)
{
	return (float)(fllm_rng_next(state) >> 40) * 0x1p-24f;
}

#endif /* FLLM_ENGINE_RNG_H */
