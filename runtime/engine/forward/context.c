/* fllm_context: one sequence's executors, KV cache and logits. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "forward.h"
#include "threadpool.h"

struct fllm_context {
	const fllm_model *model;
	struct fllm_exec *exec;		/* the executor every layer uses: CPU or card */
	struct fllm_forward fwd;
	uint32_t n_ctx;
	uint32_t pos;			/* next position */
	int has_logits;
	uint64_t tokens;		/* positions evaluated, for the statistics */
};

/* "cpu" (or no device) places every layer on the CPU executor, "cpu-q" on
 * the CPU quantized executor (the card's arithmetic on the host); any other
 * name is a card, run by the card executor. */
fllm_status fllm_context_create(const fllm_model *m, const fllm_context_params *params,
				fllm_context **out)
{
	fllm_context_params p = { 0 };
	fllm_context *c;
	fllm_status st;

	assert(m && out);
	*out = NULL;
	if (params)
		p = *params;
	if (!p.n_threads)
		p.n_threads = 1;
	if (p.n_threads > FLLM_THREADS_MAX)
		return FLLM_E_INVALID_ARG;
	if (!p.n_ctx || p.n_ctx > m->info.context_length)
		p.n_ctx = m->info.context_length;
	c = calloc(1, sizeof(*c));
	if (!c)
		return FLLM_E_NO_MEMORY;
	c->model = m;
	c->n_ctx = p.n_ctx;
	if (!p.device || !strcmp(p.device, "cpu"))
		st = fllm_exec_cpu_create(m, p.n_ctx, p.n_threads, &c->exec);
	else if (!strcmp(p.device, "cpu-q"))
		st = fllm_exec_hostq_create(m, &p, p.n_ctx, &c->exec);
	else
		st = fllm_exec_card_create(m, &p, p.n_ctx, &c->exec);
	if (st)
		goto err_free;
	st = fllm_forward_init(&c->fwd, m, c->exec);
	if (st)
		goto err_free_exec;
	fllm_handle_add(FLLM_HANDLE_CONTEXT);
	*out = c;
	return FLLM_OK;

err_free_exec:
	c->exec->ops->free(c->exec);
err_free:
	free(c);
	return st;
}

void fllm_context_free(fllm_context *c)
{
	if (!c)
		return;
	fllm_forward_release(&c->fwd);
	c->exec->ops->free(c->exec);
	free(c);
	fllm_handle_del(FLLM_HANDLE_CONTEXT);
}

/* Check every id first, so a bad one leaves the context untouched. */
fllm_status fllm_context_eval(fllm_context *c, const int32_t *tokens, size_t n)
{
	fllm_status st;

	assert(c && (tokens || !n));
	for (size_t i = 0; i < n; i++)
		if (tokens[i] < 0 || (uint32_t)tokens[i] >= c->model->info.vocab_size)
			return FLLM_E_INVALID_ARG;
	if (n > c->n_ctx - c->pos)
		return FLLM_E_STATE;
	for (size_t i = 0; i < n; i++) {
		st = fllm_forward_token(&c->fwd, tokens[i], c->pos);
		if (st) {
			c->has_logits = 0;
			return st;
		}
		c->pos++;
		c->tokens++;
		c->has_logits = 1;
	}
	return FLLM_OK;
}

const float *fllm_context_logits(const fllm_context *c)
{
	assert(c);
	return c->has_logits ? c->fwd.logits : NULL;
}

uint32_t fllm_context_pos(const fllm_context *c)
{
	assert(c);
	return c->pos;
}

uint32_t fllm_context_size(const fllm_context *c)
{
	assert(c);
	return c->n_ctx;
}

void fllm_context_reset(fllm_context *c)
{
	assert(c);
	c->pos = 0;
	c->has_logits = 0;
}

/* Counters of the context, plus what its executor reports. */
fllm_status fllm_context_stats_get(const fllm_context *c, fllm_context_stats *out)
{
	assert(c && out);
	memset(out, 0, sizeof(*out));
	out->tokens = c->tokens;
	if (c->exec->ops->stats)
		c->exec->ops->stats(c->exec, out);
	return FLLM_OK;
}
