/*
 * The RTL unit's API when the build has no Verilator (FLLM_RTL=OFF): every
 * entry point reports that the model is absent. CMake links this file
 * instead of the Verilated model; callers decide at run time.
 */
#include <errno.h>
#include <stddef.h>

#include "fllm_rtl.h"

const char *fllm_rtl_lutgemm_unavailable(void)
{
	return "the RTL model is not built: Verilator was not found when fllm was configured "
	       "(install verilator and configure with -DFLLM_RTL=ON)";
}

int fllm_rtl_lutgemm_create(const struct fllm_rtl_timing *t, struct fllm_rtl_lutgemm **out)
{
	*out = NULL;
	return -ENOSYS;
}

void fllm_rtl_lutgemm_destroy(struct fllm_rtl_lutgemm *u)
{
}

/* The remaining entry points need an instance, which create never gives. */
void fllm_rtl_lutgemm_reset(struct fllm_rtl_lutgemm *u)
{
}

int fllm_rtl_lutgemm_start(struct fllm_rtl_lutgemm *u, uint8_t *mem, uint64_t mem_bytes,
			   uint64_t params, uint64_t params_bytes)
{
	return -ENOSYS;
}

int fllm_rtl_lutgemm_step(struct fllm_rtl_lutgemm *u, uint64_t cycles)
{
	return 0;
}

uint64_t fllm_rtl_lutgemm_cycle(const struct fllm_rtl_lutgemm *u)
{
	return 0;
}

void fllm_rtl_lutgemm_result(struct fllm_rtl_lutgemm *u, uint16_t *status,
			     struct fllm_rtl_stats *st)
{
	*status = 0;
}

int fllm_rtl_lutgemm_run(struct fllm_rtl_lutgemm *u, uint8_t *mem, uint64_t mem_bytes,
			 uint64_t params, uint64_t params_bytes, uint64_t max_cycles,
			 uint16_t *status, struct fllm_rtl_stats *st)
{
	return -ENOSYS;
}
