/* Card-memory range allocator: see cardmem.h. */
#include "cardmem.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct range {
	uint64_t addr, len;
};

struct fllm_cardmem {
	pthread_mutex_t lock;
	uint64_t size;
	uint64_t chan_size;		/* bytes per channel */
	uint32_t channels;
	uint32_t n, cap;
	struct range *free;		/* (cap) free ranges, n used, sorted by addr */
	uint64_t used, peak;		/* bytes allocated now, and at most so far */
};

/* Set up an allocator with all of [0, size) free. */
fllm_status fllm_cardmem_create(uint64_t size, uint32_t channels, struct fllm_cardmem **out)
{
	struct fllm_cardmem *cm;

	if (!channels || !size || size % ((uint64_t)channels * FLLM_CARDMEM_GRANULE))
		return FLLM_E_INVALID_ARG;
	cm = calloc(1, sizeof(*cm));
	if (!cm)
		return FLLM_E_NO_MEMORY;
	cm->cap = 16;
	cm->free = malloc(cm->cap * sizeof(*cm->free));
	if (!cm->free)
		goto err_free_cm;
	if (pthread_mutex_init(&cm->lock, NULL))
		goto err_free_ranges;
	cm->size = size;
	cm->channels = channels;
	cm->chan_size = size / channels;
	cm->free[0] = (struct range){ 0, size };
	cm->n = 1;
	*out = cm;
	return FLLM_OK;

err_free_ranges:
	free(cm->free);
err_free_cm:
	free(cm);
	return FLLM_E_NO_MEMORY;
}

/* Free everything; outstanding allocations simply vanish. */
void fllm_cardmem_destroy(struct fllm_cardmem *cm)
{
	if (!cm)
		return;
	pthread_mutex_destroy(&cm->lock);
	free(cm->free);
	free(cm);
}

/* Make room for one more range at index i (caller holds the lock). */
static int insert_slot(struct fllm_cardmem *cm, uint32_t i)
{
	if (cm->n == cm->cap) {
		struct range *r = realloc(cm->free, 2 * cm->cap * sizeof(*r));

		if (!r)
			return -1;
		cm->free = r;
		cm->cap *= 2;
	}
	memmove(&cm->free[i + 1], &cm->free[i], (cm->n - i) * sizeof(*cm->free));
	cm->n++;
	return 0;
}

/* Drop range i (caller holds the lock). */
static void remove_slot(struct fllm_cardmem *cm, uint32_t i)
{
	memmove(&cm->free[i], &cm->free[i + 1], (cm->n - i - 1) * sizeof(*cm->free));
	cm->n--;
}

/* Carve [a, a + len) out of free range i (caller holds the lock). */
static fllm_status carve(struct fllm_cardmem *cm, uint32_t i, uint64_t a, uint64_t len)
{
	struct range r = cm->free[i];
	uint64_t head = a - r.addr, tail = r.addr + r.len - (a + len);

	if (head && tail) {
		if (insert_slot(cm, i + 1))
			return FLLM_E_NO_MEMORY;
		cm->free[i].len = head;
		cm->free[i + 1] = (struct range){ a + len, tail };
	} else if (head) {
		cm->free[i].len = head;
	} else if (tail) {
		cm->free[i] = (struct range){ a + len, tail };
	} else {
		remove_slot(cm, i);
	}
	return FLLM_OK;
}

/* First fit inside the window of the channel (or the whole memory). */
fllm_status fllm_cardmem_alloc(struct fllm_cardmem *cm, uint64_t size, uint64_t align,
			       int32_t channel, uint64_t *addr)
{
	uint64_t lo = 0, hi = cm->size, len;
	fllm_status st = FLLM_E_NO_CARD_MEMORY;

	if (!size || !align || (align & (align - 1)))
		return FLLM_E_INVALID_ARG;
	if (channel != FLLM_BO_ANY_CHANNEL && (channel < 0 || (uint32_t)channel >= cm->channels))
		return FLLM_E_INVALID_ARG;
	if (size > cm->size || align > cm->size)
		return FLLM_E_NO_CARD_MEMORY;
	len = (size + FLLM_CARDMEM_GRANULE - 1) & ~(uint64_t)(FLLM_CARDMEM_GRANULE - 1);
	if (channel != FLLM_BO_ANY_CHANNEL) {
		lo = (uint64_t)channel * cm->chan_size;
		hi = lo + cm->chan_size;
	}
	pthread_mutex_lock(&cm->lock);
	for (uint32_t i = 0; i < cm->n; i++) {
		struct range r = cm->free[i];
		uint64_t start = r.addr > lo ? r.addr : lo;
		uint64_t end = r.addr + r.len < hi ? r.addr + r.len : hi;

		if (start >= hi)
			break;
		start = (start + align - 1) & ~(align - 1);
		if (start >= end || end - start < len)
			continue;
		st = carve(cm, i, start, len);
		if (!st) {
			*addr = start;
			cm->used += len;
			cm->peak = cm->used > cm->peak ? cm->used : cm->peak;
		}
		break;
	}
	pthread_mutex_unlock(&cm->lock);
	return st;
}

/* Put the range back in address order and merge it with touching neighbours. */
void fllm_cardmem_free(struct fllm_cardmem *cm, uint64_t addr, uint64_t size)
{
	uint64_t len = (size + FLLM_CARDMEM_GRANULE - 1) & ~(uint64_t)(FLLM_CARDMEM_GRANULE - 1);
	uint32_t i = 0;

	assert(addr < cm->size && len <= cm->size - addr);
	pthread_mutex_lock(&cm->lock);
	cm->used -= len;
	while (i < cm->n && cm->free[i].addr < addr)
		i++;
	assert((i == cm->n || addr + len <= cm->free[i].addr) && "double free of card memory");
	assert((i == 0 || cm->free[i - 1].addr + cm->free[i - 1].len <= addr) &&
	       "double free of card memory");
	if (i > 0 && cm->free[i - 1].addr + cm->free[i - 1].len == addr) {
		cm->free[i - 1].len += len;
		if (i < cm->n && cm->free[i - 1].addr + cm->free[i - 1].len == cm->free[i].addr) {
			cm->free[i - 1].len += cm->free[i].len;
			remove_slot(cm, i);
		}
	} else if (i < cm->n && addr + len == cm->free[i].addr) {
		cm->free[i].addr = addr;
		cm->free[i].len += len;
	} else if (insert_slot(cm, i) == 0) {
		cm->free[i] = (struct range){ addr, len };
	}
	/* else: out of host memory for the list; the range is lost, not corrupted */
	pthread_mutex_unlock(&cm->lock);
}

/* Channel whose slice holds addr. */
int32_t fllm_cardmem_channel_of(const struct fllm_cardmem *cm, uint64_t addr)
{
	return (int32_t)(addr / cm->chan_size);
}

/* Total free bytes. */
uint64_t fllm_cardmem_free_bytes(struct fllm_cardmem *cm)
{
	uint64_t sum = 0;

	pthread_mutex_lock(&cm->lock);
	for (uint32_t i = 0; i < cm->n; i++)
		sum += cm->free[i].len;
	pthread_mutex_unlock(&cm->lock);
	return sum;
}

/* Number of free ranges. */
uint32_t fllm_cardmem_free_ranges(struct fllm_cardmem *cm)
{
	uint32_t n;

	pthread_mutex_lock(&cm->lock);
	n = cm->n;
	pthread_mutex_unlock(&cm->lock);
	return n;
}

/* See cardmem.h. */
void fllm_cardmem_usage(struct fllm_cardmem *cm, uint64_t *used, uint64_t *peak)
{
	pthread_mutex_lock(&cm->lock);
	*used = cm->used;
	*peak = cm->peak;
	pthread_mutex_unlock(&cm->lock);
}
