// SPDX-License-Identifier: GPL-2.0
/*
 * The watch work: while records are queued it collects completions nobody
 * waits for and resets the card when the completion ring stops moving. It
 * sits above the job queue (fllm_queue.c) and the reset (fllm_bringup.c),
 * which never call back into it.
 */
#include <linux/jiffies.h>
#include <linux/workqueue.h>

#include "fllm_drv.h"

/* Start the watch work if it is not pending. */
void fllm_watch_arm(struct fllm_dev *fdev)
{
	if (!READ_ONCE(fdev->gone))
		queue_delayed_work(system_wq, &fdev->watch, msecs_to_jiffies(FLLM_WATCH_MS));
}

/*
 * While records are queued: collect completions nobody waits for (so
 * orphaned jobs release their BOs) and reset the card when the completion
 * ring has not moved for job_timeout_ms (0 disables that).
 */
void fllm_watch_fn(struct work_struct *work)
{
	struct fllm_dev *fdev = container_of(to_delayed_work(work), struct fllm_dev, watch);
	unsigned int limit = READ_ONCE(fllm_param_job_timeout_ms);
	bool hung = false, more;
	u32 queued;

	mutex_lock(&fdev->qlock);
	fllm_queue_reap(fdev);
	if (fdev->cq_head != fdev->watch_head) {
		fdev->watch_head = fdev->cq_head;
		fdev->watch_since = jiffies;
	}
	if (fdev->outstanding && !fdev->fatal && limit &&
	    time_after(jiffies, fdev->watch_since + msecs_to_jiffies(limit)))
		hung = true;
	more = fdev->outstanding && !fdev->fatal;
	queued = fdev->outstanding;
	mutex_unlock(&fdev->qlock);
	if (hung) {
		dev_err(&fdev->pdev->dev, "no completion for %u ms with %u commands queued\n",
			limit, queued);
		fllm_card_reset(fdev, "job timeout");
		more = false;
	}
	if (more)
		fllm_watch_arm(fdev);
}
