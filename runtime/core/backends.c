/* The backend table: every backend libfllm knows, tried in this order. */
#include "backend.h"

extern const struct fllm_backend_ops fllm_backend_emu;
extern const struct fllm_backend_ops fllm_backend_pci;

const struct fllm_backend_ops *const fllm_backends[] = {
	&fllm_backend_emu,
	&fllm_backend_pci,
	NULL,
};
