/*
 * LUT-GEMM data contract (FLLM_CU_LUTGEMM, FLLM_OP_LUTGEMM): BCQ weights
 * times int8 activations, as defined bit for bit in docs/numerics.md.
 *
 * This header is for everything that produces or reads LUT-GEMM data, on the
 * host as on the card:
 *  - the parameter block that an FLLM_OP_LUTGEMM command points at, and a
 *    builder for it (fllm_lutgemm_params_init),
 *  - the byte layout of row records (weights) and activation records,
 *  - the rounding helpers of the datapath (static inline, so the host's
 *    integer kernels use the very same code),
 *  - the host-side encoders (fp32 scales -> card form, fp32 activations ->
 *    int8, record writers, the matrix packer),
 *  - the golden model's entry point, fllm_hls_lutgemm_unit().
 * The unit's internals (on-chip memories, body, cycle model) are in
 * fllm_lutgemm_unit.h. Everything is little-endian.
 *
 * libfllm contains the implementations; a program that records
 * fllm_cmdlist_lutgemm() commands builds the block and the records with
 * these functions and uploads them with fllm_bo_write() (docs/hls.md).
 */
#ifndef FLLM_LUTGEMM_H
#define FLLM_LUTGEMM_H

#include <stdint.h>
#include <string.h>
#include "fllm_card.h"

#ifdef __cplusplus
extern "C" {
#endif

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
FLLM_CARD_STATIC_ASSERT(offsetof(struct fllm_lutgemm_params, group) == 16, "group at 16");
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

/* ------------------------------------------------------------------ */
/* Datapath rounding (docs/numerics.md "Arithmetic")                  */
/* ------------------------------------------------------------------ */

/*
 * rshift_round(p, s) = floor((p + 2^(s-1)) / 2^s) for s >= 1, p for s = 0:
 * round to nearest, ties toward +infinity. s <= 62 and |p| < 2^51 by the
 * bounds, so the addition cannot overflow. >> of a negative value is an
 * arithmetic shift with gcc, clang and Vitis HLS.
 */
static inline int64_t fllm_lutgemm_rshift_round(int64_t p, uint32_t s)
{
	if (s == 0)
		return p;
	return (p + ((int64_t)1 << (s - 1))) >> s;
}

/*
 * acc * 2^-shift as binary32, rounded once: round to 24 significant bits,
 * nearest-even, with an unbounded exponent; then a result below FLT_MIN is
 * +0.0 and one above FLT_MAX is +-FLT_MAX. Exact zero is +0.0. Integer
 * operations only, so it is the same on every machine and in RTL.
 */
static inline float fllm_lutgemm_to_f32(int64_t acc, int64_t shift)
{
	uint64_t mag, m;
	uint32_t sign, bits;
	int64_t e;
	int len;
	float y;

	if (acc == 0)
		return 0.0f;
	sign = acc < 0 ? 0x80000000u : 0;
	mag = acc < 0 ? (uint64_t)0 - (uint64_t)acc : (uint64_t)acc;
	len = 64 - __builtin_clzll(mag);
	if (len > 24) {
		int s = len - 24;
		uint64_t half = (uint64_t)1 << (s - 1);
		uint64_t rem = mag & (((uint64_t)1 << s) - 1);

		m = mag >> s;
		if (rem > half || (rem == half && (m & 1)))
			m++;
		if (m == ((uint64_t)1 << 24)) {
			m >>= 1;
			len++;
		}
	} else {
		m = mag << (24 - len);
	}
	e = (int64_t)len - 1 - shift;
	if (e < -126)
		bits = 0;
	else if (e > 127)
		bits = sign | 0x7f7fffffu;
	else
		bits = sign | (uint32_t)(e + 127) << 23 | ((uint32_t)m & 0x7fffffu);
	memcpy(&y, &bits, sizeof(y));
	return y;
}

/* ------------------------------------------------------------------ */
/* Parameter block: checking and building                             */
/* ------------------------------------------------------------------ */

/*
 * Check a parameter block against the rules of struct fllm_lutgemm_params
 * and a card memory of mem_bytes. Returns FLLM_CARD_OK or the first error
 * in the order of docs/numerics.md "Validation" (the checks of the block's
 * own address and size, and of outputs overlapping it, are the unit's).
 */
enum fllm_card_err fllm_lutgemm_params_check(const struct fllm_lutgemm_params *p,
					     uint64_t mem_bytes);

/*
 * Fill *p for an M x K matrix with group g, q planes, flags
 * (FLLM_LUTGEMM_F_*), n_tokens tokens and `slices` slices: magic, version,
 * shape, row_bytes, and the smallest legal strides (act_stride =
 * act_bytes(k, g), out_stride = 4 m rounded up to 64). Addresses stay 0 for
 * the caller to set (act_addr, out_addr, slice_addr[0..slices-1]). Returns
 * FLLM_CARD_ERR_PARAM (or _FLAGS for unknown flags) and leaves *p alone when
 * the shape is outside the unit's limits.
 */
enum fllm_card_err fllm_lutgemm_params_init(struct fllm_lutgemm_params *p, uint32_t m,
					    uint32_t k, uint32_t g, uint32_t q, uint32_t flags,
					    uint32_t n_tokens, uint32_t slices);

/*
 * The golden model (HLS top function of hls/lutgemm.c): run the
 * FLLM_OP_LUTGEMM command whose parameter block is at card address params
 * (params_bytes long) on card memory mem. On any error nothing is written.
 * Not reentrant: it owns static on-chip memories, as the synthesized unit
 * does (the card model runs fllm_lutgemm_unit_run() of fllm_lutgemm_unit.h
 * with per-card memories instead).
 */
enum fllm_card_err fllm_hls_lutgemm_unit(uint8_t *mem /* (mem_bytes) card memory, bytes */,
					 uint64_t mem_bytes, uint64_t params,
					 uint64_t params_bytes);

/* ------------------------------------------------------------------ */
/* Host-side encoders (the card's vector unit will run the activation  */
/* quantizer later; its rounding is part of the contract)             */
/* ------------------------------------------------------------------ */

/*
 * fp32 BCQ scales of one row -> card form (docs/numerics.md "Weight
 * scales"). Returns FLLM_CARD_ERR_PARAM (writing nothing) if a value is not
 * finite. z is ignored (zq = 0) when NULL.
 */
enum fllm_card_err fllm_lutgemm_scales_encode(uint32_t groups, uint32_t q,
					      const float *alpha /* (groups, q) */,
					      const float *z /* (groups) or NULL */,
					      int16_t *e_row /* (1) */,
					      uint8_t *d /* (groups) */,
					      int16_t *zq /* (groups) */,
					      int16_t *a /* (groups, q) */);

/*
 * Write one row record from card-form fields. bits[i][k] is 1 for b = +1;
 * pad bits (k >= K) and reserved bytes are written as 0.
 */
void fllm_lutgemm_row_write(uint8_t *rec /* (row_bytes) */, uint32_t k, uint32_t g, uint32_t q,
			    int16_t e_row, const uint8_t *d /* (groups) */,
			    const int16_t *zq /* (groups) */, const int16_t *a /* (groups, q) */,
			    const uint8_t *bits /* (q, k) 0 or 1 */);

/*
 * Pack an fp32 BCQ matrix into row records of `slices` slices. slice[s]
 * must hold fllm_lutgemm_slice_rows(m, slices, s) * row_bytes bytes.
 * Returns FLLM_CARD_ERR_PARAM if a scale is not finite (slices then hold
 * partial data).
 */
enum fllm_card_err fllm_lutgemm_pack(uint32_t m, uint32_t k, uint32_t g, uint32_t q,
				     const float *alpha /* (m, groups, q) */,
				     const float *z /* (m, groups) or NULL */,
				     const uint8_t *bits /* (m, q, k) 0 or 1 */,
				     uint32_t slices, uint8_t *const *slice /* (slices) */);

/*
 * Quantize one token's activations (docs/numerics.md "Activations").
 * Returns FLLM_CARD_ERR_PARAM (writing nothing) if an input is not finite.
 */
enum fllm_card_err fllm_lutgemm_act_quantize(uint32_t k, uint32_t g,
					     const float *x /* (k) */, int32_t *ex /* (1) */,
					     uint16_t *msx /* (groups) */,
					     int8_t *xq /* (groups * g), k >= K set to 0 */);

/* Write one activation record; xq entries k >= K are written as 0. */
void fllm_lutgemm_act_write(uint8_t *rec /* (act_bytes) */, uint32_t k, uint32_t g, int32_t ex,
			    const uint16_t *msx /* (groups) */,
			    const int8_t *xq /* (groups * g) */);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_LUTGEMM_H */
