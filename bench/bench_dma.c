/*
 * bench_dma: DMA bandwidth through the runtime (host -> card and card -> host)
 * beside a memcpy baseline of the same sizes measured in the same run, and
 * the per-submit latency of a one-NOP command list. Every figure is the
 * median of several repeats.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "args.h"
#include "fllm/fllm.h"
#include "json.h"

struct bench_cfg {
	const char *device;
	uint64_t max_bytes;
	uint64_t repeats;
	uint64_t nop_iters;
	int json;
	int quick;
};

enum bench_dir { BENCH_H2C, BENCH_C2H, BENCH_MEMCPY };

/* Median seconds of cfg->repeats transfers of bytes in direction dir. */
static fllm_status bench_transfer(const struct bench_cfg *cfg, fllm_bo *bo, enum bench_dir dir,
				  unsigned char *host, unsigned char *peer, uint64_t bytes,
				  double *median)
{
	double t[64], t0;
	fllm_status st = FLLM_OK;
	uint64_t r;

	for (r = 0; r < cfg->repeats; r++) {
		t0 = bench_now();
		if (dir == BENCH_H2C)
			st = fllm_bo_write(bo, 0, host, bytes);
		else if (dir == BENCH_C2H)
			st = fllm_bo_read(bo, 0, host, bytes);
		else
			memcpy(peer, host, bytes);
		t[r] = bench_now() - t0;
		if (st != FLLM_OK)
			return st;
	}
	*median = bench_quantile(t, cfg->repeats, 0.5);
	return FLLM_OK;
}

/* One bandwidth line, text or JSON. */
static void bench_print_bw(const struct bench_cfg *cfg, const char *name, uint64_t bytes,
			   double secs, double base_secs)
{
	double gbps = (double)bytes / secs / 1e9, base = (double)bytes / base_secs / 1e9;

	if (cfg->json)
		printf("{\"bench\": \"%s\", \"device\": \"%s\", \"bytes\": %" PRIu64
		       ", \"gbps\": %.4f, \"baseline_gbps\": %.4f, \"ratio\": %.4f, "
		       "\"repeats\": %" PRIu64 "}\n",
		       name, cfg->device, bytes, gbps, base, gbps / base, cfg->repeats);
	else
		printf("%-8s %10" PRIu64 " %10.3f %12.3f %8.3f\n", name, bytes, gbps, base,
		       gbps / base);
}

/* Bandwidth for sizes 4 KiB .. max_bytes by 4x, each beside memcpy. */
static fllm_status bench_bandwidth(const struct bench_cfg *cfg, fllm_device *dev)
{
	unsigned char *host, *peer;
	double h2c, c2h, cpy;
	fllm_status st;
	uint64_t bytes;
	fllm_bo *bo;

	host = malloc(cfg->max_bytes);
	peer = malloc(cfg->max_bytes);
	if (!host || !peer) {
		st = FLLM_E_NO_MEMORY;
		goto err_free_host;
	}
	memset(host, 0xa5, cfg->max_bytes);	/* fault every page in before timing */
	memset(peer, 0x5a, cfg->max_bytes);
	st = fllm_bo_alloc(dev, cfg->max_bytes, NULL, &bo);
	if (st != FLLM_OK)
		goto err_free_host;
	if (!cfg->json)
		printf("\n%-8s %10s %10s %12s %8s\n", "bench", "bytes", "GB/s", "memcpy GB/s",
		       "ratio");
	for (bytes = 4096; bytes <= cfg->max_bytes; bytes *= 4) {
		st = bench_transfer(cfg, bo, BENCH_MEMCPY, host, peer, bytes, &cpy);
		if (st == FLLM_OK)
			st = bench_transfer(cfg, bo, BENCH_H2C, host, peer, bytes, &h2c);
		if (st == FLLM_OK)
			st = bench_transfer(cfg, bo, BENCH_C2H, host, peer, bytes, &c2h);
		if (st != FLLM_OK)
			goto err_free_bo;
		bench_print_bw(cfg, "dma_h2c", bytes, h2c, cpy);
		bench_print_bw(cfg, "dma_c2h", bytes, c2h, cpy);
	}
err_free_bo:
	fllm_bo_free(bo);
err_free_host:
	free(peer);
	free(host);
	return st;
}

/* Submit-to-completion time of a one-NOP list, nop_iters times. */
static fllm_status bench_nop_latency(const struct bench_cfg *cfg, fllm_device *dev)
{
	double *lat, t0, med, p99;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st;
	uint64_t i;

	lat = calloc(cfg->nop_iters, sizeof(*lat));
	if (!lat)
		return FLLM_E_NO_MEMORY;
	st = fllm_cmdlist_create(dev, &cl);
	if (st != FLLM_OK)
		goto err_free_lat;
	st = fllm_cmdlist_nop(cl);
	for (i = 0; st == FLLM_OK && i < cfg->nop_iters; i++) {
		t0 = bench_now();
		st = fllm_cmdlist_submit(cl, &ev);
		if (st != FLLM_OK)
			break;
		st = fllm_event_wait(ev, 5ull * 1000 * 1000 * 1000);
		lat[i] = bench_now() - t0;
		fllm_event_free(ev);
	}
	fllm_cmdlist_free(cl);
	if (st != FLLM_OK)
		goto err_free_lat;
	med = bench_quantile(lat, cfg->nop_iters, 0.5) * 1e6;
	p99 = bench_quantile(lat, cfg->nop_iters, 0.99) * 1e6;
	if (cfg->json)
		printf("{\"bench\": \"submit_nop\", \"device\": \"%s\", \"bytes\": 0, "
		       "\"gbps\": null, \"baseline_gbps\": null, \"ratio\": null, "
		       "\"iterations\": %" PRIu64 ", \"median_us\": %.3f, \"p99_us\": %.3f}\n",
		       cfg->device, cfg->nop_iters, med, p99);
	else
		printf("\nsubmit+wait of a 1-NOP list: median %.2f us, p99 %.2f us "
		       "(%" PRIu64 " submissions)\n", med, p99, cfg->nop_iters);
err_free_lat:
	free(lat);
	return st;
}

static void bench_print_header(const struct bench_cfg *cfg, const fllm_device_info *info)
{
	if (cfg->json) {
		bench_print_machine(1);
		printf(", \"device\": ");
		cli_json_write_string(stdout, cfg->device);
		printf(", \"backend\": \"%s\", \"repeats\": %" PRIu64 ", \"max_bytes\": %" PRIu64
		       ", \"quick\": %s}\n",
		       info->backend, cfg->repeats, cfg->max_bytes, cfg->quick ? "true" : "false");
		return;
	}
	printf("bench_dma: runtime DMA bandwidth vs memcpy, NOP submit latency\n");
	bench_print_machine(0);
	printf("device    %s (backend %s, %u channels, clock %u kHz)\n", cfg->device,
	       info->backend, info->mem_channels, info->clock_khz);
	printf("settings  sizes 4 KiB..%" PRIu64 " KiB by 4x, median of %" PRIu64
	       " repeats; %" PRIu64 " NOP submissions%s\n",
	       cfg->max_bytes / 1024, cfg->repeats, cfg->nop_iters, cfg->quick ? " (quick)" : "");
}

int main(int argc, char **argv)
{
	static const char synopsis[] =
		"[--device D] [--max SIZE] [--repeats N] [--nops N] [--quick] [--json]";
	struct bench_cfg cfg = { "emu:0", 64ull << 20, 5, 2000, 0, 0 };
	uint64_t max_set = 0, rep_set = 0, nop_set = 0;
	fllm_device_info info;
	fllm_device *dev;
	fllm_status st;
	int npos, rc;
	struct cli_opt opts[] = {
		{ "--device", CLI_OPT_STRING, &cfg.device, "D", "device (default emu:0)", 0, 0 },
		{ "--max", CLI_OPT_SIZE, &max_set, "SIZE", "largest transfer, 4K..1G (64M)", 4096,
		  1ull << 30 },
		{ "--repeats", CLI_OPT_U64, &rep_set, "N", "repeats per size, 1..64 (5)", 1, 64 },
		{ "--nops", CLI_OPT_U64, &nop_set, "N", "NOP submissions, 1..1000000 (2000)", 1,
		  1000000 },
		{ "--quick", CLI_OPT_FLAG, &cfg.quick, NULL, "smoke run: 1 MiB, 3 repeats, 50 NOPs",
		  0, 0 },
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "one JSON object per line", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis,
			      "DMA bandwidth and submit latency through the runtime.");
	if (rc >= 0)
		return rc;
	if (cfg.quick) {
		cfg.max_bytes = 1 << 20;
		cfg.repeats = 3;
		cfg.nop_iters = 50;
	}
	cfg.max_bytes = max_set ? max_set : cfg.max_bytes;
	cfg.repeats = rep_set ? rep_set : cfg.repeats;
	cfg.nop_iters = nop_set ? nop_set : cfg.nop_iters;

	st = fllm_device_open(cfg.device, &dev);
	if (st != FLLM_OK) {
		fprintf(stderr, "bench_dma: cannot open %s: %s\n", cfg.device,
			fllm_status_str(st));
		return 3;
	}
	st = fllm_device_info_get(dev, &info);
	if (st == FLLM_OK) {
		bench_print_header(&cfg, &info);
		st = bench_bandwidth(&cfg, dev);
	}
	if (st == FLLM_OK)
		st = bench_nop_latency(&cfg, dev);
	fllm_device_close(dev);
	if (st != FLLM_OK) {
		fprintf(stderr, "bench_dma: %s\n", fllm_status_str(st));
		return 1;
	}
	return 0;
}
