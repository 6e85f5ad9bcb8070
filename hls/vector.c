/*
 * The vector compute unit in Vitis-HLS C: the golden model of
 * FLLM_OP_VECTOR (docs/numerics.md "Vector unit"). RTL must match it bit
 * for bit.
 *
 * Unit structure: for each row the unit loads the row's input into on-chip
 * memory (sanitizing non-finite values), computes the whole row of results
 * into a second on-chip buffer (tracking each group's largest magnitude),
 * then stores it as fp32 or quantizes it into an activation record. Because
 * a row is fully read before any of it is written, an output may replace
 * its fp32 input in place.
 */
#include "vector_internal.h"

/* Load n fp32 values of row at card address addr into buf, sanitized. */
static void vec_load(const uint8_t *mem /* card memory */, uint64_t addr, uint32_t n,
		     uint32_t *buf /* (n) */, uint64_t *nf)
{
	for (uint32_t i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
		buf[i] = fllm_vec_sanitize(fllm_lg_rd32(mem, addr + 4ull * i), nf);
	}
}

/* DEQUANT: y[k] = xq[k] * msx[G] * 2^-ex rounded once (any record bytes are defined). */
static void vec_dequant(struct fllm_vector_onchip *oc, const uint8_t *mem /* card memory */,
			const struct fllm_vector_params *p, uint64_t rec)
{
	uint32_t xo = fllm_lutgemm_act_xq_offset(p->n, p->group);
	int32_t ex = (int32_t)fllm_lg_rd32(mem, rec);

	for (uint32_t k = 0; k < p->n; k++) {
#pragma HLS PIPELINE II=1
		uint16_t msx = fllm_lg_rd16(mem, rec + FLLM_LUTGEMM_ACT_MSX + 2 * (k / p->group));
		int8_t xq = (int8_t)mem[rec + xo + k];

		oc->y[k] = fllm_vec_to_bits((int64_t)xq * msx, ex);
	}
}

/* RMSNorm of oc->x with the weight record: sum of squares, scale, products. */
static void vec_rmsnorm(struct fllm_vector_onchip *oc, const uint8_t *mem /* card memory */,
			const struct fllm_vector_params *p)
{
	struct fllm_vector_f32 v;
	uint64_t ignored = 0, s = 0;
	int32_t fmax = INT32_MIN, e, ew;
	uint32_t r;

	for (uint32_t i = 0; i < p->n; i++) {
#pragma HLS PIPELINE II=1
		fllm_vector_f32_split(oc->x[i], &v, &ignored);
		if (v.m && v.f > fmax)
			fmax = v.f;
	}
	if (fmax == INT32_MIN) {	/* every x is zero: every y is +0 */
		for (uint32_t i = 0; i < p->n; i++)
			oc->y[i] = 0;
		return;
	}
	for (uint32_t i = 0; i < p->n; i++) {
#pragma HLS PIPELINE II=1
		uint64_t a;

		fllm_vector_f32_split(oc->x[i], &v, &ignored);
		a = v.m ? fllm_vec_rha(v.m, (uint32_t)(fmax - v.f)) : 0;
		s += a * a;
	}
	fllm_vector_rms_scale(s, 2 * fmax, p->n, p->eps, &r, &e);
	ew = (int32_t)fllm_lg_rd32(mem, p->weight_addr);
	for (uint32_t i = 0; i < p->n; i++) {
#pragma HLS PIPELINE II=1
		int16_t wm = (int16_t)fllm_lg_rd16(mem, p->weight_addr + FLLM_VECTOR_WEIGHT_HDR +
						   2ull * i);

		fllm_vector_f32_split(oc->x[i], &v, &ignored);
		oc->y[i] = fllm_vec_norm_elem(&v, r, e, ew, wm);
	}
}

/* RoPE of oc->x at position pos: pair i of every head uses table entry i of row pos. */
static void vec_rope(struct fllm_vector_onchip *oc, const uint8_t *mem /* card memory */,
		     const struct fllm_vector_params *p, uint64_t pos)
{
	uint64_t tab = p->table_addr + pos * fllm_vector_rope_row_bytes(p->head_dim);
	uint32_t half = p->head_dim / 2u;
	struct fllm_vector_f32 a, b;
	uint64_t ignored = 0;

	for (uint32_t i = 0; i < p->n / 2; i++) {
#pragma HLS PIPELINE II=1
		uint64_t ent = tab + 8ull * (i % half);
		int32_t c = (int32_t)fllm_lg_rd32(mem, ent);
		int32_t s = (int32_t)fllm_lg_rd32(mem, ent + 4);

		fllm_vector_f32_split(oc->x[2 * i], &a, &ignored);
		fllm_vector_f32_split(oc->x[2 * i + 1], &b, &ignored);
		fllm_vec_rope_pair(&a, &b, c, s, &oc->y[2 * i], &oc->y[2 * i + 1]);
	}
}

/* SILU_MUL or ADD of oc->x with the row of in2 at card address addr. */
static void vec_binary(struct fllm_vector_onchip *oc, const uint8_t *mem /* card memory */,
		       const struct fllm_vector_params *p, uint64_t addr, uint64_t *nf)
{
	struct fllm_vector_f32 a, b;
	uint64_t ignored = 0;

	for (uint32_t i = 0; i < p->n; i++) {
#pragma HLS PIPELINE II=1
		fllm_vector_f32_split(oc->x[i], &a, &ignored);
		fllm_vector_f32_split(fllm_lg_rd32(mem, addr + 4ull * i), &b, nf);
		oc->y[i] = p->op == FLLM_VECTOR_OP_ADD ? fllm_vec_add(&a, &b) :
			fllm_vec_silu_mul(&a, &b);
	}
}

/* Store oc->y as fp32 or as an activation record (group maxima first). */
static void vec_store(struct fllm_vector_onchip *oc, uint8_t *mem /* card memory */,
		      const struct fllm_vector_params *p, uint64_t addr)
{
	uint32_t groups;

	if (!(p->flags & FLLM_VECTOR_F_QUANT)) {
		for (uint32_t i = 0; i < p->n; i++) {
#pragma HLS PIPELINE II=1
			fllm_lg_wr32(mem, addr + 4ull * i, oc->y[i]);
		}
		return;
	}
	groups = fllm_lutgemm_groups(p->n, p->group);
	for (uint32_t grp = 0; grp < groups; grp++)
		oc->gmax[grp] = 0;
	for (uint32_t i = 0; i < p->n; i++) {
#pragma HLS PIPELINE II=1
		uint32_t mag = oc->y[i] & 0x7fffffffu;	/* finite: bits order as values */

		if (mag > oc->gmax[i / p->group])
			oc->gmax[i / p->group] = mag;
	}
	fllm_vec_quant_store(mem, addr, oc->y, oc->gmax, p->n, p->group);
}

/* Compute and store row r. */
static void vec_row(struct fllm_vector_onchip *oc, uint8_t *mem /* card memory */,
		    const struct fllm_vector_params *p, uint32_t r, uint64_t *nf)
{
	uint64_t in = p->in_addr + r * p->in_stride;

	if (p->op == FLLM_VECTOR_OP_DEQUANT)
		vec_dequant(oc, mem, p, in);
	else
		vec_load(mem, in, p->n, oc->x, nf);
	switch (p->op) {
	case FLLM_VECTOR_OP_COPY:
		for (uint32_t i = 0; i < p->n; i++)
			oc->y[i] = oc->x[i];
		break;
	case FLLM_VECTOR_OP_RMSNORM:
		vec_rmsnorm(oc, mem, p);
		break;
	case FLLM_VECTOR_OP_ROPE:
		vec_rope(oc, mem, p, (uint64_t)p->pos + r);
		break;
	case FLLM_VECTOR_OP_SILU_MUL:
	case FLLM_VECTOR_OP_ADD:
		vec_binary(oc, mem, p, p->in2_addr + r * p->in2_stride, nf);
		break;
	default:
		break;
	}
	vec_store(oc, mem, p, p->out_addr + r * p->out_stride);
}

/* See vector_internal.h. */
enum fllm_card_err fllm_vector_fetch_params(const uint8_t *mem /* card memory */,
					    uint64_t mem_bytes, uint64_t params,
					    uint64_t params_bytes, struct fllm_vector_params *p)
{
	enum fllm_card_err err;
	uint64_t out_len;

	err = fllm_unit_block_fetch(mem, mem_bytes, params, params_bytes, p, sizeof(*p));
	if (err != FLLM_CARD_OK)
		return err;
	err = fllm_vector_params_check(p, mem_bytes);
	if (err != FLLM_CARD_OK)
		return err;
	out_len = fllm_region_span(p->rows, p->out_stride, fllm_vector_out_row_bytes(p));
	if (fllm_lg_overlap(p->out_addr, out_len, params, sizeof(*p)))
		return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/* Validate the block, then run the rows in order. */
enum fllm_card_err fllm_vector_unit_run(struct fllm_vector_onchip *oc,
					uint8_t *mem /* (mem_bytes) card memory */,
					uint64_t mem_bytes, uint64_t params,
					uint64_t params_bytes, uint64_t *nonfinite)
{
	struct fllm_vector_params p;
	enum fllm_card_err err;
	uint64_t nf = 0;

	err = fllm_vector_fetch_params(mem, mem_bytes, params, params_bytes, &p);
	if (err != FLLM_CARD_OK)
		return err;
	for (uint32_t r = 0; r < p.rows; r++)
		vec_row(oc, mem, &p, r, &nf);
	*nonfinite = nf;
	return FLLM_CARD_OK;
}

/* HLS top of the golden model: static on-chip memories, one m_axi bundle. */
enum fllm_card_err fllm_hls_vector_unit(uint8_t *mem /* (mem_bytes) card memory */,
					uint64_t mem_bytes, uint64_t params,
					uint64_t params_bytes, uint64_t *nonfinite)
{
#pragma HLS INTERFACE m_axi port=mem offset=slave bundle=gmem max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=mem_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=params bundle=control
#pragma HLS INTERFACE s_axilite port=params_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=nonfinite bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
	static struct fllm_vector_onchip oc;

	return fllm_vector_unit_run(&oc, mem, mem_bytes, params, params_bytes, nonfinite);
}
