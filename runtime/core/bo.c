/* Buffer objects: card memory ranges with blocking host transfers. */
#include <assert.h>
#include <stdlib.h>

#include "internal.h"

#define BO_DEFAULT_ALIGN 4096u
#define BO_MIN_ALIGN 64u

/* Validate the request, then let the backend place it in card memory. */
fllm_status fllm_bo_alloc(fllm_device *dev, uint64_t size, const fllm_bo_params *params,
			  fllm_bo **out)
{
	fllm_bo_params p = { .align = 0, .channel = FLLM_BO_ANY_CHANNEL, .flags = 0 };
	fllm_bo *bo;
	fllm_status st;

	assert(dev && out);
	if (params)
		p = *params;
	if (!p.align)
		p.align = BO_DEFAULT_ALIGN;
	if (!size || (p.align & (p.align - 1)) || p.flags)
		return FLLM_E_INVALID_ARG;
	if (p.align < BO_MIN_ALIGN)
		p.align = BO_MIN_ALIGN;
	if (p.channel != FLLM_BO_ANY_CHANNEL &&
	    (p.channel < 0 || (uint32_t)p.channel >= dev->info.mem_channels))
		return FLLM_E_INVALID_ARG;
	if (size > dev->info.mem_size)
		return FLLM_E_NO_CARD_MEMORY;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return FLLM_E_NO_MEMORY;
	st = dev->ops->bo_alloc(dev->priv, size, p.align, p.channel, &bo->card_addr, &bo->priv);
	if (st) {
		free(bo);
		return st;
	}
	bo->dev = dev;
	bo->size = size;
	bo->channel = (int32_t)(bo->card_addr / (dev->info.mem_size / dev->info.mem_channels));
	fllm_device_child_add(dev, FLLM_HANDLE_BO);
	*out = bo;
	return FLLM_OK;
}

/* Give the card memory back. */
void fllm_bo_free(fllm_bo *bo)
{
	if (!bo)
		return;
	bo->dev->ops->bo_free(bo->dev->priv, bo->priv);
	fllm_device_child_del(bo->dev, FLLM_HANDLE_BO);
	free(bo);
}

uint64_t fllm_bo_size(const fllm_bo *bo)
{
	assert(bo);
	return bo->size;
}

uint64_t fllm_bo_card_addr(const fllm_bo *bo)
{
	assert(bo);
	return bo->card_addr;
}

int32_t fllm_bo_channel(const fllm_bo *bo)
{
	assert(bo);
	return bo->channel;
}

/*
 * A copy of len bytes at offset: [offset, offset + len) must lie inside the
 * BO, without overflow; the host buffer buf may be NULL only when len is 0.
 */
static fllm_status check_copy(const fllm_bo *bo, uint64_t offset, uint64_t len, const void *buf)
{
	assert(bo);
	if (offset > bo->size || len > bo->size - offset)
		return FLLM_E_OUT_OF_RANGE;
	assert(buf || !len);
	return FLLM_OK;
}

/* Host to card copy into the BO. */
fllm_status fllm_bo_write(fllm_bo *bo, uint64_t offset, const void *src, uint64_t len)
{
	fllm_status st = check_copy(bo, offset, len, src);

	if (st || !len)
		return st;
	return bo->dev->ops->bo_write(bo->dev->priv, bo->priv, bo->card_addr + offset, src, len);
}

/* Card to host copy out of the BO. */
fllm_status fllm_bo_read(fllm_bo *bo, uint64_t offset, void *dst, uint64_t len)
{
	fllm_status st = check_copy(bo, offset, len, dst);

	if (st || !len)
		return st;
	return bo->dev->ops->bo_read(bo->dev->priv, bo->priv, bo->card_addr + offset, dst, len);
}
