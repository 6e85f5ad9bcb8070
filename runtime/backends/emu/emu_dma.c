/*
 * Blocking host <-> card transfers over the emulated card's DMA channels:
 * the buffer is mapped for the card, cut into descriptors of at most
 * DMA_MAX_LEN bytes, fed through the descriptor ring (refilled as the card
 * completes entries), and every written-back status is checked.
 */
#include <stdatomic.h>

#include "emu.h"

struct xfer {
	uint8_t *host;		/* (len) bytes of the caller's buffer */
	uint64_t card_addr;
	uint64_t len;
	uint64_t next;		/* bytes handed to descriptors so far */
	uint32_t submitted, completed;
};

/* Fill free ring slots with the next pieces; returns how many were added. */
static uint32_t feed(struct emu_dev *e, struct emu_dma *ch, struct xfer *x)
{
	uint32_t added = 0;

	while (x->next < x->len && x->submitted - x->completed < e->dma_n - 1) {
		struct fllm_dma_desc *d = &ch->ring[ch->tail];
		uint64_t piece = x->len - x->next;

		if (piece > e->dma_max_len)
			piece = e->dma_max_len;
		d->host_addr = (uintptr_t)(x->host + x->next);
		d->card_addr = x->card_addr + x->next;
		d->len = (uint32_t)piece;
		d->flags = FLLM_DESC_F_IRQ;
		d->status = 0;
		d->cookie = x->submitted;
		x->next += piece;
		x->submitted++;
		ch->tail = (ch->tail + 1) % e->dma_n;
		added++;
	}
	return added;
}

/* Run one transfer on channel c; the caller holds nothing. */
static fllm_status transfer(struct emu_dev *e, uint32_t c, uint64_t card_addr, void *host,
			    uint64_t len)
{
	struct emu_dma *ch = &e->dma[c];
	struct emu_irq *irq = &e->irq[ch->vector];
	struct xfer x = { .host = host, .card_addr = card_addr, .len = len };
	uint32_t head, hw_head;
	uint64_t last_progress;
	fllm_status st = FLLM_OK;

	pthread_mutex_lock(&ch->lock);
	if (emu_iommu_map(&e->iommu, host, len, c == FLLM_DMA_C2H)) {
		pthread_mutex_unlock(&ch->lock);
		return FLLM_E_IO;
	}
	head = ch->tail;	/* the ring is empty between transfers */
	last_progress = emu_now_ns();
	for (;;) {
		uint64_t seen = emu_irq_count(irq);

		if (!st && feed(e, ch, &x)) {
			atomic_thread_fence(memory_order_release);
			emu_wr(e, FLLM_REG_DMA(c, FLLM_DMA_TAIL), ch->tail);
		}
		emu_wr(e, FLLM_REG_IRQ_ACK, 1u << ch->vector);
		hw_head = emu_rd(e, FLLM_REG_DMA(c, FLLM_DMA_HEAD));
		atomic_thread_fence(memory_order_acquire);
		if (hw_head >= e->dma_n) {
			st = FLLM_E_IO;		/* nonsense from the card: stop here */
			break;
		}
		while (head != hw_head && x.completed < x.submitted) {
			uint16_t s = ch->ring[head].status;

			if (!(s & FLLM_DESC_S_DONE) || FLLM_DESC_S_ERR(s))
				st = FLLM_E_IO;
			head = (head + 1) % e->dma_n;
			x.completed++;
			last_progress = emu_now_ns();
		}
		if (x.completed == x.submitted && (st || x.next == x.len))
			break;
		if (emu_now_ns() - last_progress > EMU_DMA_TIMEOUT_NS) {
			st = FLLM_E_IO;
			break;
		}
		emu_irq_wait(irq, seen, UINT64_MAX);
	}
	if (st && x.completed == x.submitted)	/* the engine may stop on errors */
		emu_wr(e, FLLM_REG_DMA(c, FLLM_DMA_CONTROL), FLLM_DMA_CTRL_RUN);
	emu_iommu_unmap(&e->iommu, host);
	pthread_mutex_unlock(&ch->lock);
	return st;
}

fllm_status emu_bo_write(void *priv, void *bo_priv, uint64_t card_addr, const void *src,
			 uint64_t len)
{
	/* the H2C channel only reads the buffer: it is mapped read-only */
	return transfer(priv, FLLM_DMA_H2C, card_addr, (void *)(uintptr_t)src, len);
}

fllm_status emu_bo_read(void *priv, void *bo_priv, uint64_t card_addr, void *dst, uint64_t len)
{
	return transfer(priv, FLLM_DMA_C2H, card_addr, dst, len);
}
