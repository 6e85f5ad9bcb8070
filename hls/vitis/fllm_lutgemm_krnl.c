/*
 * Vitis kernel top of the LUT-GEMM unit for U280/U55C-class cards: the
 * golden model's body (hls/lutgemm.c) behind one m_axi port per slice plus
 * a control port, so v++ can connect slice port s to HBM pseudo-channel s
 * (connectivity.cfg). Every port is given the base of the flat card address
 * space; the parameter block's addresses are card addresses.
 *
 * Vitis kernels return void, so the unit's status (enum fllm_card_err) is
 * stored as a 32-bit word at card address status_addr (4-aligned, inside
 * card memory; not stored otherwise) through the control port.
 *
 * Not compiled into libfllm; tests/lutgemm builds it with the C testbench.
 * Nothing here has been through Vitis HLS yet (docs/hls.md).
 */
#include "fllm_lutgemm_krnl.h"
#include "fllm_lutgemm_unit.h"

/* The unit's on-chip memories: static, so synthesis maps them to URAM/BRAM. */
static struct fllm_lutgemm_onchip oc;

void fllm_lutgemm_krnl(uint8_t *ctl /* card memory: block, activations, outputs */,
		       const uint8_t *w00 /* slice 0 port */,
		       const uint8_t *w01 /* slice 1 port */,
		       const uint8_t *w02 /* slice 2 port */,
		       const uint8_t *w03 /* slice 3 port */,
		       const uint8_t *w04 /* slice 4 port */,
		       const uint8_t *w05 /* slice 5 port */,
		       const uint8_t *w06 /* slice 6 port */,
		       const uint8_t *w07 /* slice 7 port */,
		       const uint8_t *w08 /* slice 8 port */,
		       const uint8_t *w09 /* slice 9 port */,
		       const uint8_t *w10 /* slice 10 port */,
		       const uint8_t *w11 /* slice 11 port */,
		       const uint8_t *w12 /* slice 12 port */,
		       const uint8_t *w13 /* slice 13 port */,
		       const uint8_t *w14 /* slice 14 port */,
		       const uint8_t *w15 /* slice 15 port */,
		       const uint8_t *w16 /* slice 16 port */,
		       const uint8_t *w17 /* slice 17 port */,
		       const uint8_t *w18 /* slice 18 port */,
		       const uint8_t *w19 /* slice 19 port */,
		       const uint8_t *w20 /* slice 20 port */,
		       const uint8_t *w21 /* slice 21 port */,
		       const uint8_t *w22 /* slice 22 port */,
		       const uint8_t *w23 /* slice 23 port */,
		       const uint8_t *w24 /* slice 24 port */,
		       const uint8_t *w25 /* slice 25 port */,
		       const uint8_t *w26 /* slice 26 port */,
		       const uint8_t *w27 /* slice 27 port */,
		       const uint8_t *w28 /* slice 28 port */,
		       const uint8_t *w29 /* slice 29 port */,
		       const uint8_t *w30 /* slice 30 port */,
		       const uint8_t *w31 /* slice 31 port */,
		       uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
		       uint64_t status_addr)
{
#pragma HLS INTERFACE m_axi port=ctl offset=slave bundle=ctl max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w00 offset=slave bundle=w00 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w01 offset=slave bundle=w01 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w02 offset=slave bundle=w02 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w03 offset=slave bundle=w03 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w04 offset=slave bundle=w04 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w05 offset=slave bundle=w05 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w06 offset=slave bundle=w06 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w07 offset=slave bundle=w07 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w08 offset=slave bundle=w08 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w09 offset=slave bundle=w09 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w10 offset=slave bundle=w10 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w11 offset=slave bundle=w11 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w12 offset=slave bundle=w12 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w13 offset=slave bundle=w13 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w14 offset=slave bundle=w14 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w15 offset=slave bundle=w15 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w16 offset=slave bundle=w16 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w17 offset=slave bundle=w17 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w18 offset=slave bundle=w18 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w19 offset=slave bundle=w19 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w20 offset=slave bundle=w20 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w21 offset=slave bundle=w21 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w22 offset=slave bundle=w22 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w23 offset=slave bundle=w23 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w24 offset=slave bundle=w24 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w25 offset=slave bundle=w25 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w26 offset=slave bundle=w26 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w27 offset=slave bundle=w27 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w28 offset=slave bundle=w28 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w29 offset=slave bundle=w29 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w30 offset=slave bundle=w30 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE m_axi port=w31 offset=slave bundle=w31 max_widen_bitwidth=512 depth=262144
#pragma HLS INTERFACE s_axilite port=mem_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=params bundle=control
#pragma HLS INTERFACE s_axilite port=params_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=status_addr bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
	const uint8_t *const wport[FLLM_LUTGEMM_SLICES_MAX] = {	/* slice s -> port s */
		w00, w01, w02, w03, w04, w05, w06, w07,
		w08, w09, w10, w11, w12, w13, w14, w15,
		w16, w17, w18, w19, w20, w21, w22, w23,
		w24, w25, w26, w27, w28, w29, w30, w31,
	};
	uint32_t st;

	st = (uint32_t)fllm_lutgemm_unit_run(&oc, ctl, wport, mem_bytes, params, params_bytes);
	if (status_addr % 4 || status_addr > mem_bytes || mem_bytes - status_addr < 4)
		return;
	for (uint32_t i = 0; i < 4; i++)
		ctl[status_addr + i] = (uint8_t)(st >> (8 * i));
}
