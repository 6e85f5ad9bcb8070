/*
 * The xrt backend in a build without XRT (FLLM_XRT=OFF, libxrt-dev
 * missing): lists nothing and opens nothing, saying it is unsupported.
 */
#include "backend.h"

static fllm_status xrt_absent_open(const char *spec, void **priv)
{
	return FLLM_E_UNSUPPORTED;
}

const struct fllm_backend_ops fllm_backend_xrt = {
	.name = "xrt",
	.open = xrt_absent_open,
};
