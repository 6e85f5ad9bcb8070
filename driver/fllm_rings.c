// SPDX-License-Identifier: GPL-2.0
/*
 * Ring memory: the command and completion rings and one descriptor ring per
 * DMA channel, all in coherent DMA memory the card reads and writes.
 */
#include <linux/dma-mapping.h>

#include "fllm_drv.h"

/* Allocate every ring; on failure nothing stays allocated. */
int fllm_rings_alloc(struct fllm_dev *fdev)
{
	struct device *dev = &fdev->pdev->dev;
	u32 c;

	fdev->sq = dma_alloc_coherent(dev, (size_t)fdev->sq_n * sizeof(*fdev->sq), &fdev->sq_bus,
				      GFP_KERNEL);
	fdev->cq = dma_alloc_coherent(dev, (size_t)fdev->cq_n * sizeof(*fdev->cq), &fdev->cq_bus,
				      GFP_KERNEL);
	for (c = 0; c < FLLM_DMA_CHANNELS; c++)
		fdev->dma[c].ring = dma_alloc_coherent(dev, FLLM_DMA_ENTRIES *
						       sizeof(struct fllm_dma_desc),
						       &fdev->dma[c].ring_bus, GFP_KERNEL);
	if (!fdev->sq || !fdev->cq || !fdev->dma[0].ring || !fdev->dma[1].ring) {
		fllm_rings_free(fdev);
		return -ENOMEM;
	}
	return 0;
}

/* Free the rings; the card must have been stopped (reset) first. */
void fllm_rings_free(struct fllm_dev *fdev)
{
	struct device *dev = &fdev->pdev->dev;
	u32 c;

	if (fdev->sq)
		dma_free_coherent(dev, (size_t)fdev->sq_n * sizeof(*fdev->sq), fdev->sq,
				  fdev->sq_bus);
	if (fdev->cq)
		dma_free_coherent(dev, (size_t)fdev->cq_n * sizeof(*fdev->cq), fdev->cq,
				  fdev->cq_bus);
	fdev->sq = NULL;
	fdev->cq = NULL;
	for (c = 0; c < FLLM_DMA_CHANNELS; c++) {
		if (fdev->dma[c].ring)
			dma_free_coherent(dev, FLLM_DMA_ENTRIES * sizeof(struct fllm_dma_desc),
					  fdev->dma[c].ring, fdev->dma[c].ring_bus);
		fdev->dma[c].ring = NULL;
	}
}

/* Write a bus address into a LO/HI register pair. */
static void fllm_wr_bus(struct fllm_dev *fdev, u32 lo, dma_addr_t bus)
{
	fllm_wr(fdev, lo, lower_32_bits(bus));
	fllm_wr(fdev, lo + 4, upper_32_bits(bus));
}

/*
 * Program ring bases, sizes and zero indices (the card latches them when
 * ENABLE or a channel's RUN rises). The DMA rings' own indices are set when
 * a transfer restarts its channel.
 */
void fllm_rings_program(struct fllm_dev *fdev)
{
	u32 c;

	fllm_wr_bus(fdev, FLLM_REG_SQ_BASE_LO, fdev->sq_bus);
	fllm_wr(fdev, FLLM_REG_SQ_SIZE, fdev->sq_n);
	fllm_wr(fdev, FLLM_REG_SQ_TAIL, 0);
	fllm_wr_bus(fdev, FLLM_REG_CQ_BASE_LO, fdev->cq_bus);
	fllm_wr(fdev, FLLM_REG_CQ_SIZE, fdev->cq_n);
	fllm_wr(fdev, FLLM_REG_CQ_HEAD, 0);
	for (c = 0; c < FLLM_DMA_CHANNELS; c++) {
		fllm_wr_bus(fdev, FLLM_REG_DMA(c, FLLM_DMA_BASE_LO), fdev->dma[c].ring_bus);
		fllm_wr(fdev, FLLM_REG_DMA(c, FLLM_DMA_SIZE), FLLM_DMA_ENTRIES);
	}
}
