/*
 * The executor seam: the operations of a decoder layer behind a table of
 * functions, so each layer (and the output head) can be placed on the CPU
 * or a card. The forward pass (forward.c) composes a layer from these
 * operations, or hands whole steps to `step` when an executor runs them in
 * one piece (the card and cpu-q executors do: on a card every host round
 * trip costs microseconds). Each executor owns the KV cache of the layers
 * it runs: the CPU executor a contiguous fp32 cache per sequence slot
 * (kv_cache.h), the card and cpu-q executors a paged int8 cache in card
 * memory (kv_pool.h, docs/decoder.md).
 *
 * Vectors are fp32 on the host.
 */
#ifndef FLLM_ENGINE_EXECUTOR_H
#define FLLM_ENGINE_EXECUTOR_H

#include <stdint.h>

#include "model.h"

struct fllm_exec;

/*
 * One sequence's share of a step: n new tokens of slot at positions pos ..
 * pos + n - 1, their embedding rows x (n, dim); the last token's logits go
 * to logits (vocab_size). A step is either several sequences of one token
 * each (decode) or one sequence's chunk of n tokens (prefill), at most the
 * executor's rows_max tokens in all.
 */
struct exec_batch_entry {
	uint32_t slot, pos, n;
	const float *x;
	float *logits;
};

struct fllm_exec_ops {
	const char *name;
	/*
	 * Optional: run decoder layer `layer` on x (dim) at position pos in
	 * place (attention and FFN with both residuals). NULL: the forward
	 * pass composes the layer from the operations below. No executor
	 * fills it today.
	 */
	fllm_status (*layer)(struct fllm_exec *ex, uint32_t layer, float *x, uint32_t pos);
	/* y (w->rows) = W (w->rows, w->cols) x (w->cols) */
	void (*linear)(struct fllm_exec *ex, const struct fllm_weight *w, const float *x,
		       float *y);
	/* out (n) = w * x / sqrt(mean(x^2) + eps); out may be x */
	void (*rmsnorm)(struct fllm_exec *ex, float *out, const float *x, const float *w,
			uint32_t n, float eps);
	/* rotate q (n_heads * head_dim) and k (n_kv_heads * head_dim) for pos */
	void (*rope)(struct fllm_exec *ex, float *q, float *k, uint32_t pos);
	/* store k, v (kv_dim) at (layer, pos), then out (n_heads * head_dim) =
	 * causal softmax attention of q over positions 0..pos */
	fllm_status (*attention)(struct fllm_exec *ex, uint32_t layer, uint32_t pos,
				 const float *q, const float *k, const float *v, float *out);
	/* g (n) = silu(g) * u */
	void (*swiglu)(struct fllm_exec *ex, float *g, const float *u, uint32_t n);
	/* x (n) += y (n) */
	void (*add)(struct fllm_exec *ex, float *x, const float *y, uint32_t n);
	void (*free)(struct fllm_exec *ex);
	/*
	 * Optional, with seq_drop: a whole step (struct exec_batch_entry's
	 * rules) over every layer and the head; rows_max says how many tokens
	 * one step may carry. Executors with `step` keep their sequences'
	 * KV caches themselves.
	 */
	fllm_status (*step)(struct fllm_exec *ex, const struct exec_batch_entry *e, uint32_t n);
	/* Forget a slot's positions (its KV cache may be reused). Optional: the
	 * CPU executor rewrites a position before reading it and has nothing
	 * to forget. */
	void (*seq_drop)(struct fllm_exec *ex, uint32_t slot);
	/* Optional: the slot whose KV cache `attention` uses from now on. */
	fllm_status (*seq_select)(struct fllm_exec *ex, uint32_t slot);
	/* Optional: fill this executor's fields of *out (card, bits, traffic). */
	void (*stats)(struct fllm_exec *ex, fllm_context_stats *out);
};

struct fllm_exec {
	const struct fllm_exec_ops *ops;
	uint32_t rows_max;		/* step: tokens per step */
};

/* The CPU executor (exec_cpu.c): n_threads for the matmuls, n_slots
 * sequences with a KV cache of n_ctx positions for every layer of m each
 * (made when a slot is first selected). */
fllm_status fllm_exec_cpu_create(const fllm_model *m, uint32_t n_ctx, uint32_t n_threads,
				 uint32_t n_slots, struct fllm_exec **out);

/*
 * The card executor (exec_card.c, docs/decoder.md): the quantized decoder
 * on the card p->device names, with p->bits / p->group (0: defaults or the
 * package's) and n_ctx positions. Weights are quantized (unless m is a
 * package) and uploaded here, once; p->n_seqs sequence slots share a
 * paged KV cache of p->kv_mem bytes.
 */
fllm_status fllm_exec_card_create(const fllm_model *m, const fllm_context_params *p,
				  uint32_t n_ctx, struct fllm_exec **out);

/*
 * The CPU quantized executor (exec_hostq.c, device "cpu-q"): the card
 * executor's arithmetic on the host (the same quantized matrices and
 * parameter blocks, runtime/cpu's integer LUT-GEMM, the vector unit's
 * golden functions), so its logits are bit-identical to a card's with the
 * same p->bits / p->group; p->n_threads threads for the LUT-GEMMs.
 */
fllm_status fllm_exec_hostq_create(const fllm_model *m, const fllm_context_params *p,
				   uint32_t n_ctx, struct fllm_exec **out);

#endif /* FLLM_ENGINE_EXECUTOR_H */
