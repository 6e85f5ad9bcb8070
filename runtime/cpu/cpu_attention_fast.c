/*
 * The attention unit's host twin (fllm_cpu_attention_run): the commands of
 * the golden function fllm_attention_unit_run (hls/attention.c), bit for
 * bit, at host speed. Same parameter step and the same algorithm with the
 * same order of every rounding step (tiles of FLLM_ATTN_TILE positions;
 * per tile the logits, the running maxima and their rescaling, then the
 * sums), the datapath steps of hls/attention_math.c; what changes is the
 * memory side: keys and values are read in place in the KV blocks (no
 * on-chip copy, one block-table read per tile and block), rows are loaded
 * as words, and the F_QUANT record goes through the host quantizer.
 */
#include "cpu_units.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "../../hls/attention_internal.h"
#include "fllm_cpu.h"

_Static_assert(FLLM_ATTN_TILE <= 16, "af_tile_head's exact double sums assume tiles of <= 16");

/* One tile's keys and values of one kv head, in place. */
struct af_tile {
	const int8_t *kq[FLLM_ATTN_TILE], *vq[FLLM_ATTN_TILE];
	uint16_t km[FLLM_ATTN_TILE], vm[FLLM_ATTN_TILE];
	int16_t ke[FLLM_ATTN_TILE], ve[FLLM_ATTN_TILE];
};

/* Load head h (d values) of the fp32 row at row, sanitized. */
static void af_load_head(uint32_t *x, const uint8_t *row, uint32_t h, uint32_t d, uint64_t *nf)
{
	for (uint32_t i = 0; i < d; i++)
		x[i] = cpu_unit_load(row + 4ull * ((uint64_t)h * d + i), nf);
}

/* Quantize x (d) into the cache: int8 at q, the scale {m, e} at s. */
static void af_store_kv(const uint32_t *x, uint32_t d, uint8_t *q, uint8_t *s)
{
	struct fllm_attention_qrow sc;
	int16_t e;

	fllm_attention_quant(x, d, (int8_t *)q, &sc);
	e = (int16_t)sc.e;
	memcpy(s, &sc.m, 2);
	memcpy(s + 2, &e, 2);
}

/* APPEND: every new token of every sequence, every kv head, K then V. */
static void af_append(struct fllm_attention_onchip *oc, uint8_t *mem,
		      const struct fllm_attention_params *p, uint64_t *nf)
{
	uint32_t kh = p->n_kv_heads, b = p->block_tokens, d = p->head_dim;
	struct fllm_attention_seq s;

	for (uint32_t si = 0; si < p->n_seqs; si++) {
		fllm_attn_seq_read(mem, p, si, &s);
		for (uint32_t i = 0; i < s.n_tokens; i++) {
			uint32_t pos = s.pos + i, slot = pos % b;
			uint8_t *blk = mem + fllm_attn_block_addr(mem, p, &s, pos);
			uint64_t r = s.row + i;

			for (uint32_t h = 0; h < kh; h++) {
				af_load_head(oc->x, mem + p->k_addr + r * p->k_stride, h, d, nf);
				af_store_kv(oc->x, d, blk + fllm_attention_k_offset(kh, b, d, h, slot),
					    blk + fllm_attention_ks_offset(kh, b, d, h, slot));
				af_load_head(oc->x, mem + p->v_addr + r * p->v_stride, h, d, nf);
				af_store_kv(oc->x, d, blk + fllm_attention_v_offset(kh, b, d, h, slot),
					    blk + fllm_attention_vs_offset(kh, b, d, h, slot));
			}
		}
	}
}

/* Pointers and scales of kv head j at positions p0 .. p0 + c - 1. */
static void af_tile_load(struct af_tile *tl, const uint8_t *mem,
			 const struct fllm_attention_params *p, const struct fllm_attention_seq *s,
			 uint32_t j, uint32_t p0, uint32_t c)
{
	uint32_t kh = p->n_kv_heads, b = p->block_tokens, d = p->head_dim;
	const uint8_t *blk = NULL;

	for (uint32_t t = 0; t < c; t++) {
		uint32_t slot = (p0 + t) % b;
		const uint8_t *sc;

		if (!blk || slot == 0)
			blk = mem + fllm_attn_block_addr(mem, p, s, p0 + t);
		tl->kq[t] = (const int8_t *)(blk + fllm_attention_k_offset(kh, b, d, j, slot));
		tl->vq[t] = (const int8_t *)(blk + fllm_attention_v_offset(kh, b, d, j, slot));
		sc = blk + fllm_attention_ks_offset(kh, b, d, j, slot);
		memcpy(&tl->km[t], sc, 2);
		memcpy(&tl->ke[t], sc + 2, 2);
		sc = blk + fllm_attention_vs_offset(kh, b, d, j, slot);
		memcpy(&tl->vm[t], sc, 2);
		memcpy(&tl->ve[t], sc + 2, 2);
	}
}

/* sum of x[i] * k[i] over d int8 (exact in int32: |sum| <= 256 * 2^14). */
static inline int32_t af_dot(const int8_t *x, const int8_t *k, uint32_t d)
{
	int32_t dot = 0;
	uint32_t i = 0;
#if defined(__SSE2__)
	__m128i acc = _mm_setzero_si128();

	for (; i + 8 <= d; i += 8) {
		__m128i a = _mm_loadl_epi64((const __m128i *)(const void *)(x + i));
		__m128i b = _mm_loadl_epi64((const __m128i *)(const void *)(k + i));

		/* int8 -> int16 by sign: unpack with itself, shift right arithmetic */
		a = _mm_srai_epi16(_mm_unpacklo_epi8(a, a), 8);
		b = _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
		acc = _mm_add_epi32(acc, _mm_madd_epi16(a, b));
	}
	acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0x4e));
	acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0xb1));
	dot = _mm_cvtsi128_si32(acc);
#endif
	for (; i < d; i++)
		dot += (int32_t)x[i] * k[i];
	return dot;
}

/*
 * num[i] += sum over t of wv[t] * vq_t[i], for the tile's c positions, in
 * doubles, exactly: 0 <= wv < 2^23 * 2^16, |vq| <= 128, so every product is
 * below 2^46 and every partial sum of a tile's (<= 16) products below 2^50,
 * integers a double holds exactly, so the order of the sums does not
 * matter. Eight columns at a time in registers, positions inner.
 */
static void af_weighted_values(const struct af_tile *tl, const int64_t *wv, uint32_t c,
			       uint32_t d, int64_t *num)
{
	const int8_t *vq[FLLM_ATTN_TILE];
	double w[FLLM_ATTN_TILE];
	uint32_t n = 0, i = 0;

	for (uint32_t t = 0; t < c; t++)
		if (wv[t]) {
			w[n] = (double)wv[t];
			vq[n++] = tl->vq[t];
		}
#if defined(__SSE2__)
	for (; i + 8 <= d; i += 8) {
		__m128d a[4] = { _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(),
				 _mm_setzero_pd() };
		double s[8];

		for (uint32_t u = 0; u < n; u++) {
			__m128d wu = _mm_set1_pd(w[u]);
			__m128i v = _mm_loadl_epi64((const __m128i *)(const void *)(vq[u] + i));
			__m128i v16 = _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
			__m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(v16, v16), 16);
			__m128i hi = _mm_srai_epi32(_mm_unpackhi_epi16(v16, v16), 16);

			a[0] = _mm_add_pd(a[0], _mm_mul_pd(wu, _mm_cvtepi32_pd(lo)));
			a[1] = _mm_add_pd(a[1], _mm_mul_pd(wu, _mm_cvtepi32_pd(
				_mm_shuffle_epi32(lo, 0x4e))));
			a[2] = _mm_add_pd(a[2], _mm_mul_pd(wu, _mm_cvtepi32_pd(hi)));
			a[3] = _mm_add_pd(a[3], _mm_mul_pd(wu, _mm_cvtepi32_pd(
				_mm_shuffle_epi32(hi, 0x4e))));
		}
		for (uint32_t j = 0; j < 4; j++)
			_mm_storeu_pd(s + 2 * j, a[j]);
		for (uint32_t j = 0; j < 8; j++)
			num[i + j] += (int64_t)s[j];
	}
#endif
	for (; i < d; i++) {
		double acc = 0.0;

		for (uint32_t u = 0; u < n; u++)
			acc += w[u] * (double)vq[u][i];
		num[i] += (int64_t)acc;
	}
}

/* One tile for query head k of the group: hls/attention.c's attn_tile_head. */
static void af_tile_head(struct fllm_attention_onchip *oc, const struct af_tile *tl, uint32_t k,
			 uint32_t d, uint32_t c, int first)
{
	int64_t mt = INT64_MIN, vt = INT64_MIN, zc[FLLM_ATTN_TILE], wv[FLLM_ATTN_TILE];
	const int8_t *xq = oc->xq[k];
	int64_t *num = oc->num[k];

	for (uint32_t t = 0; t < c; t++) {
		const int8_t *kq = tl->kq[t];
		int32_t dot = 0;

		dot = af_dot(xq, kq, d);
		oc->z[t] = fllm_attn_logit(dot, tl->km[t], oc->qm[k], oc->qsh[k] + tl->ke[t]);
		zc[t] = fllm_attention_zceil(oc->z[t]);
		mt = zc[t] > mt ? zc[t] : mt;
		{
			/* branch-free: the comparison's outcome is data, not a pattern */
			int64_t cand = tl->vm[t] ? zc[t] - tl->ve[t] : INT64_MIN;

			vt = cand > vt ? cand : vt;
		}
	}
	if (first) {
		oc->mx[k] = mt;
		oc->mv[k] = INT64_MIN;
		oc->den[k] = 0;
		memset(num, 0, sizeof(*num) * d);
	}
	if (mt > oc->mx[k]) {
		oc->den[k] = (uint64_t)fllm_attn_rescale((int64_t)oc->den[k], mt - oc->mx[k]);
		oc->mx[k] = mt;
	}
	if (vt > oc->mv[k]) {
		if (oc->mv[k] != INT64_MIN)
			for (uint32_t i = 0; i < d; i++)
				num[i] = fllm_attn_rescale(num[i], vt - oc->mv[k]);
		oc->mv[k] = vt;
	}
	/* the tile's weighted values: integer sums, exact in any order */
	for (uint32_t t = 0; t < c; t++) {
		/* both weights of position t share z's fraction, so 2^fraction too */
		uint32_t p = fllm_vec_exp2_frac((uint32_t)(oc->z[t] & 0xffffff));

		oc->den[k] += fllm_attn_weight_shift(p, oc->z[t] - oc->mx[k] * FLLM_ATTN_ONE);
		wv[t] = tl->vm[t] ? fllm_attn_weight_shift(p, oc->z[t] - (tl->ve[t] + oc->mv[k]) *
									   FLLM_ATTN_ONE) *
					    (int64_t)tl->vm[t] :
				    0;
	}
	af_weighted_values(tl, wv, c, d, num);
}

/* Head k of the group as output head h: fp32 into out, or into oc->y (F_QUANT). */
static void af_store_head(struct fllm_attention_onchip *oc, uint8_t *out,
			  const struct fllm_attention_params *p, uint32_t k, uint32_t h)
{
	uint32_t d = p->head_dim;
	int64_t dm = oc->mv[k] == INT64_MIN ? 0 : oc->mv[k] - oc->mx[k];
	uint32_t *y = p->flags & FLLM_ATTN_F_QUANT ? oc->y + (uint64_t)h * d : oc->x;
	uint64_t r;
	int32_t sr;

	fllm_attention_recip(oc->den[k], &r, &sr);
	for (uint32_t i = 0; i < d; i++)
		y[i] = fllm_attention_out(oc->num[k][i], r, sr, dm);
	if (!(p->flags & FLLM_ATTN_F_QUANT))
		memcpy(out + 4ull * h * d, y, 4ull * d);
}

/* One query token at position pos, row r: every kv head and its group. */
static void af_query(struct fllm_attention_onchip *oc, uint8_t *mem,
		     const struct fllm_attention_params *p, const struct fllm_attention_seq *s,
		     uint32_t pos, uint64_t r, uint64_t *nf)
{
	uint32_t g = p->n_heads / p->n_kv_heads, d = p->head_dim;
	uint8_t *out = mem + p->out_addr + r * p->out_stride;
	const uint8_t *qrow = mem + p->q_addr + r * p->q_stride;
	struct af_tile tl;

	for (uint32_t j = 0; j < p->n_kv_heads; j++) {
		for (uint32_t k = 0; k < g; k++) {
			struct fllm_attention_qrow sc;
			int32_t qr;

			af_load_head(oc->x, qrow, j * g + k, d, nf);
			fllm_attention_quant(oc->x, d, oc->xq[k], &sc);
			fllm_attention_qfactor(sc.m, p->scale_m, &oc->qm[k], &qr);
			oc->qsh[k] = (int64_t)sc.e + p->scale_e - qr - FLLM_ATTN_ZFRAC;
		}
		for (uint32_t p0 = 0; p0 <= pos; p0 += FLLM_ATTN_TILE) {
			uint32_t c = pos - p0 + 1 < FLLM_ATTN_TILE ? pos - p0 + 1 : FLLM_ATTN_TILE;

			af_tile_load(&tl, mem, p, s, j, p0, c);
			for (uint32_t k = 0; k < g; k++)
				af_tile_head(oc, &tl, k, d, c, p0 == 0);
		}
		for (uint32_t k = 0; k < g; k++)
			af_store_head(oc, out, p, k, j * g + k);
	}
	if (p->flags & FLLM_ATTN_F_QUANT)
		cpu_unit_quant_store(out, oc->y, oc->gmax, (uint32_t)p->n_heads * d, p->group);
}

/* See fllm_cpu.h. */
int fllm_cpu_attention_run(struct fllm_attention_onchip *oc, uint8_t *mem, uint64_t mem_bytes,
			   uint64_t params, uint64_t params_bytes, uint64_t *nonfinite)
{
	struct fllm_attention_params p;
	struct fllm_attention_seq s;
	enum fllm_card_err err;
	uint64_t nf = 0;

	err = fllm_unit_block_fetch(mem, mem_bytes, params, params_bytes, &p, sizeof(p));
	if (err == FLLM_CARD_OK)
		err = fllm_attention_params_check(&p, mem, mem_bytes, params);
	if (err != FLLM_CARD_OK)
		return (int)err;
	if (p.op == FLLM_ATTN_OP_APPEND) {
		af_append(oc, mem, &p, &nf);
	} else {
		for (uint32_t si = 0; si < p.n_seqs; si++) {
			fllm_attn_seq_read(mem, &p, si, &s);
			for (uint32_t i = 0; i < s.n_tokens; i++)
				af_query(oc, mem, &p, &s, s.pos + i, (uint64_t)s.row + i, &nf);
		}
	}
	*nonfinite = nf;
	return FLLM_CARD_OK;
}
