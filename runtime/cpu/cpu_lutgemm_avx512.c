/*
 * LUT-GEMM with AVX-512 (F, BW, VL, DQ), bit-identical to the card.
 *
 * Instead of table reads, each 64 bits of a bit-plane are loaded straight into
 * a mask register and select 0/1 bytes; vpmaddubsw multiplies them with 64
 * int8 activations (sums of byte pairs, int16), so a plane's chunk costs a
 * mask load, a masked move, a multiply-add and an add for 64 weights. With
 * T01 = the sum of the activations whose bit is 1, the plane sum of the spec
 * is T = 2 T01 - S_G, so
 *   acc_G = sum_i a_i T_i + zq S_G = 2 V + (zq - sum_i a_i) S_G,
 *   V = sum_i a_i T01_i,
 * and only V needs vector work: vpmaddwd multiplies each plane's int16 lanes
 * by a_i into int32 lanes. Lane bounds: a lane covers 2 bytes per 64-input
 * chunk, at most 4 chunks (g = 256), so |T01 lane| <= 1024; vpmaddwd gives
 * <= 2^26 per plane; 8 planes <= 2^29. Halves are folded once in int32
 * (<= 2^30) and the rest summed in int64: V exactly. S_G comes from the
 * front end (cpu_lutgemm.c).
 * Eight groups are reduced together (a transposed tree), and their epilogue
 * (acc = 2 V + c S, p = msx * acc, rshift_round by d, accumulate) runs in
 * int64 lanes with vpmullq and vpsravq: the integer arithmetic of the spec.
 * Tokens go in blocks of up to 4 that share each expanded mask.
 */
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "cpu_variant.h"

#define LG_INLINE static inline __attribute__((always_inline))
#define LG_NB_MAX 4

/* `bytes` (2, 4 or 8) plane bytes as a 64-bit lane mask; bits past them are 0. */
LG_INLINE __mmask64 lg512_mask(const uint8_t *p, uint32_t bytes)
{
	uint64_t m = 0;

	memcpy(&m, p, bytes);
	return _cvtu64_mask64(m);
}

/* 16 int32 lanes (|.| < 2^30) -> 8 int64 lanes with the same total. */
LG_INLINE __m512i lg512_fold(__m512i v)
{
	__m256i h = _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));

	return _mm512_cvtepi32_epi64(h);
}

/* Two vectors' pairs (a.2j + a.2j+1, b.2j + b.2j+1) interleaved per 128-bit lane. */
LG_INLINE __m512i lg512_pair(__m512i a, __m512i b)
{
	return _mm512_add_epi64(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
}

/* 128-bit lanes: (a.L0 + a.L1, a.L2 + a.L3, b.L0 + b.L1, b.L2 + b.L3). */
LG_INLINE __m512i lg512_quad(__m512i a, __m512i b)
{
	return _mm512_add_epi64(_mm512_shuffle_i64x2(a, b, 0x88), _mm512_shuffle_i64x2(a, b, 0xdd));
}

/* Lane j = the sum of the 8 lanes of v[j] (a transposed reduction). */
LG_INLINE __m512i lg512_sum8(const __m512i *v /* (8) */)
{
	__m512i p01 = lg512_pair(v[0], v[1]), p23 = lg512_pair(v[2], v[3]);
	__m512i p45 = lg512_pair(v[4], v[5]), p67 = lg512_pair(v[6], v[7]);

	return lg512_quad(lg512_quad(p01, p23), lg512_quad(p45, p67));
}

/*
 * V of group grp for tokens n0..n0+nb-1, each as 8 int64 lanes summing to
 * it, stored to part[t][slot]; returns sum_i a_i of the group.
 */
LG_INLINE int32_t lg512_group(const struct fllm_cpu_lg_job *job, const uint8_t *se,
			      const uint8_t *pl /* (q, g/8) */,
			      const int8_t *xq /* (nb, stride) */, uint32_t grp, const uint32_t nb,
			      const uint32_t g, __m512i part[][8], uint32_t slot)
{
	const uint32_t q = job->w->planes, gb = g / 8;
	const uint32_t chunks = g >= 64 ? g / 64 : 1, cb = g >= 64 ? 8 : gb;
	const __m512i ones = _mm512_set1_epi8(1);
	__m512i acc32[LG_NB_MAX];
	int32_t asum = 0;

#pragma GCC unroll 4
	for (uint32_t t = 0; t < nb; t++)
		acc32[t] = _mm512_setzero_si512();
	for (uint32_t i = 0; i < q; i++) {
		int16_t ai = fllm_cpu_rd_i16(se + 4 + 2 * i);
		__m512i a = _mm512_set1_epi16(ai);
		__m512i acc16[LG_NB_MAX];

#pragma GCC unroll 4
		for (uint32_t t = 0; t < nb; t++)
			acc16[t] = _mm512_setzero_si512();
#pragma GCC unroll 4
		for (uint32_t c = 0; c < chunks; c++) {
			__mmask64 k = lg512_mask(pl + i * gb + c * 8, cb);
			__m512i sel = _mm512_maskz_mov_epi8(k, ones);

#pragma GCC unroll 4
			for (uint32_t t = 0; t < nb; t++) {
				__m512i x = _mm512_loadu_si512(xq + t * job->xq_stride +
							       (size_t)grp * g + c * 64);

				acc16[t] = _mm512_add_epi16(acc16[t], _mm512_maddubs_epi16(sel, x));
			}
		}
#pragma GCC unroll 4
		for (uint32_t t = 0; t < nb; t++)
			acc32[t] = _mm512_add_epi32(acc32[t], _mm512_madd_epi16(acc16[t], a));
		asum += ai;
	}
#pragma GCC unroll 4
	for (uint32_t t = 0; t < nb; t++)
		part[t][slot] = lg512_fold(acc32[t]);
	return asum;
}

/*
 * Every group of one row record for tokens n0..n0+nb-1; adds
 * sum_G rshift_round(msx * acc_G, min(d, 62)) to yacc. nb and g are
 * constants after inlining.
 */
LG_INLINE void lg512_row(const struct fllm_cpu_lg_job *job, const uint8_t *rec, uint32_t n0,
			 const uint32_t nb, const uint32_t g, int64_t *yacc /* (nb) */)
{
	const uint32_t q = job->w->planes, gb = g / 8, seb = fllm_lutgemm_scale_entry_bytes(q);
	const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(q, 0);	/* scale entries */
	const uint8_t *pl = rec + job->planes_off;			/* (G, q, g/8) */
	const int8_t *xq = job->xq + n0 * job->xq_stride;		/* (nb, stride) */
	const int has_off = job->w->flags & FLLM_LUTGEMM_F_OFFSET;
	const __m512i one = _mm512_set1_epi64(1);
	__m512i part[LG_NB_MAX][8], ysum[LG_NB_MAX];

#pragma GCC unroll 4
	for (uint32_t t = 0; t < nb; t++)
		ysum[t] = _mm512_setzero_si512();
	for (uint32_t g0 = 0; g0 < job->groups; g0 += 8) {
		uint32_t gn = job->groups - g0 < 8 ? job->groups - g0 : 8;
		__mmask8 live = (__mmask8)((1u << gn) - 1);
		__m512i d = _mm512_setzero_si512(), c = d, bias;

		/* d and c are built in registers: wide loads of narrow stores would stall */
		for (uint32_t j = 0; j < gn; j++) {
			const uint8_t *e = se + (g0 + j) * seb;	/* scale entry */
			const uint8_t *gp = pl + (size_t)(g0 + j) * q * gb;	/* (q, g/8) */
			int32_t asum = lg512_group(job, e, gp, xq, g0 + j, nb, g, part, j);
			__mmask8 lane = (__mmask8)(1u << j);

			c = _mm512_mask_set1_epi64(c, lane, (has_off ? fllm_cpu_rd_i16(e + 2) : 0) -
						   asum);
			d = _mm512_mask_set1_epi64(d, lane, e[0] > FLLM_LUTGEMM_D_MAX ?
						   FLLM_LUTGEMM_D_MAX : e[0]);
		}
		for (uint32_t j = gn; j < 8; j++)
#pragma GCC unroll 4
			for (uint32_t t = 0; t < nb; t++)
				part[t][j] = _mm512_setzero_si512();
		/* 2^(d-1), 0 for d = 0 */
		bias = _mm512_srli_epi64(_mm512_sllv_epi64(one, d), 1);
#pragma GCC unroll 4
		for (uint32_t t = 0; t < nb; t++) {
			size_t ng = (size_t)(n0 + t) * job->groups + g0;
			__m128i m16 = _mm_maskz_loadu_epi16(live, job->msx + ng);
			__m512i m = _mm512_cvtepu16_epi64(m16);
			__m512i sg = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(live,
										   job->sums + ng));
			__m512i acc = _mm512_add_epi64(_mm512_slli_epi64(lg512_sum8(part[t]), 1),
						       _mm512_mullo_epi64(c, sg));
			__m512i p = _mm512_mullo_epi64(acc, m);

			p = _mm512_srav_epi64(_mm512_add_epi64(p, bias), d);
			ysum[t] = _mm512_add_epi64(ysum[t], p);
		}
	}
#pragma GCC unroll 4
	for (uint32_t t = 0; t < nb; t++)
		yacc[t] += _mm512_reduce_add_epi64(ysum[t]);
}

FLLM_CPU_LG_ROWS(lg512_rows, fllm_cpu_lutgemm_rows_avx512, lg512_row)
#endif /* __x86_64__ */
