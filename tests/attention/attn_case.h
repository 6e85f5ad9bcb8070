/*
 * Attention-unit commands for the tests: a card-memory image holding a
 * parameter block, sequence descriptors, block tables (random distinct
 * pool blocks), the KV pool and q, k, v, out rows, everything at 64-aligned
 * addresses and every other byte random, so a comparison of whole images
 * also proves the unit wrote nothing outside its outputs.
 */
#ifndef FLLM_ATTN_CASE_H
#define FLLM_ATTN_CASE_H

#include <stdint.h>

#include "fllm_attention.h"
#include "test_rng.h"

#define ACASE_SEQS_MAX 8u

/* How the pool and the fp32 rows are drawn. */
enum acase_fill {
	AC_RAW,		/* pool: random bytes (any int8, scale and exponent) */
	AC_NORMAL,	/* pool: random fp32 rows quantized per A.2 (1 in 8 value rows
			 * all zero); rows N(0, sigma) */
	AC_PEAKY,	/* as AC_NORMAL with sigma 8: logits spread widely */
	AC_FILL_COUNT
};

struct acase_shape {
	uint32_t head_dim, n_heads, n_kv_heads, block_tokens;
};

struct acase {
	struct fllm_attention_params p;	/* addresses are offsets into mem */
	struct acase_shape sh;
	uint32_t n_seqs;
	struct fllm_attention_seq seq[ACASE_SEQS_MAX];
	uint64_t q, k, v, out;		/* the row regions (all present) */
	uint64_t row_stride, kv_stride, out_stride;	/* out_stride fits records of every g */
	uint8_t *mem;			/* (mem_bytes) image; the block at p_addr */
	uint64_t mem_bytes;
	uint64_t p_addr;
};

/*
 * Build a case: n_seqs sequences with positions pos[i] and n_tokens[i]
 * new tokens, the pool filled for positions below pos[i] + n_tokens[i]
 * (AC_NORMAL/PEAKY: by the reference's quantizer from N(0, sigma) rows),
 * q/k/v rows N(0, sigma), and the block for op. Returns 0, or -1 when the
 * block is not valid (a bug in the caller's shape).
 */
int acase_make(struct acase *c, uint32_t op, const struct acase_shape *sh, uint32_t n_seqs,
	       const uint32_t *pos, const uint32_t *n_tokens, enum acase_fill fill,
	       double sigma, uint64_t seed);

/*
 * Rewrite the block for op (APPEND uses k, v; DECODE/PREFILL q, out) and
 * store it; acase_set_op_quant with F_QUANT records of group g (g 0: fp32).
 */
int acase_set_op(struct acase *c, uint32_t op);
int acase_set_op_quant(struct acase *c, uint32_t op, uint32_t g);

/* Store c->p into the image again (after a test changed it). */
void acase_store_params(struct acase *c);

void acase_free(struct acase *c);

/*
 * Run c with the hls kernel and with the reference on two copies of the
 * image and compare the images byte for byte and the non-finite counts.
 * Prints the first difference and `what`. c->mem keeps the unit's image,
 * so commands can follow each other. Returns 0 if identical.
 */
int acase_compare(struct acase *c, const char *what);

#endif /* FLLM_ATTN_CASE_H */
