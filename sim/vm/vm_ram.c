/*
 * Guest RAM for card DMA. QEMU backs the guest's RAM with a shared file
 * (-M memory-backend=...,share=on) and, with no virtual IOMMU, a bus address
 * is a guest physical address. On q35, RAM below 0xb0000000 bytes is mapped
 * at physical 0 in one piece; a larger guest gets 2 GiB low and the rest
 * from 4 GiB up. Every access is bounds-checked against that layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card_vm.h"

#define Q35_LOWMEM_SPLIT	0xb0000000ull	/* RAM at or above this is split */
#define Q35_LOWMEM_MAX		0x80000000ull	/* low part of a split guest */
#define FOUR_GIB		0x100000000ull

/* See card_vm.h. */
int vm_ram_open(struct vm_ram *ram, const char *path, uint64_t size)
{
	struct stat st;
	void *p;
	int fd, rc;

	memset(ram, 0, sizeof(*ram));
	fd = open(path, size ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (size && ftruncate(fd, (off_t)size)) {
		rc = -errno;
		goto err_close;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		goto err_close;
	}
	if (st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX) {
		rc = -EINVAL;
		goto err_close;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto err_close;
	}
	close(fd);
	ram->base = p;
	ram->size = (uint64_t)st.st_size;
	ram->low = ram->size < Q35_LOWMEM_SPLIT ? ram->size : Q35_LOWMEM_MAX;
	return 0;

err_close:
	close(fd);
	return rc;
}

/* See card_vm.h. */
void vm_ram_close(struct vm_ram *ram)
{
	if (ram->base)
		munmap(ram->base, (size_t)ram->size);
	ram->base = NULL;
}

/* See card_vm.h. A range may not straddle the hole below 4 GiB. */
int64_t vm_ram_offset(const struct vm_ram *ram, uint64_t bus, uint64_t len)
{
	uint64_t high = ram->size - ram->low;

	if (bus < ram->low)
		return len <= ram->low - bus ? (int64_t)bus : -1;
	if (bus >= FOUR_GIB && bus - FOUR_GIB < high && len <= high - (bus - FOUR_GIB))
		return (int64_t)(bus - FOUR_GIB + ram->low);
	return -1;
}

/* Card reads guest memory. */
static int vm_host_read(void *ctx, uint64_t bus, void *dst, uint64_t len)
{
	struct vm_card *card = ctx;
	int64_t off = vm_ram_offset(&card->ram, bus, len);

	if (off < 0) {
		atomic_fetch_add(&card->host_errors, 1);
		return -1;
	}
	memcpy(dst, card->ram.base + off, len);
	return 0;
}

/* Card writes guest memory. */
static int vm_host_write(void *ctx, uint64_t bus, const void *src, uint64_t len)
{
	struct vm_card *card = ctx;
	int64_t off = vm_ram_offset(&card->ram, bus, len);

	if (off < 0) {
		atomic_fetch_add(&card->host_errors, 1);
		return -1;
	}
	memcpy(card->ram.base + off, src, len);
	return 0;
}

/* An MSI-X message: QEMU injects the vector when its eventfd is signalled. */
static void vm_host_irq(void *ctx, uint32_t vector)
{
	struct vm_card *card = ctx;
	uint64_t one = 1;

	if (vector >= card->vectors)
		return;
	if (write(card->irq_fd[vector], &one, sizeof(one)) == (ssize_t)sizeof(one))
		atomic_fetch_add(&card->irqs_sent, 1);
}

const struct fllm_sim_host vm_host_ops = {
	.ctx = NULL,	/* the struct vm_card, set at create */
	.read = vm_host_read,
	.write = vm_host_write,
	.irq = vm_host_irq,
};
