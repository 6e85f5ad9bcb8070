/*
 * fllm bench: one workload (prompt of P tokens, N greedy decode steps, B
 * sequences together, R repeats) on each --device in turn, with speed,
 * latency, traffic and energy figures; every energy figure carries the name
 * of its source, and a figure whose source is unavailable is not printed.
 */
#ifndef FLLM_CLI_BENCH_H
#define FLLM_CLI_BENCH_H

#include <stdint.h>
#include <stdio.h>

#include "fllm/fllm_model.h"
#include "rapl.h"

#define BENCH_DEVICES_MAX 8
#define BENCH_REPEATS_MAX 100

struct bench_opts {
	const char *model, *tokenizer;
	const char *devices[BENCH_DEVICES_MAX];
	int n_devices;
	uint64_t prompt_len, gen, batch, repeat, threads, bits, group;
	uint64_t probe_bytes;		/* host bandwidth probe (0: off) */
	const char *json, *csv, *plot;
	const char *rapl_root;		/* powercap tree */
};

/* One energy figure and where it came from; avail 0: unavailable (why). */
struct bench_energy {
	int avail;
	const char *source;		/* "card model projection (...)", "RAPL ..." */
	const char *scope;		/* what was measured: "card", "host CPU package" */
	char why[256];			/* when unavailable (a copy: the meter's goes) */
	double idle_w;			/* < 0: unknown */
	double avg_w;			/* over the decode window */
	double decode_j;		/* decode window, every repeat */
	double j_per_token;
	double tokens_per_j;		/* 0 when the energy was 0 */
	double interval_s;		/* sampling interval */
	double window_s;		/* length of the measured windows together */
};

/* What one device measured; rates and latencies are medians over repeats. */
struct bench_result {
	const char *device;
	int on_card;
	uint32_t bits, group;
	double prefill_tps, decode_tps, ttft_ms;
	double lat_p50_ms, lat_p90_ms, lat_p99_ms;	/* one decode step */
	uint64_t tokens;			/* decoded, every repeat */
	double decode_s;			/* every repeat */
	/* per decoded token, from the card's counters (on_card only) */
	double dma_bytes, mem_bytes, weight_bytes;
	double lutgemm_us, attention_us, vector_us, host_us;
	double card_tps;			/* tokens per second of card time */
	/* memory-bound ceiling: bytes per token and the bandwidth that bounds it */
	double bytes_per_token, peak_gbps, achieved_gbps, bound_tps;
	const char *peak_source;
	struct bench_energy card, host;
};

/* Machine facts printed with every result. */
struct bench_machine {
	char cpu[128];
	long cores;
	const char *isa;
};

/* Run the workload on device dev; prints progress on stderr when it is a
 * terminal. Returns -1 on success, else the exit status (message printed). */
int bench_device(const struct bench_opts *o, const fllm_model *model, const int32_t *prompt,
		 const char *dev, double host_gbps, struct bench_result *r);

/* Bytes per second of streaming reads over a buffer of `bytes`; 0 when it
 * cannot be allocated. */
double bench_host_gbps(uint64_t bytes);

void bench_machine_get(struct bench_machine *m);

/* Side-by-side table on f, ratios against the first device. */
void bench_print_table(FILE *f, const struct bench_opts *o, const struct bench_machine *m,
		       const struct bench_result *r, int n);
/* Files; 0 on success, else -1 with the problem printed. */
int bench_write_json(const char *path, const struct bench_opts *o,
		     const struct bench_machine *m, const fllm_model_info *mi,
		     const struct bench_result *r, int n);
int bench_write_csv(const char *path, const struct bench_result *r, int n);
/* title heads the chart. */
int bench_write_plot(const char *path, const char *title, const struct bench_result *r, int n);
/* 0 when gnuplot can be run, else -1. */
int bench_plot_check(void);

/* Progress bar on stderr when it is a terminal: done of total steps. */
void bench_progress(const char *dev, uint64_t done, uint64_t total);

#endif /* FLLM_CLI_BENCH_H */
