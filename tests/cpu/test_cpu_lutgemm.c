/*
 * fllm_cpu_lutgemm against the golden model (fllm_hls_lutgemm_unit, called
 * directly) bit for bit: every variant, 1 and 2 threads, on random shapes,
 * every g and q, with and without offsets, K = 172, M = 1, N = 1..32,
 * extreme values at K = 65536, encoder-made data, unaligned records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_case.h"
#include "cpu_tests.h"
#include "test_main.h"

static const uint32_t groups_all[] = { 16, 32, 64, 128, 256 };

/* What one context run checks: the case, its weights and its seed. */
struct ctx_check {
	struct cpu_case *c;
	const fllm_cpu_lutgemm_weights *w;
	uint64_t seed;
};

/*
 * fn(ctx, pk, what, chk) for every context (variant, 1 and 2 threads) on the
 * card records (pk NULL) and on a pack made for that context; what names the
 * run for failure messages.
 */
static void for_each_context(struct ctx_check *chk,
			     void (*fn)(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_pack *pk,
					const char *what, struct ctx_check *chk))
{
	const struct cpu_shape *s = &chk->c->s;

	for (int isa = FLLM_CPU_ISA_PORTABLE; isa < FLLM_CPU_ISA_COUNT; isa++) {
		for (uint32_t t = 1; t <= CPU_TEST_THREADS; t++) {
			for (int packed = 0; packed <= 1; packed++) {
				fllm_cpu_ctx *ctx = cpu_test_ctx((enum fllm_cpu_isa)isa, t);
				fllm_cpu_lutgemm_pack *pk = NULL;
				char what[192];

				if (!ctx)
					continue;
				if (packed) {
					FLLM_ASSERT_STATUS(fllm_cpu_lutgemm_pack_create(ctx, chk->w,
											&pk),
							   FLLM_OK);
					if (!pk)
						continue;
				}
				snprintf(what, sizeof(what),
					 "%s%s threads %u m %u k %u g %u q %u off %u n %u "
					 "slices %u seed %llu",
					 fllm_cpu_isa_name((enum fllm_cpu_isa)isa),
					 packed ? (fllm_cpu_lutgemm_pack_is_copy(pk) ? " tiled" :
						   " pack-view") : "", t, s->m, s->k, s->g, s->q,
					 s->flags, s->n, s->slices, (unsigned long long)chk->seed);
				fn(ctx, pk, what, chk);
				fllm_cpu_lutgemm_pack_free(pk);
			}
		}
	}
}

/* Run one context on x (card records, or pack pk when not NULL) into y (n, stride). */
static void run_one(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
		    const fllm_cpu_lutgemm_pack *pk, const fllm_cpu_lutgemm_acts *x, float *y,
		    size_t stride)
{
	if (pk)
		FLLM_ASSERT_STATUS(fllm_cpu_lutgemm_packed(ctx, pk, x, y, stride), FLLM_OK);
	else
		FLLM_ASSERT_STATUS(fllm_cpu_lutgemm(ctx, w, x, y, stride), FLLM_OK);
}

/* One context against the golden outputs; nothing outside y[n][0..m) written. */
static void check_one(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_pack *pk, const char *what,
		      struct ctx_check *chk)
{
	const struct cpu_case *c = chk->c;
	const size_t stride = c->s.m + 1;	/* one sentinel column */
	float *y = malloc(c->s.n * stride * sizeof(*y));	/* (n, m + 1) */
	fllm_cpu_lutgemm_acts x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	cpu_case_acts(c, &x);
	memset(y, 0xa5, c->s.n * stride * sizeof(*y));
	run_one(ctx, chk->w, pk, &x, y, stride);
	CU_ASSERT_EQUAL(cpu_compare_bits(what, y, stride, c->gold, c->s.n, c->s.m), 0);
	for (uint32_t n = 0; n < c->s.n; n++) {
		uint32_t sentinel;

		memcpy(&sentinel, &y[n * stride + c->s.m], 4);
		FLLM_ASSERT_EQ_U64(sentinel, 0xa5a5a5a5u);
	}
	free(y);
}

/* Every context on case c (card records and packs) against the golden outputs. */
static void check_contexts(struct cpu_case *c, const fllm_cpu_lutgemm_weights *w, uint64_t seed)
{
	struct ctx_check chk = { c, w, seed };

	for_each_context(&chk, check_one);
}

/* Build, run the golden model, compare every context. */
static void check_shape(const struct cpu_shape *s, enum cpu_fill fill, uint64_t seed)
{
	struct cpu_case c;
	fllm_cpu_lutgemm_weights w;

	CU_ASSERT_EQUAL_FATAL(cpu_case_init(&c, s, fill, seed), 0);
	FLLM_ASSERT_EQ_U64(cpu_case_golden(&c), 0);
	cpu_case_weights(&c, &w);
	check_contexts(&c, &w, seed);
	cpu_case_free(&c);
}

/* Every g, every q, with and without offsets; K not a multiple of g; N 1 or 16. */
static void test_every_g_q(void)
{
	uint64_t st = 1;

	for (uint32_t gi = 0; gi < 5; gi++) {
		for (uint32_t q = 1; q <= 8; q++) {
			for (uint32_t off = 0; off <= 1; off++) {
				uint32_t g = groups_all[gi];
				struct cpu_shape s = {
					.m = 1 + (uint32_t)(fllm_rng_next(&st) % 40),
					.k = g * (1 + (uint32_t)(fllm_rng_next(&st) % 3)) +
					     (uint32_t)(fllm_rng_next(&st) % g),
					.g = g, .q = q, .flags = off, .n = q % 2 ? 1 : 16,
				};

				s.slices = 1 + (uint32_t)(fllm_rng_next(&st) % (s.m < 4 ? s.m : 4));
				check_shape(&s, CPU_FILL_RANDOM, fllm_rng_next(&st));
			}
		}
	}
}

/* stories260K's hidden size: K = 172 is not a multiple of any g. */
static void test_k172(void)
{
	for (uint32_t gi = 0; gi < 5; gi++) {
		struct cpu_shape s = { 64, 172, groups_all[gi], 4, FLLM_LUTGEMM_F_OFFSET, 1, 1 };

		check_shape(&s, CPU_FILL_FP32, 100 + gi);
		s.n = 16;
		s.flags = 0;
		check_shape(&s, CPU_FILL_RANDOM, 200 + gi);
	}
}

/* One row (fewer rows than threads), N = 1 and 32. */
static void test_m1(void)
{
	struct cpu_shape s = { 1, 4096, 128, 3, FLLM_LUTGEMM_F_OFFSET, 1, 1 };

	check_shape(&s, CPU_FILL_RANDOM, 7);
	s.n = 32;
	check_shape(&s, CPU_FILL_RANDOM, 8);
}

/* Every token-block split of the SIMD variants (8/4/2/1 and 4/2/1). */
static void test_batches(void)
{
	static const uint32_t ns[] = { 1, 2, 3, 5, 7, 8, 13, 16, 31, 32 };

	for (uint32_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		struct cpu_shape s = { 37, 300, 64, 3, FLLM_LUTGEMM_F_OFFSET, ns[i], 3 };

		check_shape(&s, CPU_FILL_RANDOM, 300 + i);
	}
}

/*
 * One context: a batch of N tokens in one call gives the golden outputs,
 * and N calls of one token give the same bits.
 */
static void check_split_one(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_pack *pk,
			    const char *what, struct ctx_check *chk)
{
	const struct cpu_case *c = chk->c;
	const uint32_t m = c->s.m, n_tok = c->s.n;
	float *yb = malloc((size_t)n_tok * m * sizeof(*yb));	/* (n, m) one call */
	float *y1 = malloc((size_t)n_tok * m * sizeof(*y1));	/* (n, m) n calls */
	fllm_cpu_lutgemm_acts x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(yb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y1);
	cpu_case_acts(c, &x);
	run_one(ctx, chk->w, pk, &x, yb, m);
	for (uint32_t n = 0; n < n_tok; n++) {
		fllm_cpu_lutgemm_acts one = {
			1, x.ex + n, x.msx + (size_t)n * c->groups,
			x.xq + (size_t)n * c->groups * c->s.g,
		};

		run_one(ctx, chk->w, pk, &one, y1 + (size_t)n * m, m);
	}
	CU_ASSERT_EQUAL(cpu_compare_bits(what, yb, m, c->gold, n_tok, m), 0);
	CU_ASSERT_EQUAL(cpu_compare_bits(what, y1, m, yb, n_tok, m), 0);
	free(yb);
	free(y1);
}

/* Random shapes, N = 1, 2, 3, 7, 16, 32: one call per batch equals one call per token. */
static void test_batch_vs_single(void)
{
	static const uint32_t ns[] = { 1, 2, 3, 7, 16, 32 };
	uint64_t st = 4242;

	for (uint32_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		for (uint32_t rep = 0; rep < 2; rep++) {
			uint32_t g = groups_all[fllm_rng_next(&st) % 5];
			struct cpu_shape s = {
				.m = 1 + (uint32_t)(fllm_rng_next(&st) % 100),
				.k = 1 + (uint32_t)(fllm_rng_next(&st) % 1500),
				.g = g,
				.q = 1 + (uint32_t)(fllm_rng_next(&st) % 8),
				.flags = (uint32_t)(fllm_rng_next(&st) & 1),
				.n = ns[i],
			};
			uint64_t seed = fllm_rng_next(&st);
			fllm_cpu_lutgemm_weights w;
			struct cpu_case c;

			s.slices = 1 + (uint32_t)(fllm_rng_next(&st) % (s.m < 3 ? s.m : 3));
			CU_ASSERT_EQUAL_FATAL(cpu_case_init(&c, &s, rep ? CPU_FILL_FP32 :
							    CPU_FILL_RANDOM, seed), 0);
			FLLM_ASSERT_EQ_U64(cpu_case_golden(&c), 0);
			cpu_case_weights(&c, &w);
			for_each_context(&(struct ctx_check){ &c, &w, seed }, check_split_one);
			cpu_case_free(&c);
		}
	}
}

/* The bounds of docs/numerics.md 4: K = 65536, q = 8, |xq| = 128, |a| = 2^15, msx = 65535. */
static void test_extremes(void)
{
	for (uint32_t gi = 0; gi < 5; gi += 4) {
		for (uint64_t seed = 0; seed < 4; seed++) {
			struct cpu_shape s = { 3, FLLM_LUTGEMM_K_MAX, groups_all[gi], 8,
					       (uint32_t)(seed & 1), 2, 1 };

			check_shape(&s, CPU_FILL_EXTREME, 400 + seed);
		}
	}
}

/*
 * The peak sums: every bit set, xq = -128, a = zq = -2^15, so a group's plane
 * sum is -128 g (-2^15 at g = 256) and each a_i T_i is 2^30: kernels that
 * pair two planes in one 32-bit product sum must not do so at g = 256.
 */
static void test_peak(void)
{
	for (uint32_t gi = 0; gi < 5; gi++) {
		struct cpu_shape s = { 37, 1024 + 40, groups_all[gi], 8, FLLM_LUTGEMM_F_OFFSET, 3, 2 };

		check_shape(&s, CPU_FILL_PEAK, 450 + gi);
		s.q = 3;
		s.flags = 0;
		check_shape(&s, CPU_FILL_PEAK, 460 + gi);
	}
}

/* Realistic data: fp32 scales through the encoder, fp32 activations through the quantizer. */
static void test_encoded(void)
{
	uint64_t st = 99;

	for (uint32_t i = 0; i < 12; i++) {
		struct cpu_shape s = {
			.m = 1 + (uint32_t)(fllm_rng_next(&st) % 300),
			.k = 1 + (uint32_t)(fllm_rng_next(&st) % 2000),
			.g = groups_all[fllm_rng_next(&st) % 5],
			.q = 1 + (uint32_t)(fllm_rng_next(&st) % 8),
			.flags = (uint32_t)(fllm_rng_next(&st) & 1),
			.n = 1 + (uint32_t)(fllm_rng_next(&st) % 32),
			.slices = 1,
		};

		check_shape(&s, CPU_FILL_FP32, fllm_rng_next(&st));
	}
}

/* Records at every alignment: host slices copied to odd addresses. */
static void test_unaligned(void)
{
	struct cpu_shape s = { 50, 1000, 128, 4, FLLM_LUTGEMM_F_OFFSET, 3, 5 };
	const uint8_t *moved[FLLM_LUTGEMM_SLICES_MAX];
	uint8_t *buf[FLLM_LUTGEMM_SLICES_MAX];
	fllm_cpu_lutgemm_weights w;
	struct cpu_case c;

	CU_ASSERT_EQUAL_FATAL(cpu_case_init(&c, &s, CPU_FILL_RANDOM, 500), 0);
	FLLM_ASSERT_EQ_U64(cpu_case_golden(&c), 0);
	for (uint32_t i = 0; i < s.slices; i++) {
		size_t len = (size_t)fllm_lutgemm_slice_rows(s.m, s.slices, i) * c.row_bytes;

		buf[i] = malloc(len + 64);
		CU_ASSERT_PTR_NOT_NULL_FATAL(buf[i]);
		memcpy(buf[i] + 1 + 13 * i, c.slice[i], len);
		moved[i] = buf[i] + 1 + 13 * i;
	}
	cpu_case_weights(&c, &w);
	w.slice = moved;
	check_contexts(&c, &w, 500);
	for (uint32_t i = 0; i < s.slices; i++)
		free(buf[i]);
	cpu_case_free(&c);
}

/* A larger matrix split over threads: row ranges meet without gaps or overlap. */
static void test_many_rows(void)
{
	struct cpu_shape s = { 1029, 512, 128, 2, 0, 1, 7 };

	check_shape(&s, CPU_FILL_RANDOM, 600);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), cpu_test_ctx_count());
}

/* A pack only runs on a context of its own variant; bad shapes are refused. */
static void test_pack_args(void)
{
	struct cpu_shape s = { 20, 300, 32, 3, FLLM_LUTGEMM_F_OFFSET, 1, 1 };
	fllm_cpu_ctx *port = cpu_test_ctx(FLLM_CPU_ISA_PORTABLE, 1);
	fllm_cpu_ctx *other = NULL;
	fllm_cpu_lutgemm_pack *pk = NULL;
	fllm_cpu_lutgemm_weights w;
	fllm_cpu_lutgemm_acts x;
	struct cpu_case c;
	float y[20];

	CU_ASSERT_EQUAL_FATAL(cpu_case_init(&c, &s, CPU_FILL_RANDOM, 700), 0);
	cpu_case_weights(&c, &w);
	cpu_case_acts(&c, &x);
	for (int isa = FLLM_CPU_ISA_COUNT - 1; isa > FLLM_CPU_ISA_PORTABLE && !other; isa--)
		other = cpu_test_ctx((enum fllm_cpu_isa)isa, 1);
	FLLM_ASSERT_STATUS(fllm_cpu_lutgemm_pack_create(port, &w, &pk), FLLM_OK);
	CU_ASSERT_FALSE(fllm_cpu_lutgemm_pack_is_copy(pk));
	FLLM_ASSERT_EQ_U64(fllm_cpu_lutgemm_pack_bytes(pk), (uint64_t)s.m * c.row_bytes);
	if (other)
		FLLM_ASSERT_STATUS(fllm_cpu_lutgemm_packed(other, pk, &x, y, s.m),
				   FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cpu_lutgemm_packed(port, pk, &x, y, s.m - 1), FLLM_E_INVALID_ARG);
	fllm_cpu_lutgemm_pack_free(pk);
	fllm_cpu_lutgemm_pack_free(NULL);
	w.group = 48;
	pk = NULL;
	FLLM_ASSERT_STATUS(fllm_cpu_lutgemm_pack_create(port, &w, &pk), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(pk);
	cpu_case_free(&c);
}

static CU_TestInfo lutgemm_tests[] = {
	{ "prepared matrix arguments", test_pack_args },
	{ "every g and q, offsets or not", test_every_g_q },
	{ "K = 172", test_k172 },
	{ "M = 1", test_m1 },
	{ "batches N = 1..32", test_batches },
	{ "batch = single calls, N = 1..32", test_batch_vs_single },
	{ "extremes at K = 65536", test_extremes },
	{ "peak plane sums", test_peak },
	{ "encoder-made data", test_encoded },
	{ "unaligned records", test_unaligned },
	{ "many rows over threads", test_many_rows },
	CU_TEST_INFO_NULL,
};

/* Add this file's suite. */
int cpu_test_register_lutgemm(void)
{
	return fllm_test_add_suite("cpu lutgemm vs golden", cpu_test_ctx_init, cpu_test_ctx_fini,
				   lutgemm_tests);
}
