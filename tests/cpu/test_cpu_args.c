/*
 * Bad inputs, one per test, each starting from a valid call with one thing
 * broken; context creation (variants, environment, threads); the pool.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_case.h"
#include "cpu_tests.h"
#include "test_main.h"

/* A valid small problem shared by the argument tests. */
static struct cpu_case valid;
static fllm_cpu_ctx *ctx;

/* The valid case and a two-thread context of the best variant. */
static int args_init(void)
{
	struct cpu_shape s = { 5, 100, 32, 2, FLLM_LUTGEMM_F_OFFSET, 2, 2 };
	fllm_cpu_config cfg = { 2, FLLM_CPU_ISA_AUTO };

	if (cpu_case_init(&valid, &s, CPU_FILL_RANDOM, 42))
		return -1;
	return fllm_cpu_ctx_create(&cfg, &ctx) == FLLM_OK ? 0 : -1;
}

/* Free what args_init made. */
static int args_fini(void)
{
	cpu_case_free(&valid);
	fllm_cpu_ctx_free(ctx);
	ctx = NULL;
	return 0;
}

/* fllm_cpu_lutgemm on valid data with w / n / stride replaced; y must stay untouched. */
static fllm_status lutgemm_with(const fllm_cpu_lutgemm_weights *w, uint32_t n, size_t stride)
{
	float y[2 * 8];
	fllm_cpu_lutgemm_acts x;
	fllm_status st;

	cpu_case_acts(&valid, &x);
	x.n = n;
	memset(y, 0x5a, sizeof(y));
	st = fllm_cpu_lutgemm(ctx, w, &x, y, stride);
	if (st != FLLM_OK)
		for (size_t i = 0; i < sizeof(y) / sizeof(y[0]); i++) {
			uint32_t b;

			memcpy(&b, &y[i], 4);
			FLLM_ASSERT_EQ_U64(b, 0x5a5a5a5au);
		}
	return st;
}

/* A test: the valid weights with one field set to value must be refused. */
#define BROKEN_WEIGHTS(name, field, value)                                              \
	static void name(void)                                                          \
	{                                                                               \
		fllm_cpu_lutgemm_weights w;                                             \
		cpu_case_weights(&valid, &w);                                           \
		w.field = (value);                                                      \
		FLLM_ASSERT_STATUS(lutgemm_with(&w, 2, 8), FLLM_E_INVALID_ARG);         \
	}

/* The valid call itself succeeds (so the broken ones fail for their one reason). */
static void test_valid_call(void)
{
	fllm_cpu_lutgemm_weights w;

	cpu_case_weights(&valid, &w);
	FLLM_ASSERT_STATUS(lutgemm_with(&w, 2, 8), FLLM_OK);
	FLLM_ASSERT_STATUS(lutgemm_with(&w, 2, 5), FLLM_OK);
}

BROKEN_WEIGHTS(test_m_zero, m, 0)
BROKEN_WEIGHTS(test_m_too_big, m, FLLM_LUTGEMM_M_MAX + 1)
BROKEN_WEIGHTS(test_k_zero, k, 0)
BROKEN_WEIGHTS(test_k_too_big, k, FLLM_LUTGEMM_K_MAX + 1)
BROKEN_WEIGHTS(test_group_48, group, 48)
BROKEN_WEIGHTS(test_group_512, group, 512)
BROKEN_WEIGHTS(test_planes_zero, planes, 0)
BROKEN_WEIGHTS(test_planes_9, planes, 9)
BROKEN_WEIGHTS(test_flags_unknown, flags, 2)
BROKEN_WEIGHTS(test_slices_zero, slices, 0)
BROKEN_WEIGHTS(test_slices_33, slices, 33)
BROKEN_WEIGHTS(test_slices_above_m, slices, 6)

/* The valid weights with n tokens and output stride `stride` must be refused. */
static void expect_call_refused(uint32_t n, size_t stride)
{
	fllm_cpu_lutgemm_weights w;

	cpu_case_weights(&valid, &w);
	FLLM_ASSERT_STATUS(lutgemm_with(&w, n, stride), FLLM_E_INVALID_ARG);
}

/* No tokens. */
static void test_tokens_zero(void)
{
	expect_call_refused(0, 8);
}

/* One token more than the card takes. */
static void test_tokens_33(void)
{
	expect_call_refused(33, 8);
}

/* An output stride shorter than a row of outputs. */
static void test_y_stride_short(void)
{
	expect_call_refused(2, 4);
}

/* fllm_cpu_dequant_gemv: valid, then each argument broken. */
static void test_dequant_args(void)
{
	fllm_cpu_lutgemm_weights w;
	float x[2 * 100] = { 0 }, y[2 * 5];

	cpu_case_weights(&valid, &w);
	FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, 2, x, 100, y, 5), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, 0, x, 100, y, 5), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, 33, x, 100, y, 5), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, 2, x, 99, y, 5), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, 2, x, 100, y, 4), FLLM_E_INVALID_ARG);
	w.planes = 9;
	FLLM_ASSERT_STATUS(fllm_cpu_dequant_gemv(ctx, &w, 2, x, 100, y, 5), FLLM_E_INVALID_ARG);
}

/* fllm_cpu_gemv_f32: valid, then each argument broken. */
static void test_f32_args(void)
{
	float w[4 * 3] = { 0 }, x[2 * 3] = { 0 }, y[2 * 4];

	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 3, w, 3, 2, x, 3, y, 4), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 0, 3, w, 3, 2, x, 3, y, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 0, w, 3, 2, x, 3, y, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 3, w, 2, 2, x, 3, y, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 3, w, 3, 0, x, 3, y, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 3, w, 3, 33, x, 3, y, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 3, w, 3, 2, x, 2, y, 4), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_gemv_f32(ctx, 4, 3, w, 3, 2, x, 3, y, 3), FLLM_E_INVALID_ARG);
}

/* ---- contexts ---- */

/* Names parse back to their variant; anything else is refused. */
static void test_isa_names(void)
{
	for (int i = 0; i < FLLM_CPU_ISA_COUNT; i++) {
		enum fllm_cpu_isa back;

		FLLM_ASSERT_STATUS(fllm_cpu_isa_parse(fllm_cpu_isa_name((enum fllm_cpu_isa)i),
						      &back), FLLM_OK);
		FLLM_ASSERT_EQ_U64(back, i);
	}
	FLLM_ASSERT_STATUS(fllm_cpu_isa_parse("AVX2", &(enum fllm_cpu_isa){ 0 }),
			   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_isa_parse("", &(enum fllm_cpu_isa){ 0 }), FLLM_E_INVALID_ARG);
	CU_ASSERT_STRING_EQUAL(fllm_cpu_isa_name(FLLM_CPU_ISA_COUNT), "?");
	CU_ASSERT(fllm_cpu_isa_supported(FLLM_CPU_ISA_PORTABLE));
	CU_ASSERT(fllm_cpu_isa_supported(fllm_cpu_isa_best()));
}

/* NULL config: every online CPU, the best variant. */
static void test_ctx_defaults(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	fllm_cpu_ctx *c;

	FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(NULL, &c), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cpu_ctx_isa(c), fllm_cpu_isa_best());
	FLLM_ASSERT_EQ_U64(fllm_cpu_ctx_threads(c), online < 1 ? 1 : online);
	fllm_cpu_ctx_free(c);
	fllm_cpu_ctx_free(NULL);
}

/* Too many threads, or a variant outside the enum. */
static void test_ctx_bad_config(void)
{
	fllm_cpu_config cfg = { FLLM_CPU_THREADS_MAX + 1, FLLM_CPU_ISA_AUTO };
	fllm_cpu_ctx *c = NULL;

	FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_E_INVALID_ARG);
	cfg = (fllm_cpu_config){ 1, FLLM_CPU_ISA_COUNT };
	FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
}

/* FLLM_CPU_ISA picks the variant when the config says AUTO, and is checked. */
static void test_ctx_env(void)
{
	fllm_cpu_config cfg = { 1, FLLM_CPU_ISA_AUTO };
	fllm_cpu_ctx *c = NULL;

	setenv(FLLM_CPU_ISA_ENV, "portable", 1);
	FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cpu_ctx_isa(c), FLLM_CPU_ISA_PORTABLE);
	fllm_cpu_ctx_free(c);
	c = NULL;
	setenv(FLLM_CPU_ISA_ENV, "sse9", 1);
	FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
	/* an explicit variant in the config wins over the environment */
	cfg.isa = FLLM_CPU_ISA_PORTABLE;
	FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_OK);
	fllm_cpu_ctx_free(c);
	unsetenv(FLLM_CPU_ISA_ENV);
}

/* A variant the CPU lacks is refused, not silently replaced. */
static void test_ctx_unsupported(void)
{
	for (int isa = FLLM_CPU_ISA_AVX2; isa < FLLM_CPU_ISA_COUNT; isa++) {
		fllm_cpu_config cfg = { 1, (enum fllm_cpu_isa)isa };
		fllm_cpu_ctx *c = NULL;

		if (fllm_cpu_isa_supported(cfg.isa)) {
			char what[64];

			snprintf(what, sizeof(what), "refusal of the %s variant",
				 fllm_cpu_isa_name(cfg.isa));
			fllm_test_skip(what, "this CPU supports it, so nothing to refuse");
			continue;
		}
		FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_E_UNSUPPORTED);
	}
}

struct run_count {
	atomic_uint hits[8];
	atomic_uint bad_count;
	uint32_t expect;
};

/* Count this index's run; flag a wrong count or index. */
static void count_task(void *arg, uint32_t index, uint32_t count)
{
	struct run_count *rc = arg;

	if (count != rc->expect || index >= 8)
		atomic_fetch_add(&rc->bad_count, 1);
	else
		atomic_fetch_add(&rc->hits[index], 1);
}

/* Every index runs exactly once per call, call after call. */
static void test_pool_runs_each_index_once(void)
{
	for (uint32_t threads = 1; threads <= 4; threads++) {
		fllm_cpu_config cfg = { threads, FLLM_CPU_ISA_PORTABLE };
		struct run_count rc = { .expect = threads };
		fllm_cpu_ctx *c;

		FLLM_ASSERT_STATUS(fllm_cpu_ctx_create(&cfg, &c), FLLM_OK);
		for (int r = 0; r < 300; r++)
			fllm_cpu_ctx_run(c, count_task, &rc);
		fllm_cpu_ctx_free(c);
		FLLM_ASSERT_EQ_U64(atomic_load(&rc.bad_count), 0);
		for (uint32_t i = 0; i < threads; i++)
			FLLM_ASSERT_EQ_U64(atomic_load(&rc.hits[i]), 300);
	}
}

/* Only the suite's own context is alive. */
static void test_nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 1);
}

static CU_TestInfo args_tests[] = {
	{ "valid call", test_valid_call },
	{ "m = 0", test_m_zero },
	{ "m > 2^24", test_m_too_big },
	{ "k = 0", test_k_zero },
	{ "k > 65536", test_k_too_big },
	{ "g = 48", test_group_48 },
	{ "g = 512", test_group_512 },
	{ "q = 0", test_planes_zero },
	{ "q = 9", test_planes_9 },
	{ "unknown flag", test_flags_unknown },
	{ "slices = 0", test_slices_zero },
	{ "slices = 33", test_slices_33 },
	{ "slices > m", test_slices_above_m },
	{ "n = 0", test_tokens_zero },
	{ "n = 33", test_tokens_33 },
	{ "y stride < m", test_y_stride_short },
	{ "dequant gemv arguments", test_dequant_args },
	{ "fp32 gemv arguments", test_f32_args },
	{ "variant names", test_isa_names },
	{ "context defaults", test_ctx_defaults },
	{ "context bad config", test_ctx_bad_config },
	{ "context FLLM_CPU_ISA", test_ctx_env },
	{ "context unsupported variant", test_ctx_unsupported },
	{ "pool runs each index once", test_pool_runs_each_index_once },
	{ "nothing leaked", test_nothing_leaked },
	CU_TEST_INFO_NULL,
};

/* Add this file's suite. */
int cpu_test_register_args(void)
{
	return fllm_test_add_suite("cpu arguments and contexts", args_init, args_fini, args_tests);
}
