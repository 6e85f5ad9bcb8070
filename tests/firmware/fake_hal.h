/*
 * A fake card around the firmware for its unit tests: arrays for registers,
 * host memory and card memory, a clock the test sets, a compute unit the
 * test finishes by hand, and switches that make host DMA fail.
 */
#ifndef FLLM_TEST_FAKE_HAL_H
#define FLLM_TEST_FAKE_HAL_H

#include <stdint.h>

#include "fw.h"

#define FAKE_HOST_BASE	0x100000ull	/* bus address of host[0] */
#define FAKE_HOST_SIZE	0x4000u
#define FAKE_CARD_SIZE	0x10000u
#define FAKE_SQ_OFF	0x0000u		/* SQ in host[], 64-aligned */
#define FAKE_CQ_OFF	0x2000u		/* CQ in host[], 32-aligned */
#define FAKE_CLOCK_KHZ	1000u		/* one cycle per microsecond */

struct fake_card {
	uint32_t regs[FLLM_REG_BAR_SIZE / 4];
	uint8_t host[FAKE_HOST_SIZE];	/* host memory, bus FAKE_HOST_BASE + i */
	uint8_t card[FAKE_CARD_SIZE];	/* card memory */
	uint64_t now;			/* cycle counter */
	int fail_host_read, fail_host_write;
	/* the one compute unit the tests use */
	int cu_running, cu_done, cu_starts, cu_resets;
	uint32_t cu_index;
	struct fllm_cmd cu_cmd;
	uint16_t cu_status;
	uint64_t cu_result;
	/* DMA_COPY */
	int copies, copy_err;
	uint32_t copy_dir;
	uint64_t copy_src, copy_dst, copy_bytes;
	/* interrupts */
	uint32_t irq_sources;
	int irq_raises;
	/* the firmware under test and what the driver side tracks */
	struct fw_hal hal;
	struct fw fw;
	uint32_t sq_tail;
};

/* Power-on: identity registers, inventory (TEST, LUTGEMM), fw_reset. */
void fake_init(struct fake_card *fc);
/* Program rings of the given sizes, set ENABLE and poll once. */
void fake_enable(struct fake_card *fc, uint32_t sq_size, uint32_t cq_size);
/* Write cmd at the SQ tail and ring the doorbell. */
void fake_submit(struct fake_card *fc, const struct fllm_cmd *cmd);
/* Completion slot i of the CQ. */
struct fllm_cpl *fake_cpl(struct fake_card *fc, uint32_t i);
/* fw_poll until it reports nothing to do (bounded). */
void fake_run(struct fake_card *fc);
uint32_t fake_reg(const struct fake_card *fc, uint32_t off);
void fake_set_reg(struct fake_card *fc, uint32_t off, uint32_t val);

#endif /* FLLM_TEST_FAKE_HAL_H */
