/*
 * The xrt backend: an Alveo card driven through XRT's C API
 * (libxrt_coreutil), running the kernels of an fllm card image
 * (docs/xrt.md). Private to libfllm.
 */
#ifndef FLLM_XRT_DEV_H
#define FLLM_XRT_DEV_H

#include <pthread.h>
#include <stdint.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "backend.h"
#include "fllm_image.h"

struct xrt_bo {
	xrtBufferHandle h;
	uint64_t addr, size;	/* card address range */
	struct xrt_bo *next;	/* the device's list, for address lookups */
};

struct fllm_backend_job {
	uint32_t n;
	struct fllm_cpl *cpl;	/* (n) filled at submit */
};

struct xrt_dev {
	xrtDeviceHandle dev;
	xrtKernelHandle lg;		/* LUT-GEMM kernel, NULL when the image has none */
	void *image_buf;		/* the image file; img points into it */
	struct fllm_image img;
	int emulated;			/* XCL_EMULATION_MODE set: synthetic card addresses */
	uint64_t next_addr[FLLM_IMAGE_CHANNELS_MAX];	/* emulation: bump per bank */
	uint32_t regs[FLLM_REG_BAR_SIZE / 4];	/* the register view (xrt_regs.c) */
	uint32_t seq;
	pthread_mutex_t lock;		/* bos, seq, regs, next_addr */
	struct xrt_bo *bos;
};

/* Make sure XRT finds its libraries before any XRT call (xrt_env.c). */
fllm_status xrt_env_prepare(void);

/* Fill the register view from the image (xrt_regs.c). */
void xrt_regs_init(struct xrt_dev *x);

/* Run one command record into its completion (xrt_queue.c). */
void xrt_queue_run(struct xrt_dev *x, const struct fllm_cmd *cmd, struct fllm_cpl *cpl);

#endif /* FLLM_XRT_DEV_H */
