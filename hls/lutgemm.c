/*
 * The LUT-GEMM compute unit in Vitis-HLS C. docs/numerics.md is the
 * specification; this file is the golden model that RTL and host integer
 * kernels must match bit for bit.
 *
 * Unit structure: activations of all N tokens are loaded once into on-chip
 * memory; rows are processed in tiles of FLLM_LUTGEMM_TILE_ROWS; for each
 * group the 256-entry tables of every token are built once and shared by
 * every row of the tile. Every step before the final conversion is exact
 * integer arithmetic, so tiling and order never change a result. Rows are
 * read through their slice's port, everything else through the control port.
 */
#include "fllm_lutgemm_unit.h"
#include "lutgemm_internal.h"

/* Load every token's ex, msx and xq; inputs k >= K become 0 whatever memory holds. */
static void lg_load_acts(struct fllm_lutgemm_onchip *oc, const uint8_t *ctl /* card memory */,
			 const struct fllm_lutgemm_params *p)
{
	uint32_t groups = fllm_lutgemm_groups(p->k, p->group);
	uint32_t kp = groups * p->group;
	uint32_t xq_off = fllm_lutgemm_act_xq_offset(p->k, p->group);

	for (uint32_t n = 0; n < p->n_tokens; n++) {
		uint64_t rec = p->act_addr + n * p->act_stride;

		oc->ex[n] = (int32_t)fllm_lg_rd32(ctl, rec);
		for (uint32_t grp = 0; grp < groups; grp++) {
#pragma HLS PIPELINE II=1
			oc->msx[n][grp] = fllm_lg_rd16(ctl, rec + FLLM_LUTGEMM_ACT_MSX + 2 * grp);
		}
		for (uint32_t k = 0; k < kp; k++) {
#pragma HLS PIPELINE II=1
			oc->xq[n][k] = k < p->k ? (int8_t)ctl[rec + xq_off + k] : 0;
		}
	}
}

/*
 * Build the tables of group grp for every token: table_c[m] = sum over j of
 * (bit j of m ? +xq : -xq)[8c + j], by doubling (entries with top bit j set
 * are the entries below them plus 2 * xq[j]); also S_G = sum of xq.
 */
static void lg_build_tables(struct fllm_lutgemm_onchip *oc,
			    const struct fllm_lutgemm_params *p, uint32_t grp)
{
	uint32_t chunks = p->group / 8;

	for (uint32_t n = 0; n < p->n_tokens; n++) {
		const int8_t *x = &oc->xq[n][grp * p->group];	/* (g) */
		int32_t s = 0;

		for (uint32_t c = 0; c < chunks; c++) {
#pragma HLS PIPELINE II=1
			int16_t *t = oc->table[n][c];	/* (256) */
			int16_t base = 0;

			for (uint32_t j = 0; j < 8; j++)
				base = (int16_t)(base - x[8 * c + j]);
			t[0] = base;
			for (uint32_t j = 0; j < 8; j++)
				for (uint32_t m = 0; m < (1u << j); m++)
					t[m | 1u << j] = (int16_t)(t[m] + 2 * x[8 * c + j]);
			for (uint32_t j = 0; j < 8; j++)
				s += x[8 * c + j];
		}
		oc->sum[n] = s;
	}
}

/* Card address of row r's record (read through port r % slices). */
static uint64_t lg_row_addr(const struct fllm_lutgemm_params *p, uint32_t r)
{
	return p->slice_addr[r % p->slices] + (uint64_t)(r / p->slices) * p->row_bytes;
}

/*
 * Add group grp of row r to every token's y_acc: acc_G = sum_i a_i * T_i +
 * zq * S_G, p_G = msx_G * acc_G, y_acc += rshift_round(p_G, min(d, 62)).
 */
static void lg_row_group(struct fllm_lutgemm_onchip *oc,
			 const uint8_t *w /* card memory through row r's slice port */,
			 const struct fllm_lutgemm_params *p, uint32_t r, uint32_t grp,
			 int64_t *yacc /* (N) */)
{
	uint32_t q = p->planes, chunks = p->group / 8;
	uint64_t row = lg_row_addr(p, r);
	uint64_t se = row + fllm_lutgemm_row_scale_offset(q, grp);
	uint64_t pl = row + fllm_lutgemm_row_planes_offset(p->k, p->group, q) +
		      (uint64_t)grp * q * chunks;
	uint32_t d = w[se];
	int16_t zq = (p->flags & FLLM_LUTGEMM_F_OFFSET) ? (int16_t)fllm_lg_rd16(w, se + 2) : 0;
	int16_t a[FLLM_LUTGEMM_Q_MAX];
	uint8_t bytes[FLLM_LUTGEMM_Q_MAX][FLLM_LUTGEMM_CHUNKS_MAX]; /* (q, g/8) plane bytes */
#pragma HLS ARRAY_PARTITION variable=a complete
#pragma HLS ARRAY_PARTITION variable=bytes complete dim=1

	if (d > FLLM_LUTGEMM_D_MAX)
		d = FLLM_LUTGEMM_D_MAX;
	for (uint32_t i = 0; i < q; i++) {
		a[i] = (int16_t)fllm_lg_rd16(w, se + 4 + 2 * i);
		for (uint32_t c = 0; c < chunks; c++)
			bytes[i][c] = w[pl + (uint64_t)i * chunks + c];
	}
	for (uint32_t n = 0; n < p->n_tokens; n++) {
#pragma HLS PIPELINE II=1
		int64_t acc = (int64_t)zq * oc->sum[n];

		for (uint32_t i = 0; i < q; i++) {
			int32_t t = 0;

			for (uint32_t c = 0; c < chunks; c++)
				t += oc->table[n][c][bytes[i][c]];
			acc += (int64_t)a[i] * t;
		}
		yacc[n] += fllm_lutgemm_rshift_round((int64_t)oc->msx[n][grp] * acc, d);
	}
}

/* Convert and store the outputs of rows [r0, r0 + rows). */
static void lg_store_tile(struct fllm_lutgemm_onchip *oc, uint8_t *ctl /* card memory */,
			  const uint8_t *const *wport /* (SLICES_MAX) */,
			  const struct fllm_lutgemm_params *p, uint32_t r0, uint32_t rows)
{
	for (uint32_t t = 0; t < rows; t++) {
		uint32_t r = r0 + t;
		int16_t e_row = (int16_t)fllm_lg_rd16(wport[r % p->slices], lg_row_addr(p, r));

		for (uint32_t n = 0; n < p->n_tokens; n++) {
#pragma HLS PIPELINE II=1
			float y = fllm_lutgemm_to_f32(oc->yacc[t][n], (int64_t)e_row + oc->ex[n]);
			uint32_t bits;

			__builtin_memcpy(&bits, &y, sizeof(bits));
			fllm_lg_wr32(ctl, p->out_addr + n * p->out_stride + 4ull * r, bits);
		}
	}
}

/* Check the block's own placement, fetch it, and validate it (nothing written). */
enum fllm_card_err fllm_lutgemm_fetch(const uint8_t *ctl /* card memory */,
				      uint64_t mem_bytes, uint64_t params, uint64_t params_bytes,
				      struct fllm_lutgemm_params *p)
{
	enum fllm_card_err err;

	err = fllm_unit_block_fetch(ctl, mem_bytes, params, params_bytes, p, sizeof(*p));
	if (err != FLLM_CARD_OK)
		return err;
	err = fllm_lutgemm_params_check(p, mem_bytes);
	if (err != FLLM_CARD_OK)
		return err;
	if (fllm_lg_overlap(p->out_addr, fllm_lg_out_len(p), params, sizeof(*p)))
		return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/* Validate the parameter block, then stream the rows tile by tile. */
enum fllm_card_err fllm_lutgemm_unit_run(struct fllm_lutgemm_onchip *oc,
					 uint8_t *ctl /* (mem_bytes) card memory */,
					 const uint8_t *const *wport /* (SLICES_MAX) card memory */,
					 uint64_t mem_bytes, uint64_t params,
					 uint64_t params_bytes)
{
	struct fllm_lutgemm_params p;
	enum fllm_card_err err;
	uint32_t groups;

	err = fllm_lutgemm_fetch(ctl, mem_bytes, params, params_bytes, &p);
	if (err != FLLM_CARD_OK)
		return err;
	groups = fllm_lutgemm_groups(p.k, p.group);
	lg_load_acts(oc, ctl, &p);
	for (uint32_t r0 = 0; r0 < p.m; r0 += FLLM_LUTGEMM_TILE_ROWS) {
		uint32_t rows = p.m - r0 < FLLM_LUTGEMM_TILE_ROWS ? p.m - r0 :
			FLLM_LUTGEMM_TILE_ROWS;

		for (uint32_t t = 0; t < rows; t++)
			for (uint32_t n = 0; n < p.n_tokens; n++)
				oc->yacc[t][n] = 0;
		for (uint32_t grp = 0; grp < groups; grp++) {
#pragma HLS DATAFLOW
			lg_build_tables(oc, &p, grp);
			for (uint32_t t = 0; t < rows; t++)
				lg_row_group(oc, wport[(r0 + t) % p.slices], &p, r0 + t, grp,
					     oc->yacc[t]);
		}
		lg_store_tile(oc, ctl, wport, &p, r0, rows);
	}
	return FLLM_CARD_OK;
}

/* HLS top of the golden model: static on-chip memories, one bundle for all ports. */
enum fllm_card_err fllm_hls_lutgemm_unit(uint8_t *mem /* (mem_bytes) card memory, bytes */,
					 uint64_t mem_bytes, uint64_t params,
					 uint64_t params_bytes)
{
#pragma HLS INTERFACE m_axi port=mem offset=slave bundle=gmem max_widen_bitwidth=512
#pragma HLS INTERFACE s_axilite port=mem_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=params bundle=control
#pragma HLS INTERFACE s_axilite port=params_bytes bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
	static struct fllm_lutgemm_onchip oc;
	const uint8_t *wport[FLLM_LUTGEMM_SLICES_MAX];	/* every slice port on mem */

	for (uint32_t s = 0; s < FLLM_LUTGEMM_SLICES_MAX; s++)
		wport[s] = mem;
	return fllm_lutgemm_unit_run(&oc, mem, wport, mem_bytes, params, params_bytes);
}
