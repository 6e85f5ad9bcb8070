/*
 * The scheduler's problem for a real model (docs/scheduler.md "Units of a
 * model"): per-unit card bytes from the model's shape and quantization
 * (without dequantizing anything) and per-unit times from a cost model.
 * The executor calls sched_plan_for_model() once for decode and once for
 * prefill.
 */
#ifndef FLLM_SCHED_MODEL_H
#define FLLM_SCHED_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm_model.h"
#include "cost.h"
#include "plan.h"

/* What one step looks like and what the plan may do. */
struct sched_options {
	uint32_t tokens;	/* tokens per step: the decode batch B, or the prefill
				 * chunk N; 1..FLLM_SEQS_MAX */
	uint32_t seqs;		/* sequences whose KV cache is kept, 1..FLLM_SEQS_MAX */
	uint32_t n_ctx;		/* positions per sequence, >= 1 */
	double positions;	/* attended positions per token on average (decode over a
				 * whole context: n_ctx / 2; a prefill chunk of N from
				 * position 0: (N + 1) / 2), > 0 */
	uint32_t bits, group;	/* q and g of a model that is not a package (a package's
				 * own are used); 0 = 4 and 32 */
	int32_t card_layers;	/* -1: free; N >= 0: layers below N on the card (resident
				 * or streamed), the rest and the head on the CPU; N greater
				 * than n_layers puts the head on the card too */
	int no_cpu;		/* 1: every unit on the card */
	int whole_layers;	/* 1: one unit per layer instead of attention + MLP */
	uint64_t budget;	/* card bytes the plan may use; 0 = the cost model's card_memory */
	uint64_t host_memory;	/* host bytes; 0 = this machine's physical memory */
};

/*
 * Fill *pb for model under cost model c and options o; *units receives the
 * unit table pb->unit points to (free() it). FLLM_E_INVALID_ARG for options
 * out of range or a q/g the card does not take, FLLM_E_NO_MEMORY when the
 * host cannot hold the model's weights and KV cache (err says how much is
 * needed and how much there is), FLLM_E_FORMAT for a package whose report
 * lacks a matrix; err names the problem.
 */
fllm_status sched_problem_for_model(const fllm_model *model, const struct sched_cost *c,
				    const struct sched_options *o, struct sched_problem *pb,
				    struct sched_unit_cost **units, char *err, size_t err_size);

/*
 * sched_problem_for_model() then sched_plan_solve(): the plan for one phase.
 * FLLM_E_NO_CARD_MEMORY (err with the smallest footprint) when nothing fits.
 */
fllm_status sched_plan_for_model(const fllm_model *model, const struct sched_cost *c,
				 const struct sched_options *o, struct sched_plan *out, char *err,
				 size_t err_size);

/*
 * The placement a card context runs when p->card_mem is set and
 * p->placement is NULL (forward/context.c): the decode plan of whole
 * layers (n_layers + 1 units, the head last) for budget bytes under the
 * device's cost model (its calibration file, fllm calibrate, when one
 * reads; else the reference card), p->n_seqs sequences of n_ctx positions
 * and a decode batch of min(n_seqs, batch), as fllm_place values into
 * place; *t_token (optional) the predicted seconds per decoded token.
 * FLLM_E_NO_CARD_MEMORY (err: the smallest footprint) when nothing fits.
 */
fllm_status sched_context_placement(const fllm_model *model, const fllm_context_params *p,
				    uint32_t n_ctx, uint64_t budget, uint8_t *place,
				    double *t_token, char *err, size_t err_size);

#endif /* FLLM_SCHED_MODEL_H */
