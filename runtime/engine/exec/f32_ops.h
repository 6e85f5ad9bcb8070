/*
 * The fp32 executor's vector steps (exec_cpu.c): dot products of four rows,
 * attention scores, softmax, weighted sums and SwiGLU, in SSE where the
 * machine has it, each with a fixed order of operations that the scalar
 * tails and the portable build repeat exactly, so a result never depends
 * on the ISA, on how rows are grouped or on the thread count.
 */
#ifndef FLLM_ENGINE_F32_OPS_H
#define FLLM_ENGINE_F32_OPS_H

#include <stddef.h>
#include <stdint.h>

/*
 * y[r] = row r of w (4 rows, cols apart) . x (cols): lane j of 8 sums the
 * products i = j mod 8 in order of i, then ((0+4)+(1+5))+((2+6)+(3+7)).
 */
void f32_dot4(const float *w /* (4, cols) */, uint32_t cols, const float *x /* (cols) */,
	      float *y /* (4) */);
/* y[r] for rows r0 <= r < r1 of w (rows cols apart), each as f32_dot4 (AVX where the CPU has it: the same sums). */
void f32_rows(const float *w /* (rows, cols) */, uint32_t cols, const float *x /* (cols) */,
	      float *y /* (rows) */, uint32_t r0, uint32_t r1);
/* One row, the same order. */
float f32_dot(const float *a /* (n) */, const float *b /* (n) */, uint32_t n);

/*
 * att[t] = (q . k_t) / scale for t < n, k_t = k + t * stride: lane j of 4
 * sums q[i] k_t[i] for i = j mod 4 in order of i, then (0+1)+(2+3).
 */
void f32_scores(const float *q /* (hd) */, const float *k /* (n, stride) */, size_t stride,
		uint32_t hd, uint32_t n, float scale, float *att /* (n) */);

/* In-place softmax of x (n >= 1): max subtracted, f32_exp, 4-lane sum, divided. */
void f32_softmax(float *x /* (n) */, uint32_t n);

/* out[j] = sum over t < n of att[t] * v_t[j] (t in order), v_t = v + t * stride. */
void f32_weighted_sum(const float *att /* (n) */, const float *v /* (n, stride) */,
		      size_t stride, uint32_t hd, uint32_t n, float *out /* (hd) */);

/* g[i] = g[i] * (1 / (1 + f32_exp(-g[i]))) * u[i] (run.c's SwiGLU). */
void f32_swiglu(float *g /* (n) */, const float *u /* (n) */, uint32_t n);

/*
 * e^x in plain fp32 mul and add (no FMA, so every ISA rounds alike): about
 * 1 ulp; 0 below -87, +Inf above 88.
 */
float f32_exp(float x);

#endif /* FLLM_ENGINE_F32_OPS_H */
