/*
 * memcpy and memset for the freestanding RV32 build: gcc may emit calls to
 * them for struct copies and clears even with -ffreestanding.
 */
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t len);
void *memset(void *dst, int c, size_t len);

/* Byte copy; kept as a loop (not turned back into a memcpy call). */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (len--)
		*d++ = *s++;
	return dst;
}

/* Byte fill; kept as a loop (not turned back into a memset call). */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memset(void *dst, int c, size_t len)
{
	unsigned char *d = dst;

	while (len--)
		*d++ = (unsigned char)c;
	return dst;
}
