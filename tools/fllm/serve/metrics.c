/*
 * GET /metrics: Prometheus text exposition of the server's counters and of
 * the context's statistics as the engine last copied them (the HTTP threads
 * never touch the context itself).
 */
#include <stdio.h>
#include <stdlib.h>

#include "serve.h"
#include "text_buf.h"

static const unsigned metrics_codes[SERVE_N_STATUS] = SERVE_STATUS_CODES;

void serve_metrics_count(struct serve_server *s, unsigned status)
{
	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < SERVE_N_STATUS; i++)
		if (metrics_codes[i] == status)
			s->m.requests[i]++;
	pthread_mutex_unlock(&s->mu);
}

/* One metric with its HELP and TYPE lines. */
static int metrics_one(struct text_buf *b, const char *name, const char *type,
		       const char *help, double value)
{
	return text_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type,
		       name, value);
}

char *serve_metrics_render(struct serve_server *s)
{
	struct text_buf b = { 0 };
	struct serve_metrics m;
	uint32_t queued;
	int rc;

	pthread_mutex_lock(&s->mu);
	m = s->m;
	queued = s->queued;
	pthread_mutex_unlock(&s->mu);
	rc = text_buf_printf(&b, "# HELP fllm_serve_requests_total HTTP requests answered, by "
		       "status\n# TYPE fllm_serve_requests_total counter\n");
	for (int i = 0; i < SERVE_N_STATUS; i++)
		rc |= text_buf_printf(&b, "fllm_serve_requests_total{status=\"%u\"} %llu\n",
			       metrics_codes[i], (unsigned long long)m.requests[i]);
	rc |= metrics_one(&b, "fllm_serve_prompt_tokens_total", "counter",
		    "prompt tokens prefilled", (double)m.prompt_tokens);
	rc |= metrics_one(&b, "fllm_serve_tokens_generated_total", "counter",
		    "tokens generated", (double)m.tokens_generated);
	rc |= metrics_one(&b, "fllm_serve_requests_cancelled_total", "counter",
		    "requests dropped because the client went away or on shutdown",
		    (double)m.cancelled);
	rc |= metrics_one(&b, "fllm_serve_queue_depth", "gauge", "requests waiting for a sequence",
		    (double)queued);
	rc |= metrics_one(&b, "fllm_serve_sequences_running", "gauge",
		    "requests holding a sequence of the context", (double)m.running);
	rc |= metrics_one(&b, "fllm_serve_batch_size", "gauge", "sequences in the latest step",
		    (double)m.last_batch);
	rc |= metrics_one(&b, "fllm_serve_steps_total", "counter",
		    "decode steps (one fllm_context_step each)", (double)m.steps);
	rc |= metrics_one(&b, "fllm_serve_step_sequences_total", "counter",
		    "sequences advanced by the steps (over steps: the mean batch)",
		    (double)m.step_seqs);
	rc |= metrics_one(&b, "fllm_serve_context_tokens_total", "counter",
		    "positions the context evaluated (prefill and decode)", (double)m.ctx.tokens);
	rc |= metrics_one(&b, "fllm_serve_card_weight_bytes_total", "counter",
		    "weight bytes the card's LUT-GEMMs read", (double)m.ctx.card_weight_bytes);
	rc |= metrics_one(&b, "fllm_serve_card_mem_bytes_total", "counter",
		    "card-memory bytes moved", (double)m.ctx.card_mem_bytes);
	rc |= metrics_one(&b, "fllm_serve_card_seconds_total", "counter",
		    "card time of the compute units' commands (their cycles at the card clock)",
		    m.ctx.card_clock_khz ?
			    (double)(m.ctx.card_lutgemm_cycles + m.ctx.card_attention_cycles +
				     m.ctx.card_vector_cycles) /
				    (m.ctx.card_clock_khz * 1e3) :
			    0.0);
	rc |= metrics_one(&b, "fllm_serve_card_lists_total", "counter", "command lists submitted",
		    (double)m.ctx.card_lists);
	rc |= metrics_one(&b, "fllm_serve_kv_blocks", "gauge", "blocks in the paged KV cache's pool",
		    (double)m.ctx.kv_blocks);
	rc |= metrics_one(&b, "fllm_serve_kv_blocks_used", "gauge",
		    "KV blocks holding positions of sequences on the card",
		    (double)m.ctx.kv_blocks_used);
	rc |= metrics_one(&b, "fllm_serve_kv_block_bytes", "gauge", "bytes of one KV block",
		    (double)m.ctx.kv_block_bytes);
	rc |= metrics_one(&b, "fllm_serve_kv_swaps_out_total", "counter",
		    "sequences swapped to host memory", (double)m.ctx.kv_swaps_out);
	rc |= metrics_one(&b, "fllm_serve_kv_swaps_in_total", "counter",
		    "sequences swapped back to the card", (double)m.ctx.kv_swaps_in);
	if (rc)
		text_buf_free(&b);
	return b.p;
}
