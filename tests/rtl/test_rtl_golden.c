/*
 * The golden tests of tests/lutgemm, run against the RTL unit bit for bit:
 * every g and q with K = 172, K not a multiple of g, a multiple, K = 1;
 * N = 1 and 16; with and without offsets; M = 1; many tiles; 32 slices;
 * the extreme values at K = 65536; exponents that flush and saturate.
 */
#include "rtl_diff.h"
#include "rtl_tests.h"
#include "test_main.h"

/* Every g and q, K = 172 / 3g + 8 / 2g / 1 / 2g - 1, N = 1 and 16, offsets on and off. */
static void test_golden_shapes(void)
{
	uint64_t rng = 1;

	for (uint32_t i = 0; i < LG_GOLDEN_SHAPES; i++) {
		struct lg_shape s;

		lg_golden_shape(&s, i, &rng, 70, 5);
		CU_ASSERT(rtl_diff_random(&s, 1000 + i, "every g and q") == 0);
	}
}

/* The edge shapes of tests/lutgemm, then more than 256 rows per slice and K-blocks. */
static void test_golden_edges(void)
{
	static const struct lg_shape more[] = {
		{ 700, 256, 128, 4, 1, 1, 2 },		/* two tiles per engine */
		{ 40, 9000, 128, 3, 1, 1, 4 },		/* three K-blocks */
		{ 9, 5000, 16, 2, 1, 5, 2 },		/* many K-blocks, g = 16 */
	};

	for (uint32_t i = 0; i < LG_EDGE_SHAPES; i++)
		CU_ASSERT(rtl_diff_random(&lg_edge_shapes[i], 77 + i, "edges") == 0);
	for (uint32_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		CU_ASSERT(rtl_diff_random(&more[i], 77 + LG_EDGE_SHAPES + i, "edges") == 0);
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
	struct lg_case c;

	CU_ASSERT_FATAL(lg_case_init_out_of_range(&c) == 0);
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
