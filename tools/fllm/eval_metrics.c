/* fllm eval's measures (see eval_metrics.h), in double precision. */
#include "eval_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* See eval_metrics.h. */
int eval_metrics_init(struct eval_metrics *em, size_t n)
{
	memset(em, 0, sizeof(*em));
	em->n = n;
	em->lp_ref = malloc(n * sizeof(double));
	em->lp_quant = malloc(n * sizeof(double));
	if (!em->lp_ref || !em->lp_quant) {
		eval_metrics_release(em);
		return -1;
	}
	return 0;
}

/* Free the scratch; the sums stay readable. */
void eval_metrics_release(struct eval_metrics *em)
{
	free(em->lp_ref);
	free(em->lp_quant);
	em->lp_ref = em->lp_quant = NULL;
}

/* lp (n) = log softmax(x), max-subtracted; returns the argmax (lowest id on ties). */
static size_t eval_log_softmax(const float *x, size_t n, double *lp)
{
	size_t arg = 0;
	double sum = 0.0, lse;

	for (size_t i = 1; i < n; i++)
		if (x[i] > x[arg])
			arg = i;
	for (size_t i = 0; i < n; i++)
		sum += exp((double)x[i] - (double)x[arg]);
	lse = (double)x[arg] + log(sum);
	for (size_t i = 0; i < n; i++)
		lp[i] = (double)x[i] - lse;
	return arg;
}

/* NLL of the next token under both, argmax match, KL(ref || quant). */
void eval_metrics_add(struct eval_metrics *em, const float *ref, const float *quant,
		      int32_t next)
{
	size_t a = eval_log_softmax(ref, em->n, em->lp_ref);
	size_t b = eval_log_softmax(quant, em->n, em->lp_quant);
	double kl = 0.0;

	for (size_t i = 0; i < em->n; i++)
		kl += exp(em->lp_ref[i]) * (em->lp_ref[i] - em->lp_quant[i]);
	em->positions++;
	em->nll_ref -= em->lp_ref[next];
	em->nll_quant -= em->lp_quant[next];
	em->agree += a == b;
	em->kl += kl;
}

/* exp of the mean negative log-likelihood. */
double eval_metrics_ppl(const struct eval_metrics *em, int quant)
{
	if (!em->positions)
		return 0.0;
	return exp((quant ? em->nll_quant : em->nll_ref) / (double)em->positions);
}

/* Fraction of positions whose argmaxes match. */
double eval_metrics_top1(const struct eval_metrics *em)
{
	return em->positions ? (double)em->agree / (double)em->positions : 0.0;
}

/* Mean KL divergence in nats. */
double eval_metrics_kl(const struct eval_metrics *em)
{
	return em->positions ? em->kl / (double)em->positions : 0.0;
}
