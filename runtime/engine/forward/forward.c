/*
 * One token through the model: embedding row, then per layer
 *   x += Wo * attention(rope(Wq * rmsnorm(x)), rope(Wk * ...), Wv * ...)
 *   x += Wdown * (silu(Wgate * rmsnorm(x)) * (Wup * rmsnorm(x)))
 * then rmsnorm and the classifier. Each layer runs on its executor: whole
 * when the executor offers `layer`, else composed from its operations.
 */
#include <stdlib.h>
#include <string.h>

#include "forward.h"

fllm_status fllm_forward_init(struct fllm_forward *f, const fllm_model *m,
			      struct fllm_exec *exec)
{
	const fllm_model_info *i = &m->info;
	size_t kv_dim = (size_t)i->n_kv_heads * i->head_dim;

	memset(f, 0, sizeof(*f));
	f->model = m;
	f->layer_exec = calloc(i->n_layers, sizeof(*f->layer_exec));
	f->x = calloc(i->dim, sizeof(float));
	f->xb = calloc(i->dim, sizeof(float));
	f->xb2 = calloc(i->dim, sizeof(float));
	f->q = calloc(i->dim, sizeof(float));
	f->k = calloc(kv_dim, sizeof(float));
	f->v = calloc(kv_dim, sizeof(float));
	f->hb = calloc(i->hidden_dim, sizeof(float));
	f->hb2 = calloc(i->hidden_dim, sizeof(float));
	f->logits = calloc(i->vocab_size, sizeof(float));
	if (!f->layer_exec || !f->x || !f->xb || !f->xb2 || !f->q || !f->k || !f->v ||
	    !f->hb || !f->hb2 || !f->logits) {
		fllm_forward_release(f);
		return FLLM_E_NO_MEMORY;
	}
	for (uint32_t l = 0; l < i->n_layers; l++)
		f->layer_exec[l] = exec;
	f->head_exec = exec;
	return FLLM_OK;
}

void fllm_forward_release(struct fllm_forward *f)
{
	free(f->layer_exec);
	free(f->x);
	free(f->xb);
	free(f->xb2);
	free(f->q);
	free(f->k);
	free(f->v);
	free(f->hb);
	free(f->hb2);
	free(f->logits);
	memset(f, 0, sizeof(*f));
}

/* One decoder layer from the executor's operations. */
static fllm_status forward_layer(struct fllm_forward *f, struct fllm_exec *ex, uint32_t l,
				 uint32_t pos)
{
	const fllm_model_info *i = &f->model->info;
	const struct fllm_layer_weights *w = &f->model->layers[l];
	const struct fllm_exec_ops *op = ex->ops;
	fllm_status st;

	op->rmsnorm(ex, f->xb, f->x, w->attn_norm.f32, i->dim, i->rms_eps);
	op->linear(ex, &w->wq, f->xb, f->q);
	op->linear(ex, &w->wk, f->xb, f->k);
	op->linear(ex, &w->wv, f->xb, f->v);
	op->rope(ex, f->q, f->k, pos);
	st = op->attention(ex, l, pos, f->q, f->k, f->v, f->xb);
	if (st)
		return st;
	op->linear(ex, &w->wo, f->xb, f->xb2);
	op->add(ex, f->x, f->xb2, i->dim);
	op->rmsnorm(ex, f->xb, f->x, w->ffn_norm.f32, i->dim, i->rms_eps);
	op->linear(ex, &w->w_gate, f->xb, f->hb);
	op->linear(ex, &w->w_up, f->xb, f->hb2);
	op->swiglu(ex, f->hb, f->hb2, i->hidden_dim);
	op->linear(ex, &w->w_down, f->hb, f->xb);
	op->add(ex, f->x, f->xb, i->dim);
	return FLLM_OK;
}

fllm_status fllm_forward_token(struct fllm_forward *f, int32_t token, uint32_t pos)
{
	const fllm_model *m = f->model;
	const fllm_model_info *i = &m->info;
	struct fllm_exec *head = f->head_exec;
	fllm_status st;

	/* fp32, Q8_0, Q4_0 and half-precision rows dequantize without failing */
	(void)fllm_weight_rows(&m->tok_embd, (uint32_t)token, 1, f->x, NULL);
	for (uint32_t l = 0; l < i->n_layers; l++) {
		struct fllm_exec *ex = f->layer_exec[l];

		st = ex->ops->layer ? ex->ops->layer(ex, l, f->x, pos) :
				      forward_layer(f, ex, l, pos);
		if (st)
			return st;
	}
	head->ops->rmsnorm(head, f->x, f->x, m->output_norm.f32, i->dim, i->rms_eps);
	head->ops->linear(head, &m->output, f->x, f->logits);
	return FLLM_OK;
}
