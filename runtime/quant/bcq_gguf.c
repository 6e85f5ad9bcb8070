/*
 * GGUF Q4_0 and Q8_0 blocks to BCQ with offset, exactly. Block layouts as
 * ggml defines them (little-endian):
 *   block_q4_0: fp16 d, uint8 qs[16]; element j = qs[j] & 15, element
 *               j + 16 = qs[j] >> 4; w = d * (c - 8)
 *   block_q8_0: fp16 d, int8 qs[32]; w = d * qs
 * Both become g = 32 groups: q = 4 with zp = 8, or q = 8 with c = qs + 128
 * and zp = 128; the alphas d * 2^(i-1) and the offset -d/2 are exact.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "bcq_internal.h"
#include "fp16.h"

/* The fp16 scale at the start of a block (little-endian). */
static float bcq_block_scale(const uint8_t *block)
{
	return fllm_f16_to_f32((uint16_t)(block[0] | (block[1] << 8)));
}

/*
 * Shared walk over rows of 32-weight blocks: check sizes and scales, then
 * let unpack() produce each block's 32 codes and zero point.
 */
static fllm_status bcq_from_blocks(const uint8_t *blocks, size_t size, uint32_t rows,
				   uint32_t cols, uint32_t planes, size_t block_bytes,
				   float (*unpack)(const uint8_t *block, uint8_t *code),
				   fllm_bcq **out)
{
	size_t per_row = cols / FLLM_GGUF_QK;
	size_t n_blocks = (size_t)rows * per_row;
	fllm_bcq *m;
	fllm_status st;

	*out = NULL;
	if (!rows || !cols || cols % FLLM_GGUF_QK || size / block_bytes != n_blocks ||
	    size % block_bytes)
		return FLLM_E_INVALID_ARG;
	for (size_t b = 0; b < n_blocks; b++)
		if (!isfinite(bcq_block_scale(blocks + b * block_bytes)))
			return FLLM_E_FORMAT;
	st = fllm_bcq_alloc(rows, cols, FLLM_GGUF_QK, planes, 1, &m);
	if (st)
		return st;
	for (uint32_t r = 0; r < rows; r++) {
		for (uint32_t gi = 0; gi < per_row; gi++) {
			const uint8_t *block = blocks + ((size_t)r * per_row + gi) * block_bytes;
			uint8_t code[FLLM_GGUF_QK];	/* (32) codes in [0, 2^q - 1] */
			float zp = unpack(block, code);

			bcq_store_uniform_group(m, r, gi, code, FLLM_GGUF_QK,
						bcq_block_scale(block), zp);
		}
	}
	*out = m;
	return FLLM_OK;
}

/* Q4_0 nibbles to codes; zero point 8. */
static float bcq_unpack_q4_0(const uint8_t *block, uint8_t *code)
{
	const uint8_t *qs = block + 2;	/* (16) two codes per byte */

	for (int j = 0; j < FLLM_GGUF_QK / 2; j++) {
		code[j] = qs[j] & 0x0f;
		code[j + FLLM_GGUF_QK / 2] = qs[j] >> 4;
	}
	return 8.0f;
}

/* Q8_0 int8 to codes qs + 128; zero point 128. */
static float bcq_unpack_q8_0(const uint8_t *block, uint8_t *code)
{
	const uint8_t *qs = block + 2;	/* (32) int8 two's complement */

	for (int j = 0; j < FLLM_GGUF_QK; j++)
		code[j] = (uint8_t)(qs[j] ^ 0x80);
	return 128.0f;
}

/* GGUF Q4_0 (see fllm_bcq.h). */
fllm_status fllm_bcq_from_q4_0(const void *blocks, size_t size, uint32_t rows, uint32_t cols,
			       fllm_bcq **out)
{
	assert(blocks && out);
	return bcq_from_blocks(blocks, size, rows, cols, 4, FLLM_GGUF_Q4_0_BYTES,
			       bcq_unpack_q4_0, out);
}

/* GGUF Q8_0 (see fllm_bcq.h). */
fllm_status fllm_bcq_from_q8_0(const void *blocks, size_t size, uint32_t rows, uint32_t cols,
			       fllm_bcq **out)
{
	assert(blocks && out);
	return bcq_from_blocks(blocks, size, rows, cols, 8, FLLM_GGUF_Q8_0_BYTES,
			       bcq_unpack_q8_0, out);
}
