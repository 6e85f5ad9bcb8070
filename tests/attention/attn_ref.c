/* The attention unit's scalar reference, from docs/numerics.md alone (see attn_ref.h). */
#include "attn_ref.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_cardpack.h"
#include "ref_fp32.h"

typedef __int128 s128;
typedef unsigned __int128 u128;

u128 aref_peak_s, aref_peak_n;

/* A little-endian u32 of the image. */
static uint32_t rd32(const uint8_t *mem /* image */, uint64_t a)
{
	uint32_t v;

	memcpy(&v, mem + a, 4);
	return v;
}

/* |v| = m * 2^f, m in [2^23, 2^24), by frexpf (exact). */
static void split(float v, uint64_t *m, int *f)
{
	int e;
	float fr = frexpf(fabsf(v), &e);

	*m = (uint64_t)ldexpf(fr, 24);
	*f = e - 24;
}

/* Bit length of x (0 for 0). */
static int bitlen(u128 x)
{
	int n = 0;

	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

/* floor(x / 2^s) for s >= 0 (s128, mathematical floor). */
static s128 floor_shift(s128 x, int s)
{
	s128 d = (s128)1 << s;
	s128 q = x / d;

	if (x % d != 0 && x < 0)
		q--;
	return q;
}

/* A.2: section 2.1's quantizer with one group, exact in 128 bits. */
void aref_quant(const float *x /* (d) */, uint32_t d, int8_t *q /* (d) */, uint16_t *m,
		int32_t *e)
{
	float amax = 0.0f;
	uint64_t am, xm;
	int af, xf, s;

	for (uint32_t i = 0; i < d; i++)
		if (fabsf(x[i]) > amax)
			amax = fabsf(x[i]);
	*m = 0;
	*e = 0;
	if (amax == 0.0f) {
		memset(q, 0, d);
		return;
	}
	split(amax, &am, &af);
	*e = am <= 65535ull * 254 ? -1 - af : -2 - af;
	s = -(af + *e);
	*m = (uint16_t)((am + (127ull << s) - 1) / (127ull << s));	/* ceil, s is 1 or 2 */
	for (uint32_t i = 0; i < d; i++) {
		u128 den, mag = 0;

		if (x[i] != 0.0f) {
			split(x[i], &xm, &xf);
			s = -(xf + *e);
			if (s < 100) {
				den = (u128)*m << s;
				mag = (2 * (u128)xm + den) / (2 * den);	/* round half away */
			}
		}
		q[i] = (int8_t)(signbit(x[i]) ? -(int)mag : (int)mag);
	}
}

/* Entry j of the 2^x table: round(2^30 * 2^(j/256)), rebuilt here. */
static int64_t exp2_entry(uint32_t j)
{
	return llroundl(ldexpl(exp2l((long double)j / 256), 30));
}

/* A.4: floor / fraction of u, the table rebuilt, interpolation, rounding shift. */
uint32_t aref_weight(int64_t u)
{
	s128 i = floor_shift(u, 24);
	uint32_t x = (uint32_t)(u - i * (1 << 24));	/* [0, 2^24) */
	uint32_t j = x >> 16, w = x & 0xffff;
	int64_t lo = exp2_entry(j), p = lo + (((exp2_entry(j + 1) - lo) * w + 32768) >> 16);
	s128 sh = 8 - i;

	if (sh >= 63)
		return 0;
	return (uint32_t)((p + ((int64_t)1 << (sh - 1))) >> sh);
}

/* rshift_round(x, s): floor(x / 2^s + 1/2); 0 for s >= 63. */
static s128 rsr(s128 x, s128 s)
{
	if (s >= 63)
		return 0;
	if (s == 0)
		return x;
	return floor_shift(x + ((s128)1 << (s - 1)), (int)s);
}

/* The logit of A.3 from the exact product and the shift. */
static int64_t logit(s128 v, int64_t sh)
{
	const s128 zmax = (s128)1 << 54;
	s128 z;

	if (v == 0)
		return 0;
	if (sh >= 0)
		z = rsr(v, sh);
	else if (sh < -60)
		z = v < 0 ? -zmax : zmax;
	else
		z = v * ((s128)1 << -sh);
	if (z > zmax)
		z = zmax;
	if (z < -zmax)
		z = -zmax;
	return (int64_t)z;
}

/* ceil(z / 2^24). */
static int64_t zceil(int64_t z)
{
	return (int64_t)-floor_shift(-(s128)z, 24);
}

/* Where key / value `pos` of kv head `head` of a sequence lives. */
struct kvref {
	uint64_t k, v, ks, vs;	/* card addresses of kq, vq and the two scales */
};

static struct kvref locate(const struct fllm_attention_params *p, const uint8_t *mem /* image */,
			   uint64_t table, uint32_t pos, uint32_t head)
{
	uint64_t kh = p->n_kv_heads, b = p->block_tokens, d = p->head_dim, slot = pos % b;
	uint64_t blk = p->kv_base + (uint64_t)rd32(mem, table + 4ull * (pos / b)) * p->block_bytes;
	struct kvref r;

	r.k = blk + (head * b + slot) * d;
	r.v = blk + kh * b * d + (head * b + slot) * d;
	r.ks = blk + 2 * kh * b * d + 4 * (head * b + slot);
	r.vs = r.ks + 4 * kh * b;
	return r;
}

/* APPEND of the token at position pos (row row): A.2 per kv head, K then V. */
static void append(const struct fllm_attention_params *p, uint8_t *mem /* image */,
		   uint64_t table, uint32_t pos, uint64_t row, uint64_t *nf)
{
	uint32_t d = p->head_dim;
	float x[FLLM_ATTN_HEAD_DIM_MAX];
	int8_t q[FLLM_ATTN_HEAD_DIM_MAX];
	uint16_t m;
	int32_t e;

	for (uint32_t h = 0; h < p->n_kv_heads; h++) {
		struct kvref r = locate(p, mem, table, pos, h);

		for (int kv = 0; kv < 2; kv++) {
			uint64_t src = kv ? p->v_addr + row * p->v_stride :
					    p->k_addr + row * p->k_stride;
			uint64_t dst = kv ? r.v : r.k, sc = kv ? r.vs : r.ks;
			int16_t e16;

			for (uint32_t i = 0; i < d; i++)
				x[i] = ref_f32_input(mem, src + 4ull * (h * d + i), nf);
			aref_quant(x, d, q, &m, &e);
			memcpy(mem + dst, q, d);
			e16 = (int16_t)e;
			memcpy(mem + sc, &m, 2);
			memcpy(mem + sc + 2, &e16, 2);
		}
	}
}

/*
 * One query head h of the token at position pos (row row): logits first,
 * then the tiles; the head's outputs go to y (d floats).
 */
static void attend(const struct fllm_attention_params *p, const uint8_t *mem /* image */,
		   uint64_t table, uint32_t pos, uint64_t row, uint32_t h, uint64_t *nf,
		   float *y /* (d) */)
{
	uint32_t d = p->head_dim, j = h / (p->n_heads / p->n_kv_heads), n = pos + 1;
	uint32_t tiles = (n + 15) / 16;
	float x[FLLM_ATTN_HEAD_DIM_MAX];
	int8_t xq[FLLM_ATTN_HEAD_DIM_MAX];
	int64_t *z = malloc(sizeof(*z) * n), *ev = malloc(sizeof(*ev) * n);
	uint16_t *vm = malloc(sizeof(*vm) * n);
	int64_t *mt = malloc(sizeof(*mt) * tiles), *vt = malloc(sizeof(*vt) * tiles);
	s128 num[FLLM_ATTN_HEAD_DIM_MAX] = { 0 }, den = 0;
	uint16_t msq;
	int32_t eq;
	u128 qf, qm;
	int qr;
	int64_t mx = 0, mv = 0;
	int have_v = 0;	/* M' is defined: some key so far has a nonzero value scale */

	for (uint32_t i = 0; i < d; i++)
		x[i] = ref_f32_input(mem, p->q_addr + row * p->q_stride + 4ull * (h * d + i), nf);
	aref_quant(x, d, xq, &msq, &eq);
	qf = (u128)msq * p->scale_m;
	qr = bitlen(qf) > 24 ? bitlen(qf) - 24 : 0;
	qm = qr ? (qf + ((u128)1 << (qr - 1))) >> qr : qf;
	/* pass 1: every logit of the context */
	for (uint32_t t = 0; t < n; t++) {
		struct kvref r = locate(p, mem, table, t, j);
		uint16_t mk;
		int16_t ek, e16;
		int64_t dot = 0;

		for (uint32_t i = 0; i < d; i++)
			dot += (int64_t)xq[i] * (int8_t)mem[r.k + i];
		memcpy(&mk, mem + r.ks, 2);
		memcpy(&ek, mem + r.ks + 2, 2);
		memcpy(&e16, mem + r.vs + 2, 2);
		memcpy(&vm[t], mem + r.vs, 2);
		ev[t] = e16;
		z[t] = logit((s128)dot * mk * (s128)qm,
			     (int64_t)eq + ek + p->scale_e - qr - 24);
	}
	/* the running maxima after each tile */
	for (uint32_t i = 0; i < tiles; i++) {
		mt[i] = INT64_MIN;
		vt[i] = INT64_MIN;
		for (uint32_t t = 16 * i; t < n && t < 16 * i + 16; t++) {
			if (zceil(z[t]) > mt[i])
				mt[i] = zceil(z[t]);
			if (vm[t] && zceil(z[t]) - ev[t] > vt[i])
				vt[i] = zceil(z[t]) - ev[t];
		}
	}
	/* pass 2: sums per tile, rescaled whenever a maximum grows */
	for (uint32_t i = 0; i < tiles; i++) {
		int64_t nmx = i == 0 || mt[i] > mx ? mt[i] : mx;

		if (i > 0)
			den = rsr(den, nmx - mx);
		mx = nmx;
		if (vt[i] != INT64_MIN && (!have_v || vt[i] > mv)) {
			for (uint32_t c = 0; c < d && have_v; c++)
				num[c] = rsr(num[c], vt[i] - mv);
			mv = vt[i];
			have_v = 1;
		}
		for (uint32_t t = 16 * i; t < n && t < 16 * i + 16; t++) {
			struct kvref r = locate(p, mem, table, t, j);
			s128 wv;

			den += aref_weight(z[t] - mx * (1 << 24));
			if (!vm[t])
				continue;
			wv = (s128)aref_weight(z[t] - (ev[t] + mv) * (1 << 24)) * vm[t];
			for (uint32_t c = 0; c < d; c++)
				num[c] += wv * (int8_t)mem[r.v + c];
		}
		if ((u128)den > aref_peak_s)
			aref_peak_s = (u128)den;
		for (uint32_t c = 0; c < d; c++)
			if ((u128)(num[c] < 0 ? -num[c] : num[c]) > aref_peak_n)
				aref_peak_n = (u128)(num[c] < 0 ? -num[c] : num[c]);
	}
	/* the reciprocal of S and the outputs */
	{
		int len = bitlen((u128)den), sr = len - 31;
		u128 sh = len >= 31 ? (u128)den >> (len - 31) : (u128)den << (31 - len);
		u128 rc = ((u128)1 << 62) / sh;

		for (uint32_t c = 0; c < d; c++) {
			u128 a = (u128)(num[c] < 0 ? -num[c] : num[c]);
			int t = bitlen(a) > 30 ? bitlen(a) - 30 : 0;
			int64_t acc;

			if (t)
				a = (a + ((u128)1 << (t - 1))) >> t;
			acc = (int64_t)(a * rc);
			y[c] = ref_to_f32(num[c] < 0 ? -acc : acc, 62 + sr - t - (mv - mx));
		}
	}
	free(z);
	free(ev);
	free(vm);
	free(mt);
	free(vt);
}

/* The out row of a token: fp32, or with F_QUANT section 2.1's record of it (host quantizer). */
static void store_row(const struct fllm_attention_params *p, uint8_t *mem /* image */,
		      uint64_t row, const float *y /* (n_heads * d) */)
{
	uint32_t n = (uint32_t)p->n_heads * p->head_dim, g = p->group;
	uint64_t out = p->out_addr + row * p->out_stride;
	uint16_t msx[FLLM_ATTN_HEADS_MAX * FLLM_ATTN_HEAD_DIM_MAX / 16];
	int8_t xq[FLLM_ATTN_HEADS_MAX * FLLM_ATTN_HEAD_DIM_MAX + 256];
	int32_t ex;

	if (!(p->flags & FLLM_ATTN_F_QUANT)) {
		memcpy(mem + out, y, 4ull * n);
		return;
	}
	if (fllm_lutgemm_act_quantize(n, g, y, &ex, msx, xq) != FLLM_CARD_OK)
		abort();	/* outputs are finite by construction */
	fllm_lutgemm_act_write(mem + out, n, g, ex, msx, xq);
}

/* Every descriptor in order; APPEND or every head of every token. */
uint64_t aref_run(const struct fllm_attention_params *p, uint8_t *mem /* card memory image */)
{
	float *y = malloc(sizeof(*y) * p->n_heads * p->head_dim);	/* (n_heads * d) */
	uint64_t nf = 0;

	for (uint32_t s = 0; s < p->n_seqs; s++) {
		uint64_t a = p->seq_addr + 32ull * s, table;
		uint32_t pos = rd32(mem, a), n = rd32(mem, a + 4), row = rd32(mem, a + 8);

		memcpy(&table, mem + a + 16, 8);
		for (uint32_t i = 0; i < n; i++) {
			if (p->op == FLLM_ATTN_OP_APPEND) {
				append(p, mem, table, pos + i, (uint64_t)row + i, &nf);
				continue;
			}
			for (uint32_t h = 0; h < p->n_heads; h++)
				attend(p, mem, table, pos + i, (uint64_t)row + i, h, &nf,
				       y + h * p->head_dim);
			store_row(p, mem, (uint64_t)row + i, y);
		}
	}
	free(y);
	return nf;
}
