// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts: one MSI-X vector per source (FLLM_IRQ_*), else one MSI vector
 * for all of them, else none and every waiter polls. Handlers only
 * acknowledge and wake the waiters; completions are collected in process
 * context (fllm_queue.c), since an interrupt is only a hint and the rings
 * are the truth.
 */
#include <linux/interrupt.h>

#include "fllm_drv.h"

/* Wake everyone who waits on the card: after resets, faults and removal. */
void fllm_wake_all(struct fllm_dev *fdev)
{
	u32 c;

	atomic_inc(&fdev->cq_events);
	wake_up_all(&fdev->cq_wq);
	for (c = 0; c < FLLM_DMA_CHANNELS; c++) {
		atomic_inc(&fdev->dma[c].events);
		wake_up_all(&fdev->dma[c].wq);
	}
}

/* Act on raised sources (already acknowledged). */
static void fllm_irq_dispatch(struct fllm_dev *fdev, u32 sources)
{
	atomic64_inc(&fdev->irqs_handled);
	if (sources & FLLM_IRQ_ERROR) {
		fllm_wake_all(fdev);
		return;
	}
	if (sources & FLLM_IRQ_CQ) {
		atomic_inc(&fdev->cq_events);
		wake_up_all(&fdev->cq_wq);
	}
	if (sources & FLLM_IRQ_DMA_H2C) {
		atomic_inc(&fdev->dma[FLLM_DMA_H2C].events);
		wake_up_all(&fdev->dma[FLLM_DMA_H2C].wq);
	}
	if (sources & FLLM_IRQ_DMA_C2H) {
		atomic_inc(&fdev->dma[FLLM_DMA_C2H].events);
		wake_up_all(&fdev->dma[FLLM_DMA_C2H].wq);
	}
}

/* MSI-X: the vector names its source. */
static irqreturn_t fllm_irq_vector(struct fllm_dev *fdev, u32 source)
{
	fllm_irq_ack(fdev, source);
	fllm_irq_dispatch(fdev, source);
	return IRQ_HANDLED;
}

/* MSI-X vector 0: a completion with FLLM_CMD_F_IRQ was posted. */
static irqreturn_t fllm_irq_cq(int irq, void *data)
{
	return fllm_irq_vector(data, FLLM_IRQ_CQ);
}

/* MSI-X vector 1: an H2C descriptor batch finished. */
static irqreturn_t fllm_irq_h2c(int irq, void *data)
{
	return fllm_irq_vector(data, FLLM_IRQ_DMA_H2C);
}

/* MSI-X vector 2: a C2H descriptor batch finished. */
static irqreturn_t fllm_irq_c2h(int irq, void *data)
{
	return fllm_irq_vector(data, FLLM_IRQ_DMA_C2H);
}

/* MSI-X vector 3: watchdog, fatal error or a halted DMA channel. */
static irqreturn_t fllm_irq_err(int irq, void *data)
{
	return fllm_irq_vector(data, FLLM_IRQ_ERROR);
}

/* MSI: one vector, IRQ_STATUS says which sources were raised. */
static irqreturn_t fllm_irq_msi(int irq, void *data)
{
	struct fllm_dev *fdev = data;
	u32 sources = fllm_rd(fdev, FLLM_REG_IRQ_STATUS) & FLLM_IRQ_ALL;

	if (!sources)
		return IRQ_NONE;
	fllm_irq_ack(fdev, sources);
	fllm_irq_dispatch(fdev, sources);
	return IRQ_HANDLED;
}

static const irq_handler_t fllm_msix_handlers[FLLM_IRQ_VECTORS] = {
	fllm_irq_cq, fllm_irq_h2c, fllm_irq_c2h, fllm_irq_err,
};

/* Name of an FLLM_UAPI_IRQ_* mode, for sysfs and the log. */
const char *fllm_irq_mode_name(int mode)
{
	switch (mode) {
	case FLLM_UAPI_IRQ_MSIX:
		return "msix";
	case FLLM_UAPI_IRQ_MSI:
		return "msi";
	default:
		return "poll";
	}
}

/* Request n vectors of type and install the handlers; 0 or -errno. */
static int fllm_irq_try(struct fllm_dev *fdev, unsigned int type, int n)
{
	struct pci_dev *pdev = fdev->pdev;
	int got, v, rc;

	got = pci_alloc_irq_vectors(pdev, n, n, type);
	if (got < 0)
		return got;
	for (v = 0; v < n; v++) {
		rc = request_irq(pci_irq_vector(pdev, v),
				 type == PCI_IRQ_MSIX ? fllm_msix_handlers[v] : fllm_irq_msi, 0,
				 FLLM_DRV_NAME, fdev);
		if (rc)
			goto err_free_irqs;
	}
	fdev->nvec = n;
	return 0;

err_free_irqs:
	while (--v >= 0)
		free_irq(pci_irq_vector(pdev, v), fdev);
	pci_free_irq_vectors(pdev);
	return rc;
}

/* Pick the interrupt mode: the irq_mode parameter, else the best that works. */
int fllm_irq_setup(struct fllm_dev *fdev)
{
	int want = fllm_param_irq_mode;

	fdev->nvec = 0;
	fdev->irq_mode = FLLM_UAPI_IRQ_POLL;
	if ((want < 0 || want == FLLM_UAPI_IRQ_MSIX) && (fdev->info.caps & FLLM_CAP_MSIX) &&
	    !fllm_irq_try(fdev, PCI_IRQ_MSIX, FLLM_IRQ_VECTORS))
		fdev->irq_mode = FLLM_UAPI_IRQ_MSIX;
	else if ((want < 0 || want == FLLM_UAPI_IRQ_MSI) && !fllm_irq_try(fdev, PCI_IRQ_MSI, 1))
		fdev->irq_mode = FLLM_UAPI_IRQ_MSI;
	if (want >= 0 && want != fdev->irq_mode) {
		dev_err(&fdev->pdev->dev, "interrupt mode %s is not available\n",
			fllm_irq_mode_name(want));
		fllm_irq_teardown(fdev);
		return -ENODEV;
	}
	dev_info(&fdev->pdev->dev, "interrupts: %s\n", fllm_irq_mode_name(fdev->irq_mode));
	return 0;
}

/* Free the vectors (waits for running handlers). */
void fllm_irq_teardown(struct fllm_dev *fdev)
{
	int v;

	for (v = 0; v < fdev->nvec; v++)
		free_irq(pci_irq_vector(fdev->pdev, v), fdev);
	if (fdev->nvec)
		pci_free_irq_vectors(fdev->pdev);
	fdev->nvec = 0;
	fdev->irq_mode = FLLM_UAPI_IRQ_POLL;
}
