/*
 * How the card thread is woken: its lock, a CLOCK_MONOTONIC condition
 * variable and the kick a host register write (regs.c) or the VM rig
 * gives. The lowest layer of the model: it calls nothing else in sim/src.
 */
#include <time.h>

#include "sim_internal.h"

/* Mutex and a CLOCK_MONOTONIC condition variable; 0 or a negative errno. */
int fllm_sim_wake_init(struct fllm_sim *sim)
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

/* Undo fllm_sim_wake_init; the card thread has ended. */
void fllm_sim_wake_fini(struct fllm_sim *sim)
{
	pthread_cond_destroy(&sim->cond);
	pthread_mutex_destroy(&sim->lock);
}

/* See fllm_sim.h. */
void fllm_sim_kick(struct fllm_sim *sim)
{
	pthread_mutex_lock(&sim->lock);
	sim->kicked = 1;
	pthread_cond_signal(&sim->cond);
	pthread_mutex_unlock(&sim->lock);
}

