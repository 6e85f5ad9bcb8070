/*
 * quant_bench: wall time of fllm_bcq_quantize on a random weight-like
 * matrix, for docs/quantization.md. Runs the requested thread count and a
 * 1-thread baseline in the same process, prints both, the speed-up, and
 * whether the two results are bit-identical.
 *
 *   quant_bench [rows cols q g threads iterations]   (default 4096 4096 3 128 2 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fllm_bcq.h"
#include "quant_rng.h"

/* Monotonic seconds. */
static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Quantize w (rows, cols) with opt at `threads`; returns seconds, or -1 on failure. */
static double bench_run(const float *w, uint32_t rows, uint32_t cols, fllm_bcq_options opt,
			uint32_t threads, fllm_bcq **m, fllm_bcq_stats *stats)
{
	double t0;
	fllm_status st;

	opt.threads = threads;
	t0 = bench_now();
	st = fllm_bcq_quantize(w, rows, cols, &opt, m, stats);
	if (st) {
		fprintf(stderr, "quant_bench: quantize failed: %d\n", (int)st);
		return -1.0;
	}
	return bench_now() - t0;
}

/* 1 when a and b hold the same numbers bit for bit. */
static int bench_same(const fllm_bcq *a, const fllm_bcq *b)
{
	size_t groups = (size_t)a->rows * a->groups;

	return !memcmp(a->alpha, b->alpha, groups * a->planes * sizeof(float)) &&
	       !memcmp(a->offset, b->offset, groups * sizeof(float)) &&
	       !memcmp(a->bits, b->bits, (size_t)a->rows * a->planes * a->row_bytes);
}

/* Time the 1-thread baseline and the requested thread count on one random matrix. */
int main(int argc, char **argv)
{
	uint32_t a[6] = { 4096, 4096, 3, 128, 2, 20 };
	struct quant_rng rng = { 12345 };
	fllm_bcq_options opt;
	fllm_bcq_stats stats;
	fllm_bcq *m1 = NULL, *mn = NULL;
	double t1, tn;
	size_t n;
	float *w;
	int rc = 1;

	for (int i = 1; i < argc && i <= 6; i++)
		a[i - 1] = (uint32_t)strtoul(argv[i], NULL, 10);
	n = (size_t)a[0] * a[1];
	w = malloc(n * sizeof(float));	/* (rows, cols) */
	if (!w)
		return 1;
	quant_rng_fill(&rng, w, n, 0.02f);
	fllm_bcq_options_init(&opt);
	opt.planes = a[2];
	opt.group = a[3];
	opt.iterations = a[5];
	t1 = bench_run(w, a[0], a[1], opt, 1, &m1, &stats);
	tn = bench_run(w, a[0], a[1], opt, a[4], &mn, &stats);
	if (t1 < 0 || tn < 0)
		goto out;
	printf("%u x %u, q=%u, g=%u, %u ALS rounds, %ld online CPUs\n", a[0], a[1], a[2], a[3],
	       a[5], sysconf(_SC_NPROCESSORS_ONLN));
	printf("  1 thread:  %.2f s (%.1f Mweights/s)\n", t1, (double)n / t1 * 1e-6);
	printf("  %u threads: %.2f s (%.1f Mweights/s), speed-up %.2fx, bit-identical: %s\n",
	       a[4], tn, (double)n / tn * 1e-6, t1 / tn, bench_same(m1, mn) ? "yes" : "NO");
	printf("  rel error %.4f, uniform start won %.1f%% of groups (%.1f%% ties)\n",
	       stats.norm2 > 0 ? __builtin_sqrt(stats.sse / stats.norm2) : 0.0,
	       100.0 * (double)stats.wins[1] / (double)stats.groups,
	       100.0 * (double)stats.ties / (double)stats.groups);
	rc = 0;
out:
	fllm_bcq_free(m1);
	fllm_bcq_free(mn);
	free(w);
	return rc;
}
