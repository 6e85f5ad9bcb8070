/*
 * Private helpers of the attention-unit files in hls/: descriptor reads,
 * operand sizes, and the field checks shared by the unit and the host-side
 * block builder. Card-memory access and fp32 helpers are the LUT-GEMM and
 * vector units' (lutgemm_internal.h, vector_internal.h).
 */
#ifndef FLLM_ATTENTION_INTERNAL_H
#define FLLM_ATTENTION_INTERNAL_H

#include <stdint.h>
#include "fllm_attention.h"
#include "vector_internal.h"

/* Bytes of one fp32 row of q/out (heads = n_heads) or k/v (heads = n_kv_heads). */
static inline uint64_t fllm_attn_row_bytes(uint32_t heads, uint32_t head_dim)
{
	return 4ull * heads * head_dim;
}

/* Descriptor i of p, read from card memory (the block was checked). */
static inline void fllm_attn_seq_read(const uint8_t *mem /* card memory */,
				      const struct fllm_attention_params *p, uint32_t i,
				      struct fllm_attention_seq *s)
{
	uint64_t a = p->seq_addr + (uint64_t)i * sizeof(*s);

	s->pos = fllm_lg_rd32(mem, a);
	s->n_tokens = fllm_lg_rd32(mem, a + 4);
	s->row = fllm_lg_rd32(mem, a + 8);
	s->table_len = fllm_lg_rd32(mem, a + 12);
	s->table_addr = fllm_lg_rd32(mem, a + 16) | (uint64_t)fllm_lg_rd32(mem, a + 20) << 32;
	s->reserved = fllm_lg_rd32(mem, a + 24) | (uint64_t)fllm_lg_rd32(mem, a + 28) << 32;
}

/* Card address of the pool block holding position pos of sequence s. */
static inline uint64_t fllm_attn_block_addr(const uint8_t *mem /* card memory */,
					    const struct fllm_attention_params *p,
					    const struct fllm_attention_seq *s, uint32_t pos)
{
	uint32_t b = fllm_lg_rd32(mem, s->table_addr + 4ull * (pos / p->block_tokens));

	return p->kv_base + (uint64_t)b * p->block_bytes;
}

/*
 * The per-element steps of docs/numerics.md A.3-A.4 (logit, softmax weight,
 * rescale), inline: the golden functions fllm_attention_logit,
 * fllm_attention_weight and fllm_attention_rescale (attention_math.c) are
 * these, and runtime/cpu's host twin of the unit calls them directly.
 */
static inline int64_t fllm_attn_logit(int32_t dot, uint16_t mk, uint64_t qm, int64_t sh)
{
	int64_t v = (int64_t)dot * mk * (int64_t)qm;	/* |v| < 2^62 */
	uint64_t mag;
	int32_t len;

	if (v == 0 || sh >= 63)
		return 0;
	if (sh >= 0) {
		v = fllm_lutgemm_rshift_round(v, (uint32_t)sh);
	} else {
		mag = v < 0 ? (uint64_t)-v : (uint64_t)v;
		len = 64 - __builtin_clzll(mag);
		if (len - sh > 54)
			return v < 0 ? -FLLM_ATTN_ZMAX : FLLM_ATTN_ZMAX;
		v = (int64_t)(mag << -sh) * (v < 0 ? -1 : 1);
	}
	if (v > FLLM_ATTN_ZMAX)
		return FLLM_ATTN_ZMAX;
	if (v < -FLLM_ATTN_ZMAX)
		return -FLLM_ATTN_ZMAX;
	return v;
}

/* The weight's last step: p = 2^(u mod 1) in Q2.30 shifted by 8 - I, I = floor(u). */
static inline uint32_t fllm_attn_weight_shift(uint32_t p, int64_t u)
{
	int64_t i = u >> FLLM_ATTN_ZFRAC;	/* floor, <= 0 */
	int64_t t = 30 - FLLM_ATTN_WFRAC - i;

	return (uint32_t)fllm_vec_rha(p, t >= 63 ? 63 : (uint32_t)t);
}

static inline uint32_t fllm_attn_weight(int64_t u)
{
	return fllm_attn_weight_shift(fllm_vec_exp2_frac((uint32_t)(u & 0xffffff)), u);
}

static inline int64_t fllm_attn_rescale(int64_t x, int64_t s)
{
	if (s >= 63)
		return 0;
	return fllm_lutgemm_rshift_round(x, (uint32_t)s);
}

/*
 * Checks 2-5 of docs/numerics.md "Attention unit: validation": everything
 * in the block that does not depend on addresses (attention_params.c).
 */
enum fllm_card_err fllm_attn_check_fields(const struct fllm_attention_params *p);

#endif /* FLLM_ATTENTION_INTERNAL_H */
