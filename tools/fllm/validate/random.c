/* Reproducible random test data (see check.h). */
#include <string.h>

#include "check.h"

/* xorshift64* stream: fast, and a fixed seed reproduces a failing run. */
void val_random_fill(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t x = seed ? seed : 0x6a09e667f3bcc909ull, w;
	size_t n;

	while (len) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		w = x * 0x2545f4914f6cdd1dull;
		n = len < sizeof(w) ? len : sizeof(w);
		memcpy(p, &w, n);
		p += n;
		len -= n;
	}
}
