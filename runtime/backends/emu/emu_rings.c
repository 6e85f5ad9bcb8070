/* Ring memory, ring programming and card reset for the emulated card. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

/* 64-aligned zeroed memory for count entries of size bytes. */
static void *ring_alloc(uint32_t count, size_t size)
{
	size_t bytes = ((size_t)count * size + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, bytes);

	if (p)
		memset(p, 0, bytes);
	return p;
}

/* Allocate the SQ, CQ and DMA rings and map them for the card. */
fllm_status emu_rings_alloc(struct emu_dev *e)
{
	e->sq = ring_alloc(e->sq_n, sizeof(*e->sq));
	e->cq = ring_alloc(e->cq_n, sizeof(*e->cq));
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++)
		e->dma[c].ring = ring_alloc(e->dma_n, sizeof(*e->dma[c].ring));
	if (!e->sq || !e->cq || !e->dma[0].ring || !e->dma[1].ring)
		goto err_free;
	if (emu_iommu_map(&e->iommu, e->sq, (uint64_t)e->sq_n * sizeof(*e->sq), 0) ||
	    emu_iommu_map(&e->iommu, e->cq, (uint64_t)e->cq_n * sizeof(*e->cq), 1))
		goto err_free;
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++)
		if (emu_iommu_map(&e->iommu, e->dma[c].ring,
				  (uint64_t)e->dma_n * sizeof(*e->dma[c].ring), 1))
			goto err_free;
	return FLLM_OK;

err_free:
	emu_rings_free(e);
	return FLLM_E_NO_MEMORY;
}

/* Unmap and free the rings (the card must be stopped). */
void emu_rings_free(struct emu_dev *e)
{
	emu_iommu_unmap(&e->iommu, e->sq);
	emu_iommu_unmap(&e->iommu, e->cq);
	free(e->sq);
	free(e->cq);
	e->sq = NULL;
	e->cq = NULL;
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++) {
		emu_iommu_unmap(&e->iommu, e->dma[c].ring);
		free(e->dma[c].ring);
		e->dma[c].ring = NULL;
	}
}

static void sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* Program a 64-bit bus address into a LO/HI register pair. */
static void wr_addr(struct emu_dev *e, uint32_t lo, const void *p)
{
	uint64_t bus = (uintptr_t)p;

	emu_wr(e, lo, (uint32_t)bus);
	emu_wr(e, lo + 4, (uint32_t)(bus >> 32));
}

/*
 * Empty all rings, program their registers, unmask every interrupt and
 * enable the card; then wait (bounded) until it reports the queues on.
 */
fllm_status emu_rings_start(struct emu_dev *e)
{
	uint64_t deadline;
	uint32_t st;

	memset(e->sq, 0, (size_t)e->sq_n * sizeof(*e->sq));
	memset(e->cq, 0, (size_t)e->cq_n * sizeof(*e->cq));
	e->sq_tail = 0;
	e->cq_head = 0;
	wr_addr(e, FLLM_REG_SQ_BASE_LO, e->sq);
	emu_wr(e, FLLM_REG_SQ_SIZE, e->sq_n);
	emu_wr(e, FLLM_REG_SQ_TAIL, 0);
	wr_addr(e, FLLM_REG_CQ_BASE_LO, e->cq);
	emu_wr(e, FLLM_REG_CQ_SIZE, e->cq_n);
	emu_wr(e, FLLM_REG_CQ_HEAD, 0);
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++) {
		memset(e->dma[c].ring, 0, (size_t)e->dma_n * sizeof(*e->dma[c].ring));
		e->dma[c].tail = 0;
		wr_addr(e, FLLM_REG_DMA(c, FLLM_DMA_BASE_LO), e->dma[c].ring);
		emu_wr(e, FLLM_REG_DMA(c, FLLM_DMA_SIZE), e->dma_n);
		emu_wr(e, FLLM_REG_DMA(c, FLLM_DMA_TAIL), 0);
	}
	emu_wr(e, FLLM_REG_IRQ_ACK, FLLM_IRQ_ALL);
	emu_wr(e, FLLM_REG_IRQ_MASK, FLLM_IRQ_ALL);
	emu_wr(e, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);
	for (uint32_t c = 0; c < FLLM_DMA_CHANNELS; c++)
		emu_wr(e, FLLM_REG_DMA(c, FLLM_DMA_CONTROL), FLLM_DMA_CTRL_RUN);
	deadline = emu_deadline(EMU_RESET_TIMEOUT_NS);
	for (;;) {
		st = emu_rd(e, FLLM_REG_STATUS);
		if (st & FLLM_STATUS_FATAL)
			return FLLM_E_IO;
		if (st & FLLM_STATUS_QUEUES_ON)
			return FLLM_OK;
		if (emu_now_ns() >= deadline)
			return FLLM_E_IO;
		sleep_us(100);
	}
}

/* Wait (bounded) for READY with the RESET bit cleared by the card. */
static fllm_status wait_ready(struct emu_dev *e)
{
	uint64_t deadline = emu_deadline(EMU_RESET_TIMEOUT_NS);

	for (;;) {
		if (!(emu_rd(e, FLLM_REG_CONTROL) & FLLM_CTRL_RESET) &&
		    (emu_rd(e, FLLM_REG_STATUS) & FLLM_STATUS_READY))
			return FLLM_OK;
		if (emu_now_ns() >= deadline)
			return FLLM_E_IO;
		sleep_us(100);
	}
}

/*
 * Reset the card with transfers held off: completions already posted are
 * collected, everything else completes as aborted, and the rings start over.
 */
fllm_status emu_reset(void *priv)
{
	struct emu_dev *e = priv;
	fllm_status st;

	pthread_mutex_lock(&e->dma[FLLM_DMA_H2C].lock);
	pthread_mutex_lock(&e->dma[FLLM_DMA_C2H].lock);
	pthread_mutex_lock(&e->qlock);
	emu_queue_reap(e);
	emu_wr(e, FLLM_REG_CONTROL, FLLM_CTRL_RESET);
	st = wait_ready(e);
	emu_queue_abort_all(e);
	if (!st)
		st = emu_rings_start(e);
	e->lost = st != FLLM_OK;
	pthread_mutex_unlock(&e->qlock);
	pthread_mutex_unlock(&e->dma[FLLM_DMA_C2H].lock);
	pthread_mutex_unlock(&e->dma[FLLM_DMA_H2C].lock);
	for (uint32_t v = 0; v < FLLM_IRQ_VECTORS; v++)
		emu_irq_signal(&e->irq[v]);
	return st;
}
