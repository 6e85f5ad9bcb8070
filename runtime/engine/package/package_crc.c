/*
 * Package checksums: CRC-32 through zlib's crc32(), Debian's packaged
 * implementation (zlib1g-dev), rather than a hand-written table: it is the
 * standard polynomial with the standard bit order, checked by everyone who
 * uses PNG or gzip, and faster than a plain table loop on large packages.
 * zlib takes a uInt length, so long buffers go through in pieces.
 */
#include <limits.h>
#include <zlib.h>

#include "package.h"

/* See package.h: zlib in pieces of at most UINT_MAX / 2 bytes. */
uint32_t fllm_pkg_crc32(uint32_t crc, const void *data, size_t len)
{
	const Bytef *p = data;
	uLong c = crc;

	while (len) {
		uInt n = len > UINT_MAX / 2 ? UINT_MAX / 2 : (uInt)len;

		c = crc32(c, p, n);
		p += n;
		len -= n;
	}
	return (uint32_t)c;
}
