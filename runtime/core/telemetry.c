/* Telemetry: the card's sensor and counter registers in one snapshot. */
#include <assert.h>

#include "internal.h"

_Static_assert(FLLM_CU_INFO_MAX == FLLM_CU_MAX, "one busy counter per inventory slot");

/* A 64-bit counter that keeps moving: read HI, LO, HI and retry on a carry. */
static uint64_t read_counter(fllm_device *dev, uint32_t lo, uint32_t hi, fllm_status *st)
{
	for (int tries = 0; tries < 8; tries++) {
		uint32_t h1 = fllm_device_rd(dev, hi, st);
		uint32_t l = fllm_device_rd(dev, lo, st);
		uint32_t h2 = fllm_device_rd(dev, hi, st);

		if (*st || h1 == h2)
			return (uint64_t)h1 << 32 | l;
	}
	if (!*st)
		*st = FLLM_E_IO;	/* a counter that never settles is a broken card */
	return 0;
}

/* Read every telemetry register; a failed read fails the whole snapshot. */
fllm_status fllm_device_telemetry(fllm_device *dev, fllm_telemetry *out)
{
	fllm_status st = FLLM_OK;
	fllm_telemetry t;

	assert(dev && out);
	t.power_mw = fllm_device_rd(dev, FLLM_REG_TEL_POWER_MW, &st);
	t.temp_mc = (int32_t)fllm_device_rd(dev, FLLM_REG_TEL_TEMP_MC, &st);
	t.vccint_mv = fllm_device_rd(dev, FLLM_REG_TEL_VCCINT_MV, &st);
	t.util_permille = fllm_device_rd(dev, FLLM_REG_TEL_UTIL, &st);
	t.mem_util_permille = fllm_device_rd(dev, FLLM_REG_TEL_MEM_UTIL, &st);
	t.energy_mj = read_counter(dev, FLLM_REG_TEL_ENERGY_LO, FLLM_REG_TEL_ENERGY_HI, &st);
	t.cycles = read_counter(dev, FLLM_REG_TEL_CYCLES_LO, FLLM_REG_TEL_CYCLES_HI, &st);
	t.cmds = read_counter(dev, FLLM_REG_TEL_CMDS_LO, FLLM_REG_TEL_CMDS_HI, &st);
	t.cmd_errors = fllm_device_rd(dev, FLLM_REG_TEL_CMD_ERRORS, &st);
	t.dma_errors = fllm_device_rd(dev, FLLM_REG_TEL_DMA_ERRORS, &st);
	t.watchdog_resets = fllm_device_rd(dev, FLLM_REG_TEL_WATCHDOG, &st);
	t.reset_count = fllm_device_rd(dev, FLLM_REG_RESET_COUNT, &st);
	t.irq_count = fllm_device_rd(dev, FLLM_REG_IRQ_COUNT, &st);
	t.weight_bytes = read_counter(dev, FLLM_REG_TEL_WEIGHT_LO, FLLM_REG_TEL_WEIGHT_HI, &st);
	t.mem_bytes = read_counter(dev, FLLM_REG_TEL_MEMB_LO, FLLM_REG_TEL_MEMB_HI, &st);
	t.lut_ops = read_counter(dev, FLLM_REG_TEL_LUT_OPS_LO, FLLM_REG_TEL_LUT_OPS_HI, &st);
	t.macs = read_counter(dev, FLLM_REG_TEL_MACS_LO, FLLM_REG_TEL_MACS_HI, &st);
	t.vec_ops = read_counter(dev, FLLM_REG_TEL_VEC_OPS_LO, FLLM_REG_TEL_VEC_OPS_HI, &st);
	t.cu_busy_count = fllm_device_rd(dev, FLLM_REG_TEL_CU_BUSY_N, &st);
	if (!st && t.cu_busy_count > FLLM_CU_INFO_MAX)
		st = FLLM_E_IO;	/* more counters than the interface has room for: a broken card */
	for (uint32_t i = 0; i < FLLM_CU_INFO_MAX; i++)
		t.cu_busy_cycles[i] = !st && i < t.cu_busy_count ?
			read_counter(dev, FLLM_REG_CU_BUSY_LO(i), FLLM_REG_CU_BUSY_HI(i), &st) : 0;
	if (st)
		return st;
	*out = t;
	return FLLM_OK;
}
