/*
 * The card executor's activation BO: where every buffer, record, table and
 * parameter block lives (struct card_plan), and its first contents: the
 * norm-weight records, the RoPE table and every parameter block that does
 * not change from token to token (all but the ROPE blocks' position). One
 * set of buffers serves every layer, so a layer's blocks differ only in
 * their weight addresses.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card_exec.h"
#include "fllm_cardpack.h"

#define CARD_VEC_BYTES ((uint64_t)sizeof(struct fllm_vector_params))
#define CARD_LG_BYTES ((uint64_t)sizeof(struct fllm_lutgemm_params))

/* Take bytes (rounded up to 64) at the end of the plan. */
static uint64_t plan_take(struct card_plan *p, uint64_t bytes)
{
	uint64_t at = p->bytes;

	p->bytes += fllm_lutgemm_align(bytes ? bytes : 1);
	return at;
}

/* Offsets of every buffer and block. */
static fllm_status plan_layout(struct exec_card *c)
{
	const fllm_model_info *i = c->info;
	struct card_plan *p = &c->plan;
	uint64_t kv = 4ull * i->n_kv_heads * i->head_dim, g = c->group;

	p->layer = calloc(i->n_layers, sizeof(*p->layer));
	if (!p->layer)
		return FLLM_E_NO_MEMORY;
	p->k_off = fllm_lutgemm_align(4ull * i->dim);
	p->v_off = p->k_off + fllm_lutgemm_align(kv);
	p->qkv_bytes = p->v_off + kv;
	p->n_rope = p->k_off == 4ull * i->dim ? 1 : 2;
	p->rope = plan_take(p, p->n_rope * CARD_VEC_BYTES + 4ull * i->dim);
	p->x = p->rope + p->n_rope * CARD_VEC_BYTES;
	p->tok_bytes = p->n_rope * CARD_VEC_BYTES + 4ull * i->dim;
	p->xa = plan_take(p, fllm_lutgemm_act_bytes(i->dim, (uint32_t)g));
	p->qkv = plan_take(p, p->qkv_bytes);
	p->att = plan_take(p, 4ull * i->dim);
	p->tmp = plan_take(p, 4ull * i->dim);
	p->gate = plan_take(p, 4ull * i->hidden_dim);
	p->up = plan_take(p, 4ull * i->hidden_dim);
	p->ha = plan_take(p, fllm_lutgemm_act_bytes(i->hidden_dim, (uint32_t)g));
	p->logits = plan_take(p, 4ull * i->vocab_size);
	p->norm_bytes = fllm_vector_weight_bytes(i->dim);
	p->norms = plan_take(p, (2ull * i->n_layers + 1) * p->norm_bytes);
	p->table = plan_take(p, (uint64_t)c->n_ctx * fllm_vector_rope_row_bytes(i->head_dim));
	p->add = plan_take(p, CARD_VEC_BYTES);
	p->head_norm = plan_take(p, CARD_VEC_BYTES);
	p->head_lg = plan_take(p, CARD_LG_BYTES);
	for (uint32_t l = 0; l < i->n_layers; l++) {
		struct card_layer_params *lp = &p->layer[l];

		lp->norm_att = plan_take(p, CARD_VEC_BYTES);
		for (uint32_t m = 0; m < CARD_MATS; m++)
			lp->lg[m] = plan_take(p, CARD_LG_BYTES);
		lp->copy_att = plan_take(p, CARD_VEC_BYTES);
		lp->norm_ffn = plan_take(p, CARD_VEC_BYTES);
		lp->silu = plan_take(p, CARD_VEC_BYTES);
	}
	return FLLM_OK;
}

/* A vector block for op over n elements, one row; addresses relative to the BO. */
static void plan_vec(struct exec_card *c, uint8_t *img, uint64_t at, uint32_t op, uint32_t flags,
		     uint32_t n, uint64_t in, uint64_t in2, uint64_t out)
{
	uint64_t base = c->plan.base;
	struct fllm_vector_params v;

	/* shapes were checked against the unit's limits at creation; were one not,
	 * the zeroed block would make the card refuse the command (FLLM_E_CARD) */
	memset(&v, 0, sizeof(v));
	fllm_vector_params_init(&v, op, flags, n, 1, flags ? c->group : 0);
	v.in_addr = base + in;
	if (op == FLLM_VECTOR_OP_SILU_MUL || op == FLLM_VECTOR_OP_ADD)
		v.in2_addr = base + in2;
	v.out_addr = base + out;
	memcpy(img + at, &v, sizeof(v));
}

/* RMSNORM x -> xa (quantized) with norm record idx. */
static void plan_norm(struct exec_card *c, uint8_t *img, uint64_t at, uint32_t idx)
{
	struct card_plan *p = &c->plan;
	struct fllm_vector_params v;
	uint32_t eps;

	plan_vec(c, img, at, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, c->info->dim, p->x, 0,
		 p->xa);
	memcpy(&v, img + at, sizeof(v));
	memcpy(&eps, &c->info->rms_eps, sizeof(eps));
	v.eps = eps;
	v.weight_addr = p->base + p->norms + idx * p->norm_bytes;
	memcpy(img + at, &v, sizeof(v));
}

/* LUT-GEMM of weight w reading the record at act, writing fp32 at out. */
static void plan_lg(struct exec_card *c, uint8_t *img, uint64_t at, const struct card_weight *w,
		    uint64_t act, uint64_t out)
{
	uint64_t base = c->plan.base;
	struct fllm_lutgemm_params g;

	memset(&g, 0, sizeof(g));	/* as in plan_vec: a bad shape is refused by the card */
	fllm_lutgemm_params_init(&g, w->cm.m, w->cm.k, w->cm.group, w->cm.planes, w->cm.flags, 1,
				 w->slices);
	g.act_addr = base + act;
	g.out_addr = base + out;
	for (uint32_t s = 0; s < w->slices; s++)
		g.slice_addr[s] = w->slice_addr[s];
	memcpy(img + at, &g, sizeof(g));
}

/* The ROPE blocks (position 0) at the front of the per-token upload. */
static void plan_rope(struct exec_card *c)
{
	const fllm_model_info *i = c->info;
	struct card_plan *p = &c->plan;
	uint32_t kv = i->n_kv_heads * i->head_dim;
	uint32_t n[2] = { p->n_rope == 1 ? i->dim + kv : i->dim, kv };
	uint64_t off[2] = { p->qkv, p->qkv + p->k_off };

	for (uint32_t r = 0; r < p->n_rope; r++) {
		struct fllm_vector_params v;

		plan_vec(c, c->tok_buf, r * CARD_VEC_BYTES, FLLM_VECTOR_OP_ROPE, 0, n[r], off[r],
			 0, off[r]);
		memcpy(&v, c->tok_buf + r * CARD_VEC_BYTES, sizeof(v));
		v.head_dim = (uint16_t)i->head_dim;
		v.table_addr = p->base + p->table;
		v.table_rows = c->n_ctx;
		memcpy(c->tok_buf + r * CARD_VEC_BYTES, &v, sizeof(v));
	}
}

/* See card_exec.h: norm records, the RoPE table and every fixed block into img. */
fllm_status card_plan_fill(struct exec_card *c, uint8_t *img)
{
	const fllm_model *m = c->model;
	const fllm_model_info *i = c->info;
	struct card_plan *p = &c->plan;
	uint32_t dim = i->dim;

	for (uint32_t l = 0; l < i->n_layers; l++) {
		if (fllm_vector_weight_write(img + p->norms + 2ull * l * p->norm_bytes, dim,
					     m->layers[l].attn_norm.f32) != FLLM_CARD_OK ||
		    fllm_vector_weight_write(img + p->norms + (2ull * l + 1) * p->norm_bytes, dim,
					     m->layers[l].ffn_norm.f32) != FLLM_CARD_OK)
			return FLLM_E_INVALID_ARG;
	}
	if (fllm_vector_weight_write(img + p->norms + 2ull * i->n_layers * p->norm_bytes, dim,
				     m->output_norm.f32) != FLLM_CARD_OK ||
	    fllm_vector_rope_table_write(img + p->table, c->n_ctx, i->head_dim,
					 (double)i->rope_theta) != FLLM_CARD_OK)
		return FLLM_E_INVALID_ARG;
	plan_vec(c, img, p->add, FLLM_VECTOR_OP_ADD, 0, dim, p->x, p->tmp, p->x);
	plan_norm(c, img, p->head_norm, 2 * i->n_layers);
	plan_lg(c, img, p->head_lg, card_w(c, 0, CARD_MATS), p->xa, p->logits);
	for (uint32_t l = 0; l < i->n_layers; l++) {
		const struct card_layer_params *lp = &p->layer[l];
		uint64_t out[CARD_MATS] = { p->qkv, p->qkv + p->k_off, p->qkv + p->v_off, p->tmp,
					    p->gate, p->tmp, p->up };

		plan_norm(c, img, lp->norm_att, 2 * l);
		plan_norm(c, img, lp->norm_ffn, 2 * l + 1);
		for (uint32_t k = 0; k < CARD_MATS; k++)
			plan_lg(c, img, lp->lg[k], card_w(c, l, (enum card_mat)k),
				k == CARD_WDOWN ? p->ha : p->xa, out[k]);
		plan_vec(c, img, lp->copy_att, FLLM_VECTOR_OP_COPY, FLLM_VECTOR_F_QUANT, dim,
			 p->att, 0, p->xa);
		plan_vec(c, img, lp->silu, FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT,
			 i->hidden_dim, p->gate, p->up, p->ha);
	}
	plan_rope(c);
	return FLLM_OK;
}

/* See card_exec.h. */
fllm_status card_plan_layout(struct exec_card *c)
{
	fllm_status st = plan_layout(c);

	if (st)
		return st;
	c->tok_buf = calloc(1, c->plan.tok_bytes);
	c->qkv = malloc(c->plan.qkv_bytes);
	c->att = malloc(4ull * c->info->dim);
	if (!c->tok_buf || !c->qkv || !c->att)
		return FLLM_E_NO_MEMORY;
	return FLLM_OK;
}

/* See card_exec.h. */
fllm_status card_plan_build(struct exec_card *c)
{
	fllm_bo_params bp = { .align = FLLM_LUTGEMM_ALIGN, .channel = FLLM_BO_ANY_CHANNEL };
	struct timespec t0, t1;
	uint8_t *img;
	fllm_status st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = card_plan_layout(c);
	if (st)
		return st;
	st = fllm_bo_alloc(c->dev, c->plan.bytes, &bp, &c->act);
	if (st)
		return st;
	c->plan.base = fllm_bo_card_addr(c->act);
	c->card_bytes += c->plan.bytes;
	img = calloc(1, c->plan.bytes);
	if (!img)
		return FLLM_E_NO_MEMORY;
	st = card_plan_fill(c, img);
	if (!st)
		st = fllm_bo_write(c->act, 0, img, c->plan.bytes);
	free(img);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->upload_s += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	return st;
}
