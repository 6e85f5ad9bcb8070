/*
 * The host side of the card-model tests: host memory the card may reach only
 * inside buffers the test registered (bus address == pointer value), an MSI
 * counter, and a tiny driver that programs the rings through registers.
 */
#ifndef FLLM_TEST_HOST_H
#define FLLM_TEST_HOST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "fllm_card.h"
#include "fllm_sim.h"

#define TH_REGIONS	8
#define TH_RING		16	/* entries in every test ring */

struct test_host {
	struct {
		const void *p;
		size_t len;
	} regions[TH_REGIONS];
	_Atomic unsigned msi[FLLM_IRQ_VECTORS];
	struct fllm_sim_host ops;
	struct fllm_sim *sim;
	struct fllm_cmd *sq;		/* (TH_RING) commands, 64-aligned */
	struct fllm_cpl *cq;		/* (TH_RING) completions, 32-aligned */
	struct fllm_dma_desc *dq[FLLM_DMA_CHANNELS];	/* (TH_RING) descriptors each */
	uint32_t sq_tail, cq_head, dq_tail[FLLM_DMA_CHANNELS];
};

/* Create a model with cfg (NULL = small default card) and enable its rings. */
int th_open(struct test_host *th, const struct fllm_sim_config *cfg);
/* Destroy the model and free the rings; returns 0 if nothing is left live. */
int th_close(struct test_host *th);
/* Allow the card to reach [p, p + len). */
void th_map(struct test_host *th, const void *p, size_t len);
void th_unmap(struct test_host *th, const void *p);
/* Program the rings from zero and set ENABLE and both channels' RUN. */
int th_enable(struct test_host *th);
/* Wait until (reg & mask) == want; 0 or -1 after timeout_ms. */
int th_wait_reg(struct test_host *th, uint32_t off, uint32_t mask, uint32_t want,
		unsigned timeout_ms);
/* Submit one command and wait for its completion; 0 or -1 on timeout. */
int th_cmd(struct test_host *th, const struct fllm_cmd *cmd, struct fllm_cpl *cpl,
	   unsigned timeout_ms);
/* Run one descriptor on channel ch and wait; returns its status word or -1. */
int th_dma(struct test_host *th, uint32_t ch, uint64_t host_addr, uint64_t card_addr,
	   uint32_t len, uint16_t flags);
uint32_t th_reg(struct test_host *th, uint32_t off);
void th_set_reg(struct test_host *th, uint32_t off, uint32_t val);
/* 64-bit counter read with the HI/LO/HI rule. */
uint64_t th_reg64(struct test_host *th, uint32_t lo);
/* Sleep ms milliseconds. */
void th_sleep_ms(unsigned ms);

#endif /* FLLM_TEST_HOST_H */
