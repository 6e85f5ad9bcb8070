/*
 * The card registers the firmware owns, shared by every firmware file:
 * 64-bit host values, STATUS, the command telemetry and the fatal stop.
 */
#include "fw_internal.h"

/* Read a 64-bit LO/HI pair written by the host (no carry between reads). */
uint64_t fw_reg_read64(const struct fw *fw, uint32_t lo)
{
	const struct fw_hal *hal = fw->hal;

	return (uint64_t)hal->reg_read(hal->ctx, lo) |
	       (uint64_t)hal->reg_read(hal->ctx, lo + 4) << 32;
}

/* Read-modify-write of STATUS; only the card writes it. */
void fw_status_update(struct fw *fw, uint32_t set, uint32_t clear)
{
	const struct fw_hal *hal = fw->hal;
	uint32_t v = hal->reg_read(hal->ctx, FLLM_REG_STATUS);

	hal->reg_write(hal->ctx, FLLM_REG_STATUS, (v & ~clear) | set);
}

/* Mirror the counters the host reads as telemetry. */
void fw_telemetry_publish(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;

	hal->reg_write(hal->ctx, FLLM_REG_TEL_CMDS_HI, (uint32_t)(fw->cmds_done >> 32));
	hal->reg_write(hal->ctx, FLLM_REG_TEL_CMDS_LO, (uint32_t)fw->cmds_done);
	hal->reg_write(hal->ctx, FLLM_REG_TEL_CMD_ERRORS, fw->cmd_errors);
	hal->reg_write(hal->ctx, FLLM_REG_TEL_WATCHDOG, fw->watchdog_fired);
}

/* Stop with err in FATAL_ERROR until the next reset. */
void fw_fatal(struct fw *fw, uint32_t err)
{
	const struct fw_hal *hal = fw->hal;

	fw->fatal = err;
	fw->state = FW_STOPPED;
	hal->reg_write(hal->ctx, FLLM_REG_FATAL_ERROR, err);
	fw_status_update(fw, FLLM_STATUS_FATAL, FLLM_STATUS_QUEUES_ON);
	hal->irq_raise(hal->ctx, FLLM_IRQ_ERROR);
}
