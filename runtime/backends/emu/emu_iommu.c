/*
 * The emulated card's view of host memory: only ranges the backend mapped
 * (rings, and a caller's buffer while it is being transferred) are reachable,
 * so a bad bus address becomes a card error instead of memory corruption.
 */
#include <string.h>

#include "emu.h"

void emu_iommu_init(struct emu_iommu *mmu)
{
	pthread_mutex_init(&mmu->lock, NULL);
	mmu->n = 0;
}

/* Let the card reach [p, p + len); nonzero when the table is full. */
int emu_iommu_map(struct emu_iommu *mmu, const void *p, uint64_t len, int card_writes)
{
	int rc = -1;

	pthread_mutex_lock(&mmu->lock);
	if (mmu->n < EMU_IOMMU_MAX) {
		mmu->region[mmu->n++] = (struct emu_region){ (uintptr_t)p, len, card_writes };
		rc = 0;
	}
	pthread_mutex_unlock(&mmu->lock);
	return rc;
}

/* Withdraw the mapping starting at p; waits out any access in progress. */
void emu_iommu_unmap(struct emu_iommu *mmu, const void *p)
{
	pthread_mutex_lock(&mmu->lock);
	for (uint32_t i = 0; i < mmu->n; i++) {
		if (mmu->region[i].base == (uintptr_t)p) {
			mmu->region[i] = mmu->region[--mmu->n];
			break;
		}
	}
	pthread_mutex_unlock(&mmu->lock);
}

/* Region wholly containing [bus, bus + len), or NULL (caller holds the lock). */
static const struct emu_region *lookup(const struct emu_iommu *mmu, uint64_t bus, uint64_t len)
{
	for (uint32_t i = 0; i < mmu->n; i++) {
		const struct emu_region *r = &mmu->region[i];

		if (bus >= r->base && bus - r->base <= r->len && len <= r->len - (bus - r->base))
			return r;
	}
	return NULL;
}

/* Card reads host memory. */
static int emu_host_read(void *ctx, uint64_t bus, void *dst, uint64_t len)
{
	struct emu_dev *e = ctx;
	int rc = -1;

	pthread_mutex_lock(&e->iommu.lock);
	if (lookup(&e->iommu, bus, len)) {
		memcpy(dst, (const void *)(uintptr_t)bus, len);
		rc = 0;
	}
	pthread_mutex_unlock(&e->iommu.lock);
	return rc;
}

/* Card writes host memory: only regions mapped writable for the card. */
static int emu_host_write(void *ctx, uint64_t bus, const void *src, uint64_t len)
{
	struct emu_dev *e = ctx;
	const struct emu_region *r;
	int rc = -1;

	pthread_mutex_lock(&e->iommu.lock);
	r = lookup(&e->iommu, bus, len);
	if (r && r->card_writes) {
		memcpy((void *)(uintptr_t)bus, src, len);
		rc = 0;
	}
	pthread_mutex_unlock(&e->iommu.lock);
	return rc;
}

/* An MSI-X message: wake whoever waits on that vector. */
static void emu_host_irq(void *ctx, uint32_t vector)
{
	struct emu_dev *e = ctx;

	if (vector < FLLM_IRQ_VECTORS)
		emu_irq_signal(&e->irq[vector]);
}

const struct fllm_sim_host emu_sim_host_ops = {
	.ctx = NULL,	/* filled with the device at open */
	.read = emu_host_read,
	.write = emu_host_write,
	.irq = emu_host_irq,
};
