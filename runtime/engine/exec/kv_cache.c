/* The CPU executor's contiguous fp32 KV cache (kv_cache.h). */
#include "kv_cache.h"

#include <stdlib.h>
#include <string.h>

/* Allocate both caches; the size is checked for overflow first. */
fllm_status fllm_kv_cache_init(struct fllm_kv_cache *kv, uint32_t n_layers, uint32_t n_ctx,
			       uint32_t kv_dim)
{
	uint64_t n = (uint64_t)n_layers * n_ctx * kv_dim;	/* < 2^12 * 2^24 * 2^16 */

	memset(kv, 0, sizeof(*kv));
	if (!n || n > SIZE_MAX / sizeof(float))
		return FLLM_E_NO_MEMORY;
	kv->k = calloc((size_t)n, sizeof(float));
	kv->v = calloc((size_t)n, sizeof(float));
	if (!kv->k || !kv->v) {
		fllm_kv_cache_release(kv);
		return FLLM_E_NO_MEMORY;
	}
	kv->n_layers = n_layers;
	kv->n_ctx = n_ctx;
	kv->kv_dim = kv_dim;
	return FLLM_OK;
}

void fllm_kv_cache_release(struct fllm_kv_cache *kv)
{
	free(kv->k);
	free(kv->v);
	memset(kv, 0, sizeof(*kv));
}
