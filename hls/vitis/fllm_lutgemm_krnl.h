/*
 * Vitis kernel top of the LUT-GEMM unit (hls/vitis/fllm_lutgemm_krnl.c): one
 * m_axi port per slice (w00..w31) and a control port (ctl), each the base of
 * the card address space. The status word goes to card memory at
 * status_addr. See docs/hls.md.
 */
#ifndef FLLM_LUTGEMM_KRNL_H
#define FLLM_LUTGEMM_KRNL_H

#include <stdint.h>

void fllm_lutgemm_krnl(uint8_t *ctl,
		       const uint8_t *w00,
		       const uint8_t *w01,
		       const uint8_t *w02,
		       const uint8_t *w03,
		       const uint8_t *w04,
		       const uint8_t *w05,
		       const uint8_t *w06,
		       const uint8_t *w07,
		       const uint8_t *w08,
		       const uint8_t *w09,
		       const uint8_t *w10,
		       const uint8_t *w11,
		       const uint8_t *w12,
		       const uint8_t *w13,
		       const uint8_t *w14,
		       const uint8_t *w15,
		       const uint8_t *w16,
		       const uint8_t *w17,
		       const uint8_t *w18,
		       const uint8_t *w19,
		       const uint8_t *w20,
		       const uint8_t *w21,
		       const uint8_t *w22,
		       const uint8_t *w23,
		       const uint8_t *w24,
		       const uint8_t *w25,
		       const uint8_t *w26,
		       const uint8_t *w27,
		       const uint8_t *w28,
		       const uint8_t *w29,
		       const uint8_t *w30,
		       const uint8_t *w31,
		       uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
		       uint64_t status_addr);

#endif /* FLLM_LUTGEMM_KRNL_H */
