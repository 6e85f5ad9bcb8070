/*
 * A Llama model from a GGUF image: architecture keys, vocabulary size from
 * the token list, and the tensors bound by llama.cpp's names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Read "llama.<suffix>" as an unsigned integer up to max into *out. */
static fllm_status arch_uint(const struct fllm_gguf *g, const char *suffix, uint32_t max,
			     int required, uint32_t *out, struct fllm_err *err)
{
	char key[96];
	uint64_t v;
	int found;
	fllm_status st;

	snprintf(key, sizeof(key), "llama.%s", suffix);
	st = fllm_gguf_get_uint(g, key, max, &v, &found, err);
	if (st)
		return st;
	if (!found) {
		if (required)
			return fllm_err_set(err, FLLM_E_FORMAT, "key '%s' is missing", key);
		return FLLM_OK;
	}
	*out = (uint32_t)v;
	return FLLM_OK;
}

/* general.architecture must be "llama"; general.name is copied if present. */
static fllm_status gguf_arch(fllm_model *m, struct fllm_err *err)
{
	const char *s;
	size_t len;
	int found;
	fllm_status st;

	st = fllm_gguf_expect_string(&m->gguf, "general.architecture", "llama", "architecture",
				     &found, err);
	if (st)
		return st;
	if (!found)
		return fllm_err_set(err, FLLM_E_FORMAT, "key 'general.architecture' is missing");
	st = fllm_gguf_get_string(&m->gguf, "general.name", &s, &len, &found, err);
	if (st)
		return st;
	if (!found) {
		s = "llama";
		len = 5;
	}
	if (len >= sizeof(m->info.name))
		len = sizeof(m->info.name) - 1;
	for (size_t i = 0; i < len; i++)
		m->info.name[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	return FLLM_OK;
}

/* The llama.* hyperparameters with their defaults. */
static fllm_status gguf_hparams(fllm_model *m, struct fllm_err *err)
{
	const struct fllm_gguf *g = &m->gguf;
	fllm_model_info *i = &m->info;
	const struct fllm_gguf_tensor *emb;
	const struct fllm_gguf_kv *tokens;
	uint32_t rope_dims = 0, key_len = 0;
	int found;
	fllm_status st;

	if ((st = arch_uint(g, "embedding_length", UINT32_MAX, 1, &i->dim, err)) ||
	    (st = arch_uint(g, "feed_forward_length", UINT32_MAX, 1, &i->hidden_dim, err)) ||
	    (st = arch_uint(g, "block_count", UINT32_MAX, 1, &i->n_layers, err)) ||
	    (st = arch_uint(g, "attention.head_count", UINT32_MAX, 1, &i->n_heads, err)) ||
	    (st = arch_uint(g, "context_length", UINT32_MAX, 1, &i->context_length, err)))
		return st;
	i->n_kv_heads = i->n_heads;
	if ((st = arch_uint(g, "attention.head_count_kv", UINT32_MAX, 0, &i->n_kv_heads, err)) ||
	    (st = arch_uint(g, "rope.dimension_count", UINT32_MAX, 0, &rope_dims, err)) ||
	    (st = arch_uint(g, "attention.key_length", UINT32_MAX, 0, &key_len, err)))
		return st;
	st = fllm_gguf_get_float(g, "llama.attention.layer_norm_rms_epsilon", &i->rms_eps,
				 &found, err);
	if (st)
		return st;
	if (!found)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "key 'llama.attention.layer_norm_rms_epsilon' is missing");
	i->rope_theta = 10000.0f;
	st = fllm_gguf_get_float(g, "llama.rope.freq_base", &i->rope_theta, &found, err);
	if (st)
		return st;
	/* vocabulary: the token list, else the embedding's rows */
	tokens = fllm_gguf_find(g, "tokenizer.ggml.tokens");
	emb = fllm_gguf_tensor(g, "token_embd.weight");
	if (tokens && tokens->type == FLLM_GGUF_ARRAY && tokens->count <= UINT32_MAX)
		i->vocab_size = (uint32_t)tokens->count;
	else if (emb && emb->dims[1] <= UINT32_MAX)
		i->vocab_size = (uint32_t)emb->dims[1];
	st = fllm_model_check_hparams(m, err);
	if (st)
		return st;
	i->head_dim = i->dim / i->n_heads;
	if (rope_dims && rope_dims != i->head_dim)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "llama.rope.dimension_count %u differs from the head "
				    "dimension %u (partial RoPE is not supported)", rope_dims,
				    i->head_dim);
	if (key_len && key_len != i->head_dim)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "llama.attention.key_length %u differs from embedding / heads "
				    "= %u (not supported)", key_len, i->head_dim);
	return FLLM_OK;
}

/* Copy the tensor index into the model's format-neutral records. */
static fllm_status gguf_records(fllm_model *m, struct fllm_err *err)
{
	const struct fllm_gguf *g = &m->gguf;

	if (g->n_tensors > UINT32_MAX)
		return fllm_err_set(err, FLLM_E_FORMAT, "too many tensors");
	m->tensors = calloc(g->n_tensors ? (size_t)g->n_tensors : 1, sizeof(*m->tensors));
	if (!m->tensors)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for the tensor list");
	m->n_tensors = (uint32_t)g->n_tensors;
	for (uint32_t k = 0; k < m->n_tensors; k++) {
		const struct fllm_gguf_tensor *t = &g->tensors[k];
		struct fllm_tensor_rec *r = &m->tensors[k];

		memcpy(r->name, t->name, sizeof(r->name));
		r->type = t->type;
		r->n_dims = t->n_dims;
		memcpy(r->dims, t->dims, sizeof(r->dims));
		r->data = t->data;
		r->bytes = t->bytes;
	}
	return FLLM_OK;
}

/* See model.h: m->map holds the image. */
fllm_status fllm_model_load_gguf(fllm_model *m, struct fllm_err *err)
{
	fllm_status st;

	st = fllm_gguf_parse(m->map.data, m->map.size, &m->gguf, err);
	if (st)
		return st;
	m->is_gguf = 1;
	m->info.format = FLLM_MODEL_GGUF;
	st = gguf_arch(m, err);
	if (st)
		return st;
	st = gguf_hparams(m, err);
	if (st)
		return st;
	st = gguf_records(m, err);
	if (st)
		return st;
	return fllm_model_bind_llama(m, err);
}
