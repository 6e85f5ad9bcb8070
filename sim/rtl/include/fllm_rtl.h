/*
 * The card's compute units in RTL (sim/rtl: test unit, LUT-GEMM unit,
 * vector unit; SystemVerilog) simulated by Verilator, behind a small C API.
 * A unit's AXI ports are connected to a card memory through an HBM-like
 * timing model: every memory port and the control port sit on their own
 * channel with a peak bandwidth in bytes per cycle, a latency from request
 * to first beat, and a limit on bursts in flight. docs/rtl.md describes the
 * units and the model.
 *
 * Without Verilator at configure time (FLLM_RTL=OFF) the same functions
 * exist and fllm_rtl_unit_create() returns -ENOSYS; fllm_rtl_unavailable()
 * says why. One instance must be driven by one thread at a time; separate
 * instances are independent.
 */
#ifndef FLLM_RTL_H
#define FLLM_RTL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLLM_RTL_PORTS_MAX	32u	/* memory ports of a unit (LUT-GEMM: one per engine) */
#define FLLM_RTL_ARGS		6u	/* 64-bit words of a command's argument */

/* Timing of every channel behind a port. */
struct fllm_rtl_timing {
	double bytes_per_cycle;		/* peak bytes per kernel cycle, (0, 64] */
	uint32_t latency;		/* cycles from request to its first beat, <= 100000 */
	uint32_t max_outstanding;	/* read bursts in flight per port, 1..256 */
};

/* What one command did, from its start to done. */
struct fllm_rtl_stats {
	uint64_t cycles;		/* the unit's own count: start accepted to done */
	uint32_t ports;			/* memory ports of the unit */
	uint64_t read_bytes;		/* all memory ports */
	uint64_t write_bytes;		/* bytes written (strobed), all memory ports */
	uint64_t write_beats;
	uint64_t ctl_bytes;		/* control port (the parameter block) */
	uint64_t port_read_bytes[FLLM_RTL_PORTS_MAX];
	uint64_t port_first_beat[FLLM_RTL_PORTS_MAX];	/* cycle after start; 0 if none */
	uint64_t port_last_beat[FLLM_RTL_PORTS_MAX];
	uint64_t bad_accesses;		/* AXI accesses outside card memory (must be 0) */
	uint64_t watch_read_bytes;	/* read beats of all memory ports inside the
					 * windows of fllm_rtl_unit_watch() */
};

struct fllm_rtl_unit;

/* NULL when the RTL models are built in; otherwise the reason they are not. */
const char *fllm_rtl_unavailable(void);

/*
 * Timing of one HBM pseudo-channel of a card with the given kernel clock and
 * channel peak (MB/s): bytes_per_cycle = chan_mbps / clock, latency 64
 * cycles, 16 bursts in flight. A port never moves more than 64 bytes/cycle.
 */
void fllm_rtl_timing_hbm(struct fllm_rtl_timing *t, uint32_t clock_khz, uint32_t chan_mbps);

/*
 * The unit of type cu_type (FLLM_CU_TEST, FLLM_CU_LUTGEMM, FLLM_CU_VECTOR).
 * 0, -ENOSYS (not built), -EINVAL (unknown type, timing out of range),
 * -ENOMEM.
 */
int fllm_rtl_unit_create(uint32_t cu_type, const struct fllm_rtl_timing *t,
			 struct fllm_rtl_unit **out);
/* NULL is a no-op. */
void fllm_rtl_unit_destroy(struct fllm_rtl_unit *u);

/*
 * Count, from the next command on, the read beats of every memory port whose
 * address lies in one of n windows [lo[i], hi[i]) (stats watch_read_bytes);
 * n = 0 clears them. At most FLLM_RTL_WATCH_MAX windows: 0, -EINVAL (more),
 * -ENOMEM or -ENOSYS (not built).
 */
#define FLLM_RTL_WATCH_MAX	FLLM_RTL_PORTS_MAX
int fllm_rtl_unit_watch(struct fllm_rtl_unit *u, uint32_t n, const uint64_t *lo,
			const uint64_t *hi);

/* Reset the unit and empty the channel models (a command in flight is dropped). */
void fllm_rtl_unit_reset(struct fllm_rtl_unit *u);

/*
 * Start a command on card memory mem (mem_bytes): arg is the command's
 * 48-byte argument as six words (struct fllm_cmd_cu: the parameter block's
 * address and size; struct fllm_cmd_test for the test unit). The LUT-GEMM
 * and vector units check their block themselves; the test unit trusts the
 * firmware's checks, as on the card. 0, or -EBUSY while a command runs.
 */
int fllm_rtl_unit_start(struct fllm_rtl_unit *u, uint8_t *mem /* (mem_bytes) */,
			uint64_t mem_bytes, const uint64_t arg[FLLM_RTL_ARGS]);

/* Clock up to `cycles` cycles; stops at done. 1 once done, else 0. */
int fllm_rtl_unit_step(struct fllm_rtl_unit *u, uint64_t cycles);

/* Cycles clocked since create or reset. */
uint64_t fllm_rtl_unit_cycle(const struct fllm_rtl_unit *u);

/*
 * After done: the unit's status (enum fllm_card_err), its result (test
 * CHECK: mismatching words; vector: non-finite inputs; else 0) and the
 * command's stats.
 */
void fllm_rtl_unit_result(struct fllm_rtl_unit *u, uint16_t *status, uint64_t *result,
			  struct fllm_rtl_stats *st /* or NULL */);

/*
 * start, then step until done or max_cycles: 0 (status, result and *st
 * filled), -EBUSY, or -ETIMEDOUT (the unit is then reset).
 */
int fllm_rtl_unit_run(struct fllm_rtl_unit *u, uint8_t *mem /* (mem_bytes) */,
		      uint64_t mem_bytes, const uint64_t arg[FLLM_RTL_ARGS], uint64_t max_cycles,
		      uint16_t *status, uint64_t *result, struct fllm_rtl_stats *st);

/* arg of a command with a parameter block (FLLM_OP_LUTGEMM, FLLM_OP_VECTOR). */
static inline void fllm_rtl_cu_arg(uint64_t arg[FLLM_RTL_ARGS], uint64_t params,
				   uint64_t params_bytes)
{
	for (unsigned i = 0; i < FLLM_RTL_ARGS; i++)
		arg[i] = 0;
	arg[0] = params;
	arg[1] = params_bytes;
}

/*
 * A bound on the attention unit's cycles for one sequence of a valid
 * command (n tokens at pos): far above what the RTL takes (about 600
 * cycles a tile and kv head for the loads, 3 d a key and query head, 40 d
 * a query token and head, 30 d an APPEND row), so only a hang reaches it.
 */
static inline uint64_t fllm_rtl_attention_seq_cycles(uint32_t n_heads, uint32_t n_kv_heads,
						     uint32_t head_dim, uint32_t pos,
						     uint32_t n)
{
	uint64_t keys = (uint64_t)pos + n + 16;

	return (uint64_t)n * (keys * (200ull * n_kv_heads + 20ull * n_heads * head_dim) +
			      300ull * (n_heads + n_kv_heads) * head_dim + 10000);
}

#ifdef __cplusplus
}
#endif

#endif /* FLLM_RTL_H */
