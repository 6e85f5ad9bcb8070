// SPDX-License-Identifier: GPL-2.0
/*
 * Card identity, bring-up and reset (docs/card-interface.md, sections 5
 * and 12): refuse what is not an fllm card of our interface major version,
 * read the identity registers, program and enable the command rings, and
 * reset the card with every job in flight completed as aborted.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>

#include "fllm_drv.h"

/* Poll until (reg & mask) == want or the handshake timeout passes. */
static int fllm_card_poll(struct fllm_dev *fdev, u32 reg, u32 mask, u32 want, u32 fail)
{
	unsigned long end = jiffies + msecs_to_jiffies(FLLM_READY_TIMEOUT_MS);
	u32 v;

	for (;;) {
		v = fllm_rd(fdev, reg);
		if (v & fail)
			return -EIO;
		if ((v & mask) == want)
			return 0;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
}

/* Wait for the end of a reset: RESET cleared by the card, STATUS.READY. */
int fllm_card_wait_ready(struct fllm_dev *fdev)
{
	int rc;

	rc = fllm_card_poll(fdev, FLLM_REG_CONTROL, FLLM_CTRL_RESET, 0, 0);
	if (!rc)
		rc = fllm_card_poll(fdev, FLLM_REG_STATUS, FLLM_STATUS_READY, FLLM_STATUS_READY,
				    0);
	return rc;
}

/* Identity registers: check the card is ours and record what it has. */
int fllm_card_identify(struct fllm_dev *fdev)
{
	struct fllm_card_info *in = &fdev->info;
	struct device *dev = &fdev->pdev->dev;
	u32 magic = fllm_rd(fdev, FLLM_REG_MAGIC);
	u32 i;

	if (magic != FLLM_CARD_MAGIC) {
		dev_err(dev, "not an fllm card: magic %#010x, expected %#010x\n", magic,
			FLLM_CARD_MAGIC);
		return -ENODEV;
	}
	in->if_version = fllm_rd(fdev, FLLM_REG_IF_VERSION);
	if (FLLM_CARD_IF_VERSION_MAJOR(in->if_version) != FLLM_CARD_IF_MAJOR) {
		dev_err(dev, "card interface %u.%u, this driver speaks %u.x\n",
			FLLM_CARD_IF_VERSION_MAJOR(in->if_version),
			FLLM_CARD_IF_VERSION_MINOR(in->if_version), FLLM_CARD_IF_MAJOR);
		return -ENODEV;
	}
	in->fw_version = fllm_rd(fdev, FLLM_REG_FW_VERSION);
	in->caps = fllm_rd(fdev, FLLM_REG_CAPS);
	in->mem_size = (u64)fllm_rd(fdev, FLLM_REG_MEM_SIZE_HI) << 32 |
		       fllm_rd(fdev, FLLM_REG_MEM_SIZE_LO);
	in->mem_channels = fllm_rd(fdev, FLLM_REG_MEM_CHANNELS);
	in->mem_chan_mbps = fllm_rd(fdev, FLLM_REG_MEM_CHAN_MBPS);
	in->clock_khz = fllm_rd(fdev, FLLM_REG_CLOCK_KHZ);
	in->ring_max = fllm_rd(fdev, FLLM_REG_CMD_RING_MAX);
	in->dma_max_len = fllm_rd(fdev, FLLM_REG_DMA_MAX_LEN);
	in->cu_count = fllm_rd(fdev, FLLM_REG_CU_COUNT);
	if (!in->mem_size || !in->mem_channels || in->mem_channels > 1024 ||
	    in->mem_size % ((u64)in->mem_channels << PAGE_SHIFT) ||
	    in->cu_count > FLLM_CU_MAX || in->ring_max < 2 ||
	    (in->ring_max & (in->ring_max - 1)) || in->dma_max_len < 4096 ||
	    !in->clock_khz || !(in->caps & FLLM_CAP_DMA)) {
		dev_err(dev, "card identity out of range: mem %llu in %u channels, %u units, ring max %u, DMA max %u, clock %u kHz, caps %#x\n",
			in->mem_size, in->mem_channels, in->cu_count, in->ring_max,
			in->dma_max_len, in->clock_khz, in->caps);
		return -ENODEV;
	}
	for (i = 0; i < in->cu_count; i++) {
		in->cu_info[i] = fllm_rd(fdev, FLLM_REG_CU_INFO(i));
		in->cu_caps[i] = fllm_rd(fdev, FLLM_REG_CU_CAPS(i));
	}
	fdev->sq_n = min(FLLM_SQ_ENTRIES, in->ring_max);
	fdev->cq_n = min(FLLM_CQ_ENTRIES, in->ring_max);
	return 0;
}

/* Empty the command rings and enable the queues (qlock held or probe). */
static int fllm_card_enable(struct fllm_dev *fdev)
{
	int rc;

	memset(fdev->sq, 0, (size_t)fdev->sq_n * sizeof(*fdev->sq));
	memset(fdev->cq, 0, (size_t)fdev->cq_n * sizeof(*fdev->cq));
	fdev->sq_tail = 0;
	fdev->cq_head = 0;
	fllm_rings_program(fdev);
	fllm_wr(fdev, FLLM_REG_IRQ_ACK, FLLM_IRQ_ALL);
	fllm_wr(fdev, FLLM_REG_IRQ_MASK,
		fdev->irq_mode == FLLM_UAPI_IRQ_POLL ? 0 : FLLM_IRQ_ALL);
	dma_wmb();
	fllm_wr(fdev, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);
	rc = fllm_card_poll(fdev, FLLM_REG_STATUS, FLLM_STATUS_QUEUES_ON, FLLM_STATUS_QUEUES_ON,
			    FLLM_STATUS_FATAL);
	if (rc)
		dev_err(&fdev->pdev->dev, "card did not enable its queues (status %#x, fatal error %u)\n",
			fllm_rd(fdev, FLLM_REG_STATUS), fllm_rd(fdev, FLLM_REG_FATAL_ERROR));
	return rc;
}

/* Reset with qlock held: abort the jobs, start the queues again. */
static int fllm_card_reset_locked(struct fllm_dev *fdev)
{
	int rc;

	fllm_queue_reap(fdev);
	fllm_wr(fdev, FLLM_REG_CONTROL, FLLM_CTRL_RESET);
	rc = fllm_card_wait_ready(fdev);
	/* the card touches no host memory from here on: transfers may unpin */
	atomic_inc(&fdev->reset_gen);
	fdev->driver_resets++;
	fllm_queue_abort_all(fdev);
	if (!rc && !fdev->gone)
		rc = fllm_card_enable(fdev);
	fdev->fatal = rc != 0 || fdev->gone;
	return rc;
}

/* Reset the card (why goes to the kernel log); 0 or a negative errno. */
int fllm_card_reset(struct fllm_dev *fdev, const char *why)
{
	int rc;

	dev_info(&fdev->pdev->dev, "resetting card: %s\n", why);
	mutex_lock(&fdev->qlock);
	rc = fllm_card_reset_locked(fdev);
	mutex_unlock(&fdev->qlock);
	fllm_wake_all(fdev);
	if (rc)
		dev_err(&fdev->pdev->dev, "card reset failed: %d\n", rc);
	return rc;
}

/* Probe-time bring-up: reset a card that was used before, enable queues. */
int fllm_card_start(struct fllm_dev *fdev)
{
	u32 st = fllm_rd(fdev, FLLM_REG_STATUS);
	int rc;

	if (!(st & FLLM_STATUS_READY) || (st & (FLLM_STATUS_FATAL | FLLM_STATUS_QUEUES_ON)) ||
	    fllm_rd(fdev, FLLM_REG_CONTROL)) {
		fllm_wr(fdev, FLLM_REG_CONTROL, FLLM_CTRL_RESET);
		rc = fllm_card_wait_ready(fdev);
		if (rc) {
			dev_err(&fdev->pdev->dev, "card did not come out of reset\n");
			return rc;
		}
	}
	/* a reset keeps the budget a previous user set: start from the default */
	fllm_wr(fdev, FLLM_REG_WATCHDOG_US, 0);
	return fllm_card_enable(fdev);
}

/* Stop everything the card does (remove): a reset ends all DMA. */
void fllm_card_stop(struct fllm_dev *fdev)
{
	mutex_lock(&fdev->qlock);
	fllm_card_reset_locked(fdev);
	fllm_wr(fdev, FLLM_REG_IRQ_MASK, 0);
	fllm_wr(fdev, FLLM_REG_CONTROL, 0);
	mutex_unlock(&fdev->qlock);
	fllm_wake_all(fdev);
}
