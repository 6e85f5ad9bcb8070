/*
 * Private helpers of the LUT-GEMM files in hls/: little-endian access to
 * card memory and host buffers, range arithmetic, and the field checks that
 * the unit and the host-side parameter-block builder share.
 */
#ifndef FLLM_LUTGEMM_INTERNAL_H
#define FLLM_LUTGEMM_INTERNAL_H

#include <stdint.h>
#include "fllm_lutgemm.h"

/* Little-endian 16-bit read at byte address addr. */
static inline uint16_t fllm_lg_rd16(const uint8_t *mem /* bytes */, uint64_t addr)
{
	return (uint16_t)(mem[addr] | mem[addr + 1] << 8);
}

/* Little-endian 32-bit read at byte address addr. */
static inline uint32_t fllm_lg_rd32(const uint8_t *mem /* bytes */, uint64_t addr)
{
	return (uint32_t)fllm_lg_rd16(mem, addr) | (uint32_t)fllm_lg_rd16(mem, addr + 2) << 16;
}

/* Little-endian 16-bit write at byte offset off. */
static inline void fllm_lg_wr16(uint8_t *buf /* bytes */, uint64_t off, uint16_t v)
{
	buf[off] = (uint8_t)v;
	buf[off + 1] = (uint8_t)(v >> 8);
}

/* Little-endian 32-bit write at byte offset off. */
static inline void fllm_lg_wr32(uint8_t *buf /* bytes */, uint64_t off, uint32_t v)
{
	fllm_lg_wr16(buf, off, (uint16_t)v);
	fllm_lg_wr16(buf, off + 2, (uint16_t)(v >> 16));
}

/* [addr, addr + len) lies inside a memory of mem_bytes (overflow-safe). */
static inline int fllm_lg_range_ok(uint64_t addr, uint64_t len, uint64_t mem_bytes)
{
	return len <= mem_bytes && addr <= mem_bytes - len;
}

/* Two ranges share at least one byte (both already inside memory). */
static inline int fllm_lg_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The n words at w are all 0 (a block's reserved fields, unused entries). */
static inline int fllm_unit_words_zero(const uint64_t *w /* (n) */, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (w[i])
			return 0;
	return 1;
}

/*
 * Every unit's first check (numerics 6.1 step 1, V.5, A.10): its parameter
 * block is exactly `want` bytes, 64-aligned and inside card memory. Then
 * the block is copied to *dst (want bytes); nothing is written on error.
 */
static inline enum fllm_card_err fllm_unit_block_fetch(const uint8_t *mem /* card memory */,
						       uint64_t mem_bytes, uint64_t params,
						       uint64_t params_bytes, void *dst,
						       uint64_t want)
{
	if (params_bytes != want)
		return FLLM_CARD_ERR_SIZE;
	if (params % 64u)
		return FLLM_CARD_ERR_ALIGN;
	if (!fllm_lg_range_ok(params, want, mem_bytes))
		return FLLM_CARD_ERR_ADDR;
	__builtin_memcpy(dst, mem + params, want);
	return FLLM_CARD_OK;
}

/* Bytes of the output region: N rows of out_stride, the last one 4 * m long. */
static inline uint64_t fllm_lg_out_len(const struct fllm_lutgemm_params *p)
{
	return (uint64_t)(p->n_tokens - 1) * p->out_stride + 4ull * p->m;
}

/*
 * Checks 2-4 of docs/numerics.md "Validation" (magic, version, reserved
 * fields, shape, row_bytes): everything that does not depend on addresses.
 */
enum fllm_card_err fllm_lg_check_fields(const struct fllm_lutgemm_params *p);

#endif /* FLLM_LUTGEMM_INTERNAL_H */
