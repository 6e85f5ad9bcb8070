/*
 * Prepared LUT-GEMM matrices (fllm_cpu_lutgemm_pack_*): a one-time copy of
 * the card's row records into the tiled layout of the avx512vbmi or the avx2
 * kernel (cpu_internal.h), or a plain view of the records for variants that
 * read them directly. Plain C: it runs once per matrix, at upload time.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

/* Tile offsets and sizes of pk's shape in the avx512vbmi layout (cpu_internal.h). */
static void pack_layout(struct fllm_cpu_lutgemm_pack *pk)
{
	const fllm_cpu_lutgemm_weights *w = &pk->w;
	uint32_t groups = fllm_lutgemm_groups(w->k, w->group);

	pk->tile_rows = FLLM_CPU_LV_ROWS;
	pk->n_tiles = (w->m + FLLM_CPU_LV_ROWS - 1) / FLLM_CPU_LV_ROWS;
	pk->lines = (groups * w->group + 31) / 32;
	pk->scales_off = pk->lines * w->planes * 64;
	pk->erow_off = pk->scales_off + groups * FLLM_CPU_LV_SCALE(w->planes);
	pk->tile_bytes = fllm_lutgemm_align(pk->erow_off + 2 * FLLM_CPU_LV_ROWS);
}

/* Row j of tile into its place: plane bits, scales, E_r. */
static void pack_row(const struct fllm_cpu_lutgemm_pack *pk, const uint8_t *rec /* (row_bytes) */,
		     uint32_t j, uint8_t *tile /* (tile_bytes) */)
{
	const fllm_cpu_lutgemm_weights *w = &pk->w;
	uint32_t q = w->planes, g = w->group, groups = fllm_lutgemm_groups(w->k, g);
	uint32_t pl = fllm_lutgemm_row_planes_offset(w->k, g, q);
	int16_t e_row = fllm_cpu_rd_i16(rec);

	for (uint32_t l = 0; l < pk->lines; l++) {
		for (uint32_t i = 0; i < q; i++) {
			uint32_t half[2] = { 0, 0 };	/* bits of inputs 32l.., 32l+16.. */
			uint8_t *u = tile + ((size_t)l * q + i) * 64 + 4 * j;	/* (4) */

			for (uint32_t h = 0; h < 2; h++) {
				uint32_t k0 = 32 * l + 16 * h, grp = k0 / g, c = k0 % g / 8;
				const uint8_t *b = rec + pl + ((size_t)grp * q + i) * (g / 8) + c;

				if (grp < groups)	/* else padding of the last line: 0 */
					half[h] = b[0] | (uint32_t)b[1] << 8;
			}
			for (uint32_t quad = 0; quad < 4; quad++)
				u[quad] = (uint8_t)((half[0] >> 4 * quad & 15) |
						    (half[1] >> 4 * quad & 15) << 4);
		}
	}
	for (uint32_t grp = 0; grp < groups; grp++) {
		const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(q, grp);
		uint8_t *sc = tile + pk->scales_off + (size_t)grp * FLLM_CPU_LV_SCALE(q);
		int32_t c = w->flags & FLLM_LUTGEMM_F_OFFSET ? fllm_cpu_rd_i16(se + 2) : 0;
		uint8_t d = se[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : se[0];

		for (uint32_t i = 0; i < q; i++) {
			int16_t a = fllm_cpu_rd_i16(se + 4 + 2 * i);

			memcpy(sc + 64 * (i / 2) + 4 * j + 2 * (i & 1), &a, 2);
			c -= a;
		}
		memcpy(sc + FLLM_CPU_LV_C_OFF(q) + 4 * j, &c, 4);
		sc[FLLM_CPU_LV_C_OFF(q) + 64 + (j & 1) * 8 + j / 2] = d;
	}
	memcpy(tile + pk->erow_off + 2 * j, &e_row, 2);
}

/* Tile sizes of pk's shape in the avx2 layout (cpu_internal.h). */
static void pack_layout_avx2(struct fllm_cpu_lutgemm_pack *pk)
{
	const fllm_cpu_lutgemm_weights *w = &pk->w;
	uint32_t groups = fllm_lutgemm_groups(w->k, w->group);

	pk->tile_rows = FLLM_CPU_LA_ROWS;
	pk->n_tiles = (w->m + FLLM_CPU_LA_ROWS - 1) / FLLM_CPU_LA_ROWS;
	pk->group_bytes = 4 * w->planes * w->group + FLLM_CPU_LA_SCALE(w->planes);
	pk->erow_off = groups * pk->group_bytes;
	pk->tile_bytes = fllm_lutgemm_align(pk->erow_off + 2 * FLLM_CPU_LA_ROWS);
}

/* Row j of an avx2 tile into its place: plane bytes, scales in lane order, E_r. */
static void pack_row_avx2(const struct fllm_cpu_lutgemm_pack *pk,
			  const uint8_t *rec /* (row_bytes) */, uint32_t j,
			  uint8_t *tile /* (tile_bytes) */)
{
	const fllm_cpu_lutgemm_weights *w = &pk->w;
	uint32_t q = w->planes, gb = w->group / 8, groups = fllm_lutgemm_groups(w->k, w->group);
	uint32_t pl = fllm_lutgemm_row_planes_offset(w->k, w->group, q);
	uint32_t v = j % 16 / 4, e = j / 16 * 4 + j % 4, slot = 8 * v + e;	/* LA_ROW(v, e) = j */
	int16_t e_row = fllm_cpu_rd_i16(rec);

	assert(FLLM_CPU_LA_ROW(v, e) == j);
	for (uint32_t grp = 0; grp < groups; grp++) {
		const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(q, grp);
		const uint8_t *bits = rec + pl + (size_t)grp * q * gb;	/* (q, g/8) */
		uint8_t *blk = tile + (size_t)grp * pk->group_bytes;
		uint8_t *sc = blk + 4 * q * w->group;
		int32_t c = w->flags & FLLM_LUTGEMM_F_OFFSET ? fllm_cpu_rd_i16(se + 2) : 0;

		for (uint32_t ch = 0; ch < gb; ch++)
			for (uint32_t i = 0; i < q; i++)
				blk[((size_t)ch * q + i) * 32 + j] = bits[i * gb + ch];
		for (uint32_t i = 0; i < q; i++) {
			int16_t a = fllm_cpu_rd_i16(se + 4 + 2 * i);

			memcpy(sc + 128 * (i / 2) + 4 * slot + 2 * (i & 1), &a, 2);
			c -= a;
		}
		memcpy(sc + FLLM_CPU_LA_C_OFF(q) + 4 * slot, &c, 4);
		sc[FLLM_CPU_LA_C_OFF(q) + 128 + 8 * v + 4 * (e & 1) + e / 2] =
			se[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : se[0];
	}
	memcpy(tile + pk->erow_off + 2 * j, &e_row, 2);
}

/* Prepare w for ctx's variant: tiled copy, or a view of the records. */
fllm_status fllm_cpu_lutgemm_pack_create(fllm_cpu_ctx *ctx, const fllm_cpu_lutgemm_weights *w,
					 fllm_cpu_lutgemm_pack **out)
{
	struct fllm_cpu_lutgemm_pack *pk;
	uint32_t row_bytes;
	fllm_status st;

	assert(ctx && w && w->slice && out);
	st = fllm_cpu_lg_weights_check(w);
	if (st != FLLM_OK)
		return st;
	pk = calloc(1, sizeof(*pk));
	if (!pk)
		return FLLM_E_NO_MEMORY;
	pk->w = *w;
	memcpy(pk->slices, w->slice, w->slices * sizeof(*w->slice));
	pk->w.slice = pk->slices;
	pk->isa = ctx->isa;
	row_bytes = fllm_lutgemm_row_bytes(w->k, w->group, w->planes);
	pk->bytes = (size_t)w->m * row_bytes;
	if (ctx->kern->lutgemm_tiles) {
		/* the avx512 variant runs the avx2 tiled kernel on packs */
		int avx2 = ctx->isa == FLLM_CPU_ISA_AVX2 || ctx->isa == FLLM_CPU_ISA_AVX512;

		if (avx2)
			pack_layout_avx2(pk);
		else
			pack_layout(pk);
		pk->bytes = pk->n_tiles * pk->tile_bytes;
		pk->tiles = aligned_alloc(64, pk->bytes);
		if (!pk->tiles) {
			free(pk);
			return FLLM_E_NO_MEMORY;
		}
		memset(pk->tiles, 0, pk->bytes);
		for (uint32_t r = 0; r < w->m; r++)
			(avx2 ? pack_row_avx2 : pack_row)(pk, fllm_cpu_lg_row(&pk->w, row_bytes, r),
							 r % pk->tile_rows, pk->tiles +
							 (size_t)(r / pk->tile_rows) * pk->tile_bytes);
	}
	*out = pk;
	return FLLM_OK;
}

/* Free the copy (if any) and the pack; NULL is a no-op. */
void fllm_cpu_lutgemm_pack_free(fllm_cpu_lutgemm_pack *pk)
{
	if (!pk)
		return;
	free(pk->tiles);
	free(pk);
}

/* Bytes a GEMV on pk streams. */
size_t fllm_cpu_lutgemm_pack_bytes(const fllm_cpu_lutgemm_pack *pk)
{
	assert(pk);
	return pk->bytes;
}

/* Whether pk holds its own tiled copy. */
int fllm_cpu_lutgemm_pack_is_copy(const fllm_cpu_lutgemm_pack *pk)
{
	assert(pk);
	return pk->tiles != NULL;
}
