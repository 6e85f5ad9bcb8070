/*
 * Soft-core entry: reset the firmware, then poll it forever, sleeping in WFI
 * (woken by the doorbell and unit-done interrupts) when it has nothing to do.
 * CONTROL.RESET is handled here, as the card model does on the host.
 */
#include "fw.h"
#include "soc.h"
#include "hal_mmio.h"

int main(void);

static struct fw fw;

/* CONTROL.RESET: reset the shell's engines and the firmware, count it. */
static void soc_handle_reset(void)
{
	const struct fw_hal *hal = &fw_hal_mmio;
	uint32_t count = hal->reg_read(hal->ctx, FLLM_REG_RESET_COUNT);

	hal->reg_write(hal->ctx, FLLM_REG_STATUS, FLLM_STATUS_RESETTING);
	soc_write(SOC_SHELL_BASE + SOC_SHELL_RESET, 1);
	fw_reset(&fw, hal);
	hal->reg_write(hal->ctx, FLLM_REG_CONTROL, 0);
	hal->reg_write(hal->ctx, FLLM_REG_RESET_COUNT, count + 1);
	hal->reg_write(hal->ctx, FLLM_REG_STATUS, FLLM_STATUS_READY);
}

/* Firmware main loop; never returns. */
int main(void)
{
	const struct fw_hal *hal = &fw_hal_mmio;

	fw_reset(&fw, hal);
	hal->reg_write(hal->ctx, FLLM_REG_STATUS, FLLM_STATUS_READY);
	for (;;) {
		if (hal->reg_read(hal->ctx, FLLM_REG_CONTROL) & FLLM_CTRL_RESET)
			soc_handle_reset();
		if (!fw_poll(&fw))
			__asm__ volatile("wfi");
	}
}
