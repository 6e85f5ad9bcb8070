/*
 * fllm bench's outputs: the side-by-side table, JSON and CSV. An energy
 * figure goes out only with its source; an unavailable one is the word
 * "unavailable" (and why), never a number.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "bench.h"
#include "json.h"

#define BENCH_COL 22

/* "fp32" or the card's weight format. */
static const char *bench_precision(const struct bench_result *r, char *buf, size_t len)
{
	if (!r->bits)
		snprintf(buf, len, "fp32");
	else
		snprintf(buf, len, "BCQ q<=%u g%u weights, int8 activations", r->bits, r->group);
	return buf;
}

/* Which devices a row has a figure for. */
enum bench_row_kind {
	ROW_ALL,		/* every device */
	ROW_CARD,		/* cards only: "n/a" elsewhere */
	ROW_KNOWN,		/* "n/a" where the figure is 0 (not known) */
};

/* One table row: label, then each device's value (ratio to the first after it). */
static void bench_row(FILE *f, const char *label, const struct bench_result *r, int n,
		      size_t off, const char *fmt, enum bench_row_kind kind)
{
	fprintf(f, "%-28s", label);
	for (int i = 0; i < n; i++) {
		double v = *(const double *)((const char *)&r[i] + off);
		double v0 = *(const double *)((const char *)&r[0] + off);
		char cell[64];
		int k;

		if ((kind == ROW_CARD && !r[i].on_card) || (kind == ROW_KNOWN && v <= 0)) {
			fprintf(f, "%*s", BENCH_COL, "n/a");
			continue;
		}
		k = snprintf(cell, sizeof(cell), fmt, v);
		if (i && v0 > 0 && k > 0 && (size_t)k < sizeof(cell))
			snprintf(cell + k, sizeof(cell) - (size_t)k, " x%.3g", v / v0);
		fprintf(f, "%*s", BENCH_COL, cell);
	}
	fputc('\n', f);
}

#define ROW(label, field, fmt, kind) \
	bench_row(f, label, r, n, offsetof(struct bench_result, field), fmt, kind)

/* One energy row: a number only where its source is available. */
static void bench_energy_row(FILE *f, const char *label, const struct bench_result *r, int n,
			     int host, size_t off, const char *fmt)
{
	fprintf(f, "%-28s", label);
	for (int i = 0; i < n; i++) {
		const struct bench_energy *e = host ? &r[i].host : &r[i].card;
		double v = *(const double *)((const char *)e + off);
		char cell[64];

		if (!e->avail)
			snprintf(cell, sizeof(cell), "%s", !host && !r[i].on_card ? "n/a" :
				 "unavailable");
		else if (v < 0 || (off == offsetof(struct bench_energy, tokens_per_j) && v == 0))
			snprintf(cell, sizeof(cell), "unavailable");
		else
			snprintf(cell, sizeof(cell), fmt, v);
		fprintf(f, "%*s", BENCH_COL, cell);
	}
	fputc('\n', f);
}

#define EROW(label, host, field, fmt) \
	bench_energy_row(f, label, r, n, host, offsetof(struct bench_energy, field), fmt)

/* Where each energy figure came from, and what MLPerf Power asks a result
 * to state: scope, sampling, run length, batch, precision, idle vs active. */
static void bench_sources(FILE *f, const struct bench_opts *o, const struct bench_result *r,
			  int n)
{
	char prec[96];

	fprintf(f, "\nenergy sources (decode window only; batch %llu):\n",
		(unsigned long long)o->batch);
	for (int i = 0; i < n; i++) {
		const struct bench_energy *es[2] = { &r[i].card, &r[i].host };

		fprintf(f, "  %s, %s:\n", r[i].device, bench_precision(&r[i], prec, sizeof(prec)));
		for (int k = 0; k < 2; k++) {
			const struct bench_energy *e = es[k];

			if (!e->avail) {
				fprintf(f, "    %s: unavailable (%s)\n", e->scope, e->why);
				continue;
			}
			fprintf(f, "    %s: %s; ", e->scope, e->source);
			if (e->interval_s > 0)
				fprintf(f, "sampled every %.0f ms; ", e->interval_s * 1e3);
			else if (e->interval_s == 0)
				fprintf(f, "per command; ");
			else
				fprintf(f, "card's own sensor period; ");
			fprintf(f, "run %.3f s%s\n", e->window_s,
				e == &r[i].card && !e->interval_s ? " of card time" : "");
		}
	}
}

/* See bench.h. */
void bench_print_table(FILE *f, const struct bench_opts *o, const struct bench_machine *m,
		       const struct bench_result *r, int n)
{
	fprintf(f, "machine: %s, %ld cores online, host kernels %s\n", m->cpu, m->cores, m->isa);
	fprintf(f, "workload: prompt %llu tokens, %llu decode steps, batch %llu, %llu repeats "
		"(medians), %llu threads\n\n", (unsigned long long)o->prompt_len,
		(unsigned long long)o->gen, (unsigned long long)o->batch,
		(unsigned long long)o->repeat, (unsigned long long)o->threads);
	fprintf(f, "%-28s", "");
	for (int i = 0; i < n; i++)
		fprintf(f, "%*s", BENCH_COL, r[i].device);
	fputc('\n', f);
	ROW("prefill tokens/s", prefill_tps, "%.1f", ROW_ALL);
	ROW("decode tokens/s", decode_tps, "%.1f", ROW_ALL);
	ROW("time to first token ms", ttft_ms, "%.2f", ROW_ALL);
	ROW("step latency p50 ms", lat_p50_ms, "%.3f", ROW_ALL);
	ROW("step latency p90 ms", lat_p90_ms, "%.3f", ROW_ALL);
	ROW("step latency p99 ms", lat_p99_ms, "%.3f", ROW_ALL);
	ROW("PCIe (DMA) bytes/token", dma_bytes, "%.0f", ROW_CARD);
	ROW("card-memory bytes/token", mem_bytes, "%.0f", ROW_CARD);
	ROW("weight bytes/token", weight_bytes, "%.0f", ROW_CARD);
	ROW("LUT-GEMM us/token", lutgemm_us, "%.2f", ROW_CARD);
	ROW("attention us/token", attention_us, "%.2f", ROW_CARD);
	ROW("vector us/token", vector_us, "%.2f", ROW_CARD);
	ROW("host+transfer us/token", host_us, "%.2f", ROW_CARD);
	ROW("card-time tokens/s", card_tps, "%.1f", ROW_CARD);
	ROW("bytes/token (roofline)", bytes_per_token, "%.0f", ROW_KNOWN);
	ROW("memory peak GB/s", peak_gbps, "%.1f", ROW_KNOWN);
	ROW("achieved GB/s", achieved_gbps, "%.2f", ROW_KNOWN);
	ROW("memory-bound tokens/s", bound_tps, "%.1f", ROW_KNOWN);
	EROW("card power W (avg)", 0, avg_w, "%.2f");
	EROW("card power W (idle)", 0, idle_w, "%.2f");
	EROW("card J/token", 0, j_per_token, "%.4g");
	EROW("card tokens/J", 0, tokens_per_j, "%.4g");
	EROW("host CPU power W (avg)", 1, avg_w, "%.2f");
	EROW("host CPU power W (idle)", 1, idle_w, "%.2f");
	EROW("host CPU J/token", 1, j_per_token, "%.4g");
	EROW("host CPU tokens/J", 1, tokens_per_j, "%.4g");
	bench_sources(f, o, r, n);
}

/* One energy object: numbers only when available. */
static void bench_json_energy(struct cli_json *j, const struct bench_energy *e)
{
	cli_json_object_begin(j, NULL);
	cli_json_str(j, "scope", e->scope);
	cli_json_bool(j, "available", e->avail);
	if (!e->avail) {
		cli_json_str(j, "why", e->why);
		cli_json_object_end(j);
		return;
	}
	cli_json_str(j, "source", e->source);
	if (e->interval_s > 0)
		cli_json_double(j, "sampling_interval_s", e->interval_s);
	else
		cli_json_str(j, "sampling", e->interval_s == 0 ?
			     "per command (completion records)" : "the card's sensor period");
	cli_json_double(j, "window_s", e->window_s);
	cli_json_double(j, "avg_w", e->avg_w);
	if (e->idle_w >= 0)
		cli_json_double(j, "idle_w", e->idle_w);
	cli_json_double(j, "decode_j", e->decode_j);
	cli_json_double(j, "j_per_token", e->j_per_token);
	if (e->tokens_per_j > 0)
		cli_json_double(j, "tokens_per_j", e->tokens_per_j);
	cli_json_object_end(j);
}

/* One device's object. */
static void bench_json_device(struct cli_json *j, const struct bench_result *r,
			      const struct bench_result *r0)
{
	char prec[96];

	cli_json_object_begin(j, NULL);
	cli_json_str(j, "device", r->device);
	cli_json_str(j, "precision", bench_precision(r, prec, sizeof(prec)));
	cli_json_double(j, "prefill_tps", r->prefill_tps);
	cli_json_double(j, "decode_tps", r->decode_tps);
	cli_json_double(j, "ttft_ms", r->ttft_ms);
	cli_json_object_begin(j, "step_latency_ms");
	cli_json_double(j, "p50", r->lat_p50_ms);
	cli_json_double(j, "p90", r->lat_p90_ms);
	cli_json_double(j, "p99", r->lat_p99_ms);
	cli_json_object_end(j);
	cli_json_u64(j, "tokens", r->tokens);
	cli_json_double(j, "decode_s", r->decode_s);
	if (r->on_card) {
		cli_json_object_begin(j, "card");
		cli_json_double(j, "dma_bytes_per_token", r->dma_bytes);
		cli_json_double(j, "mem_bytes_per_token", r->mem_bytes);
		cli_json_double(j, "weight_bytes_per_token", r->weight_bytes);
		cli_json_object_begin(j, "us_per_token");
		cli_json_double(j, "lutgemm", r->lutgemm_us);
		cli_json_double(j, "attention", r->attention_us);
		cli_json_double(j, "vector", r->vector_us);
		cli_json_double(j, "host_and_transfer", r->host_us);
		cli_json_object_end(j);
		cli_json_double(j, "card_time_tps", r->card_tps);
		cli_json_object_end(j);
	}
	if (r->bytes_per_token > 0 && r->peak_gbps > 0) {
		cli_json_object_begin(j, "roofline");
		cli_json_double(j, "bytes_per_token", r->bytes_per_token);
		cli_json_double(j, "peak_gbps", r->peak_gbps);
		cli_json_str(j, "peak_source", r->peak_source);
		cli_json_double(j, "achieved_gbps", r->achieved_gbps);
		cli_json_double(j, "bound_tps", r->bound_tps);
		cli_json_object_end(j);
	}
	cli_json_array_begin(j, "energy");
	bench_json_energy(j, &r->card);
	bench_json_energy(j, &r->host);
	cli_json_array_end(j);
	cli_json_object_begin(j, "ratio_to_first");
	cli_json_double(j, "decode_tps", r0->decode_tps > 0 ? r->decode_tps / r0->decode_tps : 0);
	cli_json_double(j, "prefill_tps", r0->prefill_tps > 0 ?
			r->prefill_tps / r0->prefill_tps : 0);
	cli_json_double(j, "ttft_ms", r0->ttft_ms > 0 ? r->ttft_ms / r0->ttft_ms : 0);
	cli_json_object_end(j);
	cli_json_object_end(j);
}

/* fopen for writing with the problem printed. */
static FILE *bench_open(const char *flag, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "fllm bench: %s: cannot write '%s': %s\n", flag, path,
			strerror(errno));
	return f;
}

/* fclose with the problem printed; 0 or -1. */
static int bench_close(const char *flag, const char *path, FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		fprintf(stderr, "fllm bench: %s: writing '%s' failed\n", flag, path);
		return -1;
	}
	return 0;
}

/* See bench.h. */
int bench_write_json(const char *path, const struct bench_opts *o,
		     const struct bench_machine *m, const fllm_model_info *mi,
		     const struct bench_result *r, int n)
{
	FILE *f = bench_open("--json", path);
	struct cli_json j;

	if (!f)
		return -1;
	cli_json_init(&j, f);
	cli_json_object_begin(&j, NULL);
	cli_json_str(&j, "tool", "fllm bench");
	cli_json_object_begin(&j, "machine");
	cli_json_str(&j, "cpu", m->cpu);
	cli_json_i64(&j, "cores", m->cores);
	cli_json_str(&j, "host_isa", m->isa);
	cli_json_object_end(&j);
	cli_json_object_begin(&j, "model");
	cli_json_str(&j, "path", o->model ? o->model : "(built-in synthetic)");
	cli_json_str(&j, "name", mi->name);
	cli_json_u64(&j, "n_params", mi->n_params);
	cli_json_u64(&j, "n_layers", mi->n_layers);
	cli_json_u64(&j, "dim", mi->dim);
	cli_json_object_end(&j);
	cli_json_object_begin(&j, "workload");
	cli_json_u64(&j, "prompt_len", o->prompt_len);
	cli_json_u64(&j, "gen", o->gen);
	cli_json_u64(&j, "batch", o->batch);
	cli_json_u64(&j, "repeat", o->repeat);
	cli_json_u64(&j, "threads", o->threads);
	cli_json_str(&j, "statistic", "median over repeats");
	cli_json_object_end(&j);
	cli_json_array_begin(&j, "devices");
	for (int i = 0; i < n; i++)
		bench_json_device(&j, &r[i], &r[0]);
	cli_json_array_end(&j);
	cli_json_object_end(&j);
	cli_json_end(&j);
	return bench_close("--json", path, f);
}

/* A CSV text field, quoted. */
static void bench_csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* An energy's four CSV fields: source, W, J/token, tokens/J (empty when
 * unavailable). */
static void bench_csv_energy(FILE *f, const struct bench_energy *e)
{
	fputc(',', f);
	bench_csv_str(f, e->avail ? e->source : "unavailable");
	if (!e->avail) {
		fputs(",,,", f);
		return;
	}
	fprintf(f, ",%.6g,%.6g,", e->avg_w, e->j_per_token);
	if (e->tokens_per_j > 0)
		fprintf(f, "%.6g", e->tokens_per_j);
}

/* See bench.h. */
int bench_write_csv(const char *path, const struct bench_result *r, int n)
{
	FILE *f = bench_open("--csv", path);
	char prec[96];

	if (!f)
		return -1;
	fputs("device,precision,prefill_tps,decode_tps,ttft_ms,p50_ms,p90_ms,p99_ms,"
	      "dma_bytes_per_token,mem_bytes_per_token,lutgemm_us,attention_us,vector_us,"
	      "host_us,card_time_tps,bytes_per_token,peak_gbps,achieved_gbps,bound_tps,"
	      "card_energy_source,card_avg_w,card_j_per_token,card_tokens_per_j,"
	      "host_energy_source,host_avg_w,host_j_per_token,host_tokens_per_j\n", f);
	for (int i = 0; i < n; i++) {
		bench_csv_str(f, r[i].device);
		fputc(',', f);
		bench_csv_str(f, bench_precision(&r[i], prec, sizeof(prec)));
		fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", r[i].prefill_tps, r[i].decode_tps,
			r[i].ttft_ms, r[i].lat_p50_ms, r[i].lat_p90_ms, r[i].lat_p99_ms);
		fprintf(f, ",%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g", r[i].dma_bytes, r[i].mem_bytes,
			r[i].lutgemm_us, r[i].attention_us, r[i].vector_us, r[i].host_us,
			r[i].card_tps);
		fprintf(f, ",%.6g,%.6g,%.6g,%.6g", r[i].bytes_per_token, r[i].peak_gbps,
			r[i].achieved_gbps, r[i].bound_tps);
		bench_csv_energy(f, &r[i].card);
		bench_csv_energy(f, &r[i].host);
		fputc('\n', f);
	}
	return bench_close("--csv", path, f);
}
