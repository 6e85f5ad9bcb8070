/*
 * Scalar steps of the attention unit (docs/numerics.md "Attention unit"):
 * head-row quantization, the query factor, logits in log2 units, the
 * softmax weights through the vector unit's 2^x table, rescaling, the
 * reciprocal of the sum and the output conversion. Integer arithmetic
 * only, so RTL can match it bit for bit.
 */
#include "attention_internal.h"

/* A.2: section 2.1's quantizer with one group of d values. */
void fllm_attention_quant(const uint32_t *x /* (d) fp32 bits, finite */, uint32_t d,
			  int8_t *q /* (d) */, struct fllm_attention_qrow *s)
{
	struct fllm_vector_f32 v;
	uint64_t ignored = 0;
	uint32_t amax = 0;

	for (uint32_t i = 0; i < d; i++) {
#pragma HLS PIPELINE II=1
		if ((x[i] & 0x7fffffffu) > amax)
			amax = x[i] & 0x7fffffffu;	/* finite: bits order as values */
	}
	s->m = 0;
	s->e = 0;
	if (amax) {
		fllm_vector_f32_split(amax, &v, &ignored);
		s->e = fllm_vec_quant_ex(&v);
		s->m = fllm_vec_quant_scale(v.m, (uint32_t)-(v.f + s->e));
	}
	for (uint32_t i = 0; i < d; i++) {
#pragma HLS PIPELINE II=1
		uint32_t mag = 0;

		fllm_vector_f32_split(x[i], &v, &ignored);
		if (v.m && s->m)
			mag = fllm_vec_quant_mag(v.m, (uint32_t)-(v.f + s->e), s->m);
		q[i] = (int8_t)(v.neg ? -(int32_t)mag : (int32_t)mag);
	}
}

/* A.3: qf = msq * scale_m (< 2^48) cut to 24 bits with round half away. */
void fllm_attention_qfactor(uint16_t msq, uint32_t scale_m, uint64_t *qm, int32_t *qr)
{
	uint64_t qf = (uint64_t)msq * scale_m;
	int32_t len = qf ? 64 - __builtin_clzll(qf) : 0;

	*qr = len > FLLM_ATTN_QM_BITS ? len - FLLM_ATTN_QM_BITS : 0;
	*qm = fllm_vec_rha(qf, (uint32_t)*qr);
}

/* A.3: z = clamp(rshift_round(dot * mk * qm, sh)), left shifts saturating. */
int64_t fllm_attention_logit(int32_t dot, uint16_t mk, uint64_t qm, int64_t sh)
{
	return fllm_attn_logit(dot, mk, qm, sh);
}

/* A.4: u = I * 2^24 + fr; 2^fr from the 2^x table in Q2.30, shifted by 8 - I. */
uint32_t fllm_attention_weight(int64_t u)
{
	return fllm_attn_weight(u);
}

/* A.4: rshift_round(x, s), 0 for s >= 63. */
int64_t fllm_attention_rescale(int64_t x, int64_t s)
{
	return fllm_attn_rescale(x, s);
}

/* A.5: S normalized to 31 bits (truncating), R = floor(2^62 / Sh). */
void fllm_attention_recip(uint64_t s, uint64_t *r, int32_t *sr)
{
	int32_t len = 64 - __builtin_clzll(s);
	uint64_t sh = len >= 31 ? s >> (len - 31) : s << (31 - len);

	*sr = len - 31;
	*r = ((uint64_t)1 << 62) / sh;
}

/* A.5: |n| cut to 30 bits (half away), times R, rounded once to fp32. */
uint32_t fllm_attention_out(int64_t n, uint64_t r, int32_t sr, int64_t dm)
{
	uint64_t mag = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n, a;
	int32_t len, t;

	if (n == 0)
		return 0;
	len = 64 - __builtin_clzll(mag);
	t = len > 30 ? len - 30 : 0;
	a = fllm_vec_rha(mag, (uint32_t)t) * r;	/* <= 2^62 */
	return fllm_vec_to_bits(n < 0 ? -(int64_t)a : (int64_t)a, 62 + sr - t - dm);
}
