/*
 * The card's clocks: model time in nanoseconds since create, and the kernel
 * clock as cycles = ns * clock_khz / 1e6, counted from the last reset.
 */
#include <time.h>

#include "sim_internal.h"

/* CLOCK_MONOTONIC in nanoseconds. */
static uint64_t fllm_sim_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds since the model was created (t0_ns = 0 gives raw time). */
uint64_t fllm_sim_now_ns(const struct fllm_sim *sim)
{
	return fllm_sim_mono_ns() - sim->t0_ns;
}

/* Kernel-clock cycles since create; split so ns * khz cannot overflow. */
uint64_t fllm_sim_raw_cycles(const struct fllm_sim *sim)
{
	uint64_t ns = fllm_sim_now_ns(sim);
	uint64_t khz = sim->cfg.clock_khz;

	return ns / 1000000u * khz + ns % 1000000u * khz / 1000000u;
}

/* Kernel-clock cycles since the last reset (FLLM_REG_TEL_CYCLES). */
uint64_t fllm_sim_cycles(const struct fllm_sim *sim)
{
	return fllm_sim_raw_cycles(sim) - sim->cycle_base;
}
