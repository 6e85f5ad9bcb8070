/*
 * Parameter-block validation of the LUT-GEMM unit (docs/numerics.md
 * "Validation"). Part of the unit: it runs before the unit reads any data
 * or writes anything, so a rejected block touches nothing.
 */
#include "unit_regions.h"

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

/* The regions of p: [0] out (written), [1] the activations, [2 ..] the slices in use. */
static void regions(const struct fllm_lutgemm_params *p,
		    struct fllm_region *rg /* (2 + slices) */)
{
	rg[0] = (struct fllm_region){ p->out_addr, p->out_stride, 4ull * p->m, 0, p->n_tokens,
				      1, 1, 0 };
	rg[1] = (struct fllm_region){ p->act_addr, p->act_stride,
				      fllm_lutgemm_act_bytes(p->k, p->group), 0, p->n_tokens, 1, 1,
				      0 };
	for (uint32_t s = 0; s < p->slices; s++)
		rg[2 + s] = (struct fllm_region){ p->slice_addr[s], 0,
						  fllm_lutgemm_slice_bytes(p, s), 0, 1, 1, 0, 0 };
}

/* Validate everything the unit relies on, except the block's own placement. */
enum fllm_card_err fllm_lutgemm_params_check(const struct fllm_lutgemm_params *p,
					     uint64_t mem_bytes)
{
	struct fllm_region rg[2 + FLLM_LUTGEMM_SLICES_MAX];
	enum fllm_card_err err = fllm_lg_check_fields(p);

	if (err != FLLM_CARD_OK)
		return err;
	/* ALIGN, then SIZE (strides), then ADDR, then PARAM (overlap) */
	regions(p, rg);
	return fllm_regions_check(rg, 2 + p->slices, FLLM_LUTGEMM_ALIGN, mem_bytes);
}
