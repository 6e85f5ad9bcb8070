/*
 * The generation loop of fllm run: prefill the prompt, then sample, print
 * and feed back one token at a time, with timings for the statistics.
 */
#ifndef FLLM_CLI_RUN_GENERATE_H
#define FLLM_CLI_RUN_GENERATE_H

#include <stdint.h>
#include <stdio.h>

#include "fllm/fllm_model.h"

struct run_stats {
	size_t prompt_tokens;		/* including BOS */
	double prefill_s;
	size_t new_tokens;
	double decode_s;		/* sampling, printing and forward passes */
	const char *stop;		/* why generation stopped */
	fllm_context_stats after_prompt;	/* the context's counters after the prompt */
};

/*
 * Write prompt to out, evaluate its ids (n_ids, starting with BOS), then
 * generate up to max_new tokens, streaming each piece to out (flushed);
 * stops early at EOS or BOS or a full context. FLLM_OK or the failing status.
 */
fllm_status run_generate(fllm_context *ctx, const fllm_tokenizer *tok, fllm_sampler *smp,
			 const char *prompt, const int32_t *ids, size_t n_ids, uint64_t max_new,
			 FILE *out, struct run_stats *stats);

/*
 * n_par sequences (2..) from one prompt in one context (fllm_context_step
 * advances them together, one batch per token), sequence i sampled with
 * its own sampler of seed sp->seed + i. Each sequence stops as
 * run_generate's does; its text (the prompt and what it generated) goes
 * to out when all have stopped, in order, after a line
 * "=== sequence i, seed S ===". stats counts the tokens of all of them
 * (stop: the first sequence's reason).
 */
fllm_status run_generate_parallel(fllm_context *ctx, const fllm_tokenizer *tok,
				  const fllm_sampler_params *sp, uint32_t n_par,
				  const char *prompt, const int32_t *ids, size_t n_ids,
				  uint64_t max_new, FILE *out, struct run_stats *stats);

#endif /* FLLM_CLI_RUN_GENERATE_H */
