/*
 * Measurement helpers shared by fllm bench and the developer benchmarks in
 * bench/: a monotonic clock, medians and quantiles of repeated samples,
 * greedy token choice, and what /proc/cpuinfo says about the machine.
 */
#ifndef FLLM_CLI_BENCH_MEASURE_H
#define FLLM_CLI_BENCH_MEASURE_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic seconds. */
double bench_now(void);
/* The q-quantile (0..1, nearest rank) of n >= 1 samples; sorts v in place. */
double bench_quantile(double *v, size_t n, double q);
/* Median of n >= 1 samples (mean of the middle two for even n); sorts v. */
double bench_median(double *v, size_t n);
/* Index of the largest of x[0..n), ties to the lowest: greedy decoding. */
int32_t bench_argmax(const float *x, uint32_t n);
/* First value of /proc/cpuinfo's line `key` ("model name", "flags"), or "unknown". */
void bench_cpuinfo(const char *key, char *buf, size_t len);
/*
 * The SIMD extensions /proc/cpuinfo lists, among those the kernels can use
 * ("avx2 fma avx512f ...", "none"), space-separated.
 */
void bench_simd(char *buf, size_t len);

#endif /* FLLM_CLI_BENCH_MEASURE_H */
