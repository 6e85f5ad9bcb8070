/*
 * The scalar reference (see lutgemm_ref.h). Deliberately slow and obvious;
 * it shares nothing with hls/lutgemm.c but the parameter-block struct.
 */
#include "lutgemm_ref.h"

#include <float.h>
#include <math.h>
#include <string.h>

_Static_assert(LDBL_MANT_DIG >= 64, "the reference needs a 64-bit long double significand");

static int64_t le16(const uint8_t *b /* bytes */)
{
	return (int16_t)(uint16_t)(b[0] | b[1] << 8);
}

static uint64_t mag128(__int128 v)
{
	return (uint64_t)(v < 0 ? -v : v);
}

/* Division with the quotient rounded toward -infinity. */
int64_t ref_rshift_round(int64_t p, uint32_t s)
{
	__int128 v, den;

	if (s == 0)
		return p;
	den = (__int128)1 << s;
	v = (__int128)p + den / 2;
	if (v >= 0)
		return (int64_t)(v / den);
	return (int64_t)-((-v + den - 1) / den);
}

/* Round to 24 bits by a long double -> float cast of a value in [1, 2). */
float ref_to_f32(int64_t value, int64_t shift)
{
	long double v = (long double)value, unit;
	int e, e2;
	long lead;
	float f;

	if (value == 0)
		return 0.0f;
	frexpl(v, &e);			/* |v| in [2^(e-1), 2^e) */
	unit = ldexpl(v, 1 - e);	/* exact: |unit| in [1, 2) */
	f = (float)unit;		/* one rounding, nearest-even */
	frexpf(f, &e2);			/* e2 = 1, or 2 when it rounded up to 2 */
	lead = (long)(e - 1) - shift + (e2 - 1);
	if (lead < -126)
		return 0.0f;
	if (lead > 127)
		return value < 0 ? -FLT_MAX : FLT_MAX;
	return ldexpf(f, (int)((e - 1) - shift));
}

/* One row, one token: the doc's formula with integer weights per group. */
static float ref_row(const uint8_t *mem /* card memory */, const struct fllm_lutgemm_params *p,
		     uint64_t rec, uint64_t act, struct ref_peaks *pk)
{
	uint32_t g = p->group, q = p->planes, k = p->k;
	uint32_t groups = (k + g - 1) / g;
	uint64_t entry = 4 + 2 * (uint64_t)q;
	uint64_t planes = (4 + groups * entry + 63) / 64 * 64;
	uint64_t xq_at = (8 + 2 * (uint64_t)groups + 63) / 64 * 64;
	int64_t e_row = le16(mem + rec);
	int32_t ex = (int32_t)(mem[act] | mem[act + 1] << 8 | mem[act + 2] << 16 |
			       (uint32_t)mem[act + 3] << 24);
	__int128 yacc = 0;

	for (uint32_t grp = 0; grp < groups; grp++) {
		const uint8_t *se = mem + rec + 4 + grp * entry;
		uint32_t d = se[0] > 62 ? 62 : se[0];
		int64_t zq = (p->flags & FLLM_LUTGEMM_F_OFFSET) ? le16(se + 2) : 0;
		int64_t msx = (uint16_t)(mem[act + 8 + 2 * grp] | mem[act + 9 + 2 * grp] << 8);
		__int128 acc = 0, prod;

		for (uint32_t j = 0; j < g; j++) {
			uint64_t kk = (uint64_t)grp * g + j;
			int64_t w = zq, x;

			if (kk >= k)
				break;	/* padding inputs are zero */
			for (uint32_t i = 0; i < q; i++) {
				uint64_t at = planes + ((uint64_t)grp * q + i) * (g / 8) + j / 8;
				uint8_t byte = mem[rec + at];
				int64_t b = (byte >> (j % 8) & 1) ? 1 : -1;

				w += le16(se + 4 + 2 * i) * b;
			}
			x = (int8_t)mem[act + xq_at + kk];
			acc += (__int128)w * x;
		}
		prod = acc * msx;
		if (mag128(acc) > pk->acc)
			pk->acc = mag128(acc);
		if (mag128(prod) > pk->prod)
			pk->prod = mag128(prod);
		yacc += ref_rshift_round((int64_t)prod, d);
		if (mag128(yacc) > pk->yacc)
			pk->yacc = mag128(yacc);
	}
	return ref_to_f32((int64_t)yacc, e_row + ex);
}

void ref_lutgemm(const uint8_t *mem /* card memory, bytes */,
		 const struct fllm_lutgemm_params *p, float *y /* (n_tokens, m) */,
		 struct ref_peaks *peaks)
{
	uint32_t g = p->group, q = p->planes, k = p->k;
	uint64_t groups = (k + g - 1) / g;
	uint64_t planes = (4 + groups * (4 + 2 * q) + 63) / 64 * 64;
	uint64_t row_bytes = (planes + groups * q * (g / 8) + 63) / 64 * 64;

	memset(peaks, 0, sizeof(*peaks));
	for (uint32_t n = 0; n < p->n_tokens; n++)
		for (uint32_t r = 0; r < p->m; r++)
			y[(uint64_t)n * p->m + r] =
				ref_row(mem, p, p->slice_addr[r % p->slices] +
					(r / p->slices) * row_bytes,
					p->act_addr + n * p->act_stride, peaks);
}
