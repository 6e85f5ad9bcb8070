/*
 * Card model lifetime and its thread. The thread wakes on host register
 * writes (fllm_sim_reg_write) or a timer, then runs one step: reset, IRQ
 * acks, both DMA engines, the firmware, telemetry. It sleeps 1 ms when idle
 * and 100 us while a compute unit is busy.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "sim_internal.h"

#define FLLM_SIM_IDLE_NS	1000000u
#define FLLM_SIM_BUSY_NS	100000u
#define FLLM_SIM_FW_STEPS	8	/* fw_poll calls per step */

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

/* One pass over everything on the card; 1 if there may be more to do at once. */
static int fllm_sim_step(struct fllm_sim *sim)
{
	int more = 0;

	/* the cycle counter moves before anything this step posts, so a host
	 * that sees a completion also sees the counter past its submission */
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_CYCLES_LO, fllm_sim_cycles(sim));
	if (fllm_sim_reg_get(sim, FLLM_REG_CONTROL) & FLLM_CTRL_RESET) {
		fllm_sim_reset(sim);
		fllm_sim_reg_set(sim, FLLM_REG_RESET_COUNT,
				 fllm_sim_reg_get(sim, FLLM_REG_RESET_COUNT) + 1);
	}
	fllm_sim_irq_apply_ack(sim);
	for (uint32_t ch = 0; ch < FLLM_DMA_CHANNELS; ch++)
		more |= fllm_sim_dma_poll(sim, ch);
	for (int n = 0; n < FLLM_SIM_FW_STEPS; n++) {
		if (!fw_poll(&sim->fw))
			break;
		more = 1;
	}
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_CYCLES_LO, fllm_sim_cycles(sim));
	fllm_sim_power_update(sim);
	return more;
}

/* Absolute CLOCK_MONOTONIC time ns from now. */
static struct timespec fllm_sim_deadline(uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return ts;
}

/* The card thread. */
static void *fllm_sim_thread(void *arg)
{
	struct fllm_sim *sim = arg;
	int more = 1;

	pthread_mutex_lock(&sim->lock);
	while (!sim->stop) {
		if (!more && !sim->kicked) {
			struct timespec ts = fllm_sim_deadline(
				fllm_sim_cu_busy(sim) ? FLLM_SIM_BUSY_NS : FLLM_SIM_IDLE_NS);

			pthread_cond_timedwait(&sim->cond, &sim->lock, &ts);
			if (sim->stop)
				break;
		}
		sim->kicked = 0;
		pthread_mutex_unlock(&sim->lock);
		more = fllm_sim_step(sim);
		pthread_mutex_lock(&sim->lock);
	}
	pthread_mutex_unlock(&sim->lock);
	return NULL;
}

/* Mutex and a CLOCK_MONOTONIC condition variable; 0 or a negative errno. */
static int fllm_sim_sync_init(struct fllm_sim *sim)
{
	pthread_condattr_t attr;
	int rc;

	rc = pthread_mutex_init(&sim->lock, NULL);
	if (rc)
		return -rc;
	rc = pthread_condattr_init(&attr);
	if (rc)
		goto err_mutex;
	rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!rc)
		rc = pthread_cond_init(&sim->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (rc)
		goto err_mutex;
	return 0;

err_mutex:
	pthread_mutex_destroy(&sim->lock);
	return -rc;
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
	fllm_sim_hal_init(sim);
	fllm_sim_reset(sim);
	rc = fllm_sim_sync_init(sim);
	if (rc)
		goto err_unmap;
	rc = -pthread_create(&sim->thread, NULL, fllm_sim_thread, sim);
	if (rc)
		goto err_sync;
	atomic_fetch_add(&fllm_sim_live_count, 1);
	*out = sim;
	return 0;

err_sync:
	pthread_cond_destroy(&sim->cond);
	pthread_mutex_destroy(&sim->lock);
err_unmap:
	fllm_sim_mem_fini(&sim->mem);
err_free_sim:
	free(sim);
	return rc;
}

/* See fllm_sim.h. */
void fllm_sim_kick(struct fllm_sim *sim)
{
	pthread_mutex_lock(&sim->lock);
	sim->kicked = 1;
	pthread_cond_signal(&sim->cond);
	pthread_mutex_unlock(&sim->lock);
}

/* See fllm_sim.h. */
void fllm_sim_destroy(struct fllm_sim *sim)
{
	if (!sim)
		return;
	pthread_mutex_lock(&sim->lock);
	sim->stop = 1;
	pthread_cond_signal(&sim->cond);
	pthread_mutex_unlock(&sim->lock);
	pthread_join(sim->thread, NULL);
	pthread_cond_destroy(&sim->cond);
	pthread_mutex_destroy(&sim->lock);
	fllm_sim_mem_fini(&sim->mem);
	free(sim);
	atomic_fetch_sub(&fllm_sim_live_count, 1);
}
