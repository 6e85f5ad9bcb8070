/*
 * Check "dma_bandwidth": host-to-card and card-to-host DMA rates against a
 * floor. The floor is --dma-floor, or by device kind: 60% of the PCIe
 * link's raw rate for a card on the bus (when the link is readable), else
 * VAL_DMA_FLOOR_SIM_GBPS for a simulated card and VAL_DMA_FLOOR_GBPS for
 * any other.
 */
#include <stdlib.h>

#include "../units.h"
#include "check.h"
#include "fllm_card.h"
#include "pcie_link.h"

#define VAL_DMA_FLOOR_SIM_GBPS 0.05	/* a card model copying in host memory */
#define VAL_DMA_FLOOR_GBPS 1.0		/* a real card whose link is unknown */
#define VAL_DMA_LINK_SHARE 0.6		/* of the link's raw rate */
#define VAL_DMA_PASSES 3

/* The floor in GB/s and where it comes from. */
static double dma_floor(const struct val_ctx *ctx, const char **why)
{
	fllm_pci_info p;
	double link;

	if (ctx->dma_floor_gbps > 0) {
		*why = "--dma-floor";
		return ctx->dma_floor_gbps;
	}
	if (ctx->info.caps & FLLM_CAP_SIMULATED) {
		*why = "default for a simulated card";
		return VAL_DMA_FLOOR_SIM_GBPS;
	}
	if (!val_pci_info(ctx, &p) &&
	    (link = pcie_link_gbps(p.link_speed_cur, p.link_width_cur)) > 0) {
		*why = "60% of the link's raw rate";
		return VAL_DMA_LINK_SHARE * link;
	}
	*why = "default for a card whose link is unknown";
	return VAL_DMA_FLOOR_GBPS;
}

/* Rate in GB/s of size bytes in dt seconds. */
static double dma_gbps(uint64_t size, double dt)
{
	return dt > 0 ? (double)size / dt * 1e-9 : 0;
}

/* Best of VAL_DMA_PASSES writes and reads of size bytes; 0 or -1 (res failed). */
static int dma_rates(struct val_ctx *ctx, struct val_result *res, uint64_t size,
		     double *h2c, double *c2h)
{
	unsigned char *buf = malloc(size);
	fllm_status st = buf ? FLLM_OK : FLLM_E_NO_MEMORY;
	fllm_bo *bo = NULL;

	if (buf)
		st = fllm_bo_alloc(ctx->dev, size, NULL, &bo);
	for (int k = 0; k < VAL_DMA_PASSES && st == FLLM_OK; k++) {
		double t0, t1, t2;

		val_random_fill(buf, size, (uint64_t)k + 1);
		t0 = cli_now();
		st = fllm_bo_write(bo, 0, buf, size);
		t1 = cli_now();
		if (st == FLLM_OK)
			st = fllm_bo_read(bo, 0, buf, size);
		t2 = cli_now();
		if (st == FLLM_OK && dma_gbps(size, t1 - t0) > *h2c)
			*h2c = dma_gbps(size, t1 - t0);
		if (st == FLLM_OK && dma_gbps(size, t2 - t1) > *c2h)
			*c2h = dma_gbps(size, t2 - t1);
	}
	fllm_bo_free(bo);
	free(buf);
	if (st != FLLM_OK)
		val_fail(res, "%llu-byte transfers: %s", (unsigned long long)size,
			 fllm_status_str(st));
	return st == FLLM_OK ? 0 : -1;
}

void val_check_dma_bandwidth(struct val_ctx *ctx, struct val_result *res)
{
	uint64_t size = ctx->max_dma;
	const char *why;
	double floor = dma_floor(ctx, &why), h2c = 0, c2h = 0;
	char sz[32];

	if (ctx->quick && size > (4u << 20))
		size = 4u << 20;
	if (size > ctx->info.mem_size / 2)
		size = ctx->info.mem_size / 2;
	cli_format_bytes(size, sz, sizeof(sz));
	if (dma_rates(ctx, res, size, &h2c, &c2h))
		return;
	if (h2c < floor || c2h < floor)
		val_fail(res, "%s transfers: host to card %.2f GB/s, card to host %.2f GB/s; "
			 "floor %.2f GB/s (%s)", sz, h2c, c2h, floor, why);
	else
		val_pass(res, "%s transfers: host to card %.2f GB/s, card to host %.2f GB/s "
			 ">= floor %.2f GB/s (%s)", sz, h2c, c2h, floor, why);
}
