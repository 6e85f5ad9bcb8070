/*
 * Randomized shapes against the golden model: a short default run and a
 * long one (FLLM_RTL_TEST=long, ctest label rtl-long). Every shape is drawn
 * from a seed printed on failure, so a failure replays.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "rtl_diff.h"
#include "rtl_tests.h"
#include "test_main.h"

/* A random legal shape: K up to kmax, M up to mmax, any g, q, N, slices. */
static void draw(struct lg_shape *s, uint64_t *rng, uint32_t kmax, uint32_t mmax,
		 uint32_t nmax)
{
	static const uint32_t gs[] = { 16, 32, 64, 128, 256 };

	s->g = gs[fllm_rng_next(rng) % 5];
	s->q = 1 + (uint32_t)(fllm_rng_next(rng) % 8);
	s->k = 1 + (uint32_t)(fllm_rng_next(rng) % kmax);
	s->m = 1 + (uint32_t)(fllm_rng_next(rng) % mmax);
	s->n = 1 + (uint32_t)(fllm_rng_next(rng) % nmax);
	s->offset = (uint32_t)(fllm_rng_next(rng) % 2);
	s->slices = 1 + (uint32_t)(fllm_rng_next(rng) % (s->m < 32 ? s->m : 32));
}

static void run_random(uint32_t count, uint64_t seed0, uint32_t kmax, uint32_t mmax,
		       uint32_t nmax)
{
	uint64_t rng = seed0;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < count && bad < 3; i++) {
		struct lg_shape s;
		uint64_t seed = seed0 * 1000003 + i;

		draw(&s, &rng, kmax, mmax, nmax);
		if (rtl_diff_random(&s, seed, "random"))
			bad++;
	}
	FLLM_ASSERT_EQ_U64(bad, 0);
}

static void test_random_short(void)
{
	run_random(24, 31, 700, 90, 4);
}

static void test_random_long(void)
{
	const char *env = getenv("FLLM_RTL_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 4711;

	printf("\n  rtl-long: seed %" PRIu64 " (FLLM_RTL_SEED)\n", seed);
	run_random(100, seed, 3000, 200, 8);
	run_random(10, seed + 1, 1000, 100, 32);
}

CU_TestInfo rtl_random_tests[] = {
	{ "24 random shapes", test_random_short },
	CU_TEST_INFO_NULL,
};

CU_TestInfo rtl_long_tests[] = {
	{ "110 random shapes up to K = 3000, M = 200, N = 32", test_random_long },
	CU_TEST_INFO_NULL,
};
