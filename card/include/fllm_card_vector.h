/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Vector unit (FLLM_CU_VECTOR, FLLM_OP_VECTOR): the card contract.
 *
 * The parameter block an FLLM_OP_VECTOR command points at, its ops, flags
 * and limits, and the card layouts of the norm-weight record and the RoPE
 * table as integer helpers. The activation record written with
 * FLLM_VECTOR_F_QUANT and read by FLLM_VECTOR_OP_DEQUANT is the LUT-GEMM one
 * (fllm_card_lutgemm.h). docs/numerics.md "Vector unit" has every rule;
 * hls/include/fllm_vector.h has the datapath and the golden model.
 * Little-endian; fixed-width integers only (kernel, firmware, user space).
 */
#ifndef FLLM_CARD_VECTOR_H
#define FLLM_CARD_VECTOR_H

#include "fllm_card.h"
#include "fllm_card_lutgemm.h"

/* ------------------------------------------------------------------ */
/* Limits                                                             */
/* ------------------------------------------------------------------ */

#define FLLM_VECTOR_N_MAX	65536u	/* elements per row (sum of squares fits 64 bits) */
#define FLLM_VECTOR_ROWS_MAX	65536u	/* rows (tokens) per command */
#define FLLM_VECTOR_HEAD_DIM_MAX 512u	/* RoPE head dimension (even) */
#define FLLM_VECTOR_ALIGN	64u	/* addresses and strides */
#define FLLM_VECTOR_GROUPS_MAX	(FLLM_VECTOR_N_MAX / FLLM_LUTGEMM_G_MIN)

/* ------------------------------------------------------------------ */
/* Parameter block (card memory, 64-aligned, FLLM_OP_VECTOR arg0)     */
/* ------------------------------------------------------------------ */

#define FLLM_VECTOR_MAGIC	0x54434556u	/* "VECT" read as LE bytes */
#define FLLM_VECTOR_VERSION	1u

/* struct fllm_vector_params.op */
enum fllm_vector_op {
	FLLM_VECTOR_OP_COPY = 1,	/* out = in (finite fp32), or quantized */
	FLLM_VECTOR_OP_DEQUANT = 2,	/* activation record in -> fp32 out */
	FLLM_VECTOR_OP_RMSNORM = 3,	/* out = in * rsqrt(mean(in^2) + eps) * w */
	FLLM_VECTOR_OP_ROPE = 4,	/* rotate pairs (2i, 2i+1) of every head */
	FLLM_VECTOR_OP_SILU_MUL = 5,	/* out = silu(in) * in2 */
	FLLM_VECTOR_OP_ADD = 6,		/* out = in + in2 */
	FLLM_VECTOR_OP_COUNT
};

/* struct fllm_vector_params.flags */
#define FLLM_VECTOR_F_QUANT	(1u << 0)	/* out is an activation record (COPY, RMSNORM,
						 * SILU_MUL only) */
#define FLLM_VECTOR_F_MASK	0x01u

/*
 * One vector command over `rows` rows of n elements. Row r of each operand
 * is at its address + r * its stride. fp32 rows are 4n bytes; activation
 * records (F_QUANT output, DEQUANT input) are fllm_lutgemm_act_bytes(n,
 * group) bytes. Fields an op does not use, and reserved fields, must be 0.
 * docs/numerics.md "Vector unit" has every rule.
 */
struct fllm_vector_params {
	uint32_t magic;		/* FLLM_VECTOR_MAGIC */
	uint32_t version;	/* FLLM_VECTOR_VERSION */
	uint8_t op;		/* enum fllm_vector_op */
	uint8_t flags;		/* FLLM_VECTOR_F_* */
	uint16_t group;		/* g of activation records: 16..256 (F_QUANT, DEQUANT) */
	uint32_t n;		/* elements per row, 1..FLLM_VECTOR_N_MAX */
	uint32_t rows;		/* 1..FLLM_VECTOR_ROWS_MAX */
	uint16_t head_dim;	/* ROPE: even, 2..FLLM_VECTOR_HEAD_DIM_MAX, divides n */
	uint16_t reserved0;
	uint32_t pos;		/* ROPE: position of row 0 (row r is at pos + r) */
	uint32_t eps;		/* RMSNORM: fp32 bits of epsilon, finite and >= +0 */
	uint64_t in_addr;	/* fp32 rows; DEQUANT: activation records */
	uint64_t in_stride;	/* multiple of 64, >= the row's bytes */
	uint64_t in2_addr;	/* SILU_MUL: up, ADD: the addend (fp32 rows) */
	uint64_t in2_stride;
	uint64_t out_addr;	/* fp32 rows, or activation records with F_QUANT */
	uint64_t out_stride;
	uint64_t weight_addr;	/* RMSNORM: norm-weight record (fllm_vector_weight_bytes) */
	uint64_t table_addr;	/* ROPE: table of table_rows positions */
	uint32_t table_rows;	/* ROPE: positions in the table, pos + rows <= table_rows */
	uint32_t reserved1;
	uint64_t reserved[3];
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_vector_params) == 128, "vector params 128 bytes");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, op) == 8, "op at 8");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, group) == 10, "group at 10");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, n) == 12, "n at 12");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, head_dim) == 20, "head_dim at 20");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, eps) == 28, "eps at 28");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, in_addr) == 32, "in_addr at 32");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, out_addr) == 64, "out_addr at 64");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, table_rows) == 96,
			"table_rows at 96");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_vector_params, reserved) == 104,
			"reserved at 104");
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_vector_params) <= FLLM_CU_PARAMS_MAX,
			"params fit a command");

/* ------------------------------------------------------------------ */
/* Record layouts                                                     */
/* ------------------------------------------------------------------ */

/*
 * Norm-weight record: int32 exponent ew at 0, reserved 0 up to 64, then
 * int16 wm[n] (w[i] = wm[i] * 2^-ew), zero padding to a multiple of 64.
 */
#define FLLM_VECTOR_WEIGHT_HDR	64u
static inline uint64_t fllm_vector_weight_bytes(uint32_t n)
{
	return FLLM_VECTOR_WEIGHT_HDR + fllm_lutgemm_align(2ull * n);
}

/*
 * RoPE table: one row per position p, at table_addr + p * row bytes; row p
 * holds head_dim / 2 pairs {int32 cos, int32 sin} in Q2.30 (2^30 = 1.0) of
 * the angle p * theta^(-2i / head_dim), i = pair index; padded to 64.
 */
static inline uint64_t fllm_vector_rope_row_bytes(uint32_t head_dim)
{
	return fllm_lutgemm_align(4ull * head_dim);
}

/* Bytes of one fp32 row of n elements. */
static inline uint64_t fllm_vector_f32_row_bytes(uint32_t n)
{
	return 4ull * n;
}

/* ------------------------------------------------------------------ */
/* Operands of each op                                                */
/* ------------------------------------------------------------------ */

/* The op reads in2 (SILU_MUL, ADD). */
static inline int fllm_vector_uses_in2(uint32_t op)
{
	return op == FLLM_VECTOR_OP_SILU_MUL || op == FLLM_VECTOR_OP_ADD;
}

/* The op may write an activation record (F_QUANT allowed). */
static inline int fllm_vector_may_quant(uint32_t op)
{
	return op == FLLM_VECTOR_OP_COPY || op == FLLM_VECTOR_OP_RMSNORM ||
	       op == FLLM_VECTOR_OP_SILU_MUL;
}

/* The op uses activation records, so group must be valid. */
static inline int fllm_vector_uses_group(const struct fllm_vector_params *p)
{
	return p->op == FLLM_VECTOR_OP_DEQUANT || (p->flags & FLLM_VECTOR_F_QUANT);
}

/* Bytes of one input row (fp32, or an activation record for DEQUANT). */
static inline uint64_t fllm_vector_in_row_bytes(const struct fllm_vector_params *p)
{
	if (p->op == FLLM_VECTOR_OP_DEQUANT)
		return fllm_lutgemm_act_bytes(p->n, p->group);
	return fllm_vector_f32_row_bytes(p->n);
}

/* Bytes of one output row (fp32, or an activation record with F_QUANT). */
static inline uint64_t fllm_vector_out_row_bytes(const struct fllm_vector_params *p)
{
	if (p->flags & FLLM_VECTOR_F_QUANT)
		return fllm_lutgemm_act_bytes(p->n, p->group);
	return fllm_vector_f32_row_bytes(p->n);
}

#endif /* FLLM_CARD_VECTOR_H */
