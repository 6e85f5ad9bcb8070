// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer objects: card memory owned by one open file, named by a handle that
 * is valid in that file only. A BO is freed when its handle is freed (or the
 * file closes) and no queued job still references it.
 */
#include <linux/slab.h>

#include "fllm_drv.h"

/* Last reference gone: give the card memory back. */
static void fllm_bo_release(struct kref *ref)
{
	struct fllm_bo *bo = container_of(ref, struct fllm_bo, ref);

	fllm_mem_free(&bo->fdev->mem, bo->card_addr, bo->alloc_size);
	put_device(&bo->fdev->dev);
	kfree(bo);
}

/* Another user of the BO (a queued job, a transfer). */
void fllm_bo_get(struct fllm_bo *bo)
{
	kref_get(&bo->ref);
}

/* Drop a reference; the last one frees the card memory. NULL is a no-op. */
void fllm_bo_put(struct fllm_bo *bo)
{
	if (bo)
		kref_put(&bo->ref, fllm_bo_release);
}

/* A BO of size bytes in card memory, with one reference and no handle; ERR_PTR on failure. */
static struct fllm_bo *fllm_bo_new(struct fllm_dev *fdev, u64 size, u64 align, s32 channel)
{
	struct fllm_bo *bo;
	int rc;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	kref_init(&bo->ref);
	bo->fdev = fdev;
	bo->size = size;
	rc = fllm_mem_alloc(&fdev->mem, size, align, channel, &bo->card_addr, &bo->alloc_size);
	if (rc) {
		kfree(bo);
		return ERR_PTR(rc);
	}
	bo->channel = (s32)div64_u64(bo->card_addr, fdev->mem.chan_size);
	get_device(&fdev->dev);
	return bo;
}

/*
 * Card memory the driver itself owns (copies of checked parameter blocks):
 * no file has a handle to it, so no user command can name it.
 */
struct fllm_bo *fllm_bo_alloc_kernel(struct fllm_dev *fdev, u64 size)
{
	return fllm_bo_new(fdev, size, 0, FLLM_UAPI_ANY_CHANNEL);
}

/* See struct fllm_uapi_bo_create; the request was checked for padding. */
int fllm_bo_create(struct fllm_file *ffile, struct fllm_uapi_bo_create *req)
{
	struct fllm_dev *fdev = ffile->fdev;
	struct fllm_bo *bo;
	u32 handle;
	int rc;

	if (req->flags || req->pad || !req->size || (req->align & (req->align - 1)))
		return -EINVAL;
	if (req->channel != FLLM_UAPI_ANY_CHANNEL &&
	    (req->channel < 0 || (u32)req->channel >= fdev->info.mem_channels))
		return -EINVAL;
	if (req->size > fdev->info.mem_size || req->align > fdev->info.mem_size)
		return -ENOSPC;
	bo = fllm_bo_new(fdev, req->size, req->align, req->channel);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	mutex_lock(&ffile->lock);
	rc = xa_alloc(&ffile->bos, &handle, bo, XA_LIMIT(1, INT_MAX), GFP_KERNEL);
	mutex_unlock(&ffile->lock);
	if (rc)
		goto err_put_bo;
	req->handle = handle;
	req->card_addr = bo->card_addr;
	req->channel = bo->channel;
	return 0;

err_put_bo:
	fllm_bo_put(bo);
	return rc;
}

/* Drop the file's handle; -ENOENT if it names nothing. */
int fllm_bo_free_handle(struct fllm_file *ffile, u32 handle)
{
	struct fllm_bo *bo;

	mutex_lock(&ffile->lock);
	bo = xa_erase(&ffile->bos, handle);
	mutex_unlock(&ffile->lock);
	if (!bo)
		return -ENOENT;
	fllm_bo_put(bo);
	return 0;
}

/* The BO behind handle with a reference taken, or NULL. */
struct fllm_bo *fllm_bo_lookup(struct fllm_file *ffile, u32 handle)
{
	struct fllm_bo *bo;

	mutex_lock(&ffile->lock);
	bo = xa_load(&ffile->bos, handle);
	if (bo)
		fllm_bo_get(bo);
	mutex_unlock(&ffile->lock);
	return bo;
}

/*
 * The file's BO holding [addr, addr + len) (ffile->lock held; no reference
 * taken), or NULL. An empty range needs addr inside or at the end of a BO.
 */
struct fllm_bo *fllm_bo_find_range(struct fllm_file *ffile, u64 addr, u64 len)
{
	struct fllm_bo *bo;
	unsigned long h;

	lockdep_assert_held(&ffile->lock);
	xa_for_each(&ffile->bos, h, bo) {
		if (addr >= bo->card_addr && addr - bo->card_addr <= bo->size &&
		    len <= bo->size - (addr - bo->card_addr))
			return bo;
	}
	return NULL;
}

/* A closing file drops every handle it still holds. */
void fllm_bo_release_file(struct fllm_file *ffile)
{
	struct fllm_bo *bo;
	unsigned long h;

	xa_for_each(&ffile->bos, h, bo) {
		xa_erase(&ffile->bos, h);
		fllm_bo_put(bo);
	}
	xa_destroy(&ffile->bos);
}
