/*
 * Sampler: greedy is argmax with ties to the lowest id; a seed fixes every
 * choice; top-k 1 and a tiny top-p reduce to argmax; draws follow the
 * softmax; invalid parameters and logits are refused.
 */
#include <math.h>

#include "engine_test.h"

static fllm_sampler *make(float temp, uint32_t k, float p, uint64_t seed)
{
	fllm_sampler_params sp = { .temperature = temp, .top_k = k, .top_p = p, .seed = seed };
	fllm_sampler *s = NULL;

	FLLM_ASSERT_STATUS(fllm_sampler_create(&sp, &s), FLLM_OK);
	return s;
}

static void test_greedy_ties(void)
{
	const float logits[6] = { 0.5f, 3.0f, -1.0f, 3.0f, 2.9f, 3.0f };
	fllm_sampler *s = make(0.0f, 0, 0.0f, 1);
	int32_t id = -1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	FLLM_ASSERT_STATUS(fllm_sampler_sample(s, logits, 6, &id), FLLM_OK);
	FLLM_ASSERT_EQ_U64(id, 1);
	fllm_sampler_free(s);
	ET_EXPECT_NO_LEAKS();
}

/* Draw n ids from the same logits. */
static void draw(fllm_sampler *s, const float *logits, size_t v, int32_t *ids, int n)
{
	for (int i = 0; i < n; i++)
		FLLM_ASSERT_STATUS(fllm_sampler_sample(s, logits, v, &ids[i]), FLLM_OK);
}

static void test_seeded(void)
{
	const float logits[5] = { 1.0f, 1.2f, 0.8f, 1.1f, 0.9f };
	fllm_sampler *a = make(1.0f, 0, 1.0f, 42), *b = make(1.0f, 0, 1.0f, 42);
	fllm_sampler *c = make(1.0f, 0, 1.0f, 43);
	int32_t ia[64], ib[64], ic[64];

	draw(a, logits, 5, ia, 64);
	draw(b, logits, 5, ib, 64);
	draw(c, logits, 5, ic, 64);
	CU_ASSERT(!memcmp(ia, ib, sizeof(ia)));
	CU_ASSERT(memcmp(ia, ic, sizeof(ia)));
	fllm_sampler_free(a);
	fllm_sampler_free(b);
	fllm_sampler_free(c);
	ET_EXPECT_NO_LEAKS();
}

static void test_topk_topp(void)
{
	const float logits[5] = { 1.0f, 2.0f, 0.5f, 1.9f, -3.0f };
	fllm_sampler *k1 = make(5.0f, 1, 1.0f, 3), *p = make(5.0f, 0, 0.01f, 3);
	fllm_sampler *k2 = make(5.0f, 2, 1.0f, 3);
	int32_t ids[200];

	draw(k1, logits, 5, ids, 50);
	for (int i = 0; i < 50; i++)
		CU_ASSERT_EQUAL(ids[i], 1);
	draw(p, logits, 5, ids, 50);
	for (int i = 0; i < 50; i++)
		CU_ASSERT_EQUAL(ids[i], 1);
	draw(k2, logits, 5, ids, 200);	/* only ids 1 and 3, both seen */
	{
		int seen1 = 0, seen3 = 0, other = 0;

		for (int i = 0; i < 200; i++) {
			seen1 += ids[i] == 1;
			seen3 += ids[i] == 3;
			other += ids[i] != 1 && ids[i] != 3;
		}
		FLLM_ASSERT_EQ_U64(other, 0);
		CU_ASSERT(seen1 > 50 && seen3 > 50);
	}
	fllm_sampler_free(k1);
	fllm_sampler_free(p);
	fllm_sampler_free(k2);
	ET_EXPECT_NO_LEAKS();
}

/* 20000 draws at T = 1 match softmax within 5 standard deviations. */
static void test_distribution(void)
{
	const float logits[4] = { 0.0f, 1.0f, 2.0f, -1.0f };
	fllm_sampler *s = make(1.0f, 0, 1.0f, 9);
	double z = 0.0, prob[4];
	int count[4] = { 0 };
	const int n = 20000;

	for (int i = 0; i < 4; i++)
		z += exp(logits[i]);
	for (int i = 0; i < n; i++) {
		int32_t id;

		fllm_sampler_sample(s, logits, 4, &id);
		count[id]++;
	}
	for (int i = 0; i < 4; i++) {
		double sd;

		prob[i] = exp(logits[i]) / z;
		sd = sqrt(n * prob[i] * (1 - prob[i]));
		if (fabs(count[i] - n * prob[i]) > 5 * sd)
			fprintf(stderr, "id %d drawn %d times, expected %.0f\n", i, count[i],
				n * prob[i]);
		CU_ASSERT(fabs(count[i] - n * prob[i]) <= 5 * sd);
	}
	fllm_sampler_free(s);
	ET_EXPECT_NO_LEAKS();
}

static void test_invalid(void)
{
	fllm_sampler_params sp = { .temperature = -1.0f };
	const float bad[3] = { 0.0f, NAN, 1.0f };
	fllm_sampler *s = NULL;
	int32_t id;

	FLLM_ASSERT_STATUS(fllm_sampler_create(&sp, &s), FLLM_E_INVALID_ARG);
	sp.temperature = INFINITY;
	FLLM_ASSERT_STATUS(fllm_sampler_create(&sp, &s), FLLM_E_INVALID_ARG);
	sp.temperature = 1.0f;
	sp.top_p = 1.5f;
	FLLM_ASSERT_STATUS(fllm_sampler_create(&sp, &s), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(s);
	s = make(1.0f, 0, 0.9f, 1);
	FLLM_ASSERT_STATUS(fllm_sampler_sample(s, bad, 3, &id), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_sampler_sample(s, bad, 0, &id), FLLM_E_INVALID_ARG);
	fllm_sampler_free(s);
	fllm_sampler_free(NULL);
	ET_EXPECT_NO_LEAKS();
}

static CU_TestInfo smp_tests[] = {
	{ "greedy, ties to lowest id", test_greedy_ties },
	{ "seed fixes choices", test_seeded },
	{ "top-k and top-p", test_topk_topp },
	{ "draws follow softmax", test_distribution },
	{ "invalid parameters", test_invalid },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("sampler", NULL, NULL, smp_tests);
}
