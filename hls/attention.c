/*
 * The attention compute unit in Vitis-HLS C: the golden model of
 * FLLM_OP_ATTENTION (docs/numerics.md "Attention unit"). RTL must match it
 * bit for bit.
 *
 * Unit structure. APPEND quantizes each (token, kv head) row of k and v and
 * writes it with its scale into the token's slot of its KV block. DECODE
 * and PREFILL work per (query token, kv head): the unit quantizes the
 * queries of the kv head's group of query heads into on-chip memory, then
 * streams the keys and values of positions 0..P (P = the token's position)
 * in tiles of 16 through the sequence's block table; per tile and head it
 * computes the logits, raises the running maxima (rescaling the sums) and
 * adds the weighted values. At the end of the context it converts every
 * head's sums to fp32. On-chip state is bounded whatever the context.
 */
#include "attention_internal.h"

/* Load head h (d fp32 values) of the row at card address row, sanitized. */
static void attn_load_head(uint32_t *x /* (d) */, const uint8_t *mem /* card memory */,
			   uint64_t row, uint32_t h, uint32_t d, uint64_t *nf)
{
	for (uint32_t i = 0; i < d; i++) {
#pragma HLS PIPELINE II=1
		x[i] = fllm_vec_sanitize(fllm_lg_rd32(mem, row + 4ull * ((uint64_t)h * d + i)), nf);
	}
}

/* Quantize x into the cache: d int8 at addr q, the scale {m, e} at addr s. */
static void attn_store_kv(uint8_t *mem /* card memory */, const uint32_t *x /* (d) */,
			  uint32_t d, uint64_t q, uint64_t s)
{
	int8_t v[FLLM_ATTN_HEAD_DIM_MAX];	/* (d) */
	struct fllm_attention_qrow sc;

	fllm_attention_quant(x, d, v, &sc);
	for (uint32_t i = 0; i < d; i++)
		mem[q + i] = (uint8_t)v[i];
	fllm_lg_wr16(mem, s, sc.m);
	fllm_lg_wr16(mem, s + 2, (uint16_t)(int16_t)sc.e);
}

/* APPEND: every new token of every sequence, every kv head, K then V. */
static void attn_append(struct fllm_attention_onchip *oc, uint8_t *mem /* card memory */,
			const struct fllm_attention_params *p, uint64_t *nf)
{
	uint32_t kh = p->n_kv_heads, b = p->block_tokens, d = p->head_dim;
	struct fllm_attention_seq s;

	for (uint32_t si = 0; si < p->n_seqs; si++) {
		fllm_attn_seq_read(mem, p, si, &s);
		for (uint32_t i = 0; i < s.n_tokens; i++) {
			uint32_t pos = s.pos + i, slot = pos % b;
			uint64_t blk = fllm_attn_block_addr(mem, p, &s, pos);
			uint64_t r = s.row + i;

			for (uint32_t h = 0; h < kh; h++) {
				attn_load_head(oc->x, mem, p->k_addr + r * p->k_stride, h, d, nf);
				attn_store_kv(mem, oc->x, d,
					      blk + fllm_attention_k_offset(kh, b, d, h, slot),
					      blk + fllm_attention_ks_offset(kh, b, d, h, slot));
				attn_load_head(oc->x, mem, p->v_addr + r * p->v_stride, h, d, nf);
				attn_store_kv(mem, oc->x, d,
					      blk + fllm_attention_v_offset(kh, b, d, h, slot),
					      blk + fllm_attention_vs_offset(kh, b, d, h, slot));
			}
		}
	}
}

/* Quantize the queries of kv head j's group (heads j*g .. j*g+g-1) of row r. */
static void attn_load_queries(struct fllm_attention_onchip *oc,
			      const uint8_t *mem /* card memory */,
			      const struct fllm_attention_params *p, uint64_t row, uint32_t j,
			      uint32_t g, uint64_t *nf)
{
	struct fllm_attention_qrow sc;
	int32_t qr;

	for (uint32_t k = 0; k < g; k++) {
		attn_load_head(oc->x, mem, row, j * g + k, p->head_dim, nf);
		fllm_attention_quant(oc->x, p->head_dim, oc->xq[k], &sc);
		fllm_attention_qfactor(sc.m, p->scale_m, &oc->qm[k], &qr);
		oc->qsh[k] = (int64_t)sc.e + p->scale_e - qr - FLLM_ATTN_ZFRAC;
	}
}

/* Load the keys and values of kv head j at positions p0 .. p0 + c - 1. */
static void attn_load_tile(struct fllm_attention_onchip *oc, const uint8_t *mem /* card memory */,
			   const struct fllm_attention_params *p,
			   const struct fllm_attention_seq *s, uint32_t j, uint32_t p0, uint32_t c)
{
	uint32_t kh = p->n_kv_heads, b = p->block_tokens, d = p->head_dim;

	for (uint32_t t = 0; t < c; t++) {
		uint64_t blk = fllm_attn_block_addr(mem, p, s, p0 + t);
		uint32_t slot = (p0 + t) % b;
		uint64_t ks = blk + fllm_attention_ks_offset(kh, b, d, j, slot);
		uint64_t vs = blk + fllm_attention_vs_offset(kh, b, d, j, slot);

		for (uint32_t i = 0; i < d; i++) {
#pragma HLS PIPELINE II=1
			oc->kq[t][i] = (int8_t)mem[blk + fllm_attention_k_offset(kh, b, d, j, slot) + i];
			oc->vq[t][i] = (int8_t)mem[blk + fllm_attention_v_offset(kh, b, d, j, slot) + i];
		}
		oc->km[t] = fllm_lg_rd16(mem, ks);
		oc->ke[t] = (int16_t)fllm_lg_rd16(mem, ks + 2);
		oc->vm[t] = fllm_lg_rd16(mem, vs);
		oc->ve[t] = (int16_t)fllm_lg_rd16(mem, vs + 2);
	}
}

/*
 * One tile for query head k of the group: logits, maxima, rescaling, sums.
 * M' (mv) counts only keys whose value scale is nonzero; INT64_MIN means
 * none yet (N is then all zero and needs no rescaling).
 */
static void attn_tile_head(struct fllm_attention_onchip *oc, uint32_t k, uint32_t d, uint32_t c,
			   int first)
{
	int64_t mt = INT64_MIN, vt = INT64_MIN;

	for (uint32_t t = 0; t < c; t++) {
		int32_t dot = 0;

		for (uint32_t i = 0; i < d; i++) {
#pragma HLS UNROLL factor=16
			dot += (int32_t)oc->xq[k][i] * oc->kq[t][i];
		}
		oc->z[t] = fllm_attention_logit(dot, oc->km[t], oc->qm[k], oc->qsh[k] + oc->ke[t]);
		if (fllm_attention_zceil(oc->z[t]) > mt)
			mt = fllm_attention_zceil(oc->z[t]);
		if (oc->vm[t] && fllm_attention_zceil(oc->z[t]) - oc->ve[t] > vt)
			vt = fllm_attention_zceil(oc->z[t]) - oc->ve[t];
	}
	if (first) {
		oc->mx[k] = mt;
		oc->mv[k] = INT64_MIN;	/* undefined until a value row is nonzero */
		oc->den[k] = 0;
		for (uint32_t i = 0; i < d; i++)
			oc->num[k][i] = 0;
	}
	if (mt > oc->mx[k]) {
		oc->den[k] = (uint64_t)fllm_attention_rescale((int64_t)oc->den[k], mt - oc->mx[k]);
		oc->mx[k] = mt;
	}
	if (vt > oc->mv[k]) {
		for (uint32_t i = 0; i < d && oc->mv[k] != INT64_MIN; i++)
			oc->num[k][i] = fllm_attention_rescale(oc->num[k][i], vt - oc->mv[k]);
		oc->mv[k] = vt;
	}
	for (uint32_t t = 0; t < c; t++) {
		int64_t w = fllm_attention_weight(oc->z[t] - oc->mx[k] * FLLM_ATTN_ONE);
		int64_t wv;

		oc->den[k] += (uint64_t)w;
		if (!oc->vm[t])
			continue;	/* a zero value row adds nothing (and M' may be undefined) */
		wv = fllm_attention_weight(oc->z[t] - (oc->ve[t] + oc->mv[k]) * FLLM_ATTN_ONE) *
		     (int64_t)oc->vm[t];
		for (uint32_t i = 0; i < d; i++) {
#pragma HLS UNROLL factor=16
			oc->num[k][i] += wv * oc->vq[t][i];
		}
	}
}

/*
 * Head k of the group as output head h: into the row at card address row,
 * or with F_QUANT into oc->y for the record.
 */
static void attn_store_head(struct fllm_attention_onchip *oc, uint8_t *mem /* card memory */,
			    const struct fllm_attention_params *p, uint64_t row, uint32_t k,
			    uint32_t h)
{
	uint32_t d = p->head_dim;
	int64_t dm = oc->mv[k] == INT64_MIN ? 0 : oc->mv[k] - oc->mx[k];	/* N = 0 if undefined */
	uint64_t r;
	int32_t sr;

	fllm_attention_recip(oc->den[k], &r, &sr);
	for (uint32_t i = 0; i < d; i++) {
#pragma HLS PIPELINE II=1
		uint32_t y = fllm_attention_out(oc->num[k][i], r, sr, dm);

		if (p->flags & FLLM_ATTN_F_QUANT)
			oc->y[h * d + i] = y;
		else
			fllm_lg_wr32(mem, row + 4ull * (h * d + i), y);
	}
}

/* F_QUANT: the token's fp32 row in oc->y as the activation record at card address rec. */
static void attn_store_record(struct fllm_attention_onchip *oc, uint8_t *mem /* card memory */,
			      const struct fllm_attention_params *p, uint64_t rec)
{
	uint32_t n = (uint32_t)p->n_heads * p->head_dim, g = p->group;

	for (uint32_t grp = 0; grp < fllm_lutgemm_groups(n, g); grp++)
		oc->gmax[grp] = 0;
	for (uint32_t i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
		uint32_t mag = oc->y[i] & 0x7fffffffu;	/* finite: bits order as values */

		if (mag > oc->gmax[i / g])
			oc->gmax[i / g] = mag;
	}
	fllm_vec_quant_store(mem, rec, oc->y, oc->gmax, n, g);
}

/* One query token at position pos, row r: every kv head and its group. */
static void attn_query(struct fllm_attention_onchip *oc, uint8_t *mem /* card memory */,
		       const struct fllm_attention_params *p, const struct fllm_attention_seq *s,
		       uint32_t pos, uint64_t r, uint64_t *nf)
{
	uint32_t g = p->n_heads / p->n_kv_heads, d = p->head_dim;
	uint64_t out = p->out_addr + r * p->out_stride;

	for (uint32_t j = 0; j < p->n_kv_heads; j++) {
		attn_load_queries(oc, mem, p, p->q_addr + r * p->q_stride, j, g, nf);
		for (uint32_t p0 = 0; p0 <= pos; p0 += FLLM_ATTN_TILE) {
			uint32_t c = pos - p0 + 1 < FLLM_ATTN_TILE ? pos - p0 + 1 : FLLM_ATTN_TILE;

			attn_load_tile(oc, mem, p, s, j, p0, c);
			for (uint32_t k = 0; k < g; k++)
				attn_tile_head(oc, k, d, c, p0 == 0);
		}
		for (uint32_t k = 0; k < g; k++)
			attn_store_head(oc, mem, p, out, k, j * g + k);
	}
	if (p->flags & FLLM_ATTN_F_QUANT)
		attn_store_record(oc, mem, p, out);
}

/* Check the block's placement, fetch it, validate it and its descriptors. */
static enum fllm_card_err attn_fetch_params(const uint8_t *mem /* card memory */,
					    uint64_t mem_bytes, uint64_t params,
					    uint64_t params_bytes, struct fllm_attention_params *p)
{
	enum fllm_card_err err;

	err = fllm_unit_block_fetch(mem, mem_bytes, params, params_bytes, p, sizeof(*p));
	if (err != FLLM_CARD_OK)
		return err;
	return fllm_attention_params_check(p, mem, mem_bytes, params);
}

/* Validate everything, then run the op. */
enum fllm_card_err fllm_attention_unit_run(struct fllm_attention_onchip *oc,
					   uint8_t *mem /* (mem_bytes) card memory */,
					   uint64_t mem_bytes, uint64_t params,
					   uint64_t params_bytes, uint64_t *nonfinite)
{
	struct fllm_attention_params p;
	struct fllm_attention_seq s;
	enum fllm_card_err err;
	uint64_t nf = 0;

	err = attn_fetch_params(mem, mem_bytes, params, params_bytes, &p);
	if (err != FLLM_CARD_OK)
		return err;
	if (p.op == FLLM_ATTN_OP_APPEND) {
		attn_append(oc, mem, &p, &nf);
	} else {
		for (uint32_t si = 0; si < p.n_seqs; si++) {
			fllm_attn_seq_read(mem, &p, si, &s);
			for (uint32_t i = 0; i < s.n_tokens; i++)
				attn_query(oc, mem, &p, &s, s.pos + i, (uint64_t)s.row + i, &nf);
		}
	}
	*nonfinite = nf;
	return FLLM_CARD_OK;
}

/* HLS top of the golden model: static on-chip memories, one m_axi bundle. */
enum fllm_card_err fllm_hls_attention_unit(uint8_t *mem /* (mem_bytes) card memory */,
					   uint64_t mem_bytes, uint64_t params,
					   uint64_t params_bytes, uint64_t *nonfinite)
{
#pragma HLS INTERFACE m_axi port=mem offset=slave bundle=gmem max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=mem_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=params bundle=control
#pragma HLS INTERFACE s_axilite port=params_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=nonfinite bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
	static struct fllm_attention_onchip oc;

	return fllm_attention_unit_run(&oc, mem, mem_bytes, params, params_bytes, nonfinite);
}
