/*
 * Measuring a cost model (`fllm calibrate`, docs/scheduler.md "Cost
 * model"): the host's integer kernels through runtime/cpu, the card's units
 * through the public runtime API with the card's own per-command cycle
 * counts, DMA by timing fllm_bo_write() of a small and a large transfer.
 */
#ifndef FLLM_SCHED_CALIBRATE_H
#define FLLM_SCHED_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "cost.h"

struct sched_calibrate_opts {
	const char *device;	/* device to open ("emu:0") */
	uint32_t bits, group;	/* q and g of the LUT-GEMM runs; 0 = 4 and 32 */
	double seconds;		/* least time per host measurement; 0 = 0.2 s */
	uint32_t rows;		/* LUT-GEMM matrix rows (k = 4096); 0 = 4096 */
};

/*
 * Measure every figure of *out. FLLM_E_INVALID_ARG for a q or g the card
 * does not take; any failure of the device or the host kernels is returned
 * with err naming the step that failed.
 */
fllm_status sched_calibrate(const struct sched_calibrate_opts *o, struct sched_cost *out,
			    char *err, size_t err_size);

#endif /* FLLM_SCHED_CALIBRATE_H */
