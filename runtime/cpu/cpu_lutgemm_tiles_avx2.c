/*
 * LUT-GEMM on the avx2 tiled layout (cpu_internal.h) with vpshufb table
 * lookups, bit-identical to the card: the T-MAC idea (Wei et al., 2024) in
 * exact integer arithmetic, for CPUs with AVX2 and nothing wider.
 *
 * Per token, each activation x (int8) is split as x = 16 xh + xl with
 * xl = x & 15 in 0..15 and xh = x >> 4 in -8..7. For every 4 inputs (a
 * quad) two 16-entry tables hold, for each nibble n of weight bits, the sum
 * of xl over the set bits of n (TL, 0..60) and that of xh plus 32 (TH,
 * 0..60: the bias keeps it unsigned and does not depend on n). An 8-input
 * chunk has two quads: 64 bytes of tables per chunk and token, broadcast to
 * both 128-bit lanes when loaded.
 *
 * A tile holds 32 rows; a 32-byte unit is one plane byte of one chunk for
 * each row (byte j = row j), so its low nibbles index the first quad's
 * tables and its high nibbles the second's. Two units (two chunks, one
 * plane) take eight vpshufb; their four quads are summed in bytes (TL and
 * TH <= 240), interleaved (vpunpck{l,h}bw) and combined by vpmaddubsw with
 * weights (1, 16): TL + 16 TH (<= 4080) per row in int16 lanes, which is the
 * sum T01 of the activations whose bit is 1 plus 16 * 32 * 4 = 2048. The
 * accumulators start at -128 g (mod 2^16), minus that bias over a group,
 * so they end at T01 exactly: |T01| <= 128 g <= 2^15 (-2^15 only for
 * g = 256, x = -128 and every bit set) fits int16, and int16 lanes wrap,
 * so the partial sums may leave that range on the way.
 *
 * Per group, 32 rows at once: plane pairs are interleaved (vpunpck{l,h}wd)
 * and multiplied by the stored (a_2p, a_2p+1) pairs with vpmaddwd
 * (|a_i T_i + a_j T_j| <= 2^30 for g <= 128; for g = 256 each plane alone),
 * then in int64 lanes (vpmuldq on even and odd int32 lanes):
 * p = 2 msx V + (msx S) c with c = zq - sum_i a_i (so 2 V + c S =
 * sum_i a_i T_i + zq S, since T = 2 T01 - S), |p| < 2^50; rshift_round by d
 * (vpsllvq for the bias, vpsrlvq on the one's complement of negatives for
 * the arithmetic shift AVX2 lacks), summed per row: the arithmetic of
 * docs/numerics.md 3 in another (exact) order.
 *
 * Tiles are walked group by group, every token of the call on a group before
 * the next: the weights come from memory once per call and from L1 for the
 * other tokens.
 */
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "cpu_variant.h"

#define LA_INLINE static inline __attribute__((always_inline))
#define LA_Q_MAX FLLM_LUTGEMM_Q_MAX
/*
 * Software prefetch this far ahead of what is being computed (into the next
 * tile past a tile's end), so that more lines are in flight than the
 * hardware prefetchers keep for one stream: into L2 a group's worth of
 * lines per group, into L1 the lines of each pair of units as it is
 * reached (spread over the group, not in one burst that fills the line-fill
 * buffers). One thread, 4096 x 4096: q = 3, 0.48 of the triad without,
 * 0.55-0.70 with a burst per group; q = 4, 7.6 -> 8.9 GB/s from the burst
 * to the spread L1 prefetch (medians of 6 runs).
 */
#define LA_PREFETCH_L1 2048u
#define LA_PREFETCH_L2 16384u

_Static_assert((FLLM_LUTGEMM_K_MAX / 8) * FLLM_CPU_LA_TAB_CHUNK <=
	       (FLLM_LUTGEMM_K_MAX / 32) * FLLM_CPU_LV_TAB_LINE, "tables fit the context's");

/* Table-building index of bit b: byte n of lane h picks X[8h + 4u + b] if bit b of n, else 0. */
static __m256i la_tab_idx(uint32_t u, uint32_t b)
{
	uint8_t idx[32];

	for (uint32_t h = 0; h < 2; h++)
		for (uint32_t n = 0; n < 16; n++)
			idx[16 * h + n] = n >> b & 1 ? (uint8_t)(8 * h + 4 * u + b) : 0x80;
	return _mm256_loadu_si256((const __m256i *)idx);
}

/* Every token's tables: (chunks, TL_0, TH_0, TL_1, TH_1) of 16 bytes. */
void fllm_cpu_lutgemm_tables_avx2(const struct fllm_cpu_lg_job *job)
{
	const __m128i lo4 = _mm_set1_epi8(0x0f);
	uint32_t chunks = job->groups * job->w->group / 8;
	__m256i idx[2][4];

	for (uint32_t u = 0; u < 2; u++)
		for (uint32_t b = 0; b < 4; b++)
			idx[u][b] = la_tab_idx(u, b);
	for (uint32_t n = 0; n < job->n; n++) {
		const int8_t *x = job->xq + n * job->xq_stride;	/* zero past K */
		uint8_t *t = job->tabs + n * job->tab_stride;	/* (chunks, 64) */

		for (uint32_t ch = 0; ch < chunks; ch++) {
			__m128i x8 = _mm_loadl_epi64((const __m128i *)(x + 8 * ch));
			__m128i xl = _mm_and_si128(x8, lo4);
			__m128i xh = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(
				_mm_xor_si128(x8, _mm_set1_epi8((char)0x80)), 4), lo4),
				_mm_set1_epi8(8));
			/* bytes 0-7: xl, 8-15: xh, in both lanes */
			__m256i xx = _mm256_broadcastsi128_si256(_mm_unpacklo_epi64(xl, xh));
			/* TL from 0, TH from 32 (a bias of 32 per lookup keeps it unsigned) */
			__m256i t0 = _mm256_set_m128i(_mm_set1_epi8(32), _mm_setzero_si128()), t1 = t0;

			for (uint32_t b = 0; b < 4; b++) {
				t0 = _mm256_add_epi8(t0, _mm256_shuffle_epi8(xx, idx[0][b]));
				t1 = _mm256_add_epi8(t1, _mm256_shuffle_epi8(xx, idx[1][b]));
			}
			_mm256_store_si256((__m256i *)(t + 64 * ch), t0);
			_mm256_store_si256((__m256i *)(t + 64 * ch + 32), t1);
		}
	}
}

/* floor((p + 2^(d-1)) / 2^d) for d >= 1, p for d = 0 (int64 lanes, d in 0..62). */
LA_INLINE __m256i la_rshift_round(__m256i p, __m256i d)
{
	__m256i neg;

	p = _mm256_add_epi64(p, _mm256_srli_epi64(_mm256_sllv_epi64(_mm256_set1_epi64x(1), d), 1));
	neg = _mm256_cmpgt_epi64(_mm256_setzero_si256(), p);
	return _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(p, neg), d), neg);
}

/*
 * One group of a tile for one token: T01 of every plane for the 32 rows,
 * then the epilogue, added to y (8) int64 vectors (vector 2v + o holds the
 * rows of slots 8v + o, 8v + 2 + o, ..: see FLLM_CPU_LA_ROW). pf, when not
 * NULL, is the group block to prefetch into L1 on the way.
 */
LA_INLINE void la_group(const uint8_t *blk /* (group_bytes) */, const uint8_t *tab /* (g/8, 64) */,
			const uint32_t q, uint32_t g, int32_t s, uint16_t msx, __m256i *y /* (8) */,
			const uint8_t *pf)
{
	const __m256i lo4 = _mm256_set1_epi8(0x0f);
	const __m256i w116 = _mm256_set1_epi16(0x1001);	/* bytes 1, 16 */
	const uint8_t *sc = blk + 4 * q * g;
	const uint8_t *dd = sc + FLLM_CPU_LA_C_OFF(q) + 128;
	__m256i acc[2 * LA_Q_MAX], pe[4], po[4], m2, ms;

#pragma GCC unroll 16
	for (uint32_t i = 0; i < 2 * q; i++)	/* minus the table bias, 128 g (mod 2^16) */
		acc[i] = _mm256_set1_epi16((short)(uint16_t)(0x10000u - 128 * g));
	for (uint32_t ch = 0; ch < g / 8; ch += 2) {
		const uint8_t *t = tab + 64 * ch;
		__m256i tl[4], th[4];

#pragma GCC unroll 4
		for (uint32_t u = 0; u < 4; u++) {	/* quads of chunks ch and ch + 1 */
			tl[u] = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)
									  (t + 32 * u)));
			th[u] = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)
									  (t + 32 * u + 16)));
		}
		if (pf)		/* the q lines these two units span, LA_PREFETCH_L1 ahead */
			for (uint32_t i = 0; i < q; i++)
				_mm_prefetch((const char *)(pf + ch * q * 32 + i * 64), _MM_HINT_T0);
#pragma GCC unroll 8
		for (uint32_t i = 0; i < q; i++) {
			__m256i b0 = _mm256_load_si256((const __m256i *)(blk + (ch * q + i) * 32));
			__m256i b1 = _mm256_load_si256((const __m256i *)(blk + ((ch + 1) * q + i) * 32));
			__m256i lo0 = _mm256_and_si256(b0, lo4);
			__m256i hi0 = _mm256_and_si256(_mm256_srli_epi16(b0, 4), lo4);
			__m256i lo1 = _mm256_and_si256(b1, lo4);
			__m256i hi1 = _mm256_and_si256(_mm256_srli_epi16(b1, 4), lo4);
			__m256i l = _mm256_add_epi8(_mm256_add_epi8(_mm256_shuffle_epi8(tl[0], lo0),
								    _mm256_shuffle_epi8(tl[1], hi0)),
						    _mm256_add_epi8(_mm256_shuffle_epi8(tl[2], lo1),
								    _mm256_shuffle_epi8(tl[3], hi1)));
			__m256i h = _mm256_add_epi8(_mm256_add_epi8(_mm256_shuffle_epi8(th[0], lo0),
								    _mm256_shuffle_epi8(th[1], hi0)),
						    _mm256_add_epi8(_mm256_shuffle_epi8(th[2], lo1),
								    _mm256_shuffle_epi8(th[3], hi1)));

			acc[2 * i] = _mm256_add_epi16(acc[2 * i], _mm256_maddubs_epi16(
				_mm256_unpacklo_epi8(l, h), w116));
			acc[2 * i + 1] = _mm256_add_epi16(acc[2 * i + 1], _mm256_maddubs_epi16(
				_mm256_unpackhi_epi8(l, h), w116));
		}
	}
	if (pf)
		for (uint32_t o = 0; o < FLLM_CPU_LA_SCALE(q); o += 64)
			_mm_prefetch((const char *)(pf + 4 * q * g + o), _MM_HINT_T0);
	m2 = _mm256_set1_epi64x(2 * (int64_t)msx);
	ms = _mm256_set1_epi64x((int64_t)msx * s);	/* |msx S| <= 65535 * 32768: int32 */
	for (uint32_t v = 0; v < 4; v++) {
		__m256i c = _mm256_load_si256((const __m256i *)(sc + FLLM_CPU_LA_C_OFF(q) + 32 * v));

		pe[v] = _mm256_mul_epi32(c, ms);
		po[v] = _mm256_mul_epi32(_mm256_srli_epi64(c, 32), ms);
	}
#pragma GCC unroll 4
	for (uint32_t p = 0; p < (q + 1) / 2; p++) {
		__m256i zero = _mm256_setzero_si256();
		__m256i ti_l = acc[4 * p], ti_h = acc[4 * p + 1];
		__m256i tj_l = 2 * p + 1 < q ? acc[4 * p + 2] : zero;
		__m256i tj_h = 2 * p + 1 < q ? acc[4 * p + 3] : zero;
		__m256i r[4] = { _mm256_unpacklo_epi16(ti_l, tj_l), _mm256_unpackhi_epi16(ti_l, tj_l),
				 _mm256_unpacklo_epi16(ti_h, tj_h), _mm256_unpackhi_epi16(ti_h, tj_h) };

#pragma GCC unroll 4
		for (uint32_t v = 0; v < 4; v++) {
			__m256i a = _mm256_load_si256((const __m256i *)(sc + 128 * p + 32 * v));

			if (g <= 128) {
				__m256i sv = _mm256_madd_epi16(r[v], a);

				pe[v] = _mm256_add_epi64(pe[v], _mm256_mul_epi32(sv, m2));
				po[v] = _mm256_add_epi64(po[v], _mm256_mul_epi32(
					_mm256_srli_epi64(sv, 32), m2));
				continue;
			}
			/* g = 256: |T| up to 2^15, one plane per vpmaddwd */
			for (uint32_t h = 0; h < 2; h++) {
				__m256i keep = _mm256_set1_epi32(h ? (int)0xffff0000u : 0xffff);
				__m256i sv = _mm256_madd_epi16(_mm256_and_si256(r[v], keep), a);

				pe[v] = _mm256_add_epi64(pe[v], _mm256_mul_epi32(sv, m2));
				po[v] = _mm256_add_epi64(po[v], _mm256_mul_epi32(
					_mm256_srli_epi64(sv, 32), m2));
			}
		}
	}
	for (uint32_t v = 0; v < 4; v++) {
		uint32_t de, dO;

		memcpy(&de, dd + 8 * v, 4);
		memcpy(&dO, dd + 8 * v + 4, 4);
		y[2 * v] = _mm256_add_epi64(y[2 * v], la_rshift_round(pe[v], _mm256_cvtepu8_epi64(
			_mm_cvtsi32_si128((int)de))));
		y[2 * v + 1] = _mm256_add_epi64(y[2 * v + 1], la_rshift_round(po[v],
			_mm256_cvtepu8_epi64(_mm_cvtsi32_si128((int)dO))));
	}
}

/* Tiles [t0, t1) for every token, q constant after inlining. */
LA_INLINE void la_tiles(const struct fllm_cpu_lg_job *job, uint32_t t0, uint32_t t1,
			const uint32_t q)
{
	const struct fllm_cpu_lutgemm_pack *pk = job->pk;
	const uint32_t g = job->w->group, groups = job->groups, n_tok = job->n;
	__m256i y[FLLM_LUTGEMM_N_MAX][8];	/* (n, 8) int64 row accumulators */

	for (uint32_t t = t0; t < t1; t++) {
		const uint8_t *tile = pk->tiles + (size_t)t * pk->tile_bytes;
		uint32_t r0 = t * FLLM_CPU_LA_ROWS;
		uint32_t rows = job->w->m - r0 < FLLM_CPU_LA_ROWS ? job->w->m - r0 :
				FLLM_CPU_LA_ROWS;

		for (uint32_t n = 0; n < n_tok; n++)
			for (uint32_t v = 0; v < 8; v++)
				y[n][v] = _mm256_setzero_si256();
		for (uint32_t grp = 0; grp < groups; grp++) {
			const uint8_t *blk = tile + (size_t)grp * pk->group_bytes;
			for (uint32_t o = 0; o < pk->group_bytes; o += 64)
				_mm_prefetch((const char *)(blk + LA_PREFETCH_L2 + o), _MM_HINT_T1);
			for (uint32_t n = 0; n < n_tok; n++) {
				size_t ng = (size_t)n * groups + grp;

				la_group(blk, job->tabs + n * job->tab_stride +
					 (size_t)grp * (g / 8) * FLLM_CPU_LA_TAB_CHUNK, q, g,
					 job->sums[ng], job->msx[ng], y[n],
					 n ? NULL : blk + LA_PREFETCH_L1);
			}
		}
		for (uint32_t n = 0; n < n_tok; n++) {
			int64_t ya[8][4];

			memcpy(ya, y[n], sizeof(ya));
			for (uint32_t v = 0; v < 4; v++) {
				for (uint32_t e = 0; e < 8; e++) {
					uint32_t r = FLLM_CPU_LA_ROW(v, e);
					int16_t e_row;

					if (r >= rows)
						continue;
					memcpy(&e_row, tile + pk->erow_off + 2 * r, 2);
					job->y[n * job->y_stride + r0 + r] =
						fllm_cpu_lg_y(job, n, ya[2 * v + (e & 1)][e / 2], e_row);
				}
			}
		}
	}
}

/* Entry point: one specialization per plane count. */
void fllm_cpu_lutgemm_tiles_avx2(const struct fllm_cpu_lg_job *job, uint32_t t0, uint32_t t1)
{
	FLLM_CPU_BY_PLANES(job->w->planes, la_tiles, job, t0, t1);
}
#endif /* __x86_64__ */
