/*
 * Parameter-block validation of the LUT-GEMM unit (docs/numerics.md
 * "Validation"). Part of the unit: it runs before the unit reads any data
 * or writes anything, so a rejected block touches nothing.
 */
#include "lutgemm_internal.h"

/* Field checks: PARAM for identity and values, FLAGS for reserved bits, in the doc's order. */
enum fllm_card_err fllm_lg_check_fields(const struct fllm_lutgemm_params *p)
{
	if (p->magic != FLLM_LUTGEMM_MAGIC || p->version != FLLM_LUTGEMM_VERSION)
		return FLLM_CARD_ERR_PARAM;
	if (p->flags & ~FLLM_LUTGEMM_F_MASK || p->reserved0 ||
	    !fllm_unit_words_zero(p->reserved, 8))
		return FLLM_CARD_ERR_FLAGS;
	if (p->m == 0 || p->m > FLLM_LUTGEMM_M_MAX || p->k == 0 || p->k > FLLM_LUTGEMM_K_MAX ||
	    !fllm_lutgemm_group_ok(p->group) || p->planes == 0 || p->planes > FLLM_LUTGEMM_Q_MAX ||
	    p->n_tokens == 0 || p->n_tokens > FLLM_LUTGEMM_N_MAX || p->slices == 0 ||
	    p->slices > FLLM_LUTGEMM_SLICES_MAX || p->slices > p->m)
		return FLLM_CARD_ERR_PARAM;
	if (!fllm_unit_words_zero(p->slice_addr + p->slices, FLLM_LUTGEMM_SLICES_MAX - p->slices))
		return FLLM_CARD_ERR_FLAGS;
	if (p->row_bytes != fllm_lutgemm_row_bytes(p->k, p->group, p->planes))
		return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/* Address checks: ALIGN, then SIZE (strides), then ADDR, then PARAM (overlap). */
static enum fllm_card_err check_memory(const struct fllm_lutgemm_params *p, uint64_t mem_bytes)
{
	const uint64_t a = FLLM_LUTGEMM_ALIGN;
	uint64_t act_len, out_len;

	if (p->act_addr % a || p->out_addr % a || p->act_stride % a || p->out_stride % a)
		return FLLM_CARD_ERR_ALIGN;
	for (uint32_t s = 0; s < p->slices; s++)
		if (p->slice_addr[s] % a)
			return FLLM_CARD_ERR_ALIGN;
	if (p->act_stride < fllm_lutgemm_act_bytes(p->k, p->group) ||
	    p->out_stride < 4ull * p->m)
		return FLLM_CARD_ERR_SIZE;
	/* strides within memory (card memories are far below 2^58 bytes) and N <= 32
	 * keep the lengths below from overflowing */
	if (p->act_stride > mem_bytes || p->out_stride > mem_bytes)
		return FLLM_CARD_ERR_ADDR;
	act_len = (uint64_t)(p->n_tokens - 1) * p->act_stride +
		  fllm_lutgemm_act_bytes(p->k, p->group);
	out_len = fllm_lg_out_len(p);
	if (!fllm_lg_range_ok(p->act_addr, act_len, mem_bytes) ||
	    !fllm_lg_range_ok(p->out_addr, out_len, mem_bytes))
		return FLLM_CARD_ERR_ADDR;
	for (uint32_t s = 0; s < p->slices; s++)
		if (!fllm_lg_range_ok(p->slice_addr[s], fllm_lutgemm_slice_bytes(p, s), mem_bytes))
			return FLLM_CARD_ERR_ADDR;
	if (fllm_lg_overlap(p->out_addr, out_len, p->act_addr, act_len))
		return FLLM_CARD_ERR_PARAM;
	for (uint32_t s = 0; s < p->slices; s++)
		if (fllm_lg_overlap(p->out_addr, out_len, p->slice_addr[s],
				    fllm_lutgemm_slice_bytes(p, s)))
			return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/* Validate everything the unit relies on, except the block's own placement. */
enum fllm_card_err fllm_lutgemm_params_check(const struct fllm_lutgemm_params *p,
					     uint64_t mem_bytes)
{
	enum fllm_card_err err = fllm_lg_check_fields(p);

	if (err != FLLM_CARD_OK)
		return err;
	return check_memory(p, mem_bytes);
}
