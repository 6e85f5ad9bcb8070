/*
 * Differential tests: hls/lutgemm.c against the scalar reference, bit for
 * bit, on random shapes and on the extreme values the bounds are proved for.
 */
#include "lutgemm_tests.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lutgemm_case.h"
#include "lutgemm_ref.h"
#include "test_main.h"

/* Bounds of docs/numerics.md "Bounds" for any bit pattern in the records. */
#define BOUND_ACC	(9ull << 30)
#define BOUND_PROD	(1ull << 50)
#define BOUND_YACC	(1ull << 58)

static void print_case(const struct lg_case *c, const char *what)
{
	const struct lg_shape *s = &c->shape;

	fprintf(stderr, "  %s: M=%u K=%u g=%u q=%u offset=%u N=%u slices=%u seed=%" PRIu64 "\n",
		what, s->m, s->k, s->g, s->q, s->offset, s->n, s->slices, c->seed);
}

/*
 * Run the unit on c and compare every output with the reference; also check
 * that nothing outside the outputs changed and the peaks obey the bounds.
 */
static void lg_diff(struct lg_case *c, const char *what)
{
	const struct fllm_lutgemm_params *p = &c->p;
	uint64_t outs = (uint64_t)p->n_tokens * p->m;
	uint8_t *before = malloc(c->mem_bytes);
	float *yref = malloc(outs * sizeof(*yref));
	struct ref_peaks pk;
	enum fllm_card_err err;
	int bad = 0;

	CU_ASSERT_FATAL(before && yref);
	memcpy(before, c->mem, c->mem_bytes);
	ref_lutgemm(c->mem, p, yref, &pk);
	err = fllm_hls_lutgemm_unit(c->mem, c->mem_bytes, 0, sizeof(*p));
	FLLM_ASSERT_STATUS(err, FLLM_CARD_OK);
	for (uint32_t n = 0; n < p->n_tokens && !bad; n++) {
		for (uint32_t r = 0; r < p->m && !bad; r++) {
			uint64_t at = p->out_addr + n * p->out_stride + 4ull * r;
			uint32_t got, want;
			float fg;

			memcpy(&got, c->mem + at, 4);
			memcpy(&want, &yref[(uint64_t)n * p->m + r], 4);
			memcpy(&fg, &got, 4);
			if (got != want) {
				print_case(c, what);
				fprintf(stderr, "  first difference y[n=%u][r=%u]: unit 0x%08x (%g)"
					" reference 0x%08x (%g)\n", n, r, got, (double)fg, want,
					(double)yref[(uint64_t)n * p->m + r]);
				bad = 1;
			}
			memcpy(before + at, &got, 4);	/* the only bytes allowed to change */
		}
	}
	CU_ASSERT(!bad);
	if (memcmp(before, c->mem, c->mem_bytes)) {
		print_case(c, what);
		fprintf(stderr, "  the unit wrote outside its outputs\n");
		CU_FAIL("write outside outputs");
	}
	if (pk.acc > BOUND_ACC || pk.prod >= BOUND_PROD || pk.yacc >= BOUND_YACC) {
		print_case(c, what);
		fprintf(stderr, "  peaks acc %" PRIu64 " prod %" PRIu64 " yacc %" PRIu64 "\n",
			pk.acc, pk.prod, pk.yacc);
		CU_FAIL("bound exceeded");
	}
	free(yref);
	free(before);
}

/* One random case of shape s; returns after printing on any failure. */
static void lg_diff_random(const struct lg_shape *s, uint64_t seed)
{
	struct lg_case c;

	CU_ASSERT_FATAL(lg_case_init_random(&c, s, seed, seed ^ 0x5eed) == 0);
	lg_diff(&c, "random");
	lg_case_free(&c);
}

/* Every g and q, K = 172 / not a multiple of g / a multiple / 1, N = 1 and 16. */
static void test_diff_shapes(void)
{
	uint64_t rng = 1;

	for (uint32_t i = 0; i < LG_GOLDEN_SHAPES; i++) {
		struct lg_shape s;

		lg_golden_shape(&s, i, &rng, 70, 5);
		lg_diff_random(&s, 1000 + i);
	}
}

/* M = 1; many tiles with 32 slices and N = 32; K = 172 with every g. */
static void test_diff_edges(void)
{
	for (uint32_t i = 0; i < LG_EDGE_SHAPES; i++)
		lg_diff_random(&lg_edge_shapes[i], 77 + i);
}

/*
 * The largest magnitudes: every xq = +127 (token 0) or -127 (token 1) or
 * -128 (token 2, outside the quantizer's range but a valid bit pattern),
 * every mantissa +-32767 or -32768 with all plane bits matching its sign,
 * msx = 65535, K = 65536, d = 0 (or 40..42): the products and sums meet
 * the bounds.
 */
static void lg_diff_extreme(uint32_t g, uint32_t shrink)
{
	struct lg_case c;

	CU_ASSERT_FATAL(lg_case_init_extreme(&c, g, shrink) == 0);
	lg_diff(&c, shrink ? "extreme, d = 40..42" : "extreme, d = 0");
	lg_case_free(&c);
}

static void test_diff_extreme(void)
{
	lg_diff_extreme(256, 0);
	lg_diff_extreme(16, 0);
	lg_diff_extreme(64, 1);
}

/* Exponent sums far out of range: outputs flush to +0 or saturate, as the reference. */
static void test_diff_out_of_range(void)
{
	struct lg_case c;

	CU_ASSERT_FATAL(lg_case_init_out_of_range(&c) == 0);
	lg_diff(&c, "out of range");
	lg_case_free(&c);
}

CU_TestInfo lutgemm_diff_tests[] = {
	{ "every g and q, random shapes", test_diff_shapes },
	{ "M = 1, tiles, 32 slices, N = 32", test_diff_edges },
	{ "extreme values at K = 65536", test_diff_extreme },
	{ "flush and saturation", test_diff_out_of_range },
	CU_TEST_INFO_NULL,
};
