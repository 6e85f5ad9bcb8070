/*
 * Host-side producers of LUT-GEMM inputs (docs/numerics.md 1.2, 2.1, 5, 6):
 * fp32 BCQ scales -> card form, fp32 activations -> int8 records, row and
 * activation record writers, the matrix packer and the parameter-block
 * builder. Host code: none of it is part of the synthesized unit (the
 * activation quantizer will move to the card's vector unit with the same
 * rounding). The block builder runs the unit's own field checks and the
 * record writers its little-endian stores (hls/lutgemm_internal.h), so a
 * block built here is one the unit accepts.
 */
#include <math.h>
#include <string.h>

#include "cardpack_f32.h"
#include "fllm_cardpack.h"
#include "lutgemm_internal.h"

/* Largest |value| among a group's q alphas and its z (when z is given). */
static float group_vmax(const float *alpha /* (q) */, const float *z /* (1) or NULL */,
			uint32_t q)
{
	float vmax = z ? fabsf(*z) : 0.0f;

	for (uint32_t i = 0; i < q; i++)
		if (fabsf(alpha[i]) > vmax)
			vmax = fabsf(alpha[i]);
	return vmax;
}

/* fp32 alpha/z of one row -> E_r, d, zq, a (docs/numerics.md "Weight scales"). */
enum fllm_card_err fllm_lutgemm_scales_encode(uint32_t groups, uint32_t q,
					      const float *alpha /* (groups, q) */,
					      const float *z /* (groups) or NULL */,
					      int16_t *e_row /* (1) */,
					      uint8_t *d /* (groups) */,
					      int16_t *zq /* (groups) */,
					      int16_t *a /* (groups, q) */)
{
	int32_t e_min = INT32_MAX;

	for (uint32_t grp = 0; grp < groups; grp++) {
		for (uint32_t i = 0; i < q; i++)
			if (!isfinite(alpha[grp * q + i]))
				return FLLM_CARD_ERR_PARAM;
		if (z && !isfinite(z[grp]))
			return FLLM_CARD_ERR_PARAM;
	}
	/* pass 1: group exponents, row exponent = the smallest */
	for (uint32_t grp = 0; grp < groups; grp++) {
		float vmax = group_vmax(alpha + grp * q, z ? z + grp : NULL, q);

		if (vmax != 0.0f && fllm_cardpack_f32_mant_exp(vmax) < e_min)
			e_min = fllm_cardpack_f32_mant_exp(vmax);
	}
	*e_row = (int16_t)(e_min == INT32_MAX ? 0 : e_min);
	/* pass 2: extra shifts and mantissas */
	for (uint32_t grp = 0; grp < groups; grp++) {
		float vmax = group_vmax(alpha + grp * q, z ? z + grp : NULL, q);
		int32_t s;

		d[grp] = 0;
		if (vmax != 0.0f) {
			int32_t dd = fllm_cardpack_f32_mant_exp(vmax) - *e_row;

			d[grp] = (uint8_t)(dd > (int32_t)FLLM_LUTGEMM_D_MAX ?
					   (int32_t)FLLM_LUTGEMM_D_MAX : dd);
		}
		s = *e_row + d[grp];
		zq[grp] = z ? fllm_cardpack_f32_to_mant(z[grp], s) : 0;
		for (uint32_t i = 0; i < q; i++)
			a[grp * q + i] = fllm_cardpack_f32_to_mant(alpha[grp * q + i], s);
	}
	return FLLM_CARD_OK;
}

/* Serialize card-form fields into one row record (layout in the header):
 * header and scales first, then the bit-planes. */
void fllm_lutgemm_row_write_scales(uint8_t *rec /* (row_bytes) */, uint32_t k, uint32_t g,
				   uint32_t q, int16_t e_row, const uint8_t *d /* (groups) */,
				   const int16_t *zq /* (groups) */,
				   const int16_t *a /* (groups, q) */)
{
	uint32_t groups = fllm_lutgemm_groups(k, g);

	memset(rec, 0, fllm_lutgemm_row_bytes(k, g, q));
	fllm_lg_wr16(rec, 0, (uint16_t)e_row);
	for (uint32_t grp = 0; grp < groups; grp++) {
		uint32_t se = fllm_lutgemm_row_scale_offset(q, grp);

		rec[se] = d[grp];
		fllm_lg_wr16(rec, se + 2, (uint16_t)zq[grp]);
		for (uint32_t i = 0; i < q; i++)
			fllm_lg_wr16(rec, se + 4 + 2 * i, (uint16_t)a[grp * q + i]);
	}
}

/* See fllm_cardpack.h. */
void fllm_lutgemm_row_write(uint8_t *rec /* (row_bytes) */, uint32_t k, uint32_t g, uint32_t q,
			    int16_t e_row, const uint8_t *d /* (groups) */,
			    const int16_t *zq /* (groups) */, const int16_t *a /* (groups, q) */,
			    const uint8_t *bits /* (q, k) 0 or 1 */)
{
	uint32_t groups = fllm_lutgemm_groups(k, g), chunks = g / 8;
	uint32_t pl = fllm_lutgemm_row_planes_offset(k, g, q);

	fllm_lutgemm_row_write_scales(rec, k, g, q, e_row, d, zq, a);
	for (uint32_t grp = 0; grp < groups; grp++) {
		for (uint32_t i = 0; i < q; i++) {
			for (uint32_t j = 0; j < g; j++) {
				uint32_t kk = grp * g + j;

				if (kk < k && bits[(uint64_t)i * k + kk])
					rec[pl + (grp * q + i) * chunks + j / 8] |=
						(uint8_t)(1u << (j % 8));
			}
		}
	}
}

/* Encode each row's scales and write its record into its slice. */
enum fllm_card_err fllm_lutgemm_pack(uint32_t m, uint32_t k, uint32_t g, uint32_t q,
				     const float *alpha /* (m, groups, q) */,
				     const float *z /* (m, groups) or NULL */,
				     const uint8_t *bits /* (m, q, k) 0 or 1 */,
				     uint32_t slices, uint8_t *const *slice /* (slices) */)
{
	uint32_t groups = fllm_lutgemm_groups(k, g);
	uint32_t row_bytes = fllm_lutgemm_row_bytes(k, g, q);
	uint8_t d[FLLM_LUTGEMM_GROUPS_MAX];
	int16_t zq[FLLM_LUTGEMM_GROUPS_MAX];
	int16_t a[FLLM_LUTGEMM_GROUPS_MAX * FLLM_LUTGEMM_Q_MAX];	/* (groups, q) */
	int16_t e_row;

	for (uint32_t r = 0; r < m; r++) {
		enum fllm_card_err err;

		err = fllm_lutgemm_scales_encode(groups, q, alpha + (uint64_t)r * groups * q,
						 z ? z + (uint64_t)r * groups : NULL, &e_row, d,
						 zq, a);
		if (err != FLLM_CARD_OK)
			return err;
		fllm_lutgemm_row_write(slice[r % slices] + (uint64_t)(r / slices) * row_bytes,
				       k, g, q, e_row, d, zq, a, bits + (uint64_t)r * q * k);
	}
	return FLLM_CARD_OK;
}

/* |v| = m * 2^f: round_half_away(m * 2^f / (msx * 2^-ex)) for f + ex < 0. */
static uint32_t act_div_round(uint32_t m, int32_t t, uint32_t msx)
{
	uint32_t sh = (uint32_t)-t;
	uint64_t den;

	if (sh >= 40)
		return 0;
	den = (uint64_t)msx << sh;
	return (uint32_t)((2 * (uint64_t)m + den) / (2 * den));
}

/* fp32 activations -> ex, msx, xq (docs/numerics.md "Activations"). */
enum fllm_card_err fllm_lutgemm_act_quantize(uint32_t k, uint32_t g,
					     const float *x /* (k) */, int32_t *ex /* (1) */,
					     uint16_t *msx /* (groups) */,
					     int8_t *xq /* (groups * g), k >= K set to 0 */)
{
	uint32_t groups = fllm_lutgemm_groups(k, g), m;
	float amax;
	int32_t f;

	if (fllm_cardpack_f32_absmax(x, k, &amax) != FLLM_CARD_OK)
		return FLLM_CARD_ERR_PARAM;
	memset(xq, 0, (size_t)groups * g);
	memset(msx, 0, (size_t)groups * sizeof(*msx));
	*ex = 0;
	if (amax == 0.0f)
		return FLLM_CARD_OK;
	fllm_cardpack_f32_split(amax, &m, &f);
	*ex = m <= 16645890u ? -1 - f : -2 - f;
	for (uint32_t grp = 0; grp < groups; grp++) {
		uint32_t end = (grp + 1) * g < k ? (grp + 1) * g : k;
		float gmax = 0.0f;
		uint32_t sh;

		for (uint32_t i = grp * g; i < end; i++)
			if (fabsf(x[i]) > gmax)
				gmax = fabsf(x[i]);
		if (gmax == 0.0f)
			continue;
		/* msx = ceil(gmax * 2^ex / 127); f + ex <= -1 since gmax <= amax */
		fllm_cardpack_f32_split(gmax, &m, &f);
		sh = (uint32_t)-(f + *ex);
		if (sh >= 40) {
			msx[grp] = 1;
		} else {
			uint64_t den = (uint64_t)127 << sh;

			msx[grp] = (uint16_t)((m + den - 1) / den);
		}
		for (uint32_t i = grp * g; i < end; i++) {
			uint32_t v;

			if (x[i] == 0.0f)
				continue;
			fllm_cardpack_f32_split(x[i], &m, &f);
			v = act_div_round(m, f + *ex, msx[grp]);
			if (v > 127)
				v = 127;
			xq[i] = (int8_t)(x[i] < 0 ? -(int32_t)v : (int32_t)v);
		}
	}
	return FLLM_CARD_OK;
}

/* Serialize one token's quantized activations (layout in the header). */
void fllm_lutgemm_act_write(uint8_t *rec /* (act_bytes) */, uint32_t k, uint32_t g, int32_t ex,
			    const uint16_t *msx /* (groups) */,
			    const int8_t *xq /* (groups * g) */)
{
	uint32_t groups = fllm_lutgemm_groups(k, g);
	uint32_t xo = fllm_lutgemm_act_xq_offset(k, g);

	memset(rec, 0, fllm_lutgemm_act_bytes(k, g));
	fllm_lg_wr32(rec, 0, (uint32_t)ex);
	for (uint32_t grp = 0; grp < groups; grp++)
		fllm_lg_wr16(rec, FLLM_LUTGEMM_ACT_MSX + 2 * grp, msx[grp]);
	for (uint32_t i = 0; i < k; i++)
		rec[xo + i] = (uint8_t)xq[i];
}

/* A parameter block with the shape filled in and the tightest strides. */
enum fllm_card_err fllm_lutgemm_params_init(struct fllm_lutgemm_params *p, uint32_t m,
					    uint32_t k, uint32_t g, uint32_t q, uint32_t flags,
					    uint32_t n_tokens, uint32_t slices)
{
	struct fllm_lutgemm_params t;
	enum fllm_card_err err;

	memset(&t, 0, sizeof(t));
	if (g > UINT16_MAX || q > UINT8_MAX || flags > UINT8_MAX || n_tokens > UINT16_MAX ||
	    slices > UINT16_MAX)
		return flags > UINT8_MAX ? FLLM_CARD_ERR_FLAGS : FLLM_CARD_ERR_PARAM;
	t.magic = FLLM_LUTGEMM_MAGIC;
	t.version = FLLM_LUTGEMM_VERSION;
	t.m = m;
	t.k = k;
	t.group = (uint16_t)g;
	t.planes = (uint8_t)q;
	t.flags = (uint8_t)flags;
	t.n_tokens = (uint16_t)n_tokens;
	t.slices = (uint16_t)slices;
	if (g && k <= FLLM_LUTGEMM_K_MAX && q <= FLLM_LUTGEMM_Q_MAX)
		t.row_bytes = fllm_lutgemm_row_bytes(k, g, q);
	err = fllm_lg_check_fields(&t);
	if (err != FLLM_CARD_OK)
		return err;
	t.act_stride = fllm_lutgemm_act_bytes(k, g);
	t.out_stride = fllm_lutgemm_align(4ull * m);
	*p = t;
	return FLLM_CARD_OK;
}
