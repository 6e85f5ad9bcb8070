/*
 * fp32 GEMV in plain C: the one-accumulator reference, and the portable
 * variant with 16 independent partial sums, which a compiler can keep in
 * vector registers without reassociating anything itself.
 */
#include "cpu_variant.h"

#define F32_LANES 16

/* Dot product of k floats with 16 partial sums added pairwise at the end. */
static float f32_dot(const float *a /* (k) */, const float *b /* (k) */, uint32_t k)
{
	float part[F32_LANES] = { 0 };
	uint32_t i = 0;
	float s = 0.0f;

	for (; i + F32_LANES <= k; i += F32_LANES)
		for (uint32_t l = 0; l < F32_LANES; l++)
			part[l] += a[i + l] * b[i + l];
	for (uint32_t w = F32_LANES / 2; w; w /= 2)
		for (uint32_t l = 0; l < w; l++)
			part[l] += part[l + w];
	for (; i < k; i++)
		s += a[i] * b[i];
	return part[0] + s;
}

/* Rows [r0, r1) of the job, every token. */
void fllm_cpu_f32_rows_portable(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1)
{
	fllm_cpu_f32_rows(job, r0, r1, f32_dot);
}

/* The plain reference: k in order, one fp32 accumulator. */
void fllm_cpu_gemv_f32_ref(uint32_t m, uint32_t k, const float *w, size_t w_stride,
			   uint32_t n, const float *x, size_t x_stride, float *y,
			   size_t y_stride)
{
	for (uint32_t t = 0; t < n; t++) {
		for (uint32_t r = 0; r < m; r++) {
			const float *wr = w + r * w_stride;	/* (k) */
			const float *xt = x + t * x_stride;	/* (k) */
			float s = 0.0f;

			for (uint32_t i = 0; i < k; i++)
				s += wr[i] * xt[i];
			y[t * y_stride + r] = s;
		}
	}
}
