/*
 * The card model's private state, shared by the files in sim/src. Everything
 * here is touched by the card thread only, except regs (atomics, shared with
 * the host) and the wake-up fields under lock.
 */
#ifndef FLLM_SIM_INTERNAL_H
#define FLLM_SIM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "fllm_card.h"
#include "fllm_sim.h"
#include "fllm_attention.h"
#include "fllm_lutgemm_unit.h"
#include "fllm_vector.h"
#include "fw.h"

#define FLLM_SIM_REGS		(FLLM_REG_BAR_SIZE / 4)
#define FLLM_SIM_CU_COUNT	4u	/* the units below */
#define FLLM_SIM_CU_TEST	0u	/* FLLM_CU_TEST */
#define FLLM_SIM_CU_LUTGEMM	1u	/* FLLM_CU_LUTGEMM */
#define FLLM_SIM_CU_VECTOR	2u	/* FLLM_CU_VECTOR */
#define FLLM_SIM_CU_ATTENTION	3u	/* FLLM_CU_ATTENTION */
#define FLLM_SIM_RING_MAX	4096u	/* FLLM_REG_CMD_RING_MAX */
#define FLLM_SIM_DMA_BURST	32u	/* descriptors per channel per step */

/* Card memory: one sparse anonymous mapping, channels are equal slices. */
struct fllm_sim_mem {
	uint8_t *base;		/* (size) bytes, pages committed when touched */
	uint64_t size;
};

/* One DMA engine: the ring latched at DMA_CONTROL.RUN. */
struct fllm_sim_dma {
	uint64_t base;		/* bus address of (size) struct fllm_dma_desc */
	uint32_t size;
	uint32_t head;
	uint32_t run_seen;	/* RUN at the last step (edge detect) */
	int running;
	uint64_t bytes;		/* DMA_BYTES */
};

/* One compute unit: it finishes when the card clock reaches done. */
struct fllm_sim_cu {
	int busy;
	uint64_t start;		/* cycle it started */
	uint64_t done;		/* cycle it finishes; UINT64_MAX = never */
	uint64_t acct;		/* busy time accounted up to this cycle */
	uint64_t busy_cycles;	/* busy time since reset */
	uint16_t status;	/* enum fllm_card_err of the last command */
	uint64_t result;
};

/* Power and thermal model state (power.c). */
struct fllm_sim_power {
	uint64_t last_ns;	/* host time of the last update (sets the pace) */
	uint64_t last_cycles;	/* card time of the last update (the model's time) */
	uint64_t last_busy;	/* CU busy cycles at the last update */
	uint64_t last_dma;	/* DMA bytes at the last update */
	uint64_t last_mem;	/* memory traffic bytes at the last update */
	uint64_t last_lut, last_mac, last_vop;	/* arithmetic counts at the last update */
	double temp_c;
	double energy_mj;
};

struct fllm_sim {
	struct fllm_sim_config cfg;	/* with defaults filled in */
	struct fllm_sim_host host;
	_Atomic uint32_t *regs;		/* BAR0, indexed by offset / 4: regs_own or an
					 * external page (fllm_sim_create_shared) */
	_Atomic uint32_t regs_own[FLLM_SIM_REGS];
	struct fllm_sim_mem mem;
	struct fllm_sim_dma dma[FLLM_DMA_CHANNELS];
	struct fllm_sim_cu cu[FLLM_SIM_CU_COUNT];
	/* per unit: NULL = the hls/ C model (fllm_sim_unit_set); survives resets */
	_Atomic(const struct fllm_sim_unit *) unit_impl[FLLM_SIM_CU_COUNT];
	struct fllm_lutgemm_onchip lutgemm_onchip;	/* this card's LUT-GEMM unit memories */
	struct fllm_vector_onchip vector_onchip;	/* this card's vector unit memories */
	struct fllm_attention_onchip attention_onchip;	/* this card's attention unit memories */
	struct fllm_sim_power power;
	struct fw fw;
	struct fw_hal hal;
	uint64_t t0_ns;		/* CLOCK_MONOTONIC at create */
	uint64_t cycle_base;	/* raw card cycles at the last reset */
	uint64_t dma_bytes;	/* both channels and DMA_COPY, since reset */
	uint64_t mem_bytes;	/* card-memory traffic, since reset */
	uint64_t weight_bytes;	/* of which LUT-GEMM weight reads */
	uint64_t lut_ops;	/* TEL_LUT_OPS: LUT-GEMM lookups and table entries */
	uint64_t macs;		/* TEL_MACS: attention int8 multiply-adds */
	uint64_t vec_ops;	/* TEL_VEC_OPS: vector-unit element operations */
	uint32_t dma_errors;	/* TEL_DMA_ERRORS */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int kicked;		/* under lock: a host write since the last step */
	int stop;		/* under lock: destroy asked the thread to end */
};

/* regs.c: card-side register access. */
uint32_t fllm_sim_reg_get(struct fllm_sim *sim, uint32_t off);
void fllm_sim_reg_set(struct fllm_sim *sim, uint32_t off, uint32_t val);
void fllm_sim_reg_set64(struct fllm_sim *sim, uint32_t lo, uint64_t val);
uint64_t fllm_sim_reg_get64(struct fllm_sim *sim, uint32_t lo);
void fllm_sim_regs_init(struct fllm_sim *sim);

/* clock.c: nanoseconds since create and kernel-clock cycles since reset. */
uint64_t fllm_sim_now_ns(const struct fllm_sim *sim);
uint64_t fllm_sim_raw_cycles(const struct fllm_sim *sim);
uint64_t fllm_sim_cycles(const struct fllm_sim *sim);

/* mem.c */
int fllm_sim_mem_init(struct fllm_sim_mem *mem, uint64_t size);
void fllm_sim_mem_fini(struct fllm_sim_mem *mem);
int fllm_sim_mem_range_ok(const struct fllm_sim_mem *mem, uint64_t addr, uint64_t len);

/* dma.c */
int fllm_sim_dma_poll(struct fllm_sim *sim, uint32_t ch);
void fllm_sim_dma_reset(struct fllm_sim *sim);

/* cu.c */
void fllm_sim_cu_init(struct fllm_sim *sim);
void fllm_sim_cu_start(struct fllm_sim *sim, uint32_t i, const struct fllm_cmd *cmd);
int fllm_sim_cu_poll(struct fllm_sim *sim, uint32_t i, uint16_t *status, uint64_t *result);
void fllm_sim_cu_reset(struct fllm_sim *sim, uint32_t i);
/* Nanoseconds until the earliest running unit's modeled end (0: due now);
 * UINT64_MAX when none runs. */
uint64_t fllm_sim_cu_wait_ns(const struct fllm_sim *sim);
uint64_t fllm_sim_cu_busy_cycles(struct fllm_sim *sim);
/* Publish the traffic and arithmetic counters in their telemetry registers. */
void fllm_sim_tel_counters(struct fllm_sim *sim);

/* irq.c */
void fllm_sim_irq_raise(struct fllm_sim *sim, uint32_t sources);
void fllm_sim_irq_apply_ack(struct fllm_sim *sim);

/* power.c */
void fllm_sim_power_reset(struct fllm_sim *sim);
void fllm_sim_power_update(struct fllm_sim *sim);

/* hal.c */
void fllm_sim_hal_init(struct fllm_sim *sim);

/* reset.c */
void fllm_sim_reset(struct fllm_sim *sim);

/* sim_wake.c: the card thread's lock and condition variable (kick: fllm_sim.h). */
int fllm_sim_wake_init(struct fllm_sim *sim);
void fllm_sim_wake_fini(struct fllm_sim *sim);

/* sim_thread.c: the card thread (create starts it, destroy stops it). */
int fllm_sim_thread_start(struct fllm_sim *sim);
void fllm_sim_thread_stop(struct fllm_sim *sim);

#endif /* FLLM_SIM_INTERNAL_H */
