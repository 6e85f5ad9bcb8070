/*
 * fllm_context: the executor, its sequences (slot 0 always in use: the
 * single-sequence calls act on it) and their logits. An executor with
 * `step` (card, cpu-q) takes whole steps: prefill chunks and decode
 * batches of up to rows_max tokens; the CPU executor runs token by token
 * with the slot's KV cache selected.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "forward.h"
#include "sched_model.h"
#include "threadpool.h"

struct ctx_seq {
	int used;
	uint32_t pos;			/* next position */
	int has_logits;
	float *logits;			/* (vocab_size) of its last evaluated token */
};

struct fllm_context {
	const fllm_model *model;
	struct fllm_exec *exec;		/* the executor every layer uses: CPU or card */
	struct fllm_forward fwd;
	uint32_t n_ctx;
	uint32_t n_seqs;
	struct ctx_seq *seq;		/* (n_seqs) */
	float *rows;			/* (rows_max, dim) a step's embedding rows */
	struct exec_batch_entry *ent;	/* (rows_max) a step's entries */
	uint64_t tokens;		/* positions evaluated, for the statistics */
	double plan_t_token;		/* the scheduler's prediction, 0 without a plan */
};

/* Free the context's own arrays (not the executor). */
static void ctx_release(fllm_context *c)
{
	if (c->seq)
		for (uint32_t s = 0; s < c->n_seqs; s++)
			free(c->seq[s].logits);
	free(c->seq);
	free(c->rows);
	free(c->ent);
}

/* Sequence arrays and step buffers. */
static fllm_status ctx_alloc(fllm_context *c)
{
	const fllm_model_info *i = &c->model->info;
	uint32_t rows = c->exec->ops->step ? c->exec->rows_max : 1;

	c->seq = calloc(c->n_seqs, sizeof(*c->seq));
	c->rows = malloc((size_t)rows * i->dim * sizeof(float));
	c->ent = calloc(rows, sizeof(*c->ent));
	if (!c->seq || !c->rows || !c->ent)
		return FLLM_E_NO_MEMORY;
	for (uint32_t s = 0; s < c->n_seqs; s++) {
		c->seq[s].logits = malloc((size_t)i->vocab_size * sizeof(float));
		if (!c->seq[s].logits)
			return FLLM_E_NO_MEMORY;
	}
	c->seq[0].used = 1;
	return FLLM_OK;
}

/* "cpu" (or no device) places every layer on the CPU executor, "cpu-q" on
 * the CPU quantized executor (the card's arithmetic on the host); any other
 * name is a card, run by the card executor. */
/*
 * The card executor; with a card-memory budget and no placement, the layer
 * scheduler places the units first (sched_model.h), so a budget nothing
 * fits in is refused before anything goes to the card. The scheduler
 * counts the card's buffers in a simpler way than the executor allocates
 * them (per-channel rounding, the whole activation buffer), so a plan the
 * card cannot hold is planned again for 1/8 less, a few times at most.
 */
#define CTX_PLAN_TRIES 12

static fllm_status ctx_card_create(fllm_context *c, const fllm_model *m,
				   const fllm_context_params *p)
{
	fllm_context_params q = *p;
	uint64_t budget = p->card_mem;
	fllm_status st = FLLM_E_NO_CARD_MEMORY;
	uint8_t *place;

	if (p->placement || !p->card_mem)
		return fllm_exec_card_create(m, p, p->n_ctx, &c->exec);
	place = calloc(m->info.n_layers + 1, 1);
	if (!place)
		return FLLM_E_NO_MEMORY;
	q.placement = place;
	for (int k = 0; k < CTX_PLAN_TRIES && st == FLLM_E_NO_CARD_MEMORY; k++) {
		st = sched_context_placement(m, p, p->n_ctx, budget, place, &c->plan_t_token,
					     NULL, 0);
		if (!st)
			st = fllm_exec_card_create(m, &q, p->n_ctx, &c->exec);
		budget -= budget / 8;
	}
	free(place);
	return st;
}

/* See fllm_model.h. */
fllm_status fllm_placement_first_layers(uint32_t n_layers, uint32_t n, uint8_t *place)
{
	if (!place || n > n_layers)
		return FLLM_E_INVALID_ARG;
	for (uint32_t u = 0; u < n_layers; u++)
		place[u] = u < n ? FLLM_PLACE_AUTO : FLLM_PLACE_HOST;
	place[n_layers] = n == n_layers ? FLLM_PLACE_AUTO : FLLM_PLACE_HOST;
	return FLLM_OK;
}


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
	if (!p.n_seqs)
		p.n_seqs = 1;
	if (p.n_threads > FLLM_THREADS_MAX || p.n_seqs > FLLM_SEQS_MAX)
		return FLLM_E_INVALID_ARG;
	if (!p.n_ctx || p.n_ctx > m->info.context_length)
		p.n_ctx = m->info.context_length;
	c = calloc(1, sizeof(*c));
	if (!c)
		return FLLM_E_NO_MEMORY;
	c->model = m;
	c->n_ctx = p.n_ctx;
	c->n_seqs = p.n_seqs;
	if (!p.device || !strcmp(p.device, "cpu"))
		st = fllm_exec_cpu_create(m, p.n_ctx, p.n_threads, p.n_seqs, &c->exec);
	else if (!strcmp(p.device, "cpu-q"))
		st = fllm_exec_hostq_create(m, &p, p.n_ctx, &c->exec);
	else
		st = ctx_card_create(c, m, &p);
	if (st)
		goto err_free;
	st = fllm_forward_init(&c->fwd, m, c->exec);
	if (!st)
		st = ctx_alloc(c);
	if (st)
		goto err_free_exec;
	fllm_handle_add(FLLM_HANDLE_CONTEXT);
	*out = c;
	return FLLM_OK;

err_free_exec:
	ctx_release(c);
	fllm_forward_release(&c->fwd);
	c->exec->ops->free(c->exec);
err_free:
	free(c);
	return st;
}

void fllm_context_free(fllm_context *c)
{
	if (!c)
		return;
	ctx_release(c);
	fllm_forward_release(&c->fwd);
	c->exec->ops->free(c->exec);
	free(c);
	fllm_handle_del(FLLM_HANDLE_CONTEXT);
}

/* 1 if every id is in the vocabulary. */
static int ctx_tokens_ok(const fllm_context *c, const int32_t *tokens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tokens[i] < 0 || (uint32_t)tokens[i] >= c->model->info.vocab_size)
			return 0;
	return 1;
}

/* The embedding row of token into row r of the step buffer. */
static const float *ctx_embed(fllm_context *c, uint32_t r, int32_t token)
{
	uint32_t dim = c->model->info.dim;
	float *x = c->rows + (size_t)r * dim;

	/* fp32, Q8_0, Q4_0 and half-precision rows dequantize without failing */
	(void)fllm_weight_rows(&c->model->tok_embd, (uint32_t)token, 1, x, NULL);
	return x;
}

/* Token by token on an executor without `step`, with seq's cache selected. */
static fllm_status ctx_forward(fllm_context *c, uint32_t seq, const int32_t *tokens, size_t n)
{
	struct ctx_seq *q = &c->seq[seq];
	struct fllm_exec *ex = c->exec;
	fllm_status st = ex->ops->seq_select ? ex->ops->seq_select(ex, seq) : FLLM_OK;

	for (size_t i = 0; !st && i < n; i++) {
		st = fllm_forward_token(&c->fwd, tokens[i], q->pos);
		if (!st) {
			q->pos++;
			c->tokens++;
		}
	}
	if (!st && n)
		memcpy(q->logits, c->fwd.logits, c->model->info.vocab_size * sizeof(float));
	return st;
}

/* Run tokens through seq: prefill chunks of rows_max, or token by token. */
static fllm_status ctx_eval(fllm_context *c, uint32_t seq, const int32_t *tokens, size_t n)
{
	struct ctx_seq *q = &c->seq[seq];
	struct fllm_exec *ex = c->exec;
	fllm_status st = FLLM_OK;

	if (!ctx_tokens_ok(c, tokens, n))
		return FLLM_E_INVALID_ARG;
	if (n > c->n_ctx - q->pos)
		return FLLM_E_STATE;
	if (!n)
		return FLLM_OK;
	q->has_logits = 0;
	if (!ex->ops->step) {
		st = ctx_forward(c, seq, tokens, n);
	} else {
		for (size_t at = 0; !st && at < n;) {
			uint32_t k = (uint32_t)(n - at < ex->rows_max ? n - at : ex->rows_max);
			struct exec_batch_entry e = { seq, q->pos, k, c->rows, q->logits };

			for (uint32_t r = 0; r < k; r++)
				ctx_embed(c, r, tokens[at + r]);
			st = ex->ops->step(ex, &e, 1);
			if (!st) {
				q->pos += k;
				c->tokens += k;
				at += k;
			}
		}
	}
	q->has_logits = !st;
	return st;
}

fllm_status fllm_context_eval(fllm_context *c, const int32_t *tokens, size_t n)
{
	assert(c && (tokens || !n));
	return ctx_eval(c, 0, tokens, n);
}

const float *fllm_context_logits(const fllm_context *c)
{
	assert(c);
	return c->seq[0].has_logits ? c->seq[0].logits : NULL;
}

uint32_t fllm_context_pos(const fllm_context *c)
{
	assert(c);
	return c->seq[0].pos;
}

uint32_t fllm_context_size(const fllm_context *c)
{
	assert(c);
	return c->n_ctx;
}

/* Forget seq's positions. */
static void ctx_seq_reset(fllm_context *c, uint32_t seq)
{
	c->seq[seq].pos = 0;
	c->seq[seq].has_logits = 0;
	if (c->exec->ops->seq_drop)
		c->exec->ops->seq_drop(c->exec, seq);
}

void fllm_context_reset(fllm_context *c)
{
	assert(c);
	ctx_seq_reset(c, 0);
}

/* A sequence in use. */
static int ctx_seq_ok(const fllm_context *c, uint32_t seq)
{
	return seq < c->n_seqs && c->seq[seq].used;
}

fllm_status fllm_context_seq_add(fllm_context *c, uint32_t *seq)
{
	assert(c && seq);
	for (uint32_t s = 0; s < c->n_seqs; s++)
		if (!c->seq[s].used) {
			c->seq[s].used = 1;
			ctx_seq_reset(c, s);
			*seq = s;
			return FLLM_OK;
		}
	return FLLM_E_STATE;
}

fllm_status fllm_context_seq_remove(fllm_context *c, uint32_t seq)
{
	assert(c);
	if (!ctx_seq_ok(c, seq) || seq == 0)
		return FLLM_E_INVALID_ARG;
	ctx_seq_reset(c, seq);
	c->seq[seq].used = 0;
	return FLLM_OK;
}

fllm_status fllm_context_seq_eval(fllm_context *c, uint32_t seq, const int32_t *tokens,
				  size_t n)
{
	assert(c && (tokens || !n));
	if (!ctx_seq_ok(c, seq))
		return FLLM_E_INVALID_ARG;
	return ctx_eval(c, seq, tokens, n);
}

const float *fllm_context_seq_logits(const fllm_context *c, uint32_t seq)
{
	assert(c);
	return ctx_seq_ok(c, seq) && c->seq[seq].has_logits ? c->seq[seq].logits : NULL;
}

uint32_t fllm_context_seq_pos(const fllm_context *c, uint32_t seq)
{
	assert(c);
	return ctx_seq_ok(c, seq) ? c->seq[seq].pos : 0;
}

/* Check a step's arguments: sequences in use and distinct, ids in the
 * vocabulary, a free position each. */
static fllm_status ctx_step_check(const fllm_context *c, size_t n, const uint32_t *seqs,
				  const int32_t *tokens)
{
	if (!ctx_tokens_ok(c, tokens, n))
		return FLLM_E_INVALID_ARG;
	for (size_t i = 0; i < n; i++) {
		if (!ctx_seq_ok(c, seqs[i]))
			return FLLM_E_INVALID_ARG;
		for (size_t j = 0; j < i; j++)
			if (seqs[j] == seqs[i])
				return FLLM_E_INVALID_ARG;
		if (c->seq[seqs[i]].pos >= c->n_ctx)
			return FLLM_E_STATE;
	}
	return FLLM_OK;
}

fllm_status fllm_context_step(fllm_context *c, size_t n, const uint32_t *seqs,
			      const int32_t *tokens)
{
	struct fllm_exec *ex = c->exec;
	fllm_status st;

	assert(c && (!n || (seqs && tokens)));
	st = ctx_step_check(c, n, seqs, tokens);
	if (!ex->ops->step) {
		for (size_t i = 0; !st && i < n; i++) {
			c->seq[seqs[i]].has_logits = 0;
			st = ctx_forward(c, seqs[i], &tokens[i], 1);
			c->seq[seqs[i]].has_logits = !st;
		}
		return st;
	}
	for (size_t at = 0; !st && at < n;) {
		uint32_t k = (uint32_t)(n - at < ex->rows_max ? n - at : ex->rows_max);

		for (uint32_t j = 0; j < k; j++) {
			struct ctx_seq *q = &c->seq[seqs[at + j]];

			c->ent[j] = (struct exec_batch_entry){ seqs[at + j], q->pos, 1,
							       ctx_embed(c, j, tokens[at + j]),
							       q->logits };
			q->has_logits = 0;
		}
		st = ex->ops->step(ex, c->ent, k);
		for (uint32_t j = 0; !st && j < k; j++) {
			c->seq[seqs[at + j]].pos++;
			c->seq[seqs[at + j]].has_logits = 1;
			c->tokens++;
		}
		at += k;
	}
	return st;
}

/* Counters of the context, plus what its executor reports. */
fllm_status fllm_context_stats_get(const fllm_context *c, fllm_context_stats *out)
{
	assert(c && out);
	memset(out, 0, sizeof(*out));
	out->tokens = c->tokens;
	out->plan_t_token = c->plan_t_token;
	if (c->exec->ops->stats)
		c->exec->ops->stats(c->exec, out);
	return FLLM_OK;
}
