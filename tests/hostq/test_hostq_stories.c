/*
 * stories260K on the CPU quantized executor ("cpu-q") against the emulated
 * card (SKIP, exit 77, without ../shared/models): greedy generation from a
 * fixed prompt at q = 4, g = 32 and at q = 8, and once to the end of the
 * model's 512-position context (the paged KV cache's 32 blocks); every
 * position's logits must be bit-identical and so must the generated texts,
 * which are printed.
 */
#include <stdlib.h>
#include <unistd.h>

#include "dec_test.h"

#define HQ_PROMPT "Once upon a time, there was a little girl"
#define HQ_GEN 48		/* tokens generated after the prompt */
#define HQ_TEXT_MAX 4096

static fllm_model *g_model;
static fllm_tokenizer *g_tok;
static uint64_t g_live;

static int suite_init(void)
{
	if (dec_stories_open(&g_model, &g_tok))
		return -1;
	g_live = fllm_live_handles();	/* the model and tokenizer stay open */
	return 0;
}

static int suite_fini(void)
{
	fllm_tokenizer_free(g_tok);
	fllm_model_free(g_model);
	return 0;
}

/* Append id's text to text (cap HQ_TEXT_MAX). */
static void hq_append(char *text, int32_t prev, int32_t id)
{
	const char *piece;
	size_t len, have = strlen(text);

	if (fllm_tokenizer_decode(g_tok, prev, id, &piece, &len))
		return;
	if (have + len >= HQ_TEXT_MAX)
		len = HQ_TEXT_MAX - 1 - have;
	memcpy(text + have, piece, len);
	text[have + len] = 0;
}

/* Greedy on the card and on cpu-q at (bits, group), gen tokens (0: to the
 * end of the context): logits equal at every step. */
static void hq_story(uint32_t bits, uint32_t group, uint32_t gen)
{
	fllm_context_params cc = { .device = "emu", .bits = bits, .group = group };
	fllm_context_params hc = { .device = "cpu-q", .bits = bits, .group = group };
	static char text_card[HQ_TEXT_MAX], text_host[HQ_TEXT_MAX];
	fllm_context *card = NULL, *host = NULL;
	int32_t ids[64], tc, th, prev;
	fllm_model_info mi;
	uint32_t vocab;
	size_t n = 0;

	fllm_model_info_get(g_model, &mi);
	vocab = mi.vocab_size;

	FLLM_ASSERT_STATUS(fllm_tokenizer_encode(g_tok, HQ_PROMPT, strlen(HQ_PROMPT),
						 FLLM_ENCODE_BOS, ids, 64, &n), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(g_model, &cc, &card), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(g_model, &hc, &host), FLLM_OK);
	if (!card || !host || !n)
		goto out;
	text_card[0] = text_host[0] = 0;
	FLLM_ASSERT_STATUS(fllm_context_eval(card, ids, n), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_eval(host, ids, n), FLLM_OK);
	prev = ids[n - 1];
	if (!gen)
		gen = fllm_context_size(card) - (uint32_t)n + 1;
	for (uint32_t t = 0; t < gen; t++) {
		const float *a = fllm_context_logits(card), *b = fllm_context_logits(host);

		CU_ASSERT_FATAL(a && b);
		if (memcmp(a, b, vocab * sizeof(float))) {
			fprintf(stderr, "q %u g %u: logits differ at generated token %u\n", bits,
				group, t);
			CU_FAIL("logits differ");
			break;
		}
		tc = et_argmax(a, vocab);
		th = et_argmax(b, vocab);
		hq_append(text_card, prev, tc);
		hq_append(text_host, prev, th);
		prev = tc;
		if (t + 1 == gen)
			break;
		FLLM_ASSERT_STATUS(fllm_context_eval(card, &tc, 1), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_context_eval(host, &th, 1), FLLM_OK);
	}
	FLLM_ASSERT_EQ_U64(fllm_context_pos(card), n + gen - 1);
	printf("\n  q %u g %u card:  %s%s\n  q %u g %u cpu-q: %s%s\n", bits, group, HQ_PROMPT,
	       text_card, bits, group, HQ_PROMPT, text_host);
	CU_ASSERT_STRING_EQUAL(text_card, text_host);
out:
	fllm_context_free(host);
	fllm_context_free(card);
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), g_live);
}

static void test_q4_g32(void)
{
	hq_story(4, 32, HQ_GEN);
}

static void test_q8(void)
{
	hq_story(8, 32, HQ_GEN);
}

static void test_full_context(void)
{
	hq_story(4, 32, 0);
}

static CU_TestInfo stories_tests[] = {
	{ "q4_g32_equals_card", test_q4_g32 },
	{ "q8_equals_card", test_q8 },
	{ "full_context_equals_card", test_full_context },
	CU_TEST_INFO_NULL,
};

/* Without the model files the program exits 77, which ctest reports as SKIP. */
int fllm_test_register(void)
{
	dec_skip_without_stories();
	return fllm_test_add_suite("hostq_stories", suite_init, suite_fini, stories_tests);
}
