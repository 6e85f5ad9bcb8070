/* Interrupt vectors as counters with a condition variable, and clock helpers. */
#include <time.h>

#include "emu.h"

uint64_t emu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Absolute deadline timeout_ns from now, saturating (UINT64_MAX: never). */
uint64_t emu_deadline(uint64_t timeout_ns)
{
	uint64_t now = emu_now_ns();

	return timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
}

/* Set up a vector; the condition variable runs on the monotonic clock. */
int emu_irq_init(struct emu_irq *irq)
{
	pthread_condattr_t attr;
	int rc;

	irq->count = 0;
	if (pthread_mutex_init(&irq->lock, NULL))
		return -1;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&irq->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (rc) {
		pthread_mutex_destroy(&irq->lock);
		return -1;
	}
	return 0;
}

void emu_irq_destroy(struct emu_irq *irq)
{
	pthread_cond_destroy(&irq->cond);
	pthread_mutex_destroy(&irq->lock);
}

uint64_t emu_irq_count(struct emu_irq *irq)
{
	uint64_t c;

	pthread_mutex_lock(&irq->lock);
	c = irq->count;
	pthread_mutex_unlock(&irq->lock);
	return c;
}

/* Called from the card's thread for each message on the vector. */
void emu_irq_signal(struct emu_irq *irq)
{
	pthread_mutex_lock(&irq->lock);
	irq->count++;
	pthread_cond_broadcast(&irq->cond);
	pthread_mutex_unlock(&irq->lock);
}

/*
 * Sleep until the vector fires after seen, deadline_ns passes, or one poll
 * period elapses: callers re-read the card's registers after every return,
 * so a lost interrupt costs at most EMU_POLL_NS.
 */
void emu_irq_wait(struct emu_irq *irq, uint64_t seen, uint64_t deadline_ns)
{
	uint64_t until = emu_deadline(EMU_POLL_NS);
	struct timespec ts;

	if (deadline_ns < until)
		until = deadline_ns;
	ts.tv_sec = (time_t)(until / 1000000000ull);
	ts.tv_nsec = (long)(until % 1000000000ull);
	pthread_mutex_lock(&irq->lock);
	while (irq->count == seen && emu_now_ns() < until)
		if (pthread_cond_timedwait(&irq->cond, &irq->lock, &ts))
			break;
	pthread_mutex_unlock(&irq->lock);
}
