/* fp32 GEMV rows with AVX2 + FMA: four 8-lane accumulators per dot product. */
#if defined(__x86_64__)
#include <immintrin.h>

#include "cpu_variant.h"

/* Sum of 8 lanes. */
static inline float f32_hsum256(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

/* a . b over k floats. */
static float f32_dot256(const float *a /* (k) */, const float *b /* (k) */, uint32_t k)
{
	__m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
	uint32_t i = 0;
	float tail = 0.0f;

	for (; i + 32 <= k; i += 32) {
		s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
		s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
		s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
		s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
	}
	for (; i + 8 <= k; i += 8)
		s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
	for (; i < k; i++)
		tail += a[i] * b[i];
	return f32_hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))) + tail;
}

/* Rows [r0, r1) of the job, every token. */
void fllm_cpu_f32_rows_avx2(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1)
{
	fllm_cpu_f32_rows(job, r0, r1, f32_dot256);
}
#endif /* __x86_64__ */
