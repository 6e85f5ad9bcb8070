/*
 * Token sampling: greedy (argmax, the lowest id on ties) at temperature 0;
 * else softmax(logits / T), keep the k most likely (top-k), renormalise,
 * keep the smallest most-likely set whose mass reaches p (top-p), and draw
 * from what is left with a seeded generator. Candidates are ordered by
 * probability, then id, so a seed fixes every choice.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "fllm/fllm_model.h"
#include "rng.h"

struct fllm_sampler {
	fllm_sampler_params p;
	uint64_t rng;
	struct cand *cand;	/* (cap) scratch, grown on demand */
	size_t cap;
};

struct cand {
	float prob;
	int32_t id;
};

fllm_status fllm_sampler_create(const fllm_sampler_params *params, fllm_sampler **out)
{
	fllm_sampler *s;

	assert(params && out);
	*out = NULL;
	if (!isfinite(params->temperature) || params->temperature < 0.0f ||
	    !(params->top_p >= 0.0f && params->top_p <= 1.0f))
		return FLLM_E_INVALID_ARG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return FLLM_E_NO_MEMORY;
	s->p = *params;
	s->rng = params->seed;
	fllm_handle_add(FLLM_HANDLE_SAMPLER);
	*out = s;
	return FLLM_OK;
}

void fllm_sampler_free(fllm_sampler *s)
{
	if (!s)
		return;
	free(s->cand);
	free(s);
	fllm_handle_del(FLLM_HANDLE_SAMPLER);
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->prob != y->prob)
		return x->prob > y->prob ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Softmax at temperature T into s->cand, sorted most likely first. */
static fllm_status sampler_probs(fllm_sampler *s, const float *logits, size_t n)
{
	float max = logits[0] / s->p.temperature, sum = 0.0f;

	if (n > s->cap) {
		struct cand *c = realloc(s->cand, n * sizeof(*c));

		if (!c)
			return FLLM_E_NO_MEMORY;
		s->cand = c;
		s->cap = n;
	}
	for (size_t i = 1; i < n; i++)
		if (logits[i] / s->p.temperature > max)
			max = logits[i] / s->p.temperature;
	for (size_t i = 0; i < n; i++) {
		s->cand[i].prob = expf(logits[i] / s->p.temperature - max);
		s->cand[i].id = (int32_t)i;
		sum += s->cand[i].prob;
	}
	for (size_t i = 0; i < n; i++)
		s->cand[i].prob /= sum;
	qsort(s->cand, n, sizeof(*s->cand), cand_cmp);
	return FLLM_OK;
}

fllm_status fllm_sampler_sample(fllm_sampler *s, const float *logits, size_t n, int32_t *id)
{
	size_t keep, best = 0;
	float mass = 0.0f, coin, acc = 0.0f;
	fllm_status st;

	assert(s && id && (logits || !n));
	if (!n || n > INT32_MAX)
		return FLLM_E_INVALID_ARG;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(logits[i]))
			return FLLM_E_INVALID_ARG;
		if (logits[i] > logits[best])
			best = i;
	}
	if (s->p.temperature == 0.0f) {
		*id = (int32_t)best;
		return FLLM_OK;
	}
	st = sampler_probs(s, logits, n);
	if (st)
		return st;
	keep = s->p.top_k && s->p.top_k < n ? s->p.top_k : n;
	for (size_t i = 0; i < keep; i++)
		mass += s->cand[i].prob;
	if (s->p.top_p > 0.0f && s->p.top_p < 1.0f) {
		float cum = 0.0f;

		for (size_t i = 0; i < keep; i++) {
			cum += s->cand[i].prob / mass;
			if (cum >= s->p.top_p) {
				keep = i + 1;
				break;
			}
		}
		mass = 0.0f;
		for (size_t i = 0; i < keep; i++)
			mass += s->cand[i].prob;
	}
	coin = fllm_rng_f32(&s->rng) * mass;
	for (size_t i = 0; i < keep; i++) {
		acc += s->cand[i].prob;
		if (coin < acc) {
			*id = s->cand[i].id;
			return FLLM_OK;
		}
	}
	*id = s->cand[keep - 1].id;	/* rounding left coin at the very top */
	return FLLM_OK;
}
