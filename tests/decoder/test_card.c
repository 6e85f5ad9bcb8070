/*
 * The quantized decoder on the emulated card (libfllm, emu backend,
 * firmware, card model) against the same arithmetic done by direct calls
 * of the golden kernels on the host (ref_card.c): logits must be
 * bit-identical, for several shapes (GQA, MQA, a dimension whose q/k
 * outputs are not burst-aligned, K not a multiple of g, an untied
 * classifier), bit widths, group sizes and channel counts. Then the
 * executor's bookkeeping and its refusals.
 */
#include <stdlib.h>
#include <unistd.h>

#include "dec_test.h"
#include "ref_card.h"

#define CARD_TOKENS 6

/* Compare the card's logits with the reference's over CARD_TOKENS positions. */
static void card_vs_ref(const struct dec_model *d, const fllm_model *pkg, const char *device,
			const char *what)
{
	fllm_context_params cp = { .device = device };
	uint32_t vocab = pkg->info.vocab_size;
	float *ref_logits = malloc(vocab * sizeof(float));
	struct ref_card *ref = NULL;
	fllm_context *ctx = NULL;
	uint64_t seed = 12345;

	(void)d;
	FLLM_ASSERT_STATUS(fllm_context_create(pkg, &cp, &ctx), FLLM_OK);
	CU_ASSERT_FATAL(ref_card_create(pkg, fllm_context_size(ctx), &ref) == 0);
	for (uint32_t pos = 0; ctx && pos < CARD_TOKENS; pos++) {
		int32_t tok;
		const float *got;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		tok = (int32_t)((seed >> 33) % vocab);
		FLLM_ASSERT_STATUS(fllm_context_eval(ctx, &tok, 1), FLLM_OK);
		CU_ASSERT_FATAL(ref_card_token(ref, tok, pos, ref_logits) == 0);
		got = fllm_context_logits(ctx);
		for (uint32_t v = 0; got && v < vocab; v++) {
			if (memcmp(&got[v], &ref_logits[v], 4)) {
				fprintf(stderr,
					"%s: pos %u logit %u: card %.9g, golden kernels %.9g\n",
					what, pos, v, (double)got[v], (double)ref_logits[v]);
				CU_FAIL("logits differ");
				break;
			}
		}
	}
	ref_card_free(ref);
	fllm_context_free(ctx);
	free(ref_logits);
}

/* One shape at several (q, g), on the default emu card and one of 4 channels. */
static void card_variant(int variant)
{
	static const uint32_t qg[][2] = { { 4, 32 }, { 2, 16 }, { 8, 64 }, { 3, 128 } };
	struct tm_spec s = dec_spec(variant);
	struct dec_model d;

	if (dec_model_make(&s, &d))
		return;
	for (size_t k = 0; k < sizeof(qg) / sizeof(qg[0]); k++) {
		struct bytebuf img;
		fllm_model *pkg = NULL;
		char path[64], err[FLLM_ERROR_MAX], what[64];

		if (dec_package_make(&d, qg[k][0], qg[k][1], &img, path))
			break;
		FLLM_ASSERT_STATUS(fllm_package_open(path, &pkg, err, sizeof(err)), FLLM_OK);
		snprintf(what, sizeof(what), "variant %d q %u g %u", variant, qg[k][0], qg[k][1]);
		if (pkg)
			card_vs_ref(&d, pkg, k % 2 ? "emu:0,channels=4" : "emu", what);
		fllm_model_free(pkg);
		unlink(path);
		bb_free(&img);
	}
	dec_model_free(&d);
}

static void test_golden_gqa(void)
{
	card_variant(0);
}

static void test_golden_mqa_unaligned(void)
{
	card_variant(1);
}

/*
 * A llama2.c model quantized on the fly gives the same logits as its
 * package on the card (quantization is deterministic); the statistics count
 * n_layers + 1 lists per token and the commands the design says.
 */
static void test_on_the_fly_equals_package(void)
{
	struct tm_spec s = dec_spec(0);
	fllm_context_params cp = { .device = "emu", .bits = 4, .group = 32 };
	fllm_context *a = NULL, *b = NULL;
	fllm_context_stats st;
	fllm_model *pkg = NULL;
	struct bytebuf img;
	struct dec_model d;
	char path[64], err[FLLM_ERROR_MAX];
	int32_t ids[3] = { 1, 70, 200 };
	uint32_t L = s.n_layers;

	if (dec_model_make(&s, &d) || dec_package_make(&d, 4, 32, &img, path))
		return;
	FLLM_ASSERT_STATUS(fllm_package_open(path, &pkg, err, sizeof(err)), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &a), FLLM_OK);
	cp.bits = cp.group = 0;
	FLLM_ASSERT_STATUS(fllm_context_create(pkg, &cp, &b), FLLM_OK);
	if (a && b) {
		FLLM_ASSERT_STATUS(fllm_context_eval(a, ids, 3), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_context_eval(b, ids, 3), FLLM_OK);
		CU_ASSERT(!memcmp(fllm_context_logits(a), fllm_context_logits(b),
				  d.model->info.vocab_size * 4));
		FLLM_ASSERT_STATUS(fllm_context_stats_get(a, &st), FLLM_OK);
		FLLM_ASSERT_EQ_U64(st.on_card, 1);
		FLLM_ASSERT_EQ_U64(st.bits, 4);
		FLLM_ASSERT_EQ_U64(st.group, 32);
		FLLM_ASSERT_EQ_U64(st.tokens, 3);
		/* the three tokens are one prefill chunk: one list; per layer 4 + 1
		 * RoPE (dim 64: q and k contiguous) + 2 attention + 8, head 2 */
		FLLM_ASSERT_EQ_U64(st.card_lists, 1);
		FLLM_ASSERT_EQ_U64(st.card_commands, L * 15 + 2);
		CU_ASSERT(st.card_bytes > 0);
		FLLM_ASSERT_STATUS(fllm_context_stats_get(b, &st), FLLM_OK);
		CU_ASSERT_EQUAL(st.quantize_s, 0.0);
	}
	fllm_context_free(a);
	fllm_context_free(b);
	fllm_model_free(pkg);
	unlink(path);
	bb_free(&img);
	dec_model_free(&d);
}

/* A CPU context of the same model is not on a card and counts only tokens. */
static void test_cpu_stats(void)
{
	struct tm_spec s = dec_spec(0);
	fllm_context *c = NULL;
	fllm_context_stats st;
	struct dec_model d;
	int32_t id = 1;

	if (dec_model_make(&s, &d))
		return;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, NULL, &c), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, &id, 1), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &st), FLLM_OK);
	FLLM_ASSERT_EQ_U64(st.on_card, 0);
	FLLM_ASSERT_EQ_U64(st.tokens, 1);
	FLLM_ASSERT_EQ_U64(st.card_commands, 0);
	fllm_context_free(c);
	dec_model_free(&d);
}

/* Refusals: no such card, bad bits/group, settings that contradict a package,
 * positions past the context. Each starts from a valid request. */
static void test_refusals(void)
{
	struct tm_spec s = dec_spec(0);
	fllm_context_params cp = { .device = "emu", .n_ctx = 4 };
	fllm_context *c = NULL;
	fllm_model *pkg = NULL;
	struct bytebuf img;
	struct dec_model d;
	char path[64], err[FLLM_ERROR_MAX];
	int32_t ids[5] = { 1, 2, 3, 4, 5 };

	if (dec_model_make(&s, &d) || dec_package_make(&d, 4, 32, &img, path))
		return;
	FLLM_ASSERT_STATUS(fllm_package_open(path, &pkg, err, sizeof(err)), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, ids, 5), FLLM_E_STATE);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, ids, 4), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, ids, 1), FLLM_E_STATE);
	fllm_context_free(c);
	c = NULL;
	cp.device = "emu:3";
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_NO_DEVICE);
	cp.device = "nosuchcard:0";
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_NO_DEVICE);
	cp.device = "emu";
	cp.bits = 9;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	cp.bits = 4;
	cp.group = 24;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	cp.group = 0;
	cp.bits = 8;
	FLLM_ASSERT_STATUS(fllm_context_create(pkg, &cp, &c), FLLM_E_INVALID_ARG);
	cp.bits = 0;
	cp.group = 64;
	FLLM_ASSERT_STATUS(fllm_context_create(pkg, &cp, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
	fllm_model_free(pkg);
	unlink(path);
	bb_free(&img);
	dec_model_free(&d);
}

/*
 * A 4096-position context: the prompt runs as prefill chunks on the card and
 * token by token through the reference; the last positions' logits must
 * agree bit for bit (256 KV blocks, the table, the online softmax over
 * every tile).
 */
static void test_long_context(void)
{
	struct tm_spec s = dec_spec(0);
	fllm_context_params cp = { .device = "emu" };
	struct dec_model d;
	struct bytebuf img;
	fllm_model *pkg = NULL;
	fllm_context *ctx = NULL;
	struct ref_card *ref = NULL;
	char path[64], err[FLLM_ERROR_MAX];
	enum { N = 4096 };
	int32_t *ids = malloc(N * sizeof(*ids));
	float *want = NULL;
	uint64_t seed = 99;

	s.seq_len = N;
	s.n_layers = 1;		/* the cost is attention's, quadratic in N */
	CU_ASSERT_FATAL(ids != NULL);
	if (dec_model_make(&s, &d) || dec_package_make(&d, 4, 32, &img, path)) {
		free(ids);
		return;
	}
	FLLM_ASSERT_STATUS(fllm_package_open(path, &pkg, err, sizeof(err)), FLLM_OK);
	if (pkg) {
		uint32_t vocab = pkg->info.vocab_size;

		want = malloc(vocab * sizeof(float));
		for (uint32_t i = 0; i < N; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			ids[i] = (int32_t)((seed >> 33) % vocab);
		}
		FLLM_ASSERT_STATUS(fllm_context_create(pkg, &cp, &ctx), FLLM_OK);
		CU_ASSERT_FATAL(want && ctx && ref_card_create(pkg, N, &ref) == 0);
		FLLM_ASSERT_EQ_U64(fllm_context_size(ctx), N);
		FLLM_ASSERT_STATUS(fllm_context_eval(ctx, ids, N), FLLM_OK);
		for (uint32_t pos = 0; pos < N; pos++)
			CU_ASSERT_FATAL(ref_card_token(ref, ids[pos], pos, want) == 0);
		CU_ASSERT(fllm_context_logits(ctx) &&
			  !memcmp(fllm_context_logits(ctx), want, vocab * sizeof(float)));
	}
	ref_card_free(ref);
	fllm_context_free(ctx);
	fllm_model_free(pkg);
	unlink(path);
	bb_free(&img);
	dec_model_free(&d);
	free(want);
	free(ids);
}

static CU_TestInfo card_tests[] = {
	{ "golden_gqa", test_golden_gqa },
	{ "golden_mqa_unaligned_untied", test_golden_mqa_unaligned },
	{ "on_the_fly_equals_package", test_on_the_fly_equals_package },
	{ "cpu_stats", test_cpu_stats },
	{ "refusals", test_refusals },
	{ "long_context_4096", test_long_context },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("decoder_card", dec_live_mark, NULL, card_tests,
					dec_live_check);
}
