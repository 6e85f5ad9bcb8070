// SPDX-License-Identifier: GPL-2.0
/*
 * Card memory allocator on the kernel's gen_pool: one chunk covering the
 * card's [0, mem_size) in 4 KiB granules, placed at a large bias because
 * gen_pool reports failure as address 0. A custom search confines an
 * allocation to one memory channel's slice when asked and honours
 * alignments above the granule (the bias is aligned to 1 TiB).
 */
#include <linux/bitmap.h>
#include <linux/genalloc.h>

#include "fllm_drv.h"

#define FLLM_MEM_ORDER	PAGE_SHIFT
#define FLLM_MEM_BIAS	BIT_ULL(40)

/* Where a request may be placed, in granules of the chunk. */
struct fllm_mem_req {
	unsigned long lo, hi;
	unsigned long align_mask;
};

/* gen_pool search: first fit inside [lo, hi) at the requested alignment. */
static unsigned long fllm_mem_algo(unsigned long *map, unsigned long size, unsigned long start,
				   unsigned int nr, void *data, struct gen_pool *pool,
				   unsigned long start_addr)
{
	struct fllm_mem_req *req = data;
	unsigned long hi = min(size, req->hi), idx;

	idx = bitmap_find_next_zero_area(map, hi, max(start, req->lo), nr, req->align_mask);
	return idx + nr > hi ? size : idx;
}

/* A pool for size bytes in channels equal slices. */
int fllm_mem_init(struct fllm_mem *mem, u64 size, u32 channels, int nid)
{
	int rc;

	if (!channels || size % ((u64)channels << FLLM_MEM_ORDER) || size >= FLLM_MEM_BIAS)
		return -EINVAL;
	mem->pool = gen_pool_create(FLLM_MEM_ORDER, nid);
	if (!mem->pool)
		return -ENOMEM;
	rc = gen_pool_add(mem->pool, FLLM_MEM_BIAS, size, nid);
	if (rc) {
		gen_pool_destroy(mem->pool);
		mem->pool = NULL;
		return rc;
	}
	mem->size = size;
	mem->channels = channels;
	mem->chan_size = div_u64(size, channels);
	atomic64_set(&mem->used, 0);
	atomic_set(&mem->bos, 0);
	return 0;
}

/* Destroy the pool; every allocation must have been freed. */
void fllm_mem_fini(struct fllm_mem *mem)
{
	if (mem->pool)
		gen_pool_destroy(mem->pool);
	mem->pool = NULL;
}

/*
 * size bytes aligned to align (a power of two) in channel, or anywhere for
 * FLLM_UAPI_ANY_CHANNEL; -ENOSPC when nothing fits.
 */
int fllm_mem_alloc(struct fllm_mem *mem, u64 size, u64 align, s32 channel, u64 *addr,
		   u64 *alloc_size)
{
	struct fllm_mem_req req = { 0, mem->size >> FLLM_MEM_ORDER, 0 };
	unsigned long va;

	if (!size || size > mem->size || (align & (align - 1)) || align > mem->size)
		return -EINVAL;
	if (channel != FLLM_UAPI_ANY_CHANNEL) {
		if (channel < 0 || (u32)channel >= mem->channels)
			return -EINVAL;
		req.lo = (unsigned long)((channel * mem->chan_size) >> FLLM_MEM_ORDER);
		req.hi = req.lo + (unsigned long)(mem->chan_size >> FLLM_MEM_ORDER);
	}
	if (align > (1ull << FLLM_MEM_ORDER))
		req.align_mask = (unsigned long)(align >> FLLM_MEM_ORDER) - 1;
	*alloc_size = round_up(size, 1ull << FLLM_MEM_ORDER);
	va = gen_pool_alloc_algo(mem->pool, *alloc_size, fllm_mem_algo, &req);
	if (!va)
		return -ENOSPC;
	*addr = va - FLLM_MEM_BIAS;
	atomic64_add(*alloc_size, &mem->used);
	atomic_inc(&mem->bos);
	return 0;
}

/* Return what fllm_mem_alloc gave. */
void fllm_mem_free(struct fllm_mem *mem, u64 addr, u64 alloc_size)
{
	gen_pool_free(mem->pool, addr + FLLM_MEM_BIAS, alloc_size);
	atomic64_sub(alloc_size, &mem->used);
	atomic_dec(&mem->bos);
}

/* Bytes not in any allocation. */
u64 fllm_mem_free_bytes(struct fllm_mem *mem)
{
	return mem->size - atomic64_read(&mem->used);
}
