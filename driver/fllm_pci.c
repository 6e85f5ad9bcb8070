// SPDX-License-Identifier: GPL-2.0
/*
 * PCI probe and remove. The fllm card (FLLM_PCI_VENDOR_ID:FLLM_PCI_DEVICE_ID)
 * has its registers in BAR0. With the module parameter ivshmem=1 the driver
 * also takes QEMU's ivshmem device (1af4:1110), whose BAR2 shared memory
 * holds the registers of a card model running on the host and whose BAR0
 * holds ivshmem's own registers, of which only the Doorbell is used (see
 * fllm_regs.c). Either way the card must answer with the fllm magic and
 * interface major version, or probe refuses it.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "fllm_drv.h"

static DEFINE_IDA(fllm_minors);

/* The fllm card only: what udev may load the module for. */
static const struct pci_device_id fllm_pci_ids[] = {
	{ PCI_DEVICE(FLLM_PCI_VENDOR_ID, FLLM_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fllm_pci_ids);

/* With ivshmem=1: the card and QEMU's ivshmem device. */
const struct pci_device_id fllm_pci_ids_vm[] = {
	{ PCI_DEVICE(FLLM_PCI_VENDOR_ID, FLLM_PCI_DEVICE_ID) },
	{ PCI_DEVICE(FLLM_IVSHMEM_VENDOR, FLLM_IVSHMEM_DEVICE) },
	{ }
};

/* Last reference to the device gone (remove done, files closed). */
static void fllm_dev_release(struct device *dev)
{
	struct fllm_dev *fdev = container_of(dev, struct fllm_dev, dev);

	fllm_mem_fini(&fdev->mem);
	ida_free(&fllm_minors, fdev->minor);
	pci_dev_put(fdev->pdev);
	kfree(fdev);
}

/* Map the register BAR(s); 0 or -errno. */
static int fllm_map_bars(struct fllm_dev *fdev, bool ivshmem)
{
	struct pci_dev *pdev = fdev->pdev;
	int bar = ivshmem ? FLLM_IVSHMEM_SHM_BAR : FLLM_REG_BAR;

	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, bar) < FLLM_REG_BAR_SIZE) {
		dev_err(&pdev->dev, "BAR%d is not a memory BAR of %u bytes or more\n", bar,
			FLLM_REG_BAR_SIZE);
		return -ENODEV;
	}
	fdev->regs = pci_iomap(pdev, bar, FLLM_REG_BAR_SIZE);
	if (!fdev->regs)
		return -ENOMEM;
	if (!ivshmem)
		return 0;
	if (pci_resource_len(pdev, FLLM_IVSHMEM_REG_BAR) < FLLM_IVSHMEM_DOORBELL + 4) {
		dev_err(&pdev->dev, "ivshmem register BAR too small\n");
		goto err_unmap;
	}
	fdev->ivsh = pci_iomap(pdev, FLLM_IVSHMEM_REG_BAR, 0);
	if (!fdev->ivsh)
		goto err_unmap;
	return 0;

err_unmap:
	pci_iounmap(pdev, fdev->regs);
	fdev->regs = NULL;
	return -ENODEV;
}

/* Undo fllm_map_bars (either BAR may be unmapped already). */
static void fllm_unmap_bars(struct fllm_dev *fdev)
{
	if (fdev->ivsh)
		pci_iounmap(fdev->pdev, fdev->ivsh);
	if (fdev->regs)
		pci_iounmap(fdev->pdev, fdev->regs);
	fdev->ivsh = NULL;
	fdev->regs = NULL;
}

/* The fllm_dev with its char device not yet added; NULL on failure. */
static struct fllm_dev *fllm_dev_alloc(struct pci_dev *pdev)
{
	struct fllm_dev *fdev;
	u32 c;

	fdev = kzalloc(sizeof(*fdev), GFP_KERNEL);
	if (!fdev)
		return NULL;
	fdev->minor = ida_alloc_max(&fllm_minors, FLLM_MAX_CARDS - 1, GFP_KERNEL);
	if (fdev->minor < 0) {
		kfree(fdev);
		return NULL;
	}
	fdev->pdev = pci_dev_get(pdev);
	init_rwsem(&fdev->gone_rwsem);
	spin_lock_init(&fdev->irq_lock);
	init_waitqueue_head(&fdev->cq_wq);
	mutex_init(&fdev->qlock);
	INIT_LIST_HEAD(&fdev->jobs);
	fdev->next_job = 1;
	for (c = 0; c < FLLM_DMA_CHANNELS; c++)
		fllm_dma_chan_init(&fdev->dma[c]);
	INIT_DELAYED_WORK(&fdev->watch, fllm_watch_fn);
	device_initialize(&fdev->dev);
	fdev->dev.class = fllm_class;
	fdev->dev.parent = &pdev->dev;
	fdev->dev.devt = MKDEV(MAJOR(fllm_devt), fdev->minor);
	fdev->dev.groups = fllm_dev_groups;
	fdev->dev.release = fllm_dev_release;
	cdev_init(&fdev->cdev, &fllm_fops);
	fdev->cdev.owner = THIS_MODULE;
	return fdev;
}

/* Bring a card (or, with ivshmem=1, a card model) up and publish /dev/fllmN. */
static int fllm_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	bool ivshmem = pdev->vendor == FLLM_IVSHMEM_VENDOR;
	struct fllm_dev *fdev;
	int rc;

	if (ivshmem && !fllm_param_ivshmem)
		return -ENODEV;
	fdev = fllm_dev_alloc(pdev);
	if (!fdev)
		return -ENOMEM;
	rc = pci_enable_device(pdev);
	if (rc)
		goto err_put_dev;
	rc = pci_request_regions(pdev, FLLM_DRV_NAME);
	if (rc)
		goto err_disable;
	rc = fllm_map_bars(fdev, ivshmem);
	if (rc)
		goto err_release;
	rc = fllm_card_identify(fdev);
	if (rc)
		goto err_unmap;
	rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (rc)
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (rc)
		goto err_unmap;
	pci_set_master(pdev);
	rc = fllm_mem_init(&fdev->mem, fdev->info.mem_size, fdev->info.mem_channels,
			   dev_to_node(&pdev->dev));
	if (rc)
		goto err_clear_master;
	rc = fllm_rings_alloc(fdev);
	if (rc)
		goto err_clear_master;
	rc = fllm_irq_setup(fdev);
	if (rc)
		goto err_free_rings;
	rc = fllm_card_start(fdev);
	if (rc)
		goto err_irq;
	pci_set_drvdata(pdev, fdev);
	rc = dev_set_name(&fdev->dev, "fllm%d", fdev->minor);
	if (!rc)
		rc = cdev_device_add(&fdev->cdev, &fdev->dev);
	if (rc)
		goto err_stop;
	dev_info(&pdev->dev, "fllm%d: interface %u.%u, %llu MiB card memory in %u channels, %u units%s\n",
		 fdev->minor, FLLM_CARD_IF_VERSION_MAJOR(fdev->info.if_version),
		 FLLM_CARD_IF_VERSION_MINOR(fdev->info.if_version), fdev->info.mem_size >> 20,
		 fdev->info.mem_channels, fdev->info.cu_count,
		 ivshmem ? " (card model behind ivshmem)" : "");
	return 0;

err_stop:
	fdev->gone = true;
	fllm_card_stop(fdev);
err_irq:
	fllm_irq_teardown(fdev);
err_free_rings:
	fllm_rings_free(fdev);
err_clear_master:
	pci_clear_master(pdev);
err_unmap:
	fllm_unmap_bars(fdev);
err_release:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_put_dev:
	put_device(&fdev->dev);
	return rc;
}

/*
 * Tear down in an order that is safe with files still open: refuse new
 * calls and wake sleepers, stop the card (aborting jobs and ending DMA),
 * wait for calls in progress, then free the hardware resources. The struct
 * lives on until the last file closes.
 */
static void fllm_remove(struct pci_dev *pdev)
{
	struct fllm_dev *fdev = pci_get_drvdata(pdev);

	WRITE_ONCE(fdev->gone, true);
	fllm_wake_all(fdev);
	cdev_device_del(&fdev->cdev, &fdev->dev);
	cancel_delayed_work_sync(&fdev->watch);
	fllm_card_stop(fdev);
	down_write(&fdev->gone_rwsem);
	fllm_irq_teardown(fdev);
	cancel_delayed_work_sync(&fdev->watch);
	fllm_rings_free(fdev);
	pci_clear_master(pdev);
	fllm_unmap_bars(fdev);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	up_write(&fdev->gone_rwsem);
	put_device(&fdev->dev);
}

struct pci_driver fllm_pci_driver = {
	.name = FLLM_DRV_NAME,
	.id_table = fllm_pci_ids,
	.probe = fllm_probe,
	.remove = fllm_remove,
};
