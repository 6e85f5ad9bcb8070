/*
 * Command submission and completion for the emulated card: records go into
 * the SQ in host memory behind the SQ_TAIL doorbell; completions are reaped
 * from the CQ in order into the jobs that own them.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "emu.h"

/* Drop a finished job whose owner already let go of it. */
static void job_release(struct fllm_backend_job *job)
{
	free(job->cpl);
	free(job);
}

/* Take the oldest job off the FIFO (qlock held). */
static void pop_job(struct emu_dev *e)
{
	struct fllm_backend_job *job = e->jobs;

	e->jobs = job->next;
	if (!e->jobs)
		e->jobs_tail = NULL;
	if (job->orphaned)
		job_release(job);
}

/*
 * Move every posted completion into its job (qlock held). A completion out
 * of order or past the ring marks the device lost: the protocol is broken.
 */
void emu_queue_reap(struct emu_dev *e)
{
	uint32_t tail, moved = 0;

	if (e->lost)
		return;
	tail = emu_rd(e, FLLM_REG_CQ_TAIL);
	atomic_thread_fence(memory_order_acquire);
	if (tail >= e->cq_n) {
		e->lost = 1;
		return;
	}
	while (e->cq_head != tail) {
		const struct fllm_cpl *c = &e->cq[e->cq_head];
		struct fllm_backend_job *job = e->jobs;

		if (!job || c->seq != job->first_seq + job->done) {
			e->lost = 1;
			break;
		}
		job->cpl[job->done++] = *c;
		e->outstanding--;
		if (job->done == job->n)
			pop_job(e);
		e->cq_head = (e->cq_head + 1) % e->cq_n;
		moved = 1;
	}
	if (moved)
		emu_wr(e, FLLM_REG_CQ_HEAD, e->cq_head);
}

/* Complete every outstanding job as aborted (qlock held; used by reset). */
void emu_queue_abort_all(struct emu_dev *e)
{
	while (e->jobs) {
		struct fllm_backend_job *job = e->jobs;

		for (; job->done < job->n; job->done++) {
			struct fllm_cpl *c = &job->cpl[job->done];

			memset(c, 0, sizeof(*c));
			c->seq = job->first_seq + job->done;
			c->status = FLLM_CARD_ERR_ABORTED;
		}
		pop_job(e);
	}
	e->outstanding = 0;
}

/* Queue n records as one job, all or nothing. */
fllm_status emu_submit(void *priv, const struct fllm_cmd *cmds, uint32_t n,
		       struct fllm_backend_job **out)
{
	struct emu_dev *e = priv;
	struct fllm_backend_job *job;
	fllm_status st = FLLM_OK;
	void *cpl;

	job = fllm_calloc_with_array(sizeof(*job), n, sizeof(*job->cpl), &cpl);
	if (!job)
		return FLLM_E_NO_MEMORY;
	job->cpl = cpl;
	job->n = n;
	pthread_mutex_lock(&e->qlock);
	emu_queue_reap(e);
	if (e->lost) {
		st = FLLM_E_DEVICE_LOST;
		goto out_unlock;
	}
	if (n > e->sq_n - 1 - e->outstanding || n > e->cq_n - 1 - e->outstanding) {
		st = FLLM_E_BUSY;
		goto out_unlock;
	}
	job->first_seq = e->next_seq;
	for (uint32_t i = 0; i < n; i++) {
		struct fllm_cmd *slot = &e->sq[e->sq_tail];

		*slot = cmds[i];
		slot->seq = e->next_seq++;
		if (i == n - 1)
			slot->flags |= FLLM_CMD_F_IRQ;
		e->sq_tail = (e->sq_tail + 1) % e->sq_n;
	}
	e->outstanding += n;
	if (e->jobs_tail)
		e->jobs_tail->next = job;
	else
		e->jobs = job;
	e->jobs_tail = job;
	atomic_thread_fence(memory_order_release);
	emu_wr(e, FLLM_REG_SQ_TAIL, e->sq_tail);
out_unlock:
	pthread_mutex_unlock(&e->qlock);
	if (st) {
		job_release(job);
		return st;
	}
	*out = job;
	return FLLM_OK;
}

/* Wait for every completion of job, reaping on interrupts or each poll period. */
fllm_status emu_wait(void *priv, struct fllm_backend_job *job, uint64_t timeout_ns,
		     struct fllm_cpl *cpl)
{
	struct emu_dev *e = priv;
	struct emu_irq *irq = &e->irq[0];	/* FLLM_IRQ_CQ is vector 0 */
	uint64_t deadline = emu_deadline(timeout_ns);

	for (;;) {
		uint64_t seen = emu_irq_count(irq);
		int done, lost;

		emu_wr(e, FLLM_REG_IRQ_ACK, FLLM_IRQ_CQ);
		pthread_mutex_lock(&e->qlock);
		emu_queue_reap(e);
		done = job->done == job->n;
		if (done)
			memcpy(cpl, job->cpl, (size_t)job->n * sizeof(*cpl));
		lost = e->lost || (emu_rd(e, FLLM_REG_STATUS) & FLLM_STATUS_FATAL);
		pthread_mutex_unlock(&e->qlock);
		if (done)
			return FLLM_OK;
		if (lost)
			return FLLM_E_DEVICE_LOST;
		if (emu_now_ns() >= deadline)
			return FLLM_E_TIMEOUT;
		emu_irq_wait(irq, seen, deadline);
	}
}

/* Release job now if it is finished, else when its completions arrive. */
void emu_job_free(void *priv, struct fllm_backend_job *job)
{
	struct emu_dev *e = priv;

	pthread_mutex_lock(&e->qlock);
	if (job->done == job->n)
		job_release(job);
	else
		job->orphaned = 1;
	pthread_mutex_unlock(&e->qlock);
}
