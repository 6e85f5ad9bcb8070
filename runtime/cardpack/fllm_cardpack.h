/*
 * Host-side producers of compute-unit data (libfllm, runtime/cardpack/):
 * parameter-block builders, fp32 -> card-form encoders and record writers
 * for the LUT-GEMM, vector and attention units. The layouts they write are
 * the card contract (card/include/fllm_card_lutgemm.h, fllm_card_vector.h,
 * fllm_card_attention.h); the rounding they apply is docs/numerics.md's.
 * None of this runs on the card (the activation quantizer's rounding is
 * also the vector unit's, F_QUANT).
 *
 * A program that records fllm_cmdlist_lutgemm() or fllm_cmdlist_vector()
 * commands builds the block and the records with these functions and
 * uploads them with fllm_bo_write() (docs/hls.md).
 */
#ifndef FLLM_CARDPACK_H
#define FLLM_CARDPACK_H

#include <stdint.h>
#include "fllm_card.h"
#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"
#include "fllm_card_attention.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* LUT-GEMM (runtime/cardpack/lutgemm_pack.c)                         */
/* ------------------------------------------------------------------ */

/*
 * Fill *p for an M x K matrix with group g, q planes, flags
 * (FLLM_LUTGEMM_F_*), n_tokens tokens and `slices` slices: magic, version,
 * shape, row_bytes, and the smallest legal strides (act_stride =
 * act_bytes(k, g), out_stride = 4 m rounded up to 64). Addresses stay 0 for
 * the caller to set (act_addr, out_addr, slice_addr[0..slices-1]). Returns
 * FLLM_CARD_ERR_PARAM (or _FLAGS for unknown flags) and leaves *p alone when
 * the shape is outside the unit's limits.
 */
enum fllm_card_err fllm_lutgemm_params_init(struct fllm_lutgemm_params *p, uint32_t m,
					    uint32_t k, uint32_t g, uint32_t q, uint32_t flags,
					    uint32_t n_tokens, uint32_t slices);

/*
 * fp32 BCQ scales of one row -> card form (docs/numerics.md "Weight
 * scales"). Returns FLLM_CARD_ERR_PARAM (writing nothing) if a value is not
 * finite. z is ignored (zq = 0) when NULL.
 */
enum fllm_card_err fllm_lutgemm_scales_encode(uint32_t groups, uint32_t q,
					      const float *alpha /* (groups, q) */,
					      const float *z /* (groups) or NULL */,
					      int16_t *e_row /* (1) */,
					      uint8_t *d /* (groups) */,
					      int16_t *zq /* (groups) */,
					      int16_t *a /* (groups, q) */);

/*
 * Write one row record's header and scale entries, every other byte 0 (the
 * bit-planes all -1).
 */
void fllm_lutgemm_row_write_scales(uint8_t *rec /* (row_bytes) */, uint32_t k, uint32_t g,
				   uint32_t q, int16_t e_row, const uint8_t *d /* (groups) */,
				   const int16_t *zq /* (groups) */,
				   const int16_t *a /* (groups, q) */);

/*
 * Write one row record from card-form fields. bits[i][k] is 1 for b = +1;
 * pad bits (k >= K) and reserved bytes are written as 0.
 */
void fllm_lutgemm_row_write(uint8_t *rec /* (row_bytes) */, uint32_t k, uint32_t g, uint32_t q,
			    int16_t e_row, const uint8_t *d /* (groups) */,
			    const int16_t *zq /* (groups) */, const int16_t *a /* (groups, q) */,
			    const uint8_t *bits /* (q, k) 0 or 1 */);

/*
 * Pack an fp32 BCQ matrix into row records of `slices` slices. slice[s]
 * must hold fllm_lutgemm_slice_rows(m, slices, s) * row_bytes bytes.
 * Returns FLLM_CARD_ERR_PARAM if a scale is not finite (slices then hold
 * partial data).
 */
enum fllm_card_err fllm_lutgemm_pack(uint32_t m, uint32_t k, uint32_t g, uint32_t q,
				     const float *alpha /* (m, groups, q) */,
				     const float *z /* (m, groups) or NULL */,
				     const uint8_t *bits /* (m, q, k) 0 or 1 */,
				     uint32_t slices, uint8_t *const *slice /* (slices) */);

/*
 * Quantize one token's activations (docs/numerics.md "Activations").
 * Returns FLLM_CARD_ERR_PARAM (writing nothing) if an input is not finite.
 */
enum fllm_card_err fllm_lutgemm_act_quantize(uint32_t k, uint32_t g,
					     const float *x /* (k) */, int32_t *ex /* (1) */,
					     uint16_t *msx /* (groups) */,
					     int8_t *xq /* (groups * g), k >= K set to 0 */);

/* Write one activation record; xq entries k >= K are written as 0. */
void fllm_lutgemm_act_write(uint8_t *rec /* (act_bytes) */, uint32_t k, uint32_t g, int32_t ex,
			    const uint16_t *msx /* (groups) */,
			    const int8_t *xq /* (groups * g) */);

/* ------------------------------------------------------------------ */
/* Vector unit (runtime/cardpack/vector_pack.c)                       */
/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* Attention unit (runtime/cardpack/attention_pack.c)                 */
/* ------------------------------------------------------------------ */

/*
 * The softmax constant C = log2(e) * scale as the block's scale_m (bit 31
 * set) and scale_e (docs/numerics.md "Attention unit"); scale 0 means the
 * default 1 / sqrt(head_dim). FLLM_CARD_ERR_PARAM for a negative or
 * non-finite scale or a C outside [2^-32, 2^32) (nothing written).
 */
enum fllm_card_err fllm_attention_scale_encode(uint32_t head_dim, double scale, uint32_t *m,
					       int32_t *e);

/*
 * Fill *p for op (enum fllm_attention_op) with flags (FLLM_ATTN_F_*) and
 * group (F_QUANT's record group, else 0), the shape, block_bytes, the
 * default softmax constant (DECODE, PREFILL) and the smallest strides of the
 * rows the op uses. Addresses (q/k/v/out, kv_base, seq_addr) stay 0 for the
 * caller. Returns FLLM_CARD_ERR_PARAM / _FLAGS and leaves *p alone when the
 * shape is outside the unit's rules.
 */
enum fllm_card_err fllm_attention_params_init(struct fllm_attention_params *p, uint32_t op,
					      uint32_t flags, uint32_t group, uint32_t head_dim,
					      uint32_t n_heads, uint32_t n_kv_heads,
					      uint32_t block_tokens, uint32_t n_seqs, uint32_t rows,
					      uint32_t pool_blocks);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_CARDPACK_H */
