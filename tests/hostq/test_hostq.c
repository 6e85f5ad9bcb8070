/*
 * The CPU quantized executor ("cpu-q") against the emulated card on
 * synthetic models: the logits of every position must be bit-identical, for
 * the GQA shape and the MQA one with unaligned q/k outputs and an untied
 * classifier, several (q, g), models quantized on the fly and packages,
 * and 1 or 3 LUT-GEMM threads. Then its statistics and refusals.
 */
#include <stdlib.h>
#include <unistd.h>

#include "dec_test.h"

#define HQ_TOKENS 6

/* Run HQ_TOKENS pseudo-random tokens through the card and cpu-q contexts of m
 * at (bits, group) and require identical logits; prints the first mismatch. */
static void hq_vs_card(const fllm_model *m, uint32_t bits, uint32_t group, uint32_t threads,
		       const char *what)
{
	fllm_context_params cc = { .device = "emu", .bits = bits, .group = group };
	fllm_context_params hc = { .device = "cpu-q", .bits = bits, .group = group,
				   .n_threads = threads };
	fllm_context *card = NULL, *host = NULL;
	uint64_t seed = 99;
	fllm_model_info mi;
	uint32_t vocab;

	fllm_model_info_get(m, &mi);
	vocab = mi.vocab_size;

	FLLM_ASSERT_STATUS(fllm_context_create(m, &cc, &card), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(m, &hc, &host), FLLM_OK);
	for (uint32_t pos = 0; card && host && pos < HQ_TOKENS; pos++) {
		const float *a, *b;
		int32_t tok;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		tok = (int32_t)((seed >> 33) % vocab);
		FLLM_ASSERT_STATUS(fllm_context_eval(card, &tok, 1), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_context_eval(host, &tok, 1), FLLM_OK);
		a = fllm_context_logits(card);
		b = fllm_context_logits(host);
		CU_ASSERT_FATAL(a && b);
		for (uint32_t v = 0; v < vocab; v++) {
			if (memcmp(&a[v], &b[v], 4)) {
				fprintf(stderr, "%s: pos %u logit %u: card %.9g, cpu-q %.9g\n",
					what, pos, v, (double)a[v], (double)b[v]);
				CU_FAIL("logits differ");
				break;
			}
		}
	}
	fllm_context_free(host);
	fllm_context_free(card);
}

/* One shape at several (q, g, threads), on the fly and from its package. */
static void hq_variant(int variant)
{
	static const uint32_t qgt[][3] = { { 4, 32, 1 }, { 2, 16, 3 }, { 8, 64, 1 },
					   { 3, 128, 3 } };
	struct tm_spec s = dec_spec(variant);
	struct dec_model d;

	if (dec_model_make(&s, &d))
		return;
	for (size_t k = 0; k < sizeof(qgt) / sizeof(qgt[0]); k++) {
		char path[64], err[FLLM_ERROR_MAX], what[80];
		fllm_model *pkg = NULL;
		struct bytebuf img;

		snprintf(what, sizeof(what), "variant %d q %u g %u threads %u", variant,
			 qgt[k][0], qgt[k][1], qgt[k][2]);
		hq_vs_card(d.model, qgt[k][0], qgt[k][1], qgt[k][2], what);
		if (dec_package_make(&d, qgt[k][0], qgt[k][1], &img, path))
			break;
		FLLM_ASSERT_STATUS(fllm_package_open(path, &pkg, err, sizeof(err)), FLLM_OK);
		strncat(what, " package", sizeof(what) - strlen(what) - 1);
		if (pkg)
			hq_vs_card(pkg, 0, 0, qgt[k][2], what);
		fllm_model_free(pkg);
		unlink(path);
		bb_free(&img);
	}
	dec_model_free(&d);
}

static void test_gqa(void)
{
	hq_variant(0);
}

static void test_mqa_unaligned_untied(void)
{
	hq_variant(1);
}

/* Statistics: quantized settings, not on a card; refusals as the card's. */
static void test_stats_and_refusals(void)
{
	struct tm_spec s = dec_spec(0);
	fllm_context_params cp = { .device = "cpu-q", .n_ctx = 4, .bits = 3, .group = 64 };
	int32_t ids[5] = { 1, 2, 3, 4, 5 };
	fllm_context *c = NULL;
	fllm_context_stats st;
	struct dec_model d;

	if (dec_model_make(&s, &d))
		return;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, ids, 5), FLLM_E_STATE);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, ids, 4), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, ids, 1), FLLM_E_STATE);
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &st), FLLM_OK);
	FLLM_ASSERT_EQ_U64(st.on_card, 0);
	FLLM_ASSERT_EQ_U64(st.bits, 3);
	FLLM_ASSERT_EQ_U64(st.group, 64);
	FLLM_ASSERT_EQ_U64(st.tokens, 4);
	fllm_context_free(c);
	c = NULL;
	cp.bits = 9;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	cp.bits = 4;
	cp.group = 24;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
	dec_model_free(&d);
}

static CU_TestInfo hostq_tests[] = {
	{ "gqa_equals_card", test_gqa },
	{ "mqa_unaligned_untied_equals_card", test_mqa_unaligned_untied },
	{ "stats_and_refusals", test_stats_and_refusals },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("hostq_synthetic", dec_live_mark, NULL, hostq_tests,
					dec_live_check);
}
