/*
 * Forward pass and context: the engine's logits for models written by the
 * tests (GQA, MQA, MHA, untied output, odd hidden size, RoPE base, F16,
 * BF16, Q8_0, Q4_0) match the independent scalar reference within a tight
 * tolerance, the .bin and .gguf of the same weights give identical logits,
 * thread counts do not change a bit, and the context's limits hold.
 */
#include <math.h>
#include <stdlib.h>

#include "engine_test.h"
#include "model_writer.h"
#include "ref_llama.h"

#define STEPS 24
#define TOLERANCE 1e-4	/* relative to max(1, |logit|); measured worst 2.3e-5 */

static char err[FLLM_ERROR_MAX];

/* Largest |a - b| relative to max(1, |b|) over n logits. */
static double rel_diff(const float *a, const float *b, uint32_t n)
{
	double worst = 0.0;

	for (uint32_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - b[i]) / fmax(1.0, fabs((double)b[i]));

		if (d > worst || isnan(d))
			worst = isnan(d) ? INFINITY : d;
	}
	return worst;
}

struct variant {
	const char *what;
	struct tm_spec s;
};

/*
 * Run a token walk through the engine (.bin and .gguf, given thread counts)
 * and the reference: first a fixed prompt, then greedy continuation.
 * Every step's logits are compared.
 */
static void check_variant(const struct variant *v, uint32_t threads)
{
	const struct tm_spec *s = &v->s;
	fllm_context_params cp = { .n_threads = threads };
	struct tm_weights w;
	struct bytebuf fb, fg;
	fllm_model *mb = NULL, *mg = NULL;
	fllm_context *cb = NULL, *cg = NULL;
	struct ref_llama *ref;
	double worst = 0.0;
	int32_t tok = 1, mism = 0, exact = 1;

	tm_weights_make(s, &w);
	tm_write_bin(s, &w, &fb);
	tm_write_gguf(s, &w, &fg);
	ref = ref_llama_load(fb.data, fb.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
	if (s->theta != 0.0f)
		ref_llama_set_theta(ref, s->theta);
	FLLM_ASSERT_STATUS(et_model_open(&fb, &mb, err, sizeof(err)), FLLM_OK);
	FLLM_ASSERT_STATUS(et_model_open(&fg, &mg, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_FATAL(mb && mg);
	FLLM_ASSERT_STATUS(fllm_context_create(mb, &cp, &cb), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(mg, &cp, &cg), FLLM_OK);
	CU_ASSERT_FATAL(cb && cg);
	for (int pos = 0; pos < STEPS; pos++) {
		const float *lb, *lg, *lr;

		FLLM_ASSERT_STATUS(fllm_context_eval(cb, &tok, 1), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_context_eval(cg, &tok, 1), FLLM_OK);
		lb = fllm_context_logits(cb);
		lg = fllm_context_logits(cg);
		lr = ref_llama_forward(ref, tok, pos);
		CU_ASSERT_FATAL(lb && lg);
		if (s->theta == 0.0f)	/* a .bin cannot say its RoPE base */
			exact &= !memcmp(lb, lg, s->vocab * sizeof(float));
		worst = fmax(worst, rel_diff(lg, lr, s->vocab));
		mism += et_argmax(lg, s->vocab) != et_argmax(lr, s->vocab);
		tok = pos < 5 ? (int32_t)(7 + 31 * pos) % (int32_t)s->vocab :
				et_argmax(lg, s->vocab);
	}
	if (worst > TOLERANCE || mism || !exact)
		fprintf(stderr, "%s, %u threads: max relative logit difference %.3g, %d argmax "
			"mismatches, bin==gguf %d\n", v->what, threads, worst, mism, exact);
	CU_ASSERT(worst <= TOLERANCE);
	FLLM_ASSERT_EQ_U64(mism, 0);
	FLLM_ASSERT_EQ_U64(exact, 1);
	fllm_context_free(cb);
	fllm_context_free(cg);
	fllm_model_free(mb);
	fllm_model_free(mg);
	ref_llama_free(ref);
	bb_free(&fb);
	bb_free(&fg);
	tm_weights_free(&w);
	ET_EXPECT_NO_LEAKS();
}

static void test_shapes(void)
{
	struct variant v[6];

	for (int i = 0; i < 6; i++)
		v[i].s = tm_spec_default();
	v[0].what = "GQA 4/2";
	v[1].what = "MQA 4/1";
	v[1].s.n_kv_heads = 1;
	v[2].what = "MHA 4/4";
	v[2].s.n_kv_heads = 4;
	v[3].what = "untied output";
	v[3].s.untied = 1;
	v[4].what = "hidden 100, 3 layers, 8 heads";
	v[4].s.hidden = 100;
	v[4].s.n_layers = 3;
	v[4].s.n_heads = 8;
	v[4].s.n_kv_heads = 2;
	v[5].what = "RoPE base 500000";
	v[5].s.theta = 500000.0f;
	for (int i = 0; i < 6; i++)
		check_variant(&v[i], 1);
}

static void test_types(void)
{
	static const uint32_t types[4] = { GW_T_F16, GW_T_BF16, GW_T_Q8_0, GW_T_Q4_0 };
	static const char *const names[4] = { "F16", "BF16", "Q8_0", "Q4_0" };

	for (int i = 0; i < 4; i++) {
		struct variant v = { names[i], tm_spec_default() };

		v.s.type = types[i];
		v.s.untied = i % 2;
		check_variant(&v, 1);
	}
}

/* Big enough matrices to be split across threads: same bits for 1, 2, 3. */
static void test_threads(void)
{
	struct tm_spec s = tm_spec_shape(256, 512, 8, 4);
	struct tm_weights w;
	struct bytebuf f;
	fllm_model *m;
	float *first = NULL;

	tm_weights_make(&s, &w);
	tm_write_bin(&s, &w, &f);
	FLLM_ASSERT_STATUS(et_model_open(&f, &m, err, sizeof(err)), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (uint32_t th = 1; th <= 3; th++) {
		fllm_context_params cp = { .n_threads = th };
		int32_t toks[6] = { 1, 300, 5, 77, 290, 12 };
		fllm_context *c;

		FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		FLLM_ASSERT_STATUS(fllm_context_eval(c, toks, 6), FLLM_OK);
		if (!first) {
			first = malloc(s.vocab * sizeof(float));
			memcpy(first, fllm_context_logits(c), s.vocab * sizeof(float));
		} else {
			CU_ASSERT(!memcmp(first, fllm_context_logits(c), s.vocab * sizeof(float)));
		}
		fllm_context_free(c);
	}
	free(first);
	fllm_model_free(m);
	bb_free(&f);
	tm_weights_free(&w);
	ET_EXPECT_NO_LEAKS();
}

static void test_context_limits(void)
{
	fllm_context_params cp = { .n_ctx = 4 };
	fllm_model *m;
	fllm_context *c;
	int32_t toks[5] = { 1, 2, 3, 4, 5 }, bad[2] = { 1, 259 };
	float first[259];

	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(3, &m), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	FLLM_ASSERT_EQ_U64(fllm_context_size(c), 4);
	CU_ASSERT_PTR_NULL(fllm_context_logits(c));
	FLLM_ASSERT_STATUS(fllm_context_eval(c, bad, 2), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_EQ_U64(fllm_context_pos(c), 0);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, toks, 5), FLLM_E_STATE);
	FLLM_ASSERT_EQ_U64(fllm_context_pos(c), 0);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, toks, 4), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_context_pos(c), 4);
	memcpy(first, fllm_context_logits(c), sizeof(first));
	FLLM_ASSERT_STATUS(fllm_context_eval(c, toks, 1), FLLM_E_STATE);
	fllm_context_reset(c);
	FLLM_ASSERT_EQ_U64(fllm_context_pos(c), 0);
	FLLM_ASSERT_STATUS(fllm_context_eval(c, toks, 4), FLLM_OK);
	CU_ASSERT(!memcmp(first, fllm_context_logits(c), sizeof(first)));
	fllm_context_free(c);
	fllm_model_free(m);
	ET_EXPECT_NO_LEAKS();
}

static void test_context_params(void)
{
	fllm_context_params cp = { .device = "nosuchcard:0" };
	fllm_model *m;
	fllm_context *c = NULL;

	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(3, &m), FLLM_OK);
	/* card devices run the quantized decoder (tests/decoder); an unknown one is refused */
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_E_NO_DEVICE);
	CU_ASSERT_PTR_NULL(c);
	cp.device = "cpu";
	cp.n_threads = 1000;
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_context_create(m, NULL, &c), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_context_size(c), 512);
	fllm_context_free(c);
	fllm_model_free(m);
	ET_EXPECT_NO_LEAKS();
}

/* Same seed, same synthetic model; another seed, another model. */
static void test_synthetic_seeded(void)
{
	fllm_model *a, *b, *c;
	fllm_tensor_desc da, db, dc;

	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(11, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(11, &b), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_model_open_synthetic(12, &c), FLLM_OK);
	fllm_model_tensor_find(a, "blk.1.ffn_up.weight", &da);
	fllm_model_tensor_find(b, "blk.1.ffn_up.weight", &db);
	fllm_model_tensor_find(c, "blk.1.ffn_up.weight", &dc);
	CU_ASSERT(da.bytes == db.bytes && !memcmp(da.data, db.data, da.bytes));
	CU_ASSERT(memcmp(da.data, dc.data, da.bytes));
	fllm_model_free(a);
	fllm_model_free(b);
	fllm_model_free(c);
	ET_EXPECT_NO_LEAKS();
}

static CU_TestInfo fwd_tests[] = {
	{ "shapes vs reference", test_shapes },
	{ "tensor types vs reference", test_types },
	{ "threads change nothing", test_threads },
	{ "context limits and reset", test_context_limits },
	{ "context parameters", test_context_params },
	{ "synthetic model is seeded", test_synthetic_seeded },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite("forward", NULL, NULL, fwd_tests);
}
