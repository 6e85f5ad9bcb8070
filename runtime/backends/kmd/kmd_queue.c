/*
 * Submission and completion through SUBMIT and WAIT. The driver owns seq
 * and the interrupt flag of every record, and keeps each job's completions
 * until WAIT collects them (or a discarding WAIT forgets the job).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kmd.h"

/* CLOCK_MONOTONIC in nanoseconds. */
static uint64_t kmd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* SUBMIT all records as one job; EAGAIN (ring full) is FLLM_E_BUSY. */
fllm_status kmd_submit(void *priv, const struct fllm_cmd *cmds, uint32_t n,
		       struct fllm_backend_job **out)
{
	struct kmd_dev *k = priv;
	struct fllm_uapi_submit s = { 0 };
	struct fllm_backend_job *job = calloc(1, sizeof(*job));
	int err;

	if (!job)
		return FLLM_E_NO_MEMORY;
	s.cmds_ptr = (uint64_t)(uintptr_t)cmds;
	s.count = n;
	err = kmd_ioctl(k->fd, FLLM_IOCTL_SUBMIT, &s);
	if (err) {
		free(job);
		return err == EIO ? FLLM_E_DEVICE_LOST : kmd_status(err);
	}
	job->id = s.job;
	job->n = n;
	*out = job;
	return FLLM_OK;
}

/*
 * Wait in slices the driver accepts (it caps one WAIT at an hour) until the
 * job completes or timeout_ns passes; completions land in cpl[] in record
 * order.
 */
fllm_status kmd_wait(void *priv, struct fllm_backend_job *job, uint64_t timeout_ns,
		     struct fllm_cpl *cpl)
{
	struct kmd_dev *k = priv;
	struct fllm_uapi_cpl *u = calloc(job->n, sizeof(*u));
	uint64_t start = kmd_now_ns();
	struct fllm_uapi_wait w = { 0 };
	fllm_status st;
	int err;

	if (!u)
		return FLLM_E_NO_MEMORY;
	w.job = job->id;
	w.cpls_ptr = (uint64_t)(uintptr_t)u;
	w.count = job->n;
	for (;;) {
		uint64_t spent = kmd_now_ns() - start;

		w.timeout_ns = timeout_ns > spent ? timeout_ns - spent : 0;
		err = kmd_ioctl(k->fd, FLLM_IOCTL_WAIT, &w);
		if (err != ETIMEDOUT || kmd_now_ns() - start >= timeout_ns)
			break;
	}
	if (!err) {
		job->collected = 1;
		for (uint32_t i = 0; i < job->n; i++) {
			memset(&cpl[i], 0, sizeof(cpl[i]));
			cpl[i].seq = u[i].index;
			cpl[i].status = u[i].status;
			cpl[i].start_cycle = u[i].start_cycle;
			cpl[i].cycles = u[i].cycles;
			cpl[i].result = u[i].result;
		}
	}
	free(u);
	st = err == EIO ? FLLM_E_DEVICE_LOST : kmd_status(err);
	return st;
}

/* A job not collected is discarded in the driver (freed when it completes). */
void kmd_job_free(void *priv, struct fllm_backend_job *job)
{
	struct kmd_dev *k = priv;

	if (!job->collected) {
		struct fllm_uapi_wait w = { 0 };

		w.job = job->id;
		w.flags = FLLM_UAPI_WAIT_F_DISCARD;
		kmd_ioctl(k->fd, FLLM_IOCTL_WAIT, &w);
	}
	free(job);
}
