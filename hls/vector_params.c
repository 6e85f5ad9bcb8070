/*
 * Parameter-block validation of the vector unit (docs/numerics.md "Vector
 * unit: validation"). It runs before the unit reads any data or writes
 * anything, so a rejected block touches nothing.
 */
#include "vector_internal.h"

/* Fields the op does not use are all zero. */
static int unused_zero(const struct fllm_vector_params *p)
{
	if (!fllm_vector_uses_group(p) && p->group)
		return 0;
	if (p->op != FLLM_VECTOR_OP_ROPE &&
	    (p->head_dim || p->pos || p->table_addr || p->table_rows))
		return 0;
	if (p->op != FLLM_VECTOR_OP_RMSNORM && (p->eps || p->weight_addr))
		return 0;
	if (!fllm_vector_uses_in2(p->op) && (p->in2_addr || p->in2_stride))
		return 0;
	return 1;
}

/* Values of the fields the op uses. */
static int used_ok(const struct fllm_vector_params *p)
{
	if (fllm_vector_uses_group(p) && !fllm_lutgemm_group_ok(p->group))
		return 0;
	if (p->op == FLLM_VECTOR_OP_ROPE) {
		if (p->head_dim < 2 || p->head_dim > FLLM_VECTOR_HEAD_DIM_MAX ||
		    p->head_dim % 2 || p->n % p->head_dim)
			return 0;
		if ((uint64_t)p->pos + p->rows > p->table_rows)
			return 0;
	}
	/* eps: finite, sign bit clear */
	if (p->op == FLLM_VECTOR_OP_RMSNORM && (p->eps >> 31 || (p->eps >> 23) == 0xffu))
		return 0;
	return 1;
}

/* Checks 2-5: identity, reserved fields and flags, shape, op-specific fields. */
enum fllm_card_err fllm_vec_check_fields(const struct fllm_vector_params *p)
{
	if (p->magic != FLLM_VECTOR_MAGIC || p->version != FLLM_VECTOR_VERSION)
		return FLLM_CARD_ERR_PARAM;
	if (p->flags & ~FLLM_VECTOR_F_MASK || p->reserved0 || p->reserved1 ||
	    !fllm_unit_words_zero(p->reserved, 3))
		return FLLM_CARD_ERR_FLAGS;
	if (p->op == 0 || p->op >= FLLM_VECTOR_OP_COUNT || p->n == 0 ||
	    p->n > FLLM_VECTOR_N_MAX || p->rows == 0 || p->rows > FLLM_VECTOR_ROWS_MAX)
		return FLLM_CARD_ERR_PARAM;
	if ((p->flags & FLLM_VECTOR_F_QUANT) && !fllm_vector_may_quant(p->op))
		return FLLM_CARD_ERR_FLAGS;
	if (!unused_zero(p))
		return FLLM_CARD_ERR_FLAGS;
	if (!used_ok(p))
		return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/*
 * The regions of p: out (written), in, in2, weight, table (unused ones have
 * used = 0). out may be the fp32 input regions exactly (in place) unless it
 * is an activation record.
 */
static void regions(const struct fllm_vector_params *p, struct fllm_region *rg /* (5) */)
{
	uint64_t tab_row = fllm_vector_rope_row_bytes(p->head_dim);
	int f32_out = !(p->flags & FLLM_VECTOR_F_QUANT);

	rg[0] = (struct fllm_region){ p->out_addr, p->out_stride, fllm_vector_out_row_bytes(p), 0,
				      p->rows, 1, 1, 0 };
	rg[1] = (struct fllm_region){ p->in_addr, p->in_stride, fllm_vector_in_row_bytes(p), 0,
				      p->rows, 1, 1, f32_out && p->op != FLLM_VECTOR_OP_DEQUANT };
	rg[2] = (struct fllm_region){ p->in2_addr, p->in2_stride,
				      fllm_vector_f32_row_bytes(p->n), 0, p->rows,
				      fllm_vector_uses_in2(p->op), 1, f32_out };
	rg[3] = (struct fllm_region){ p->weight_addr, 0, fllm_vector_weight_bytes(p->n), 0, 1,
				      p->op == FLLM_VECTOR_OP_RMSNORM, 0, 0 };
	rg[4] = (struct fllm_region){ p->table_addr, tab_row, tab_row, 0, p->table_rows,
				      p->op == FLLM_VECTOR_OP_ROPE, 0, 0 };
}

/* Validate everything the unit relies on, except the block's own placement. */
enum fllm_card_err fllm_vector_params_check(const struct fllm_vector_params *p,
					    uint64_t mem_bytes)
{
	struct fllm_region rg[5];
	enum fllm_card_err err = fllm_vec_check_fields(p);

	if (err != FLLM_CARD_OK)
		return err;
	/* checks 6-9: ALIGN, SIZE (strides), ADDR, then PARAM (overlaps) */
	regions(p, rg);
	return fllm_regions_check(rg, 5, FLLM_VECTOR_ALIGN, mem_bytes);
}
