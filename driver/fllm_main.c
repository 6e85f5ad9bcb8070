// SPDX-License-Identifier: GPL-2.0
/*
 * fllm.ko: the PCIe DMA driver of the fllm LLM-inference card.
 * Module parameters, the char device region and class, PCI registration.
 * docs/driver.md describes the design and the uapi.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/version.h>

#include "fllm_drv.h"

bool fllm_param_ivshmem;
module_param_named(ivshmem, fllm_param_ivshmem, bool, 0444);
MODULE_PARM_DESC(ivshmem, "Also drive QEMU ivshmem devices (1af4:1110) that hold a card model (VM testing)");

int fllm_param_irq_mode = -1;
module_param_named(irq_mode, fllm_param_irq_mode, int, 0444);
MODULE_PARM_DESC(irq_mode, "Interrupts: -1 best available (default), 0 poll, 1 MSI, 2 MSI-X");

unsigned int fllm_param_job_timeout_ms = 30000;
module_param_named(job_timeout_ms, fllm_param_job_timeout_ms, uint, 0644);
MODULE_PARM_DESC(job_timeout_ms, "Reset the card when queued commands make no progress for this long (0 = never)");

unsigned int fllm_param_dma_timeout_ms = 10000;
module_param_named(dma_timeout_ms, fllm_param_dma_timeout_ms, uint, 0644);
MODULE_PARM_DESC(dma_timeout_ms, "Reset the card when a transfer makes no progress for this long");

struct class *fllm_class;
dev_t fllm_devt;

/* Check parameters, set up the char device region and class, register. */
static int __init fllm_init(void)
{
	int rc;

	if (fllm_param_irq_mode < -1 || fllm_param_irq_mode > FLLM_UAPI_IRQ_MSIX) {
		pr_err("fllm: irq_mode must be -1, 0, 1 or 2\n");
		return -EINVAL;
	}
	rc = alloc_chrdev_region(&fllm_devt, 0, FLLM_MAX_CARDS, FLLM_DRV_NAME);
	if (rc)
		return rc;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	fllm_class = class_create(FLLM_DRV_NAME);
#else
	fllm_class = class_create(THIS_MODULE, FLLM_DRV_NAME);
#endif
	if (IS_ERR(fllm_class)) {
		rc = PTR_ERR(fllm_class);
		goto err_unregister_region;
	}
	if (fllm_param_ivshmem)
		fllm_pci_driver.id_table = fllm_pci_ids_vm;
	rc = pci_register_driver(&fllm_pci_driver);
	if (rc)
		goto err_destroy_class;
	return 0;

err_destroy_class:
	class_destroy(fllm_class);
err_unregister_region:
	unregister_chrdev_region(fllm_devt, FLLM_MAX_CARDS);
	return rc;
}

/* Unregister (removing every card), then free the region and class. */
static void __exit fllm_exit(void)
{
	pci_unregister_driver(&fllm_pci_driver);
	class_destroy(fllm_class);
	unregister_chrdev_region(fllm_devt, FLLM_MAX_CARDS);
}

module_init(fllm_init);
module_exit(fllm_exit);
MODULE_DESCRIPTION("fllm LLM-inference card: PCIe DMA driver");
MODULE_LICENSE("GPL");
