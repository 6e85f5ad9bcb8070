/*
 * Cycle model of the attention unit (docs/numerics.md "Attention unit:
 * cycle model"): per sequence the unit streams each kv head's keys and
 * values once for the whole chunk (64 bytes per cycle) while FLLM_ATTN_MACS
 * int8 multiply-adds per cycle compute the scores and again the weighted
 * values; every (query token, head) adds its reciprocal and conversion.
 * The card model uses it as the command's duration.
 */
#include "attention_internal.h"

/* ceil(a / b) for b > 0. */
static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* Kernel-clock cycles of one valid command; descriptors are read from mem. */
uint64_t fllm_attention_cycles(const struct fllm_attention_params *p,
			       const uint8_t *mem /* card memory */)
{
	uint64_t d = p->head_dim, cycles = FLLM_ATTN_OVERHEAD_CYCLES;
	struct fllm_attention_seq s;

	for (uint32_t i = 0; i < p->n_seqs; i++) {
		uint64_t keys, pairs = 0, stream, macs;

		fllm_attn_seq_read(mem, p, i, &s);
		if (p->op == FLLM_ATTN_OP_APPEND) {
			/* read two fp32 rows, write two int8 rows per (token, kv head) */
			cycles += s.n_tokens * p->n_kv_heads * (2 * div_up(4 * d, 64) + 2);
			continue;
		}
		keys = (uint64_t)s.pos + s.n_tokens;	/* the last token's context */
		for (uint32_t t = 0; t < s.n_tokens; t++)
			pairs += (uint64_t)s.pos + t + 1;	/* (query, key) pairs per head */
		stream = div_up(keys * p->n_kv_heads * (2 * d + 2 * FLLM_ATTN_SCALE_BYTES), 64);
		macs = div_up(2 * pairs * p->n_heads * d, FLLM_ATTN_MACS);
		cycles += (stream > macs ? stream : macs) +
			  (uint64_t)s.n_tokens * p->n_heads * (FLLM_ATTN_HEAD_CYCLES +
							      div_up(4 * d, 64));
		if (p->flags & FLLM_ATTN_F_QUANT)	/* group maxima, then the record */
			cycles += (uint64_t)s.n_tokens * 2 * div_up((uint64_t)p->n_heads * d, 16);
	}
	return cycles;
}

/* See fllm_attention.h: 2 x (query, key) pairs x heads x head_dim. */
uint64_t fllm_attention_macs(const struct fllm_attention_params *p,
			     const uint8_t *mem /* card memory */)
{
	struct fllm_attention_seq s;
	uint64_t macs = 0;

	if (p->op == FLLM_ATTN_OP_APPEND)
		return 0;
	for (uint32_t i = 0; i < p->n_seqs; i++) {
		fllm_attn_seq_read(mem, p, i, &s);
		for (uint32_t t = 0; t < s.n_tokens; t++)
			macs += 2ull * ((uint64_t)s.pos + t + 1) * p->n_heads * p->head_dim;
	}
	return macs;
}

/*
 * Card-memory bytes one valid command moves, as the cycle model streams
 * them: the block and descriptors, the table entries used, per token its
 * input rows and its output (APPEND: int8 k and v rows and scales), and
 * for the attending ops each chunk's context of keys and values once.
 */
uint64_t fllm_attention_traffic(const struct fllm_attention_params *p,
				const uint8_t *mem /* card memory */)
{
	uint64_t d = p->head_dim, kvrow = p->n_kv_heads * (2 * d + 2 * FLLM_ATTN_SCALE_BYTES);
	uint64_t bytes = sizeof(*p) + (uint64_t)p->n_seqs * sizeof(struct fllm_attention_seq);
	struct fllm_attention_seq s;

	for (uint32_t i = 0; i < p->n_seqs; i++) {
		uint64_t keys;

		fllm_attn_seq_read(mem, p, i, &s);
		keys = (uint64_t)s.pos + s.n_tokens;
		bytes += 4ull * fllm_attention_table_need(s.pos, s.n_tokens, p->block_tokens);
		if (p->op == FLLM_ATTN_OP_APPEND) {
			bytes += s.n_tokens * (2 * fllm_attn_row_bytes(p->n_kv_heads, p->head_dim) +
					       kvrow);
			continue;
		}
		bytes += keys * kvrow + s.n_tokens * (fllm_attn_row_bytes(p->n_heads, p->head_dim) +
						      fllm_attention_out_row_bytes(p));
	}
	return bytes;
}
