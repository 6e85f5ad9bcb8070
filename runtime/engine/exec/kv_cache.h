/*
 * The KV cache: contiguous fp32, one row of kv_dim per (layer, position)
 * for keys and for values, owned by a CPU executor (exec_cpu.c). It is the
 * only KV cache today: the card and cpu-q executors run attention on the
 * host through an inner CPU executor and so keep their k and v here too.
 */
#ifndef FLLM_ENGINE_KV_CACHE_H
#define FLLM_ENGINE_KV_CACHE_H

#include <stdint.h>

#include "fllm/fllm.h"

struct fllm_kv_cache {
	float *k;		/* (n_layers, n_ctx, kv_dim) fp32 */
	float *v;		/* (n_layers, n_ctx, kv_dim) fp32 */
	uint32_t n_layers, n_ctx, kv_dim;
};

fllm_status fllm_kv_cache_init(struct fllm_kv_cache *kv, uint32_t n_layers, uint32_t n_ctx,
			       uint32_t kv_dim);
void fllm_kv_cache_release(struct fllm_kv_cache *kv);

/* (kv_dim) row of (layer, pos); both within range. */
static inline float *fllm_kv_k(const struct fllm_kv_cache *kv, uint32_t layer, uint32_t pos)
{
	return kv->k + ((size_t)layer * kv->n_ctx + pos) * kv->kv_dim;
}

static inline float *fllm_kv_v(const struct fllm_kv_cache *kv, uint32_t layer, uint32_t pos)
{
	return kv->v + ((size_t)layer * kv->n_ctx + pos) * kv->kv_dim;
}

#endif /* FLLM_ENGINE_KV_CACHE_H */
