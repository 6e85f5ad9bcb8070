/*
 * Attention unit golden model (FLLM_CU_ATTENTION, FLLM_OP_ATTENTION):
 * APPEND (k, v rows -> the int8 paged KV cache), DECODE and causal PREFILL
 * (int8 query times the cache, log2-domain fixed-point softmax with online
 * rescaling per tile of 16 keys), defined bit for bit in docs/numerics.md
 * "Attention unit".
 *
 * The card contract (parameter block, descriptor, KV block layout, limits)
 * is card/include/fllm_card_attention.h, included here. This header adds
 * the datapath steps (exposed so the tests can drive each one), the unit's
 * parameter check, on-chip memories, golden top function and cycle model.
 * The host-side encoders are the runtime's (runtime/cardpack). It reuses
 * the vector unit's fp32 splitting and 2^x table (fllm_vector.h).
 */
#ifndef FLLM_ATTENTION_H
#define FLLM_ATTENTION_H

#include <stdint.h>
#include "fllm_card.h"
#include "fllm_card_attention.h"
#include "fllm_vector.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Datapath steps (docs/numerics.md "Attention unit"); integer only    */
/* ------------------------------------------------------------------ */

#define FLLM_ATTN_ZFRAC		24	/* logits z in log2 units, Q.24 */
#define FLLM_ATTN_ONE		((int64_t)1 << FLLM_ATTN_ZFRAC)	/* 1.0 in Q.24 */
#define FLLM_ATTN_ZMAX		((int64_t)1 << 54)	/* |z| clamp (2^30 log2 units) */
#define FLLM_ATTN_WFRAC		22	/* softmax weights in Q.22, <= 2^22 */
#define FLLM_ATTN_QM_BITS	24	/* query factor msq * scale_m cut to 24 bits */

/*
 * One head row quantized (A.2): D int8 values and the scale m * 2^-e
 * (the activation quantizer of section 2.1 with one group of D).
 */
struct fllm_attention_qrow {
	uint16_t m;	/* scale mantissa, 0 for an all-zero row */
	int32_t e;	/* scale exponent, [-106, 171] (0 for an all-zero row) */
};

/*
 * Quantize D fp32 values (bits, already sanitized) into q (D int8) and *s.
 */
void fllm_attention_quant(const uint32_t *x /* (d) fp32 bits, finite */, uint32_t d,
			  int8_t *q /* (d) */, struct fllm_attention_qrow *s);

/*
 * The query factor of A.3: msq * scale_m cut to 24 significant bits,
 * *qm <= 2^24, *qr = the bits dropped.
 */
void fllm_attention_qfactor(uint16_t msq, uint32_t scale_m, uint64_t *qm, int32_t *qr);

/*
 * A logit z in Q.24 log2 units from the exact dot product of the int8
 * query and key, the key scale (mk, ek) and the query's factor: V = dot *
 * mk * qm, z = V * 2^-(sh) rounded (ties toward +inf) and clamped to
 * +-FLLM_ATTN_ZMAX, sh = eq + ek + scale_e - qr - 24.
 */
int64_t fllm_attention_logit(int32_t dot, uint16_t mk, uint64_t qm, int64_t sh);

/* ceil(z / 2^24): the integer log2 bound the running maxima use. */
static inline int64_t fllm_attention_zceil(int64_t z)
{
	return -((-z) >> FLLM_ATTN_ZFRAC);
}

/* 2^(u / 2^24) in Q.22 for u <= 0 (u in Q.24), in [0, 2^22]. */
uint32_t fllm_attention_weight(int64_t u);

/* x * 2^-s rounded (ties toward +inf) for |x| < 2^62; 0 for s >= 63. */
int64_t fllm_attention_rescale(int64_t x, int64_t s);

/*
 * The reciprocal of the softmax sum S >= 2^21: 1/S ~ *r * 2^(-62 - *sr),
 * *r in (2^31, 2^32].
 */
void fllm_attention_recip(uint64_t s, uint64_t *r, int32_t *sr);

/* fp32 bits of an output n * 2^dm / S with the reciprocal (r, sr) of S. */
uint32_t fllm_attention_out(int64_t n, uint64_t r, int32_t sr, int64_t dm);

/* ------------------------------------------------------------------ */
/* Parameter block check                                              */
/* ------------------------------------------------------------------ */

/*
 * Check a block and its descriptors and tables (read from mem) against
 * docs/numerics.md "Attention unit: validation", for a card memory of
 * mem_bytes, with the block itself at params. Returns FLLM_CARD_OK or the
 * first failing check's code. Reads only.
 */
enum fllm_card_err fllm_attention_params_check(const struct fllm_attention_params *p,
					       const uint8_t *mem /* (mem_bytes) */,
					       uint64_t mem_bytes, uint64_t params);

/* ------------------------------------------------------------------ */
/* The unit                                                           */
/* ------------------------------------------------------------------ */

#define FLLM_ATTN_GROUP_MAX	FLLM_ATTN_HEADS_MAX	/* query heads per kv head */

/*
 * On-chip memories of the unit (about 440 KB): the quantized queries of
 * one kv group, one tile of keys and values, the per-head softmax state,
 * and with F_QUANT the token's fp32 output row before it is quantized.
 */
struct fllm_attention_onchip {
	uint32_t x[FLLM_ATTN_HEAD_DIM_MAX];			/* (d) fp32 bits of a head row */
	int8_t xq[FLLM_ATTN_GROUP_MAX][FLLM_ATTN_HEAD_DIM_MAX];	/* (group, d) queries */
	uint64_t qm[FLLM_ATTN_GROUP_MAX];			/* (group) query factors */
	int64_t qsh[FLLM_ATTN_GROUP_MAX];			/* (group) eq + scale_e - qr - 24 */
	int8_t kq[FLLM_ATTN_TILE][FLLM_ATTN_HEAD_DIM_MAX];	/* (tile, d) keys */
	int8_t vq[FLLM_ATTN_TILE][FLLM_ATTN_HEAD_DIM_MAX];	/* (tile, d) values */
	uint16_t km[FLLM_ATTN_TILE], vm[FLLM_ATTN_TILE];	/* (tile) scale mantissas */
	int16_t ke[FLLM_ATTN_TILE], ve[FLLM_ATTN_TILE];		/* (tile) scale exponents */
	int64_t z[FLLM_ATTN_TILE];				/* (tile) logits of one head */
	int64_t num[FLLM_ATTN_GROUP_MAX][FLLM_ATTN_HEAD_DIM_MAX];	/* (group, d) N */
	uint64_t den[FLLM_ATTN_GROUP_MAX];			/* (group) S */
	int64_t mx[FLLM_ATTN_GROUP_MAX], mv[FLLM_ATTN_GROUP_MAX];	/* (group) M, M' */
	uint32_t y[FLLM_ATTN_HEADS_MAX * FLLM_ATTN_HEAD_DIM_MAX];	/* (n_heads * d) F_QUANT row */
	uint32_t gmax[FLLM_ATTN_HEADS_MAX * FLLM_ATTN_HEAD_DIM_MAX / 16];	/* (groups) max |y| */
};

/*
 * Run the FLLM_OP_ATTENTION command whose block is at card address params
 * (params_bytes long) with on-chip memories oc on card memory mem. On
 * success *nonfinite is the number of non-finite fp32 inputs read (each
 * replaced as fllm_vector_f32_split says). On any error nothing is written.
 */
enum fllm_card_err fllm_attention_unit_run(struct fllm_attention_onchip *oc,
					   uint8_t *mem /* (mem_bytes) card memory */,
					   uint64_t mem_bytes, uint64_t params,
					   uint64_t params_bytes, uint64_t *nonfinite);

/* The golden model's HLS top: a static set of on-chip memories (not reentrant). */
enum fllm_card_err fllm_hls_attention_unit(uint8_t *mem /* (mem_bytes) card memory */,
					   uint64_t mem_bytes, uint64_t params,
					   uint64_t params_bytes, uint64_t *nonfinite);

/* Fixed cost of one command: handshake, parameter and descriptor fetch. */
#define FLLM_ATTN_OVERHEAD_CYCLES	256u
/* int8 multiply-adds per cycle, for the scores and again for the values. */
#define FLLM_ATTN_MACS			256u
/* Per (query token, head): reciprocal and output conversion setup. */
#define FLLM_ATTN_HEAD_CYCLES		48u
#define FLLM_ATTN_REJECT_CYCLES		FLLM_ATTN_OVERHEAD_CYCLES

/*
 * First-order cycle model of one valid command; reads the descriptors from
 * mem (docs/numerics.md "Attention unit: cycle model").
 */
uint64_t fllm_attention_cycles(const struct fllm_attention_params *p,
			       const uint8_t *mem /* card memory */);

/*
 * Card-memory bytes one valid command reads and writes, for the card
 * model's power model; reads the descriptors from mem.
 */
uint64_t fllm_attention_traffic(const struct fllm_attention_params *p,
				const uint8_t *mem /* card memory */);

/* int8 multiply-adds of one valid command (scores and weighted values, as
 * the cycle model counts them), for power models; reads the descriptors. */
uint64_t fllm_attention_macs(const struct fllm_attention_params *p,
			     const uint8_t *mem /* card memory */);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_ATTENTION_H */
