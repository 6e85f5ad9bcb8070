/*
 * Reading card-layout matrices on the host: where a row record lives, the
 * strict check of its reserved bytes, and its exact dequantization (the
 * card's integer weight times a power of two, docs/numerics.md 1.1 and 3).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "card_matrix.h"
#include "fllm_lutgemm.h"

/* Row r is record r / slices of slice r % slices; slices lie back to back. */
const uint8_t *card_matrix_row(const struct card_matrix *cm, uint32_t r)
{
	uint32_t s = r % cm->slices;
	uint64_t before = (uint64_t)s * (cm->m / cm->slices) +
			  (s < cm->m % cm->slices ? s : cm->m % cm->slices);

	return cm->data + (before + r / cm->slices) * cm->row_bytes;
}

/* Every record of the matrix. */
uint64_t card_matrix_bytes(const struct card_matrix *cm)
{
	return (uint64_t)cm->m * cm->row_bytes;
}

/* Free owned records; the struct is zeroed. */
void card_matrix_release(struct card_matrix *cm)
{
	free(cm->owned);
	memset(cm, 0, sizeof(*cm));
}

/* A little-endian int16 from a record. */
static int16_t rd16(const uint8_t *p)
{
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

/* First nonzero byte in [from, to) of rec, or -1. */
static int64_t first_nonzero(const uint8_t *rec, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		if (rec[i])
			return (int64_t)i;
	return -1;
}

/* See card_matrix.h. */
fllm_status card_row_check(const struct card_matrix *cm, const uint8_t *rec, uint32_t r,
			   const char *name, struct fllm_err *err)
{
	uint32_t g = cm->group, q = cm->planes, k = cm->k;
	uint32_t groups = fllm_lutgemm_groups(k, g);
	uint32_t scale_end = fllm_lutgemm_row_scale_offset(q, groups);
	uint32_t planes = fllm_lutgemm_row_planes_offset(k, g, q);
	int64_t at = first_nonzero(rec, 2, 4);

	for (uint32_t grp = 0; at < 0 && grp < groups; grp++) {
		const uint8_t *e = rec + fllm_lutgemm_row_scale_offset(q, grp);

		if (e[1] || (!(cm->flags & FLLM_LUTGEMM_F_OFFSET) && rd16(e + 2)))
			at = e - rec + (e[1] ? 1 : 2);
	}
	if (at < 0)
		at = first_nonzero(rec, scale_end, planes);
	if (at < 0)
		at = first_nonzero(rec, planes + (uint64_t)groups * q * (g / 8), cm->row_bytes);
	/* sign bits of the last group's inputs past k */
	for (uint32_t i = 0; at < 0 && k % g && i < q; i++) {
		const uint8_t *pl = rec + planes + ((uint64_t)(groups - 1) * q + i) * (g / 8);

		for (uint32_t kk = k % g; kk < g; kk++) {
			if (pl[kk / 8] >> (kk % 8) & 1) {
				at = pl + kk / 8 - rec;
				break;
			}
		}
	}
	if (at >= 0)
		return fllm_err_set(err, FLLM_E_FORMAT,
				    "tensor '%s' row %u: reserved or padding byte %lld is not 0",
				    name, r, (long long)at);
	return FLLM_OK;
}

/* See card_matrix.h. */
fllm_status card_row_dequant(const struct card_matrix *cm, uint32_t r, float *out,
			     const char *name, struct fllm_err *err)
{
	const uint8_t *rec = card_matrix_row(cm, r);
	uint32_t g = cm->group, q = cm->planes;
	uint32_t planes = fllm_lutgemm_row_planes_offset(cm->k, g, q);
	int32_t e_row = rd16(rec);

	for (uint32_t k = 0; k < cm->k; k++) {
		uint32_t grp = k / g, c = (k % g) / 8;
		const uint8_t *e = rec + fllm_lutgemm_row_scale_offset(q, grp);
		uint32_t d = e[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : e[0];
		int32_t w = cm->flags & FLLM_LUTGEMM_F_OFFSET ? rd16(e + 2) : 0;

		for (uint32_t i = 0; i < q; i++) {
			uint8_t byte = rec[planes + ((uint64_t)grp * q + i) * (g / 8) + c];
			int32_t a = rd16(e + 4 + 2 * i);

			w += byte >> (k % 8) & 1 ? a : -a;
		}
		out[k] = ldexpf((float)w, -(e_row + (int32_t)d));
		if (!isfinite(out[k]))
			return fllm_err_set(err, FLLM_E_FORMAT,
					    "tensor '%s' row %u: exponent %d + %u puts weight %u "
					    "outside fp32", name, r, e_row, d, k);
	}
	return FLLM_OK;
}

/* See card_matrix.h. Per group |w| <= |zq| + sum |a_i|, so that bound
 * finite at the group's exponent makes every weight of the group finite;
 * only a row where it is not is dequantized to find the weight. */
fllm_status card_row_finite(const struct card_matrix *cm, uint32_t r, float *tmp,
			    const char *name, struct fllm_err *err)
{
	const uint8_t *rec = card_matrix_row(cm, r);
	uint32_t q = cm->planes, groups = fllm_lutgemm_groups(cm->k, cm->group);
	int32_t e_row = rd16(rec);

	for (uint32_t grp = 0; grp < groups; grp++) {
		const uint8_t *e = rec + fllm_lutgemm_row_scale_offset(q, grp);
		uint32_t d = e[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : e[0];
		int32_t z = cm->flags & FLLM_LUTGEMM_F_OFFSET ? rd16(e + 2) : 0;
		int32_t bound = z < 0 ? -z : z;

		for (uint32_t i = 0; i < q; i++) {
			int32_t a = rd16(e + 4 + 2 * i);

			bound += a < 0 ? -a : a;
		}
		if (!isfinite(ldexpf((float)bound, -(e_row + (int32_t)d))))
			return card_row_dequant(cm, r, tmp, name, err);
	}
	return FLLM_OK;
}
