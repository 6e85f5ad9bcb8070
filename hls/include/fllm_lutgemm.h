/*
 * LUT-GEMM golden model (FLLM_CU_LUTGEMM, FLLM_OP_LUTGEMM): BCQ weights
 * times int8 activations, as defined bit for bit in docs/numerics.md.
 *
 * The card contract (parameter block, limits, record layouts) is
 * card/include/fllm_card_lutgemm.h, included here. This header adds:
 *  - the rounding helpers of the datapath (static inline, so the host's
 *    integer kernels use the very same code),
 *  - the unit's parameter check and the golden model's entry point,
 *    fllm_hls_lutgemm_unit().
 * The unit's internals (on-chip memories, body, cycle model) are in
 * fllm_lutgemm_unit.h. The host-side encoders and the block builder are the
 * runtime's (runtime/cardpack/fllm_cardpack.h). Everything is little-endian.
 */
#ifndef FLLM_LUTGEMM_H
#define FLLM_LUTGEMM_H

#include <stdint.h>
#include "fllm_card.h"
#include "fllm_card_lutgemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Datapath rounding (docs/numerics.md "Arithmetic")                  */
/* ------------------------------------------------------------------ */

/*
 * rshift_round(p, s) = floor((p + 2^(s-1)) / 2^s) for s >= 1, p for s = 0:
 * round to nearest, ties toward +infinity. s <= 62 and |p| < 2^51 by the
 * bounds, so the addition cannot overflow. >> of a negative value is an
 * arithmetic shift with gcc, clang and Vitis HLS.
 */
static inline int64_t fllm_lutgemm_rshift_round(int64_t p, uint32_t s)
{
	if (s == 0)
		return p;
	return (p + ((int64_t)1 << (s - 1))) >> s;
}

/*
 * acc * 2^-shift as binary32, rounded once: round to 24 significant bits,
 * nearest-even, with an unbounded exponent; then a result below FLT_MIN is
 * +0.0 and one above FLT_MAX is +-FLT_MAX. Exact zero is +0.0. Integer
 * operations only, so it is the same on every machine and in RTL.
 */
static inline float fllm_lutgemm_to_f32(int64_t acc, int64_t shift)
{
	uint64_t mag, m;
	uint32_t sign, bits;
	int64_t e;
	int len;
	float y;

	if (acc == 0)
		return 0.0f;
	sign = acc < 0 ? 0x80000000u : 0;
	mag = acc < 0 ? (uint64_t)0 - (uint64_t)acc : (uint64_t)acc;
	len = 64 - __builtin_clzll(mag);
	if (len > 24) {
		int s = len - 24;
		uint64_t half = (uint64_t)1 << (s - 1);
		uint64_t rem = mag & (((uint64_t)1 << s) - 1);

		m = mag >> s;
		if (rem > half || (rem == half && (m & 1)))
			m++;
		if (m == ((uint64_t)1 << 24)) {
			m >>= 1;
			len++;
		}
	} else {
		m = mag << (24 - len);
	}
	e = (int64_t)len - 1 - shift;
	if (e < -126)
		bits = 0;
	else if (e > 127)
		bits = sign | 0x7f7fffffu;
	else
		bits = sign | (uint32_t)(e + 127) << 23 | ((uint32_t)m & 0x7fffffu);
	__builtin_memcpy(&y, &bits, sizeof(y));
	return y;
}

/* ------------------------------------------------------------------ */
/* Parameter block check and the golden model                         */
/* ------------------------------------------------------------------ */

/*
 * Check a parameter block against the rules of struct fllm_lutgemm_params
 * and a card memory of mem_bytes. Returns FLLM_CARD_OK or the first error
 * in the order of docs/numerics.md "Validation" (the checks of the block's
 * own address and size, and of outputs overlapping it, are the unit's).
 */
enum fllm_card_err fllm_lutgemm_params_check(const struct fllm_lutgemm_params *p,
					     uint64_t mem_bytes);

/*
 * The golden model (HLS top function of hls/lutgemm.c): run the
 * FLLM_OP_LUTGEMM command whose parameter block is at card address params
 * (params_bytes long) on card memory mem. On any error nothing is written.
 * Not reentrant: it owns static on-chip memories, as the synthesized unit
 * does (the card model runs fllm_lutgemm_unit_run() of fllm_lutgemm_unit.h
 * with per-card memories instead).
 */
enum fllm_card_err fllm_hls_lutgemm_unit(uint8_t *mem /* (mem_bytes) card memory, bytes */,
					 uint64_t mem_bytes, uint64_t params,
					 uint64_t params_bytes);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_LUTGEMM_H */
