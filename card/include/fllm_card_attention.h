/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Attention unit (FLLM_CU_ATTENTION, FLLM_OP_ATTENTION): the card contract.
 *
 * The parameter block an FLLM_OP_ATTENTION command points at, its ops and
 * limits, the sequence descriptor, and the layout of the paged KV cache
 * (blocks of block_tokens tokens in a pool, reached through a per-sequence
 * table of uint32 block indices). docs/numerics.md "Attention unit" has
 * every rule; hls/include/fllm_attention.h has the datapath and the golden
 * model. Little-endian; fixed-width integers only (kernel, firmware, user
 * space).
 */
#ifndef FLLM_CARD_ATTENTION_H
#define FLLM_CARD_ATTENTION_H

#include "fllm_card.h"
#include "fllm_card_lutgemm.h"

/* ------------------------------------------------------------------ */
/* Limits                                                             */
/* ------------------------------------------------------------------ */

#define FLLM_ATTN_HEAD_DIM_MAX	256u	/* head_dim: a multiple of 8 in 8..256 */
#define FLLM_ATTN_HEAD_DIM_STEP	8u
#define FLLM_ATTN_HEADS_MAX	128u	/* n_heads; n_kv_heads divides it */
#define FLLM_ATTN_SEQS_MAX	256u	/* sequences per command */
#define FLLM_ATTN_CHUNK_MAX	256u	/* new tokens of one sequence per command */
#define FLLM_ATTN_ROWS_MAX	65536u	/* q / k / v / out rows per command */
#define FLLM_ATTN_CTX_MAX	65536u	/* positions: pos + n_tokens <= this */
#define FLLM_ATTN_TILE		16u	/* keys per softmax rescaling step */
#define FLLM_ATTN_BLOCK_MIN	16u	/* block_tokens: a power of two, 16..256 */
#define FLLM_ATTN_BLOCK_MAX	256u
#define FLLM_ATTN_TABLE_MAX	(FLLM_ATTN_CTX_MAX / FLLM_ATTN_BLOCK_MIN)
#define FLLM_ATTN_ALIGN		64u	/* addresses, strides, blocks */
#define FLLM_ATTN_SCALE_E_MAX	63	/* softmax constant exponent 0..63 */

/* ------------------------------------------------------------------ */
/* Parameter block (card memory, 64-aligned, FLLM_OP_ATTENTION arg0)  */
/* ------------------------------------------------------------------ */

#define FLLM_ATTN_MAGIC		0x4e545441u	/* "ATTN" read as LE bytes */
#define FLLM_ATTN_VERSION	1u

/* struct fllm_attention_params.op */
enum fllm_attention_op {
	FLLM_ATTN_OP_APPEND = 1,	/* quantize k, v rows into the KV cache */
	FLLM_ATTN_OP_DECODE = 2,	/* one query token per sequence, n_seqs sequences */
	FLLM_ATTN_OP_PREFILL = 3,	/* a causal chunk of one sequence */
	FLLM_ATTN_OP_COUNT
};

/* struct fllm_attention_params.flags */
#define FLLM_ATTN_F_QUANT	(1u << 0)	/* DECODE/PREFILL: out rows are activation
						 * records of group g (LUT-GEMM input) */
#define FLLM_ATTN_F_MASK	0x01u

/*
 * One attention command. APPEND uses k, v (fp32 rows of n_kv_heads *
 * head_dim); DECODE and PREFILL use q and out (fp32 rows of n_heads *
 * head_dim) and the softmax constant C = scale_m * 2^-scale_e (log2(e) /
 * sqrt(head_dim) by default); with FLLM_ATTN_F_QUANT each out row is the
 * LUT-GEMM activation record (fllm_card_lutgemm.h) of the fp32 row, group
 * g = `group`. Every op uses the descriptors and the pool:
 * block b of the pool is at kv_base + b * block_bytes. Fields an op does
 * not use, and reserved fields, must be 0.
 */
struct fllm_attention_params {
	uint32_t magic;		/* FLLM_ATTN_MAGIC */
	uint32_t version;	/* FLLM_ATTN_VERSION */
	uint8_t op;		/* enum fllm_attention_op */
	uint8_t flags;		/* FLLM_ATTN_F_QUANT (DECODE/PREFILL only) */
	uint16_t head_dim;	/* 8..256, multiple of 8 */
	uint16_t n_heads;	/* 1..FLLM_ATTN_HEADS_MAX, multiple of n_kv_heads */
	uint16_t n_kv_heads;	/* >= 1 */
	uint16_t block_tokens;	/* tokens per KV block: 16, 32, 64, 128, 256 */
	uint16_t group;		/* F_QUANT: g of the out records, 16..256; else 0 */
	uint32_t n_seqs;	/* descriptors at seq_addr: 1..FLLM_ATTN_SEQS_MAX (PREFILL 1) */
	uint32_t scale_m;	/* DECODE/PREFILL: softmax constant mantissa, bit 31 set */
	int32_t scale_e;	/* DECODE/PREFILL: its exponent, 0..FLLM_ATTN_SCALE_E_MAX */
	uint64_t q_addr;	/* DECODE/PREFILL: (rows, n_heads * head_dim) fp32 */
	uint64_t q_stride;	/* multiple of 64, >= 4 * n_heads * head_dim */
	uint64_t k_addr;	/* APPEND: (rows, n_kv_heads * head_dim) fp32, after RoPE */
	uint64_t k_stride;	/* multiple of 64, >= 4 * n_kv_heads * head_dim */
	uint64_t v_addr;	/* APPEND: (rows, n_kv_heads * head_dim) fp32 */
	uint64_t v_stride;
	uint64_t out_addr;	/* DECODE/PREFILL: (rows, n_heads * head_dim) fp32, or records */
	uint64_t out_stride;	/* multiple of 64, >= fllm_attention_out_row_bytes() */
	uint64_t kv_base;	/* the pool: pool_blocks blocks of block_bytes */
	uint32_t block_bytes;	/* = fllm_attention_block_bytes() (a cross-check) */
	uint32_t pool_blocks;	/* >= 1; every table entry used must be below it */
	uint64_t seq_addr;	/* (n_seqs) struct fllm_attention_seq */
	uint32_t rows;		/* rows of q/k/v/out the descriptors may name: 1..65536 */
	uint32_t reserved1;
	uint64_t reserved[8];
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_attention_params) == 192, "attention params 192 B");
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_attention_params) % 64 == 0, "params whole beats");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, op) == 8, "op at 8");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, head_dim) == 10, "head_dim at 10");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, block_tokens) == 16,
			"block_tokens at 16");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, n_seqs) == 20, "n_seqs at 20");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, scale_m) == 24, "scale_m at 24");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, q_addr) == 32, "q_addr at 32");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, k_addr) == 48, "k_addr at 48");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, v_addr) == 64, "v_addr at 64");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, out_addr) == 80, "out_addr at 80");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, kv_base) == 96, "kv_base at 96");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, block_bytes) == 104,
			"block_bytes at 104");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, seq_addr) == 112,
			"seq_addr at 112");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, rows) == 120, "rows at 120");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_params, reserved) == 128,
			"reserved at 128");
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_attention_params) <= FLLM_CU_PARAMS_MAX,
			"params fit a command");

/*
 * Sequence descriptor (seq_addr + 32 i): the n_tokens new tokens of one
 * sequence are at positions pos .. pos + n_tokens - 1 and use rows row ..
 * row + n_tokens - 1 of q/k/v/out. Position p of the sequence lives in
 * block table[p / block_tokens], slot p % block_tokens; the table is
 * table_len uint32 block indices at table_addr (4-aligned).
 */
struct fllm_attention_seq {
	uint32_t pos;		/* position of the first new token */
	uint32_t n_tokens;	/* 1..FLLM_ATTN_CHUNK_MAX (DECODE: 1) */
	uint32_t row;		/* row of the first new token */
	uint32_t table_len;	/* >= ceil((pos + n_tokens) / block_tokens), <= TABLE_MAX */
	uint64_t table_addr;	/* (table_len) uint32 block indices into the pool */
	uint64_t reserved;	/* 0 */
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_attention_seq) == 32, "descriptor 32 bytes");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_attention_seq, table_addr) == 16,
			"table_addr at 16");

/* ------------------------------------------------------------------ */
/* KV block layout                                                    */
/* ------------------------------------------------------------------ */

/*
 * One KV block (B = block_tokens, KH = n_kv_heads, D = head_dim), every
 * part 64-aligned because D is a multiple of 8 and B of 16:
 *   K values  int8 [KH][B][D]              at 0
 *   V values  int8 [KH][B][D]              at KH*B*D
 *   K scales  {uint16 m, int16 e} [KH][B]  at 2*KH*B*D
 *   V scales  {uint16 m, int16 e} [KH][B]  at 2*KH*B*D + 4*KH*B
 *   zero padding to a multiple of 64.
 * A cached value is kq * m * 2^-e (docs/numerics.md "Attention unit").
 */
#define FLLM_ATTN_SCALE_BYTES	4u

static inline uint64_t fllm_attention_k_offset(uint32_t kh, uint32_t b, uint32_t d,
					       uint32_t head, uint32_t slot)
{
	(void)kh;
	return ((uint64_t)head * b + slot) * d;
}

static inline uint64_t fllm_attention_v_offset(uint32_t kh, uint32_t b, uint32_t d,
					       uint32_t head, uint32_t slot)
{
	return (uint64_t)kh * b * d + ((uint64_t)head * b + slot) * d;
}

static inline uint64_t fllm_attention_ks_offset(uint32_t kh, uint32_t b, uint32_t d,
						uint32_t head, uint32_t slot)
{
	return 2ull * kh * b * d + FLLM_ATTN_SCALE_BYTES * ((uint64_t)head * b + slot);
}

static inline uint64_t fllm_attention_vs_offset(uint32_t kh, uint32_t b, uint32_t d,
						uint32_t head, uint32_t slot)
{
	return 2ull * kh * b * d + FLLM_ATTN_SCALE_BYTES * ((uint64_t)kh * b + (uint64_t)head * b +
							    slot);
}

/* Bytes of one KV block, a multiple of 64. */
static inline uint64_t fllm_attention_block_bytes(uint32_t kh, uint32_t b, uint32_t d)
{
	uint64_t raw = 2ull * kh * b * d + 2ull * FLLM_ATTN_SCALE_BYTES * kh * b;

	return (raw + FLLM_ATTN_ALIGN - 1) & ~(uint64_t)(FLLM_ATTN_ALIGN - 1);
}

/* A block size the unit accepts: a power of two in 16..256. */
static inline int fllm_attention_block_ok(uint32_t b)
{
	return b >= FLLM_ATTN_BLOCK_MIN && b <= FLLM_ATTN_BLOCK_MAX && (b & (b - 1)) == 0;
}

/* Table entries a sequence needs for positions below pos + n. */
static inline uint32_t fllm_attention_table_need(uint32_t pos, uint32_t n, uint32_t b)
{
	return (uint32_t)(((uint64_t)pos + n + b - 1) / b);
}

/* Bytes of one out row: fp32, or an activation record with F_QUANT. */
static inline uint64_t fllm_attention_out_row_bytes(const struct fllm_attention_params *p)
{
	uint32_t n = (uint32_t)p->n_heads * p->head_dim;

	if (p->flags & FLLM_ATTN_F_QUANT)
		return fllm_lutgemm_act_bytes(n, p->group);
	return 4ull * n;
}

/* The op reads q and writes out (DECODE, PREFILL); else it reads k, v (APPEND). */
static inline int fllm_attention_op_attends(uint32_t op)
{
	return op == FLLM_ATTN_OP_DECODE || op == FLLM_ATTN_OP_PREFILL;
}

#endif /* FLLM_CARD_ATTENTION_H */
