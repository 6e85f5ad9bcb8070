/*
 * bench_rtl: the RTL LUT-GEMM unit (sim/rtl, Verilated) on GEMV shapes, with
 * its AXI ports behind the HBM channel model of the reference card (300 MHz,
 * 14.375 GB/s per pseudo-channel unless told otherwise). For each shape it
 * prints the unit's cycle count, the bytes its engine ports read, and the
 * ratio of the busiest port's bytes per cycle to the port's peak; baselines
 * from the same run: the port-bound ideal (bytes / peak), the hls cycle
 * model (hls/lutgemm_cycles.c) and the simulation speed. Cycle counts are
 * deterministic (one run each); wall times are medians of the runs done.
 * Then it projects Llama-2-7B decode tokens/s from the measured cycles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "args.h"
#include "json.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm_unit.h"
#include "fllm_rtl.h"

#define LLAMA_LAYERS	32u
#define LLAMA_VOCAB	32000u

struct bench_cfg {
	uint64_t clock_khz, chan_mbps, latency, outstanding;
	int json, quick, lm_head;
};

struct shape {
	uint32_t m, k, q, slices;
};

/* What one shape measured. */
struct result {
	struct shape s;
	uint64_t cycles, model_cycles;
	uint64_t bytes;			/* all engine ports */
	uint64_t weight_bytes;		/* row records of the matrix */
	uint64_t port_bytes;		/* the busiest port */
	uint64_t stream_cycles;		/* its first to last beat */
	uint64_t write_beats;		/* output beats, all ports */
	uint64_t first_beat;		/* start to the first read beat of any port */
	uint64_t tail;			/* the last read beat of any port to done */
	double sim_s;
};

/* xorshift fill: record contents do not change the unit's timing. */
static void fill_random(uint8_t *p, uint64_t len, uint64_t seed)
{
	uint64_t x = seed | 1;

	for (uint64_t i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

/* Lay out one GEMV (block at 0, activations, outputs, slices) and run it on u. */
static int run_shape(struct fllm_rtl_unit *u, const struct shape *s, struct result *r)
{
	struct fllm_lutgemm_params p;
	struct fllm_rtl_stats st;
	uint64_t top, mem_bytes, arg[FLLM_RTL_ARGS], result = 0;
	uint16_t status = 0;
	uint8_t *mem;
	double t0;
	int rc;

	if (fllm_lutgemm_params_init(&p, s->m, s->k, 128, s->q, FLLM_LUTGEMM_F_OFFSET, 1,
				     s->slices) != FLLM_CARD_OK)
		return -1;
	top = 4096;
	p.act_addr = top;
	top += fllm_lutgemm_align(p.act_stride);
	p.out_addr = top;
	top += fllm_lutgemm_align(p.out_stride);
	for (uint32_t i = 0; i < s->slices; i++) {
		p.slice_addr[i] = top;
		top += fllm_lutgemm_align(fllm_lutgemm_slice_bytes(&p, i));
	}
	mem_bytes = top;
	mem = malloc(mem_bytes);
	if (!mem)
		return -1;
	fill_random(mem, mem_bytes, (uint64_t)s->m * s->k + s->q);
	memcpy(mem, &p, sizeof(p));
	t0 = bench_now();
	fllm_rtl_cu_arg(arg, 0, sizeof(p));
	rc = fllm_rtl_unit_run(u, mem, mem_bytes, arg, 1ull << 40, &status, &result, &st);
	r->sim_s = bench_now() - t0;
	free(mem);
	if (rc || status) {
		fprintf(stderr, "bench_rtl: %ux%u q%u: run %d, status %u\n", s->m, s->k, s->q, rc,
			status);
		return -1;
	}
	r->s = *s;
	r->cycles = st.cycles;
	r->model_cycles = fllm_lutgemm_cycles(&p);
	r->bytes = st.read_bytes;
	r->weight_bytes = (uint64_t)s->m * p.row_bytes;
	r->write_beats = st.write_beats;
	r->port_bytes = 0;
	r->first_beat = UINT64_MAX;
	r->tail = st.cycles;
	for (uint32_t e = 0; e < st.ports; e++) {
		if (st.port_read_bytes[e] && st.port_first_beat[e] < r->first_beat)
			r->first_beat = st.port_first_beat[e];
		if (st.port_read_bytes[e] && st.cycles - st.port_last_beat[e] < r->tail)
			r->tail = st.cycles - st.port_last_beat[e];
		if (st.port_read_bytes[e] > r->port_bytes) {
			r->port_bytes = st.port_read_bytes[e];
			r->stream_cycles = st.port_last_beat[e] - st.port_first_beat[e] + 1;
		}
	}
	return 0;
}

static void print_result(const struct bench_cfg *cfg, const struct result *r, double peak,
			 int last)
{
	double bpc = (double)r->port_bytes / (double)r->cycles;
	double ideal = (double)r->port_bytes / peak;

	if (cfg->json) {
		printf("    {\"m\": %u, \"k\": %u, \"g\": 128, \"q\": %u, \"n\": 1, "
		       "\"slices\": %u, \"cycles\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"weight_bytes\": %"
		       PRIu64 ", \"bytes_per_cycle\": %.3f, \"port_bytes\": %" PRIu64
		       ", \"port_bytes_per_cycle\": %.3f, \"port_peak_bytes_per_cycle\": %.3f, "
		       "\"ratio_to_port_peak\": %.4f, \"ratio_to_port_peak_streaming\": %.4f, "
		       "\"ideal_cycles\": %.0f, \"hls_model_cycles\": %" PRIu64
		       ", \"write_beats\": %" PRIu64 ", \"first_beat_cycles\": %" PRIu64
		       ", \"tail_cycles\": %" PRIu64 ", \"sim_seconds\": %.3f, "
		       "\"sim_cycles_per_second\": %.0f}%s\n",
		       r->s.m, r->s.k, r->s.q, r->s.slices, r->cycles, r->bytes, r->weight_bytes,
		       (double)r->bytes / (double)r->cycles, r->port_bytes, bpc, peak, bpc / peak,
		       (double)r->port_bytes / (double)r->stream_cycles / peak, ideal,
		       r->model_cycles, r->write_beats, r->first_beat, r->tail, r->sim_s,
		       (double)r->cycles / r->sim_s,
		       last ? "" : ",");
		return;
	}
	printf("%5ux%-5u q%u slices %2u: %8" PRIu64 " cycles, %10" PRIu64 " B, busiest port "
	       "%6.2f B/cycle = %.3f of peak (streaming %.3f); ideal %.0f, hls model %" PRIu64
	       "; first beat at %" PRIu64 ", %" PRIu64 " after the last; sim %.2f s (%.0f "
	       "cycles/s)\n", r->s.m, r->s.k, r->s.q, r->s.slices, r->cycles, r->bytes, bpc,
	       bpc / peak, (double)r->port_bytes / (double)r->stream_cycles / peak, ideal,
	       r->model_cycles, r->first_beat, r->tail, r->sim_s, (double)r->cycles / r->sim_s);
}

/* Find the result of shape (m, k, q) among n; NULL if it was not run. */
static const struct result *find(const struct result *rs, int n, uint32_t m, uint32_t k,
				 uint32_t q)
{
	for (int i = 0; i < n; i++)
		if (rs[i].s.m == m && rs[i].s.k == k && rs[i].s.q == q && rs[i].s.slices == 32)
			return &rs[i];
	return NULL;
}

/*
 * Llama-2-7B decode from the measured GEMV cycles: per layer q, k, v, o
 * (4096x4096), gate and up (11008x4096), down (4096x11008); 32 layers; the
 * output head (32000x4096) measured when --lm-head, else scaled from
 * 11008x4096 by rows (same K). Weight GEMVs only: attention, the vector
 * unit's work and host round trips are not in it.
 */
static void project(const struct bench_cfg *cfg, const struct result *rs, int n, uint32_t q)
{
	const struct result *a = find(rs, n, 4096, 4096, q), *b = find(rs, n, 11008, 4096, q);
	const struct result *c = find(rs, n, 4096, 11008, q);
	const struct result *h = find(rs, n, LLAMA_VOCAB, 4096, q);
	double layer, head, head_bytes, cycles, bytes, tps, roof;
	double hbm = 32.0 * (double)cfg->chan_mbps * 1e6;

	if (!a || !b || !c)
		return;
	layer = 4.0 * a->cycles + 2.0 * b->cycles + c->cycles;
	head = h ? (double)h->cycles : (double)b->cycles * LLAMA_VOCAB / 11008.0;
	head_bytes = h ? (double)h->weight_bytes : (double)b->weight_bytes * LLAMA_VOCAB / 11008.0;
	cycles = LLAMA_LAYERS * layer + head;
	bytes = LLAMA_LAYERS * (4.0 * a->weight_bytes + 2.0 * b->weight_bytes + c->weight_bytes) +
		head_bytes;
	tps = cfg->clock_khz * 1000.0 / cycles;
	roof = hbm / bytes;
	if (cfg->json)
		printf("    {\"model\": \"llama-2-7b\", \"q\": %u, \"g\": 128, "
		       "\"weight_bytes\": %.0f, \"cycles_per_token\": %.0f, \"tokens_per_second\": %.2f, "
		       "\"hbm_roofline_tokens_per_second\": %.2f, \"ratio_to_roofline\": %.4f, "
		       "\"lm_head\": \"%s\"}", q, bytes, cycles, tps, roof, tps / roof,
		       h ? "measured" : "scaled from 11008x4096");
	else
		printf("Llama-2-7B q%u g128: %.2f GB of weights, %.0f cycles/token -> %.1f "
		       "tokens/s at %.0f MHz; HBM roofline %.1f tokens/s (%.3f of it); lm_head %s\n", q,
		       bytes / 1e9, cycles, tps, cfg->clock_khz / 1000.0, roof, tps / roof,
		       h ? "measured" : "scaled from 11008x4096");
}

int main(int argc, char **argv)
{
	struct bench_cfg cfg = { 300000, 14375, 64, 16, 0, 0, 0 };
	const struct cli_opt opts[] = {
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "print JSON", 0, 0 },
		{ "--quick", CLI_OPT_FLAG, &cfg.quick, NULL, "1024x1024 only (a smoke run)", 0, 0 },
		{ "--lm-head", CLI_OPT_FLAG, &cfg.lm_head, NULL,
		  "also simulate the 32000x4096 output head", 0, 0 },
		{ "--clock-khz", CLI_OPT_U64, &cfg.clock_khz, "KHZ", "kernel clock",
		  1000, 2000000 },
		{ "--chan-mbps", CLI_OPT_U64, &cfg.chan_mbps, "MBPS", "peak of one channel",
		  1, 1000000 },
		{ "--latency", CLI_OPT_U64, &cfg.latency, "CYCLES", "channel latency", 0, 100000 },
		{ "--outstanding", CLI_OPT_U64, &cfg.outstanding, "N", "bursts in flight per port",
		  1, 256 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};
	struct shape shapes[16];
	struct result rs[16];
	struct fllm_rtl_timing t;
	struct fllm_rtl_unit *u;
	const char *why = fllm_rtl_unavailable();
	int npos = 0, ns = 0, nr = 0, rc;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, "[--json] [--quick] ...",
			      "RTL LUT-GEMM unit on GEMV shapes against its ports' peak");
	if (rc >= 0)
		return rc;
	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	fllm_rtl_timing_hbm(&t, (uint32_t)cfg.clock_khz, (uint32_t)cfg.chan_mbps);
	t.latency = (uint32_t)cfg.latency;
	t.max_outstanding = (uint32_t)cfg.outstanding;
	if (fllm_rtl_unit_create(FLLM_CU_LUTGEMM, &t, &u)) {
		fprintf(stderr, "bench_rtl: cannot create the RTL unit\n");
		return 1;
	}
	shapes[ns++] = (struct shape){ 1024, 1024, 4, 32 };
	shapes[ns++] = (struct shape){ 1024, 1024, 4, 1 };
	if (!cfg.quick) {
		for (uint32_t q = 3; q <= 4; q++) {
			if (q == 3)
				shapes[ns++] = (struct shape){ 1024, 1024, 3, 32 };
			shapes[ns++] = (struct shape){ 4096, 4096, q, 32 };
			shapes[ns++] = (struct shape){ 11008, 4096, q, 32 };
			shapes[ns++] = (struct shape){ 4096, 11008, q, 32 };
			if (cfg.lm_head)
				shapes[ns++] = (struct shape){ LLAMA_VOCAB, 4096, q, 32 };
		}
	}
	if (cfg.json) {
		char cpu[256], simd[160];

		bench_cpuinfo("model name", cpu, sizeof(cpu));
		bench_simd(simd, sizeof(simd));
		printf("{\n  \"bench\": \"rtl\", \"cpu\": ");
		cli_json_write_string(stdout, cpu);
		printf(", \"simd\": ");
		cli_json_write_string(stdout, simd);
		printf(", \"engines\": %u, \"clock_khz\": %" PRIu64
		       ", \"chan_mbps\": %" PRIu64 ", \"latency\": %u, \"outstanding\": %u, "
		       "\"n\": 1, \"g\": 128,\n  \"shapes\": [\n", FLLM_RTL_PORTS_MAX,
		       cfg.clock_khz, cfg.chan_mbps, t.latency, t.max_outstanding);
	} else {
		bench_print_machine(0);
		printf("RTL LUT-GEMM unit, %u engines; channel %.2f B/cycle (%" PRIu64 " MB/s at "
		       "%" PRIu64 " kHz), latency %u, %u bursts in flight; N = 1, g = 128\n",
		       FLLM_RTL_PORTS_MAX, t.bytes_per_cycle, cfg.chan_mbps, cfg.clock_khz,
		       t.latency, t.max_outstanding);
	}
	for (int i = 0; i < ns; i++) {
		if (run_shape(u, &shapes[i], &rs[nr]))
			continue;
		print_result(&cfg, &rs[nr], t.bytes_per_cycle, i == ns - 1);
		nr++;
		fflush(stdout);
	}
	if (cfg.json)
		printf("  ],\n  \"projection\": [\n");
	project(&cfg, rs, nr, 3);
	if (cfg.json && find(rs, nr, 4096, 4096, 3))
		printf(",\n");
	project(&cfg, rs, nr, 4);
	if (cfg.json)
		printf("\n  ]\n}\n");
	fllm_rtl_unit_destroy(u);
	return nr == ns ? 0 : 1;
}
