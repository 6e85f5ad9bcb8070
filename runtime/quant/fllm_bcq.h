/*
 * Binary-coding quantization (BCQ) of weight matrices, fp32 side.
 *
 * A BCQ matrix approximates an M x K fp32 matrix W, row by row and group by
 * group (g consecutive inputs of a row, the last group of a row may be short):
 *
 *   w_hat[r][k] = sum_{i<q} alpha[r][G][i] * (bit_i(r, k) ? +1 : -1) + z[r][G]
 *
 * with G = k / g, q = 1..8 sign planes and an optional offset z per
 * (row, group). With the offset, uniform asymmetric q-bit weights (GGUF
 * Q4_0/Q8_0, GPTQ, AWQ) are representable exactly: alpha_i = s * 2^(i-1).
 *
 * This is a runtime-internal header shared by the quantizer, the card packer
 * and the LUT-GEMM kernels, so the matrix layout is deliberately visible.
 * The numbers themselves are defined in docs/quantization.md.
 */
#ifndef FLLM_BCQ_H
#define FLLM_BCQ_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"
#include "fp16.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FLLM_BCQ_PLANES_MAX 8
#define FLLM_BCQ_GROUP_MAX 256
/* Weights of larger magnitude are rejected: the fits must not overflow fp32. */
#define FLLM_BCQ_WEIGHT_MAX 1e30f

/* A BCQ matrix; every array is owned by the matrix and freed by fllm_bcq_free. */
typedef struct fllm_bcq {
	uint32_t rows;		/* M */
	uint32_t cols;		/* K */
	uint32_t group;		/* g: 16, 32, 64, 128 or 256 */
	uint32_t planes;	/* q: 1..8 */
	uint32_t groups;	/* G = ceil(K / g) per row */
	uint32_t row_bytes;	/* ceil(K / 8): bytes of one sign plane of one row */
	float *alpha;		/* (M, G, q) fp32 plane scales */
	float *offset;		/* (M, G) fp32 offsets z, or NULL when the matrix has none */
	/*
	 * (M, q, row_bytes) packed signs: bit j of byte c of plane i of row r is
	 * input 8c + j, 1 = +1, 0 = -1; bits past K are 0.
	 */
	uint8_t *bits;
} fllm_bcq;

/*
 * Allocate a zeroed BCQ matrix (all alphas and offsets 0, all signs -1).
 * FLLM_E_INVALID_ARG for a zero size, q outside 1..8 or g not a power of two
 * in 16..256; FLLM_E_NO_MEMORY when the arrays do not fit.
 */
fllm_status fllm_bcq_alloc(uint32_t rows, uint32_t cols, uint32_t group, uint32_t planes,
			   int has_offset, fllm_bcq **out);
void fllm_bcq_free(fllm_bcq *m);

/* Sign of plane `plane` of weight (row, col): 1 for +1, 0 for -1. */
int fllm_bcq_bit_get(const fllm_bcq *m, uint32_t row, uint32_t plane, uint32_t col);
void fllm_bcq_bit_set(fllm_bcq *m, uint32_t row, uint32_t plane, uint32_t col, int bit);

/* Dequantize one row into out (K) fp32; the sum runs over planes 0..q-1, then + z. */
void fllm_bcq_dequantize_row(const fllm_bcq *m, uint32_t row, float *out);
/* Dequantize the whole matrix into out (M, K) row-major fp32. */
void fllm_bcq_dequantize(const fllm_bcq *m, float *out);

/* ------------------------------------------------------------------ */
/* Quantizer                                                          */
/* ------------------------------------------------------------------ */

enum fllm_bcq_init {
	FLLM_BCQ_INIT_BEST = 0,		/* run both starts, keep the better per group */
	FLLM_BCQ_INIT_GREEDY = 1,	/* greedy residual binarization */
	FLLM_BCQ_INIT_UNIFORM = 2,	/* round-to-nearest as BCQ; symmetric without offset */
};

/* Where the greedy start puts the offset z before binarizing the residual. */
enum fllm_bcq_center {
	FLLM_BCQ_CENTER_MEAN = 0,	/* the group's mean */
	FLLM_BCQ_CENTER_MIDRANGE = 1,	/* (min + max) / 2 */
};

/* Called with the rows finished so far; from worker threads, one call at a time. */
typedef void (*fllm_bcq_progress_fn)(void *user, uint32_t rows_done, uint32_t rows_total);

typedef struct fllm_bcq_options {
	uint32_t planes;		/* q, 1..8 */
	uint32_t group;			/* g: 16, 32, 64, 128 or 256 */
	int offset;			/* non-zero: fit an offset z per (row, group) */
	enum fllm_bcq_init init;
	enum fllm_bcq_center center;	/* greedy start only */
	uint32_t iterations;		/* ALS rounds per start, 0..1000; 0 keeps the start */
	uint32_t threads;		/* worker threads, 0 = online CPUs, at most 256 */
	fllm_bcq_progress_fn progress;	/* optional */
	void *progress_user;
} fllm_bcq_options;

/* Indices of the per-start arrays of fllm_bcq_stats. */
enum { FLLM_BCQ_START_GREEDY = 0, FLLM_BCQ_START_UNIFORM = 1 };

/* Sums over all groups of one quantization; squared errors in double. */
typedef struct fllm_bcq_stats {
	uint64_t groups;		/* M * G */
	uint64_t wins[2];		/* groups where that start gave the kept result */
	uint64_t ties;			/* both starts ended equal (uniform kept) */
	double sse_start[2];		/* squared error of each start; 0 when not run */
	double sse_refined[2];		/* after ALS from each start; 0 when not run */
	double sse;			/* of the returned matrix */
	double norm2;			/* sum of w^2 */
} fllm_bcq_stats;

/*
 * Defaults: q = 3, g = 128, offset on, both starts, mid-range centre (measured
 * better than the mean, docs/quantization.md), 20 ALS rounds, 1 thread.
 */
void fllm_bcq_options_init(fllm_bcq_options *opt);

/*
 * Quantize w (rows, cols) row-major fp32 into a new BCQ matrix.
 * FLLM_E_INVALID_ARG for bad sizes or options and for NaN, Inf or
 * |w| > FLLM_BCQ_WEIGHT_MAX; FLLM_E_NO_MEMORY. stats may be NULL. Results do
 * not depend on the thread count. On failure *out is NULL.
 */
fllm_status fllm_bcq_quantize(const float *w, uint32_t rows, uint32_t cols,
			      const fllm_bcq_options *opt, fllm_bcq **out, fllm_bcq_stats *stats);

/* ------------------------------------------------------------------ */
/* Exact conversions from uniform formats                             */
/* ------------------------------------------------------------------ */

/*
 * Uniform asymmetric weights w = scale * (c - zero) with codes c in
 * [0, 2^q - 1], one scale and zero point per (row, group):
 *   codes (rows, cols) uint8, one code per byte
 *   scale (rows, G) fp32, zero (rows, G) fp32 in code units
 * The result has an offset. It reproduces w exactly in fp32 when zero is an
 * integer in [0, 2^q - 1] and scale has at most 23 - q significant bits (fp16
 * scales always); otherwise within fp32 rounding. FLLM_E_INVALID_ARG for a
 * code >= 2^q or a scale or zero that is not finite.
 */
fllm_status fllm_bcq_from_uniform(const uint8_t *codes, const float *scale, const float *zero,
				  uint32_t rows, uint32_t cols, uint32_t group, uint32_t planes,
				  fllm_bcq **out);

#define FLLM_GGUF_QK 32			/* weights per Q4_0 / Q8_0 block */
#define FLLM_GGUF_Q4_0_BYTES 18		/* fp16 d, 16 bytes of nibbles */
#define FLLM_GGUF_Q8_0_BYTES 34		/* fp16 d, 32 int8 */

/*
 * GGUF Q4_0 rows: blocks (rows, cols / 32) block_q4_0, size bytes in all.
 * Gives q = 4, g = 32 with offset, exactly equal to d * (c - 8).
 * FLLM_E_INVALID_ARG when cols is not a multiple of 32 or size does not
 * match; FLLM_E_FORMAT for a NaN or Inf scale.
 */
fllm_status fllm_bcq_from_q4_0(const void *blocks, size_t size, uint32_t rows, uint32_t cols,
			       fllm_bcq **out);
/* GGUF Q8_0 rows: as above with block_q8_0; q = 8, g = 32, exactly d * qs. */
fllm_status fllm_bcq_from_q8_0(const void *blocks, size_t size, uint32_t rows, uint32_t cols,
			       fllm_bcq **out);

/* IEEE binary16 bits to fp32 (exact): fllm_f16_to_f32 (fp16.h). */
static inline float fllm_bcq_half_to_float(uint16_t h)
{
	return fllm_f16_to_f32(h);
}

/* ------------------------------------------------------------------ */
/* Error report                                                       */
/* ------------------------------------------------------------------ */

typedef struct fllm_bcq_error {
	double sse;		/* sum of (w - w_hat)^2 */
	double norm2;		/* sum of w^2 */
	double rel;		/* ||W - W_hat||_F / ||W||_F; 0 when W = W_hat */
	double mse;		/* sse / (M * K) */
	double max_abs;		/* largest |w - w_hat| */
} fllm_bcq_error;

/* Compare w (n) with w_hat (n) fp32. */
void fllm_bcq_error_compute(const float *w, const float *w_hat, size_t n, fllm_bcq_error *out);
/* Compare w (M, K) row-major fp32 with the dequantized matrix m. FLLM_E_NO_MEMORY. */
fllm_status fllm_bcq_error_measure(const float *w, const fllm_bcq *m, fllm_bcq_error *out);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_BCQ_H */
