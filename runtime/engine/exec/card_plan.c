/*
 * The card executor's activation BO: where every buffer, record, table and
 * parameter block lives (struct card_plan), and its contents: the
 * norm-weight records, the RoPE table, the parameter blocks of a step's
 * shape, and the per-step upload (ROPE blocks, attention descriptors, the
 * embedding rows). One set of buffers of rows_max rows serves every layer,
 * so a layer's blocks differ only in their weight and KV pool addresses.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card_exec.h"
#include "fllm_cardpack.h"

#define CARD_VEC_BYTES ((uint64_t)sizeof(struct fllm_vector_params))
#define CARD_LG_BYTES ((uint64_t)sizeof(struct fllm_lutgemm_params))
#define CARD_ATT_BYTES ((uint64_t)sizeof(struct fllm_attention_params))
#define CARD_DESC_BYTES ((uint64_t)sizeof(struct fllm_attention_seq))
#define CARD_KV_BLOCK 16u	/* positions per KV block */

/* Take bytes (rounded up to 64) at the end of the plan. */
static uint64_t plan_take(struct card_plan *p, uint64_t bytes)
{
	uint64_t at = p->bytes;

	p->bytes += fllm_lutgemm_align(bytes ? bytes : 1);
	return at;
}

/* KV settings from p: slots, block size and bytes, pool blocks per layer. */
static fllm_status plan_kv(struct exec_card *c, const fllm_context_params *p)
{
	const fllm_model_info *i = c->info;
	uint64_t per_block, full;
	uint32_t cap;

	c->n_slots = p->n_seqs ? p->n_seqs : 1;
	c->block_tokens = CARD_KV_BLOCK;
	c->block_bytes = fllm_attention_block_bytes(i->n_kv_heads, CARD_KV_BLOCK, i->head_dim);
	cap = (c->n_ctx + CARD_KV_BLOCK - 1) / CARD_KV_BLOCK;
	full = (uint64_t)cap * c->n_slots;
	per_block = c->block_bytes * i->n_layers;
	if (!p->kv_mem) {
		c->pool_blocks = (uint32_t)(full < UINT32_MAX ? full : UINT32_MAX);
		return FLLM_OK;
	}
	/* the budget must hold one whole sequence; more than all of them is not needed */
	if (p->kv_mem / per_block < cap)
		return FLLM_E_INVALID_ARG;
	c->pool_blocks = (uint32_t)(p->kv_mem / per_block < full ? p->kv_mem / per_block : full);
	return FLLM_OK;
}

/* Offsets of every buffer and block. */
static fllm_status plan_layout(struct exec_card *c, const fllm_context_params *cp)
{
	const fllm_model_info *i = c->info;
	struct card_plan *p = &c->plan;
	uint64_t kv = 4ull * i->n_kv_heads * i->head_dim, g = c->group;
	uint32_t r, want = cp->batch;
	fllm_status st;

	if (want > FLLM_LUTGEMM_N_MAX)
		return FLLM_E_INVALID_ARG;
	if ((st = plan_kv(c, cp)))
		return st;
	if (!want)
		want = c->n_slots > 16 ? c->n_slots : 16;
	r = p->rows_max = want < FLLM_LUTGEMM_N_MAX ? want : FLLM_LUTGEMM_N_MAX;
	p->layer = calloc(i->n_layers, sizeof(*p->layer));
	p->kv_addr = calloc(i->n_layers, sizeof(*p->kv_addr));
	if (!p->layer || !p->kv_addr)
		return FLLM_E_NO_MEMORY;
	p->k_off = fllm_lutgemm_align(4ull * i->dim);
	p->v_off = p->k_off + fllm_lutgemm_align(kv);
	p->qkv_stride = p->v_off + fllm_lutgemm_align(kv);
	p->n_rope = p->k_off == 4ull * i->dim ? 1 : 2;
	p->x_stride = fllm_lutgemm_align(4ull * i->dim);
	p->xa_stride = fllm_lutgemm_act_bytes(i->dim, (uint32_t)g);
	p->h_stride = fllm_lutgemm_align(4ull * i->hidden_dim);
	p->ha_stride = fllm_lutgemm_act_bytes(i->hidden_dim, (uint32_t)g);
	p->logits_stride = fllm_lutgemm_align(4ull * i->vocab_size);
	p->rope_row = fllm_vector_rope_row_bytes(i->head_dim);
	p->rope = plan_take(p, r * p->rope_row);
	p->desc = plan_take(p, r * CARD_DESC_BYTES);
	p->x = plan_take(p, r * p->x_stride);
	p->xa = plan_take(p, r * p->xa_stride);
	p->qkv = plan_take(p, r * p->qkv_stride);
	p->tmp = plan_take(p, r * p->x_stride);
	p->gate = plan_take(p, r * p->h_stride);
	p->up = plan_take(p, r * p->h_stride);
	p->ha = plan_take(p, r * p->ha_stride);
	p->logits = plan_take(p, r * p->logits_stride);
	p->norm_bytes = fllm_vector_weight_bytes(i->dim);
	p->norms = plan_take(p, (2ull * i->n_layers + 1) * p->norm_bytes);
	p->table_stride = fllm_lutgemm_align(4ull * ((c->n_ctx + c->block_tokens - 1) /
						     c->block_tokens));
	p->tables = plan_take(p, c->n_slots * p->table_stride);
	p->params = p->bytes;
	p->add = plan_take(p, CARD_VEC_BYTES);
	p->rope_blk = plan_take(p, p->n_rope * CARD_VEC_BYTES);
	p->head_norm = plan_take(p, CARD_VEC_BYTES);
	p->head_lg = plan_take(p, CARD_LG_BYTES);
	for (uint32_t l = 0; l < i->n_layers; l++) {
		struct card_layer_params *lp = &p->layer[l];

		lp->norm_att = plan_take(p, CARD_VEC_BYTES);
		for (uint32_t m = 0; m < CARD_MATS; m++)
			lp->lg[m] = plan_take(p, CARD_LG_BYTES);
		lp->append = plan_take(p, CARD_ATT_BYTES);
		lp->attend = plan_take(p, CARD_ATT_BYTES);
		lp->norm_ffn = plan_take(p, CARD_VEC_BYTES);
		lp->silu = plan_take(p, CARD_VEC_BYTES);
	}
	p->params_bytes = p->bytes - p->params;
	return FLLM_OK;
}

/* A vector block for op over rows of n elements; addresses relative to the
 * BO, strides the smallest (the plan's buffers use them). */
static void plan_vec(struct exec_card *c, uint8_t *at, uint32_t op, uint32_t flags, uint32_t n,
		     uint32_t rows, uint64_t in, uint64_t in2, uint64_t out)
{
	uint64_t base = c->plan.base;
	struct fllm_vector_params v;

	/* shapes were checked against the unit's limits at creation; were one not,
	 * the zeroed block would make the card refuse the command (FLLM_E_CARD) */
	memset(&v, 0, sizeof(v));
	fllm_vector_params_init(&v, op, flags, n, rows, flags ? c->group : 0);
	v.in_addr = base + in;
	if (op == FLLM_VECTOR_OP_SILU_MUL || op == FLLM_VECTOR_OP_ADD)
		v.in2_addr = base + in2;
	v.out_addr = base + out;
	memcpy(at, &v, sizeof(v));
}

/* RMSNORM of rows of x starting at row x0 -> xa (quantized), norm record idx. */
static void plan_norm(struct exec_card *c, uint8_t *at, uint32_t idx, uint32_t rows, uint32_t x0)
{
	struct card_plan *p = &c->plan;
	struct fllm_vector_params v;
	uint32_t eps;

	plan_vec(c, at, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, c->info->dim, rows,
		 p->x + x0 * p->x_stride, 0, p->xa);
	memcpy(&v, at, sizeof(v));
	memcpy(&eps, &c->info->rms_eps, sizeof(eps));
	v.eps = eps;
	v.weight_addr = p->base + p->norms + idx * p->norm_bytes;
	memcpy(at, &v, sizeof(v));
}

/* LUT-GEMM of weight w over rows tokens: records at act, fp32 rows at out
 * (out_stride 0: the smallest). */
static void plan_lg(struct exec_card *c, uint8_t *at, const struct card_weight *w,
		    uint32_t rows, uint64_t act, uint64_t out, uint64_t out_stride)
{
	uint64_t base = c->plan.base;
	struct fllm_lutgemm_params g;

	memset(&g, 0, sizeof(g));	/* as in plan_vec: a bad shape is refused by the card */
	fllm_lutgemm_params_init(&g, w->cm.m, w->cm.k, w->cm.group, w->cm.planes, w->cm.flags,
				 rows, w->slices);
	g.act_addr = base + act;
	g.out_addr = base + out;
	if (out_stride)
		g.out_stride = out_stride;
	for (uint32_t s = 0; s < w->slices; s++)
		g.slice_addr[s] = w->slice_addr[s];
	memcpy(at, &g, sizeof(g));
}

/* Layer l's attention block for op over the step's descriptors. */
static void plan_att(struct exec_card *c, uint8_t *at, uint32_t l, uint32_t op,
		     const struct card_shape *s)
{
	const fllm_model_info *i = c->info;
	struct card_plan *p = &c->plan;
	uint32_t flags = op == FLLM_ATTN_OP_APPEND ? 0 : FLLM_ATTN_F_QUANT;
	struct fllm_attention_params a;

	memset(&a, 0, sizeof(a));
	fllm_attention_params_init(&a, op, flags, flags ? c->group : 0, i->head_dim, i->n_heads,
				   i->n_kv_heads, c->block_tokens, s->seqs, s->rows,
				   c->pool_blocks);
	if (op == FLLM_ATTN_OP_APPEND) {
		a.k_addr = p->base + p->qkv + p->k_off;
		a.v_addr = p->base + p->qkv + p->v_off;
		a.k_stride = a.v_stride = p->qkv_stride;
	} else {
		a.q_addr = p->base + p->qkv;
		a.q_stride = p->qkv_stride;
		a.out_addr = p->base + p->xa;
		a.out_stride = p->xa_stride;
	}
	a.kv_base = p->kv_addr[l];
	a.seq_addr = p->base + p->desc;
	memcpy(at, &a, sizeof(a));
}

/*
 * The step's ROPE blocks: one per rotated part of the qkv rows (q and k, or
 * both at once when they are contiguous) over all r rows of the step. Row k
 * takes table row k of the step's own table, the last r rows of plan.rope,
 * which card_plan_tokens fills with each token's position: one command for
 * every sequence of the step.
 */
static void plan_ropes(struct exec_card *c, uint8_t *img, uint32_t r)
{
	const fllm_model_info *i = c->info;
	const struct card_plan *p = &c->plan;
	uint32_t kv = i->n_kv_heads * i->head_dim;
	uint32_t len[2] = { p->n_rope == 1 ? i->dim + kv : i->dim, kv };
	uint64_t off[2] = { 0, p->k_off };
	struct fllm_vector_params v;

	for (uint32_t k = 0; k < p->n_rope; k++) {
		uint8_t *at = img + p->rope_blk + k * CARD_VEC_BYTES;

		plan_vec(c, at, FLLM_VECTOR_OP_ROPE, 0, len[k], r, p->qkv + off[k], 0,
			 p->qkv + off[k]);
		memcpy(&v, at, sizeof(v));
		v.in_stride = v.out_stride = p->qkv_stride;
		v.head_dim = (uint16_t)i->head_dim;
		v.pos = 0;
		v.table_addr = p->base + p->rope + (uint64_t)(p->rows_max - r) * p->rope_row;
		v.table_rows = r;
		memcpy(at, &v, sizeof(v));
	}
}

/* See card_exec.h: every parameter block for shape s into c->param_img. */
void card_plan_params(struct exec_card *c, const struct card_shape *s)
{
	const fllm_model_info *i = c->info;
	struct card_plan *p = &c->plan;
	uint8_t *img = c->param_img - p->params;	/* so plan offsets index it */
	uint32_t r = s->rows, head = card_shape_prefill(s) ? 1 : r;
	uint32_t att = card_shape_prefill(s) ? FLLM_ATTN_OP_PREFILL : FLLM_ATTN_OP_DECODE;

	memset(c->param_img, 0, p->params_bytes);
	plan_vec(c, img + p->add, FLLM_VECTOR_OP_ADD, 0, i->dim, r, p->x, p->tmp, p->x);
	plan_ropes(c, img, r);
	/* a prefill chunk needs the logits of its last token only */
	plan_norm(c, img + p->head_norm, 2 * i->n_layers, head, r - head);
	plan_lg(c, img + p->head_lg, card_w(c, 0, CARD_MATS), head, p->xa, p->logits, 0);
	for (uint32_t l = 0; l < i->n_layers; l++) {
		const struct card_layer_params *lp = &p->layer[l];
		uint64_t out[CARD_MATS] = { p->qkv, p->qkv + p->k_off, p->qkv + p->v_off, p->tmp,
					    p->gate, p->tmp, p->up };

		plan_norm(c, img + lp->norm_att, 2 * l, r, 0);
		plan_norm(c, img + lp->norm_ffn, 2 * l + 1, r, 0);
		for (uint32_t k = 0; k < CARD_MATS; k++)
			plan_lg(c, img + lp->lg[k], card_w(c, l, (enum card_mat)k), r,
				k == CARD_WDOWN ? p->ha : p->xa, out[k],
				k <= CARD_WV ? p->qkv_stride : 0);
		plan_att(c, img + lp->append, l, FLLM_ATTN_OP_APPEND, s);
		plan_att(c, img + lp->attend, l, att, s);
		plan_vec(c, img + lp->silu, FLLM_VECTOR_OP_SILU_MUL, FLLM_VECTOR_F_QUANT,
			 i->hidden_dim, r, p->gate, p->up, p->ha);
	}
	c->shape = *s;
}

/* See card_exec.h: the step's RoPE rows, descriptors and x rows of entries
 * e[0..n) into c->tok_buf. */
uint64_t card_plan_tokens(struct exec_card *c, const struct exec_batch_entry *e, uint32_t n,
			  uint64_t *from)
{
	const fllm_model_info *i = c->info;
	const struct card_plan *p = &c->plan;
	uint32_t rows = 0, row = 0;
	uint8_t *rope;

	for (uint32_t k = 0; k < n; k++)
		rows += e[k].n;
	*from = p->rope + (uint64_t)(p->rows_max - rows) * p->rope_row;
	rope = c->tok_buf + *from;
	for (uint32_t k = 0; k < n; k++) {
		struct fllm_attention_seq d = { 0 };

		memcpy(rope + (uint64_t)row * p->rope_row,
		       c->rope_host + (uint64_t)e[k].pos * p->rope_row, e[k].n * p->rope_row);
		d.pos = e[k].pos;
		d.n_tokens = e[k].n;
		d.row = row;
		d.table_len = c->kv.seq[e[k].slot].n_blocks;
		d.table_addr = p->base + p->tables + e[k].slot * p->table_stride;
		memcpy(c->tok_buf + p->desc + k * CARD_DESC_BYTES, &d, sizeof(d));
		for (uint32_t t = 0; t < e[k].n; t++)
			memcpy(c->tok_buf + p->x + (row + t) * p->x_stride,
			       e[k].x + (uint64_t)t * i->dim, 4ull * i->dim);
		row += e[k].n;
	}
	return p->x + (uint64_t)row * p->x_stride;
}

/* See card_exec.h: norm records, the RoPE table and the blocks of c->shape. */
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
	    fllm_vector_rope_table_write(c->rope_host, c->n_ctx, i->head_dim,
					 (double)i->rope_theta) != FLLM_CARD_OK)
		return FLLM_E_INVALID_ARG;
	card_plan_params(c, &c->shape);
	memcpy(img + p->params, c->param_img, p->params_bytes);
	return FLLM_OK;
}

/* See card_exec.h. */
fllm_status card_plan_layout(struct exec_card *c, const fllm_context_params *p)
{
	fllm_status st = plan_layout(c, p);

	if (st)
		return st;
	c->tok_buf = calloc(1, c->plan.x + c->plan.rows_max * c->plan.x_stride);
	c->param_img = calloc(1, c->plan.params_bytes);
	c->prog = calloc(card_prog_max(c), sizeof(*c->prog));
	c->logit_buf = malloc(c->plan.rows_max * c->plan.logits_stride);
	c->rope_host = malloc((uint64_t)c->n_ctx * c->plan.rope_row);
	if (!c->tok_buf || !c->param_img || !c->prog || !c->logit_buf || !c->rope_host)
		return FLLM_E_NO_MEMORY;
	c->shape.rows = c->shape.seqs = 1;
	return FLLM_OK;
}

/* Block contents of the card's KV pools, for the KV manager's swapping. */
static fllm_status card_kv_read(void *ctx, uint32_t layer, uint32_t block, void *dst)
{
	struct exec_card *c = ctx;

	if (!c->kvbo[layer]) {	/* a layer on the host: its cache is the twin's */
		memset(dst, 0, c->block_bytes);
		return FLLM_OK;
	}
	c->dma_bytes += c->block_bytes;
	return fllm_bo_read(c->kvbo[layer], block * c->block_bytes, dst, c->block_bytes);
}

static fllm_status card_kv_write(void *ctx, uint32_t layer, uint32_t block, const void *src)
{
	struct exec_card *c = ctx;

	if (!c->kvbo[layer])
		return FLLM_OK;
	c->dma_bytes += c->block_bytes;
	return fllm_bo_write(c->kvbo[layer], block * c->block_bytes, src, c->block_bytes);
}

/* See card_exec.h. */
fllm_status card_plan_build(struct exec_card *c, const fllm_context_params *cp)
{
	fllm_bo_params bp = { .align = FLLM_LUTGEMM_ALIGN, .channel = FLLM_BO_ANY_CHANNEL };
	const struct kv_pool_io io = { c, card_kv_read, card_kv_write };
	uint32_t n_layers = c->info->n_layers;
	fllm_status st;

	st = card_plan_layout(c, cp);
	if (st)
		return st;
	c->kvbo = calloc(n_layers, sizeof(*c->kvbo));
	if (!c->kvbo)
		return FLLM_E_NO_MEMORY;
	/* a layer's pool is one BO, so one memory channel at most: beyond that
	 * the KV manager swaps; one whole sequence must still fit */
	if ((uint64_t)c->pool_blocks * c->block_bytes > c->chan_bytes) {
		c->pool_blocks = (uint32_t)(c->chan_bytes / c->block_bytes);
		if (c->pool_blocks < (c->n_ctx + c->block_tokens - 1) / c->block_tokens)
			return FLLM_E_NO_CARD_MEMORY;
	}
	for (uint32_t l = 0; l < n_layers; l++) {
		/* pools spread over the channels, as the weights are: no channel
		 * fills up first, and attention reads them in parallel */
		fllm_bo_params kp = { .align = FLLM_LUTGEMM_ALIGN,
				      .channel = (int32_t)(l % c->channels) };

		if (c->on_host[l])
			continue;	/* its KV cache is in the twin's host memory */
		st = fllm_bo_alloc(c->dev, (uint64_t)c->pool_blocks * c->block_bytes, &kp,
				   &c->kvbo[l]);
		if (st)
			return st;
		c->plan.kv_addr[l] = fllm_bo_card_addr(c->kvbo[l]);
		c->card_bytes += (uint64_t)c->pool_blocks * c->block_bytes;
	}
	st = kv_pool_init(&c->kv, n_layers, c->block_tokens, c->n_ctx, c->n_slots,
			  c->pool_blocks, c->block_bytes, &io);
	if (st)
		return st;
	st = fllm_bo_alloc(c->dev, c->plan.bytes, &bp, &c->act);
	if (st)
		return st;
	c->plan.base = fllm_bo_card_addr(c->act);
	c->card_bytes += c->plan.bytes;
	return FLLM_OK;
}

/* See card_exec.h. */
fllm_status card_plan_upload(struct exec_card *c)
{
	struct timespec t0, t1;
	uint8_t *img;
	fllm_status st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
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
