/*
 * LUT-GEMM in plain C, organized as the card's unit (docs/numerics.md 3 and
 * 7): rows in tiles; per group, the 256-entry tables of every token are built
 * once and shared by every row of the tile, then each byte of a bit-plane is
 * one table read. Runs on any CPU; the SIMD variants replace the table reads
 * with mask arithmetic (docs/performance.md says why).
 */
#include "cpu_variant.h"

#define CHUNKS_MAX (FLLM_LUTGEMM_G_MAX / 8)

/*
 * Tables of one group for every token: tables[n][c][m] = sum over j < 8 of
 * (bit j of m ? +xq : -xq)[grp * g + 8c + j], built by doubling.
 */
static void lgp_build_tables(const struct fllm_cpu_lg_job *job, uint32_t grp,
			     int16_t *tables /* (n, g/8, 256) */)
{
	uint32_t g = job->w->group, chunks = g / 8;

	for (uint32_t n = 0; n < job->n; n++) {
		const int8_t *x = job->xq + n * job->xq_stride + (size_t)grp * g;	/* (g) */

		for (uint32_t c = 0; c < chunks; c++) {
			int16_t *t = tables + ((size_t)n * CHUNKS_MAX + c) * 256;	/* (256) */
			int16_t base = 0;

			for (uint32_t j = 0; j < 8; j++)
				base = (int16_t)(base - x[8 * c + j]);
			t[0] = base;
			for (uint32_t j = 0; j < 8; j++) {
				int16_t step = (int16_t)(2 * x[8 * c + j]);

				for (uint32_t m = 0; m < (1u << j); m++)
					t[m | 1u << j] = (int16_t)(t[m] + step);
			}
		}
	}
}

/* Add group grp of one row record to every token's accumulator. */
static void lgp_row_group(const struct fllm_cpu_lg_job *job, const uint8_t *rec /* (row_bytes) */,
			  uint32_t grp, const int16_t *tables /* (n, g/8, 256) */,
			  int64_t *yacc /* (n) */)
{
	uint32_t q = job->w->planes, chunks = job->w->group / 8;
	const uint8_t *se = rec + fllm_lutgemm_row_scale_offset(q, grp);	/* scale entry */
	const uint8_t *pl = rec + job->planes_off + (size_t)grp * q * chunks;	/* (q, g/8) */
	int16_t zq = job->w->flags & FLLM_LUTGEMM_F_OFFSET ? fllm_cpu_rd_i16(se + 2) : 0;
	uint32_t d = se[0] > FLLM_LUTGEMM_D_MAX ? FLLM_LUTGEMM_D_MAX : se[0];

	for (uint32_t n = 0; n < job->n; n++) {
		const int16_t *tn = tables + (size_t)n * CHUNKS_MAX * 256;	/* (g/8, 256) */
		int64_t acc = (int64_t)zq * job->sums[(size_t)n * job->groups + grp];

		for (uint32_t i = 0; i < q; i++) {
			const uint8_t *b = pl + i * chunks;	/* (g/8) plane bytes */
			int32_t t = 0;

			for (uint32_t c = 0; c < chunks; c++)
				t += tn[c * 256 + b[c]];
			acc += (int64_t)fllm_cpu_rd_i16(se + 4 + 2 * i) * t;
		}
		yacc[n] += fllm_lutgemm_rshift_round(
			(int64_t)job->msx[(size_t)n * job->groups + grp] * acc, d);
	}
}

/* Rows [r0, r1) in tiles; tables built once per (tile, group). */
void fllm_cpu_lutgemm_rows_portable(const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1,
				    struct fllm_cpu_scratch *s)
{
	const fllm_cpu_lutgemm_weights *w = job->w;

	for (uint32_t t0 = r0; t0 < r1; t0 += FLLM_CPU_TILE_ROWS) {
		uint32_t rows = r1 - t0 < FLLM_CPU_TILE_ROWS ? r1 - t0 : FLLM_CPU_TILE_ROWS;

		for (size_t i = 0; i < (size_t)rows * job->n; i++)
			s->yacc[i] = 0;
		for (uint32_t grp = 0; grp < job->groups; grp++) {
			lgp_build_tables(job, grp, s->tables);
			for (uint32_t t = 0; t < rows; t++)
				lgp_row_group(job, fllm_cpu_lg_row(w, job->row_bytes, t0 + t), grp,
					      s->tables, s->yacc + (size_t)t * job->n);
		}
		for (uint32_t t = 0; t < rows; t++) {
			int16_t e_row = fllm_cpu_rd_i16(fllm_cpu_lg_row(w, job->row_bytes, t0 + t));

			for (uint32_t n = 0; n < job->n; n++) {
				int64_t acc = s->yacc[(size_t)t * job->n + n];

				job->y[n * job->y_stride + t0 + t] = fllm_cpu_lg_y(job, n, acc, e_row);
			}
		}
	}
}
