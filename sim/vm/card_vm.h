/*
 * fllm-card-vm: the card model (sim/) attached to a QEMU virtual machine.
 *
 * BAR0 lives in a shared-memory file that QEMU exposes as BAR2 of an
 * ivshmem-doorbell device (1af4:1110); the guest's RAM is a shared file the
 * model maps to reach host memory by bus address; the guest rings the
 * model through ivshmem's Doorbell register (an eventfd here) and the model
 * raises MSI-X vectors by signalling the guest's eventfds. This program is
 * the ivshmem server QEMU connects to. Private to sim/vm.
 */
#ifndef FLLM_CARD_VM_H
#define FLLM_CARD_VM_H

#include <stdatomic.h>
#include <stdint.h>

#include "fllm_sim.h"

#define VM_MODEL_PEER	0	/* ivshmem peer ID of the model (the guest rings it) */
#define VM_GUEST_PEER	1	/* peer ID handed to the one guest */
#define VM_MAX_VECTORS	16

/* The guest's RAM as the model sees it (q35 layout, no virtual IOMMU). */
struct vm_ram {
	uint8_t *base;		/* (size) bytes, the shared RAM file mapped */
	uint64_t size;
	uint64_t low;		/* bytes mapped below 4 GiB at bus address 0 */
};

struct vm_card {
	struct fllm_sim *sim;
	struct vm_ram ram;
	void *regs;			/* FLLM_REG_BAR_SIZE bytes shared with QEMU */
	int regs_fd;			/* memfd behind regs */
	int doorbell_fd;		/* eventfd the guest's doorbell writes */
	int irq_fd[VM_MAX_VECTORS];	/* eventfds QEMU turns into MSI-X vectors */
	uint32_t vectors;
	_Atomic uint64_t irqs_sent;
	_Atomic uint64_t host_errors;	/* DMA to bus addresses outside guest RAM */
	uint64_t doorbells;
};

/* vm_ram.c: map the RAM file (created at size bytes when size is nonzero). */
int vm_ram_open(struct vm_ram *ram, const char *path, uint64_t size);
void vm_ram_close(struct vm_ram *ram);
/* File offset of [bus, bus + len) or -1 when any byte is not guest RAM. */
int64_t vm_ram_offset(const struct vm_ram *ram, uint64_t bus, uint64_t len);
/* struct fllm_sim_host over a struct vm_card (ctx). */
extern const struct fllm_sim_host vm_host_ops;

/* vm_server.c: the ivshmem server side of the UNIX socket. */
int vm_server_listen(const char *path);
int vm_server_greet(const struct vm_card *card, int conn);

/* vm_card.c: shared register page, eventfds and the model, which takes
 * over ram (unmapped by vm_card_destroy). */
int vm_card_create(struct vm_card *card, const struct fllm_sim_config *cfg, uint32_t vectors,
		   const struct vm_ram *ram);
void vm_card_destroy(struct vm_card *card);
/* Drain the doorbell eventfd and wake the model; 0 or a negative errno. */
int vm_card_doorbell(struct vm_card *card);

#endif /* FLLM_CARD_VM_H */
