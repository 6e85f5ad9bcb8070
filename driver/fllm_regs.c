// SPDX-License-Identifier: GPL-2.0
/*
 * Register access. Every read and write of a card register goes through
 * here, so the real card (registers in BAR0) and the VM rig (registers in
 * the shared memory of QEMU's ivshmem device, BAR2) share one code path.
 *
 * The ivshmem shim: a shared-memory write does not reach the card model by
 * itself, so after each write to a register the card acts on (doorbells,
 * CONTROL, DMA CONTROL, IRQ_ACK) the driver rings ivshmem's Doorbell
 * register, which QEMU turns into an eventfd signal to the model.
 */
#include <linux/io.h>

#include "fllm_drv.h"

/* True for registers whose writes the card must notice at once. */
static bool fllm_reg_wakes_card(u32 off)
{
	u32 r;

	switch (off) {
	case FLLM_REG_CONTROL:
	case FLLM_REG_SQ_TAIL:
	case FLLM_REG_CQ_HEAD:
	case FLLM_REG_IRQ_ACK:
		return true;
	}
	if (off < FLLM_REG_DMA_BASE ||
	    off >= FLLM_REG_DMA_BASE + FLLM_DMA_CHANNELS * FLLM_REG_DMA_STRIDE)
		return false;
	r = (off - FLLM_REG_DMA_BASE) % FLLM_REG_DMA_STRIDE;
	return r == FLLM_DMA_TAIL || r == FLLM_DMA_CONTROL;
}

/* Read a 32-bit card register. */
u32 fllm_rd(struct fllm_dev *fdev, u32 off)
{
	return readl(fdev->regs + off);
}

/* Write a 32-bit card register; wake the model behind ivshmem if needed. */
void fllm_wr(struct fllm_dev *fdev, u32 off, u32 val)
{
	writel(val, fdev->regs + off);
	if (fdev->ivsh && fllm_reg_wakes_card(off))
		writel(FLLM_IVSHMEM_MODEL_PEER << 16, fdev->ivsh + FLLM_IVSHMEM_DOORBELL);
}

/* A 64-bit counter the card keeps moving: HI, LO, HI again until stable. */
u64 fllm_rd64(struct fllm_dev *fdev, u32 lo)
{
	u32 hi, lo_val, hi2;
	int tries = 0;

	do {
		hi = fllm_rd(fdev, lo + 4);
		lo_val = fllm_rd(fdev, lo);
		hi2 = fllm_rd(fdev, lo + 4);
	} while (hi != hi2 && ++tries < 8);
	return (u64)hi2 << 32 | lo_val;
}

/*
 * Acknowledge interrupt sources. The card clears IRQ_ACK once it applied it;
 * a card model behind shared memory applies it later, so bits another
 * handler wrote and the card has not taken yet are kept.
 */
void fllm_irq_ack(struct fllm_dev *fdev, u32 sources)
{
	unsigned long flags;

	spin_lock_irqsave(&fdev->irq_lock, flags);
	fllm_wr(fdev, FLLM_REG_IRQ_ACK, sources | fllm_rd(fdev, FLLM_REG_IRQ_ACK));
	spin_unlock_irqrestore(&fdev->irq_lock, flags);
}
