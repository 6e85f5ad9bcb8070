/*
 * Several sequences in one context (fllm_context_seq_*, fllm_context_step)
 * on the emulated card, cpu-q and the fp32 CPU path: a batch gives every
 * sequence exactly the logits it gets alone, interleaving does not change
 * them, prefill chunks equal token-by-token evaluation, a KV budget that
 * cannot hold every sequence swaps them and still gives the same logits, so
 * does a card-memory budget that keeps only some layers resident and
 * streams the rest every step, and so do plans that run some layers on the
 * host; a batch of B reads the weights once for all B. Then the refusals.
 */
#include <stdlib.h>
#include <string.h>

#include "dec_test.h"
#include "model.h"

#define SQ_SEQS 4
#define SQ_PROMPT 5
#define SQ_STEPS 24

/* Greedy choice (the sampler at temperature 0: argmax, ties to the lowest id). */
static int32_t sq_argmax(const float *l, uint32_t n)
{
	fllm_sampler_params sp = { 0 };
	fllm_sampler *smp = NULL;
	int32_t id = -1;

	if (!fllm_sampler_create(&sp, &smp))
		fllm_sampler_sample(smp, l, n, &id);
	fllm_sampler_free(smp);
	return id;
}

/* Prompt of sequence s: SQ_PROMPT ids from a seed of its own. */
static void sq_prompt(uint32_t s, uint32_t vocab, int32_t *ids)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (s + 1);

	for (uint32_t i = 0; i < SQ_PROMPT; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		ids[i] = (int32_t)((x >> 33) % vocab);
	}
}

/* Sequence s alone in its own context: its greedy ids and the bits of its
 * logits at every step (logits: SQ_STEPS x vocab). */
static void sq_alone(const fllm_model *m, const char *dev, uint32_t s, int32_t *ids,
		     float *logits)
{
	fllm_context_params cp = { .device = dev, .n_ctx = 64 };
	uint32_t vocab = m->info.vocab_size;
	fllm_context *c = NULL;
	int32_t p[SQ_PROMPT];

	sq_prompt(s, vocab, p);
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_OK);
	if (!c)
		return;
	FLLM_ASSERT_STATUS(fllm_context_eval(c, p, SQ_PROMPT), FLLM_OK);
	for (uint32_t t = 0; t < SQ_STEPS && fllm_context_logits(c); t++) {
		memcpy(logits + (size_t)t * vocab, fllm_context_logits(c), vocab * 4);
		ids[t] = sq_argmax(fllm_context_logits(c), vocab);
		FLLM_ASSERT_STATUS(fllm_context_eval(c, &ids[t], 1), FLLM_OK);
	}
	fllm_context_free(c);
}

/* The sequences together in one context of cp: prompts one by one, then
 * steps over every sequence (order: rotated each step, so batches differ),
 * each sequence's logits checked against its alone run. Returns how
 * context creation went (the caller checks it). */
static fllm_status sq_together(const fllm_model *m, fllm_context_params cp, const int32_t *ids,
			       const float *logits, fllm_context_stats *stats)
{
	uint32_t vocab = m->info.vocab_size, seq[SQ_SEQS];
	fllm_context *c = NULL;
	fllm_status st;
	int bad = 0;

	cp.n_seqs = SQ_SEQS;
	cp.n_ctx = 64;
	st = fllm_context_create(m, &cp, &c);
	if (st)
		return st;
	seq[0] = 0;
	for (uint32_t s = 0; s < SQ_SEQS; s++) {
		int32_t p[SQ_PROMPT];

		if (s)
			FLLM_ASSERT_STATUS(fllm_context_seq_add(c, &seq[s]), FLLM_OK);
		sq_prompt(s, vocab, p);
		FLLM_ASSERT_STATUS(fllm_context_seq_eval(c, seq[s], p, SQ_PROMPT), FLLM_OK);
	}
	for (uint32_t t = 0; t < SQ_STEPS && !bad; t++) {
		uint32_t order[SQ_SEQS];
		int32_t next[SQ_SEQS];

		for (uint32_t k = 0; k < SQ_SEQS; k++) {
			uint32_t s = (k + t) % SQ_SEQS;
			const float *l = fllm_context_seq_logits(c, seq[s]);

			if (!l || memcmp(l, logits + ((size_t)s * SQ_STEPS + t) * vocab, vocab * 4)) {
				fprintf(stderr, "%s: sequence %u step %u: logits differ from alone\n",
					cp.device ? cp.device : "cpu", s, t);
				bad = 1;
			}
			order[k] = seq[s];
			next[k] = ids[s * SQ_STEPS + t];
		}
		/* on odd steps the first sequence runs alone first (interleaving) */
		if (t % 2) {
			FLLM_ASSERT_STATUS(fllm_context_step(c, 1, order, next), FLLM_OK);
			FLLM_ASSERT_STATUS(fllm_context_step(c, SQ_SEQS - 1, order + 1, next + 1),
					   FLLM_OK);
		} else {
			FLLM_ASSERT_STATUS(fllm_context_step(c, SQ_SEQS, order, next), FLLM_OK);
		}
	}
	CU_ASSERT(!bad);
	FLLM_ASSERT_EQ_U64(fllm_context_seq_pos(c, seq[1]), SQ_PROMPT + SQ_STEPS);
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, stats), FLLM_OK);
	fllm_context_free(c);
	return FLLM_OK;
}

/*
 * Together again in card-memory budgets with room for 15/16, 14/16, ...
 * of the resident weights (full: the unconstrained run) until one cannot
 * hold the staging sets: each run stays within its budget and gives the
 * alone logits, streaming what does not fit, at least one streams more
 * units than the two staging sets hold (traffic every step), and every
 * smaller budget is refused. So is one below the KV cache and activations.
 */
static void sq_streaming(const fllm_model *m, fllm_context_params cp, const int32_t *ids,
			 const float *logits, const fllm_context_stats *full)
{
	uint8_t *autos = calloc(m->info.n_layers + 1, 1);	/* the executor's own choice */
	uint32_t most = 0, k;
	fllm_context_stats st;
	fllm_context *c = NULL;

	CU_ASSERT_FATAL(autos != NULL);
	cp.placement = autos;
	for (k = 1; k <= 16; k++) {
		cp.card_mem = full->card_bytes - full->card_resident_bytes * k / 16;
		memset(&st, 0, sizeof(st));
		if (sq_together(m, cp, ids, logits, &st) == FLLM_E_NO_CARD_MEMORY)
			break;
		CU_ASSERT(st.card_bytes <= cp.card_mem);
		/* the card's own allocator never held more than the budget */
		CU_ASSERT(st.card_mem_peak > 0 && st.card_mem_peak <= cp.card_mem);
		CU_ASSERT(st.card_streamed > 0 && st.card_streamed <= st.card_units);
		CU_ASSERT(st.card_resident_bytes < full->card_resident_bytes);
		if (st.card_streamed > 2)	/* more than both sets hold: traffic */
			CU_ASSERT(st.card_stream_bytes > 0);
		if (st.card_streamed > most)
			most = st.card_streamed;
	}
	CU_ASSERT(most > 2);
	for (k++; k <= 16; k++) {
		cp.card_mem = full->card_bytes - full->card_resident_bytes * k / 16;
		FLLM_ASSERT_STATUS(sq_together(m, cp, ids, logits, &st), FLLM_E_NO_CARD_MEMORY);
	}
	cp.card_mem = full->card_bytes - full->card_resident_bytes - 1;
	cp.n_seqs = SQ_SEQS;
	cp.n_ctx = 64;
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_E_NO_CARD_MEMORY);
	CU_ASSERT_PTR_NULL(c);
	free(autos);
}

/*
 * A budget and no placement: the layer scheduler places the units. Every
 * budget from the whole footprint down to the footprint less all the
 * weights gives the alone logits within the budget and a predicted time
 * per token; some budget leaves units off the card or streamed; a budget
 * below the activations alone is refused.
 */
static void sq_planned(const fllm_model *m, fllm_context_params cp, const int32_t *ids,
		       const float *logits, const fllm_context_stats *full)
{
	uint32_t split = 0;
	fllm_context_stats st;

	for (uint32_t k = 0; k <= 8; k++) {
		cp.card_mem = full->card_bytes - full->card_resident_bytes * k / 8;
		memset(&st, 0, sizeof(st));
		FLLM_ASSERT_STATUS(sq_together(m, cp, ids, logits, &st), FLLM_OK);
		CU_ASSERT(st.card_bytes <= cp.card_mem);
		CU_ASSERT(st.card_mem_peak > 0 && st.card_mem_peak <= cp.card_mem);
		CU_ASSERT(st.plan_t_token > 0);
		split += st.card_host + st.card_streamed > 0;
	}
	CU_ASSERT(split > 0);
	cp.card_mem = 4096;
	FLLM_ASSERT_STATUS(sq_together(m, cp, ids, logits, &st), FLLM_E_NO_CARD_MEMORY);
}

/*
 * Together again with layers placed on the host (cpu-q's arithmetic, its
 * own KV cache), alternating with card layers, resident or streamed, the
 * head on either side, and all on the host: the alone logits every time.
 * A placement value outside fllm_place is refused.
 */
static void sq_mixed(const fllm_model *m, fllm_context_params cp, const int32_t *ids,
		     const float *logits)
{
	uint32_t n = m->info.n_layers + 1;
	uint8_t *place = calloc(n, 1);
	fllm_context_stats st;
	fllm_context *c = NULL;

	CU_ASSERT_FATAL(place != NULL);
	cp.placement = place;
	for (int pattern = 0; pattern < 4; pattern++) {
		uint32_t host = 0;

		for (uint32_t u = 0; u < n; u++) {
			static const uint8_t pat[4][2] = {
				{ FLLM_PLACE_HOST, FLLM_PLACE_AUTO },
				{ FLLM_PLACE_RESIDENT, FLLM_PLACE_HOST },
				{ FLLM_PLACE_STREAMED, FLLM_PLACE_HOST },
				{ FLLM_PLACE_HOST, FLLM_PLACE_HOST },
			};

			place[u] = pat[pattern][u % 2];
			host += place[u] == FLLM_PLACE_HOST;
		}
		memset(&st, 0, sizeof(st));
		FLLM_ASSERT_STATUS(sq_together(m, cp, ids, logits, &st), FLLM_OK);
		FLLM_ASSERT_EQ_U64(st.card_host, host);
		FLLM_ASSERT_EQ_U64(st.card_units, n);
	}
	place[0] = FLLM_PLACE_HOST + 1;
	FLLM_ASSERT_STATUS(fllm_context_create(m, &cp, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
	free(place);
}

/* Alone runs, then together: unconstrained, and in a KV budget of about
 * 1.5 sequences (card only: swapping, then streaming, then mixed plans). */
static void sq_device(const char *dev, int swap)
{
	struct tm_spec spec = dec_spec(0);
	struct dec_model d;
	fllm_context_params cp = { .device = dev };
	fllm_context_stats st;
	int32_t *ids;
	float *logits;
	uint32_t vocab;

	if (dec_model_make(&spec, &d))
		return;
	vocab = d.model->info.vocab_size;
	ids = calloc(SQ_SEQS * SQ_STEPS, sizeof(*ids));
	logits = calloc((size_t)SQ_SEQS * SQ_STEPS * vocab, sizeof(float));
	CU_ASSERT_FATAL(ids && logits);
	for (uint32_t s = 0; s < SQ_SEQS; s++)
		sq_alone(d.model, dev, s, ids + s * SQ_STEPS, logits + (size_t)s * SQ_STEPS * vocab);
	FLLM_ASSERT_STATUS(sq_together(d.model, cp, ids, logits, &st), FLLM_OK);
	FLLM_ASSERT_EQ_U64(st.kv_swaps_out, 0);
	if (swap) {
		FLLM_ASSERT_EQ_U64(st.card_streamed, 0);
		sq_streaming(d.model, cp, ids, logits, &st);
		sq_planned(d.model, cp, ids, logits, &st);
		sq_mixed(d.model, cp, ids, logits);
		/* 64 positions are 4 blocks of 16: room for 6 blocks in all */
		cp.kv_mem = 6 * st.kv_block_bytes;
		FLLM_ASSERT_STATUS(sq_together(d.model, cp, ids, logits, &st), FLLM_OK);
		FLLM_ASSERT_EQ_U64(st.kv_blocks, 6);
		CU_ASSERT(st.kv_swaps_out > 0);
		CU_ASSERT(st.kv_swaps_in > 0);
		CU_ASSERT(st.kv_swap_bytes > 0);
	}
	free(ids);
	free(logits);
	dec_model_free(&d);
}

static void test_emu(void)
{
	sq_device("emu", 1);
}

static void test_cpu_q(void)
{
	sq_device("cpu-q", 0);
}

static void test_cpu(void)
{
	sq_device("cpu", 0);
}

/* A prompt in prefill chunks (batch 3: chunks of 3, 3, 1) gives the logits
 * of token-by-token evaluation. */
static void test_prefill_chunks(void)
{
	struct tm_spec spec = dec_spec(1);
	fllm_context_params cp = { .device = "emu", .n_ctx = 32, .batch = 3 };
	int32_t p[7] = { 3, 9, 1, 4, 7, 2, 5 };
	fllm_context *a = NULL, *b = NULL;
	fllm_context_stats st;
	struct dec_model d;
	uint32_t vocab;

	if (dec_model_make(&spec, &d))
		return;
	vocab = d.model->info.vocab_size;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &b), FLLM_OK);
	if (a && b) {
		FLLM_ASSERT_STATUS(fllm_context_eval(a, p, 7), FLLM_OK);
		for (uint32_t i = 0; i < 7; i++)
			FLLM_ASSERT_STATUS(fllm_context_eval(b, &p[i], 1), FLLM_OK);
		CU_ASSERT(fllm_context_logits(a) && fllm_context_logits(b) &&
			  !memcmp(fllm_context_logits(a), fllm_context_logits(b), vocab * 4));
		FLLM_ASSERT_STATUS(fllm_context_stats_get(a, &st), FLLM_OK);
		FLLM_ASSERT_EQ_U64(st.card_lists, 3);
	}
	fllm_context_free(a);
	fllm_context_free(b);
	dec_model_free(&d);
}

/* Weight bytes per token: a batch of 16 reads each matrix once per step. */
static void test_weight_reads(void)
{
	struct tm_spec spec = dec_spec(0);
	fllm_context_params cp = { .device = "emu", .n_ctx = 16, .n_seqs = 16 };
	uint32_t seqs[16];
	int32_t toks[16];
	fllm_context *c = NULL;
	fllm_context_stats s0, s1, s2;
	struct dec_model d;

	if (dec_model_make(&spec, &d))
		return;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_OK);
	if (!c) {
		dec_model_free(&d);
		return;
	}
	seqs[0] = 0;
	for (uint32_t s = 0; s < 16; s++) {
		if (s)
			FLLM_ASSERT_STATUS(fllm_context_seq_add(c, &seqs[s]), FLLM_OK);
		toks[s] = (int32_t)(s + 1);
	}
	FLLM_ASSERT_STATUS(fllm_context_seq_add(c, &seqs[0]), FLLM_E_STATE);	/* full */
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &s0), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_step(c, 1, seqs, toks), FLLM_OK);	/* batch 1 */
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &s1), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_context_step(c, 16, seqs, toks), FLLM_OK);	/* batch 16 */
	FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &s2), FLLM_OK);
	CU_ASSERT(s1.card_weight_bytes > s0.card_weight_bytes);
	/* one weight pass either way: 16 tokens for the bytes of one */
	FLLM_ASSERT_EQ_U64(s2.card_weight_bytes - s1.card_weight_bytes,
			   s1.card_weight_bytes - s0.card_weight_bytes);
	FLLM_ASSERT_EQ_U64(s2.card_lists - s1.card_lists, 1);
	fllm_context_free(c);
	dec_model_free(&d);
}

/* Bad sequences and ids change nothing; a removed slot is reusable. */
static void test_seq_refusals(void)
{
	struct tm_spec spec = dec_spec(0);
	fllm_context_params cp = { .device = "emu", .n_ctx = 8, .n_seqs = 2 };
	fllm_context_stats st;
	fllm_context *c = NULL;
	struct dec_model d;
	uint32_t s1 = 0, two[2] = { 0, 0 };
	int32_t t[2] = { 1, 2 }, bad = -1;

	if (dec_model_make(&spec, &d))
		return;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_OK);
	if (c) {
		FLLM_ASSERT_STATUS(fllm_context_seq_eval(c, 1, t, 1), FLLM_E_INVALID_ARG);
		FLLM_ASSERT_STATUS(fllm_context_seq_add(c, &s1), FLLM_OK);
		FLLM_ASSERT_EQ_U64(s1, 1);
		FLLM_ASSERT_STATUS(fllm_context_step(c, 2, two, t), FLLM_E_INVALID_ARG);
		two[1] = s1;
		FLLM_ASSERT_STATUS(fllm_context_step(c, 1, two, &bad), FLLM_E_INVALID_ARG);
		FLLM_ASSERT_EQ_U64(fllm_context_seq_pos(c, 0), 0);
		FLLM_ASSERT_STATUS(fllm_context_step(c, 2, two, t), FLLM_OK);
		FLLM_ASSERT_EQ_U64(fllm_context_seq_pos(c, s1), 1);
		FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &st), FLLM_OK);
		FLLM_ASSERT_EQ_U64(st.kv_blocks_used, 2);	/* one block each */
		CU_ASSERT_PTR_NOT_NULL(fllm_context_seq_logits(c, s1));
		FLLM_ASSERT_STATUS(fllm_context_seq_remove(c, 0), FLLM_E_INVALID_ARG);
		FLLM_ASSERT_STATUS(fllm_context_seq_remove(c, s1), FLLM_OK);
		FLLM_ASSERT_STATUS(fllm_context_stats_get(c, &st), FLLM_OK);
		FLLM_ASSERT_EQ_U64(st.kv_blocks_used, 1);	/* its block is back */
		FLLM_ASSERT_STATUS(fllm_context_seq_remove(c, s1), FLLM_E_INVALID_ARG);
		CU_ASSERT_PTR_NULL(fllm_context_seq_logits(c, s1));
		FLLM_ASSERT_STATUS(fllm_context_seq_add(c, &s1), FLLM_OK);
		FLLM_ASSERT_EQ_U64(fllm_context_seq_pos(c, s1), 0);
		fllm_context_free(c);
		c = NULL;
	}
	/* a budget below one full sequence, a batch over the unit's N */
	cp.kv_mem = 1;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	cp.kv_mem = 0;
	cp.batch = 33;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	cp.batch = 0;
	cp.n_seqs = FLLM_SEQS_MAX + 1;
	FLLM_ASSERT_STATUS(fllm_context_create(d.model, &cp, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
	dec_model_free(&d);
}

static CU_TestInfo seq_tests[] = {
	{ "batch_interleave_swap_emu", test_emu },
	{ "batch_interleave_cpu_q", test_cpu_q },
	{ "batch_interleave_cpu", test_cpu },
	{ "prefill_chunks", test_prefill_chunks },
	{ "weight_reads", test_weight_reads },
	{ "seq_refusals", test_seq_refusals },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("decoder_seqs", dec_live_mark, NULL, seq_tests,
					dec_live_check);
}
