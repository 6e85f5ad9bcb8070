// SPDX-License-Identifier: GPL-2.0
/*
 * Jobs: SUBMIT puts a job's records into the command ring behind one
 * SQ_TAIL doorbell; completions come back in ring order and are collected
 * ("reaped") into the job at the head of the device's FIFO by whoever runs
 * next under qlock: a waiter, a submitter or the watch work. A job belongs
 * to its file until WAIT collects it; a job whose file let go of it is
 * freed as soon as its last completion arrives. Jobs hold references on the
 * BOs they name, so card memory is not reused while commands may touch it.
 * The caller of fllm_queue_submit arms the watch work (fllm_watch.c).
 */
#include <linux/jiffies.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fllm_drv.h"

/* Free a job that is neither queued nor owned. */
void fllm_job_free(struct fllm_job *job)
{
	u32 i;

	if (!job)
		return;
	for (i = 0; i < job->nbos; i++)
		fllm_bo_put(job->bos[i]);
	kvfree(job->bos);
	kvfree(job->cpl);
	kfree(job);
}

/* The last completion arrived, or the job was aborted (qlock held). */
static void fllm_job_finish(struct fllm_dev *fdev, struct fllm_job *job)
{
	u32 i;

	list_del(&job->dev_node);
	job->queued = false;
	/* the card is done with the job's memory: let the BOs go now */
	for (i = 0; i < job->nbos; i++)
		fllm_bo_put(job->bos[i]);
	job->nbos = 0;
	if (!job->owner)
		fllm_job_free(job);
}

/*
 * Collect every posted completion (qlock held). A completion the FIFO does
 * not expect, an index outside the ring or a card fatal error marks the
 * device fatal until a reset.
 */
void fllm_queue_reap(struct fllm_dev *fdev)
{
	struct fllm_job *job;
	bool moved = false;
	u32 tail;

	if (fdev->fatal || !fdev->cq)
		return;
	tail = fllm_rd(fdev, FLLM_REG_CQ_TAIL);
	dma_rmb();
	if (tail >= fdev->cq_n) {
		dev_err(&fdev->pdev->dev, "card reports CQ tail %u of %u entries\n", tail,
			fdev->cq_n);
		fdev->fatal = true;
		return;
	}
	while (fdev->cq_head != tail) {
		struct fllm_cpl c = fdev->cq[fdev->cq_head];
		struct fllm_uapi_cpl *u;

		job = list_first_entry_or_null(&fdev->jobs, struct fllm_job, dev_node);
		if (!job || c.seq != job->first_seq + job->done) {
			dev_err(&fdev->pdev->dev, "unexpected completion seq %u\n", c.seq);
			fdev->fatal = true;
			break;
		}
		u = &job->cpl[job->done];
		u->index = job->done;
		if (!(u->flags & FLLM_UAPI_CPL_F_REJECTED))
			u->status = c.status;
		u->start_cycle = c.start_cycle;
		u->cycles = c.cycles;
		u->result = c.result;
		job->done++;
		fdev->outstanding--;
		if (job->done == job->n)
			fllm_job_finish(fdev, job);
		fdev->cq_head = (fdev->cq_head + 1) & (fdev->cq_n - 1);
		moved = true;
	}
	if (moved) {
		fllm_wr(fdev, FLLM_REG_CQ_HEAD, fdev->cq_head);
		atomic_inc(&fdev->cq_events);
		wake_up_all(&fdev->cq_wq);
	}
	if (fllm_rd(fdev, FLLM_REG_STATUS) & FLLM_STATUS_FATAL) {
		dev_err(&fdev->pdev->dev, "card stopped with fatal error %u\n",
			fllm_rd(fdev, FLLM_REG_FATAL_ERROR));
		fdev->fatal = true;
	}
}

/* Complete every queued job as aborted (qlock held; the card was reset). */
void fllm_queue_abort_all(struct fllm_dev *fdev)
{
	struct fllm_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, &fdev->jobs, dev_node) {
		for (; job->done < job->n; job->done++) {
			struct fllm_uapi_cpl *u = &job->cpl[job->done];

			u->index = job->done;
			u->status = FLLM_CARD_ERR_ABORTED;
			u->flags |= FLLM_UAPI_CPL_F_ABORTED;
		}
		fllm_job_finish(fdev, job);
	}
	fdev->outstanding = 0;
}

/* Write the job's records into the SQ and ring the doorbell (qlock held). */
static void fllm_queue_push(struct fllm_dev *fdev, struct fllm_job *job, struct fllm_cmd *cmds)
{
	u32 i;

	job->first_seq = fdev->next_seq;
	for (i = 0; i < job->n; i++) {
		struct fllm_cmd *slot = &fdev->sq[fdev->sq_tail];

		*slot = cmds[i];
		slot->seq = fdev->next_seq++;
		slot->flags &= ~FLLM_CMD_F_IRQ;
		if (i == job->n - 1)
			slot->flags |= FLLM_CMD_F_IRQ;
		fdev->sq_tail = (fdev->sq_tail + 1) & (fdev->sq_n - 1);
	}
	fdev->outstanding += job->n;
	job->id = fdev->next_job++;
	job->queued = true;
	list_add_tail(&job->dev_node, &fdev->jobs);
	dma_wmb();
	fllm_wr(fdev, FLLM_REG_SQ_TAIL, fdev->sq_tail);
}

/* Queue a checked job for ffile; on success the job belongs to the file. */
int fllm_queue_submit(struct fllm_file *ffile, struct fllm_job *job, struct fllm_cmd *cmds)
{
	struct fllm_dev *fdev = ffile->fdev;
	int rc = 0;

	mutex_lock(&fdev->qlock);
	fllm_queue_reap(fdev);
	if (fdev->fatal) {
		rc = -EIO;
		goto out_unlock;
	}
	if (ffile->njobs >= FLLM_FILE_MAX_JOBS) {
		rc = -ENOSPC;
		goto out_unlock;
	}
	if (job->n > fdev->sq_n - 1 - fdev->outstanding ||
	    job->n > fdev->cq_n - 1 - fdev->outstanding) {
		rc = -EAGAIN;
		goto out_unlock;
	}
	if (!fdev->outstanding) {
		fdev->watch_head = fdev->cq_head;
		fdev->watch_since = jiffies;
	}
	job->owner = ffile;
	list_add_tail(&job->file_node, &ffile->jobs);
	ffile->njobs++;
	fllm_queue_push(fdev, job, cmds);
out_unlock:
	mutex_unlock(&fdev->qlock);
	return rc;
}

/* The file's job with this ID (qlock held), or NULL. */
static struct fllm_job *fllm_queue_find(struct fllm_file *ffile, u64 id)
{
	struct fllm_job *job;

	list_for_each_entry(job, &ffile->jobs, file_node)
		if (job->id == id)
			return job;
	return NULL;
}

/* The file lets go of a job (qlock held): freed now, or when done. */
static void fllm_queue_disown(struct fllm_file *ffile, struct fllm_job *job)
{
	list_del(&job->file_node);
	ffile->njobs--;
	job->owner = NULL;
	if (!job->queued)
		fllm_job_free(job);
}

/* Jiffies to sleep before looking again: short when nothing interrupts us. */
static long fllm_queue_nap(struct fllm_dev *fdev, u64 left_ns)
{
	u64 ns = fdev->irq_mode == FLLM_UAPI_IRQ_POLL ? 1000000 : 100000000;

	return max_t(long, 1, nsecs_to_jiffies(min(ns, left_ns)));
}

/* See struct fllm_uapi_wait. */
int fllm_queue_wait(struct fllm_file *ffile, struct fllm_uapi_wait *w)
{
	struct fllm_dev *fdev = ffile->fdev;
	u64 start = ktime_get_ns(), timeout = min_t(u64, w->timeout_ns, 3600ull * NSEC_PER_SEC);
	struct fllm_job *job;
	int rc, seen;

	for (;;) {
		seen = atomic_read(&fdev->cq_events);
		mutex_lock(&fdev->qlock);
		fllm_queue_reap(fdev);
		job = fllm_queue_find(ffile, w->job);
		if (!job) {
			mutex_unlock(&fdev->qlock);
			return -ENOENT;
		}
		if (w->flags & FLLM_UAPI_WAIT_F_DISCARD) {
			fllm_queue_disown(ffile, job);
			mutex_unlock(&fdev->qlock);
			return 0;
		}
		if (w->count != job->n) {
			mutex_unlock(&fdev->qlock);
			return -EINVAL;
		}
		if (job->done == job->n) {
			/* take it off the file while copying; put it back on failure */
			list_del(&job->file_node);
			ffile->njobs--;
			mutex_unlock(&fdev->qlock);
			if (copy_to_user(u64_to_user_ptr(w->cpls_ptr), job->cpl,
					 (size_t)job->n * sizeof(*job->cpl))) {
				mutex_lock(&fdev->qlock);
				list_add(&job->file_node, &ffile->jobs);
				ffile->njobs++;
				mutex_unlock(&fdev->qlock);
				return -EFAULT;
			}
			job->owner = NULL;
			fllm_job_free(job);
			return 0;
		}
		rc = fdev->fatal ? -EIO : 0;
		mutex_unlock(&fdev->qlock);
		if (rc)
			return rc;
		if (READ_ONCE(fdev->gone))
			return -ENODEV;
		if (ktime_get_ns() - start >= timeout)
			return -ETIMEDOUT;
		rc = wait_event_interruptible_timeout(fdev->cq_wq,
						      atomic_read(&fdev->cq_events) != seen,
						      fllm_queue_nap(fdev, timeout -
								     (ktime_get_ns() - start)));
		if (rc < 0)
			return -EINTR;
	}
}

/* A closing file lets go of all its jobs (queued ones finish later). */
void fllm_queue_release_file(struct fllm_file *ffile)
{
	struct fllm_dev *fdev = ffile->fdev;
	struct fllm_job *job, *tmp;

	mutex_lock(&fdev->qlock);
	list_for_each_entry_safe(job, tmp, &ffile->jobs, file_node)
		fllm_queue_disown(ffile, job);
	mutex_unlock(&fdev->qlock);
}
