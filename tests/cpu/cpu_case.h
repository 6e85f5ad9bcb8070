/*
 * One LUT-GEMM problem for the host-kernel tests: a card memory holding the
 * parameter block, activation records, output region and slices for the
 * golden model (fllm_hls_lutgemm_unit), and host views of the same data for
 * fllm_cpu_lutgemm. Record bytes the unit ignores (reserved fields, pad bits
 * of k >= K, xq of k >= K) hold garbage on both sides, so a kernel that reads
 * them fails.
 */
#ifndef FLLM_TEST_CPU_CASE_H
#define FLLM_TEST_CPU_CASE_H

#include <stdint.h>

#include "fllm_cpu.h"
#include "fllm_lutgemm.h"
#include "test_rng.h"

struct cpu_shape {
	uint32_t m, k, g, q, flags, n, slices;
};

enum cpu_fill {
	CPU_FILL_RANDOM,	/* every field uniform over its type (d mostly small) */
	CPU_FILL_EXTREME,	/* |xq| = 128, |a| = |zq| = 2^15, msx = 65535, d = 0 */
	CPU_FILL_FP32,		/* random fp32 BCQ data and tokens through the encoders */
	CPU_FILL_PEAK,		/* the largest sums: every bit set, a = zq = -2^15, xq = -128 */
};

struct cpu_case {
	struct cpu_shape s;
	uint32_t groups, row_bytes;
	uint8_t *mem;			/* (mem_bytes) card memory of the golden model */
	uint64_t mem_bytes;
	struct fllm_lutgemm_params p;	/* also at card address 0 */
	const uint8_t *slice[FLLM_LUTGEMM_SLICES_MAX];	/* host views into mem */
	int32_t *ex;			/* (n) */
	uint16_t *msx;			/* (n, groups) */
	int8_t *xq;			/* (n, groups * g), garbage for k >= K */
	float *xf;			/* (n, k) fp32 activations (CPU_FILL_FP32), else NULL */
	float *gold;			/* (n, m) golden outputs after cpu_case_golden */
};

/* Build case c; 0 or -1 when out of memory. */
int cpu_case_init(struct cpu_case *c, const struct cpu_shape *s, enum cpu_fill fill,
		  uint64_t seed);
/* Run the golden model into c->gold; returns its card error code. */
int cpu_case_golden(struct cpu_case *c);
/* Host views of the weights and the activations. */
void cpu_case_weights(const struct cpu_case *c, fllm_cpu_lutgemm_weights *w);
void cpu_case_acts(const struct cpu_case *c, fllm_cpu_lutgemm_acts *a);
void cpu_case_free(struct cpu_case *c);

/*
 * Compare n x m outputs bit for bit; on the first mismatch print where, both
 * bit patterns and `what`, and return 1.
 */
int cpu_compare_bits(const char *what, const float *got /* (n, got_stride) */,
		     size_t got_stride, const float *want /* (n, m) */, uint32_t n, uint32_t m);

#endif /* FLLM_TEST_CPU_CASE_H */
