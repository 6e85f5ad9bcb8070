// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl dispatch and the small calls. The table gives each call its struct
 * size; copy_struct_from_user lets older (shorter) and newer (longer, with
 * zeroed tails) structs through, as the uapi header promises. A call runs
 * with gone_rwsem read-held, so remove waits for it.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fllm_drv.h"

/* QUERY: the driver's and the card's identity. */
static int fllm_ioc_query(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_query *q = arg;
	struct fllm_dev *fdev = ffile->fdev;
	u32 i;

	if (q->flags)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->uapi_version = FLLM_UAPI_VERSION;
	q->caps = FLLM_UAPI_CAP_SUBMIT_CHECK | FLLM_UAPI_CAP_PARAMS_CHECK;
	if (fdev->irq_mode != FLLM_UAPI_IRQ_POLL)
		q->caps |= FLLM_UAPI_CAP_IRQ;
	if (fdev->ivsh)
		q->caps |= FLLM_UAPI_CAP_SIMULATED;
	q->irq_mode = fdev->irq_mode;
	q->if_version = fdev->info.if_version;
	q->fw_version = fdev->info.fw_version;
	q->card_caps = fdev->info.caps;
	q->mem_channels = fdev->info.mem_channels;
	q->mem_size = fdev->info.mem_size;
	q->mem_free = fllm_mem_free_bytes(&fdev->mem);
	q->mem_chan_mbps = fdev->info.mem_chan_mbps;
	q->clock_khz = fdev->info.clock_khz;
	q->dma_max_len = fdev->info.dma_max_len;
	q->ring_entries = fdev->sq_n;
	q->submit_max = FLLM_UAPI_SUBMIT_MAX;
	q->cu_count = fdev->info.cu_count;
	for (i = 0; i < fdev->info.cu_count; i++) {
		q->cu_info[i] = fdev->info.cu_info[i];
		q->cu_caps[i] = fdev->info.cu_caps[i];
	}
	return 0;
}

/* BO_CREATE: see fllm_bo_create. */
static int fllm_ioc_bo_create(struct fllm_file *ffile, void *arg)
{
	return fllm_bo_create(ffile, arg);
}

/* BO_FREE: drop a handle of this file. */
static int fllm_ioc_bo_free(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_bo_free *f = arg;

	if (f->pad)
		return -EINVAL;
	return fllm_bo_free_handle(ffile, f->handle);
}

/* BO_WRITE (c = H2C) and BO_READ (c = C2H). */
static int fllm_ioc_bo_xfer(struct fllm_file *ffile, void *arg, u32 c)
{
	struct fllm_uapi_bo_xfer *x = arg;
	struct fllm_bo *bo;
	int rc;

	if (x->flags)
		return -EINVAL;
	bo = fllm_bo_lookup(ffile, x->handle);
	if (!bo)
		return -ENOENT;
	if (x->offset > bo->size || x->len > bo->size - x->offset)
		rc = -ERANGE;
	else
		rc = fllm_dma_xfer(ffile->fdev, c, bo->card_addr + x->offset, x->user_ptr, x->len);
	fllm_bo_put(bo);
	return rc;
}

/* BO_WRITE: user memory to the BO. */
static int fllm_ioc_bo_write(struct fllm_file *ffile, void *arg)
{
	return fllm_ioc_bo_xfer(ffile, arg, FLLM_DMA_H2C);
}

/* BO_READ: the BO to user memory. */
static int fllm_ioc_bo_read(struct fllm_file *ffile, void *arg)
{
	return fllm_ioc_bo_xfer(ffile, arg, FLLM_DMA_C2H);
}

/* SUBMIT: copy, check and queue the records as one job. */
static int fllm_ioc_submit(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_submit *s = arg;
	struct fllm_cmd *cmds;
	struct fllm_job *job;
	int rc;

	if (s->flags || s->pad || !s->count || s->count > FLLM_UAPI_SUBMIT_MAX)
		return -EINVAL;
	cmds = memdup_user(u64_to_user_ptr(s->cmds_ptr), (size_t)s->count * sizeof(*cmds));
	if (IS_ERR(cmds))
		return PTR_ERR(cmds);
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		rc = -ENOMEM;
		goto out_free_cmds;
	}
	job->n = s->count;
	job->cpl = kvcalloc(job->n, sizeof(*job->cpl), GFP_KERNEL);
	job->bos = kvcalloc(fllm_check_bos_max(cmds, job->n), sizeof(*job->bos), GFP_KERNEL);
	if (!job->cpl || !job->bos) {
		rc = -ENOMEM;
		goto err_free_job;
	}
	rc = fllm_check_cmds(ffile, cmds, job);
	if (rc < 0)
		goto err_free_job;
	s->rejected = rc;
	rc = fllm_queue_submit(ffile, job, cmds);
	if (rc)
		goto err_free_job;
	fllm_watch_arm(ffile->fdev);
	s->job = job->id;
	goto out_free_cmds;

err_free_job:
	fllm_job_free(job);
out_free_cmds:
	kfree(cmds);
	return rc;
}

/* WAIT: see fllm_queue_wait. */
static int fllm_ioc_wait(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_wait *w = arg;

	if (w->flags & ~FLLM_UAPI_WAIT_F_MASK)
		return -EINVAL;
	return fllm_queue_wait(ffile, w);
}

/* A 32-bit register inside the card's register file. */
static int fllm_check_reg(const struct fllm_uapi_reg *r)
{
	return (r->offset & 3) || r->offset >= FLLM_REG_BAR_SIZE ? -EINVAL : 0;
}

/* REG_READ: any register, for diagnostics. */
static int fllm_ioc_reg_read(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_reg *r = arg;
	int rc = fllm_check_reg(r);

	if (!rc)
		r->value = fllm_rd(ffile->fdev, r->offset);
	return rc;
}

/* REG_WRITE: only the registers with no effect on the rings. */
static int fllm_ioc_reg_write(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_reg *r = arg;
	int rc = fllm_check_reg(r);

	if (rc)
		return rc;
	if (r->offset != FLLM_REG_SCRATCH && r->offset != FLLM_REG_WATCHDOG_US)
		return -EPERM;
	fllm_wr(ffile->fdev, r->offset, r->value);
	return 0;
}

/* TELEMETRY: every telemetry register plus the driver's counters. */
static int fllm_ioc_telemetry(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_telemetry *t = arg;
	struct fllm_dev *fdev = ffile->fdev;

	if (t->flags)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->power_mw = fllm_rd(fdev, FLLM_REG_TEL_POWER_MW);
	t->temp_mc = (s32)fllm_rd(fdev, FLLM_REG_TEL_TEMP_MC);
	t->vccint_mv = fllm_rd(fdev, FLLM_REG_TEL_VCCINT_MV);
	t->util_permille = fllm_rd(fdev, FLLM_REG_TEL_UTIL);
	t->mem_util_permille = fllm_rd(fdev, FLLM_REG_TEL_MEM_UTIL);
	t->energy_mj = fllm_rd64(fdev, FLLM_REG_TEL_ENERGY_LO);
	t->cycles = fllm_rd64(fdev, FLLM_REG_TEL_CYCLES_LO);
	t->cmds = fllm_rd64(fdev, FLLM_REG_TEL_CMDS_LO);
	t->cmd_errors = fllm_rd(fdev, FLLM_REG_TEL_CMD_ERRORS);
	t->dma_errors = fllm_rd(fdev, FLLM_REG_TEL_DMA_ERRORS);
	t->watchdog_resets = fllm_rd(fdev, FLLM_REG_TEL_WATCHDOG);
	t->reset_count = fllm_rd(fdev, FLLM_REG_RESET_COUNT);
	t->irq_count = fllm_rd(fdev, FLLM_REG_IRQ_COUNT);
	t->driver_resets = READ_ONCE(fdev->driver_resets);
	t->irqs_handled = atomic64_read(&fdev->irqs_handled);
	return 0;
}

/* RESET: abort everything in flight and restart the card. */
static int fllm_ioc_reset(struct fllm_file *ffile, void *arg)
{
	struct fllm_uapi_reset *r = arg;
	int rc;

	if (r->flags)
		return -EINVAL;
	rc = fllm_card_reset(ffile->fdev, "requested through the uapi");
	if (rc)
		return rc;
	r->reset_count = fllm_rd(ffile->fdev, FLLM_REG_RESET_COUNT);
	return 0;
}

struct fllm_ioctl_desc {
	unsigned int cmd;
	int (*fn)(struct fllm_file *ffile, void *arg);
};

static const struct fllm_ioctl_desc fllm_ioctls[] = {
	[_IOC_NR(FLLM_IOCTL_QUERY)] = { FLLM_IOCTL_QUERY, fllm_ioc_query },
	[_IOC_NR(FLLM_IOCTL_BO_CREATE)] = { FLLM_IOCTL_BO_CREATE, fllm_ioc_bo_create },
	[_IOC_NR(FLLM_IOCTL_BO_FREE)] = { FLLM_IOCTL_BO_FREE, fllm_ioc_bo_free },
	[_IOC_NR(FLLM_IOCTL_BO_WRITE)] = { FLLM_IOCTL_BO_WRITE, fllm_ioc_bo_write },
	[_IOC_NR(FLLM_IOCTL_BO_READ)] = { FLLM_IOCTL_BO_READ, fllm_ioc_bo_read },
	[_IOC_NR(FLLM_IOCTL_SUBMIT)] = { FLLM_IOCTL_SUBMIT, fllm_ioc_submit },
	[_IOC_NR(FLLM_IOCTL_WAIT)] = { FLLM_IOCTL_WAIT, fllm_ioc_wait },
	[_IOC_NR(FLLM_IOCTL_REG_READ)] = { FLLM_IOCTL_REG_READ, fllm_ioc_reg_read },
	[_IOC_NR(FLLM_IOCTL_REG_WRITE)] = { FLLM_IOCTL_REG_WRITE, fllm_ioc_reg_write },
	[_IOC_NR(FLLM_IOCTL_TELEMETRY)] = { FLLM_IOCTL_TELEMETRY, fllm_ioc_telemetry },
	[_IOC_NR(FLLM_IOCTL_RESET)] = { FLLM_IOCTL_RESET, fllm_ioc_reset },
};

#define FLLM_IOCTL_ARG_MAX 256

/* Decode, copy in, run, copy out. */
long fllm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct fllm_file *ffile = filp->private_data;
	struct fllm_dev *fdev = ffile->fdev;
	void __user *uarg = (void __user *)arg;
	const struct fllm_ioctl_desc *d;
	unsigned int nr = _IOC_NR(cmd);
	size_t usize = _IOC_SIZE(cmd), ksize;
	u8 buf[FLLM_IOCTL_ARG_MAX] __aligned(8);
	int rc;

	BUILD_BUG_ON(sizeof(struct fllm_uapi_query) > FLLM_IOCTL_ARG_MAX);
	if (_IOC_TYPE(cmd) != FLLM_IOCTL_TYPE || nr >= ARRAY_SIZE(fllm_ioctls) ||
	    !fllm_ioctls[nr].fn)
		return -ENOTTY;
	d = &fllm_ioctls[nr];
	ksize = _IOC_SIZE(d->cmd);
	if (_IOC_DIR(cmd) != _IOC_DIR(d->cmd) || usize < ksize)
		return -ENOTTY;	/* no shorter (older) struct versions exist yet */
	rc = copy_struct_from_user(buf, ksize, uarg, usize);
	if (rc)
		return rc;
	down_read(&fdev->gone_rwsem);
	rc = fdev->gone ? -ENODEV : d->fn(ffile, buf);
	up_read(&fdev->gone_rwsem);
	if (!rc && copy_to_user(uarg, buf, ksize))
		rc = -EFAULT;
	return rc;
}
