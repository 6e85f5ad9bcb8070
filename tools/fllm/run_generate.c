/* fllm run's generation loop (see run_generate.h). */
#include "run_generate.h"
#include "text_buf.h"

#include <stdlib.h>
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

/* One of run_generate_parallel's sequences. */
struct par_seq {
	uint32_t seq;
	fllm_sampler *smp;
	int32_t prev, next;
	uint64_t n;		/* tokens generated */
	const char *stop;	/* NULL while running */
	struct text_buf text;	/* generated text */
};

/* Sample s's next token; sets s->stop when it ends here. */
static fllm_status par_sample(fllm_context *ctx, const fllm_tokenizer *tok, uint64_t max_new,
			      struct par_seq *s)
{
	const char *piece;
	size_t len;
	fllm_status st = fllm_sampler_sample(s->smp, fllm_context_seq_logits(ctx, s->seq),
					     fllm_tokenizer_vocab_size(tok), &s->next);

	if (st)
		return st;
	if (s->next == fllm_tokenizer_eos(tok) || s->next == fllm_tokenizer_bos(tok)) {
		s->stop = s->next == fllm_tokenizer_eos(tok) ? "end of sequence" :
							      "start of sequence";
		return FLLM_OK;
	}
	st = fllm_tokenizer_decode(tok, s->prev, s->next, &piece, &len);
	if (!st)
		st = text_buf_append(&s->text, piece, len) ? FLLM_E_NO_MEMORY : FLLM_OK;
	if (st)
		return st;
	s->n++;
	s->prev = s->next;
	if (s->n == max_new)
		s->stop = "token limit";
	else if (fllm_context_seq_pos(ctx, s->seq) == fllm_context_size(ctx))
		s->stop = "context full";
	return FLLM_OK;
}

/* Sample every running sequence, then step those that go on; 0 running: done. */
static fllm_status par_round(fllm_context *ctx, const fllm_tokenizer *tok, uint64_t max_new,
			     struct par_seq *s, uint32_t n_par, uint32_t *seqs, int32_t *toks,
			     uint32_t *running)
{
	uint32_t k = 0;
	fllm_status st = FLLM_OK;

	for (uint32_t i = 0; !st && i < n_par; i++) {
		if (s[i].stop)
			continue;
		st = par_sample(ctx, tok, max_new, &s[i]);
		if (!st && !s[i].stop) {
			seqs[k] = s[i].seq;
			toks[k++] = s[i].next;
		} else if (!st && s[i].seq) {
			/* done: its KV cache goes back for the others */
			st = fllm_context_seq_remove(ctx, s[i].seq);
		}
	}
	*running = k;
	if (!st && k)
		st = fllm_context_step(ctx, k, seqs, toks);
	return st;
}

/* See run_generate.h. */
fllm_status run_generate_parallel(fllm_context *ctx, const fllm_tokenizer *tok,
				  const fllm_sampler_params *sp, uint32_t n_par,
				  const char *prompt, const int32_t *ids, size_t n_ids,
				  uint64_t max_new, FILE *out, struct run_stats *stats)
{
	struct par_seq *s = calloc(n_par, sizeof(*s));
	uint32_t *seqs = calloc(n_par, sizeof(*seqs)), running = 1;
	int32_t *toks = calloc(n_par, sizeof(*toks));
	fllm_status st = s && seqs && toks ? FLLM_OK : FLLM_E_NO_MEMORY;
	double t0 = run_now();

	memset(stats, 0, sizeof(*stats));
	stats->prompt_tokens = n_ids * n_par;
	for (uint32_t i = 0; !st && i < n_par; i++) {
		fllm_sampler_params p = *sp;

		p.seed = sp->seed + i;
		s[i].prev = ids[n_ids - 1];
		st = i ? fllm_context_seq_add(ctx, &s[i].seq) : FLLM_OK;
		if (!st)
			st = fllm_sampler_create(&p, &s[i].smp);
		if (!st)
			st = fllm_context_seq_eval(ctx, s[i].seq, ids, n_ids);
	}
	stats->prefill_s = run_now() - t0;
	if (!st)
		fllm_context_stats_get(ctx, &stats->after_prompt);
	t0 = run_now();
	if (!st && max_new == 0)
		running = 0;
	while (!st && running)
		st = par_round(ctx, tok, max_new, s, n_par, seqs, toks, &running);
	stats->decode_s = run_now() - t0;
	stats->stop = s && s[0].stop ? s[0].stop : "token limit";
	for (uint32_t i = 0; s && i < n_par; i++) {
		if (!st) {
			fprintf(out, "=== sequence %u, seed %llu ===\n%s", i,
				(unsigned long long)(sp->seed + i), prompt);
			fwrite(s[i].text.p, 1, s[i].text.len, out);
			fputc('\n', out);
		}
		stats->new_tokens += s[i].n;
		fllm_sampler_free(s[i].smp);
		text_buf_free(&s[i].text);
	}
	fflush(out);
	free(s);
	free(seqs);
	free(toks);
	return st;
}
