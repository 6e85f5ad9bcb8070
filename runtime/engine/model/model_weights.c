/*
 * Binding stored tensors to the Llama weights: shape checks against the
 * hyperparameters, dequantization to fp32 and a finiteness check, so the
 * forward pass can trust every number it reads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Upper bounds that keep every derived size far from overflow. */
#define HP_MAX_DIM (1u << 16)
#define HP_MAX_HIDDEN (1u << 20)
#define HP_MAX_LAYERS 4096u
#define HP_MAX_HEADS 4096u
#define HP_MAX_VOCAB (1u << 24)
#define HP_MAX_CTX (1u << 24)

/* Structural rules of the architecture plus sanity limits. */
fllm_status fllm_model_check_hparams(const fllm_model *m, struct fllm_err *err)
{
	const fllm_model_info *i = &m->info;

	if (!i->dim || i->dim > HP_MAX_DIM)
		return fllm_err_set(err, FLLM_E_FORMAT, "embedding length %u out of range 1..%u",
				    i->dim, HP_MAX_DIM);
	if (!i->hidden_dim || i->hidden_dim > HP_MAX_HIDDEN)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "feed-forward length %u out of range 1..%u", i->hidden_dim,
				    HP_MAX_HIDDEN);
	if (!i->n_layers || i->n_layers > HP_MAX_LAYERS)
		return fllm_err_set(err, FLLM_E_FORMAT, "layer count %u out of range 1..%u",
				    i->n_layers, HP_MAX_LAYERS);
	if (!i->n_heads || i->n_heads > HP_MAX_HEADS || i->dim % i->n_heads)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "head count %u does not divide embedding length %u",
				    i->n_heads, i->dim);
	if (!i->n_kv_heads || i->n_kv_heads > i->n_heads || i->n_heads % i->n_kv_heads)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "kv head count %u does not divide head count %u",
				    i->n_kv_heads, i->n_heads);
	if ((i->dim / i->n_heads) % 2)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "head dimension %u is odd; RoPE rotates pairs",
				    i->dim / i->n_heads);
	if (!i->vocab_size || i->vocab_size > HP_MAX_VOCAB)
		return fllm_err_set(err, FLLM_E_FORMAT, "vocabulary size %u out of range 1..%u",
				    i->vocab_size, HP_MAX_VOCAB);
	if (!i->context_length || i->context_length > HP_MAX_CTX)
		return fllm_err_set(err, FLLM_E_FORMAT, "context length %u out of range 1..%u",
				    i->context_length, HP_MAX_CTX);
	if (!(i->rms_eps > 0.0f) || !(i->rms_eps < 1.0f))
		return fllm_err_set(err, FLLM_E_FORMAT, "RMSNorm epsilon %g not in (0, 1)",
				    (double)i->rms_eps);
	if (!(i->rope_theta > 0.0f) || !isfinite(i->rope_theta))
		return fllm_err_set(err, FLLM_E_FORMAT, "RoPE base %g is not positive",
				    (double)i->rope_theta);
	return FLLM_OK;
}

/* The stored bytes of one row of w (fllm_tensor_to_f32's element types). */
static uint64_t weight_row_bytes(const struct fllm_weight *w)
{
	return w->src->bytes / w->rows;
}

/* Every stored value of w is finite, checked a row at a time in fp32. */
static fllm_status weight_check_rows(const struct fllm_weight *w, struct fllm_err *err)
{
	float *row = malloc((size_t)w->cols * sizeof(float));
	fllm_status st = FLLM_OK;

	if (!row)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory");
	for (uint32_t r = 0; r < w->rows && !st; r++) {
		st = fllm_weight_rows(w, r, 1, row, err);
		for (uint32_t k = 0; k < w->cols && !st; k++)
			if (!isfinite(row[k]))
				st = fllm_err_set(err, FLLM_E_FORMAT,
						  "tensor '%s': element %llu is not a finite number",
						  w->src->name,
						  (unsigned long long)r * w->cols + k);
	}
	free(row);
	return st;
}

/* See model.h. Vectors and aligned fp32 tensors get f32 now (in place when
 * stored as fp32); other matrices are checked and left in their stored
 * form until fllm_model_need_f32. */
fllm_status fllm_weight_bind(struct fllm_weight *w, const struct fllm_tensor_rec *t,
			     uint32_t rows, uint32_t cols, struct fllm_err *err)
{
	uint64_t n = (uint64_t)rows * cols;

	if (t->dims[0] != cols || t->dims[1] != rows || t->dims[2] != 1 || t->dims[3] != 1)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor '%s': shape [%llu, %llu, %llu, %llu], expected "
				    "[%u, %u] from the hyperparameters", t->name,
				    (unsigned long long)t->dims[0], (unsigned long long)t->dims[1],
				    (unsigned long long)t->dims[2], (unsigned long long)t->dims[3],
				    cols, rows);
	w->rows = rows;
	w->cols = cols;
	w->src = t;
	if (n > SIZE_MAX / sizeof(float))
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "tensor '%s' too large", t->name);
	if (t->type == FLLM_TENSOR_F32 && !((uintptr_t)t->data % _Alignof(float))) {
		w->f32 = (const float *)(const void *)t->data;
	} else if (rows == 1) {
		w->owned = malloc((size_t)n * sizeof(float));
		if (!w->owned)
			return fllm_err_set(err, FLLM_E_NO_MEMORY,
					    "out of memory for tensor '%s' in fp32", t->name);
		fllm_tensor_to_f32(t->type, t->data, n, w->owned);
		w->f32 = w->owned;
	}
	if (!w->f32)
		return weight_check_rows(w, err);
	for (uint64_t i = 0; i < n; i++)
		if (!isfinite(w->f32[i]))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s': element %llu is not a finite number",
					    t->name, (unsigned long long)i);
	return FLLM_OK;
}

/* See model.h. */
fllm_status fllm_weight_rows(const struct fllm_weight *w, uint32_t r0, uint32_t n, float *dst,
			     struct fllm_err *err)
{
	if (w->f32) {
		memcpy(dst, w->f32 + (size_t)r0 * w->cols, (size_t)n * w->cols * sizeof(float));
		return FLLM_OK;
	}
	if (w->rows_f32)
		return w->rows_f32(w, r0, n, dst, err);
	fllm_tensor_to_f32(w->src->type, w->src->data + r0 * weight_row_bytes(w),
			   (uint64_t)n * w->cols, dst);
	return FLLM_OK;
}

/* See model.h. */
fllm_status fllm_weight_f32_temp(const struct fllm_weight *w, const float **f32, float **tmp,
				 struct fllm_err *err)
{
	fllm_status st;

	*tmp = NULL;
	*f32 = w->f32;
	if (w->f32)
		return FLLM_OK;
	*tmp = malloc((size_t)w->rows * w->cols * sizeof(float));
	if (!*tmp)
		return fllm_err_set(err, FLLM_E_NO_MEMORY,
				    "out of memory for tensor '%s' in fp32", w->src->name);
	st = fllm_weight_rows(w, 0, w->rows, *tmp, err);
	if (st) {
		free(*tmp);
		*tmp = NULL;
		return st;
	}
	*f32 = *tmp;
	return FLLM_OK;
}

/* Give w its fp32 form if it has none. */
static fllm_status weight_need_f32(struct fllm_weight *w, struct fllm_err *err)
{
	float *tmp;
	const float *f;
	fllm_status st;

	if (w->f32)
		return FLLM_OK;
	st = fllm_weight_f32_temp(w, &f, &tmp, err);
	if (!st) {
		w->owned = tmp;
		w->f32 = tmp;
	}
	return st;
}

/* See model.h. */
fllm_status fllm_model_need_f32(const fllm_model *cm, struct fllm_err *err)
{
	fllm_model *m = (fllm_model *)cm;	/* the fp32 cache only, under its lock */
	fllm_status st = FLLM_OK;

	pthread_mutex_lock(&m->f32_lock);
	if (m->f32_ready)
		goto out;
	st = weight_need_f32(&m->tok_embd, err);
	if (!st && m->output.src == m->tok_embd.src)	/* tied: one tensor (a package
							 * stores its own classifier) */
		m->output.f32 = m->tok_embd.f32;
	else if (!st)
		st = weight_need_f32(&m->output, err);
	for (uint32_t l = 0; !st && l < m->info.n_layers; l++) {
		struct fllm_weight *w = &m->layers[l].attn_norm;
		size_t n = sizeof(m->layers[l]) / sizeof(*w);

		for (size_t k = 0; !st && k < n; k++)
			st = weight_need_f32(&w[k], err);
	}
	m->f32_ready = !st;
out:
	pthread_mutex_unlock(&m->f32_lock);
	return st;
}

void fllm_weight_release(struct fllm_weight *w)
{
	free(w->owned);
	memset(w, 0, sizeof(*w));
}

const struct fllm_tensor_rec *fllm_model_find_rec(const fllm_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->n_tensors; i++)
		if (!strcmp(m->tensors[i].name, name))
			return &m->tensors[i];
	return NULL;
}

/* Find a required tensor by name and bind it. */
static fllm_status bind_named(fllm_model *m, struct fllm_weight *w, const char *name,
			      uint32_t rows, uint32_t cols, struct fllm_err *err)
{
	const struct fllm_tensor_rec *t = fllm_model_find_rec(m, name);

	if (!t)
		return fllm_err_set(err, FLLM_E_FORMAT, "tensor '%s' is missing", name);
	return fllm_weight_bind(w, t, rows, cols, err);
}

/* One layer's nine tensors, named blk.L.* as llama.cpp names them. */
static fllm_status bind_layer(fllm_model *m, uint32_t l, struct fllm_err *err)
{
	const fllm_model_info *i = &m->info;
	struct fllm_layer_weights *lw = &m->layers[l];
	uint32_t kv_dim = i->n_kv_heads * i->head_dim;
	const struct {
		const char *suffix;
		struct fllm_weight *w;
		uint32_t rows, cols;
	} t[] = {
		{ "attn_norm", &lw->attn_norm, 1, i->dim },
		{ "attn_q", &lw->wq, i->dim, i->dim },
		{ "attn_k", &lw->wk, kv_dim, i->dim },
		{ "attn_v", &lw->wv, kv_dim, i->dim },
		{ "attn_output", &lw->wo, i->dim, i->dim },
		{ "ffn_norm", &lw->ffn_norm, 1, i->dim },
		{ "ffn_gate", &lw->w_gate, i->hidden_dim, i->dim },
		{ "ffn_down", &lw->w_down, i->dim, i->hidden_dim },
		{ "ffn_up", &lw->w_up, i->hidden_dim, i->dim },
	};
	char name[FLLM_GGUF_NAME_MAX];
	fllm_status st;

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		snprintf(name, sizeof(name), "blk.%u.%s.weight", l, t[k].suffix);
		st = bind_named(m, t[k].w, name, t[k].rows, t[k].cols, err);
		if (st)
			return st;
	}
	return FLLM_OK;
}

/* A vector tensor may be stored with one dimension ([dim]): accept it as 1 x dim. */
fllm_status fllm_model_bind_llama(fllm_model *m, struct fllm_err *err)
{
	fllm_model_info *i = &m->info;
	const struct fllm_tensor_rec *out;
	fllm_status st;

	m->layers = calloc(i->n_layers, sizeof(*m->layers));
	if (!m->layers)
		return fllm_err_set(err, FLLM_E_NO_MEMORY, "out of memory for %u layers",
				    i->n_layers);
	st = bind_named(m, &m->tok_embd, "token_embd.weight", i->vocab_size, i->dim, err);
	if (st)
		return st;
	st = bind_named(m, &m->output_norm, "output_norm.weight", 1, i->dim, err);
	if (st)
		return st;
	out = fllm_model_find_rec(m, "output.weight");
	i->tied_output = !out;
	if (out) {
		st = fllm_weight_bind(&m->output, out, i->vocab_size, i->dim, err);
		if (st)
			return st;
	} else {
		m->output.f32 = m->tok_embd.f32;
		m->output.rows = m->tok_embd.rows;
		m->output.cols = m->tok_embd.cols;
		m->output.src = m->tok_embd.src;
		m->output.rows_f32 = m->tok_embd.rows_f32;
	}
	for (uint32_t l = 0; l < i->n_layers; l++) {
		st = bind_layer(m, l, err);
		if (st)
			return st;
	}
	return FLLM_OK;
}

/* See model.h. */
struct fllm_tensor_rec *fllm_model_add_f32(fllm_model *m, const char *name, uint64_t rows,
					   uint64_t cols, const uint8_t *data)
{
	struct fllm_tensor_rec *r = &m->tensors[m->n_tensors++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->type = FLLM_TENSOR_F32;
	r->n_dims = rows > 1 ? 2 : 1;
	r->dims[0] = cols;
	r->dims[1] = rows;
	r->dims[2] = r->dims[3] = 1;
	r->data = data;
	r->bytes = rows * cols * 4;
	return r;
}
