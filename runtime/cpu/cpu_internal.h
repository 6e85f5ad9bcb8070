/*
 * Private state of the host kernels: the context, the thread pool, the jobs
 * the front ends hand to the instruction-set variants, and the variants'
 * entry points. Each variant lives in its own file compiled with its own
 * target flags (sources.cmake); nothing here may use an ISA extension.
 */
#ifndef FLLM_CPU_INTERNAL_H
#define FLLM_CPU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fllm_cpu.h"
#include "threadpool.h"
#include "fllm_lutgemm.h"

/* Rows the portable kernel shares one set of tables across (as the card's tile). */
#define FLLM_CPU_TILE_ROWS 256u
/* Bytes of zeros after each token's xq copy, so 64-byte loads never leave it. */
#define FLLM_CPU_XQ_PAD 64u

/*
 * Tiled layout of the avx512vbmi variant (fllm_cpu_lutgemm_pack_create).
 * Rows go in tiles of FLLM_CPU_LV_ROWS; rows past m are all zero. With
 * lines = ceil(G g / 32) (inputs zero-padded to whole 32-input lines) a tile
 * is, from offset 0:
 *   planes: (lines, q) units of 64 bytes; unit (L, i) holds plane i of inputs
 *     32L..32L+31 for the 16 rows; byte 4j + u is row j's quad u: low nibble
 *     the bits of inputs 32L + 4u + b (b = 0..3, bit b), high nibble those
 *     of inputs 32L + 16 + 4u + b;
 *   scales at scales_off, per group (FLLM_CPU_LV_SCALE(q) bytes each):
 *     a (ceil(q / 2), 16, 2) int16: plane pairs per row (a_2p, a_2p+1; 0 past
 *     q), rows in order, c (16) int32 = zq - sum_i a_i (zq = 0
 *     without FLLM_LUTGEMM_F_OFFSET), d (16) uint8 = min(d, 62) for rows
 *     0, 2, .., 14 then 1, 3, .., 15;
 *   E_r (16) int16 at erow_off;
 * and tile_bytes is a multiple of 64. Native byte order (x86 only).
 */
#define FLLM_CPU_LV_ROWS 16u
#define FLLM_CPU_LV_SCALE(q) (64u * (((q) + 1) / 2) + 80u)
#define FLLM_CPU_LV_C_OFF(q) (64u * (((q) + 1) / 2))	/* c in a group's scales */
/* Bytes of lookup tables per token and 32-input line: TL, TH of both 16-input halves. */
#define FLLM_CPU_LV_TAB_LINE 256u

/*
 * Tiled layout of the avx2 variant (fllm_cpu_lutgemm_pack_create). Rows go
 * in tiles of FLLM_CPU_LA_ROWS; rows past m are all zero. A tile is G group
 * blocks of group_bytes, then E_r (32) int16, padded to 64 bytes. A group
 * block is
 *   planes: (g / 8, q) units of 32 bytes; unit (c, i) byte j is row j's
 *     plane-i byte of chunk c, as in the card record (bit b = input
 *     G g + 8c + b: low nibble one quad, high nibble the next);
 *   scales (FLLM_CPU_LA_SCALE(q) bytes), rows in "lane order" (slot
 *     s = 8 v + e holds row FLLM_CPU_LA_ROW(v, e), the order in which the
 *     kernel's int32 lanes come out of its unpacks):
 *     a (ceil(q / 2), 32 slots) pairs (a_2p, a_2p+1) of int16, 0 past q;
 *     c (32 slots) int32 = zq - sum_i a_i (zq = 0 without the offset flag);
 *     d (32) uint8 = min(d, 62): byte 8 v + 4 o + e is slot 8 v + 2 e + o
 *     (even slots of vector v, then odd ones, as vpmuldq splits them).
 */
#define FLLM_CPU_LA_ROWS 32u
#define FLLM_CPU_LA_SCALE(q) (128u * (((q) + 1) / 2) + 160u)
#define FLLM_CPU_LA_C_OFF(q) (128u * (((q) + 1) / 2))	/* c in a group's scales */
/* Row of slot e (0..7) of int32 vector v (0..3): lanes hold rows 4v.. and 16 + 4v.. */
#define FLLM_CPU_LA_ROW(v, e) (4u * (v) + ((e) / 4u) * 16u + (e) % 4u)
/* Bytes of lookup tables per token and 8-input chunk: TL, TH of both quads. */
#define FLLM_CPU_LA_TAB_CHUNK 64u

struct fllm_cpu_lutgemm_pack {
	fllm_cpu_lutgemm_weights w;	/* shape; w.slice points at slices */
	const uint8_t *slices[FLLM_LUTGEMM_SLICES_MAX];	/* the caller's card records */
	enum fllm_cpu_isa isa;		/* variant it was made for */
	uint8_t *tiles;			/* (n_tiles, tile_bytes) tiled copy, or NULL */
	uint32_t tile_rows;		/* FLLM_CPU_LV_ROWS or FLLM_CPU_LA_ROWS */
	uint32_t n_tiles, lines, scales_off, erow_off;
	uint32_t group_bytes;		/* avx2 layout: bytes of one group block */
	size_t tile_bytes;
	size_t bytes;			/* bytes one GEMV streams */
};

/* ---- per-thread scratch, sized for the limits at context creation ---- */

struct fllm_cpu_scratch {
	int16_t *tables;	/* (N_MAX, G_MAX/8, 256) LUT of the portable kernel */
	int64_t *yacc;		/* (TILE_ROWS, N_MAX) row accumulators */
	float *row;		/* (K_MAX) one dequantized row */
};

struct fllm_cpu_ctx {
	int counted;			/* a live handle (not fllm_cpu_ctx_disown()ed) */
	enum fllm_cpu_isa isa;
	uint32_t threads;
	const struct fllm_cpu_kernels *kern;
	struct fllm_threadpool *pool;
	struct fllm_cpu_scratch *scratch;	/* (threads) */
	int8_t *xq;		/* (N_MAX, xq_stride) zero-padded copy of the tokens */
	size_t xq_stride;	/* bytes: K_MAX + FLLM_CPU_XQ_PAD */
	int32_t *sums;		/* (N_MAX, GROUPS_MAX) S_G = sum of a group's xq */
	uint8_t *tabs;		/* (N_MAX, K_MAX / 32, 256) tables of the tiled kernels, or NULL */
};

/* ---- jobs ---- */

/* One LUT-GEMM call, prepared by cpu_lutgemm.c for the variants. */
struct fllm_cpu_lg_job {
	const fllm_cpu_lutgemm_weights *w;
	uint32_t n;		/* tokens */
	uint32_t groups;	/* G */
	uint32_t row_bytes;	/* bytes of one row record */
	uint32_t planes_off;	/* offset of the bit-planes in a record */
	const int8_t *xq;	/* (n, xq_stride) zero-padded: k >= K is 0 */
	size_t xq_stride;	/* bytes, a multiple of 64 */
	const int32_t *sums;	/* (n, groups) S_G */
	const uint16_t *msx;	/* (n, groups) */
	const int32_t *ex;	/* (n) */
	float *y;		/* (n, y_stride) */
	size_t y_stride;
	const struct fllm_cpu_lutgemm_pack *pk;	/* tiled layout, or NULL for card records */
	uint8_t *tabs;		/* (n, tab_stride) tables of the tiled kernel */
	size_t tab_stride;	/* bytes: (K_MAX / 32) * FLLM_CPU_LV_TAB_LINE */
};

/* One fp32 GEMV over rows of a row-major matrix. */
struct fllm_cpu_f32_job {
	uint32_t k, n;
	const float *w;		/* (m, w_stride) */
	size_t w_stride;
	const float *x;		/* (n, x_stride) */
	size_t x_stride;
	float *y;		/* (n, y_stride) */
	size_t y_stride;
};

/* Shape, flag and slice checks of a weight matrix: FLLM_E_INVALID_ARG if out of range. */
fllm_status fllm_cpu_lg_weights_check(const fllm_cpu_lutgemm_weights *w);

/* Record of row r (docs/numerics.md 5.2: slice r % slices, record r / slices). */
static inline const uint8_t *fllm_cpu_lg_row(const fllm_cpu_lutgemm_weights *w,
					     uint32_t row_bytes, uint32_t r)
{
	return w->slice[r % w->slices] + (size_t)(r / w->slices) * row_bytes;
}

/* Little-endian int16 at p (any alignment, any host byte order). */
static inline int16_t fllm_cpu_rd_i16(const uint8_t *p /* (2) */)
{
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

/* ---- variants ---- */

struct fllm_cpu_kernels {
	enum fllm_cpu_isa isa;
	/* LUT-GEMM of rows [r0, r1) for every token of job */
	void (*lutgemm_rows)(const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1,
			     struct fllm_cpu_scratch *s);
	/* fp32 GEMV of rows [r0, r1): y[n][r] = W[r] . x[n] */
	void (*f32_rows)(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1);
	/* optional (NULL: no layout of its own): build job->tabs for every token */
	void (*lutgemm_tables)(const struct fllm_cpu_lg_job *job);
	/* optional, with lutgemm_tables: tiles [t0, t1) of job->pk for every token */
	void (*lutgemm_tiles)(const struct fllm_cpu_lg_job *job, uint32_t t0, uint32_t t1);
};

/* One pair of entry points per variant file (cpu_<kernel>_<isa>.c). */
void fllm_cpu_lutgemm_rows_portable(const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1,
				    struct fllm_cpu_scratch *s);
void fllm_cpu_lutgemm_rows_avx2(const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1,
				struct fllm_cpu_scratch *s);
void fllm_cpu_lutgemm_rows_avx512(const struct fllm_cpu_lg_job *job, uint32_t r0, uint32_t r1,
				  struct fllm_cpu_scratch *s);
void fllm_cpu_lutgemm_tables_avx512vbmi(const struct fllm_cpu_lg_job *job);
void fllm_cpu_lutgemm_tiles_avx512vbmi(const struct fllm_cpu_lg_job *job, uint32_t t0,
				       uint32_t t1);
void fllm_cpu_lutgemm_tables_avx2(const struct fllm_cpu_lg_job *job);
void fllm_cpu_lutgemm_tiles_avx2(const struct fllm_cpu_lg_job *job, uint32_t t0, uint32_t t1);
void fllm_cpu_f32_rows_portable(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1);
void fllm_cpu_f32_rows_avx2(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1);
void fllm_cpu_f32_rows_avx512(const struct fllm_cpu_f32_job *job, uint32_t r0, uint32_t r1);

/* The table of variant isa (which the caller checked is supported). */
const struct fllm_cpu_kernels *fllm_cpu_kernels_get(enum fllm_cpu_isa isa);

/* The part of [0, m) that thread index of count works on (row ranges, in order). */
static inline void fllm_cpu_split(uint32_t m, uint32_t index, uint32_t count, uint32_t *r0,
				  uint32_t *r1)
{
	*r0 = (uint32_t)((uint64_t)m * index / count);
	*r1 = (uint32_t)((uint64_t)m * (index + 1) / count);
}

#endif /* FLLM_CPU_INTERNAL_H */
