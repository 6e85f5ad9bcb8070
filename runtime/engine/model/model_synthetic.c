/*
 * The built-in synthetic model: small Llama dimensions, weights drawn from a
 * seeded generator, a byte vocabulary. Deterministic for a seed, so the CLI
 * and tests can run the whole engine without a model file; its text is
 * meaningless.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rng.h"

#define SYN_DIM 64
#define SYN_HIDDEN 176
#define SYN_LAYERS 2
#define SYN_HEADS 4
#define SYN_KV_HEADS 2
#define SYN_VOCAB 259		/* <unk>, <s>, </s>, then bytes 0..255 */
#define SYN_CTX 512

/* Fill one record of (rows, cols) at *at: matrices uniform in +-1/sqrt(cols),
 * norm vectors near 1. */
static void syn_tensor(fllm_model *m, const char *name, uint32_t rows, uint32_t cols,
		       float **at, uint64_t *rng)
{
	float *f = *at;
	float scale = 2.0f / (float)cols;

	for (uint64_t i = 0; i < (uint64_t)rows * cols; i++) {
		float u = fllm_rng_f32(rng) - 0.5f;

		f[i] = rows == 1 ? 1.0f + 0.2f * u : u * scale * 8.0f;
	}
	fllm_model_add_f32(m, name, rows, cols, (const uint8_t *)f);
	*at = f + (size_t)rows * cols;
}

/* See model.h. */
fllm_status fllm_model_load_synthetic(fllm_model *m, uint64_t seed)
{
	static const char *const suffix[9] = {
		"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
		"ffn_norm", "ffn_gate", "ffn_down", "ffn_up",
	};
	fllm_model_info *i = &m->info;
	uint32_t kvd = SYN_KV_HEADS * (SYN_DIM / SYN_HEADS);
	uint32_t shape[9][2] = {
		{ 1, SYN_DIM }, { SYN_DIM, SYN_DIM }, { kvd, SYN_DIM }, { kvd, SYN_DIM },
		{ SYN_DIM, SYN_DIM }, { 1, SYN_DIM }, { SYN_HIDDEN, SYN_DIM },
		{ SYN_DIM, SYN_HIDDEN }, { SYN_HIDDEN, SYN_DIM },
	};
	uint64_t floats = (uint64_t)SYN_VOCAB * SYN_DIM + SYN_DIM, rng = seed;
	char name[FLLM_GGUF_NAME_MAX];
	float *at;

	for (int k = 0; k < 9; k++)
		floats += (uint64_t)SYN_LAYERS * shape[k][0] * shape[k][1];
	m->owned = malloc(floats * sizeof(float));
	m->tensors = calloc(2 + 9 * SYN_LAYERS, sizeof(*m->tensors));
	if (!m->owned || !m->tensors)
		return FLLM_E_NO_MEMORY;
	at = (float *)(void *)m->owned;
	i->format = FLLM_MODEL_SYNTHETIC;
	snprintf(i->name, sizeof(i->name), "synthetic");
	i->dim = SYN_DIM;
	i->hidden_dim = SYN_HIDDEN;
	i->n_layers = SYN_LAYERS;
	i->n_heads = SYN_HEADS;
	i->n_kv_heads = SYN_KV_HEADS;
	i->head_dim = SYN_DIM / SYN_HEADS;
	i->vocab_size = SYN_VOCAB;
	i->context_length = SYN_CTX;
	i->rms_eps = 1e-5f;
	i->rope_theta = 10000.0f;
	syn_tensor(m, "token_embd.weight", SYN_VOCAB, SYN_DIM, &at, &rng);
	syn_tensor(m, "output_norm.weight", 1, SYN_DIM, &at, &rng);
	for (uint32_t l = 0; l < SYN_LAYERS; l++) {
		for (int k = 0; k < 9; k++) {
			snprintf(name, sizeof(name), "blk.%u.%s.weight", l, suffix[k]);
			syn_tensor(m, name, shape[k][0], shape[k][1], &at, &rng);
		}
	}
	return fllm_model_bind_llama(m, NULL);
}
