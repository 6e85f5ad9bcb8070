/*
 * The register view of an XRT card. An Alveo card running fllm's Vitis
 * kernels has no fllm command processor, so the backend answers the
 * identity registers of fllm_card.h itself from the card image: interface
 * version, memory, clock and the units the image has kernels for.
 * Telemetry reads as zero: XRT's C API offers no sensors (docs/xrt.md).
 */
#include <string.h>

#include "xrt_dev.h"

static void set(struct xrt_dev *x, uint32_t off, uint32_t v)
{
	x->regs[off / 4] = v;
}

void xrt_regs_init(struct xrt_dev *x)
{
	const struct fllm_image_meta *m = &x->img.meta;
	uint32_t n = 0;

	memset(x->regs, 0, sizeof(x->regs));
	set(x, FLLM_REG_MAGIC, FLLM_CARD_MAGIC);
	set(x, FLLM_REG_IF_VERSION, m->if_version);
	set(x, FLLM_REG_CAPS, m->mem_channels > 1 ? FLLM_CAP_HBM : 0);
	set(x, FLLM_REG_MEM_SIZE_LO, (uint32_t)m->mem_size);
	set(x, FLLM_REG_MEM_SIZE_HI, (uint32_t)(m->mem_size >> 32));
	set(x, FLLM_REG_MEM_CHANNELS, m->mem_channels);
	set(x, FLLM_REG_MEM_CHAN_MBPS, m->mem_chan_mbps);
	set(x, FLLM_REG_CLOCK_KHZ, m->clock_khz);
	set(x, FLLM_REG_CMD_RING_MAX, 2);
	set(x, FLLM_REG_DMA_MAX_LEN, 1u << 30);
	set(x, FLLM_REG_STATUS, FLLM_STATUS_READY | FLLM_STATUS_QUEUES_ON);
	for (uint32_t i = 0; i < m->cu_count; i++) {
		if (FLLM_CU_INFO_TYPE(m->cu[i].info) != FLLM_CU_LUTGEMM || !x->lg)
			continue;	/* only units with a kernel in the image run */
		set(x, FLLM_REG_CU_INFO(n), m->cu[i].info);
		set(x, FLLM_REG_CU_CAPS(n), m->cu[i].caps);
		n++;
	}
	set(x, FLLM_REG_CU_COUNT, n);
}
