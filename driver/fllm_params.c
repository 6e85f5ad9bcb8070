// SPDX-License-Identifier: GPL-2.0
/*
 * The compute units' parameter blocks as the driver reads them: which card
 * ranges a LUT-GEMM or vector block makes its unit read or write. The
 * layouts, limits and record sizes are the card contract's
 * (card/include/fllm_card_lutgemm.h, fllm_card_vector.h, docs/numerics.md).
 * Extents are those the units check (whole strided spans, whole RoPE
 * tables), computed with overflow checks; a block the driver cannot
 * interpret (unknown magic, version or op, a shape outside the unit's
 * limits) is refused.
 *
 * The blocks are little-endian and read in place through the contract's
 * structs, so the driver builds for little-endian hosts only.
 */
#include <asm/byteorder.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#include "fllm_drv.h"
#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"

#ifndef __LITTLE_ENDIAN
#error "fllm reads the card's little-endian parameter blocks in place"
#endif

static_assert(FLLM_PARAMS_SLOT >= sizeof(struct fllm_lutgemm_params));
static_assert(FLLM_PARAMS_SLOT >= sizeof(struct fllm_vector_params));
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

/*
 * The card ranges that the block (params_bytes of it, already fetched) of a
 * LUTGEMM or VECTOR record makes its unit touch, into r (room for
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
	}
	return -FLLM_CARD_ERR_PARAM;
}
