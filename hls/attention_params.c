/*
 * Parameter-block validation of the attention unit (docs/numerics.md
 * "Attention unit: validation"): the block, then every descriptor and the
 * table entries it uses. It runs before the unit writes anything, so a
 * rejected command touches nothing.
 */
#include "attention_internal.h"

/* Check 4: the shape. */
static int shape_ok(const struct fllm_attention_params *p)
{
	if (p->op == 0 || p->op >= FLLM_ATTN_OP_COUNT)
		return 0;
	if (p->head_dim < FLLM_ATTN_HEAD_DIM_STEP || p->head_dim > FLLM_ATTN_HEAD_DIM_MAX ||
	    p->head_dim % FLLM_ATTN_HEAD_DIM_STEP)
		return 0;
	if (p->n_kv_heads == 0 || p->n_heads == 0 || p->n_heads > FLLM_ATTN_HEADS_MAX ||
	    p->n_heads % p->n_kv_heads)
		return 0;
	if (!fllm_attention_block_ok(p->block_tokens))
		return 0;
	if (p->n_seqs == 0 || p->n_seqs > FLLM_ATTN_SEQS_MAX ||
	    (p->op == FLLM_ATTN_OP_PREFILL && p->n_seqs != 1))
		return 0;
	if (p->rows == 0 || p->rows > FLLM_ATTN_ROWS_MAX || p->pool_blocks == 0)
		return 0;
	return p->block_bytes == fllm_attention_block_bytes(p->n_kv_heads, p->block_tokens,
							   p->head_dim);
}

/* Checks 2-5: identity, reserved fields and flags, shape, op-specific fields. */
enum fllm_card_err fllm_attn_check_fields(const struct fllm_attention_params *p)
{
	if (p->magic != FLLM_ATTN_MAGIC || p->version != FLLM_ATTN_VERSION)
		return FLLM_CARD_ERR_PARAM;
	if (p->flags & ~FLLM_ATTN_F_MASK || p->reserved1 || !fllm_unit_words_zero(p->reserved, 8))
		return FLLM_CARD_ERR_FLAGS;
	if (!shape_ok(p))
		return FLLM_CARD_ERR_PARAM;
	if (fllm_attention_op_attends(p->op)) {
		if (p->k_addr || p->k_stride || p->v_addr || p->v_stride ||
		    (!(p->flags & FLLM_ATTN_F_QUANT) && p->group))
			return FLLM_CARD_ERR_FLAGS;
		if (!(p->scale_m >> 31) || p->scale_e < 0 || p->scale_e > FLLM_ATTN_SCALE_E_MAX)
			return FLLM_CARD_ERR_PARAM;
		if ((p->flags & FLLM_ATTN_F_QUANT) && !fllm_lutgemm_group_ok(p->group))
			return FLLM_CARD_ERR_PARAM;
	} else if (p->flags || p->group || p->q_addr || p->q_stride || p->out_addr ||
		   p->out_stride || p->scale_m || p->scale_e) {
		return FLLM_CARD_ERR_FLAGS;
	}
	return FLLM_CARD_OK;
}

/*
 * The regions of p: [0] written (out, or the pool for APPEND), [1..2] row
 * inputs (q; or k, v), [3] descriptors, [4] the pool when it is read.
 * Unused entries have used = 0.
 */
static void regions(const struct fllm_attention_params *p, struct fllm_region *rg /* (5) */)
{
	uint64_t hrow = fllm_attn_row_bytes(p->n_heads, p->head_dim);
	uint64_t krow = fllm_attn_row_bytes(p->n_kv_heads, p->head_dim);
	uint64_t pool_len = (uint64_t)p->pool_blocks * p->block_bytes;
	struct fllm_region pool = { p->kv_base, 0, pool_len, 0, 1, 1, 0, 0 };
	struct fllm_region none = { 0, 0, 0, 0, 1, 0, 0, 0 };

	rg[3] = (struct fllm_region){ p->seq_addr, 0, (uint64_t)p->n_seqs * 32, 0, 1, 1, 0, 0 };
	if (fllm_attention_op_attends(p->op)) {
		rg[0] = (struct fllm_region){ p->out_addr, p->out_stride,
					      fllm_attention_out_row_bytes(p), 0, p->rows, 1, 1,
					      0 };
		rg[1] = (struct fllm_region){ p->q_addr, p->q_stride, hrow, 0, p->rows, 1, 1, 0 };
		rg[2] = none;
		rg[4] = pool;
	} else {
		rg[0] = pool;
		rg[1] = (struct fllm_region){ p->k_addr, p->k_stride, krow, 0, p->rows, 1, 1, 0 };
		rg[2] = (struct fllm_region){ p->v_addr, p->v_stride, krow, 0, p->rows, 1, 1, 0 };
		rg[4] = none;
	}
}

/* Checks 6-9: ALIGN, SIZE (strides), ADDR, then PARAM (overlaps). */
static enum fllm_card_err check_memory(const struct fllm_attention_params *p, uint64_t mem_bytes,
				       uint64_t params, struct fllm_region *rg /* (5) */)
{
	enum fllm_card_err err;

	regions(p, rg);
	err = fllm_regions_check(rg, 5, FLLM_ATTN_ALIGN, mem_bytes);
	if (err != FLLM_CARD_OK)
		return err;
	if (fllm_lg_overlap(rg[0].addr, rg[0].len, params, sizeof(*p)))
		return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/* Check 10 for one descriptor: its fields, its table, the entries it uses. */
static enum fllm_card_err check_seq(const struct fllm_attention_params *p,
				    const uint8_t *mem /* card memory */, uint64_t mem_bytes,
				    const struct fllm_region *out, const struct fllm_attention_seq *s)
{
	uint32_t need;

	if (s->reserved)
		return FLLM_CARD_ERR_FLAGS;
	if (s->n_tokens == 0 || s->n_tokens > FLLM_ATTN_CHUNK_MAX ||
	    (p->op == FLLM_ATTN_OP_DECODE && s->n_tokens != 1))
		return FLLM_CARD_ERR_PARAM;
	if ((uint64_t)s->row + s->n_tokens > p->rows ||
	    (uint64_t)s->pos + s->n_tokens > FLLM_ATTN_CTX_MAX)
		return FLLM_CARD_ERR_PARAM;
	need = fllm_attention_table_need(s->pos, s->n_tokens, p->block_tokens);
	if (s->table_len < need || s->table_len > FLLM_ATTN_TABLE_MAX)
		return FLLM_CARD_ERR_PARAM;
	if (s->table_addr % 4)
		return FLLM_CARD_ERR_ALIGN;
	if (!fllm_lg_range_ok(s->table_addr, 4ull * s->table_len, mem_bytes))
		return FLLM_CARD_ERR_ADDR;
	if (fllm_lg_overlap(out->addr, out->len, s->table_addr, 4ull * s->table_len))
		return FLLM_CARD_ERR_PARAM;
	for (uint32_t i = 0; i < need; i++)
		if (fllm_lg_rd32(mem, s->table_addr + 4ull * i) >= p->pool_blocks)
			return FLLM_CARD_ERR_ADDR;
	return FLLM_CARD_OK;
}

/* Validate everything the unit relies on, except the block's own placement. */
enum fllm_card_err fllm_attention_params_check(const struct fllm_attention_params *p,
					       const uint8_t *mem /* (mem_bytes) */,
					       uint64_t mem_bytes, uint64_t params)
{
	struct fllm_attention_seq s;
	struct fllm_region rg[5];
	enum fllm_card_err err = fllm_attn_check_fields(p);

	if (err == FLLM_CARD_OK)
		err = check_memory(p, mem_bytes, params, rg);
	for (uint32_t i = 0; err == FLLM_CARD_OK && i < p->n_seqs; i++) {
		fllm_attn_seq_read(mem, p, i, &s);
		err = check_seq(p, mem, mem_bytes, &rg[0], &s);
	}
	return err;
}
