/*
 * bench_kmd: the kernel-driver path (kmd backend -> fllm.ko -> card) beside
 * the in-process emulated card (emu backend), both measured in the same run
 * on the same machine: DMA bandwidth over transfer sizes in both directions
 * and the submit-to-completion latency of a one-NOP list. Every figure is a
 * median; ratios are kmd / emu. Meant to run inside the VM rig (the card
 * model then lives on the host, behind ivshmem), so absolute numbers are
 * those of TCG emulation, not of hardware: see docs/vm-rig.md.
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

#define BENCH_MAX_REPEATS 64

struct bench_cfg {
	const char *device;	/* the kmd card */
	const char *baseline;	/* the emulated card */
	uint64_t max_bytes;
	uint64_t repeats;
	uint64_t nops;
	int json;
	int quick;
};

/* One device under test and what was measured on it. */
struct bench_side {
	const char *name;
	fllm_device *dev;
	fllm_bo *bo;		/* (max_bytes) card memory */
};

/* Median seconds of repeats transfers of bytes (write when h2c, else read). */
static fllm_status bench_xfer(const struct bench_cfg *cfg, fllm_bo *bo, int h2c,
			      unsigned char *host, uint64_t bytes, double *median)
{
	double t[BENCH_MAX_REPEATS], t0;
	fllm_status st;

	for (uint64_t r = 0; r < cfg->repeats; r++) {
		t0 = bench_now();
		st = h2c ? fllm_bo_write(bo, 0, host, bytes) : fllm_bo_read(bo, 0, host, bytes);
		t[r] = bench_now() - t0;
		if (st != FLLM_OK)
			return st;
	}
	*median = bench_quantile(t, cfg->repeats, 0.5);
	return FLLM_OK;
}

/* Median and p99 microseconds of nops submit+wait round trips of a 1-NOP list. */
static fllm_status bench_nop(const struct bench_cfg *cfg, fllm_device *dev, double *med,
			     double *p99)
{
	double *lat = calloc(cfg->nops, sizeof(*lat)), t0;
	fllm_cmdlist *cl;
	fllm_event *ev;
	fllm_status st;

	if (!lat)
		return FLLM_E_NO_MEMORY;
	st = fllm_cmdlist_create(dev, &cl);
	if (st != FLLM_OK)
		goto out_free;
	st = fllm_cmdlist_nop(cl);
	for (uint64_t i = 0; st == FLLM_OK && i < cfg->nops; i++) {
		t0 = bench_now();
		st = fllm_cmdlist_submit(cl, &ev);
		if (st != FLLM_OK)
			break;
		st = fllm_event_wait(ev, 5000000000ull);
		lat[i] = bench_now() - t0;
		fllm_event_free(ev);
	}
	fllm_cmdlist_free(cl);
	if (st == FLLM_OK) {
		*med = bench_quantile(lat, cfg->nops, 0.5) * 1e6;
		*p99 = bench_quantile(lat, cfg->nops, 0.99) * 1e6;
	}
out_free:
	free(lat);
	return st;
}

/* One bandwidth result: text row or JSON line. */
static void bench_print_bw(const struct bench_cfg *cfg, const char *dir, uint64_t bytes,
			   double kmd_s, double emu_s)
{
	double kmd = (double)bytes / kmd_s / 1e9, emu = (double)bytes / emu_s / 1e9;

	if (cfg->json)
		printf("{\"bench\": \"dma_%s\", \"device\": \"%s\", \"baseline\": \"%s\", "
		       "\"bytes\": %" PRIu64 ", \"gbps\": %.4f, \"baseline_gbps\": %.4f, "
		       "\"ratio\": %.4f, \"repeats\": %" PRIu64 "}\n",
		       dir, cfg->device, cfg->baseline, bytes, kmd, emu, kmd / emu, cfg->repeats);
	else
		printf("dma_%s %10" PRIu64 " %10.3f %10.3f %8.3f\n", dir, bytes, kmd, emu,
		       kmd / emu);
}

/* Bandwidth for 4 KiB .. max_bytes by 4x on both sides, interleaved per size. */
static fllm_status bench_bandwidth(const struct bench_cfg *cfg, struct bench_side *kmd,
				   struct bench_side *emu)
{
	unsigned char *host = malloc(cfg->max_bytes);
	double k[2], e[2];
	fllm_status st = FLLM_OK;

	if (!host)
		return FLLM_E_NO_MEMORY;
	memset(host, 0xa5, cfg->max_bytes);	/* fault every page in before timing */
	if (!cfg->json)
		printf("\n%-7s %10s %10s %10s %8s\n", "bench", "bytes", "kmd GB/s", "emu GB/s",
		       "kmd/emu");
	for (uint64_t bytes = 4096; st == FLLM_OK && bytes <= cfg->max_bytes; bytes *= 4) {
		for (int h2c = 1; st == FLLM_OK && h2c >= 0; h2c--) {
			st = bench_xfer(cfg, kmd->bo, h2c, host, bytes, &k[h2c]);
			if (st == FLLM_OK)
				st = bench_xfer(cfg, emu->bo, h2c, host, bytes, &e[h2c]);
		}
		if (st == FLLM_OK) {
			bench_print_bw(cfg, "h2c", bytes, k[1], e[1]);
			bench_print_bw(cfg, "c2h", bytes, k[0], e[0]);
		}
	}
	free(host);
	return st;
}

/* NOP latency on both sides. */
static fllm_status bench_latency(const struct bench_cfg *cfg, struct bench_side *kmd,
				 struct bench_side *emu)
{
	double km, kp, em, ep;
	fllm_status st;

	st = bench_nop(cfg, kmd->dev, &km, &kp);
	if (st == FLLM_OK)
		st = bench_nop(cfg, emu->dev, &em, &ep);
	if (st != FLLM_OK)
		return st;
	if (cfg->json)
		printf("{\"bench\": \"submit_nop\", \"device\": \"%s\", \"baseline\": \"%s\", "
		       "\"iterations\": %" PRIu64 ", \"median_us\": %.3f, \"p99_us\": %.3f, "
		       "\"baseline_median_us\": %.3f, \"baseline_p99_us\": %.3f, "
		       "\"ratio\": %.4f}\n",
		       cfg->device, cfg->baseline, cfg->nops, km, kp, em, ep, km / em);
	else
		printf("\nsubmit+wait of a 1-NOP list (%" PRIu64 " each): kmd median %.1f us "
		       "(p99 %.1f), emu median %.1f us (p99 %.1f), kmd/emu %.2f\n",
		       cfg->nops, km, kp, em, ep, km / em);
	return FLLM_OK;
}

/* Open a side and give it a BO of max_bytes. */
static fllm_status bench_open(const struct bench_cfg *cfg, struct bench_side *s)
{
	fllm_status st = fllm_device_open(s->name, &s->dev);

	if (st != FLLM_OK) {
		fprintf(stderr, "bench_kmd: cannot open %s: %s\n", s->name, fllm_status_str(st));
		return st;
	}
	st = fllm_bo_alloc(s->dev, cfg->max_bytes, NULL, &s->bo);
	if (st != FLLM_OK) {
		fprintf(stderr, "bench_kmd: %s: %s\n", s->name, fllm_status_str(st));
		fllm_device_close(s->dev);
		s->dev = NULL;
	}
	return st;
}

/* Free the side's BO and close its device. */
static void bench_close(struct bench_side *s)
{
	fllm_bo_free(s->bo);
	fllm_device_close(s->dev);
}

/* What runs where, with which settings. */
static void bench_header(const struct bench_cfg *cfg)
{
	if (cfg->json) {
		bench_print_machine(1);
		printf(", \"device\": ");
		cli_json_write_string(stdout, cfg->device);
		printf(", \"baseline\": ");
		cli_json_write_string(stdout, cfg->baseline);
		printf(", \"repeats\": %" PRIu64 ", \"max_bytes\": %" PRIu64
		       ", \"nops\": %" PRIu64 ", \"quick\": %s}\n",
		       cfg->repeats, cfg->max_bytes, cfg->nops, cfg->quick ? "true" : "false");
		return;
	}
	printf("bench_kmd: %s (kernel driver) against %s (in process)\n", cfg->device,
	       cfg->baseline);
	bench_print_machine(0);
	printf("settings  sizes 4 KiB..%" PRIu64 " KiB by 4x, median of %" PRIu64
	       " repeats; %" PRIu64 " NOP submissions%s\n",
	       cfg->max_bytes / 1024, cfg->repeats, cfg->nops, cfg->quick ? " (quick)" : "");
}

/* Parse flags, open both sides, measure, print. */
int main(int argc, char **argv)
{
	static const char synopsis[] = "[--device D] [--baseline D] [--max SIZE] [--repeats N] "
				       "[--nops N] [--quick] [--json]";
	struct bench_cfg cfg = { "kmd:0", "emu:0,mem=1G,channels=8", 16ull << 20, 5, 1000, 0, 0 };
	struct bench_side kmd = { 0 }, emu = { 0 };
	uint64_t max_set = 0, rep_set = 0, nop_set = 0;
	fllm_status st;
	int npos, rc;
	struct cli_opt opts[] = {
		{ "--device", CLI_OPT_STRING, &cfg.device, "D", "kernel-driver card (kmd:0)", 0,
		  0 },
		{ "--baseline", CLI_OPT_STRING, &cfg.baseline, "D",
		  "baseline card (emu:0,mem=1G,channels=8)", 0, 0 },
		{ "--max", CLI_OPT_SIZE, &max_set, "SIZE", "largest transfer, 4K..256M (16M)",
		  4096, 256ull << 20 },
		{ "--repeats", CLI_OPT_U64, &rep_set, "N", "repeats per size, 1..64 (5)", 1,
		  BENCH_MAX_REPEATS },
		{ "--nops", CLI_OPT_U64, &nop_set, "N", "NOP submissions, 1..100000 (1000)", 1,
		  100000 },
		{ "--quick", CLI_OPT_FLAG, &cfg.quick, NULL, "smoke run: 256 KiB, 3 repeats, 50 NOPs",
		  0, 0 },
		{ "--json", CLI_OPT_FLAG, &cfg.json, NULL, "one JSON object per line", 0, 0 },
		{ NULL, CLI_OPT_FLAG, NULL, NULL, NULL, 0, 0 },
	};

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, synopsis,
			      "DMA bandwidth and submit latency: kernel driver vs in-process card.");
	if (rc >= 0)
		return rc;
	if (cfg.quick) {
		cfg.max_bytes = 256 << 10;
		cfg.repeats = 3;
		cfg.nops = 50;
	}
	cfg.max_bytes = max_set ? max_set : cfg.max_bytes;
	cfg.repeats = rep_set ? rep_set : cfg.repeats;
	cfg.nops = nop_set ? nop_set : cfg.nops;
	kmd.name = cfg.device;
	emu.name = cfg.baseline;
	if (bench_open(&cfg, &kmd) != FLLM_OK)
		return 3;
	if (bench_open(&cfg, &emu) != FLLM_OK) {
		bench_close(&kmd);
		return 3;
	}
	bench_header(&cfg);
	st = bench_bandwidth(&cfg, &kmd, &emu);
	if (st == FLLM_OK)
		st = bench_latency(&cfg, &kmd, &emu);
	bench_close(&emu);
	bench_close(&kmd);
	if (st != FLLM_OK) {
		fprintf(stderr, "bench_kmd: %s\n", fllm_status_str(st));
		return 1;
	}
	return 0;
}
