/*
 * The command and completion rings in host memory: latching their
 * configuration, fetching commands and posting completions.
 */
#include "fw_internal.h"

/* 1 if size is a power of two in [2, max]. */
static int fw_ring_size_ok(uint32_t size, uint32_t max)
{
	return size >= 2 && size <= max && (size & (size - 1)) == 0;
}

/* Latch SQ/CQ base and size at the ENABLE edge and check them. */
int fw_ring_enable(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint32_t max = hal->reg_read(hal->ctx, FLLM_REG_CMD_RING_MAX);

	fw->sq_base = fw_reg_read64(fw, FLLM_REG_SQ_BASE_LO);
	fw->cq_base = fw_reg_read64(fw, FLLM_REG_CQ_BASE_LO);
	fw->sq_size = hal->reg_read(hal->ctx, FLLM_REG_SQ_SIZE);
	fw->cq_size = hal->reg_read(hal->ctx, FLLM_REG_CQ_SIZE);
	if (!fw->sq_base || (fw->sq_base & 63) || !fw->cq_base || (fw->cq_base & 31))
		return FLLM_CARD_ERR_RING;
	if (!fw_ring_size_ok(fw->sq_size, max) || !fw_ring_size_ok(fw->cq_size, max))
		return FLLM_CARD_ERR_RING;
	fw->sq_head = 0;
	fw->cq_tail = 0;
	fw->cq_phase = FLLM_CPL_F_PHASE;
	hal->reg_write(hal->ctx, FLLM_REG_SQ_HEAD, 0);
	hal->reg_write(hal->ctx, FLLM_REG_CQ_TAIL, 0);
	return FLLM_CARD_OK;
}

/* Fetch the entry at our head if SQ_TAIL has moved past it. */
int fw_ring_fetch(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint32_t tail = hal->reg_read(hal->ctx, FLLM_REG_SQ_TAIL);
	uint64_t at;

	if (tail >= fw->sq_size) {
		fw_fatal(fw, FLLM_CARD_ERR_RING);
		return -1;
	}
	if (tail == fw->sq_head)
		return 0;
	at = fw->sq_base + (uint64_t)fw->sq_head * sizeof(struct fllm_cmd);
	if (hal->host_read(hal->ctx, at, &fw->cur, sizeof(fw->cur))) {
		fw_fatal(fw, FLLM_CARD_ERR_HOST_DMA);
		return -1;
	}
	fw->sq_head = (fw->sq_head + 1) & (fw->sq_size - 1);
	hal->reg_write(hal->ctx, FLLM_REG_SQ_HEAD, fw->sq_head);
	return 1;
}

/* Write fw->cpl into the next CQ slot unless the ring is full. */
int fw_ring_post(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint32_t head = hal->reg_read(hal->ctx, FLLM_REG_CQ_HEAD);
	uint32_t next = (fw->cq_tail + 1) & (fw->cq_size - 1);
	uint64_t at;

	if (head >= fw->cq_size) {
		fw_fatal(fw, FLLM_CARD_ERR_RING);
		return -1;
	}
	if (next == head)
		return 0;
	fw->cpl.flags = (uint16_t)fw->cq_phase;
	at = fw->cq_base + (uint64_t)fw->cq_tail * sizeof(struct fllm_cpl);
	if (hal->host_write(hal->ctx, at, &fw->cpl, sizeof(fw->cpl))) {
		fw_fatal(fw, FLLM_CARD_ERR_HOST_DMA);
		return -1;
	}
	fw->cq_tail = next;
	if (next == 0)
		fw->cq_phase ^= FLLM_CPL_F_PHASE;
	hal->reg_write(hal->ctx, FLLM_REG_CQ_TAIL, fw->cq_tail);
	return 1;
}
