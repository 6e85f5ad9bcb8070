/*
 * The rtlsim backend's table. A device is an emu device (the emu backend's
 * open, rings, DMA, queues and registers, called through its table and
 * exported functions, not copied) whose card model runs every compute unit
 * (test, LUT-GEMM, vector, attention) through the Verilated RTL: fllm_sim_unit_set()
 * after the card is up, before any command can reach it. Without the RTL
 * models in the build the device is listed as not openable, with the
 * reason, and open() returns FLLM_E_UNSUPPORTED.
 */
#include <stdio.h>
#include <string.h>

#include "rtlsim.h"

/* Give the card's units back to the C models and free the RTL ones. */
static void rtlsim_units_free(struct emu_dev *e)
{
	for (uint32_t i = 0; i < RTLSIM_UNITS; i++) {
		const struct fllm_sim_unit *u = fllm_sim_unit_get(e->sim, rtlsim_unit_types[i]);

		fllm_sim_unit_set(e->sim, rtlsim_unit_types[i], NULL);
		rtlsim_unit_destroy(u ? u->ctx : NULL);
	}
}

/* Open an emu card from spec ("0,mem=1G,..." as for emu), then give it the RTL units. */
static fllm_status rtlsim_open(const char *spec, void **priv)
{
	struct rtlsim_unit *r;
	struct emu_dev *e;
	void *dev;
	fllm_status st;

	if (fllm_rtl_unavailable())
		return FLLM_E_UNSUPPORTED;
	st = fllm_backend_emu.open(spec, &dev);
	if (st)
		return st;
	e = dev;
	for (uint32_t i = 0; i < RTLSIM_UNITS; i++) {
		st = rtlsim_unit_create(rtlsim_unit_types[i], emu_rd(e, FLLM_REG_CLOCK_KHZ),
					emu_rd(e, FLLM_REG_MEM_CHAN_MBPS), &r);
		if (st)
			goto err;
		if (fllm_sim_unit_set(e->sim, rtlsim_unit_types[i], &r->unit)) {
			rtlsim_unit_destroy(r);
			st = FLLM_E_FORMAT;	/* the card lacks the unit */
			goto err;
		}
	}
	*priv = dev;
	return FLLM_OK;

err:
	/* no command has run yet: the units can go before the card */
	rtlsim_units_free(e);
	fllm_backend_emu.close(dev);
	return st;
}

/* Close the card (its thread stops first), then free the units it used. */
static void rtlsim_close(void *priv)
{
	struct emu_dev *e = priv;
	struct rtlsim_unit *r[RTLSIM_UNITS];

	for (uint32_t i = 0; i < RTLSIM_UNITS; i++) {
		const struct fllm_sim_unit *u = fllm_sim_unit_get(e->sim, rtlsim_unit_types[i]);

		r[i] = u ? u->ctx : NULL;
	}
	fllm_backend_emu.close(priv);
	for (uint32_t i = 0; i < RTLSIM_UNITS; i++)
		rtlsim_unit_destroy(r[i]);
}

/* One RTL card, openable when the model is built in. */
static fllm_status rtlsim_enumerate(fllm_device_desc *out, size_t cap, size_t *n)
{
	const char *why = fllm_rtl_unavailable();

	if (*n < cap) {
		fllm_device_desc *d = &out[*n];

		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), "rtlsim:0");
		snprintf(d->backend, sizeof(d->backend), "rtlsim");
		if (why)
			snprintf(d->description, sizeof(d->description),
				 "emulated card with RTL compute units: not built (no Verilator)");
		else
			snprintf(d->description, sizeof(d->description),
				 "emulated card, test, LUT-GEMM, vector and attention units "
				 "in Verilator RTL");
		d->openable = !why;
		d->pci.numa_node = -1;
	}
	(*n)++;
	return FLLM_OK;
}

/* The emu backend's slots that it keeps private, reached through its table. */
static fllm_status rtlsim_reg_read(void *priv, uint32_t off, uint32_t *val)
{
	return fllm_backend_emu.reg_read(priv, off, val);
}

static fllm_status rtlsim_reg_write(void *priv, uint32_t off, uint32_t val)
{
	return fllm_backend_emu.reg_write(priv, off, val);
}

static fllm_status rtlsim_bo_alloc(void *priv, uint64_t size, uint64_t align, int32_t channel,
				   uint64_t *card_addr, void **bo_priv)
{
	return fllm_backend_emu.bo_alloc(priv, size, align, channel, card_addr, bo_priv);
}

static void rtlsim_bo_free(void *priv, void *bo_priv)
{
	fllm_backend_emu.bo_free(priv, bo_priv);
}

static uint32_t rtlsim_ring_entries(void *priv)
{
	return fllm_backend_emu.ring_entries(priv);
}

const struct fllm_backend_ops fllm_backend_rtlsim = {
	.name = "rtlsim",
	.enumerate = rtlsim_enumerate,
	.open = rtlsim_open,
	.close = rtlsim_close,
	.reg_read = rtlsim_reg_read,
	.reg_write = rtlsim_reg_write,
	.bo_alloc = rtlsim_bo_alloc,
	.bo_free = rtlsim_bo_free,
	.bo_write = emu_bo_write,
	.bo_read = emu_bo_read,
	.submit = emu_submit,
	.wait = emu_wait,
	.job_free = emu_job_free,
	.reset = emu_reset,
	.ring_entries = rtlsim_ring_entries,
	.mem_usage = emu_mem_usage,
};
