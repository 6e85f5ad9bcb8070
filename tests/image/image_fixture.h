/* A valid card image description for the image tests. */
#ifndef FLLM_TEST_IMAGE_FIXTURE_H
#define FLLM_TEST_IMAGE_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "fllm_card_lutgemm.h"
#include "fllm_image.h"

/* channels memory channels of 16 MiB, LUT-GEMM and test units, 250 MHz. */
static inline void image_fixture(struct fllm_image_desc *d, uint32_t channels)
{
	fllm_image_desc_init(d);
	d->meta.clock_khz = 250000;
	d->meta.mem_channels = channels;
	d->meta.mem_size = (uint64_t)channels << 24;
	d->meta.mem_chan_mbps = 14375;
	d->meta.cu_count = 2;
	d->meta.cu[0].info = FLLM_CU_INFO_MAKE(FLLM_CU_TEST, 1);
	d->meta.cu[1].info = FLLM_CU_INFO_MAKE(FLLM_CU_LUTGEMM, FLLM_LUTGEMM_VERSION);
	d->meta.cu[1].caps = 0x5;
	d->meta.lutgemm_slices = FLLM_LUTGEMM_SLICES_MAX;
	d->meta.timestamp = 1700000000;
	snprintf(d->platform, sizeof(d->platform), "xilinx_u280_gen3x16_xdma_1_202211_1");
}

#endif
