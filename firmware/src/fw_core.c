/*
 * Firmware main state machine: reset, the ENABLE edge and the fetch / run /
 * post loop. It calls down into fw_ring.c, fw_exec.c and fw_regs.c; none of
 * them calls back.
 */
#include "fw_internal.h"

/* Commands fw_poll() may fetch in one call, to keep a step bounded. */
#define FW_POLL_BUDGET 16

/* See fw.h: clear all state, publish the version and zeroed counters. */
void fw_reset(struct fw *fw, const struct fw_hal *hal)
{
	fw_memset(fw, 0, sizeof(*fw));
	fw->hal = hal;
	fw->state = FW_STOPPED;
	fw->cq_phase = FLLM_CPL_F_PHASE;
	hal->reg_write(hal->ctx, FLLM_REG_FW_VERSION, FW_VERSION);
	hal->reg_write(hal->ctx, FLLM_REG_FATAL_ERROR, 0);
	hal->reg_write(hal->ctx, FLLM_REG_SQ_HEAD, 0);
	hal->reg_write(hal->ctx, FLLM_REG_CQ_TAIL, 0);
	fw_status_update(fw, 0, FLLM_STATUS_QUEUES_ON | FLLM_STATUS_FATAL);
	fw_telemetry_publish(fw);
}

/* Follow CONTROL.ENABLE: start on a rising edge, stop when idle and cleared. */
static int fw_poll_enable(struct fw *fw)
{
	const struct fw_hal *hal = fw->hal;
	uint32_t en = hal->reg_read(hal->ctx, FLLM_REG_CONTROL) & FLLM_CTRL_ENABLE;
	int rising = en && !fw->enable_seen;
	int err;

	fw->enable_seen = en;
	if (rising && fw->state == FW_STOPPED && !fw->fatal) {
		err = fw_ring_enable(fw);
		if (err) {
			fw_fatal(fw, (uint32_t)err);
			return 1;
		}
		fw->state = FW_IDLE;
		fw_status_update(fw, FLLM_STATUS_QUEUES_ON, 0);
		return 1;
	}
	if (!en && fw->state == FW_IDLE) {
		fw->state = FW_STOPPED;
		fw_status_update(fw, 0, FLLM_STATUS_QUEUES_ON);
		return 1;
	}
	return 0;
}

/* Post the finished command; account for it once it is in the ring. */
static int fw_poll_post(struct fw *fw)
{
	int r = fw_ring_post(fw);

	if (r <= 0)
		return 0;
	fw->cmds_done++;
	if (fw->cpl.status)
		fw->cmd_errors++;
	fw_telemetry_publish(fw);
	fw->state = FW_IDLE;
	if (fw->cur.flags & FLLM_CMD_F_IRQ)
		fw->hal->irq_raise(fw->hal->ctx, FLLM_IRQ_CQ);
	return 1;
}

/* See fw.h. */
int fw_poll(struct fw *fw)
{
	int did = fw_poll_enable(fw);

	for (int n = 0; n < FW_POLL_BUDGET; n++) {
		switch (fw->state) {
		case FW_STOPPED:
			return did;
		case FW_RUNNING_CU:
			fw_exec_check_cu(fw);
			if (fw->state == FW_RUNNING_CU)
				return did;
			did = 1;
			break;
		case FW_POSTING:
			if (!fw_poll_post(fw))
				return did;
			did = 1;
			break;
		case FW_IDLE:
			if (fw_poll_enable(fw))
				return 1;
			if (fw_ring_fetch(fw) <= 0)
				return did || fw->state == FW_STOPPED;
			fw_exec_start(fw);
			did = 1;
			break;
		}
	}
	return did;
}
