/*
 * fllm bench's workload on one device (see bench.h). The context is created
 * once (quantizing and uploading are not timed) and reset between repeats.
 * A repeat prefills B sequences with the prompt, takes each one's greedy
 * first token (time to first token), then runs N decode steps: each step
 * evaluates one new token of every sequence and picks the next greedily.
 * The card's counters (fllm_context_stats) and RAPL are read around the
 * decode window only.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "bench.h"
#include "fllm/fllm.h"
#include "fllm_card.h"
#include "measure.h"
#include "run_model.h"
#include "run_options.h"

#define BENCH_IDLE_S 0.5		/* host idle window before each device */
#define BENCH_RAPL_PERIOD_S 0.1		/* RAPL read at most this often during decode */

static const char bench_src_projection[] =
	"card model projection: activity counts x reference-card coefficients "
	"(docs/power.md), not a measurement";
static const char bench_src_sensor[] = "card power sensor (FLLM_REG_TEL_ENERGY)";
static const char bench_src_rapl[] = "RAPL package energy (powercap energy_uj)";

/* What one repeat's decode window added up to. */
struct bench_window {
	fllm_context_stats s0, s1;
	double decode_s;
};

/* Sum of the counters that moved in windows (s1 - s0). */
struct bench_sums {
	uint64_t dma, mem, weight, cyc_lut, cyc_att, cyc_vec, energy_mj;
	uint64_t lut_ops, macs, vec_ops;
};

/* Seconds to sleep, for the idle window. */
static void bench_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* Reset ctx to B empty sequences (seq 0 and B-1 added ones in seqs). */
static fllm_status bench_seqs_reset(fllm_context *ctx, uint32_t *seqs, uint32_t b, int added)
{
	fllm_status st = FLLM_OK;

	for (uint32_t i = 1; added && i < b && !st; i++)
		st = fllm_context_seq_remove(ctx, seqs[i]);
	fllm_context_reset(ctx);
	seqs[0] = 0;
	for (uint32_t i = 1; i < b && !st; i++)
		st = fllm_context_seq_add(ctx, &seqs[i]);
	return st;
}

/* Greedy next token of every sequence. */
static void bench_pick(fllm_context *ctx, const uint32_t *seqs, uint32_t b, uint32_t vocab,
		       int32_t *toks)
{
	for (uint32_t i = 0; i < b; i++)
		toks[i] = bench_argmax(fllm_context_seq_logits(ctx, seqs[i]), vocab);
}

/* RAPL at most every BENCH_RAPL_PERIOD_S (so a wrap between reads is caught). */
static void bench_rapl_tick(struct rapl_meter *m, double *last)
{
	double now = bench_now();

	if (m->n && now - *last >= BENCH_RAPL_PERIOD_S) {
		rapl_update(m);
		*last = now;
	}
}

/* One repeat: prefill, first tokens, N decode steps (lat: their seconds). */
static fllm_status bench_repeat(const struct bench_opts *o, fllm_context *ctx, uint32_t vocab,
				const int32_t *prompt, uint32_t *seqs, int32_t *toks,
				double *lat, double *pre_s, double *ttft_s, struct bench_window *w,
				struct rapl_meter *m, uint64_t *uj, const char *dev, uint64_t done,
				uint64_t total)
{
	uint32_t b = (uint32_t)o->batch;
	double t0, t1, tick;
	uint64_t uj0;
	fllm_status st = FLLM_OK;

	t0 = bench_now();
	for (uint32_t i = 0; i < b && !st; i++)
		st = fllm_context_seq_eval(ctx, seqs[i], prompt, o->prompt_len);
	*pre_s = bench_now() - t0;
	if (st)
		return st;
	bench_pick(ctx, seqs, b, vocab, toks);
	*ttft_s = bench_now() - t0;
	fllm_context_stats_get(ctx, &w->s0);
	if (m->n)
		rapl_update(m);
	uj0 = m->total_uj;
	tick = t1 = bench_now();
	for (uint64_t t = 0; t < o->gen && !st; t++) {
		double ts = bench_now();

		st = b == 1 ? fllm_context_eval(ctx, toks, 1) : fllm_context_step(ctx, b, seqs, toks);
		if (!st)
			bench_pick(ctx, seqs, b, vocab, toks);
		lat[t] = bench_now() - ts;
		bench_rapl_tick(m, &tick);
		bench_progress(dev, done + t + 1, total);
	}
	w->decode_s = bench_now() - t1;
	if (m->n)
		rapl_update(m);
	*uj += m->total_uj - uj0;
	fllm_context_stats_get(ctx, &w->s1);
	return st;
}

/* Add a window's counter movement to sums. */
static void bench_sum(struct bench_sums *s, const struct bench_window *w)
{
	s->dma += w->s1.card_dma_bytes - w->s0.card_dma_bytes;
	s->mem += w->s1.card_mem_bytes - w->s0.card_mem_bytes;
	s->weight += w->s1.card_weight_bytes - w->s0.card_weight_bytes;
	s->cyc_lut += w->s1.card_lutgemm_cycles - w->s0.card_lutgemm_cycles;
	s->cyc_att += w->s1.card_attention_cycles - w->s0.card_attention_cycles;
	s->cyc_vec += w->s1.card_vector_cycles - w->s0.card_vector_cycles;
	s->energy_mj += w->s1.card_energy_mj - w->s0.card_energy_mj;
	s->lut_ops += w->s1.card_lut_ops - w->s0.card_lut_ops;
	s->macs += w->s1.card_macs - w->s0.card_macs;
	s->vec_ops += w->s1.card_vec_ops - w->s0.card_vec_ops;
}

/* The card's energy figure: its sensor when real, else the projection. */
static void bench_card_energy(struct bench_result *r, const fllm_context_stats *cs,
			      const struct bench_sums *s, double card_s, double idle_w)
{
	struct bench_energy *e = &r->card;

	e->scope = "card (board)";
	if (!r->on_card) {
		snprintf(e->why, sizeof(e->why), "no card on this device");
		return;
	}
	e->avail = 1;
	if (cs->card_sensors) {
		e->source = bench_src_sensor;
		e->decode_j = (double)s->energy_mj / 1000.0;
		e->window_s = r->decode_s;
		e->idle_w = idle_w;
		e->interval_s = -1;	/* the card's own sensor period */
	} else {
		fllm_power_activity a = { card_s, card_s, s->mem, s->dma, s->lut_ops, s->macs,
					  s->vec_ops };
		fllm_power_estimate est;

		fllm_power_project(&a, &est);
		e->source = bench_src_projection;
		e->decode_j = est.total_j;
		e->window_s = card_s;
		e->idle_w = est.idle_w;
		e->interval_s = 0;	/* per command, from completion records */
	}
	e->avg_w = e->window_s > 0 ? e->decode_j / e->window_s : 0;
	e->j_per_token = r->tokens ? e->decode_j / (double)r->tokens : 0;
	e->tokens_per_j = e->decode_j > 0 ? (double)r->tokens / e->decode_j : 0;
}

/* The host's RAPL figure, or why there is none. */
static void bench_host_energy(struct bench_result *r, const struct rapl_meter *m, uint64_t uj,
			      double idle_w)
{
	struct bench_energy *e = &r->host;

	e->scope = "host CPU package (every core, not the card)";
	if (!m->n) {
		snprintf(e->why, sizeof(e->why), "%s", m->why);
		return;
	}
	e->avail = 1;
	e->source = bench_src_rapl;
	e->decode_j = (double)uj * 1e-6;
	e->window_s = r->decode_s;
	e->idle_w = idle_w;
	e->interval_s = BENCH_RAPL_PERIOD_S;
	e->avg_w = r->decode_s > 0 ? e->decode_j / r->decode_s : 0;
	e->j_per_token = r->tokens ? e->decode_j / (double)r->tokens : 0;
	e->tokens_per_j = e->decode_j > 0 ? (double)r->tokens / e->decode_j : 0;
}

/* Card facts the context does not give: memory bandwidth, idle sensor power. */
static int bench_card_facts(const char *dev, struct bench_result *r, double *idle_w)
{
	fllm_device_info di;
	fllm_telemetry t;
	fllm_device *d;
	fllm_status st = fllm_device_open(dev, &d);

	if (st) {
		fprintf(stderr, "fllm bench: --device %s: cannot open the card: %s\n", dev,
			fllm_status_str(st));
		return CLI_EXIT_NO_DEVICE;
	}
	st = fllm_device_info_get(d, &di);
	if (!st && (di.caps & FLLM_CAP_TELEMETRY) && !(di.caps & FLLM_CAP_SIMULATED) &&
	    !fllm_device_telemetry(d, &t))
		*idle_w = t.power_mw / 1000.0;
	fllm_device_close(d);
	if (st) {
		fprintf(stderr, "fllm bench: --device %s: %s\n", dev, fllm_status_str(st));
		return CLI_EXIT_FAIL;
	}
	r->peak_gbps = (double)di.mem_channels * di.mem_chan_mbps * 1e-3;
	r->peak_source = "card memory: channels x channel rate (device info)";
	return -1;
}

/* Medians and per-token figures of every repeat into r. */
static void bench_finish(const struct bench_opts *o, const fllm_model_info *mi,
			 const fllm_context_stats *cs, const struct bench_sums *s,
			 double *pre, double *ttft, double *dec, double *p50, double *p90,
			 double *p99, struct bench_result *r, double host_gbps)
{
	size_t n = o->repeat;
	double tok = (double)r->tokens, khz = cs->card_clock_khz, card_s = 0;

	r->prefill_tps = bench_median(pre, n);
	r->ttft_ms = bench_median(ttft, n) * 1e3;
	r->decode_tps = bench_median(dec, n);
	r->lat_p50_ms = bench_median(p50, n) * 1e3;
	r->lat_p90_ms = bench_median(p90, n) * 1e3;
	r->lat_p99_ms = bench_median(p99, n) * 1e3;
	r->on_card = cs->on_card && khz > 0;
	r->bits = cs->bits;
	r->group = cs->group;
	if (r->on_card) {
		card_s = (double)(s->cyc_lut + s->cyc_att + s->cyc_vec) / (khz * 1e3);
		r->dma_bytes = (double)s->dma / tok;
		r->mem_bytes = (double)s->mem / tok;
		r->weight_bytes = (double)s->weight / tok;
		r->lutgemm_us = (double)s->cyc_lut / khz * 1e3 / tok;
		r->attention_us = (double)s->cyc_att / khz * 1e3 / tok;
		r->vector_us = (double)s->cyc_vec / khz * 1e3 / tok;
		r->host_us = r->decode_s / tok * 1e6 - card_s / tok * 1e6;
		if (r->host_us < 0)
			r->host_us = 0;
		r->card_tps = card_s > 0 ? tok / card_s : 0;
		r->bytes_per_token = r->mem_bytes;
		r->achieved_gbps = r->bytes_per_token * r->card_tps * 1e-9;
	} else if (!strcmp(r->device, "cpu")) {
		/* fp32 weights stream once per step, shared by the batch */
		r->bytes_per_token = 4.0 * (double)mi->n_params / (double)o->batch;
		r->peak_gbps = host_gbps;
		r->peak_source = "host memory: streaming-read probe";
		r->achieved_gbps = r->bytes_per_token * r->decode_tps * 1e-9;
	}
	if (r->bytes_per_token > 0 && r->peak_gbps > 0)
		r->bound_tps = r->peak_gbps * 1e9 / r->bytes_per_token;
	r->card.idle_w = -1;
	r->host.idle_w = -1;
	r->card.interval_s = -1;
	r->host.interval_s = -1;
}

/* Every repeat on ctx; then the figures. */
static int bench_repeats(const struct bench_opts *o, fllm_context *ctx,
			 const fllm_model_info *mi, const int32_t *prompt, const char *dev,
			 double host_gbps, double card_idle_w, struct bench_result *r)
{
	uint32_t b = (uint32_t)o->batch, seqs[FLLM_SEQS_MAX];
	size_t nr = o->repeat;
	double *lat = malloc(o->gen * sizeof(*lat));
	double pre[BENCH_REPEATS_MAX], ttft[BENCH_REPEATS_MAX], dec[BENCH_REPEATS_MAX];
	double p50[BENCH_REPEATS_MAX], p90[BENCH_REPEATS_MAX], p99[BENCH_REPEATS_MAX];
	int32_t toks[FLLM_SEQS_MAX];
	struct bench_sums sums = { 0 };
	struct rapl_meter m;
	fllm_context_stats cs;
	uint64_t uj = 0;
	double host_idle_w = -1, card_s;
	fllm_status st = lat ? FLLM_OK : FLLM_E_NO_MEMORY;

	if (!rapl_open(&m, o->rapl_root)) {
		uint64_t u0 = m.total_uj;
		double t0 = bench_now();

		bench_sleep(BENCH_IDLE_S);
		if (!rapl_update(&m))
			host_idle_w = (double)(m.total_uj - u0) * 1e-6 / (bench_now() - t0);
	}
	for (size_t k = 0; k < nr && !st; k++) {
		struct bench_window w;
		double ps, ts;

		st = bench_seqs_reset(ctx, seqs, b, k > 0);
		if (!st)
			st = bench_repeat(o, ctx, mi->vocab_size, prompt, seqs, toks, lat, &ps, &ts,
					  &w, &m, &uj, dev, k * o->gen, nr * o->gen);
		if (st)
			break;
		bench_sum(&sums, &w);
		r->decode_s += w.decode_s;
		r->tokens += o->gen * b;
		pre[k] = ps > 0 ? (double)(o->prompt_len * b) / ps : 0;
		ttft[k] = ts;
		dec[k] = w.decode_s > 0 ? (double)(o->gen * b) / w.decode_s : 0;
		p50[k] = bench_quantile(lat, o->gen, 0.50);
		p90[k] = bench_quantile(lat, o->gen, 0.90);
		p99[k] = bench_quantile(lat, o->gen, 0.99);
	}
	bench_progress(dev, 0, 0);
	free(lat);
	if (st) {
		fprintf(stderr, "fllm bench: --device %s: %s\n", dev, fllm_status_str(st));
		return CLI_EXIT_FAIL;
	}
	fllm_context_stats_get(ctx, &cs);
	bench_finish(o, mi, &cs, &sums, pre, ttft, dec, p50, p90, p99, r, host_gbps);
	card_s = r->card_tps > 0 ? (double)r->tokens / r->card_tps : 0;
	bench_card_energy(r, &cs, &sums, card_s, card_idle_w);
	bench_host_energy(r, &m, uj, host_idle_w);
	return -1;
}

/* See bench.h. */
int bench_device(const struct bench_opts *o, const fllm_model *model, const int32_t *prompt,
		 const char *dev, double host_gbps, struct bench_result *r)
{
	fllm_context_params cp = { .n_threads = (uint32_t)o->threads, .device = dev,
				   .bits = (uint32_t)o->bits, .group = (uint32_t)o->group,
				   .n_seqs = (uint32_t)o->batch,
				   .n_ctx = (uint32_t)(o->prompt_len + o->gen + 1) };
	fllm_model_info mi;
	fllm_context *ctx;
	double card_idle_w = -1;
	fllm_status st;
	int rc;

	memset(r, 0, sizeof(*r));
	r->device = dev;
	fllm_model_info_get(model, &mi);
	if (run_device_classify(dev) == RUN_DEVICE_CARD && strcmp(dev, "cpu-q")) {
		rc = bench_card_facts(dev, r, &card_idle_w);
		if (rc >= 0)
			return rc;
	}
	if (!strcmp(dev, "cpu"))
		cp.bits = cp.group = 0;	/* fp32: no quantization */
	st = fllm_context_create(model, &cp, &ctx);
	if (st)
		return run_context_failed("bench", dev, 0, st);
	rc = bench_repeats(o, ctx, &mi, prompt, dev, host_gbps, card_idle_w, r);
	fllm_context_free(ctx);
	return rc;
}
