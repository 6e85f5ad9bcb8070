/* Check "dma_loopback": host -> card -> host moves data unchanged at every size. */
#include <stdlib.h>
#include <string.h>

#include "../units.h"
#include "check.h"

/* Index of the first byte where a and b differ (len if none). */
static size_t dma_first_diff(const unsigned char *a, const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			break;
	return i;
}

/* One size: random data out, back in, compared; *gbps receives the round trip rate. */
static int dma_loopback_one(struct val_ctx *ctx, struct val_result *res, uint64_t size,
			    unsigned char *out, unsigned char *in, double *gbps)
{
	char sz[32];
	fllm_status st;
	fllm_bo *bo;
	size_t diff;
	double t0;

	cli_format_bytes(size, sz, sizeof(sz));
	st = fllm_bo_alloc(ctx->dev, size, NULL, &bo);
	if (st != FLLM_OK) {
		val_fail(res, "%s: allocating card memory: %s", sz, fllm_status_str(st));
		return -1;
	}
	val_random_fill(out, size, size * 0x9e3779b97f4a7c15ull + 1);
	memset(in, 0, size);
	t0 = cli_now();
	st = fllm_bo_write(bo, 0, out, size);
	if (st == FLLM_OK)
		st = fllm_bo_read(bo, 0, in, size);
	*gbps = 2.0 * (double)size / (cli_now() - t0) / 1e9;
	if (st != FLLM_OK) {
		val_fail(res, "%s: DMA failed: %s", sz, fllm_status_str(st));
		goto err_free_bo;
	}
	diff = dma_first_diff(out, in, size);
	if (diff != size) {
		val_fail(res, "%s: byte %zu read back 0x%02x, wrote 0x%02x", sz, diff, in[diff],
			 out[diff]);
		goto err_free_bo;
	}
	fllm_bo_free(bo);
	return 0;

err_free_bo:
	fllm_bo_free(bo);
	return -1;
}

/* Sizes 4 KiB, 16 KiB, 64 KiB ... by 4x up to the limit, and the limit itself:
 * --max-dma (64 MiB by default), --quick (1 MiB) and half the card's memory. */
void val_check_dma_loopback(struct val_ctx *ctx, struct val_result *res)
{
	uint64_t limit = ctx->max_dma, size, done = 0;
	unsigned char *out, *in;
	char lo[32], hi[32];
	double gbps = 0;

	if (ctx->quick && limit > (1u << 20))
		limit = 1u << 20;
	if (limit > ctx->info.mem_size / 2)
		limit = ctx->info.mem_size / 2;
	if (limit < 4096) {
		val_skip(res, "largest allowed transfer is below 4 KiB");
		return;
	}
	out = malloc(limit);
	in = malloc(limit);
	if (!out || !in) {
		val_fail(res, "no host memory for %llu-byte buffers", (unsigned long long)limit);
		goto err_free;
	}
	for (size = 4096; done < limit; size *= 4) {
		if (size > limit)
			size = limit;
		if (dma_loopback_one(ctx, res, size, out, in, &gbps))
			goto err_free;
		done = size;
	}
	val_pass(res, "%s .. %s verified, %.2f GB/s round trip at %s",
		 cli_format_bytes(4096, lo, sizeof(lo)), cli_format_bytes(done, hi, sizeof(hi)),
		 gbps, hi);
err_free:
	free(in);
	free(out);
}
