// SPDX-License-Identifier: GPL-2.0
/*
 * The compute units' parameter blocks as the driver reads them: which card
 * ranges a LUT-GEMM or vector block makes its unit read or write. The
 * layouts and the extent rules are the card's contract (struct
 * fllm_lutgemm_params in hls/include/fllm_lutgemm.h, struct
 * fllm_vector_params in hls/include/fllm_vector.h, docs/numerics.md); user
 * space headers cannot be built into the kernel, so the driver states the
 * layouts itself and pins every offset with a static_assert. Extents are
 * those the units check (whole strided spans, whole RoPE tables), computed
 * with overflow checks; a block the driver cannot interpret (unknown magic,
 * version or op, a shape outside the unit's limits) is refused.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#include "fllm_drv.h"

#define FLLM_LG_MAGIC		0x4d45474cu	/* "LGEM" */
#define FLLM_LG_VERSION		1u
#define FLLM_LG_M_MAX		BIT(24)
#define FLLM_LG_K_MAX		65536u
#define FLLM_LG_N_MAX		32u
#define FLLM_LG_Q_MAX		8u
#define FLLM_LG_ALIGN		64u

#define FLLM_VEC_MAGIC		0x54434556u	/* "VECT" */
#define FLLM_VEC_VERSION	1u
#define FLLM_VEC_N_MAX		65536u
#define FLLM_VEC_ROWS_MAX	65536u
#define FLLM_VEC_F_QUANT	0x01u
#define FLLM_VEC_WEIGHT_HDR	64u

enum fllm_vec_op {
	FLLM_VEC_OP_COPY = 1,
	FLLM_VEC_OP_DEQUANT = 2,
	FLLM_VEC_OP_RMSNORM = 3,
	FLLM_VEC_OP_ROPE = 4,
	FLLM_VEC_OP_SILU_MUL = 5,
	FLLM_VEC_OP_ADD = 6,
};

/* struct fllm_lutgemm_params, little-endian. */
struct fllm_lg_block {
	__le32 magic;
	__le32 version;
	__le32 m;
	__le32 k;
	__le16 group;
	u8 planes;
	u8 flags;
	__le16 n_tokens;
	__le16 slices;
	__le32 row_bytes;
	__le32 reserved0;
	__le64 act_addr;
	__le64 act_stride;
	__le64 out_addr;
	__le64 out_stride;
	__le64 slice_addr[FLLM_PARAMS_SLICES_MAX];
	__le64 reserved[8];
};

static_assert(sizeof(struct fllm_lg_block) == FLLM_PARAMS_LG_BYTES);
static_assert(offsetof(struct fllm_lg_block, group) == 16);
static_assert(offsetof(struct fllm_lg_block, row_bytes) == 24);
static_assert(offsetof(struct fllm_lg_block, act_addr) == 32);
static_assert(offsetof(struct fllm_lg_block, out_stride) == 56);
static_assert(offsetof(struct fllm_lg_block, slice_addr) == 64);
static_assert(offsetof(struct fllm_lg_block, reserved) == 320);

/* struct fllm_vector_params, little-endian. */
struct fllm_vec_block {
	__le32 magic;
	__le32 version;
	u8 op;
	u8 flags;
	__le16 group;
	__le32 n;
	__le32 rows;
	__le16 head_dim;
	__le16 reserved0;
	__le32 pos;
	__le32 eps;
	__le64 in_addr;
	__le64 in_stride;
	__le64 in2_addr;
	__le64 in2_stride;
	__le64 out_addr;
	__le64 out_stride;
	__le64 weight_addr;
	__le64 table_addr;
	__le32 table_rows;
	__le32 reserved1;
	__le64 reserved[3];
};

static_assert(sizeof(struct fllm_vec_block) == FLLM_PARAMS_VEC_BYTES);
static_assert(offsetof(struct fllm_vec_block, op) == 8);
static_assert(offsetof(struct fllm_vec_block, group) == 10);
static_assert(offsetof(struct fllm_vec_block, n) == 12);
static_assert(offsetof(struct fllm_vec_block, head_dim) == 20);
static_assert(offsetof(struct fllm_vec_block, eps) == 28);
static_assert(offsetof(struct fllm_vec_block, in_addr) == 32);
static_assert(offsetof(struct fllm_vec_block, out_addr) == 64);
static_assert(offsetof(struct fllm_vec_block, table_rows) == 96);
static_assert(offsetof(struct fllm_vec_block, reserved) == 104);

/* Round up to the units' 64-byte burst (arguments are far below 2^63). */
static u64 fllm_al64(u64 bytes)
{
	return ALIGN(bytes, FLLM_LG_ALIGN);
}

/* One of the LUT-GEMM group sizes 16..256. */
static bool fllm_group_ok(u32 g)
{
	return g == 16 || g == 32 || g == 64 || g == 128 || g == 256;
}

/* Bytes of an activation record of k inputs in groups of g (g valid, k <= 2^16). */
static u64 fllm_act_bytes(u32 k, u32 g)
{
	u64 groups = DIV_ROUND_UP(k, g);

	return fllm_al64(fllm_al64(8 + 2 * groups) + groups * g);
}

/* Bytes of one weight row record (g, q valid, k <= 2^16). */
static u64 fllm_row_bytes(u32 k, u32 g, u32 q)
{
	u64 groups = DIV_ROUND_UP(k, g);

	return fllm_al64(fllm_al64(4 + groups * (4 + 2 * q)) + groups * q * (g / 8));
}

/*
 * Set *r to the span of `rows` rows of row_bytes, stride apart, from addr
 * (rows >= 1); false when its length does not fit 64 bits.
 */
static bool fllm_span(struct fllm_range *r, u64 addr, u64 rows, u64 stride, u64 row_bytes)
{
	u64 len;

	if (check_mul_overflow(rows - 1, stride, &len) ||
	    check_add_overflow(len, row_bytes, &len))
		return false;
	*r = (struct fllm_range){ addr, len };
	return true;
}

/* The ranges of a LUT-GEMM block: activations, outputs, one per slice. */
static int fllm_params_lutgemm(const struct fllm_lg_block *p, struct fllm_range *r)
{
	u32 m = le32_to_cpu(p->m), k = le32_to_cpu(p->k), g = le16_to_cpu(p->group);
	u32 n = le16_to_cpu(p->n_tokens), slices = le16_to_cpu(p->slices), s;
	u64 row;

	if (le32_to_cpu(p->magic) != FLLM_LG_MAGIC || le32_to_cpu(p->version) != FLLM_LG_VERSION)
		return -FLLM_CARD_ERR_PARAM;
	if (!m || m > FLLM_LG_M_MAX || !k || k > FLLM_LG_K_MAX || !fllm_group_ok(g) ||
	    !p->planes || p->planes > FLLM_LG_Q_MAX || !n || n > FLLM_LG_N_MAX || !slices ||
	    slices > FLLM_PARAMS_SLICES_MAX || slices > m)
		return -FLLM_CARD_ERR_PARAM;
	row = fllm_row_bytes(k, g, p->planes);	/* g is valid only from here on */
	if (le32_to_cpu(p->row_bytes) != row)
		return -FLLM_CARD_ERR_PARAM;
	if (!fllm_span(&r[0], le64_to_cpu(p->act_addr), n, le64_to_cpu(p->act_stride),
		       fllm_act_bytes(k, g)) ||
	    !fllm_span(&r[1], le64_to_cpu(p->out_addr), n, le64_to_cpu(p->out_stride), 4ull * m))
		return -FLLM_CARD_ERR_ADDR;
	for (s = 0; s < slices; s++) {
		u64 rows = m / slices + (s < m % slices);

		r[2 + s] = (struct fllm_range){ le64_to_cpu(p->slice_addr[s]), rows * row };
	}
	return 2 + slices;
}

/* The ranges of a vector block: in, in2, out, weight record, RoPE table. */
static int fllm_params_vector(const struct fllm_vec_block *p, struct fllm_range *r)
{
	u32 n = le32_to_cpu(p->n), rows = le32_to_cpu(p->rows), g = le16_to_cpu(p->group);
	bool quant = p->flags & FLLM_VEC_F_QUANT;
	u64 f32_row = 4ull * n, tab_row;
	int i = 0;

	if (le32_to_cpu(p->magic) != FLLM_VEC_MAGIC || le32_to_cpu(p->version) != FLLM_VEC_VERSION)
		return -FLLM_CARD_ERR_PARAM;
	if (p->op < FLLM_VEC_OP_COPY || p->op > FLLM_VEC_OP_ADD || !n || n > FLLM_VEC_N_MAX ||
	    !rows || rows > FLLM_VEC_ROWS_MAX)
		return -FLLM_CARD_ERR_PARAM;
	if ((quant || p->op == FLLM_VEC_OP_DEQUANT) && !fllm_group_ok(g))
		return -FLLM_CARD_ERR_PARAM;
	if (!fllm_span(&r[i++], le64_to_cpu(p->in_addr), rows, le64_to_cpu(p->in_stride),
		       p->op == FLLM_VEC_OP_DEQUANT ? fllm_act_bytes(n, g) : f32_row) ||
	    !fllm_span(&r[i++], le64_to_cpu(p->out_addr), rows, le64_to_cpu(p->out_stride),
		       quant ? fllm_act_bytes(n, g) : f32_row))
		return -FLLM_CARD_ERR_ADDR;
	if ((p->op == FLLM_VEC_OP_SILU_MUL || p->op == FLLM_VEC_OP_ADD) &&
	    !fllm_span(&r[i++], le64_to_cpu(p->in2_addr), rows, le64_to_cpu(p->in2_stride),
		       f32_row))
		return -FLLM_CARD_ERR_ADDR;
	if (p->op == FLLM_VEC_OP_RMSNORM)
		r[i++] = (struct fllm_range){ le64_to_cpu(p->weight_addr),
					      FLLM_VEC_WEIGHT_HDR + fllm_al64(2ull * n) };
	if (p->op == FLLM_VEC_OP_ROPE) {
		tab_row = fllm_al64(4ull * le16_to_cpu(p->head_dim));
		/* the unit checks the whole table, table_rows rows */
		if (!le32_to_cpu(p->table_rows))
			return -FLLM_CARD_ERR_PARAM;
		if (!fllm_span(&r[i++], le64_to_cpu(p->table_addr), le32_to_cpu(p->table_rows),
			       tab_row, tab_row))
			return -FLLM_CARD_ERR_ADDR;
	}
	return i;
}

/*
 * The card ranges that the block (params_bytes of it, already fetched) of a
 * LUTGEMM or VECTOR record makes its unit touch, into r (room for
 * FLLM_PARAMS_RANGES_MAX). Returns their number, or minus the card status
 * to complete the refused record with.
 */
int fllm_params_ranges(u16 opcode, const void *block, u64 params_bytes, struct fllm_range *r)
{
	switch (opcode) {
	case FLLM_OP_LUTGEMM:
		if (params_bytes != FLLM_PARAMS_LG_BYTES)
			return -FLLM_CARD_ERR_SIZE;
		return fllm_params_lutgemm(block, r);
	case FLLM_OP_VECTOR:
		if (params_bytes != FLLM_PARAMS_VEC_BYTES)
			return -FLLM_CARD_ERR_SIZE;
		return fllm_params_vector(block, r);
	}
	return -FLLM_CARD_ERR_PARAM;
}
