/*
 * A plain fp32 forward pass of a llama2.c checkpoint (models README
 * semantics) that reports the inputs of every vector op it performs to a
 * hook, so the accuracy tests can feed the unit the model's real
 * activations.
 */
#ifndef FLLM_VECTOR_MODEL_H
#define FLLM_VECTOR_MODEL_H

#include <stdint.h>

/* Where in a layer the hook is called; a, b as listed. */
enum vm_site {
	VM_NORM,	/* a = residual x (dim), b = norm weight (dim) */
	VM_ROPE,	/* a = q or k before rotation (dim or kv_dim), head_dim 8 */
	VM_SILU,	/* a = gate (hidden), b = up (hidden) */
	VM_RESID,	/* a = residual x (dim), b = the branch output y (dim) */
	VM_SITES
};

typedef void (*vm_hook)(void *ctx, enum vm_site site, uint32_t pos, const float *a,
			const float *b, uint32_t n, uint32_t head_dim);

struct vm_model;

/* Load a llama2.c checkpoint; NULL if unreadable or malformed. */
struct vm_model *vm_load(const char *path);
void vm_free(struct vm_model *m);

/* Run token at pos (in order from 0), calling hook at every vector op; the argmax token. */
int vm_forward(struct vm_model *m, int token, uint32_t pos, vm_hook hook, void *ctx);

#endif /* FLLM_VECTOR_MODEL_H */
