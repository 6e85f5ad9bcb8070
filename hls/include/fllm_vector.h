/*
 * Vector unit data contract (FLLM_CU_VECTOR, FLLM_OP_VECTOR): the
 * element-wise and per-row operations of a decoder layer that are not
 * matrix products (RMSNorm fused with activation quantization, RoPE,
 * SiLU(gate) * up, residual add, quantize, dequantize, copy), defined bit
 * for bit in docs/numerics.md "Vector unit".
 *
 * This header holds:
 *  - the parameter block an FLLM_OP_VECTOR command points at and its
 *    builder (fllm_vector_params_init),
 *  - the card layouts of the norm-weight record and the RoPE table,
 *  - the arithmetic steps of the datapath (exposed so the tests can drive
 *    each one with hand-derived cases),
 *  - the unit's on-chip memories, body, golden top function and cycle model,
 *  - the host-side encoders (norm weights, RoPE tables).
 * The activation record written with FLLM_VECTOR_F_QUANT and read by
 * FLLM_VECTOR_OP_DEQUANT is the LUT-GEMM one (fllm_lutgemm.h). Little-endian.
 */
#ifndef FLLM_VECTOR_H
#define FLLM_VECTOR_H

#include <stdint.h>
#include "fllm_card.h"
#include "fllm_lutgemm.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* Bytes of one row of operand kind: fp32 row, or activation record. */
static inline uint64_t fllm_vector_f32_row_bytes(uint32_t n)
{
	return 4ull * n;
}

/* ------------------------------------------------------------------ */
/* Datapath steps (docs/numerics.md "Vector unit"); integer only       */
/* ------------------------------------------------------------------ */

#define FLLM_VECTOR_Q30		(1 << 30)	/* 1.0 in the Q2.30 formats */
#define FLLM_VECTOR_LOG2E_Q30	1549082005	/* round(log2(e) * 2^30) */
#define FLLM_VECTOR_SILU_GMAX_Q24 (1 << 30)	/* |gate| clamp 64 in Q.24 for the sigmoid */
#define FLLM_VECTOR_EXP2_SEGS	256u		/* 2^x table segments on [0, 1) */

/* round(2^30 * 2^(j/256)), j = 0..256 (half away; exact values in the doc) */
extern const uint32_t fllm_vector_exp2_table[FLLM_VECTOR_EXP2_SEGS + 1];

/*
 * An fp32 input as the unit sees it: sign s, |v| = m * 2^f with m in
 * [2^23, 2^24) (subnormals normalized), or m = 0 for +-0. Infinity is read
 * as +-FLT_MAX and NaN as +0; *nonfinite is incremented for both.
 */
struct fllm_vector_f32 {
	uint32_t neg;	/* 1 for a negative value */
	uint32_t m;	/* 0 or [2^23, 2^24) */
	int32_t f;	/* exponent of the last mantissa bit */
};
void fllm_vector_f32_split(uint32_t bits, struct fllm_vector_f32 *v, uint64_t *nonfinite);

/* floor(sqrt(u)) for any 64-bit u. */
uint32_t fllm_vector_isqrt(uint64_t u);

/*
 * RMSNorm scale of a row: from the sum of squares S (> 0) of the aligned
 * magnitudes at exponent 2F, the length n and eps (fp32 bits), the
 * mantissa r in (2^30, 2^31] and exponent E with rsqrt(S*2^2F/n + eps) ~
 * r * 2^(-31-E).
 */
void fllm_vector_rms_scale(uint64_t s, int32_t f2, uint32_t n, uint32_t eps_bits, uint32_t *r,
			   int32_t *e);

/* 2^(fr / 2^24) in Q2.30 for fr in [0, 2^24): table and linear interpolation. */
uint32_t fllm_vector_exp2_frac(uint32_t fr);

/*
 * sigmoid(g) = R * 2^(-32-sh) for the gate g: R in (2^31, 2^32], sh >= 0.
 */
void fllm_vector_sigmoid(const struct fllm_vector_f32 *g, uint64_t *r, uint32_t *sh);

/* ------------------------------------------------------------------ */
/* Parameter block: checking and building                             */
/* ------------------------------------------------------------------ */

/*
 * Check a block against the rules of docs/numerics.md "Vector unit:
 * validation" and a card memory of mem_bytes. Returns FLLM_CARD_OK or the
 * first failing check's code (the block's own placement and the outputs
 * overlapping the block at params are the unit's checks, see
 * fllm_vector_unit_run).
 */
enum fllm_card_err fllm_vector_params_check(const struct fllm_vector_params *p,
					    uint64_t mem_bytes);

/*
 * Fill *p for op over rows x n with flags and group (0 when the op uses no
 * activation record): magic, version, shape and the smallest strides of the
 * operands the op uses. Addresses, head_dim, pos, eps, table_rows stay 0 for
 * the caller. Returns FLLM_CARD_ERR_PARAM / _FLAGS and leaves *p alone when
 * op, flags, n, rows or group are outside the unit's rules.
 */
enum fllm_card_err fllm_vector_params_init(struct fllm_vector_params *p, uint32_t op,
					   uint32_t flags, uint32_t n, uint32_t rows,
					   uint32_t group);

/* ------------------------------------------------------------------ */
/* The unit                                                           */
/* ------------------------------------------------------------------ */

/*
 * On-chip memories of the unit (about 530 KB of URAM/BRAM): the current
 * row's inputs after splitting and its results before they are quantized.
 */
struct fllm_vector_onchip {
	uint32_t x[FLLM_VECTOR_N_MAX];		/* (n) fp32 bits of in, sanitized */
	uint32_t y[FLLM_VECTOR_N_MAX];		/* (n) fp32 bits of the results */
	uint32_t gmax[FLLM_VECTOR_GROUPS_MAX];	/* (groups) max |y| bits per group */
};

/*
 * Run the FLLM_OP_VECTOR command whose block is at card address params
 * (params_bytes long) with on-chip memories oc on card memory mem. On
 * success *nonfinite is the number of non-finite fp32 inputs read (each
 * replaced as fllm_vector_f32_split says). On any error nothing is written.
 */
enum fllm_card_err fllm_vector_unit_run(struct fllm_vector_onchip *oc,
					uint8_t *mem /* (mem_bytes) card memory */,
					uint64_t mem_bytes, uint64_t params,
					uint64_t params_bytes, uint64_t *nonfinite);

/*
 * The golden model's HLS top (hls/vector.c): as fllm_vector_unit_run with a
 * static set of on-chip memories, as the synthesized unit has (not
 * reentrant).
 */
enum fllm_card_err fllm_hls_vector_unit(uint8_t *mem /* (mem_bytes) card memory */,
					uint64_t mem_bytes, uint64_t params,
					uint64_t params_bytes, uint64_t *nonfinite);

/* Fixed cost of one command: AXI-Lite handshake, parameter fetch, burst setup. */
#define FLLM_VECTOR_OVERHEAD_CYCLES	256u
/* Elements per cycle of every pass: one 512-bit beat of fp32. */
#define FLLM_VECTOR_LANES		16u
/* RMSNorm's per-row scalar step: 64-bit divide, 32-step isqrt, 32-bit divide. */
#define FLLM_VECTOR_RMS_SCALAR_CYCLES	160u
/* Cycles of a command the unit rejects: the parameter fetch and check only. */
#define FLLM_VECTOR_REJECT_CYCLES	FLLM_VECTOR_OVERHEAD_CYCLES

/* First-order cycle model of one command with a valid block p (docs/numerics.md). */
uint64_t fllm_vector_cycles(const struct fllm_vector_params *p);

/* Card-memory bytes one valid command reads and writes (for power models). */
uint64_t fllm_vector_traffic(const struct fllm_vector_params *p);

/* ------------------------------------------------------------------ */
/* Host-side encoders                                                 */
/* ------------------------------------------------------------------ */

/*
 * fp32 norm weights -> the record's exponent and int16 mantissas
 * (docs/numerics.md). Returns FLLM_CARD_ERR_PARAM, writing nothing, if a
 * weight is not finite.
 */
enum fllm_card_err fllm_vector_weight_encode(uint32_t n, const float *w /* (n) */,
					     int32_t *ew /* (1) */, int16_t *wm /* (n) */);

/* Encode and write a whole norm-weight record (fllm_vector_weight_bytes(n) bytes). */
enum fllm_card_err fllm_vector_weight_write(uint8_t *rec /* (weight_bytes(n)) */, uint32_t n,
					    const float *w /* (n) */);

/*
 * Write the RoPE table rows for positions [0, rows) with base theta
 * (> 0, finite) and head_dim (even, 2..512) into tab (rows *
 * fllm_vector_rope_row_bytes(head_dim) bytes). FLLM_CARD_ERR_PARAM on bad
 * arguments (nothing written).
 */
enum fllm_card_err fllm_vector_rope_table_write(uint8_t *tab /* (rows, row_bytes) */,
						uint32_t rows, uint32_t head_dim, double theta);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_VECTOR_H */
