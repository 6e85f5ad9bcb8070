/*
 * The card's side of the VM link: the register page (a memfd QEMU maps as
 * BAR2), the doorbell and interrupt eventfds, and the model built on them.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "card_vm.h"
#include "fllm_card.h"

/* See card_vm.h. On failure everything made so far is released. */
int vm_card_create(struct vm_card *card, const struct fllm_sim_config *cfg, uint32_t vectors,
		   const struct vm_ram *ram)
{
	struct fllm_sim_host host = vm_host_ops;
	int rc;

	memset(card, 0, sizeof(*card));
	card->ram = *ram;
	card->regs_fd = -1;
	if (!vectors || vectors > VM_MAX_VECTORS)
		return -EINVAL;
	card->vectors = vectors;
	card->regs = MAP_FAILED;
	card->doorbell_fd = -1;
	for (uint32_t v = 0; v < VM_MAX_VECTORS; v++)
		card->irq_fd[v] = -1;
	card->regs_fd = memfd_create("fllm-bar0", MFD_CLOEXEC);
	if (card->regs_fd < 0)
		return -errno;
	/* ivshmem BARs must be a power of two: FLLM_REG_BAR_SIZE is one */
	if (ftruncate(card->regs_fd, FLLM_REG_BAR_SIZE))
		goto err_errno;
	card->regs = mmap(NULL, FLLM_REG_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			  card->regs_fd, 0);
	if (card->regs == MAP_FAILED)
		goto err_errno;
	card->doorbell_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (card->doorbell_fd < 0)
		goto err_errno;
	for (uint32_t v = 0; v < vectors; v++) {
		card->irq_fd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (card->irq_fd[v] < 0)
			goto err_errno;
	}
	host.ctx = card;
	rc = fllm_sim_create_shared(cfg, &host, card->regs, &card->sim);
	if (rc)
		goto err_destroy;
	return 0;

err_errno:
	rc = -errno;
err_destroy:
	vm_card_destroy(card);
	return rc;
}

/* See card_vm.h. Safe on a partly created card; unmaps the guest RAM too. */
void vm_card_destroy(struct vm_card *card)
{
	fllm_sim_destroy(card->sim);	/* stops the card thread first */
	card->sim = NULL;
	for (uint32_t v = 0; v < VM_MAX_VECTORS; v++) {
		if (card->irq_fd[v] >= 0)
			close(card->irq_fd[v]);
		card->irq_fd[v] = -1;
	}
	if (card->doorbell_fd >= 0)
		close(card->doorbell_fd);
	card->doorbell_fd = -1;
	if (card->regs != MAP_FAILED && card->regs)
		munmap(card->regs, FLLM_REG_BAR_SIZE);
	card->regs = NULL;
	if (card->regs_fd >= 0)
		close(card->regs_fd);
	card->regs_fd = -1;
	vm_ram_close(&card->ram);
}

/*
 * See card_vm.h. QEMU sets the eventfd non-blocking and the flag is shared
 * with this process, so the caller polls first and EAGAIN here is normal.
 */
int vm_card_doorbell(struct vm_card *card)
{
	uint64_t count;
	ssize_t n = read(card->doorbell_fd, &count, sizeof(count));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n != (ssize_t)sizeof(count))
		return -EIO;
	card->doorbells += count;
	fllm_sim_kick(card->sim);
	return 0;
}
