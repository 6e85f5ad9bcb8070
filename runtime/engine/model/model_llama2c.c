/*
 * llama2.c legacy ("version 0") checkpoints: a header of 7 int32 (dim,
 * hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len), then fp32
 * arrays, each row-major (out, in), in this order: token embedding (vocab,
 * dim); rms_att (L, dim); wq (L, dim, dim); wk, wv (L, kv_dim, dim); wo
 * (L, dim, dim); rms_ffn (L, dim); w1 (L, hidden, dim); w2 (L, dim, hidden);
 * w3 (L, hidden, dim); rms_final (dim); freq_cis real and imag (seq_len,
 * head_dim / 2) each, unused; and when vocab_size < 0 an unshared classifier
 * (vocab, dim). There is no magic: the header must imply exactly the file's
 * size. Tensors are exposed under llama.cpp's GGUF names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "model.h"

#define L2C_HEADER_BYTES 28
#define L2C_MAGIC_AK42 0x616b3432u	/* newer llama2.c exports start with "ak42" */

/* Emit one stored record of (rows, cols) fp32 at byte offset *off. */
static void l2c_rec(fllm_model *m, const char *name, uint64_t rows, uint64_t cols,
		    uint64_t *off)
{
	*off += fllm_model_add_f32(m, name, rows, cols, m->map.data + *off)->bytes;
}

/* One per-layer array: L records named blk.l.<suffix>.weight. */
static void l2c_layers(fllm_model *m, const char *suffix, uint64_t rows, uint64_t cols,
		       uint64_t *off)
{
	char name[FLLM_GGUF_NAME_MAX];

	for (uint32_t l = 0; l < m->info.n_layers; l++) {
		snprintf(name, sizeof(name), "blk.%u.%s.weight", l, suffix);
		l2c_rec(m, name, rows, cols, off);
	}
}

/* Header fields into m->info, refusing the non-positive ones. */
static fllm_status l2c_header(fllm_model *m, int *shared, struct fllm_err *err)
{
	static const char *const names[7] = {
		"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len",
	};
	fllm_model_info *i = &m->info;
	int32_t h[7];

	if (m->map.size < L2C_HEADER_BYTES)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "file of %zu bytes is neither GGUF nor a llama2.c checkpoint "
				    "(its header alone is 28 bytes)", m->map.size);
	if (fllm_le32(m->map.data) == L2C_MAGIC_AK42)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "llama2.c export version %u ('ak42' magic) not supported; "
				    "only the legacy format is", fllm_le32(m->map.data + 4));
	for (int k = 0; k < 7; k++) {
		h[k] = (int32_t)fllm_le32(m->map.data + 4 * k);
		if (h[k] <= 0 && !(k == 5 && h[k] < 0 && h[k] != INT32_MIN))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "llama2.c header: %s = %d (must be positive); not a "
					    "model file?", names[k], h[k]);
	}
	*shared = h[5] > 0;
	i->dim = (uint32_t)h[0];
	i->hidden_dim = (uint32_t)h[1];
	i->n_layers = (uint32_t)h[2];
	i->n_heads = (uint32_t)h[3];
	i->n_kv_heads = (uint32_t)h[4];
	i->vocab_size = (uint32_t)(h[5] < 0 ? -h[5] : h[5]);
	i->context_length = (uint32_t)h[6];
	i->rms_eps = 1e-5f;
	i->rope_theta = 10000.0f;
	return fllm_model_check_hparams(m, err);
}

/* See model.h: m->map holds the image. */
fllm_status fllm_model_load_llama2c(fllm_model *m, struct fllm_err *err)
{
	fllm_model_info *i = &m->info;
	uint64_t L, dim, hid, kvd, vocab, floats, expect, off = L2C_HEADER_BYTES;
	int shared = 1;
	fllm_status st;

	i->format = FLLM_MODEL_LLAMA2C;
	snprintf(i->name, sizeof(i->name), "llama2.c");
	st = l2c_header(m, &shared, err);
	if (st)
		return st;
	i->head_dim = i->dim / i->n_heads;
	/* every factor is below 2^24, so no product below overflows 64 bits */
	L = i->n_layers;
	dim = i->dim;
	hid = i->hidden_dim;
	kvd = (uint64_t)i->n_kv_heads * i->head_dim;
	vocab = i->vocab_size;
	floats = vocab * dim + L * (2 * dim + 2 * dim * dim + 2 * kvd * dim + 3 * hid * dim) +
		 dim + (uint64_t)i->context_length * i->head_dim + (shared ? 0 : vocab * dim);
	expect = L2C_HEADER_BYTES + 4 * floats;
	if (expect != m->map.size)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "llama2.c checkpoint: header (dim %u, hidden %u, layers %u, "
				    "heads %u/%u, vocab %u%s, seq_len %u) implies %llu bytes, the "
				    "file has %zu", i->dim, i->hidden_dim, i->n_layers,
				    i->n_heads, i->n_kv_heads, i->vocab_size,
				    shared ? "" : " unshared", i->context_length,
				    (unsigned long long)expect, m->map.size);
	m->tensors = calloc(3 + 9 * L, sizeof(*m->tensors));
	if (!m->tensors)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for the tensor list");
	l2c_rec(m, "token_embd.weight", vocab, dim, &off);
	l2c_layers(m, "attn_norm", 1, dim, &off);
	l2c_layers(m, "attn_q", dim, dim, &off);
	l2c_layers(m, "attn_k", kvd, dim, &off);
	l2c_layers(m, "attn_v", kvd, dim, &off);
	l2c_layers(m, "attn_output", dim, dim, &off);
	l2c_layers(m, "ffn_norm", 1, dim, &off);
	l2c_layers(m, "ffn_gate", hid, dim, &off);
	l2c_layers(m, "ffn_down", dim, hid, &off);
	l2c_layers(m, "ffn_up", hid, dim, &off);
	l2c_rec(m, "output_norm.weight", 1, dim, &off);
	off += (uint64_t)i->context_length * i->head_dim * 4;	/* freq_cis, unused */
	if (!shared)
		l2c_rec(m, "output.weight", vocab, dim, &off);
	return fllm_model_bind_llama(m, err);
}
