/*
 * A growable byte buffer for the tests' file writers (little-endian
 * appends). Allocation failure aborts the test program, which is fine here.
 */
#ifndef FLLM_TEST_BYTEBUF_H
#define FLLM_TEST_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

struct bytebuf {
	uint8_t *data;		/* (len) bytes written so far */
	size_t len, cap;
};

void bb_init(struct bytebuf *b);
void bb_free(struct bytebuf *b);
void bb_bytes(struct bytebuf *b, const void *p, size_t n);
void bb_u8(struct bytebuf *b, uint8_t v);
void bb_u16(struct bytebuf *b, uint16_t v);
void bb_u32(struct bytebuf *b, uint32_t v);
void bb_u64(struct bytebuf *b, uint64_t v);
void bb_f32(struct bytebuf *b, float v);
/* Append zero bytes until len is a multiple of align. */
void bb_pad(struct bytebuf *b, size_t align);
/* Overwrite 4 bytes at off (little-endian). */
void bb_put_u32(struct bytebuf *b, size_t off, uint32_t v);

#endif /* FLLM_TEST_BYTEBUF_H */
