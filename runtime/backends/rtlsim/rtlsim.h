/*
 * The rtlsim backend: the emulated card of the emu backend (same card
 * model, firmware, rings, DMA and code), with its compute units (test,
 * LUT-GEMM, vector, attention) replaced at run time by the Verilated RTL units
 * (sim/rtl). Private to this folder.
 */
#ifndef FLLM_RTLSIM_H
#define FLLM_RTLSIM_H

#include <stdint.h>

#include "../emu/emu.h"
#include "fllm_rtl.h"
#include "fllm_sim.h"

/* The emu backend's table (runtime/backends/emu), whose device this one extends. */
extern const struct fllm_backend_ops fllm_backend_emu;

/* A LUT-GEMM command may take this many times N times the hls cycle model before it is hung. */
#define RTLSIM_HANG_FACTOR	64u
/* Cycles allowed for a block the unit rejects (and slack for every command). */
#define RTLSIM_REJECT_LIMIT	1000000u
/* A vector command may take this many cycles per element and row before it is hung. */
#define RTLSIM_VECTOR_ELEM_LIMIT 1024u
/*
 * SPIN commands are simulated cycle by cycle up to this many cycles (3.5 ms
 * of a 300 MHz card); a longer SPIN is reported as never finishing, so the
 * firmware's watchdog ends it.
 */
#define RTLSIM_SPIN_CAP		(1ull << 20)

/* The card's unit types, in inventory order. */
#define RTLSIM_UNITS		4u
extern const uint32_t rtlsim_unit_types[RTLSIM_UNITS];

/* One RTL unit of a card. */
struct rtlsim_unit {
	struct fllm_sim_unit unit;	/* what the card model calls */
	uint32_t cu_type;		/* FLLM_CU_* */
	struct fllm_rtl_unit *rtl;
	uint64_t commands;		/* commands run (card thread only) */
	uint64_t weight_bytes;		/* LUT-GEMM: weight bytes the last command's
					 * memory ports read (card thread only) */
};

/*
 * The RTL unit of cu_type with HBM timing of the card: FLLM_OK, _NO_MEMORY,
 * _UNSUPPORTED.
 */
fllm_status rtlsim_unit_create(uint32_t cu_type, uint32_t clock_khz, uint32_t chan_mbps,
			       struct rtlsim_unit **out);
/* NULL is a no-op; the card using it must be gone. */
void rtlsim_unit_destroy(struct rtlsim_unit *r);

#endif /* FLLM_RTLSIM_H */
