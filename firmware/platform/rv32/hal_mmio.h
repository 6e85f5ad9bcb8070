/* The soft core's struct fw_hal (hal_mmio.c). */
#ifndef FLLM_HAL_MMIO_H
#define FLLM_HAL_MMIO_H

#include "fw.h"

extern const struct fw_hal fw_hal_mmio;

#endif /* FLLM_HAL_MMIO_H */
