/*
 * Card-memory range allocator of the emu backend, which manages card memory
 * in user space (another backend that needs it moves it back to core/). Memory [0, size) is split into channels of
 * size / channels bytes. Free space is kept as an address-ordered list of
 * ranges; an allocation is placed first fit either inside one channel's
 * slice or anywhere (then it may cross channel boundaries), and freed ranges
 * coalesce with their neighbours. Thread safe.
 */
#ifndef FLLM_EMU_CARDMEM_H
#define FLLM_EMU_CARDMEM_H

#include <stdint.h>

#include "fllm/fllm.h"

/* Sizes are rounded up to this many bytes. */
#define FLLM_CARDMEM_GRANULE 64u

struct fllm_cardmem;

/* channels >= 1 and size a non-zero multiple of channels * GRANULE. */
fllm_status fllm_cardmem_create(uint64_t size, uint32_t channels, struct fllm_cardmem **out);
void fllm_cardmem_destroy(struct fllm_cardmem *cm);

/*
 * Allocate size bytes aligned to align (power of two) in channel, or anywhere
 * for FLLM_BO_ANY_CHANNEL. FLLM_E_NO_CARD_MEMORY when nothing fits,
 * FLLM_E_INVALID_ARG for a bad channel, zero size or bad alignment.
 */
fllm_status fllm_cardmem_alloc(struct fllm_cardmem *cm, uint64_t size, uint64_t align,
			       int32_t channel, uint64_t *addr);
/* Return [addr, addr + size) exactly as allocated. */
void fllm_cardmem_free(struct fllm_cardmem *cm, uint64_t addr, uint64_t size);

/* Channel holding addr. */
int32_t fllm_cardmem_channel_of(const struct fllm_cardmem *cm, uint64_t addr);
/* Bytes free in total, and the number of free ranges (fragmentation). */
uint64_t fllm_cardmem_free_bytes(struct fllm_cardmem *cm);
/* Bytes allocated now and the most ever allocated at once (granules). */
void fllm_cardmem_usage(struct fllm_cardmem *cm, uint64_t *used, uint64_t *peak);
uint32_t fllm_cardmem_free_ranges(struct fllm_cardmem *cm);

#endif /* FLLM_EMU_CARDMEM_H */
