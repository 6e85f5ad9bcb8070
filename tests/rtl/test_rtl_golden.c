/*
 * The golden tests of tests/lutgemm, run against the RTL unit bit for bit:
 * every g and q with K = 172, K not a multiple of g, a multiple, K = 1;
 * N = 1 and 16; with and without offsets; M = 1; many tiles; 32 slices;
 * the extreme values at K = 65536; exponents that flush and saturate.
 */
#include <string.h>

#include "rtl_diff.h"
#include "rtl_tests.h"
#include "test_main.h"

static void put16(uint8_t *b, int v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)((unsigned)v >> 8);
}

/* Every g and q, K = 172 / 3g + 8 / 2g / 1 / 2g - 1, N = 1 and 16, offsets on and off. */
static void test_golden_shapes(void)
{
	static const uint32_t gs[] = { 16, 32, 64, 128, 256 };
	uint64_t rng = 1;
	uint32_t i = 0;

	for (uint32_t gi = 0; gi < 5; gi++) {
		for (uint32_t q = 1; q <= 8; q++, i++) {
			uint32_t g = gs[gi];
			uint32_t ks[] = { 172, 3 * g + 8, 2 * g, 1, 2 * g - 1 };
			struct lg_shape s;

			s.g = g;
			s.q = q;
			s.k = ks[i % 5];
			s.m = 1 + (uint32_t)(lg_rand(&rng) % 70);
			s.n = i % 2 ? 16 : 1;
			s.offset = (i / 2) % 2;
			s.slices = 1 + (uint32_t)(lg_rand(&rng) % (s.m < 5 ? s.m : 5));
			CU_ASSERT(rtl_diff_random(&s, 1000 + i, "every g and q") == 0);
		}
	}
}

/* M = 1; many tiles with 32 slices and N = 32; K = 172 with every g; > 256 rows per slice. */
static void test_golden_edges(void)
{
	static const struct lg_shape shapes[] = {
		{ 1, 172, 32, 4, 1, 1, 1 },
		{ 1, 172, 16, 8, 0, 16, 1 },
		{ 130, 172, 32, 3, 1, 32, 32 },
		{ 600, 172, 16, 2, 1, 4, 5 },
		{ 65, 300, 64, 2, 0, 16, 7 },
		{ 64, 172, 256, 5, 1, 2, 3 },
		{ 3, 172, 128, 1, 1, 16, 3 },
		{ 700, 256, 128, 4, 1, 1, 2 },		/* two tiles per engine */
		{ 40, 9000, 128, 3, 1, 1, 4 },		/* three K-blocks */
		{ 9, 5000, 16, 2, 1, 5, 2 },		/* many K-blocks, g = 16 */
	};

	for (uint32_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		CU_ASSERT(rtl_diff_random(&shapes[i], 77 + i, "edges") == 0);
}

/*
 * The largest magnitudes (as tests/lutgemm): xq = +127 / -127 / -128 per
 * token, mantissas +-32767 and -32768 with matching plane bits, msx = 65535,
 * K = 65536, d = 0 (or 40..42).
 */
static void rtl_extreme(uint32_t g, uint32_t shrink)
{
	struct lg_case c;

	CU_ASSERT_FATAL(lg_case_init_extreme(&c, g, shrink) == 0);
	CU_ASSERT(rtl_diff(&c, shrink ? "extreme, d = 40..42" : "extreme, d = 0", NULL,
			   NULL) == 0);
	lg_case_free(&c);
}

static void test_golden_extreme(void)
{
	rtl_extreme(256, 0);
	rtl_extreme(64, 1);
}

/* g = 16 at K = 65536 is 410 K-blocks at N = 3 (about 160k cycles): rtl-long only. */
static void test_golden_extreme_g16(void)
{
	rtl_extreme(16, 0);
}

/* Exponent sums far out of range: outputs flush to +0 or saturate, as the golden model. */
static void test_golden_out_of_range(void)
{
	struct lg_shape s = { 40, 172, 32, 4, 1, 4, 3 };
	static const int16_t es[] = { -32768, 32767, -150, 140, 100, -100, 0, -20 };
	static const int32_t exs[] = { -2147483647 - 1, 2147483647, -60, 60 };
	struct lg_case c;
	uint64_t rng = 5;

	CU_ASSERT_FATAL(lg_case_init(&c, &s, 4242) == 0);
	lg_case_randomize(&c, &rng);
	for (uint32_t r = 0; r < s.m; r++)
		put16(c.mem + lg_case_row(&c, r), es[r % 8]);
	for (uint32_t n = 0; n < s.n; n++)
		memcpy(c.mem + lg_case_act(&c, n), &exs[n], 4);
	CU_ASSERT(rtl_diff(&c, "flush and saturation", NULL, NULL) == 0);
	lg_case_free(&c);
}

CU_TestInfo rtl_golden_tests[] = {
	{ "every g and q, random shapes", test_golden_shapes },
	{ "M = 1, tiles, K-blocks, 32 slices, N = 32", test_golden_edges },
	{ "extreme values at K = 65536, g = 256 and 64", test_golden_extreme },
	{ "flush and saturation", test_golden_out_of_range },
	CU_TEST_INFO_NULL,
};

CU_TestInfo rtl_golden_long_tests[] = {
	{ "extreme values at K = 65536, g = 16", test_golden_extreme_g16 },
	CU_TEST_INFO_NULL,
};
