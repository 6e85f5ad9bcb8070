/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * LUT-GEMM unit (FLLM_CU_LUTGEMM, FLLM_OP_LUTGEMM): the card contract.
 *
 * The parameter block an FLLM_OP_LUTGEMM command points at, the unit's
 * limits and the byte layout of its row records (weights) and activation
 * records, as integer helpers. docs/numerics.md defines the numbers the
 * records hold; hls/include/fllm_lutgemm.h has the datapath and the golden
 * model. Everything is little-endian.
 *
 * Included by the Linux driver, the freestanding firmware, the card model,
 * the RTL package generator and user space: fixed-width integers only.
 */
#ifndef FLLM_CARD_LUTGEMM_H
#define FLLM_CARD_LUTGEMM_H

#include "fllm_card.h"

/* ------------------------------------------------------------------ */
/* Limits                                                             */
/* ------------------------------------------------------------------ */

#define FLLM_LUTGEMM_K_MAX	65536u		/* inputs per row (bounds proof) */
#define FLLM_LUTGEMM_M_MAX	(1u << 24)	/* output rows */
#define FLLM_LUTGEMM_N_MAX	32u		/* tokens sharing one weight pass */
#define FLLM_LUTGEMM_Q_MAX	8u		/* bit-planes */
#define FLLM_LUTGEMM_G_MIN	16u		/* group sizes: 16, 32, 64, 128, 256 */
#define FLLM_LUTGEMM_G_MAX	256u
#define FLLM_LUTGEMM_GROUPS_MAX	(FLLM_LUTGEMM_K_MAX / FLLM_LUTGEMM_G_MIN)
#define FLLM_LUTGEMM_SLICES_MAX	32u		/* one per HBM pseudo-channel */
#define FLLM_LUTGEMM_D_MAX	62u		/* per-group extra shift */
#define FLLM_LUTGEMM_MANT_MAX	32767		/* |a|, |zq| from the encoder */
#define FLLM_LUTGEMM_ALIGN	64u		/* burst: records, addresses, strides */

/* ------------------------------------------------------------------ */
/* Parameter block (card memory, 64-aligned, FLLM_OP_LUTGEMM arg0)    */
/* ------------------------------------------------------------------ */

#define FLLM_LUTGEMM_MAGIC	0x4d45474cu	/* "LGEM" read as LE bytes */
#define FLLM_LUTGEMM_VERSION	1u

/* struct fllm_lutgemm_params.flags */
#define FLLM_LUTGEMM_F_OFFSET	(1u << 0)	/* zq is used (else the unit ignores it) */
#define FLLM_LUTGEMM_F_MASK	0x01u

/*
 * One LUT-GEMM: y[n][r] = sum_k w[r][k] * x[n][k] for r < m, n < n_tokens.
 * Row r lives in slice r % slices, as record r / slices of that slice; each
 * slice is one contiguous card-memory region (put one per memory channel).
 * Token n's activation record is at act_addr + n * act_stride; its outputs
 * are m fp32 values at out_addr + n * out_stride. docs/numerics.md has the
 * record layouts. Reserved fields and unused slice_addr entries must be 0.
 */
struct fllm_lutgemm_params {
	uint32_t magic;		/* FLLM_LUTGEMM_MAGIC */
	uint32_t version;	/* FLLM_LUTGEMM_VERSION */
	uint32_t m;		/* rows, 1..FLLM_LUTGEMM_M_MAX */
	uint32_t k;		/* inputs, 1..FLLM_LUTGEMM_K_MAX */
	uint16_t group;		/* g: 16, 32, 64, 128 or 256 */
	uint8_t planes;		/* q: 1..8 */
	uint8_t flags;		/* FLLM_LUTGEMM_F_* */
	uint16_t n_tokens;	/* N: 1..FLLM_LUTGEMM_N_MAX */
	uint16_t slices;	/* 1..FLLM_LUTGEMM_SLICES_MAX, at most m */
	uint32_t row_bytes;	/* == fllm_lutgemm_row_bytes(k, group, planes) */
	uint32_t reserved0;
	uint64_t act_addr;	/* 64-aligned */
	uint64_t act_stride;	/* multiple of 64, >= fllm_lutgemm_act_bytes(k, group) */
	uint64_t out_addr;	/* 64-aligned */
	uint64_t out_stride;	/* multiple of 64, >= 4 * m */
	uint64_t slice_addr[FLLM_LUTGEMM_SLICES_MAX];	/* 64-aligned */
	uint64_t reserved[8];
};
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_lutgemm_params) == 384, "lutgemm params 384 bytes");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, m) == 8, "m at 8");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, group) == 16, "group at 16");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, n_tokens) == 20, "n_tokens at 20");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, row_bytes) == 24, "row_bytes at 24");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, act_addr) == 32, "act_addr at 32");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, out_stride) == 56,
			"out_stride at 56");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, slice_addr) == 64,
			"slice_addr at 64");
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, reserved) == 320, "reserved at 320");
FLLM_CARD_STATIC_ASSERT(sizeof(struct fllm_lutgemm_params) <= FLLM_CU_PARAMS_MAX,
			"params fit a command");

/* ------------------------------------------------------------------ */
/* Record layouts (byte offsets; see the diagrams in docs/numerics.md) */
/* ------------------------------------------------------------------ */

/* Round up to the burst size. */
static inline uint64_t fllm_lutgemm_align(uint64_t bytes)
{
	return (bytes + FLLM_LUTGEMM_ALIGN - 1) & ~(uint64_t)(FLLM_LUTGEMM_ALIGN - 1);
}

/* Groups of g inputs covering k inputs: ceil(k / g). */
static inline uint32_t fllm_lutgemm_groups(uint32_t k, uint32_t g)
{
	return (k + g - 1) / g;
}

/* One of the group sizes 16, 32, 64, 128, 256. */
static inline int fllm_lutgemm_group_ok(uint32_t g)
{
	return g == 16 || g == 32 || g == 64 || g == 128 || g == 256;
}

/*
 * Row record: int16 E_r, uint16 reserved, then per group a scale entry
 * {uint8 d, uint8 reserved, int16 zq, int16 a[q]}; bit-planes start at the
 * next 64-byte boundary: per group, per plane, g/8 bytes.
 */
#define FLLM_LUTGEMM_ROW_HDR	4u
static inline uint32_t fllm_lutgemm_scale_entry_bytes(uint32_t q)
{
	return 4 + 2 * q;
}

static inline uint32_t fllm_lutgemm_row_scale_offset(uint32_t q, uint32_t grp)
{
	return FLLM_LUTGEMM_ROW_HDR + grp * fllm_lutgemm_scale_entry_bytes(q);
}

static inline uint32_t fllm_lutgemm_row_planes_offset(uint32_t k, uint32_t g, uint32_t q)
{
	return (uint32_t)fllm_lutgemm_align(fllm_lutgemm_row_scale_offset(q,
						fllm_lutgemm_groups(k, g)));
}

static inline uint32_t fllm_lutgemm_row_bytes(uint32_t k, uint32_t g, uint32_t q)
{
	return (uint32_t)fllm_lutgemm_align(fllm_lutgemm_row_planes_offset(k, g, q) +
					    (uint64_t)fllm_lutgemm_groups(k, g) * q * (g / 8));
}

/* Rows that slice s of `slices` holds: rows s, s + slices, ... below m. */
static inline uint32_t fllm_lutgemm_slice_rows(uint32_t m, uint32_t slices, uint32_t s)
{
	return s < m % slices ? m / slices + 1 : m / slices;
}

/* Bytes of slice s of the matrix that p describes (its rows times row_bytes). */
static inline uint64_t fllm_lutgemm_slice_bytes(const struct fllm_lutgemm_params *p, uint32_t s)
{
	return (uint64_t)fllm_lutgemm_slice_rows(p->m, p->slices, s) * p->row_bytes;
}

/*
 * Activation record (one token): int32 ex, uint32 reserved, uint16 msx[G],
 * then at the next 64-byte boundary int8 xq[G * g] (entries k >= K are 0).
 */
#define FLLM_LUTGEMM_ACT_MSX	8u
static inline uint32_t fllm_lutgemm_act_xq_offset(uint32_t k, uint32_t g)
{
	return (uint32_t)fllm_lutgemm_align(FLLM_LUTGEMM_ACT_MSX + 2 * fllm_lutgemm_groups(k, g));
}

static inline uint32_t fllm_lutgemm_act_bytes(uint32_t k, uint32_t g)
{
	return (uint32_t)fllm_lutgemm_align(fllm_lutgemm_act_xq_offset(k, g) +
					    (uint64_t)fllm_lutgemm_groups(k, g) * g);
}

#endif /* FLLM_CARD_LUTGEMM_H */
