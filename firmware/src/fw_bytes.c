/* Byte copy and fill for the freestanding firmware. */
#include "fw_internal.h"

/* Copy len bytes; the ranges must not overlap. */
void fw_memcpy(void *dst, const void *src, uint32_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (len--)
		*d++ = *s++;
}

/* Fill len bytes with c. */
void fw_memset(void *dst, int c, uint32_t len)
{
	uint8_t *d = dst;

	while (len--)
		*d++ = (uint8_t)c;
}
