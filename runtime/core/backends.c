/* The backend table: every backend libfllm knows, tried in this order. */
#include "backend.h"

extern const struct fllm_backend_ops fllm_backend_emu;
extern const struct fllm_backend_ops fllm_backend_rtlsim;
extern const struct fllm_backend_ops fllm_backend_pci;
extern const struct fllm_backend_ops fllm_backend_kmd;
extern const struct fllm_backend_ops fllm_backend_xrt;

const struct fllm_backend_ops *const fllm_backends[] = {
	&fllm_backend_emu,
	&fllm_backend_rtlsim,
	&fllm_backend_pci,
	&fllm_backend_kmd,
	&fllm_backend_xrt,
	NULL,
};
