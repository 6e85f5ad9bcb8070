/*
 * Layer scheduler: where each part of a decoder runs (docs/scheduler.md).
 *
 * A model is cut into units (a layer's attention part, its MLP part, or a
 * whole layer, and the classifier head), run in order. Each unit is placed
 * RESIDENT (its weights live in card memory), STREAMED (its weights are
 * copied from host memory into a double-buffered staging area while the
 * previous unit computes) or CPU (host integer kernels). A unit that runs
 * on the card keeps its KV cache on the card; one on the CPU keeps it in
 * host memory. sched_plan_solve() picks the placement with the smallest
 * predicted time per step that fits a card-memory budget, by dynamic
 * programming over the units; the problem is a plain table of per-unit
 * costs and sizes, so any table (a model's, a test's random one) can be
 * solved.
 */
#ifndef FLLM_SCHED_PLAN_H
#define FLLM_SCHED_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

enum sched_place {
	SCHED_CPU = 0,		/* host integer kernels, KV in host memory */
	SCHED_RESIDENT = 1,	/* weights and KV in card memory */
	SCHED_STREAMED = 2,	/* weights DMAed in each step, KV in card memory */
};
#define SCHED_PLACES 3

/* Bits of sched_unit_cost.allow. */
#define SCHED_ALLOW_CPU		(1u << SCHED_CPU)
#define SCHED_ALLOW_RESIDENT	(1u << SCHED_RESIDENT)
#define SCHED_ALLOW_STREAMED	(1u << SCHED_STREAMED)
#define SCHED_ALLOW_CARD	(SCHED_ALLOW_RESIDENT | SCHED_ALLOW_STREAMED)
#define SCHED_ALLOW_ALL		(SCHED_ALLOW_CPU | SCHED_ALLOW_CARD)

enum sched_unit_kind {
	SCHED_UNIT_ATTENTION = 0,	/* RMSNorm, wq wk wv, RoPE, attention, wo, residual */
	SCHED_UNIT_MLP = 1,		/* RMSNorm, w_gate w_up, SiLU*mul, w_down, residual */
	SCHED_UNIT_LAYER = 2,		/* both parts of one layer */
	SCHED_UNIT_HEAD = 3,		/* final RMSNorm and the classifier (vocab x dim) */
};

/* One unit of the problem: its sizes and its time per step in each place. */
struct sched_unit_cost {
	enum sched_unit_kind kind;
	uint32_t layer;		/* decoder layer; n_layers for the head */
	uint32_t allow;		/* SCHED_ALLOW_* places the unit may take, not 0 */
	uint64_t weight_bytes;	/* card bytes of its weights (records, vector weights) */
	uint64_t kv_bytes;	/* card bytes of its KV cache when on the card (0: none) */
	double t_cpu;		/* s per step on the host */
	double t_card;		/* s per step on the card, weights resident */
	double t_stream;	/* s per step on the card, weights streamed:
				 * max(t_card, weight DMA) + DMA latency */
	double t_in;		/* s to move its input activation across the
				 * host/card boundary (DMA latency + bytes / bandwidth) */
};

/*
 * The whole problem. The step starts on the host (embedding lookup) and
 * ends there (sampling): entering the card before unit i costs
 * unit[i].t_in, leaving it costs unit[i].t_in too (the activation has the
 * same size both ways), and a last unit on the card adds t_out.
 */
struct sched_problem {
	uint32_t n_units;
	const struct sched_unit_cost *unit;	/* (n_units) in execution order */
	uint64_t budget;	/* card-memory bytes the plan may use */
	uint64_t fixed_bytes;	/* card bytes any plan with a unit on the card needs
				 * (activations, tables); 0 bytes for an all-CPU plan */
	double t_out;		/* s to bring the last unit's output back to the host */
	uint64_t quantum;	/* the DP's budget step in bytes; 0 = budget / 16384
				 * rounded up to 64 bytes (sizes are rounded up to it,
				 * so a plan never exceeds the budget) */
	uint32_t tokens;	/* tokens per step (for the time per token), >= 1 */
};

/* Where one unit runs, for the executor. */
struct sched_unit_place {
	enum sched_unit_kind kind;
	uint32_t layer;
	enum sched_place place;
	uint64_t card_bytes;	/* resident: weights + KV; streamed: KV; CPU: 0 */
	double t;		/* its predicted s per step in that place, boundary
				 * crossing before it included */
};

/* A solved problem. */
struct sched_plan {
	uint32_t n_units;
	struct sched_unit_place *unit;	/* (n_units), owned: sched_plan_free() */
	uint32_t tokens;		/* tokens per step */
	double t_step;			/* predicted s per step: the DP's objective */
	double t_token;			/* t_step / tokens */
	uint64_t budget;		/* the problem's budget */
	uint64_t card_bytes;		/* fixed + staging + resident + card KV */
	uint64_t staging_bytes;		/* 2 x the largest streamed unit's weights */
	uint64_t min_card_bytes;	/* smallest footprint of any allowed placement
					 * (set also when nothing fits) */
};

/*
 * Solve pb: the allowed placement with the least predicted time per step
 * whose card footprint fits pb->budget. FLLM_E_INVALID_ARG for a malformed
 * table (no units, an empty allow mask, a time that is negative or not
 * finite, tokens 0); FLLM_E_NO_CARD_MEMORY when no allowed placement fits
 * (out->min_card_bytes then says what the smallest needs, nothing else is
 * set); FLLM_E_NO_MEMORY. On success out->unit must be freed with
 * sched_plan_free().
 */
fllm_status sched_plan_solve(const struct sched_problem *pb, struct sched_plan *out);
void sched_plan_free(struct sched_plan *plan);

/*
 * Time per step and card footprint of one given placement place[n_units]
 * (exact bytes, no rounding); the reference the DP is tested against.
 * Returns the time; *card_bytes receives the footprint.
 */
double sched_plan_eval(const struct sched_problem *pb, const enum sched_place *place,
		       uint64_t *card_bytes);

/* "resident", "streamed", "cpu". */
const char *sched_place_name(enum sched_place place);
/* "attention", "mlp", "layer", "head". */
const char *sched_unit_kind_name(enum sched_unit_kind kind);

/* Seconds for people: "12.3 ms", "45.6 us", "1.23 s" into buf; returns buf. */
const char *sched_format_time(double s, char *buf, size_t len);

/*
 * Why unit i of a solved plan is where it is, in words ("resident: fits,
 * card 3.1x faster than CPU"), into buf; returns buf.
 */
const char *sched_plan_reason(const struct sched_problem *pb, const struct sched_plan *plan,
			      uint32_t i, char *buf, size_t len);

#endif /* FLLM_SCHED_PLAN_H */
