/*
 * stories260K on the emulated card (SKIP, exit 77, without ../shared/models):
 * teacher-forced over tests/data/story_eval.txt (simple English story text
 * written for this test), the quantized decoder against the fp32 forward
 * pass. The bar: q = 8 (uniform 8-bit as BCQ) top-1 agreement at
 * least 97% and perplexity within 1%; q = 4, g = 32 at least 85% and within
 * 12%. The measures are computed here, independently of fllm eval.
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "dec_test.h"

#define STORY_TOKENS 256	/* positions scored (keeps the test to seconds) */

static fllm_model *g_model;
static fllm_tokenizer *g_tok;
static int32_t g_ids[STORY_TOKENS + 1];
static size_t g_n;
static float *g_ref;		/* (g_n - 1, vocab) fp32 logits, teacher-forced */
static uint32_t g_vocab;

/* log p(next) under logits (n), in double; *arg receives the argmax. */
static double story_logp(const float *x, uint32_t n, int32_t next, uint32_t *arg)
{
	double sum = 0.0;
	uint32_t a = 0;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > x[a])
			a = i;
	for (uint32_t i = 0; i < n; i++)
		sum += exp((double)x[i] - x[a]);
	*arg = a;
	return (double)x[next] - x[a] - log(sum);
}

/* Model, tokenizer, the text's ids and the fp32 logits at every position. */
static int suite_init(void)
{
	fllm_context *c = NULL;
	char text[8192];
	size_t len;
	FILE *f;

	f = fopen(FLLM_STORY_TEXT, "rb");
	if (!f)
		return -1;
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	if (dec_stories_open(&g_model, &g_tok))
		return -1;
	{
		fllm_model_info mi;

		fllm_model_info_get(g_model, &mi);
		g_vocab = mi.vocab_size;
	}
	{
		int32_t *all = malloc((len + 2) * sizeof(*all));
		size_t n_all = 0;

		if (!all || fllm_tokenizer_encode(g_tok, text, len, FLLM_ENCODE_BOS, all, len + 2,
						  &n_all)) {
			free(all);
			return -1;
		}
		g_n = n_all < STORY_TOKENS + 1 ? n_all : STORY_TOKENS + 1;
		memcpy(g_ids, all, g_n * sizeof(*all));
		free(all);
	}
	printf("story text: %zu tokens scored\n", g_n - 1);
	g_ref = malloc((g_n - 1) * g_vocab * sizeof(float));
	if (!g_ref || fllm_context_create(g_model, NULL, &c))
		return -1;
	for (size_t t = 0; t + 1 < g_n; t++) {
		if (fllm_context_eval(c, &g_ids[t], 1))
			return -1;
		memcpy(g_ref + t * g_vocab, fllm_context_logits(c), g_vocab * sizeof(float));
	}
	fllm_context_free(c);
	return 0;
}

static int suite_fini(void)
{
	free(g_ref);
	fllm_tokenizer_free(g_tok);
	fllm_model_free(g_model);
	return 0;
}

/* Run the card at (bits, group) and check the bar; prints what it measured. */
static void story_check(uint32_t bits, uint32_t group, double top1_min, double ppl_tol)
{
	fllm_context_params cp = { .device = "emu", .bits = bits, .group = group };
	double nll_ref = 0.0, nll_q = 0.0, top1, ratio;
	fllm_context *c = NULL;
	uint64_t agree = 0;

	FLLM_ASSERT_STATUS(fllm_context_create(g_model, &cp, &c), FLLM_OK);
	if (!c)
		return;
	for (size_t t = 0; t + 1 < g_n; t++) {
		uint32_t a, b;

		FLLM_ASSERT_STATUS(fllm_context_eval(c, &g_ids[t], 1), FLLM_OK);
		nll_ref -= story_logp(g_ref + t * g_vocab, g_vocab, g_ids[t + 1], &a);
		nll_q -= story_logp(fllm_context_logits(c), g_vocab, g_ids[t + 1], &b);
		agree += a == b;
	}
	top1 = (double)agree / (double)(g_n - 1);
	ratio = exp((nll_q - nll_ref) / (double)(g_n - 1));
	printf("\n  q %u g %u: top-1 agreement %.4f (bar %.2f), perplexity fp32 %.4f, "
	       "quantized %.4f, ratio %.4f (bar 1 +- %.2f)\n", bits, group, top1, top1_min,
	       exp(nll_ref / (double)(g_n - 1)), exp(nll_q / (double)(g_n - 1)), ratio, ppl_tol);
	CU_ASSERT(top1 >= top1_min);
	CU_ASSERT(fabs(ratio - 1.0) <= ppl_tol);
	fllm_context_free(c);
}

static void test_q8(void)
{
	story_check(8, 32, 0.97, 0.01);
}

static void test_q4_g32(void)
{
	story_check(4, 32, 0.85, 0.12);
}

static CU_TestInfo stories_tests[] = {
	{ "q8_g32", test_q8 },
	{ "q4_g32", test_q4_g32 },
	CU_TEST_INFO_NULL,
};

/* Without the model files the program exits 77, which ctest reports as SKIP. */
int fllm_test_register(void)
{
	dec_skip_without_stories();
	return fllm_test_add_suite("stories260K_card", suite_init, suite_fini, stories_tests);
}
