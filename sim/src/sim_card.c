/*
 * Card model lifetime: the configuration's defaults and checks, create and
 * destroy. The card thread (sim_thread.c) is started last and stopped first.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim_internal.h"

static _Atomic unsigned fllm_sim_live_count;

/* See fllm_sim.h. */
unsigned fllm_sim_live(void)
{
	return atomic_load(&fllm_sim_live_count);
}

/* Fill defaults into cfg and check it; 0 or -EINVAL. */
static int fllm_sim_config_resolve(struct fllm_sim_config *cfg)
{
	if (!cfg->mem_size)
		cfg->mem_size = 8ull << 30;
	if (!cfg->mem_channels)
		cfg->mem_channels = 32;
	if (!cfg->clock_khz)
		cfg->clock_khz = 300000;
	if (!cfg->chan_mbps)
		cfg->chan_mbps = 14375;
	if (!cfg->dma_max_len)
		cfg->dma_max_len = 4u << 20;
	if (cfg->mem_channels > 64)
		return -EINVAL;
	if (cfg->mem_size < (1u << 20) || cfg->mem_size % (cfg->mem_channels * 4096ull))
		return -EINVAL;
	if (cfg->clock_khz < 1000 || cfg->clock_khz > 2000000)
		return -EINVAL;
	if (cfg->dma_max_len < 4096 || cfg->dma_max_len > (1u << 30))
		return -EINVAL;
	return 0;
}

/* See fllm_sim.h. */
int fllm_sim_create(const struct fllm_sim_config *cfg, const struct fllm_sim_host *host,
		    struct fllm_sim **out)
{
	return fllm_sim_create_shared(cfg, host, NULL, out);
}

/* See fllm_sim.h; regs NULL keeps BAR0 inside the model. */
int fllm_sim_create_shared(const struct fllm_sim_config *cfg, const struct fllm_sim_host *host,
			   void *regs, struct fllm_sim **out)
{
	struct fllm_sim *sim;
	int rc;

	*out = NULL;
	if (!host || !host->read || !host->write || ((uintptr_t)regs & 3))
		return -EINVAL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return -ENOMEM;
	/* _Atomic uint32_t has the size and alignment of uint32_t on every
	 * target this builds for, so a plain shared page can hold it */
	sim->regs = regs ? (_Atomic uint32_t *)regs : sim->regs_own;
	if (cfg)
		sim->cfg = *cfg;
	rc = fllm_sim_config_resolve(&sim->cfg);
	if (rc)
		goto err_free_sim;
	sim->host = *host;
	rc = fllm_sim_mem_init(&sim->mem, sim->cfg.mem_size);
	if (rc)
		goto err_free_sim;
	sim->t0_ns = fllm_sim_now_ns(sim);
	fllm_sim_regs_init(sim);
	fllm_sim_cu_init(sim);
	fllm_sim_hal_init(sim);
	fllm_sim_reset(sim);
	rc = fllm_sim_thread_start(sim);
	if (rc)
		goto err_unmap;
	atomic_fetch_add(&fllm_sim_live_count, 1);
	*out = sim;
	return 0;

err_unmap:
	fllm_sim_mem_fini(&sim->mem);
err_free_sim:
	free(sim);
	return rc;
}

/* See fllm_sim.h. */
void fllm_sim_destroy(struct fllm_sim *sim)
{
	if (!sim)
		return;
	fllm_sim_thread_stop(sim);
	fllm_sim_mem_fini(&sim->mem);
	free(sim);
	atomic_fetch_sub(&fllm_sim_live_count, 1);
}
