/* The vector unit's parameter-block error cases (see vector_bad.h). */
#include <stdlib.h>
#include <string.h>

#include "vector_bad.h"

#define P(field) offsetof(struct fllm_vector_params, field), \
	sizeof(((struct fllm_vector_params *)0)->field)
#define SET VBAD_SET
#define ADD VBAD_ADD
#define FROM VBAD_FROM
#define MEM VBAD_MEM

#define COPY FLLM_VECTOR_OP_COPY
#define DEQ FLLM_VECTOR_OP_DEQUANT
#define NORM FLLM_VECTOR_OP_RMSNORM
#define ROPE FLLM_VECTOR_OP_ROPE
#define SILU FLLM_VECTOR_OP_SILU_MUL
#define VADD FLLM_VECTOR_OP_ADD
#define Q FLLM_VECTOR_F_QUANT
#define O(field) offsetof(struct fllm_vector_params, field)

const struct vbad vbad_cases[] = {
	{ "magic", NORM, Q, P(magic), ADD, 1, 0, FLLM_CARD_ERR_PARAM },
	{ "version", NORM, Q, P(version), SET, 2, 0, FLLM_CARD_ERR_PARAM },
	{ "unknown flag", NORM, Q, P(flags), SET, 0x3, 0, FLLM_CARD_ERR_FLAGS },
	{ "reserved0", NORM, 0, P(reserved0), SET, 1, 0, FLLM_CARD_ERR_FLAGS },
	{ "reserved1", NORM, 0, P(reserved1), SET, 1, 0, FLLM_CARD_ERR_FLAGS },
	{ "reserved[0]", COPY, 0, P(reserved[0]), SET, 1, 0, FLLM_CARD_ERR_FLAGS },
	{ "reserved[2]", COPY, 0, P(reserved[2]), SET, 1ll << 40, 0, FLLM_CARD_ERR_FLAGS },
	{ "op 0", COPY, 0, P(op), SET, 0, 0, FLLM_CARD_ERR_PARAM },
	{ "op 7", COPY, 0, P(op), SET, 7, 0, FLLM_CARD_ERR_PARAM },
	{ "n 0", COPY, 0, P(n), SET, 0, 0, FLLM_CARD_ERR_PARAM },
	{ "n 65537", COPY, 0, P(n), SET, 65537, 0, FLLM_CARD_ERR_PARAM },
	{ "rows 0", COPY, 0, P(rows), SET, 0, 0, FLLM_CARD_ERR_PARAM },
	{ "rows 65537", COPY, 0, P(rows), SET, 65537, 0, FLLM_CARD_ERR_PARAM },
	{ "F_QUANT on ROPE", ROPE, 0, P(flags), SET, Q, 0, FLLM_CARD_ERR_FLAGS },
	{ "F_QUANT on ADD", VADD, 0, P(flags), SET, Q, 0, FLLM_CARD_ERR_FLAGS },
	{ "F_QUANT on DEQUANT", DEQ, 0, P(flags), SET, Q, 0, FLLM_CARD_ERR_FLAGS },
	{ "group unused", VADD, 0, P(group), SET, 32, 0, FLLM_CARD_ERR_FLAGS },
	{ "head_dim unused", COPY, 0, P(head_dim), SET, 8, 0, FLLM_CARD_ERR_FLAGS },
	{ "pos unused", SILU, 0, P(pos), SET, 1, 0, FLLM_CARD_ERR_FLAGS },
	{ "table_addr unused", NORM, 0, P(table_addr), SET, 64, 0, FLLM_CARD_ERR_FLAGS },
	{ "table_rows unused", COPY, Q, P(table_rows), SET, 4, 0, FLLM_CARD_ERR_FLAGS },
	{ "eps unused", COPY, 0, P(eps), SET, 0x3727c5ac, 0, FLLM_CARD_ERR_FLAGS },
	{ "weight_addr unused", ROPE, 0, P(weight_addr), SET, 64, 0, FLLM_CARD_ERR_FLAGS },
	{ "in2_addr unused", COPY, 0, P(in2_addr), SET, 64, 0, FLLM_CARD_ERR_FLAGS },
	{ "in2_stride unused", NORM, 0, P(in2_stride), SET, 256, 0, FLLM_CARD_ERR_FLAGS },
	{ "group 48", COPY, Q, P(group), SET, 48, 0, FLLM_CARD_ERR_PARAM },
	{ "group 512", NORM, Q, P(group), SET, 512, 0, FLLM_CARD_ERR_PARAM },
	{ "group 0 on DEQUANT", DEQ, 0, P(group), SET, 0, 0, FLLM_CARD_ERR_PARAM },
	{ "head_dim 0", ROPE, 0, P(head_dim), SET, 0, 0, FLLM_CARD_ERR_PARAM },
	{ "head_dim odd", ROPE, 0, P(head_dim), SET, 1, 0, FLLM_CARD_ERR_PARAM },
	{ "head_dim 514", ROPE, 0, P(head_dim), SET, 514, 0, FLLM_CARD_ERR_PARAM },
	{ "head_dim not dividing n", ROPE, 0, P(head_dim), SET, 6, 0, FLLM_CARD_ERR_PARAM },
	{ "pos past the table", ROPE, 0, P(pos), FROM, -1, O(table_rows), FLLM_CARD_ERR_PARAM },
	{ "pos + rows overflowing", ROPE, 0, P(pos), SET, 0xffffffffll, 0, FLLM_CARD_ERR_PARAM },
	{ "table_rows 0", ROPE, 0, P(table_rows), SET, 0, 0, FLLM_CARD_ERR_PARAM },
	{ "eps NaN", NORM, 0, P(eps), SET, 0x7fc00000, 0, FLLM_CARD_ERR_PARAM },
	{ "eps Inf", NORM, 0, P(eps), SET, 0x7f800000, 0, FLLM_CARD_ERR_PARAM },
	{ "eps negative", NORM, 0, P(eps), SET, 0xb727c5ac, 0, FLLM_CARD_ERR_PARAM },
	{ "eps -0", NORM, 0, P(eps), SET, 0x80000000, 0, FLLM_CARD_ERR_PARAM },
	{ "in_addr misaligned", COPY, 0, P(in_addr), ADD, 4, 0, FLLM_CARD_ERR_ALIGN },
	{ "in_stride misaligned", VADD, 0, P(in_stride), ADD, 4, 0, FLLM_CARD_ERR_ALIGN },
	{ "in2_addr misaligned", SILU, 0, P(in2_addr), ADD, 32, 0, FLLM_CARD_ERR_ALIGN },
	{ "in2_stride misaligned", SILU, 0, P(in2_stride), ADD, 8, 0, FLLM_CARD_ERR_ALIGN },
	{ "out_addr misaligned", NORM, Q, P(out_addr), ADD, 16, 0, FLLM_CARD_ERR_ALIGN },
	{ "out_stride misaligned", DEQ, 0, P(out_stride), ADD, 4, 0, FLLM_CARD_ERR_ALIGN },
	{ "weight_addr misaligned", NORM, 0, P(weight_addr), ADD, 2, 0, FLLM_CARD_ERR_ALIGN },
	{ "table_addr misaligned", ROPE, 0, P(table_addr), ADD, 8, 0, FLLM_CARD_ERR_ALIGN },
	{ "in_stride too small", COPY, 0, P(in_stride), SET, 192, 0, FLLM_CARD_ERR_SIZE },
	{ "in2_stride too small", VADD, 0, P(in2_stride), SET, 64, 0, FLLM_CARD_ERR_SIZE },
	{ "out_stride below the record", COPY, Q, P(out_stride), SET, 64, 0,
	  FLLM_CARD_ERR_SIZE },
	{ "in_stride below the record", DEQ, 0, P(in_stride), SET, 64, 0, FLLM_CARD_ERR_SIZE },
	{ "in past memory", COPY, 0, P(in_addr), MEM, -256, 0, FLLM_CARD_ERR_ADDR },
	{ "in2 past memory", VADD, 0, P(in2_addr), MEM, 0, 0, FLLM_CARD_ERR_ADDR },
	{ "out past memory", SILU, Q, P(out_addr), MEM, -64, 0, FLLM_CARD_ERR_ADDR },
	{ "out at 2^64 - 64", SILU, 0, P(out_addr), SET, -64, 0, FLLM_CARD_ERR_ADDR },
	{ "stride past memory", COPY, 0, P(out_stride), MEM, 64, 0, FLLM_CARD_ERR_ADDR },
	{ "weight past memory", NORM, 0, P(weight_addr), MEM, -128, 0, FLLM_CARD_ERR_ADDR },
	{ "table past memory", ROPE, 0, P(table_rows), ADD, 1 << 20, 0, FLLM_CARD_ERR_ADDR },
	{ "out overlapping in", COPY, 0, P(out_addr), FROM, 64, O(in_addr),
	  FLLM_CARD_ERR_PARAM },
	{ "out in place with another stride", VADD, 0, P(out_addr), FROM, 0, O(in_addr),
	  FLLM_CARD_ERR_PARAM },
	{ "quantized out over in", COPY, Q, P(out_addr), FROM, 0, O(in_addr),
	  FLLM_CARD_ERR_PARAM },
	{ "DEQUANT out over its record", DEQ, 0, P(out_addr), FROM, 0, O(in_addr),
	  FLLM_CARD_ERR_PARAM },
	{ "out over in2", SILU, 0, P(out_addr), FROM, 64, O(in2_addr), FLLM_CARD_ERR_PARAM },
	{ "out over the weights", NORM, 0, P(out_addr), FROM, -256, O(weight_addr),
	  FLLM_CARD_ERR_PARAM },
	{ "out over the table", ROPE, 0, P(out_addr), FROM, 0, O(table_addr),
	  FLLM_CARD_ERR_PARAM },
	{ "out over the block", COPY, 0, P(out_addr), SET, 0, 0, FLLM_CARD_ERR_PARAM },
};

const uint32_t vbad_count = sizeof(vbad_cases) / sizeof(vbad_cases[0]);

/* A valid case of op with flags: n 64, 2 rows, group 32, head_dim 8. */
int vbad_make(struct vcase *c, uint32_t op, uint32_t flags)
{
	return vcase_make(c, op, flags, 64, 2, 32, 8, VC_NORMAL, 0, 99 + op);
}

/* Apply b's change to c's block. */
void vbad_apply(struct vcase *c, const struct vbad *b)
{
	uint8_t *f = (uint8_t *)&c->p + b->off;
	uint64_t v = 0, from = 0;

	memcpy(&v, f, b->size);
	if (b->how == VBAD_ADD) {
		v += (uint64_t)b->val;
	} else if (b->how == VBAD_FROM) {
		memcpy(&from, (uint8_t *)&c->p + b->from, 8);
		v = from + (uint64_t)b->val;
		if (b->off == O(pos))	/* pos from table_rows (32-bit) */
			v = (uint32_t)from + (uint64_t)b->val;
	} else if (b->how == VBAD_MEM) {
		v = c->mem_bytes + (uint64_t)b->val;
	} else {
		v = (uint64_t)b->val;
	}
	memcpy(f, &v, b->size);
}


uint8_t *vbad_break(struct vcase *c, const struct vbad *b)
{
	uint8_t *copy;

	vbad_apply(c, b);
	vcase_store_params(c);
	copy = malloc(c->mem_bytes);
	if (copy)
		memcpy(copy, c->mem, c->mem_bytes);
	return copy;
}

void vbad_free(struct vcase *c, uint8_t *copy)
{
	free(copy);
	vcase_free(c);
}
