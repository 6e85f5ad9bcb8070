/*
 * The vector unit's host twin (fllm_cpu_vector_run): the same commands as
 * the golden function fllm_vector_unit_run (hls/vector.c), bit for bit, at
 * host speed. Same parameter step (fllm_vector_fetch_params), then each row
 * with word loads instead of byte reads, each input split once, the
 * per-element datapath steps of hls/vector_elem.c where they are not
 * trivially inlined, ADD on the FPU where its result provably equals the
 * unit's (see vf_add), and a quantizer without 64-bit divisions.
 */
#include "cpu_units.h"
#include "fllm_cpu.h"

/*
 * round_half_away(m / (msx * 2^s)) clamped to 127, as fllm_vec_quant_mag:
 * floor((2m + D) / 2D) with D = msx * 2^s equals
 * floor((floor(2m / 2^s) + msx) / (2 msx)) (nested floor division), and
 * 2m < 2^25 makes the first term 0 for s >= 25.
 */
static inline uint32_t vf_quant_mag(uint32_t m, uint32_t s, uint32_t msx)
{
	uint32_t q;

	if (s >= 40)
		return 0;
	q = ((s >= 25 ? 0u : (2u * m) >> s) + msx) / (2u * msx);
	return q > 127 ? 127 : q;
}

/* See cpu_units.h. */
void cpu_unit_quant_store(uint8_t *rec, const uint32_t *y, uint32_t *gmax, uint32_t n,
			  uint32_t g)
{
	uint32_t groups = fllm_lutgemm_groups(n, g), xo = fllm_lutgemm_act_xq_offset(n, g);
	uint32_t bytes = fllm_lutgemm_act_bytes(n, g), amax = 0;
	struct fllm_vector_f32 v;
	int32_t ex = 0;

	for (uint32_t grp = 0; grp < groups; grp++) {
		uint32_t end = (grp + 1) * g < n ? (grp + 1) * g : n, mx = 0;

		for (uint32_t k = grp * g; k < end; k++) {
			uint32_t mag = y[k] & 0x7fffffffu;	/* finite: bits order as values */

			mx = mag > mx ? mag : mx;
		}
		gmax[grp] = mx;
		amax = mx > amax ? mx : amax;
	}
	if (amax) {
		cpu_unit_split(amax, &v);
		ex = fllm_vec_quant_ex(&v);
	}
	memset(rec, 0, bytes);
	memcpy(rec, &ex, 4);
	for (uint32_t grp = 0; grp < groups; grp++) {
		uint32_t end = (grp + 1) * g < n ? (grp + 1) * g : n;
		uint16_t msx;

		if (!gmax[grp])
			continue;	/* msx 0, every xq 0 */
		cpu_unit_split(gmax[grp], &v);
		msx = fllm_vec_quant_scale(v.m, (uint32_t)-(v.f + ex));
		memcpy(rec + FLLM_LUTGEMM_ACT_MSX + 2 * grp, &msx, 2);
		if (!msx)
			continue;
		for (uint32_t k = grp * g; k < end; k++) {
			uint32_t q = 0;

			cpu_unit_split(y[k], &v);
			if (v.m)
				q = vf_quant_mag(v.m, (uint32_t)-(v.f + ex), msx);
			rec[xo + k] = (uint8_t)(v.neg ? (uint32_t)-(int32_t)q : q);
		}
	}
}

/*
 * fllm_vec_add of two sanitized inputs. The unit rounds the exact sum once
 * to 24 bits (nearest even, unbounded exponent), then flushes results
 * below FLT_MIN to +0 and clamps above FLT_MAX. The FPU's sum is the same
 * rounding whenever it lands in the normal range strictly above FLT_MIN (an
 * exact sum below FLT_MIN is a multiple of 2^-149 and so lands on a
 * subnormal or zero, never there); zero, subnormal, FLT_MIN and overflow
 * results go to the unit's own step.
 */
static inline uint32_t vf_add(uint32_t a, uint32_t b)
{
	float fa, fb, fs;
	uint32_t s, e;

	memcpy(&fa, &a, 4);
	memcpy(&fb, &b, 4);
	fs = fa + fb;
	memcpy(&s, &fs, 4);
	e = s >> 23 & 0xffu;
	if (e - 1u < 254u && (s & 0x7fffffffu) != 0x00800000u)
		return s;
	{
		struct fllm_vector_f32 va, vb;

		cpu_unit_split(a, &va);
		cpu_unit_split(b, &vb);
		return fllm_vec_add(&va, &vb);
	}
}

/* RMSNORM of x into y (the steps of hls/vector.c's vec_rmsnorm, each input split once). */
static void vf_rmsnorm(const uint32_t *x, uint32_t *y, const uint8_t *mem,
		       const struct fllm_vector_params *p)
{
	const uint8_t *wrec = mem + p->weight_addr;
	int32_t fmax = INT32_MIN, e, ew;
	struct fllm_vector_f32 v;
	uint64_t s = 0;
	uint32_t r;

	for (uint32_t i = 0; i < p->n; i++) {
		cpu_unit_split(x[i], &v);
		if (v.m && v.f > fmax)
			fmax = v.f;
	}
	if (fmax == INT32_MIN) {
		memset(y, 0, 4ull * p->n);
		return;
	}
	for (uint32_t i = 0; i < p->n; i++) {
		uint64_t a;

		cpu_unit_split(x[i], &v);
		a = v.m ? fllm_vec_rha(v.m, (uint32_t)(fmax - v.f)) : 0;
		s += a * a;
	}
	fllm_vector_rms_scale(s, 2 * fmax, p->n, p->eps, &r, &e);
	memcpy(&ew, wrec, 4);
	for (uint32_t i = 0; i < p->n; i++) {
		int16_t wm;

		memcpy(&wm, wrec + FLLM_VECTOR_WEIGHT_HDR + 2ull * i, 2);
		cpu_unit_split(x[i], &v);
		y[i] = fllm_vec_norm_elem(&v, r, e, ew, wm);
	}
}

/* Row r of the block: inputs, the op, the store. */
static void vf_row(struct fllm_vector_onchip *oc, uint8_t *mem, const struct fllm_vector_params *p,
		   uint32_t r, uint64_t *nf)
{
	const uint8_t *in = mem + p->in_addr + r * p->in_stride;
	uint32_t *x = oc->x, *y = oc->y, n = p->n;
	struct fllm_vector_f32 a, b;

	if (p->op == FLLM_VECTOR_OP_DEQUANT) {
		const uint8_t *xq = in + fllm_lutgemm_act_xq_offset(n, p->group);
		int32_t ex;

		memcpy(&ex, in, 4);
		for (uint32_t k = 0; k < n; k++) {
			uint16_t msx;

			memcpy(&msx, in + FLLM_LUTGEMM_ACT_MSX + 2 * (k / p->group), 2);
			y[k] = fllm_vec_to_bits((int64_t)(int8_t)xq[k] * msx, ex);
		}
	} else {
		for (uint32_t i = 0; i < n; i++)
			x[i] = cpu_unit_load(in + 4ull * i, nf);
	}
	switch (p->op) {
	case FLLM_VECTOR_OP_COPY:
		memcpy(y, x, 4ull * n);
		break;
	case FLLM_VECTOR_OP_RMSNORM:
		vf_rmsnorm(x, y, mem, p);
		break;
	case FLLM_VECTOR_OP_ROPE: {
		const uint8_t *tab = mem + p->table_addr +
				     ((uint64_t)p->pos + r) * fllm_vector_rope_row_bytes(p->head_dim);
		uint32_t half = p->head_dim / 2u;

		for (uint32_t i = 0; i < n / 2; i++) {
			int32_t cs[2];

			memcpy(cs, tab + 8ull * (i % half), 8);
			cpu_unit_split(x[2 * i], &a);
			cpu_unit_split(x[2 * i + 1], &b);
			fllm_vec_rope_pair(&a, &b, cs[0], cs[1], &y[2 * i], &y[2 * i + 1]);
		}
		break;
	}
	case FLLM_VECTOR_OP_SILU_MUL:
	case FLLM_VECTOR_OP_ADD: {
		const uint8_t *in2 = mem + p->in2_addr + r * p->in2_stride;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t u = cpu_unit_load(in2 + 4ull * i, nf);

			if (p->op == FLLM_VECTOR_OP_ADD) {
				y[i] = vf_add(x[i], u);
			} else {
				cpu_unit_split(x[i], &a);
				cpu_unit_split(u, &b);
				y[i] = fllm_vec_silu_mul(&a, &b);
			}
		}
		break;
	}
	default:
		break;
	}
	if (p->flags & FLLM_VECTOR_F_QUANT)
		cpu_unit_quant_store(mem + p->out_addr + r * p->out_stride, y, oc->gmax, n,
				     p->group);
	else
		memcpy(mem + p->out_addr + r * p->out_stride, y, 4ull * n);
}

/* See fllm_cpu.h. */
int fllm_cpu_vector_run(struct fllm_vector_onchip *oc, uint8_t *mem, uint64_t mem_bytes,
			uint64_t params, uint64_t params_bytes, uint64_t *nonfinite)
{
	struct fllm_vector_params p;
	enum fllm_card_err err;
	uint64_t nf = 0;

	err = fllm_vector_fetch_params(mem, mem_bytes, params, params_bytes, &p);
	if (err != FLLM_CARD_OK)
		return (int)err;
	for (uint32_t r = 0; r < p.rows; r++)
		vf_row(oc, mem, &p, r, &nf);
	*nonfinite = nf;
	return FLLM_CARD_OK;
}
