/*
 * The fuzz builds compile the engine's parsers without the card side
 * (runtime core devices, backends, the card model): this stands in for the
 * card executor, which the harnesses never reach (they use CPU contexts).
 */
#include "executor.h"

fllm_status fllm_exec_card_create(const fllm_model *m, const fllm_context_params *p,
				  uint32_t n_ctx, struct fllm_exec **out)
{
	(void)m;
	(void)p;
	(void)n_ctx;
	*out = NULL;
	return FLLM_E_UNSUPPORTED;
}
