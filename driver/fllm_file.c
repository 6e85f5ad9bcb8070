// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/fllmN: open gives each file its own BO table and job list; release
 * frees the BOs and lets go of the jobs (queued ones finish on the card and
 * are freed then). An open file keeps the device structure alive, so a card
 * removed while open only makes further calls fail with -ENODEV.
 */
#include <linux/fs.h>
#include <linux/slab.h>

#include "fllm_drv.h"

/* A new file: its own BO table and job list, a reference on the card. */
static int fllm_open(struct inode *inode, struct file *filp)
{
	struct fllm_dev *fdev = container_of(inode->i_cdev, struct fllm_dev, cdev);
	struct fllm_file *ffile;

	ffile = kzalloc(sizeof(*ffile), GFP_KERNEL);
	if (!ffile)
		return -ENOMEM;
	down_read(&fdev->gone_rwsem);
	if (fdev->gone) {
		up_read(&fdev->gone_rwsem);
		kfree(ffile);
		return -ENODEV;
	}
	get_device(&fdev->dev);
	up_read(&fdev->gone_rwsem);
	ffile->fdev = fdev;
	mutex_init(&ffile->lock);
	xa_init_flags(&ffile->bos, XA_FLAGS_ALLOC1);
	INIT_LIST_HEAD(&ffile->jobs);
	filp->private_data = ffile;
	return nonseekable_open(inode, filp);
}

/* Let go of the file's jobs and BOs, then of the card. */
static int fllm_release(struct inode *inode, struct file *filp)
{
	struct fllm_file *ffile = filp->private_data;
	struct fllm_dev *fdev = ffile->fdev;

	fllm_queue_release_file(ffile);
	fllm_bo_release_file(ffile);
	mutex_destroy(&ffile->lock);
	kfree(ffile);
	put_device(&fdev->dev);
	return 0;
}

const struct file_operations fllm_fops = {
	.owner = THIS_MODULE,
	.open = fllm_open,
	.release = fllm_release,
	.unlocked_ioctl = fllm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};
