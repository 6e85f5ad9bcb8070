/* The machine fllm bench reports, and its host memory bandwidth probe. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "fllm/fllm.h"
#include "measure.h"

#define BENCH_PROBE_PASSES 3

/* See bench.h. */
void bench_machine_get(struct bench_machine *m)
{
	bench_cpuinfo("model name", m->cpu, sizeof(m->cpu));
	m->cores = sysconf(_SC_NPROCESSORS_ONLN);
	m->isa = fllm_cpu_isa_default();
}

/*
 * See bench.h: the best of a few passes that sum every 64-bit word (four
 * independent sums keep the adds from being the limit). The buffer is
 * written first so that its pages exist; it should be well over the
 * last-level cache.
 */
double bench_host_gbps(uint64_t bytes)
{
	size_t n = (size_t)(bytes / sizeof(uint64_t)) & ~(size_t)3;
	uint64_t *buf = n ? malloc(n * sizeof(*buf)) : NULL;
	volatile uint64_t sink = 0;
	double best = 0;

	if (!buf)
		return 0;
	for (size_t i = 0; i < n; i++)
		buf[i] = i;
	for (int p = 0; p < BENCH_PROBE_PASSES; p++) {
		uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		double t0 = bench_now(), dt;

		for (size_t i = 0; i < n; i += 4) {
			s0 += buf[i];
			s1 += buf[i + 1];
			s2 += buf[i + 2];
			s3 += buf[i + 3];
		}
		dt = bench_now() - t0;
		sink += s0 + s1 + s2 + s3;
		if (dt > 0 && (double)(n * sizeof(*buf)) / dt * 1e-9 > best)
			best = (double)(n * sizeof(*buf)) / dt * 1e-9;
	}
	free(buf);
	(void)sink;
	return best;
}
