/*
 * fllm eval's measures of a quantized model against fp32, accumulated one
 * position at a time: perplexity of both, top-1 agreement and the mean KL
 * divergence KL(p_fp32 || p_quant) of the next-token distributions.
 */
#ifndef FLLM_CLI_EVAL_METRICS_H
#define FLLM_CLI_EVAL_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct eval_metrics {
	uint64_t positions;		/* positions scored */
	double nll_ref, nll_quant;	/* sums of -log p(next token) */
	uint64_t agree;			/* positions with the same argmax */
	double kl;			/* sum of KL(ref || quant) */
	double *lp_ref, *lp_quant;	/* (n) log-softmax scratch */
	size_t n;
};

/* Scratch for vocabularies of n; 0 or -1 when out of memory. */
int eval_metrics_init(struct eval_metrics *em, size_t n);
void eval_metrics_release(struct eval_metrics *em);
/* Score one position: both logits (n) and the token that came next. */
void eval_metrics_add(struct eval_metrics *em, const float *ref, const float *quant,
		      int32_t next);
/* exp(mean NLL), positions with matching argmax / positions, mean KL. */
double eval_metrics_ppl(const struct eval_metrics *em, int quant);
double eval_metrics_top1(const struct eval_metrics *em);
double eval_metrics_kl(const struct eval_metrics *em);

#endif /* FLLM_CLI_EVAL_METRICS_H */
