/*
 * The rtlsim backend: the emulated card of the emu backend (same card
 * model, firmware, rings, DMA and code), with its LUT-GEMM unit replaced at
 * run time by the Verilated RTL unit (sim/rtl). The test and vector units
 * stay the hls/ C models. Private to this folder.
 */
#ifndef FLLM_RTLSIM_H
#define FLLM_RTLSIM_H

#include <stdint.h>

#include "../emu/emu.h"
#include "fllm_rtl.h"
#include "fllm_sim.h"

/* The emu backend's table (runtime/backends/emu), whose device this one extends. */
extern const struct fllm_backend_ops fllm_backend_emu;

/* A command may take this many times N times the hls cycle model before it counts as hung. */
#define RTLSIM_HANG_FACTOR	64u
/* Cycles allowed for a block the unit rejects (and slack for every command). */
#define RTLSIM_REJECT_LIMIT	1000000u

/* The RTL LUT-GEMM unit of one card. */
struct rtlsim_unit {
	struct fllm_sim_unit unit;	/* what the card model calls */
	struct fllm_rtl_lutgemm *rtl;
	uint64_t commands;		/* commands run (card thread only) */
};

/* The unit with HBM timing of the card: FLLM_OK, _NO_MEMORY, _UNSUPPORTED. */
fllm_status rtlsim_unit_create(uint32_t clock_khz, uint32_t chan_mbps, struct rtlsim_unit **out);
/* NULL is a no-op; the card using it must be gone. */
void rtlsim_unit_destroy(struct rtlsim_unit *r);

#endif /* FLLM_RTLSIM_H */
