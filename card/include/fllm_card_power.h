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
/* Added by compute units busy for a whole second (logic, DSP, on-chip RAM at
 * the kernel clock); scaled by the busy fraction. */
#define FLLM_POWER_CU_W			12.0
/* Card memory (HBM2) access energy per byte: 3.9 pJ/bit (O'Connor et al.,
 * MICRO 2017), 14.4 W at 460 GB/s. */
#define FLLM_POWER_MEM_J_PER_BYTE	31.2e-12
/* PCIe and the DMA engine per byte crossing the link: an assumption (6 W at
 * 12 GB/s), no published per-byte figure. */
#define FLLM_POWER_DMA_J_PER_BYTE	0.5e-9

#endif /* FLLM_CARD_POWER_H */
