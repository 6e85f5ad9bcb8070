/*
 * The vector unit's activation quantizer: the reference quantizer of
 * docs/numerics.md section 2.1 on a row of finite fp32 results, writing a
 * whole LUT-GEMM activation record (section 5.3) including its zero padding.
 * Integer arithmetic on the fp32 fields only.
 */
#include "vector_internal.h"

/* msx = ceil(m / (127 * 2^s)) for s >= 1, 1 for s >= 40. */
uint16_t fllm_vec_quant_scale(uint32_t m, uint32_t s)
{
	uint64_t den;

	if (s >= 40)
		return 1;
	den = (uint64_t)127 << s;
	return (uint16_t)((m + den - 1) / den);
}

/* |xq| = round_half_away(m / (msx * 2^s)) = floor((2m + D) / 2D), D = msx * 2^s; <= 127. */
uint32_t fllm_vec_quant_mag(uint32_t m, uint32_t s, uint32_t msx)
{
	uint64_t den, q;

	if (s >= 40)
		return 0;
	den = (uint64_t)msx << s;
	q = (2 * (uint64_t)m + den) / (2 * den);
	return q > 127 ? 127 : (uint32_t)q;
}

/* See vector_internal.h: ex from the row's max, then msx and xq per group. */
void fllm_vec_quant_store(uint8_t *mem /* card memory */, uint64_t rec,
			  const uint32_t *y /* (n) */, const uint32_t *gmax /* (groups) */,
			  uint32_t n, uint32_t g)
{
	uint32_t groups = fllm_lutgemm_groups(n, g), xo = fllm_lutgemm_act_xq_offset(n, g);
	uint32_t bytes = fllm_lutgemm_act_bytes(n, g), amax = 0;
	struct fllm_vector_f32 v;
	uint64_t ignored = 0;
	int32_t ex = 0;

	for (uint32_t grp = 0; grp < groups; grp++)
		if (gmax[grp] > amax)
			amax = gmax[grp];
	if (amax) {
		fllm_vector_f32_split(amax, &v, &ignored);
		ex = fllm_vec_quant_ex(&v);
	}
	for (uint32_t off = 0; off < xo; off += 4) {
#pragma HLS PIPELINE II=1
		fllm_lg_wr32(mem, rec + off, 0);
	}
	fllm_lg_wr32(mem, rec, (uint32_t)ex);
	for (uint32_t grp = 0; grp < groups; grp++) {
		uint16_t msx = 0;

		if (gmax[grp]) {
			fllm_vector_f32_split(gmax[grp], &v, &ignored);
			msx = fllm_vec_quant_scale(v.m, (uint32_t)-(v.f + ex));
		}
		fllm_lg_wr16(mem, rec + FLLM_LUTGEMM_ACT_MSX + 2 * grp, msx);
		for (uint32_t j = 0; j < g; j++) {
#pragma HLS PIPELINE II=1
			uint32_t k = grp * g + j, q = 0;

			if (k < n && msx) {
				fllm_vector_f32_split(y[k], &v, &ignored);
				if (v.m)
					q = fllm_vec_quant_mag(v.m, (uint32_t)-(v.f + ex), msx);
				if (v.neg)
					q = (uint32_t)-(int32_t)q;
			}
			mem[rec + xo + k] = (uint8_t)q;
		}
	}
	for (uint64_t off = xo + (uint64_t)groups * g; off < bytes; off++)
		mem[rec + off] = 0;
}
