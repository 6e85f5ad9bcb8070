/*
 * Card memory: one private anonymous mapping without swap reservation, so a
 * 16 GiB card costs nothing until pages are touched. Channel c is the slice
 * [c * size / channels, (c + 1) * size / channels), as fllm_card.h says;
 * nothing in the model needs more than the flat range.
 */
#include <errno.h>
#include <sys/mman.h>

#include "sim_internal.h"

/* Map size bytes of zeroed card memory. */
int fllm_sim_mem_init(struct fllm_sim_mem *mem, uint64_t size)
{
	void *p;

	if (size > SIZE_MAX)
		return -ENOMEM;
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	mem->base = p;
	mem->size = size;
	return 0;
}

/* Unmap card memory; a never-mapped mem is a no-op. */
void fllm_sim_mem_fini(struct fllm_sim_mem *mem)
{
	if (mem->base)
		munmap(mem->base, (size_t)mem->size);
	mem->base = NULL;
}

/* 1 if [addr, addr + len) lies inside card memory without wrapping. */
int fllm_sim_mem_range_ok(const struct fllm_sim_mem *mem, uint64_t addr, uint64_t len)
{
	return addr <= mem->size && len <= mem->size - addr;
}
