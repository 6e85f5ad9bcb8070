/*
 * The fuzz builds compile the engine's parsers without the card side
 * (runtime core devices, backends, the card model, the host kernels): these
 * stand in for the card and cpu-q executors, which the harnesses never
 * reach (they use fp32 CPU contexts).
 */
#include "executor.h"
#include "sched_model.h"

fllm_status fllm_exec_card_create(const fllm_model *m, const fllm_context_params *p,
				  uint32_t n_ctx, struct fllm_exec **out)
{
	(void)m;
	(void)p;
	(void)n_ctx;
	*out = NULL;
	return FLLM_E_UNSUPPORTED;
}

fllm_status fllm_exec_hostq_create(const fllm_model *m, const fllm_context_params *p,
				   uint32_t n_ctx, struct fllm_exec **out)
{
	return fllm_exec_card_create(m, p, n_ctx, out);
}

/* The layer scheduler's planning of card contexts (sched_model.c, not in
 * the fuzz builds): as unreachable as the card executor. */
fllm_status sched_context_placement(const fllm_model *model, const fllm_context_params *p,
				    uint32_t n_ctx, uint64_t budget, uint8_t *place,
				    double *t_token, char *err, size_t err_size)
{
	(void)model;
	(void)p;
	(void)n_ctx;
	(void)budget;
	(void)place;
	(void)t_token;
	(void)err;
	(void)err_size;
	return FLLM_E_UNSUPPORTED;
}
