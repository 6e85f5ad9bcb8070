/*
 * fllm firmware: the card's command processor.
 *
 * Freestanding C (no libc, no dynamic allocation). It fetches commands from
 * the submission ring in host memory, validates each one, runs it (itself for
 * NOP/FENCE/TIMESTAMP, the DMA engine for DMA_COPY, a compute unit for the
 * rest), guards compute units with a watchdog, posts completions and keeps the
 * command telemetry counters.
 *
 * Everything the firmware touches goes through struct fw_hal: the card model
 * in sim/ implements it for host builds, firmware/platform/rv32 for the soft
 * core. The firmware never blocks: fw_poll() does a bounded step of work and
 * returns, so the platform decides how to wait (WFI, a condition variable).
 *
 * Command processor semantics (docs/card-interface.md follows this block):
 *  - CONTROL.ENABLE rising edge: latch SQ/CQ BASE and SIZE. Bases must be
 *    nonzero, SQ 64-aligned, CQ 32-aligned; sizes powers of two in
 *    [2, CMD_RING_MAX]. Both rings start at index 0 (the host zeroes SQ_TAIL
 *    and CQ_HEAD before enabling) and the completion phase at 1. Then
 *    STATUS.QUEUES_ON is set. A bad ring configuration is fatal.
 *  - ENABLE cleared: the command in progress (including the wait to post its
 *    completion) finishes, then the processor stops and QUEUES_ON clears.
 *  - A ring is full when producer + 1 == consumer (mod size), so it holds at
 *    most size - 1 entries. The card fetches entries between its head and
 *    SQ_TAIL and publishes SQ_HEAD after each fetch. It writes each 32-byte
 *    completion (FLLM_CPL_F_PHASE 1 on the first pass, flipped on each wrap)
 *    and then publishes CQ_TAIL; while the CQ is full it waits for CQ_HEAD.
 *  - Every command is validated (fw_validate) before anything is touched: a
 *    known opcode, flags within FLLM_CMD_F_MASK, cmd.reserved zero, argument
 *    words the opcode does not use zero, reserved argument words zero, enum
 *    arguments known, card ranges inside memory without overflow, alignment
 *    and sizes as fllm_card.h says, and a compute unit of the needed type in
 *    the inventory. A bad command completes with its error code without
 *    touching memory, counts in TEL_CMD_ERRORS, and the next command runs.
 *  - Commands run one at a time in ring order, so every command, FENCE
 *    included, starts only after everything before it has completed; FENCE
 *    and FLLM_CMD_F_FENCE need no further work.
 *  - TIMESTAMP writes the 64-bit cycle counter to card memory (and returns it
 *    in result). DMA_COPY runs on the DMA engine (hal->copy). TEST and the
 *    compute-unit opcodes start a unit; the watchdog budget is
 *    cmd.timeout_us, else WATCHDOG_US, else FW_WATCHDOG_DEFAULT_US,
 *    converted to cycles with CLOCK_KHZ. On expiry the unit is reset and the
 *    command completes with FLLM_CARD_ERR_WATCHDOG; TEL_WATCHDOG counts it
 *    and FLLM_IRQ_ERROR is raised.
 *  - Completion: seq, status, start_cycle, cycles (run time), result; with
 *    FLLM_CMD_F_IRQ, FLLM_IRQ_CQ is raised after CQ_TAIL moves. TEL_CMDS,
 *    TEL_CMD_ERRORS and TEL_WATCHDOG are updated as completions are posted.
 *  - Fatal errors (bad ring configuration, SQ_TAIL or CQ_HEAD outside the
 *    ring: FLLM_CARD_ERR_RING; a failed read of the SQ or write of the CQ:
 *    FLLM_CARD_ERR_HOST_DMA) set FATAL_ERROR and STATUS.FATAL, clear
 *    QUEUES_ON, raise FLLM_IRQ_ERROR and stop the processor until
 *    CONTROL.RESET.
 */
#ifndef FLLM_FW_H
#define FLLM_FW_H

#include <stdint.h>
#include "fllm_card.h"

#define FW_VERSION_MAJOR 1u
#define FW_VERSION_MINOR 0u
#define FW_VERSION ((FW_VERSION_MAJOR << 16) | FW_VERSION_MINOR)

/* Default compute-unit budget when neither the command nor WATCHDOG_US sets one. */
#define FW_WATCHDOG_DEFAULT_US 1000000u

/* What the firmware needs from the card around it. Every call is non-blocking. */
struct fw_hal {
	void *ctx;
	/* BAR0 as the card sees it: the card may write RO registers. */
	uint32_t (*reg_read)(void *ctx, uint32_t off);
	void (*reg_write)(void *ctx, uint32_t off, uint32_t val);
	/* Free-running kernel-clock cycle counter. */
	uint64_t (*cycles)(void *ctx);
	/* Host memory by bus address; 0 on success, nonzero if the access failed. */
	int (*host_read)(void *ctx, uint64_t bus, void *dst, uint32_t len);
	int (*host_write)(void *ctx, uint64_t bus, const void *src, uint32_t len);
	/* Card memory; the firmware has checked the range already. */
	int (*card_write)(void *ctx, uint64_t addr, const void *src, uint32_t len);
	/* Bulk copy by the DMA engine (enum fllm_copy_dir); ranges already checked
	 * on the card side. Returns an enum fllm_card_err. */
	int (*copy)(void *ctx, uint32_t dir, uint64_t src, uint64_t dst, uint64_t bytes);
	/* Compute unit i (index into the CU inventory registers). */
	void (*cu_start)(void *ctx, uint32_t cu, const struct fllm_cmd *cmd);
	/* 1 when done (status: enum fllm_card_err, result: completion result), else 0. */
	int (*cu_poll)(void *ctx, uint32_t cu, uint16_t *status, uint64_t *result);
	void (*cu_reset)(void *ctx, uint32_t cu);
	/* Set FLLM_REG_IRQ_STATUS bits and send the enabled vectors. */
	void (*irq_raise)(void *ctx, uint32_t sources);
};

enum fw_state_kind {
	FW_STOPPED = 0,		/* CONTROL.ENABLE clear or fatal error */
	FW_IDLE,		/* waiting for SQ_TAIL to move */
	FW_RUNNING_CU,		/* a compute unit is busy with cur */
	FW_POSTING,		/* waiting for room in the completion ring */
};

/* All firmware state: statically allocated by the platform. */
struct fw {
	const struct fw_hal *hal;
	enum fw_state_kind state;
	/* rings latched at enable */
	uint64_t sq_base, cq_base;
	uint32_t sq_size, cq_size;
	uint32_t sq_head;		/* next entry to fetch */
	uint32_t cq_tail;		/* next completion slot */
	uint32_t cq_phase;		/* FLLM_CPL_F_PHASE of the current pass */
	/* command in flight */
	struct fllm_cmd cur;
	struct fllm_cpl cpl;
	uint32_t cur_cu;
	uint64_t cu_deadline;		/* cycle at which the watchdog fires */
	uint32_t enable_seen;		/* CONTROL.ENABLE at the last poll (edge detect) */
	uint32_t fatal;			/* enum fllm_card_err that stopped us, 0 if none */
	/* counters mirrored into telemetry registers */
	uint64_t cmds_done;
	uint32_t cmd_errors;
	uint32_t watchdog_fired;
};

/* Reset state (power-on or CONTROL.RESET) and publish FW_VERSION. */
void fw_reset(struct fw *fw, const struct fw_hal *hal);

/*
 * One bounded step: follow CONTROL.ENABLE, fetch and run or finish at most a
 * few commands. Returns nonzero if it did anything (the platform may then
 * call again at once) and zero if it is waiting for the host or a unit.
 */
int fw_poll(struct fw *fw);

/*
 * Validate a command against the card's memory size and inventory without
 * running it. Returns an enum fllm_card_err; *cu receives the unit index for
 * compute-unit commands. Exposed for tests.
 */
int fw_validate(const struct fw *fw, const struct fllm_cmd *cmd, uint32_t *cu);

#endif /* FLLM_FW_H */
