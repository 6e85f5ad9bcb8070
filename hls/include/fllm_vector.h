/*
 * Vector unit golden model (FLLM_CU_VECTOR, FLLM_OP_VECTOR): the
 * element-wise and per-row operations of a decoder layer that are not
 * matrix products (RMSNorm fused with activation quantization, RoPE,
 * SiLU(gate) * up, residual add, quantize, dequantize, copy), defined bit
 * for bit in docs/numerics.md "Vector unit".
 *
 * The card contract (parameter block, ops, limits, norm-weight record and
 * RoPE table layouts) is card/include/fllm_card_vector.h, included here.
 * This header adds:
 *  - the arithmetic steps of the datapath (exposed so the tests can drive
 *    each one with hand-derived cases),
 *  - the unit's parameter check, on-chip memories, body, golden top
 *    function and cycle model.
 * The host-side encoders and the block builder are the runtime's
 * (runtime/cardpack/fllm_cardpack.h). Little-endian.
 */
#ifndef FLLM_VECTOR_H
#define FLLM_VECTOR_H

#include <stdint.h>
#include "fllm_card.h"
#include "fllm_card_vector.h"
#include "fllm_lutgemm.h"

#ifdef __cplusplus
extern "C" {
#endif

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
/* Parameter block check                                              */
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

/* fp32 element operations of one valid command (elements x the passes the
 * cycle model makes over each row), for power models. */
uint64_t fllm_vector_ops(const struct fllm_vector_params *p);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_VECTOR_H */
