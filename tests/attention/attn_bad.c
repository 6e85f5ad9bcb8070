/* The attention unit's parameter-block error cases (see attn_bad.h). */
#include <string.h>

#include "attn_bad.h"

#define P(field) ABAD_PARAMS, offsetof(struct fllm_attention_params, field), \
	sizeof(((struct fllm_attention_params *)0)->field)
#define S0(field) ABAD_SEQ0, offsetof(struct fllm_attention_seq, field), \
	sizeof(((struct fllm_attention_seq *)0)->field)
#define S1(field) ABAD_SEQ1, offsetof(struct fllm_attention_seq, field), \
	sizeof(((struct fllm_attention_seq *)0)->field)
#define T0 ABAD_TABLE0, 0, 4
#define O(field) offsetof(struct fllm_attention_params, field)
#define SET ABAD_SET
#define ADD ABAD_ADD
#define MEM ABAD_MEM
#define FROM ABAD_FROM
#define FROM32 ABAD_FROM32
#define BLOCK ABAD_BLOCK

#define APP FLLM_ATTN_OP_APPEND
#define DEC FLLM_ATTN_OP_DECODE
#define PRE FLLM_ATTN_OP_PREFILL
#define DECQ ABAD_DECODE_QUANT
#define E_PARAM FLLM_CARD_ERR_PARAM
#define E_FLAGS FLLM_CARD_ERR_FLAGS
#define E_ALIGN FLLM_CARD_ERR_ALIGN
#define E_SIZE FLLM_CARD_ERR_SIZE
#define E_ADDR FLLM_CARD_ERR_ADDR

const struct abad abad_cases[] = {
	/* 2: identity */
	{ "magic", DEC, P(magic), ADD, 1, 0, E_PARAM },
	{ "version", APP, P(version), SET, 2, 0, E_PARAM },
	/* 3: flags and reserved fields */
	{ "unknown flag", DEC, P(flags), SET, 2, 0, E_FLAGS },
	{ "unknown flag with F_QUANT", DECQ, P(flags), SET, 3, 0, E_FLAGS },
	{ "reserved1", APP, P(reserved1), SET, 1, 0, E_FLAGS },
	{ "reserved[0]", DEC, P(reserved[0]), SET, 1, 0, E_FLAGS },
	{ "reserved[7]", DEC, P(reserved[7]), SET, 1ll << 50, 0, E_FLAGS },
	{ "magic before flags", DEC, P(magic), SET, 0, 0, E_PARAM },
	/* 4: shape */
	{ "op 0", DEC, P(op), SET, 0, 0, E_PARAM },
	{ "op 4", DEC, P(op), SET, 4, 0, E_PARAM },
	{ "head_dim 0", DEC, P(head_dim), SET, 0, 0, E_PARAM },
	{ "head_dim 12", DEC, P(head_dim), SET, 12, 0, E_PARAM },
	{ "head_dim 264", APP, P(head_dim), SET, 264, 0, E_PARAM },
	{ "head_dim 16 (block_bytes)", DEC, P(head_dim), SET, 16, 0, E_PARAM },
	{ "n_kv_heads 0", DEC, P(n_kv_heads), SET, 0, 0, E_PARAM },
	{ "n_heads 0", DEC, P(n_heads), SET, 0, 0, E_PARAM },
	{ "n_heads 3 (not a multiple)", DEC, P(n_heads), SET, 3, 0, E_PARAM },
	{ "n_heads 130", PRE, P(n_heads), SET, 130, 0, E_PARAM },
	{ "block_tokens 8", DEC, P(block_tokens), SET, 8, 0, E_PARAM },
	{ "block_tokens 24", DEC, P(block_tokens), SET, 24, 0, E_PARAM },
	{ "block_tokens 512", APP, P(block_tokens), SET, 512, 0, E_PARAM },
	{ "n_seqs 0", DEC, P(n_seqs), SET, 0, 0, E_PARAM },
	{ "n_seqs 257", DEC, P(n_seqs), SET, 257, 0, E_PARAM },
	{ "PREFILL n_seqs 2", PRE, P(n_seqs), SET, 2, 0, E_PARAM },
	{ "rows 0", DEC, P(rows), SET, 0, 0, E_PARAM },
	{ "rows 65537", APP, P(rows), SET, 65537, 0, E_PARAM },
	{ "pool_blocks 0", DEC, P(pool_blocks), SET, 0, 0, E_PARAM },
	{ "block_bytes + 64", DEC, P(block_bytes), ADD, 64, 0, E_PARAM },
	/* 5: fields the op does not use, the softmax constant */
	{ "APPEND q_addr", APP, P(q_addr), SET, 64, 0, E_FLAGS },
	{ "APPEND out_stride", APP, P(out_stride), SET, 128, 0, E_FLAGS },
	{ "APPEND scale_m", APP, P(scale_m), SET, 0x80000000ll, 0, E_FLAGS },
	{ "APPEND scale_e", APP, P(scale_e), SET, 1, 0, E_FLAGS },
	{ "DECODE k_addr", DEC, P(k_addr), SET, 64, 0, E_FLAGS },
	{ "APPEND F_QUANT", APP, P(flags), SET, 1, 0, E_FLAGS },
	{ "APPEND group", APP, P(group), SET, 32, 0, E_FLAGS },
	{ "group without F_QUANT", PRE, P(group), SET, 32, 0, E_FLAGS },
	{ "F_QUANT group 0", DEC, P(flags), SET, 1, 0, E_PARAM },
	{ "F_QUANT group 48", DECQ, P(group), SET, 48, 0, E_PARAM },
	{ "F_QUANT group 512", DECQ, P(group), SET, 512, 0, E_PARAM },
	{ "PREFILL v_stride", PRE, P(v_stride), SET, 64, 0, E_FLAGS },
	{ "scale_m bit 31 clear", DEC, P(scale_m), SET, 0x7fffffff, 0, E_PARAM },
	{ "scale_e 64", DEC, P(scale_e), SET, 64, 0, E_PARAM },
	{ "scale_e -1", PRE, P(scale_e), SET, -1, 0, E_PARAM },
	/* 6: alignment */
	{ "q_addr + 4", DEC, P(q_addr), ADD, 4, 0, E_ALIGN },
	{ "out_stride + 32", PRE, P(out_stride), ADD, 32, 0, E_ALIGN },
	{ "kv_base + 8", DEC, P(kv_base), ADD, 8, 0, E_ALIGN },
	{ "APPEND kv_base + 8", APP, P(kv_base), ADD, 8, 0, E_ALIGN },
	{ "seq_addr + 16", DEC, P(seq_addr), ADD, 16, 0, E_ALIGN },
	{ "k_stride + 4", APP, P(k_stride), ADD, 4, 0, E_ALIGN },
	/* 7: strides */
	{ "q_stride 64", DEC, P(q_stride), SET, 64, 0, E_SIZE },
	{ "v_stride 0", APP, P(v_stride), SET, 0, 0, E_SIZE },
	{ "out_stride below the record", DECQ, P(out_stride), SET, 64, 0, E_SIZE },
	{ "out_stride of fp32 below the row", DEC, P(out_stride), SET, 64, 0, E_SIZE },
	/* 8: placement */
	{ "out_addr at the end", DEC, P(out_addr), MEM, 0, 0, E_ADDR },
	{ "q_addr past the end", PRE, P(q_addr), MEM, 64, 0, E_ADDR },
	{ "pool_blocks 2^30", DEC, P(pool_blocks), SET, 1ll << 30, 0, E_ADDR },
	{ "APPEND pool_blocks 2^30", APP, P(pool_blocks), SET, 1ll << 30, 0, E_ADDR },
	{ "seq_addr at the end", DEC, P(seq_addr), MEM, 0, 0, E_ADDR },
	{ "k_stride 2^40", APP, P(k_stride), SET, 1ll << 40, 0, E_ADDR },
	{ "kv_base 2^62", DEC, P(kv_base), SET, 1ll << 62, 0, E_ADDR },
	/* 9: the written region overlapping what is read */
	{ "out on q", DEC, P(out_addr), FROM, 0, O(q_addr), E_PARAM },
	{ "out on the pool", DEC, P(out_addr), FROM, 0, O(kv_base), E_PARAM },
	{ "out on the descriptors", PRE, P(out_addr), FROM, 0, O(seq_addr), E_PARAM },
	{ "out on the block", DEC, P(out_addr), BLOCK, 0, 0, E_PARAM },
	{ "APPEND k in the pool", APP, P(k_addr), FROM, 0, O(kv_base), E_PARAM },
	{ "APPEND v in the pool", APP, P(v_addr), FROM, 64, O(kv_base), E_PARAM },
	{ "APPEND descriptors in the pool", APP, P(seq_addr), FROM, 0, O(kv_base), E_PARAM },
	{ "APPEND block in the pool", APP, P(kv_base), BLOCK, 0, 0, E_PARAM },
	/* 10: descriptors and tables */
	{ "seq reserved", DEC, S0(reserved), SET, 1, 0, E_FLAGS },
	{ "seq 1 reserved", APP, S1(reserved), SET, 1, 0, E_FLAGS },
	{ "n_tokens 0", APP, S0(n_tokens), SET, 0, 0, E_PARAM },
	{ "DECODE n_tokens 2", DEC, S0(n_tokens), SET, 2, 0, E_PARAM },
	{ "PREFILL n_tokens 257", PRE, S0(n_tokens), SET, 257, 0, E_PARAM },
	{ "row past rows", DEC, S1(row), FROM32, 0, O(rows), E_PARAM },
	{ "row 2^32 - 1", APP, S0(row), SET, 0xffffffffll, 0, E_PARAM },
	{ "pos 65536", DEC, S0(pos), SET, 65536, 0, E_PARAM },
	{ "pos 2^32 - 1", PRE, S0(pos), SET, 0xffffffffll, 0, E_PARAM },
	{ "pos beyond the table", DEC, S0(pos), SET, 4000, 0, E_PARAM },
	{ "table_len 0", DEC, S0(table_len), SET, 0, 0, E_PARAM },
	{ "table_len 4097", APP, S0(table_len), SET, 4097, 0, E_PARAM },
	{ "table_addr + 2", DEC, S0(table_addr), ADD, 2, 0, E_ALIGN },
	{ "table_addr at the end", PRE, S0(table_addr), MEM, -4, 0, E_ADDR },
	{ "table on out", DEC, S0(table_addr), FROM, 0, O(out_addr), E_PARAM },
	{ "APPEND table in the pool", APP, S0(table_addr), FROM, 0, O(kv_base), E_PARAM },
	{ "entry = pool_blocks", DEC, T0, FROM32, 0, O(pool_blocks), E_ADDR },
	{ "entry 2^32 - 1", APP, T0, SET, 0xffffffffll, 0, E_ADDR },
};
const uint32_t abad_count = sizeof(abad_cases) / sizeof(abad_cases[0]);

int abad_make(struct acase *c, uint32_t op)
{
	static const struct acase_shape sh = { 8, 4, 2, 16 };
	uint32_t pos[2] = { 20, 3 }, n[2] = { 1, 1 };

	if (op == ABAD_DECODE_QUANT) {
		if (acase_make(c, FLLM_ATTN_OP_DECODE, &sh, 2, pos, n, AC_NORMAL, 1.0, 7))
			return -1;
		return acase_set_op_quant(c, FLLM_ATTN_OP_DECODE, 32);
	}

	if (op == FLLM_ATTN_OP_PREFILL) {
		pos[0] = 5;
		n[0] = 4;
		return acase_make(c, op, &sh, 1, pos, n, AC_NORMAL, 1.0, 7);
	}
	if (op == FLLM_ATTN_OP_APPEND)
		n[0] = 2;
	return acase_make(c, op, &sh, 2, pos, n, AC_NORMAL, 1.0, 7);
}

/* Little-endian load and store of a field of 1-8 bytes. */
static uint64_t load(const uint8_t *at, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, at, size);
	return v;
}

static void store(uint8_t *at, size_t size, uint64_t v)
{
	memcpy(at, &v, size);
}

void abad_apply(struct acase *c, const struct abad *b)
{
	uint8_t *at = (uint8_t *)&c->p + b->off;
	uint64_t v;

	if (b->where == ABAD_SEQ0 || b->where == ABAD_SEQ1)
		at = c->mem + c->p.seq_addr + 32ull * (b->where == ABAD_SEQ1) + b->off;
	else if (b->where == ABAD_TABLE0)
		at = c->mem + c->seq[0].table_addr;
	switch (b->how) {
	case ABAD_SET:
		v = (uint64_t)b->val;
		break;
	case ABAD_ADD:
		v = load(at, b->size) + (uint64_t)b->val;
		break;
	case ABAD_MEM:
		v = c->mem_bytes + (uint64_t)b->val;
		break;
	case ABAD_FROM:
		v = load((const uint8_t *)&c->p + b->from, 8) + (uint64_t)b->val;
		break;
	case ABAD_FROM32:
		v = load((const uint8_t *)&c->p + b->from, 4) + (uint64_t)b->val;
		break;
	default:
		v = c->p_addr;
		break;
	}
	store(at, b->size, v);
	acase_store_params(c);
}
