/*
 * LUT-GEMM with AVX2, bit-identical to the card. Same formulation as the
 * AVX-512 variant (see cpu_lutgemm_avx512.c for the algebra and the bounds),
 * with 32-input chunks: AVX2 has no mask registers, so 32 plane bits are
 * spread to 32 bytes (broadcast, vpshufb, and with the bit of each byte,
 * min with 1 -> 0/1), then vpmaddubsw with the activations. A group has at
 * most 8 chunks (g = 256): |int16 lane| <= 8 * 256 = 2048, vpmaddwd with
 * |a| <= 2^15 -> <= 2^27, 8 planes -> <= 2^30 < 2^31.
 * Tokens go in blocks of up to 4 (16 vector registers).
 */
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "cpu_variant.h"

#define LG_INLINE static inline __attribute__((always_inline))
#define LG_NB_MAX 4

/* Sum of 8 int32 lanes in int64. */
LG_INLINE int64_t lg256_hsum(__m256i v)
{
	__m256i w = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)),
				     _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1)));
	__m128i h = _mm_add_epi64(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));

	return _mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1);
}

/* `bytes` (2 or 4) plane bytes spread to 32 bytes of 0 or 1 (byte j = bit j). */
LG_INLINE __m256i lg256_sel(const uint8_t *p, uint32_t bytes)
{
	const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
						2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
	const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ull);
	uint32_t m = 0;
	__m256i v;

	memcpy(&m, p, bytes);
	v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)m), spread);
	return _mm256_min_epu8(_mm256_and_si256(v, bit), _mm256_set1_epi8(1));
}

/* Every group of one row record for tokens n0..n0+nb-1 (nb, g constant). */
LG_INLINE void lg256_row(const struct fllm_cpu_lg_job *job, const uint8_t *rec, uint32_t n0,
			 const uint32_t nb, const uint32_t g, int64_t *yacc /* (nb) */)
{
	const uint32_t q = job->w->planes, gb = g / 8;
	const uint32_t chunks = g >= 32 ? g / 32 : 1, cb = g >= 32 ? 4 : gb;
	const int has_off = job->w->flags & FLLM_LUTGEMM_F_OFFSET;
	const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(q, 0);	/* scale entries */
	const uint8_t *pl = rec + job->planes_off;			/* (G, q, g/8) */
	const int8_t *xq = job->xq + n0 * job->xq_stride;		/* (nb, stride) */

	for (uint32_t grp = 0; grp < job->groups; grp++) {
		__m256i acc32[LG_NB_MAX];
		int32_t asum = 0;
		int64_t c0;
		uint32_t d;

#pragma GCC unroll 4
		for (uint32_t t = 0; t < nb; t++)
			acc32[t] = _mm256_setzero_si256();
		for (uint32_t i = 0; i < q; i++) {
			int16_t a = fllm_cpu_rd_i16(se + 4 + 2 * i);
			__m256i acc16[LG_NB_MAX];

#pragma GCC unroll 4
			for (uint32_t t = 0; t < nb; t++)
				acc16[t] = _mm256_setzero_si256();
#pragma GCC unroll 8
			for (uint32_t c = 0; c < chunks; c++) {
				__m256i sel = lg256_sel(pl + i * gb + c * 4, cb);

#pragma GCC unroll 4
				for (uint32_t t = 0; t < nb; t++) {
					__m256i x = _mm256_loadu_si256(
						(const __m256i *)(xq + t * job->xq_stride +
								  (size_t)grp * g + c * 32));

					acc16[t] = _mm256_add_epi16(acc16[t],
								    _mm256_maddubs_epi16(sel, x));
				}
			}
#pragma GCC unroll 4
			for (uint32_t t = 0; t < nb; t++) {
				__m256i prod = _mm256_madd_epi16(acc16[t], _mm256_set1_epi16(a));

				acc32[t] = _mm256_add_epi32(acc32[t], prod);
			}
			asum += a;
		}
		c0 = (int64_t)(has_off ? fllm_cpu_rd_i16(se + 2) : 0) - asum;
		d = se[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : se[0];
#pragma GCC unroll 4
		for (uint32_t t = 0; t < nb; t++) {
			size_t ng = (size_t)(n0 + t) * job->groups + grp;
			int64_t acc = 2 * lg256_hsum(acc32[t]) + c0 * job->sums[ng];

			yacc[t] += fllm_lutgemm_rshift_round((int64_t)job->msx[ng] * acc, d);
		}
		se += fllm_lutgemm_scale_entry_bytes(q);
		pl += (size_t)q * gb;
	}
}

FLLM_CPU_LG_ROWS(lg256_rows, fllm_cpu_lutgemm_rows_avx2, lg256_row)
#endif /* __x86_64__ */
