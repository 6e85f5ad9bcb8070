/*
 * Host-side encoders of the vector unit (docs/numerics.md "Vector unit"):
 * the parameter-block builder, fp32 norm weights -> the weight record, and
 * the RoPE table. Host code, not part of the synthesized unit; it shares
 * the unit's field checks and rounding helpers (hls/vector_internal.h).
 */
#include <math.h>
#include <string.h>

#include "cardpack_f32.h"
#include "fllm_cardpack.h"
#include "vector_internal.h"

/* Fill the shape fields and the smallest strides; see fllm_cardpack.h. */
enum fllm_card_err fllm_vector_params_init(struct fllm_vector_params *p, uint32_t op,
					   uint32_t flags, uint32_t n, uint32_t rows,
					   uint32_t group)
{
	struct fllm_vector_params t;
	enum fllm_card_err err;

	if (flags > UINT8_MAX)
		return FLLM_CARD_ERR_FLAGS;
	if (op > UINT8_MAX || group > UINT16_MAX)
		return FLLM_CARD_ERR_PARAM;
	memset(&t, 0, sizeof(t));
	t.magic = FLLM_VECTOR_MAGIC;
	t.version = FLLM_VECTOR_VERSION;
	t.op = (uint8_t)op;
	t.flags = (uint8_t)flags;
	t.n = n;
	t.rows = rows;
	t.group = (uint16_t)group;
	if (op == FLLM_VECTOR_OP_ROPE) {	/* placeholders that pass the field checks */
		t.head_dim = 2;
		t.table_rows = rows;
	}
	err = fllm_vec_check_fields(&t);
	if (err != FLLM_CARD_OK)
		return err;
	t.head_dim = 0;
	t.table_rows = 0;
	t.in_stride = fllm_lutgemm_align(fllm_vector_in_row_bytes(&t));
	t.out_stride = fllm_lutgemm_align(fllm_vector_out_row_bytes(&t));
	if (fllm_vector_uses_in2(op))
		t.in2_stride = fllm_lutgemm_align(fllm_vector_f32_row_bytes(n));
	*p = t;
	return FLLM_CARD_OK;
}

/*
 * ew = the largest e with round_half_away(|w| * 2^e) <= 32767 for every w
 * (0 if every w is zero). FLLM_CARD_ERR_PARAM if a weight is not finite.
 */
static enum fllm_card_err weight_exp(uint32_t n, const float *w /* (n) */, int32_t *ew)
{
	float wmax;

	if (fllm_cardpack_f32_absmax(w, n, &wmax) != FLLM_CARD_OK)
		return FLLM_CARD_ERR_PARAM;
	*ew = wmax == 0.0f ? 0 : fllm_cardpack_f32_mant_exp(wmax);
	return FLLM_CARD_OK;
}

/* fp32 weights -> ew and wm[] (docs/numerics.md "Vector unit"). */
enum fllm_card_err fllm_vector_weight_encode(uint32_t n, const float *w /* (n) */,
					     int32_t *ew /* (1) */, int16_t *wm /* (n) */)
{
	enum fllm_card_err err;
	int32_t e;

	err = weight_exp(n, w, &e);
	if (err != FLLM_CARD_OK)
		return err;
	*ew = e;
	for (uint32_t i = 0; i < n; i++)
		wm[i] = fllm_cardpack_f32_to_mant(w[i], e);
	return FLLM_CARD_OK;
}

/* Encode w and write the record: ew, zero header, wm[], zero padding. */
enum fllm_card_err fllm_vector_weight_write(uint8_t *rec /* (weight_bytes(n)) */, uint32_t n,
					    const float *w /* (n) */)
{
	enum fllm_card_err err;
	int32_t ew;

	if (n == 0 || n > FLLM_VECTOR_N_MAX)
		return FLLM_CARD_ERR_PARAM;
	err = weight_exp(n, w, &ew);
	if (err != FLLM_CARD_OK)
		return err;
	memset(rec, 0, fllm_vector_weight_bytes(n));
	fllm_lg_wr32(rec, 0, (uint32_t)ew);
	for (uint32_t i = 0; i < n; i++)
		fllm_lg_wr16(rec, FLLM_VECTOR_WEIGHT_HDR + 2ull * i,
			     (uint16_t)fllm_cardpack_f32_to_mant(w[i], ew));
	return FLLM_CARD_OK;
}

/*
 * Table rows for positions 0..rows-1: angle p * theta^(-2i/head_dim) in
 * double precision, cos and sin times 2^30 rounded half away (llround).
 */
enum fllm_card_err fllm_vector_rope_table_write(uint8_t *tab /* (rows, row_bytes) */,
						uint32_t rows, uint32_t head_dim, double theta)
{
	uint64_t rb = fllm_vector_rope_row_bytes(head_dim);

	if (!isfinite(theta) || theta <= 0.0 || head_dim < 2 || head_dim % 2 ||
	    head_dim > FLLM_VECTOR_HEAD_DIM_MAX)
		return FLLM_CARD_ERR_PARAM;
	memset(tab, 0, rows * rb);
	for (uint32_t p = 0; p < rows; p++) {
		for (uint32_t i = 0; i < head_dim / 2; i++) {
			double a = p * pow(theta, -2.0 * i / head_dim);
			uint8_t *e = tab + p * rb + 8ull * i;

			fllm_lg_wr32(e, 0, (uint32_t)(int32_t)llround(cos(a) * FLLM_VECTOR_Q30));
			fllm_lg_wr32(e, 4, (uint32_t)(int32_t)llround(sin(a) * FLLM_VECTOR_Q30));
		}
	}
	return FLLM_CARD_OK;
}
