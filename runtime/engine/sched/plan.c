/*
 * The placement DP of docs/scheduler.md "Placement". State after unit i:
 * (card budget quanta used, where unit i ran); transitions: the three
 * places of unit i+1. The staging area (twice the largest streamed unit)
 * is not additive, so the DP runs once per candidate staging size S (0 and
 * each distinct streamable unit size), with streaming allowed only for
 * units of at most S bytes and 2 S taken off the budget first; the best run
 * wins. O(candidates x units x budget quanta x 6) time.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define STATES_MAX 16384u	/* budget quanta of the auto quantum */
#define NO_BACK 0xffu

const char *sched_place_name(enum sched_place place)
{
	switch (place) {
	case SCHED_CPU: return "cpu";
	case SCHED_RESIDENT: return "resident";
	case SCHED_STREAMED: return "streamed";
	}
	return "?";
}

const char *sched_unit_kind_name(enum sched_unit_kind kind)
{
	switch (kind) {
	case SCHED_UNIT_ATTENTION: return "attention";
	case SCHED_UNIT_MLP: return "mlp";
	case SCHED_UNIT_LAYER: return "layer";
	case SCHED_UNIT_HEAD: return "head";
	}
	return "?";
}

static int time_ok(double t)
{
	return isfinite(t) && t >= 0.0;
}

static fllm_status problem_check(const struct sched_problem *pb)
{
	if (pb->n_units == 0 || pb->tokens == 0 || !time_ok(pb->t_out))
		return FLLM_E_INVALID_ARG;
	for (uint32_t i = 0; i < pb->n_units; i++) {
		const struct sched_unit_cost *u = &pb->unit[i];

		if ((u->allow & SCHED_ALLOW_ALL) == 0 || (u->allow & ~SCHED_ALLOW_ALL) ||
		    !time_ok(u->t_cpu) || !time_ok(u->t_card) || !time_ok(u->t_stream) ||
		    !time_ok(u->t_in) || u->weight_bytes > UINT64_MAX / 4 ||
		    u->kv_bytes > UINT64_MAX / 4)
			return FLLM_E_INVALID_ARG;
	}
	return FLLM_OK;
}

static double unit_time(const struct sched_unit_cost *u, enum sched_place p)
{
	return p == SCHED_CPU ? u->t_cpu : p == SCHED_RESIDENT ? u->t_card : u->t_stream;
}

static uint64_t unit_bytes(const struct sched_unit_cost *u, enum sched_place p)
{
	return p == SCHED_CPU ? 0 : p == SCHED_RESIDENT ? u->weight_bytes + u->kv_bytes : u->kv_bytes;
}

static int all_cpu_allowed(const struct sched_problem *pb)
{
	for (uint32_t i = 0; i < pb->n_units; i++)
		if (!(pb->unit[i].allow & SCHED_ALLOW_CPU))
			return 0;
	return 1;
}

double sched_plan_eval(const struct sched_problem *pb, const enum sched_place *place,
		       uint64_t *card_bytes)
{
	uint64_t bytes = 0, staging = 0;
	int on_card = 0, any_card = 0;
	double t = 0.0;

	for (uint32_t i = 0; i < pb->n_units; i++) {
		const struct sched_unit_cost *u = &pb->unit[i];
		int card = place[i] != SCHED_CPU;

		t += unit_time(u, place[i]) + (card != on_card ? u->t_in : 0.0);
		bytes += unit_bytes(u, place[i]);
		if (place[i] == SCHED_STREAMED && 2 * u->weight_bytes > staging)
			staging = 2 * u->weight_bytes;
		on_card = card;
		any_card |= card;
	}
	if (on_card)
		t += pb->t_out;
	*card_bytes = any_card ? pb->fixed_bytes + staging + bytes : 0;
	return t;
}

static uint64_t quanta(uint64_t bytes, uint64_t q)
{
	return bytes / q + (bytes % q != 0);
}

/* Can unit u take place p when the staging area holds units of stage bytes? */
static int place_ok(const struct sched_unit_cost *u, enum sched_place p, uint64_t stage)
{
	if (!(u->allow & (1u << p)))
		return 0;
	return p != SCHED_STREAMED || u->weight_bytes <= stage;
}

/* The smallest card footprint of any allowed placement; UINT64_MAX: none. */
static uint64_t min_footprint(const struct sched_problem *pb, const uint64_t *cand, uint32_t nc)
{
	uint64_t best = UINT64_MAX;

	if (all_cpu_allowed(pb))
		return 0;
	for (uint32_t c = 0; c < nc; c++) {
		uint64_t sum = pb->fixed_bytes + 2 * cand[c];
		int ok = 1;

		for (uint32_t i = 0; i < pb->n_units && ok; i++) {
			uint64_t m = UINT64_MAX;

			for (int p = 0; p < SCHED_PLACES; p++)
				if (place_ok(&pb->unit[i], (enum sched_place)p, cand[c]) &&
				    unit_bytes(&pb->unit[i], (enum sched_place)p) < m)
					m = unit_bytes(&pb->unit[i], (enum sched_place)p);
			if (m == UINT64_MAX)
				ok = 0;
			else
				sum += m;
		}
		if (ok && sum < best)
			best = sum;
	}
	return best;
}

/* Scratch of one DP run. */
struct dp {
	uint64_t states;	/* budget quanta + 1 */
	double *cur, *nxt;	/* (states, 2) best time; index b * 2 + on_card */
	uint8_t *back;		/* (n_units, states, 2): place | prev_on_card << 2 */
};

/*
 * One DP run for staging size stage and avail budget bytes: the best
 * placement into place[] and its time (INFINITY when none fits).
 */
static double dp_run(const struct sched_problem *pb, struct dp *d, uint64_t q, uint64_t stage,
		     uint64_t avail, enum sched_place *place)
{
	uint64_t nb = avail / q, need = 0;
	uint64_t best_b = 0;
	int best_l = -1;
	double best = INFINITY;

	for (uint32_t i = 0; i < pb->n_units; i++)
		need += quanta(pb->unit[i].weight_bytes + pb->unit[i].kv_bytes, q);
	if (nb > need)
		nb = need;	/* more states than any placement can use */
	assert(nb + 1 <= d->states);
	for (uint64_t s = 0; s < 2 * (nb + 1); s++)
		d->cur[s] = INFINITY;
	d->cur[0] = 0.0;	/* the step starts on the host, nothing used */
	for (uint32_t i = 0; i < pb->n_units; i++) {
		const struct sched_unit_cost *u = &pb->unit[i];
		uint8_t *back = d->back + (uint64_t)i * 2 * d->states;
		double *t;

		for (uint64_t s = 0; s < 2 * (nb + 1); s++) {
			d->nxt[s] = INFINITY;
			back[s] = NO_BACK;
		}
		for (uint64_t b = 0; b <= nb; b++) {
			for (int l = 0; l < 2; l++) {
				double base = d->cur[b * 2 + (uint64_t)l];

				if (base == INFINITY)
					continue;
				for (int p = 0; p < SCHED_PLACES; p++) {
					int card = p != SCHED_CPU;
					uint64_t to;
					double c;

					if (!place_ok(u, (enum sched_place)p, stage))
						continue;
					to = b + quanta(unit_bytes(u, (enum sched_place)p), q);
					if (to > nb)
						continue;
					c = base + unit_time(u, (enum sched_place)p) +
					    (card != l ? u->t_in : 0.0);
					if (c < d->nxt[to * 2 + (uint64_t)card]) {
						d->nxt[to * 2 + (uint64_t)card] = c;
						back[to * 2 + (uint64_t)card] =
							(uint8_t)(p | l << 2);
					}
				}
			}
		}
		t = d->cur;
		d->cur = d->nxt;
		d->nxt = t;
	}
	for (uint64_t b = 0; b <= nb; b++)
		for (int l = 0; l < 2; l++) {
			double c = d->cur[b * 2 + (uint64_t)l] + (l ? pb->t_out : 0.0);

			if (c < best) {
				best = c;
				best_b = b;
				best_l = l;
			}
		}
	if (best_l < 0)
		return INFINITY;
	for (uint32_t i = pb->n_units; i-- > 0;) {
		uint8_t bk = d->back[(uint64_t)i * 2 * d->states + best_b * 2 + (uint64_t)best_l];
		enum sched_place p = (enum sched_place)(bk & 3);

		assert(bk != NO_BACK);
		place[i] = p;
		best_b -= quanta(unit_bytes(&pb->unit[i], p), q);
		best_l = bk >> 2;
	}
	return best;
}

static uint64_t auto_quantum(uint64_t budget)
{
	uint64_t q = budget / STATES_MAX + (budget % STATES_MAX != 0);

	q = (q + 63) & ~(uint64_t)63;	/* the card's record alignment */
	return q ? q : 64;
}

/* The candidate staging sizes: 0 and every distinct streamable unit size. */
static uint32_t stage_candidates(const struct sched_problem *pb, uint64_t *cand)
{
	uint32_t n = 0;

	cand[n++] = 0;
	for (uint32_t i = 0; i < pb->n_units; i++) {
		uint64_t w = pb->unit[i].weight_bytes;
		uint32_t j;

		if (!(pb->unit[i].allow & SCHED_ALLOW_STREAMED))
			continue;
		for (j = 0; j < n && cand[j] != w; j++)
			;
		if (j == n)
			cand[n++] = w;
	}
	return n;
}

static fllm_status plan_fill(const struct sched_problem *pb, const enum sched_place *place,
			     struct sched_plan *out)
{
	uint64_t bytes;
	int on_card = 0;

	out->unit = calloc(pb->n_units, sizeof(*out->unit));
	if (!out->unit)
		return FLLM_E_NO_MEMORY;
	out->n_units = pb->n_units;
	out->tokens = pb->tokens;
	out->budget = pb->budget;
	out->t_step = sched_plan_eval(pb, place, &bytes);
	out->t_token = out->t_step / pb->tokens;
	out->card_bytes = bytes;
	out->staging_bytes = 0;
	for (uint32_t i = 0; i < pb->n_units; i++) {
		const struct sched_unit_cost *u = &pb->unit[i];
		int card = place[i] != SCHED_CPU;

		out->unit[i].kind = u->kind;
		out->unit[i].layer = u->layer;
		out->unit[i].place = place[i];
		out->unit[i].card_bytes = unit_bytes(u, place[i]);
		out->unit[i].t = unit_time(u, place[i]) + (card != on_card ? u->t_in : 0.0);
		if (place[i] == SCHED_STREAMED && 2 * u->weight_bytes > out->staging_bytes)
			out->staging_bytes = 2 * u->weight_bytes;
		on_card = card;
	}
	return FLLM_OK;
}

fllm_status sched_plan_solve(const struct sched_problem *pb, struct sched_plan *out)
{
	uint64_t q, need = 0, *cand = NULL;
	enum sched_place *place = NULL, *best_place = NULL;
	struct dp d = { 0 };
	double best = INFINITY;
	uint32_t nc;
	fllm_status st;

	assert(pb && out && (pb->unit || pb->n_units == 0));
	memset(out, 0, sizeof(*out));
	st = problem_check(pb);
	if (st)
		return st;
	q = pb->quantum ? pb->quantum : auto_quantum(pb->budget);
	for (uint32_t i = 0; i < pb->n_units; i++)
		need += quanta(pb->unit[i].weight_bytes + pb->unit[i].kv_bytes, q);
	d.states = (pb->budget / q < need ? pb->budget / q : need) + 1;
	st = FLLM_E_NO_MEMORY;
	cand = calloc(pb->n_units + 1, sizeof(*cand));
	place = calloc(pb->n_units, sizeof(*place));
	best_place = calloc(pb->n_units, sizeof(*best_place));
	d.cur = calloc(2 * d.states, sizeof(double));
	d.nxt = calloc(2 * d.states, sizeof(double));
	if (d.states > SIZE_MAX / 2 / pb->n_units)
		goto out;
	d.back = malloc((size_t)pb->n_units * 2 * d.states);
	if (!cand || !place || !best_place || !d.cur || !d.nxt || !d.back)
		goto out;
	nc = stage_candidates(pb, cand);
	out->min_card_bytes = min_footprint(pb, cand, nc);
	if (all_cpu_allowed(pb)) {
		uint64_t unused;

		for (uint32_t i = 0; i < pb->n_units; i++)
			best_place[i] = SCHED_CPU;
		best = sched_plan_eval(pb, best_place, &unused);
	}
	for (uint32_t c = 0; c < nc; c++) {
		double t;

		if (pb->budget < pb->fixed_bytes || (pb->budget - pb->fixed_bytes) / 2 < cand[c])
			continue;
		t = dp_run(pb, &d, q, cand[c], pb->budget - pb->fixed_bytes - 2 * cand[c], place);
		if (t < best) {
			best = t;
			memcpy(best_place, place, pb->n_units * sizeof(*place));
		}
	}
	if (best == INFINITY) {
		st = FLLM_E_NO_CARD_MEMORY;
		goto out;
	}
	st = plan_fill(pb, best_place, out);
out:
	free(d.back);
	free(d.nxt);
	free(d.cur);
	free(best_place);
	free(place);
	free(cand);
	return st;
}

void sched_plan_free(struct sched_plan *plan)
{
	if (!plan)
		return;
	free(plan->unit);
	plan->unit = NULL;
	plan->n_units = 0;
}

const char *sched_format_time(double s, char *buf, size_t len)
{
	if (s >= 1.0)
		snprintf(buf, len, "%.3g s", s);
	else if (s >= 1e-3)
		snprintf(buf, len, "%.3g ms", s * 1e3);
	else
		snprintf(buf, len, "%.3g us", s * 1e6);
	return buf;
}

const char *sched_plan_reason(const struct sched_problem *pb, const struct sched_plan *plan,
			      uint32_t i, char *buf, size_t len)
{
	const struct sched_unit_cost *u = &pb->unit[i];
	char a[32], b[32], c[32];

	assert(i < plan->n_units && plan->n_units == pb->n_units);
	switch (plan->unit[i].place) {
	case SCHED_RESIDENT:
		if (!(u->allow & SCHED_ALLOW_CPU))
			snprintf(buf, len, "resident: fits; placed on the card by request");
		else if (u->t_card > 0 && u->t_cpu >= u->t_card)
			snprintf(buf, len, "resident: fits, card %.1fx faster than CPU (%s vs %s)",
				 u->t_cpu / u->t_card, sched_format_time(u->t_card, a, sizeof(a)),
				 sched_format_time(u->t_cpu, b, sizeof(b)));
		else
			snprintf(buf, len, "resident: fits; CPU alone is faster (%s vs %s) but "
				 "staying on the card saves the boundary transfers",
				 sched_format_time(u->t_cpu, a, sizeof(a)), sched_format_time(u->t_card, b, sizeof(b)));
		break;
	case SCHED_STREAMED:
		if (!(u->allow & SCHED_ALLOW_CPU))
			snprintf(buf, len, "streamed: budget exhausted; placed on the card by "
				 "request, streaming takes %s", sched_format_time(u->t_stream, a, sizeof(a)));
		else
			snprintf(buf, len, "streamed: budget exhausted, streaming (%s) beats CPU (%s)",
				 sched_format_time(u->t_stream, a, sizeof(a)),
				 sched_format_time(u->t_cpu, b, sizeof(b)));
		break;
	case SCHED_CPU:
		if (!(u->allow & SCHED_ALLOW_CARD))
			snprintf(buf, len, "cpu: placed on the host by request");
		else if (u->t_cpu <= u->t_card)
			snprintf(buf, len, "cpu: CPU (%s) is not slower than the card (%s)",
				 sched_format_time(u->t_cpu, a, sizeof(a)), sched_format_time(u->t_card, b, sizeof(b)));
		else if (u->t_cpu <= u->t_stream)
			snprintf(buf, len, "cpu: budget exhausted, CPU (%s) beats streaming (%s)",
				 sched_format_time(u->t_cpu, a, sizeof(a)),
				 sched_format_time(u->t_stream, b, sizeof(b)));
		else
			snprintf(buf, len, "cpu: the card would be faster (%s vs %s) but its "
				 "memory or the boundary transfers (%s each) cost more",
				 sched_format_time(u->t_card, a, sizeof(a)), sched_format_time(u->t_cpu, b, sizeof(b)),
				 sched_format_time(u->t_in, c, sizeof(c)));
		break;
	}
	return buf;
}
