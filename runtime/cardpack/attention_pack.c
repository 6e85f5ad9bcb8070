/*
 * Host-side encoders of the attention unit (docs/numerics.md "Attention
 * unit"): the softmax constant and the parameter-block builder. Host code,
 * not part of the synthesized unit; it shares the unit's field checks
 * (hls/attention_internal.h).
 */
#include <math.h>
#include <string.h>

#include "attention_internal.h"
#include "fllm_cardpack.h"

/*
 * C = log2(e) * scale (scale 0: C = log2(e) / sqrt(head_dim)), in binary64
 * with IEEE operations only (sqrt, *, / correctly rounded), then the
 * 32-bit mantissa by frexp / ldexp / llround (exact, half away).
 */
enum fllm_card_err fllm_attention_scale_encode(uint32_t head_dim, double scale, uint32_t *m,
					       int32_t *e)
{
	double c, fr;
	long long cm;
	int ex;

	if (!(scale >= 0.0) || !isfinite(scale) || (scale == 0.0 && head_dim == 0))
		return FLLM_CARD_ERR_PARAM;
	c = scale == 0.0 ? M_LOG2E / sqrt((double)head_dim) : M_LOG2E * scale;
	fr = frexp(c, &ex);	/* c = fr * 2^ex, fr in [0.5, 1) */
	cm = llround(ldexp(fr, 32));
	if (cm == (1ll << 32)) {
		cm = 1ll << 31;
		ex++;
	}
	if (32 - ex < 0 || 32 - ex > FLLM_ATTN_SCALE_E_MAX)
		return FLLM_CARD_ERR_PARAM;
	*m = (uint32_t)cm;
	*e = 32 - ex;
	return FLLM_CARD_OK;
}

/* Fill the shape fields, block_bytes, the default constant and the smallest strides. */
enum fllm_card_err fllm_attention_params_init(struct fllm_attention_params *p, uint32_t op,
					      uint32_t flags, uint32_t group, uint32_t head_dim,
					      uint32_t n_heads, uint32_t n_kv_heads,
					      uint32_t block_tokens, uint32_t n_seqs, uint32_t rows,
					      uint32_t pool_blocks)
{
	struct fllm_attention_params t;
	enum fllm_card_err err;
	uint64_t hrow = fllm_attn_row_bytes(n_heads, head_dim);
	uint64_t krow = fllm_attn_row_bytes(n_kv_heads, head_dim);

	if (flags > UINT8_MAX)
		return FLLM_CARD_ERR_FLAGS;
	if (op > UINT8_MAX || group > UINT16_MAX || head_dim > UINT16_MAX || n_heads > UINT16_MAX ||
	    n_kv_heads > UINT16_MAX || block_tokens > UINT16_MAX)
		return FLLM_CARD_ERR_PARAM;
	memset(&t, 0, sizeof(t));
	t.magic = FLLM_ATTN_MAGIC;
	t.version = FLLM_ATTN_VERSION;
	t.op = (uint8_t)op;
	t.flags = (uint8_t)flags;
	t.group = (uint16_t)group;
	t.head_dim = (uint16_t)head_dim;
	t.n_heads = (uint16_t)n_heads;
	t.n_kv_heads = (uint16_t)n_kv_heads;
	t.block_tokens = (uint16_t)block_tokens;
	t.n_seqs = n_seqs;
	t.rows = rows;
	t.pool_blocks = pool_blocks;
	if (n_kv_heads && block_tokens && head_dim)
		t.block_bytes = (uint32_t)fllm_attention_block_bytes(n_kv_heads, block_tokens,
								     head_dim);
	if (fllm_attention_op_attends(op)) {
		err = fllm_attention_scale_encode(head_dim, 0.0, &t.scale_m, &t.scale_e);
		if (err != FLLM_CARD_OK)
			return err;
	}
	err = fllm_attn_check_fields(&t);
	if (err != FLLM_CARD_OK)
		return err;
	if (fllm_attention_op_attends(op)) {
		t.q_stride = fllm_lutgemm_align(hrow);
		t.out_stride = fllm_lutgemm_align(fllm_attention_out_row_bytes(&t));
	} else {
		t.k_stride = fllm_lutgemm_align(krow);
		t.v_stride = fllm_lutgemm_align(krow);
	}
	*p = t;
	return FLLM_CARD_OK;
}
