/*
 * The tests' random source: SplitMix64 (Steele, Lea, Flood, 2014), fully
 * determined by its seed, so a printed seed replays a failing case. Every
 * suite that draws random cases uses these, so one seed means one stream.
 */
#ifndef FLLM_TEST_RNG_H
#define FLLM_TEST_RNG_H

#include <math.h>
#include <stdint.h>

/* The next 64 random bits; advances *state. */
static inline uint64_t test_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double test_rng_unit(uint64_t *state)
{
	return (double)(test_rng_next(state) >> 11) / 9007199254740992.0;
}

/* Uniform in [-1, 1) with 53 random bits, rounded to fp32. */
static inline float test_rng_f32_signed(uint64_t *state)
{
	return (float)((double)(test_rng_next(state) >> 11) * 0x1p-52 - 1.0);
}

/* A standard normal variate (Box-Muller). */
static inline double test_rng_normal(uint64_t *state)
{
	double u = test_rng_unit(state), v = test_rng_unit(state);

	return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

#endif /* FLLM_TEST_RNG_H */
