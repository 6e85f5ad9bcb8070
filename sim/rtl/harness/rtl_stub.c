/*
 * The RTL units' API when the build has no Verilator (FLLM_RTL=OFF): every
 * entry point reports that the models are absent. CMake links this file
 * instead of the Verilated models; callers decide at run time.
 */
#include <errno.h>
#include <stddef.h>

#include "fllm_rtl.h"

const char *fllm_rtl_unavailable(void)
{
	return "the RTL model is not built: Verilator was not found when fllm was configured "
	       "(install verilator and configure with -DFLLM_RTL=ON)";
}

int fllm_rtl_unit_create(uint32_t cu_type, const struct fllm_rtl_timing *t,
			 struct fllm_rtl_unit **out)
{
	*out = NULL;
	return -ENOSYS;
}

void fllm_rtl_unit_destroy(struct fllm_rtl_unit *u)
{
}

/* The remaining entry points need an instance, which create never gives. */
void fllm_rtl_unit_reset(struct fllm_rtl_unit *u)
{
}

int fllm_rtl_unit_watch(struct fllm_rtl_unit *u, uint32_t n, const uint64_t *lo,
			const uint64_t *hi)
{
	return -ENOSYS;
}

int fllm_rtl_unit_start(struct fllm_rtl_unit *u, uint8_t *mem, uint64_t mem_bytes,
			const uint64_t arg[FLLM_RTL_ARGS])
{
	return -ENOSYS;
}

int fllm_rtl_unit_step(struct fllm_rtl_unit *u, uint64_t cycles)
{
	return 0;
}

uint64_t fllm_rtl_unit_cycle(const struct fllm_rtl_unit *u)
{
	return 0;
}

void fllm_rtl_unit_result(struct fllm_rtl_unit *u, uint16_t *status, uint64_t *result,
			  struct fllm_rtl_stats *st)
{
	*status = 0;
	*result = 0;
}

int fllm_rtl_unit_run(struct fllm_rtl_unit *u, uint8_t *mem, uint64_t mem_bytes,
		      const uint64_t arg[FLLM_RTL_ARGS], uint64_t max_cycles, uint16_t *status,
		      uint64_t *result, struct fllm_rtl_stats *st)
{
	return -ENOSYS;
}
