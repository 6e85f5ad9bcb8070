/*
 * The Llama forward pass for one token, over executors placed per layer
 * (all on the CPU for now), with the activations it needs.
 */
#ifndef FLLM_ENGINE_FORWARD_H
#define FLLM_ENGINE_FORWARD_H

#include "executor.h"

struct fllm_forward {
	const fllm_model *model;
	struct fllm_exec **layer_exec;	/* (n_layers) where each layer runs */
	struct fllm_exec *head_exec;	/* final norm and classifier */
	float *x;		/* (dim) residual stream */
	float *xb;		/* (dim) normed input, then attention output */
	float *xb2;		/* (dim) projection output */
	float *q;		/* (dim) queries, all heads */
	float *k;		/* (kv_dim) this position's keys */
	float *v;		/* (kv_dim) this position's values */
	float *hb;		/* (hidden_dim) gate, then SwiGLU */
	float *hb2;		/* (hidden_dim) up */
	float *logits;		/* (vocab_size) */
};

/* Activations for m; every layer and the head use exec. */
fllm_status fllm_forward_init(struct fllm_forward *f, const fllm_model *m,
			      struct fllm_exec *exec);
void fllm_forward_release(struct fllm_forward *f);
/* Run token (already checked < vocab) at pos; logits filled on success. */
fllm_status fllm_forward_token(struct fllm_forward *f, int32_t token, uint32_t pos);

#endif /* FLLM_ENGINE_FORWARD_H */
