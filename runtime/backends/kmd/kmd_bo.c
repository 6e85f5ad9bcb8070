/* Buffer objects through BO_CREATE / BO_FREE / BO_WRITE / BO_READ. */
#include <stdlib.h>

#include "kmd.h"

/* BO_CREATE; the handle and card address stay in bo_priv. */
fllm_status kmd_bo_alloc(void *priv, uint64_t size, uint64_t align, int32_t channel,
			 uint64_t *card_addr, void **bo_priv)
{
	struct kmd_dev *k = priv;
	struct fllm_uapi_bo_create req = { 0 };
	struct kmd_bo *bo = malloc(sizeof(*bo));
	int err;

	if (!bo)
		return FLLM_E_NO_MEMORY;
	req.size = size;
	req.align = align;
	req.channel = channel;
	err = kmd_ioctl(k->fd, FLLM_IOCTL_BO_CREATE, &req);
	if (err) {
		free(bo);
		return kmd_status(err);
	}
	bo->handle = req.handle;
	bo->card_addr = req.card_addr;
	*card_addr = req.card_addr;
	*bo_priv = bo;
	return FLLM_OK;
}

/* The handle dies with the BO; a failure here would be a driver bug. */
void kmd_bo_free(void *priv, void *bo_priv)
{
	struct kmd_dev *k = priv;
	struct kmd_bo *bo = bo_priv;
	struct fllm_uapi_bo_free req = { .handle = bo->handle };

	kmd_ioctl(k->fd, FLLM_IOCTL_BO_FREE, &req);
	free(bo);
}

/* One transfer: the driver pins buf and DMAs it in place. */
static fllm_status kmd_bo_xfer(struct kmd_dev *k, unsigned long req, struct kmd_bo *bo,
			       uint64_t card_addr, const void *buf, uint64_t len)
{
	struct fllm_uapi_bo_xfer x = { 0 };

	x.handle = bo->handle;
	x.offset = card_addr - bo->card_addr;
	x.len = len;
	x.user_ptr = (uint64_t)(uintptr_t)buf;
	return kmd_status(kmd_ioctl(k->fd, req, &x));
}

/* BO_WRITE at card_addr (an offset into the BO for the driver). */
fllm_status kmd_bo_write(void *priv, void *bo_priv, uint64_t card_addr, const void *src,
			 uint64_t len)
{
	return kmd_bo_xfer(priv, FLLM_IOCTL_BO_WRITE, bo_priv, card_addr, src, len);
}

/* BO_READ at card_addr. */
fllm_status kmd_bo_read(void *priv, void *bo_priv, uint64_t card_addr, void *dst,
			uint64_t len)
{
	return kmd_bo_xfer(priv, FLLM_IOCTL_BO_READ, bo_priv, card_addr, dst, len);
}
