/*
 * The reference card's power projection from activity counts: the same
 * coefficients the card model's telemetry uses (fllm_card_power.h), applied
 * to card time instead of the emulator's wall time, so that a slow
 * emulation does not inflate the static share.
 */
#include <assert.h>

#include "fllm_card_power.h"
#include "internal.h"

/* See fllm.h. */
void fllm_power_project(const fllm_power_activity *a, fllm_power_estimate *out)
{
	double busy;

	assert(a && out);
	busy = a->busy_s < a->card_s ? a->busy_s : a->card_s;
	out->idle_w = FLLM_POWER_STATIC_W;
	out->static_j = FLLM_POWER_STATIC_W * a->card_s;
	out->cu_j = FLLM_POWER_CU_W * (busy > 0 ? busy : 0) +
		    FLLM_POWER_LUT_OP_J * (double)a->lut_ops + FLLM_POWER_MAC_J * (double)a->macs +
		    FLLM_POWER_VEC_OP_J * (double)a->vec_ops;
	out->mem_j = FLLM_POWER_MEM_J_PER_BYTE * (double)a->mem_bytes;
	out->dma_j = FLLM_POWER_DMA_J_PER_BYTE * (double)a->dma_bytes;
	out->total_j = out->static_j + out->cu_j + out->mem_j + out->dma_j;
	out->avg_w = a->card_s > 0 ? out->total_j / a->card_s : 0.0;
}
