/*
 * One token on the card. With attention on the host, a token takes
 * n_layers + 1 command lists: list 0 is layer 0's first half (RMSNorm with
 * quantization, the q/k/v LUT-GEMMs, RoPE); list l joins layer l-1's second
 * half (attention output quantized, wo, residual add, RMSNorm, gate and up,
 * SiLU*up quantized, down, residual add) with layer l's first half; the
 * last list ends with the final RMSNorm and the classifier. Between lists
 * the host reads q, k, v back, runs attention (the CPU executor's, with its
 * KV cache) and uploads the result. The lists never change, so they are
 * recorded once; per token only the ROPE blocks' position and x go up.
 */
#include <stddef.h>
#include <string.h>

#include "card_exec.h"

#define CARD_WAIT_NS (60ull * 1000 * 1000 * 1000)

/* Commands of layer l's first half: up to q, k, v rotated. */
static fllm_status rec_first(struct exec_card *c, fllm_cmdlist *cl, uint32_t l)
{
	const struct card_plan *p = &c->plan;
	const struct card_layer_params *lp = &p->layer[l];
	fllm_status st;

	if ((st = fllm_cmdlist_vector(cl, c->act, lp->norm_att, sizeof(struct fllm_vector_params))))
		return st;
	for (uint32_t m = CARD_WQ; m <= CARD_WV; m++)
		if ((st = fllm_cmdlist_lutgemm(cl, c->act, lp->lg[m],
					       sizeof(struct fllm_lutgemm_params))))
			return st;
	for (uint32_t r = 0; r < p->n_rope; r++) {
		uint64_t at = p->rope + r * sizeof(struct fllm_vector_params);

		st = fllm_cmdlist_vector(cl, c->act, at, sizeof(struct fllm_vector_params));
		if (st)
			return st;
	}
	return FLLM_OK;
}

/* Commands of layer l's second half: from the attention output to x updated. */
static fllm_status rec_second(struct exec_card *c, fllm_cmdlist *cl, uint32_t l)
{
	const struct card_plan *p = &c->plan;
	const struct card_layer_params *lp = &p->layer[l];
	const uint32_t vb = sizeof(struct fllm_vector_params);
	const uint32_t lb = sizeof(struct fllm_lutgemm_params);
	fllm_status st;

	if ((st = fllm_cmdlist_vector(cl, c->act, lp->copy_att, vb)) ||
	    (st = fllm_cmdlist_lutgemm(cl, c->act, lp->lg[CARD_WO], lb)) ||
	    (st = fllm_cmdlist_vector(cl, c->act, p->add, vb)) ||
	    (st = fllm_cmdlist_vector(cl, c->act, lp->norm_ffn, vb)) ||
	    (st = fllm_cmdlist_lutgemm(cl, c->act, lp->lg[CARD_WGATE], lb)) ||
	    (st = fllm_cmdlist_lutgemm(cl, c->act, lp->lg[CARD_WUP], lb)) ||
	    (st = fllm_cmdlist_vector(cl, c->act, lp->silu, vb)) ||
	    (st = fllm_cmdlist_lutgemm(cl, c->act, lp->lg[CARD_WDOWN], lb)))
		return st;
	return fllm_cmdlist_vector(cl, c->act, p->add, vb);
}

/* See card_exec.h. */
fllm_status card_lists_record(struct exec_card *c)
{
	uint32_t n_layers = c->info->n_layers;
	fllm_status st;

	for (uint32_t l = 0; l <= n_layers; l++) {
		fllm_cmdlist *cl;

		st = fllm_cmdlist_create(c->dev, &c->lists[l]);
		if (st)
			return st;
		cl = c->lists[l];
		if (l > 0 && (st = rec_second(c, cl, l - 1)))
			return st;
		if (l < n_layers && (st = rec_first(c, cl, l)))
			return st;
	}
	st = fllm_cmdlist_vector(c->lists[n_layers], c->act, c->plan.head_norm,
				 sizeof(struct fllm_vector_params));
	if (!st)
		st = fllm_cmdlist_lutgemm(c->lists[n_layers], c->act, c->plan.head_lg,
					  sizeof(struct fllm_lutgemm_params));
	return st;
}

/* Submit one list and wait for it; any card error fails the token. */
static fllm_status card_submit(struct exec_card *c, fllm_cmdlist *cl)
{
	fllm_event *ev;
	fllm_status st = fllm_cmdlist_submit(cl, &ev);

	if (st)
		return st;
	st = fllm_event_wait(ev, CARD_WAIT_NS);
	fllm_event_free(ev);
	c->lists_run++;
	c->cmds_run += fllm_cmdlist_count(cl);
	return st;
}

/* See card_exec.h. */
fllm_status card_token_run(struct fllm_exec *ex, const float *x, uint32_t pos, float *logits)
{
	struct exec_card *c = (struct exec_card *)ex;
	const fllm_model_info *i = c->info;
	const struct card_plan *p = &c->plan;
	struct fllm_exec *host = c->host;
	fllm_status st;

	if (pos >= c->n_ctx)
		return FLLM_E_STATE;
	for (uint32_t r = 0; r < p->n_rope; r++)
		memcpy(c->tok_buf + r * sizeof(struct fllm_vector_params) +
		       offsetof(struct fllm_vector_params, pos), &pos, sizeof(pos));
	memcpy(c->tok_buf + (p->x - p->rope), x, 4ull * i->dim);
	st = fllm_bo_write(c->act, p->rope, c->tok_buf, p->tok_bytes);
	for (uint32_t l = 0; !st && l < i->n_layers; l++) {
		st = card_submit(c, c->lists[l]);
		if (!st)
			st = fllm_bo_read(c->act, p->qkv, c->qkv, p->qkv_bytes);
		if (!st)
			st = host->ops->attention(host, l, pos, c->qkv, c->qkv + p->k_off / 4,
						  c->qkv + p->v_off / 4, c->att);
		if (!st)
			st = fllm_bo_write(c->act, p->att, c->att, 4ull * i->dim);
	}
	if (!st)
		st = card_submit(c, c->lists[i->n_layers]);
	if (!st)
		st = fllm_bo_read(c->act, p->logits, logits, 4ull * i->vocab_size);
	return st;
}
