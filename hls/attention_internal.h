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
 * Checks 2-5 of docs/numerics.md "Attention unit: validation": everything
 * in the block that does not depend on addresses (attention_params.c).
 */
enum fllm_card_err fllm_attn_check_fields(const struct fllm_attention_params *p);

#endif /* FLLM_ATTENTION_INTERNAL_H */
