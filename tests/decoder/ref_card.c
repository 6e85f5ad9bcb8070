/* The golden-kernel reference of the card decoder (see ref_card.h). */
#include "ref_card.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_matrix.h"
#include "fllm_attention.h"
#include "fllm_lutgemm.h"
#include "fllm_cardpack.h"
#include "fllm_vector.h"
#include "package_format.h"

#define REF_MATS 7

struct ref_mat {
	uint32_t m, k, g, q, flags, row_bytes;
	uint64_t addr;		/* one slice: rows in order */
};

struct ref_card {
	const fllm_model *m;
	const fllm_model_info *i;
	uint8_t *mem;			/* (size) the host's card memory image */
	uint64_t size, used;
	uint32_t n_ctx, g;
	struct ref_mat *mat;		/* (n_layers * 7 + 1), classifier last */
	uint64_t x, xa, q, k, v, tmp, gate, up, ha, logits, norms, norm_bytes, table;
	uint64_t params;		/* one block at a time */
	uint32_t bt, cap;		/* KV block tokens, blocks per sequence */
	uint64_t bb;			/* KV block bytes */
	uint64_t kv, desc, tab;		/* every layer's blocks; descriptor; table */
	struct fllm_attention_onchip *aoc;
};

static uint64_t ref_take(struct ref_card *r, uint64_t bytes)
{
	uint64_t at = r->used;

	r->used += fllm_lutgemm_align(bytes ? bytes : 1);
	return at;
}

/* The stored records of weight w (a package's BCQ tensor) copied in row order. */
static void ref_put_matrix(struct ref_card *r, const struct fllm_weight *w, struct ref_mat *rm)
{
	struct fllm_pkg_tensor h;
	struct card_matrix cm;

	memcpy(&h, w->src->data, sizeof(h));
	cm = (struct card_matrix){ h.rows, h.cols, h.group, h.planes, h.flags, h.slices,
				   h.row_bytes, w->src->data + sizeof(h), NULL };
	*rm = (struct ref_mat){ h.rows, h.cols, h.group, h.planes, h.flags, h.row_bytes, 0 };
	rm->addr = ref_take(r, (uint64_t)h.rows * h.row_bytes);
	for (uint32_t row = 0; row < h.rows; row++)
		memcpy(r->mem + rm->addr + (uint64_t)row * h.row_bytes, card_matrix_row(&cm, row),
		       h.row_bytes);
}

/* Bytes the image needs (generously). */
static uint64_t ref_bytes(const fllm_model *m, uint32_t n_ctx)
{
	const fllm_model_info *i = &m->info;
	uint64_t b = 1u << 20;

	for (uint32_t k = 0; k < m->n_tensors; k++)
		b += fllm_lutgemm_align(m->tensors[k].bytes) + 64;
	b += (uint64_t)n_ctx * fllm_vector_rope_row_bytes(i->head_dim);
	b += 16ull * (i->dim + i->hidden_dim + i->vocab_size) + 64ull * 32;
	b += (uint64_t)i->n_layers * (n_ctx / 16 + 1) *
	     fllm_attention_block_bytes(i->n_kv_heads, 16, i->head_dim);
	return b + 4ull * (n_ctx / 16 + 1);
}

int ref_card_create(const fllm_model *m, uint32_t n_ctx, struct ref_card **out)
{
	const fllm_model_info *i = &m->info;
	struct ref_card *r = calloc(1, sizeof(*r));
	struct fllm_pkg_tensor h;

	*out = NULL;
	if (!r)
		return -1;
	r->m = m;
	r->i = i;
	r->n_ctx = n_ctx;
	memcpy(&h, m->output.src->data, sizeof(h));
	r->g = h.group;
	r->size = ref_bytes(m, n_ctx);
	r->mem = calloc(1, r->size);
	r->mat = calloc(i->n_layers * REF_MATS + 1, sizeof(*r->mat));
	r->aoc = malloc(sizeof(*r->aoc));
	if (!r->mem || !r->mat || !r->aoc) {
		ref_card_free(r);
		return -1;
	}
	for (uint32_t l = 0; l < i->n_layers; l++) {
		const struct fllm_layer_weights *lw = &m->layers[l];
		const struct fllm_weight *ws[REF_MATS] = { &lw->wq, &lw->wk, &lw->wv, &lw->wo,
							   &lw->w_gate, &lw->w_down, &lw->w_up };

		for (uint32_t k = 0; k < REF_MATS; k++)
			ref_put_matrix(r, ws[k], &r->mat[l * REF_MATS + k]);
	}
	ref_put_matrix(r, &m->output, &r->mat[i->n_layers * REF_MATS]);
	r->x = ref_take(r, 4ull * i->dim);
	r->xa = ref_take(r, fllm_lutgemm_act_bytes(i->dim, r->g));
	r->q = ref_take(r, 4ull * i->dim);
	r->k = ref_take(r, 4ull * i->n_kv_heads * i->head_dim);
	r->v = ref_take(r, 4ull * i->n_kv_heads * i->head_dim);
	r->tmp = ref_take(r, 4ull * i->dim);
	r->gate = ref_take(r, 4ull * i->hidden_dim);
	r->up = ref_take(r, 4ull * i->hidden_dim);
	r->ha = ref_take(r, fllm_lutgemm_act_bytes(i->hidden_dim, r->g));
	r->logits = ref_take(r, 4ull * i->vocab_size);
	r->norm_bytes = fllm_vector_weight_bytes(i->dim);
	r->norms = ref_take(r, (2ull * i->n_layers + 1) * r->norm_bytes);
	r->table = ref_take(r, (uint64_t)n_ctx * fllm_vector_rope_row_bytes(i->head_dim));
	r->params = ref_take(r, 512);
	/* the KV cache: blocks of 16, every layer's in one region, the
	 * sequence's table running backwards through it */
	r->bt = 16;
	r->cap = (n_ctx + r->bt - 1) / r->bt;
	r->bb = fllm_attention_block_bytes(i->n_kv_heads, r->bt, i->head_dim);
	r->kv = ref_take(r, (uint64_t)i->n_layers * r->cap * r->bb);
	r->desc = ref_take(r, sizeof(struct fllm_attention_seq));
	r->tab = ref_take(r, 4ull * r->cap);
	for (uint32_t b = 0; b < r->cap; b++) {
		uint32_t e = r->cap - 1 - b;

		memcpy(r->mem + r->tab + 4ull * b, &e, 4);
	}
	if (r->used > r->size) {
		fprintf(stderr, "ref_card: image too small\n");
		ref_card_free(r);
		return -1;
	}
	for (uint32_t l = 0; l < i->n_layers; l++) {
		fllm_vector_weight_write(r->mem + r->norms + 2ull * l * r->norm_bytes, i->dim,
					 m->layers[l].attn_norm.f32);
		fllm_vector_weight_write(r->mem + r->norms + (2ull * l + 1) * r->norm_bytes, i->dim,
					 m->layers[l].ffn_norm.f32);
	}
	fllm_vector_weight_write(r->mem + r->norms + 2ull * i->n_layers * r->norm_bytes, i->dim,
				 m->output_norm.f32);
	fllm_vector_rope_table_write(r->mem + r->table, n_ctx, i->head_dim, (double)i->rope_theta);
	*out = r;
	return 0;
}

void ref_card_free(struct ref_card *r)
{
	if (!r)
		return;
	free(r->aoc);
	free(r->mem);
	free(r->mat);
	free(r);
}

/* One vector command through the golden top function. */
static int ref_vec(struct ref_card *r, struct fllm_vector_params *v)
{
	uint64_t nf;
	enum fllm_card_err e;

	memcpy(r->mem + r->params, v, sizeof(*v));
	e = fllm_hls_vector_unit(r->mem, r->size, r->params, sizeof(*v), &nf);
	if (e != FLLM_CARD_OK)
		fprintf(stderr, "ref_card: vector op %u refused: %d\n", v->op, e);
	return e == FLLM_CARD_OK ? 0 : -1;
}

/* op over n with in/in2/out; quantized output when quant. */
static int ref_op(struct ref_card *r, uint32_t op, int quant, uint32_t n, uint64_t in,
		  uint64_t in2, uint64_t out)
{
	struct fllm_vector_params v;

	fllm_vector_params_init(&v, op, quant ? FLLM_VECTOR_F_QUANT : 0, n, 1, quant ? r->g : 0);
	v.in_addr = in;
	v.in2_addr = in2;
	v.out_addr = out;
	return ref_vec(r, &v);
}

static int ref_norm(struct ref_card *r, uint32_t idx)
{
	struct fllm_vector_params v;

	fllm_vector_params_init(&v, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, r->i->dim, 1,
				r->g);
	v.in_addr = r->x;
	v.out_addr = r->xa;
	v.weight_addr = r->norms + idx * r->norm_bytes;
	memcpy(&v.eps, &r->i->rms_eps, 4);
	return ref_vec(r, &v);
}

static int ref_rope(struct ref_card *r, uint64_t at, uint32_t n, uint32_t pos)
{
	struct fllm_vector_params v;

	fllm_vector_params_init(&v, FLLM_VECTOR_OP_ROPE, 0, n, 1, 0);
	v.in_addr = v.out_addr = at;
	v.head_dim = (uint16_t)r->i->head_dim;
	v.pos = pos;
	v.table_addr = r->table;
	v.table_rows = r->n_ctx;
	return ref_vec(r, &v);
}

/* One LUT-GEMM through the golden top function. */
static int ref_lg(struct ref_card *r, const struct ref_mat *rm, uint64_t act, uint64_t out)
{
	struct fllm_lutgemm_params p;
	enum fllm_card_err e;

	fllm_lutgemm_params_init(&p, rm->m, rm->k, rm->g, rm->q, rm->flags, 1, 1);
	p.act_addr = act;
	p.out_addr = out;
	p.slice_addr[0] = rm->addr;
	memcpy(r->mem + r->params, &p, sizeof(p));
	e = fllm_hls_lutgemm_unit(r->mem, r->size, r->params, sizeof(p));
	if (e != FLLM_CARD_OK)
		fprintf(stderr, "ref_card: lutgemm refused: %d\n", e);
	return e == FLLM_CARD_OK ? 0 : -1;
}

/* Layer l's APPEND of k, v at pos, or DECODE of q into xa (quantized). */
static int ref_att(struct ref_card *r, uint32_t l, uint32_t op, uint32_t pos)
{
	const fllm_model_info *i = r->i;
	struct fllm_attention_seq d = { pos, 1, 0, pos / r->bt + 1, r->tab, 0 };
	uint32_t quant = op == FLLM_ATTN_OP_DECODE;
	struct fllm_attention_params a;
	enum fllm_card_err e;
	uint64_t nf;

	memset(&a, 0, sizeof(a));
	if (fllm_attention_params_init(&a, op, quant ? FLLM_ATTN_F_QUANT : 0, quant ? r->g : 0,
				       i->head_dim, i->n_heads, i->n_kv_heads, r->bt, 1, 1,
				       r->cap) != FLLM_CARD_OK)
		return -1;
	a.q_addr = r->q;
	a.k_addr = r->k;
	a.v_addr = r->v;
	a.out_addr = r->xa;
	if (!quant)
		a.q_addr = a.out_addr = 0;
	else
		a.k_addr = a.v_addr = 0;
	a.kv_base = r->kv + (uint64_t)l * r->cap * r->bb;
	a.seq_addr = r->desc;
	memcpy(r->mem + r->desc, &d, sizeof(d));
	memcpy(r->mem + r->params, &a, sizeof(a));
	e = fllm_attention_unit_run(r->aoc, r->mem, r->size, r->params, sizeof(a), &nf);
	if (e != FLLM_CARD_OK)
		fprintf(stderr, "ref_card: attention op %u refused: %d\n", op, e);
	return e == FLLM_CARD_OK ? 0 : -1;
}

int ref_card_token(struct ref_card *r, int32_t token, uint32_t pos, float *logits)
{
	const fllm_model_info *i = r->i;
	uint32_t kv = i->n_kv_heads * i->head_dim, dim = i->dim, hid = i->hidden_dim;
	int bad = 0;

	memcpy(r->mem + r->x, r->m->tok_embd.f32 + (size_t)token * dim, 4ull * dim);
	for (uint32_t l = 0; l < i->n_layers && !bad; l++) {
		const struct ref_mat *mt = &r->mat[l * REF_MATS];

		bad |= ref_norm(r, 2 * l);
		bad |= ref_lg(r, &mt[0], r->xa, r->q) | ref_lg(r, &mt[1], r->xa, r->k) |
		       ref_lg(r, &mt[2], r->xa, r->v);
		bad |= ref_rope(r, r->q, dim, pos) | ref_rope(r, r->k, kv, pos);
		bad |= ref_att(r, l, FLLM_ATTN_OP_APPEND, pos);
		bad |= ref_att(r, l, FLLM_ATTN_OP_DECODE, pos);
		bad |= ref_lg(r, &mt[3], r->xa, r->tmp);
		bad |= ref_op(r, FLLM_VECTOR_OP_ADD, 0, dim, r->x, r->tmp, r->x);
		bad |= ref_norm(r, 2 * l + 1);
		bad |= ref_lg(r, &mt[4], r->xa, r->gate) | ref_lg(r, &mt[6], r->xa, r->up);
		bad |= ref_op(r, FLLM_VECTOR_OP_SILU_MUL, 1, hid, r->gate, r->up, r->ha);
		bad |= ref_lg(r, &mt[5], r->ha, r->tmp);
		bad |= ref_op(r, FLLM_VECTOR_OP_ADD, 0, dim, r->x, r->tmp, r->x);
	}
	bad |= ref_norm(r, 2 * i->n_layers);
	bad |= ref_lg(r, &r->mat[i->n_layers * REF_MATS], r->xa, r->logits);
	memcpy(logits, r->mem + r->logits, 4ull * i->vocab_size);
	return bad ? -1 : 0;
}
