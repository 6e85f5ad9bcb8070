/* fp32 GEMV rows with AVX-512F: four 16-lane accumulators, a masked tail. */
#if defined(__x86_64__)
#include <immintrin.h>

#include "cpu_variant.h"

/* a . b over k floats. */
static float f32_dot512(const float *a /* (k) */, const float *b /* (k) */, uint32_t k)
{
	__m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
	uint32_t i = 0;

	for (; i + 64 <= k; i += 64) {
		s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
		s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
		s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32), s2);
		s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48), s3);
	}
	for (; i + 16 <= k; i += 16)
		s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
	if (i < k) {
		__mmask16 m = (__mmask16)((1u << (k - i)) - 1);

		s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i),
				     _mm512_maskz_loadu_ps(m, b + i), s1);
	}
	return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

/* Rows [r0, r1) of the job, every token. */
void fllm_cpu_f32_rows_avx512(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1)
{
	fllm_cpu_f32_rows(job, r0, r1, f32_dot512);
}
#endif /* __x86_64__ */
