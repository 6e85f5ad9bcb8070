/* Random attention-unit commands for the tests (see attn_case.h). */
#include "attn_case.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attn_ref.h"
#include "fllm_cardpack.h"

static uint64_t align64(uint64_t x)
{
	return (x + 63) & ~63ull;
}

/* Quantize N(0, sigma) rows into the pool for every position a sequence holds. */
static void fill_pool(struct acase *c, double sigma, uint64_t *rng)
{
	const struct fllm_attention_params *p = &c->p;
	uint32_t kh = p->n_kv_heads, b = p->block_tokens, d = p->head_dim;
	float x[FLLM_ATTN_HEAD_DIM_MAX];
	int8_t q[FLLM_ATTN_HEAD_DIM_MAX];
	uint16_t m;
	int32_t e;

	for (uint32_t s = 0; s < c->n_seqs; s++) {
		const struct fllm_attention_seq *sq = &c->seq[s];

		for (uint32_t pos = 0; pos < sq->pos + sq->n_tokens; pos++) {
			uint32_t idx, slot = pos % b;
			uint64_t blk;

			memcpy(&idx, c->mem + sq->table_addr + 4ull * (pos / b), 4);
			blk = p->kv_base + (uint64_t)idx * p->block_bytes;
			for (uint32_t h = 0; h < kh; h++) {
				for (int kv = 0; kv < 2; kv++) {
					int16_t e16;
					uint64_t off = kv ? fllm_attention_v_offset(kh, b, d, h, slot) :
						fllm_attention_k_offset(kh, b, d, h, slot);
					uint64_t so = kv ? fllm_attention_vs_offset(kh, b, d, h, slot) :
						fllm_attention_ks_offset(kh, b, d, h, slot);

					int zero = kv && fllm_rng_next(rng) % 8 == 0;	/* zero value rows */

					for (uint32_t i = 0; i < d; i++)
						x[i] = zero ? 0.0f : (float)(sigma * test_rng_normal(rng));
					aref_quant(x, d, q, &m, &e);
					e16 = (int16_t)e;
					memcpy(c->mem + blk + off, q, d);
					memcpy(c->mem + blk + so, &m, 2);
					memcpy(c->mem + blk + so + 2, &e16, 2);
				}
			}
		}
	}
}

void acase_store_params(struct acase *c)
{
	memcpy(c->mem + c->p_addr, &c->p, sizeof(c->p));
}

int acase_set_op_quant(struct acase *c, uint32_t op, uint32_t g)
{
	struct fllm_attention_params p = c->p;
	enum fllm_card_err err;

	err = fllm_attention_params_init(&c->p, op, g ? FLLM_ATTN_F_QUANT : 0, g, c->sh.head_dim,
					 c->sh.n_heads,
					 c->sh.n_kv_heads, c->sh.block_tokens, c->n_seqs, p.rows,
					 p.pool_blocks);
	if (err != FLLM_CARD_OK)
		return -1;
	c->p.kv_base = p.kv_base;
	c->p.seq_addr = p.seq_addr;
	if (fllm_attention_op_attends(op)) {
		c->p.q_addr = c->q;
		c->p.out_addr = c->out;
		c->p.q_stride = c->row_stride;
		c->p.out_stride = c->out_stride;
	} else {
		c->p.k_addr = c->k;
		c->p.v_addr = c->v;
		c->p.k_stride = c->p.v_stride = c->kv_stride;
	}
	acase_store_params(c);
	return fllm_attention_params_check(&c->p, c->mem, c->mem_bytes, c->p_addr) ==
		FLLM_CARD_OK ? 0 : -1;
}

int acase_set_op(struct acase *c, uint32_t op)
{
	return acase_set_op_quant(c, op, 0);
}

int acase_make(struct acase *c, uint32_t op, const struct acase_shape *sh, uint32_t n_seqs,
	       const uint32_t *pos, const uint32_t *n_tokens, enum acase_fill fill,
	       double sigma, uint64_t seed)
{
	uint64_t rng = seed, at, tables, block_bytes, rows = 0, pool_blocks = 0, perm_n;
	uint32_t *perm, d = sh->head_dim;

	memset(c, 0, sizeof(*c));
	c->sh = *sh;
	c->n_seqs = n_seqs;
	block_bytes = fllm_attention_block_bytes(sh->n_kv_heads, sh->block_tokens, d);
	for (uint32_t s = 0; s < n_seqs; s++) {
		struct fllm_attention_seq *q = &c->seq[s];

		q->pos = pos[s];
		q->n_tokens = n_tokens[s];
		q->row = (uint32_t)rows + (uint32_t)(fllm_rng_next(&rng) % 2);
		rows = q->row + q->n_tokens;
		q->table_len = fllm_attention_table_need(q->pos, q->n_tokens, sh->block_tokens) +
			       (uint32_t)(fllm_rng_next(&rng) % 3);
		pool_blocks += q->table_len;
	}
	pool_blocks += 1 + fllm_rng_next(&rng) % 3;
	c->row_stride = align64(4ull * sh->n_heads * d) + 64 * (fllm_rng_next(&rng) % 2);
	c->kv_stride = align64(4ull * sh->n_kv_heads * d) + 64 * (fllm_rng_next(&rng) % 2);
	c->out_stride = c->row_stride;
	for (uint32_t g = 16; g <= 256; g *= 2)
		if (fllm_lutgemm_act_bytes(sh->n_heads * d, g) > c->out_stride)
			c->out_stride = align64(fllm_lutgemm_act_bytes(sh->n_heads * d, g));
	/* layout: block, descriptors, tables, pool, q, k, v, out */
	c->p_addr = 64 * (fllm_rng_next(&rng) % 2);
	at = align64(c->p_addr + sizeof(c->p));
	c->p.seq_addr = at;
	at = tables = align64(at + 32ull * n_seqs);
	for (uint32_t s = 0; s < n_seqs; s++) {
		c->seq[s].table_addr = at + 4 * (fllm_rng_next(&rng) % 2);
		at = align64(c->seq[s].table_addr + 4ull * c->seq[s].table_len);
	}
	c->p.kv_base = at;
	at += pool_blocks * block_bytes;
	c->q = at;
	at += rows * c->row_stride;
	c->k = at;
	at += rows * c->kv_stride;
	c->v = at;
	at += rows * c->kv_stride;
	c->out = at;
	at += rows * c->out_stride;
	c->mem_bytes = at + 64 * (fllm_rng_next(&rng) % 3);
	c->mem = malloc(c->mem_bytes);
	perm = malloc(sizeof(*perm) * pool_blocks);
	if (!c->mem || !perm) {
		free(perm);
		return -1;
	}
	for (uint64_t i = 0; i < c->mem_bytes; i++)
		c->mem[i] = (uint8_t)fllm_rng_next(&rng);
	/* descriptors and tables: distinct pool blocks in random order */
	perm_n = pool_blocks;
	for (uint32_t i = 0; i < pool_blocks; i++)
		perm[i] = i;
	for (uint64_t i = pool_blocks - 1; i > 0; i--) {
		uint64_t j = fllm_rng_next(&rng) % (i + 1);
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (uint32_t s = 0; s < n_seqs; s++) {
		memcpy(c->mem + c->p.seq_addr + 32ull * s, &c->seq[s], 32);
		for (uint32_t i = 0; i < c->seq[s].table_len; i++)
			memcpy(c->mem + c->seq[s].table_addr + 4ull * i, &perm[--perm_n], 4);
	}
	free(perm);
	/* fp32 rows */
	for (uint64_t r = 0; r < rows; r++) {
		for (uint32_t i = 0; i < sh->n_heads * d; i++) {
			float x = (float)(sigma * test_rng_normal(&rng));

			memcpy(c->mem + c->q + r * c->row_stride + 4ull * i, &x, 4);
		}
		for (uint32_t i = 0; i < sh->n_kv_heads * d; i++) {
			float xk = (float)(sigma * test_rng_normal(&rng));
			float xv = (float)(sigma * test_rng_normal(&rng));

			memcpy(c->mem + c->k + r * c->kv_stride + 4ull * i, &xk, 4);
			memcpy(c->mem + c->v + r * c->kv_stride + 4ull * i, &xv, 4);
		}
	}
	c->p.rows = (uint32_t)rows;
	c->p.pool_blocks = (uint32_t)pool_blocks;
	if (acase_set_op(c, op))
		return -1;
	if (fill != AC_RAW)
		fill_pool(c, fill == AC_PEAKY ? 8.0 * sigma : sigma, &rng);
	return 0;
}

void acase_free(struct acase *c)
{
	free(c->mem);
	c->mem = NULL;
}

int acase_compare(struct acase *c, const char *what)
{
	uint8_t *ref = malloc(c->mem_bytes);
	uint64_t nf_hls = 0, nf_ref;
	enum fllm_card_err err;
	int bad = 0;

	if (!ref)
		return -1;
	memcpy(ref, c->mem, c->mem_bytes);
	err = fllm_hls_attention_unit(c->mem, c->mem_bytes, c->p_addr, sizeof(c->p), &nf_hls);
	nf_ref = aref_run(&c->p, ref);
	if (err != FLLM_CARD_OK) {
		printf("\n  %s: unit returned %d\n", what, err);
		bad = 1;
	}
	for (uint64_t i = 0; !bad && i < c->mem_bytes; i++) {
		if (c->mem[i] != ref[i]) {
			uint64_t a = i & ~3ull;
			uint32_t h, r;

			memcpy(&h, c->mem + a, 4);
			memcpy(&r, ref + a, 4);
			printf("\n  %s: byte %llu differs: unit word 0x%08x, reference 0x%08x\n",
			       what, (unsigned long long)i, h, r);
			bad = 1;
		}
	}
	if (!bad && nf_hls != nf_ref) {
		printf("\n  %s: non-finite count %llu, reference %llu\n", what,
		       (unsigned long long)nf_hls, (unsigned long long)nf_ref);
		bad = 1;
	}
	free(ref);
	return bad;
}
