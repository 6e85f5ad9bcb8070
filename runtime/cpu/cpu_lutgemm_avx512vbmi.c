/*
 * LUT-GEMM on the tiled layout (cpu_internal.h) with AVX-512 VBMI and VNNI,
 * bit-identical to the card. The lookup-table idea is T-MAC (Wei et al.,
 * 2024) and LUT-GEMM (Park et al., 2024); this is an exact integer form of it.
 *
 * Per token, each activation x (int8) is split as x = 16 xh + xl with
 * xl = x & 15 in 0..15 and xh = x >> 4 in -8..7. For every 4 inputs (a
 * quad) two 16-entry tables hold, for each nibble n of weight bits, the sum
 * of xl (0..60) and of xh (-32..28) over the set bits: both fit a byte. Four
 * quads' tables fill one 64-byte register, indexed by vpermb with 6 bits:
 * bits 0-3 the nibble, bits 4-5 the quad.
 *
 * A tile interleaves 16 rows so that one 64-byte unit holds 32 inputs of one
 * plane for all 16 rows, byte 4j + u = row j's quad u with the first 16
 * inputs in the low nibble and the next 16 in the high one. An and (or a
 * shift and an and) keeps a nibble and vpternlogd adds the quad number u, so
 * each unit gives two index vectors without any shuffle; four vpermb then
 * give each row's TL and TH bytes of both halves. Bytes are summed with
 * vpaddb over two units (TL: 4 * 60 <= 255 unsigned; TH: 4 * [-32, 28] in
 * [-128, 112] signed) before one vpdpbusd each adds a row's 4 bytes into its
 * int32 lane: T01 += sum(TL) * 1 + 16 * sum(TH), the sum of the row's
 * activations whose bit is 1. Exact: a group's T01 is at most 128 g <= 2^15
 * in size.
 *
 * Per group (16 rows at once, in int64 lanes, even and odd rows apart):
 * V = sum_i a_i T01_i (vpmaddwd on plane pairs for g <= 128, vpmuldq per
 * plane for g = 256; |V| <= 8 * 2^30), then with c = zq - sum_i a_i (so
 * 2 V + c S = sum_i a_i T_i + zq S of the spec, since T = 2 T01 - S)
 * p = 2 msx V + (msx S) c (|p| < 2^50), rshift_round by d (vpsllvq,
 * vpsravq), summed into int64 row accumulators: the arithmetic of
 * docs/numerics.md 3 in another (exact) order.
 */
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "cpu_variant.h"

#define LV_INLINE static inline __attribute__((always_inline))
#define LV_Q_MAX FLLM_LUTGEMM_Q_MAX

/* Constants of the lookup step. */
struct lv_k {
	__m512i lo4, qid;	/* 0x0f; quad number << 4 by byte position */
	__m512i ones, sixteen;	/* vpdpbusd weights of TL and TH */
};

/* Build the constants once per call. */
LV_INLINE void lv_k_init(struct lv_k *k)
{
	k->lo4 = _mm512_set1_epi8(0x0f);
	k->qid = _mm512_set1_epi32(0x30201000);
	k->ones = _mm512_set1_epi8(1);
	k->sixteen = _mm512_set1_epi8(16);
}

/* Tables (TL, TH) of 16 activations xb: byte 16j + n = sum over bits b of n of xl/xh[4j+b]. */
LV_INLINE void lv_tables16(const int8_t *xb /* (16) */, uint8_t *out /* (128): TL, TH */)
{
	static const uint64_t kmask[4] = { 0xaaaaaaaaaaaaaaaaull, 0xccccccccccccccccull,
					   0xf0f0f0f0f0f0f0f0ull, 0xff00ff00ff00ff00ull };
	__m512i x = _mm512_zextsi128_si512(_mm_loadu_si128((const __m128i *)xb));
	__m512i xl = _mm512_and_si512(x, _mm512_set1_epi8(0x0f));
	__m512i xh = _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(
		_mm512_xor_si512(x, _mm512_set1_epi8((char)0x80)), 4), _mm512_set1_epi8(0x0f)),
		_mm512_set1_epi8(8));
	__m512i tl = _mm512_setzero_si512(), th = tl;

	for (int b = 0; b < 4; b++) {
		/* byte p takes input 4 (p >> 4) + b */
		__m512i idx = _mm512_add_epi8(_mm512_set_epi8(
			12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
			8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
			4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), _mm512_set1_epi8((char)b));
		__mmask64 m = _cvtu64_mask64(kmask[b]);

		tl = _mm512_add_epi8(tl, _mm512_maskz_permutexvar_epi8(m, idx, xl));
		th = _mm512_add_epi8(th, _mm512_maskz_permutexvar_epi8(m, idx, xh));
	}
	_mm512_storeu_si512(out, tl);
	_mm512_storeu_si512(out + 64, th);
}

/* Every token's tables: (lines, TL_a, TH_a, TL_b, TH_b) of 64 bytes. */
void fllm_cpu_lutgemm_tables_avx512vbmi(const struct fllm_cpu_lg_job *job)
{
	uint32_t lines = job->pk->lines;

	for (uint32_t n = 0; n < job->n; n++) {
		const int8_t *x = job->xq + n * job->xq_stride;	/* zero past K */
		uint8_t *t = job->tabs + n * job->tab_stride;	/* (lines, 256) */

		for (uint32_t b = 0; b < 2 * lines; b++)
			lv_tables16(x + 16 * b, t + 128 * b);
	}
}

/* The tables of one line: TL, TH of its first and second 16 inputs. */
struct lv_tab {
	__m512i la, ha, lb, hb;
};

LV_INLINE void lv_tab_load(struct lv_tab *t, const uint8_t *tb /* (256) */)
{
	t->la = _mm512_load_si512(tb);
	t->ha = _mm512_load_si512(tb + 64);
	t->lb = _mm512_load_si512(tb + 128);
	t->hb = _mm512_load_si512(tb + 192);
}

/* TL and TH bytes of one unit: the halves' lookups (a, b) for the caller to sum or keep. */
LV_INLINE void lv_look(const struct lv_k *k, const uint8_t *unit /* (64) */,
		       const struct lv_tab *t, __m512i *la, __m512i *ha, __m512i *lb, __m512i *hb)
{
	__m512i bits = _mm512_loadu_si512(unit);
	__m512i ia = _mm512_ternarylogic_epi32(bits, k->lo4, k->qid, 0xea);
	__m512i ib = _mm512_ternarylogic_epi32(_mm512_srli_epi16(bits, 4), k->lo4, k->qid, 0xea);

	*la = _mm512_permutexvar_epi8(ia, t->la);
	*ha = _mm512_permutexvar_epi8(ia, t->ha);
	*lb = _mm512_permutexvar_epi8(ib, t->lb);
	*hb = _mm512_permutexvar_epi8(ib, t->hb);
}

/* acc += sum(l) + 16 sum(h) over each row's 4 bytes (l unsigned, h signed). */
LV_INLINE __m512i lv_acc(const struct lv_k *k, __m512i acc, __m512i l, __m512i h)
{
	acc = _mm512_dpbusd_epi32(acc, l, k->ones);
	return _mm512_dpbusd_epi32(acc, k->sixteen, h);
}

/*
 * Group epilogue for 16 rows: t (q) int32 T01 per row, sc the group's
 * scales; adds rshift_round(msx (2 V + c S), d) to ye (rows 0, 2, ..) and
 * yo (rows 1, 3, ..). For g <= 128, |T01| <= 2^14, so two planes go through
 * one vpmaddwd (|a_i T_i + a_j T_j| <= 2^30); for g = 256 each product gets
 * its own vpmuldq.
 */
LV_INLINE void lv_group(const uint8_t *sc /* (LV_SCALE(q)) */, const uint32_t q,
			const uint32_t g, const __m512i *t /* (q) */, int32_t s, uint16_t msx,
			__m512i *ye, __m512i *yo)
{
	const __m512i one = _mm512_set1_epi64(1);
	const uint8_t *cd = sc + FLLM_CPU_LV_C_OFF(q);	/* c (16) int32, d (16) u8 */
	__m512i ve = _mm512_setzero_si512(), vo = ve, c, de, dO, pe, po;

	for (uint32_t i = 0; i < q; i += 2) {
		__m512i ap = _mm512_loadu_si512(sc + 32 * i);	/* (16) a_i, a_i+1 pairs */

		if (g <= 128) {
			__m512i tp = i + 1 < q ? _mm512_mask_blend_epi16(0xaaaaaaaau, t[i],
						 _mm512_slli_epi32(t[i + 1], 16)) : t[i];
			__m512i r = _mm512_madd_epi16(tp, ap);

			ve = _mm512_add_epi64(ve, _mm512_srai_epi64(_mm512_slli_epi64(r, 32), 32));
			vo = _mm512_add_epi64(vo, _mm512_srai_epi64(r, 32));
			continue;
		}
		for (uint32_t h = 0; h < 2 && i + h < q; h++) {
			__m512i a = _mm512_srai_epi32(h ? ap : _mm512_slli_epi32(ap, 16), 16);

			ve = _mm512_add_epi64(ve, _mm512_mul_epi32(t[i + h], a));
			vo = _mm512_add_epi64(vo, _mm512_mul_epi32(_mm512_srli_epi64(t[i + h], 32),
								   _mm512_srli_epi64(a, 32)));
		}
	}
	/* p = 2 msx V + (msx S) c; msx S fits int32 (|.| <= 65535 * 32768) */
	c = _mm512_loadu_si512(cd);
	pe = _mm512_set1_epi64((int64_t)msx * s);
	po = _mm512_mul_epi32(_mm512_srli_epi64(c, 32), pe);
	pe = _mm512_mul_epi32(c, pe);
	c = _mm512_set1_epi64(2 * (int64_t)msx);
	pe = _mm512_add_epi64(pe, _mm512_mullo_epi64(ve, c));
	po = _mm512_add_epi64(po, _mm512_mullo_epi64(vo, c));
	de = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(cd + 64)));
	dO = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(cd + 72)));
	/* + 2^(d-1) (0 for d = 0), then an arithmetic shift by d */
	pe = _mm512_add_epi64(pe, _mm512_srli_epi64(_mm512_sllv_epi64(one, de), 1));
	po = _mm512_add_epi64(po, _mm512_srli_epi64(_mm512_sllv_epi64(one, dO), 1));
	*ye = _mm512_add_epi64(*ye, _mm512_srav_epi64(pe, de));
	*yo = _mm512_add_epi64(*yo, _mm512_srav_epi64(po, dO));
}

/*
 * y_acc of one tile's 16 rows for token n (q constant after inlining):
 * groups of g >= 32 span g / 32 units per plane; with g = 16 a unit's
 * halves are two groups.
 */
LV_INLINE void lv_tile_token(const struct fllm_cpu_lg_job *job, const struct lv_k *k,
			     const uint8_t *tile /* (tile_bytes) */, uint32_t n, const uint32_t q,
			     int64_t *yacc /* (16) */)
{
	const struct fllm_cpu_lutgemm_pack *pk = job->pk;
	const uint32_t g = job->w->group, groups = job->groups;
	const uint32_t per = g >= 32 ? g / 32 : 1, step = g >= 32 ? 1 : 2;	/* lines, groups */
	const uint8_t *tabs = job->tabs + n * job->tab_stride;	/* (lines, 256) */
	const int32_t *sums = job->sums + (size_t)n * groups;	/* (groups) */
	const uint16_t *msx = job->msx + (size_t)n * groups;	/* (groups) */
	__m512i ye = _mm512_setzero_si512(), yo = ye;
	int64_t te[8], to[8];

	for (uint32_t grp = 0; grp < groups; grp += step) {
		__m512i acc_a[LV_Q_MAX], acc_b[LV_Q_MAX];
		const uint8_t *sc = tile + pk->scales_off + (size_t)grp * FLLM_CPU_LV_SCALE(q);
		uint32_t l0 = grp * g / 32;

#pragma GCC unroll 8
		for (uint32_t i = 0; i < q; i++) {
			acc_a[i] = _mm512_setzero_si512();
			acc_b[i] = acc_a[i];
		}
		for (uint32_t o = 0; o < step * FLLM_CPU_LV_SCALE(q); o += 64)
			_mm_prefetch((const char *)(sc + pk->tile_bytes + o), _MM_HINT_T0);
		if (g == 16) {		/* one line: halves are groups grp and grp + 1 */
			struct lv_tab t;

			lv_tab_load(&t, tabs + (size_t)l0 * FLLM_CPU_LV_TAB_LINE);
#pragma GCC unroll 8
			for (uint32_t i = 0; i < q; i++) {
				__m512i la, ha, lb, hb;

				lv_look(k, tile + ((size_t)l0 * q + i) * 64, &t, &la, &ha, &lb, &hb);
				acc_a[i] = lv_acc(k, acc_a[i], la, ha);
				acc_b[i] = lv_acc(k, acc_b[i], lb, hb);
			}
			lv_group(sc, q, g, acc_a, sums[grp], msx[grp], &ye, &yo);
			if (grp + 1 < groups)
				lv_group(sc + FLLM_CPU_LV_SCALE(q), q, g, acc_b, sums[grp + 1],
					 msx[grp + 1], &ye, &yo);
			continue;
		}
		if (g == 32) {		/* one line per group: sum its halves */
			struct lv_tab t;

			lv_tab_load(&t, tabs + (size_t)l0 * FLLM_CPU_LV_TAB_LINE);
#pragma GCC unroll 8
			for (uint32_t i = 0; i < q; i++) {
				__m512i la, ha, lb, hb;

				lv_look(k, tile + ((size_t)l0 * q + i) * 64, &t, &la, &ha, &lb, &hb);
				acc_a[i] = lv_acc(k, acc_a[i], _mm512_add_epi8(la, lb),
						  _mm512_add_epi8(ha, hb));
			}
			lv_group(sc, q, g, acc_a, sums[grp], msx[grp], &ye, &yo);
			continue;
		}
		for (uint32_t l = l0; l < l0 + per; l += 2) {	/* two lines: 4 bytes summed */
			const uint8_t *tb = tabs + (size_t)l * FLLM_CPU_LV_TAB_LINE;
			const uint8_t *next = tile + pk->tile_bytes + (size_t)l * q * 64;
			struct lv_tab t0, t1;

#pragma GCC unroll 16
			for (uint32_t i = 0; i < 2 * q; i++)	/* the next tile, one tile ahead */
				_mm_prefetch((const char *)(next + i * 64), _MM_HINT_T0);

			lv_tab_load(&t0, tb);
			lv_tab_load(&t1, tb + FLLM_CPU_LV_TAB_LINE);
#pragma GCC unroll 8
			for (uint32_t i = 0; i < q; i++) {
				__m512i la, ha, lb, hb, la1, ha1, lb1, hb1;

				lv_look(k, tile + ((size_t)l * q + i) * 64, &t0, &la, &ha, &lb, &hb);
				lv_look(k, tile + ((size_t)(l + 1) * q + i) * 64, &t1, &la1, &ha1,
					&lb1, &hb1);
				la = _mm512_add_epi8(_mm512_add_epi8(la, lb), _mm512_add_epi8(la1, lb1));
				ha = _mm512_add_epi8(_mm512_add_epi8(ha, hb), _mm512_add_epi8(ha1, hb1));
				acc_a[i] = lv_acc(k, acc_a[i], la, ha);
			}
		}
		lv_group(sc, q, g, acc_a, sums[grp], msx[grp], &ye, &yo);
	}
	_mm512_storeu_si512(te, ye);
	_mm512_storeu_si512(to, yo);
	for (uint32_t j = 0; j < 8; j++) {
		yacc[2 * j] = te[j];
		yacc[2 * j + 1] = to[j];
	}
}

/* Tiles [t0, t1) for every token, q constant after inlining. */
LV_INLINE void lv_tiles(const struct fllm_cpu_lg_job *job, uint32_t t0, uint32_t t1,
			const uint32_t q)
{
	const struct fllm_cpu_lutgemm_pack *pk = job->pk;
	struct lv_k k;

	lv_k_init(&k);
	for (uint32_t t = t0; t < t1; t++) {
		const uint8_t *tile = pk->tiles + (size_t)t * pk->tile_bytes;
		uint32_t r0 = t * FLLM_CPU_LV_ROWS;
		uint32_t rows = job->w->m - r0 < FLLM_CPU_LV_ROWS ? job->w->m - r0 :
				FLLM_CPU_LV_ROWS;

		for (uint32_t n = 0; n < job->n; n++) {
			int64_t yacc[FLLM_CPU_LV_ROWS];

			lv_tile_token(job, &k, tile, n, q, yacc);
			for (uint32_t j = 0; j < rows; j++) {
				int16_t e_row;

				memcpy(&e_row, tile + pk->erow_off + 2 * j, 2);
				job->y[n * job->y_stride + r0 + j] =
					fllm_cpu_lg_y(job, n, yacc[j], e_row);
			}
		}
	}
}

/* Entry point: one specialization per plane count. */
void fllm_cpu_lutgemm_tiles_avx512vbmi(const struct fllm_cpu_lg_job *job, uint32_t t0,
				       uint32_t t1)
{
	FLLM_CPU_BY_PLANES(job->w->planes, lv_tiles, job, t0, t1);
}
#endif /* __x86_64__ */
