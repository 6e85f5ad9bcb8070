/*
 * Running one command: firmware-run opcodes complete at once, compute-unit
 * opcodes start a unit that fw_exec_check_cu() then watches.
 */
#include "fw_internal.h"

/* Finish fw->cur with status and result; the completion waits to be posted. */
static void fw_exec_complete(struct fw *fw, uint32_t status, uint64_t result)
{
	fw->cpl.status = (uint16_t)status;
	fw->cpl.result = result;
	fw->cpl.cycles = fw->hal->cycles(fw->hal->ctx) - fw->cpl.start_cycle;
	fw->state = FW_POSTING;
}

/* Watchdog budget of fw->cur in kernel-clock cycles. */
static uint64_t fw_exec_budget(const struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint64_t us = fw->cur.timeout_us;
	uint64_t khz = hal->reg_read(hal->ctx, FLLM_REG_CLOCK_KHZ);

	if (!us)
		us = hal->reg_read(hal->ctx, FLLM_REG_WATCHDOG_US);
	if (!us)
		us = FW_WATCHDOG_DEFAULT_US;
	if (!khz)
		khz = 1;
	return us * khz / 1000u;
}

/* TIMESTAMP: store the cycle counter at arg0 (validated). */
static void fw_exec_timestamp(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint64_t now = hal->cycles(hal->ctx);

	if (hal->card_write(hal->ctx, fw->cur.arg[0], &now, sizeof(now)))
		fw_exec_complete(fw, FLLM_CARD_ERR_INTERNAL, 0);
	else
		fw_exec_complete(fw, FLLM_CARD_OK, now);
}

/* DMA_COPY on the DMA engine (validated). */
static void fw_exec_copy(struct fw *fw)
{
	struct fllm_cmd_dma_copy a;
	int err;

	fw_memcpy(&a, fw->cur.arg, sizeof(a));
	err = fw->hal->copy(fw->hal->ctx, (uint32_t)a.dir, a.src, a.dst, a.bytes);
	fw_exec_complete(fw, (uint32_t)err, 0);
}

/* Validate fw->cur and run it or start its unit. */
void fw_exec_start(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint32_t cu = 0;
	int err;

	fw_memset(&fw->cpl, 0, sizeof(fw->cpl));
	fw->cpl.seq = fw->cur.seq;
	fw->cpl.start_cycle = hal->cycles(hal->ctx);
	err = fw_validate(fw, &fw->cur, &cu);
	if (err) {
		fw_exec_complete(fw, (uint32_t)err, 0);
		return;
	}
	switch (fw->cur.opcode) {
	case FLLM_OP_NOP:
	case FLLM_OP_FENCE:
		fw_exec_complete(fw, FLLM_CARD_OK, 0);
		break;
	case FLLM_OP_TIMESTAMP:
		fw_exec_timestamp(fw);
		break;
	case FLLM_OP_DMA_COPY:
		fw_exec_copy(fw);
		break;
	default:
		fw->cur_cu = cu;
		fw->cu_deadline = fw->cpl.start_cycle + fw_exec_budget(fw);
		hal->cu_start(hal->ctx, cu, &fw->cur);
		fw->state = FW_RUNNING_CU;
		break;
	}
}

/* Complete the running unit's command if it is done or its budget ran out. */
void fw_exec_check_cu(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint16_t status = FLLM_CARD_OK;
	uint64_t result = 0;

	if (hal->cu_poll(hal->ctx, fw->cur_cu, &status, &result)) {
		fw_exec_complete(fw, status, result);
		return;
	}
	if (hal->cycles(hal->ctx) < fw->cu_deadline)
		return;
	hal->cu_reset(hal->ctx, fw->cur_cu);
	fw->watchdog_fired++;
	fw_exec_complete(fw, FLLM_CARD_ERR_WATCHDOG, 0);
	hal->irq_raise(hal->ctx, FLLM_IRQ_ERROR);
}
