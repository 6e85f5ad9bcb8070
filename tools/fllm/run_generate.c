/* fllm run's generation loop (see run_generate.h). */
#include "run_generate.h"

#include <string.h>
#include <time.h>

/* Monotonic seconds. */
static double run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The prompt goes out verbatim: it is exactly what decoding its ids gives
 * back (BOS's dummy-prefix space dropped), and it needs no tokenizer round
 * trip to appear at once. */
fllm_status run_generate(fllm_context *ctx, const fllm_tokenizer *tok, fllm_sampler *smp,
			 const char *prompt, const int32_t *ids, size_t n_ids, uint64_t max_new,
			 FILE *out, struct run_stats *stats)
{
	uint32_t vocab = fllm_tokenizer_vocab_size(tok);
	int32_t prev = ids[n_ids - 1], next;
	double t0;
	fllm_status st;

	memset(stats, 0, sizeof(*stats));
	stats->prompt_tokens = n_ids;
	stats->stop = "token limit";
	fputs(prompt, out);
	fflush(out);
	t0 = run_now();
	st = fllm_context_eval(ctx, ids, n_ids);
	stats->prefill_s = run_now() - t0;
	if (st)
		return st;
	fllm_context_stats_get(ctx, &stats->after_prompt);
	t0 = run_now();
	while (stats->new_tokens < max_new) {
		const char *piece;
		size_t len;

		st = fllm_sampler_sample(smp, fllm_context_logits(ctx), vocab, &next);
		if (st)
			break;
		if (next == fllm_tokenizer_eos(tok) || next == fllm_tokenizer_bos(tok)) {
			stats->stop = next == fllm_tokenizer_eos(tok) ? "end of sequence" :
									"start of sequence";
			break;
		}
		st = fllm_tokenizer_decode(tok, prev, next, &piece, &len);
		if (st)
			break;
		fwrite(piece, 1, len, out);
		fflush(out);
		stats->new_tokens++;
		prev = next;
		if (stats->new_tokens == max_new)
			break;
		if (fllm_context_pos(ctx) == fllm_context_size(ctx)) {
			stats->stop = "context full";
			break;
		}
		st = fllm_context_eval(ctx, &next, 1);
		if (st)
			break;
	}
	stats->decode_s = run_now() - t0;
	return st;
}
