/*
 * The card thread. It wakes on a kick (sim_wake.c) or a timer, then runs
 * one step: reset, IRQ acks, both DMA engines, the firmware, telemetry. It
 * sleeps 1 ms when idle. While a compute unit runs it wakes at the unit's
 * modeled end: a short wait (under FLLM_SIM_SPIN_NS, the scale of a
 * condition variable's own wake-up delay) is spun with sched_yield, a
 * longer one slept, so a command's completion is seen when the card would
 * post it, not up to a polling period later (decode issues thousands of
 * microsecond-scale commands a second).
 */
#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <time.h>

#include "sim_internal.h"

#define FLLM_SIM_IDLE_NS	1000000u
#define FLLM_SIM_BUSY_NS	100000u	/* longest sleep while a unit runs */
#define FLLM_SIM_SPIN_NS	50000u
#define FLLM_SIM_FW_STEPS	8	/* fw_poll calls per step */

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
	fllm_sim_tel_counters(sim);
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

	/* timed waits end within a microsecond, not the default 50 us slack */
	(void)prctl(PR_SET_TIMERSLACK, 1000ul, 0, 0, 0);
	pthread_mutex_lock(&sim->lock);
	while (!sim->stop) {
		uint64_t wait = more || sim->kicked ? 0 : fllm_sim_cu_wait_ns(sim);

		if (wait > 0 && wait < FLLM_SIM_SPIN_NS) {
			pthread_mutex_unlock(&sim->lock);
			sched_yield();
			pthread_mutex_lock(&sim->lock);
			continue;
		}
		if (wait > 0) {
			struct timespec ts = fllm_sim_deadline(
				wait == UINT64_MAX ? FLLM_SIM_IDLE_NS :
				wait < FLLM_SIM_BUSY_NS ? wait - FLLM_SIM_SPIN_NS / 2 :
							  FLLM_SIM_BUSY_NS);

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

/* Start the card thread; 0 or a negative errno. */
int fllm_sim_thread_start(struct fllm_sim *sim)
{
	int rc;

	rc = fllm_sim_wake_init(sim);
	if (rc)
		return rc;
	rc = -pthread_create(&sim->thread, NULL, fllm_sim_thread, sim);
	if (rc)
		fllm_sim_wake_fini(sim);
	return rc;
}

/* End the card thread and wait for it. */
void fllm_sim_thread_stop(struct fllm_sim *sim)
{
	pthread_mutex_lock(&sim->lock);
	sim->stop = 1;
	pthread_cond_signal(&sim->cond);
	pthread_mutex_unlock(&sim->lock);
	pthread_join(sim->thread, NULL);
	fllm_sim_wake_fini(sim);
}
