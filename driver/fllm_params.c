// SPDX-License-Identifier: GPL-2.0
/*
 * The compute units' parameter blocks as the driver reads them: which card
 * ranges a LUT-GEMM, vector or attention block makes its unit read or
 * write. The layouts, limits and record sizes are the card contract's
 * (card/include/fllm_card_lutgemm.h, fllm_card_vector.h,
 * fllm_card_attention.h, docs/numerics.md). Extents are those the units
 * check (whole strided spans, whole RoPE tables, the whole KV pool),
 * computed with overflow checks; a block the driver cannot interpret
 * (unknown magic, version or op, a shape outside the unit's limits) is
 * refused.
 *
 * An attention block also makes its unit read sequence descriptors and,
 * through them, block tables. The descriptors lie in a range of the block
 * (n_seqs of them at seq_addr), checked here; the driver then copies them
 * next to the block and checks each one (fllm_params_attention_seq): its
 * fields as the unit checks them and its table's range, which must lie in
 * the caller's BOs like every other range. The tables' contents stay in
 * the caller's memory: the unit uses every entry only as a block index
 * below pool_blocks, so inside the checked pool.
 *
 * The blocks are little-endian and read in place through the contract's
 * structs, so the driver builds for little-endian hosts only.
 */
#include <asm/byteorder.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#include "fllm_drv.h"
#include "fllm_card_attention.h"
#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"

#ifndef __LITTLE_ENDIAN
#error "fllm reads the card's little-endian parameter blocks in place"
#endif

static_assert(FLLM_PARAMS_SLOT >= sizeof(struct fllm_lutgemm_params));
static_assert(FLLM_PARAMS_SLOT >= sizeof(struct fllm_vector_params));
static_assert(FLLM_PARAMS_SLOT >= sizeof(struct fllm_attention_params));
static_assert(FLLM_PARAMS_RANGES_MAX >= 4);	/* an attention block's ranges */
static_assert(FLLM_PARAMS_SLOT % 8 == 0);	/* every slot is aligned for the u64 fields */

/*
 * Set *r to the span of `rows` rows of row_bytes, stride apart, from addr
 * (rows >= 1); false when its length does not fit 64 bits.
 */
static bool fllm_span(struct fllm_range *r, u64 addr, u64 rows, u64 stride, u64 row_bytes)
{
	u64 len;

	if (check_mul_overflow(rows - 1, stride, &len) ||
	    check_add_overflow(len, row_bytes, &len))
		return false;
	*r = (struct fllm_range){ addr, len };
	return true;
}

/* The ranges of a LUT-GEMM block: activations, outputs, one per slice. */
static int fllm_params_lutgemm(const struct fllm_lutgemm_params *p, struct fllm_range *r)
{
	u32 m = p->m, k = p->k, g = p->group, n = p->n_tokens, slices = p->slices, s;

	if (p->magic != FLLM_LUTGEMM_MAGIC || p->version != FLLM_LUTGEMM_VERSION)
		return -FLLM_CARD_ERR_PARAM;
	if (!m || m > FLLM_LUTGEMM_M_MAX || !k || k > FLLM_LUTGEMM_K_MAX ||
	    !fllm_lutgemm_group_ok(g) || !p->planes || p->planes > FLLM_LUTGEMM_Q_MAX || !n ||
	    n > FLLM_LUTGEMM_N_MAX || !slices || slices > FLLM_LUTGEMM_SLICES_MAX || slices > m)
		return -FLLM_CARD_ERR_PARAM;
	/* g is valid only from here on */
	if (p->row_bytes != fllm_lutgemm_row_bytes(k, g, p->planes))
		return -FLLM_CARD_ERR_PARAM;
	if (!fllm_span(&r[0], p->act_addr, n, p->act_stride, fllm_lutgemm_act_bytes(k, g)) ||
	    !fllm_span(&r[1], p->out_addr, n, p->out_stride, 4ull * m))
		return -FLLM_CARD_ERR_ADDR;
	for (s = 0; s < slices; s++)
		r[2 + s] = (struct fllm_range){ p->slice_addr[s], fllm_lutgemm_slice_bytes(p, s) };
	return 2 + slices;
}

/* The ranges of a vector block: in, in2, out, weight record, RoPE table. */
static int fllm_params_vector(const struct fllm_vector_params *p, struct fllm_range *r)
{
	u64 tab_row;
	int i = 0;

	if (p->magic != FLLM_VECTOR_MAGIC || p->version != FLLM_VECTOR_VERSION)
		return -FLLM_CARD_ERR_PARAM;
	if (p->op < FLLM_VECTOR_OP_COPY || p->op > FLLM_VECTOR_OP_ADD || !p->n ||
	    p->n > FLLM_VECTOR_N_MAX || !p->rows || p->rows > FLLM_VECTOR_ROWS_MAX)
		return -FLLM_CARD_ERR_PARAM;
	if (fllm_vector_uses_group(p) && !fllm_lutgemm_group_ok(p->group))
		return -FLLM_CARD_ERR_PARAM;
	if (!fllm_span(&r[i++], p->in_addr, p->rows, p->in_stride, fllm_vector_in_row_bytes(p)) ||
	    !fllm_span(&r[i++], p->out_addr, p->rows, p->out_stride, fllm_vector_out_row_bytes(p)))
		return -FLLM_CARD_ERR_ADDR;
	if (fllm_vector_uses_in2(p->op) &&
	    !fllm_span(&r[i++], p->in2_addr, p->rows, p->in2_stride,
		       fllm_vector_f32_row_bytes(p->n)))
		return -FLLM_CARD_ERR_ADDR;
	if (p->op == FLLM_VECTOR_OP_RMSNORM)
		r[i++] = (struct fllm_range){ p->weight_addr, fllm_vector_weight_bytes(p->n) };
	if (p->op == FLLM_VECTOR_OP_ROPE) {
		tab_row = fllm_vector_rope_row_bytes(p->head_dim);
		/* the unit checks the whole table, table_rows rows */
		if (!p->table_rows)
			return -FLLM_CARD_ERR_PARAM;
		if (!fllm_span(&r[i++], p->table_addr, p->table_rows, tab_row, tab_row))
			return -FLLM_CARD_ERR_ADDR;
	}
	return i;
}

/* An attention block's shape is one the unit accepts (docs/numerics.md A.10 check 4). */
static bool fllm_attention_shape_ok(const struct fllm_attention_params *p)
{
	if (!p->op || p->op >= FLLM_ATTN_OP_COUNT)
		return false;
	if (p->head_dim < FLLM_ATTN_HEAD_DIM_STEP || p->head_dim > FLLM_ATTN_HEAD_DIM_MAX ||
	    p->head_dim % FLLM_ATTN_HEAD_DIM_STEP)
		return false;
	if (!p->n_kv_heads || !p->n_heads || p->n_heads > FLLM_ATTN_HEADS_MAX ||
	    p->n_heads % p->n_kv_heads || !fllm_attention_block_ok(p->block_tokens))
		return false;
	if (!p->n_seqs || p->n_seqs > FLLM_ATTN_SEQS_MAX || !p->rows ||
	    p->rows > FLLM_ATTN_ROWS_MAX || !p->pool_blocks)
		return false;
	if ((p->flags & FLLM_ATTN_F_QUANT) && !fllm_lutgemm_group_ok(p->group))
		return false;
	return p->block_bytes == fllm_attention_block_bytes(p->n_kv_heads, p->block_tokens,
							   p->head_dim);
}

/*
 * The ranges of an attention block: the row spans its op uses (q and out,
 * or k and v, over `rows` rows), the descriptors and the KV pool of
 * pool_blocks blocks. Each descriptor's table is checked once the
 * descriptors are copied (fllm_params_attention_seq).
 */
static int fllm_params_attention(const struct fllm_attention_params *p, struct fllm_range *r)
{
	u64 hrow = 4ull * p->n_heads * p->head_dim, krow = 4ull * p->n_kv_heads * p->head_dim;
	bool ok;

	if (p->magic != FLLM_ATTN_MAGIC || p->version != FLLM_ATTN_VERSION)
		return -FLLM_CARD_ERR_PARAM;
	if (!fllm_attention_shape_ok(p))
		return -FLLM_CARD_ERR_PARAM;
	/* n_heads, head_dim and group are valid only from here on */
	if (fllm_attention_op_attends(p->op))
		ok = fllm_span(&r[0], p->q_addr, p->rows, p->q_stride, hrow) &&
		     fllm_span(&r[1], p->out_addr, p->rows, p->out_stride,
			       fllm_attention_out_row_bytes(p));
	else
		ok = fllm_span(&r[0], p->k_addr, p->rows, p->k_stride, krow) &&
		     fllm_span(&r[1], p->v_addr, p->rows, p->v_stride, krow);
	if (!ok)
		return -FLLM_CARD_ERR_ADDR;
	r[2] = (struct fllm_range){ p->seq_addr,
				    (u64)p->n_seqs * sizeof(struct fllm_attention_seq) };
	/* both factors are u32: the product fits u64 */
	r[3] = (struct fllm_range){ p->kv_base, (u64)p->pool_blocks * p->block_bytes };
	return 4;
}

/*
 * Check descriptor d of the attention block p (one fllm_params_ranges()
 * accepted) as the unit does (docs/numerics.md A.10 check 10) and set *r to
 * the range of its block table. Returns 0, or minus the card status to
 * complete the refused record with. Alignment and overlaps are left to the
 * unit, which sees the same copy.
 */
int fllm_params_attention_seq(const void *block, const struct fllm_attention_seq *d,
			      struct fllm_range *r)
{
	const struct fllm_attention_params *p = block;
	u64 end;

	if (d->reserved)
		return -FLLM_CARD_ERR_FLAGS;
	if (!d->n_tokens || d->n_tokens > FLLM_ATTN_CHUNK_MAX ||
	    (p->op == FLLM_ATTN_OP_DECODE && d->n_tokens != 1))
		return -FLLM_CARD_ERR_PARAM;
	if (check_add_overflow((u64)d->row, (u64)d->n_tokens, &end) || end > p->rows)
		return -FLLM_CARD_ERR_PARAM;
	if (check_add_overflow((u64)d->pos, (u64)d->n_tokens, &end) || end > FLLM_ATTN_CTX_MAX)
		return -FLLM_CARD_ERR_PARAM;
	/* pos + n_tokens <= 65536 from here on: table_need cannot overflow */
	if (d->table_len < fllm_attention_table_need(d->pos, d->n_tokens, p->block_tokens) ||
	    d->table_len > FLLM_ATTN_TABLE_MAX)
		return -FLLM_CARD_ERR_PARAM;
	*r = (struct fllm_range){ d->table_addr, 4ull * d->table_len };
	return 0;
}

/*
 * The card ranges that the block (params_bytes of it, already fetched) of a
 * LUTGEMM, VECTOR or ATTENTION record makes its unit touch, into r (room for
 * FLLM_PARAMS_RANGES_MAX). Returns their number, or minus the card status
 * to complete the refused record with.
 */
int fllm_params_ranges(u16 opcode, const void *block, u64 params_bytes, struct fllm_range *r)
{
	switch (opcode) {
	case FLLM_OP_LUTGEMM:
		if (params_bytes != sizeof(struct fllm_lutgemm_params))
			return -FLLM_CARD_ERR_SIZE;
		return fllm_params_lutgemm(block, r);
	case FLLM_OP_VECTOR:
		if (params_bytes != sizeof(struct fllm_vector_params))
			return -FLLM_CARD_ERR_SIZE;
		return fllm_params_vector(block, r);
	case FLLM_OP_ATTENTION:
		if (params_bytes != sizeof(struct fllm_attention_params))
			return -FLLM_CARD_ERR_SIZE;
		return fllm_params_attention(block, r);
	}
	return -FLLM_CARD_ERR_PARAM;
}
