/* Growable little-endian byte buffer for the test writers. */
#include "bytebuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bb_init(struct bytebuf *b)
{
	memset(b, 0, sizeof(*b));
}

void bb_free(struct bytebuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void bb_bytes(struct bytebuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data) {
			fprintf(stderr, "bytebuf: out of memory\n");
			exit(2);
		}
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

void bb_u8(struct bytebuf *b, uint8_t v)
{
	bb_bytes(b, &v, 1);
}

void bb_u16(struct bytebuf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	bb_bytes(b, p, 2);
}

void bb_u32(struct bytebuf *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	bb_bytes(b, p, 4);
}

void bb_u64(struct bytebuf *b, uint64_t v)
{
	bb_u32(b, (uint32_t)v);
	bb_u32(b, (uint32_t)(v >> 32));
}

void bb_f32(struct bytebuf *b, float v)
{
	uint32_t u;

	memcpy(&u, &v, 4);
	bb_u32(b, u);
}

void bb_pad(struct bytebuf *b, size_t align)
{
	while (b->len % align)
		bb_u8(b, 0);
}

void bb_put_u32(struct bytebuf *b, size_t off, uint32_t v)
{
	b->data[off] = (uint8_t)v;
	b->data[off + 1] = (uint8_t)(v >> 8);
	b->data[off + 2] = (uint8_t)(v >> 16);
	b->data[off + 3] = (uint8_t)(v >> 24);
}
