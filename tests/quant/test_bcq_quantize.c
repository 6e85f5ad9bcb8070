/* The quantizer driver: shapes, starts, statistics, threads, bad inputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_bcq.h"
#include "quant_rng.h"
#include "test_main.h"

/* Random weight-like matrix (rows, cols) fp32; caller frees. */
static float *make_weights(uint32_t rows, uint32_t cols, uint64_t seed)
{
	struct quant_rng rng = { seed };
	float *w = malloc((size_t)rows * cols * sizeof(float));

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	quant_rng_fill(&rng, w, (uint64_t)rows * cols, 0.05f);
	/* A few outliers per row, as trained weights have. */
	for (uint32_t r = 0; r < rows; r++)
		w[(size_t)r * cols + (r * 37) % cols] *= 6.0f;
	return w;
}

/* Options with the given q and g and the defaults otherwise. */
static fllm_bcq_options make_options(uint32_t q, uint32_t g)
{
	fllm_bcq_options opt;

	fllm_bcq_options_init(&opt);
	opt.planes = q;
	opt.group = g;
	return opt;
}

/*
 * K = 172 with g = 32 (12-wide last group) and M = 1: shapes, zero padding
 * bits, statistics that agree with a dequantized recount.
 */
static void test_shapes_k172(void)
{
	static const uint32_t row_counts[] = { 1, 5 };

	for (size_t ri = 0; ri < 2; ri++) {
		uint32_t rows = row_counts[ri];
		float *w = make_weights(rows, 172, 7 + ri);
		fllm_bcq_options opt = make_options(3, 32);
		fllm_bcq_stats stats;
		fllm_bcq_error err;
		fllm_bcq *m = NULL;

		FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, rows, 172, &opt, &m, &stats), FLLM_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		FLLM_ASSERT_EQ_U64(m->rows, rows);
		FLLM_ASSERT_EQ_U64(m->cols, 172);
		FLLM_ASSERT_EQ_U64(m->groups, 6);
		FLLM_ASSERT_EQ_U64(m->row_bytes, 22);
		FLLM_ASSERT_EQ_U64(stats.groups, rows * 6);
		FLLM_ASSERT_EQ_U64(stats.wins[0] + stats.wins[1] + stats.ties, stats.groups);
		for (uint32_t r = 0; r < rows; r++)
			for (uint32_t i = 0; i < 3; i++)
				for (uint32_t k = 172; k < 176; k++)
					CU_ASSERT_EQUAL(fllm_bcq_bit_get(m, r, i, k), 0);
		for (size_t i = 0; i < (size_t)rows * 6 * 3; i++)
			CU_ASSERT(m->alpha[i] >= 0.0f);
		FLLM_ASSERT_STATUS(fllm_bcq_error_measure(w, m, &err), FLLM_OK);
		CU_ASSERT_DOUBLE_EQUAL(err.sse, stats.sse, 1e-9 * stats.sse);
		CU_ASSERT_DOUBLE_EQUAL(err.norm2, stats.norm2, 1e-9 * stats.norm2);
		CU_ASSERT(stats.sse <= stats.sse_refined[0] && stats.sse <= stats.sse_refined[1]);
		CU_ASSERT(err.rel > 0.0 && err.rel < 0.5);
		fllm_bcq_free(m);
		free(w);
	}
}

/*
 * The short last group is fitted on its real inputs only: 12 values on two
 * levels come back exact at q = 1 (with zero padding there would be three).
 */
static void test_short_group_no_padding(void)
{
	float *w = make_weights(2, 172, 3);
	float w_hat[2 * 172];	/* (2, 172) */
	fllm_bcq_options opt = make_options(1, 32);
	fllm_bcq *m = NULL;

	for (uint32_t r = 0; r < 2; r++)
		for (uint32_t k = 160; k < 172; k++)
			w[r * 172 + k] = k % 3 ? 0.375f : 0.625f;
	FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, 2, 172, &opt, &m, NULL), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	fllm_bcq_dequantize(m, w_hat);
	for (uint32_t r = 0; r < 2; r++)
		for (uint32_t k = 160; k < 172; k++)
			CU_ASSERT_EQUAL(w_hat[r * 172 + k], w[r * 172 + k]);
	fllm_bcq_free(m);
	free(w);
}

/* Error falls as q grows (both starts, ALS, offset on and off). */
static void test_error_decreases_with_q(void)
{
	float *w = make_weights(32, 256, 11);

	for (int offset = 0; offset < 2; offset++) {
		double prev = INFINITY;

		for (uint32_t q = 1; q <= 8; q++) {
			fllm_bcq_options opt = make_options(q, 64);
			fllm_bcq_stats stats;
			fllm_bcq *m = NULL;

			opt.offset = offset;
			FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, 32, 256, &opt, &m, &stats),
					   FLLM_OK);
			CU_ASSERT(stats.sse < prev);
			CU_ASSERT(stats.sse_refined[0] <= stats.sse_start[0]);
			CU_ASSERT(stats.sse_refined[1] <= stats.sse_start[1]);
			prev = stats.sse;
			CU_ASSERT_EQUAL(m->offset != NULL, offset);
			fllm_bcq_free(m);
		}
	}
	free(w);
}

/* One start only: it wins every group; the uniform start with 0 rounds is RTN. */
static void test_single_start(void)
{
	float *w = make_weights(4, 64, 5);
	fllm_bcq_options opt = make_options(4, 16);
	fllm_bcq_stats stats;
	fllm_bcq *m = NULL;

	opt.init = FLLM_BCQ_INIT_GREEDY;
	FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, 4, 64, &opt, &m, &stats), FLLM_OK);
	FLLM_ASSERT_EQ_U64(stats.wins[0], 16);
	CU_ASSERT_EQUAL(stats.sse_start[1], 0.0);
	CU_ASSERT_EQUAL(stats.sse, stats.sse_refined[0]);
	fllm_bcq_free(m);

	opt.init = FLLM_BCQ_INIT_UNIFORM;
	opt.iterations = 0;
	FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, 4, 64, &opt, &m, &stats), FLLM_OK);
	FLLM_ASSERT_EQ_U64(stats.wins[1], 16);
	CU_ASSERT_EQUAL(stats.sse, stats.sse_start[1]);
	/* Each weight sits within half a step of the round-to-nearest grid. */
	for (uint32_t gi = 0; gi < 16; gi++) {
		float w_hat[64];	/* (64) row of W_hat */
		const float *g = w + gi / 4 * 64 + gi % 4 * 16;	/* (16) */
		float lo = g[0], hi = g[0];

		for (int k = 1; k < 16; k++) {
			lo = fminf(lo, g[k]);
			hi = fmaxf(hi, g[k]);
		}
		fllm_bcq_dequantize_row(m, gi / 4, w_hat);
		for (int k = 0; k < 16; k++)
			CU_ASSERT(fabsf(w_hat[gi % 4 * 16 + k] - g[k]) <=
				  (hi - lo) / 15.0f * 0.5001f);
	}
	fllm_bcq_free(m);
	free(w);
}

/* Progress reaches rows_total, once per row, in order. */
struct progress_log {
	uint32_t calls, last, total, ordered;
};

/* Log one progress call; rows_done must grow by one each time. */
static void progress_cb(void *user, uint32_t rows_done, uint32_t rows_total)
{
	struct progress_log *log = user;

	log->ordered &= rows_done == log->last + 1;
	log->calls++;
	log->last = rows_done;
	log->total = rows_total;
}

/* threads = 1, 2 and 0 (online CPUs) give bit-identical matrices and stats. */
static void test_threads_identical(void)
{
	const uint32_t rows = 67, cols = 172;
	float *w = make_weights(rows, cols, 99);
	fllm_bcq *m[3] = { NULL, NULL, NULL };
	fllm_bcq_stats stats[3];
	static const uint32_t threads[3] = { 1, 2, 0 };

	for (int t = 0; t < 3; t++) {
		fllm_bcq_options opt = make_options(3, 16);
		struct progress_log log = { 0, 0, 0, 1 };

		opt.threads = threads[t];
		opt.progress = progress_cb;
		opt.progress_user = &log;
		FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, rows, cols, &opt, &m[t], &stats[t]),
				   FLLM_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[t]);
		FLLM_ASSERT_EQ_U64(log.calls, rows);
		FLLM_ASSERT_EQ_U64(log.last, rows);
		FLLM_ASSERT_EQ_U64(log.total, rows);
		CU_ASSERT(log.ordered);
	}
	for (int t = 1; t < 3; t++) {
		size_t n_alpha = (size_t)rows * m[0]->groups * 3;

		CU_ASSERT_EQUAL(memcmp(m[0]->alpha, m[t]->alpha, n_alpha * sizeof(float)), 0);
		CU_ASSERT_EQUAL(memcmp(m[0]->offset, m[t]->offset,
				       (size_t)rows * m[0]->groups * sizeof(float)), 0);
		CU_ASSERT_EQUAL(memcmp(m[0]->bits, m[t]->bits,
				       (size_t)rows * 3 * m[0]->row_bytes), 0);
		CU_ASSERT_EQUAL(memcmp(&stats[0], &stats[t], sizeof(stats[0])), 0);
	}
	for (int t = 0; t < 3; t++)
		fllm_bcq_free(m[t]);
	free(w);
}

/* Each bad input alone gives FLLM_E_INVALID_ARG and no matrix. */
static void test_bad_inputs(void)
{
	float w[4 * 64];	/* (4, 64) */
	fllm_bcq_options opt;
	fllm_bcq *m;
	static const float bad_values[] = { NAN, INFINITY, -INFINITY, 2e30f };

#define EXPECT_INVALID(rows, cols)                                                        \
	do {                                                                              \
		m = (fllm_bcq *)&m;                                                       \
		FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, rows, cols, &opt, &m, NULL),      \
				   FLLM_E_INVALID_ARG);                                   \
		CU_ASSERT_PTR_NULL(m);                                                    \
	} while (0)

	for (int i = 0; i < 4 * 64; i++)
		w[i] = 0.01f * (float)(i % 17) - 0.08f;
	opt = make_options(0, 32);
	EXPECT_INVALID(4, 64);
	opt = make_options(9, 32);
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 48);
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 8);
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 32);
	EXPECT_INVALID(4, 0);
	EXPECT_INVALID(0, 64);
	opt.iterations = 1001;
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 32);
	opt.threads = 257;
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 32);
	opt.init = (enum fllm_bcq_init)7;
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 32);
	opt.center = (enum fllm_bcq_center)3;
	EXPECT_INVALID(4, 64);
	opt = make_options(3, 32);
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		float keep = w[130];

		w[130] = bad_values[i];
		EXPECT_INVALID(4, 64);
		w[130] = keep;
	}
	/* The same input with valid options is accepted. */
	FLLM_ASSERT_STATUS(fllm_bcq_quantize(w, 4, 64, &opt, &m, NULL), FLLM_OK);
	fllm_bcq_free(m);
#undef EXPECT_INVALID
}

static CU_TestInfo bcq_quantize_tests[] = {
	{ "shapes_k172", test_shapes_k172 },
	{ "short_group_no_padding", test_short_group_no_padding },
	{ "error_decreases_with_q", test_error_decreases_with_q },
	{ "single_start", test_single_start },
	{ "threads_identical", test_threads_identical },
	{ "bad_inputs", test_bad_inputs },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("bcq_quantize", NULL, NULL, bcq_quantize_tests);
}
