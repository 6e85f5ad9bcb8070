/*
 * The RTL LUT-GEMM unit (sim/rtl/lutgemm, SystemVerilog) simulated by
 * Verilator, behind a small C API. The unit's AXI ports are connected to a
 * card memory through an HBM-like timing model: every engine port and the
 * control port sit on their own channel with a peak bandwidth in bytes per
 * cycle, a latency from request to first beat, and a limit on bursts in
 * flight. docs/rtl.md describes the unit and the model.
 *
 * Without Verilator at configure time (FLLM_RTL=OFF) the same functions
 * exist and fllm_rtl_lutgemm_create() returns -ENOSYS;
 * fllm_rtl_lutgemm_unavailable() says why. One instance must be driven by
 * one thread at a time; separate instances are independent.
 */
#ifndef FLLM_RTL_H
#define FLLM_RTL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLLM_RTL_ENGINES_MAX	32u	/* engines (ports) of the unit */

/* Timing of every channel behind a port. */
struct fllm_rtl_timing {
	double bytes_per_cycle;		/* peak bytes per kernel cycle, (0, 64] */
	uint32_t latency;		/* cycles from request to its first beat, <= 100000 */
	uint32_t max_outstanding;	/* read bursts in flight per port, 1..256 */
};

/* What one command did, from its start to done. */
struct fllm_rtl_stats {
	uint64_t cycles;		/* the unit's own count: start accepted to done */
	uint32_t engines;		/* engine ports of the unit */
	uint64_t read_bytes;		/* all engine ports (activations and weights) */
	uint64_t write_bytes;		/* bytes written (strobed), all engine ports */
	uint64_t write_beats;
	uint64_t ctl_bytes;		/* control port (the parameter block) */
	uint64_t port_read_bytes[FLLM_RTL_ENGINES_MAX];
	uint64_t port_first_beat[FLLM_RTL_ENGINES_MAX];	/* cycle after start; 0 if none */
	uint64_t port_last_beat[FLLM_RTL_ENGINES_MAX];
	uint64_t bad_accesses;		/* AXI accesses outside card memory (must be 0) */
};

struct fllm_rtl_lutgemm;

/* NULL when the RTL model is built in; otherwise the reason it is not. */
const char *fllm_rtl_lutgemm_unavailable(void);

/*
 * Timing of one HBM pseudo-channel of a card with the given kernel clock and
 * channel peak (MB/s): bytes_per_cycle = chan_mbps / clock, latency 64
 * cycles, 16 bursts in flight. A port never moves more than 64 bytes/cycle.
 */
void fllm_rtl_timing_hbm(struct fllm_rtl_timing *t, uint32_t clock_khz, uint32_t chan_mbps);

/* 0, -ENOSYS (not built), -EINVAL (timing out of range), -ENOMEM. */
int fllm_rtl_lutgemm_create(const struct fllm_rtl_timing *t, struct fllm_rtl_lutgemm **out);
/* NULL is a no-op. */
void fllm_rtl_lutgemm_destroy(struct fllm_rtl_lutgemm *u);

/* Reset the unit and empty the channel models (a command in flight is dropped). */
void fllm_rtl_lutgemm_reset(struct fllm_rtl_lutgemm *u);

/*
 * Start the FLLM_OP_LUTGEMM whose parameter block is at card address
 * params (params_bytes long) on card memory mem (mem_bytes). The unit
 * checks the block itself. 0, or -EBUSY while a command runs.
 */
int fllm_rtl_lutgemm_start(struct fllm_rtl_lutgemm *u, uint8_t *mem /* (mem_bytes) */,
			   uint64_t mem_bytes, uint64_t params, uint64_t params_bytes);

/* Clock up to `cycles` cycles; stops at done. 1 once done, else 0. */
int fllm_rtl_lutgemm_step(struct fllm_rtl_lutgemm *u, uint64_t cycles);

/* Cycles clocked since create or reset. */
uint64_t fllm_rtl_lutgemm_cycle(const struct fllm_rtl_lutgemm *u);

/* After done: the unit's status (enum fllm_card_err) and the command's stats. */
void fllm_rtl_lutgemm_result(struct fllm_rtl_lutgemm *u, uint16_t *status,
			     struct fllm_rtl_stats *st /* or NULL */);

/*
 * start, then step until done or max_cycles: 0 (status and *st filled),
 * -EBUSY, or -ETIMEDOUT (the unit is then reset).
 */
int fllm_rtl_lutgemm_run(struct fllm_rtl_lutgemm *u, uint8_t *mem /* (mem_bytes) */,
			 uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
			 uint64_t max_cycles, uint16_t *status, struct fllm_rtl_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_RTL_H */
