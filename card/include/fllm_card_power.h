/*
 * The reference card's power coefficients (an Alveo U280-class card,
 * docs/power.md gives each one's source). One set serves both the card
 * model's telemetry registers (sim/src/power.c, integrated over model time)
 * and the runtime's activity projection (fllm_power_project), so the two
 * cannot disagree. These are projections for a card that does not exist
 * yet, not measurements.
 */
#ifndef FLLM_CARD_POWER_H
#define FLLM_CARD_POWER_H

/* Board power with the image loaded and nothing running: shell, HBM refresh,
 * PCIe link, clocks (FlexLLM's logged U280 trace reads about 37 W idle). */
#define FLLM_POWER_STATIC_W		37.0
/* Added by compute units busy for a whole second besides their arithmetic
 * (clock tree, control, operand movement at the kernel clock); scaled by
 * the busy fraction. An assumption. */
#define FLLM_POWER_CU_W			4.0
/*
 * Energy per arithmetic operation, the units' activity counters
 * (TEL_LUT_OPS, TEL_MACS, TEL_VEC_OPS) times these: a 45 nm ASIC figure
 * (Horowitz, "Computing's energy problem", ISSCC 2014) times the FPGA's
 * dynamic-power gap to an ASIC (Kuon and Rose, "Measuring the gap between
 * FPGAs and ASICs", IEEE TCAD 2007: 14x for soft logic, 7.1x with hard
 * DSP and RAM blocks). docs/power.md gives the arithmetic.
 */
/* LUT-GEMM lookup or table entry: a small-RAM read (~1 pJ) and a 24-bit
 * add (~0.1 pJ) in soft logic: 1.1 pJ x 14. */
#define FLLM_POWER_LUT_OP_J		15.4e-12
/* Attention int8 multiply-add on a DSP: 0.2 pJ + 0.03 pJ, x 7.1. */
#define FLLM_POWER_MAC_J		1.6e-12
/* Vector-unit fp32 element operation on DSPs: fp32 multiply 3.7 pJ + add
 * 0.9 pJ, x 7.1. */
#define FLLM_POWER_VEC_OP_J		32.7e-12
/* Card memory (HBM2) access energy per byte: 3.9 pJ/bit (O'Connor et al.,
 * MICRO 2017), 14.4 W at 460 GB/s. */
#define FLLM_POWER_MEM_J_PER_BYTE	31.2e-12
/* PCIe and the DMA engine per byte crossing the link: an assumption (6 W at
 * 12 GB/s), no published per-byte figure. */
#define FLLM_POWER_DMA_J_PER_BYTE	0.5e-9

#endif /* FLLM_CARD_POWER_H */
