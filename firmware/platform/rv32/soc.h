/*
 * MMIO map of the fllm soft-core SoC (the RV32 command processor inside the
 * shell). Only firmware/platform/rv32 uses it; the host never sees it.
 *
 *   0x4000_0000  register file: BAR0 as the card sees it (4 KiB, 32-bit)
 *   0x4000_1000  DMA engine: one transfer at a time, polled
 *   0x4000_2000  compute-unit control blocks, SOC_CU_STRIDE apart
 *   0x4000_3000  shell control: interrupt raise, reset of engines
 *   0x8000_0000  firmware RAM (code, data, stack), 64 KiB
 * The cycle counter is the core's mcycle CSR, clocked by the kernel clock.
 */
#ifndef FLLM_SOC_H
#define FLLM_SOC_H

#include <stdint.h>

#define SOC_REGFILE_BASE	0x40000000u

#define SOC_DMA_BASE		0x40001000u
#define SOC_DMA_SRC_LO		0x00
#define SOC_DMA_SRC_HI		0x04
#define SOC_DMA_DST_LO		0x08
#define SOC_DMA_DST_HI		0x0c
#define SOC_DMA_LEN_LO		0x10
#define SOC_DMA_LEN_HI		0x14
#define SOC_DMA_MODE		0x18	/* SOC_DMA_MODE_* */
#define SOC_DMA_CTRL		0x1c	/* write SOC_DMA_CTRL_START */
#define SOC_DMA_STATUS		0x20	/* SOC_DMA_STATUS_BUSY | error << 8 */
#define SOC_DMA_CTRL_START	1u
#define SOC_DMA_STATUS_BUSY	1u
#define SOC_DMA_STATUS_ERR(s)	(((s) >> 8) & 0xffu)	/* enum fllm_card_err */
/* Modes 0..2 are enum fllm_copy_dir; the rest move firmware RAM. */
#define SOC_DMA_MODE_HOST_TO_LOCAL	3u
#define SOC_DMA_MODE_LOCAL_TO_HOST	4u
#define SOC_DMA_MODE_LOCAL_TO_CARD	5u

#define SOC_CU_BASE		0x40002000u
#define SOC_CU_STRIDE		0x100u
#define SOC_CU_CMD		0x00	/* 64 bytes: the struct fllm_cmd */
#define SOC_CU_CTRL		0x40	/* SOC_CU_CTRL_* */
#define SOC_CU_STATUS		0x44	/* SOC_CU_STATUS_DONE | error << 8 */
#define SOC_CU_RESULT_LO	0x48
#define SOC_CU_RESULT_HI	0x4c
#define SOC_CU_CTRL_START	1u
#define SOC_CU_CTRL_RESET	2u
#define SOC_CU_STATUS_DONE	1u

#define SOC_SHELL_BASE		0x40003000u
#define SOC_SHELL_IRQ_RAISE	0x00	/* write FLLM_IRQ_* sources */
#define SOC_SHELL_RESET		0x04	/* write 1: reset DMA rings, units, IRQ state */

/* 32-bit MMIO access. */
static inline uint32_t soc_read(uint32_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void soc_write(uint32_t addr, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)addr = val;
}

#endif /* FLLM_SOC_H */
