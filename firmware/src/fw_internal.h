/* Firmware-private helpers shared by the files in firmware/src. */
#ifndef FLLM_FW_INTERNAL_H
#define FLLM_FW_INTERNAL_H

#include "fw.h"

/* fw_bytes.c: byte copies without libc (the rv32 build has none). */
void fw_memcpy(void *dst, const void *src, uint32_t len);
void fw_memset(void *dst, int c, uint32_t len);

/* fw_regs.c: the registers the firmware owns. */
/* Read a 64-bit LO/HI register pair. */
uint64_t fw_reg_read64(const struct fw *fw, uint32_t lo);
/* Set and clear bits of FLLM_REG_STATUS. */
void fw_status_update(struct fw *fw, uint32_t set, uint32_t clear);
/* Stop the processor with a fatal error (enum fllm_card_err). */
void fw_fatal(struct fw *fw, uint32_t err);
/* Copy the command counters into the telemetry registers. */
void fw_telemetry_publish(struct fw *fw);

/* fw_ring.c */
/* Latch and check the ring registers at CONTROL.ENABLE; 0 or a fatal error. */
int fw_ring_enable(struct fw *fw);
/* Fetch the next SQ entry into fw->cur: 1 fetched, 0 ring empty, -1 fatal. */
int fw_ring_fetch(struct fw *fw);
/* Post fw->cpl: 1 posted, 0 CQ full, -1 fatal. */
int fw_ring_post(struct fw *fw);

/* fw_exec.c */
/* Validate and start fw->cur; ends in FW_RUNNING_CU or FW_POSTING. */
void fw_exec_start(struct fw *fw);
/* Check the running unit and its watchdog; may move to FW_POSTING. */
void fw_exec_check_cu(struct fw *fw);

#endif /* FLLM_FW_INTERNAL_H */
