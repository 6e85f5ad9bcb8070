/*
 * The CPU quantized executor ("cpu-q", docs/decoder.md): the card's
 * decoder arithmetic run on the host, so its logits are bit-identical to
 * the card's. It reuses the card executor's planning: the same matrices in
 * card form (card_weights_prepare), the same activation image with the
 * same parameter blocks (card_plan_layout / card_plan_fill with base
 * address 0), kept in host memory instead of a BO. A token then runs the
 * card's command sequence on that image: vector blocks through the vector
 * unit's golden function (fllm_vector_unit_run), LUT-GEMM blocks through
 * runtime/cpu's integer LUT-GEMM on prepared packs of the row records, and
 * attention in a CPU executor, exactly as the card executor does it.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "card_exec.h"
#include "../../cpu/fllm_cpu.h"

struct exec_hostq {
	struct fllm_exec base;
	struct exec_card card;		/* plan, matrices, host attention; no device */
	fllm_cpu_ctx *cpu;		/* integer LUT-GEMM variant, threads, scratch */
	fllm_cpu_lutgemm_pack **pack;	/* (n_layers * CARD_MATS + 1) as card.w */
	struct fllm_vector_onchip *oc;	/* the vector unit's on-chip memories */
	uint8_t *img;			/* (card.plan.bytes) the activation image, 64-aligned */
	uint64_t cmds_run;		/* vector and LUT-GEMM blocks run */
};

/* Undo whatever creation reached: packs, context, image, matrices, host. */
static void hostq_free(struct fllm_exec *ex)
{
	struct exec_hostq *h = (struct exec_hostq *)ex;
	uint32_t n;

	if (!h)
		return;
	n = h->card.info->n_layers * CARD_MATS + 1;
	if (h->pack)
		for (uint32_t k = 0; k < n; k++)
			fllm_cpu_lutgemm_pack_free(h->pack[k]);
	free(h->pack);
	fllm_cpu_ctx_free(h->cpu);
	free(h->oc);
	free(h->img);
	card_exec_release(&h->card);
	free(h);
}

/* The vector block at offset at of the image, as the card's vector unit runs it. */
static fllm_status hostq_vec(struct exec_hostq *h, uint64_t at)
{
	uint64_t nonfinite;

	h->cmds_run++;
	if (fllm_vector_unit_run(h->oc, h->img, h->card.plan.bytes, at,
				 sizeof(struct fllm_vector_params), &nonfinite) != FLLM_CARD_OK)
		return FLLM_E_CARD;
	return FLLM_OK;
}

/* The LUT-GEMM block at offset at: its activation record and output live in
 * the image (addresses are offsets, base 0), its weights in pack pk. */
static fllm_status hostq_lg(struct exec_hostq *h, uint64_t at, const fllm_cpu_lutgemm_pack *pk)
{
	struct fllm_lutgemm_params g;
	const uint8_t *rec;		/* (act_bytes(k, group)) activation record */
	fllm_cpu_lutgemm_acts x;

	memcpy(&g, h->img + at, sizeof(g));
	rec = h->img + g.act_addr;
	x.n = 1;
	x.ex = (const int32_t *)rec;
	x.msx = (const uint16_t *)(rec + FLLM_LUTGEMM_ACT_MSX);
	x.xq = (const int8_t *)(rec + fllm_lutgemm_act_xq_offset(g.k, g.group));
	h->cmds_run++;
	return fllm_cpu_lutgemm_packed(h->cpu, pk, &x, (float *)(h->img + g.out_addr), g.m);
}

/* Layer l: the card's list halves (card_token.c) with attention between. */
static fllm_status hostq_layer(struct exec_hostq *h, uint32_t l, uint32_t pos)
{
	struct exec_card *c = &h->card;
	const struct card_plan *p = &c->plan;
	const struct card_layer_params *lp = &p->layer[l];
	fllm_cpu_lutgemm_pack **pk = &h->pack[l * CARD_MATS];
	float *qkv = (float *)(h->img + p->qkv);	/* q (dim), k, v (kv_dim) */
	fllm_status st;

	if ((st = hostq_vec(h, lp->norm_att)))
		return st;
	for (uint32_t m = CARD_WQ; m <= CARD_WV; m++)
		if ((st = hostq_lg(h, lp->lg[m], pk[m])))
			return st;
	for (uint32_t r = 0; r < p->n_rope; r++)
		if ((st = hostq_vec(h, p->rope + r * sizeof(struct fllm_vector_params))))
			return st;
	st = c->host->ops->attention(c->host, l, pos, qkv, qkv + p->k_off / 4,
				     qkv + p->v_off / 4, (float *)(h->img + p->att));
	if (st || (st = hostq_vec(h, lp->copy_att)) ||
	    (st = hostq_lg(h, lp->lg[CARD_WO], pk[CARD_WO])) || (st = hostq_vec(h, p->add)) ||
	    (st = hostq_vec(h, lp->norm_ffn)) ||
	    (st = hostq_lg(h, lp->lg[CARD_WGATE], pk[CARD_WGATE])) ||
	    (st = hostq_lg(h, lp->lg[CARD_WUP], pk[CARD_WUP])) || (st = hostq_vec(h, lp->silu)) ||
	    (st = hostq_lg(h, lp->lg[CARD_WDOWN], pk[CARD_WDOWN])))
		return st;
	return hostq_vec(h, p->add);
}

/* One token: position and x into the image, every layer, the head, logits out. */
static fllm_status hostq_token(struct fllm_exec *ex, const float *x, uint32_t pos,
			       float *logits)
{
	struct exec_hostq *h = (struct exec_hostq *)ex;
	struct exec_card *c = &h->card;
	const struct card_plan *p = &c->plan;
	fllm_status st = FLLM_OK;

	if (pos >= c->n_ctx)
		return FLLM_E_STATE;
	for (uint32_t r = 0; r < p->n_rope; r++)
		memcpy(h->img + p->rope + r * sizeof(struct fllm_vector_params) +
		       offsetof(struct fllm_vector_params, pos), &pos, sizeof(pos));
	memcpy(h->img + p->x, x, 4ull * c->info->dim);
	for (uint32_t l = 0; !st && l < c->info->n_layers; l++)
		st = hostq_layer(h, l, pos);
	if (!st)
		st = hostq_vec(h, p->head_norm);
	if (!st)
		st = hostq_lg(h, p->head_lg, h->pack[c->info->n_layers * CARD_MATS]);
	if (!st)
		memcpy(logits, h->img + p->logits, 4ull * c->info->vocab_size);
	return st;
}

/* Quantization settings and times; nothing is on a card. */
static void hostq_stats(struct fllm_exec *ex, fllm_context_stats *out)
{
	struct exec_hostq *h = (struct exec_hostq *)ex;

	out->bits = h->card.bits_max;
	out->group = h->card.group;
	out->quantize_s = h->card.quantize_s;
}

/* Whole tokens only, as the card executor. */
static const struct fllm_exec_ops hostq_ops = {
	.name = "cpu-q",
	.free = hostq_free,
	.token = hostq_token,
	.stats = hostq_stats,
};

/* A pack of every matrix for the context's LUT-GEMM variant. */
static fllm_status hostq_packs(struct exec_hostq *h)
{
	struct exec_card *c = &h->card;
	uint32_t n = c->info->n_layers * CARD_MATS + 1;
	fllm_status st;

	h->pack = calloc(n, sizeof(*h->pack));
	if (!h->pack)
		return FLLM_E_NO_MEMORY;
	for (uint32_t k = 0; k < n; k++) {
		const struct card_matrix *cm = &c->w[k].cm;
		const uint8_t *slice[FLLM_LUTGEMM_SLICES_MAX];	/* slice s: row s first */
		fllm_cpu_lutgemm_weights w = { cm->m, cm->k, cm->group, cm->planes, cm->flags,
					       cm->slices, slice };

		for (uint32_t s = 0; s < cm->slices; s++)
			slice[s] = card_matrix_row(cm, s);
		c->w[k].slices = cm->slices;	/* so the plan's LUT-GEMM blocks are valid */
		st = fllm_cpu_lutgemm_pack_create(h->cpu, &w, &h->pack[k]);
		if (st)
			return st;
	}
	return FLLM_OK;
}

/* See executor.h. */
fllm_status fllm_exec_hostq_create(const fllm_model *m, const fllm_context_params *p,
				   uint32_t n_ctx, struct fllm_exec **out)
{
	fllm_cpu_config cfg = { p->n_threads ? p->n_threads : 1, FLLM_CPU_ISA_AUTO };
	fllm_quant_params qp;
	struct exec_hostq *h;
	struct exec_card *c;
	fllm_status st;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return FLLM_E_NO_MEMORY;
	c = &h->card;
	st = card_exec_init(c, m, p, n_ctx, &qp);
	if (st) {
		free(h);
		return st;
	}
	h->base.ops = &hostq_ops;
	if ((st = fllm_cpu_ctx_create(&cfg, &h->cpu)) ||
	    (st = fllm_exec_cpu_create(m, n_ctx, 1, &c->host)) ||
	    (st = card_weights_prepare(c, &qp)) || (st = hostq_packs(h)) ||
	    (st = card_plan_layout(c)))
		goto err_free;
	h->oc = malloc(sizeof(*h->oc));
	h->img = aligned_alloc(FLLM_LUTGEMM_ALIGN, c->plan.bytes);
	if (!h->oc || !h->img) {
		st = FLLM_E_NO_MEMORY;
		goto err_free;
	}
	memset(h->img, 0, c->plan.bytes);
	st = card_plan_fill(c, h->img);
	if (st)
		goto err_free;
	memcpy(h->img + c->plan.rope, c->tok_buf, c->plan.tok_bytes);
	*out = &h->base;
	return FLLM_OK;

err_free:
	hostq_free(&h->base);
	return st;
}
