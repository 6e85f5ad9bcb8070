/*
 * Small helpers every fllm benchmark uses: the measurement helpers it
 * shares with fllm bench (tools/fllm/bench/measure.h) and the machine
 * description printed with each result.
 */
#ifndef FLLM_BENCH_UTIL_H
#define FLLM_BENCH_UTIL_H

#include "bench/measure.h"

/* The machine the numbers come from, with its SIMD extensions. With json, opens the object
 * `{"bench": "machine", "cpu": "...", "simd": "...", "cores": N` for the
 * caller to continue and close; else prints the line
 * `machine   CPU, N cores online, SIMD ...`. */
void bench_print_machine(int json);

/* Seconds of CPU time the process has used (all its threads): a clock that
 * leaves out the time other programs on a shared machine hold the cores. */
double bench_cpu_now(void);

#endif /* FLLM_BENCH_UTIL_H */
