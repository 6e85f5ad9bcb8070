/*
 * The tests' random draws, all from the engine's SplitMix64 generator
 * (fllm_rng_next, runtime/engine/model/rng.h): fully determined by the
 * seed, so a printed seed replays a failing case.
 */
#ifndef FLLM_TEST_RNG_H
#define FLLM_TEST_RNG_H

#include <math.h>
#include <stdint.h>

#include "rng.h"

/* Uniform in [0, 1) with 53 random bits. */
static inline double test_rng_unit(uint64_t *state)
{
	return (double)(fllm_rng_next(state) >> 11) / 9007199254740992.0;
}

/* Uniform in [-1, 1) with 53 random bits, rounded to fp32. */
static inline float test_rng_f32_signed(uint64_t *state)
{
	return (float)((double)(fllm_rng_next(state) >> 11) * 0x1p-52 - 1.0);
}

/* A standard normal variate (Box-Muller). */
static inline double test_rng_normal(uint64_t *state)
{
	double u = test_rng_unit(state), v = test_rng_unit(state);

	return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

#endif /* FLLM_TEST_RNG_H */
