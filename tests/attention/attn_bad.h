/*
 * The parameter-block error cases of the attention unit (docs/numerics.md
 * "Attention unit: validation"): each starts from a valid command of one
 * op, breaks one field of the block, of a descriptor or of a table, and
 * names the code the unit must answer.
 */
#ifndef FLLM_ATTN_BAD_H
#define FLLM_ATTN_BAD_H

#include <stddef.h>
#include <stdint.h>

#include "attn_case.h"

/* Which record a case changes. */
enum abad_where {
	ABAD_PARAMS,	/* the block */
	ABAD_SEQ0,	/* descriptor 0 */
	ABAD_SEQ1,	/* descriptor 1 (descriptor 0 stays valid) */
	ABAD_TABLE0,	/* entry 0 of descriptor 0's table */
};

/* How a case changes its field. */
enum abad_how {
	ABAD_SET,	/* field = val */
	ABAD_ADD,	/* field += val */
	ABAD_MEM,	/* field = mem_bytes + val */
	ABAD_FROM,	/* field = u64 block field at offset from + val */
	ABAD_FROM32,	/* field = u32 block field at offset from + val */
	ABAD_BLOCK,	/* field = the block's own address */
};

/* abad.op for a DECODE with F_QUANT records of group 32 */
#define ABAD_DECODE_QUANT 0x102u

struct abad {
	const char *what;
	uint32_t op;
	enum abad_where where;
	size_t off, size;
	enum abad_how how;
	int64_t val;
	size_t from;
	enum fllm_card_err err;
};

extern const struct abad abad_cases[];
extern const uint32_t abad_count;

/*
 * The valid command an abad starts from: head_dim 8, 4 heads, 2 kv heads,
 * blocks of 16; two sequences (PREFILL: one chunk of 4); op
 * ABAD_DECODE_QUANT is DECODE with F_QUANT records of group 32.
 */
int abad_make(struct acase *c, uint32_t op);

/* Apply b's change to c (the block is stored into the image too). */
void abad_apply(struct acase *c, const struct abad *b);

#endif /* FLLM_ATTN_BAD_H */
