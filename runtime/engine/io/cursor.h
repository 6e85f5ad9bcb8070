/*
 * Bounds-checked little-endian reads from an in-memory file. Each read
 * either succeeds completely or returns 0 and leaves the cursor where it was,
 * so a parser can name the field that ran past the end.
 */
#ifndef FLLM_ENGINE_CURSOR_H
#define FLLM_ENGINE_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fllm_cursor {
	const uint8_t *data;	/* (size) bytes being parsed */
	size_t size;
	size_t off;		/* next byte to read, <= size */
};

static inline size_t fllm_cursor_left(const struct fllm_cursor *c)
{
	return c->size - c->off;
}

/* Take n bytes: *p points at them. */
static inline int fllm_cursor_bytes(struct fllm_cursor *c, uint64_t n, const uint8_t **p)
{
	if (n > fllm_cursor_left(c))
		return 0;
	*p = c->data + c->off;
	c->off += (size_t)n;
	return 1;
}

static inline int fllm_cursor_u32(struct fllm_cursor *c, uint32_t *v)
{
	const uint8_t *p;

	if (!fllm_cursor_bytes(c, 4, &p))
		return 0;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return 1;
}

static inline int fllm_cursor_u64(struct fllm_cursor *c, uint64_t *v)
{
	uint32_t lo, hi;
	size_t at = c->off;

	if (!fllm_cursor_u32(c, &lo) || !fllm_cursor_u32(c, &hi)) {
		c->off = at;
		return 0;
	}
	*v = (uint64_t)hi << 32 | lo;
	return 1;
}

/* A little-endian value at p (already bounds-checked by the caller). */
static inline uint32_t fllm_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t fllm_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint64_t fllm_le64(const uint8_t *p)
{
	return (uint64_t)fllm_le32(p + 4) << 32 | fllm_le32(p);
}

static inline float fllm_le_f32(const uint8_t *p)
{
	uint32_t u = fllm_le32(p);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

#endif /* FLLM_ENGINE_CURSOR_H */
