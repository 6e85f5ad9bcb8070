/* The pci backend's files (private to libfllm). */
#ifndef FLLM_PCI_BACKEND_H
#define FLLM_PCI_BACKEND_H

#include "backend.h"

#define PCI_ACCESS_ENV "FLLM_PCI_ACCESS"

/* pci_scan.c: list fllm and Alveo cards through libpci. */
fllm_status pci_enumerate(fllm_device_desc *out, size_t cap, size_t *n);

#endif /* FLLM_PCI_BACKEND_H */
